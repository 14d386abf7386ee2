/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The keyword table: each keyword's value type, range, compiled-in default and allowed sections. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "mpath-config.h"
#include "strbuf.h"
#include "util.h"

/* Real patterns are short; see also cfg_regex_too_complex(). */
#define CFG_REGEX_MAX 512

/* multipathd takes 1 and 0 for yes and no as well. */
static const struct cfg_word w_yesno[] = {
	{ "yes", 1 }, { "no", 0 }, { "1", 1 }, { "0", 0 }, { NULL, 0 },
};

static const struct cfg_word w_pgpolicy[] = {
	{ "failover", MP_PGP_FAILOVER },
	{ "multibus", MP_PGP_MULTIBUS },
	{ "group_by_serial", MP_PGP_GROUP_BY_SERIAL },
	{ "group_by_prio", MP_PGP_GROUP_BY_PRIO },
	{ "group_by_node_name", MP_PGP_GROUP_BY_NODE_NAME },
	{ "group_by_tpg", MP_PGP_GROUP_BY_TPG },
	{ NULL, 0 },
};

static const struct cfg_word w_checker[] = {
	{ "tur", MP_CHECKER_TUR },
	{ "directio", MP_CHECKER_DIRECTIO },
	{ "readsector0", MP_CHECKER_READSECTOR0 },
	{ "none", MP_CHECKER_NONE },
	{ "rdac", MP_CHECKER_RDAC },
	{ "emc_clariion", MP_CHECKER_EMC_CLARIION },
	{ "hp_sw", MP_CHECKER_HP_SW },
	{ "cciss_tur", MP_CHECKER_CCISS_TUR },
	{ NULL, 0 },
};

/* "0" is what older multipath-tools configs use for immediate. */
static const struct cfg_word w_failback[] = {
	{ "manual", MP_FAILBACK_MANUAL },
	{ "immediate", MP_FAILBACK_IMMEDIATE },
	{ "followover", MP_FAILBACK_FOLLOWOVER },
	{ "0", MP_FAILBACK_IMMEDIATE },
	{ NULL, 0 },
};

static const struct cfg_word w_no_path_retry[] = {
	{ "fail", MP_NO_PATH_RETRY_FAIL },
	{ "queue", MP_NO_PATH_RETRY_QUEUE },
	{ "0", MP_NO_PATH_RETRY_FAIL },
	{ NULL, 0 },
};

static const struct cfg_word w_off[] = {
	{ "off", MP_TMO_OFF }, { NULL, 0 },
};

static const struct cfg_word w_infinity[] = {
	{ "infinity", MP_DEV_LOSS_TMO_INFINITY }, { NULL, 0 },
};

static const struct cfg_word w_rr_weight[] = {
	{ "uniform", MP_RR_WEIGHT_UNIFORM },
	{ "priorities", MP_RR_WEIGHT_PRIORITIES },
	{ NULL, 0 },
};

static const struct cfg_word w_find_multipaths[] = {
	{ "off", MP_FIND_MULTIPATHS_OFF },
	{ "on", MP_FIND_MULTIPATHS_ON },
	{ "strict", MP_FIND_MULTIPATHS_STRICT },
	{ "greedy", MP_FIND_MULTIPATHS_GREEDY },
	{ "smart", MP_FIND_MULTIPATHS_SMART },
	{ "no", MP_FIND_MULTIPATHS_OFF },
	{ "yes", MP_FIND_MULTIPATHS_ON },
	{ NULL, 0 },
};

/* multipath-tools 0.9.8 replaced yes/no with always/unused/never. */
static const struct cfg_word w_flush[] = {
	{ "always", MP_FLUSH_ALWAYS },
	{ "unused", MP_FLUSH_UNUSED },
	{ "never", MP_FLUSH_NEVER },
	{ "yes", MP_FLUSH_ALWAYS },
	{ "no", MP_FLUSH_UNUSED },
	{ NULL, 0 },
};

static const struct cfg_word w_log_checker_err[] = {
	{ "always", MP_LOG_CHECKER_ERR_ALWAYS },
	{ "once", MP_LOG_CHECKER_ERR_ONCE },
	{ NULL, 0 },
};

