/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path priorities as multipath-tools 0.9.4 computes them: prioritizers, detect_prio, group_by_prio and the best group. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "prio.h"
#include "strbuf.h"
#include "util.h"

static const struct mp_prioritizer prioritizers[] = {
	{ "const", MP_PRIO_NEEDS_NOTHING, true },
	{ "sysfs", MP_PRIO_NEEDS_ACCESS_STATE, true },
	{ "alua", MP_PRIO_NEEDS_RTPG, true },
	{ "weightedpath", MP_PRIO_NEEDS_IDENTITY, true },
	{ "path_latency", MP_PRIO_NEEDS_LATENCY, true },
	{ "ana", MP_PRIO_NEEDS_DEVICE_IO, false },
	{ "datacore", MP_PRIO_NEEDS_DEVICE_IO, false },
	{ "emc", MP_PRIO_NEEDS_DEVICE_IO, false },
	{ "hds", MP_PRIO_NEEDS_DEVICE_IO, false },
	{ "hp_sw", MP_PRIO_NEEDS_DEVICE_IO, false },
	{ "iet", MP_PRIO_NEEDS_DEVICE_IO, false },
	{ "ontap", MP_PRIO_NEEDS_DEVICE_IO, false },
	{ "random", MP_PRIO_NEEDS_NOTHING, false },
	{ "rdac", MP_PRIO_NEEDS_DEVICE_IO, false },
};

const struct mp_prioritizer *mp_prioritizer_find(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(prioritizers); i++)
		if (streq(prioritizers[i].name, name))
			return &prioritizers[i];
	return NULL;
}

/* ---- weightedpath ---- */

/* The next word of @*s, blanks and tabs separating; NULL at the end. Modifies the string. */
static char *next_word(char **s)
{
	char *w;

	do {
		w = strsep(s, " \t");
	} while (w && !*w);
	return w;
}

static const char *or_unknown(const char *s)
{
	return s ? s : "[unknown]";
}

static int weighted_subject(const char *kind, const struct mp_path_identity *id, struct strbuf *sb)
{
	if (streq(kind, "hbtl"))
		return strbuf_printf(sb, "%d:%d:%d:%" PRIu64, id->host, id->channel, id->target,
				     id->lun);
	if (streq(kind, "devname"))
		return strbuf_puts(sb, id->devname ? id->devname : "");
	if (streq(kind, "serial"))
		return strbuf_puts(sb, id->serial ? id->serial : "");
	if (streq(kind, "wwn"))
		return strbuf_printf(sb, "%s:%s:%s:%s",
				     id->fc ? or_unknown(id->host_wwnn) : "[undef]",
				     id->fc ? or_unknown(id->host_wwpn) : "[undef]",
				     id->tgt_wwnn && *id->tgt_wwnn ? id->tgt_wwnn : "[undef]",
				     id->fc ? or_unknown(id->tgt_wwpn) : "[undef]");
	return -EINVAL;
}

static bool regex_matches(const char *pattern, const char *subject)
{
	regex_t re;
	bool match;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
		log_debug("weightedpath: skipping regex \"%s\" that does not compile", pattern);
		return false;
	}
	match = regexec(&re, subject, 0, NULL, 0) == 0;
	regfree(&re);
	return match;
}

int mp_prio_weightedpath(const char *args, const struct mp_path_identity *id)
{
	_cleanup_strbuf_ struct strbuf subject = STRBUF_INIT;
	_cleanup_free_ char *copy = NULL;
	char *s, *kind, *re, *weight;
	int r;

	if (!id)
		return -EINVAL;
	if (!args)
		return 0;
	copy = strdup(args);
	if (!copy)
		return -ENOMEM;
	s = copy;
	kind = next_word(&s);
	if (!kind)
		return 0;
	r = weighted_subject(kind, id, &subject);
	if (r == -EINVAL)
		log_warn("weightedpath: unknown kind \"%s\" in prio_args", kind);
	if (r < 0)
		return r == -EINVAL ? 0 : r;
	while ((re = next_word(&s)) && (weight = next_word(&s))) {
		if (!regex_matches(re, strbuf_str(&subject)))
			continue;
		/* atoi(), which glibc defines as (int)strtol(). */
		r = (int)strtol(weight, NULL, 10);
		return r < 0 ? -ERANGE : r;
	}
	return 0;
}

/* ---- path_latency ---- */

#define LATENCY_IO_NUM_MIN 20
#define LATENCY_IO_NUM_MAX 200
#define LATENCY_IO_NUM_DEFAULT 100
#define LATENCY_BASE_MIN 1.1
#define LATENCY_BASE_MAX 10.0
#define LATENCY_BASE_DEFAULT 1.77827941004
#define LATENCY_MAX_US 100000000.0
#define LATENCY_MIN_US 1.0

