/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path priorities as multipath-tools computes them (libmpath/prio.c): the inputs are read with
 * every checker test on a devio worker (sysfs attributes, and RTPG where the prioritizer or ALUA
 * detection needs it); the loop picks the prioritizer and runs it. A change of priority
 * regroups the map (its caller reloads it; an unchanged table loads nothing).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "path.h"
#include "path_prio.h"
#include "prio.h"
#include "scsi_cdb.h"
#include "sgio.h"
#include "util.h"

#define RTPG_LEN 4096

static void rtpg_read(const char *sg, int tpg, unsigned timeout_ms, struct prio_sample *s)
{
	_cleanup_close_ int fd = -1;
	uint8_t buf[RTPG_LEN];
	struct mp_sg_result res;
	struct mp_rtpg rtpg = { 0 };
	const struct mp_alua_group *g;
	struct mp_cdb cdb;
	char node[32];

	s->rtpg_tried = true;
	snprintf(node, sizeof(node), "/dev/%s", sg);
	fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || tpg < 0)
		return;
	mp_cdb_report_tpgs(&cdb, sizeof(buf), false);
	if (mp_sg_io(fd, cdb.bytes, cdb.len, buf, sizeof(buf), MP_SG_DIR_FROM_DEV, timeout_ms, &res) < 0 ||
	    mp_scsi_classify(&res, NULL) != MP_SCSI_OK)
		return;
	if (mp_rtpg_parse(buf, sizeof(buf) - (res.resid > 0 ? (size_t)res.resid : 0), false, &rtpg) < 0)
		return;
	g = mp_rtpg_find_group(&rtpg, (uint16_t)tpg);
	if (g) {
		s->group = *g;
		s->group.ports = NULL;	/* they live in rtpg, released below */
		s->group.nr_ports = 0;
		s->rtpg_ok = true;
	}
	mp_rtpg_release(&rtpg);
}

void prio_sample_read(const char *dev, const char *sg, int tpg, bool rtpg, unsigned timeout_ms,
		      struct prio_sample *ret)
{
	struct prio_sample s = { 0 };

	if (mp_path_read_alua(dev, &s.alua) < 0)
		s.alua.tpgs = -1;
	if (rtpg && sg && sg[0] && s.alua.tpgs > 0)
		rtpg_read(sg, tpg, timeout_ms, &s);
	*ret = s;
}

bool path_prio_wants_rtpg(const struct path *p)
{
	/* ALUA detection wants one answer; the alua prioritizer one per test */
	return streq(p->prio_name, "alua") || p->tpgs == MP_TPGS_UNDEF;
}

/* detect_alua(): TPGS counts only with a working RTPG; a definite answer is kept. */
static void path_tpgs_update(struct path *p, const struct prio_sample *s)
{
	struct mp_tpgs_probe probe = {
		.scsi = true,
		.inquiry_tpgs = s->alua.tpgs,
		.path_usable = !streq(p->info.dev_state, "offline"),
		.probe = s->rtpg_ok ? MP_ALUA_PROBE_OK : MP_ALUA_PROBE_FAILED,
		.path_down = !path_is_usable(p),
	};

	if (p->tpgs != MP_TPGS_UNDEF)
		return;
	if (s->alua.tpgs > 0 && !s->rtpg_tried)
		return;		/* not asked yet: the next sample will */
	p->tpgs = mp_tpgs_resolve(&probe);
}

bool path_prio_update(struct daemon *d, struct path *p, const struct prio_sample *s)
{
	struct mp_map_settings set;
	struct mp_prio_choice choice;
	struct mp_prio_detect det = { .bus = MP_PRIO_BUS_SCSI };
	const char *conf = NULL, *args = NULL;
	struct mp_prio_input in = {
		.alua = s->rtpg_ok ? &s->group : NULL,
		.access_state = s->alua.access_state[0] ? s->alua.access_state : NULL,
		.preferred_path = s->alua.preferred_path[0] ? s->alua.preferred_path : NULL,
	};
	int prio, was = p->info.priority;

	snprintf(p->dh_state, sizeof(p->dh_state), "%s", s->alua.dh_state);
	path_tpgs_update(p, s);
	if (path_settings_resolve(d->config, p, &set) < 0)
		return false;
	if (set.key[MP_KEY_PRIO].set) {
		conf = set.key[MP_KEY_PRIO].text;
		args = set.key[MP_KEY_PRIO_ARGS].set ? set.key[MP_KEY_PRIO_ARGS].text : NULL;
	}
	det.tpgs = p->tpgs;
	det.access_state = in.access_state != NULL;
	det.rdac = streq(p->dh_state, "rdac");
	mp_prio_select(set.key[MP_KEY_DETECT_PRIO].set && set.key[MP_KEY_DETECT_PRIO].num, &det, conf,
		       args, &choice);
	snprintf(p->prio_name, sizeof(p->prio_name), "%s", choice.name ? choice.name : "const");
	snprintf(p->info.prio_source, sizeof(p->info.prio_source), "%s%s", p->prio_name,
		 choice.origin == MP_PRIO_ORIGIN_DETECTED ? " (detected)" : "");
	prio = mp_prio_compute(p->prio_name, choice.args, &in);
	if (prio < 0) {
		/* multipath-tools keeps a priority it cannot read (a path down, RTPG failing) */
		if (prio != -ENODATA || path_is_usable(p))
			log_debug_errno(prio, "%s: prioritizer %s gave no priority; keeping %d", p->info.dev,
					p->prio_name, was);
		return false;
	}
	p->info.priority = prio;
	if (prio != was && p->prio_known)
		log_info("%s: priority %d -> %d (%s)", p->info.dev, was, prio, p->info.prio_source);
	p->prio_known = true;
	return prio != was;
}