/* The transport names the kernel and multipath-tools use. */
static const struct cfg_word w_protocol[] = {
	{ "scsi:fcp", 0 }, { "scsi:spi", 1 }, { "scsi:ssa", 2 }, { "scsi:sbp", 3 },
	{ "scsi:srp", 4 }, { "scsi:iscsi", 5 }, { "scsi:sas", 6 }, { "scsi:adt", 7 },
	{ "scsi:ata", 8 }, { "scsi:usb", 9 }, { "scsi:unspec", 10 }, { "ccw", 11 },
	{ "cciss", 12 }, { "nvme", 13 }, { "undef", 14 },
	/* NVMe transports, as multipath-tools 0.9 names them */
	{ "nvme:pcie", 15 }, { "nvme:rdma", 16 }, { "nvme:fc", 17 }, { "nvme:tcp", 18 },
	{ "nvme:loop", 19 }, { "nvme:apple-nvme", 20 }, { "nvme:unspec", 21 },
	{ NULL, 0 },
};

#define WORDS(w) .words = (w), .min = 1, .max = 0, .parse = cfg_parse_wordint
#define NUMBER(lo, hi) .min = (lo), .max = (hi), .parse = cfg_parse_wordint
#define WORDS_OR_NUMBER(w, lo, hi) .words = (w), .min = (lo), .max = (hi), \
	.parse = cfg_parse_wordint
#define NO_RANGE .min = 1, .max = 0

#define SET CFG_KW_SETTING
#define QSTR (CFG_KW_QUOTE | CFG_KW_JOIN)

