#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Test-VM stage 2 (PID 1 on the overlay root, which is the host's own userland): prepare
# /run, configfs and udev, run the scenario, record its exit code, power off.
R=/.vm/results
exec </dev/null >/dev/console 2>&1
. "$R/config"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb
finish() {
	echo "$1" > "$R/rc"
	sync
	echo o > /proc/sysrq-trigger
	/.vm/busybox poweroff -f
	sleep 30
}
[ "$MPVM_INIT" = systemd ] && exec bash "$R/stage2-systemd.sh"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /run/lock /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
# /tmp stays the overlay's: writes land in RAM, and a checkout under the host's /tmp stays visible.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin; ln -sfn /proc/self/fd/1 /dev/stdout; ln -sfn /proc/self/fd/2 /dev/stderr
rm -rf /var/run; ln -sfn /run /var/run
# The full module tree of the guest kernel, with modules.dep, lives in the host's cache.
mkdir -p "/lib/modules/$(uname -r)"
mount --bind "$MPVM_MODULES" "/lib/modules/$(uname -r)"
modprobe configfs && mount -t configfs configfs /sys/kernel/config
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname "$MPVM_HOSTNAME"; echo "$MPVM_HOSTNAME" > /etc/hostname
ip link set lo up
# No daemon from the host image may start on its own in the guest.
rm -f /etc/multipath.conf /etc/multipath/wwids /etc/multipath/bindings
mkdir -p /etc/target /run/lock/iscsi
/lib/systemd/systemd-udevd --daemon --resolve-names=never
udevadm trigger --type=subsystems --action=add
udevadm trigger --type=devices --action=add
udevadm settle --timeout=60
: > "$R/mark.ready"
cd "$MPVM_CWD" 2>/dev/null || cd /
bash "$R/cmd.sh" > "$R/output" 2>&1
finish $?
