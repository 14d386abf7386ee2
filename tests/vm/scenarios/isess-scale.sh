# SPDX-License-Identifier: GPL-2.0-or-later
# desc: iSCSI session manager at its session cap: 3 members, 2 NICs and 11 volumes want 66 sessions, totalsessions 64 binds (every volume keeps at least 5, the cap is reported); a volume leaves and every other volume gets its 6th session
# timeout: 900
. "$(dirname "$0")/../lib/fixtures.sh"

# Each volume wants min(membersessions 2, 2 NICs) sessions per member on 3 members = 6
# (volumesessions 6 allows it); 11 volumes want 66, one over the smallest totalsessions the
# config accepts (64). The cap is spread so that no volume has two sessions fewer than another.

# One read of every session (under TCG a process per sysfs file would take minutes for 64
# sessions): "SID TARGET_SUFFIX IFACE PORTAL_ADDRESS" lines in /tmp/sess.tab.
sessions_read() {
	grep -H '' /sys/class/iscsi_session/session*/targetname /sys/class/iscsi_session/session*/ifacename \
		/sys/class/iscsi_connection/connection*:0/persistent_address 2>/dev/null |
		awk -v pfx="$FX_TGT_PREFIX:" '{
			match($0, /(session|connection)[0-9]+/); sid = substr($0, RSTART, RLENGTH); gsub(/[a-z]/, "", sid)
			v = $0; sub(/^.*\/(targetname|ifacename|persistent_address):/, "", v)
			if ($0 ~ /targetname:/) { sub(pfx, "", v); t[sid] = v }
			else if ($0 ~ /ifacename:/) i[sid] = v
			else a[sid] = v
		} END { for (s in t) print s, t[s], i[s], a[s] }' > /tmp/sess.tab
}
all_sessions() { sessions_read; wc -l < /tmp/sess.tab; }
per_vol() { awk -v t="eql-vol$1" '$2 == t' /tmp/sess.tab | wc -l; }	# from the last sessions_read
per_vol_now() { sessions_read; per_vol "$1"; }
counts() { local v; sessions_read; for v in $(seq 1 "$1"); do printf '%s ' "$(per_vol "$v")"; done; echo; }
# spread_ok VOLS LO HI: every volume 1..VOLS has between LO and HI sessions
spread_ok() {
	local v n
	sessions_read
	for v in $(seq 1 "$1"); do n=$(per_vol "$v"); [ "$n" -ge "$2" ] && [ "$n" -le "$3" ] || return 1; done
}
# members_ok VOLS: every volume has a session to each of the 3 members
members_ok() {
	sessions_read
	awk -v vols="$1" -v net="$FX_SAN_NET" '{ seen[$2 " " $4] = 1 }
		END { for (v = 1; v <= vols; v++) for (g = 1; g <= 3; g++)
			if (!(("eql-vol" v " " net "." (10 + g)) in seen)) exit 1 }' /tmp/sess.tab
}
nic_sessions() { sessions_read; awk -v i="$1" '$3 == i' /tmp/sess.tab | wc -l; }
maps_complete() {	# every map has as many active paths as its volume has sessions, and there are $1 maps
	local m n=0 want
	for m in $(fx_dm_maps); do
		n=$((n + 1))
		want=$(dmsetup status "$m" | tr ' ' '\n' | grep -c '^[0-9]*:[0-9]*$')
		[ "$(fx_dm_path_states "$m" | tr ' ' '\n' | grep -c '^A$')" = "$want" ] || return 1
	done
	[ "$n" = "$1" ]
}
says() { local re=$1; shift; "$FX_MPATH" "$@" | grep -q -- "$re"; }	# says REGEX MPATH_ARGS...
not() { ! "$@"; }
maps_settle() { wait_for 120 maps_complete "$1" || { show_maps; return 1; }; }	# maps_settle N: or show them
show_maps() { local m; for m in $(fx_dm_maps); do echo "  $m: $(fx_dm_path_states "$m")"; done; }
paths_in_maps() {	# how many paths all maps hold
	local m
	for m in $(fx_dm_maps); do dmsetup status "$m" | tr ' ' '\n' | grep -c '^[0-9]*:[0-9]*$'; done | awk '{ n += $1 } END { print n + 0 }'
}

FX_ISCSI_NOOP_DEFAULT=1 fx_iscsid || fx_die "iscsid"
FX_SAN_MB=8 fx_eql_san 3 11 2 || fx_die "SAN group"
fx_mpathd_start "defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 2
}
overrides {
	selector round-robin
}
iscsi {
	discovery $FX_SAN_GROUP
	nic veth1 veth2
	heartbeat veth0
	login_timeout 4
	discovery_interval 5
	totalsessions 64
}" || fx_die "mpathd did not start"

echo "== 11 volumes want 66 sessions; totalsessions 64"
check "64 sessions logged in" wait_for 400 fx_eq 64 fx_san_sessions
sleep 5
echo "  sessions per volume: $(counts 11)"
check "and no more once settled (the cap holds)" fx_eq 64 all_sessions
check "every volume has 5 or 6 sessions (the cap is spread, not taken from one volume)" spread_ok 11 5 6
check "every volume has a session to each of the 3 members" members_ok 11
check "each NIC carries half of them" fx_eq 32 nic_sessions mpathd-veth1
check "mpath iscsi show says totalsessions is reached" says 'totalsessions reached' iscsi show sessions
check "and --json says capped_by_total" says '"capped_by_total": *true' iscsi show sessions --json
check "11 maps, every path of each active" maps_settle 11
check "the maps hold all 64 sessions' disks" fx_eq 64 paths_in_maps

echo "== volume 11 leaves the group: the cap no longer binds"
fx_san_volume_hide 11 || fx_die "hide volume 11"
check "volume 11 has no session left" wait_for 120 fx_eq 0 per_vol_now 11
check "60 sessions: 6 for each of the 10 volumes left" wait_for 200 fx_eq 60 all_sessions
echo "  sessions per volume: $(counts 11)"
check "every volume left has 6" spread_ok 10 6 6
check "mpath iscsi show no longer says the cap is reached" not says 'totalsessions reached' iscsi show sessions
check "10 maps with every path active (volume 11's is removed)" maps_settle 10

fx_done
