/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The session table from sysfs: kernel memory only, so reading it on the loop never blocks.
 * Not the connection's address or ports: iscsi_tcp reads those through its socket, under the
 * connection's locks (conn.c reads them, on a thread).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsiadm.h"
#include "sessions.h"
#include "sysfs.h"
#include "util.h"

static enum isess_session_state state_parse(const char *s)
{
	if (streq(s, "LOGGED_IN"))
		return ISESS_SESSION_LOGGED_IN;
	if (streq(s, "FAILED"))
		return ISESS_SESSION_FAILED;
	if (streq(s, "FREE"))
		return ISESS_SESSION_FREE;
	return ISESS_SESSION_UNKNOWN;
}

const char *isess_session_state_name(enum isess_session_state s)
{
	switch (s) {
	case ISESS_SESSION_LOGGED_IN: return "LOGGED_IN";
	case ISESS_SESSION_FAILED: return "FAILED";
	case ISESS_SESSION_FREE: return "FREE";
	default: return "unknown";
	}
}

/* The sd names under sessionN/device/targetH:C:T/H:C:T:L/block/. */
static void session_devs(struct isess_session *s)
{
	char path[PATH_MAX], sub[PATH_MAX];
	DIR *dir, *tdir, *bdir;
	struct dirent *t, *l, *b;
	size_t used = 0;

	s->devs[0] = '\0';
	if (mp_sysfs_path(path, sizeof(path), "class/iscsi_session/session%u/device", s->sid) < 0 ||
	    !(dir = opendir(path)))
		return;
	while ((t = readdir(dir))) {
		if (strncmp(t->d_name, "target", 6) != 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, t->d_name) >= (int)sizeof(sub) || !(tdir = opendir(sub)))
			continue;
		while ((l = readdir(tdir))) {
			char blk[PATH_MAX];

			if (!strchr(l->d_name, ':'))
				continue;
			if (snprintf(blk, sizeof(blk), "%s/%s/block", sub, l->d_name) >= (int)sizeof(blk) ||
			    !(bdir = opendir(blk)))
				continue;
			while ((b = readdir(bdir)))
				if (b->d_name[0] != '.' && used + strlen(b->d_name) + 2 < sizeof(s->devs))
					used += snprintf(s->devs + used, sizeof(s->devs) - used, "%s%s",
							 used ? " " : "", b->d_name);
			closedir(bdir);
		}
		closedir(tdir);
	}
	closedir(dir);
}

static void session_read(unsigned sid, struct isess_session *s)
{
	char buf[32];
	const char *nic;

	*s = (struct isess_session) { .sid = sid, .tpgt = -1, .recovery_tmo = -1 };
	mp_sysfs_read_attrf(s->target, sizeof(s->target), "class/iscsi_session/session%u/targetname", sid);
	mp_sysfs_read_attrf(s->iface, sizeof(s->iface), "class/iscsi_session/session%u/ifacename", sid);
	mp_sysfs_read_attrf(buf, sizeof(buf), "class/iscsi_session/session%u/state", sid);
	s->state = state_parse(buf);
	mp_sysfs_read_attrf(buf, sizeof(buf), "class/iscsi_session/session%u/tpgt", sid);
	if (buf[0])
		s->tpgt = atoi(buf);
	mp_sysfs_read_attrf(buf, sizeof(buf), "class/iscsi_session/session%u/recovery_tmo", sid);
	if (buf[0])
		s->recovery_tmo = atoi(buf);
	/* open-iscsi runs one connection per session, always number 0 */
	mp_sysfs_read_attrf(s->addr, sizeof(s->addr), "class/iscsi_connection/connection%u:0/persistent_address", sid);
	mp_sysfs_read_attrf(buf, sizeof(buf), "class/iscsi_connection/connection%u:0/persistent_port", sid);
	s->port = buf[0] ? (unsigned)atoi(buf) : 3260;
	nic = iscsiadm_iface_nic(s->iface);
	snprintf(s->nic, sizeof(s->nic), "%s", nic ? nic : "");
	session_devs(s);
}

static int sid_cmp(const void *a, const void *b)
{
	const struct isess_session *x = a, *y = b;

	return x->sid < y->sid ? -1 : x->sid > y->sid;
}

int isess_sessions_read(struct isess_session **ret, size_t *ret_n)
{
	char path[PATH_MAX];
	struct isess_session *list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	unsigned sid;

	*ret = NULL;
	*ret_n = 0;
	if (mp_sysfs_path(path, sizeof(path), "class/iscsi_session") < 0 || !(dir = opendir(path)))
		return 0;
	while ((de = readdir(dir))) {
		if (sscanf(de->d_name, "session%u", &sid) != 1)
			continue;
		if (n == cap) {
			struct isess_session *more;

			cap = cap ? cap * 2 : 16;
			more = realloc(list, cap * sizeof(*list));
			if (!more) {
				closedir(dir);
				free(list);
				return -ENOMEM;
			}
			list = more;
		}
		session_read(sid, &list[n++]);
	}
	closedir(dir);
	if (n > 1)
		qsort(list, n, sizeof(*list), sid_cmp);
	*ret = list;
	*ret_n = n;
	return 0;
}

const struct isess_session *isess_session_find(const struct isess_session *s, size_t n, unsigned sid)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].sid == sid)
			return &s[i];
	return NULL;
}
