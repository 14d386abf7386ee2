/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the multipath.conf parser, resolver, blacklist, printer, comparison and hardware table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config-test-util.h"
#include "config_internal.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"

#ifndef TEST_SRCDIR
#error "TEST_SRCDIR must point at tests/unit"
#endif

/* ---- lexer ---- */

static void test_lexer_tokens(void **state)
{
	static const char text[] =
		"\n# only a comment\n"
		"  devices{device {  ! bang comment\r\n"
		"vendor \"A \"\"B\"\" C\" x#y } # trailing\n"
		"\"\"\n";
	struct cfg_lexer lx;
	struct cfg_line line = { 0 };
	const char *err = NULL;

	cfg_lexer_init(&lx, text, strlen(text));
	assert_int_equal(cfg_lexer_next(&lx, &line, &err), 1);
	assert_int_equal(line.lineno, 3);
	assert_int_equal(line.n, 4);
	assert_string_equal(line.tok[0].text, "devices");
	assert_int_equal(line.tok[1].kind, CFG_TOK_OPEN);
	assert_string_equal(line.tok[2].text, "device");
	assert_int_equal(line.tok[3].kind, CFG_TOK_OPEN);

	assert_int_equal(cfg_lexer_next(&lx, &line, &err), 1);
	assert_int_equal(line.lineno, 4);
	assert_int_equal(line.n, 4);
	assert_string_equal(line.tok[1].text, "A \"B\" C");
	assert_true(line.tok[1].quoted);
	assert_string_equal(line.tok[2].text, "x#y");
	assert_false(line.tok[2].quoted);
	assert_int_equal(line.tok[3].kind, CFG_TOK_CLOSE);

	assert_int_equal(cfg_lexer_next(&lx, &line, &err), 1);
	assert_int_equal(line.n, 1);
	assert_string_equal(line.tok[0].text, "");
	assert_true(line.tok[0].quoted);
	assert_int_equal(cfg_lexer_next(&lx, &line, &err), 0);
	cfg_line_clear(&line);
	free(line.tok);
}

static void test_lexer_errors(void **state)
{
	static const char text[] = "a \"open\nb\0c\nok\n";
	struct cfg_lexer lx;
	struct cfg_line line = { 0 };
	const char *err = NULL;

	cfg_lexer_init(&lx, text, sizeof(text) - 1);
	assert_int_equal(cfg_lexer_next(&lx, &line, &err), -EINVAL);
	assert_int_equal(line.lineno, 1);
	assert_string_equal(err, "unterminated quoted string");
	assert_int_equal(cfg_lexer_next(&lx, &line, &err), -EINVAL);
	assert_int_equal(line.lineno, 2);
	assert_string_equal(err, "NUL byte in line");
	assert_int_equal(cfg_lexer_next(&lx, &line, &err), 1);
	assert_string_equal(line.tok[0].text, "ok");
	assert_int_equal(cfg_lexer_next(&lx, &line, &err), 0);
	cfg_line_clear(&line);
	free(line.tok);
}

/* ---- sections, quoting, comments ---- */

static const char every_section[] =
	"defaults {\n"						/* 1 */
	"	polling_interval 10\n"
	"	path_selector queue-length 0   # joined words\n"
	"	user_friendly_names yes\n"
	"	totalsessions 256\n"				/* 5 */
	"}\n"
	"blacklist {\n"
	"	devnode \"^sda$\"\n"
	"	device {\n"
	"		vendor \"ATA\"\n"			/* 10 */
	"	}\n"
	"}\n"
	"blacklist_exceptions {\n"
	"	wwid \"^3600a0b80\"\n"
	"}\n"							/* 15 */
	"devices {\n"
	"	device {\n"
	"		vendor \"ACME\"\n"
	"		product \"^Box\"\n"
	"		no_path_retry 12\n"			/* 20 */
	"		selector failover-priority\n"
	"	}\n"
	"}\n"
	"multipaths {\n"
	"	multipath {\n"					/* 25 */
	"		wwid 3600a0b80001\n"
	"		alias \"db\"\"main\"\"\"\n"
	"	}\n"
	"}\n"
	"overrides {\n"						/* 30 */
	"	fast_io_fail_tmo off\n"
	"	protocol {\n"
	"		type scsi:fcp\n"
	"		dev_loss_tmo infinity\n"
	"	}\n"						/* 35 */
	"}\n"
	"iscsi {\n"
	"	nic eth1 eth2\n"
	"	nic eth3\n"
	"	heartbeat eth0\n"				/* 40 */
	"	portal 10.0.0.10:3260 [fd00::1]\n"
	"}\n";

static void test_every_section(void **state)
{
	_cleanup_config_ struct mp_config *cfg = parse_clean(every_section, MP_CONFIG_NO_BUILTIN);
	struct mp_path_ident id = {
		.wwid = "3600a0b80001", .vendor = "ACME", .product = "Box 9", .protocol = "scsi:fcp",
	};
	struct mp_map_settings s;
	struct mp_iscsi_settings is;

	resolve(cfg, &id, &s);
	assert_setting(&s, MP_KEY_POLLING_INTERVAL, "10", "(multipath.conf:2)");
	assert_int_equal(s.key[MP_KEY_POLLING_INTERVAL].num, 10);
	assert_setting(&s, MP_KEY_PATH_SELECTOR, "queue-length 0", "(multipath.conf:3)");
	assert_setting(&s, MP_KEY_USER_FRIENDLY_NAMES, "yes", "(multipath.conf:4)");
	assert_int_equal(s.key[MP_KEY_USER_FRIENDLY_NAMES].num, 1);
	assert_setting(&s, MP_KEY_TOTALSESSIONS, "256", "(multipath.conf:5)");
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "12", "(multipath.conf:20)");
	assert_setting(&s, MP_KEY_SELECTOR, "failover-priority", "(multipath.conf:21)");
	assert_setting(&s, MP_KEY_ALIAS, "db\"main\"", "(multipath.conf:27)");
	assert_setting(&s, MP_KEY_FAST_IO_FAIL_TMO, "off", "(multipath.conf:31)");
	assert_int_equal(s.key[MP_KEY_FAST_IO_FAIL_TMO].num, MP_TMO_OFF);
	assert_setting(&s, MP_KEY_DEV_LOSS_TMO, "infinity", "(multipath.conf:34)");
	assert_int_equal(s.key[MP_KEY_DEV_LOSS_TMO].kind, MP_ORIGIN_PROTOCOL);
	assert_int_equal(s.key[MP_KEY_DEV_LOSS_TMO].num, MP_DEV_LOSS_TMO_INFINITY);

	assert_true(mp_config_blacklisted(cfg, &(struct mp_blacklist_query) { .devnode = "sda" }, NULL));
	assert_false(mp_config_blacklisted(cfg, &(struct mp_blacklist_query) { .devnode = "sdaa" }, NULL));

	assert_int_equal(mp_config_iscsi(cfg, &is), 0);
	assert_int_equal(is.n_nics, 3);
	assert_string_equal(is.nics[0], "eth1");
	assert_string_equal(is.nics[2], "eth3");
	assert_string_equal(is.heartbeat, "eth0");
	assert_int_equal(is.n_discovery, 2);
	assert_string_equal(is.discovery[0].addr, "10.0.0.10");
	assert_int_equal(is.discovery[0].port, 3260);
	assert_int_equal(is.discovery[1].family, AF_INET6);
	assert_string_equal(is.discovery[1].addr, "fd00::1");
	assert_int_equal(is.discovery[1].port, 0);
}

static void test_print_every_section(void **state)
{
	_cleanup_config_ struct mp_config *cfg = parse_clean(every_section, MP_CONFIG_NO_BUILTIN);
	_cleanup_free_ char *text = print_config(cfg, 0);

	assert_string_equal(text,
		"defaults {\n"
		"\tpolling_interval 10\n"
		"\tpath_selector \"queue-length 0\"\n"
		"\tuser_friendly_names yes\n"
		"\ttotalsessions 256\n"
		"}\n"
		"blacklist {\n"
		"\tdevnode \"^sda$\"\n"
		"\tdevice {\n"
		"\t\tvendor \"ATA\"\n"
		"\t}\n"
		"}\n"
		"blacklist_exceptions {\n"
		"\twwid \"^3600a0b80\"\n"
		"}\n"
		"devices {\n"
		"\tdevice {\n"
		"\t\tvendor \"ACME\"\n"
		"\t\tproduct \"^Box\"\n"
		"\t\tno_path_retry 12\n"
		"\t\tselector failover-priority\n"
		"\t}\n"
		"}\n"
		"multipaths {\n"
		"\tmultipath {\n"
		"\t\twwid \"3600a0b80001\"\n"
		"\t\talias \"db\"\"main\"\"\"\n"
		"\t}\n"
		"}\n"
		"overrides {\n"
		"\tfast_io_fail_tmo off\n"
		"\tprotocol {\n"
		"\t\ttype scsi:fcp\n"
		"\t\tdev_loss_tmo infinity\n"
		"\t}\n"
		"}\n"
		"iscsi {\n"
		"\tnic eth1\n"
		"\tnic eth2\n"
		"\tnic eth3\n"
		"\theartbeat eth0\n"
		"\tdiscovery 10.0.0.10:3260\n"
		"\tdiscovery [fd00::1]\n"
		"}\n");
	assert_round_trip(cfg, 0, MP_CONFIG_NO_BUILTIN);
	assert_round_trip(cfg, MP_PRINT_DEFAULTS | MP_PRINT_BUILTIN, MP_CONFIG_NO_BUILTIN);
}

