# SPDX-License-Identifier: GPL-2.0-or-later
# desc: no_path_retry N: I/O queues while every path is down, completes when one returns in time, fails cleanly when none does
# timeout: 240
. "$(dirname "$0")/../lib/fixtures.sh"

fx_scsi_debug 1 2 || fx_die "scsi_debug"
fx_mpathd_start "defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 1
	no_path_retry 6
}
$FX_SDEBUG_NO_ALUA" || fx_die "mpathd did not start"
check "one map" wait_for 30 fx_eq 1 fx_count fx_dm_maps
m=$(fx_dm_maps)
set -- $(fx_sdebug_disks)
p1=$1 p2=$2
check "both paths active" wait_for 10 fx_eq A fx_dm_path_state "$m" "$(fx_devt "$p2")"
check "queue_if_no_path is on" bash -c "dmsetup table $m | grep -q queue_if_no_path"

# 1. Every path down, one returns within the retry window: I/O waits and completes.
FX_FIO_SIZE=8m fx_fio_start io "/dev/mapper/$m" 12
sleep 2
fx_path_offline "$p1"; fx_path_offline "$p2"
check "both paths fail" wait_for 10 fx_eq "F F" fx_dm_path_states "$m"
sleep 1
check "fio is still running with no usable path: its I/O is queued, not failed" fx_fio_running io
fx_path_running "$p2"
check "$p2 is reinstated" wait_for 10 fx_eq A fx_dm_path_state "$m" "$(fx_devt "$p2")"
check "fio with verify completed with no error: queued I/O went through" fx_fio_wait io
fx_path_running "$p1"
check "$p1 is reinstated" wait_for 10 fx_eq A fx_dm_path_state "$m" "$(fx_devt "$p1")"

# 2. Every path down and none returns: after 6 intervals queueing stops and I/O fails cleanly.
fx_path_offline "$p1"; fx_path_offline "$p2"
check "both paths fail again" wait_for 10 fx_eq "F F" fx_dm_path_states "$m"
t0=$(fx_now_ms)
check "a read fails with an error (no hang) once the retries are spent" \
	bash -c "! timeout 30 dd if=/dev/mapper/$m of=/dev/null bs=4k count=1 iflag=direct status=none"
el=$(( $(fx_now_ms) - t0 ))
echo "  the read failed after $el ms"
check "... within 30 s, i.e. it did not queue forever" test "$el" -lt 30000
check "... and not at once: it queued for the retry window first" test "$el" -ge 2000
check "the daemon turned queueing off" bash -c "grep -q 'no_path_retry exhausted, failing queued I/O' /tmp/mpathd.log"
fx_path_running "$p1"
check "a path returns: queueing is restored" wait_for 15 bash -c "dmsetup table $m | grep -q queue_if_no_path || dmsetup status $m | awk '{ exit \$2 != 1 }'"
check "and reads work again" wait_for 15 dd if="/dev/mapper/$m" of=/dev/null bs=4k count=1 iflag=direct status=none
fx_mpathd_stop
fx_done
