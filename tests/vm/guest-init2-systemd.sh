#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Test-VM stage 2 with systemd as PID 1 (a scenario with `# init: systemd`): a unit runs the
# scenario, records its exit code and powers off. Only udev, the journal and what the scenario
# starts run; the host image's storage daemons are masked.
R=/.vm/results
. "$R/config"
exec </dev/null >/dev/console 2>&1
U=/etc/systemd/system
mkdir -p "/lib/modules/$(uname -r)" /etc/multipath
mount --bind "$MPVM_MODULES" "/lib/modules/$(uname -r)"
rm -f /etc/multipath.conf /etc/multipath/wwids /etc/multipath/bindings
# The host root may carry a container marker; in the VM systemd must see a VM (units with
# ConditionVirtualization=!container, mpathd's among them, would not start).
rm -f /.dockerenv /run/.containerenv
# systemd-tmpfiles empties /tmp at boot (tmp.conf: "D /tmp"), and the scenario may live there
mkdir -p /etc/tmpfiles.d && : > /etc/tmpfiles.d/tmp.conf
echo "$MPVM_HOSTNAME" > /etc/hostname
for u in multipathd.service multipathd.socket iscsid.service iscsid.socket open-iscsi.service \
	 lvm2-monitor.service lvm2-lvmpolld.socket dm-event.socket dm-event.service \
	 getty@tty1.service serial-getty@ttyS0.service systemd-timesyncd.service cron.service \
	 ssh.service ssh.socket networking.service systemd-networkd.service apt-daily.timer \
	 apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer logrotate.timer \
	 systemd-tmpfiles-clean.timer docker.service docker.socket containerd.service \
	 systemd-remount-fs.service systemd-firstboot.service tmp.mount; do
	ln -sf /dev/null "$U/$u"
done
cat > "$U/mpvm.target" <<UNIT
[Unit]
Description=mpathd test VM
Requires=systemd-journald.service systemd-udevd.service systemd-udev-trigger.service mpvm-scenario.service
AllowIsolate=yes
UNIT
cat > "$U/mpvm-scenario.service" <<UNIT
[Unit]
Description=mpathd test scenario
After=systemd-udev-trigger.service systemd-udevd.service systemd-journald.service
[Service]
Type=oneshot
Environment=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb
ExecStartPre=/bin/sh -c 'modprobe configfs; mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config; mkdir -p /run/lock/iscsi /etc/target; ip link set lo up; hostname $MPVM_HOSTNAME; udevadm settle --timeout=60; : > $R/mark.ready'
ExecStart=/bin/bash -c 'cd $MPVM_CWD 2>/dev/null || cd /; set -a; . $R/config; set +a; bash $R/cmd.sh > $R/output 2>&1; echo \$\$? > $R/rc; sync'
ExecStopPost=/bin/sh -c 'sync; echo o > /proc/sysrq-trigger'
TimeoutStartSec=infinity
UNIT
exec /lib/systemd/systemd --unit=mpvm.target --log-target=console --show-status=0
