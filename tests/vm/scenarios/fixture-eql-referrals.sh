# SPDX-License-Identifier: GPL-2.0-or-later
# desc: simulated EqualLogic group (tcm_loop and iSCSI): VPD 0xB3 and REPORT REFERRALS report the configured owners
# timeout: 300
. "$(dirname "$0")/../lib/fixtures.sh"

MB=64
SECTORS=$((MB * 2048))
verify_group() {	# verify_group LABEL MEMBERS DISKS...
	local label=$1 m=$2; shift 2
	local d first=$1 want got tpgs=""
	check "$label: $m paths" test $# = "$m"
	for d in "$@"; do
		check "$label: $d is EQLOGIC 100E-00" test "$(tr -d ' ' < /sys/block/$d/device/vendor)/$(tr -d ' ' < /sys/block/$d/device/model)" = EQLOGIC/100E-00
		tpgs="$tpgs $(fx_path_tpg "$d")"
	done
	check "$label: one target port group per member ($tpgs)" test "$(echo $tpgs | tr ' ' '\n' | sort -u | tr '\n' ' ')" = "$(seq 11 $((10 + m)) | tr '\n' ' ')"
	check "$label: VPD 0xB3 segment size $FX_EQL_SEG" bash -c "sg_vpd -p 0xb3 /dev/$first | grep -qi 'user data segment size: $FX_EQL_SEG\$'"
	want=$(fx_expected_owners "$m" $SECTORS | md5sum)
	for d in "$@"; do
		got=$(fx_referral_owners "$d")
		check "$label: $d reports $(echo "$got" | wc -l) segments, owners as configured" test "$(echo "$got" | md5sum)" = "$want"
	done
	# The fixture's owner pattern is not trivial: every member owns some segments.
	check "$label: every member owns segments" test "$(fx_referral_owners "$first" | awk '{ print $3 }' | sort -u | wc -l)" = "$m"
}

fx_eql_loop 3 $MB || fx_die "tcm_loop group"
verify_group tcm_loop 3 $(fx_eql_disks)
fx_referral_owners "$(fx_eql_disks | head -n1)" | head -n 6 | sed 's/^/  segment /'

# The iSCSI group: 2 members x 2 links; each member has its own portal on each link.
for d in $(fx_eql_disks); do fx_path_delete "$d"; done
fx_eql_group 2 2 1 $MB || fx_die "iSCSI group"
fx_eql_login_all || fx_die "login"
check "4 sessions (2 members x 2 links)" test "$(iscsiadm -m session | wc -l)" = 4
iscsi_disks=$(for d in $(fx_eql_disks); do readlink -f /sys/block/$d/device | grep -q session && echo $d; done)
check "4 iSCSI paths" test "$(echo $iscsi_disks | wc -w)" = 4
for d in $iscsi_disks; do
	portal=$(cat /sys/class/iscsi_connection/connection$(readlink -f /sys/block/$d/device | grep -o 'session[0-9]*' | tr -d session):0/persistent_address)
	member=$(( ${portal##*.} - 10 ))
	check "iSCSI: $d via portal $portal reports member $member's TPG" test "$(fx_path_tpg $d)" = $((10 + member))
done
want=$(fx_expected_owners 2 $SECTORS | md5sum)
for d in $iscsi_disks; do
	check "iSCSI: $d reports the configured owners" test "$(fx_referral_owners "$d" | md5sum)" = "$want"
done
fx_iscsi_logout_all
fx_done
