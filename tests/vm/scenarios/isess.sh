# SPDX-License-Identifier: GPL-2.0-or-later
# desc: iSCSI session manager on an EqualLogic-style group (volumes that want CHAP): sessions per member and NIC for 1, 2 and 3 members and 2 volumes; a NIC taken out of the config and put back; carrier loss fails a NIC's paths at once and its return brings them back; a blackholed NIC is failed by the probes before NOP-out would; a stuck iscsiadm stalls nothing; host checks find and --fix ARP flux, rp_filter, a missing routing rule and an MTU mismatch; a volume added and removed, a member leaving; fio verify throughout
# timeout: 900
. "$(dirname "$0")/../lib/fixtures.sh"

# One VM for the whole manager, as few logins as the checks need (a login takes 10-20 s under
# TCG): volume 1 on member 1, then on members 1 and 2 (4 sessions), where the failover and the
# host checks run; then volume 2 comes and goes and member 2 leaves. The totalsessions cap
# (64 sessions at least) has a scenario of its own, isess-scale.

WATCH=$FX_SRC/tests/vm/lib/path-watch.py
per_target() { fx_san_sessions_of "eql-vol$1" "${2:-}" "${3:-}"; }
# layout_is SESSIONS_PER_VOLUME MEMBERS VOLUME...: each volume has that many sessions, half
# through each NIC, split evenly over the members
layout_is() {
	local want=$1 members=$2 v g; shift 2
	for v in "$@"; do
		[ "$(per_target "$v")" = "$want" ] || return 1
		[ "$(per_target "$v" "" mpathd-veth1)" = $((want / 2)) ] || return 1
		for g in $(seq 1 "$members"); do
			[ "$(per_target "$v" "$(fx_san_member_ip "$g")")" = $((want / members)) ] || return 1
		done
	done
}
layout_one_nic() {	# layout_one_nic MEMBERS: volume 1 has one session per member, all through veth1
	local g
	[ "$(per_target 1)" = "$1" ] && [ "$(per_target 1 "" mpathd-veth1)" = "$1" ] || return 1
	for g in $(seq 1 "$1"); do [ "$(per_target 1 "$(fx_san_member_ip "$g")")" = 1 ] || return 1; done
}
show_layout() { echo "  sessions: $(fx_san_sessions) ($(fx_san_sessions_per_target | tr '\n' ' '))"; }
active_paths() { fx_dm_path_states "$1" | tr ' ' '\n' | grep -c '^A$'; }
all_active() { [ "$(fx_dm_path_states "$1")" = "A A A A" ]; }
map_of_vol() {	# the map of volume V: the one holding a path of its sessions
	local s d
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/targetname")" = "$FX_TGT_PREFIX:eql-vol$1" ] || continue
		for d in "$s"/device/target*/*/block/*; do [ -e "$d" ] && fx_map_of "$(basename "$d")"; done
	done | head -n1
}
nic_devts() { fx_iface_devts "mpathd-$1" "eql-vol$2"; }	# nic_devts NIC VOLUME
nic_sessions_down() { fx_iface_sessions_down "mpathd-$1"; }
nic_session_logged_in() {	# some session through NIC $1 is LOGGED_IN
	local s
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/ifacename")" = "mpathd-$1" ] && [ "$(cat "$s/state")" = LOGGED_IN ] && return 0
	done
	return 1
}
# timed STATE DEVTS ACTION...: ms from the action until DEVTS of map $M are in STATE (DEVTS a
# comma list, or +N for at least N paths; tests/vm/lib/path-watch.py); the daemon's log lines
# since the action go to /tmp/timed.log
timed() {
	local want=$1 devts=$2 t0 ta up w; shift 2
	rm -f /tmp/watch.ready
	PATH_WATCH_READY=/tmp/watch.ready python3 "$WATCH" "$M" "$devts" "$want" > /tmp/watch.out & w=$!
	wait_for 20 test -e /tmp/watch.ready || echo "  (the watcher did not start in 20 s)" >&2
	up=$(cut -d' ' -f1 /proc/uptime)
	t0=$(fx_now_ms); "$@"
	if wait "$w" && read -r ta _ < /tmp/watch.out; then echo $((ta - t0)); else echo 999999; fi
	awk -F'[][]' -v t="$up" '$2 + 0 >= t' /tmp/mpathd.log |
		grep -E 'carrier|fail|reinstat|message|iscsi|lost|checker|path|created|reloaded|added' | grep -vE 'SG_IO|test failed|tur (faulty|ready) in' | head -n 40 > /tmp/timed.log
}
show_timed() { echo "  the daemon's log from the action on:"; sed 's/^/    /' /tmp/timed.log; }
under() { [ "$1" -le "$2" ]; }
# leaving_out_of_table MAP: 3 s on, no disk of a session whose logout runs (hangs in the stub)
# is in MAP's table, and there is such a disk
leaving_out_of_table() {
	local sid b n=0 t
	sleep 3
	t=$(dmsetup table "$1")
	for sid in $(pgrep -af -- ' --logout' | sed -n 's/.* -r \([0-9]*\) --logout.*/\1/p' | sort -u); do
		for b in /sys/class/iscsi_session/session"$sid"/device/target*/*/block/*; do
			[ -e "$b" ] || continue
			n=$((n + 1))
			if grep -qw "$(cat "$b/dev")" <<< "$t"; then echo "  $(basename "$b") of session $sid: in $1's table"; return 1; fi
		done
	done
	[ "$n" -gt 0 ] || echo "  no disk of a session being logged out"
	[ "$n" -gt 0 ]
}
sysctl_is() { [ "$(sysctl -n "$1")" = "$2" ]; }
check_says() { "$FX_MPATH" --timeout 20000 iscsi check | tee /tmp/check.out | grep -q -- "$1"; }
# fio NAME has seen no I/O error so far: it still runs, or it ended with err=0 (it stops at
# the first error); fx_fio_wait gives the final word
fio_clean_so_far() {
	fx_fio_running "$1" || { grep -q 'err= *0' "/tmp/fio-$1.out" && ! grep -q 'err= *[1-9]' "/tmp/fio-$1.out"; }
}
vol_records() { iscsiadm -m node 2>/dev/null | grep -c "eql-vol$1\$"; }

export FX_MPATHD_LOG=debug
FX_ISCSI_NOOP_DEFAULT=1 fx_iscsid || fx_die "iscsid"
# every volume wants CHAP; the secret comes from a root-only file and must show nowhere
chap_secret=s3cret-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
export FX_LIO_CHAP="mpathd-host:$chap_secret"
( umask 077; printf 'username mpathd-host\npassword %s\n' "$chap_secret" > /run/mpathd-chap; printf '%s\n' "$chap_secret" > /run/chap-needle )
# Every iscsiadm command line through the first 4 logins is recorded (a command line is
# world-readable in /proc/PID/cmdline): the secret must be on none.
fx_iscsiadm_stub record
fx_eql_san 1 1 2 || fx_die "SAN group"
fx_mpathd_start "defaults {
	user_friendly_names yes
	find_multipaths on
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
	probe_interval 200
	login_timeout 4
	discovery_interval 5
	chap_file /run/mpathd-chap
}" || fx_die "mpathd did not start"

echo "== 1 member, 1 volume: membersessions 2 -> one session per NIC"
check "2 sessions, one per NIC, to member 1" wait_for 60 layout_is 2 1 1
show_layout
check "the manager's ifaces are bound to veth1 and veth2" bash -c "iscsiadm -m iface | grep -q '^mpathd-veth1 .*,veth1,' && iscsiadm -m iface | grep -q '^mpathd-veth2 .*,veth2,'"
check "no iface is bound to the heartbeat port veth0" bash -c "! iscsiadm -m iface | grep -q ',veth0,'"
node=$(iscsiadm -m node -T "$FX_TGT_PREFIX:eql-vol1" -p "$(fx_san_member_ip 1):3260" -I mpathd-veth1)
[ -n "$node" ] || { iscsiadm -m node; grep -E 'iscsi|run \[' /tmp/mpathd.log | head -n 60; }
check "its node records say node.startup manual" grep -q '^node.startup = manual' <<< "$node"
check "and login_timeout 4" grep -q '^node.conn\[0\].timeo.login_timeout = 4' <<< "$node"
no_chap_login_refused() {	# a login through the default iface with no CHAP fails
	local n=(-m node -T "$FX_TGT_PREFIX:eql-vol1" -p "$(fx_san_member_ip 1):3260" -I default) r=0
	iscsiadm "${n[@]}" -o new >/dev/null || return 1
	iscsiadm "${n[@]}" --login >/dev/null 2>&1 && r=1
	iscsiadm "${n[@]}" --logout >/dev/null 2>&1; iscsiadm "${n[@]}" -o delete >/dev/null
	return $r
}
check "the member refuses a login without CHAP" no_chap_login_refused
check "and CHAP, as the member's TPG requires (authentication 1)" bash -c "grep -q '^node.session.auth.authmethod = CHAP' <<< '$node' && grep -qx 1 $FX_CFS/iscsi/$FX_TGT_PREFIX:eql-vol1/tpgt_1/attrib/authentication"
check "the group address itself is not logged in to" fx_eq 0 fx_san_sessions_of eql-group
check "one map" wait_for 30 fx_eq 1 fx_count fx_dm_maps
M=$(map_of_vol 1)
echo "  volume 1 is $M"
check "its 2 paths are active" wait_for 30 fx_eq 2 active_paths "$M"
FX_FIO_SIZE=16m fx_fio_start grow "/dev/mapper/$M" 30

echo "== member 2 joins: 2 sessions per member, 2 per NIC"
fx_san_member_add 2 || fx_die "member 2"
check "4 sessions, 2 per member, 2 per NIC" wait_for 60 layout_is 4 2 1
show_layout
check "all 4 paths of $M active" wait_for 30 all_active "$M"
fx_iscsiadm_stub off
echo "  $(wc -l < /tmp/iscsiadm-argv.log) iscsiadm command lines recorded, $(grep -c -- ' --login' /tmp/iscsiadm-argv.log) of them logins"
check "they include the 4 logins and their node settings" bash -c "[ \$(grep -c -- ' --login' /tmp/iscsiadm-argv.log) -ge 4 ] && grep -q -- '-o update' /tmp/iscsiadm-argv.log"
check "the CHAP secret was on none of them" bash -c "! grep -qF -f /run/chap-needle /tmp/iscsiadm-argv.log"
check "fio with verify saw no I/O error while member 2 joined" fx_fio_wait grow
check "NOP-out timers are open-iscsi's defaults (5 s + 5 s)" bash -c "cat /sys/class/iscsi_connection/connection*/recv_tmo /sys/class/iscsi_connection/connection*/ping_tmo | sort -u | grep -qx 5"
check "the heartbeat sees both members" wait_for 10 bash -c "$FX_MPATH iscsi show members | grep -c ' ok ' | grep -qx 2"
fx_mpath iscsi show ifaces
FX_FIO_SIZE=16m fx_fio_start io "/dev/mapper/$M" 70

