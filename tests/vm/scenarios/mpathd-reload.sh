# SPDX-License-Identifier: GPL-2.0-or-later
# desc: reload changes one array's policy: only that array's map is reloaded, under fio; a bad config is refused whole
# timeout: 360
. "$(dirname "$0")/../lib/fixtures.sh"

# Two arrays: scsi_debug ("Linux scsi_debug", 2 LUNs) and a LIO iSCSI volume ("LIO-ORG").
fx_scsi_debug 2 2 || fx_die "scsi_debug"
fx_iscsi_simple 2 64 || fx_die "iSCSI target"
conf() {	# conf SELECTOR [extra defaults line]
	printf '%s\n' "defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 2
	$2
}
devices {
	device {
		vendor \"LIO-ORG\"
		product \".*\"
		path_selector \"$1\"
	}
}
$FX_SDEBUG_NO_ALUA"
}
fx_mpathd_start "$(conf "round-robin 0")" || fx_die "mpathd did not start"
check "3 maps: 2 scsi_debug LUNs and the LIO volume" wait_for 30 fx_eq 3 fx_count fx_dm_maps
lio=$(fx_map_of "$(fx_iscsi_dev if1)")
sdbg=$(fx_map_of "$(fx_sdebug_disks | head -n1)")
check "the LIO map ($lio) uses round-robin" bash -c "dmsetup table $lio | grep -q 'round-robin 0'"
others() { for m in $(fx_dm_maps); do [ "$m" != "$lio" ] && echo "$m"; done; }
snapshot() { for m in $(others); do echo "$m $(dmsetup info -c --noheadings -o events "$m") $(dmsetup table "$m")"; done; }
before=$(snapshot)

FX_FIO_SIZE=16m fx_fio_start lio "/dev/mapper/$lio" 40
FX_FIO_SIZE=16m fx_fio_start sd "/dev/mapper/$sdbg" 40
sleep 3
# 1. A good config that changes the LIO entry's path_selector.
conf "queue-length 0" > /tmp/mpathd.conf
line=$(grep -n path_selector /tmp/mpathd.conf | cut -d: -f1)
# Kernel evidence of which maps were reloaded: a resume sends a change uevent for its dm-N.
# Change uevents are also synthesized (udev's watch writes "change" to a device's uevent file
# when a writer such as fio closes it); those carry SYNTH_UUID and prove nothing, so they are
# left out. One is synthesized here on purpose, on a scsi_debug map, to keep the filter honest.
udevadm monitor --kernel --property --subsystem-match=block > /tmp/uevents 2>&1 & mon=$!
sleep 1
sdbg_dm=$(dmsetup info -c --noheadings -o blkdevname "$sdbg")
echo change > "/sys/block/$sdbg_dm/uevent"
out=$(fx_mpath reconfigure); rc=$?
sleep 3; kill $mon; wait $mon 2>/dev/null
echo "$out" | sed 's/^/  | /'
check "mpath reconfigure succeeds" test $rc = 0
# one paragraph per uevent: keep kernel (not synthesized) change events of dm devices
reloaded() { awk -v RS= '/ACTION=change/ && !/SYNTH_UUID=/ && match($0, /DEVPATH=[^\n]*\/dm-[0-9]+/) {
	n = substr($0, RSTART, RLENGTH); sub(/.*\//, "", n); print n }' /tmp/uevents | sort -u | tr '\n' ' '; }
synthesized() { awk -v RS= '/ACTION=change/ && /SYNTH_UUID=/' /tmp/uevents | grep -c "^DEVPATH=.*/$sdbg_dm$"; }
check "the synthesized change uevent on $sdbg_dm was seen (and is not counted as a reload)" fx_ge 1 synthesized
changed=$(reloaded)
echo "  dm devices with a kernel change uevent (a resume) during the reconfigure: $changed"
check "only the LIO map's device ($(dmsetup info -c --noheadings -o blkdevname "$lio")) was reloaded" \
	test "$changed" = "$(dmsetup info -c --noheadings -o blkdevname "$lio") "
check "its summary names the LIO map and the change" bash -c "grep -q 'reloading $lio' <<<'$out' && grep -q 'path_selector: round-robin 0 -> queue-length 0' <<<'$out'"
check "and says 1 of 3 maps changed" bash -c "grep -q '1 of 3 maps changed' <<<'$out'"
check "the LIO map now uses queue-length" wait_for 10 bash -c "dmsetup table $lio | grep -q 'queue-length 0'"
check "the scsi_debug maps were not touched (same tables, same event counters)" fx_eq "$before" snapshot
check "show map $lio config traces path_selector to mpathd.conf:$line" \
	bash -c "$FX_MPATH show map $lio config | grep -E '^path_selector +\"?queue-length 0\"? +\\(mpathd.conf:$line\\)'"
fx_mpath show map "$lio" config | grep -E 'path_selector|no_path_retry|hardware_handler' | sed 's/^/  | /'
check "show config prints the effective config" bash -c "$FX_MPATH show config | grep -q 'queue-length 0'"

# 2. A config with errors is refused with file:line, and nothing changes.
conf "round-robin 0" "polling_interval banana" > /tmp/mpathd.conf
bad=$(grep -n banana /tmp/mpathd.conf | cut -d: -f1)
out=$(fx_mpath reconfigure 2>&1); rc=$?
echo "$out" | sed 's/^/  | /'
check "a bad config is refused (non-zero exit)" test $rc != 0
check "... with its file:line" bash -c "grep -q 'mpathd.conf:$bad' <<<'$out'"
check "... and the running config stays (queue-length still loaded and shown)" \
	bash -c "dmsetup table $lio | grep -q 'queue-length 0' && $FX_MPATH show config | grep -q 'queue-length 0'"
check "mpathd -t on the bad file exits non-zero" bash -c "! $FX_MPATHD -t -c /tmp/mpathd.conf -d /nonexistent >/dev/null 2>&1"
check "... and names mpathd.conf:$bad" bash -c "$FX_MPATHD -t -c /tmp/mpathd.conf -d /nonexistent 2>&1 >/dev/null | grep -q 'mpathd.conf:$bad'"
check "the daemon lives on" kill -0 "$FX_MPATHD_PID"

# 3. SIGHUP reloads too.
conf "round-robin 0" > /tmp/mpathd.conf
kill -HUP "$FX_MPATHD_PID"
check "SIGHUP: the LIO map is back on round-robin" wait_for 15 bash -c "dmsetup table $lio | grep -q 'round-robin 0'"
check "the scsi_debug maps were still not touched" fx_eq "$before" snapshot
out=$(fx_mpath reconfigure)
check "a reconfigure with nothing changed reloads no map" bash -c "grep -q 'no map changed' <<<'$out'"
check "fio with verify on the LIO map saw no error across the reloads" fx_fio_wait lio
check "fio with verify on a scsi_debug map saw no error" fx_fio_wait sd
fx_mpathd_stop
fx_iscsi_logout_all
fx_done
