# SPDX-License-Identifier: GPL-2.0-or-later
# The demo, inside the VM: an EqualLogic-style group (2 members, 2 links), mpathd, a link cut.
. "$(dirname "$0")/lib/fixtures.sh"
say() { printf '\n### %s\n' "$*"; }

say "simulated EqualLogic group: 2 members, 1 volume, 2 iSCSI links (LIO in netns '$FX_NS')"
fx_eql_group 2 2 1 128 || fx_die "group"
fx_eql_login_all || fx_die "login"
iscsiadm -m session
lsscsi

say "starting mpathd"
fx_mpathd_start "defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 2
	no_path_retry 12
}
overrides {
	path_grouping_policy multibus
	selector round-robin
}" || fx_die "mpathd"
wait_for 30 test -n "$(fx_dm_maps)" || { tail /tmp/mpathd.log; fx_die "no map"; }
wait_for 10 bash -c "test \$($FX_MPATH show paths | grep -c ready) -ge 4"
map=$(fx_dm_maps | head -n1)
say "mpath -ll"
fx_mpath -ll
say "mpath show map $map config (where each value comes from)"
fx_mpath show map "$map" config | grep -E 'selector|path_selector|path_grouping|no_path_retry|polling|hardware_handler'

say "fio randwrite with crc32c verify on /dev/mapper/$map for 40 s; link 1 cut at +5 s, restored at +20 s"
FX_FIO_SIZE=64m fx_fio_start demo "/dev/mapper/$map" 40
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
