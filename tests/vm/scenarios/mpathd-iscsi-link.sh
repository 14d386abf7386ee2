# SPDX-License-Identifier: GPL-2.0-or-later
# desc: mpathd over iSCSI: a link cut and restored under fio with verify; failure and reinstatement times
# timeout: 300
. "$(dirname "$0")/../lib/fixtures.sh"

fx_iscsi_simple 2 || fx_die "iSCSI target"
d1=$(fx_iscsi_dev if1); d2=$(fx_iscsi_dev if2)
t1=$(fx_devt "$d1")
fx_mpathd_start || fx_die "mpathd did not start"
check "one map over the 2 iSCSI paths" wait_for 30 fx_eq 1 fx_count fx_dm_maps
m=$(fx_dm_maps)
check "$d1 and $d2 are both in $m" bash -c "dmsetup deps -o devname $m | grep -q '($d1)' && dmsetup deps -o devname $m | grep -q '($d2)'"
check "both paths active" wait_for 10 fx_eq "A A" fx_dm_path_states "$m"
fx_mpath -ll

FX_FIO_SIZE=32m fx_fio_start io "/dev/mapper/$m" 45
sleep 4
t0=$(fx_now_ms)
fx_link_down 1
check "$d1 is failed in the kernel after its link is cut" wait_for 30 fx_eq F fx_dm_path_state "$m" "$t1"
echo "  path failed $(( $(fx_now_ms) - t0 )) ms after the cut"
check "mpath shows $d1 failed" wait_for 5 bash -c "$FX_MPATH show paths | grep -E ' $d1 .*failed'"
check "$d2 stays active" fx_eq A fx_dm_path_state "$m" "$(fx_devt "$d2")"
sleep 8
t0=$(fx_now_ms)
fx_link_up 1
check "the session of $d1 logs in again" wait_for 60 fx_eq LOGGED_IN fx_iscsi_session_state "$d1"
t1s=$(fx_now_ms)
check "$d1 is reinstated after the link returns" wait_for 60 fx_eq A fx_dm_path_state "$m" "$t1"
t2=$(fx_now_ms)
echo "  reinstated $((t2 - t0)) ms after the link came back, $((t2 - t1s)) ms after the session logged in again"
check "fio with verify saw no error across the cut" fx_fio_wait io
fx_mpath -ll
fx_mpathd_stop
check "daemon log has no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"
fx_iscsi_logout_all
fx_done
