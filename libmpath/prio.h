/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path priorities as multipath-tools 0.9.4 computes them: prioritizers, detect_prio, group_by_prio and the best group. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alua.h"

/*
 * Every function here is pure: the caller gathers the inputs (INQUIRY, RTPG, sysfs
 * attributes, latency samples) however it likes, off the event loop where that
 * blocks. The facts come from multipath-tools 0.9.4: libmultipath/prioritizers/
 * (const.c, sysfs.c, alua.c, weightedpath.c, path_latency.c), propsel.c
 * (select_prio(), detect_prio(), select_hwhandler()), discovery.c (detect_alua(),
 * get_prio()), pgpolicies.c (group_by_prio, sort_pathgroups()) and switchgroup.c
 * (path_group_prio_update(), select_path_group()).
 *
 * multipath-tools treats a negative priority as "no priority" (PRIO_UNDEF, -1): the
 * path keeps its old priority while it is down or pending and gets -1 otherwise.
 * Here the prioritizers return -errno instead, and that policy is the caller's.
 */

/* Input a prioritizer needs, as bits of &struct mp_prioritizer.needs. */
#define MP_PRIO_NEEDS_NOTHING     0u
#define MP_PRIO_NEEDS_RTPG        (1u << 0)	/* the path's target port group from RTPG */
#define MP_PRIO_NEEDS_ACCESS_STATE (1u << 1)	/* sysfs access_state and preferred_path */
#define MP_PRIO_NEEDS_IDENTITY    (1u << 2)	/* H:B:T:L, devname, serial, WWNs */
#define MP_PRIO_NEEDS_LATENCY     (1u << 3)	/* timed O_DIRECT reads of the path */
#define MP_PRIO_NEEDS_DEVICE_IO   (1u << 4)	/* vendor commands: not implemented here */

/**
 * struct mp_prioritizer - one prioritizer multipath-tools 0.9.4 ships.
 * @name: its name in multipath.conf ("prio").
 * @needs: MP_PRIO_NEEDS_* bits.
 * @implemented: mp_prio_compute() can run it.
 */
struct mp_prioritizer {
	const char *name;
	unsigned needs;
	bool implemented;
};

/**
 * mp_prioritizer_find() - look up a prioritizer by name.
 *
 * Implemented: const, sysfs, alua, weightedpath, path_latency. Known but not
 * implemented (they send vendor commands or need other state): ana, datacore, emc,
 * hds, hp_sw, iet, ontap, random, rdac.
 *
 * Return: the entry (static), or NULL for a name multipath-tools 0.9.4 does not ship.
 */
const struct mp_prioritizer *mp_prioritizer_find(const char *name);

/**
 * struct mp_path_identity - what weightedpath matches against.
 * @host, @channel, @target, @lun: the SCSI address (H:B:T:L).
 * @devname: the kernel name, e.g. "sdc".
 * @serial: the path's serial (VPD page 0x80), "" or NULL when unknown.
 * @fc: the path is FC; only then do @host_wwnn, @host_wwpn and @tgt_wwpn apply
 *	(otherwise each prints as "[undef]").
 * @host_wwnn, @host_wwpn: fc_host node_name and port_name; NULL prints "[unknown]".
 * @tgt_wwpn: the fc_remote_port's port_name; NULL prints "[unknown]".
 * @tgt_wwnn: the target node name multipath-tools keeps for the path (FC node_name,
 *	iSCSI target name, ...); NULL or "" prints "[undef]".
 */
struct mp_path_identity {
	int host;
	int channel;
	int target;
	uint64_t lun;
	const char *devname;
	const char *serial;
	bool fc;
	const char *host_wwnn;
	const char *host_wwpn;
	const char *tgt_wwnn;
	const char *tgt_wwpn;
};

/**
 * mp_prio_weightedpath() - multipath-tools' weightedpath prioritizer.
 * @args: prio_args: "<hbtl|devname|serial|wwn> <regex1> <prio1> <regex2> <prio2> ...".
 * @id: the path.
 *
 * Words are separated by blanks or tabs. The first word picks the string matched:
 * "hbtl" gives "H:B:T:L" in decimal, "devname" the kernel name, "serial" the serial,
 * "wwn" "host_wwnn:host_wwpn:tgt_wwnn:tgt_wwpn". Then each regex, a POSIX extended
 * one searched anywhere in the string (so "sda" also matches "sdaa"; anchor with ^$),
 * is tried in order and the first match gives its priority, read like atoi() (so
 * "abc" is 0). A regex that does not compile is skipped; a regex without a priority
 * ends the list. No match, no @args or an unknown first word give 0.
 *
 * Return: the priority; -ERANGE when the matching priority is negative (which
 * multipath-tools treats as a prioritizer error); -EINVAL when @id is NULL.
 */