echo "== carrier lost on veth1 (the target's end of the cable goes down)"
d1=$(nic_devts veth1 1)
ms=$(timed F "$d1" fx_carrier_down 1)
echo "  veth1's paths ($d1) failed ${ms} ms after the carrier loss"
# Generous bounds that catch a regression; the times themselves are printed (targets: 0.5 s, 1 s, 1.5 s).
check "veth1's paths failed within 3 s" under "$ms" 3000
show_timed
check "veth2's paths stay active" fx_eq 2 active_paths "$M"
check "veth1's sessions are failed at once (connections aborted, no NOP-out wait): their I/O moves on" wait_for 2 nic_sessions_down veth1
sleep 3
echo "== carrier back on veth1 (logouts hang until the stub is taken away)"
fx_iscsiadm_stub logout
ms=$(timed A +4 fx_carrier_up 1)
echo "  every path active again ${ms} ms after the carrier came back"
check "every path active again within 10 s (a generous bound under TCG; the target is 1 s)" under "$ms" 10000
show_timed
check "of an old and new session pair, one is being logged out" wait_for 30 pgrep -f -- ' --logout'
check "the disks of a session being logged out are out of $M's table (a load naming them would fail when they go)" leaving_out_of_table "$M"
fx_iscsiadm_stub off
pkill -f -- ' --logout'
check "2 sessions through veth1" wait_for 30 fx_eq 2 fx_san_sessions_of eql-vol1 "" mpathd-veth1
check "still 4 sessions in all (of each old and new pair, the one that served first stays)" wait_for 30 fx_eq 4 fx_san_sessions

