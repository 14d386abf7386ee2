# SPDX-License-Identifier: GPL-2.0-or-later
# desc: iSCSI session manager: sessions per member and volume within the limits for 1, 2 and 3 members, several volumes and a binding totalsessions; members and volumes added and removed follow, new before old, no I/O error (fio verify)
# timeout: 900
. "$(dirname "$0")/../lib/fixtures.sh"

per_target() { fx_san_sessions_of "eql-vol$1" "${2:-}" "${3:-}"; }
# every volume in "$@" has N sessions, split evenly over the NICs and members
layout_is() {	# layout_is SESSIONS_PER_VOLUME MEMBERS VOLUME...
	local want=$1 members=$2 v g; shift 2
	for v in "$@"; do
		[ "$(per_target "$v")" = "$want" ] || return 1
		[ "$(per_target "$v" "" mpathd-veth1)" = $((want / 2)) ] || return 1
		for g in $(seq 1 "$members"); do
			[ "$(per_target "$v" "$(fx_san_member_ip "$g")")" = $((want / members)) ] || return 1
		done
	done
}
show_layout() { echo "  sessions: $(fx_san_sessions) ($(fx_san_sessions_per_target | tr '\n' ' '))"; }
active_paths() { fx_dm_path_states "$1" | tr ' ' '\n' | grep -c '^A$'; }
map_of_vol() {	# the map of volume V: the one holding a path of its sessions
	local s d
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/targetname")" = "$FX_TGT_PREFIX:eql-vol$1" ] || continue
		for d in "$s"/device/target*/*/block/*; do [ -e "$d" ] && fx_map_of "$(basename "$d")"; done
	done | head -n1
}
maps_all_active() {	# maps_all_active N K: N maps, each with K active paths
	local m
	[ "$(fx_dm_maps | wc -l)" = "$1" ] || return 1
	for m in $(fx_dm_maps); do [ "$(active_paths "$m")" = "$2" ] || return 1; done
}

FX_ISCSI_NOOP_DEFAULT=1 fx_iscsid || fx_die "iscsid"
fx_eql_san 1 2 2 || fx_die "SAN group"
fx_mpathd_start "defaults {
	user_friendly_names yes
	polling_interval 2
	no_path_retry 12
}
overrides {
	selector round-robin
}
iscsi {
	discovery $FX_SAN_GROUP
	nic veth1 veth2
	heartbeat veth0
	totalsessions 64
	discovery_interval 5
	login_timeout 4
}" || fx_die "mpathd did not start"

echo "== 1 member, 2 volumes: membersessions 2 -> one session per NIC"
check "2 sessions per volume, one per NIC, to member 1" wait_for 60 layout_is 2 1 1 2
show_layout
fx_mpath iscsi show sessions
check "the manager's ifaces are bound to veth1 and veth2" bash -c "iscsiadm -m iface | grep -q '^mpathd-veth1 .*,veth1,' && iscsiadm -m iface | grep -q '^mpathd-veth2 .*,veth2,'"
check "no iface is bound to the heartbeat port veth0" bash -c "! iscsiadm -m iface | grep -q ',veth0,'"
node=$(iscsiadm -m node -T "$FX_TGT_PREFIX:eql-vol1" -p "$(fx_san_member_ip 1):3260" -I mpathd-veth1)
[ -n "$node" ] || { iscsiadm -m node; grep -E 'iscsi|run \[' /tmp/mpathd.log | head -n 60; }
check "its node records say node.startup manual" grep -q '^node.startup = manual' <<< "$node"
check "and login_timeout 4" grep -q '^node.conn\[0\].timeo.login_timeout = 4' <<< "$node"
check "the group address itself is not logged in to" fx_eq 0 fx_san_sessions_of eql-group
check "2 maps with 2 active paths each" wait_for 30 maps_all_active 2 2
m1=$(map_of_vol 1)
echo "  volume 1 is $m1"
FX_FIO_SIZE=16m fx_fio_start grow "/dev/mapper/$m1" 45

echo "== member 2 joins: 2 sessions per member"
fx_san_member_add 2 || fx_die "member 2"
check "4 sessions per volume, 2 per member, 2 per NIC" wait_for 60 layout_is 4 2 1 2
show_layout
check "volume 1's map has its 4 paths active" wait_for 30 fx_eq 4 active_paths "$m1"

echo "== member 3 joins: 3 x 2 = 6 = volumesessions"
fx_san_member_add 3 || fx_die "member 3"
check "6 sessions per volume, 2 per member, 3 per NIC" wait_for 60 layout_is 6 3 1 2
show_layout
check "volume 1's map has its 6 paths active" wait_for 30 fx_eq 6 active_paths "$m1"
fx_mpath iscsi show members
check "fio with verify saw no I/O error on volume 1 while members joined" fx_fio_wait grow

echo "== volume 3 added: 6 sessions for it, the others keep theirs"
fx_san_volume_add 3 || fx_die "volume 3"
check "18 sessions: 6 for each of volumes 1, 2 and 3" wait_for 90 layout_is 6 3 1 2 3
show_layout

echo "== volume 3 leaves the group: its sessions go, volumes 1 and 2 keep theirs"
FX_FIO_SIZE=16m fx_fio_start shrink "/dev/mapper/$m1" 60
fx_san_volume_hide 3
check "volume 3 has no session left" wait_for 90 fx_eq 0 per_target 3
check "12 sessions: 6 for each of volumes 1 and 2" fx_eq 12 fx_san_sessions
vol3_records() { iscsiadm -m node 2>/dev/null | grep -c 'eql-vol3$'; }
check "its node records are gone too" wait_for 30 fx_eq 0 vol3_records

echo "== member 3 leaves: its sessions are logged out"
fx_san_member_hide 3
check "4 sessions per volume, none to member 3" wait_for 60 layout_is 4 2 1 2
show_layout
check "volume 1's map is down to its 4 paths, all active" wait_for 30 fx_eq "A A A A" fx_dm_path_states "$m1"
check "fio with verify saw no I/O error on volume 1 while a volume and a member left" fx_fio_wait shrink
fx_mpath iscsi show members

echo "== member 3 back, then 9 more volumes: 11 x 6 = 66 > totalsessions 64"
fx_san_member_unhide 3 || fx_die "member 3 back"
check "6 sessions per volume again" wait_for 60 layout_is 6 3 1 2
for v in $(seq 4 12); do fx_san_volume_add "$v" || fx_die "volume $v"; done
check "64 sessions in all" wait_for 240 fx_eq 64 fx_san_sessions
sleep 3
show_layout
check "still 64: the cap holds" fx_eq 64 fx_san_sessions
volumes_with() { fx_san_sessions_per_target | awk -v n="$1" '$2 == n' | wc -l; }
check "9 volumes have 6 sessions and 2 have 5 (each its first sessions before any its sixth)" bash -c "[ $(volumes_with 6) = 9 ] && [ $(volumes_with 5) = 2 ]"
check "mpath iscsi show sessions says the cap binds" bash -c "$FX_MPATH iscsi show sessions | grep -q 'totalsessions reached'"
check "the JSON view agrees" bash -c "$FX_MPATH iscsi show sessions --json | grep -q '\"capped_by_total\": true'"
check "volume 1 kept its 6 sessions" fx_eq 6 per_target 1
fx_mpath iscsi show members
fx_mpathd_stop
check "the daemon logged no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"
# the VM goes away with its 64 sessions: logging them out would only cost time
fx_done
