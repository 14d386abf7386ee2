# SPDX-License-Identifier: GPL-2.0-or-later
# desc: iSCSI fixture: P iface-bound logins to a LIO target in a netns give P paths, one WWID; a cut veth link stops I/O on its path and only there
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

# Cutting one veth link stops I/O on that path and only on that path.
d1=$(fx_iscsi_dev if1); d2=$(fx_iscsi_dev if2)
# Plain reads on each path device (no multipath): a loop that counts its own successes.
reader() { local n=0; while dd if="/dev/$1" of=/dev/null bs=4k count=16 iflag=direct status=none 2>/dev/null; do n=$((n + 1)); echo $n > "/tmp/reads-$1"; done; }
reader "$d1" & r1=$!
reader "$d2" & r2=$!
sleep 3
check "both paths carry I/O before the cut" test "$(cat /tmp/reads-$d1)" -gt 0 -a "$(cat /tmp/reads-$d2)" -gt 0
fx_link_down 1
sleep 1
a1=$(cat /tmp/reads-$d1); a2=$(cat /tmp/reads-$d2); rx1=$(fx_link_rx_bytes 1)
sleep 4
b1=$(cat /tmp/reads-$d1); b2=$(cat /tmp/reads-$d2); rx1b=$(fx_link_rx_bytes 1)
check "no reads complete on $d1 after the cut ($a1 -> $b1)" test "$a1" = "$b1"
check "reads go on on $d2 ($a2 -> $b2)" test "$b2" -gt "$a2"
check "the target receives nothing on link 1 ($rx1 -> $rx1b)" test "$rx1" = "$rx1b"
check "session on link 2 stays logged in" grep -q LOGGED_IN /sys/class/iscsi_session/session2/state
fx_link_up 1
check "session on link 1 recovers after the link returns" wait_for 30 grep -q LOGGED_IN /sys/class/iscsi_session/session1/state
check "$d1 reads again" wait_for 15 dd if="/dev/$d1" of=/dev/null bs=4k count=1 iflag=direct status=none
kill $r1 $r2 2>/dev/null; wait $r1 $r2 2>/dev/null
fx_iscsi_logout_all
fx_done
