# SPDX-License-Identifier: GPL-2.0-or-later
# desc: a drop-in for multipathd: same WWIDs and names, its maps taken over under fio with no table load and no removal, ALUA port groups followed, and the maps handed back
# timeout: 1200
. "$(dirname "$0")/../lib/fixtures.sh"

# The arrays: scsi_debug (2 LUNs: one busy, one idle) with Debian's udev rules for WWIDs, and a
# LIO volume with two ALUA port groups, one per link: tpgt_1 (link 1) active/optimized,
# tpgt_2 (link 2) active/non-optimized. And an EqualLogic-style volume (vendor EQLOGIC, two
# members with one port group each, member g on link g). multipath-tools 0.9.4 has no EQLOGIC
# entry (ALUA groups, one path each); mpathd's is multibus round-robin, and eql-slice stacks
# for new maps. Over multipathd's live map it must keep one map: a reload to its own table,
# both tables logged first, and no stack beside it.
fx_scsi_debug 2 2 || fx_die "scsi_debug"
VOL=alua; IQN=$FX_TGT_PREFIX:alua
fx_lio_backstore "$VOL" 128 || fx_die "backstore"
fx_lio_alua_group "$VOL" ao 1 && fx_lio_alua_group "$VOL" ano 2 || fx_die "ALUA groups"
alua_state() {	# alua_state GROUP STATE: 0 active/optimized, 1 active/non-optimized, 2 standby
	echo "$2" > "$(fx_lio_dev "$VOL")/alua/$1/alua_access_state"
}
alua_state ao 0; alua_state ano 1
for n in 1 2; do
	grp=$([ $n = 1 ] && echo ao || echo ano)
	fx_link_add "$n" && fx_lio_iscsi_tpg "$IQN" "$n" "$VOL" "$grp" && fx_lio_portal_add "$IQN" "$n" "10.10.$n.2" &&
		fx_lio_tpg_enable "$IQN" "$n" || fx_die "TPG $n"
done
EIQN=$FX_TGT_PREFIX:eql-vol1
fx_eql_volume 1 2 64 || fx_die "EqualLogic volume"
for g in 1 2; do
	ip -n "$FX_NS" addr add "10.10.$g.$((10 + g))/24" dev "tveth$g"
	fx_lio_iscsi_tpg "$EIQN" "$g" eqlvol1 "member$g" && fx_lio_portal_add "$EIQN" "$g" "10.10.$g.$((10 + g))" &&
		fx_lio_tpg_enable "$EIQN" "$g" || fx_die "EqualLogic member $g"
done
fx_iscsid || fx_die iscsid
for n in 1 2; do
	fx_iscsi_iface "$n" && fx_iscsi_login "$IQN" "10.10.$n.2" "if$n" &&
		fx_iscsi_login "$EIQN" "10.10.$n.$((10 + n))" "if$n" || fx_die "login $n"
done
udevadm settle --timeout=60
a1=$(fx_iscsi_dev if1 "$IQN"); a2=$(fx_iscsi_dev if2 "$IQN")
at1=$(fx_devt "$a1"); at2=$(fx_devt "$a2")
e1=$(fx_iscsi_dev if1 "$EIQN"); e2=$(fx_iscsi_dev if2 "$EIQN")
sd=($(fx_sdebug_disks))

