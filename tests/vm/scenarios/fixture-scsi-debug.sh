# SPDX-License-Identifier: GPL-2.0-or-later
# desc: scsi_debug fixture: N LUNs x P paths share one WWID per LUN
# timeout: 180
. "$(dirname "$0")/../lib/fixtures.sh"

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
fx_done