static void test_one_line_sections_and_comments(void **state)
{
	static const char text[] =
		"blacklist { }\n"
		"devices { device { vendor \"X\"\n"
		"product Y # the product\n"
		"} }\n"
		"defaults { verbosity 3 } ! done\n"
		"overrides {\n"
		"\tfeatures 1 queue_if_no_path\n"
		"\tprio_args \"#not a comment\"\n"
		"}\n";
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	_cleanup_config_ struct mp_config *cfg = NULL;
	_cleanup_free_ char *msgs = NULL;
	struct mp_map_settings s;

	assert_int_equal(mp_config_parse_string(text, strlen(text), "m.conf", MP_CONFIG_NO_BUILTIN,
						&cfg, &d), 0);
	msgs = diag_text(&d);
	assert_string_equal(msgs,
		"m.conf:7: warning: queue_if_no_path in features is deprecated; use no_path_retry queue\n");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "X", .product = "Y" }, &s);
	assert_setting(&s, MP_KEY_VERBOSITY, "3", "(m.conf:5)");
	assert_setting(&s, MP_KEY_FEATURES, "1 queue_if_no_path", "(m.conf:7)");
	assert_setting(&s, MP_KEY_PRIO_ARGS, "#not a comment", "(m.conf:8)");
	mp_config_diag_clear(&d);
}

static void test_regex_device_match(void **state)
{
	static const char text[] =
		"devices {\n"
		"	device {\n"
		"		vendor \"^(IBM|LENOVO)$\"\n"
		"		product \"^2145\"\n"
		"		revision \"^8\\.[0-9]\"\n"
		"		rr_min_io 7\n"
		"	}\n"
		"}\n";
	_cleanup_config_ struct mp_config *cfg = parse_clean(text, MP_CONFIG_NO_BUILTIN);
	struct mp_map_settings s;

	resolve(cfg, &(struct mp_path_ident) { .vendor = "LENOVO", .product = "2145-DH8",
					       .revision = "8.4" }, &s);
	assert_setting(&s, MP_KEY_RR_MIN_IO, "7", "(multipath.conf:6)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "LENOVO", .product = "2145",
					       .revision = "8x4" }, &s);
	assert_setting(&s, MP_KEY_RR_MIN_IO, "1000", "(default)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "LENOVOX", .product = "2145",
					       .revision = "8.4" }, &s);
	assert_int_equal(s.key[MP_KEY_RR_MIN_IO].kind, MP_ORIGIN_COMPILED);
	resolve(cfg, &(struct mp_path_ident) { .vendor = "IBM", .product = "2145" }, &s);
	assert_int_equal(s.key[MP_KEY_RR_MIN_IO].kind, MP_ORIGIN_COMPILED);
}

/* ---- precedence and origins ---- */

static const char precedence_conf[] =
	"defaults {\n"						/* 1 */
	"	no_path_retry 1\n"
	"	rr_min_io 101\n"
	"	rr_min_io_rq 11\n"
	"	failback 50\n"					/* 5 */
	"	dev_loss_tmo 61\n"
	"}\n"
	"devices {\n"
	"	device {\n"
	"		vendor \"EQLOGIC\"\n"			/* 10 */
	"		product \".*\"\n"
	"		no_path_retry 2\n"
	"		rr_min_io 102\n"
	"		rr_weight priorities\n"
	"	}\n"						/* 15 */
	"	device {\n"
	"		vendor \"EQL\"\n"
	"		product \"100E\"\n"
	"		no_path_retry 3\n"
	"	}\n"						/* 20 */
	"}\n"
	"overrides {\n"
	"	no_path_retry 4\n"
	"	fast_io_fail_tmo 9\n"
	"	protocol {\n"					/* 25 */
	"		type scsi:iscsi\n"
	"		fast_io_fail_tmo 8\n"
	"	}\n"
	"}\n"
	"multipaths {\n"					/* 30 */
	"	multipath {\n"
	"		wwid 36090a01\n"
	"		no_path_retry queue\n"
	"	}\n"
	"}\n";

static void test_precedence_chain(void **state)
{
	_cleanup_config_ struct mp_config *cfg = parse_clean(precedence_conf, 0);
	struct mp_path_ident id = {
		.wwid = "36090a01", .vendor = "EQLOGIC", .product = "100E-00",
		.protocol = "scsi:iscsi",
	};
	struct mp_map_settings s;

	resolve(cfg, &id, &s);
	/* multipaths beats overrides */
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "queue", "(multipath.conf:33)");
	assert_int_equal(s.key[MP_KEY_NO_PATH_RETRY].num, MP_NO_PATH_RETRY_QUEUE);
	assert_int_equal(s.key[MP_KEY_NO_PATH_RETRY].kind, MP_ORIGIN_MULTIPATH);
	/* overrides protocol beats overrides */
	assert_setting(&s, MP_KEY_FAST_IO_FAIL_TMO, "8", "(multipath.conf:27)");
	/* the later of two matching user devices wins, the earlier fills the gaps */
	assert_setting(&s, MP_KEY_RR_MIN_IO, "102", "(multipath.conf:13)");
	assert_setting(&s, MP_KEY_RR_WEIGHT, "priorities", "(multipath.conf:14)");
	/* user device beats built-in; built-in beats defaults */
	assert_setting(&s, MP_KEY_RR_MIN_IO_RQ, "3", "(built-in EQLOGIC 100E-00)");
	assert_int_equal(s.key[MP_KEY_RR_MIN_IO_RQ].kind, MP_ORIGIN_BUILTIN);
	assert_setting(&s, MP_KEY_FAILBACK, "immediate", "(built-in EQLOGIC 100E-00)");
	assert_setting(&s, MP_KEY_SELECTOR, "eql-slice", "(built-in EQLOGIC 100E-00)");
	/* defaults beat compiled-in */
	assert_setting(&s, MP_KEY_DEV_LOSS_TMO, "61", "(multipath.conf:6)");
	assert_int_equal(s.key[MP_KEY_DEV_LOSS_TMO].kind, MP_ORIGIN_DEFAULTS);
	assert_setting(&s, MP_KEY_PRIO, "const", "(default)");
	assert_int_equal(s.key[MP_KEY_PRIO].kind, MP_ORIGIN_COMPILED);
	/* identity keys are never resolved */
	assert_false(s.key[MP_KEY_VENDOR].set);
	assert_false(s.key[MP_KEY_ALIAS].set);

	/* another wwid and protocol: overrides wins, then the later device */
	id.wwid = "other";
	id.protocol = "scsi:fcp";
	resolve(cfg, &id, &s);
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "4", "(multipath.conf:23)");
	assert_setting(&s, MP_KEY_FAST_IO_FAIL_TMO, "9", "(multipath.conf:24)");

	/* nothing known: only overrides, defaults and compiled-in apply */
	resolve(cfg, &(struct mp_path_ident) { 0 }, &s);
	assert_setting(&s, MP_KEY_RR_MIN_IO, "101", "(multipath.conf:3)");
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "4", "(multipath.conf:23)");
	assert_setting(&s, MP_KEY_SELECTOR, "round-robin", "(default)");
}

static void test_later_user_device_wins(void **state)
{
	static const char text[] =
		"devices {\n"
		"	device {\n"
		"		vendor \"EQLOGIC\"\n"
		"		product \"100E-00\"\n"
		"		no_path_retry 20\n"
		"	}\n"
		"	device {\n"
		"		vendor \"EQLOGIC\"\n"
		"		product \"100E-00\"\n"
		"		no_path_retry 30\n"
		"	}\n"
		"}\n";
	_cleanup_config_ struct mp_config *cfg = parse_clean(text, 0);
	struct mp_map_settings s;

	resolve(cfg, &(struct mp_path_ident) { .vendor = "EQLOGIC", .product = "100E-00" }, &s);
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "30", "(multipath.conf:10)");
	assert_int_equal(s.key[MP_KEY_NO_PATH_RETRY].kind, MP_ORIGIN_DEVICE);
}