# One config for both daemons, as an admin migrating would have it.
CONF='defaults {
	user_friendly_names yes
	find_multipaths yes
	polling_interval 2
}
blacklist {
	devnode "^(vd|sr|loop|ram)"
}'
mkdir -p /etc/multipath
printf '%s\n' "$CONF" > /etc/multipath.conf
multipathd_up() {
	fx_multipath_tools_rules on
	multipathd -d -s > /tmp/multipathd.log 2>&1 & MPD_PID=$!
	# `show daemon` answers "pid N idle" or "pid N running"
	wait_for 60 bash -c "multipathd show daemon 2>/dev/null | grep -qE 'pid [0-9]+ (idle|running)'" ||
		{ multipathd show daemon; tail -n 20 /tmp/multipathd.log; return 1; }
}
multipathd_down() { kill "$MPD_PID"; wait "$MPD_PID" 2>/dev/null; fx_multipath_tools_rules off; }
maps_named() { for m in $(fx_dm_maps); do echo "$m $(dmsetup info -c --noheadings -o uuid "$m")"; done | sort; }
# every map's table but the EqualLogic map's (the one whose policy differs on purpose)
tables() { for m in $(fx_dm_maps); do [ "$m" = "${E:-}" ] || echo "$m: $(dmsetup table "$m")"; done | sort; }
# kernel_dm_loads FILE: the dm-N of each kernel change uevent of a dm device in FILE (a resume
# after a table load), in order; synthesized ones (SYNTH_UUID) are not loads.
kernel_dm_loads() {
	awk -v RS= '/ACTION=change/ && !/SYNTH_UUID=/ && /DEVPATH=[^\n]*\/dm-/' "$1" |
		sed -n 's|^DEVNAME=/dev/||p' | paste -sd' '
}
port_cmds() { fx_lio_port_cmds "$IQN" "$1"; }
first_devt() { fx_tbl_devts "$1" | awk '{ print $1 }'; }	# the first path of the first group
# share of the commands LIO received on TPG 1 (link 1) over a window of $1 seconds
share_tpg1() {
	local a1 a2 b1 b2
	a1=$(port_cmds 1); a2=$(port_cmds 2); sleep "$1"; b1=$(port_cmds 1); b2=$(port_cmds 2)
	echo "  ($((b1 - a1)) commands on port group 1, $((b2 - a2)) on port group 2 in $1 s)" >&2
	echo $(( (b1 - a1) * 100 / (b1 - a1 + b2 - a2 + 1) ))
}

# 1. multipathd builds the maps.
multipathd_up || fx_die "multipathd did not start"
check "multipathd: 4 maps (2 scsi_debug LUNs, the ALUA volume, the EqualLogic volume)" wait_for 120 fx_eq 4 fx_count fx_dm_maps
A=$(fx_map_of "$a1"); S0=$(fx_map_of "${sd[0]}"); S1=$(fx_map_of "${sd[2]}"); E=$(fx_map_of "$e1")
[ "$S1" = "$S0" ] && S1=$(fx_map_of "${sd[1]}")
check "multipathd: the ALUA map has both paths active" wait_for 60 fx_eq "A A" fx_dm_path_states "$A"
# multipathd pads its columns and prints a header; compare the words only
multipathd show paths format "%d %w" | awk '$1 != "dev" { print $1, $2 }' | sort > /tmp/mpd-wwids
names_before=$(maps_named); tables_before=$(tables)
Edm=$(dmsetup info -c --noheadings -o blkdevname "$E")
echo "  multipathd's maps:"; { echo "$tables_before"; echo "$E: $(dmsetup table "$E")"; } | sed 's/^/  | /'
FX_FIO_SIZE=32m fx_fio_start alua "/dev/mapper/$A" 120
FX_FIO_SIZE=16m fx_fio_start sd0 "/dev/mapper/$S0" 120
FX_FIO_SIZE=16m fx_fio_start eql "/dev/mapper/$E" 120
sleep 3

# 2. multipathd stops (turning queueing off, as queue_without_daemon no says); mpathd takes over.
multipathd_down
# a dm device holds the name the next new map would get: it must never be handed out (made
# before the uevent monitor starts: its own resume is not a takeover's table load)
dmsetup create mpathe --table "0 8 zero"
udevadm settle
udevadm monitor --kernel --property --subsystem-match=block > /tmp/uev-takeover 2>&1 & mon=$!
sleep 1
cp /etc/multipath.conf /tmp/mpathd-takeover.conf
fx_mpathd_start "$CONF" || fx_die "mpathd did not start"
check "mpathd: every map still exists under its name and UUID" wait_for 30 fx_eq "$names_before" maps_named
sleep 8
kill "$mon"; wait "$mon" 2>/dev/null
loads=$(kernel_dm_loads /tmp/uev-takeover)
echo "  dm devices resumed after a table load: ${loads:-none} (the EqualLogic map $E is $Edm)"
check "no table was loaded where the policies match: one load, of the EqualLogic map" test "$loads" = "$Edm"
check "the other maps' tables read the same (queueing restored by message)" wait_for 20 fx_eq "$tables_before" tables
check "the EqualLogic map has mpathd's table: one group, round-robin over both paths" \
	bash -c "dmsetup table $E | grep -qE ' 1 1 round-robin 0 2 1 '"
