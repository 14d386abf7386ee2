/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rendering paths and maps through multipathd's format wildcards, aligned in columns or raw. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology_format.h"
#include "topology_print.h"
#include "util.h"

#define FIELD_MAX 256

struct row_src {
	const struct mp_topo_path *p;	/* NULL for a map row */
	const struct mp_topo_map *m;	/* the path's map, NULL for an orphan */
};

typedef void (*field_fn)(const struct row_src *r, char *buf, size_t len);

struct wildcard {
	char c;
	const char *header;
	field_fn fn;
};

/* ---- path fields ---- */

static void pf_uuid(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "%s", r->p->wwid); }
static void pf_hcil(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->p->hctl[0] ? r->p->hctl : "#:#:#:#");
}
static void pf_dev(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "%s", r->p->dev); }
static void pf_devt(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->p->devt[0] ? r->p->devt : "#:#");
}
static void pf_dm_st(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s", mp_dm_path_state_name(r->p->dm_state));
}
static void pf_dev_st(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s", !r->m ? "unknown" : streq(r->p->dev_state, "offline") ? "offline" : "running");
}
static void pf_chk_st(const struct row_src *r, char *b, size_t n)
{
	enum mp_checker_state st = r->p->checker_state;

	/* multipathd's words where it has the state; an administrator's fail is mpathd's own */
	snprintf(b, n, "%s", !r->m ? "undef" : st == MP_CHK_PENDING ? "i/o pending" : mp_checker_state_name(st));
}
static void pf_vpr(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s,%s", r->p->vendor, r->p->product);
}
static void pf_checker(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "tur"); }
static void pf_next_check(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->m ? "-" : "orphan");
}
static void pf_pri(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "%d", r->p->priority); }
static void pf_size(const struct row_src *r, char *b, size_t n) { mp_format_size(r->p->size_sectors, b, n); }
static void pf_empty(const struct row_src *r, char *b, size_t n) { b[0] = '\0'; }
static void pf_marginal(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "normal"); }
static void pf_map(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->m ? r->m->name : "[orphan]");
}
static void pf_undef(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "[undef]"); }
static void pf_foreign(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "--"); }
static void pf_failures(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "%u", r->p->fail_count); }
static void pf_protocol(const struct row_src *r, char *b, size_t n)
{
	const char *t = r->p->transport;

	snprintf(b, n, "%s", streq(t, "iscsi") ? "scsi:iscsi" : streq(t, "fc") ? "scsi:fcp" :
		 streq(t, "sas") ? "scsi:sas" : "scsi:unspec");
}
static void pf_init(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "ok"); }
static void pf_lunhex(const struct row_src *r, char *b, size_t n)
{
	unsigned h, c, t;
	uint64_t lun, hex = UINT64_MAX;

	/* as the kernel's int_to_scsilun() lays the LUN out */
	if (sscanf(r->p->hctl, "%u:%u:%u:%" SCNu64, &h, &c, &t, &lun) == 4)
		hex = ((lun & 0xffffULL) << 48) | ((lun & 0xffff0000ULL) << 16) |
		      ((lun & 0xffff00000000ULL) >> 16) | ((lun & 0xffff000000000000ULL) >> 48);
	snprintf(b, n, "0x%016" PRIx64, hex);
}
static void pf_adapter(const struct row_src *r, char *b, size_t n)
{
	unsigned h;

	if (sscanf(r->p->hctl, "%u:", &h) == 1)
		snprintf(b, n, "host%u", h);
	else
		snprintf(b, n, "[undef]");
}