static const struct cfg_keyword keywords[] = {
	{ "path_grouping_policy", MP_KEY_PATH_GROUPING_POLICY, SEC_MAP, SET,
	  WORDS(w_pgpolicy), .fallback = "failover" },
	{ "path_selector", MP_KEY_PATH_SELECTOR, SEC_MAP, SET | QSTR, NO_RANGE,
	  .parse = cfg_parse_path_selector, .fallback = "service-time 0" },
	/* eql-slice: the kernel selector of each member's device, and how often REPORT REFERRALS is read */
	{ "member_path_selector", MP_KEY_MEMBER_PATH_SELECTOR, SEC_MAP, SET | QSTR, NO_RANGE,
	  .parse = cfg_parse_path_selector, .fallback = "queue-length 0" },
	{ "referrals_refresh", MP_KEY_REFERRALS_REFRESH, SEC_MAP, SET, NUMBER(1, 3600), .fallback = "5" },
	{ "selector", MP_KEY_SELECTOR, SEC_MAP, SET, NO_RANGE,
	  .parse = cfg_parse_identifier, .fallback = "round-robin" },
	{ "path_checker", MP_KEY_PATH_CHECKER, SEC_PATH, SET, .words = w_checker, NO_RANGE,
	  .parse = cfg_parse_checker, .fallback = "tur" },
	{ "checker", MP_KEY_PATH_CHECKER, SEC_PATH, SET, .words = w_checker, NO_RANGE,
	  .parse = cfg_parse_checker },
	{ "prio", MP_KEY_PRIO, SEC_MAP, SET, NO_RANGE, .parse = cfg_parse_prio,
	  .fallback = "const" },
	{ "prio_args", MP_KEY_PRIO_ARGS, SEC_MAP, SET | QSTR, NO_RANGE,
	  .parse = cfg_parse_string },
	{ "failback", MP_KEY_FAILBACK, SEC_MAP, SET, WORDS_OR_NUMBER(w_failback, 1, INT_MAX),
	  .fallback = "manual" },
	{ "no_path_retry", MP_KEY_NO_PATH_RETRY, SEC_MAP, SET,
	  WORDS_OR_NUMBER(w_no_path_retry, 1, INT_MAX), .fallback = "fail" },
	{ "rr_min_io", MP_KEY_RR_MIN_IO, SEC_MAP, SET, NUMBER(1, INT_MAX), .fallback = "1000" },
	{ "rr_min_io_rq", MP_KEY_RR_MIN_IO_RQ, SEC_MAP, SET, NUMBER(1, INT_MAX),
	  .fallback = "1" },
	{ "rr_weight", MP_KEY_RR_WEIGHT, SEC_MAP, SET, WORDS(w_rr_weight),
	  .fallback = "uniform" },
	{ "features", MP_KEY_FEATURES, SEC_MAP, SET | QSTR, NO_RANGE,
	  .parse = cfg_parse_features, .fallback = "0" },
	{ "hardware_handler", MP_KEY_HARDWARE_HANDLER,
	  SEC(CFG_SEC_DEFAULTS) | SEC(CFG_SEC_DEVICE), SET | QSTR, NO_RANGE,
	  .parse = cfg_parse_hwhandler, .fallback = "0" },
	{ "fast_io_fail_tmo", MP_KEY_FAST_IO_FAIL_TMO, SEC_PATH | SEC(CFG_SEC_PROTOCOL), SET,
	  WORDS_OR_NUMBER(w_off, 0, INT_MAX), .fallback = "5" },
	{ "dev_loss_tmo", MP_KEY_DEV_LOSS_TMO, SEC_PATH | SEC(CFG_SEC_PROTOCOL), SET,
	  WORDS_OR_NUMBER(w_infinity, 0, INT_MAX - 1), .fallback = "600" },
	{ "eh_deadline", MP_KEY_EH_DEADLINE, SEC_PATH | SEC(CFG_SEC_PROTOCOL), SET,
	  WORDS_OR_NUMBER(w_off, 0, INT_MAX) },
	{ "user_friendly_names", MP_KEY_USER_FRIENDLY_NAMES, SEC_MAP, SET, WORDS(w_yesno),
	  .fallback = "no" },
	{ "alias", MP_KEY_ALIAS, SEC(CFG_SEC_MULTIPATH), SET | CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_token },
	{ "alias_prefix", MP_KEY_ALIAS_PREFIX, SEC_PATH, SET | CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_token, .fallback = "mpath" },
	{ "flush_on_last_del", MP_KEY_FLUSH_ON_LAST_DEL, SEC_MAP, SET, WORDS(w_flush),
	  .fallback = "unused" },
	{ "detect_prio", MP_KEY_DETECT_PRIO, SEC_PATH, SET, WORDS(w_yesno), .fallback = "yes" },
	{ "detect_checker", MP_KEY_DETECT_CHECKER, SEC_PATH, SET, WORDS(w_yesno),
	  .fallback = "yes" },
	{ "retain_attached_hw_handler", MP_KEY_RETAIN_ATTACHED_HW_HANDLER, SEC_PATH, SET,
	  WORDS(w_yesno), .fallback = "yes" },
	{ "uid_attribute", MP_KEY_UID_ATTRIBUTE, SEC_PATH, SET | CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_token, .fallback = "ID_SERIAL" },
	{ "getuid_callout", MP_KEY_COUNT, SEC_PATH, QSTR, NO_RANGE,
	  .parse = cfg_parse_deprecated },
	{ "skip_kpartx", MP_KEY_SKIP_KPARTX, SEC_MAP, SET, WORDS(w_yesno), .fallback = "no" },
	{ "deferred_remove", MP_KEY_DEFERRED_REMOVE, SEC_MAP, SET, WORDS(w_yesno),
	  .fallback = "no" },
	{ "max_sectors_kb", MP_KEY_MAX_SECTORS_KB, SEC_MAP, SET, NUMBER(4, INT_MAX) },
	{ "failover_priority", MP_KEY_FAILOVER_PRIORITY,
	  SEC(CFG_SEC_DEVICE) | SEC(CFG_SEC_MULTIPATH), SET | QSTR | CFG_KW_REPEAT, NO_RANGE,
	  .parse = cfg_parse_failover_prio },
	{ "membersessions", MP_KEY_MEMBERSESSIONS, SEC_MAP, SET,
	  NUMBER(MP_MEMBERSESSIONS_MIN, MP_MEMBERSESSIONS_MAX), .fallback = "2" },
	{ "volumesessions", MP_KEY_VOLUMESESSIONS, SEC_MAP, SET,
	  NUMBER(MP_VOLUMESESSIONS_MIN, MP_VOLUMESESSIONS_MAX), .fallback = "6" },
	{ "totalsessions", MP_KEY_TOTALSESSIONS, SEC(CFG_SEC_DEFAULTS), SET,
	  NUMBER(MP_TOTALSESSIONS_MIN, MP_TOTALSESSIONS_MAX), .fallback = "512" },
	{ "find_multipaths", MP_KEY_FIND_MULTIPATHS, SEC(CFG_SEC_DEFAULTS), SET,
	  WORDS(w_find_multipaths), .fallback = "strict" },
	{ "polling_interval", MP_KEY_POLLING_INTERVAL, SEC(CFG_SEC_DEFAULTS), SET,
	  NUMBER(1, 86400), .fallback = "5" },
	/* unset means 4 * polling_interval, as in multipath-tools */
	{ "max_polling_interval", MP_KEY_MAX_POLLING_INTERVAL, SEC(CFG_SEC_DEFAULTS), SET,
	  NUMBER(1, 86400) },
	{ "checker_timeout", MP_KEY_CHECKER_TIMEOUT, SEC(CFG_SEC_DEFAULTS), SET,
	  NUMBER(1, 86400) },
	{ "queue_without_daemon", MP_KEY_QUEUE_WITHOUT_DAEMON, SEC(CFG_SEC_DEFAULTS), SET,
	  WORDS(w_yesno), .fallback = "no" },
	{ "log_checker_err", MP_KEY_LOG_CHECKER_ERR, SEC(CFG_SEC_DEFAULTS), SET,
	  WORDS(w_log_checker_err), .fallback = "always" },
	{ "verbosity", MP_KEY_VERBOSITY, SEC(CFG_SEC_DEFAULTS), SET, NUMBER(0, 6),
	  .fallback = "2" },
	{ "wwids_file", MP_KEY_WWIDS_FILE, SEC(CFG_SEC_DEFAULTS), SET | CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_abspath, .fallback = "/etc/multipath/wwids" },
	{ "bindings_file", MP_KEY_BINDINGS_FILE, SEC(CFG_SEC_DEFAULTS), SET | CFG_KW_QUOTE,
	  NO_RANGE, .parse = cfg_parse_abspath, .fallback = "/etc/multipath/bindings" },
	{ "config_dir", MP_KEY_CONFIG_DIR, SEC(CFG_SEC_DEFAULTS), SET | CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_abspath },
	{ "vendor", MP_KEY_VENDOR, SEC(CFG_SEC_DEVICE), CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_regex },
	{ "product", MP_KEY_PRODUCT, SEC(CFG_SEC_DEVICE), CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_regex },
	{ "revision", MP_KEY_REVISION, SEC(CFG_SEC_DEVICE), CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_regex },
	{ "product_blacklist", MP_KEY_PRODUCT_BLACKLIST, SEC(CFG_SEC_DEVICE), CFG_KW_QUOTE,
	  NO_RANGE, .parse = cfg_parse_regex },
	{ "wwid", MP_KEY_WWID, SEC(CFG_SEC_MULTIPATH), CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_token },
	{ "type", MP_KEY_PROTOCOL_TYPE, SEC(CFG_SEC_PROTOCOL), 0, WORDS(w_protocol) },
	{ "devnode", MP_KEY_BL_DEVNODE, SEC_BL, CFG_KW_QUOTE | CFG_KW_REPEAT, NO_RANGE,
	  .parse = cfg_parse_regex },
	{ "wwid", MP_KEY_BL_WWID, SEC_BL, CFG_KW_QUOTE | CFG_KW_REPEAT, NO_RANGE,
	  .parse = cfg_parse_regex },
	{ "property", MP_KEY_BL_PROPERTY, SEC_BL, CFG_KW_QUOTE | CFG_KW_REPEAT, NO_RANGE,
	  .parse = cfg_parse_regex },
	{ "protocol", MP_KEY_BL_PROTOCOL, SEC_BL, CFG_KW_QUOTE | CFG_KW_REPEAT, NO_RANGE,
	  .parse = cfg_parse_regex },
	{ "vendor", MP_KEY_BL_VENDOR, SEC(CFG_SEC_BL_DEVICE), CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_regex },
	{ "product", MP_KEY_BL_PRODUCT, SEC(CFG_SEC_BL_DEVICE), CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_regex },
	/* the iscsi section: the session manager (iscsi-session/) */
	{ "discovery", MP_KEY_ISCSI_DISCOVERY, SEC(CFG_SEC_ISCSI), CFG_KW_REPEAT | CFG_KW_SPLIT,
	  NO_RANGE, .parse = cfg_parse_portal },
	/* the name of the section's first sketch; prints as discovery */
	{ "portal", MP_KEY_ISCSI_DISCOVERY, SEC(CFG_SEC_ISCSI), CFG_KW_REPEAT | CFG_KW_SPLIT,
	  NO_RANGE, .parse = cfg_parse_portal },
	{ "nic", MP_KEY_ISCSI_NIC, SEC(CFG_SEC_ISCSI), CFG_KW_REPEAT | CFG_KW_SPLIT, NO_RANGE,
	  .parse = cfg_parse_ifname },
	{ "heartbeat", MP_KEY_ISCSI_HEARTBEAT, SEC(CFG_SEC_ISCSI), 0, NO_RANGE,
	  .parse = cfg_parse_ifname },
	{ "exclude", MP_KEY_ISCSI_EXCLUDE, SEC(CFG_SEC_ISCSI), CFG_KW_REPEAT | CFG_KW_SPLIT,
	  NO_RANGE, .parse = cfg_parse_exclude },
	{ "volume", MP_KEY_ISCSI_VOLUME, SEC(CFG_SEC_ISCSI), CFG_KW_REPEAT | CFG_KW_SPLIT,
	  NO_RANGE, .parse = cfg_parse_target_name },
	{ "chap_file", MP_KEY_ISCSI_CHAP_FILE, SEC(CFG_SEC_ISCSI), CFG_KW_QUOTE, NO_RANGE,
	  .parse = cfg_parse_abspath },
	{ "mtu", MP_KEY_ISCSI_MTU, SEC(CFG_SEC_ISCSI), 0,
	  NUMBER(MP_ISCSI_MTU_MIN, MP_ISCSI_MTU_MAX) },
	{ "probe_interval", MP_KEY_ISCSI_PROBE_INTERVAL, SEC(CFG_SEC_ISCSI), 0,
	  NUMBER(MP_ISCSI_PROBE_INTERVAL_MIN, MP_ISCSI_PROBE_INTERVAL_MAX) },
	{ "login_timeout", MP_KEY_ISCSI_LOGIN_TIMEOUT, SEC(CFG_SEC_ISCSI), 0,
	  NUMBER(MP_ISCSI_LOGIN_TIMEOUT_MIN, MP_ISCSI_LOGIN_TIMEOUT_MAX) },
	{ "discovery_interval", MP_KEY_ISCSI_DISCOVERY_INTERVAL, SEC(CFG_SEC_ISCSI), 0,
	  NUMBER(MP_ISCSI_DISCOVERY_INTERVAL_MIN, MP_ISCSI_DISCOVERY_INTERVAL_MAX) },
	/* the group's session limits; per volume, a devices or multipaths entry wins */
	{ "membersessions", MP_KEY_MEMBERSESSIONS, SEC(CFG_SEC_ISCSI), 0,
	  NUMBER(MP_MEMBERSESSIONS_MIN, MP_MEMBERSESSIONS_MAX) },
	{ "volumesessions", MP_KEY_VOLUMESESSIONS, SEC(CFG_SEC_ISCSI), 0,
	  NUMBER(MP_VOLUMESESSIONS_MIN, MP_VOLUMESESSIONS_MAX) },
	{ "totalsessions", MP_KEY_TOTALSESSIONS, SEC(CFG_SEC_ISCSI), 0,
	  NUMBER(MP_TOTALSESSIONS_MIN, MP_TOTALSESSIONS_MAX) },
};

