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
#include <sys/mman.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "bindings.h"
#include "checker.h"
#include "clock.h"
#include "daemon.h"
#include "devio.h"
#include "dm.h"
#include "events.h"
#include "ipc_server.h"
#include "iscsi_manager.h"
#include "log.h"
#include "loop.h"
#include "logger.h"
#include "map.h"
#include "mpath-config.h"
#include "path.h"
#include "reconfigure.h"
#include "map_adopt.h"
#include "plugins.h"
#include "workers.h"
#include "snapshot.h"
#include "state_files.h"
#include "strbuf.h"
#include "util.h"
#include "wwids.h"

/* dm work blocks while a map's paths hang: one thread per blocked job, up to this many. */
#define DM_WORKERS_MAX		64
#define DM_STOP_WAIT_USEC	10000000ULL

/* How long start-up waits for the first loads before telling systemd it is ready anyway. */
#define READY_WAIT_USEC		30000000ULL
/* How long stop waits for the last dm messages (queue_without_daemon no). */
#define SHUTDOWN_WAIT_USEC	10000000ULL

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
	int r = daemon_reload_config_async(userdata, NULL, NULL);

	if (r < 0)
		log_err_errno(r, "cannot reload the configuration");
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

/* Every map whose first load ran (or none had any): systemd may start what depends on the maps. */
static void daemon_ready(struct daemon *d, const char *why)
{
	if (d->ready)
		return;
	d->ready = true;
	d->ready_timer = sd_event_source_disable_unref(d->ready_timer);
	daemon_publish_now(d);
	sd_notify(0, "READY=1");
	daemon_notify_status(d);
	log_info("started: %zu paths, %zu maps%s", d->nr_paths, d->nr_maps, why);
}

void daemon_check_ready(struct daemon *d)
{
	if (d->ready || !d->startup_done)
		return;
	for (size_t i = 0; i < d->nr_maps; i++)
		if (d->maps[i]->busy || d->maps[i]->dirty)
			return;
	daemon_ready(d, "");
}

static int on_ready_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	daemon_ready(userdata, " (some maps are still loading: their paths may hang)");
	return 0;
}

void daemon_discovery_settled(struct daemon *d)
{
	if (d->startup_done)
		return;
	/* every path found at start is known: build the maps from the complete picture */
	maps_startup(d);
	daemon_publish_later(d);
	daemon_check_ready(d);
}

/* Memory that can be paged out can stall a daemon whose own disks are gone. */
static void memory_lock(void)
{
	FILE *f;

#ifdef __SANITIZE_ADDRESS__
	/* AddressSanitizer's shadow and quarantine would be locked page by page as they grow */
	log_info("built with AddressSanitizer: memory not locked");
#else
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) < 0)
		log_warn_errno(-errno, "cannot lock the daemon's memory");
#endif
	/* like OOMScoreAdjust=-1000 in the unit, for a daemon started by hand */
	f = fopen("/proc/self/oom_score_adj", "we");
	if (f) {
		fputs("-1000", f);
		if (fclose(f) != 0)
			log_debug("cannot exempt the daemon from the OOM killer");
	}
}

static int signals_start(struct daemon *d)
{
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((r = sd_event_add_signal(d->event, NULL, SIGTERM, on_sigterm, d)) < 0 ||
	    (r = sd_event_add_signal(d->event, NULL, SIGINT, on_sigterm, d)) < 0 ||
	    (r = sd_event_add_signal(d->event, NULL, SIGHUP, on_sighup, d)) < 0)
		return log_err_errno(r, "cannot watch signals");
	r = sd_event_set_watchdog(d->event, true);
	return r < 0 ? log_err_errno(r, "cannot start the systemd watchdog") : 0;
}

/* queue_without_daemon no: nobody will count no_path_retry down once we are gone. */
static void maps_queueing_at_stop(struct daemon *d)
{
	struct mp_map_settings s;
	struct mp_path_ident none = { 0 };
	uint64_t deadline = now_usec() + SHUTDOWN_WAIT_USEC;
	size_t n = 0;
	bool busy = true;

	if (mp_config_resolve(d->config, &none, &s) < 0 ||
	    (s.key[MP_KEY_QUEUE_WITHOUT_DAEMON].set && s.key[MP_KEY_QUEUE_WITHOUT_DAEMON].num))
		return;
	for (size_t i = 0; i < d->nr_maps; i++) {
		struct mpmap *m = d->maps[i];

		/* d->stopping keeps the status reads that follow from turning it back on */
		if (!m->unmanaged && map_exists(m) && m->queueing_live &&
		    map_send_queueing(d, m, false) >= 0) {
			m->queueing_live = false;
			n++;
		}
	}
	if (n == 0)
		return;
	log_info("queue_without_daemon no: queueing turned off on %zu map%s", n, n == 1 ? "" : "s");
	/* the loop has exited (sd_event_run() would refuse): the dm pool's results are taken here */
	for (uint64_t now = now_usec(); busy && now < deadline; now = now_usec()) {
		work_pool_settle(d->jobs, deadline - now);
		busy = false;
		for (size_t i = 0; i < d->nr_maps; i++)
			busy |= d->maps[i]->busy;
	}
}

