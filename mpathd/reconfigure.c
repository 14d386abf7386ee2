/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's configuration: loaded at start, reloaded on SIGHUP and `reconfigure`, touching only maps it changes. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "checker.h"
#include "clock.h"
#include "daemon.h"
#include "devio.h"
#include "iscsi_manager.h"
#include "isess.h"
#include "log.h"
#include "map.h"
#include "path.h"
#include "path_tmo.h"
#include "reconfigure.h"
#include "map_policy.h"
#include "plugins.h"
#include "snapshot.h"
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

	/* multipath-tools' verbosity: 0 errors, 1 warnings, 2-3 path changes, 4+ everything */
	if (!d->log_level_fixed) {
		long long v = setting_num(d->config, MP_KEY_VERBOSITY, 2);

		mp_log_set_level(v <= 0 ? MP_LOG_ERR : v == 1 ? MP_LOG_WARN : v <= 3 ? MP_LOG_INFO : MP_LOG_DEBUG);
	}
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
	struct mpath_sel_actions *a = NULL;
	char was_selector[64];

	snprintf(was_selector, sizeof(was_selector), "%s", map_policy_name(m));
	map_settings_set(m, fresh);
	for (size_t i = 0; i < m->nr_paths; i++)
		path_apply_timeouts(d, m->paths[i], fresh);
	/* a map whose plugin stays is left alone; one whose plugin changed is re-attached */
	if (map_policy_attach(d, m) < 0)
		log_warn("%s: out of memory attaching its selector", m->name);
	if (!map_reload_reason(&was, fresh, was_selector, map_policy_name(m), &why))
		return false;
	summary_add_map(out, m, &why);
	if (map_policy_map_event(m, MPATH_SEL_MAP_SETTINGS_CHANGED, &a) >= 0 && a)
		a->reload = false;	/* a reload follows anyway */
	map_apply_actions(d, m, a);
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

/*
 * Apply what daemon_config_load() gave (@r, @cfg taken, @diag) and the session manager's
 * settings built from it (@isc taken); the summary to *ret_summary.
 */
static int reload_apply(struct daemon *d, int r, struct mp_config *cfg, struct isess_config *isc,
			const char *diag, char **ret_summary)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	uint64_t poll = d->polling_usec, tmo = d->checker_timeout_usec;

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
			iscsi_manager_reconfigure(d, TAKE_PTR(isc));
		if (d->polling_usec != poll || d->checker_timeout_usec != tmo)
			strbuf_printf(&sb, "daemon: polling_interval %" PRIu64 " s, checker_timeout %" PRIu64 " s\n",
				      d->polling_usec / 1000000, d->checker_timeout_usec / 1000000);
		log_lines(MP_LOG_INFO, strbuf_str(&sb));
	}
	isess_config_free(isc);
	sd_notify(0, "READY=1");
	daemon_notify_status(d);
	daemon_publish_later(d);
	*ret_summary = strbuf_steal(&sb);
	return r < 0 ? r : 0;
}

static void reload_starting(struct daemon *d)
{
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64 "\nSTATUS=Reloading configuration", now_usec());
	log_info("reloading the configuration from %s", d->config_file);
}

int daemon_reload_config(struct daemon *d, char **ret_summary)
{
	_cleanup_free_ char *diag = NULL;
	struct mp_config *cfg = NULL;
	struct isess_config *isc = NULL;
	int r;


	reload_starting(d);
	r = daemon_config_load(d->config_file, d->config_dir, &cfg, &diag);
	if (r >= 0)
		isess_config_new(cfg, &isc);
	return reload_apply(d, r, cfg, isc, diag, ret_summary);
}

/* ---- off the loop ---- */

struct reload_waiter {
	reload_done_t done;
	void *userdata;
};

/**
 * struct reload_job - one read of the config files on a devio worker.
 * @file, @dir: copies of the daemon's, for the worker.
 * @r, @cfg, @diag: daemon_config_load()'s answer.
 * @isc: the session manager's settings from @cfg (its CHAP file is read here too).
 * @waiters: who gets the summary.
 */