static void test_builtin_table(void **state)
{
	_cleanup_config_ struct mp_config *cfg = parse_clean("", 0);
	struct mp_map_settings s;

	resolve(cfg, &(struct mp_path_ident) { .vendor = "EQLOGIC", .product = "100E-00" }, &s);
	assert_setting(&s, MP_KEY_SELECTOR, "eql-slice", "(built-in EQLOGIC 100E-00)");
	assert_setting(&s, MP_KEY_PATH_GROUPING_POLICY, "multibus", "(built-in EQLOGIC 100E-00)");
	assert_int_equal(s.key[MP_KEY_PATH_GROUPING_POLICY].num, MP_PGP_MULTIBUS);
	assert_setting(&s, MP_KEY_PATH_CHECKER, "tur", "(built-in EQLOGIC 100E-00)");
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "5", "(built-in EQLOGIC 100E-00)");
	assert_setting(&s, MP_KEY_RR_MIN_IO_RQ, "3", "(built-in EQLOGIC 100E-00)");
	assert_setting(&s, MP_KEY_FAILBACK, "immediate", "(built-in EQLOGIC 100E-00)");
	assert_int_equal(s.key[MP_KEY_FAILBACK].num, MP_FAILBACK_IMMEDIATE);

	/* the TCMU entry comes after the generic LIO-ORG one and wins where both set */
	resolve(cfg, &(struct mp_path_ident) { .vendor = "LIO-ORG", .product = "TCMU device" }, &s);
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "queue", "(built-in LIO-ORG TCMU device)");
	assert_setting(&s, MP_KEY_PATH_GROUPING_POLICY, "failover", "(built-in LIO-ORG TCMU device)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "LIO-ORG", .product = "disk0" }, &s);
	assert_setting(&s, MP_KEY_PATH_GROUPING_POLICY, "group_by_prio", "(built-in LIO-ORG .*)");

	resolve(cfg, &(struct mp_path_ident) { .vendor = "NETAPP", .product = "LUN C-Mode" }, &s);
	assert_setting(&s, MP_KEY_DEV_LOSS_TMO, "infinity", "(built-in NETAPP LUN)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "PURE", .product = "FlashArray" }, &s);
	assert_setting(&s, MP_KEY_FAST_IO_FAIL_TMO, "10", "(built-in PURE FlashArray)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "HITACHI", .product = "OPEN-V" }, &s);
	assert_setting(&s, MP_KEY_PATH_GROUPING_POLICY, "multibus", "(built-in (HITACHI|HP) ^OPEN-)");
	/* AMS 2000 / HUS 100 are symmetric; the older AMS models are not */
	resolve(cfg, &(struct mp_path_ident) { .vendor = "HITACHI", .product = "DF600F" }, &s);
	assert_setting(&s, MP_KEY_PATH_GROUPING_POLICY, "multibus", "(built-in HITACHI ^DF600F)");
	assert_setting(&s, MP_KEY_PRIO, "const", "(built-in HITACHI ^DF600F)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "HITACHI", .product = "DF500F" }, &s);
	assert_setting(&s, MP_KEY_PATH_GROUPING_POLICY, "group_by_prio", "(built-in HITACHI ^DF)");
	assert_setting(&s, MP_KEY_PRIO, "hds", "(built-in HITACHI ^DF)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "NETAPP", .product = "LUN" }, &s);
	assert_setting(&s, MP_KEY_PRIO, "ontap", "(built-in NETAPP LUN)");
	assert_setting(&s, MP_KEY_HARDWARE_HANDLER, "0", "(built-in NETAPP LUN)");
	assert_setting(&s, MP_KEY_FEATURES, "2 pg_init_retries 50", "(built-in NETAPP LUN)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "HUAWEI", .product = "XSG1" }, &s);
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "15", "(built-in HUAWEI XSG1)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "3PARdata", .product = "VV" }, &s);
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "18", "(built-in 3PARdata VV)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "IBM", .product = "2145" }, &s);
	assert_setting(&s, MP_KEY_PRIO, "alua", "(built-in IBM ^2145)");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "DGC", .product = "VRAID" }, &s);
	assert_setting(&s, MP_KEY_HARDWARE_HANDLER, "1 emc", "(built-in DGC .*)");

	/* without the table the same device gets compiled-in values */
	_cleanup_config_ struct mp_config *bare = parse_clean("", MP_CONFIG_NO_BUILTIN);
	resolve(bare, &(struct mp_path_ident) { .vendor = "EQLOGIC", .product = "100E-00" }, &s);
	assert_setting(&s, MP_KEY_SELECTOR, "round-robin", "(default)");
}

static void test_builtin_print_round_trip(void **state)
{
	_cleanup_config_ struct mp_config *cfg = parse_clean(precedence_conf, 0);
	_cleanup_free_ char *full = print_config(cfg, MP_PRINT_DEFAULTS | MP_PRINT_BUILTIN);

	assert_non_null(strstr(full, "\t\tvendor \"EQLOGIC\"\n\t\tproduct \"100E-00\"\n"
				     "\t\tselector eql-slice\n"));
	assert_non_null(strstr(full, "\tdevnode \"^(ram|zram|raw|loop|fd|md|dm-|sr|scd|st|dcssblk|nvme)[0-9]\"\n"));
	assert_non_null(strstr(full, "\tfind_multipaths strict\n"));
	assert_round_trip(cfg, MP_PRINT_DEFAULTS | MP_PRINT_BUILTIN, 0);
	assert_round_trip(cfg, MP_PRINT_DEFAULTS, 0);
	assert_round_trip(cfg, 0, 0);
}

/* Found by fuzzing: a compiled-in max_polling_interval below a configured
 * polling_interval printed an effective config that did not load. */
static void test_effective_defaults_consistent(void **state)
{
	static const char text[] = "defaults {\n\tpolling_interval 30\n}\n";
	_cleanup_config_ struct mp_config *cfg = parse_clean(text, 0);
	_cleanup_free_ char *full = print_config(cfg, MP_PRINT_DEFAULTS);

	assert_null(strstr(full, "max_polling_interval"));
	assert_round_trip(cfg, MP_PRINT_DEFAULTS, 0);
}

static void test_overrides_protocol_exact(void **state)
{
	static const char text[] =
		"overrides {\n"
		"	protocol {\n"
		"		type scsi:sas\n"
		"		eh_deadline 30\n"
		"	}\n"
		"	protocol {\n"
		"		type scsi:sas\n"
		"		eh_deadline 40\n"
		"	}\n"
		"}\n";
	_cleanup_config_ struct mp_config *cfg = parse_clean(text, MP_CONFIG_NO_BUILTIN);
	struct mp_map_settings s;

	resolve(cfg, &(struct mp_path_ident) { .protocol = "scsi:sas" }, &s);
	assert_setting(&s, MP_KEY_EH_DEADLINE, "40", "(multipath.conf:8)");
	resolve(cfg, &(struct mp_path_ident) { .protocol = "scsi:sa" }, &s);
	assert_false(s.key[MP_KEY_EH_DEADLINE].set);
}

/* ---- blacklist ---- */

static const char blacklist_conf[] =
	"blacklist {\n"						/* 1 */
	"	wwid \".*\"\n"
	"	devnode \"^hd[a-z]\"\n"
	"	devnode \"!^(sd|vd)[a-z]\"\n"
	"	device {\n"					/* 5 */
	"		vendor \"^ATA$\"\n"
	"		product \"Virtual\"\n"
	"	}\n"
	"	protocol \"scsi:usb\"\n"
	"	property \"^ID_CDROM$\"\n"			/* 10 */
	"}\n"
	"blacklist_exceptions {\n"
	"	wwid \"^3600a098\"\n"
	"	wwid \"^36090a0\"\n"
	"	property \"^(SCSI_IDENT_|ID_WWN)\"\n"		/* 15 */
	"	device {\n"
	"		vendor \"^ATA$\"\n"
	"		product \"Virtual Keep\"\n"
	"	}\n"
	"}\n";

static bool blacklisted(const struct mp_config *cfg, struct mp_blacklist_query q,
			const char **reason)
{
	*reason = NULL;
	return mp_config_blacklisted(cfg, &q, reason);
}

static void test_blacklist(void **state)
{
	_cleanup_config_ struct mp_config *cfg = parse_clean(blacklist_conf, 0);
	static const char *const wwn[] = { "DEVNAME", "ID_WWN", NULL };
	static const char *const plain[] = { "DEVNAME", "ID_SERIAL", NULL };
	static const char *const cdrom[] = { "ID_WWN", "ID_CDROM", NULL };
	const char *why;

	/* user entries are checked before the compiled-in list */
	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .devnode = "loop0" }, &why));
	assert_string_equal(why, "devnode \"!^(sd|vd)[a-z]\" (multipath.conf:4)");
	assert_false(blacklisted(cfg, (struct mp_blacklist_query) { .devnode = "sdb" }, &why));
	assert_null(why);
	/* user devnode and an inverted devnode */
	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .devnode = "hda" }, &why));
	assert_string_equal(why, "devnode \"^hd[a-z]\" (multipath.conf:3)");
	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .devnode = "xvda" }, &why));
	assert_string_equal(why, "devnode \"!^(sd|vd)[a-z]\" (multipath.conf:4)");
	/* wwid: blacklist everything, except listed arrays */
	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .wwid = "35000c500" }, &why));
	assert_string_equal(why, "wwid \".*\" (multipath.conf:2)");
	assert_false(blacklisted(cfg, (struct mp_blacklist_query) { .wwid = "36090a0aa" }, &why));
	/* device: exception beats blacklist, product_blacklist of the built-in DELL entry */
	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .vendor = "ATA", .product = "Virtual Disk" }, &why));
	assert_string_equal(why, "device vendor \"^ATA$\" product \"Virtual\" (multipath.conf:5)");
	assert_false(blacklisted(cfg, (struct mp_blacklist_query) { .vendor = "ATA", .product = "Virtual Keep" }, &why));
	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .vendor = "DELL", .product = "Universal Xport" }, &why));
	assert_string_equal(why, "product_blacklist \"Universal Xport\" (built-in DELL ^MD3)");
	assert_false(blacklisted(cfg, (struct mp_blacklist_query) { .vendor = "DELL", .product = "MD36xxi" }, &why));
	/* protocol */
	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .protocol = "scsi:usb" }, &why));
	assert_string_equal(why, "protocol \"scsi:usb\" (multipath.conf:9)");
	/* property: an exception is required once one is listed */
	assert_false(blacklisted(cfg, (struct mp_blacklist_query) { .properties = wwn }, &why));
	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .properties = plain }, &why));
	assert_string_equal(why, "no udev property matches a blacklist_exceptions property");
	assert_false(blacklisted(cfg, (struct mp_blacklist_query) { .properties = cdrom }, &why));
	/* the order of checks: devnode is reported before wwid */
	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .devnode = "hdb", .wwid = "x" }, &why));
	assert_string_equal(why, "devnode \"^hd[a-z]\" (multipath.conf:3)");
	/* nothing known: nothing to check */
	assert_false(blacklisted(cfg, (struct mp_blacklist_query) { 0 }, &why));
}

static void test_blacklist_property_only_blacklist(void **state)
{
	static const char text[] = "blacklist {\n\tproperty \"^ID_CDROM$\"\n}\n";
	_cleanup_config_ struct mp_config *cfg = parse_clean(text, MP_CONFIG_NO_BUILTIN);
	static const char *const cdrom[] = { "ID_CDROM", NULL };
	static const char *const disk[] = { "ID_SERIAL", NULL };
	const char *why;

	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .properties = cdrom }, &why));
	assert_string_equal(why, "property \"^ID_CDROM$\" (multipath.conf:2)");
	/* the compiled-in devnode list */
	assert_true(blacklisted(cfg, (struct mp_blacklist_query) { .devnode = "loop0" }, &why));
	assert_string_equal(why, "devnode \"^(ram|zram|raw|loop|fd|md|dm-|sr|scd|st|dcssblk|nvme)[0-9]\" (default)");
	assert_false(blacklisted(cfg, (struct mp_blacklist_query) { .devnode = "loop" }, &why));
	assert_false(blacklisted(cfg, (struct mp_blacklist_query) { .devnode = "sdr0" }, &why));
	assert_false(blacklisted(cfg, (struct mp_blacklist_query) { .properties = disk }, &why));
}

