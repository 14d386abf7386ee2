/* SPDX-License-Identifier: GPL-2.0-or-later */
/* multipath.conf: loading, the built-in hardware table, per-map settings, the blacklist and printing. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * A loaded configuration. It is never modified after mp_config_load() or
 * mp_config_parse_string() returns, so any number of threads may read it.
 * Strings and arrays handed out by the functions below point into it and stay
 * valid until mp_config_free().
 */
struct mp_config;

/**
 * enum mp_key - every value the configuration can hold.
 *
 * The order is the order of `mpath show map X config` and of the effective
 * defaults section. Keys below %MP_KEY_VENDOR identify devices, maps or
 * blacklist entries and are never resolved into &struct mp_map_settings.
 */
enum mp_key {
	/* map and path policy: defaults, devices, multipaths, overrides */
	MP_KEY_PATH_GROUPING_POLICY,
	MP_KEY_PATH_SELECTOR,
	MP_KEY_SELECTOR,
	MP_KEY_PATH_CHECKER,
	MP_KEY_PRIO,
	MP_KEY_PRIO_ARGS,
	MP_KEY_FAILBACK,
	MP_KEY_NO_PATH_RETRY,
	MP_KEY_RR_MIN_IO,
	MP_KEY_RR_MIN_IO_RQ,
	MP_KEY_RR_WEIGHT,
	MP_KEY_FEATURES,
	MP_KEY_HARDWARE_HANDLER,
	MP_KEY_FAST_IO_FAIL_TMO,
	MP_KEY_DEV_LOSS_TMO,
	MP_KEY_EH_DEADLINE,
	MP_KEY_USER_FRIENDLY_NAMES,
	MP_KEY_ALIAS,
	MP_KEY_ALIAS_PREFIX,
	MP_KEY_FLUSH_ON_LAST_DEL,
	MP_KEY_DETECT_PRIO,
	MP_KEY_DETECT_CHECKER,
	MP_KEY_RETAIN_ATTACHED_HW_HANDLER,
	MP_KEY_UID_ATTRIBUTE,
	MP_KEY_SKIP_KPARTX,
	MP_KEY_DEFERRED_REMOVE,
	MP_KEY_MAX_SECTORS_KB,
	MP_KEY_FAILOVER_PRIORITY,
	MP_KEY_MEMBER_PATH_SELECTOR,
	MP_KEY_REFERRALS_REFRESH,
	MP_KEY_MEMBERSESSIONS,
	MP_KEY_VOLUMESESSIONS,
	/* daemon-wide: defaults only */
	MP_KEY_TOTALSESSIONS,
	MP_KEY_FIND_MULTIPATHS,
	MP_KEY_POLLING_INTERVAL,
	MP_KEY_MAX_POLLING_INTERVAL,
	MP_KEY_CHECKER_TIMEOUT,
	MP_KEY_QUEUE_WITHOUT_DAEMON,
	MP_KEY_LOG_CHECKER_ERR,
	MP_KEY_VERBOSITY,
	MP_KEY_WWIDS_FILE,
	MP_KEY_BINDINGS_FILE,
	MP_KEY_CONFIG_DIR,
	/* identity of a device, map or protocol section */
	MP_KEY_VENDOR,
	MP_KEY_PRODUCT,
	MP_KEY_REVISION,
	MP_KEY_PRODUCT_BLACKLIST,
	MP_KEY_WWID,
	MP_KEY_PROTOCOL_TYPE,
	/* blacklist and blacklist_exceptions criteria */
	MP_KEY_BL_DEVNODE,
	MP_KEY_BL_WWID,
	MP_KEY_BL_PROPERTY,
	MP_KEY_BL_PROTOCOL,
	MP_KEY_BL_VENDOR,
	MP_KEY_BL_PRODUCT,
	/* iscsi section (it also takes membersessions, volumesessions, totalsessions) */
	MP_KEY_ISCSI_DISCOVERY,
	MP_KEY_ISCSI_NIC,
	MP_KEY_ISCSI_HEARTBEAT,
	MP_KEY_ISCSI_EXCLUDE,
	MP_KEY_ISCSI_VOLUME,
	MP_KEY_ISCSI_CHAP_FILE,
	MP_KEY_ISCSI_MTU,
	MP_KEY_ISCSI_PROBE_INTERVAL,
	MP_KEY_ISCSI_LOGIN_TIMEOUT,
	MP_KEY_ISCSI_DISCOVERY_INTERVAL,
	MP_KEY_COUNT
};

