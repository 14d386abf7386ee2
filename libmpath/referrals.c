/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SBC-3 referrals: REPORT REFERRALS data and VPD page 0xB3, and which target port group owns an LBA. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "referrals.h"
#include "util.h"

#define REFERRAL_DESC_LEN 20
#define REFERRAL_TPG_LEN 4

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

size_t mp_referrals_data_len(const uint8_t *buf, size_t len)
{
	if (!buf || len < 4)
		return 0;
	/*
	 * SBC-3 reserves bytes 0..1 and LIO writes a 16-bit length at 2..3; reading all
	 * four bytes, as sg_referrals does, covers both.
	 */
	return 4 + (size_t)get_be32(buf);
}

/* First pass: validate every descriptor and count segments and TPG entries. */
static int referrals_count(const uint8_t *buf, size_t end, size_t *ret_segs, size_t *ret_tpgs)
{
	size_t off = 4, segs = 0, tpgs = 0;

	while (off < end) {
		size_t n;

		if (off + REFERRAL_DESC_LEN > end)
			return -EBADMSG;
		n = buf[off + 3];
		if (off + REFERRAL_DESC_LEN + n * REFERRAL_TPG_LEN > end)
			return -EBADMSG;
		if (get_be64(buf + off + 12) < get_be64(buf + off + 4))
			return -EBADMSG;
		off += REFERRAL_DESC_LEN + n * REFERRAL_TPG_LEN;
		segs++;
		tpgs += n;
	}
	*ret_segs = segs;
	*ret_tpgs = tpgs;
	return 0;
}

/* One allocation holds the map, its segments and all TPG entries, so one free() suffices. */
static struct mp_referral_map *referral_map_alloc(size_t segs, size_t tpgs)
{
	struct mp_referral_map *map;

	map = calloc(1, sizeof(*map) + segs * sizeof(map->segments[0]) +
			tpgs * sizeof(map->segments[0].tpgs[0]));
	if (!map)
		return NULL;
	map->n_segments = segs;
	map->segments = (struct mp_referral_segment *)(map + 1);
	return map;
}

static void referrals_fill(struct mp_referral_map *map, const uint8_t *buf)
{
	struct mp_referral_tpg *tpg = (struct mp_referral_tpg *)(map->segments + map->n_segments);
	size_t off = 4;

	for (size_t s = 0; s < map->n_segments; s++) {
		struct mp_referral_segment *seg = &map->segments[s];

		seg->n_tpgs = buf[off + 3];
		seg->first_lba = get_be64(buf + off + 4);
		seg->last_lba = get_be64(buf + off + 12);
		seg->tpgs = tpg;
		off += REFERRAL_DESC_LEN;
		for (size_t t = 0; t < seg->n_tpgs; t++, tpg++, off += REFERRAL_TPG_LEN) {
			tpg->state = buf[off] & 0x0f;
			tpg->tpg_id = (uint16_t)(buf[off + 2] << 8 | buf[off + 3]);
		}
	}
}

int mp_referrals_parse(const uint8_t *buf, size_t len, struct mp_referral_map **ret)
{
	struct mp_referral_map *map;
	size_t end, segs, tpgs;
	int r;

	if (!buf || len < 4)
		return -EBADMSG;
	if (get_be32(buf) > len - 4)
		return -EMSGSIZE;
	end = 4 + (size_t)get_be32(buf);
	r = referrals_count(buf, end, &segs, &tpgs);
	if (r < 0)
		return log_debug_errno(r, "REPORT REFERRALS: malformed descriptor");
	map = referral_map_alloc(segs, tpgs);
	if (!map)
		return -ENOMEM;
	referrals_fill(map, buf);
	*ret = map;
	return 0;
}

struct mp_referral_map *mp_referral_map_free(struct mp_referral_map *map)
{
	free(map);
	return NULL;
}

const struct mp_referral_segment *mp_referral_map_find(const struct mp_referral_map *map,
						       uint64_t lba)
{
	uint64_t period = (uint64_t)map->segment_size * map->segment_multiplier;

	for (size_t s = 0; s < map->n_segments; s++) {
		const struct mp_referral_segment *seg = &map->segments[s];

		if (period == 0) {
			if (lba >= seg->first_lba && lba <= seg->last_lba)
				return seg;
			continue;
		}
		/* LIO (core_alua_state_lba_dependent) folds the LBA into one period. */
		uint64_t offset = lba % period;

		if (offset >= seg->first_lba && offset - seg->first_lba < map->segment_size)
			return seg;
	}
	return NULL;
}

int mp_referral_map_owner(const struct mp_referral_map *map, uint64_t lba)
{
	const struct mp_referral_segment *seg = mp_referral_map_find(map, lba);

	if (!seg)
		return -ENOENT;
	for (size_t t = 0; t < seg->n_tpgs; t++)
		if (seg->tpgs[t].state == MP_ALUA_ACTIVE_OPTIMIZED)
			return seg->tpgs[t].tpg_id;
	return -ENODATA;
}

int mp_referral_map_state(const struct mp_referral_map *map, uint64_t lba, uint16_t tpg_id)
{
	const struct mp_referral_segment *seg = mp_referral_map_find(map, lba);

	if (!seg)
		return -ENOENT;
	for (size_t t = 0; t < seg->n_tpgs; t++)
		if (seg->tpgs[t].tpg_id == tpg_id)
			return seg->tpgs[t].state;
	return -ENOENT;
}

int mp_referrals_vpd_parse(const uint8_t *page, size_t len, struct mp_referrals_vpd *ret)
{
	if (!page || len < 16 || page[1] != MP_VPD_REFERRALS)
		return -EBADMSG;
	/* PAGE LENGTH is 0x000C; anything shorter cannot hold both fields. */
	if ((page[2] << 8 | page[3]) < 12)
		return -EBADMSG;
	*ret = (struct mp_referrals_vpd) {
		.segment_size = get_be32(page + 8),
		.segment_multiplier = get_be32(page + 12),
	};
	return 0;
}