/* ---- errors and warnings ---- */

static void test_all_errors_reported(void **state)
{
	static const char text[] =
		"defaults {\n"					/* 1 */
		"	no_path_retry sometimes\n"
		"	polling_interval 0\n"
		"	path_grouping_policy round_robin\n"
		"	verbosity\n"				/* 5 */
		"	fast_io_fail_tmo -1\n"
		"}\n"
		"devices {\n"
		"	device {\n"
		"		vendor \"(unclosed\"\n"		/* 10 */
		"		product \"X\"\n"
		"		membersessions 5\n"
		"		failover_priority \"portal=10.0.0.300 1\"\n"
		"	}\n"
		"}\n";					/* 15 */
	_cleanup_free_ char *msgs = parse_messages(text, -EINVAL);

	assert_string_equal(msgs,
		"multipath.conf:2: error: invalid value \"sometimes\" for no_path_retry: expected fail, queue or a number >= 1\n"
		"multipath.conf:3: error: invalid value \"0\" for polling_interval: expected a number in 1..86400\n"
		"multipath.conf:4: error: invalid value \"round_robin\" for path_grouping_policy: expected failover, multibus, group_by_serial, group_by_prio, group_by_node_name or group_by_tpg\n"
		"multipath.conf:5: error: missing value for verbosity\n"
		"multipath.conf:6: error: invalid value \"-1\" for fast_io_fail_tmo: expected off or a number >= 0\n"
		"multipath.conf:10: error: invalid regular expression \"(unclosed\" for vendor: Unmatched ( or \\(\n"
		"multipath.conf:12: error: invalid value \"5\" for membersessions: expected a number in 1..4\n"
		"multipath.conf:13: error: invalid match \"portal=10.0.0.300\" for failover_priority: expected portal=IP[:port], iface=NAME, hctl=H:C:T:L or host=hostN\n");
}

static void test_structure_errors(void **state)
{
	static const char text[] =
		"defaults {\n"					/* 1 */
		"	vendor \"X\"\n"
		"	device {\n"
		"		vendor \"Y\"\n"
		"	}\n"					/* 5 */
		"}\n"
		"no_path_retry 5\n"
		"devices {\n"
		"	no_path_retry 5\n"
		"	multipath {\n"				/* 10 */
		"	}\n"
		"	device {\n"
		"		vendor A\n"
		"	}\n"
		"}\n"						/* 15 */
		"}\n"
		"{\n"
		"}\n"
		"multipaths {\n"
		"	multipath {\n"				/* 20 */
		"		alias x\n";
	_cleanup_free_ char *msgs = parse_messages(text, -EINVAL);

	assert_string_equal(msgs,
		"multipath.conf:2: warning: keyword vendor is not allowed in section defaults; ignored\n"
		"multipath.conf:3: error: section device is not allowed in section defaults\n"
		"multipath.conf:7: warning: keyword no_path_retry is outside any section; ignored\n"
		"multipath.conf:9: warning: keyword no_path_retry is not allowed in section devices; ignored\n"
		"multipath.conf:10: error: section multipath is not allowed in section devices\n"
		"multipath.conf:12: error: device section has no product\n"
		"multipath.conf:16: error: unbalanced braces: '}' without an open section\n"
		"multipath.conf:17: error: '{' without a section name\n"
		"multipath.conf:20: error: unbalanced braces: section multipath is not closed\n"
		"multipath.conf:19: error: unbalanced braces: section multipaths is not closed\n");
}

static void test_warnings_still_load(void **state)
{
	static const char text[] =
		"defaults {\n"
		"	frobnicate yes\n"
		"	uxsock_timeout 4000\n"
		"	getuid_callout \"/lib/udev/scsi_id --whitelisted --device=/dev/%n\"\n"
		"	path_checker rdac\n"
		"	verbosity 2\n"
		"	verbosity 3\n"
		"	prio mystery\n"
		"}\n"
		"widgets {\n"
		"	widget { size 3 }\n"
		"}\n";
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	_cleanup_config_ struct mp_config *cfg = NULL;
	_cleanup_free_ char *msgs = NULL, *printed = NULL;

	assert_int_equal(mp_config_parse_string(text, strlen(text), "/etc/multipath.conf",
						MP_CONFIG_NO_BUILTIN, &cfg, &d), 0);
	msgs = diag_text(&d);
	assert_string_equal(msgs,
		"/etc/multipath.conf:2: warning: unknown keyword frobnicate in section defaults; ignored\n"
		"/etc/multipath.conf:3: warning: uxsock_timeout is a multipath-tools keyword that mpathd does not support; ignored\n"
		"/etc/multipath.conf:4: warning: getuid_callout is deprecated and ignored; mpathd reads the WWID from uid_attribute\n"
		"/etc/multipath.conf:5: warning: path checker \"rdac\" is not implemented by mpathd; tur is used\n"
		"/etc/multipath.conf:7: warning: verbosity given again; the value from line 6 is replaced\n"
		"/etc/multipath.conf:8: warning: unknown prioritizer \"mystery\"\n"
		"/etc/multipath.conf:10: warning: unknown section widgets; ignored\n");
	assert_int_equal(d.n_warnings, 7);
	assert_int_equal(d.n_errors, 0);
	printed = print_config(cfg, 0);
	assert_string_equal(printed,
		"defaults {\n\tpath_checker rdac\n\tverbosity 3\n\tprio mystery\n}\n");
	mp_config_diag_clear(&d);
}

/* multipathd skips keywords that are valid elsewhere with a message; so
 * do we, and the value must not leak into any section. */
static void test_misplaced_keywords_warn(void **state)
{
	static const char text[] =
		"no_path_retry 3\n"				/* 1 */
		"defaults {\n"
		"	alias x\n"
		"	vendor \"X\"\n"
		"	verbosity 3\n"				/* 5 */
		"}\n"
		"overrides {\n"
		"	hardware_handler \"1 alua\"\n"
		"}\n"
		"multipaths {\n"				/* 10 */
		"	multipath {\n"
		"		wwid 1\n"
		"		path_checker directio\n"
		"		fast_io_fail_tmo 5\n"
		"	}\n"						/* 15 */
		"}\n"
		"blacklist {\n"
		"	nic eth0\n"
		"}\n";
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	_cleanup_config_ struct mp_config *cfg = NULL;
	_cleanup_free_ char *msgs = NULL, *printed = NULL;
	struct mp_map_settings s;

	assert_int_equal(mp_config_parse_string(text, strlen(text), "m.conf", MP_CONFIG_NO_BUILTIN,
						&cfg, &d), 0);
	msgs = diag_text(&d);
	assert_string_equal(msgs,
		"m.conf:1: warning: keyword no_path_retry is outside any section; ignored\n"
		"m.conf:3: warning: keyword alias is not allowed in section defaults; ignored\n"
		"m.conf:4: warning: keyword vendor is not allowed in section defaults; ignored\n"
		"m.conf:8: warning: keyword hardware_handler is not allowed in section overrides; ignored\n"
		"m.conf:13: warning: keyword path_checker is not allowed in section multipath; ignored\n"
		"m.conf:14: warning: keyword fast_io_fail_tmo is not allowed in section multipath; ignored\n"
		"m.conf:18: warning: keyword nic is not allowed in section blacklist; ignored\n");
	assert_int_equal(d.n_errors, 0);
	printed = print_config(cfg, 0);
	assert_string_equal(printed,
		"defaults {\n\tverbosity 3\n}\n"
		"multipaths {\n\tmultipath {\n\t\twwid \"1\"\n\t}\n}\n");
	resolve(cfg, &(struct mp_path_ident) { .wwid = "1" }, &s);
	assert_false(s.key[MP_KEY_ALIAS].set);
	assert_setting(&s, MP_KEY_PATH_CHECKER, "tur", "(default)");
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "fail", "(default)");
	mp_config_diag_clear(&d);
}

/* multipathd also reads a '{' on the line after the section name. */
static void test_brace_on_next_line(void **state)
{
	static const char good[] =
		"devices\n"					/* 1 */
		"{\n"
		"	device\n"
		"	{\n"
		"		vendor \"ACME\"\n"		/* 5 */
		"		product \"Box\"\n"
		"		no_path_retry 7\n"
		"	}\n"
		"}\n"
		"overrides\n"					/* 10 */
		"{\n"
		"	protocol\n"
		"	{\n"
		"		type scsi:iscsi\n"
		"		dev_loss_tmo 60\n"		/* 15 */
		"	}\n"
		"}\n";
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	_cleanup_config_ struct mp_config *cfg = NULL;
	_cleanup_free_ char *msgs = NULL, *bad = NULL;
	struct mp_map_settings s;

	assert_int_equal(mp_config_parse_string(good, strlen(good), "b.conf", MP_CONFIG_NO_BUILTIN,
						&cfg, &d), 0);
	msgs = diag_text(&d);
	assert_string_equal(msgs,
		"b.conf:1: warning: '{' of section devices should be on the same line as its name\n"
		"b.conf:3: warning: '{' of section device should be on the same line as its name\n"
		"b.conf:10: warning: '{' of section overrides should be on the same line as its name\n"
		"b.conf:12: warning: '{' of section protocol should be on the same line as its name\n");
	resolve(cfg, &(struct mp_path_ident) { .vendor = "ACME", .product = "Box",
					       .protocol = "scsi:iscsi" }, &s);
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "7", "(b.conf:7)");
	assert_setting(&s, MP_KEY_DEV_LOSS_TMO, "60", "(b.conf:15)");
	mp_config_diag_clear(&d);

	/* a name with no '{' after it, in the middle and at the end */
	bad = parse_messages("defaults\nverbosity 3\n}\nblacklist\n", -EINVAL);
	assert_string_equal(bad,
		"multipath.conf:1: error: section defaults needs '{'\n"
		"multipath.conf:2: warning: keyword verbosity is outside any section; ignored\n"
		"multipath.conf:3: error: unbalanced braces: '}' without an open section\n"
		"multipath.conf:4: error: section blacklist needs '{'\n");
}

