# SPDX-License-Identifier: GPL-2.0-or-later
# desc: path fixtures: scsi_debug N LUNs x P paths share one WWID per LUN (one store, error injection, offline, delete and rescan); P iface-bound iSCSI logins to a LIO target in a netns give P paths, one WWID; a cut veth link stops I/O on its path and only there
# timeout: 360
. "$(dirname "$0")/../lib/fixtures.sh"

# scsi_debug: 3 LUNs x 4 paths
fx_scsi_debug 3 4 || fx_die "scsi_debug"
disks=$(fx_sdebug_disks)
check "12 disks for 3 LUNs x 4 paths" test "$(echo "$disks" | wc -l)" = 12
declare -A per_wwid
for d in $disks; do w=$(fx_wwid "$d"); per_wwid[$w]=$(( ${per_wwid[$w]:-0} + 1 )); done
check "3 distinct WWIDs" test "${#per_wwid[@]}" = 3
for w in "${!per_wwid[@]}"; do check "WWID $w has 4 paths" test "${per_wwid[$w]}" = 4; done
hosts=$(for d in $disks; do fx_hctl "$d" | cut -d: -f1; done | sort -u | wc -l)
check "paths spread over 4 SCSI hosts" test "$hosts" = 4

# Data written through one path is read back through another: one shared store.
a=$(echo "$disks" | head -n1); w=$(fx_wwid "$a")
b=$(for d in $disks; do [ "$d" != "$a" ] && [ "$(fx_wwid "$d")" = "$w" ] && echo "$d"; done | head -n1)
echo "mpathd-fixture-$$" | dd of="/dev/$a" bs=512 count=1 conv=sync oflag=direct status=none
check "write via $a is read via $b" bash -c "dd if=/dev/$b bs=512 count=1 iflag=direct status=none | grep -q mpathd-fixture-$$"

# Error injection: with opts 2, reads of sectors 4660..4669 fail with a medium error.
rd() { dd if="/dev/$a" of=/dev/null bs=512 count=1 skip="$1" iflag=direct status=none 2>/dev/null; }
fx_sdebug_set opts 2
no_rd() { ! rd "$1"; }
check "medium error injected at sector 4660" no_rd 4660
check "sector 100 still reads" rd 100
fx_sdebug_set opts 0
check "sector 4660 reads again after injection is cleared" rd 4660

# Offline, then running again; delete, then rescan.
fx_path_offline "$a"
check "offline path fails I/O" bash -c "! dd if=/dev/$a of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null"
fx_path_running "$a"
check "running path does I/O again" dd if="/dev/$a" of=/dev/null bs=4k count=1 iflag=direct status=none
host=$(fx_host_of "$a")
fx_path_delete "$a"; udevadm settle
check "deleted path is gone" test ! -e "/sys/block/$a"
fx_host_rescan "$host"
check "rescan brings 12 disks back" wait_for 20 fx_eq 12 fx_count fx_sdebug_disks

# iSCSI
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
