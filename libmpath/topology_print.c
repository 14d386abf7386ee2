/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Renders topology snapshots: the multipath -ll layout, show paths/maps tables, and JSON. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "topology_print.h"
#include "util.h"

/* Output with a sticky error, so that the layout code reads top to bottom. */
struct out {
	struct strbuf *sb;
	int error;
};

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_printf(struct out *o, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;
	int n;

	if (o->error)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		s = NULL;
		o->error = -ENOMEM;
		return;
	}
	o->error = strbuf_append(o->sb, s, (size_t)n);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

void mp_format_size(uint64_t sectors, char *buf, size_t len)
{
	/* float on purpose: multipath-tools rounds through a float, and admins compare outputs. */
	static const char units[] = "KMGTP";
	float s = (float)(sectors >> 1);
	const char *u = units;

	while (s >= 1024 && u[1]) {
		s /= 1024;
		u++;
	}
	snprintf(buf, len, "%.*f%c", s < 10, (double)s, *u);
}

/* ---- multipath -ll ---- */

enum ll_column { LL_HCIL, LL_DEV, LL_DEVT, LL_DM_STATE, LL_CHECKER, LL_DEV_STATE, LL_NR };

struct ll_layout {
	size_t width[LL_NR];
	bool with_checker;
};

static void ll_fields(const struct mp_topo_path *p, bool with_checker, const char *f[LL_NR])
{
	f[LL_HCIL] = p->hctl[0] ? p->hctl : "#:#:#:#";
	f[LL_DEV] = or_dash(p->dev);
	f[LL_DEVT] = or_dash(p->devt);
	f[LL_DM_STATE] = mp_dm_path_state_name(p->dm_state);
	f[LL_CHECKER] = with_checker ? mp_checker_state_name(p->checker_state) : "undef";
	f[LL_DEV_STATE] = p->dev_state[0] ? p->dev_state : "undef";
}

static void ll_layout_add(struct ll_layout *l, const struct mp_topo_path *p)
{
	const char *f[LL_NR];

	ll_fields(p, l->with_checker, f);
	for (size_t c = 0; c < LL_NR; c++)
		if (strlen(f[c]) > l->width[c])
			l->width[c] = strlen(f[c]);
}

static void ll_layout_init(struct ll_layout *l, const struct mp_topology *t, bool with_checker)
{
	*l = (struct ll_layout){ .with_checker = with_checker };
	for (size_t i = 0; i < t->nr_maps; i++)
		for (size_t g = 0; g < t->maps[i].nr_groups; g++)
			for (size_t k = 0; k < t->maps[i].groups[g].nr_paths; k++)
				ll_layout_add(l, &t->maps[i].groups[g].paths[k]);
	for (size_t i = 0; i < t->nr_orphans; i++)
		ll_layout_add(l, &t->orphans[i]);
}

static void ll_path(struct out *o, const struct ll_layout *l, const struct mp_topo_path *p,
		    const char *indent, bool last_group, bool last_path)
{
	const char *f[LL_NR];

	ll_fields(p, l->with_checker, f);
	out_printf(o, "%s%s %s- ", indent, last_group ? " " : "|", last_path ? "`" : "|");
	for (size_t c = 0; c + 1 < LL_NR; c++)
		out_printf(o, "%-*s ", (int)l->width[c], f[c]);
	out_printf(o, "%s\n", f[LL_NR - 1]);
}

static void ll_group(struct out *o, const struct ll_layout *l, const struct mp_topo_group *g,
		     const char *indent, bool last_group)
{
	out_printf(o, "%s%s-+- policy='%s' prio=%d status=%s\n", indent, last_group ? "`" : "|",
		   g->selector, g->priority, mp_pg_state_name(g->state));
	for (size_t i = 0; i < g->nr_paths; i++)
		ll_path(o, l, &g->paths[i], indent, last_group, i + 1 == g->nr_paths);
}

/*
 * A stack (eql-slice): the switch's regions, then each member device with its share of the
 * regions and its groups beneath it.
 */
