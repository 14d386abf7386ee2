/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The manager's settings: the iscsi section copied out of the config, defaults applied, CHAP read. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "iscsiadm.h"
#include "isess.h"

/* Compiled-in defaults (EHCM's for the limits). */
#define ISESS_DEFAULT_MEMBERSESSIONS 2
#define ISESS_DEFAULT_VOLUMESESSIONS 6
#define ISESS_DEFAULT_TOTALSESSIONS 512
#define ISESS_DEFAULT_PROBE_INTERVAL_MS 200
#define ISESS_PROBE_LOSS 3		/* lost replies in a row that fail a NIC's paths to a portal */
#define ISESS_DEFAULT_LOGIN_TIMEOUT_S 5
#define ISESS_DEFAULT_DISCOVERY_INTERVAL_S 60

/**
 * struct isess_config - what the manager runs with; owns its strings.
 * @discovery, @n_discovery: the group addresses.
 * @nics, @n_nics: the NICs to bind; @n_nics 0 means every NIC with an address in a
 *                 discovery address's subnet, but the heartbeat and excluded ones.
 * @heartbeat: the heartbeat interface, or NULL.
 * @excludes, @n_excludes: NICs and subnets never used.
 * @volumes, @n_volumes: the targets to serve; none means all.
 * @chap_file: the CHAP file, or NULL.
 * @chap: its credentials when it was read and accepted (never logged or shown).
 * @chap_error: why the file was refused, "" when it was not: the manager then logs in nowhere.
 * @membersessions, @volumesessions, @totalsessions: the group's limits (iscsi section, else
 *        the defaults section, else EHCM's); devices and multipaths entries win per volume.
 * @mtu: the expected MTU, 0 for "each NIC's own".
 * @probe_interval_ms, @login_timeout_s, @discovery_interval_s: as configured or defaulted.
 * @iscsiadm: the iscsiadm program ("iscsiadm", found in $PATH).
 */
struct isess_config {
	struct mp_portal *discovery;
	size_t n_discovery;
	char **nics;
	size_t n_nics;
	char *heartbeat;
	struct mp_iscsi_exclude *excludes;
	size_t n_excludes;
	char **volumes;
	size_t n_volumes;
	char *chap_file;
	struct iscsiadm_chap chap;
	bool have_chap;
	char chap_error[160];
	unsigned membersessions, volumesessions, totalsessions;
	unsigned mtu;
	unsigned probe_interval_ms, login_timeout_s, discovery_interval_s;
	char *iscsiadm;
};

/* isess_config_new() and isess_config_free() are in isess.h: the host calls them. */

/** isess_config_nic_excluded() - whether @nic is excluded by name. */
bool isess_config_nic_excluded(const struct isess_config *c, const char *nic);

/** isess_config_addr_excluded() - whether @addr lies in an excluded subnet. */
bool isess_config_addr_excluded(const struct isess_config *c, const char *addr);

/** isess_config_wants_volume() - whether the volume list (or its absence) takes @target. */
bool isess_config_wants_volume(const struct isess_config *c, const char *target);

/**
 * isess_chap_parse() - parse CHAP file text into @ret (strings malloc()ed).
 * Return: 0, -EINVAL with @err set for a malformed file, -ENOMEM.
 */
int isess_chap_parse(const char *text, struct iscsiadm_chap *ret, char *err, size_t err_size);
