/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host checks: the settings an iSCSI host on one SAN subnet gets wrong (hostcheck_host.c) and
 * the MTU end to end (hostcheck_mtu.c). Each finding is one line with the command that fixes
 * it; a run with fixes applies them as runner children (no shell) and checks again. Here: a
 * run, its fixes, and the findings rendered for `mpath iscsi show check`. Nothing here waits.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostcheck.h"
#include "records.h"
#include "json.h"
#include "log.h"
#include "util.h"

#define FIX_TIMEOUT_USEC (10 * 1000000ULL)
#define FIX_PASSES 3			/* a fix can reveal the next finding (strict rp_filter hides the MTU) */

static void run_end(struct hostcheck *h);

void hostcheck_finding_add(struct hostcheck *h, const char *fix, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	if (h->n_found >= FINDINGS_MAX)
		return;
	f = &h->found[h->n_found++];
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
	snprintf(f->fix, sizeof(f->fix), "%s", fix ? fix : "");
}

static void fixes_run_next(struct hostcheck *h);
static void checks_begin(struct hostcheck *h);

static void fix_done(const struct run_result *res, void *userdata)
{
	struct hostcheck *h = userdata;

	if (res->status != 0)
		log_warn("iscsi: fix \"%s\" failed (%d): %.160s", h->fix_queue[h->fix_next - 1], res->status, res->err);
	else
		h->fixed++;
	fixes_run_next(h);
}