/* multipath-tools keywords mpathd does not implement: a config written for
 * multipathd keeps loading, with a warning that names the keyword. */
static const char *const foreign_keywords[] = {
	"all_tg_pt", "allow_usb_devices", "auto_resize", "default_features",
	"default_getuid_callout", "default_path_checker", "default_path_grouping_policy",
	"default_prio", "default_selector", "delay_wait_checks", "delay_watch_checks",
	"detect_pgpolicy", "detect_pgpolicy_use_tpg", "disable_changed_wwids",
	"enable_foreign", "find_multipaths_timeout", "force_sync", "ghost_delay", "gid",
	"hw_str_match", "ignore_new_boot_devs", "marginal_path_double_failed_time",
	"marginal_path_err_rate_threshold", "marginal_path_err_recheck_gap_time",
	"marginal_path_err_sample_time", "marginal_pathgroups", "max_fds",
	"missing_uev_wait_timeout", "mode", "multipath_dir", "multipath_tool",
	"partition_delimiter", "pg_prio_calc", "pg_timeout", "prio_callout", "prkeys_file",
	"reassign_maps", "recheck_wwid", "remove_retries", "reservation_key",
	"retrigger_delay", "retrigger_tries", "san_path_err_forget_rate",
	"san_path_err_recovery_time", "san_path_err_threshold", "strict_timing", "udev_dir",
	"uev_wait_timeout", "uid", "uid_attrs", "uxsock_timeout", "vpd_vendor",
};