/* One "io_num=" or "base_num=" word; false for anything else. */
static bool latency_word(const char *w, struct mp_path_latency_args *a, bool *io, bool *base)
{
	char *end;

	if (!strncmp(w, "io_num=", 7) && w[7]) {
		a->io_num = (int)strtoul(w + 7, &end, 10);
		*io = true;
		return true;
	}
	if (!strncmp(w, "base_num=", 9) && w[9]) {
		a->base_num = strtod(w + 9, &end);
		*base = true;
		return true;
	}
	return false;
}

bool mp_path_latency_args_parse(const char *args, struct mp_path_latency_args *ret)
{
	struct mp_path_latency_args a = { 0, 0.0 };
	_cleanup_free_ char *copy = args ? strdup(args) : NULL;
	bool io = false, base = false, ok = copy != NULL;
	char *s = copy, *w;

	/* Exactly the first two words are read; a third is never looked at. */
	for (int i = 0; ok && i < 2; i++) {
		w = next_word(&s);
		ok = w && latency_word(w, &a, &io, &base);
	}
	ok = ok && io && base && a.io_num >= LATENCY_IO_NUM_MIN && a.io_num <= LATENCY_IO_NUM_MAX &&
	     a.base_num >= LATENCY_BASE_MIN && a.base_num <= LATENCY_BASE_MAX;
	if (!ok)
		a = (struct mp_path_latency_args) { LATENCY_IO_NUM_DEFAULT, LATENCY_BASE_DEFAULT };
	*ret = a;
	return ok;
}

int mp_prio_path_latency(const uint64_t *latency_us, size_t n, double base_num)
{
	double lg_base, lg_max, lg_min, sum = 0.0, avg;

	if (n == 0 || !latency_us || !(base_num > 1.0))
		return -EINVAL;
	/* The same operations in the same order as multipath-tools, so the integers agree. */
	lg_base = log(base_num);
	lg_max = log(LATENCY_MAX_US) / lg_base;
	lg_min = log(LATENCY_MIN_US) / lg_base;
	for (size_t i = 0; i < n; i++)
		if (latency_us[i] != 0)
			sum += log((double)latency_us[i]) / lg_base;
	avg = sum / (long long)n;
	if (avg > lg_max)
		return 0;
	if (avg <= lg_min)
		return (int)(lg_max - lg_min);
	if (avg >= lg_max)
		return 0;
	return (int)(lg_max - avg);
}

/* ---- running a prioritizer ---- */

static int prio_sysfs(const char *args, const struct mp_prio_input *in)
{
	if (!in->access_state)
		return -ENODATA;
	return mp_alua_prio(mp_alua_state_from_sysfs(in->access_state),
			    mp_alua_pref_from_sysfs(in->preferred_path),
			    mp_alua_exclusive_pref(args));
}

static int prio_alua(const char *args, const struct mp_prio_input *in)
{
	if (!in->alua)
		return -ENODATA;
	return mp_alua_prio(in->alua->state, in->alua->pref, mp_alua_exclusive_pref(args));
}

static int prio_path_latency(const char *args, const struct mp_prio_input *in)
{
	struct mp_path_latency_args a;

	mp_path_latency_args_parse(args, &a);
	if (!in->latency_us || in->nr_latency == 0)
		return -ENODATA;
	return mp_prio_path_latency(in->latency_us, in->nr_latency, a.base_num);
}

int mp_prio_compute(const char *name, const char *args, const struct mp_prio_input *in)
{
	const struct mp_prioritizer *p = mp_prioritizer_find(name);

	if (!in)
		return -EINVAL;
	if (!p)
		return -ENOENT;
	if (!p->implemented)
		return -EOPNOTSUPP;
	if (streq(p->name, "const"))
		return 1;
	if (streq(p->name, "sysfs"))
		return prio_sysfs(args, in);
	if (streq(p->name, "alua"))
		return prio_alua(args, in);
	if (streq(p->name, "weightedpath"))
		return in->identity ? mp_prio_weightedpath(args, in->identity) : -ENODATA;
	return prio_path_latency(args, in);
}

/* ---- choosing the prioritizer and the hardware handler ---- */

