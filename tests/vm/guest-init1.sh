#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Test-VM stage 1 (PID 1 in the initramfs): mount the host root read-only over 9p with a
# tmpfs overlay on top, mount the run's results share, then switch_root to stage 2.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec >/dev/console 2>&1
fail() { echo "MPVM-STAGE1-FAIL: $*"; sleep 1; echo o > /proc/sysrq-trigger; poweroff -f; }
stage2=; msize=512000
for a in $(cat /proc/cmdline); do
	case "$a" in
	mpvm.stage2=*) stage2=${a#*=} ;;
	mpvm.msize=*) msize=${a#*=} ;;
	esac
done
for m in virtio_pci 9pnet_virtio 9p overlay; do modprobe $m || fail "modprobe $m"; done
mkdir -p /lower /rw /newroot
n=0
until mount -t 9p -o trans=virtio,version=9p2000.L,msize=$msize,cache=loose,ro hostroot /lower; do
	n=$((n + 1)); [ $n -lt 25 ] || fail "mount host root"; sleep 0.2
done
mount -t tmpfs -o mode=0755,size=75% rw /rw || fail tmpfs
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work root /newroot || fail overlay
mkdir -p /newroot/.vm/results
mount -t 9p -o trans=virtio,version=9p2000.L,msize=$msize,cache=none results /newroot/.vm/results || fail "mount results"
cp /bin/busybox /newroot/.vm/busybox
for d in dev proc sys; do mount --move /$d /newroot/$d; done
[ -x "/newroot$stage2" ] || fail "no stage2 $stage2"
exec switch_root /newroot "$stage2"
