# SPDX-License-Identifier: GPL-2.0-or-later
# desc: 32 LUNs x 2 paths give 32 correct maps; hot add and remove of paths and LUNs; a new LUN waits for udev (the kernel's event alone makes no map)
# timeout: 600
. "$(dirname "$0")/../lib/fixtures.sh"

# 32 LUNs over 2 hosts (64 disks): every disk's udev work costs about 1.5 s of CPU under TCG
# (256 disks took 5 minutes to settle), and the suite has a time budget. bench/ runs 256 x 4.
L=32 P=2
FX_SDEBUG_MB=8 fx_scsi_debug $L $P || fx_die "scsi_debug"
t0=$(fx_now_ms)
fx_mpathd_start || fx_die "mpathd did not start"
check "$L maps" wait_for 120 fx_eq $L fx_count fx_dm_maps
echo "  $L maps $(( $(fx_now_ms) - t0 )) ms after the daemon started"

# Every map: P paths, all active, all with the map's WWID, and each LUN in exactly one map.
maps_ok() {
	local m uuid dev bad=0 seen
	seen=$(mktemp)
	for m in $(fx_dm_maps); do
		uuid=$(dmsetup info -c --noheadings -o uuid "$m")
		set -- $(dmsetup deps -o devname "$m" | grep -o '(sd[a-z]*)' | tr -d '()')
		[ $# = $P ] || { echo "  $m has $# paths"; bad=1; }
		for dev in "$@"; do
			[ "mpath-$(fx_wwid "$dev")" = "$uuid" ] || { echo "  $m: $dev has another WWID"; bad=1; }
			echo "$dev" >> "$seen"
		done
		[ "$(fx_dm_path_states "$m")" = "$(echo $(yes A | head -n $P))" ] || { echo "  $m: paths $(fx_dm_path_states "$m")"; bad=1; }
	done
	[ "$(sort "$seen" | uniq -d | wc -l)" = 0 ] || { echo "  a device is in two maps"; bad=1; }
	[ "$(wc -l < "$seen")" = $((L * P)) ] || { echo "  $(wc -l < "$seen") paths in maps, not $((L * P))"; bad=1; }
	rm -f "$seen"
	return $bad
}
check "every map has its LUN's $P paths, all active, and no device is in two maps" wait_for 60 maps_ok
check "mpath -ll lists $L maps" fx_eq $L bash -c "$FX_MPATH -ll | grep -c '^mpath'"
check "mpath show maps --json is JSON with $L maps" \
	bash -c "$FX_MPATH show maps --json | python3 -c 'import json,sys; d=json.load(sys.stdin); m=d.get(\"maps\", d); sys.exit(len(m) != $L)'"

# Hot remove and re-add of one path.
m0=$(fx_map_of "$(fx_sdebug_disks | head -n1)")
victim=$(dmsetup deps -o devname "$m0" | grep -o '(sd[a-z]*)' | tr -d '()' | head -n1)
host=$(fx_host_of "$victim")
FX_FIO_SIZE=8m fx_fio_start io "/dev/mapper/$m0" 20
sleep 2
fx_path_delete "$victim"
check "deleting $victim reloads $m0 with $((P - 1)) paths" wait_for 20 fx_eq $((P - 1)) bash -c "dmsetup table $m0 | grep -o ' [0-9]*:[0-9]* ' | wc -l"
fx_host_rescan "$host"
check "a rescan of $host brings the path back into $m0" wait_for 30 fx_eq $P bash -c "dmsetup table $m0 | grep -o ' [0-9]*:[0-9]* ' | wc -l"
check "fio with verify saw no error across path removal and re-add" fx_fio_wait io

# Hot add of LUNs: two more LUNs on every host. The kernel's event alone makes no map: a new
# LUN waits for udev, held back here by a rule that keeps udev on every new disk (killed once
# checked).
slow_udev() {
	if [ "$1" = on ]; then
		echo 'ACTION=="add", SUBSYSTEM=="block", KERNEL=="sd*", PROGRAM="/bin/sleep 61"' > /etc/udev/rules.d/10-slow-test.rules
		udevadm control --reload
	else
		rm -f /etc/udev/rules.d/10-slow-test.rules
		udevadm control --reload
		pkill -f '^/bin/sleep 61$'
	fi
}
udev_done() { test -e "/run/udev/data/b$1"; }	# udev_done DEVT: udev has processed the disk
disks_now() { fx_sdebug_disks | wc -l; }
new_lun_disks_unmapped() {	# no map more than L, and no new disk processed by udev yet
	local d
	[ "$(fx_count fx_dm_maps)" = $L ] || return 1
	for d in $(fx_sdebug_disks | grep -vxF "$old_disks"); do udev_done "$(cat "/sys/block/$d/dev")" && return 1; done
	return 0
}
slow_udev on
old_disks=$(fx_sdebug_disks)
ndisks=$(disks_now)
fx_sdebug_set max_luns $((L + 2))
for h in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*; do echo "- - -" > "/sys/class/scsi_host/$(basename "$h")/scan"; done
wait_for 30 fx_eq $((ndisks + 2 * P)) disks_now || fx_log "the new LUNs' disks did not all appear"
sleep 1	# the kernel's events are read by now
check "... no map for the new LUNs while udev has not processed their disks" new_lun_disks_unmapped
slow_udev off
check "two new LUNs give two new maps ($((L + 2)))" wait_for 60 fx_eq $((L + 2)) fx_count fx_dm_maps
# Hot remove of a LUN: delete all P paths of one unused map; the map goes away.
m1=$(fx_dm_maps | tail -n1)
for dev in $(dmsetup deps -o devname "$m1" | grep -o '(sd[a-z]*)' | tr -d '()'); do fx_path_delete "$dev"; done
check "removing every path of $m1 removes the map" wait_for 30 bash -c "! dmsetup info $m1 >/dev/null 2>&1"
check "the other $((L + 1)) maps stay" fx_eq $((L + 1)) fx_count fx_dm_maps
fx_mpathd_stop
check "daemon log has no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"
fx_done
