# SPDX-License-Identifier: GPL-2.0-or-later
# The bench's common ground, sourced inside the test VM: one config text for both daemons,
# starting and stopping either daemon the same way, the udev rules both run with, and the
# table rows. Every figure is read from the kernel or /proc, never from a daemon's log.

BENCH_TMP=/tmp/bench
mkdir -p "$BENCH_TMP"

# What an admin would set to make multipathd fast: check every second, and never stretch a
# working path's interval beyond 2 s (max_polling_interval must be >= polling_interval; 2 is
# the smallest that leaves multipathd its back-off). The same checker for both daemons.
# mpathd reads the same keys (it tests working paths every polling_interval and warns that
# it does not implement max_polling_interval; failed paths it re-tests every 250 ms).
BENCH_DEFAULTS='defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 1
	max_polling_interval 2
	path_checker tur
}
blacklist {
	devnode "^(vd|sr|loop|ram)"
}'
# scsi_debug and LIO: no ALUA handler on scsi_debug (it reports host-numbered ALUA states, a
# test-bed artifact) and one group per map for both daemons, whatever their built-in entries say.
BENCH_CONF_PLAIN="$BENCH_DEFAULTS
$FX_SDEBUG_NO_ALUA
overrides {
	path_grouping_policy multibus
}"

# The udev rules: both daemons run with the same set, as a host with multipath-tools installed
# has it (56-dm-mpath.rules, 60-multipath.rules) plus mpathd's own 56-mpathd.rules. Installed
# before any disk appears, so the disks' udev records are what such a host would have.
bench_rules() {
	cp "$FX_SRC/mpathd/udev/56-mpathd.rules" /etc/udev/rules.d/
	fx_multipath_tools_rules on
}

# The daemons ---------------------------------------------------------------------------------
# daemon_up WHO CONFIG: start WHO (mpathd|multipathd) with CONFIG, without waiting for it.
# /etc/multipath.conf holds the text for both: udev's `multipath -u`/`-U` read it.
daemon_up() {
	local who=$1 conf=$2
	mkdir -p /etc/multipath
	printf '%s\n' "$conf" > /etc/multipath.conf
	if [ "$who" = mpathd ]; then
		fx_mpathd_start "$conf" >&2 || return 1
		BENCH_PID=$FX_MPATHD_PID
	else
		multipathd -d -s -v2 >>/tmp/multipathd.log 2>&1 &
		BENCH_PID=$!
	fi
}
daemon_ready() {	# daemon_ready WHO: its socket answers
	if [ "$1" = mpathd ]; then wait_for 60 test -S /run/mpathd/mpathd.sock
	# multipathd says "idle" between checker rounds, "running" during one
	else wait_for 60 bash -c "multipathd show daemon 2>/dev/null | grep -qE 'idle|running'"; fi
}
daemon_down() {	# daemon_down WHO: SIGTERM, and wait for it
	if [ "$1" = mpathd ]; then fx_mpathd_stop >&2
	else kill "$BENCH_PID" 2>/dev/null; wait "$BENCH_PID" 2>/dev/null; fi
	true
}
# A reboot empties /run: neither daemon may find its runtime records of the previous run.
daemon_forget_run() { rm -rf /run/multipath /run/mpathd; }
daemon_pid() { echo "$BENCH_PID"; }

flush_maps() {	# remove every dm device, switch stacks (eql-slice) from the top down
	local m
	m=$(dmsetup ls --target switch 2>/dev/null | awk '$1 != "No" { print $1 }')
	[ -n "$m" ] && dmsetup remove --retry $m 2>/dev/null
	m=$(fx_dm_maps)
	[ -n "$m" ] && dmsetup remove --retry $m 2>/dev/null
	udevadm settle --timeout=120
	[ -z "$(fx_dm_maps)" ] || { fx_log "flush_maps: left $(fx_dm_maps | wc -l) maps"; return 1; }
}

# Memory, in KiB: Pss Pss_Anon Anonymous Locked (smaps_rollup) RssAnon VmRSS (status)
mem_kib() {
	local pid=$1
	awk '/^(Pss|Pss_Anon|Anonymous|Locked):/ { v[$1] = $2 } END { printf "%s %s %s %s", v["Pss:"], v["Pss_Anon:"], v["Anonymous:"], v["Locked:"] }' "/proc/$pid/smaps_rollup"
	awk '/^(RssAnon|VmRSS):/ { v[$1] = $2 } END { printf " %s %s\n", v["RssAnon:"], v["VmRSS:"] }' "/proc/$pid/status"
}

# Output --------------------------------------------------------------------------------------
row() { local s="|" c; for c in "$@"; do s+=" $c |"; done; echo "$s"; }
ratio() { python3 "$BENCH_DIR/stats.py" ratio "$1" "$2"; }
samples_row() { python3 "$BENCH_DIR/stats.py" row "$@"; }
table_head() {	# table_head TITLE COLUMN...: a markdown heading and table head
	local title=$1 c; shift
	printf '\n### %s\n\n' "$title"
	row "$@"
	printf '|'; for c in "$@"; do printf -- '---|'; done; echo
}
