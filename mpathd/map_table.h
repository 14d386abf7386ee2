/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A map's dm-multipath table: features and hardware handler from its settings, groups from its selector. */
#pragma once

#include <stdbool.h>

struct daemon;
struct mpmap;

/* The table @m's settings and selector ask for; 0 or -errno. */
int map_build_params(struct daemon *d, struct mpmap *m, char **ret);
/* Whether the kernel already has @params for @m (compared by meaning, not text). */
bool map_table_is_loaded(const struct mpmap *m, const char *params);
/* Record the loaded layout as topology groups, so snapshots can show it before any status. */
void map_groups_from_table(struct mpmap *m, const char *params);
