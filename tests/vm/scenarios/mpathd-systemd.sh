# SPDX-License-Identifier: GPL-2.0-or-later
# desc: mpathd as a systemd service (systemd is PID 1): socket activation by the CLI, Type=notify READY only once the maps exist, reload by systemctl, the watchdog restarts a hung daemon and the maps stay, a clean stop
# timeout: 300
# init: systemd
. "$(dirname "$0")/../lib/fixtures.sh"

fx_scsi_debug 2 2 || fx_die "scsi_debug"
check "systemd is PID 1" test "$(cat /proc/1/comm)" = systemd

# The product's units, with the binary under test and a short watchdog.
cp "$FX_SRC/systemd/mpathd.socket" /etc/systemd/system/
sed "s|@sbindir@|/usr/sbin|" "$FX_SRC/systemd/mpathd.service.in" > /etc/systemd/system/mpathd.service
mkdir -p /etc/systemd/system/mpathd.service.d
cat > /etc/systemd/system/mpathd.service.d/test.conf <<EOF
[Service]
ExecStart=
ExecStart=$FX_MPATHD -c /tmp/mpathd.conf -d /nonexistent -v info
WatchdogSec=4s
RestartSec=1s
TimeoutAbortSec=10s
LimitCORE=0
Environment=MPATHD_LOG_TIME=1
EOF
conf() {
	printf '%s\n' "defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 2
	path_selector \"$1\"
	no_path_retry queue
	queue_without_daemon no
}
$FX_SDEBUG_NO_ALUA" > /tmp/mpathd.conf
}
conf "service-time 0"
cp "$FX_SRC/mpathd/udev/56-mpathd.rules" /etc/udev/rules.d/ && udevadm control --reload
systemctl daemon-reload
prop() { systemctl show -p "$2" --value "$1"; }

# --- socket activation: the first CLI request starts the daemon -----------------------------
check "mpathd.socket starts" systemctl start mpathd.socket
check "the service is not running yet" bash -c "! systemctl -q is-active mpathd.service"
check "mpath show maps is answered through the socket systemd holds" timeout 60 "$FX_MPATH" --timeout 45000 show maps
check "that request started mpathd.service" wait_for 30 systemctl -q is-active mpathd.service
check "the daemon serves its root socket too" wait_for 10 test -S /run/mpathd/mpathd.sock.root
check "2 maps" wait_for 30 fx_eq 2 fx_count fx_dm_maps
systemctl stop mpathd.service mpathd.socket
for m in $(fx_dm_maps); do dmsetup remove "$m"; done
check "maps removed for the cold start" fx_eq 0 fx_count fx_dm_maps

# --- Type=notify: `systemctl start` returns once the maps are loaded -------------------------
t0=$(fx_now_ms)
check "systemctl start mpathd.service" systemctl start mpathd.service
echo "  systemctl start returned after $(( $(fx_now_ms) - t0 )) ms"
check "when it returns, both maps already exist (READY=1 after the first loads)" fx_eq 2 fx_count fx_dm_maps
check "and their paths are active" bash -c "for m in \$(dmsetup ls --target multipath | awk '{print \$1}'); do dmsetup status \$m | grep -q ' F ' && exit 1; done; true"
check "systemd shows the daemon's status line" bash -c "systemctl status mpathd.service | grep -q 'Status: \"2 maps'"

# --- reload: systemctl reload re-reads the config and reloads the maps that change ----------
conf "round-robin 0"
check "systemctl reload mpathd" systemctl reload mpathd.service
check "the maps now use round-robin (dm table)" \
	wait_for 20 bash -c "[ \$(dmsetup table --target multipath | grep -c 'round-robin 0') -ge 2 ]"
check "the service is still active" systemctl -q is-active mpathd.service

# --- the watchdog: a daemon that stops answering is restarted, its maps stay -----------------
pid=$(prop mpathd.service MainPID)
sleep 10
check "a healthy daemon pings the watchdog: no restart over 2.5 watchdog periods" \
	test "$(prop mpathd.service NRestarts)" = 0 -a "$(prop mpathd.service MainPID)" = "$pid"
tables=$(dmsetup table --target multipath | sort | md5sum)
FX_FIO_SIZE=16m fx_fio_start wd "/dev/mapper/$(fx_dm_maps | head -n1)" 25
sleep 2
kill -STOP "$pid"
t0=$(fx_now_ms)
# (a timeout shorter than the watchdog's 4 s, so the daemon is still there, stopped)
"$FX_MPATH" --timeout 2000 show maps >/dev/null 2>&1 &
cli=$!
check "the CLI gives up on a hung daemon within 15 s" wait_for 15 bash -c "! kill -0 $cli 2>/dev/null"
wait $cli; rc=$?
check "with the timeout exit code 4 (got $rc)" test "$rc" = 4
check "systemd restarts the hung daemon" wait_for 30 bash -c "p=\$(systemctl show -p MainPID --value mpathd.service); [ \"\$p\" != 0 ] && [ \"\$p\" != $pid ]"
echo "  new daemon $(( $(fx_now_ms) - t0 )) ms after SIGSTOP"
check "it is active again" wait_for 30 systemctl -q is-active mpathd.service
check "NRestarts is 1" test "$(prop mpathd.service NRestarts)" = 1
check "the old daemon is gone" bash -c "! kill -0 $pid 2>/dev/null"
check "the maps are unchanged" test "$(dmsetup table --target multipath | sort | md5sum)" = "$tables"
check "fio with verify across the restart: no error" fx_fio_wait wd
check "the new daemon answers" timeout 10 "$FX_MPATH" show maps

# --- stop: clean exit; queue_without_daemon no turns queueing off ----------------------------
check "the maps queue while the daemon runs (no_path_retry queue)" \
	fx_eq 2 bash -c "dmsetup table --target multipath | grep -c queue_if_no_path"
check "systemctl stop mpathd" systemctl stop mpathd.service
check "it stopped cleanly (Result=success, status 0)" \
	test "$(prop mpathd.service Result)" = success -a "$(prop mpathd.service ExecMainStatus)" = 0
check "queueing is off in every map after the stop" \
	bash -c "! dmsetup table --target multipath | grep -q queue_if_no_path"
check "the maps stay after the stop" fx_eq 2 fx_count fx_dm_maps
journalctl -u mpathd.service --no-pager -o cat 2>/dev/null | grep -E 'err|warn|READY|watchdog' | tail -n 15 | sed 's/^/  journal: /'
fx_done