static const struct wildcard path_wildcards[] = {
	{ 'w', "uuid", pf_uuid }, { 'i', "hcil", pf_hcil }, { 'd', "dev", pf_dev },
	{ 'D', "dev_t", pf_devt }, { 't', "dm_st", pf_dm_st }, { 'o', "dev_st", pf_dev_st },
	{ 'T', "chk_st", pf_chk_st }, { 's', "vend/prod/rev", pf_vpr }, { 'c', "checker", pf_checker },
	{ 'C', "next_check", pf_next_check }, { 'p', "pri", pf_pri }, { 'S', "size", pf_size },
	{ 'z', "serial", pf_empty }, { 'M', "marginal_st", pf_marginal }, { 'm', "multipath", pf_map },
	{ 'N', "host WWNN", pf_undef }, { 'n', "target WWNN", pf_undef },
	{ 'R', "host WWPN", pf_undef }, { 'r', "target WWPN", pf_undef },
	{ 'a', "host adapter", pf_adapter }, { 'G', "foreign", pf_foreign },
	{ 'g', "vpd page data", pf_empty }, { '0', "failures", pf_failures },
	{ 'P', "protocol", pf_protocol }, { 'I', "init_st", pf_init }, { 'L', "LUN hex", pf_lunhex },
	{ 0 },
};

/* ---- map fields ---- */

static void mf_name(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "%s", r->m->name); }
static void mf_uuid(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "%s", r->m->wwid); }
static void mf_sysfs(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "%s", r->m->dm_name); }
static void mf_failback(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "-"); }
static void mf_queueing(const struct row_src *r, char *b, size_t n)
{
	if (r->m->queueing < 0)
		snprintf(b, n, "on");
	else if (r->m->queueing == 0)
		snprintf(b, n, "off");
	else
		snprintf(b, n, "%d chk", r->m->queueing);
}
static void mf_paths(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%zu", mp_topo_map_nr_paths(r->m));
}
static void mf_ro(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "%s", r->m->read_only ? "ro" : "rw"); }
static void mf_dm_st(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s", mp_topo_map_nr_active_paths(r->m) ? "active" : "undef");
}
static void mf_size(const struct row_src *r, char *b, size_t n) { mp_format_size(r->m->size_sectors, b, n); }
static void mf_features(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->m->features[0] ? r->m->features : "0");
}
static void mf_zero(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "0"); }
static void mf_hwh(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->m->hwhandler[0] ? r->m->hwhandler : "0");
}
static void mf_action(const struct row_src *r, char *b, size_t n) { b[0] = '\0'; }
static void mf_vpr(const struct row_src *r, char *b, size_t n)
{
	snprintf(b, n, "%s,%s", r->m->vendor, r->m->product);
}
static void mf_vend(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "%s", r->m->vendor); }
static void mf_prod(const struct row_src *r, char *b, size_t n) { snprintf(b, n, "%s", r->m->product); }
static void mf_empty_rev(const struct row_src *r, char *b, size_t n)
{
	/* a map has no revision of its own; multipathd shows its first path's */
	for (size_t g = 0; g < r->m->nr_groups; g++)
		if (r->m->groups[g].nr_paths) {
			snprintf(b, n, "%s", r->m->groups[g].paths[0].revision);
			return;
		}
	b[0] = '\0';
}

static const struct wildcard map_wildcards[] = {
	{ 'n', "name", mf_name }, { 'w', "uuid", mf_uuid }, { 'd', "sysfs", mf_sysfs },
	{ 'F', "failback", mf_failback }, { 'Q', "queueing", mf_queueing }, { 'N', "paths", mf_paths },
	{ 'r', "write_prot", mf_ro }, { 't', "dm-st", mf_dm_st }, { 'S', "size", mf_size },
	{ 'f', "features", mf_features }, { 'x', "failures", mf_zero }, { 'h', "hwhandler", mf_hwh },
	{ 'A', "action", mf_action }, { '0', "path_faults", mf_zero }, { '1', "switch_grp", mf_zero },
	{ '2', "map_loads", mf_zero }, { '3', "total_q_time", mf_zero }, { '4', "q_timeouts", mf_zero },
	{ 's', "vend/prod/rev", mf_vpr }, { 'v', "vend", mf_vend }, { 'p', "prod", mf_prod },
	{ 'e', "rev", mf_empty_rev }, { 'G', "foreign", pf_foreign }, { 'g', "vpd page data", pf_empty },
	{ 0 },
};

static const struct wildcard *wildcard_find(const struct wildcard *table, char c)
{
	for (; table->c; table++)
		if (table->c == c)
			return table;
	return NULL;
}

/* ---- rendering ---- */

