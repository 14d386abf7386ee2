# SPDX-License-Identifier: GPL-2.0-or-later
# desc: iSCSI session state from the kernel: with no I/O and under fio, a blackholed link fails its path within 1 s of the connection error and the session's login reinstates it within 1 s; a hung path does not stall the CLI or other checks; a link taken down and up under fio; the target restarted under fio; a new session's disk joins its map before udev is done with it
# timeout: 360
. "$(dirname "$0")/../lib/fixtures.sh"

log_has() { grep -qE "$1" /tmp/mpathd.log; }
log_since() { tail -n "+$(( $1 + 1 ))" /tmp/mpathd.log; }	# log_since LINES: what came after
export -f log_since

fx_iscsi_simple 2 || fx_die "iSCSI target"
d1=$(fx_iscsi_dev if1); d2=$(fx_iscsi_dev if2)
t1=$(fx_devt "$d1"); t2=$(fx_devt "$d2")
s1=$(readlink -f "/sys/block/$d1/device" | grep -o 'session[0-9]*' | head -n1)
# overrides: the built-in LIO-ORG entry sets path_checker tur, above defaults
FX_MPATHD_LOG=debug fx_mpathd_start 'defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 2
	no_path_retry 12
}
overrides {
	path_checker directio
}' || fx_die "mpathd did not start"
check "one map over the 2 iSCSI paths" wait_for 30 fx_eq 1 fx_count fx_dm_maps
m=$(fx_dm_maps)
check "both paths active" wait_for 10 fx_eq "A A" fx_dm_path_states "$m"
check "the daemon listens to iSCSI connection events" log_has "listening to iSCSI connection events"
check "both paths use the directio checker" bash -c "grep -q '$d1: checker directio' /tmp/mpathd.log && grep -q '$d2: checker directio' /tmp/mpathd.log"
echo "  $d1 is on $s1"

# No I/O first: dm-multipath fails a path only on a failed request, so here only mpathd can.
# Timed by tests/vm/lib/path-watch.py against the session's own sysfs state (1 ms polls):
# the kernel sets FAILED when the connection error stops the connection, LOGGED_IN when the
# relogin is done. Generous bounds that still catch a regression to polling (a directio
# test of a hung session never answers; the failed-path re-test runs every 250 ms).
WATCH=$FX_SRC/tests/vm/lib/path-watch.py
session_state=/sys/class/iscsi_session/$s1/state
watch_vs_session() {	# watch_vs_session DEVT STATE SESSION_STATE ACTION...: ms from the session state to the path state
	local w tp ts; rm -f /tmp/watch.ready
	PATH_WATCH_READY=/tmp/watch.ready PATH_WATCH_SESSION_STATE=$3 python3 "$WATCH" "$m" "$1" "$2" "$session_state" > /tmp/watch.out & w=$!
	wait_for 20 test -e /tmp/watch.ready
	shift 3; "$@"
	if wait "$w" && read -r tp ts < /tmp/watch.out && [ "$ts" -gt 0 ]; then echo $((tp - ts)); else echo 999999; fi
}
ms=$(watch_vs_session "$t1" F FAILED fx_link_blackhole 1)
echo "  no I/O: $d1 failed ${ms} ms after its session went FAILED (negative: before sysfs said so)"
check "no I/O: a blackholed link's path is failed within 1 s of the connection error" test "$ms" -le 1000
check "... by mpathd, on the connection event: the log names $s1" log_has "$s1: iSCSI connection [0-9]+ failed \([a-z_]+\): 1 path failed"
ms=$(watch_vs_session "$t1" A LOGGED_IN fx_link_clear 1)
echo "  no I/O: $d1 reinstated ${ms} ms after its session logged in again"
check "no I/O: the path is reinstated within 1 s of its session's login" test "$ms" -le 1000
check "both paths active again" wait_for 30 fx_eq "A A" fx_dm_path_states "$m"