/* Values of the word-valued keys, as found in &struct mp_setting.num. */
enum mp_pgpolicy {
	MP_PGP_FAILOVER,
	MP_PGP_MULTIBUS,
	MP_PGP_GROUP_BY_SERIAL,
	MP_PGP_GROUP_BY_PRIO,
	MP_PGP_GROUP_BY_NODE_NAME,
	MP_PGP_GROUP_BY_TPG,
};

enum mp_checker {
	MP_CHECKER_TUR,
	MP_CHECKER_DIRECTIO,
	MP_CHECKER_READSECTOR0,
	MP_CHECKER_NONE,
	/* accepted for multipath-tools compatibility; mpathd runs tur instead */
	MP_CHECKER_RDAC,
	MP_CHECKER_EMC_CLARIION,
	MP_CHECKER_HP_SW,
	MP_CHECKER_CCISS_TUR,
};

enum mp_rr_weight { MP_RR_WEIGHT_UNIFORM, MP_RR_WEIGHT_PRIORITIES };

enum mp_find_multipaths {
	MP_FIND_MULTIPATHS_OFF,
	MP_FIND_MULTIPATHS_ON,
	MP_FIND_MULTIPATHS_STRICT,
	MP_FIND_MULTIPATHS_GREEDY,
	MP_FIND_MULTIPATHS_SMART,
};

enum mp_flush_on_last_del { MP_FLUSH_ALWAYS, MP_FLUSH_UNUSED, MP_FLUSH_NEVER };
enum mp_log_checker_err { MP_LOG_CHECKER_ERR_ALWAYS, MP_LOG_CHECKER_ERR_ONCE };

/* Keys that take a number or a word store the word as a negative number. */
#define MP_FAILBACK_MANUAL      (-1)
#define MP_FAILBACK_IMMEDIATE   (-2)
#define MP_FAILBACK_FOLLOWOVER  (-3)
#define MP_NO_PATH_RETRY_FAIL   (-1)
#define MP_NO_PATH_RETRY_QUEUE  (-2)
#define MP_TMO_OFF              (-1)	/* fast_io_fail_tmo, eh_deadline */
#define MP_DEV_LOSS_TMO_INFINITY (-1)

/* The limits of the session-manager extensions. */
#define MP_MEMBERSESSIONS_MIN 1
#define MP_MEMBERSESSIONS_MAX 4
#define MP_VOLUMESESSIONS_MIN 1
#define MP_VOLUMESESSIONS_MAX 12
#define MP_TOTALSESSIONS_MIN 64
#define MP_TOTALSESSIONS_MAX 1024
#define MP_FAILOVER_PRIORITY_MAX 4000000
#define MP_ISCSI_MTU_MIN 576
#define MP_ISCSI_MTU_MAX 65535
#define MP_ISCSI_PROBE_INTERVAL_MIN 50		/* ms */
#define MP_ISCSI_PROBE_INTERVAL_MAX 10000
#define MP_ISCSI_LOGIN_TIMEOUT_MIN 1		/* s */
#define MP_ISCSI_LOGIN_TIMEOUT_MAX 120
#define MP_ISCSI_DISCOVERY_INTERVAL_MIN 5	/* s */
#define MP_ISCSI_DISCOVERY_INTERVAL_MAX 86400

/* ---- diagnostics ---- */

enum mp_diag_severity { MP_DIAG_ERROR, MP_DIAG_WARNING };

/**
 * struct mp_diag_msg - one problem found while loading.
 * @severity: errors make loading fail; warnings do not.
 * @file: the file name as it was opened ("<name>" for strings), never NULL.
 * @line: 1-based line, or 0 when the message is about the whole file.
 * @text: the message, without file, line or severity.
 */
struct mp_diag_msg {
	enum mp_diag_severity severity;
	char *file;
	unsigned line;
	char *text;
};

