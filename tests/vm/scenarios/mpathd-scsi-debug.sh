# SPDX-License-Identifier: GPL-2.0-or-later
# desc: mpathd on scsi_debug: maps, path offline/online under fio verify, bad frames get error replies, an unprivileged flood does not lock root out and 300 clients at once are answered, kill -9 and adoption
# timeout: 420
. "$(dirname "$0")/../lib/fixtures.sh"

fx_scsi_debug 2 2 || fx_die "scsi_debug"
fx_mpathd_start || fx_die "mpathd did not start"
check "2 maps for 2 LUNs x 2 paths" wait_for 30 fx_eq 2 fx_count fx_dm_maps
check "maps are named mpatha and mpathb" test "$(fx_dm_maps | sort | tr '\n' ' ')" = "mpatha mpathb "
wait_for 10 bash -c "test \$($FX_MPATH show paths | grep -c ready) -ge 4"
fx_mpath -ll
check "mpath -ll shows both maps with 2 paths each" test "$(fx_mpath -ll | grep -cE '(active|failed) +(ready|faulty)')" = 4
check "mpath show paths --json is JSON" bash -c "$FX_MPATH show paths --json | python3 -m json.tool >/dev/null"

a=$(fx_map_of "$(fx_sdebug_disks | head -n1)" | head -n1)
victim=$(dmsetup deps -o devname "$a" | grep -o '(sd[a-z]*)' | tr -d '()' | head -n1)
vdevt=$(fx_devt "$victim")
# With no I/O running the kernel cannot notice: only the daemon's checker fails the path.
t0=$(fx_now_ms)
fx_path_offline "$victim"
check "no I/O: $victim set offline is failed in the kernel within 6 s (polling_interval 2)" \
	wait_for 6 fx_eq F fx_dm_path_state "$a" "$vdevt"
echo "  failed $(( $(fx_now_ms) - t0 )) ms after it went offline, with no I/O"
t0=$(fx_now_ms)
fx_path_running "$victim"
check "no I/O: ... and reinstated within 3 s of coming back (failed paths are re-tested every 250 ms)" \
	wait_for 3 fx_eq A fx_dm_path_state "$a" "$vdevt"
echo "  reinstated $(( $(fx_now_ms) - t0 )) ms after it came back, with no I/O"
FX_FIO_SIZE=16m fx_fio_start io "/dev/mapper/$a" 25
sleep 3
fx_path_offline "$victim"
check "$victim fails in the kernel after it goes offline" wait_for 15 fx_eq F fx_dm_path_state "$a" "$vdevt"
check "mpath shows $victim failed" wait_for 5 bash -c "$FX_MPATH show paths | grep -E '^.* $victim .*failed'"
sleep 3
t0=$(fx_now_ms)
fx_path_running "$victim"
check "$victim is reinstated after it is back online" wait_for 15 fx_eq A fx_dm_path_state "$a" "$vdevt"
echo "  reinstated $(( $(fx_now_ms) - t0 )) ms after the device came back"
check "fio with verify saw no error across offline/online" fx_fio_wait io

# Garbage on the socket: an error reply to each bad frame (its bytes read), and the daemon lives on.
PROBE="python3 $FX_SRC/tests/vm/lib/ipc-probe.py"
check "every bad frame gets an error reply; a connection goes on after a bad request" $PROBE garbage
check "daemon alive after garbage" kill -0 "$FX_MPATHD_PID"
check "unprivileged client cannot fail a path" bash -c "! setpriv --reuid=65534 --regid=65534 --clear-groups $FX_MPATH fail path $victim"
check "unprivileged client can read" setpriv --reuid=65534 --regid=65534 --clear-groups "$FX_MPATH" show paths
check "the path is still active" fx_eq A fx_dm_path_state "$a" "$vdevt"
# A local flood: one unprivileged client holding every connection it can, one reconnecting in a
# loop; root's CLI goes on answering, and 300 clients at once all get answers.
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
nobody $PROBE hold 40 & holder=$!
nobody $PROBE reconnect 40 & looper=$!
sleep 3
failed=0; times=()
for i in $(seq 1 20); do
	t0=$(fx_now_ms)
	if [ $((i % 4)) = 0 ]; then fx_mpath reconfigure >/dev/null 2>&1 || failed=$((failed + 1))
	else fx_mpath show paths | grep -q "$victim" || failed=$((failed + 1)); fi
	times+=($(( $(fx_now_ms) - t0 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n)); median=${sorted[10]}; worst=${sorted[19]}
echo "  under the flood: root's show paths and reconfigure: 20 requests, $failed failed, median $median ms, slowest $worst ms"
check "root's requests all answered under the flood" test "$failed" = 0
# Generous bounds (a starved loop or a root locked out takes the client's full timeout):
check "... median under 1 s and none over 5 s" test "$median" -lt 1000 -a "$worst" -lt 5000
check "a burst of 300 clients (non-blocking connects at once) all get answers during the flood" $PROBE burst 300
kill $holder $looper 2>/dev/null; wait $holder $looper 2>/dev/null
rm -rf /tmp/burst; mkdir -p /tmp/burst
pids=()
for i in $(seq 1 300); do ( "$FX_MPATH" --timeout 60000 show paths > /tmp/burst/$i 2>&1; echo $? > /tmp/burst/$i.rc ) & pids+=($!); done
wait "${pids[@]}"	# (a bare wait would wait for the daemon too)
check "300 mpath show paths started at once: all exit 0 with the paths listed" \
	test "$(cat /tmp/burst/*.rc | grep -cx 0)" = 300 -a "$(grep -l "$victim" /tmp/burst/[0-9]* | wc -l)" = 300
check "daemon alive after the flood" kill -0 "$FX_MPATHD_PID"
check "root can fail a path" fx_mpath fail path "$victim"
check "... and the kernel has it failed" wait_for 5 fx_eq F fx_dm_path_state "$a" "$vdevt"
check "root can reinstate it" fx_mpath reinstate path "$victim"
check "... and it is active again" wait_for 10 fx_eq A fx_dm_path_state "$a" "$vdevt"

# kill -9 under I/O: I/O goes on; the restarted daemon adopts the maps without reloading.
FX_FIO_SIZE=16m fx_fio_start io2 "/dev/mapper/$a" 12
sleep 2
ev_before=$(dmsetup info -c --noheadings -o name,events | sort)
tbl_before=$(dmsetup table | sort)
fx_mpathd_kill9
sleep 2
fx_mpathd_start || fx_die "restart"
sleep 4
check "restarted daemon adopted both maps" test "$($FX_MPATH show maps | grep -c mpath)" -ge 2
check "no table was reloaded by the restart" test "$(dmsetup table | sort)" = "$tbl_before"
check "no dm event from the restart (event counters unchanged)" test "$(dmsetup info -c --noheadings -o name,events | sort)" = "$ev_before"
check "fio with verify saw no error across kill -9 and restart" fx_fio_wait io2
fx_mpathd_stop
check "daemon log has no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"
fx_done
