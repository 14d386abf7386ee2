/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The manager's state, shared by its files (manager, discovery, apply, probes, hostcheck, report); internal. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "isess.h"
#include "isess_config.h"
#include "iscsiadm.h"
#include "layout.h"
#include "nics.h"
#include "runner.h"
#include "sessions.h"

struct probes;
struct hostcheck;

/* iscsiadm children at a time: iscsid serves them in parallel, each mostly waits. */
#define ISESS_ADM_PARALLEL 8
/* How long an iscsiadm may take: management commands, and a login (login_timeout + margin). */
#define ISESS_ADM_TIMEOUT_USEC (15 * 1000000ULL)
/* After a failed login, the same session is tried again after this, doubling up to 60 s. */
#define ISESS_LOGIN_BACKOFF_USEC (2 * 1000000ULL)
/* The reconciliation tick: sessions re-read from sysfs, the plan redone if anything moved. */
#define ISESS_TICK_USEC (1000000ULL)
/* A reconciliation pass or a publication that takes this long is logged: it holds the loop. */
#define ISESS_PASS_SLOW_USEC (100 * 1000ULL)
/* A NIC (or portal) that came back: its sessions still not in use after this are logged in anew. */
#define ISESS_RELOGIN_GRACE_USEC (1000000ULL)

/** struct mgr_nic - one NIC the manager binds sessions to. */
struct mgr_nic {
	char name[ISESS_NIC_MAX];
	char iface[ISCSIADM_IFACE_MAX];
	bool iface_ready;		/* the open-iscsi iface exists and is bound to this NIC */
	bool iface_busy;		/* iscsiadm is creating it */
	bool usable;			/* it exists and has an address */
	struct nic_info info;		/* as last read; ifindex 0 when absent */
	uint64_t relogin_at;		/* CLOCK_MONOTONIC µs: check its sessions then (0: none due) */
	unsigned relogin_sid_max;	/* ... those with a sid up to this one: the later ones are
					 * the replacements, on their way into the maps */
};

/** struct group - the volumes and members the last successful discovery found. */
struct group {
	struct iscsiadm_record *records;	/* sorted by target, tpgt, address */
	size_t n_records;
	struct layout_volume *volumes;
	size_t n_volumes;
	struct layout_member *members;		/* each volume's members in a row */
	struct layout_portal *portals;		/* each member's portals in a row */
	char (*targets)[ISESS_TARGET_MAX];
};

/*
 * struct mgr_blocking - file work (node records under /etc/iscsi) that runs off the loop
 * through the host's run_blocking. Embed it at the head of the job. Its owner keeps a
 * pointer to it in *@slot (cleared before @done runs) and sets @owner NULL when it goes
 * first; then @done is skipped.
 * @work: off the loop; touches only the job.
 * @done: on the loop, while the owner lives.
 * @release: frees the job (and wipes what it held), always.
 */
struct mgr_blocking {
	void *owner;
	struct mgr_blocking **slot;
	uint64_t started;		/* isess_now() when it was handed to the host */
	void (*work)(struct mgr_blocking *b);
	void (*done)(void *owner, struct mgr_blocking *b);
	void (*release)(struct mgr_blocking *b);
};

enum op_kind { OP_DISCOVERY, OP_IFACE, OP_LOGIN, OP_LOGOUT, OP_RELOGIN };

/** struct op - an iscsiadm sequence in flight. */
struct op {
	struct isess *m;
	enum op_kind kind;
	struct layout_session node;	/* login, logout, relogin: its node (target, portal, NIC); iface: its NIC */
	unsigned sid;			/* logout, relogin: the session */
	size_t index;			/* discovery: which attempt */
	unsigned prep_gen;		/* login: m->prep_gen when its node's set-up began */
	int step;
	struct run_job *job;
	struct mgr_blocking *blocking;	/* file work in flight for it */
	uint64_t started;
	struct op *next;
};

/** struct backoff - a session whose login failed, not tried again before @until. */
struct backoff {
	struct layout_session node;
	uint64_t until;
	unsigned failures;
	char error[64];
};

struct isess {
	sd_event *event;
	const struct isess_host_ops *ops;
	void *host;
	struct isess_config *cfg;
	struct runner *runner;

	struct mgr_nic *nics;
	size_t n_nics;
	struct nic_info *all_nics;	/* every interface, as last read */
	size_t n_all_nics;
	int rtnl_fd;
	sd_event_source *rtnl_source;

	struct group group;
	bool discovered;		/* a discovery has succeeded */
	uint64_t discovered_at;
	char discovery_error[160];
	char **gone;			/* targets the last discovery no longer listed */
	size_t n_gone;
	char changes[8][160];		/* the last changes, newest first, for `show members` */

	struct isess_session *sessions;	/* every iSCSI session, as last read */
	size_t n_sessions;
	struct layout_plan plan;
	size_t held_logouts;
	bool rebalance;			/* next plan ignores where sessions are now */

