/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The snapshot: the topology deep-copied from the loop's state, shared config texts, published through liburcu. */
#include <errno.h>
#include <libudev.h>	/* daemon.h names struct udev_device without declaring it */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>	/* the "memb" flavour: every thread that reads or calls call_rcu() registers */

#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "map.h"
#include "path.h"
#include "map_policy.h"
#include "plugins.h"
#include "snapshot.h"
#include "util.h"

/* The published snapshot and its RCU bookkeeping. */
struct snapshot_node {
	struct rcu_head rcu;
	struct snapshot snap;
};

/* Readers (the IPC thread) reach it only through snapshot_acquire(). */
static struct snapshot_node *published;

/* The loop thread registers lazily: call_rcu() and rcu_read_lock() need a registered thread. */
static __thread bool rcu_thread_registered;

static struct snapshot_node *snapshot_node_free(struct snapshot_node *n)
{
	if (!n)
		return NULL;
	if (n->snap.map_settings && n->snap.topology)
		for (size_t i = 0; i < n->snap.topology->nr_maps; i++)
			shared_text_unref(n->snap.map_settings[i]);
	if (n->snap.map_regions && n->snap.topology)
		for (size_t i = 0; i < n->snap.topology->nr_maps; i++)
			shared_text_unref(n->snap.map_regions[i]);
	free(n->snap.map_settings);
	free(n->snap.map_regions);
	mp_topology_free(n->snap.topology);
	shared_text_unref(n->snap.config);
	plugin_verbs_free(n->snap.verbs, n->snap.nr_verbs);
	free(n);
	return NULL;
}

DEFINE_FREE_FUNC(struct snapshot_node, snapshot_node_free)

static void retired_snapshot_free(struct rcu_head *head)
{
	snapshot_node_free(caa_container_of(head, struct snapshot_node, rcu));
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
	int sum = 0, up = 0;

	for (size_t i = 0; i < src->nr_paths; i++) {
		const struct mp_topo_path *tp = &src->paths[i];
		struct path *p = daemon_find_path(d, tp->dev[0] ? tp->dev : tp->devt);

		dst->paths[i] = p ? p->info : *tp;
		/* the group's priority as multipath-tools shows it: the average of its working paths */
		if (p && (p->info.checker_state == MP_CHK_READY || p->info.checker_state == MP_CHK_GHOST)) {
			sum += p->info.priority;
			up++;
		}
	}
	dst->nr_paths = src->nr_paths;
	dst->priority = up ? sum / up : 0;
	return 0;
}

/* The groups of @m's multipath devices: the top one's, or for a stack every member's in order. */
static size_t map_nr_groups(const struct mpmap *m)
{
	size_t n = 0;

	for (size_t k = 0; k < m->nr_devs; k++)
		n += m->devs[k].type == MP_SEL_DEVICE_MULTIPATH ? m->devs[k].nr_groups : 0;
	return n;
}

/* A stack's lower devices and how many of the switch's regions each one holds. */
static int map_copy_stack(struct mpmap *m, const struct map_dev *top, struct mp_topo_map *tm)
{
	size_t group = 0;

	tm->region_size = top->region_size;
	tm->nr_regions = top->nr_regions;
	if (m->referrals.refreshed_usec)
		tm->referrals_age_usec = now_usec() - m->referrals.refreshed_usec;
	tm->members = calloc(m->nr_devs ? m->nr_devs : 1, sizeof(*tm->members));
	if (!tm->members)
		return -ENOMEM;
	for (size_t k = 0; k < m->nr_devs; k++) {
		const struct map_dev *dev = &m->devs[k];
		struct mp_topo_member *mb = &tm->members[tm->nr_members];

		if (dev == top || dev->type != MP_SEL_DEVICE_MULTIPATH)
			continue;
		snprintf(mb->name, sizeof(mb->name), "%s", dev->name);
		snprintf(mb->dm_name, sizeof(mb->dm_name), "%s", dev->dm_name);
		params_features(dev->params, mb->features, sizeof(mb->features), mb->hwhandler,
				sizeof(mb->hwhandler));
		mb->first_group = group;
		mb->nr_groups = dev->nr_groups;
		group += dev->nr_groups;
		/* lower device i of the switch is the i-th member device of the stack */
		for (size_t i = 0; i < top->nr_regions; i++)
			mb->nr_regions += top->regions[i] == tm->nr_members;
		tm->nr_members++;
	}
	return 0;
}

