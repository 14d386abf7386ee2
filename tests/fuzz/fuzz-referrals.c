/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target for REPORT REFERRALS data and the owner lookups made on the parsed map. */
#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "log.h"
#include "referrals.h"

/*
 * Input: 8 bytes of segment size and multiplier (big-endian, as VPD page 0xB3 carries them at
 * bytes 8..15), then REPORT REFERRALS parameter data as the device returns it.
 */

#define REFERRAL_DESC_LEN 20
#define REFERRAL_TPG_LEN 4
/* Lookups probe around the first segments only, so one input stays fast. */
#define PROBED_SEGMENTS 16

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* Every segment and TPG descriptor is as sent, and together they fill the data exactly. */
static void check_map(const struct mp_referral_map *map, const uint8_t *buf, size_t end)
{
	size_t off = 4;

	for (size_t s = 0; s < map->n_segments; s++) {
		const struct mp_referral_segment *seg = &map->segments[s];

		fuzz_assert(off + REFERRAL_DESC_LEN <= end);
		fuzz_assert(seg->n_tpgs == buf[off + 3]);
		fuzz_assert(seg->first_lba == get_be64(buf + off + 4));
		fuzz_assert(seg->last_lba == get_be64(buf + off + 12));
		fuzz_assert(seg->first_lba <= seg->last_lba);
		off += REFERRAL_DESC_LEN;
		for (size_t t = 0; t < seg->n_tpgs; t++, off += REFERRAL_TPG_LEN) {
			fuzz_assert(seg->tpgs[t].state == (buf[off] & 0x0f));
			fuzz_assert(seg->tpgs[t].tpg_id == (buf[off + 2] << 8 | buf[off + 3]));
		}
	}
	fuzz_assert(off == end);
}

/* Whether @seg holds @lba, by the rule in referrals.h (one repeating period with a multiplier). */
static bool segment_holds(const struct mp_referral_map *map, const struct mp_referral_segment *seg,
			  uint64_t lba)
{
	uint64_t period = (uint64_t)map->segment_size * map->segment_multiplier, offset;

	if (period == 0)
		return lba >= seg->first_lba && lba <= seg->last_lba;
	offset = lba % period;
	return offset >= seg->first_lba && offset - seg->first_lba < map->segment_size;
}

/* The first TPG of @seg listed as @state; a device may list one TPG twice. */
static const struct mp_referral_tpg *first_tpg(const struct mp_referral_segment *seg, int id, int state)
{
	for (size_t t = 0; t < seg->n_tpgs; t++)
		if ((id < 0 || seg->tpgs[t].tpg_id == id) && (state < 0 || seg->tpgs[t].state == state))
			return &seg->tpgs[t];
	return NULL;
}

/* find() gives the first segment holding @lba; owner() and state() answer from that segment. */
static void check_lookup(const struct mp_referral_map *map, uint64_t lba)
{
	const struct mp_referral_segment *want = NULL, *seg = mp_referral_map_find(map, lba);
	const struct mp_referral_tpg *optimized;
	int owner = mp_referral_map_owner(map, lba);

	for (size_t s = 0; s < map->n_segments && !want; s++)
		if (segment_holds(map, &map->segments[s], lba))
			want = &map->segments[s];
	fuzz_assert(seg == want);
	if (!seg) {
		fuzz_assert(owner == -ENOENT && mp_referral_map_state(map, lba, 0) == -ENOENT);
		return;
	}
	optimized = first_tpg(seg, -1, MP_ALUA_ACTIVE_OPTIMIZED);
	fuzz_assert(optimized ? owner == optimized->tpg_id : owner == -ENODATA);
	for (size_t t = 0; t < seg->n_tpgs; t++) {
		int state = mp_referral_map_state(map, lba, seg->tpgs[t].tpg_id);

		fuzz_assert(state == first_tpg(seg, seg->tpgs[t].tpg_id, -1)->state);
		fuzz_assert(*mp_alua_state_name((uint8_t)state));
	}
}

static void check_lookups(const struct mp_referral_map *map)
{
	check_lookup(map, 0);
	check_lookup(map, UINT64_MAX);
	for (size_t s = 0; s < map->n_segments && s < PROBED_SEGMENTS; s++) {
		const struct mp_referral_segment *seg = &map->segments[s];

		check_lookup(map, seg->first_lba);
		check_lookup(map, seg->last_lba);
		check_lookup(map, seg->first_lba - 1);
		check_lookup(map, seg->last_lba + 1);
		check_lookup(map, seg->first_lba + map->segment_size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mp_referral_map *map = NULL;
	const uint8_t *buf = data + 8;
	size_t len = size - 8, want_len;
	int r;

	if (size < 8)
		return 0;
	mp_log_set_level(MP_LOG_ERR);
	want_len = len < 4 ? 0 : 4 + (size_t)get_be32(buf);
	fuzz_assert(mp_referrals_data_len(buf, len) == want_len);
	r = mp_referrals_parse(buf, len, &map);
	fuzz_assert(r == 0 || r == -EBADMSG || r == -EMSGSIZE);
	fuzz_assert((r == -EMSGSIZE) == (len >= 4 && want_len > len));
	if (r < 0) {
		fuzz_assert(!map);
		return 0;
	}
	check_map(map, buf, want_len);
	check_lookups(map);
	map->segment_size = get_be32(data);
	map->segment_multiplier = get_be32(data + 4);
	check_lookups(map);
	fuzz_assert(!mp_referral_map_free(map));
	return 0;
}
