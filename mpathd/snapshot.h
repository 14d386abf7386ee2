/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The snapshot readers see: topology and texts published through RCU, built only on the loop. */
#pragma once

#include <stddef.h>

struct daemon;
struct mp_topology;
struct shared_text;
struct plugin_verb_info;

/** struct snapshot - what readers see: the topology and texts that only change on the loop. */
struct snapshot {
	struct mp_topology *topology;
	struct shared_text *config;		/* the effective config, printed */
	struct shared_text **map_settings;	/* per topology->maps entry; NULL when not resolved yet */
	struct shared_text **map_regions;	/* per topology->maps entry; NULL unless a switch */
	struct plugin_verb_info *verbs;	/* the loaded selector plugins' verbs */
	size_t nr_verbs;
};
void daemon_publish_later(struct daemon *d);
int daemon_publish_now(struct daemon *d);
const struct snapshot *snapshot_acquire(void);	/* caller holds rcu_read_lock; NULL before the first */
void snapshot_shutdown(void);
