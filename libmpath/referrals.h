/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SBC-3 referrals: REPORT REFERRALS data and VPD page 0xB3, and which target port group owns an LBA. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "alua.h"

#define MP_VPD_REFERRALS 0xb3

/** struct mp_referral_tpg - one target port group of a user data segment, and its state. */
struct mp_referral_tpg {
	uint16_t tpg_id;
	uint8_t state;
};

/**
 * struct mp_referral_segment - a user data segment referral descriptor.
 * @first_lba, @last_lba: the segment, inclusive.
 * @n_tpgs: entries in @tpgs.
 * @tpgs: points into the owning map's storage.
 */
struct mp_referral_segment {
	uint64_t first_lba;
	uint64_t last_lba;
	size_t n_tpgs;
	struct mp_referral_tpg *tpgs;
};

/**
 * struct mp_referral_map - the parsed REPORT REFERRALS data.
 * @n_segments: entries in @segments, in the order the device sent them.
 * @segments: the segments.
 * @segment_size, @segment_multiplier: from VPD page 0xB3, set by the caller after parsing
 *	(0 by default). With a non-zero multiplier the descriptors describe one period of
 *	segment_size * segment_multiplier blocks that repeats over the LU, as LIO implements it.
 */
struct mp_referral_map {
	size_t n_segments;
	struct mp_referral_segment *segments;
	uint32_t segment_size;
	uint32_t segment_multiplier;
};

/** struct mp_referrals_vpd - the Referrals VPD page (0xB3). */
struct mp_referrals_vpd {
	uint32_t segment_size;
	uint32_t segment_multiplier;
};

/**
 * mp_referrals_data_len() - the full length of REPORT REFERRALS data from its 4-byte header.
 *
 * Return: 4 + the length the device reports, or 0 when @len < 4. When it exceeds the
 * allocation length used, issue the command again with a bigger buffer.
 */
size_t mp_referrals_data_len(const uint8_t *buf, size_t len);

/**
 * mp_referrals_parse() - parse REPORT REFERRALS parameter data (SBC-3 5.23).
 * @buf: the data: a 4-byte length header, then descriptors of 20 bytes (3 reserved,
 *	number of TPG descriptors, first LBA, last LBA) each followed by 4-byte TPG
 *	descriptors (state in the low nibble of byte 0, TPG id in bytes 2..3).
 * @len: bytes received.
 * @ret: written only on success; free with mp_referral_map_free().
 *
 * Return: 0; -EMSGSIZE if the header claims more than @len (re-issue with a bigger
 * allocation length); -EBADMSG for a truncated descriptor or last LBA < first LBA; -ENOMEM.
 */
int mp_referrals_parse(const uint8_t *buf, size_t len, struct mp_referral_map **ret);

/** mp_referral_map_free() - free @map; accepts NULL and returns NULL. */
struct mp_referral_map *mp_referral_map_free(struct mp_referral_map *map);

/**
 * mp_referral_map_find() - the segment holding @lba (see @segment_multiplier above).
 *
 * Return: the segment (owned by @map), or NULL.
 */
const struct mp_referral_segment *mp_referral_map_find(const struct mp_referral_map *map,
						       uint64_t lba);

/**
 * mp_referral_map_owner() - the target port group that owns @lba: the first one
 * in its segment that is active/optimized.
 *
 * Return: the TPG id; -ENOENT if no segment holds @lba; -ENODATA if none is optimized.
 */
int mp_referral_map_owner(const struct mp_referral_map *map, uint64_t lba);

/**
 * mp_referral_map_state() - the state of TPG @tpg_id for @lba.
 *
 * Return: an enum mp_alua_state value; -ENOENT if no segment holds @lba or @tpg_id
 * is not listed in it.
 */
int mp_referral_map_state(const struct mp_referral_map *map, uint64_t lba, uint16_t tpg_id);

/**
 * mp_referrals_vpd_parse() - parse VPD page 0xB3 (SBC-3): segment size in bytes 8..11,
 * multiplier in bytes 12..15.
 *
 * Return: 0; -EBADMSG if not page 0xB3 or shorter than 16 bytes.
 */
int mp_referrals_vpd_parse(const uint8_t *page, size_t len, struct mp_referrals_vpd *ret);