/**
 * struct mp_config_diag - every message of one load, in the order found.
 *
 * Start with MP_CONFIG_DIAG_INIT and release with mp_config_diag_clear().
 */
struct mp_config_diag {
	struct mp_diag_msg *msgs;
	size_t n_msgs;
	size_t n_errors;
	size_t n_warnings;
};

#define MP_CONFIG_DIAG_INIT { NULL, 0, 0, 0 }

/**
 * mp_config_diag_clear() - free all messages and reset @diag to empty.
 * @diag: may be NULL.
 */
void mp_config_diag_clear(struct mp_config_diag *diag);

/**
 * mp_config_diag_format() - append every message as one line to @out.
 * @diag: the messages.
 * @out: receives "file:line: error: text\n" or "file:line: warning: text\n"
 *       ("file: error: text" when the line is 0).
 *
 * Return: 0, or -ENOMEM.
 */
int mp_config_diag_format(const struct mp_config_diag *diag, struct strbuf *out);

/* ---- loading ---- */

enum mp_config_flags {
	/* a missing main file is an error (-ENOENT) instead of an empty config */
	MP_CONFIG_STRICT = 1 << 0,
	/* leave out the built-in hardware table (tests and fuzzing) */
	MP_CONFIG_NO_BUILTIN = 1 << 1,
};

/**
 * mp_config_load() - read a multipath.conf and its conf.d folder.
 * @file: the main file. When it does not exist the result is an empty
 *        config with the built-in table, unless @flags has MP_CONFIG_STRICT.
 * @conf_dir: folder whose "*.conf" files are read after @file in strcmp()
 *            order; NULL for none. A config_dir keyword in the main file's
 *            defaults section replaces it. A missing folder is not an error.
 * @flags: a mask of &enum mp_config_flags.
 * @ret: receives the new config on success; untouched on failure.
 * @diag: receives every error and warning; may be NULL, then they are logged.
 *
 * Every error of every file is reported before loading fails, so one run of
 * `mpathd -t` shows them all.
 *
 * Return: 0 on success (warnings allowed), -EINVAL if any error was found,
 * -ENOENT for a missing file in strict mode, -ENOMEM, or another -errno from
 * reading a file.
 */
int mp_config_load(const char *file, const char *conf_dir, unsigned flags,
		   struct mp_config **ret, struct mp_config_diag *diag);

/**
 * mp_config_parse_string() - parse configuration text held in memory.
 * @text: the text; need not be NUL-terminated. NUL bytes are reported as errors.
 * @len: its length in bytes.
 * @name: the file name used in messages and origins, e.g. "multipath.conf".
 * @flags: a mask of &enum mp_config_flags (MP_CONFIG_STRICT is ignored).
 * @ret: receives the new config on success; untouched on failure.
 * @diag: as for mp_config_load().
 *
 * Return: 0, -EINVAL if any error was found, or -ENOMEM.
 */
int mp_config_parse_string(const char *text, size_t len, const char *name, unsigned flags,
			   struct mp_config **ret, struct mp_config_diag *diag);

/**
 * mp_config_free() - free a config.
 * @cfg: may be NULL.
 *
 * Return: NULL.
 */
struct mp_config *mp_config_free(struct mp_config *cfg);

static inline void mp_config_freep(struct mp_config **cfg)
{
	mp_config_free(*cfg);
}
#define _cleanup_config_ __attribute__((cleanup(mp_config_freep)))

/* ---- per-map settings ---- */

/**
 * struct mp_path_ident - what the daemon knows about a path or map.
 * @wwid: selects multipaths entries (exact match).
 * @vendor, @product, @revision: SCSI INQUIRY strings; select devices entries
 *                               and built-in entries by regex.
 * @protocol: "scsi:iscsi", "scsi:fcp", "scsi:sas", "scsi:unspec", ...;
 *            selects overrides protocol subsections.
 *
 * Any field may be NULL; sections that need it are then skipped. An all-NULL
 * ident resolves the defaults alone (daemon-wide settings). Keys without a
 * compiled-in default (max_polling_interval: 4 * polling_interval;
 * checker_timeout: the device's timeout; eh_deadline, max_sectors_kb,
 * prio_args, alias, config_dir) stay unset unless configured.
 */
