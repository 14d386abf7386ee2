# SPDX-License-Identifier: GPL-2.0-or-later
# desc: safe start and stop: a tableless device left by an interrupted create is repaired, SIGTERM during a cold start leaves none, queue_without_daemon is honoured at stop, a thin-pool on a map with every path down does not stop the daemon from starting
# timeout: 900
. "$(dirname "$0")/../lib/fixtures.sh"

LUNS=16
fx_scsi_debug $LUNS 2 || fx_die "scsi_debug"
first=$(fx_sdebug_disks | head -n1)
wwid1=$(fx_wwid "$first")
conf() {	# conf QUEUE_WITHOUT_DAEMON
	printf '%s\n' "defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 2
	no_path_retry queue
	queue_without_daemon $1
}
$FX_SDEBUG_NO_ALUA"
}
# every mpath- device has a live table (none left half created)
no_tableless() {
	local n bad=0
	for n in $(dmsetup info -c --noheadings -o name,uuid --separator ' ' | awk '$2 ~ /^mpath/ { print $1 }'); do
		[ -n "$(dmsetup table "$n" 2>/dev/null)" ] || { echo "  $n has no table"; bad=1; }
	done
	return $bad
}
all_maps_up() {
	[ "$(fx_dm_maps | wc -l)" = "$LUNS" ] || return 1
	local m
	for m in $(fx_dm_maps); do [ "$(fx_dm_path_states "$m")" = "A A" ] || return 1; done
}

# 1. What an interrupted create leaves: a device with our UUID and no table, under the name
#    the map wants. The daemon removes it and builds the map.
modprobe dm-multipath
dmsetup create --notable mpatha -u "mpath-$wwid1" || fx_die "tableless device"
check "a tableless mpatha with the map's UUID exists before the start" bash -c "dmsetup info mpatha >/dev/null && [ -z \"\$(dmsetup table mpatha)\" ]"
fx_mpathd_start "$(conf no)" || fx_die "mpathd did not start"
check "every map comes up with both paths active" wait_for 180 all_maps_up
check "no device is left without a table" no_tableless
check "the daemon removed the tableless device, and said so" grep -q "had no table (an interrupted create); removed" /tmp/mpathd.log

# 2. SIGTERM while a cold start is creating maps.
fx_mpathd_stop
for m in $(fx_dm_maps); do dmsetup remove "$m"; done
check "no map left before the second cold start" fx_eq 0 fx_count fx_dm_maps
MPATHD_LOG_TIME=1 "$FX_MPATHD" -c /tmp/mpathd.conf -d /nonexistent -v info >>/tmp/mpathd.log 2>&1 &
pid=$!
FX_MPATHD_PIDS+=("$pid")
wait_for 120 fx_ge 1 fx_count fx_dm_maps
kill -TERM "$pid"
t0=$(fx_now_ms)
wait "$pid"; rc=$?
FX_MPATHD_PIDS=("${FX_MPATHD_PIDS[@]/$pid}")
echo "  stopped $(( $(fx_now_ms) - t0 )) ms after SIGTERM, with $(fx_dm_maps | wc -l) of $LUNS maps made"
check "SIGTERM during the cold start: the daemon exits cleanly" test "$rc" = 0
check "... and leaves no device without a table" no_tableless
fx_mpathd_start "$(conf no)" || fx_die "mpathd did not restart"
check "the next start brings every map up" wait_for 180 all_maps_up

# 3. queue_without_daemon: what a map does when the daemon is gone and its paths too.
m=$(fx_map_of "$first")
paths_of() { dmsetup deps -o devname "$1" | grep -o '(sd[a-z]*)' | tr -d '()'; }	# one dmsetup, no status read
P=$(paths_of "$m")
t0=$(fx_now_ms)
fx_mpathd_stop
stop_ms=$(( $(fx_now_ms) - t0 ))
echo "  stopped ${stop_ms} ms after SIGTERM, turning queueing off on $LUNS maps"
check "queue_without_daemon no: the map stopped queueing when the daemon stopped" \
	bash -c "! dmsetup table $m | grep -q queue_if_no_path"