int mp_tpgs_resolve(const struct mp_tpgs_probe *probe)
{
	if (!probe->scsi)
		return MP_TPGS_NONE;
	if (probe->inquiry_tpgs < 0)
		return MP_TPGS_UNDEF;
	if ((probe->inquiry_tpgs & 0x3) == MP_TPGS_NONE)
		return MP_TPGS_NONE;
	if (!probe->path_usable)
		return MP_TPGS_UNDEF;
	switch (probe->probe) {
	case MP_ALUA_PROBE_OK:
		return probe->inquiry_tpgs & 0x3;
	case MP_ALUA_PROBE_VPD_FAILED:
		return MP_TPGS_UNDEF;
	default:
		return probe->path_down ? MP_TPGS_UNDEF : MP_TPGS_NONE;
	}
}

const char *mp_prio_detect(const struct mp_prio_detect *in)
{
	switch (in->bus) {
	case MP_PRIO_BUS_NVME:
		return in->nvme_ana ? "ana" : NULL;
	case MP_PRIO_BUS_SCSI:
		if (in->tpgs == MP_TPGS_NONE)
			return NULL;
		if ((in->tpgs == MP_TPGS_EXPLICIT || !in->rdac) && in->access_state)
			return "sysfs";
		return "alua";
	default:
		return NULL;
	}
}

void mp_prio_select(bool detect_prio, const struct mp_prio_detect *det, const char *conf_name,
		    const char *conf_args, struct mp_prio_choice *ret)
{
	const char *detected = detect_prio ? mp_prio_detect(det) : NULL;
	struct mp_prio_choice c;

	if (detected)
		c = (struct mp_prio_choice) { detected, "", MP_PRIO_ORIGIN_DETECTED };
	else if (conf_name)
		c = (struct mp_prio_choice) { conf_name, conf_args ? conf_args : "",
					      MP_PRIO_ORIGIN_CONFIG };
	else
		c = (struct mp_prio_choice) { "const", "", MP_PRIO_ORIGIN_CONFIG };
	if (streq(c.name, "alua") && det->tpgs == MP_TPGS_NONE)
		c = (struct mp_prio_choice) { "const", "", MP_PRIO_ORIGIN_ALUA_FALLBACK };
	*ret = c;
}

/* Every path has TPGS or is undetermined, and at least one has it for sure. */
static bool all_paths_tpgs(const int *tpgs, size_t n)
{
	bool all = true, one = false;

	for (size_t i = 0; i < n; i++) {
		all = all && tpgs[i] != MP_TPGS_NONE;
		one = one || (tpgs[i] != MP_TPGS_NONE && tpgs[i] != MP_TPGS_UNDEF);
	}
	return all && one;
}

static int copy_out(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s);

	if (n + 1 > len)
		return -ENOBUFS;
	memcpy(buf, s, n + 1);
	return (int)n;
}

/* "1 <handler>" for a path whose dh_state names an attached handler; false otherwise. */
static bool retained_handler(const char *dh_state, char *out, size_t len)
{
	size_t n = dh_state ? strlen(dh_state) : 0;

	while (n > 0 && isspace((unsigned char)dh_state[n - 1]))
		n--;
	if (n == 0 || (n == 8 && !strncmp(dh_state, "detached", 8)))
		return false;
	snprintf(out, len, "1 %.*s", (int)n, dh_state);
	return true;
}

int mp_hwhandler_select(const int *tpgs, const char *const *dh_state, size_t n, bool retain,
			const char *conf, char *buf, size_t len)
{
	bool all = all_paths_tpgs(tpgs, n);
	char retained[64];
	const char *h = NULL;

	for (size_t i = 0; retain && !h && i < n; i++)
		if (retained_handler(dh_state[i], retained, sizeof(retained)))
			h = retained;
	if (!h && !conf)
		return copy_out(all ? "1 alua" : "0", buf, len);
	if (!h)
		h = conf;
	return copy_out(!all && streq(h, "1 alua") ? "0" : h, buf, len);
}

/* ---- grouping ---- */

static bool paths_match(const struct mp_pg_path *a, const struct mp_pg_path *b,
			enum mp_pg_match match)
{
	switch (match) {
	case MP_PG_BY_TPG:
		return a->tpg == b->tpg;
	case MP_PG_EACH:
		return false;
	case MP_PG_ALL:
		return true;
	default:
		return a->prio == b->prio;
	}
}

/* group_by_match() over the paths @only selects (all when @only is NULL); returns the next group number. */
static unsigned group_matching(const struct mp_pg_path *paths, size_t n, enum mp_pg_match match,
			       const bool *only, unsigned next, unsigned *group, bool *done)
{
	for (size_t i = 0; i < n; i++) {
		if (done[i] || (only && !only[i]))
			continue;
		group[i] = next;
		done[i] = true;
		for (size_t j = i + 1; j < n; j++) {
			if (done[j] || (only && !only[j]) || !paths_match(&paths[i], &paths[j], match))
				continue;
			group[j] = next;
			done[j] = true;
		}
		next++;
	}
	return next;
}

