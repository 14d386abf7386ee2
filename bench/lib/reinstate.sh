# SPDX-License-Identifier: GPL-2.0-or-later
# Reinstatement and failover on one iSCSI LUN over 2 links, the same target, sessions and
# config for both daemons, timed by bench/path-watch.py (dm status by ioctl and the session's
# sysfs state, 1 ms polls; no exec in the measurement).
#   reinstatement: link 1 down until the kernel has the path failed and the session has left
#     LOGGED_IN, then up: time from the link coming up, and from the session's login, until
#     dm status shows the path A.
#   failover: link 1 blackholed (carrier stays up, every packet dropped), no I/O: time until
#     dm status shows the path F.
# Each sample that does not complete within its bound is written as "-" and counted failed.

session_state_file() {	# the sysfs state file of sd device $1's iSCSI session
	echo "/sys/class/iscsi_session/$(readlink -f "/sys/block/$1/device" | grep -o 'session[0-9]*' | head -n1)/state"
}
session_gone() { [ "$(cat "$(session_state_file "$1")")" != LOGGED_IN ]; }
watch_start() { python3 "$BENCH_DIR/path-watch.py" "$@" > "$BENCH_TMP/path-watch" & WATCH_PID=$!; sleep 0.5; }

reinstate_once() {	# prints "ms_from_link_up ms_from_session_login" ("-" for a failed sample)
	local m=$1 dev=$2 devt t0 ta ts
	devt=$(fx_devt "$dev")
	wait_for 60 fx_eq A fx_dm_path_state "$m" "$devt" || { echo "- -"; return; }
	fx_link_down 1
	# Wait for the session too: a link that returns before the NOP-out fails the connection
	# keeps the session, and there would be no login to time.
	if ! wait_for 60 fx_eq F fx_dm_path_state "$m" "$devt" || ! wait_for 30 session_gone "$dev"; then
		echo "- -"; fx_link_up 1; return
	fi
	sleep 1
	watch_start "$m" "$devt" A "$(session_state_file "$dev")"
	t0=$(fx_now_ms); fx_link_up 1
	if wait "$WATCH_PID" && read -r ta ts < "$BENCH_TMP/path-watch"; then
		[ "$ts" -gt 0 ] && echo "$((ta - t0)) $((ta - ts))" || echo "$((ta - t0)) -"
	else
		echo "- -"
	fi
}

failover_once() {	# prints ms from the blackhole to the path failed ("-" for a failed sample)
	local m=$1 dev=$2 devt t0 tf x
	devt=$(fx_devt "$dev")
	wait_for 90 fx_eq A fx_dm_path_state "$m" "$devt" || { echo "-"; return; }
	sleep 1
	watch_start "$m" "$devt" F
	t0=$(fx_now_ms); fx_link_blackhole 1
	if wait "$WATCH_PID" && read -r tf x < "$BENCH_TMP/path-watch"; then echo "$((tf - t0))"; else echo "-"; fi
	fx_link_clear 1
}

reinstate_daemon() {	# reinstate_daemon WHO DEV: every sample of both figures for one daemon
	local who=$1 dev=$2 m i s
	: > "$BENCH_TMP/rein-up-$who"; : > "$BENCH_TMP/rein-login-$who"; : > "$BENCH_TMP/failover-$who"
	if ! daemon_up "$who" "$BENCH_CONF_PLAIN" || ! daemon_ready "$who" || ! wait_for 60 fx_ge 1 fx_count fx_map_of "$dev"; then
		fx_log "$who did not start or build the map: every sample failed"
		for i in $(seq 1 "$REINSTATE_SAMPLES"); do
			for s in rein-up rein-login failover; do echo - >> "$BENCH_TMP/$s-$who"; done
		done
		daemon_down "$who"; flush_maps; return 1
	fi
	m=$(fx_map_of "$dev")
	wait_for 60 fx_eq "A A" fx_dm_path_states "$m" || fx_log "$who: $m: $(fx_dm_path_states "$m")"
	fx_log "$who: map $m: $(dmsetup table "$m")"
	for i in $(seq 1 "$REINSTATE_SAMPLES"); do
		s=$(reinstate_once "$m" "$dev")
		echo "${s% *}" >> "$BENCH_TMP/rein-up-$who"; echo "${s#* }" >> "$BENCH_TMP/rein-login-$who"
		fx_log "$who: reinstate $i: from link up, from login (ms): $s"
	done
	for i in $(seq 1 "$REINSTATE_SAMPLES"); do
		s=$(failover_once "$m" "$dev")
		echo "$s" >> "$BENCH_TMP/failover-$who"
		fx_log "$who: failover $i (ms): $s"
	done
	wait_for 90 fx_eq A fx_dm_path_state "$m" "$(fx_devt "$dev")"
	daemon_down "$who"; flush_maps
}

bench_reinstate() {
	local dev who
	fx_iscsi_simple 2 64 || { echo "iSCSI setup failed"; return 1; }
	dev=$(fx_iscsi_dev if1)
	for who in mpathd multipathd; do reinstate_daemon "$who" "$dev"; done
	table_head "Reinstatement and failover, one iSCSI LUN over 2 links, $REINSTATE_SAMPLES samples per daemon" \
		what "mpathd: median [min–max]" "multipathd: median [min–max]" "samples: mpathd / multipathd" "multipathd / mpathd (medians)"
	samples_row "path back in the map after its session logs in" "$BENCH_TMP/rein-login-mpathd" "$BENCH_TMP/rein-login-multipathd"
	samples_row "path back after its link comes up (includes open-iscsi's relogin)" "$BENCH_TMP/rein-up-mpathd" "$BENCH_TMP/rein-up-multipathd"
	samples_row "path failed after its link is blackholed, no I/O" "$BENCH_TMP/failover-mpathd" "$BENCH_TMP/failover-multipathd"
	echo
	echo "open-iscsi as both daemons ran with it: NOP-out interval 2 s, timeout 2 s; replacement_timeout 5 s"
	echo "(iscsid.conf; fast_io_fail_tmo 5, the default, sets the same recovery_tmo). A blackholed link is"
	echo "noticed by the NOP-out (2 s + 2 s): no daemon can fail the path before the kernel reports it."
	fx_iscsi_logout_all
}