check "... and every other map too" bash -c "! dmsetup table --target multipath | grep -q queue_if_no_path"
check "... and the daemon was gone within 5 s (it waits for the messages, not for a timeout)" test "$stop_ms" -lt 5000
for d in $P; do fx_path_offline "$d"; done
t0=$(fx_now_ms)
check "... so with every path offline a read fails instead of hanging" \
	bash -c "! timeout 20 dd if=/dev/mapper/$m of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null"
echo "  the read failed after $(( $(fx_now_ms) - t0 )) ms"
check "... within 15 s" test $(( $(fx_now_ms) - t0 )) -lt 15000
for d in $P; do fx_path_running "$d"; done
fx_mpathd_start "$(conf yes)" || fx_die "mpathd did not restart"
check "queueing is back on with the daemon (no_path_retry queue)" wait_for 30 bash -c "dmsetup table $m | grep -q queue_if_no_path"
fx_mpathd_stop
check "queue_without_daemon yes: the map still queues after the stop" bash -c "dmsetup table $m | grep -q queue_if_no_path"
for d in $P; do fx_path_offline "$d"; done
dd if=/dev/mapper/"$m" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null & dd_pid=$!
sleep 5
check "... so a read waits with every path offline" kill -0 "$dd_pid"
for d in $P; do fx_path_running "$d"; done
fx_mpathd_start "$(conf no)" || fx_die "mpathd did not restart"
check "... and completes once a path is back" wait_for 60 bash -c "! kill -0 $dd_pid 2>/dev/null"
wait "$dd_pid"; rc=$?
check "... without an error" test "$rc" = 0

# 4. A thin-pool whose metadata lives on a map with every path down: its status would commit
#    metadata and wait for the paths. The daemon starts anyway (it reads tables, not statuses).
modprobe dm-thin-pool || fx_die "dm-thin-pool"
m2=$(fx_map_of "$(fx_sdebug_disks | sed -n 2p)")	# before the pool exists: fx_map_of reads statuses
sz=$(blockdev --getsz "/dev/mapper/$m2")
dmsetup create tmeta --table "0 8192 linear /dev/mapper/$m2 0"
dmsetup create tdata --table "0 $((sz - 8192)) linear /dev/mapper/$m2 8192"
dd if=/dev/zero of=/dev/mapper/tmeta bs=4k count=1 oflag=direct 2>/dev/null
dmsetup create tpool --table "0 $((sz - 8192)) thin-pool /dev/mapper/tmeta /dev/mapper/tdata 128 0" || fx_die "thin-pool"
dmsetup message tpool 0 "create_thin 0" && dmsetup create thin0 --table "0 8192 thin /dev/mapper/tpool 0"
fx_mpathd_stop
# every path of m2 goes, then a write provisions a block: the pool's metadata is dirty and its
# next commit (what a status without noflush does first) waits for m2, which queues
dmsetup message "$m2" 0 queue_if_no_path
# (listed now: `dmsetup ls --target` reads every device's status, the pool's too, and would hang)
P2=$(paths_of "$m2")
for d in $P2; do fx_path_offline "$d"; done
dd if=/dev/urandom of=/dev/mapper/thin0 bs=64k count=1 oflag=direct 2>/dev/null & thin_dd=$!
sleep 3
t0=$(fx_now_ms)
fx_mpathd_start "$(conf no)"; r=$?
check "the daemon starts and answers with a thin-pool over a map with every path down" test $r = 0
check "... and reports ready (show status) within 60 s" wait_for 60 bash -c "$FX_MPATH show status >/dev/null"
echo "  answered $(( $(fx_now_ms) - t0 )) ms after it was started"
for d in $P2; do fx_path_running "$d"; done
check "the map's paths come back" wait_for 60 fx_eq "A A" fx_dm_path_states "$m2"
check "the write to the thin volume completes" wait_for 60 bash -c "! kill -0 $thin_dd 2>/dev/null"
dmsetup remove thin0; dmsetup remove tpool; dmsetup remove tdata; dmsetup remove tmeta
fx_mpathd_stop
fx_done