int mp_prio_weightedpath(const char *args, const struct mp_path_identity *id);

/**
 * struct mp_path_latency_args - path_latency's prio_args.
 * @io_num: reads to time, 20..200 (default 100).
 * @base_num: the logarithmic scale, 1.1..10 (default 10^(1/4) = 1.77827941004:
 *	four priority steps per factor 10 of latency).
 */
struct mp_path_latency_args {
	int io_num;
	double base_num;
};

/**
 * mp_path_latency_args_parse() - read "io_num=<n> base_num=<m>".
 * @args: prio_args.
 * @ret: always written: the values, or the defaults when @args is not exactly two
 *	words giving both in range (multipath-tools falls back to both defaults then).
 *
 * Return: true when @args was used, false when the defaults were.
 */
bool mp_path_latency_args_parse(const char *args, struct mp_path_latency_args *ret);

/**
 * mp_prio_path_latency() - multipath-tools' path_latency prioritizer over measured reads.
 * @latency_us: the duration of each read in whole microseconds; io_num of them, each
 *	a read of one logical block at offset 0 with O_DIRECT (a failed read makes
 *	multipath-tools give up with an error: do not call this then).
 * @n: the number of samples (io_num).
 * @base_num: from mp_path_latency_args_parse().
 *
 * The mean of log_base(latency) over the samples (samples of 0 us add nothing but
 * still count in the mean) is compared with log_base of 1 us and of 100 s:
 * priority = (int)(log_base(100 s) - mean), 0 at or above 100 s, and
 * (int)log_base(100 s / 1 us) at or below 1 us. With the default base that is 0..31
 * (log_base(100 s / 1 us) comes out a hair under 32).
 *
 * Return: the priority; -EINVAL when @n is 0 or @base_num is not above 1.
 */
int mp_prio_path_latency(const uint64_t *latency_us, size_t n, double base_num);

/**
 * struct mp_prio_input - what a prioritizer may need for one path.
 * @alua: the path's target port group in the RTPG data (see mp_rtpg_find_group()),
 *	or NULL when RTPG failed or the group is not listed.
 * @access_state: the sysfs access_state attribute, or NULL when it cannot be read.
 * @preferred_path: the sysfs preferred_path attribute, or NULL.
 * @identity: for weightedpath.
 * @latency_us, @nr_latency: for path_latency.
 */
struct mp_prio_input {
	const struct mp_alua_group *alua;
	const char *access_state;
	const char *preferred_path;
	const struct mp_path_identity *identity;
	const uint64_t *latency_us;
	size_t nr_latency;
};

/**
 * mp_prio_compute() - run prioritizer @name with @args on one path.
 *
 * const gives 1. sysfs and alua give mp_alua_prio() of the state and preferred bit
 * (exclusive_pref_bit from @args), from the attributes or from the RTPG group.
 * weightedpath and path_latency as above.
 *
 * Return: the priority (>= 0); -ENODATA when the input the prioritizer needs is
 * missing (multipath-tools: a prio error); -ERANGE from weightedpath; -EOPNOTSUPP for
 * a prioritizer known but not implemented here; -ENOENT for an unknown name; -EINVAL.
 */
int mp_prio_compute(const char *name, const char *args, const struct mp_prio_input *in);

/* ---- choosing the prioritizer ---- */

/* The TPGS field of standard INQUIRY, and "not determined yet". */
enum mp_tpgs {
	MP_TPGS_UNDEF = -1,
	MP_TPGS_NONE = 0,
	MP_TPGS_IMPLICIT = 1,
	MP_TPGS_EXPLICIT = 2,
	MP_TPGS_BOTH = 3,
};

/* How looking up the path's group in RTPG data went (get_target_port_group() + RTPG). */
enum mp_alua_probe {
	MP_ALUA_PROBE_OK,		/* the VPD 0x83 group was found in the RTPG data */
	MP_ALUA_PROBE_VPD_FAILED,	/* the VPD 0x83 INQUIRY itself failed */
	MP_ALUA_PROBE_FAILED,		/* no group designator, RTPG failed, or group not listed */
};

/**
 * struct mp_tpgs_probe - what detect_alua() looks at.
 * @scsi: the path is SCSI (anything else has no TPGS).
 * @inquiry_tpgs: the TPGS field (byte 5 bits 5..4) of standard INQUIRY, read from sysfs
 *	"inquiry" or by SG_IO; negative when the INQUIRY failed.
 * @path_usable: the path's device is open and not offline; otherwise no RTPG is tried.
 * @probe: the outcome of the group lookup (ignored unless TPGS is set and the path usable).
 * @path_down: the path's state is down or pending.
 */