/* Files saved on other systems: a byte order mark and CRLF line ends. */
static void test_bom_and_crlf(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf# saved by an editor that writes a BOM\r\n"
		"defaults {\r\n"
		"\tuser_friendly_names \"yes\"\r\n"
		"\tpolling_interval 7\r\n"
		"}\r\n";
	_cleanup_config_ struct mp_config *cfg = parse_clean(text, MP_CONFIG_NO_BUILTIN);
	struct mp_map_settings s;

	resolve(cfg, &(struct mp_path_ident) { 0 }, &s);
	assert_setting(&s, MP_KEY_POLLING_INTERVAL, "7", "(multipath.conf:4)");
	assert_setting(&s, MP_KEY_USER_FRIENDLY_NAMES, "yes", "(multipath.conf:3)");
}

/* ---- comparing resolved settings (reloads) ---- */

static const char compare_old[] =
	"defaults {\n"
	"	polling_interval 5\n"
	"	no_path_retry queue\n"
	"}\n"
	"devices {\n"
	"	device {\n"
	"		vendor \"ACME\"\n"
	"		product \"Box\"\n"
	"		path_selector \"round-robin 0\"\n"
	"		failover_priority \"iface=eth1 1\"\n"
	"		failover_priority \"iface=eth2 2\"\n"
	"	}\n"
	"}\n";

static void compare_resolve(const char *text, const struct mp_path_ident *id,
			    struct mp_config **cfg, struct mp_map_settings *s)
{
	*cfg = parse_clean(text, MP_CONFIG_NO_BUILTIN);
	resolve(*cfg, id, s);
}

static void test_settings_equal_and_diff(void **state)
{
	/* the same values from other lines, levels and spellings */
	static const char moved[] =
		"# comments move every line\n"
		"#\n"
		"#\n"
		"overrides {\n"
		"	no_path_retry \"queue\"\n"
		"}\n"
		"devices {\n"
		"	device {\n"
		"		vendor \"ACME\"\n"
		"		product \"Box\"\n"
		"		path_selector round-robin\n"
		"		failover_priority \"iface=eth1   1\"\n"
		"		failover_priority \"iface=eth2 2\"\n"
		"	}\n"
		"}\n";
	/* a daemon-wide change only */
	static const char global[] =
		"defaults {\n\tpolling_interval 9\n\tno_path_retry queue\n}\n"
		"devices {\n\tdevice {\n\t\tvendor \"ACME\"\n\t\tproduct \"Box\"\n"
		"\t\tpath_selector \"round-robin 0\"\n"
		"\t\tfailover_priority \"iface=eth1 1\"\n\t\tfailover_priority \"iface=eth2 2\"\n"
		"\t}\n}\n";
	static const char changed[] =
		"defaults {\n\tno_path_retry 12\n}\n"
		"devices {\n\tdevice {\n\t\tvendor \"ACME\"\n\t\tproduct \"Box\"\n"
		"\t\tpath_selector \"queue-length 0\"\n"
		"\t\tfailover_priority \"iface=eth1 1\"\n\t\tfailover_priority \"iface=eth2 3\"\n"
		"\t\tprio_args \"x\"\n"
		"\t}\n}\n";
	static const char no_fprio[] =
		"defaults {\n\tno_path_retry queue\n}\n"
		"devices {\n\tdevice {\n\t\tvendor \"ACME\"\n\t\tproduct \"Box\"\n"
		"\t\tpath_selector \"round-robin 0\"\n\t}\n}\n";
	struct mp_path_ident id = { .vendor = "ACME", .product = "Box" };
	_cleanup_config_ struct mp_config *c0 = NULL, *c1 = NULL, *c2 = NULL, *c3 = NULL,
					  *c4 = NULL;
	_cleanup_strbuf_ struct strbuf diff = STRBUF_INIT;
	struct mp_map_settings s0, s1, s2, s3, s4;

	compare_resolve(compare_old, &id, &c0, &s0);
	compare_resolve(moved, &id, &c1, &s1);
	compare_resolve(global, &id, &c2, &s2);
	compare_resolve(changed, &id, &c3, &s3);
	compare_resolve(no_fprio, &id, &c4, &s4);

	/* origins differ, values do not */
	assert_int_equal(s0.key[MP_KEY_NO_PATH_RETRY].kind, MP_ORIGIN_DEFAULTS);
	assert_int_equal(s1.key[MP_KEY_NO_PATH_RETRY].kind, MP_ORIGIN_OVERRIDES);
	assert_string_not_equal(s0.failover_prio[0].origin, s1.failover_prio[0].origin);
	assert_true(mp_map_settings_equal(&s0, &s1));
	assert_int_equal(mp_map_settings_diff(&s0, &s1, &diff), 0);
	assert_string_equal(strbuf_str(&diff), "");
	assert_true(mp_map_settings_equal(&s0, &s0));

	/* polling_interval is daemon-wide: no map needs a reload for it */
	assert_int_not_equal(s0.key[MP_KEY_POLLING_INTERVAL].num, s2.key[MP_KEY_POLLING_INTERVAL].num);
	assert_true(mp_map_settings_equal(&s0, &s2));
	assert_int_equal(mp_map_settings_diff(&s0, &s2, &diff), 0);

	/* values, an unset key and a failover priority changed */
	assert_false(mp_map_settings_equal(&s0, &s3));
	assert_false(mp_map_settings_equal(&s3, &s0));
	assert_int_equal(mp_map_settings_diff(&s0, &s3, &diff), 4);
	assert_string_equal(strbuf_str(&diff),
		"path_selector: round-robin 0 -> queue-length 0\n"
		"prio_args: (unset) -> x\n"
		"no_path_retry: queue -> 12\n"
		"failover_priority: iface=eth1 1, iface=eth2 2 -> iface=eth1 1, iface=eth2 3\n");

	/* the failover list alone differs */
	assert_false(mp_map_settings_equal(&s0, &s4));
	strbuf_reset(&diff);
	assert_int_equal(mp_map_settings_diff(&s0, &s4, &diff), 1);
	assert_string_equal(strbuf_str(&diff),
		"failover_priority: iface=eth1 1, iface=eth2 2 -> (unset)\n");

	/* another map of another array is simply different */
	resolve(c0, &(struct mp_path_ident) { .vendor = "OTHER", .product = "Box" }, &s4);
	assert_false(mp_map_settings_equal(&s0, &s4));

	assert_true(mp_map_settings_equal(NULL, NULL));
	assert_false(mp_map_settings_equal(&s0, NULL));
	assert_int_equal(mp_map_settings_diff(NULL, &s0, &diff), -EINVAL);
	assert_int_equal(mp_map_settings_diff(&s0, &s0, NULL), -EINVAL);
}

static void test_extra_words_rejected(void **state)
{
	_cleanup_free_ char *msgs = parse_messages(
		"blacklist {\n\tdevice { vendor \"ATA\" product \"X\" }\n}\n", -EINVAL);

	assert_string_equal(msgs,
		"multipath.conf:2: error: unexpected \"product\" after the value of vendor (one keyword per line)\n");
}

struct value_case {
	const char *section;	/* "defaults", "device", "multipath", "iscsi", "protocol", "blacklist" */
	const char *line;
	const char *printed;	/* NULL: must be rejected */
};

