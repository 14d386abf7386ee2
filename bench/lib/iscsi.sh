# SPDX-License-Identifier: GPL-2.0-or-later
# The iSCSI session manager against open-iscsi alone, on one EqualLogic-style group (1 member,
# 1 volume; fx_eql_san): 2 bound NICs (veth1, veth2) and a heartbeat port (veth0). Three
# set-ups on the same target, one after the other, each with one session per NIC:
#   manager:    mpathd with an iscsi section; the manager logs the sessions in;
#   mpathd:     mpathd without it, the sessions logged in by hand (ifaces bound to the NICs);
#   multipathd: multipathd tuned (BENCH_DEFAULTS) on the same hand-made sessions.
# open-iscsi as an admin tunes it for all three: NOP-out every 2 s, 2 s timeout,
# replacement_timeout 5 (fx_iscsid). No I/O runs, so the kernel fails no path on its own.
# Per sample, timed by tests/vm/lib/path-watch.py (dm status by ioctl, no exec):
#   carrier up: veth1's far end down until its paths are failed and its sessions have left
#     LOGGED_IN, then up: ms until the map has 2 active paths again (the manager's are new
#     sessions, so any 2);
#   blackhole: every packet leaving veth1 dropped, carrier kept: ms until veth1's paths are
#     failed.
# A sample that does not complete within its bound is written as "-" and counted failed.

ISCSI_WATCH=$FX_SRC/tests/vm/lib/path-watch.py
ISCSI_SAMPLES=${MPATH_BENCH_ISCSI_SAMPLES:-10}
ISCSI_VOL=eql-vol1

iscsi_watch() {	# iscsi_watch MAP DEVTS STATE: start the watcher, return once it reads
	rm -f "$BENCH_TMP/watch.ready"
	PATH_WATCH_READY=$BENCH_TMP/watch.ready python3 "$ISCSI_WATCH" "$@" > "$BENCH_TMP/path-watch" &
	WATCH_PID=$!
	wait_for 20 test -e "$BENCH_TMP/watch.ready"
}
iscsi_watch_ms() {	# iscsi_watch_ms T0: ms from T0 until the watcher saw its state, or "-"
	local t x
	if wait "$WATCH_PID" && read -r t x < "$BENCH_TMP/path-watch"; then echo $((t - $1)); return; fi
	echo -
	{	# why, for the bench's output
		echo "iscsi: a sample failed; dm status, sessions and the daemon's last lines:"
		dmsetup status --target multipath; iscsiadm -m session 2>&1
		[ -f /tmp/mpathd.log ] && tail -n 30 /tmp/mpathd.log
	} | sed 's/^/    /' >&2
}
iscsi_active() { fx_dm_path_states "$1" | tr ' ' '\n' | grep -c '^A$'; }
iscsi_map() { fx_dm_maps | head -n1; }
# one path through IFACE: the manager logs a replaced session out once the new one serves
iscsi_single() { local d; d=$(fx_iface_devts "$1" "$ISCSI_VOL"); [ -n "$d" ] && [[ $d != *,* ]]; }

iscsi_up_once() {	# iscsi_up_once IFACE MAP: prints ms from carrier up to 2 active paths
	local iface=$1 m=$2 devts t0
	wait_for 90 fx_ge 2 iscsi_active "$m" && wait_for 60 iscsi_single "$iface" || { echo -; return; }
	devts=$(fx_iface_devts "$iface" "$ISCSI_VOL")
	fx_carrier_down 1
	if ! wait_for 60 fx_eq F fx_dm_path_state "$m" "$devts" || ! wait_for 60 fx_iface_sessions_down "$iface"; then
		fx_carrier_up 1; echo -; return
	fi
	sleep 1
	iscsi_watch "$m" +2 A
	t0=$(fx_now_ms); fx_carrier_up 1
	iscsi_watch_ms "$t0"
}

iscsi_blackhole_once() {	# iscsi_blackhole_once IFACE MAP: prints ms from the blackhole to the paths failed
	local iface=$1 m=$2 devts t0
	wait_for 90 fx_ge 2 iscsi_active "$m" && wait_for 60 iscsi_single "$iface" || { echo -; return; }
	sleep 1
	devts=$(fx_iface_devts "$iface" "$ISCSI_VOL")
	iscsi_watch "$m" "$devts" F
	t0=$(fx_now_ms); fx_link_blackhole 1
	iscsi_watch_ms "$t0"
	fx_link_clear 1
}

