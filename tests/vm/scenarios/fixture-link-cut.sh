# SPDX-License-Identifier: GPL-2.0-or-later
# desc: cutting one veth link stops I/O on that path and only on that path
# timeout: 240
. "$(dirname "$0")/../lib/fixtures.sh"

fx_iscsi_simple 2 || fx_die "iSCSI target"
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
kill $r1 $r2 2>/dev/null; wait 2>/dev/null
fx_iscsi_logout_all
fx_done
