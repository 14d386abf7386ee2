/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The topology snapshot: deep-copied from the loop's state and published to readers through liburcu. */
#include <errno.h>
#include <libudev.h>	/* daemon.h names struct udev_device without declaring it */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>	/* the "memb" flavour: every thread that reads or calls call_rcu() registers */

#include "daemon.h"
#include "log.h"
#include "util.h"

/* Readers (IPC client threads) reach it only through snapshot_acquire(). */
static struct mp_topology *published;

/* The loop thread registers lazily: call_rcu() and rcu_read_lock() need a registered thread. */
static __thread bool rcu_thread_registered;

/* The rcu_head cannot live in struct mp_topology (a library type), so it travels in a wrapper. */
struct retired_topology {
	struct rcu_head rcu;
	struct mp_topology *topology;
};

static void retired_topology_free(struct rcu_head *head)
{
	struct retired_topology *r = caa_container_of(head, struct retired_topology, rcu);

	mp_topology_free(r->topology);
	free(r);
}

static void loop_thread_register(void)
{
	if (rcu_thread_registered)
		return;
	rcu_register_thread();
	rcu_thread_registered = true;
}

/* Copy @n words of @s starting at *@pos (space separated) into @buf; advances *@pos. */
static void words_copy(const char **pos, unsigned long n, char *buf, size_t len)
{
	const char *s = *pos;
	size_t out = strlen(buf);

	for (unsigned long i = 0; i < n && *s; i++) {
		size_t w;

		s += strspn(s, " \t");
		w = strcspn(s, " \t");
		if (w == 0 || out + 1 >= len)
			break;
		out += snprintf(buf + out, len - out, " %.*s", (int)w, s);
		s += w;
	}
	*pos = s;
}

/*
 * The table starts "<#features> [features...] <#hwh args> [hwh args...]": keep
 * those words as the kernel prints them, e.g. "1 queue_if_no_path" and "1 alua".
 */
static void params_features(const char *params, char *features, size_t flen, char *hwh, size_t hlen)
{
	const char *s = params;
	char *end;
	unsigned long n;

	snprintf(features, flen, "0");
	snprintf(hwh, hlen, "0");
	if (!s)
		return;
	n = strtoul(s, &end, 10);
	if (end == s)
		return;
	snprintf(features, flen, "%lu", n);
	s = end;
	words_copy(&s, n, features, flen);
	n = strtoul(s, &end, 10);
	if (end == s)
		return;
	snprintf(hwh, hlen, "%lu", n);
	s = end;
	words_copy(&s, n, hwh, hlen);
}

/* As struct mp_topo_map.queueing: -1 queue forever, 0 off, N intervals left (or configured). */
static int map_queueing(const struct mpmap *m, const char *features)
{
	const struct mp_setting *npr = &m->settings.key[MP_KEY_NO_PATH_RETRY];

	if (m->queueing_disabled)
		return 0;
	if (m->retries_left >= 0)
		return m->retries_left;
	if (npr->set && npr->num > 0)
		return npr->num > INT_MAX ? INT_MAX : (int)npr->num;
	if (npr->set)
		return npr->num == MP_NO_PATH_RETRY_QUEUE ? -1 : 0;
	return strstr(features, "queue_if_no_path") ? -1 : 0;
}

/* The map code records only dev_t in its groups; the live path carries the rest. */
static int group_copy(struct daemon *d, const struct mp_topo_group *src, struct mp_topo_group *dst)
{
	*dst = *src;
	dst->paths = NULL;
	dst->nr_paths = 0;
	if (src->nr_paths == 0)
		return 0;
	dst->paths = calloc(src->nr_paths, sizeof(*dst->paths));
	if (!dst->paths)
		return -ENOMEM;
	for (size_t i = 0; i < src->nr_paths; i++) {
		const struct mp_topo_path *tp = &src->paths[i];
		struct path *p = daemon_find_path(d, tp->dev[0] ? tp->dev : tp->devt);

		dst->paths[i] = p ? p->info : *tp;
	}
	dst->nr_paths = src->nr_paths;
	return 0;
}

