/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: any input must parse or fail cleanly, and what parses must print back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print(const struct mp_config *cfg, unsigned flags)
{
	struct strbuf sb = STRBUF_INIT;

	if (mp_config_print(cfg, flags, &sb) < 0)
		abort();
	return strbuf_steal(&sb);
}

static const struct mp_path_ident fuzz_id = {
	.wwid = "36090a0", .vendor = "EQLOGIC", .product = "100E-00", .revision = "1",
	.protocol = "scsi:iscsi",
};

/* The round-trip promise of mp_config_print(): print, parse, print again,
 * and the effective settings stay the same. */
static void check_round_trip(const struct mp_config *cfg, unsigned flags)
{
	struct mp_config_diag diag = MP_CONFIG_DIAG_INIT;
	struct mp_config *again = NULL;
	char *first = print(cfg, flags), *second;
	struct mp_map_settings a, b;
	struct strbuf diff = STRBUF_INIT;

	if (mp_config_parse_string(first, strlen(first), "printed", MP_CONFIG_NO_BUILTIN, &again,
				   &diag) < 0)
		abort();
	second = print(again, flags);
	if (strcmp(first, second) != 0)
		abort();
	if (mp_config_resolve(cfg, &fuzz_id, &a) < 0 || mp_config_resolve(again, &fuzz_id, &b) < 0)
		abort();
	if (!mp_map_settings_equal(&a, &b) || mp_map_settings_diff(&a, &b, &diff) != 0)
		abort();
	strbuf_release(&diff);
	free(first);
	free(second);
	mp_config_free(again);
	mp_config_diag_clear(&diag);
}

static void exercise(const struct mp_config *cfg)
{
	static const char *const props[] = { "ID_WWN", "ID_SERIAL", NULL };
	struct mp_blacklist_query q = {
		.devnode = "sdb", .wwid = "36090a0", .vendor = "EQLOGIC", .product = "100E-00",
		.protocol = "scsi:iscsi", .properties = props,
	};
	struct mp_map_settings s;
	struct mp_iscsi_settings is;
	struct strbuf sb = STRBUF_INIT;
	const char *reason;

	mp_config_blacklisted(cfg, &q, &reason);
	if (mp_config_resolve(cfg, &fuzz_id, &s) < 0 || mp_map_settings_print(&s, &sb) < 0)
		abort();
	mp_config_iscsi(cfg, &is);
	strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mp_config_diag diag = MP_CONFIG_DIAG_INIT;
	struct mp_config *cfg = NULL;
	struct strbuf sb = STRBUF_INIT;

	mp_log_set_level(MP_LOG_ERR);
	if (mp_config_parse_string((const char *)data, size, "fuzz.conf", MP_CONFIG_NO_BUILTIN,
				   &cfg, &diag) == 0) {
		exercise(cfg);
		check_round_trip(cfg, 0);
		check_round_trip(cfg, MP_PRINT_DEFAULTS);
		mp_config_free(cfg);
	}
	mp_config_diag_format(&diag, &sb);
	strbuf_release(&sb);
	mp_config_diag_clear(&diag);
	return 0;
}