static int map_copy(struct daemon *d, struct mpmap *m, struct mp_topo_map *tm)
{
	const struct map_dev *top = map_top(m);
	size_t nr_groups = map_nr_groups(m);
	int r;

	snprintf(tm->name, sizeof(tm->name), "%s", m->name);
	snprintf(tm->wwid, sizeof(tm->wwid), "%s", m->wwid);
	snprintf(tm->dm_name, sizeof(tm->dm_name), "%s", top ? top->dm_name : "");
	if (m->nr_paths > 0) {
		snprintf(tm->vendor, sizeof(tm->vendor), "%s", m->paths[0]->info.vendor);
		snprintf(tm->product, sizeof(tm->product), "%s", m->paths[0]->info.product);
	}
	tm->size_sectors = m->size_sectors;
	params_features(top && top->type == MP_SEL_DEVICE_MULTIPATH ? top->params : NULL,
			tm->features, sizeof(tm->features), tm->hwhandler, sizeof(tm->hwhandler));
	snprintf(tm->selector_plugin, sizeof(tm->selector_plugin), "%s", map_policy_name(m));
	tm->queueing = map_queueing(m, tm->features);
	tm->unmanaged = m->unmanaged;
	snprintf(tm->target, sizeof(tm->target), "%s",
		 top && top->type == MP_SEL_DEVICE_SWITCH ? "switch" : "multipath");
	if (top && top->type == MP_SEL_DEVICE_SWITCH && (r = map_copy_stack(m, top, tm)) < 0)
		return r;
	if (nr_groups == 0)
		return 0;
	tm->groups = calloc(nr_groups, sizeof(*tm->groups));
	if (!tm->groups)
		return -ENOMEM;
	/* nr_groups counts only fully copied groups, so mp_topology_free() frees exactly those */
	for (size_t k = 0; k < m->nr_devs; k++) {
		const struct map_dev *dev = &m->devs[k];

		for (size_t g = 0; dev->type == MP_SEL_DEVICE_MULTIPATH && g < dev->nr_groups; g++) {
			r = group_copy(d, &dev->groups[g], &tm->groups[tm->nr_groups]);
			if (r < 0)
				return r;
			tm->nr_groups++;
		}
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

/* The texts are shared, not copied: they change only on reloads and when a map's settings do. */
static int snapshot_build(struct daemon *d, struct snapshot_node **ret)
{
	_cleanup_(snapshot_node_freep) struct snapshot_node *n = calloc(1, sizeof(*n));
	int r;

	if (!n)
		return -ENOMEM;
	r = topology_build(d, &n->snap.topology);
	if (r < 0)
		return r;
	if (d->nr_maps > 0) {
		n->snap.map_settings = calloc(d->nr_maps, sizeof(*n->snap.map_settings));
		n->snap.map_regions = calloc(d->nr_maps, sizeof(*n->snap.map_regions));
		if (!n->snap.map_settings || !n->snap.map_regions)
			return -ENOMEM;
	}
	for (size_t i = 0; i < d->nr_maps; i++) {
		n->snap.map_settings[i] = shared_text_ref(d->maps[i]->settings_text);
		n->snap.map_regions[i] = shared_text_ref(d->maps[i]->regions_text);
	}
	n->snap.config = shared_text_ref(d->config_text);
	r = plugins_verbs(&n->snap.verbs, &n->snap.nr_verbs);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(n);
	return 0;
}

int daemon_publish_now(struct daemon *d)
{
	struct snapshot_node *fresh = NULL, *old;
	int r;

	loop_thread_register();
	r = snapshot_build(d, &fresh);
	if (r < 0)
		return log_err_errno(r, "Failed to build the snapshot");
	fresh->snap.topology->generation = ++d->generation;
	old = rcu_xchg_pointer(&published, fresh);
	if (old)
		call_rcu(&old->rcu, retired_snapshot_free);
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

	/* before the loop exists (start-up, tests), or once it has finished (stop) */
	if (!d->event || sd_event_get_state(d->event) == SD_EVENT_FINISHED) {
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

const struct snapshot *snapshot_acquire(void)
{
	struct snapshot_node *n = rcu_dereference(published);

	return n ? &n->snap : NULL;
}

void snapshot_shutdown(void)
{
	struct snapshot_node *old;

	loop_thread_register();
	old = rcu_xchg_pointer(&published, NULL);
	synchronize_rcu();
	snapshot_node_free(old);
	/* run the call_rcu() frees still pending, so nothing is left for leak checkers */
	rcu_barrier();
	rcu_unregister_thread();
	rcu_thread_registered = false;
}