struct reload_job {
	struct devio_req io;
	char *file, *dir;
	int r;
	struct mp_config *cfg;
	struct isess_config *isc;
	char *diag;
	struct reload_waiter *waiters;
	size_t nr_waiters;
};

/* The read in flight, and the waiters of the one after it (asked for during the read). */
static struct reload_job *reload_running;
static struct reload_waiter *reload_next;
static size_t reload_nr_next;

static void reload_job_free(struct reload_job *j)
{
	if (!j)
		return;
	free(j->file);
	free(j->dir);
	free(j->diag);
	isess_config_free(j->isc);
	free(j->waiters);
	free(j);
}

static void reload_run(struct devio_req *io)
{
	struct reload_job *j = container_of(io, struct reload_job, io);

	j->r = daemon_config_load(j->file, j->dir, &j->cfg, &j->diag);
	if (j->r >= 0 && isess_config_new(j->cfg, &j->isc) < 0)
		j->isc = NULL;	/* out of memory: the manager keeps its settings (reconfigure says so) */
}

static int reload_submit(struct daemon *d, struct reload_waiter *waiters, size_t n);

static void reload_done(struct devio_req *io)
{
	struct reload_job *j = container_of(io, struct reload_job, io);
	struct daemon *d = io->daemon;
	char *summary = NULL;
	int r;

	reload_running = NULL;
	r = reload_apply(d, j->r, j->cfg, TAKE_PTR(j->isc), j->diag, &summary);
	for (size_t i = 0; i < j->nr_waiters; i++) {
		char *copy = summary ? strdup(summary) : NULL;

		j->waiters[i].done(j->waiters[i].userdata, r, copy);
	}
	free(summary);
	reload_job_free(j);
	if (reload_nr_next) {
		struct reload_waiter *w = TAKE_PTR(reload_next);
		size_t n = reload_nr_next;

		reload_nr_next = 0;
		if (reload_submit(d, w, n) < 0) {
			for (size_t i = 0; i < n; i++)
				w[i].done(w[i].userdata, -ENOMEM, NULL);
			free(w);
		}
	}
}

/* Start a read for @waiters (taken on success). */
static int reload_submit(struct daemon *d, struct reload_waiter *waiters, size_t n)
{
	struct reload_job *j = calloc(1, sizeof(*j));

	if (!j || !(j->file = strdup(d->config_file)) || (d->config_dir && !(j->dir = strdup(d->config_dir)))) {
		reload_job_free(j);
		return -ENOMEM;
	}
	j->waiters = waiters;
	j->nr_waiters = n;
	j->io.run = reload_run;
	j->io.done = reload_done;
	j->io.host = DEVIO_NO_HOST;
	reload_running = j;
	reload_starting(d);
	devio_submit(d, &j->io);
	return 0;
}

/* A reload with no one to tell: SIGHUP. The summary was logged. */
static void reload_done_quietly(void *userdata, int result, char *summary)
{
	free(summary);
}

int daemon_reload_config_async(struct daemon *d, reload_done_t done, void *userdata)
{
	struct reload_waiter w = { done ? done : reload_done_quietly, userdata }, *v;

	if (reload_running) {
		/* the files may have changed after that read began: read them again after it */
		v = realloc(reload_next, (reload_nr_next + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		reload_next = v;
		reload_next[reload_nr_next++] = w;
		return 0;
	}
	v = malloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	*v = w;
	if (reload_submit(d, v, 1) < 0) {
		free(v);
		return -ENOMEM;
	}
	return 0;
}

void daemon_reload_cancel(struct daemon *d)
{
	/* the worker's read is left to finish; its job is never completed (devio_stop()) */
	if (reload_running) {
		for (size_t i = 0; i < reload_running->nr_waiters; i++)
			reload_running->waiters[i].done(reload_running->waiters[i].userdata, -ECANCELED, NULL);
		reload_running->nr_waiters = 0;
		reload_running = NULL;
	}
	for (size_t i = 0; i < reload_nr_next; i++)
		reload_next[i].done(reload_next[i].userdata, -ECANCELED, NULL);
	free(reload_next);
	reload_next = NULL;
	reload_nr_next = 0;
}
