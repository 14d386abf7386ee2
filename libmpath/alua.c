/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ALUA: REPORT TARGET PORT GROUPS data, the kernel's access_state attributes, and multipath-tools' alua priorities. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "alua.h"
#include "log.h"
#include "util.h"

#define RTPG_HDR_LEN 4
#define RTPG_EXT_HDR_LEN 8
#define RTPG_FORMAT_MASK 0x70
#define RTPG_FORMAT_EXTENDED 0x10
#define TPG_DESC_LEN 8
#define TPG_PORT_LEN 4
/* multipath-tools reads preferred_path into 16 bytes and ignores a value that fills them. */
#define PREF_READ_MAX 16

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t mp_rtpg_response_len(const uint8_t *buf, size_t len)
{
	if (!buf || len < RTPG_HDR_LEN)
		return 0;
	return RTPG_HDR_LEN + (size_t)get_be32(buf);
}

/* Count descriptors and port entries between @off and @end; -EBADMSG if one does not fit. */
static int rtpg_count(const uint8_t *buf, size_t off, size_t end, size_t *ret_groups,
		      size_t *ret_ports)
{
	size_t groups = 0, ports = 0;

	while (off < end) {
		size_t dlen;

		if (end - off < TPG_DESC_LEN)
			return -EBADMSG;
		dlen = TPG_DESC_LEN + TPG_PORT_LEN * (size_t)buf[off + 7];
		if (end - off < dlen)
			return -EBADMSG;
		ports += buf[off + 7];
		groups++;
		off += dlen;
	}
	*ret_groups = groups;
	*ret_ports = ports;
	return 0;
}

/* Fill @g from the descriptor at @d; its port ids go to @ports. */
static void rtpg_fill_group(struct mp_alua_group *g, const uint8_t *d, uint16_t *ports)
{
	*g = (struct mp_alua_group) {
		.pref = d[0] & 0x80,
		.state = d[0] & 0x0f,
		.supported = d[1],
		.id = get_be16(d + 2),
		.status = d[5],
		.vendor = d[6],
		.nr_ports = d[7],
		.ports = ports,
	};
	for (size_t i = 0; i < g->nr_ports; i++)
		ports[i] = get_be16(d + TPG_DESC_LEN + TPG_PORT_LEN * i + 2);
}

/* Where the descriptors start; -EBADMSG for a header format this parser does not know. */
static int rtpg_header(const uint8_t *buf, size_t end, bool extended_requested, struct mp_rtpg *r)
{
	uint8_t format;

	if (!extended_requested || end < RTPG_EXT_HDR_LEN)
		return RTPG_HDR_LEN;
	format = buf[4] & RTPG_FORMAT_MASK;
	if (format == 0)
		return RTPG_HDR_LEN;
	if (format != RTPG_FORMAT_EXTENDED)
		return -EBADMSG;
	r->extended = true;
	r->transition_time = buf[5];
	return RTPG_EXT_HDR_LEN;
}

int mp_rtpg_parse(const uint8_t *buf, size_t len, bool extended_requested, struct mp_rtpg *ret)
{
	_cleanup_free_ struct mp_alua_group *groups = NULL;
	_cleanup_free_ uint16_t *ports = NULL;
	struct mp_rtpg r = {};
	size_t end, nr_groups, nr_ports, off, p = 0;
	int start, e;

	if (!buf || len < RTPG_HDR_LEN)
		return -EBADMSG;
	end = mp_rtpg_response_len(buf, len);
	if (end > len)
		return -EMSGSIZE;
	start = rtpg_header(buf, end, extended_requested, &r);
	if (start < 0)
		return log_debug_errno(start, "RTPG: unknown header format 0x%02x", buf[4]);
	e = rtpg_count(buf, (size_t)start, end, &nr_groups, &nr_ports);
	if (e < 0)
		return log_debug_errno(e, "RTPG: a descriptor overruns the %zu bytes of data", end);
	groups = calloc(nr_groups ? nr_groups : 1, sizeof(*groups));
	ports = calloc(nr_ports ? nr_ports : 1, sizeof(*ports));
	if (!groups || !ports)
		return -ENOMEM;
	off = (size_t)start;
	for (size_t i = 0; i < nr_groups; i++) {
		rtpg_fill_group(&groups[i], buf + off, ports + p);
		p += groups[i].nr_ports;
		off += TPG_DESC_LEN + TPG_PORT_LEN * (size_t)groups[i].nr_ports;
	}
	r.nr_groups = nr_groups;
	r.groups = TAKE_PTR(groups);
	r.ports = TAKE_PTR(ports);
	*ret = r;
	return 0;
}