struct mp_tpgs_probe {
	bool scsi;
	int inquiry_tpgs;
	bool path_usable;
	enum mp_alua_probe probe;
	bool path_down;
};

/**
 * mp_tpgs_resolve() - the path's TPGS as multipath-tools records it (detect_alua()).
 *
 * A path supports ALUA only when INQUIRY reports TPGS *and* its group can be read
 * with RTPG: a device that claims TPGS but whose RTPG fails on a path that is up
 * counts as MP_TPGS_NONE. Failures that may be temporary (INQUIRY failed, device not
 * open, path down) leave MP_TPGS_UNDEF, and multipath-tools asks again next time; a
 * value other than MP_TPGS_UNDEF is kept for the life of the path.
 *
 * Return: an enum mp_tpgs value.
 */
int mp_tpgs_resolve(const struct mp_tpgs_probe *probe);

/* The bus, for detect_prio (NVMe gets "ana"). */
enum mp_prio_bus {
	MP_PRIO_BUS_SCSI,
	MP_PRIO_BUS_NVME,
	MP_PRIO_BUS_OTHER,
};

/**
 * struct mp_prio_detect - what detect_prio looks at.
 * @bus: the path's bus.
 * @tpgs: mp_tpgs_resolve().
 * @rdac: the array is NetApp E/EF (RDAC): VPD page 0xc9 carries "vac1" at byte 4.
 *	multipath-tools reads that page only when the built-in or configured device
 *	entry sets a path_checker (then only if it is "rdac") or when VPD page 0x00 lists
 *	page 0xc9.
 * @access_state: the sysfs access_state attribute can be read. The kernel shows it
 *	only for TPGS devices and fails the read unless a device handler is attached,
 *	so in practice: scsi_dh_alua (or another handler) is attached.
 * @nvme_ana: the NVMe controller reports ANA support (Identify Controller CMIC bit 3).
 */
struct mp_prio_detect {
	enum mp_prio_bus bus;
	int tpgs;
	bool rdac;
	bool access_state;
	bool nvme_ana;
};

/**
 * mp_prio_detect() - the prioritizer detect_prio picks, if any.
 *
 * SCSI with TPGS (anything but MP_TPGS_NONE, so also while it is MP_TPGS_UNDEF):
 * "sysfs" when access_state is readable and either TPGS is exactly explicit-only or
 * the array is not RDAC; "alua" otherwise (RDAC firmware wants periodic RTPGs).
 * NVMe with ANA: "ana". Anything else: NULL (the configured prioritizer applies).
 *
 * Return: a static name or NULL.
 */
const char *mp_prio_detect(const struct mp_prio_detect *in);

/**
 * enum mp_prio_origin - why a prioritizer was chosen.
 * @MP_PRIO_ORIGIN_DETECTED: detect_prio found ALUA or ANA ("autodetected").
 * @MP_PRIO_ORIGIN_CONFIG: the configured prio (multipaths > overrides > devices >
 *	defaults), or "const" when none is set.
 * @MP_PRIO_ORIGIN_ALUA_FALLBACK: "alua" was configured on a path without TPGS; "const"
 *	replaces it ("emergency fallback - alua failed").
 */
enum mp_prio_origin {
	MP_PRIO_ORIGIN_DETECTED,
	MP_PRIO_ORIGIN_CONFIG,
	MP_PRIO_ORIGIN_ALUA_FALLBACK,
};

/**
 * struct mp_prio_choice - the prioritizer of one path.
 * @name: static or the caller's @conf_name.
 * @args: "" or the caller's @conf_args.
 * @origin: why.
 */
struct mp_prio_choice {
	const char *name;
	const char *args;
	enum mp_prio_origin origin;
};

/**
 * mp_prio_select() - select_prio() of multipath-tools 0.9.4.
 * @detect_prio: the path's detect_prio setting (default yes).
 * @det: the path's detection inputs.
 * @conf_name: the configured prio, NULL when no section sets one.
 * @conf_args: the prio_args that go with it, NULL for none.
 * @ret: the choice; never fails.
 *
 * With detect_prio, a detected prioritizer wins over every configured one, even one
 * from the multipaths section, and gets empty args (so a configured
 * "exclusive_pref_bit" is dropped). Otherwise the configured one, or "const". Finally
 * "alua" on a path whose TPGS is MP_TPGS_NONE becomes "const".
 */
void mp_prio_select(bool detect_prio, const struct mp_prio_detect *det, const char *conf_name,
		    const char *conf_args, struct mp_prio_choice *ret);