check "... and both tables were logged before the reload" grep -q "$E: found with a table other than mpathd's for its settings; reloading. was: " /tmp/mpathd.log
check "... and the maps queue again (no_path_retry)" bash -c "dmsetup table $A | grep -q queue_if_no_path"
fx_mpath show paths format "%d %w" | awk '$1 != "dev" { print $1, $2 }' | sort > /tmp/mpathd-wwids
check "every path has the same WWID in both daemons (8 paths)" bash -c "diff -u /tmp/mpd-wwids /tmp/mpathd-wwids && [ \$(wc -l < /tmp/mpathd-wwids) = 8 ]"
check "show paths names each WWID's source (udev ID_SERIAL)" bash -c "$FX_MPATH show paths | grep '^[0-9].* ${sd[0]} ' | grep -q 'udev ID_SERIAL'"
check "the idle map $S1 was not removed" bash -c "dmsetup info $S1 >/dev/null"
# eql-slice would build member devices and a switch; the kernel cannot turn the live multipath
# map into a switch, and devices beside it would hold the same paths twice
check "the EqualLogic map $E stays one multipath device: each of its paths has one holder" \
	bash -c "for d in $e1 $e2; do [ \$(ls /sys/block/\$d/holders | wc -l) = 1 ] || exit 1; done"
check "... and mpathd says why it waits with eql-slice" grep -q "$E: selector eql-slice builds a switch over this multipath map" /tmp/mpathd.log
fx_mpath -ll | sed 's/^/  | /'

# 3. ALUA: the map's groups follow the port groups, and I/O goes to the optimized one.
check "the ALUA map's first group is the optimized path ($a1)" fx_eq "$at1" first_devt "$A"
share=$(share_tpg1 5)
echo "  commands on the optimized port group: $share%"
check "I/O goes to the optimized port group (at least 95% of commands)" test "$share" -ge 95
alua_state ao 1; alua_state ano 0
t0=$(fx_now_ms)
check "groups swapped: $a2 (now optimized) is in the first group within 20 s" wait_for 20 fx_eq "$at2" first_devt "$A"
echo "  the map followed $(( $(fx_now_ms) - t0 )) ms after the states changed"
sleep 3
share=$(share_tpg1 5)
echo "  commands on port group 1 (now non-optimized): $share%"
check "I/O moved to the new optimized port group (at most 5% left on the old)" test "$share" -le 5
alua_state ao 2
sleep 6
share=$(share_tpg1 5)
echo "  commands on port group 1 (now standby): $share%"
check "a standby port group gets no I/O" test "$share" -le 5
[ "$share" -le 5 ] || { dmsetup table "$A"; dmsetup status "$A"; fx_mpath show paths; grep -i prio /tmp/mpathd.log | tail -n 20; }
alua_state ao 0; alua_state ano 1
check "back to the first layout" wait_for 20 fx_eq "$at1" first_devt "$A"
check "fio with verify saw no error across takeover and ALUA changes (ALUA map)" fx_fio_wait alua
check "fio with verify saw no error across the takeover (scsi_debug map)" fx_fio_wait sd0
check "fio with verify saw no error across the takeover (EqualLogic map)" fx_fio_wait eql

# 4. A new LUN after the takeover: a new name, never one a dm device holds.
echo 3 > /sys/bus/pseudo/drivers/scsi_debug/max_luns
for h in $(for d in "${sd[@]}"; do fx_host_of "$d"; done | sort -u); do fx_host_rescan "$h"; done
check "a map for the new LUN" wait_for 60 fx_eq 5 fx_count fx_dm_maps
check "its name is not mpathe (held by another dm device)" bash -c "! dmsetup table mpathe | grep -q multipath"
dmsetup remove mpathe

# 5. A link cut on the adopted map is handled.
FX_FIO_SIZE=16m fx_fio_start cut "/dev/mapper/$A" 40
fx_link_down 1
check "link 1 down: $a1 failed" wait_for 20 fx_eq F fx_dm_path_state "$A" "$at1"
fx_link_up 1
check "link 1 up: $a1 reinstated" wait_for 60 fx_eq A fx_dm_path_state "$A" "$at1"
check "fio with verify saw no error across the link cut" fx_fio_wait cut

# 6. Hand-back: mpathd stops, multipathd takes the maps back: no rename, no removal.
names_mid=$(maps_named)
fx_mpathd_stop
multipathd_up || fx_die "multipathd did not restart"
sleep 10
check "after the hand-back every map exists under the same name and UUID" fx_eq "$names_mid" maps_named
check "multipathd sees every path active" wait_for 60 bash -c "! dmsetup status --target multipath | grep -qE ' F [0-9]'"
multipathd_down
fx_iscsi_logout_all
fx_done
