/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Topology maps from dm table and status text, with each path's facts read from sysfs. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmtable.h"
#include "sysfs.h"
#include "topology_dm.h"
#include "util.h"
#include "words.h"

/* The last component of the symlink at sysfs-relative @rel ("dev/block/8:16" -> "sdb"). */
static int sysfs_link_name(const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int r;

	r = mp_sysfs_path(path, sizeof(path), "%s", rel);
	if (r < 0)
		return r;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

static void trim_right(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

/* Read an optional attribute; a missing one leaves @buf empty. */
static void read_attr(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void read_attr(char *buf, size_t len, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;
	int n;

	buf[0] = '\0';
	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel) || mp_sysfs_read_attr(rel, buf, len) < 0)
		buf[0] = '\0';
	trim_right(buf);
}

/* The "sessionN" component of the SCSI device's real path, or "" when not iSCSI. */
static void iscsi_session_of(const char *realdev, char *buf, size_t len)
{
	const char *p = strstr(realdev, "/session");
	unsigned id;
	int used = 0;

	buf[0] = '\0';
	if (p && sscanf(p + 1, "session%u%n", &id, &used) == 1 && (p[1 + used] == '/' || !p[1 + used]))
		snprintf(buf, len, "session%u", id);
}

static void iscsi_fill(struct mp_topo_path *p)
{
	char addr[64], port[16];
	unsigned id;

	read_attr(p->iscsi_target, sizeof(p->iscsi_target), "class/iscsi_session/%s/targetname",
		  p->iscsi_session);
	read_attr(p->iscsi_iface, sizeof(p->iscsi_iface), "class/iscsi_session/%s/ifacename",
		  p->iscsi_session);
	if (sscanf(p->iscsi_session, "session%u", &id) != 1)
		return;
	/* open-iscsi runs one connection per session, always number 0. */
	read_attr(addr, sizeof(addr), "class/iscsi_connection/connection%u:0/persistent_address", id);
	read_attr(port, sizeof(port), "class/iscsi_connection/connection%u:0/persistent_port", id);
	if (!addr[0])
		return;
	snprintf(p->iscsi_portal, sizeof(p->iscsi_portal), strchr(addr, ':') ? "[%s]:%s" : "%s:%s",
		 addr, port[0] ? port : "3260");
}

static void transport_fill(struct mp_topo_path *p)
{
	char path[PATH_MAX], real[PATH_MAX];
	unsigned host;

	snprintf(p->transport, sizeof(p->transport), "unknown");
	if (mp_sysfs_path(path, sizeof(path), "block/%s/device", p->dev) < 0 || !realpath(path, real))
		return;
	iscsi_session_of(real, p->iscsi_session, sizeof(p->iscsi_session));
	if (p->iscsi_session[0]) {
		snprintf(p->transport, sizeof(p->transport), "iscsi");
		iscsi_fill(p);
	} else if (strstr(real, "/rport-")) {
		snprintf(p->transport, sizeof(p->transport), "fc");
	} else if (strstr(real, "/end_device-")) {
		snprintf(p->transport, sizeof(p->transport), "sas");
	} else if (sscanf(p->hctl, "%u:", &host) == 1) {
		char proc_name[sizeof(p->transport)];

		read_attr(proc_name, sizeof(proc_name), "class/scsi_host/host%u/proc_name", host);
		if (proc_name[0])
			memcpy(p->transport, proc_name, sizeof(proc_name));
	}
}

int mp_topo_path_from_sysfs(const char *devt, struct mp_topo_path *ret)
{
	struct mp_topo_path p = { .tpg = -1, .relative_port = -1 };
	char rel[64], size[32];

	snprintf(p.devt, sizeof(p.devt), "%s", devt);
	snprintf(rel, sizeof(rel), "dev/block/%s", devt);
	if (sysfs_link_name(rel, p.dev, sizeof(p.dev)) < 0) {
		snprintf(p.dev_state, sizeof(p.dev_state), "unknown");
		*ret = p;
		return -ENODEV;
	}
	snprintf(rel, sizeof(rel), "block/%s/device", p.dev);
	if (sysfs_link_name(rel, p.hctl, sizeof(p.hctl)) < 0)
		p.hctl[0] = '\0';
	read_attr(p.vendor, sizeof(p.vendor), "block/%s/device/vendor", p.dev);
	read_attr(p.product, sizeof(p.product), "block/%s/device/model", p.dev);
	read_attr(p.revision, sizeof(p.revision), "block/%s/device/rev", p.dev);
	read_attr(p.dev_state, sizeof(p.dev_state), "block/%s/device/state", p.dev);
	read_attr(size, sizeof(size), "block/%s/size", p.dev);
	p.size_sectors = strtoull(size, NULL, 10);
	transport_fill(&p);
	*ret = p;
	return 0;
}

/* "N word..." as the kernel counts feature words: "1 queue_if_no_path", "0". */
static void features_text(const struct mp_table *t, char *buf, size_t len)
{
	size_t words = 0, used;

	for (char **f = t->features; f && *f; f++) {
		words++;
		for (const char *c = *f; *c; c++)
			words += *c == ' ';
	}
	used = (size_t)snprintf(buf, len, "%zu", words);
	for (char **f = t->features; f && *f && used < len; f++)
		used += (size_t)snprintf(buf + used, len - used, " %s", *f);
}

static void hwhandler_text(const struct mp_table *t, char *buf, size_t len)
{
	size_t used;

	if (!t->hwhandler) {
		snprintf(buf, len, "0");
		return;
	}
	used = (size_t)snprintf(buf, len, "%zu %s", 1 + mp_strv_length(t->hwhandler_args),
				t->hwhandler);
	for (char **a = t->hwhandler_args; a && *a && used < len; a++)
		used += (size_t)snprintf(buf + used, len - used, " %s", *a);
}

/* "service-time 0", as multipath -ll shows the policy. */
static void selector_text(const struct mp_table_group *g, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s %zu", g->selector,
				       mp_strv_length(g->selector_args));

	for (char **a = g->selector_args; a && *a && used < len; a++)
		used += (size_t)snprintf(buf + used, len - used, " %s", *a);
}

