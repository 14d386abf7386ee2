/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The failover-priority state file: run-time priorities and Up/Down states per path, per map. */

/*
 * One file per map, keyed by WWID, written atomically by the host:
 *
 *   # mpathd failover-priority state; rewritten by mpathd on every change
 *   mpathd-failover-priority 1
 *   wwid 36001405a1b2c3d4e5f60718293a4b5c6
 *   path 1 up iscsi:iqn.2001-05.com.equallogic:vol1,10.0.0.1:3260,iface0
 *   path - down hctl:3:0:0:1
 *   end 2
 *
 * "path <priority or -> <up|down> <path id>": the id is the rest of the line.
 * "end <n>" counts the path lines, so a truncated file is detected. Blank
 * lines and lines starting with '#' are ignored; anything else is an error,
 * and a file with an error is ignored as a whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failover-priority.h"

#define MAGIC "mpathd-failover-priority 1"

struct fp_entry *fp_entry_find(struct fp_map *fm, const char *id)
{
	for (size_t i = 0; i < fm->nr_entries; i++)
		if (strcmp(fm->entries[i].id, id) == 0)
			return &fm->entries[i];
	return NULL;
}

struct fp_entry *fp_entry_get(struct fp_map *fm, const char *id)
{
	struct fp_entry *e = fp_entry_find(fm, id);
	char *copy;

	if (e)
		return e;
	e = realloc(fm->entries, (fm->nr_entries + 1) * sizeof(*e));
	if (!e)
		return NULL;
	fm->entries = e;
	copy = strdup(id);
	if (!copy)
		return NULL;
	e = &fm->entries[fm->nr_entries++];
	*e = (struct fp_entry){ .id = copy };
	return e;
}

void fp_entries_free(struct fp_map *fm)
{
	for (size_t i = 0; i < fm->nr_entries; i++)
		free(fm->entries[i].id);
	free(fm->entries);
	fm->entries = NULL;
	fm->nr_entries = 0;
}

static bool entry_worth_saving(const struct fp_entry *e)
{
	return (e->priority || e->down) && !strchr(e->id, '\n');
}

int fp_state_format(const struct fp_map *fm, const char *wwid, char **ret)
{
	char *buf = NULL;
	size_t len = 0, n = 0;
	FILE *f;

	for (size_t i = 0; i < fm->nr_entries; i++)
		n += entry_worth_saving(&fm->entries[i]);
	if (n == 0) {
		*ret = NULL;
		return 0;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "# mpathd failover-priority state; rewritten by mpathd on every change\n");
	fprintf(f, MAGIC "\nwwid %s\n", wwid);
	for (size_t i = 0; i < fm->nr_entries; i++) {
		const struct fp_entry *e = &fm->entries[i];

		if (!entry_worth_saving(e))
			continue;
		if (e->priority)
			fprintf(f, "path %u %s %s\n", e->priority, e->down ? "down" : "up", e->id);
		else
			fprintf(f, "path - %s %s\n", e->down ? "down" : "up", e->id);
	}
	fprintf(f, "end %zu\n", n);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

/* A decimal number in [lo, hi], nothing else. */
static bool parse_number(const char *s, unsigned long lo, unsigned long hi, unsigned long *ret)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*ret = strtoul(s, &end, 10);
	return !errno && !*end && *ret >= lo && *ret <= hi;
}

/* "path <prio> <state> <id>" into a new entry of @fm. */
static int parse_path_line(char *line, struct fp_map *fm, const char **reason)
{
	char *prio = line + 5, *state, *id;
	unsigned long v = 0;
	struct fp_entry *e;

	state = strchr(prio, ' ');
	id = state ? strchr(state + 1, ' ') : NULL;
	if (!id || !id[1]) {
		*reason = "expected \"path <priority> <up|down> <path id>\"";
		return -EBADMSG;
	}
	*state++ = '\0';
	*id++ = '\0';
	if (strcmp(prio, "-") != 0 && !parse_number(prio, FP_PRIORITY_MIN, FP_PRIORITY_MAX, &v)) {
		*reason = "the priority is not a number in 1..4000000 or \"-\"";
		return -EBADMSG;
	}
	if (strcmp(state, "up") != 0 && strcmp(state, "down") != 0) {
		*reason = "the state is neither \"up\" nor \"down\"";
		return -EBADMSG;
	}
	if (fp_entry_find(fm, id)) {
		*reason = "the same path appears twice";
		return -EBADMSG;
	}
	e = fp_entry_get(fm, id);
	if (!e)
		return -ENOMEM;
	e->priority = v;
	e->down = strcmp(state, "down") == 0;
	return 0;
}

