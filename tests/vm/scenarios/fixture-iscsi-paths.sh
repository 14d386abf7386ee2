# SPDX-License-Identifier: GPL-2.0-or-later
# desc: iSCSI fixture: P iface-bound logins to a LIO target in a netns give P paths, one WWID
# timeout: 240
. "$(dirname "$0")/../lib/fixtures.sh"

P=3
fx_iscsi_simple $P || fx_die "iSCSI target"
devs=$(fx_iscsi_devs)
check "$P sessions" test "$(iscsiadm -m session | wc -l)" = $P
check "$P paths" test "$(echo $devs | wc -w)" = $P
check "one WWID" test "$(for d in $devs; do fx_wwid "$d"; done | sort -u | wc -l)" = 1
for n in $(seq 1 $P); do
	d=$(fx_iscsi_dev "if$n")
	s=$(basename "$(readlink -f /sys/block/$d/device)" | cut -d: -f1)
	check "if$n ($d) is bound to veth$n" test "$(iscsiadm -m session -P 1 | awk -v i=if$n '/Iface Name:/{n=$3} /Iface Netdev:/{ if (n==i) print $3 }')" = "veth$n"
done
check "initiator name is unique to this VM" grep -q "$(hostname)" /etc/iscsi/initiatorname.iscsi
check "vendor is LIO-ORG" test "$(cat /sys/block/$(echo $devs | cut -d' ' -f1)/device/vendor | tr -d ' ')" = LIO-ORG

# Portal removed: the session loses its connection; restored: it logs back in by itself.
d1=$(fx_iscsi_dev if1)
fx_lio_portal_del "$FX_IQN" 1 10.10.1.2
check "session 1 fails after its portal is removed" wait_for 20 bash -c \
	"cat /sys/class/iscsi_session/session1/state | grep -qv LOGGED_IN"
fx_lio_portal_add "$FX_IQN" 1 10.10.1.2
check "session 1 recovers after the portal returns" wait_for 30 bash -c \
	"grep -q LOGGED_IN /sys/class/iscsi_session/session1/state"
check "the path does I/O again" wait_for 10 dd if="/dev/$d1" of=/dev/null bs=4k count=1 iflag=direct status=none

# tc netem delay is visible as latency on that link only.
fx_netem 2 delay 100ms
t2=$(fx_ping_ms 2 10.10.2.2); t3=$(fx_ping_ms 3 10.10.3.2)
fx_link_clear 2
check "netem delay slows link 2 (${t2} ms) and not link 3 (${t3} ms)" test $t2 -ge 100 -a $t3 -lt 100
fx_iscsi_logout_all
fx_done