static int map_copy(struct daemon *d, const struct mpmap *m, struct mp_topo_map *tm)
{
	const char *plugin = m->settings.key[MP_KEY_SELECTOR].text;

	snprintf(tm->name, sizeof(tm->name), "%s", m->name);
	snprintf(tm->wwid, sizeof(tm->wwid), "%s", m->wwid);
	snprintf(tm->dm_name, sizeof(tm->dm_name), "%s", m->dm_name);
	if (m->nr_paths > 0) {
		snprintf(tm->vendor, sizeof(tm->vendor), "%s", m->paths[0]->info.vendor);
		snprintf(tm->product, sizeof(tm->product), "%s", m->paths[0]->info.product);
	}
	tm->size_sectors = m->size_sectors;
	params_features(m->loaded_params, tm->features, sizeof(tm->features),
			tm->hwhandler, sizeof(tm->hwhandler));
	snprintf(tm->selector_plugin, sizeof(tm->selector_plugin), "%s", plugin ? plugin : "");
	tm->queueing = map_queueing(m, tm->features);
	if (m->nr_groups == 0)
		return 0;
	tm->groups = calloc(m->nr_groups, sizeof(*tm->groups));
	if (!tm->groups)
		return -ENOMEM;
	/* nr_groups counts only fully copied groups, so mp_topology_free() frees exactly those */
	for (size_t g = 0; g < m->nr_groups; g++) {
		int r = group_copy(d, &m->groups[g], &tm->groups[g]);

		if (r < 0)
			return r;
		tm->nr_groups++;
	}
	return 0;
}

static int orphans_copy(struct daemon *d, struct mp_topology *t)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nr_paths; i++)
		n += !d->paths[i]->map;
	if (n == 0)
		return 0;
	t->orphans = calloc(n, sizeof(*t->orphans));
	if (!t->orphans)
		return -ENOMEM;
	for (size_t i = 0; i < d->nr_paths; i++)
		if (!d->paths[i]->map)
			t->orphans[t->nr_orphans++] = d->paths[i]->info;
	return 0;
}

static int topology_build(struct daemon *d, struct mp_topology **ret)
{
	_cleanup_(mp_topology_freep) struct mp_topology *t = NULL;
	int r;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (d->nr_maps > 0) {
		t->maps = calloc(d->nr_maps, sizeof(*t->maps));
		if (!t->maps)
			return -ENOMEM;
	}
	for (size_t i = 0; i < d->nr_maps; i++) {
		/* counted before the copy so a half-copied map's groups are freed too */
		t->nr_maps++;
		r = map_copy(d, d->maps[i], &t->maps[i]);
		if (r < 0)
			return r;
	}
	r = orphans_copy(d, t);
	if (r < 0)
		return r;
	t->created_usec = now_usec();
	*ret = TAKE_PTR(t);
	return 0;
}

int daemon_publish_now(struct daemon *d)
{
	_cleanup_(mp_topology_freep) struct mp_topology *t = NULL;
	_cleanup_free_ struct retired_topology *retired = NULL;
	struct mp_topology *fresh, *old;
	int r;

	loop_thread_register();
	r = topology_build(d, &t);
	if (r < 0)
		return log_err_errno(r, "Failed to build the topology snapshot");
	/* allocated before the exchange, so nothing can fail once readers see the new one */
	retired = calloc(1, sizeof(*retired));
	if (!retired)
		return log_err_errno(-ENOMEM, "Failed to publish the topology snapshot");
	t->generation = ++d->generation;
	fresh = TAKE_PTR(t);
	old = rcu_xchg_pointer(&published, fresh);
	if (old) {
		retired->topology = old;
		call_rcu(&TAKE_PTR(retired)->rcu, retired_topology_free);
	}
	log_debug("published topology generation %llu", (unsigned long long)d->generation);
	return 0;
}

static int on_publish(sd_event_source *s, void *userdata)
{
	daemon_publish_now(userdata);
	return 0;
}

void daemon_publish_later(struct daemon *d)
{
	int r;

	if (!d->event) {	/* before the loop exists (start-up, tests) */
		daemon_publish_now(d);
		return;
	}
	/* A defer source is one-shot by default: many changes in one loop iteration publish once. */
	if (d->publish_source) {
		r = sd_event_source_set_enabled(d->publish_source, SD_EVENT_ONESHOT);
		if (r >= 0)
			return;
		log_warn_errno(r, "Failed to re-arm the snapshot publication");
		d->publish_source = sd_event_source_disable_unref(d->publish_source);
	}
	r = sd_event_add_defer(d->event, &d->publish_source, on_publish, d);
	if (r >= 0) {
		(void)sd_event_source_set_description(d->publish_source, "publish-snapshot");
		return;
	}
	log_warn_errno(r, "Failed to defer the snapshot publication, publishing now");
	daemon_publish_now(d);
}

struct mp_topology *snapshot_acquire(void)
{
	return rcu_dereference(published);
}

void snapshot_shutdown(void)
{
	struct mp_topology *old;

	loop_thread_register();
	old = rcu_xchg_pointer(&published, NULL);
	synchronize_rcu();
	mp_topology_free(old);
	/* run the call_rcu() frees still pending, so nothing is left for leak checkers */
	rcu_barrier();
	rcu_unregister_thread();
	rcu_thread_registered = false;
}