iscsi_setup_samples() {	# iscsi_setup_samples NAME IFACE: both figures for the set-up running now
	local name=$1 iface=$2 m i s
	: > "$BENCH_TMP/iscsi-up-$name"; : > "$BENCH_TMP/iscsi-bh-$name"
	if ! wait_for 120 fx_eq 1 fx_count fx_dm_maps || ! wait_for 60 fx_eq 2 iscsi_active "$(iscsi_map)"; then
		fx_log "iscsi: $name: no map with 2 active paths: every sample failed"
		for i in $(seq 1 "$ISCSI_SAMPLES"); do echo - >> "$BENCH_TMP/iscsi-up-$name"; echo - >> "$BENCH_TMP/iscsi-bh-$name"; done
		return 1
	fi
	m=$(iscsi_map)
	fx_log "iscsi: $name: map $m: $(dmsetup table "$m")"
	for i in $(seq 1 "$ISCSI_SAMPLES"); do
		s=$(iscsi_up_once "$iface" "$m"); echo "$s" >> "$BENCH_TMP/iscsi-up-$name"
		fx_log "iscsi: $name: carrier up $i (ms): $s"
	done
	for i in $(seq 1 "$ISCSI_SAMPLES"); do
		s=$(iscsi_blackhole_once "$iface" "$m"); echo "$s" >> "$BENCH_TMP/iscsi-bh-$name"
		fx_log "iscsi: $name: blackhole $i (ms): $s"
	done
	wait_for 90 fx_ge 2 iscsi_active "$m"
}

iscsi_by_hand() {	# the sessions without the manager: one iface per NIC, one login each
	local n
	for n in 1 2; do
		fx_iscsi_iface "$n" && fx_iscsi_login "$FX_TGT_PREFIX:$ISCSI_VOL" "$(fx_san_member_ip 1)" "if$n" || return 1
	done
	udevadm settle --timeout=60
}
iscsi_clean() {	# every session out, every node record and iface gone
	fx_iscsi_logout_all
	iscsiadm -m node -o delete >/dev/null 2>&1
	rm -rf /etc/iscsi/ifaces/*
	udevadm settle --timeout=60
	flush_maps
}

# mpathd's own default for EQLOGIC is the eql-slice stack; all three set-ups here get one
# round-robin map, as multipathd's built-in EQLOGIC entry (multibus) builds it.
ISCSI_ONE_MAP='devices {
	device {
		vendor EQLOGIC
		product 100E-00
		selector round-robin
	}
}'
bench_iscsi() {
	local conf
	fx_multipath_tools_rules off	# masked next to mpathd (README, Migrating); on for multipathd below
	fx_iscsid || { echo "iscsid did not start"; return 1; }
	fx_eql_san 1 1 2 || { echo "SAN group setup failed"; return 1; }
	conf="$BENCH_DEFAULTS
$ISCSI_ONE_MAP
iscsi {
	discovery $FX_SAN_GROUP
	nic veth1 veth2
	heartbeat veth0
	probe_interval 200
}"
	# 1. mpathd with the manager
	if daemon_up mpathd "$conf" && daemon_ready mpathd; then
		iscsi_setup_samples manager mpathd-veth1
	else
		fx_log "iscsi: mpathd with the manager did not start"
	fi
	daemon_down mpathd; iscsi_clean
	# 2. and 3. the same sessions by hand, mpathd without the manager, then multipathd
	for who in mpathd multipathd; do
		fx_multipath_tools_rules "$([ $who = multipathd ] && echo on || echo off)"
		iscsi_by_hand || fx_log "iscsi: logins by hand failed"
		conf=$BENCH_DEFAULTS
		[ "$who" = mpathd ] && conf+=$'\n'$ISCSI_ONE_MAP
		if daemon_up "$who" "$conf" && daemon_ready "$who"; then
			iscsi_setup_samples "$who" if1
		else
			fx_log "iscsi: $who did not start"
		fi
		daemon_down "$who"; iscsi_clean
	done
	fx_multipath_tools_rules off
	table_head "iSCSI link events, one volume over 2 bound NICs, no I/O, $ISCSI_SAMPLES samples per set-up" \
		what "mpathd + session manager" "mpathd, open-iscsi alone" "multipathd, open-iscsi alone" \
		"failed samples (manager / mpathd / multipathd)"
	iscsi_row "veth1's carrier back: ms until both paths are active" up
	iscsi_row "veth1 blackholed (carrier stays): ms until its path is failed" bh
	echo
	echo "open-iscsi for all three: NOP-out interval 2 s, timeout 2 s, replacement_timeout 5 s. The manager"
	echo "probes each member portal over each NIC every 200 ms (a NIC's paths fail after 3 lost replies)"
	echo "and logs a NIC's sessions in anew when its carrier returns; without it, iscsid retries on its own"
	echo "schedule and a blackhole is seen at the NOP-out timeout. udev rules: multipath-tools' rules run for"
	echo "multipathd only; with mpathd they are masked, as its README's Migrating section says."
}
iscsi_row() {	# iscsi_row LABEL up|bh: median [min-max] per set-up, then the failed samples
	local f=$BENCH_TMP/iscsi-$2
	row "$1" "$(python3 "$BENCH_DIR/stats.py" summary "$f-manager")" \
		"$(python3 "$BENCH_DIR/stats.py" summary "$f-mpathd")" \
		"$(python3 "$BENCH_DIR/stats.py" summary "$f-multipathd")" \
		"$(grep -c -- '^-$' "$f-manager") / $(grep -c -- '^-$' "$f-mpathd") / $(grep -c -- '^-$' "$f-multipathd")"
}