void mp_rtpg_release(struct mp_rtpg *rtpg)
{
	if (!rtpg)
		return;
	free(rtpg->groups);
	free(rtpg->ports);
	*rtpg = (struct mp_rtpg) {};
}

const struct mp_alua_group *mp_rtpg_find_group(const struct mp_rtpg *rtpg, uint16_t id)
{
	for (size_t i = 0; i < rtpg->nr_groups; i++)
		if (rtpg->groups[i].id == id)
			return &rtpg->groups[i];
	return NULL;
}

const struct mp_alua_group *mp_rtpg_find_port(const struct mp_rtpg *rtpg, uint16_t rel_port)
{
	for (size_t i = 0; i < rtpg->nr_groups; i++)
		for (size_t j = 0; j < rtpg->groups[i].nr_ports; j++)
			if (rtpg->groups[i].ports[j] == rel_port)
				return &rtpg->groups[i];
	return NULL;
}

static const struct {
	uint8_t state;
	const char *name;
} state_names[] = {
	{ MP_ALUA_ACTIVE_OPTIMIZED, "active/optimized" },
	{ MP_ALUA_ACTIVE_NON_OPTIMIZED, "active/non-optimized" },
	{ MP_ALUA_STANDBY, "standby" },
	{ MP_ALUA_UNAVAILABLE, "unavailable" },
	{ MP_ALUA_LBA_DEPENDENT, "lba-dependent" },
	{ MP_ALUA_OFFLINE, "offline" },
	{ MP_ALUA_TRANSITIONING, "transitioning" },
};

const char *mp_alua_state_name(uint8_t state)
{
	for (size_t i = 0; i < ARRAY_SIZE(state_names); i++)
		if (state_names[i].state == state)
			return state_names[i].name;
	return "reserved";
}

int mp_alua_state_from_sysfs(const char *text)
{
	if (!text)
		return -EINVAL;
	/* A prefix match, as multipath-tools does: the attribute ends with a newline. */
	for (size_t i = 0; i < ARRAY_SIZE(state_names); i++)
		if (!strncmp(text, state_names[i].name, strlen(state_names[i].name)))
			return state_names[i].state;
	return -EINVAL;
}

bool mp_alua_pref_from_sysfs(const char *text)
{
	unsigned long v;
	char *end;

	if (!text || strlen(text) >= PREF_READ_MAX)
		return false;
	v = strtoul(text, &end, 0);
	return end != text && v != ULONG_MAX && v != 0;
}

bool mp_alua_exclusive_pref(const char *prio_args)
{
	static const char word[] = "exclusive_pref_bit";
	const char *p = prio_args ? strstr(prio_args, word) : NULL;
	char after;

	if (!p)
		return false;
	after = p[sizeof(word) - 1];
	if (after != '\0' && after != ' ' && after != '\t')
		return false;
	return p == prio_args || p[-1] == ' ' || p[-1] == '\t';
}

int mp_alua_prio(int state, bool pref, bool exclusive_pref)
{
	int prio;

	switch (state) {
	case MP_ALUA_ACTIVE_OPTIMIZED:
		prio = 50;
		break;
	case MP_ALUA_ACTIVE_NON_OPTIMIZED:
		prio = 10;
		break;
	case MP_ALUA_LBA_DEPENDENT:
		prio = 5;
		break;
	case MP_ALUA_STANDBY:
		prio = 1;
		break;
	default:
		prio = 0;
		break;
	}
	if (pref && (state != MP_ALUA_ACTIVE_OPTIMIZED || exclusive_pref))
		prio += 80;
	return prio;
}
