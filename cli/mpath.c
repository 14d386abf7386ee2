/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mpath: send one command to mpathd and print its reply; exit codes are listed in mpath.h. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc.h"
#include "mpath-config.h"
#include "mpath.h"
#include "util.h"

/*
 * The IPC deadline bounds every exchange with the daemon; this alarm is the
 * backstop for anything else (the device-mapper fallback, a stuck stdout):
 * mpath must never hang a script.
 */
static void on_alarm(int sig)
{
	static const char msg[] = "mpath: timed out\n";

	(void)sig;
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(MPATH_EXIT_TIMEOUT);
}

static void arm_backstop(unsigned timeout_ms)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(timeout_ms / 1000 + 2);
}

static void print_body(FILE *f, const char *body)
{
	size_t len = strlen(body);

	fputs(body, f);
	if (len > 0 && body[len - 1] != '\n')
		fputc('\n', f);
}

static int report_daemon_error(int status, char *body)
{
	size_t len = strlen(body);

	while (len > 0 && body[len - 1] == '\n')
		body[--len] = '\0';
	if (len)
		fprintf(stderr, "mpath: %s: %s\n", strerror(-status), body);
	else
		fprintf(stderr, "mpath: %s\n", strerror(-status));
	return MPATH_EXIT_ERROR;
}

static int report_ipc_error(int r, const struct mpath_args *a)
{
	if (r == -ETIMEDOUT) {
		fprintf(stderr, "mpath: no reply from mpathd within %u ms\n", a->timeout_ms);
		return MPATH_EXIT_TIMEOUT;
	}
	fprintf(stderr, "mpath: lost the connection to mpathd: %s\n", strerror(-r));
	return MPATH_EXIT_UNREACHABLE;
}

static bool daemon_absent(int r)
{
	return r == -ENOENT || r == -ECONNREFUSED;
}

static unsigned ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned)((now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000);
}

/*
 * `iscsi check` answered "check N started": ask for the findings of run N until they are
 * there (the daemon answers -EAGAIN meanwhile), within what is left of the timeout.
 */
static int wait_check(const struct mpath_args *a, int fd, const char *started, const struct timespec *start)
{
	unsigned long long run;
	char line[96];
	int r, status;
	unsigned spent;

	if (sscanf(started, "check %llu", &run) != 1) {
		fprintf(stderr, "mpath: unexpected reply: %s\n", started);
		return MPATH_EXIT_ERROR;
	}
	snprintf(line, sizeof(line), "show iscsi check %llu%s", run, a->json ? " --json" : "");
	for (;;) {
		_cleanup_free_ char *body = NULL;

		spent = ms_since(start);
		r = mp_ipc_request(fd, line, spent < a->timeout_ms ? a->timeout_ms - spent : 1, &status, &body);
		if (r < 0)
			return report_ipc_error(r, a);
		if (status != -EAGAIN) {
			if (status < 0)
				return report_daemon_error(status, body);
			print_body(stdout, body);
			return MPATH_EXIT_OK;
		}
		if (ms_since(start) + 100 >= a->timeout_ms) {
			fprintf(stderr, "mpath: check %llu did not finish within %u ms\n", run, a->timeout_ms);
			return MPATH_EXIT_TIMEOUT;
		}
		usleep(100000);
	}
}

/* One deadline, --timeout, for the whole exchange: waiting for room in a full backlog included. */
static int run_request(const struct mpath_args *a, const struct mpath_request *req)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *body = NULL;
	struct timespec start;
	unsigned spent;
	int r, status;

	clock_gettime(CLOCK_MONOTONIC, &start);
	r = mp_ipc_connect_daemon(a->socket, a->timeout_ms, &fd);
	if (r < 0 && daemon_absent(r) && req->topology)
		return mpath_fallback_topology(req);
	if (r == -ETIMEDOUT)
		return report_ipc_error(r, a);
	if (r < 0) {
		if (daemon_absent(r))
			fprintf(stderr, "mpath: mpathd is not running (no listener on %s)\n", a->socket);
		else
			fprintf(stderr, "mpath: cannot connect to %s: %s\n", a->socket, strerror(-r));
		return MPATH_EXIT_UNREACHABLE;
	}
	spent = ms_since(&start);
	r = mp_ipc_request(fd, req->text, spent < a->timeout_ms ? a->timeout_ms - spent : 1, &status, &body);
	if (r < 0)
		return report_ipc_error(r, a);
	if (status < 0)
		return report_daemon_error(status, body);
	if (req->wait_check)
		return wait_check(a, fd, body, &start);
	print_body(stdout, body);
	return MPATH_EXIT_OK;
}

static int finish_output(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mpath: cannot write the output: %s\n", strerror(errno));
		return code ? code : MPATH_EXIT_ERROR;
	}
	return code;
}

int main(int argc, char **argv)
{
	struct mpath_args a;
	struct mpath_request req;
	int r;

	r = mpath_args_parse(argc, argv, &a);
	if (r < 0)
		return r == -ENOMEM ? MPATH_EXIT_ERROR : MPATH_EXIT_USAGE;
	if (a.mode == MPATH_MODE_HELP || a.mode == MPATH_MODE_VERSION) {
		if (a.mode == MPATH_MODE_HELP)
			mpath_usage(stdout);
		else
			printf("mpath %s\n", MPATH_VERSION);
		mpath_args_release(&a);
		return finish_output(MPATH_EXIT_OK);
	}
	r = mpath_request_build(&a, &req);
	if (r < 0) {
		mpath_args_release(&a);
		return r == -ENOMEM ? MPATH_EXIT_ERROR : MPATH_EXIT_USAGE;
	}
	arm_backstop(a.timeout_ms);
	r = run_request(&a, &req);
	mpath_request_release(&req);
	mpath_args_release(&a);
	return finish_output(r);
}