/**
 * mp_hwhandler_select() - the map's hardware_handler as select_hwhandler() picks it.
 * @tpgs: mp_tpgs_resolve() of each path.
 * @dh_state: each path's sysfs dh_state ("alua", "emc", "rdac", "detached", ...), or
 *	NULL when unreadable or empty.
 * @n: the number of paths.
 * @retain: retain_attached_hw_handler; multipath-tools forces it on for kernels 4.3 and
 *	later (and off for dm-multipath below 1.5.0), whatever the config says.
 * @conf: the configured hardware_handler, NULL when no section sets one.
 * @buf: receives the handler, e.g. "1 alua" or "0".
 * @len: size of @buf.
 *
 * With @retain, the first path with a handler attached (dh_state neither empty nor
 * "detached") gives "1 <dh_state>". Otherwise @conf, or "0". Then: when every path
 * has TPGS (MP_TPGS_UNDEF counts, as long as one path has a definite TPGS) and no
 * handler was configured, "1 alua"; when not all paths have TPGS, a "1 alua" becomes "0".
 *
 * Return: the length; -ENOBUFS.
 */
int mp_hwhandler_select(const int *tpgs, const char *const *dh_state, size_t n, bool retain,
			const char *conf, char *buf, size_t len);

/* ---- grouping and the best group ---- */

/**
 * struct mp_pg_path - one path as grouping sees it.
 * @prio: its priority (mp_prio_compute(); multipath-tools' PRIO_UNDEF is -1).
 * @tpg: its ALUA target port group, for MP_PG_BY_TPG (-1 unknown).
 * @enabled: its state is up or ghost (only these count in a group's priority).
 * @marginal: the path is marginal.
 */
struct mp_pg_path {
	int prio;
	int tpg;
	bool enabled;
	bool marginal;
};

/**
 * enum mp_pg_match - which paths share a group.
 * @MP_PG_BY_PRIO: equal priority (group_by_prio).
 * @MP_PG_BY_TPG: equal target port group (group_by_tpg: new in multipath-tools 0.9.6,
 *	not in 0.9.4; the grouping itself is the same algorithm).
 * @MP_PG_EACH: none: a group per path (failover); the groups are still sorted.
 * @MP_PG_ALL: all: one group (multibus).
 */
enum mp_pg_match {
	MP_PG_BY_PRIO,
	MP_PG_BY_TPG,
	MP_PG_EACH,
	MP_PG_ALL,
};

/**
 * mp_pg_group() - group paths and order the groups as multipath-tools does.
 * @paths: the paths, in the map's path order.
 * @n: how many.
 * @match: what makes paths share a group.
 * @marginal_pathgroups: the marginal_pathgroups option: when the map has both
 *	marginal and normal paths, they never share a group.
 * @ret_group: @n entries; receives each path's group, 0 being the first group of the
 *	table. Written only on success.
 *
 * Groups are formed in path order (a path joins the group of the first earlier path it
 * matches), then sorted, stably: groups that are not marginal first, then by group
 * priority (mp_pg_priority()) descending, then by enabled paths descending. Within a
 * group, paths keep their order.
 *
 * Return: the number of groups; -EINVAL; -ENOMEM.
 */
int mp_pg_group(const struct mp_pg_path *paths, size_t n, enum mp_pg_match match,
		bool marginal_pathgroups, unsigned *ret_group);

/**
 * struct mp_pg_priority - a path group's standing.
 * @prio: the average priority of its enabled paths, rounded down; 0 when none is enabled.
 * @enabled: its enabled paths.
 * @marginal: every path of the group is marginal.
 */
struct mp_pg_priority {
	int prio;
	unsigned enabled;
	bool marginal;
};

/**
 * mp_pg_priority() - path_group_prio_update() for group @group.
 * @paths, @n: the paths.
 * @groups: each path's group, as from mp_pg_group().
 * @group: the group (0-based).
 *
 * Return: the group's priority, enabled paths and marginality.
 */
struct mp_pg_priority mp_pg_priority(const struct mp_pg_path *paths, size_t n,
				     const unsigned *groups, unsigned group);

/**
 * mp_pg_best() - select_path_group(): the group to use first, 1-based as in dm tables.
 * @paths, @n: the paths.
 * @groups: each path's group.
 * @nr_groups: the number of groups.
 *
 * Among groups with enabled paths, the highest priority wins, then the most enabled
 * paths, then the earliest; a marginal group is considered only while no normal
 * group with enabled paths came before it, and the first normal group with enabled
 * paths replaces any marginal choice. With no enabled path at all, group 1.
 *
 * Return: the group number, 1..@nr_groups (1 when @nr_groups is 0).
 */
unsigned mp_pg_best(const struct mp_pg_path *paths, size_t n, const unsigned *groups,
		    size_t nr_groups);