static const struct value_case value_cases[] = {
	{ "defaults", "failback 0", "immediate" },
	{ "defaults", "failback followover", "followover" },
	{ "defaults", "failback 15", "15" },
	{ "defaults", "failback -5", NULL },
	{ "defaults", "no_path_retry 0", "fail" },
	{ "defaults", "no_path_retry 99999999999999999999", NULL },
	{ "defaults", "dev_loss_tmo 0", "0" },
	{ "defaults", "dev_loss_tmo 2147483647", NULL },
	{ "defaults", "fast_io_fail_tmo 0", "0" },
	{ "defaults", "find_multipaths yes", "on" },
	{ "defaults", "find_multipaths smart", "smart" },
	{ "defaults", "find_multipaths maybe", NULL },
	{ "defaults", "flush_on_last_del no", "unused" },
	{ "defaults", "flush_on_last_del yes", "always" },
	{ "defaults", "flush_on_last_del never", "never" },
	{ "defaults", "user_friendly_names on", NULL },
	{ "defaults", "user_friendly_names 1", "yes" },
	{ "defaults", "skip_kpartx 0", "no" },
	{ "defaults", "user_friendly_names 2", NULL },
	{ "defaults", "path_selector \"round-robin\"", "\"round-robin 0\"" },
	{ "defaults", "path_selector \"service-time 1 x\"", "\"service-time 1 x\"" },
	{ "defaults", "path_selector \"service-time 2 x\"", NULL },
	{ "defaults", "path_checker directio", "directio" },
	{ "defaults", "path_checker tur2", NULL },
	{ "defaults", "features \"2 pg_init_retries 50\"", "\"2 pg_init_retries 50\"" },
	{ "defaults", "features \"1\"", NULL },
	{ "defaults", "features none", NULL },
	{ "defaults", "hardware_handler \"1 alua\"", "\"1 alua\"" },
	{ "defaults", "hardware_handler \"2 alua x\"", NULL },
	{ "defaults", "hardware_handler \"1\"", NULL },
	{ "defaults", "rr_min_io_rq 0", NULL },
	{ "defaults", "rr_weight priorities", "priorities" },
	{ "defaults", "selector round-robin", "round-robin" },
	{ "defaults", "selector ../evil", NULL },
	{ "defaults", "membersessions 1", "1" },
	{ "defaults", "membersessions 0", NULL },
	{ "defaults", "volumesessions 12", "12" },
	{ "defaults", "volumesessions 13", NULL },
	{ "defaults", "totalsessions 64", "64" },
	{ "defaults", "totalsessions 1024", "1024" },
	{ "defaults", "totalsessions 63", NULL },
	{ "defaults", "totalsessions 1025", NULL },
	{ "defaults", "verbosity 7", NULL },
	{ "defaults", "wwids_file relative/path", NULL },
	{ "defaults", "wwids_file /etc/multipath/wwids", "\"/etc/multipath/wwids\"" },
	{ "defaults", "log_checker_err once", "once" },
	{ "defaults", "eh_deadline off", "off" },
	{ "defaults", "max_polling_interval 4", NULL },	/* below polling_interval 5 */
	{ "multipath", "alias a/b", NULL },
	{ "multipath", "failover_priority \"hctl=3:0:*:1 7\"", "\"hctl=3:0:*:1 7\"" },
	{ "multipath", "failover_priority \"host=host12 4000000\"", "\"host=host12 4000000\"" },
	{ "multipath", "failover_priority \"host=host12 4000001\"", NULL },
	{ "multipath", "failover_priority \"iface=eth1.100 2\"", "\"iface=eth1.100 2\"" },
	{ "multipath", "failover_priority \"iface=averyveryverylongname 2\"", NULL },
	{ "multipath", "failover_priority \"portal=[fe80::0001]:3260 1\"", "\"portal=[fe80::1]:3260 1\"" },
	{ "multipath", "failover_priority \"portal=10.1.1.1:0 1\"", NULL },
	{ "multipath", "failover_priority \"hctl=1:2:3 1\"", NULL },
	{ "multipath", "failover_priority \"portal=10.1.1.1\"", NULL },
	{ "device", "hardware_handler \"1 rdac\"", "\"1 rdac\"" },
	{ "device", "revision \"^1\\.0\"", "\"^1\\.0\"" },
	{ "protocol", "dev_loss_tmo 30", "30" },
	{ "protocol", "type scsi:nothing", NULL },
	{ "protocol", "type nvme:tcp", "nvme:tcp" },
	{ "protocol", "type \"scsi:iscsi\"", "scsi:iscsi" },
	{ "iscsi", "nic eth0:1", NULL },
	{ "iscsi", "nic ..", NULL },
	{ "iscsi", "discovery 10.0.0.1:65536", NULL },
	{ "iscsi", "discovery fe80::2", "[fe80::2]" },
	{ "iscsi", "discovery [10.0.0.1]", NULL },
	{ "iscsi", "exclude 10.1.2.0/24", "10.1.2.0/24" },
	{ "iscsi", "exclude 10.1.2.7", "10.1.2.7/32" },
	{ "iscsi", "exclude 10.1.2.7/24", "10.1.2.0/24" },	/* with a warning */
	{ "iscsi", "exclude fd00:0::/64", "fd00::/64" },
	{ "iscsi", "exclude 10.1.2.0/33", NULL },
	{ "iscsi", "exclude 10.1.2.256/24", NULL },
	{ "iscsi", "exclude eth4", "eth4" },
	{ "iscsi", "exclude eth4/1", NULL },
	{ "iscsi", "volume iqn.2001-05.com.equallogic:0-8a0906-vol1", "iqn.2001-05.com.equallogic:0-8a0906-vol1" },
	{ "iscsi", "volume IQN.2001-05.COM.Example:Vol", "iqn.2001-05.com.example:vol" },
	{ "iscsi", "volume vol1", NULL },
	{ "iscsi", "volume iqn.2001-05.com.x:a/b", NULL },
	{ "iscsi", "chap_file /etc/mpathd/chap", "\"/etc/mpathd/chap\"" },
	{ "iscsi", "chap_file chap", NULL },
	{ "iscsi", "mtu 9000", "9000" },
	{ "iscsi", "mtu 100", NULL },
	{ "iscsi", "probe_interval 200", "200" },
	{ "iscsi", "probe_interval 10", NULL },
	{ "iscsi", "login_timeout 5", "5" },
	{ "iscsi", "login_timeout 0", NULL },
	{ "iscsi", "discovery_interval 30", "30" },
	{ "iscsi", "discovery_interval 4", NULL },
	{ "iscsi", "membersessions 4", "4" },
	{ "iscsi", "membersessions 5", NULL },
	{ "iscsi", "volumesessions 12", "12" },
	{ "iscsi", "totalsessions 63", NULL },
	/* names the kernel allows that the lexer would split: printed quoted */
	{ "iscsi", "nic \"a{b\"", "\"a{b\"" },
	{ "iscsi", "heartbeat \"x\"\"y#\"", "\"x\"\"y#\"" },
	{ "blacklist", "devnode \"^(ram|zram|raw|loop|fd|md|dm-|sr|scd|st|dcssblk|nvme)[0-9]\"",
	  "\"^(ram|zram|raw|loop|fd|md|dm-|sr|scd|st|dcssblk|nvme)[0-9]\"" },
	{ "blacklist", "wwid \"^[[:xdigit:]]{33}$\"", "\"^[[:xdigit:]]{33}$\"" },
	{ "blacklist", "property \"(SCSI_IDENT_|ID_WWN)\"", "\"(SCSI_IDENT_|ID_WWN)\"" },
	{ "blacklist", "devnode \"^[]a-z]{2,5}x\\{\"", "\"^[]a-z]{2,5}x\\{\"" },
	{ "blacklist", "devnode \"(\"", NULL },
	/* regcomp() would take exponential memory on these (found by fuzzing) */
	{ "blacklist", "devnode \"dm+++++++++++++++++++++++++++++++++++++++\"", NULL },
	{ "blacklist", "devnode \"((a{20}){20}){20}\"", NULL },
	{ "blacklist", "devnode \"(((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))))))\"", NULL },
	{ "blacklist", "wwid \"(a|b){99999999999999999999}\"", NULL },
};

static int value_case_config(const struct value_case *c, char **ret)
{
	static const struct {
		const char *section, *head, *tail;
	} wrap[] = {
		{ "defaults", "defaults {\n", "}\n" },
		{ "device", "devices {\ndevice {\nvendor V\nproduct P\n", "}\n}\n" },
		{ "multipath", "multipaths {\nmultipath {\nwwid W\n", "}\n}\n" },
		{ "protocol", "overrides {\nprotocol {\ntype scsi:iscsi\n", "}\n}\n" },
		{ "iscsi", "iscsi {\n", "}\n" },
		{ "blacklist", "blacklist {\n", "}\n" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(wrap); i++)
		if (streq(wrap[i].section, c->section))
			return asprintf(ret, "%s%s\n%s", wrap[i].head, c->line, wrap[i].tail);
	return -EINVAL;
}

static void test_value_table(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(value_cases); i++) {
		const struct value_case *c = &value_cases[i];
		_cleanup_free_ char *text = NULL, *printed = NULL;
		struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
		struct mp_config *cfg = NULL;
		char *kw = strndup(c->line, strcspn(c->line, " "));
		int r;

		assert_true(value_case_config(c, &text) > 0);
		r = mp_config_parse_string(text, strlen(text), "v.conf", MP_CONFIG_NO_BUILTIN, &cfg, &d);
		if ((r == 0) != (c->printed != NULL))
			fail_msg("%s: \"%s\" %s", c->section, c->line,
				 c->printed ? "was rejected" : "was accepted");
		if (cfg) {
			_cleanup_free_ char *want = NULL;

			printed = print_config(cfg, 0);
			assert_true(asprintf(&want, "\t%s %s\n", kw, c->printed) > 0);
			if (!strstr(printed, want))
				fail_msg("%s: \"%s\" printed as:\n%s", c->section, c->line, printed);
			assert_round_trip(cfg, 0, MP_CONFIG_NO_BUILTIN);
		} else {
			assert_true(d.n_errors > 0);
		}
		free(kw);
		mp_config_diag_clear(&d);
		mp_config_free(cfg);
	}
}

/* ---- extensions ---- */

static const char failover_conf[] =
	"devices {\n"						/* 1 */
	"	device {\n"
	"		vendor \"EQLOGIC\"\n"
	"		product \"100E-00\"\n"
	"		failover_priority \"iface=eth9 9\"\n"	/* 5 */
	"	}\n"
	"}\n"
	"multipaths {\n"
	"	multipath {\n"
	"		wwid 36090a0\n"				/* 10 */
	"		selector failover-priority\n"
	"		failover_priority \"portal=10.0.0.1 1\"\n"
	"		failover_priority \"hctl=4:0:0:*   2\"\n"
	"		failover_priority \"host=host3 2\"\n"
	"	}\n"						/* 15 */
	"}\n";

static void test_failover_priority(void **state)
{
	_cleanup_config_ struct mp_config *cfg = parse_clean(failover_conf, 0);
	struct mp_path_ident id = { .wwid = "36090a0", .vendor = "EQLOGIC", .product = "100E-00" };
	struct mp_map_settings s;
	const struct mp_failover_prio *fp;

	resolve(cfg, &id, &s);
	assert_int_equal(s.n_failover_prio, 3);
	fp = s.failover_prio;
	assert_int_equal(fp[0].match, MP_FAILOVER_MATCH_PORTAL);
	assert_string_equal(fp[0].portal.addr, "10.0.0.1");
	assert_int_equal(fp[0].portal.port, 0);
	assert_int_equal(fp[0].priority, 1);
	assert_string_equal(fp[0].origin, "(multipath.conf:12)");
	assert_int_equal(fp[1].match, MP_FAILOVER_MATCH_HCTL);
	assert_int_equal(fp[1].hctl[0], 4);
	assert_int_equal(fp[1].hctl[3], -1);
	assert_string_equal(fp[1].text, "hctl=4:0:0:* 2");
	assert_int_equal(fp[2].match, MP_FAILOVER_MATCH_HOST);
	assert_int_equal(fp[2].host, 3);
	assert_string_equal(s.key[MP_KEY_FAILOVER_PRIORITY].origin, "(multipath.conf:12)");
	assert_setting(&s, MP_KEY_SELECTOR, "failover-priority", "(multipath.conf:11)");

	/* another map of the same array falls back to the device entry */
	id.wwid = "36090a1";
	resolve(cfg, &id, &s);
	assert_int_equal(s.n_failover_prio, 1);
	assert_string_equal(s.failover_prio[0].iface, "eth9");
	assert_int_equal(s.key[MP_KEY_FAILOVER_PRIORITY].kind, MP_ORIGIN_DEVICE);
	/* other arrays have none */
	resolve(cfg, &(struct mp_path_ident) { .vendor = "PURE", .product = "FlashArray" }, &s);
	assert_int_equal(s.n_failover_prio, 0);
	assert_false(s.key[MP_KEY_FAILOVER_PRIORITY].set);
}

