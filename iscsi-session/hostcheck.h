/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host checks' shared state: findings, don't-fragment pings and a run; internal to hostcheck*.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "manager.h"

#define FINDINGS_MAX 64
#define PING_WAIT_USEC 1000000ULL	/* how long a don't-fragment ping may take to answer */

/** struct finding - one problem: what it is, and the command that fixes it ("" for none). */
struct finding {
	char what[224];
	char fix[320];
};

/* A don't-fragment ping of one size from one NIC to one member portal. */
struct dfping {
	char nic[ISESS_NIC_MAX];
	char addr[ISESS_ADDR_MAX];
	unsigned size;			/* the IP packet size: the MTU tested */
	uint16_t seq;
	bool answered;
	int fd;
	sd_event_source *io;
};

struct hostcheck {
	struct isess *m;
	uint64_t run;			/* the run in progress, 0 for none */
	bool fix;			/* it applies fixes */
	uint64_t next_run;		/* a run asked for meanwhile */
	bool next_fix;
	struct finding *found;		/* the run in progress */
	size_t n_found;
	struct finding *result;		/* the last run that finished */
	size_t n_result;
	size_t fixed;			/* fixes the last run applied */
	uint64_t finished_at;
	struct dfping *pings;
	size_t n_pings;
	sd_event_source *ping_timer;
	char **fix_queue;		/* fix commands still to run */
	size_t n_fix_queue, fix_next;
	unsigned fix_pass;		/* passes of fixes this run has applied */
	char hb_bound[256];		/* open-iscsi ifaces bound to the heartbeat port, read off the loop */
	struct mgr_blocking *hb_job;	/* that read, in flight */
	uint16_t seq;
};

/* hostcheck.c: add a finding to the run in progress; @fix is the command that fixes it, or NULL. */
void hostcheck_finding_add(struct hostcheck *h, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* hostcheck_host.c: the checks answered at once (sysctls, routing, addresses, heartbeat, MTU settings). */
void hostcheck_host_checks(struct hostcheck *h);

/* hostcheck_mtu.c: the MTU end to end, by don't-fragment pings answered on the loop */
/* The MTU setting of @nic against the iscsi section's mtu. */
void hostcheck_mtu_config(struct hostcheck *h, const struct mgr_nic *nic);
/* Each NIC with a carrier pings each IPv4 member portal it serves, at its MTU and at 1500. */
void hostcheck_pings_start(struct hostcheck *h);
/* The findings of the pings sent (after PING_WAIT_USEC). */
void hostcheck_mtu_verdicts(struct hostcheck *h);
void hostcheck_pings_release(struct hostcheck *h);
