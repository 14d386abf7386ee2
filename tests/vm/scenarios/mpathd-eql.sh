# SPDX-License-Identifier: GPL-2.0-or-later
# desc: eql-slice on a simulated EqualLogic group (3 members, 2 links, 2 volumes): a dm-switch stack per volume; I/O reaches the owning member (LIO per-port counters); new referrals followed without a table load; a member blackholed and restored; kill -9 and restart re-sends the regions without a load; a fourth member joins under fio; two volumes of different sizes, one grown
# timeout: 720
. "$(dirname "$0")/../lib/fixtures.sh"

MB=64
MB2=96		# volume 2: another size, grown to 128 MiB at the end
FX_EQL_MB=([2]=$MB2)
FX_LIO_LOOP=1 fx_eql_group 3 2 2 $MB || fx_die "EqualLogic group"
fx_eql_login_all || fx_die "login"
check "12 sessions (2 volumes x 3 members x 2 links)" test "$(iscsiadm -m session | wc -l)" = 12
IQN1=$FX_TGT_PREFIX:eql-vol1
# vol1_paths [TPG]: the paths of volume 1, all or those to one member
vol1_paths() {
	local s d
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/targetname")" = "$IQN1" ] || continue
		for d in "$s"/device/target*/*/block/*; do
			[ -e "$d" ] || continue
			d=$(basename "$d")
			if [ -z "${1:-}" ] || [ "$(fx_path_tpg "$d")" = "$1" ]; then echo "$d"; fi
		done
	done
}
# kernel change uevents of dm devices other than path events: resumes after table loads
reloads() { awk -v RS= '/ACTION=change/ && !/SYNTH_UUID=/ && !/DM_ACTION=PATH_/ && /DEVPATH=[^\n]*\/dm-/' "$1" | grep -c '^ACTION=change'; }
watch_uevents() { udevadm monitor --kernel --property --subsystem-match=block > "$1" 2>&1 & MON=$!; sleep 1; }

fx_mpathd_start "defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 2
	referrals_refresh 2
}" || fx_die "mpathd did not start"

# --- the stacks ------------------------------------------------------------------------------
switches() { dmsetup ls --target switch 2>/dev/null | awk '$1 != "No" { print $1 }' | sort; }
check "a switch device per volume" wait_for 60 fx_eq 2 fx_count switches
w1=$(fx_wwid "$(vol1_paths | head -n1)")
top=""
for s in $(switches); do dmsetup info -c --noheadings -o uuid "$s" | grep -q -- "$w1" && top=$s; done
check "volume 1 ($w1) has a switch device" test -n "$top"
fx_mpath -ll
check "$top: switch over 3 member devices, regions of 8192 sectors" \
	bash -c "dmsetup table $top | grep -Eq '^0 $((MB * 2048)) switch 3 8192 0( [0-9]+:[0-9]+ 0){3}\$'"
for t in 11 12 13; do
	own=$(for d in $(vol1_paths $t); do fx_devt "$d"; done | sort | tr '\n' ' ')
	first=$(dmsetup table "$top-m$t" | awk '{ n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+:[0-9]+$/) { n++; if (n <= 2) print $i } }' | sort | tr '\n' ' ')
	check "$top-m$t: its first group holds the 2 paths to member $t ($own)" test "$first" = "$own" -a -n "$own"
	check "$top-m$t: 6 paths in 2 groups" fx_eq 6 fx_count_words fx_tbl_devts "$top-m$t"
done

# share OFF_MB LEN_MB TPG: the percentage of volume 1's commands that member TPG received
# while 4096 random 4 KiB reads hit that range of the switch device (-1 if fewer arrived).
share() {
	local off=$1 len=$2 want=$3 t a tot=0 mine=0 before=()
	for t in $(seq 1 "$FX_EQL_MEMBERS"); do before[$t]=$(fx_lio_port_cmds "${SIQN:-$IQN1}" $t); done
	fio --name=share --filename="/dev/mapper/${SDEV:-$top}" --rw=randread --bs=4k --direct=1 --ioengine=libaio \
		--iodepth=16 --offset="${off}m" --size="${len}m" --io_size=16m --output=/tmp/fio-share.out >/dev/null 2>&1 || return 2
	for t in $(seq 1 "$FX_EQL_MEMBERS"); do
		a=$(fx_lio_port_cmds "${SIQN:-$IQN1}" $t)
		tot=$((tot + a - before[t]))
		[ $((10 + t)) = "$want" ] && mine=$((a - before[t]))
	done
	echo "$mine of $tot commands" > /tmp/share.last
	# 4096 reads of 4 KiB; the block layer may merge a few neighbours, so a few less commands
	echo $((tot >= 3900 ? mine * 100 / tot : -1))
}
share_below() { local v; v=$(share "$1" "$2" "$3") && [ "$v" -ge 0 ] && [ "$v" -lt "$4" ]; }
# The fixture's owners: 16 MiB runs, member 11, 12, 13, 11.
for r in "0 11" "16 12" "32 13"; do
	set -- $r
	check "reads in ${1}-$(($1 + 16)) MiB reach member $2 (>= 95%)" fx_ge 95 share "$1" 16 "$2"
	echo "  member $2: $(cat /tmp/share.last)"
done
check "mpath show map $top regions lists the owners" \
	bash -c "$FX_MPATH show map $top regions | grep -Eq '^32768 65535 4 $top-m12\$'"

# --- new referrals: followed by a message, with no table load --------------------------------
watch_uevents /tmp/eql-uevents.log
fx_eql_owner() { echo $(( ($1 / FX_EQL_STRIPE + 1) % $2 + 1 )); }	# rotated: 12, 13, 11, 12
fx_eql_remap 1 $MB || fx_die "lba_map"
check "after the array moves the pages, reads in 16-32 MiB reach member 13 (>= 95%)" \
	wait_for 20 fx_ge 95 share 16 16 13
echo "  member 13: $(cat /tmp/share.last)"
check "reads in 32-48 MiB reach member 11" fx_ge 95 share 32 16 11
kill $MON; wait $MON 2>/dev/null
check "no dm device was reloaded for it (no resume uevent)" fx_eq 0 reloads /tmp/eql-uevents.log
check "show map regions follows" bash -c "$FX_MPATH show map $top regions | grep -Eq '^32768 65535 4 $top-m13\$'"

# --- a member blackholed, without I/O: mpathd fails its paths and the member's device falls back
dm_states() { dmsetup status "$1" | tr ' ' '\n' | grep -Ex '[AF]' | tr -d '\n'; }
m13=$(for d in $(vol1_paths 13); do fx_devt "$d"; done)
for n in 1 2; do ip -n "$FX_NS" addr del "10.10.$n.13/24" dev "tveth$n"; done
t0=$(fx_now_ms)
for dv in $m13; do
	check "member 13's path $dv fails in $top-m13 (no I/O running)" wait_for 40 fx_eq F fx_dm_path_state "$top-m13" "$dv"
done
echo "  member 13's paths failed $(( $(fx_now_ms) - t0 )) ms after the blackhole"
FX_FIO_SIZE=16m fx_fio_start blk "/dev/mapper/$top" 10 --offset=16m
check "fio with verify on member 13's range, through the fallback group: no error" fx_fio_wait blk
check "reads in 16-32 MiB now reach the other members (member 13 < 5%)" share_below 16 16 13 5
for n in 1 2; do ip -n "$FX_NS" addr add "10.10.$n.13/24" dev "tveth$n"; done
t0=$(fx_now_ms)
for dv in $m13; do
	check "member 13's path $dv is reinstated in $top-m13" wait_for 90 fx_eq A fx_dm_path_state "$top-m13" "$dv"
done
echo "  reinstated $(( $(fx_now_ms) - t0 )) ms after the addresses returned"
check "its device went back to the member's own paths: reads in 16-32 MiB reach member 13 (>= 95%)" \
	wait_for 20 fx_ge 95 share 16 16 13

# --- kill -9, regions scrambled behind its back, restart: no table load, regions re-sent ------
fx_mpathd_kill9
regions=$(( MB * 2048 / 8192 ))
scramble=$(for i in $(seq 0 $((regions - 1))); do printf '%x:0 ' "$i"; done)
check "every region sent to the first member device behind the daemon's back" \
	dmsetup message "$top" 0 set_region_mappings $scramble
check "scrambled: reads in 16-32 MiB now go to member 11" fx_ge 95 share 16 16 11
echo "  member 11: $(cat /tmp/share.last)"
watch_uevents /tmp/eql-uevents2.log
tables_before=$(for d in $top $top-m11 $top-m12 $top-m13; do dmsetup table "$d"; done | md5sum)
fx_mpathd_start "$(cat /tmp/mpathd.conf)" || fx_die "mpathd did not restart"
check "after the restart, reads in 16-32 MiB reach member 13 again" wait_for 30 fx_ge 95 share 16 16 13
check "the tables are unchanged" test "$(for d in $top $top-m11 $top-m12 $top-m13; do dmsetup table "$d"; done | md5sum)" = "$tables_before"
kill $MON; wait $MON 2>/dev/null
check "the restart reloaded no dm device (no resume uevent)" fx_eq 0 reloads /tmp/eql-uevents2.log
fx_mpath -ll "$top"

# --- a member joins the group under I/O: the stack grows, the regions are sent again ------------
FX_FIO_SIZE=64m fx_fio_start grow "/dev/mapper/$top" 40
fx_eql_add_member 4 || fx_die "member 4"
fx_eql_login_member 4 || fx_die "login to member 4"
check "$top: switch over 4 member devices" \
	wait_for 60 bash -c "dmsetup table $top | grep -Eq '^0 $((MB * 2048)) switch 4 8192 '"
check "$top-m14 exists with its 2 own paths first" wait_for 30 fx_eq 8 fx_count_words fx_tbl_devts "$top-m14"
fx_eql_owner() { echo $(( ($1 / FX_EQL_STRIPE) % $2 + 1 )); }	# 16 MiB runs: 11, 12, 13, 14
fx_eql_remap 1 $MB || fx_die "lba_map"
check "fio with verify while member 4 joined: no error" fx_fio_wait grow
check "reads in 48-64 MiB reach the new member 14 (>= 95%)" wait_for 20 fx_ge 95 share 48 16 14
echo "  member 14: $(cat /tmp/share.last)"
check "reads in 16-32 MiB reach member 12" fx_ge 95 share 16 16 12
# --- two LUNs of different sizes; one grows ------------------------------------------------------
IQN2=$FX_TGT_PREFIX:eql-vol2
top2=$(switches | grep -vx "$top")
sw_size() { dmsetup table "$1" | awk '{ print $2, $4, $5 }'; }	# length, members, region size
check "volume 2 ($top2) is a stack of its own size: $((MB2 * 2048)) sectors" \
	fx_eq "$((MB2 * 2048)) 4 8192" sw_size "$top2"
fx_lio_resize eqlvol2 128 || fx_die "resize"
fx_eql_remap 2 128 || fx_die "lba_map 2"
for s in /sys/class/iscsi_session/session*; do
	[ "$(cat "$s/targetname")" = "$IQN2" ] || continue
	for d in "$s"/device/target*/*/block/*; do [ -e "$d" ] && echo 1 > "$d/device/rescan"; done
done
udevadm settle --timeout=30
check "mpath resize map $top2" wait_for 20 fx_mpath resize map "$top2"
check "$top2 grew to 128 MiB, 32 regions of 8192 sectors" wait_for 30 fx_eq "262144 4 8192" sw_size "$top2"
SIQN=$IQN2 SDEV=$top2
check "reads in the grown part (112-128 MiB) reach its owner, member 14 (>= 95%)" wait_for 20 fx_ge 95 share 112 16 14
echo "  member 14: $(cat /tmp/share.last)"
FX_FIO_SIZE=128m fx_fio_start grown "/dev/mapper/$top2" 8
check "fio with verify over the grown volume: no error" fx_fio_wait grown
SIQN=$IQN1 SDEV=$top
fx_mpathd_stop
fx_mpathd_reap_all
check "daemon log has no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"
fx_iscsi_logout_all
fx_done