static const char *const section_names[CFG_SEC_KIND_COUNT + 1] = {
	[CFG_SEC_DEFAULTS] = "defaults",
	[CFG_SEC_BLACKLIST] = "blacklist",
	[CFG_SEC_BLACKLIST_EXCEPTIONS] = "blacklist_exceptions",
	[CFG_SEC_DEVICES] = "devices",
	[CFG_SEC_MULTIPATHS] = "multipaths",
	[CFG_SEC_OVERRIDES] = "overrides",
	[CFG_SEC_ISCSI] = "iscsi",
	[CFG_SEC_DEVICE] = "device",
	[CFG_SEC_MULTIPATH] = "multipath",
	[CFG_SEC_PROTOCOL] = "protocol",
	[CFG_SEC_BL_DEVICE] = "device",
	[CFG_SEC_NONE] = "(top level)",
};

const char *cfg_section_name(enum cfg_section_kind kind)
{
	return kind <= CFG_SEC_NONE ? section_names[kind] : "?";
}

const struct cfg_keyword *cfg_keyword_find(const char *name, enum cfg_section_kind sec,
					   bool *known_elsewhere)
{
	*known_elsewhere = false;
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++) {
		if (!streq(keywords[i].name, name))
			continue;
		if (sec < CFG_SEC_KIND_COUNT && (keywords[i].sections & SEC(sec)))
			return &keywords[i];
		*known_elsewhere = true;
	}
	return NULL;
}

