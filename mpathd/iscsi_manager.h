/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's side of the iSCSI session manager (iscsi-session/): its life cycle, commands and views. */
#pragma once

#include <stdbool.h>

struct daemon;
struct isess_config;
struct path;
struct strbuf;

/*
 * At start-up, before the loop runs: start the manager when the config has an iscsi
 * section (this reads its CHAP file); 0 or -errno (the daemon runs on).
 */
int iscsi_manager_start(struct daemon *d);
void iscsi_manager_stop(struct daemon *d);
/*
 * After a reload: start, reconfigure or stop the manager as the new config says. @c is
 * isess_config_new() of it, built off the loop with the config (NULL without an iscsi
 * section); taken.
 */
void iscsi_manager_reconfigure(struct daemon *d, struct isess_config *c);
/* `iscsi rebalance`, `iscsi check [--fix]` (on the loop). */
int iscsi_manager_command(struct daemon *d, char **args, int nargs, struct strbuf *out);
/*
 * `show iscsi VIEW [N]` on a client thread, from the published snapshot (under rcu_read_lock).
 * For `check N`: -EAGAIN until check run N has finished.
 */
int iscsi_manager_show(char **args, int nargs, bool json, struct strbuf *out);

/*
 * Fail at once every iSCSI path whose session goes through @netdev (and to @portal
 * "ADDR:PORT" when not NULL), as the manager's probes ask. Returns how many were failed now.
 */
int iscsi_paths_fail_netdev(struct daemon *d, const char *netdev, const char *portal, const char *reason);

/*
 * Whether @p's iSCSI session is being logged out by the manager: such a path joins no map
 * (its disk is about to go). The kernel's destroy event of the session ends it.
 */
bool iscsi_path_leaving(const struct path *p);
void iscsi_session_destroyed(struct daemon *d, unsigned sid);