static enum mp_pg_state pg_state_from_status(enum mp_group_state s)
{
	switch (s) {
	case MP_GROUP_ACTIVE:
		return MP_PG_ACTIVE;
	case MP_GROUP_ENABLED:
		return MP_PG_ENABLED;
	case MP_GROUP_DISABLED:
		return MP_PG_DISABLED;
	}
	return MP_PG_UNKNOWN;
}

static void path_from_dm(const struct mp_table_path *tp, const struct mp_status *st,
			 const char *wwid, struct mp_topo_path *ret)
{
	const struct mp_status_path *sp = st ? mp_status_find_path(st, tp->dev) : NULL;

	(void)mp_topo_path_from_sysfs(tp->dev, ret);
	snprintf(ret->wwid, sizeof(ret->wwid), "%s", wwid);
	ret->checker_state = MP_CHK_UNCHECKED;
	if (sp) {
		ret->dm_state = sp->active ? MP_DM_PATH_ACTIVE : MP_DM_PATH_FAILED;
		ret->fail_count = (unsigned)sp->fail_count;
	}
}

static int group_from_dm(const struct mp_table *t, size_t index, const struct mp_status *st,
			 const char *wwid, struct mp_topo_group *ret)
{
	const struct mp_table_group *tg = &t->groups[index];
	struct mp_topo_group g = { .nr_paths = tg->nr_paths };

	selector_text(tg, g.selector, sizeof(g.selector));
	/* The status was read after the table; trust its group states only if the shapes agree. */
	if (st && st->nr_groups == t->nr_groups)
		g.state = pg_state_from_status(st->groups[index].state);
	g.paths = calloc(tg->nr_paths ? tg->nr_paths : 1, sizeof(*g.paths));
	if (!g.paths)
		return -ENOMEM;
	for (size_t i = 0; i < tg->nr_paths; i++)
		path_from_dm(&tg->paths[i], st, wwid, &g.paths[i]);
	*ret = g;
	return 0;
}

static void map_vendor_product(struct mp_topo_map *m)
{
	for (size_t g = 0; g < m->nr_groups; g++)
		for (size_t i = 0; i < m->groups[g].nr_paths; i++) {
			const struct mp_topo_path *p = &m->groups[g].paths[i];

			if (p->vendor[0] && p->product[0]) {
				snprintf(m->vendor, sizeof(m->vendor), "%s", p->vendor);
				snprintf(m->product, sizeof(m->product), "%s", p->product);
				return;
			}
		}
}

void mp_topo_map_release(struct mp_topo_map *m)
{
	if (!m)
		return;
	for (size_t g = 0; g < m->nr_groups; g++)
		free(m->groups[g].paths);
	free(m->groups);
	m->groups = NULL;
	m->nr_groups = 0;
}

static void map_identity(const char *name, const struct mp_dm_info *info, struct mp_topo_map *m)
{
	size_t prefix = strlen(MP_DM_UUID_PREFIX);

	snprintf(m->name, sizeof(m->name), "%s", name);
	if (strncmp(info->uuid, MP_DM_UUID_PREFIX, prefix) == 0 && info->uuid[prefix])
		snprintf(m->wwid, sizeof(m->wwid), "%s", info->uuid + prefix);
	else
		snprintf(m->wwid, sizeof(m->wwid), "%s", name);
	snprintf(m->dm_name, sizeof(m->dm_name), "dm-%u", info->minor);
	m->read_only = info->read_only;
}

int mp_topo_map_from_dm(const char *name, const struct mp_dm_info *info, uint64_t size,
			const char *table, const char *status, struct mp_topo_map *ret)
{
	_cleanup_mp_table_ struct mp_table *t = NULL;
	_cleanup_mp_status_ struct mp_status *st = NULL;
	struct mp_topo_map m = { .size_sectors = size };
	int r;

	r = mp_table_parse(table, &t);
	if (r < 0)
		return r;
	if (status && mp_status_parse(status, &st) < 0)
		st = NULL;
	map_identity(name, info, &m);
	features_text(t, m.features, sizeof(m.features));
	hwhandler_text(t, m.hwhandler, sizeof(m.hwhandler));
	m.queueing = mp_table_queue_if_no_path(t) ? -1 : 0;
	m.groups = calloc(t->nr_groups ? t->nr_groups : 1, sizeof(*m.groups));
	if (!m.groups)
		return -ENOMEM;
	for (size_t g = 0; g < t->nr_groups; g++) {
		r = group_from_dm(t, g, st, m.wwid, &m.groups[g]);
		if (r < 0) {
			mp_topo_map_release(&m);
			return r;
		}
		m.nr_groups++;
	}
	map_vendor_product(&m);
	*ret = m;
	return 0;
}