# A blackholed link: no carrier change, so only the session's NOP-out timeout notices.
FX_FIO_SIZE=32m fx_fio_start io "/dev/mapper/$m" 50
sleep 3
t0=$(fx_now_ms)
fx_link_blackhole 1
hang_log=$(wc -l < /tmp/mpathd.log)
check "the CLI answers while $d1 hangs (within 2 s)" timeout 2 "$FX_MPATH" show paths
check "$d1 is failed in the kernel" wait_for 30 fx_eq F fx_dm_path_state "$m" "$t1"
echo "  path failed $(( $(fx_now_ms) - t0 )) ms after the blackhole"
check "$d2 was tested while $d1 hung (a directio answer in the log)" bash -c "log_since $hang_log | grep -q '$d2: directio ready'"
check "the connection error failed it: the log names $s1" bash -c "log_since $hang_log | grep -qE '$s1: iSCSI connection [0-9]+ failed \([a-z_]+\): 1 path failed'"
check "$d2 stays active" fx_eq A fx_dm_path_state "$m" "$t2"
sleep 4
fx_link_clear 1
check "the session of $d1 logs in again" wait_for 60 fx_eq LOGGED_IN fx_iscsi_session_state "$d1"
tl=$(fx_now_ms)
check "$d1 is reinstated" wait_for 30 fx_eq A fx_dm_path_state "$m" "$t1"
echo "  reinstated $(( $(fx_now_ms) - tl )) ms after the session logged in (as the test polls it)"
check "the session's return was seen: the log names $d1 and $s1" bash -c "log_since $hang_log | grep -q '$d1: $s1 logged in again'"
check "fio with verify saw no error across the blackhole" fx_fio_wait io

# The host's end of the link taken down (no carrier) and up again, under fio.
FX_FIO_SIZE=32m fx_fio_start io3 "/dev/mapper/$m" 30
sleep 2
t0=$(fx_now_ms)
fx_link_down 1
check "a link taken down under fio: $d1 is failed in the kernel" wait_for 30 fx_eq F fx_dm_path_state "$m" "$t1"
echo "  path failed $(( $(fx_now_ms) - t0 )) ms after the link went down"
check "mpath shows $d1 failed" wait_for 5 bash -c "$FX_MPATH show paths | grep -E ' $d1 .*failed'"
check "$d2 stays active" fx_eq A fx_dm_path_state "$m" "$t2"
sleep 3
t0=$(fx_now_ms)
fx_link_up 1
check "$d1 is reinstated after the link comes back" wait_for 60 fx_eq A fx_dm_path_state "$m" "$t1"
echo "  reinstated $(( $(fx_now_ms) - t0 )) ms after the link came back"
check "fio with verify saw no error across the link down and up" fx_fio_wait io3

# The target restarted: its portal group disabled for 4 s, every session drops, I/O queues.
FX_FIO_SIZE=32m fx_fio_start io2 "/dev/mapper/$m" 40
sleep 3
echo 0 > "$FX_CFS/iscsi/$FX_IQN/tpgt_1/enable"
check "both paths fail when the target goes away" wait_for 30 fx_eq "F F" fx_dm_path_states "$m"
sleep 2
check "meanwhile fio's I/O waits in the map's queue: fio still runs, no error" fx_fio_running io2
sleep 2
t0=$(fx_now_ms)
fx_lio_tpg_enable "$FX_IQN" 1
check "both paths return when the target is back" wait_for 60 fx_eq "A A" fx_dm_path_states "$m"
echo "  both paths active $(( $(fx_now_ms) - t0 )) ms after the target came back"
check "fio with verify saw no error across the target restart" fx_fio_wait io2

# A new session of a LUN that has a map: its disk joins the map on the kernel's event, before
# udev has processed it. A rule keeps udev on every new disk (61 s, killed once checked) before
# its database entry and its event, so a daemon waiting for udev cannot pass.
table_paths() { dmsetup table "$m" | grep -o ' [0-9]*:[0-9]* ' | wc -l; }
joined_early() {	# the new disk of if2 is an active path of the map, and udev has not finished it
	d2n=$(fx_iscsi_dev if2); [ -n "$d2n" ] || return 1
	t2n=$(fx_devt "$d2n")
	[ "$(fx_dm_path_state "$m" "$t2n")" = A ] && ! test -e "/run/udev/data/b$t2n"
}
iscsiadm -m node -T "$FX_IQN" -p 10.10.2.2:3260 -I if2 -u >/dev/null
check "$d2's session logged out: the map keeps 1 path" wait_for 30 fx_eq 1 table_paths
echo 'ACTION=="add", SUBSYSTEM=="block", KERNEL=="sd*", PROGRAM="/bin/sleep 61"' > /etc/udev/rules.d/10-slow-test.rules
udevadm control --reload
t0=$(fx_now_ms)
iscsiadm -m node -T "$FX_IQN" -p 10.10.2.2:3260 -I if2 -l >/dev/null
check "a new session's disk joins the map, active, before udev is done with it" wait_for 8 joined_early
echo "  $d2n active in the map $(( $(fx_now_ms) - t0 )) ms after the login command started"
rm -f /etc/udev/rules.d/10-slow-test.rules
udevadm control --reload
pkill -f '^/bin/sleep 61$'
udevadm settle --timeout=60
check "... and udev's own event for $d2n keeps it there, active" fx_eq "A A" fx_dm_path_states "$m"
fx_mpath -ll
fx_mpathd_stop
check "daemon log has no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"
fx_iscsi_logout_all
fx_done