echo "== veth2 blackholed: the link stays up, every packet is dropped"
wait_for 30 all_active "$M"
d2=$(nic_devts veth2 1)
ms=$(timed F "$d2" fx_link_blackhole 2)
echo "  veth2's paths ($d2) failed ${ms} ms after the blackhole (NOP-out would take 5 + 5 s)"
check "veth2's paths failed within 5 s, through the probes (NOP-out would take 10 s)" under "$ms" 5000
show_timed
check "its sessions were still logged in then (no NOP-out timeout yet)" nic_session_logged_in veth2
check "mpath iscsi show members says the paths are down, not the members" bash -c "$FX_MPATH iscsi show members | grep -q 'lost via veth2'"
sleep 2
fx_link_clear 2
check "veth2's paths come back after the blackhole" wait_for 60 all_active "$M"
check "fio saw no I/O error through carrier loss and blackhole" fio_clean_so_far io

echo "== a stuck iscsiadm"
fx_iscsiadm_stub on
fx_mpath iscsi rebalance
check "the rebalance's discovery hangs in the stub" wait_for 10 pgrep -f 'sleep 3600'
stub=$(pgrep -f 'sleep 3600' | head -n1)
worst=0
for _ in 1 2 3 4 5; do
	t0=$(fx_now_ms); "$FX_MPATH" show paths >/dev/null; t=$(( $(fx_now_ms) - t0 ))
	[ "$t" -gt "$worst" ] && worst=$t
