/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where each part of a LUN lives (SBC-3 REPORT REFERRALS), read off the loop and refreshed on a timer. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "mpath-selector.h"

struct daemon;
struct mpmap;

/**
 * struct map_referrals - a map's referrals as last read.
 * @state: not asked yet, asked and refused (the LUN reports none: never asked again), or known.
 * @segments, @nr_segments: the user data segments in LBA order, as plugins see them.
 * @tpgs: the storage @segments point into.
 * @segment_size: blocks per segment (VPD page 0xB3, else the first segment's length).
 * @period: with a multiplier, the blocks the segments describe before the pattern repeats.
 * @refreshed_usec: when they were last read (CLOCK_MONOTONIC), 0 never.
 * @in_flight: a read is on a devio worker.
 * @again: something asked for a read while one was in flight.
 * @req: the read in flight (orphaned when the map goes).
 * @timer: the next refresh (referrals_refresh seconds).
 * @first_usec: when the first read was asked for, 0 before.
 * @wait_timer: ends the wait of a first load for the first read (map_referrals_pending()).
 */
struct map_referrals {
	enum { REFERRALS_UNKNOWN, REFERRALS_NONE, REFERRALS_KNOWN } state;
	struct mpath_sel_segment *segments;
	size_t nr_segments;
	struct mpath_sel_tpg_state *tpgs;
	uint32_t segment_size;
	uint64_t period;
	uint64_t refreshed_usec;
	bool in_flight;
	bool again;
	void *req;
	sd_event_source *timer;
	uint64_t first_usec;
	sd_event_source *wait_timer;
};

/* How long a map's load waits for its first referrals read (a hung path must not hold it). */
#define REFERRALS_FIRST_WAIT_USEC (5 * 1000000ULL)

/*
 * map_referrals_refresh() - read @m's referrals now (or right after the read in flight): when
 * the map appears, on a unit attention, an ALUA change or a path event, and every
 * referrals_refresh seconds. A change is told to the map's policy, which answers with new
 * regions; only the regions that changed are sent (map_apply.c). LIO raises no unit attention
 * when its map changes, so the timer is what notices there.
 */
void map_referrals_refresh(struct daemon *d, struct mpmap *m);

/*
 * map_referrals_pending() - whether @m's first referrals read is still on its way, and young
 * enough to wait for: a stack built before it would have the wrong region size, and a load
 * with it would reset an adopted switch. While true, loads wait (map_apply.c); the read's end,
 * or REFERRALS_FIRST_WAIT_USEC, starts the waiting reload.
 */
bool map_referrals_pending(struct daemon *d, struct mpmap *m);

/* map_referrals_release() - stop @m's timer and free what it holds; a read in flight is orphaned. */
void map_referrals_release(struct mpmap *m);