	struct op *ops_running;
	struct layout_session *prepared;	/* nodes whose records this manager set up (since its last reconfigure) */
	size_t n_prepared;
	unsigned prep_gen;			/* bumped by each reconfigure: a login set up before it is not remembered */
	struct backoff *backoffs;
	size_t n_backoffs;

	struct probes *probes;
	struct hostcheck *checks;
	uint64_t check_requested;	/* the last check run asked for */
	uint64_t check_done;		/* the last check run finished */

	sd_event_source *tick;
	sd_event_source *discovery_timer;
	sd_event_source *kick;		/* reconcile soon: coalesces many reasons into one pass */
	sd_event_source *publish;	/* publish soon */
	sd_event_source *relogin_timer;
};

uint64_t isess_now(void);
/* Ask for a reconciliation pass / a publication on the next loop iteration. */
void mgr_kick(struct isess *m);
/* After the grace, @nic's sessions that exist now (in m->sessions) and are still not in use get
 * a new login; later ones are the replacements. */
void mgr_relogin_after_grace(struct isess *m, const char *nic);
void mgr_publish_later(struct isess *m);
/* Remember a change for `show members` and log it at notice level. */
void mgr_change(struct isess *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct mgr_nic *mgr_nic_find(struct isess *m, const char *name);
/* Start @argv for @op; its answer goes to @done. 0 or -errno (then @op is not running). */
int mgr_op_run(struct op *op, char *const *argv, uint64_t timeout_usec, run_done_t done);
struct op *mgr_op_new(struct isess *m, enum op_kind kind);
/*
 * Run @b for @owner, which points to it in *@slot, off the loop (see struct mgr_blocking).
 * 0, or -errno: then nothing runs, *@slot is NULL and @b is still the caller's. A host without workers runs it at once, on the loop: then @done
 * has run (and may have ended the owner) by the time this returns.
 */
int mgr_blocking_run(struct isess *m, void *owner, struct mgr_blocking **slot, struct mgr_blocking *b);
void mgr_op_end(struct op *op);
/* Whether session @sid is in use by the host (logged in, a path active). */
bool mgr_session_working(const struct isess *m, const struct isess_session *s);

/* discovery.c */
/* Start a discovery unless one runs. */
void discovery_start(struct isess *m);
void group_release(struct group *g);
/* The member of volume @v whose portals include @addr:@port, or NULL. */
const struct layout_member *group_member_of(const struct group *g, const char *target, const char *addr,
					    unsigned port);

/* apply.c */
/* Refresh the session table, redo the plan, start the logins and logouts it needs. */
void apply_reconcile(struct isess *m);
/* Make sure each NIC has its iface. */
void apply_ifaces(struct isess *m);
/* The sessions through @nic (and to @portal "ADDR:PORT", or any) that are not in use, with a sid up
 * to @sid_max (0: any): log them in anew. Leaves the session table it read in m->sessions. */
void apply_relogin(struct isess *m, const char *nic, const char *portal, bool only_failed, unsigned sid_max);
/* Logins whose file work has not answered within ISESS_ADM_TIMEOUT_USEC end (and back off). */
void apply_expire(struct isess *m);
/* Whether a login for @node runs. */
bool apply_login_running(const struct isess *m, const struct layout_session *node);
/* @nic lost its carrier: its sessions fail their I/O over now, where their volumes have other working ones. */
void apply_fail_fast(struct isess *m, const char *nic);

/* probes.c (per-NIC ICMP probes and the heartbeat) */
int probes_new(struct isess *m, struct probes **ret);
struct probes *probes_free(struct probes *p);
/* The NICs or portals changed: probe what the sessions use now. */
void probes_update(struct isess *m);
/* An ARP request and an echo now to each portal @nic probes, outside the interval: a returning
 * carrier gets its neighbour entries resolved before the logins it triggers connect. */
void probes_send_now(struct isess *m, const char *nic);
/* For `show ifaces` and `show members`: "ok", "lost", "-" (not probed). */
const char *probes_state(const struct isess *m, const char *nic, const char *addr);
/* The heartbeat's view of @addr: "ok", "lost", "-". */
const char *probes_heartbeat_state(const struct isess *m, const char *addr);
/* The last round-trip time to @addr from @nic in µs, 0 when none. */
uint64_t probes_rtt(const struct isess *m, const char *nic, const char *addr);

/* hostcheck.c */
int hostcheck_new(struct isess *m, struct hostcheck **ret);
struct hostcheck *hostcheck_free(struct hostcheck *h);
/* Start check run number @run (applying fixes when @fix); its end sets m->check_done. */
void hostcheck_start(struct isess *m, uint64_t run, bool fix);
/* Render the findings of the last finished run. */
int hostcheck_render(const struct isess *m, bool json, struct strbuf *out);

/* report.c */
/* Build and hand a new snapshot to the host. */
void report_publish(struct isess *m);