done
echo "  mpath show paths: slowest of 5 took ${worst} ms while iscsiadm hangs"
check "mpath show paths answers within 2 s each while iscsiadm hangs" under "$worst" 2000
check "mpath iscsi show sessions answers too" timeout 2 "$FX_MPATH" iscsi show sessions
d1=$(nic_devts veth1 1)
ms=$(timed F "$d1" fx_carrier_down 1)
echo "  veth1's paths failed ${ms} ms after a carrier loss while iscsiadm hangs"
check "carrier loss still fails paths within 3 s while iscsiadm hangs" under "$ms" 3000
show_timed
# the real iscsiadm back at once: the paths' return overlaps the stuck one's deadline
fx_iscsiadm_stub off
fx_carrier_up 1
check "the paths come back once iscsiadm works again" wait_for 60 all_active "$M"
check "the stuck iscsiadm is killed at its deadline (15 s)" wait_for 30 bash -c "! kill -0 $stub 2>/dev/null"
check "fio with verify saw no I/O error through carrier loss, blackhole and the stuck iscsiadm" fx_fio_wait io

echo "== host checks"
check "a missing routing rule per NIC is found" check_says "veth1: no routing rule sends replies from $FX_SAN_NET.2"
cat /tmp/check.out
sysctl -qw net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.veth1.arp_ignore=0
sysctl -qw net.ipv4.conf.all.rp_filter=1
check "ARP flux on veth1 is found" check_says "veth1: arp_ignore is 0"
check "strict rp_filter is found" check_says "rp_filter is strict"
cat /tmp/check.out
echo "-- mpath iscsi check --fix"
"$FX_MPATH" --timeout 30000 iscsi check --fix | tee /tmp/fix.out
check "arp_ignore is 1 again" sysctl_is net.ipv4.conf.veth1.arp_ignore 1
check "rp_filter on veth1 is loose (2): max(all, veth1) is not strict" sysctl_is net.ipv4.conf.veth1.rp_filter 2
check "a rule sends replies from veth1's address by its own table" bash -c "ip rule show | grep -q 'from $FX_SAN_NET.2 lookup 20'"
check "that table routes the subnet out of veth1" bash -c "ip route show table \$(ip rule show | awk '/from $FX_SAN_NET.2 lookup/ { print \$NF }') | grep -q 'dev veth1'"
check "no finding is left" grep -q ': 0 findings' /tmp/fix.out

