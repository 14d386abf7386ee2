/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Log lines through a bounded queue to one writer thread; a full queue drops and counts. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "logger.h"
#include "util.h"

#define LOGGER_QUEUE	4096	/* lines */
#define LOGGER_STACK	(128 * 1024)

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	char *lines[LOGGER_QUEUE];
	unsigned head, count;
	unsigned long dropped, dropped_unreported;
	bool running, stopping, journal, timestamps;
	pthread_t thread;
} lg = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static void write_all(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static char *line_format(enum mp_log_level level, const char *msg)
{
	char *line = NULL;
	int n;

	if (lg.journal)
		n = asprintf(&line, "<%d>%s\n", level, msg);
	else if (lg.timestamps)
		n = asprintf(&line, "[%.3f] mpathd: %s: %s\n", now_usec() / 1e6, mp_log_level_name(level), msg);
	else
		n = asprintf(&line, "mpathd: %s: %s\n", mp_log_level_name(level), msg);
	return n < 0 ? NULL : line;
}

static void log_hook(enum mp_log_level level, const char *file, int line_no, const char *func,
		     const char *msg, void *userdata)
{
	char *line = line_format(level, msg);

	if (!line)
		return;
	pthread_mutex_lock(&lg.lock);
	if (!lg.running) {
		pthread_mutex_unlock(&lg.lock);
		write_all(line);
		free(line);
		return;
	}
	if (lg.count == LOGGER_QUEUE) {
		lg.dropped++;
		lg.dropped_unreported++;
		pthread_mutex_unlock(&lg.lock);
		free(line);
		return;
	}
	lg.lines[(lg.head + lg.count++) % LOGGER_QUEUE] = line;
	pthread_cond_signal(&lg.wake);
	pthread_mutex_unlock(&lg.lock);
}

static void *logger_main(void *arg)
{
	pthread_mutex_lock(&lg.lock);
	for (;;) {
		unsigned long dropped;
		char *line;

		while (!lg.count && !lg.stopping)
			pthread_cond_wait(&lg.wake, &lg.lock);
		if (!lg.count)
			break;
		line = lg.lines[lg.head];
		lg.head = (lg.head + 1) % LOGGER_QUEUE;
		lg.count--;
		dropped = lg.dropped_unreported;
		lg.dropped_unreported = 0;
		pthread_mutex_unlock(&lg.lock);
		if (dropped) {
			char note[96];

			if (lg.journal)
				snprintf(note, sizeof(note), "<%d>%lu log messages dropped (output too slow)\n",
					 MP_LOG_WARN, dropped);
			else
				snprintf(note, sizeof(note), "mpathd: warn: %lu log messages dropped (output too slow)\n",
					 dropped);
			write_all(note);
		}
		write_all(line);
		free(line);
		pthread_mutex_lock(&lg.lock);
	}
	pthread_mutex_unlock(&lg.lock);
	return NULL;
}

int logger_start(bool journal, bool timestamps)
{
	pthread_attr_t attr;
	sigset_t all, old;
	int r;

	lg.journal = journal;
	lg.timestamps = timestamps;
	mp_log_set_hook(log_hook, NULL);
	if ((r = pthread_attr_init(&attr)))
		return -r;
	pthread_attr_setstacksize(&attr, LOGGER_STACK);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&lg.thread, &attr, logger_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r)
		return -r;
	pthread_mutex_lock(&lg.lock);
	lg.running = true;
	pthread_mutex_unlock(&lg.lock);
	return 0;
}

void logger_stop(void)
{
	struct timespec deadline;
	bool joined = false;

	pthread_mutex_lock(&lg.lock);
	if (!lg.running) {
		pthread_mutex_unlock(&lg.lock);
		return;
	}
	lg.stopping = true;
	pthread_cond_signal(&lg.wake);
	pthread_mutex_unlock(&lg.lock);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 1;
	joined = pthread_timedjoin_np(lg.thread, NULL, &deadline) == 0;
	pthread_mutex_lock(&lg.lock);
	lg.running = false;	/* later lines (and a stuck writer's) go straight out */
	pthread_mutex_unlock(&lg.lock);
	if (!joined)
		pthread_detach(lg.thread);
}

unsigned long logger_dropped(void)
{
	unsigned long n;

	pthread_mutex_lock(&lg.lock);
	n = lg.dropped;
	pthread_mutex_unlock(&lg.lock);
	return n;
}
