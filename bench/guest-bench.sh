# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the test VM (see bench/run.sh): each benchmark measures mpathd, then multipathd,
# on the same devices, and prints "| what | mpathd | multipathd | ratio |".
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tests/vm/lib/fixtures.sh"
WHAT=${MPATH_BENCH_WHAT:-all}
LUNS=${MPATH_BENCH_LUNS:-256} PATHS=${MPATH_BENCH_PATHS:-4} SAMPLES=${MPATH_BENCH_SAMPLES:-400}
COLD_MAX=${MPATH_BENCH_COLD_MAX:-1800}	# seconds a daemon may take to bring up all maps
MPD_CONF='defaults {
	user_friendly_names yes
	find_multipaths no
}
blacklist {
	devnode "^(vd|sr|loop|ram)"
}
overrides {
	path_grouping_policy multibus
}'
want() { [ "$WHAT" = all ] || [[ " $WHAT " == *" $1 "* ]]; }
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
ratio() { [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]] || { echo -; return; }; python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{b / a:.1f}x' if a > 0 else '-')" "$1" "$2"; }

# The two daemons -----------------------------------------------------------------------------
mpathd_up() { fx_mpathd_start "$MPD_CONF" || return 1; BENCH_PID=$FX_MPATHD_PID; }
mpathd_down() { fx_mpathd_stop; }
multipathd_up() {
	fx_multipath_tools_rules on
	mkdir -p /etc/multipath
	printf '%s\n' "$MPD_CONF" > /etc/multipath.conf
	rm -f /etc/multipath/wwids /etc/multipath/bindings
	multipathd -d -s >/tmp/multipathd.log 2>&1 &
	BENCH_PID=$!
	wait_for 30 bash -c "multipathd show daemon 2>/dev/null | grep -q running"
}
multipathd_down() { kill "$BENCH_PID" 2>/dev/null; wait "$BENCH_PID" 2>/dev/null; fx_multipath_tools_rules off; }
flush_maps() { local m; for m in $(fx_dm_maps); do dmsetup remove --retry "$m" 2>/dev/null; done; udevadm settle; }
all_active() {	# all_active N: N maps exist and every path of every map is active
	[ "$(fx_dm_maps | wc -l)" = "$1" ] || return 1
	! dmsetup status --target multipath | grep -qE ' F [0-9]'
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

# cold start: daemon start until every map exists with all paths active ----------------------
bench_coldstart() {
	local t0 a b ra rb a_late b_late
	flush_maps
	t0=$(fx_now_ms); mpathd_up
	wait_for "$COLD_MAX" all_active "$LUNS" || a_late=" (not done: $(fx_dm_maps | wc -l) maps)"
	a=$(( $(fx_now_ms) - t0 ))
	sleep 2; ra=$(rss_kb "$BENCH_PID"); mpathd_down; flush_maps
	t0=$(fx_now_ms); multipathd_up
	wait_for "$COLD_MAX" all_active "$LUNS" || b_late=" (not done: $(fx_dm_maps | wc -l) maps)"
	b=$(( $(fx_now_ms) - t0 ))
	sleep 2; rb=$(rss_kb "$BENCH_PID"); multipathd_down; flush_maps
	row "cold start, $LUNS LUNs x $PATHS paths (ms)" "$a${a_late:-}" "$b${b_late:-}" "$(ratio "$a" "$b")"
	row "RSS after cold start, $LUNS x $PATHS (KiB)" "$ra" "$rb" "$(ratio "$ra" "$rb")"
}

# reinstatement and failover, timed by bench/path-watch.py (dm status by ioctl, 1 ms polls) ----
session_state_file() {	# the sysfs state file of sd device $1's iSCSI session
	echo "/sys/class/iscsi_session/$(readlink -f "/sys/block/$1/device" | grep -o 'session[0-9]*' | head -n1)/state"
}
watch_start() { python3 "$HERE/path-watch.py" "$@" > /tmp/path-watch & WATCH_PID=$!; sleep 0.5; }
reinstate_once() {	# prints "ms_from_link_up ms_from_session_login" for a link brought down and up
	local m=$1 dev=$2 devt t0 ta ts
	devt=$(fx_devt "$dev")
	wait_for 30 fx_eq A fx_dm_path_state "$m" "$devt" || { echo "- -"; return; }
	fx_link_down 1
	wait_for 60 fx_eq F fx_dm_path_state "$m" "$devt" || { echo "- -"; fx_link_up 1; return; }
	sleep 2
	watch_start "$m" "$devt" A "$(session_state_file "$dev")"
	t0=$(fx_now_ms); fx_link_up 1
	wait "$WATCH_PID" && read -r ta ts < /tmp/path-watch || { echo "- -"; return; }
	echo "$((ta - t0)) $((ta - ts))"
}
failover_once() {	# prints ms from a blackholed link (no carrier change, no I/O) to the path failed
	local m=$1 dev=$2 devt t0 tf x
	devt=$(fx_devt "$dev")
	wait_for 60 fx_eq A fx_dm_path_state "$m" "$devt" || { echo "-"; return; }
	sleep 1
	watch_start "$m" "$devt" F
	t0=$(fx_now_ms); fx_link_blackhole 1
	if wait "$WATCH_PID" && read -r tf x < /tmp/path-watch; then echo "$((tf - t0))"; else echo "-"; fi
	fx_link_clear 1
	wait_for 90 fx_eq A fx_dm_path_state "$m" "$devt" || true
}
mean() { awk '$1 != "-" { s += $1; n++ } END { if (n) printf "%d", s / n; else printf "-" }'; }
mean2() { awk '$2 != "-" { s += $2; n++ } END { if (n) printf "%d", s / n; else printf "-" }'; }
bench_reinstate() {
	local dev m a b i
	fx_iscsi_simple 2 64 || { echo "iSCSI setup failed"; return 1; }
	dev=$(fx_iscsi_dev if1)
	for who in mpathd multipathd; do
		"${who}_up"; wait_for 60 fx_ge 1 fx_count fx_map_of "$dev"; m=$(fx_map_of "$dev")
		: > "/tmp/reinstate-$who"; : > "/tmp/failover-$who"
		for i in 1 2 3; do reinstate_once "$m" "$dev" >> "/tmp/reinstate-$who"; done
		for i in 1 2 3; do failover_once "$m" "$dev" >> "/tmp/failover-$who"; done
		fx_log "$who: reinstate $(tr '\n' ';' < "/tmp/reinstate-$who") failover $(tr '\n' ' ' < "/tmp/failover-$who")"
		"${who}_down"; flush_maps
	done
	a=$(mean2 < /tmp/reinstate-mpathd); b=$(mean2 < /tmp/reinstate-multipathd)
	row "reinstatement after the session logs back in, mean of 3 (ms)" "$a" "$b" "$(ratio "$a" "$b")"
	a=$(mean < /tmp/reinstate-mpathd); b=$(mean < /tmp/reinstate-multipathd)
	row "reinstatement after the link comes back, mean of 3 (ms)" "$a" "$b" "$(ratio "$a" "$b")"
	a=$(mean < /tmp/failover-mpathd); b=$(mean < /tmp/failover-multipathd)
	row "path failed after its link is blackholed (NOP-out 2 s + 2 s), mean of 3 (ms)" "$a" "$b" "$(ratio "$a" "$b")"
	fx_iscsi_logout_all
}

# CLI latency while a full reconfigure runs in a loop ------------------------------------------
bench_cli() {
	local n=$(( LUNS < 64 ? LUNS : 64 )) out
	[ "$(fx_dm_maps | wc -l)" -gt 0 ] || true
	for who in mpathd multipathd; do
		fx_log "cli: starting $who"
		"${who}_up"; wait_for 300 all_active "$n" || { fx_log "cli: $who did not bring up $n maps"; dmsetup status | head -n 4 >&2; }
		fx_log "cli: sampling $who"
		if [ $who = mpathd ]; then
			python3 "$HERE/cli-latency.py" "$SAMPLES" mpathd "show paths" "$FX_MPATH reconfigure" > "/tmp/cli-$who"
			python3 "$HERE/cli-latency.py" "$((SAMPLES / 4))" exec "$FX_MPATH show paths" "$FX_MPATH reconfigure" > "/tmp/cli-exec-$who"
		else
			python3 "$HERE/cli-latency.py" "$SAMPLES" multipathd "show paths" "multipathd reconfigure" > "/tmp/cli-$who"
			python3 "$HERE/cli-latency.py" "$((SAMPLES / 4))" exec "multipathd show paths" "multipathd reconfigure" > "/tmp/cli-exec-$who"
		fi
		[ "$(fx_dm_maps | wc -l)" = "$n" ] || { fx_log "cli: $who: maps: $(fx_dm_maps | wc -l)"; dmsetup status | head -n 5 >&2; }
		"${who}_down"; flush_maps
		fx_log "cli: $who done: $(cat "/tmp/cli-$who")"
	done
	read -r a50 a99 ar < /tmp/cli-mpathd; read -r b50 b99 br < /tmp/cli-multipathd
	row "show paths on the socket, p50 during reconfigure, $n LUNs x $PATHS (ms)" "$a50" "$b50" "$(ratio "$a50" "$b50")"
	row "show paths on the socket, p99 during reconfigure, $n LUNs x $PATHS (ms)" "$a99" "$b99" "$(ratio "$a99" "$b99")"
	row "reconfigures completed during the sampling" "$ar" "$br" "-"
	read -r a50 a99 ar < /tmp/cli-exec-mpathd; read -r b50 b99 br < /tmp/cli-exec-multipathd
	row "\`mpath show paths\` vs \`multipathd show paths\` process p50 during reconfigure (ms)" "$a50" "$b50" "$(ratio "$a50" "$b50")"
	row "the same, p99 (ms)" "$a99" "$b99" "$(ratio "$a99" "$b99")"
}

# round-robin over 4 rate-limited links against one such link (mpathd only) ----------------
rr_mbps() {	# rr_mbps DEV SECONDS: sequential write throughput in MB/s, as fio reports it
	fio --name=rr --filename="$1" --rw=write --bs=256k --direct=1 --ioengine=libaio --iodepth=16 \
		--time_based --runtime="$2" --size=64m --output-format=terse 2>/dev/null |
		awk -F';' '{ printf "%.2f", $48 / 1024 }'
}
bench_rr() {
	local rate=${MPATH_BENCH_RR_MBIT:-8} n m one all
	fx_iscsi_simple 4 64 || { echo "iSCSI setup failed"; return 1; }
	for n in 1 2 3 4; do fx_rate "$n" "${rate}mbit"; done
	fx_mpathd_start "defaults {
	user_friendly_names yes
	find_multipaths on
}
overrides {
	selector round-robin
	path_selector \"round-robin 0\"
	rr_min_io_rq 1
}" || return 1
	wait_for 30 fx_eq 1 fx_count fx_dm_maps; m=$(fx_dm_maps)
	wait_for 20 fx_eq "A A A A" fx_dm_path_states "$m"
	one=$(rr_mbps "/dev/$(fx_iscsi_dev if1)" 15)
	all=$(rr_mbps "/dev/mapper/$m" 15)
	fx_mpathd_stop; flush_maps
	for n in 1 2 3 4; do fx_link_clear "$n"; done
	fx_iscsi_logout_all
	# fio reports MiB/s; a link of R Mbit/s carries R * 10^6 / 8 bytes per second
	local sum; sum=$(python3 -c "print(f'{4 * $rate * 1e6 / 8 / 1048576:.2f}')")
	row "round-robin, 4 links of $rate Mbit/s: write MiB/s (one link alone)" "$all ($one)" "-" \
		"$(python3 -c "print(f'{100 * $all / $sum:.0f}% of the links\' sum ($sum MiB/s)')")"
}

echo "| what | mpathd | multipathd | multipathd / mpathd |"
echo "|---|---|---|---|"
if want coldstart || want cli || want rss; then
	FX_SDEBUG_MB=4 fx_scsi_debug "$LUNS" "$PATHS" || fx_die "scsi_debug"
	want coldstart || want rss && bench_coldstart
	if want cli; then
		# The CLI benchmark uses at most 64 LUNs: drop the rest so both daemons see the same set.
		if [ "$LUNS" -gt 64 ]; then
			for d in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*:*:*:*; do
				l=${d##*:}; [ "$l" -ge 64 ] && echo 1 > "$d/delete"
			done
			udevadm settle
		fi
		bench_cli
	fi
fi
want reinstate && bench_reinstate
# rr builds its own 4-link target: in the same VM as reinstate's 2-link one it cannot.
if want rr; then
	if want reinstate; then echo "(rr skipped: run \`bench/run.sh rr\` on its own)"; else bench_rr; fi
fi
true