/* Each "%x" of @fmt in order: its wildcard, or NULL when unknown. */
static size_t wildcards_of(const char *fmt, const struct wildcard *table, const struct wildcard **ret, size_t max)
{
	size_t n = 0;

	for (const char *s = fmt; *s; s++) {
		if (*s != '%' || !s[1])
			continue;
		s++;
		if (*s != '%' && n < max)
			ret[n++] = wildcard_find(table, *s);
	}
	return n;
}

/* One line: literal text copied, field k (or its header) padded to width[k] unless raw. */
static int render_line(struct strbuf *out, const char *fmt, const struct wildcard *table,
		       const struct row_src *src, const size_t *width)
{
	char field[FIELD_MAX];
	size_t k = 0, start = out->len;
	int r = 0;

	for (const char *s = fmt; *s && r >= 0; s++) {
		const struct wildcard *w;

		if (*s != '%' || !s[1]) {
			r = strbuf_append(out, s, 1);
			continue;
		}
		s++;
		if (*s == '%') {
			r = strbuf_puts(out, "%");
			continue;
		}
		w = wildcard_find(table, *s);
		if (!w)
			snprintf(field, sizeof(field), "%%%c", *s);
		else if (!src)
			snprintf(field, sizeof(field), "%s", w->header);
		else
			w->fn(src, field, sizeof(field));
		r = strbuf_printf(out, "%-*s", width ? (int)width[k] : 0, field);
		k++;
	}
	/* padding on the last column is noise */
	while (r >= 0 && out->len > start && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
	return r < 0 ? r : strbuf_puts(out, "\n");
}

static void widths_add(const char *fmt, const struct wildcard *table, const struct row_src *src,
		       size_t *width, size_t nr)
{
	const struct wildcard *w[64];
	size_t n = wildcards_of(fmt, table, w, 64);
	char field[FIELD_MAX];

	for (size_t k = 0; k < n && k < nr; k++) {
		if (!w[k])
			snprintf(field, sizeof(field), "%%?");
		else if (!src)
			snprintf(field, sizeof(field), "%s", w[k]->header);
		else
			w[k]->fn(src, field, sizeof(field));
		if (strlen(field) > width[k])
			width[k] = strlen(field);
	}
}

static int render(const char *fmt, const struct wildcard *table, const struct row_src *rows, size_t nr,
		  bool raw, struct strbuf *out)
{
	size_t width[64] = { 0 };
	int r = 0;

	if (!raw) {
		widths_add(fmt, table, NULL, width, 64);
		for (size_t i = 0; i < nr; i++)
			widths_add(fmt, table, &rows[i], width, 64);
		r = render_line(out, fmt, table, NULL, width);
	}
	for (size_t i = 0; r >= 0 && i < nr; i++)
		r = render_line(out, fmt, table, &rows[i], raw ? NULL : width);
	return r;
}

int mp_topology_format_paths(const struct mp_topology *t, const char *fmt, bool raw, struct strbuf *out)
{
	_cleanup_free_ struct row_src *rows = NULL;
	size_t n = t->nr_orphans, k = 0;

	for (size_t i = 0; i < t->nr_maps; i++)
		n += mp_topo_map_nr_paths(&t->maps[i]);
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < t->nr_maps; i++)
		for (size_t g = 0; g < t->maps[i].nr_groups; g++)
			for (size_t p = 0; p < t->maps[i].groups[g].nr_paths; p++)
				if (!mp_topo_map_path_repeated(&t->maps[i], g, p))
					rows[k++] = (struct row_src){ &t->maps[i].groups[g].paths[p], &t->maps[i] };
	for (size_t i = 0; i < t->nr_orphans; i++)
		rows[k++] = (struct row_src){ &t->orphans[i], NULL };
	return render(fmt, path_wildcards, rows, k, raw, out);
}

int mp_topology_format_maps(const struct mp_topology *t, const char *fmt, bool raw, struct strbuf *out)
{
	_cleanup_free_ struct row_src *rows = calloc(t->nr_maps ? t->nr_maps : 1, sizeof(*rows));

	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < t->nr_maps; i++)
		rows[i] = (struct row_src){ NULL, &t->maps[i] };
	return render(fmt, map_wildcards, rows, t->nr_maps, raw, out);
}
