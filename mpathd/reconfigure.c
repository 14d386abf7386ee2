/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's configuration: loaded at start, reloaded on SIGHUP and `reconfigure`, touching only maps it changes. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "iscsi_manager.h"
#include "log.h"
#include "selectors.h"
#include "strbuf.h"
#include "util.h"

/* `mpath show config` shows everything in effect: compiled-in defaults and the built-in table too. */
#define CONFIG_PRINT_FLAGS (MP_PRINT_DEFAULTS | MP_PRINT_BUILTIN)

static long long setting_num(const struct mp_config *cfg, enum mp_key key, long long dflt)
{
	struct mp_map_settings s;
	struct mp_path_ident none = { 0 };

	if (mp_config_resolve(cfg, &none, &s) < 0 || !s.key[key].set)
		return dflt;
	return s.key[key].num;
}

static void daemon_apply_globals(struct daemon *d)
{
	long long poll = setting_num(d->config, MP_KEY_POLLING_INTERVAL, 5);
	long long tmo = setting_num(d->config, MP_KEY_CHECKER_TIMEOUT, 30);

	d->polling_usec = (poll > 0 ? poll : 5) * 1000000ULL;
	d->checker_timeout_usec = (tmo > 0 ? tmo : 30) * 1000000ULL;
	/* A failed path keeps a TUR in flight; when that fails fast, try again soon. */
	d->failed_poll_usec = 250000;
}

int daemon_config_load(const char *file, const char *dir, struct mp_config **ret, char **ret_diag)
{
	struct mp_config_diag diag = MP_CONFIG_DIAG_INIT;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct mp_config *cfg = NULL;
	int r = mp_config_load(file, dir, 0, &cfg, &diag);

	if (mp_config_diag_format(&diag, &sb) < 0) {
		mp_config_free(cfg);
		cfg = NULL;
		r = -ENOMEM;
	}
	mp_config_diag_clear(&diag);
	/* an error without a file:line message (reading failed): still say what it was */
	if (r < 0 && sb.len == 0)
		strbuf_printf(&sb, "%s: %s\n", file, strerror(-r));
	*ret_diag = strbuf_steal(&sb);
	if (!*ret_diag) {
		mp_config_free(cfg);
		return -ENOMEM;
	}
	if (r < 0)
		return r;
	*ret = cfg;
	return 0;
}

/* The printed config for snapshots; NULL on failure (show config then says it is unavailable). */
static struct shared_text *config_text_new(const struct mp_config *cfg)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct shared_text *t = NULL;

	if (mp_config_print(cfg, CONFIG_PRINT_FLAGS, &sb) < 0 || shared_text_new(strbuf_str(&sb), &t) < 0) {
		log_warn("out of memory printing the configuration; `show config` is unavailable");
		return NULL;
	}
	return t;
}

int daemon_config_set(struct daemon *d, struct mp_config *cfg)
{
	d->config = cfg;
	shared_text_unref(d->config_text);
	d->config_text = config_text_new(cfg);
	daemon_apply_globals(d);
	return d->config_text ? 0 : -ENOMEM;
}

/*
 * Whether a map must be reloaded: its settings differ (by value; origins do
 * not count) or its selector does. @why receives one line per difference.
 */
static bool map_reload_reason(const struct mp_map_settings *old, const struct mp_map_settings *new,
			      const char *old_selector, const char *new_selector, struct strbuf *why)
{
	bool changed = false;

	if (!mp_map_settings_equal(old, new)) {
		changed = true;
		if (mp_map_settings_diff(old, new, why) < 0)
			strbuf_puts(why, "settings changed\n");
	}
	/* "": not attached before (no paths yet); attaching is not a change */
	if (old_selector[0] && !streq(old_selector, new_selector)) {
		changed = true;
		strbuf_printf(why, "selector: %s -> %s\n", old_selector, new_selector);
	}
	return changed;
}

/* "reloading NAME:" and the reasons, indented. */
static void summary_add_map(struct strbuf *out, const struct mpmap *m, const struct strbuf *why)
{
	const char *s = strbuf_str(why);

	strbuf_printf(out, "reloading %s:\n", m->name);
	while (*s) {
		size_t len = strcspn(s, "\n");

		strbuf_printf(out, "  %.*s\n", (int)len, s);
		s += len + (s[len] == '\n');
	}
}

/* Apply @fresh (resolved under the new config) to @m; true when @m must be reloaded. */
static bool map_reconfigure_one(struct daemon *d, struct mpmap *m, const struct mp_map_settings *fresh,
				struct strbuf *out)
{
	_cleanup_strbuf_ struct strbuf why = STRBUF_INIT;
	/* points into the old config, which outlives this call */
	const struct mp_map_settings was = m->settings;
	char was_selector[64];
	char **msgs = NULL;
	int r;

