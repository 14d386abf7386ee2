/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mpathd: start-up, signals, configuration reloads and systemd integration. */
#include <errno.h>
#include <getopt.h>
#include <libudev.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "bindings.h"
#include "daemon.h"
#include "dm.h"
#include "log.h"
#include "mpath-config.h"
#include "strbuf.h"
#include "util.h"
#include "wwids.h"

void maps_startup(struct daemon *d);

static bool log_to_journal;
static bool log_timestamps;	/* MPATHD_LOG_TIME=1: monotonic seconds, to line logs up with tests */

/* Under systemd stderr goes to the journal, which reads the <N> level prefix. */
static void log_hook(enum mp_log_level level, const char *file, int line, const char *func,
		     const char *msg, void *userdata)
{
	if (log_to_journal)
		fprintf(stderr, "<%d>%s\n", level, msg);
	else if (log_timestamps)
		fprintf(stderr, "[%.3f] mpathd: %s: %s\n", now_usec() / 1e6, mp_log_level_name(level), msg);
	else
		fprintf(stderr, "mpathd: %s: %s\n", mp_log_level_name(level), msg);
}

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

static int config_load_report(const char *file, const char *dir, struct mp_config **ret, char **ret_text)
{
	struct mp_config_diag diag = { 0 };
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int r = mp_config_load(file, dir, 0, ret, &diag);

	mp_config_diag_format(&diag, &sb);
	mp_config_diag_clear(&diag);
	if (ret_text)
		*ret_text = strbuf_steal(&sb);
	else if (sb.len)
		fputs(strbuf_str(&sb), stderr);
	return r;
}

int daemon_reload_config(struct daemon *d, char **ret_summary)
{
	struct mp_config *cfg = NULL;
	_cleanup_free_ char *diag = NULL;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int r, n;

	sd_notify(0, "RELOADING=1\nSTATUS=Reloading configuration");
	r = config_load_report(d->config_file, d->config_dir, &cfg, &diag);
	if (r < 0) {
		log_err("configuration refused, the running one stays:\n%s", diag ? diag : "");
		strbuf_printf(&sb, "configuration refused, the running one stays:\n%s", diag ? diag : "");
		sd_notify(0, "READY=1");
		daemon_notify_status(d);
		*ret_summary = strbuf_steal(&sb);
		return -EINVAL;
	}
	mp_config_free(d->config);
	d->config = cfg;
	daemon_apply_globals(d);
	n = maps_reconfigure(d);
	strbuf_printf(&sb, "%sconfiguration reloaded; %d map(s) reloaded\n", diag ? diag : "", n);
	for (size_t i = 0; i < d->nr_maps; i++)
		if (d->maps[i]->busy || d->maps[i]->dirty)
			strbuf_printf(&sb, "  reloaded: %s\n", d->maps[i]->name);
	log_info("configuration reloaded; %d map(s) reloaded", n);
	sd_notify(0, "READY=1");
	daemon_notify_status(d);
	*ret_summary = strbuf_steal(&sb);
	return 0;
}

void daemon_notify_status(struct daemon *d)
{
	size_t active = 0;

	for (size_t i = 0; i < d->nr_paths; i++)
		active += d->paths[i]->info.dm_state == MP_DM_PATH_ACTIVE;
	sd_notifyf(0, "STATUS=%zu maps, %zu paths (%zu active)", d->nr_maps, d->nr_paths, active);
}

void daemon_request_exit(struct daemon *d)
{
	sd_notify(0, "STOPPING=1");
	sd_event_exit(d->event, 0);
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	_cleanup_free_ char *summary = NULL;

	daemon_reload_config(userdata, &summary);
	return 0;
}

static int on_sigterm(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	log_info("signal %u: stopping; maps stay as they are", si->ssi_signo);
	daemon_request_exit(userdata);
	return 0;
}

/* The state folder may not exist on a fresh system; saving into it must still work. */
static void mkdir_parent(const char *file)
{
	_cleanup_free_ char *dir = strdup(file);
	char *slash = dir ? strrchr(dir, '/') : NULL;

	if (!slash || slash == dir)
		return;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	mkdir(dir, 0755);
}

static int open_state_files(struct daemon *d)
{
	struct mp_map_settings s;
	struct mp_path_ident none = { 0 };
	const char *bind = "/etc/multipath/bindings", *wwids = "/etc/multipath/wwids";

	if (mp_config_resolve(d->config, &none, &s) >= 0) {
		if (s.key[MP_KEY_BINDINGS_FILE].set)
			bind = s.key[MP_KEY_BINDINGS_FILE].text;
		if (s.key[MP_KEY_WWIDS_FILE].set)
			wwids = s.key[MP_KEY_WWIDS_FILE].text;
	}
	mkdir_parent(bind);
	mkdir_parent(wwids);
	if (mp_bindings_load(bind, "mpath", &d->bindings) < 0)
		log_warn("%s: cannot read bindings; names are WWIDs", bind);
	if (mp_wwids_load(wwids, &d->wwids) < 0)
		log_warn("%s: cannot read the wwids file", wwids);
	return 0;
}