enum parse_step { WANT_MAGIC, WANT_WWID, IN_PATHS, AFTER_END };

static int parse_line(char *line, enum parse_step *step, const char *wwid, struct fp_map *fm,
		      size_t *nr_paths, const char **reason)
{
	unsigned long n;

	switch (*step) {
	case WANT_MAGIC:
		*step = WANT_WWID;
		if (strcmp(line, MAGIC) == 0)
			return 0;
		*reason = "not a failover-priority state file of version 1";
		return -EBADMSG;
	case WANT_WWID:
		*step = IN_PATHS;
		if (strncmp(line, "wwid ", 5) == 0 && strcmp(line + 5, wwid) == 0)
			return 0;
		*reason = "it belongs to another map (WWID differs)";
		return -EBADMSG;
	case IN_PATHS:
		if (strncmp(line, "path ", 5) == 0) {
			(*nr_paths)++;
			return parse_path_line(line, fm, reason);
		}
		if (strncmp(line, "end ", 4) == 0 && parse_number(line + 4, 0, SIZE_MAX, &n)) {
			*step = AFTER_END;
			if (n == *nr_paths)
				return 0;
			*reason = "the path count at the end does not match";
			return -EBADMSG;
		}
		*reason = "expected a \"path\" or \"end\" line";
		return -EBADMSG;
	case AFTER_END:
		break;
	}
	*reason = "text after the end line";
	return -EBADMSG;
}

int fp_state_parse(const char *text, const char *wwid, struct fp_map *fm, unsigned *ret_line,
		   const char **ret_reason)
{
	char *buf = strdup(text), *line, *next;
	enum parse_step step = WANT_MAGIC;
	const char *reason = NULL;
	size_t nr_paths = 0;
	unsigned lineno = 0;
	int r = 0;

	if (!buf)
		return -ENOMEM;
	for (line = buf; r == 0 && *line; line = next) {
		next = strchr(line, '\n');
		lineno++;
		if (!next) {
			reason = "the last line is incomplete";
			r = -EBADMSG;
			break;
		}
		*next++ = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		r = parse_line(line, &step, wwid, fm, &nr_paths, &reason);
	}
	if (r == 0 && step != AFTER_END) {
		reason = "it ends before its end line (truncated)";
		r = -EBADMSG;
	}
	free(buf);
	if (r < 0) {
		fp_entries_free(fm);
		*ret_line = lineno;
		*ret_reason = reason ? reason : "out of memory";
	}
	return r;
}

void fp_state_load(const struct mpath_sel_map *map, struct fp_map *fm)
{
	const struct mpath_sel_host *h = map->host;
	const char *reason;
	char *text = NULL;
	unsigned line;
	int r;

	r = h->state_load(h, map->wwid, &text);
	if (r == -ENOENT)
		return;
	if (r < 0) {
		h->log(h, MPATH_SEL_LOG_WARN,
		       "map %s: cannot read the saved failover state (%s); using the configured priorities",
		       map->name, strerror(-r));
		return;
	}
	r = fp_state_parse(text, map->wwid, fm, &line, &reason);
	free(text);
	if (r == -EBADMSG)
		h->log(h, MPATH_SEL_LOG_WARN,
		       "map %s: the saved failover state is corrupt (line %u: %s); ignoring it and using the configured priorities",
		       map->name, line, reason);
	else if (r < 0)
		h->log(h, MPATH_SEL_LOG_ERR, "map %s: cannot load the saved failover state: %s",
		       map->name, strerror(-r));
}

int fp_state_save(const struct mpath_sel_map *map, const struct fp_map *fm)
{
	const struct mpath_sel_host *h = map->host;
	char *text = NULL;
	int r;

	r = fp_state_format(fm, map->wwid, &text);
	if (r == 0)
		r = h->state_save(h, map->wwid, text, text ? strlen(text) : 0);
	free(text);
	if (r < 0)
		h->log(h, MPATH_SEL_LOG_ERR, "map %s: cannot save the failover state: %s", map->name,
		       strerror(-r));
	return r;
}