static void ll_stack(struct out *o, const struct ll_layout *l, const struct mp_topo_map *m)
{
	char rsize[16];

	mp_format_size(m->region_size, rsize, sizeof(rsize));
	out_printf(o, "switch regions=%zu x %s", m->nr_regions, rsize);
	if (m->referrals_age_usec)
		out_printf(o, " referrals read %.1fs ago", m->referrals_age_usec / 1e6);
	out_printf(o, "\n");
	for (size_t k = 0; k < m->nr_members; k++) {
		const struct mp_topo_member *mb = &m->members[k];
		bool last = k + 1 == m->nr_members;

		out_printf(o, "%s-- %s %s regions=%zu (%zu%%) features='%s' hwhandler='%s'\n", last ? "`" : "|",
			   mb->name, mb->dm_name[0] ? mb->dm_name : "undef", mb->nr_regions,
			   m->nr_regions ? mb->nr_regions * 100 / m->nr_regions : 0,
			   mb->features[0] ? mb->features : "0", mb->hwhandler[0] ? mb->hwhandler : "0");
		for (size_t g = 0; g < mb->nr_groups && mb->first_group + g < m->nr_groups; g++)
			ll_group(o, l, &m->groups[mb->first_group + g], last ? "    " : "|   ",
				 g + 1 == mb->nr_groups);
	}
}

/* multipath-tools shows the first path's vendor and product when the map has none of its own. */
static bool map_vendor_product(const struct mp_topo_map *m, const char **vendor,
			       const char **product)
{
	*vendor = m->vendor;
	*product = m->product;
	if (m->vendor[0] && m->product[0])
		return true;
	for (size_t g = 0; g < m->nr_groups; g++)
		for (size_t i = 0; i < m->groups[g].nr_paths; i++) {
			const struct mp_topo_path *p = &m->groups[g].paths[i];

			if (p->vendor[0] && p->product[0]) {
				*vendor = p->vendor;
				*product = p->product;
				return true;
			}
		}
	return false;
}

static void ll_vendor_product(struct out *o, const struct mp_topo_map *m)
{
	const char *vendor, *product;

	if (map_vendor_product(m, &vendor, &product))
		out_printf(o, "%s,%s", vendor, product);
	else
		out_printf(o, "##,##");
}

static void ll_map(struct out *o, const struct ll_layout *l, const struct mp_topo_map *m)
{
	char size[16];

	out_printf(o, "%s", m->name);
	if (m->wwid[0] && !streq(m->name, m->wwid))
		out_printf(o, " (%s)", m->wwid);
	out_printf(o, " %s ", m->dm_name[0] ? m->dm_name : "undef");
	ll_vendor_product(o, m);
	mp_format_size(m->size_sectors, size, sizeof(size));
	if (m->nr_members) {
		out_printf(o, "\nsize=%s wp=%s ", size, m->read_only ? "ro" : "rw");
		ll_stack(o, l, m);
		return;
	}
	out_printf(o, "\nsize=%s features='%s' hwhandler='%s' wp=%s\n", size,
		   m->features[0] ? m->features : "0", m->hwhandler[0] ? m->hwhandler : "0",
		   m->read_only ? "ro" : "rw");
	for (size_t g = 0; g < m->nr_groups; g++)
		ll_group(o, l, &m->groups[g], "", g + 1 == m->nr_groups);
}

/* A filter names a map, or one of its paths like `multipath -ll sdb`. */
static const struct mp_topo_map *filter_map(const struct mp_topology *t, const char *filter)
{
	const struct mp_topo_map *m = mp_topology_find_map(t, filter);

	if (!m)
		(void)mp_topology_find_path(t, filter, &m);
	return m;
}

int mp_topology_print_ll(const struct mp_topology *t, const char *map_filter, bool with_checker,
			 struct strbuf *out)
{
	struct out o = { .sb = out };
	struct ll_layout l;