static int daemon_setup(struct daemon *d, const char *socket_path, const char *selector_dir)
{
	_cleanup_free_ char *plugins = NULL;
	int r;

	fd_limit_raise();
	memory_lock();
	r = sd_event_default(&d->event);
	if (r < 0)
		return log_err_errno(r, "sd_event_default");
	if ((r = signals_start(d)) < 0)
		return r;
	mp_dm_init();
	d->udev = udev_new();
	if (!d->udev)
		return -ENOMEM;
	d->dm_poll_fd = d->rtnl_fd = d->iscsi_fd = -1;
	open_state_files(d);
	plugins = selector_dir_choose(selector_dir);
	if (!plugins)
		return log_err_errno(-ENOMEM, "selector folder");
	if ((r = plugins_start(d, plugins, NULL)) < 0)
		return log_err_errno(r, "selector plugins");
	if ((r = work_pool_new(d->event, "dm", DM_WORKERS_MAX, &d->jobs)) < 0)
		return log_err_errno(r, "dm workers");
	if ((r = devio_start(d)) < 0)
		return log_err_errno(r, "device I/O workers");
	state_files_start(d);
	state_created_load(d);
	if ((r = maps_adopt_existing(d)) < 0)
		return r;
	/* Subscribe before enumerating, so nothing that appears in between is missed. */
	if ((r = events_start(d)) < 0)
		return r;
	if ((r = ipc_server_start(d, socket_path)) < 0)
		return log_err_errno(r, "control socket %s", socket_path);
	daemon_publish_now(d);
	r = sd_event_add_time_relative(d->event, &d->ready_timer, CLOCK_MONOTONIC, READY_WAIT_USEC, 1000000,
				       on_ready_timeout, d);
	if (r < 0)
		return log_err_errno(r, "start-up timer");
	/* with an iscsi section; a manager that cannot start leaves the sessions alone */
	iscsi_manager_start(d);
	/* the maps are built once every path's facts are in (daemon_discovery_settled()) */
	return daemon_enumerate(d);
}

static void daemon_teardown(struct daemon *d)
{
	d->stopping = true;
	iscsi_manager_stop(d);
	daemon_reload_cancel(d);	/* a reconfigure still reading is answered -ECANCELED */
	ipc_server_stop(d);
	events_stop(d);
	for (size_t i = 0; i < d->nr_paths; i++)
		checker_stop(d->paths[i]);
	if (d->event && d->jobs)
		maps_queueing_at_stop(d);
	state_files_stop(d);
	devio_stop(d);
	/* plugins save their state in map_detach(); the maps themselves stay as they are */
	plugins_stop(d);
	/* a create in flight is finished, not left half done */
	work_pool_stop(d->jobs, DM_STOP_WAIT_USEC);
	d->jobs = NULL;
}

static int daemon_run(struct daemon *d, const char *socket_path, const char *selector_dir)
{
	int r = daemon_setup(d, socket_path, selector_dir);

	if (r >= 0)
		r = loop_run(d->event);
	daemon_teardown(d);
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
	/*
	 * Static: the maps, paths and config the daemon holds when it exits are left to the exit,
	 * not freed one by one, and stay reachable, so a leak checker reports only real leaks.
	 */
	static struct daemon d;
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
			d.log_level_fixed = true;
			break;
		case 'V': puts("mpathd " MPATH_VERSION); return 0;
		case 'h': usage(); return 0;
		default: usage(); return 2;
		}
	}
	if (test)
		return config_test(optind < argc ? argv[optind] : d.config_file, d.config_dir,
				   file_named || optind < argc);
	r = logger_start(getenv("JOURNAL_STREAM") != NULL,
			 getenv("MPATHD_LOG_TIME") && streq(getenv("MPATHD_LOG_TIME"), "1"));
	if (r < 0)
		log_warn_errno(r, "cannot start the log writer; logging directly");
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
	logger_stop();
	return r < 0 ? 1 : 0;
}