static int daemon_run(struct daemon *d, const char *socket_path)
{
	int r;

	r = sd_event_default(&d->event);
	if (r < 0)
		return log_err_errno(r, "sd_event_default");
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sd_event_add_signal(d->event, NULL, SIGTERM, on_sigterm, d);
	sd_event_add_signal(d->event, NULL, SIGINT, on_sigterm, d);
	sd_event_add_signal(d->event, NULL, SIGHUP, on_sighup, d);
	sd_event_set_watchdog(d->event, true);

	mp_dm_init();
	d->udev = udev_new();
	if (!d->udev)
		return -ENOMEM;
	d->dm_poll_fd = d->rtnl_fd = -1;
	open_state_files(d);
	if ((r = dm_jobs_start(d, 4)) < 0)
		return r;
	if ((r = maps_adopt_existing(d)) < 0)
		return r;
	/* Subscribe before enumerating, so nothing that appears in between is missed. */
	if ((r = events_start(d)) < 0)
		return r;
	if ((r = daemon_enumerate(d)) < 0)
		return r;
	maps_startup(d);
	if ((r = ipc_server_start(d, socket_path)) < 0)
		return log_err_errno(r, "control socket %s", socket_path);
	daemon_publish_now(d);
	sd_notify(0, "READY=1");
	daemon_notify_status(d);
	log_info("started: %zu paths, %zu maps", d->nr_paths, d->nr_maps);
	r = sd_event_loop(d->event);
	ipc_server_stop(d);
	events_stop(d);
	dm_jobs_stop(d);
	return r;
}

static void usage(void)
{
	printf("usage: mpathd [options]\n"
	       "  -c, --config FILE    configuration file (default " MPATH_CONFIG_FILE ")\n"
	       "  -d, --config-dir DIR conf.d folder (default " MPATH_CONFIG_DIR ")\n"
	       "  -t, --test [FILE]    check the configuration, print it, and exit\n"
	       "  -s, --socket PATH    control socket (default " MPATH_SOCKET_PATH ")\n"
	       "  -v, --log-level L    err, warn, notice, info or debug\n"
	       "  -V, --version\n");
}

/* `mpathd -t`: every message on stderr, the config as read on stdout, and
 * exit status 1 on any error. A file named with -t or -c must exist; the
 * default one may be missing, as it may when the daemon starts. */
static int config_test(const char *file, const char *dir, bool named)
{
	_cleanup_config_ struct mp_config *cfg = NULL;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct mp_config_diag diag = MP_CONFIG_DIAG_INIT;
	int r = mp_config_load(file, dir, named ? MP_CONFIG_STRICT : 0, &cfg, &diag);

	if (mp_config_diag_format(&diag, &sb) < 0)
		r = -ENOMEM;
	fputs(strbuf_str(&sb), stderr);
	mp_config_diag_clear(&diag);
	strbuf_reset(&sb);
	if (r == -EINVAL || r == -ENOENT) {
		fprintf(stderr, "%s: configuration has errors\n", file);
		return 1;
	}
	if (r >= 0)
		r = mp_config_print(cfg, 0, &sb);
	if (r < 0) {
		fprintf(stderr, "%s: cannot check the configuration: %s\n", file, strerror(-r));
		return 1;
	}
	fputs(strbuf_str(&sb), stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "config-dir", required_argument, NULL, 'd' },
		{ "test", no_argument, NULL, 't' }, { "socket", required_argument, NULL, 's' },
		{ "log-level", required_argument, NULL, 'v' }, { "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' }, {}
	};
	struct daemon d = { 0 };
	const char *socket_path = MPATH_SOCKET_PATH;
	bool test = false, file_named = false;
	int c, r;

	d.config_file = (char *)MPATH_CONFIG_FILE;
	d.config_dir = (char *)MPATH_CONFIG_DIR;
	while ((c = getopt_long(argc, argv, "c:d:ts:v:Vh", opts, NULL)) >= 0) {
		switch (c) {
		case 'c': d.config_file = optarg; file_named = true; break;
		case 'd': d.config_dir = optarg; break;
		case 't': test = true; break;
		case 's': socket_path = optarg; break;
		case 'v':
			if ((r = mp_log_level_from_name(optarg)) < 0) {
				fprintf(stderr, "mpathd: unknown log level '%s'\n", optarg);
				return 2;
			}
			mp_log_set_level(r);
			break;
		case 'V': puts("mpathd " MPATH_VERSION); return 0;
		case 'h': usage(); return 0;
		default: usage(); return 2;
		}
	}
	if (test)
		return config_test(optind < argc ? argv[optind] : d.config_file, d.config_dir,
				   file_named || optind < argc);
	log_to_journal = getenv("JOURNAL_STREAM") != NULL;
	log_timestamps = getenv("MPATHD_LOG_TIME") && streq(getenv("MPATHD_LOG_TIME"), "1");
	mp_log_set_hook(log_hook, NULL);
	if (config_load_report(d.config_file, d.config_dir, &d.config, NULL) < 0) {
		log_err("%s: configuration has errors; not starting", d.config_file);
		return 1;
	}
	daemon_apply_globals(&d);
	r = daemon_run(&d, socket_path);
	snapshot_shutdown();
	return r < 0 ? 1 : 0;
}
