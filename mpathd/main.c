/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mpathd: start-up, signals, configuration reloads and systemd integration. */
#include <errno.h>
#include <getopt.h>
#include <libudev.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "bindings.h"
#include "checker.h"
#include "daemon.h"
#include "dm.h"
#include "iscsi_manager.h"
#include "log.h"
#include "mpath-config.h"
#include "selectors.h"
#include "strbuf.h"
#include "util.h"
#include "wwids.h"

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

/* systemd's ExecReload sends SIGHUP; the summary is logged, there is nobody to return it to. */
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

static bool dir_exists(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "<folder of the running binary>/../selectors": where a build tree has its plugins. */
static char *selector_dir_beside_binary(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	snprintf(dir, sizeof(dir), "%s/../selectors", exe);
	return realpath(dir, NULL);	/* NULL when it does not exist */
}

/*
 * Where the plugins are: -S, else $MPATHD_SELECTOR_DIR, else the installed
 * folder, else (the daemon runs from a build tree) next to the binary.
 */
static char *selector_dir_choose(const char *option)
{
	const char *env = getenv("MPATHD_SELECTOR_DIR");
	const char *dir = MPATH_SELECTOR_DIR, *why = "installed";
	char *beside = NULL;

	if (option) {
		dir = option;
		why = "--selector-dir";
	} else if (env && env[0]) {
		dir = env;
		why = "$MPATHD_SELECTOR_DIR";
	} else if (!dir_exists(dir) && (beside = selector_dir_beside_binary()) && dir_exists(beside)) {
		log_info("selector plugins from %s (next to the binary; %s does not exist)", beside, dir);
		return beside;
	}
	free(beside);
	if (!dir_exists(dir))
		log_warn("selector folder %s (%s) does not exist; maps use the built-in path-grouping",
			 dir, why);
	else
		log_info("selector plugins from %s (%s)", dir, why);
	return strdup(dir);
}

/*
 * Every path holds an fd for its checker, so 1,024 paths pass the usual soft limit of 1,024
 * open files. Nothing here uses select(): the soft limit can be the hard one.
 */
static void fd_limit_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_warn_errno(-errno, "raising the open file limit to %llu", (unsigned long long)rl.rlim_max);
	else
		log_debug("open file limit raised to %llu", (unsigned long long)rl.rlim_max);
}

static int daemon_run(struct daemon *d, const char *socket_path, const char *selector_dir)
{
	_cleanup_free_ char *plugins = NULL;
	int r;

	fd_limit_raise();
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
	d->dm_poll_fd = d->rtnl_fd = d->iscsi_fd = -1;
	open_state_files(d);
	plugins = selector_dir_choose(selector_dir);
	if (!plugins)
		return log_err_errno(-ENOMEM, "selector folder");
	if ((r = selectors_start(d, plugins, NULL, map_send_message)) < 0)
		return log_err_errno(r, "selector plugins");
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
	iscsi_manager_start(d);
	sd_notify(0, "READY=1");
	daemon_notify_status(d);
	log_info("started: %zu paths, %zu maps", d->nr_paths, d->nr_maps);
	r = sd_event_loop(d->event);
	iscsi_manager_stop(d);
	ipc_server_stop(d);
	events_stop(d);
	for (size_t i = 0; i < d->nr_paths; i++)
		checker_stop(d->paths[i]);
	checker_directio_shutdown(d);
	/* plugins save their state in map_detach(); the maps themselves stay as they are */
	selectors_stop(d);
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
	       "  -S, --selector-dir DIR\n"
	       "                       selector plugins folder (default $MPATHD_SELECTOR_DIR, else\n"
	       "                       " MPATH_SELECTOR_DIR ",\n"
	       "                       else ../selectors next to the binary, as in a build tree)\n"
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
		{ "selector-dir", required_argument, NULL, 'S' },
		{ "log-level", required_argument, NULL, 'v' }, { "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' }, {}
	};
	struct daemon d = { 0 };
	const char *socket_path = MPATH_SOCKET_PATH, *selector_dir = NULL;
	_cleanup_free_ char *diag = NULL;
	struct mp_config *cfg = NULL;
	bool test = false, file_named = false;
	int c, r;

	d.config_file = (char *)MPATH_CONFIG_FILE;
	d.config_dir = (char *)MPATH_CONFIG_DIR;
	while ((c = getopt_long(argc, argv, "c:d:ts:S:v:Vh", opts, NULL)) >= 0) {
		switch (c) {
		case 'c': d.config_file = optarg; file_named = true; break;
		case 'd': d.config_dir = optarg; break;
		case 't': test = true; break;
		case 's': socket_path = optarg; break;
		case 'S': selector_dir = optarg; break;
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
	r = daemon_config_load(d.config_file, d.config_dir, &cfg, &diag);
	if (diag && diag[0])
		fputs(diag, stderr);
	if (r < 0) {
		log_err("%s: configuration has errors; not starting", d.config_file);
		return 1;
	}
	if (daemon_config_set(&d, cfg) < 0)
		return 1;
	r = daemon_run(&d, socket_path, selector_dir);
	snapshot_shutdown();
	shared_text_unref(d.config_text);
	return r < 0 ? 1 : 0;
}