/* Run the next fix command, split at blanks (no shell: the words never contain any). */
static void fixes_run_next(struct hostcheck *h)
{
	char *argv[32], *save = NULL, buf[320];
	size_t n = 0;

	if (h->fix_next >= h->n_fix_queue) {
		/* this pass is applied: check again; on_pings_done fixes what is new, up to FIX_PASSES */
		checks_begin(h);
		return;
	}
	snprintf(buf, sizeof(buf), "%s", h->fix_queue[h->fix_next++]);
	for (char *w = strtok_r(buf, " ", &save); w && n + 1 < ARRAY_SIZE(argv); w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	log_notice("iscsi: applying fix: %s", h->fix_queue[h->fix_next - 1]);
	if (!n || runner_run(h->m->runner, argv, FIX_TIMEOUT_USEC, fix_done, h, NULL) < 0)
		fixes_run_next(h);
}

static void fix_queue_release(struct hostcheck *h)
{
	for (size_t i = 0; i < h->n_fix_queue; i++)
		free(h->fix_queue[i]);
	free(h->fix_queue);
	h->fix_queue = NULL;
	h->n_fix_queue = h->fix_next = 0;
}

/* Every command of every finding's fix ("a && b" is two commands), in order. */
static bool fixable(const struct hostcheck *h)
{
	for (size_t i = 0; i < h->n_found; i++)
		if (h->found[i].fix[0])
			return true;
	return false;
}

static void fixes_start(struct hostcheck *h)
{
	h->fix_pass++;
	fix_queue_release(h);
	h->fix_queue = calloc(FINDINGS_MAX * 4, sizeof(char *));
	for (size_t i = 0; h->fix_queue && i < h->n_found; i++) {
		const char *p = h->found[i].fix;

		while (*p && h->n_fix_queue < FINDINGS_MAX * 4) {
			const char *end = strstr(p, " && ");
			size_t len = end ? (size_t)(end - p) : strlen(p);
			bool dup = false;

			/* two findings of one NIC (one per member) have one fix */
			for (size_t k = 0; k < h->n_fix_queue; k++)
				dup |= strlen(h->fix_queue[k]) == len && strncmp(h->fix_queue[k], p, len) == 0;
			if (!dup)
				h->fix_queue[h->n_fix_queue++] = strndup(p, len);
			p += len + (end ? 4 : 0);
		}
	}
	hostcheck_pings_release(h);
	fixes_run_next(h);
}

static int on_pings_done(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hostcheck *h = userdata;

	hostcheck_mtu_verdicts(h);
	hostcheck_pings_release(h);
	if (h->fix && fixable(h) && h->fix_pass < FIX_PASSES) {
		fixes_start(h);
		return 0;
	}
	run_end(h);
	return 0;
}

/* The checks of one pass: what needs files first (off the loop), then the rest, then the pings. */
struct hb_read {
	struct mgr_blocking head;	/* first */
	char netdev[ISESS_NIC_MAX];
	char bound[sizeof(((struct hostcheck *)0)->hb_bound)];
};

static void hb_read_work(struct mgr_blocking *b)
{
	struct hb_read *j = (struct hb_read *)b;

	if (records_ifaces_bound_to(j->netdev, j->bound, sizeof(j->bound)) <= 0)
		j->bound[0] = '\0';
}

static void checks_run(struct hostcheck *h)
{
	h->n_found = 0;
	hostcheck_host_checks(h);
	hostcheck_pings_start(h);
	sd_event_source_set_time_relative(h->ping_timer, h->n_pings ? PING_WAIT_USEC : 0);
	sd_event_source_set_enabled(h->ping_timer, SD_EVENT_ONESHOT);
}

static void hb_read_done(void *owner, struct mgr_blocking *b)
{
	struct hostcheck *h = owner;

	memcpy(h->hb_bound, ((struct hb_read *)b)->bound, sizeof(h->hb_bound));
	checks_run(h);
}

static void hb_read_release(struct mgr_blocking *b)
{
	free(b);
}

static void checks_begin(struct hostcheck *h)
{
	const char *hb = h->m->cfg->heartbeat;
	struct hb_read *j;

	h->hb_bound[0] = '\0';
	j = hb ? calloc(1, sizeof(*j)) : NULL;
	if (j) {
		*j = (struct hb_read) { .head = { .work = hb_read_work, .done = hb_read_done,
						  .release = hb_read_release } };
		snprintf(j->netdev, sizeof(j->netdev), "%s", hb);
		if (mgr_blocking_run(h->m, h, &h->hb_job, &j->head) >= 0)
			return;
		free(j);
	}
	checks_run(h);		/* without the iface records: that finding is left out */
}

static void run_begin(struct hostcheck *h, uint64_t run, bool fix)
{
	h->run = run;
	h->fix = fix;
	h->fix_pass = 0;
	h->fixed = 0;
	checks_begin(h);
}

static void run_end(struct hostcheck *h)
{
	struct isess *m = h->m;
	struct finding *swap = h->result;

	h->result = h->found;
	h->n_result = h->n_found;
	h->found = swap;
	h->n_found = 0;
	h->finished_at = isess_now();
	m->check_done = h->run;
	log_info("iscsi: host check %llu: %zu finding%s%s", (unsigned long long)h->run, h->n_result,
		 h->n_result == 1 ? "" : "s", h->fixed ? " after fixes" : "");
	for (size_t i = 0; i < h->n_result; i++)
		log_notice("iscsi: check: %s%s%s", h->result[i].what, h->result[i].fix[0] ? "; fix: " : "",
			   h->result[i].fix);
	fix_queue_release(h);
	h->run = 0;
	mgr_publish_later(m);
	if (h->next_run) {
		uint64_t run = h->next_run;
		bool fix = h->next_fix;

		h->next_run = 0;
		h->next_fix = false;
		run_begin(h, run, fix);
	}
}

void hostcheck_start(struct isess *m, uint64_t run, bool fix)
{
	struct hostcheck *h = m->checks;

	if (!h)
		return;
	if (h->run) {
		/* one at a time: the newest request runs next, with fixes if any asked */
		h->next_run = run;
		h->next_fix |= fix;
		return;
	}
	run_begin(h, run, fix);
}

int hostcheck_new(struct isess *m, struct hostcheck **ret)
{
	struct hostcheck *h = calloc(1, sizeof(*h));
	int r;

	if (!h)
		return -ENOMEM;
	h->m = m;
	h->found = calloc(FINDINGS_MAX, sizeof(*h->found));
	h->result = calloc(FINDINGS_MAX, sizeof(*h->result));
	if (!h->found || !h->result) {
		hostcheck_free(h);
		return -ENOMEM;
	}
	r = sd_event_add_time_relative(m->event, &h->ping_timer, CLOCK_MONOTONIC, PING_WAIT_USEC, 1000,
				       on_pings_done, h);
	if (r >= 0)
		r = sd_event_source_set_enabled(h->ping_timer, SD_EVENT_OFF);
	if (r < 0) {
		hostcheck_free(h);
		return r;
	}
	*ret = h;
	return 0;
}

struct hostcheck *hostcheck_free(struct hostcheck *h)
{
	if (!h)
		return NULL;
	if (h->hb_job)
		h->hb_job->owner = NULL;
	hostcheck_pings_release(h);
	fix_queue_release(h);
	sd_event_source_disable_unref(h->ping_timer);
	free(h->found);
	free(h->result);
	free(h);
	return NULL;
}

/* ---- rendering ---- */

int hostcheck_render(const struct isess *m, bool json, struct strbuf *out)
{
	const struct hostcheck *h = m->checks;
	_cleanup_free_ char *text = NULL;
	struct mp_json j;
	int r;

	if (!h)
		return 0;
	if (!json) {
		if (!m->check_done)
			return strbuf_puts(out, "no host check has finished yet\n");
		strbuf_printf(out, "host check %llu: %zu finding%s%s\n", (unsigned long long)m->check_done, h->n_result,
			      h->n_result == 1 ? "" : "s", h->fixed ? " left after the fixes" : "");
		if (h->fixed)
			strbuf_printf(out, "%zu fix command%s applied\n", h->fixed, h->fixed == 1 ? "" : "s");
		for (size_t i = 0; i < h->n_result; i++)
			strbuf_printf(out, "%s; fix: %s\n", h->result[i].what,
				      h->result[i].fix[0] ? h->result[i].fix : "by hand");
		return 0;
	}
	mp_json_init(&j, true);
	mp_json_begin_object(&j);
	mp_json_kv_uint(&j, "run", m->check_done);
	mp_json_kv_uint(&j, "fixes_applied", h->fixed);
	mp_json_key(&j, "findings");
	mp_json_begin_array(&j);
	for (size_t i = 0; i < h->n_result; i++) {
		mp_json_begin_object(&j);
		mp_json_kv_string(&j, "finding", h->result[i].what);
		mp_json_key(&j, "fix");
		if (h->result[i].fix[0])
			mp_json_string(&j, h->result[i].fix);
		else
			mp_json_null(&j);
		mp_json_end_object(&j);
	}
	mp_json_end_array(&j);
	mp_json_end_object(&j);
	r = mp_json_finish(&j, &text);
	mp_json_release(&j);
	return r < 0 ? r : strbuf_puts(out, text);
}
