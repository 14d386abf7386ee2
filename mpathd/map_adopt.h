/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Taking over the maps in the kernel at start-up: matched by table, never removed unless ours. */
#pragma once

struct daemon;

/*
 * maps_adopt_existing() - before enumeration: every multipath map and mpathd stack in the
 * kernel becomes a map of the model (keeping its name and UUID), devices left without a
 * table by an interrupted create are removed, and every dm name is remembered so no new map
 * is given one. Reads tables, never statuses. 0 or -errno.
 */
int maps_adopt_existing(struct daemon *d);

/*
 * maps_adopt_paths() - after enumeration: each adopted map takes the paths its tables hold
 * (and their WWID, where its UUID says otherwise); one with none is left unmanaged.
 */
void maps_adopt_paths(struct daemon *d);