struct mp_path_ident {
	const char *wwid;
	const char *vendor;
	const char *product;
	const char *revision;
	const char *protocol;
};

/* Room for an origin such as "(multipath.conf:12)" or "(built-in EQLOGIC 100E-00)". */
#define MP_ORIGIN_MAX 96

/**
 * enum mp_origin_kind - which level of the precedence chain set a value,
 * from highest to lowest precedence.
 */
enum mp_origin_kind {
	MP_ORIGIN_MULTIPATH,
	MP_ORIGIN_PROTOCOL,	/* overrides { protocol { type ... } } */
	MP_ORIGIN_OVERRIDES,
	MP_ORIGIN_DEVICE,	/* a user devices entry */
	MP_ORIGIN_BUILTIN,	/* the built-in hardware table */
	MP_ORIGIN_DEFAULTS,	/* the defaults section */
	MP_ORIGIN_COMPILED,	/* compiled in */
};

/**
 * struct mp_setting - one resolved value.
 * @set: false when no level sets it (the other fields are then 0/NULL/"").
 * @num: the number, the &enum value of a word, or 1/0 for yes/no. Words of
 *       keys that also take numbers are negative (MP_NO_PATH_RETRY_QUEUE...).
 * @text: the value as it prints in the config, e.g. "queue", "service-time 0".
 * @kind: the level it came from.
 * @origin: "(multipath.conf:12)", "(built-in EQLOGIC 100E-00)" or "(default)".
 */
struct mp_setting {
	bool set;
	long long num;
	const char *text;
	enum mp_origin_kind kind;
	char origin[MP_ORIGIN_MAX];
};

enum mp_failover_match {
	MP_FAILOVER_MATCH_PORTAL,	/* portal=IP[:port] */
	MP_FAILOVER_MATCH_IFACE,	/* iface=NAME */
	MP_FAILOVER_MATCH_HCTL,		/* hctl=H:C:T:L, '*' for any */
	MP_FAILOVER_MATCH_HOST,		/* host=hostN */
};

/**
 * struct mp_portal - an iSCSI portal address.
 * @family: AF_INET or AF_INET6.
 * @addr: the address in canonical text form, without brackets.
 * @port: 1..65535, or 0 when not given (3260 for sessions, any for matching).
 */
struct mp_portal {
	int family;
	char addr[46];
	unsigned port;
};

/**
 * struct mp_failover_prio - one `failover_priority "<match> <n>"` entry.
 * @match: what selects the paths.
 * @priority: 1 (most preferred) .. MP_FAILOVER_PRIORITY_MAX; ties allowed.
 * @portal: for MP_FAILOVER_MATCH_PORTAL.
 * @iface: for MP_FAILOVER_MATCH_IFACE, an open-iscsi iface or NIC name.
 * @hctl: for MP_FAILOVER_MATCH_HCTL, -1 where the text had '*'.
 * @host: for MP_FAILOVER_MATCH_HOST, N of "hostN".
 * @line: its line in the file.
 * @text: the normalized entry, e.g. "portal=10.0.0.1:3260 10".
 * @origin: where it was set, e.g. "(multipath.conf:31)".
 */
struct mp_failover_prio {
	enum mp_failover_match match;
	unsigned priority;
	struct mp_portal portal;
	char iface[16];
	int hctl[4];
	unsigned host;
	unsigned line;
	char text[80];
	char origin[MP_ORIGIN_MAX];
};

/**
 * struct mp_map_settings - the effective settings of one map.
 * @key: indexed by &enum mp_key; identity and blacklist keys stay unset.
 * @failover_prio: the failover_priority entries of the highest level that has
 *                 any (a multipath entry, else the matching device entries);
 *                 @key[MP_KEY_FAILOVER_PRIORITY] carries their origin.
 * @n_failover_prio: their number.
 *
 * Pointers refer into the &struct mp_config it was resolved from.
 */
struct mp_map_settings {
	struct mp_setting key[MP_KEY_COUNT];
	const struct mp_failover_prio *failover_prio;
	size_t n_failover_prio;
};