const struct cfg_keyword *cfg_keyword_by_key(enum mp_key key)
{
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (keywords[i].key == key)
			return &keywords[i];
	return NULL;
}

const char *mp_key_name(enum mp_key key)
{
	const struct cfg_keyword *kw = cfg_keyword_by_key(key);

	return kw && key != MP_KEY_COUNT ? kw->name : "?";
}

/*
 * Keywords mpathd accepts but does not act on as multipath-tools documents them. Each gives a
 * warning where it is set (mpathd -t, and the daemon's log at every load); the man page lists
 * them under LIMITS.
 */
static const struct {
	enum mp_key key;
	const char *note;
} keyword_limits[] = {
	{ MP_KEY_RR_MIN_IO, "applies to bio-based maps only; mpathd loads request-based maps, which use rr_min_io_rq" },
	{ MP_KEY_SKIP_KPARTX, "not implemented: kpartx runs on every map as udev's rules decide" },
	{ MP_KEY_DEFERRED_REMOVE, "not implemented: a map in use is kept, and removed once it is unused" },
	{ MP_KEY_MAX_SECTORS_KB, "not implemented: paths and maps keep the kernel's max_sectors_kb" },
	{ MP_KEY_DETECT_CHECKER, "not implemented: path_checker is used as configured" },
	{ MP_KEY_LOG_CHECKER_ERR, "not implemented: every checker failure is logged at info level" },
	{ MP_KEY_MAX_POLLING_INTERVAL, "not implemented: working paths are tested every polling_interval" },
};