struct mp_pg_priority mp_pg_priority(const struct mp_pg_path *paths, size_t n,
				     const unsigned *groups, unsigned group)
{
	struct mp_pg_priority p = {};
	long sum = 0;
	size_t members = 0, marginal = 0;

	for (size_t i = 0; i < n; i++) {
		if (groups[i] != group)
			continue;
		members++;
		marginal += paths[i].marginal;
		if (paths[i].enabled) {
			sum += paths[i].prio;
			p.enabled++;
		}
	}
	p.prio = p.enabled ? (int)(sum / (long)p.enabled) : 0;
	p.marginal = marginal && marginal == members;
	return p;
}

/* @a stays before @b in sort_pathgroups(): less marginal, higher priority, or more (or as many) enabled paths. */
static bool group_stays_before(const struct mp_pg_priority *a, const struct mp_pg_priority *b)
{
	if (a->marginal != b->marginal)
		return a->marginal < b->marginal;
	if (a->prio != b->prio)
		return a->prio > b->prio;
	return a->enabled >= b->enabled;
}

/* sort_pathgroups(): an insertion sort, so equal groups keep their order. @order[k] is the old number of new group k. */
static void groups_sort(const struct mp_pg_priority *prio, unsigned *order, unsigned nr)
{
	for (unsigned i = 0; i < nr; i++) {
		unsigned moving = order[i], j = i;

		while (j > 0 && !group_stays_before(&prio[order[j - 1]], &prio[moving])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = moving;
	}
}

/* Form the groups in path order, normal paths before marginal ones when they must not mix. */
static unsigned groups_form(const struct mp_pg_path *paths, size_t n, enum mp_pg_match match,
			    bool split_marginal, unsigned *group, bool *done, bool *sel)
{
	unsigned nr;

	if (!split_marginal)
		return group_matching(paths, n, match, NULL, 0, group, done);
	for (size_t i = 0; i < n; i++)
		sel[i] = !paths[i].marginal;
	nr = group_matching(paths, n, match, sel, 0, group, done);
	for (size_t i = 0; i < n; i++)
		sel[i] = paths[i].marginal;
	return group_matching(paths, n, match, sel, nr, group, done);
}

static bool has_marginal_and_normal(const struct mp_pg_path *paths, size_t n)
{
	bool marginal = false, normal = false;

	for (size_t i = 0; i < n; i++) {
		marginal = marginal || paths[i].marginal;
		normal = normal || !paths[i].marginal;
	}
	return marginal && normal;
}

int mp_pg_group(const struct mp_pg_path *paths, size_t n, enum mp_pg_match match,
		bool marginal_pathgroups, unsigned *ret_group)
{
	_cleanup_free_ unsigned *group = calloc(n + 1, sizeof(*group));
	_cleanup_free_ unsigned *order = calloc(n + 1, sizeof(*order));
	_cleanup_free_ unsigned *rank = calloc(n + 1, sizeof(*rank));
	_cleanup_free_ struct mp_pg_priority *prio = calloc(n + 1, sizeof(*prio));
	_cleanup_free_ bool *flags = calloc(2 * n + 1, sizeof(*flags));
	unsigned nr;

	if ((!paths && n) || !ret_group)
		return -EINVAL;
	if (!group || !order || !rank || !prio || !flags)
		return -ENOMEM;
	nr = groups_form(paths, n, match, marginal_pathgroups && has_marginal_and_normal(paths, n),
			 group, flags, flags + n);
	for (unsigned g = 0; g < nr; g++) {
		prio[g] = mp_pg_priority(paths, n, group, g);
		order[g] = g;
	}
	groups_sort(prio, order, nr);
	for (unsigned k = 0; k < nr; k++)
		rank[order[k]] = k;
	for (size_t i = 0; i < n; i++)
		ret_group[i] = rank[group[i]];
	return (int)nr;
}

unsigned mp_pg_best(const struct mp_pg_path *paths, size_t n, const unsigned *groups,
		    size_t nr_groups)
{
	bool normal_seen = false;
	unsigned best = 1, max_enabled = 1;
	int max_prio = 0;

	for (unsigned g = 0; g < nr_groups; g++) {
		struct mp_pg_priority p = mp_pg_priority(paths, n, groups, g);

		if ((p.marginal && normal_seen) || p.enabled == 0)
			continue;
		if (!p.marginal && !normal_seen) {
			normal_seen = true;
		} else if (p.prio < max_prio || (p.prio == max_prio && p.enabled <= max_enabled)) {
			continue;
		}
		max_prio = p.prio;
		max_enabled = p.enabled;
		best = g + 1;
	}
	return best;
}