/**
 * mp_config_resolve() - compute the settings of one map.
 * @cfg: the config.
 * @id: the map's identity.
 * @ret: receives the settings.
 *
 * For each key the first level that sets it wins: multipaths entries with
 * this wwid (later entries first) > overrides protocol subsection for this
 * protocol > overrides > user devices entries matching vendor/product/revision
 * (later entries first) > built-in entries (later first) > defaults >
 * compiled-in defaults.
 *
 * Return: 0, or -EINVAL for a NULL argument.
 */
int mp_config_resolve(const struct mp_config *cfg, const struct mp_path_ident *id,
		      struct mp_map_settings *ret);

/**
 * mp_map_settings_print() - list resolved settings with their origins.
 * @s: the settings.
 * @out: receives one "key value (origin)" line per set key, aligned, for
 *       `mpath show map X config`.
 *
 * Return: 0, or -ENOMEM.
 */
int mp_map_settings_print(const struct mp_map_settings *s, struct strbuf *out);

/**
 * mp_map_settings_equal() - whether two resolved settings configure a map alike.
 * @a, @b: settings from mp_config_resolve(), typically of the same map under
 *         the running and the newly loaded config; either may be NULL.
 *
 * Compares values, never origins: moving a keyword to another line, file or
 * level with the same value keeps the settings equal. Every key a device,
 * multipath or overrides section can set is compared, and so is the
 * failover_priority list (count, then each entry's match and priority, in
 * order). Daemon-wide keys that only the defaults section takes
 * (polling_interval, max_polling_interval, checker_timeout, find_multipaths,
 * totalsessions, queue_without_daemon, log_checker_err, verbosity,
 * wwids_file, bindings_file, config_dir) are the same for every map and are
 * left out, so that changing one of them does not reload every map.
 *
 * Return: true when no compared value differs; two NULLs are equal.
 */
bool mp_map_settings_equal(const struct mp_map_settings *a, const struct mp_map_settings *b);

/**
 * mp_map_settings_diff() - list what differs between two resolved settings.
 * @a: the old settings.
 * @b: the new settings.
 * @out: receives one line per changed key, in &enum mp_key order, e.g.
 *       "path_selector: round-robin 0 -> queue-length 0\n". An unset value
 *       shows as "(unset)"; failover_priority shows its whole list, entries
 *       separated by ", ".
 *
 * Compares exactly what mp_map_settings_equal() compares, so it returns 0
 * exactly when that returns true.
 *
 * Return: the number of changed keys, -EINVAL for a NULL argument, or -ENOMEM.
 */
int mp_map_settings_diff(const struct mp_map_settings *a, const struct mp_map_settings *b,
			 struct strbuf *out);

/**
 * mp_key_name() - the config keyword of @key, e.g. "no_path_retry".
 * @key: a key; blacklist criteria give their keyword ("devnode", "wwid"...).
 *
 * Return: a static string, or "?" for an invalid key.
 */
const char *mp_key_name(enum mp_key key);

/* ---- blacklist ---- */

/**
 * struct mp_blacklist_query - what is known about a device so far.
 * @devnode: the kernel name, e.g. "sda".
 * @wwid, @vendor, @product, @protocol: as in &struct mp_path_ident.
 * @properties: NULL-terminated list of the device's udev property names
 *              (e.g. "ID_SERIAL"), or NULL to skip the property check.
 *
 * Any field may be NULL; that criterion is then not checked, so the daemon can
 * ask early (devnode only) and again once it has read the device.
 */
struct mp_blacklist_query {
	const char *devnode;
	const char *wwid;
	const char *vendor;
	const char *product;
	const char *protocol;
	const char *const *properties;
};

/**
 * mp_config_blacklisted() - whether a device is excluded from multipathing.
 * @cfg: the config.
 * @q: the device.
 * @reason: when blacklisted and not NULL, receives a description of the entry
 *          that matched, e.g. `devnode "^sda" (multipath.conf:4)`; it lives
 *          as long as @cfg.
 *
 * The criteria are checked in this order: devnode, device (vendor/product and
 * product_blacklist of devices entries), wwid, protocol, property. Within one
 * criterion a matching blacklist_exceptions entry wins over blacklist entries.
 * Property works like a whitelist too: once blacklist_exceptions has any
 * property entry, a device none of whose properties match is blacklisted.
 * Entries starting with '!' match devices that do not match the rest.
 * The compiled-in blacklist holds devnode
 * "^(ram|zram|raw|loop|fd|md|dm-|sr|scd|st|dcssblk|nvme)[0-9]".
 *
 * Return: true when blacklisted.
 */