static void test_failover_priority_duplicate(void **state)
{
	_cleanup_free_ char *msgs = parse_messages(
		"multipaths {\n"
		"	multipath {\n"
		"		wwid 1\n"
		"		failover_priority \"iface=eth1 1\"\n"
		"		failover_priority \"iface=eth1 2\"\n"
		"	}\n"
		"}\n", -EINVAL);

	assert_string_equal(msgs,
		"multipath.conf:5: error: failover_priority gives the same paths a second priority\n");
}

static void test_iscsi_checks(void **state)
{
	_cleanup_free_ char *msgs = parse_messages(
		"iscsi {\n"
		"	nic eth1 eth2 eth1\n"
		"	heartbeat eth2\n"
		"}\n", -EINVAL);

	assert_string_equal(msgs,
		"multipath.conf:2: error: the heartbeat interface must not also be an iSCSI nic\n"
		"multipath.conf:2: warning: listed twice\n"
		"multipath.conf:1: warning: the iscsi section has no discovery address: the session manager does nothing\n");
}

/* The session limits act through the session manager: without an iscsi section they warn. */
static void test_session_limits_without_iscsi(void **state)
{
	_cleanup_free_ char *msgs = parse_messages(
		"defaults {\n"
		"	membersessions 3\n"
		"	totalsessions 128\n"
		"}\n"
		"devices {\n"
		"	device {\n"
		"		vendor EQLOGIC\n"
		"		product .*\n"
		"		volumesessions 4\n"
		"	}\n"
		"}\n", 0);

	assert_string_equal(msgs,
		"multipath.conf:2: warning: membersessions: ignored: there is no iscsi section, so no session manager runs\n"
		"multipath.conf:3: warning: totalsessions: ignored: there is no iscsi section, so no session manager runs\n"
		"multipath.conf:9: warning: volumesessions: ignored: there is no iscsi section, so no session manager runs\n");
}

/* Every keyword of the iscsi section reaches mp_config_iscsi(); "portal" is the old name of discovery. */
static void test_iscsi_settings(void **state)
{
	static const char text[] =
		"defaults {\n"
		"	membersessions 3\n"
		"}\n"
		"iscsi {\n"
		"	portal 10.20.0.10\n"
		"	discovery 10.30.0.10:3261\n"
		"	nic veth1 veth2\n"
		"	heartbeat hb0\n"
		"	exclude 10.40.0.0/16 eth9\n"
		"	volume iqn.2026-11.test:vol1\n"
		"	volume iqn.2026-11.test:vol2\n"
		"	chap_file /etc/mpathd/chap\n"
		"	membersessions 4\n"
		"	volumesessions 8\n"
		"	totalsessions 64\n"
		"	mtu 9000\n"
		"	probe_interval 100\n"
		"	login_timeout 3\n"
		"	discovery_interval 10\n"
		"}\n";
	_cleanup_config_ struct mp_config *cfg = parse_clean(text, MP_CONFIG_NO_BUILTIN);
	_cleanup_config_ struct mp_config *none = parse_clean("defaults {\n}\n", MP_CONFIG_NO_BUILTIN);
	_cleanup_free_ char *printed = print_config(cfg, 0);
	struct mp_iscsi_settings is;
	struct mp_map_settings s;

	assert_int_equal(mp_config_iscsi(cfg, &is), 0);
	assert_true(is.present);
	assert_int_equal(is.n_discovery, 2);
	assert_string_equal(is.discovery[0].addr, "10.20.0.10");
	assert_int_equal(is.discovery[1].port, 3261);
	assert_int_equal(is.n_nics, 2);
	assert_string_equal(is.heartbeat, "hb0");
	assert_int_equal(is.n_excludes, 2);
	assert_string_equal(is.excludes[0].addr, "10.40.0.0");
	assert_int_equal(is.excludes[0].prefix, 16);
	assert_string_equal(is.excludes[1].nic, "eth9");
	assert_int_equal(is.n_volumes, 2);
	assert_string_equal(is.volumes[1], "iqn.2026-11.test:vol2");
	assert_string_equal(is.chap_file, "/etc/mpathd/chap");
	assert_int_equal(is.membersessions, 4);
	assert_int_equal(is.volumesessions, 8);
	assert_int_equal(is.totalsessions, 64);
	assert_int_equal(is.mtu, 9000);
	assert_int_equal(is.probe_interval_ms, 100);
	assert_int_equal(is.login_timeout_s, 3);
	assert_int_equal(is.discovery_interval_s, 10);
	assert_non_null(strstr(printed, "\tdiscovery 10.20.0.10\n\tdiscovery 10.30.0.10:3261\n"));
	assert_round_trip(cfg, 0, MP_CONFIG_NO_BUILTIN);
	/* the section's limits are the manager's: maps still resolve the defaults section */
	resolve(cfg, &(struct mp_path_ident) { 0 }, &s);
	assert_setting(&s, MP_KEY_MEMBERSESSIONS, "3", "(multipath.conf:2)");

	assert_int_equal(mp_config_iscsi(none, &is), 0);
	assert_false(is.present);
	assert_int_equal(is.n_discovery + is.n_nics + is.n_volumes, 0);
	assert_int_equal(is.membersessions, 0);
}

static void test_portal_parse(void **state)
{
	struct mp_portal p;

	assert_int_equal(mp_portal_parse("192.168.1.5:860", &p), 0);
	assert_int_equal(p.family, AF_INET);
	assert_string_equal(p.addr, "192.168.1.5");
	assert_int_equal(p.port, 860);
	assert_int_equal(mp_portal_parse("[2001:db8:0::1]:3260", &p), 0);
	assert_string_equal(p.addr, "2001:db8::1");
	assert_int_equal(p.port, 3260);
	assert_int_equal(mp_portal_parse("2001:db8::1", &p), 0);
	assert_int_equal(p.port, 0);
	assert_int_equal(mp_portal_parse("host.example:3260", &p), -EINVAL);
	assert_int_equal(mp_portal_parse("1.2.3.4:", &p), -EINVAL);
	assert_int_equal(mp_portal_parse("[::1", &p), -EINVAL);
	assert_int_equal(mp_portal_parse("[::1]x", &p), -EINVAL);
	assert_int_equal(mp_portal_parse("", &p), -EINVAL);
}

static void test_map_settings_print(void **state)
{
	static const char text[] =
		"defaults {\n"
		"	no_path_retry queue\n"
		"}\n"
		"multipaths {\n"
		"	multipath {\n"
		"		wwid 1\n"
		"		failover_priority \"iface=eth1 1\"\n"
		"	}\n"
		"}\n";
	_cleanup_config_ struct mp_config *cfg = parse_clean(text, MP_CONFIG_NO_BUILTIN);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct mp_map_settings s;
	const char *out;

	resolve(cfg, &(struct mp_path_ident) { .wwid = "1" }, &s);
	assert_int_equal(mp_map_settings_print(&s, &sb), 0);
	out = strbuf_str(&sb);
	assert_true(strncmp(out,
		"path_grouping_policy         failover                         (default)\n"
		"path_selector                \"service-time 0\"                 (default)\n", 140) == 0);
	assert_non_null(strstr(out,
		"no_path_retry                queue                            (multipath.conf:2)\n"));
	assert_non_null(strstr(out,
		"failover_priority            \"iface=eth1 1\"                   (multipath.conf:7)\n"));
	assert_null(strstr(out, "eh_deadline"));
}

/* ---- files, conf.d ---- */

struct tmpdir {
	char path[64];
};

static void tmpdir_make(struct tmpdir *t)
{
	strcpy(t->path, "/tmp/test-config-XXXXXX");
	assert_non_null(mkdtemp(t->path));
}

static char *tmp_path(const struct tmpdir *t, const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", t->path, name) > 0);
	return p;
}

static void tmpdir_remove(const struct tmpdir *t)
{
	_cleanup_free_ char *cmd = NULL;

	assert_true(asprintf(&cmd, "rm -rf '%s'", t->path) > 0);
	assert_int_equal(system(cmd), 0);
}

