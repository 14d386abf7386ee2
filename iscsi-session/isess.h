/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The iSCSI session manager's interface to its host (mpathd): start it on the host's event
 * loop, reconfigure, stop, run its commands, and read what it publishes. Everything else in
 * iscsi-session/ is internal.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "strbuf.h"

struct isess;
struct isess_config;
struct isess_snapshot;

/**
 * struct isess_host_ops - how the manager asks its host to act on paths. Every operation
 * runs on the loop and must not block.
 * @fail_paths: fail at once every path whose iSCSI session goes through an iface bound to
 *              @netdev and, when @portal ("ADDR:PORT") is not NULL, to that portal; @reason
 *              is for the log. Returns the number of paths failed.
 * @recheck_paths: test those paths now and quickly for a while: their transport is back.
 *                 A probe never reinstates a path itself; the path's checker does.
 * @session_active: whether session @sid has a path the host uses (the kernel has it
 *                  active and its checker passes).
 * @session_leaving: the manager starts logging out session @sid (@leaving true), or that
 *                   logout failed and the session stays (false). Its disks are about to go:
 *                   the host keeps them out of its tables meanwhile. May be NULL.
 * @volume_limits: the membersessions and volumesessions a devices or multipaths entry sets
 *                 for the volume with target name @target (known from its paths), in *@ms
 *                 and *@vs (0 for not set). Returns 0, or -ENOENT when nothing specific
 *                 applies (then the iscsi section's values do). May be NULL.
 * @publish: a new snapshot for readers; the host takes over the reference @snap holds.
 *           Readers on other threads get at it through the host's own means (RCU).
 * @run_blocking: run @work(@arg) off the loop (it reads or writes files under /etc/iscsi),
 *                then @done(@arg) on the loop. Returns 0, or -errno when it cannot (then
 *                neither runs). When the host stops first, @done may never run. May be NULL:
 *                then the manager runs @work on the loop itself (for hosts without workers).
 */
struct isess_host_ops {
	int (*fail_paths)(void *host, const char *netdev, const char *portal, const char *reason);
	void (*recheck_paths)(void *host, const char *netdev, const char *portal);
	bool (*session_active)(void *host, unsigned sid);
	void (*session_leaving)(void *host, unsigned sid, bool leaving);
	int (*volume_limits)(void *host, const char *target, unsigned *ms, unsigned *vs);
	void (*publish)(void *host, struct isess_snapshot *snap);
	int (*run_blocking)(void *host, void (*work)(void *arg), void (*done)(void *arg), void *arg);
};

/**
 * isess_config_new() - the manager's settings from @cfg, ready for isess_start() or
 * isess_reconfigure().
 * @cfg: the loaded configuration.
 * @ret: receives the settings, or NULL when @cfg has no iscsi section.
 *
 * Reads the CHAP file, so it may block: call it where the config itself is read, off the
 * loop. The file must be a regular file owned by root and readable by root only (mode 0600
 * or 0400), with lines "username NAME", "password SECRET" and optionally "username_in
 * NAME", "password_in SECRET"; '#' starts a comment. Otherwise it is refused, and the
 * manager reports why and logs in nowhere.
 *
 * Return: 0 or -ENOMEM.
 */
int isess_config_new(const struct mp_config *cfg, struct isess_config **ret);

/** isess_config_free() - free @c, wiping the CHAP secrets; accepts and returns NULL. */
struct isess_config *isess_config_free(struct isess_config *c);

/**
 * isess_start() - start the manager on @event.
 * @event: the host's loop; the manager never blocks it (iscsiadm runs as child processes
 *         with deadlines, probes and checks use non-blocking sockets).
 * @cfg: its settings from isess_config_new() (not NULL); taken, also on failure.
 * @ops: the host's operations; must outlive the manager.
 * @host: passed to every operation.
 * @ret: receives the manager.
 *
 * Blocks SIGCHLD in the calling thread, as watching child processes needs.
 *
 * Return: 0, or -errno (a refused CHAP file is not an error here: the manager runs and
 * reports it, and logs in nowhere).
 */
int isess_start(sd_event *event, struct isess_config *cfg, const struct isess_host_ops *ops,
		void *host, struct isess **ret);

/**
 * isess_reconfigure() - take new settings.
 * @m: the manager.
 * @cfg: the new settings from isess_config_new() (not NULL); taken.
 *
 * Sessions stay; the next reconciliation moves them to the new layout (new before old).
 * A configuration without an iscsi section stops nothing: stop the manager for that.
 */
void isess_reconfigure(struct isess *m, struct isess_config *cfg);

/**
 * isess_stop() - stop the manager: running iscsiadm children are killed, sockets closed.
 * Sessions stay logged in. Accepts NULL; returns NULL.
 */
struct isess *isess_stop(struct isess *m);

/**
 * isess_command() - run a verb of `mpath iscsi` on the loop.
 * @m: the manager (NULL: the reply says it is not configured).
 * @argv: the words after "iscsi": "rebalance", "check" or "check --fix".
 * @argc: their number.
 * @out: receives the reply: for "check", the number of the check run it started
 *       ("check 7 started"), whose findings `show iscsi check 7` waits for.
 *
 * Return: 0, -EINVAL for unknown words, -ENODEV when not configured.
 */
int isess_command(struct isess *m, char **argv, int argc, struct strbuf *out);

/** The views of `mpath iscsi show`. */
enum isess_view {
	ISESS_VIEW_SESSIONS,
	ISESS_VIEW_IFACES,
	ISESS_VIEW_MEMBERS,
	ISESS_VIEW_CHECK,
	ISESS_VIEW_COUNT,
};

/** isess_view_from_name() - "sessions", "ifaces", "members", "check"; -EINVAL otherwise. */
int isess_view_from_name(const char *name);

/**
 * isess_snapshot_text() - one view, rendered when the snapshot was made.
 * @snap: a snapshot the caller holds a reference to (or reads under the host's RCU lock).
 * @view: which view.
 * @json: JSON instead of text.
 *
 * Return: the text, valid as long as @snap.
 */
const char *isess_snapshot_text(const struct isess_snapshot *snap, enum isess_view view, bool json);

/**
 * isess_snapshot_check_done() - the number of the last check run whose findings @snap holds
 * (0 before the first). `show iscsi check N` waits until this reaches N.
 */
uint64_t isess_snapshot_check_done(const struct isess_snapshot *snap);

/**
 * isess_iface_nic() - the NIC a manager-owned iface ("mpathd-<nic>") is bound to, from its
 * name alone (no I/O); NULL for any other iface.
 */
const char *isess_iface_nic(const char *iface);

/** isess_snapshot_ref() / isess_snapshot_unref() - reference counting, thread-safe; NULL is fine. */
struct isess_snapshot *isess_snapshot_ref(struct isess_snapshot *snap);
struct isess_snapshot *isess_snapshot_unref(struct isess_snapshot *snap);