bool mp_config_blacklisted(const struct mp_config *cfg, const struct mp_blacklist_query *q,
			   const char **reason);

/* ---- iscsi section ---- */

/**
 * struct mp_iscsi_exclude - one `exclude` entry of the iscsi section.
 * @nic: a network interface name, or "" for a subnet.
 * @family: AF_INET or AF_INET6 for a subnet; 0 for a NIC.
 * @addr: the subnet's address in canonical text form, host bits cleared.
 * @prefix: its prefix length (32 or 128 for a single address).
 */
struct mp_iscsi_exclude {
	char nic[16];
	int family;
	char addr[46];
	unsigned prefix;
};

/**
 * struct mp_iscsi_settings - the iscsi section, for the session manager.
 * @present: the section sets anything; without it the manager leaves iSCSI alone.
 * @discovery: the group addresses sessions are discovered through (SendTargets),
 *             in config order; port 0 means 3260.
 * @n_discovery: their number.
 * @nics: NICs to bind open-iscsi ifaces to, in config order; none means every
 *        NIC with an address in a discovery address's subnet.
 * @n_nics: their number.
 * @heartbeat: the interface that keeps the subnet route and pings portals, or NULL.
 * @excludes: NICs and subnets never used for sessions, in config order.
 * @n_excludes: their number.
 * @volumes: target names to log in to; none means every volume discovered.
 * @n_volumes: their number.
 * @chap_file: the file with CHAP credentials, or NULL.
 * @membersessions, @volumesessions, @totalsessions: as set in the section, 0 when not;
 *        the manager then takes them from the map settings (devices, multipaths,
 *        defaults) or the compiled-in defaults.
 * @mtu: the MTU every NIC and path must carry end to end, 0 when not set.
 * @probe_interval_ms, @login_timeout_s, @discovery_interval_s: 0 when not set.
 */
struct mp_iscsi_settings {
	bool present;
	const struct mp_portal *discovery;
	size_t n_discovery;
	const char *const *nics;
	size_t n_nics;
	const char *heartbeat;
	const struct mp_iscsi_exclude *excludes;
	size_t n_excludes;
	const char *const *volumes;
	size_t n_volumes;
	const char *chap_file;
	unsigned membersessions, volumesessions, totalsessions;
	unsigned mtu;
	unsigned probe_interval_ms;
	unsigned login_timeout_s;
	unsigned discovery_interval_s;
};

/**
 * mp_config_iscsi() - the iscsi section of @cfg.
 * @cfg: the config.
 * @ret: receives pointers into @cfg (empty lists and zeros when there is no section).
 *
 * Return: 0, or -EINVAL for a NULL argument.
 */
int mp_config_iscsi(const struct mp_config *cfg, struct mp_iscsi_settings *ret);

/**
 * mp_portal_parse() - parse "IPv4[:port]", "[IPv6][:port]" or a bare IPv6 address.
 * @text: the portal.
 * @ret: receives the address; untouched on failure.
 *
 * Return: 0, or -EINVAL.
 */
int mp_portal_parse(const char *text, struct mp_portal *ret);

/* ---- printing ---- */

enum mp_print_flags {
	/* print every defaults keyword, compiled-in values included, and the
	 * compiled-in blacklist */
	MP_PRINT_DEFAULTS = 1 << 0,
	/* print the built-in hardware table before the user's devices */
	MP_PRINT_BUILTIN = 1 << 1,
};

/**
 * mp_config_print() - write the configuration in multipath.conf syntax.
 * @cfg: the config.
 * @flags: a mask of &enum mp_print_flags; 0 prints what the files set.
 * @out: receives the text.
 *
 * Sections come in a fixed order, and entries in the order they were read
 * (all files merged). The text parses back to a config that prints the same
 * with the same @flags.
 *
 * Return: 0, or -ENOMEM.
 */
int mp_config_print(const struct mp_config *cfg, unsigned flags, struct strbuf *out);
