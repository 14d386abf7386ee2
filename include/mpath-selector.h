/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mpathd selector plugin ABI: everything a plugin sees of the daemon, and what it gives back. */
#pragma once

/*
 * DOC: Writing a selector plugin
 *
 * A selector decides how the paths of one multipath map (one LUN) are laid
 * out in device-mapper tables, and how that layout reacts to path events,
 * timers and administrator commands. The kernel moves the I/O; the selector
 * only says which paths go in which path group, in which order, with which
 * kernel path selector ("round-robin 0", "service-time 0", ...) and which
 * group carries the I/O.
 *
 * A plugin is a shared object "<name>.so" in the daemon's selector folder
 * (meson option selector_dir, by default <libdir>/mpathd/selectors). It
 * includes this header only, links against nothing of mpathd, and exports
 * exactly one symbol::
 *
 *	MPATH_SELECTOR_EXPORT const struct mpath_selector_ops mpath_selector = {
 *		.abi_version = MPATH_SELECTOR_ABI_VERSION,
 *		.name = "my-policy",		// must equal the file name without ".so"
 *		.description = "one line for `mpath show selectors`",
 *		.build_layout = my_build_layout,	// the only required callback
 *	};
 *
 * Build it with -fvisibility=hidden (or a version script exporting only
 * "mpath_selector"). The daemon opens it with RTLD_NOW | RTLD_LOCAL: a plugin
 * that needs symbols of the daemon fails to load.
 *
 * The daemon selects a plugin per map with the multipath.conf keyword
 * "selector <name>" (defaults, devices, multipaths, overrides sections).
 *
 * Life cycle, all on the daemon's event-loop thread (plugins need no locks,
 * and must not block: no sleeping, no I/O to devices; small state files
 * through &mpath_sel_host.state_load and .state_save are fine):
 *
 *   1. init() once, when the plugin is first needed;
 *   2. map_attach() for each map that uses it, which may return private state;
 *   3. build_layout() whenever the daemon (re)loads the map's tables;
 *   4. path_event(), map_event() and tick() as things happen; they answer
 *      with actions (messages to send, or "rebuild and reload");
 *   5. verbs, run by `mpath <verb words> ...` through the daemon socket;
 *   6. map_detach() when the map goes away or changes selector;
 *   7. fini() before the plugin is unloaded.
 *
 * Inputs are read-only views (&struct mpath_sel_map, &struct mpath_sel_path)
 * that are valid only during the call: copy what you keep, and identify
 * paths across calls by &mpath_sel_path.id, not by their index.
 *
 * Outputs are built through host callbacks (&struct mpath_sel_host), so the
 * plugin never allocates memory the daemon frees, and the daemon can grow its
 * own structures without breaking the ABI.
 *
 * Errors: every callback returns 0 (or a documented non-negative value) on
 * success and a negative errno on failure, like the daemon itself.
 *
 * What the daemon does itself, so plugins need not: features
 * (queue_if_no_path, pg_init_retries...), the hardware handler,
 * fail_path/reinstate_path messages when checkers or the kernel see a path
 * fail or come back, no_path_retry, and loading devices of a stack in order.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * MPATH_SELECTOR_ABI_VERSION - the ABI this header describes.
 *
 * Raised whenever a structure the plugin provides (&struct mpath_selector_ops,
 * &struct mpath_sel_verb) changes, or an existing member of any structure
 * changes meaning or position. The daemon refuses plugins built for another
 * version (-EPROTO). Members appended to the end of &struct mpath_sel_host,
 * &struct mpath_sel_map or &struct mpath_sel_path do not raise it: check
 * MPATH_SEL_HOST_HAS() before using a host callback newer than version 1.
 */
#define MPATH_SELECTOR_ABI_VERSION 1

/** MPATH_SELECTOR_SYMBOL - the name of the one symbol a plugin exports. */
#define MPATH_SELECTOR_SYMBOL "mpath_selector"

/** MPATH_SELECTOR_EXPORT - put before the definition of mpath_selector. */
#define MPATH_SELECTOR_EXPORT __attribute__((visibility("default")))

