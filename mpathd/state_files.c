/* SPDX-License-Identifier: GPL-2.0-or-later */
/* State files written on devio workers, one write per file at a time, the newest content last. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "atomic-file.h"
#include "daemon.h"
#include "devio.h"
#include "log.h"
#include "state_files.h"
#include "strbuf.h"
#include "util.h"
#include "words.h"

/* One file's write in flight, and the one waiting behind it. */
struct file_write {
	struct devio_req io;
	char *path;
	char *data;		/* NULL: remove */
	size_t len;
	mode_t mode;
	int result;
	struct file_write *next;	/* the newest content, queued while this one runs */
	struct file_write *link;	/* the list of files being written */
};

static struct {
	struct daemon *d;
	struct file_write *running;	/* one per path */
} sf;

static void write_free(struct file_write *w)
{
	if (!w)
		return;
	free(w->path);
	free(w->data);
	free(w);
}

static void write_run(struct devio_req *io)
{
	struct file_write *w = container_of(io, struct file_write, io);

	w->result = mp_file_replace_now(w->path, w->data, w->len, w->mode);
}

static void write_submit(struct file_write *w);

static void write_done(struct devio_req *io)
{
	struct file_write *w = container_of(io, struct file_write, io);
	struct file_write **pp = &sf.running;

	if (w->result < 0)
		log_err_errno(w->result, "cannot write %s", w->path);
	while (*pp && *pp != w)
		pp = &(*pp)->link;
	if (*pp)
		*pp = w->link;
	if (w->next)
		write_submit(TAKE_PTR(w->next));
	write_free(w);
}

static void write_submit(struct file_write *w)
{
	w->link = sf.running;
	sf.running = w;
	w->io.run = write_run;
	w->io.done = write_done;
	w->io.host = DEVIO_NO_HOST;
	devio_submit(sf.d, &w->io);
}

static int writer(const char *path, const char *data, size_t len, mode_t mode, void *userdata)
{
	struct file_write *w = calloc(1, sizeof(*w)), *busy;

	if (!w || !(w->path = strdup(path)) || (data && !(w->data = malloc(len ? len : 1)))) {
		write_free(w);
		return -ENOMEM;
	}
	if (data)
		memcpy(w->data, data, len);
	w->len = len;
	w->mode = mode;
	for (busy = sf.running; busy && !streq(busy->path, path); busy = busy->link)
		;
	if (busy) {
		write_free(busy->next);	/* superseded: only the newest content matters */
		busy->next = w;
		return 0;
	}
	write_submit(w);
	return 0;
}

void state_files_start(struct daemon *d)
{
	sf.d = d;
	mp_file_set_writer(writer, NULL);
}

void state_files_stop(struct daemon *d)
{
	mp_file_set_writer(NULL, NULL);
	/* writes still queued behind a running one: the running one may never come back */
	for (struct file_write *w = sf.running; w; w = w->link)
		if (w->next && mp_file_replace_now(w->next->path, w->next->data, w->next->len, w->next->mode) < 0)
			log_err("cannot write %s at stop", w->next->path);
}

/* ---- the maps mpathd created: a restart may remove them, never another tool's ---- */

static int created_line(void *userdata, char *line, unsigned lineno)
{
	struct daemon *d = userdata;

	line[strcspn(line, " \t\r\n")] = '\0';
	return line[0] ? mp_strv_push(&d->created, line) : 0;
}

void state_created_load(struct daemon *d)
{
	if (mp_file_read_lines(STATE_CREATED_MAPS, created_line, d) < 0)
		log_warn("%s: cannot read; maps from an earlier run count as another tool's", STATE_CREATED_MAPS);
}

void state_created_set(struct daemon *d, const char *name, bool created)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	size_t n = mp_strv_length(d->created), k = 0;
	bool have = false;

	for (size_t i = 0; i < n; i++)
		have |= streq(d->created[i], name);
	if (have == created)
		return;
	if (created && mp_strv_push(&d->created, name) < 0)
		return;
	for (size_t i = 0; d->created && d->created[i]; i++) {
		if (!created && streq(d->created[i], name)) {
			free(d->created[i]);
			continue;
		}
		d->created[k++] = d->created[i];
	}
	if (d->created)
		d->created[k] = NULL;
	for (size_t i = 0; d->created && d->created[i]; i++)
		strbuf_printf(&sb, "%s\n", d->created[i]);
	mp_file_write_atomic(STATE_CREATED_MAPS, strbuf_str(&sb), sb.len, 0644);
}
