# SPDX-License-Identifier: GPL-2.0-or-later
# desc: the directio checker (O_DIRECT reads through libaio): it reads, fails an offline path under fio verify, reinstates it; path_checker switched by a reload
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
fx_done
