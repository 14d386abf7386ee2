/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fake daemon for selector plugin tests: settings, state store, clock, log, map views, renderings. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "selector_layout.h"

#define FAKE_MAX_PATHS 16
#define FAKE_MAX_SETTINGS 32

struct fake_path {
	char dev[16], devt[16], hctl[32], transport[16];
	char iface[32], portal[64], target[128], netdev[16], id[256];
};

/**
 * struct fake - one plugin driven against one map.
 * @host: the host callbacks the plugin gets.
 * @ops: the plugin.
 * @map: the map view, rebuilt from @paths before each call.
 * @state_text: the in-memory "state file" (NULL when none); @saves counts writes.
 * @now: the fake CLOCK_MONOTONIC, µs.
 * @log: everything the plugin logged, one message per line.
 */
struct fake {
	struct mpath_sel_host host;
	const struct mpath_selector_ops *ops;
	struct mpath_sel_map map;
	struct mpath_sel_path view[FAKE_MAX_PATHS];
	struct fake_path paths[FAKE_MAX_PATHS];
	size_t nr_paths;
	const char *keys[FAKE_MAX_SETTINGS];
	const char *values[FAKE_MAX_SETTINGS];
	size_t nr_settings;
	char *state_text;
	unsigned saves;
	uint64_t now;
	char log[16384];
};

/** fake_init() - a fake for @ops with map "mpatha", WWID "3600a0b80000000000000000000000001". */
void fake_init(struct fake *f, const struct mpath_selector_ops *ops);
/** fake_release() - detach if attached and free everything. */
void fake_release(struct fake *f);
/** fake_set() - add a setting; repeat a key for multi-valued ones (failover_priority). */
void fake_set(struct fake *f, const char *key, const char *value);
/** fake_unset() - remove every value of @key. */
void fake_unset(struct fake *f, const char *key);

/** fake_add_path() - add SCSI path @dev at @hctl; devt is 8:<16 * n>; usable. Returns its index. */
size_t fake_add_path(struct fake *f, const char *dev, const char *hctl);
/** fake_add_iscsi_path() - add an iSCSI path; its id is iscsi:<target>,<portal>,<iface>. */
size_t fake_add_iscsi_path(struct fake *f, const char *dev, const char *hctl, const char *target,
			   const char *portal, const char *iface);
/** fake_path() - the view of path @dev, to change usable/prio/tpg. */
struct mpath_sel_path *fake_path(struct fake *f, const char *dev);
/**
 * fake_stack() - every device of the layout, one per line: "m11: [sdb] [sdc sdd]" for a
 * multipath device (its groups), "top: switch 8192 m11,m12 | 0 1 0 1" for a switch (region
 * size, lower devices, owner of each region).
 */
char *fake_stack(struct fake *f);

/** fake_remove_path() - drop @dev from the map (later indexes move down). */
void fake_remove_path(struct fake *f, const char *dev);

/** fake_attach() - init() and map_attach(); returns map_attach()'s result. */
int fake_attach(struct fake *f);
/** fake_detach() - map_detach() and fini(). */
void fake_detach(struct fake *f);

/**
 * fake_table() - build the layout and render the top device as table text
 * (no features, no handler), e.g. "0 0 2 1 round-robin 0 1 1 8:16 1 ...".
 * Fails the test on any error. Caller frees.
 */
char *fake_table(struct fake *f);

/**
 * fake_groups() - build the layout and describe it: one "[dev dev]" per
 * group, "*" before the initial one, e.g. "*[sdb] [sdc]". Caller frees.
 */
char *fake_groups(struct fake *f);

/**
 * fake_event() - send path event @event for @dev (or, with @dev NULL, map
 * event @event) and describe the actions: messages joined by "; ", then
 * "reload" if asked; "" for none. Caller frees.
 */
char *fake_event(struct fake *f, const char *dev, int event);
/** fake_map_event() - map event @event; actions as for fake_event(). */
char *fake_map_event(struct fake *f, int event);
/** fake_tick() - tick(); actions as for fake_event(). */
char *fake_tick(struct fake *f);

/**
 * fake_verb() - run a verb: @line is the whole command, e.g. "failover list".
 * @flags: MPATH_SEL_VERB_*.
 * @ret_out: receives the output (caller frees).
 * @ret_actions: receives the actions as for fake_event() (caller frees); may be NULL.
 *
 * Return: the verb's return value.
 */
int fake_verb(struct fake *f, const char *line, unsigned flags, char **ret_out, char **ret_actions);
