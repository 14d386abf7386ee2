# SPDX-License-Identifier: GPL-2.0-or-later
# The demo, inside the VM: an EqualLogic-style group (3 members, 2 links), mpathd building its
# eql-slice stack, where the I/O lands, and a link cut under fio verify.
. "$(dirname "$0")/lib/fixtures.sh"
say() { printf '\n### %s\n' "$*"; }
MB=96
IQN=$FX_TGT_PREFIX:eql-vol1

say "simulated EqualLogic group: 3 members, 1 volume of $MB MiB, 2 iSCSI links (LIO in netns '$FX_NS')"
fx_eql_group 3 2 1 $MB || fx_die "group"
fx_eql_login_all || fx_die "login"
iscsiadm -m session
echo "the array's page map (lba_map): 4 MiB pages, runs of 4 pages per member"
head -n 5 /run/fx-lio/eqlvol1.lbamap

say "starting mpathd (the built-in EQLOGIC entry: selector eql-slice)"
fx_mpathd_start "defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 2
}" || fx_die "mpathd"
wait_for 60 bash -c "dmsetup ls --target switch 2>/dev/null | grep -qv '^No'" || { tail /tmp/mpathd.log; fx_die "no stack"; }
wait_for 30 bash -c "test \$($FX_MPATH show paths | grep -c ready) -ge 6"
map=$(dmsetup ls --target switch | awk '{ print $1; exit }')
say "mpath -ll: /dev/mapper/$map is a dm switch over one multipath device per member"
fx_mpath -ll
say "dmsetup ls and the switch's table"
dmsetup ls | sort
dmsetup table "$map"
say "mpath show map $map regions (from SCSI REPORT REFERRALS)"
fx_mpath show map "$map" regions
say "mpath show map $map config (eql-slice settings and where they come from)"
fx_mpath show map "$map" config | grep -E 'selector|path_selector|referrals|no_path_retry|polling'

say "where the I/O lands: 15 s of random reads over the whole volume, per member (LIO counters)"
declare -a before
for t in 1 2 3; do before[$t]=$(fx_lio_port_cmds "$IQN" $t); done
fio --name=spread --filename="/dev/mapper/$map" --rw=randread --bs=4k --direct=1 --ioengine=libaio \
	--iodepth=16 --time_based --runtime=15 --output=/tmp/fio-spread.out >/dev/null 2>&1
total=0
for t in 1 2 3; do total=$(( total + $(fx_lio_port_cmds "$IQN" $t) - before[t] )); done
for t in 1 2 3; do
	got=$(( $(fx_lio_port_cmds "$IQN" $t) - before[t] ))
	echo "member $((10 + t)): $got commands ($(( got * 100 / (total + 1) ))%), owns $(fx_mpath show map "$map" regions | awk -v m="$map-m$((10 + t))" '$4 == m { n += $3 } END { print n + 0 }') of $(( MB / 4 )) regions"
done
echo "(each read went to the member that holds its page: the shares follow the ownership)"

say "fio randwrite with crc32c verify (40 s at most: stopped 5 s after the paths are back); link 1 cut at +5 s, restored at +20 s"
FX_FIO_SIZE=${MB}m fx_fio_start demo "/dev/mapper/$map" 40
sleep 5
t_cut=$(fx_now_ms)
fx_link_down 1
wait_for 30 bash -c "$FX_MPATH show paths | grep -q failed"
echo "paths on link 1 failed $(( $(fx_now_ms) - t_cut )) ms after the cut"
fx_mpath -ll
sleep 10
t_up=$(fx_now_ms)
fx_link_up 1
wait_for 60 bash -c "! $FX_MPATH show paths | grep -q failed" && \
	echo "all paths active again $(( $(fx_now_ms) - t_up )) ms after the link came back"
fx_mpath -ll
if fx_fio_wait demo; then say "I/O carried on through the cut: no error, data verified"; rc=0
else say "fio reported an error"; rc=1; fi
fx_mpathd_stop
fx_iscsi_logout_all
exit $rc