static void test_conf_d(void **state)
{
	struct tmpdir t;
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	_cleanup_config_ struct mp_config *cfg = NULL;
	_cleanup_free_ char *main_conf = NULL, *dir = NULL, *a = NULL, *b = NULL, *c = NULL,
			     *hidden = NULL, *sub = NULL, *msgs = NULL, *printed = NULL;
	struct mp_map_settings s;

	tmpdir_make(&t);
	main_conf = tmp_path(&t, "multipath.conf");
	dir = tmp_path(&t, "conf.d");
	assert_int_equal(mkdir(dir, 0755), 0);
	write_file(main_conf, "defaults {\n\tno_path_retry 3\n\trr_min_io 9\n}\n");
	a = tmp_path(&t, "conf.d/10-a.conf");
	b = tmp_path(&t, "conf.d/20-b.conf");
	c = tmp_path(&t, "conf.d/notes.txt");
	hidden = tmp_path(&t, "conf.d/.00-hidden.conf");
	sub = tmp_path(&t, "conf.d/30-dir.conf");
	write_file(b, "defaults {\n\tno_path_retry queue\n\tconfig_dir /elsewhere\n}\n"
		      "devices {\n\tdevice {\n\t\tvendor B\n\t\tproduct B\n\t}\n}\n");
	write_file(a, "# first\ndefaults {\n\tno_path_retry 5\n\tfailback 7\n}\n"
		      "devices {\n\tdevice {\n\t\tvendor A\n\t\tproduct A\n\t}\n}\n");
	write_file(c, "this is not { a config\n");
	write_file(hidden, "garbage {\n");
	assert_int_equal(mkdir(sub, 0755), 0);

	assert_int_equal(mp_config_load(main_conf, dir, MP_CONFIG_NO_BUILTIN, &cfg, &d), 0);
	msgs = diag_text(&d);
	assert_true(strstr(msgs, "conf.d/20-b.conf:3: warning: config_dir is only read from the main file; ignored\n") != NULL);
	/* and the note that rr_min_io applies to bio-based maps only */
	assert_true(strstr(msgs, "multipath.conf:3: warning: rr_min_io: applies to bio-based maps only") != NULL);
	assert_int_equal(d.n_msgs, 2);
	resolve(cfg, &(struct mp_path_ident) { 0 }, &s);
	assert_setting(&s, MP_KEY_NO_PATH_RETRY, "queue", "(20-b.conf:2)");
	assert_setting(&s, MP_KEY_FAILBACK, "7", "(10-a.conf:4)");
	assert_setting(&s, MP_KEY_RR_MIN_IO, "9", "(multipath.conf:3)");
	assert_false(s.key[MP_KEY_CONFIG_DIR].set);
	printed = print_config(cfg, 0);
	assert_string_equal(printed,
		"defaults {\n\tno_path_retry queue\n\trr_min_io 9\n\tfailback 7\n}\n"
		"devices {\n"
		"\tdevice {\n\t\tvendor \"A\"\n\t\tproduct \"A\"\n\t}\n"
		"\tdevice {\n\t\tvendor \"B\"\n\t\tproduct \"B\"\n\t}\n"
		"}\n");
	mp_config_diag_clear(&d);

	/* an error in a conf.d file names that file and fails the load */
	write_file(a, "defaults {\n\tno_path_retry never\n}\n");
	mp_config_free(TAKE_PTR(cfg));
	assert_int_equal(mp_config_load(main_conf, dir, MP_CONFIG_NO_BUILTIN, &cfg, &d), -EINVAL);
	assert_null(cfg);
	free(msgs);
	msgs = diag_text(&d);
	assert_non_null(strstr(msgs, "conf.d/10-a.conf:2: error: invalid value \"never\" for no_path_retry"));
	mp_config_diag_clear(&d);
	tmpdir_remove(&t);
}

static void test_config_dir_keyword(void **state)
{
	struct tmpdir t;
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	_cleanup_config_ struct mp_config *cfg = NULL;
	_cleanup_free_ char *main_conf = NULL, *other = NULL, *f = NULL, *text = NULL;
	struct mp_map_settings s;

	tmpdir_make(&t);
	main_conf = tmp_path(&t, "multipath.conf");
	other = tmp_path(&t, "other");
	f = tmp_path(&t, "other/x.conf");
	assert_int_equal(mkdir(other, 0755), 0);
	assert_true(asprintf(&text, "defaults {\n\tconfig_dir \"%s\"\n}\n", other) > 0);
	write_file(main_conf, text);
	write_file(f, "defaults {\n\tverbosity 4\n}\n");

	assert_int_equal(mp_config_load(main_conf, "/nonexistent/conf.d", MP_CONFIG_NO_BUILTIN,
					 &cfg, &d), 0);
	assert_int_equal(d.n_msgs, 0);
	resolve(cfg, &(struct mp_path_ident) { 0 }, &s);
	assert_setting(&s, MP_KEY_VERBOSITY, "4", "(x.conf:2)");
	assert_string_equal(s.key[MP_KEY_CONFIG_DIR].text, other);
	tmpdir_remove(&t);
}

static void test_missing_file(void **state)
{
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	_cleanup_config_ struct mp_config *cfg = NULL;
	struct mp_config *untouched = (struct mp_config *)0x1;
	_cleanup_free_ char *msgs = NULL;
	struct mp_map_settings s;

	assert_int_equal(mp_config_load("/nonexistent/multipath.conf", NULL, 0, &cfg, &d), 0);
	assert_non_null(cfg);
	assert_int_equal(d.n_msgs, 0);
	resolve(cfg, &(struct mp_path_ident) { .vendor = "EQLOGIC", .product = "100E-00" }, &s);
	assert_setting(&s, MP_KEY_SELECTOR, "eql-slice", "(built-in EQLOGIC 100E-00)");

	assert_int_equal(mp_config_load("/nonexistent/multipath.conf", NULL, MP_CONFIG_STRICT,
					 &untouched, &d), -ENOENT);
	assert_ptr_equal(untouched, (struct mp_config *)0x1);
	msgs = diag_text(&d);
	assert_string_equal(msgs, "/nonexistent/multipath.conf: error: cannot read: No such file or directory\n");
	mp_config_diag_clear(&d);

	assert_int_equal(mp_config_load("/", NULL, 0, &untouched, &d), -EISDIR);
	mp_config_diag_clear(&d);
}

/* The shipped example must stay valid and warning-free. */
static void test_example_file(void **state)
{
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	_cleanup_config_ struct mp_config *cfg = NULL;
	struct mp_map_settings s;

	assert_int_equal(mp_config_load(TEST_SRCDIR "/../../multipath.conf.example", NULL,
					 MP_CONFIG_STRICT, &cfg, &d), 0);
	if (d.n_msgs) {
		_cleanup_free_ char *t = diag_text(&d);
		fail_msg("multipath.conf.example:\n%s", t);
	}
	resolve(cfg, &(struct mp_path_ident) { .wwid = "36090a02850a1b2c3d4e5f60718293a4b",
					       .vendor = "EQLOGIC", .product = "100E-00" }, &s);
	assert_string_equal(s.key[MP_KEY_SELECTOR].text, "failover-priority");
	assert_int_equal(s.n_failover_prio, 2);
	assert_int_equal(s.key[MP_KEY_MEMBERSESSIONS].num, 3);
	assert_round_trip(cfg, 0, 0);
}

/* ---- misc ---- */

static char logged[1024];

static void capture_log(enum mp_log_level level, const char *file, int line, const char *func,
			const char *msg, void *userdata)
{
	size_t n = strlen(logged);

	snprintf(logged + n, sizeof(logged) - n, "%s|%s\n", mp_log_level_name(level), msg);
}

static void test_no_diag_logs(void **state)
{
	static const char text[] = "defaults {\n\tbogus 1\n\tverbosity 9\n}\n";
	struct mp_config *cfg = NULL;

	logged[0] = '\0';
	mp_log_set_hook(capture_log, NULL);
	assert_int_equal(mp_config_parse_string(text, strlen(text), "x.conf", MP_CONFIG_NO_BUILTIN,
						&cfg, NULL), -EINVAL);
	mp_log_set_hook(NULL, NULL);
	assert_null(cfg);
	assert_string_equal(logged,
		"warn|x.conf:2: unknown keyword bogus in section defaults; ignored\n"
		"err|x.conf:3: invalid value \"9\" for verbosity: expected a number in 0..6\n");
}

static void test_free_null_and_bad_args(void **state)
{
	struct mp_map_settings s;

	assert_null(mp_config_free(NULL));
	mp_config_diag_clear(NULL);
	assert_int_equal(mp_config_resolve(NULL, &(struct mp_path_ident) { 0 }, &s), -EINVAL);
	assert_false(mp_config_blacklisted(NULL, &(struct mp_blacklist_query) { 0 }, NULL));
	assert_string_equal(mp_key_name(MP_KEY_NO_PATH_RETRY), "no_path_retry");
	assert_string_equal(mp_key_name(MP_KEY_BL_DEVNODE), "devnode");
	assert_string_equal(mp_key_name(MP_KEY_COUNT), "?");
}

static void test_empty_and_binary_input(void **state)
{
	static const char junk[] = "\xff\xfe{{}}\"\n\0\n}}}{";
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	struct mp_config *cfg = NULL;

	assert_int_equal(mp_config_parse_string(NULL, 0, NULL, MP_CONFIG_NO_BUILTIN, &cfg, &d), 0);
	mp_config_free(TAKE_PTR(cfg));
	assert_int_equal(mp_config_parse_string(junk, sizeof(junk) - 1, NULL, MP_CONFIG_NO_BUILTIN,
						&cfg, &d), -EINVAL);
	assert_null(cfg);
	assert_true(d.n_errors >= 3);
	mp_config_diag_clear(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer_tokens),
		cmocka_unit_test(test_lexer_errors),
		cmocka_unit_test(test_every_section),
		cmocka_unit_test(test_print_every_section),
		cmocka_unit_test(test_one_line_sections_and_comments),
		cmocka_unit_test(test_regex_device_match),
		cmocka_unit_test(test_precedence_chain),
		cmocka_unit_test(test_later_user_device_wins),
		cmocka_unit_test(test_builtin_table),
		cmocka_unit_test(test_builtin_print_round_trip),
		cmocka_unit_test(test_effective_defaults_consistent),
		cmocka_unit_test(test_overrides_protocol_exact),
		cmocka_unit_test(test_blacklist),
		cmocka_unit_test(test_blacklist_property_only_blacklist),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_warnings_still_load),
		cmocka_unit_test(test_misplaced_keywords_warn),
		cmocka_unit_test(test_brace_on_next_line),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_settings_equal_and_diff),
		cmocka_unit_test(test_extra_words_rejected),
		cmocka_unit_test(test_value_table),
		cmocka_unit_test(test_failover_priority),
		cmocka_unit_test(test_failover_priority_duplicate),
		cmocka_unit_test(test_iscsi_checks),
		cmocka_unit_test(test_session_limits_without_iscsi),
		cmocka_unit_test(test_iscsi_settings),
		cmocka_unit_test(test_portal_parse),
		cmocka_unit_test(test_map_settings_print),
		cmocka_unit_test(test_conf_d),
		cmocka_unit_test(test_config_dir_keyword),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_no_diag_logs),
		cmocka_unit_test(test_free_null_and_bad_args),
		cmocka_unit_test(test_empty_and_binary_input),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