echo "-- jumbo frames on veth1, 1500 at the target's end"
ip link set veth1 mtu 9000
check "the MTU mismatch is found" check_says "veth1 -> $FX_SAN_NET.1[12]: a don't-fragment ping of 8972 bytes (MTU 9000) gets no answer, one of 1500 does"
cat /tmp/check.out
"$FX_MPATH" --timeout 30000 iscsi check --fix | tee /tmp/fix.out
check "veth1's MTU is 1500 again" fx_eq 1500 cat /sys/class/net/veth1/mtu
check "no finding is left" grep -q ': 0 findings' /tmp/fix.out
check "--fix is idempotent: another run finds and changes nothing" bash -c "$FX_MPATH --timeout 30000 iscsi check --fix | grep -q 'host check [0-9]*: 0 findings\$'"
check "the JSON view has no findings" bash -c "$FX_MPATH iscsi show check --json | grep -q '\"findings\": \[\]'"
check "the paths stayed active through the fixes" wait_for 30 all_active "$M"

echo "== veth2 taken out of the config, then put back (a NIC removed and added)"
FX_FIO_SIZE=16m fx_fio_start nic "/dev/mapper/$M" 90
sed -i 's/^\tnic veth1 veth2$/\tnic veth1/' /tmp/mpathd.conf
fx_mpath reconfigure
check "veth2's sessions are logged out" wait_for 60 fx_eq 0 fx_san_sessions_of eql-vol1 "" mpathd-veth2
check "one session per member left, through veth1" wait_for 10 layout_one_nic 2
show_layout
check "$M has 2 paths, both active" wait_for 30 fx_eq "A A" fx_dm_path_states "$M"
sed -i 's/^\tnic veth1$/\tnic veth1 veth2/' /tmp/mpathd.conf
fx_mpath reconfigure
check "veth2 back: 4 sessions, 2 per member, 2 per NIC" wait_for 60 layout_is 4 2 1
check "all 4 paths of $M active again" wait_for 30 all_active "$M"
check "fio with verify saw no I/O error while a NIC left and came back" fx_fio_wait nic

echo "== member 3 joins: 2 sessions per member, 3 per NIC"
FX_FIO_SIZE=16m fx_fio_start m3 "/dev/mapper/$M" 60
fx_san_member_add 3 || fx_die "member 3"
check "6 sessions, 2 per member, 3 per NIC" wait_for 90 layout_is 6 3 1
show_layout
check "6 paths of $M active" wait_for 30 fx_eq 6 active_paths "$M"
check "fio with verify saw no I/O error while member 3 joined" fx_fio_wait m3

echo "== volume 2 added: 6 sessions for it, volume 1 keeps its own"
fx_san_volume_add 2 || fx_die "volume 2"
check "12 sessions: 6 for each of volumes 1 and 2" wait_for 120 layout_is 6 3 1 2
show_layout
check "2 maps" wait_for 30 fx_eq 2 fx_count fx_dm_maps

echo "== volume 2 leaves the group: its sessions and node records go, volume 1 keeps its own"
FX_FIO_SIZE=16m fx_fio_start shrink "/dev/mapper/$M" 30
fx_san_volume_hide 2
check "volume 2 has no session left" wait_for 60 fx_eq 0 per_target 2
check "6 sessions: volume 1's" fx_eq 6 fx_san_sessions
check "its node records are gone too" wait_for 30 fx_eq 0 vol_records 2

echo "== members 2 and 3 leave: their sessions are logged out"
fx_san_member_hide 2; fx_san_member_hide 3
check "2 sessions, one per NIC, none to members 2 and 3" wait_for 60 layout_is 2 1 1
show_layout
check "$M is down to its 2 paths, both active" wait_for 30 fx_eq "A A" fx_dm_path_states "$M"
check "fio with verify saw no I/O error while a volume and a member left" fx_fio_wait shrink
fx_mpath iscsi show members
fx_mpath iscsi show sessions
check "the CHAP secret shows nowhere: the daemon's debug log, mpath iscsi show, show config" bash -c "! { cat /tmp/mpathd.log; for v in sessions ifaces members check; do $FX_MPATH iscsi show \$v; $FX_MPATH iscsi show \$v --json; done; $FX_MPATH show config; } 2>&1 | grep -qF -- '$chap_secret'"
fx_mpathd_stop
check "the daemon logged no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"
fx_iscsi_logout_all
fx_done