/* Opaque builders owned by the daemon; use them only through &struct mpath_sel_host. */
struct mpath_sel_layout;
struct mpath_sel_actions;
struct mpath_sel_output;
struct mpath_sel_map;

/**
 * enum mpath_sel_log_level - named log levels (their values are syslog's).
 * @MPATH_SEL_LOG_ERR: something failed; the daemon goes on.
 * @MPATH_SEL_LOG_WARN: something is wrong but handled (e.g. a corrupt state file ignored).
 * @MPATH_SEL_LOG_NOTICE: a normal but significant change (a failover).
 * @MPATH_SEL_LOG_INFO: informational.
 * @MPATH_SEL_LOG_DEBUG: for developers.
 */
enum mpath_sel_log_level {
	MPATH_SEL_LOG_ERR = 3,
	MPATH_SEL_LOG_WARN = 4,
	MPATH_SEL_LOG_NOTICE = 5,
	MPATH_SEL_LOG_INFO = 6,
	MPATH_SEL_LOG_DEBUG = 7,
};

/**
 * struct mpath_sel_host - the daemon's services, one instance per loaded plugin.
 * @abi_version: the daemon's MPATH_SELECTOR_ABI_VERSION.
 * @size: sizeof(struct mpath_sel_host) in the daemon; see MPATH_SEL_HOST_HAS().
 * @plugin_name: the plugin's name, as the daemon loaded it.
 * @host_data: the daemon's; plugins must not touch it.
 *
 * @log: log one message at @level, printf style. The daemon adds the plugin's
 *	name; do not end with a newline.
 * @now_usec: CLOCK_MONOTONIC in microseconds. Use it instead of
 *	clock_gettime() so tests can move time.
 * @setting: the effective multipath.conf value of @keyword for @map, as it
 *	prints in `mpath show map X config`: "service-time 0" for path_selector,
 *	"1" for rr_min_io_rq, "uniform" or "priorities" for rr_weight, "manual",
 *	"immediate", "followover" or a number of seconds for failback. Repeated
 *	keywords (failover_priority) take @index 0, 1, ...; others only 0. Each
 *	failover_priority value is "<match> <priority>", with <match> one of
 *	"portal=<IPv4>[:port]", "portal=[<IPv6>][:port]", "iface=<name>",
 *	"hctl=<H:C:T:L, '*' for any>" or "host=host<N>". *@ret_text stays valid
 *	until the plugin's callback returns. Returns 0, or -ENOENT when not set
 *	(or @index is past the last value).
 * @state_load: read the plugin's state file named @key (any string, e.g. a
 *	WWID; the daemon escapes it into a file name). *@ret_text receives the
 *	NUL-terminated content, to be released with free(). Returns 0, -ENOENT
 *	when there is none, -EFBIG above 1 MiB, or another -errno.
 * @state_save: replace the state file @key with @len bytes of @text,
 *	atomically (a crash leaves the old or the new content, never a mix).
 *	@text NULL removes the file. Returns 0 or -errno. The files live in
 *	<state dir>/selectors/<plugin name>/ (by default /var/lib/mpathd).
 * @layout_add_multipath: add a dm "multipath" device to @layout. @suffix is
 *	NULL for the map's own (top) device, whose name is the map name, or a
 *	short word (letters, digits, '-', '_') for a lower device of a stack,
 *	named "<map>-<suffix>". Returns the device's index (0, 1, ...).
 * @layout_add_group: append a path group to multipath device @dev, with the
 *	kernel path selector @selector (e.g. "round-robin"), its arguments
 *	@selector_args (NULL-terminated, NULL for none; the count is added by
 *	the daemon) and @nr_path_args arguments per path (round-robin and
 *	queue-length: 1, the repeat count; service-time: 2, repeat count and
 *	relative throughput). The first group added is the initial group.
 *	Returns the group's 0-based index; the kernel numbers groups from 1.
 * @layout_add_path: append path number @path (an index into @map->paths)
 *	to group @group of device @dev, with exactly the group's number of
 *	per-path arguments in @args (NULL-terminated). A path may appear once
 *	per device. Returns 0 or -EINVAL.
 * @layout_set_initial_group: make @group (0-based) of device @dev carry
 *	I/O first.
 * @layout_add_switch: add a dm "switch" device that routes each region of
 *	@region_size sectors to one of @nr_lower lower devices (indexes of
 *	devices already added; each is a dm path of the switch, numbered 0..
 *	in the order given). @suffix as for @layout_add_multipath: NULL makes
 *	the switch the top device. Returns the device's index.
 * @layout_set_regions: set the region map of switch device @dev:
 *	@regions[i] is the lower-device number (0..@nr_lower-1) for region i.
 *	@nr_regions must cover the map: ceil(size / region_size). The daemon
 *	sends it as set_region_mappings messages after loading the table.
 * @action_message: ask the daemon to send the dm message @message (e.g.
 *	"switch_group 2", "set_region_mappings 0:1 1:0") to the device named
 *	by @suffix (NULL for the top device). Messages are sent in order,
 *	after the current callback returns; group numbers refer to the layout
 *	most recently built.
 * @action_reload: ask the daemon to call build_layout() again and reload
 *	the map's tables.
 * @output_printf: append text to a verb's reply.
 */