const char *cfg_keyword_limit(enum mp_key key)
{
	for (size_t i = 0; i < ARRAY_SIZE(keyword_limits); i++)
		if (keyword_limits[i].key == key)
			return keyword_limits[i].note;
	return NULL;
}

bool cfg_keyword_is_foreign(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(foreign_keywords); i++)
		if (streq(foreign_keywords[i], name))
			return true;
	return false;
}

void cfg_item_release(struct mp_item *item)
{
	free(item->str);
	free(item->desc);
	if (item->re) {
		regfree(item->re);
		free(item->re);
	}
	*item = (struct mp_item) { 0 };
}

int cfg_parse_value(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		    struct mp_item *item)
{
	*item = (struct mp_item) { .kw = kw, .file = p->file, .line = p->line };
	return kw->parse(p, kw, text, item);
}

/* ---- generic value types ---- */

static bool parse_number(const char *text, long long *ret)
{
	char *end;
	long long v;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

static const char *canonical_word(const struct cfg_word *words, long long value)
{
	for (const struct cfg_word *w = words; w && w->name; w++)
		if (w->value == value)
			return w->name;
	return NULL;
}

/* "fail, queue or a number >= 1"; numeric aliases such as "0" are not listed. */
static void describe_expected(const struct cfg_keyword *kw, struct strbuf *sb)
{
	const char *names[32];
	char range[64] = "";
	size_t n = 0;

	for (const struct cfg_word *w = kw->words; w && w->name && n < ARRAY_SIZE(names) - 1; w++)
		if (w->name[0] < '0' || w->name[0] > '9')
			names[n++] = w->name;
	if (kw->min <= kw->max && kw->max >= INT_MAX - 1)
		snprintf(range, sizeof(range), "a number >= %lld", kw->min);
	else if (kw->min <= kw->max)
		snprintf(range, sizeof(range), "a number in %lld..%lld", kw->min, kw->max);
	if (range[0])
		names[n++] = range;
	for (size_t i = 0; i < n; i++)
		strbuf_printf(sb, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
}

static int report_expected(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	describe_expected(kw, &sb);
	return cfg_error(p, "invalid value \"%s\" for %s: expected %s", text, kw->name,
			 strbuf_str(&sb));
}

int cfg_parse_wordint(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		      struct mp_item *item)
{
	long long v;

	for (const struct cfg_word *w = kw->words; w && w->name; w++) {
		if (!streq(w->name, text))
			continue;
		item->num = w->value;
		item->str = strdup(canonical_word(kw->words, w->value));
		return item->str ? 0 : -ENOMEM;
	}
	if (kw->min > kw->max || !parse_number(text, &v) || v < kw->min || v > kw->max)
		return report_expected(p, kw, text);
	item->num = v;
	if (asprintf(&item->str, "%lld", v) < 0) {
		item->str = NULL;
		return -ENOMEM;
	}
	return 0;
}

int cfg_parse_string(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		     struct mp_item *item)
{
	item->str = strdup(text);
	return item->str ? 0 : -ENOMEM;
}

int cfg_parse_regex(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		    struct mp_item *item)
{
	bool invertible = kw->sections & (SEC_BL | SEC(CFG_SEC_BL_DEVICE));
	const char *pattern = text;
	_cleanup_free_ regex_t *re = NULL;
	int r;

	if (invertible && text[0] == '!') {
		item->invert = true;
		pattern++;
	}
	if (strlen(pattern) > CFG_REGEX_MAX)
		return cfg_error(p, "regular expression for %s is longer than %d characters",
				 kw->name, CFG_REGEX_MAX);
	if (cfg_regex_too_complex(pattern))
		return cfg_error(p, "regular expression \"%s\" for %s repeats too much to compile",
				 text, kw->name);
	re = malloc(sizeof(*re));
	if (!re)
		return -ENOMEM;
	r = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
	if (r != 0) {
		char msg[128];

		regerror(r, re, msg, sizeof(msg));
		return cfg_error(p, "invalid regular expression \"%s\" for %s: %s", text,
				 kw->name, msg);
	}
	item->str = strdup(text);
	if (!item->str) {
		regfree(re);
		return -ENOMEM;
	}
	item->re = TAKE_PTR(re);
	return 0;
}
