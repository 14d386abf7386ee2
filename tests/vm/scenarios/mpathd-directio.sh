# SPDX-License-Identifier: GPL-2.0-or-later
# desc: the directio checker (O_DIRECT reads through libaio): it reads, fails an offline path under fio verify, reinstates it; path_checker switched by a reload; no_path_retry N: I/O queues while every path is down, completes when one returns in time, fails cleanly when none does
# timeout: 300
. "$(dirname "$0")/../lib/fixtures.sh"

reads() { awk '{ print $1 }' "/sys/block/$1/stat"; }	# completed reads of sd device $1
# reads_grow DEV SECONDS MIN: DEV completes at least MIN reads in SECONDS
reads_grow() { local a; a=$(reads "$1"); sleep "$2"; [ $(( $(reads "$1") - a )) -ge "$3" ]; }

conf() {	# conf CHECKER
	printf 'defaults {\n\tuser_friendly_names yes\n\tfind_multipaths on\n\tpolling_interval 1\n\tno_path_retry 12\n\tpath_checker %s\n}\n%s\n' "$1" "$FX_SDEBUG_NO_ALUA"
}

fx_scsi_debug 2 2 || fx_die "scsi_debug"
fx_mpathd_start "$(conf directio)" || fx_die "mpathd did not start"
check "2 maps for 2 LUNs x 2 paths" wait_for 30 fx_eq 2 fx_count fx_dm_maps
wait_for 10 bash -c "test \$($FX_MPATH show paths | grep -c ready) -ge 4"
check "all 4 paths ready under directio" test "$($FX_MPATH show paths | grep -c ready)" = 4
fx_mpath -ll

a=$(fx_dm_maps | sort | head -n1); b=$(fx_dm_maps | sort | tail -n1)
victim=$(dmsetup deps -o devname "$a" | grep -o '(sd[a-z]*)' | tr -d '()' | head -n1)
other=$(dmsetup deps -o devname "$b" | grep -o '(sd[a-z]*)' | tr -d '()' | head -n1)
vdevt=$(fx_devt "$victim")
# nothing else reads an idle path: its read counter moves only with the checker
check "the checker reads $other (at least 3 reads in 4 s at polling_interval 1)" reads_grow "$other" 4 3

FX_FIO_SIZE=16m fx_fio_start io "/dev/mapper/$a" 25
sleep 3
fx_path_offline "$victim"
check "$victim fails in the kernel after it goes offline" wait_for 15 fx_eq F fx_dm_path_state "$a" "$vdevt"
check "mpath shows $victim failed and faulty" wait_for 5 bash -c "$FX_MPATH show paths | grep -E ' $victim .*failed.*faulty'"
check "the other map's path is still read while $victim is down" reads_grow "$other" 3 2
sleep 2
t0=$(fx_now_ms)
fx_path_running "$victim"
check "$victim is reinstated after it is back online" wait_for 15 fx_eq A fx_dm_path_state "$a" "$vdevt"
echo "  reinstated $(( $(fx_now_ms) - t0 )) ms after the device came back"
check "fio with verify saw no error across offline/online" fx_fio_wait io

# A reload that changes path_checker restarts the checkers: tur sends no reads.
conf tur > /tmp/mpathd.conf
check "reconfigure to path_checker tur" fx_mpath reconfigure
check "the log names the switch" wait_for 5 bash -c "grep -q '$other: path_checker directio -> tur' /tmp/mpathd.log"
sleep 1
check "tur does not read $other (no read in 4 s)" bash -c "a=\$(awk '{ print \$1 }' /sys/block/$other/stat); sleep 4; test \"\$(awk '{ print \$1 }' /sys/block/$other/stat)\" = \"\$a\""
check "a tur-checked path still fails when offline" bash -c "echo offline > /sys/block/$victim/device/state"
check "... in the kernel" wait_for 15 fx_eq F fx_dm_path_state "$a" "$vdevt"
fx_path_running "$victim"
check "... and returns" wait_for 15 fx_eq A fx_dm_path_state "$a" "$vdevt"
conf directio > /tmp/mpathd.conf
check "reconfigure back to directio" fx_mpath reconfigure
check "directio reads $other again" wait_for 10 reads_grow "$other" 3 2
check "the daemon is alive" kill -0 "$FX_MPATHD_PID"
fx_mpathd_stop

# Every path holds fds: under a soft limit of 16 open files the daemon lifts it to the hard limit.
ulimit -Sn 16
fx_mpathd_start "$(conf directio)"; r=$?
ulimit -Sn 1024
check "the daemon starts under a soft limit of 16 open files" test "$r" = 0
check "... it lifted the soft limit to the hard one" \
	awk '/^Max open files/ { exit !($4 == $5) }' "/proc/$FX_MPATHD_PID/limits"
check "... and all 4 paths are ready" wait_for 20 fx_eq 4 fx_count bash -c "$FX_MPATH show paths | grep ready"
fx_mpathd_stop
check "daemon log has no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"

echo "== no_path_retry 6 (tur): I/O queues while every path of $a is down, completes when one returns in time, fails cleanly when none does"
fx_mpathd_start "defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 1
	no_path_retry 6
}
$FX_SDEBUG_NO_ALUA" || fx_die "mpathd did not start (no_path_retry)"
m=$a
set -- $(dmsetup deps -o devname "$m" | grep -o '(sd[a-z]*)' | tr -d '()')
p1=$1 p2=$2
check "both paths of $m active" wait_for 10 fx_eq "A A" fx_dm_path_states "$m"
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
