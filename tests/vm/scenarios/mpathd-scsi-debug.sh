# SPDX-License-Identifier: GPL-2.0-or-later
# desc: mpathd on scsi_debug: maps, path offline/online under fio verify, kill -9 and adoption
# timeout: 300
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

# Garbage on the socket and an unprivileged writer: errors, and the daemon lives on.
python3 - <<'PY'
import socket, struct
s = socket.socket(socket.AF_UNIX); s.connect("/run/mpathd/mpathd.sock")
s.sendall(b"\xff\xff\xff\x7fgarbage"); s.settimeout(5)
try: print("  reply to oversize frame:", s.recv(64)[:12])
except Exception as e: print("  oversize:", e)
s = socket.socket(socket.AF_UNIX); s.connect("/run/mpathd/mpathd.sock")
s.sendall(struct.pack("<I", 5) + b"\x01\x02\x03\x04\x05"); s.settimeout(5)
print("  reply to binary junk:", s.recv(64)[:12])
PY
check "daemon alive after garbage" kill -0 "$FX_MPATHD_PID"
check "unprivileged client cannot fail a path" bash -c "! setpriv --reuid=65534 --regid=65534 --clear-groups $FX_MPATH fail path $victim"
check "unprivileged client can read" setpriv --reuid=65534 --regid=65534 --clear-groups "$FX_MPATH" show paths
check "the path is still active" fx_eq A fx_dm_path_state "$a" "$vdevt"
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