	ll_layout_init(&l, t, with_checker);
	if (map_filter) {
		const struct mp_topo_map *m = filter_map(t, map_filter);

		if (!m)
			return -ENOENT;
		ll_map(&o, &l, m);
		return o.error;
	}
	for (size_t i = 0; i < t->nr_maps; i++)
		ll_map(&o, &l, &t->maps[i]);
	return o.error;
}

/* ---- aligned tables ---- */

#define TABLE_CELL 160

struct table {
	size_t nr_columns, nr_rows;
	char (*cells)[TABLE_CELL];	/* row-major; row 0 is the header */
};

static int table_init(struct table *tb, const char *const *header, size_t nr_columns,
		      size_t nr_rows)
{
	tb->nr_columns = nr_columns;
	tb->nr_rows = nr_rows + 1;
	tb->cells = calloc(tb->nr_rows * nr_columns, sizeof(*tb->cells));
	if (!tb->cells)
		return -ENOMEM;
	for (size_t c = 0; c < nr_columns; c++)
		snprintf(tb->cells[c], TABLE_CELL, "%s", header[c]);
	return 0;
}

static void table_release(struct table *tb)
{
	free(tb->cells);
	tb->cells = NULL;
}

/* Set cell (@row, @col) of the body; row 0 is the first row after the header. */
static void table_set(struct table *tb, size_t row, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void table_set(struct table *tb, size_t row, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *cell = tb->cells[(row + 1) * tb->nr_columns + col];

	va_start(ap, fmt);
	vsnprintf(cell, TABLE_CELL, fmt, ap);
	va_end(ap);
	if (!cell[0])
		snprintf(cell, TABLE_CELL, "-");
}

static int table_print(const struct table *tb, struct strbuf *sb)
{
	struct out o = { .sb = sb };
	size_t width[16] = { 0 };

	if (tb->nr_columns > ARRAY_SIZE(width))
		return -EINVAL;
	for (size_t r = 0; r < tb->nr_rows; r++)
		for (size_t c = 0; c < tb->nr_columns; c++) {
			size_t n = strlen(tb->cells[r * tb->nr_columns + c]);

			if (n > width[c])
				width[c] = n;
		}
	for (size_t r = 0; r < tb->nr_rows; r++) {
		const char (*row)[TABLE_CELL] = &tb->cells[r * tb->nr_columns];

		for (size_t c = 0; c + 1 < tb->nr_columns; c++)
			out_printf(&o, "%-*s ", (int)width[c], row[c]);
		out_printf(&o, "%s\n", row[tb->nr_columns - 1]);
	}
	return o.error;
}

static size_t topology_nr_paths(const struct mp_topology *t)
{
	size_t n = t->nr_orphans;

	for (size_t i = 0; i < t->nr_maps; i++)
		n += mp_topo_map_nr_paths(&t->maps[i]);
	return n;
}

/* ---- show paths ---- */

static const char *const paths_header[] = {
	"hcil", "dev", "dev_t", "dm_st", "chk_st", "dev_st", "map", "tpg", "transport", "iface",
	"portal", "prio", "prio_by", "wwid_by",
};

static void paths_row(struct table *tb, size_t row, const struct mp_topo_path *p,
		      const struct mp_topo_map *m)
{
	table_set(tb, row, 0, "%s", p->hctl);
	table_set(tb, row, 1, "%s", p->dev);
	table_set(tb, row, 2, "%s", p->devt);
	table_set(tb, row, 3, "%s", mp_dm_path_state_name(p->dm_state));
	table_set(tb, row, 4, "%s", mp_checker_state_name(p->checker_state));
	table_set(tb, row, 5, "%s", p->dev_state);
	table_set(tb, row, 6, "%s", m ? m->name : "[orphan]");
	if (p->tpg >= 0)
		table_set(tb, row, 7, "%d", p->tpg);
	else
		table_set(tb, row, 7, "-");
	table_set(tb, row, 8, "%s", p->transport);
	table_set(tb, row, 9, "%s", p->iscsi_iface);
	table_set(tb, row, 10, "%s", p->iscsi_portal);
	table_set(tb, row, 11, "%d", p->priority);
	table_set(tb, row, 12, "%s", p->prio_source[0] ? p->prio_source : "-");
	table_set(tb, row, 13, "%s", p->wwid_source[0] ? p->wwid_source : "-");
}

int mp_topology_print_paths(const struct mp_topology *t, struct strbuf *out)
{
	struct table tb;
	size_t row = 0;
	int r;

	r = table_init(&tb, paths_header, ARRAY_SIZE(paths_header), topology_nr_paths(t));
	if (r < 0)
		return r;
	for (size_t i = 0; i < t->nr_maps; i++)
		for (size_t g = 0; g < t->maps[i].nr_groups; g++)
			for (size_t k = 0; k < t->maps[i].groups[g].nr_paths; k++)
				if (!mp_topo_map_path_repeated(&t->maps[i], g, k))
					paths_row(&tb, row++, &t->maps[i].groups[g].paths[k], &t->maps[i]);
	for (size_t i = 0; i < t->nr_orphans; i++)
		paths_row(&tb, row++, &t->orphans[i], NULL);
	r = table_print(&tb, out);
	table_release(&tb);
	return r;
}

/* ---- show maps ---- */

static const char *const maps_header[] = {
	"name", "sysfs", "wwid", "paths", "active", "queueing", "selector", "features",
};

static void format_queueing(int queueing, char *buf, size_t len)
{
	if (queueing < 0)
		snprintf(buf, len, "on");
	else if (queueing == 0)
		snprintf(buf, len, "off");
	else
		snprintf(buf, len, "%d chk", queueing);
}

int mp_topology_print_maps(const struct mp_topology *t, struct strbuf *out)
{
	struct table tb;
	int r;

	r = table_init(&tb, maps_header, ARRAY_SIZE(maps_header), t->nr_maps);
	if (r < 0)
		return r;
	for (size_t i = 0; i < t->nr_maps; i++) {
		const struct mp_topo_map *m = &t->maps[i];
		char queueing[24];

		format_queueing(m->queueing, queueing, sizeof(queueing));
		table_set(&tb, i, 0, "%s", m->name);
		table_set(&tb, i, 1, "%s", m->dm_name);
		table_set(&tb, i, 2, "%s", m->wwid);
		table_set(&tb, i, 3, "%zu", mp_topo_map_nr_paths(m));
		table_set(&tb, i, 4, "%zu", mp_topo_map_nr_active_paths(m));
		table_set(&tb, i, 5, "%s", queueing);
		table_set(&tb, i, 6, "%s", m->selector_plugin[0] ? m->selector_plugin : "-");
		table_set(&tb, i, 7, "%s", m->features[0] ? m->features : "0");
	}
	r = table_print(&tb, out);
	table_release(&tb);
	return r;
}

/* ---- JSON ---- */

static void json_kv_optional_int(struct mp_json *j, const char *key, int v)
{
	mp_json_key(j, key);
	if (v < 0)
		mp_json_null(j);
	else
		mp_json_int(j, v);
}

/* The writer's error is sticky: the calls below are checked once, in json_finish(). */
static void json_path(struct mp_json *j, const struct mp_topo_path *p, bool with_map,
		      const struct mp_topo_map *m)
{
	mp_json_begin_object(j);
	mp_json_kv_string(j, "dev", p->dev);
	mp_json_kv_string(j, "dev_t", p->devt);
	mp_json_kv_string(j, "hcil", p->hctl);
	mp_json_kv_string(j, "wwid", p->wwid);
	mp_json_kv_string(j, "vendor", p->vendor);
	mp_json_kv_string(j, "product", p->product);
	mp_json_kv_string(j, "revision", p->revision);
	mp_json_kv_uint(j, "size_sectors", p->size_sectors);
	mp_json_kv_string(j, "dev_state", p->dev_state);
	mp_json_kv_string(j, "dm_state", mp_dm_path_state_name(p->dm_state));
	mp_json_kv_string(j, "checker_state", mp_checker_state_name(p->checker_state));
	mp_json_kv_uint(j, "fail_count", p->fail_count);
	mp_json_kv_int(j, "priority", p->priority);
	mp_json_kv_string(j, "priority_source", p->prio_source);
	mp_json_kv_string(j, "wwid_source", p->wwid_source);
	json_kv_optional_int(j, "tpg", p->tpg);
	json_kv_optional_int(j, "relative_port", p->relative_port);
	mp_json_kv_string(j, "transport", p->transport);
	mp_json_kv_string(j, "iscsi_session", p->iscsi_session);
	mp_json_kv_string(j, "iscsi_iface", p->iscsi_iface);
	mp_json_kv_string(j, "iscsi_portal", p->iscsi_portal);
	mp_json_kv_string(j, "iscsi_target", p->iscsi_target);
	mp_json_kv_string(j, "iscsi_netdev", p->iscsi_netdev);
	mp_json_kv_uint(j, "last_change_usec", p->last_change_usec);
	if (with_map)
		mp_json_kv_string(j, "map", m ? m->name : NULL);
	mp_json_end_object(j);
}

static void json_group(struct mp_json *j, const struct mp_topo_group *g, size_t index)
{
	mp_json_begin_object(j);
	mp_json_kv_uint(j, "group", index + 1);
	mp_json_kv_string(j, "selector", g->selector);
	mp_json_kv_int(j, "priority", g->priority);
	mp_json_kv_string(j, "state", mp_pg_state_name(g->state));
	mp_json_key(j, "paths");
	mp_json_begin_array(j);
	for (size_t i = 0; i < g->nr_paths; i++)
		json_path(j, &g->paths[i], false, NULL);
	mp_json_end_array(j);
	mp_json_end_object(j);
}

/* A stack's member devices, each with its regions and path groups. */
static void json_members(struct mp_json *j, const struct mp_topo_map *m)
{
	mp_json_key(j, "members");
	mp_json_begin_array(j);
	for (size_t k = 0; k < m->nr_members; k++) {
		const struct mp_topo_member *mb = &m->members[k];

		mp_json_begin_object(j);
		mp_json_kv_string(j, "name", mb->name);
		mp_json_kv_string(j, "sysfs", mb->dm_name);
		mp_json_kv_string(j, "features", mb->features);
		mp_json_kv_string(j, "hwhandler", mb->hwhandler);
		mp_json_kv_uint(j, "nr_regions", mb->nr_regions);
		mp_json_key(j, "path_groups");
		mp_json_begin_array(j);
		for (size_t g = 0; g < mb->nr_groups && mb->first_group + g < m->nr_groups; g++)
			json_group(j, &m->groups[mb->first_group + g], g);
		mp_json_end_array(j);
		mp_json_end_object(j);
	}
	mp_json_end_array(j);
}

static void json_map(struct mp_json *j, const struct mp_topo_map *m, bool with_groups)
{
	const char *vendor, *product;
	char size[16];

	mp_format_size(m->size_sectors, size, sizeof(size));
	(void)map_vendor_product(m, &vendor, &product);
	mp_json_begin_object(j);
	mp_json_kv_string(j, "name", m->name);
	mp_json_kv_string(j, "wwid", m->wwid);
	mp_json_kv_string(j, "sysfs", m->dm_name);
	mp_json_kv_string(j, "vendor", vendor);
	mp_json_kv_string(j, "product", product);
	mp_json_kv_uint(j, "size_sectors", m->size_sectors);
	mp_json_kv_string(j, "size", size);
	mp_json_kv_string(j, "features", m->features);
	mp_json_kv_string(j, "hwhandler", m->hwhandler);
	mp_json_kv_string(j, "write_protect", m->read_only ? "ro" : "rw");
	mp_json_kv_string(j, "selector_plugin", m->selector_plugin);
	mp_json_kv_int(j, "queueing", m->queueing);
	mp_json_kv_uint(j, "nr_paths", mp_topo_map_nr_paths(m));
	mp_json_kv_uint(j, "nr_active_paths", mp_topo_map_nr_active_paths(m));
	mp_json_kv_string(j, "target", m->target[0] ? m->target : "multipath");
	if (with_groups && m->nr_members) {
		mp_json_kv_uint(j, "region_size_sectors", m->region_size);
		mp_json_kv_uint(j, "nr_regions", m->nr_regions);
		mp_json_kv_uint(j, "referrals_age_usec", m->referrals_age_usec);
		json_members(j, m);
	} else if (with_groups) {
		mp_json_key(j, "path_groups");
		mp_json_begin_array(j);
		for (size_t g = 0; g < m->nr_groups; g++)
			json_group(j, &m->groups[g], g);
		mp_json_end_array(j);
	}
	mp_json_end_object(j);
}

static int json_finish(struct mp_json *j, struct strbuf *out)
{
	_cleanup_free_ char *text = NULL;
	int r;

	r = mp_json_finish(j, &text);
	mp_json_release(j);
	if (r < 0)
		return r;
	return strbuf_puts(out, text);
}

int mp_topology_json_map_topology(const struct mp_topology *t, const char *map_filter,
				  struct strbuf *out, bool pretty)
{
	const struct mp_topo_map *only = NULL;
	struct mp_json j;

	if (map_filter) {
		only = filter_map(t, map_filter);
		if (!only)
			return -ENOENT;
	}
	mp_json_init(&j, pretty);
	mp_json_begin_object(&j);
	mp_json_kv_uint(&j, "generation", t->generation);
	mp_json_key(&j, "maps");
	mp_json_begin_array(&j);
	for (size_t i = 0; i < t->nr_maps; i++)
		if (!only || only == &t->maps[i])
			json_map(&j, &t->maps[i], true);
	mp_json_end_array(&j);
	if (!only) {
		mp_json_key(&j, "orphans");
		mp_json_begin_array(&j);
		for (size_t i = 0; i < t->nr_orphans; i++)
			json_path(&j, &t->orphans[i], false, NULL);
		mp_json_end_array(&j);
	}
	mp_json_end_object(&j);
	return json_finish(&j, out);
}

int mp_topology_json_topology(const struct mp_topology *t, struct strbuf *out, bool pretty)
{
	return mp_topology_json_map_topology(t, NULL, out, pretty);
}

int mp_topology_json_paths(const struct mp_topology *t, struct strbuf *out, bool pretty)
{
	struct mp_json j;

	mp_json_init(&j, pretty);
	mp_json_begin_object(&j);
	mp_json_key(&j, "paths");
	mp_json_begin_array(&j);
	for (size_t i = 0; i < t->nr_maps; i++)
		for (size_t g = 0; g < t->maps[i].nr_groups; g++)
			for (size_t k = 0; k < t->maps[i].groups[g].nr_paths; k++)
				if (!mp_topo_map_path_repeated(&t->maps[i], g, k))
					json_path(&j, &t->maps[i].groups[g].paths[k], true, &t->maps[i]);
	for (size_t i = 0; i < t->nr_orphans; i++)
		json_path(&j, &t->orphans[i], true, NULL);
	mp_json_end_array(&j);
	mp_json_end_object(&j);
	return json_finish(&j, out);
}

int mp_topology_json_maps(const struct mp_topology *t, struct strbuf *out, bool pretty)
{
	struct mp_json j;

	mp_json_init(&j, pretty);
	mp_json_begin_object(&j);
	mp_json_key(&j, "maps");
	mp_json_begin_array(&j);
	for (size_t i = 0; i < t->nr_maps; i++)
		json_map(&j, &t->maps[i], false);
	mp_json_end_array(&j);
	mp_json_end_object(&j);
	return json_finish(&j, out);
}