struct mpath_sel_host {
	unsigned abi_version;
	size_t size;
	const char *plugin_name;
	void *host_data;

	void (*log)(const struct mpath_sel_host *host, enum mpath_sel_log_level level,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
	uint64_t (*now_usec)(const struct mpath_sel_host *host);
	int (*setting)(const struct mpath_sel_host *host, const struct mpath_sel_map *map,
		       const char *keyword, unsigned index, const char **ret_text);
	int (*state_load)(const struct mpath_sel_host *host, const char *key, char **ret_text);
	int (*state_save)(const struct mpath_sel_host *host, const char *key, const char *text,
			  size_t len);

	int (*layout_add_multipath)(struct mpath_sel_layout *layout, const char *suffix);
	int (*layout_add_group)(struct mpath_sel_layout *layout, int dev, const char *selector,
				const char *const *selector_args, unsigned nr_path_args);
	int (*layout_add_path)(struct mpath_sel_layout *layout, int dev, int group, size_t path,
			       const char *const *args);
	int (*layout_set_initial_group)(struct mpath_sel_layout *layout, int dev, int group);
	int (*layout_add_switch)(struct mpath_sel_layout *layout, const char *suffix,
				 uint64_t region_size, const int *lower, size_t nr_lower);
	int (*layout_set_regions)(struct mpath_sel_layout *layout, int dev, const uint32_t *regions,
				  size_t nr_regions);

	int (*action_message)(struct mpath_sel_actions *actions, const char *suffix,
			      const char *message);
	int (*action_reload)(struct mpath_sel_actions *actions);

	int (*output_printf)(struct mpath_sel_output *out, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
};

/**
 * MPATH_SEL_HOST_HAS() - whether the daemon provides host callback @member.
 *
 * Needed only for members added after ABI version 1; all members listed
 * above are always set.
 */
#define MPATH_SEL_HOST_HAS(host, member) \
	(offsetof(struct mpath_sel_host, member) + sizeof((host)->member) <= (host)->size && \
	 (host)->member != NULL)

/**
 * struct mpath_sel_path - one path of a map, as the daemon sees it now.
 * @dev: kernel name, "sdb".
 * @devt: "major:minor", "8:16"; what dm tables use.
 * @hctl: SCSI address "H:C:T:L".
 * @host: H of @hctl, the SCSI host (adapter) number; -1 when unknown.
 * @transport: "iscsi", "fc", "sas", "srp", "scsi_debug", "loop" or "unknown".
 * @iscsi_iface: the open-iscsi iface name ("default", "iface0"); "" if not iSCSI.
 * @iscsi_portal: "10.0.0.1:3260" or "[fd00::1]:3260"; "" if not iSCSI.
 * @iscsi_target: the target IQN; "" if not iSCSI.
 * @iscsi_netdev: the network interface @iscsi_iface is bound to ("eth1");
 *	"" when not iSCSI, not bound, or not known.
 * @tpg: target port group (VPD 0x83); on an EqualLogic group, the member; -1 if unknown.
 * @relative_port: relative target port (VPD 0x83); -1 if unknown.
 * @prio: the path's priority from the prioritizer (multipath.conf "prio";
 *	higher is better); 0 when unknown.
 * @usable: the checker finds it ready and no administrator failed it
 *	(`mpath fail path`); only usable paths should carry I/O.
 * @standby: the device answers but must be activated first (ALUA standby).
 * @dm_failed: the kernel has failed it in the loaded table.
 * @id: a stable identity, the same across reboots and reconnects where
 *	possible, for keys in state files: "iscsi:<target>,<portal>,<iface>"
 *	for iSCSI, "hctl:<H:C:T:L>" otherwise; "#2", "#3"... is appended when
 *	two paths of one map would share an identity (in H:C:T:L order).
 */
struct mpath_sel_path {
	const char *dev;
	const char *devt;
	const char *hctl;
	int host;
	const char *transport;
	const char *iscsi_iface;
	const char *iscsi_portal;
	const char *iscsi_target;
	const char *iscsi_netdev;
	int tpg;
	int relative_port;
	int prio;
	bool usable;
	bool standby;
	bool dm_failed;
	const char *id;
};

/**
 * struct mpath_sel_tpg_state - a target port group and its ALUA state in a segment.
 * @tpg: the group id, as &mpath_sel_path.tpg.
 * @state: SPC-4 asymmetric access state: 0 active/optimized (the owner),
 *	1 active/non-optimized, 2 standby, 3 unavailable, 0xe offline,
 *	0xf transitioning.
 */
struct mpath_sel_tpg_state {
	uint16_t tpg;
	uint8_t state;
};

/**
 * struct mpath_sel_segment - one user-data segment from SBC-3 REPORT REFERRALS.
 * @first_lba, @last_lba: the segment, inclusive, in logical blocks.
 * @nr_tpgs: entries in @tpgs.
 * @tpgs: the groups that can serve it; the active/optimized one owns it.
 */
struct mpath_sel_segment {
	uint64_t first_lba;
	uint64_t last_lba;
	size_t nr_tpgs;
	const struct mpath_sel_tpg_state *tpgs;
};

/**
 * struct mpath_sel_map - one map (LUN), as the daemon sees it now.
 * @host: the daemon's services.
 * @name: the map name (alias or WWID), also the top device's dm name.
 * @wwid: the LUN's WWID; the natural key for state files.
 * @vendor, @product: SCSI INQUIRY strings of its paths.
 * @size_sectors: size in 512-byte sectors.
 * @block_size: logical block size in bytes (512, 4096); LBAs count these.
 * @paths: the paths that belong to the map, usable or not, in no
 *	particular order; layouts refer to them by index.
 * @nr_paths: their number.
 * @segments: where the array says each part of the LUN lives (REPORT
 *	REFERRALS), in LBA order; NULL when the LUN reports no referrals.
 * @nr_segments: their number.
 * @segment_period: with a non-zero value, @segments describe the first
 *	@segment_period blocks and the pattern repeats over the LUN.
 * @priv: what map_attach() returned in *ret_priv.
 * @host_data: the daemon's; plugins must not touch it.
 * @active_group: the group (0-based) of the top multipath device the kernel sends I/O
 *	to, by its last status; -1 when unknown (before the first status, or for a stack).
 *	Appended in ABI version 1: a plugin built against an older header never reads it.
 */
struct mpath_sel_map {
	const struct mpath_sel_host *host;
	const char *name;
	const char *wwid;
	const char *vendor;
	const char *product;
	uint64_t size_sectors;
	uint32_t block_size;
	const struct mpath_sel_path *paths;
	size_t nr_paths;
	const struct mpath_sel_segment *segments;
	size_t nr_segments;
	uint64_t segment_period;
	void *priv;
	void *host_data;
	int active_group;
};

/**
 * enum mpath_sel_path_event - what happened to a path.
 * @MPATH_SEL_PATH_FAILED: it stopped being usable (checker, kernel or
 *	administrator); &mpath_sel_path.usable is already false.
 * @MPATH_SEL_PATH_USABLE: it became usable again.
 * @MPATH_SEL_PATH_ADDED: it joined the map; it is in @map->paths.
 * @MPATH_SEL_PATH_REMOVED: it is leaving the map; it is still in
 *	@map->paths for this call, marked unusable.
 *
 * Paths added or removed are not in the loaded tables until the next reload,
 * so a plugin usually answers them with action_reload().
 */
enum mpath_sel_path_event {
	MPATH_SEL_PATH_FAILED = 1,
	MPATH_SEL_PATH_USABLE,
	MPATH_SEL_PATH_ADDED,
	MPATH_SEL_PATH_REMOVED,
};

/**
 * enum mpath_sel_map_event - what happened to a map.
 * @MPATH_SEL_MAP_LOADED: the tables of the last build_layout() are live.
 * @MPATH_SEL_MAP_LOAD_FAILED: they could not be loaded; the tables built
 *	before stay live, and group numbers refer to them again.
 * @MPATH_SEL_MAP_RESIZED: @map->size_sectors changed (a reload follows).
 * @MPATH_SEL_MAP_REFERRALS_CHANGED: @map->segments changed; answer with
 *	set_region_mappings messages, or a reload.
 * @MPATH_SEL_MAP_SETTINGS_CHANGED: the configuration was reloaded (a
 *	reload follows).
 */
enum mpath_sel_map_event {
	MPATH_SEL_MAP_LOADED = 1,
	MPATH_SEL_MAP_LOAD_FAILED,
	MPATH_SEL_MAP_RESIZED,
	MPATH_SEL_MAP_REFERRALS_CHANGED,
	MPATH_SEL_MAP_SETTINGS_CHANGED,
};

/** MPATH_SEL_VERB_JSON - verb flag: the client asked for JSON output. */
#define MPATH_SEL_VERB_JSON (1u << 0)

/**
 * struct mpath_sel_verb - a command the plugin adds to `mpath`.
 * @name: its words, separated by single spaces, e.g. "failover list". They
 *	are matched against the start of the command line; the daemon's own
 *	commands win over plugin verbs, and the first plugin loaded wins over
 *	later ones.
 * @usage: the arguments for help and usage errors, e.g. "[MAP]".
 * @help: one line for `mpath help`.
 * @read_only: true when it changes nothing (any user may run it); false
 *	makes the daemon require root.
 * @run: called once per map that uses this plugin, in map-name order, with
 *	the words after @name in @argv (@argc of them) and a mask of
 *	MPATH_SEL_VERB_* in @flags. Print to @out through
 *	&mpath_sel_host.output_printf: text, or with MPATH_SEL_VERB_JSON one
 *	JSON value per map (the daemon joins them into an array). Ask for
 *	messages or a reload of this map through @actions. Return 0 when the
 *	command concerned this map, -ENOENT when it does not (another map's
 *	path or name; the daemon answers -ENODEV if no map took it), or a
 *	negative errno after printing a one-line reason (-EINVAL for usage
 *	errors), which stops the command.
 */
struct mpath_sel_verb {
	const char *name;
	const char *usage;
	const char *help;
	bool read_only;
	int (*run)(const struct mpath_sel_map *map, int argc, char **argv, unsigned flags,
		   struct mpath_sel_output *out, struct mpath_sel_actions *actions);
};

/**
 * struct mpath_selector_ops - the plugin; exported as "mpath_selector".
 * @abi_version: MPATH_SELECTOR_ABI_VERSION of the header it was built with.
 *	It stays the first member in every version: the daemon reads it
 *	before trusting anything else.
 * @name: equal to the file name without ".so"; letters, digits, '-', '_', '.'.
 * @description: one line.
 * @init: optional. Called once after loading, before anything else. @host
 *	stays valid until fini() returns; keep it if callbacks without a map
 *	need it. Return 0, or -errno to refuse (the plugin is then unloaded).
 * @fini: optional. Called once before unloading, after every map_detach().
 * @map_attach: optional. A map starts using the plugin; @map->priv is NULL.
 *	Load saved state here. *@ret_priv (may stay NULL) is passed back as
 *	@map->priv in every later call for this map. A negative return makes
 *	the daemon fall back to its built-in grouping for this map.
 * @map_detach: optional. The map is going away or changes selector; free
 *	@map->priv. Nothing may be returned or saved afterwards.
 * @build_layout: required. Describe the map's devices, groups and paths
 *	through the host's layout_* callbacks. Exactly one device is the top
 *	device (suffix NULL); lower devices are added before the devices that
 *	use them. Paths left out of every device are not used at all. Called
 *	for every (re)load; it may update @map->priv (e.g. remember the group
 *	order) but must not return actions.
 * @path_event: optional. React to @event of path number @path. Without it,
 *	the daemon reloads on MPATH_SEL_PATH_ADDED and _REMOVED and does
 *	nothing else.
 * @map_event: optional. React to @event of the whole map.
 * @tick: optional. Called about once a second per map, for timed
 *	decisions (deferred failback); compare &mpath_sel_host.now_usec with
 *	your deadlines. May return actions.
 * @verbs: optional. The plugin's commands, ended by an entry whose @name is NULL.
 */
struct mpath_selector_ops {
	unsigned abi_version;
	const char *name;
	const char *description;

	int (*init)(const struct mpath_sel_host *host);
	void (*fini)(const struct mpath_sel_host *host);

	int (*map_attach)(const struct mpath_sel_map *map, void **ret_priv);
	void (*map_detach)(const struct mpath_sel_map *map);

	int (*build_layout)(const struct mpath_sel_map *map, struct mpath_sel_layout *layout);
	int (*path_event)(const struct mpath_sel_map *map, size_t path,
			  enum mpath_sel_path_event event, struct mpath_sel_actions *actions);
	int (*map_event)(const struct mpath_sel_map *map, enum mpath_sel_map_event event,
			 struct mpath_sel_actions *actions);
	int (*tick)(const struct mpath_sel_map *map, struct mpath_sel_actions *actions);

	const struct mpath_sel_verb *verbs;
};

/** mpath_selector - what every plugin defines (with MPATH_SELECTOR_EXPORT). */
extern const struct mpath_selector_ops mpath_selector;

/*
 * DOC: A stack of devices (the shape of the "eql-slice" selector)
 *
 * For a LUN spread over the members of a scale-out array, build one lower
 * multipath device per member (suffixes "m0", "m1", ...: a preferred group
 * with the paths to that member, then a fallback group with the paths to the
 * others), then the top switch device over them:
 *
 *	int lower[3];
 *	for (int i = 0; i < 3; i++) {
 *		lower[i] = h->layout_add_multipath(layout, names[i]);
 *		... add groups and paths to lower[i] ...
 *	}
 *	int top = h->layout_add_switch(layout, NULL, region_size, lower, 3);
 *	h->layout_set_regions(layout, top, owner_of_region, nr_regions);
 *
 * The daemon loads "m0".."m2" as "<map>-m0".."<map>-m2", then the switch as
 * "<map>" with the table "<3> <region_size> 0 <dev of m0> 0 <dev of m1> 0 ...",
 * then sends the region map. Later, when REPORT REFERRALS changes
 * (MPATH_SEL_MAP_REFERRALS_CHANGED) or a member's paths all fail, answer
 * with action_message(actions, NULL, "set_region_mappings 0:1 1:2 ...") for
 * the switch, or action_message(actions, "m1", "switch_group 2") to move one
 * member's device to its fallback group.
 */

#ifdef __cplusplus
}
#endif
