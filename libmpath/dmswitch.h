/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dm-switch: the table line and compact set_region_mappings messages. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** Longest repeat cycle mp_switch_format_mappings() looks for. */
#define MP_SWITCH_MAX_CYCLE 32

/** struct mp_switch_path - one path (lower device) of a switch target. */
struct mp_switch_path {
	const char *dev;	/* "major:minor" or a device path */
	uint64_t offset;	/* sectors added when forwarding; usually 0 */
};

/**
 * mp_switch_table_format() - the parameters of a switch table:
 * "<num_paths> <region_size> 0 { <dev> <offset> }".
 * @region_size: sectors per region, 1..UINT32_MAX.
 * @paths: the paths, in path number order.
 * @nr_paths: how many (at least 1).
 * @ret: receives the text; caller frees.
 *
 * Return: 0, -EINVAL, or -ENOMEM.
 */
int mp_switch_table_format(uint64_t region_size, const struct mp_switch_path *paths, size_t nr_paths,
			   char **ret);

/**
 * mp_switch_format_mappings() - messages that make the kernel's region table equal @map.
 * @map: the wanted path number of each region.
 * @old: what the kernel holds now, to send only the differences; NULL to send all.
 * @nr_regions: the length of @map (and @old).
 * @max_len: the longest message allowed, "set_region_mappings" included.
 * @ret_messages: receives a NULL-terminated array of messages; free each and the array.
 *
 * Each message starts with an explicit "<index>:<path>"; later entries omit
 * the index when it is the previous one plus 1, and runs that repeat the
 * last n (1..MP_SWITCH_MAX_CYCLE) mappings become "R<n>,<m>" when shorter.
 * Numbers are hex without 0x. A repeat only refers to mappings in the same
 * message, so each message is correct on its own, whatever happened to the
 * others. Messages must be sent in order.
 *
 * Return: the number of messages (0 when nothing differs), -EINVAL when
 * @max_len cannot hold even one mapping, -ENOMEM.
 */
int mp_switch_format_mappings(const uint32_t *map, const uint32_t *old, size_t nr_regions,
			      size_t max_len, char ***ret_messages);

/**
 * mp_switch_apply_mappings() - apply a set_region_mappings message as dm-switch does.
 * @map: the region table to update.
 * @nr_regions: its length.
 * @nr_paths: path numbers must be below this.
 * @message: the message, "set_region_mappings" first.
 *
 * For tests and for keeping the daemon's copy of the table; the table is
 * left partly updated on error, like the kernel's.
 *
 * Return: 0, or -EINVAL for anything the kernel would reject.
 */
int mp_switch_apply_mappings(uint32_t *map, size_t nr_regions, uint32_t nr_paths, const char *message);