	snprintf(was_selector, sizeof(was_selector), "%s", map_selector_name(m));
	map_settings_set(m, fresh);
	/* a map whose selector stays is left alone; one whose selector changed is re-attached */
	if (map_selector_attach(d, m) < 0)
		log_warn("%s: out of memory attaching its selector", m->name);
	if (!map_reload_reason(&was, fresh, was_selector, map_selector_name(m), &why))
		return false;
	summary_add_map(out, m, &why);
	r = map_selector_map_event(d, m, MPATH_SEL_MAP_SETTINGS_CHANGED, &msgs);
	map_selector_send(d, m, r, msgs);	/* a reload follows anyway */
	return true;
}

int maps_reconfigure(struct daemon *d, struct mp_config *cfg, struct strbuf *out)
{
	_cleanup_strbuf_ struct strbuf maps = STRBUF_INIT;
	_cleanup_free_ struct mp_map_settings *fresh = NULL;
	_cleanup_free_ struct mpmap **reload = NULL;
	struct mp_config *old = d->config;
	size_t n = 0;
	int r;

	fresh = calloc(d->nr_maps ? d->nr_maps : 1, sizeof(*fresh));
	reload = calloc(d->nr_maps ? d->nr_maps : 1, sizeof(*reload));
	if (!fresh || !reload) {
		mp_config_free(cfg);
		return -ENOMEM;
	}
	/* everything that can fail comes before the switch, so a failure keeps the old config whole */
	for (size_t i = 0; i < d->nr_maps; i++) {
		r = map_settings_resolve(cfg, d->maps[i], &fresh[i]);
		if (r < 0) {
			mp_config_free(cfg);
			return r;
		}
	}
	/* from here on the new config is in force; a failure to print it only costs `show config` */
	(void)daemon_config_set(d, cfg);
	for (size_t i = 0; i < d->nr_paths; i++)
		checker_config_changed(d, d->paths[i]);
	for (size_t i = 0; i < d->nr_maps; i++)
		if (map_reconfigure_one(d, d->maps[i], &fresh[i], &maps))
			reload[n++] = d->maps[i];
	mp_config_free(old);
	/* after the loop: a reload can drop a map without paths from d->maps */
	for (size_t i = 0; i < n; i++)
		map_schedule_reload(d, reload[i]);
	if (n == 0)
		strbuf_puts(out, "configuration reloaded: no map changed\n");
	else
		strbuf_printf(out, "configuration reloaded: %zu of %zu maps changed\n%s", n, d->nr_maps,
			      strbuf_str(&maps));
	return (int)n;
}

/* One log line per summary line: the journal takes one message per line. */
static void log_lines(enum mp_log_level level, const char *text)
{
	while (*text) {
		size_t len = strcspn(text, "\n");

		mp_log_full(level, 0, "%.*s", (int)len, text);
		text += len + (text[len] == '\n');
	}
}

int daemon_reload_config(struct daemon *d, char **ret_summary)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *diag = NULL;
	struct mp_config *cfg = NULL;
	uint64_t poll = d->polling_usec, tmo = d->checker_timeout_usec;
	int r;

	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64 "\nSTATUS=Reloading configuration", now_usec());
	log_info("reloading the configuration from %s", d->config_file);
	r = daemon_config_load(d->config_file, d->config_dir, &cfg, &diag);
	if (r < 0) {
		strbuf_printf(&sb, "configuration refused, the running one stays:\n%s", diag ? diag : "");
		log_lines(MP_LOG_ERR, strbuf_str(&sb));
	} else {
		strbuf_puts(&sb, diag);		/* warnings */
		r = maps_reconfigure(d, cfg, &sb);
		if (r < 0)
			strbuf_printf(&sb, "configuration not applied, the running one stays: %s\n",
				      strerror(-r));
		else
			iscsi_manager_reconfigure(d);
		if (d->polling_usec != poll || d->checker_timeout_usec != tmo)
			strbuf_printf(&sb, "daemon: polling_interval %" PRIu64 " s, checker_timeout %" PRIu64 " s\n",
				      d->polling_usec / 1000000, d->checker_timeout_usec / 1000000);
		log_lines(MP_LOG_INFO, strbuf_str(&sb));
	}
	sd_notify(0, "READY=1");
	daemon_notify_status(d);
	daemon_publish_later(d);
	*ret_summary = strbuf_steal(&sb);
	return r < 0 ? r : 0;
}
