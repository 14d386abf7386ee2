# SPDX-License-Identifier: GPL-2.0-or-later
# Fixture library for real-kernel scenarios; sourced by scripts that run inside the test VM.
# Storage: scsi_debug multipath LUNs, a LIO iSCSI target in a network namespace reached over
# veth links, a simulated EqualLogic group. Faults, fio with verify, and LIO counters.
# Every fx_* function returns non-zero on failure; scenarios decide what is fatal.

FX_NS=tgt
FX_CFS=/sys/kernel/config/target
FX_TGT_PREFIX=iqn.2026-11.test.mpathd
FX_FIO_PIDS=()

fx_log() { printf '[fx %6.2f] %s\n' "$(cut -d' ' -f1 /proc/uptime)" "$*" >&2; }

# Scenario helpers ----------------------------------------------------------------------------
FX_PASS=0
FX_FAIL=0
check() {	# check "description" command...; a check that took 2 s or more says how long
	local what=$1 t0=${EPOCHREALTIME/./} took; shift
	if "$@"; then
		took=$(( (${EPOCHREALTIME/./} - t0) / 100000 ))
		[ "$took" -ge 20 ] && what="$what [$((took / 10)).$((took % 10)) s]"
		echo "  ok: $what"; FX_PASS=$((FX_PASS + 1))
	else echo "  NOT OK: $what (at $(cut -d' ' -f1 /proc/uptime))"; FX_FAIL=$((FX_FAIL + 1)); fi
}
fx_done() {	# the scenario's exit code: 0 only if every check passed and there was one
	fx_mpathd_reap_all
	echo "checks: $FX_PASS passed, $FX_FAIL failed"
	[ -n "${MPATH_VM_KEEP:-}" ] && [ -d /.vm/results ] && cp /tmp/mpathd.log /.vm/results/mpathd.log 2>/dev/null
	if [ "$FX_FAIL" != 0 ] && [ -s /tmp/mpathd.log ]; then
		echo "--- last lines of /tmp/mpathd.log"; tail -n "${MPATH_LOG_TAIL:-60}" /tmp/mpathd.log
		# the whole log goes with the kept run directory
		[ -d /.vm/results ] && cp /tmp/mpathd.log /.vm/results/mpathd.log 2>/dev/null
	fi
	[ "$FX_FAIL" = 0 ] && [ "$FX_PASS" -gt 0 ]
}
fx_die() { echo "FATAL: $*"; dmesg | tail -n 20; exit 1; }
# wait_for SECONDS command...: poll every 50 ms until the command succeeds
wait_for() {
	local limit=$1 t0; shift
	t0=$(date +%s%N)
	until "$@"; do
		[ $(( ($(date +%s%N) - t0) / 1000000 )) -ge $((limit * 1000)) ] && return 1
		sleep 0.05
	done
}
# fx_eq EXPECTED command...: the command's output is EXPECTED. Use it inside wait_for, which
# must re-run the command: `wait_for 5 test "$(cmd)" = x` would compare one frozen value.
fx_eq() { local want=$1; shift; [ "$("$@")" = "$want" ]; }
fx_count() { "$@" | wc -l; }
fx_count_words() { "$@" | wc -w; }
fx_ge() { local min=$1; shift; [ "$("$@")" -ge "$min" ]; }	# numeric output >= MIN
fx_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# scsi_dh_alua is left out on purpose: scsi_debug reports ALUA state host_no % 3, so with
# the handler attached every third host's paths would be standby and reject I/O.
fx_modules() {
	modprobe -a dm-multipath dm-round-robin dm-queue-length dm-service-time dm-switch \
		sd_mod sg 2>/dev/null
}

# scsi_debug: LUNS logical units seen through PATHS hosts, same WWID on every host -------------
# fx_scsi_debug LUNS PATHS [extra module options...]
fx_scsi_debug() {
	local luns=$1 paths=$2; shift 2
	fx_modules
	modprobe scsi_debug add_host="$paths" num_tgts=1 max_luns="$luns" dev_size_mb="${FX_SDEBUG_MB:-64}" \
		vpd_use_hostno=0 "$@" || return 1
	udevadm settle --timeout=120
	local want=$((luns * paths))
	wait_for 60 fx_ge "$want" fx_count fx_sdebug_disks || { fx_log "only $(fx_sdebug_disks | wc -l)/$want disks"; return 1; }
	fx_log "scsi_debug: $luns LUNs x $paths paths"
}
fx_sdebug_disks() {	# the sd names of every scsi_debug disk
	local d
	for d in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*:*/block/*; do
		[ -e "$d" ] && basename "$d"
	done
}
# fx_sdebug_set PARAM VALUE: scsi_debug error injection and delays (every_nth, opts, delay...)
# opts 2 makes reads of sectors medium_error_start.. (4660..4669) fail with a medium error;
# opts 4 with every_nth N ignores every Nth command (a timeout); delay N adds N jiffies.
fx_sdebug_set() { echo "$2" > "/sys/bus/pseudo/drivers/scsi_debug/$1"; }

# Paths --------------------------------------------------------------------------------------
# The WWID a multipath daemon gives a path by default (multipath-tools' uid_attribute ID_SERIAL,
# from udev's database), or scsi_id's where udev has none; fx_vpd_wwid: always scsi_id's.
fx_vpd_wwid() { /lib/udev/scsi_id -g -u -d "/dev/$1"; }
fx_wwid() {
	local w
	w=$(udevadm info -q property --property=ID_SERIAL --value -n "/dev/$1" 2>/dev/null)
	[ -n "$w" ] && echo "$w" || fx_vpd_wwid "$1"
}
fx_hctl() { basename "$(readlink -f "/sys/block/$1/device")"; }
fx_path_offline() { echo offline > "/sys/block/$1/device/state"; }
fx_path_running() { echo running > "/sys/block/$1/device/state"; }
fx_path_delete() { echo 1 > "/sys/block/$1/device/delete"; }
fx_host_rescan() { echo "- - -" > "/sys/class/scsi_host/$1/scan"; udevadm settle --timeout=60; }
fx_host_of() { fx_hctl "$1" | cut -d: -f1 | sed 's/^/host/'; }

# Network: a target namespace reached over veth links -----------------------------------------
# Link N: host side vethN 10.10.N.1/24, target side tvethN 10.10.N.2/24 (+ member aliases).
fx_netns() {
	ip netns list | grep -qw "$FX_NS" && return 0
	ip netns add "$FX_NS" && ip -n "$FX_NS" link set lo up
}
fx_link_add() {	# fx_link_add N [mtu]
	local n=$1 mtu=${2:-1500}
	fx_netns || return 1
	ip link add "veth$n" type veth peer name "tveth$n" netns "$FX_NS" || return 1
	ip addr add "10.10.$n.1/24" dev "veth$n"
	ip link set "veth$n" mtu "$mtu" up
	ip -n "$FX_NS" addr add "10.10.$n.2/24" dev "tveth$n"
	ip -n "$FX_NS" link set "tveth$n" mtu "$mtu" up
}
fx_link_down() { ip link set "veth$1" down; }
# Carrier loss as a pulled cable: the target's end goes down, vethN stays up without a carrier.
fx_carrier_down() { ip -n "$FX_NS" link set "tveth$1" down; }
fx_carrier_up() { ip -n "$FX_NS" link set "tveth$1" up; }
fx_link_up() { ip link set "veth$1" up; }
# A blackhole: the link stays up but drops every packet (a hung path, not a dead one).
fx_link_blackhole() { tc qdisc replace dev "veth$1" root netem loss 100%; }
fx_netem() { local n=$1; shift; tc qdisc replace dev "veth$n" root netem "$@"; }	# fx_netem 1 delay 50ms loss 1%
fx_rate() { tc qdisc replace dev "veth$1" root tbf rate "$2" burst 64kb latency 400ms; }	# fx_rate 1 100mbit
fx_ping_ms() {	# fx_ping_ms N IP: round-trip time in whole ms over link N, as ping measures it
	ping -c1 -W3 -I "veth$1" "$2" | awk -F/ '/^rtt/ { printf "%d\n", $5 }'
}
fx_link_clear() { tc qdisc del dev "veth$1" root 2>/dev/null; true; }
fx_link_rx_bytes() { ip netns exec "$FX_NS" cat "/sys/class/net/tveth$1/statistics/rx_bytes"; }
fx_link_tx_bytes() { ip netns exec "$FX_NS" cat "/sys/class/net/tveth$1/statistics/tx_bytes"; }

# LIO ----------------------------------------------------------------------------------------
fx_lio_modules() {
	mkdir -p /etc/target
	modprobe -a target_core_mod target_core_file target_core_iblock iscsi_target_mod || return 1
	mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
}
# fx_lio_backstore NAME SIZE_MB [vendor product serial]: a fileio volume on tmpfs
fx_lio_backstore() {
	local name=$1 mb=$2 vendor=${3:-} product=${4:-} serial=${5:-}
	local d=$FX_CFS/core/fileio_0/$name
	fx_lio_modules || return 1
	local backing=/run/fx-lio/$name.img
	mkdir -p /run/fx-lio && truncate -s "${mb}M" "/run/fx-lio/$name.img"
	mkdir -p "$d" || return 1
	# FX_LIO_LOOP=1: through a loop device, so the volume can grow (fx_lio_resize); fileio
	# reads a block device's size live, a regular file's only at creation
	if [ "${FX_LIO_LOOP:-0}" = 1 ]; then
		modprobe loop
		backing=$(losetup -f --show "/run/fx-lio/$name.img") || return 1
		echo "$backing" > "/run/fx-lio/$name.loop"
	fi
	echo "fd_dev_name=$backing,fd_dev_size=$((mb * 1048576))" > "$d/control"
	echo 1 > "$d/enable" || return 1
	# Without a unit serial LIO reports no NAA designator (targetcli always sets one).
	[ -n "$serial" ] || serial=$(echo "$name-$(cat /proc/sys/kernel/random/uuid)" | md5sum | cut -c1-32)
	echo "$serial" > "$d/wwn/vpd_unit_serial" || return 1
	[ -n "$vendor" ] && echo "$vendor" > "$d/wwn/vendor_id"
	[ -n "$product" ] && echo "$product" > "$d/wwn/product_id"
	true
}
fx_lio_dev() { echo "$FX_CFS/core/fileio_0/$1"; }
# fx_lio_resize NAME SIZE_MB: grow a volume made with FX_LIO_LOOP=1; initiators must rescan
fx_lio_resize() {
	truncate -s "$2M" "/run/fx-lio/$1.img" && losetup -c "$(cat "/run/fx-lio/$1.loop")"
}
# fx_lio_alua_group VOL NAME ID: an ALUA target port group on the volume
fx_lio_alua_group() {
	local d; d=$(fx_lio_dev "$1")/alua/$2
	mkdir -p "$d" && echo "$3" > "$d/tg_pt_gp_id" && echo 1 > "$d/alua_access_type"
}
# fx_lio_iscsi_tpg IQN TPGT VOL [ALUA_GROUP]: a TPG exporting VOL as LUN 0, open to any
# initiator; with FX_LIO_CHAP=USER:SECRET, to one that logs in with CHAP as USER
fx_lio_iscsi_tpg() {
	local iqn=$1 t=$2 vol=$3 grp=${4:-}
	local tp=$FX_CFS/iscsi/$iqn/tpgt_$t
	mkdir -p "$tp/lun/lun_0" || return 1
	ln -s "$(fx_lio_dev "$vol")" "$tp/lun/lun_0/$vol" || return 1
	[ -n "$grp" ] && { echo "$grp" > "$tp/lun/lun_0/alua_tg_pt_gp" || return 1; }
	if [ -n "${FX_LIO_CHAP:-}" ]; then
		# no newline: LIO would take it as part of the name
		printf %s "${FX_LIO_CHAP%%:*}" > "$tp/auth/userid" && printf %s "${FX_LIO_CHAP#*:}" > "$tp/auth/password" &&
			echo 1 > "$tp/attrib/authentication" || return 1
	else
		echo 0 > "$tp/attrib/authentication"
	fi
	echo 1 > "$tp/attrib/generate_node_acls"
	echo 0 > "$tp/attrib/demo_mode_write_protect"
	echo 1 > "$tp/attrib/cache_dynamic_acls"
}
# A portal listens in the network namespace of the process that creates it. nsenter, not
# `ip netns exec`: the latter remounts /sys and so hides configfs.
fx_lio_portal_add() { nsenter --net="/run/netns/$FX_NS" mkdir "$FX_CFS/iscsi/$1/tpgt_$2/np/$3:3260"; }
# Removing a portal stops its listener; its live connections are reset as a restart would.
fx_lio_portal_del() {
	nsenter --net="/run/netns/$FX_NS" rmdir "$FX_CFS/iscsi/$1/tpgt_$2/np/$3:3260" || return 1
	nsenter --net="/run/netns/$FX_NS" ss -K -t state established src "$3" sport = :3260 >/dev/null
}
fx_lio_tpg_enable() { echo 1 > "$FX_CFS/iscsi/$1/tpgt_$2/enable"; }
# fx_lio_port_cmds IQN TPGT: SCSI commands this target port has received
fx_lio_port_cmds() { cat "$FX_CFS/iscsi/$1/tpgt_$2/lun/lun_0/statistics/scsi_tgt_port/in_cmds"; }
fx_lio_port_mbytes() {
	local s=$FX_CFS/iscsi/$1/tpgt_$2/lun/lun_0/statistics/scsi_tgt_port
	echo $(( $(cat "$s/read_mbytes") + $(cat "$s/write_mbytes") ))
}

# open-iscsi ---------------------------------------------------------------------------------
fx_iscsid() {
	pgrep -x iscsid >/dev/null && return 0
	modprobe iscsi_tcp || return 1
	mkdir -p /etc/iscsi /run/lock/iscsi
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets /etc/iscsi/ifaces
	mkdir -p /etc/iscsi/ifaces
	# Each VM its own initiator name.
	echo "InitiatorName=iqn.2026-11.test.mpathd:$(hostname)-$(cat /proc/sys/kernel/random/uuid | cut -c1-8)" \
		> /etc/iscsi/initiatorname.iscsi
	# Fast failure detection, as a tuned SAN host has it (FX_ISCSI_NOOP_DEFAULT=1 keeps
	# open-iscsi's NOP-out timers, 5 s + 5 s).
	sed -i -e 's/^node.session.timeo.replacement_timeout.*/node.session.timeo.replacement_timeout = 5/' \
	       -e 's/^node.startup.*/node.startup = manual/' /etc/iscsi/iscsid.conf
	[ -n "${FX_ISCSI_NOOP_DEFAULT:-}" ] ||
	sed -i -e 's/^node.conn\[0\].timeo.noop_out_interval.*/node.conn[0].timeo.noop_out_interval = 2/' \
	       -e 's/^node.conn\[0\].timeo.noop_out_timeout.*/node.conn[0].timeo.noop_out_timeout = 2/' \
	       /etc/iscsi/iscsid.conf
	iscsid || return 1
	wait_for 5 test -S /run/iscsid.sock -o -e /run/iscsid.pid || true
}
# fx_iscsi_iface N: open-iscsi iface ifN bound to vethN
fx_iscsi_iface() {
	iscsiadm -m iface -I "if$1" -o new >/dev/null || return 1
	iscsiadm -m iface -I "if$1" -o update -n iface.net_ifacename -v "veth$1" >/dev/null
}
# fx_iscsi_login IQN PORTAL_IP IFACE: a node record without discovery, then login
fx_iscsi_login() {
	iscsiadm -m node -o new -T "$1" -p "$2:3260" -I "$3" >/dev/null || return 1
	iscsiadm -m node -T "$1" -p "$2:3260" -I "$3" -l >/dev/null
}
fx_iscsi_logout_all() { iscsiadm -m node -u >/dev/null 2>&1; true; }
# The sd device of the session logged in through iface IFACE to TARGET (optional)
fx_iscsi_dev() {
	local s d
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/ifacename")" = "$1" ] || continue
		[ -n "${2:-}" ] && [ "$(cat "$s/targetname")" != "$2" ] && continue
		for d in "$s"/device/target*/*/block/*; do [ -e "$d" ] && basename "$d"; done
	done
}

# A single-volume iSCSI target reached over PATHS links: the plain multipath case.
# fx_iscsi_simple PATHS [SIZE_MB]  -> sets FX_IQN
fx_iscsi_simple() {
	local paths=$1 mb=${2:-128} n
	FX_IQN=$FX_TGT_PREFIX:vol0
	fx_modules
	fx_lio_backstore vol0 "$mb" || return 1
	fx_lio_iscsi_tpg "$FX_IQN" 1 vol0 || return 1
	for n in $(seq 1 "$paths"); do
		fx_link_add "$n" || return 1
		fx_lio_portal_add "$FX_IQN" 1 "10.10.$n.2" || return 1
	done
	fx_lio_tpg_enable "$FX_IQN" 1 || return 1
	fx_iscsid || return 1
	for n in $(seq 1 "$paths"); do
		fx_iscsi_iface "$n" && fx_iscsi_login "$FX_IQN" "10.10.$n.2" "if$n" || return 1
	done
	udevadm settle --timeout=60
	wait_for 30 fx_ge "$paths" fx_count_words fx_iscsi_devs || return 1
	fx_log "iSCSI: $FX_IQN over $paths links: $(echo $(fx_iscsi_devs))"
}
# fx_iscsi_session_state DEV: the state of the iSCSI session under sd device DEV (LOGGED_IN...)
fx_iscsi_session_state() {
	local s
	s=$(readlink -f "/sys/block/$1/device")
	while [ "$s" != / ] && [ ! -d "$s/iscsi_session" ]; do s=$(dirname "$s"); done
	cat "$s"/iscsi_session/*/state 2>/dev/null
}
fx_iscsi_devs() { local n; for n in $(seq 1 8); do fx_iscsi_dev "if$n"; done; }

# A simulated EqualLogic group --------------------------------------------------------------
# fx_eql_group MEMBERS LINKS [VOLUMES] [SIZE_MB]
# Each volume is a LIO fileio device with vendor EQLOGIC, product 100E-00, exported by one
# target (IQN ...:eql-volV) with one TPG per member; a TPG is the member's ALUA target port
# group (id 10+m) and listens on the member's portal on every link: 10.10.N.(10+m).
# The referrals map (lba_map) gives each segment of FX_EQL_SEG sectors an owning member:
# segment i is owned by member (i / FX_EQL_STRIPE) % MEMBERS + 1.
FX_EQL_SEG=${FX_EQL_SEG:-8192}
FX_EQL_STRIPE=${FX_EQL_STRIPE:-4}
fx_eql_owner() { echo $(( ($1 / FX_EQL_STRIPE) % $2 + 1 )); }	# fx_eql_owner SEGMENT MEMBERS
fx_eql_lba_map() {	# fx_eql_lba_map MEMBERS SECTORS: the lba_map text
	local m=$1 sectors=$2 s=0 i=0 e g o line
	echo "$FX_EQL_SEG 0"
	while [ $s -lt "$sectors" ]; do
		e=$((s + FX_EQL_SEG - 1)); [ $e -ge "$sectors" ] && e=$((sectors - 1))
		o=$(fx_eql_owner $i "$m")
		line="$s $e"
		for g in $(seq 1 "$m"); do
			if [ "$g" = "$o" ]; then line="$line $((10 + g)):O"; else line="$line $((10 + g)):A"; fi
		done
		echo "$line"
		s=$((e + 1)); i=$((i + 1))
	done
}
fx_eql_volume() {	# fx_eql_volume V MEMBERS SIZE_MB: backstore, ALUA groups and referrals
	local v=$1 m=$2 mb=${FX_EQL_MB[$1]:-$3} g	# FX_EQL_MB[V]: volume V's own size
	fx_lio_backstore "eqlvol$v" "$mb" EQLOGIC 100E-00 "6090a0$(printf '%02x' "$v")eqlsim$(printf '%04d' "$v")" || return 1
	for g in $(seq 1 "$m"); do fx_lio_alua_group "eqlvol$v" "member$g" $((10 + g)) || return 1; done
	fx_eql_lba_map "$m" $((mb * 2048)) > "/run/fx-lio/eqlvol$v.lbamap"
	cat "/run/fx-lio/eqlvol$v.lbamap" > "$(fx_lio_dev "eqlvol$v")/lba_map" || return 1
}
fx_eql_group() {
	local m=$1 links=$2 vols=${3:-1} mb=${4:-128} v g n iqn
	fx_modules
	for n in $(seq 1 "$links"); do fx_link_add "$n" || return 1; done
	for n in $(seq 1 "$links"); do
		for g in $(seq 1 "$m"); do ip -n "$FX_NS" addr add "10.10.$n.$((10 + g))/24" dev "tveth$n"; done
	done
	for v in $(seq 1 "$vols"); do
		fx_eql_volume "$v" "$m" "$mb" || return 1
		iqn=$FX_TGT_PREFIX:eql-vol$v
		for g in $(seq 1 "$m"); do
			fx_lio_iscsi_tpg "$iqn" "$g" "eqlvol$v" "member$g" || return 1
			for n in $(seq 1 "$links"); do fx_lio_portal_add "$iqn" "$g" "10.10.$n.$((10 + g))" || return 1; done
			fx_lio_tpg_enable "$iqn" "$g" || return 1
		done
	done
	FX_EQL_MEMBERS=$m FX_EQL_LINKS=$links FX_EQL_VOLS=$vols
	fx_log "EqualLogic group: $m members, $vols volumes, $links links"
}
# fx_eql_add_member G: member G joins the group: its portals on every link and, for every
# volume, its target port group; the referrals map then spreads each volume over G members.
# Log in to it with fx_eql_login_member G.
fx_eql_add_member() {
	local g=$1 v n iqn
	for n in $(seq 1 "$FX_EQL_LINKS"); do ip -n "$FX_NS" addr add "10.10.$n.$((10 + g))/24" dev "tveth$n" || return 1; done
	for v in $(seq 1 "$FX_EQL_VOLS"); do
		iqn=$FX_TGT_PREFIX:eql-vol$v
		fx_lio_alua_group "eqlvol$v" "member$g" $((10 + g)) || return 1
		fx_lio_iscsi_tpg "$iqn" "$g" "eqlvol$v" "member$g" || return 1
		for n in $(seq 1 "$FX_EQL_LINKS"); do fx_lio_portal_add "$iqn" "$g" "10.10.$n.$((10 + g))" || return 1; done
		fx_lio_tpg_enable "$iqn" "$g" || return 1
	done
	FX_EQL_MEMBERS=$g
	fx_log "EqualLogic group: member $g added"
}
fx_eql_login_member() {
	local g=$1 v n
	for v in $(seq 1 "$FX_EQL_VOLS"); do
		for n in $(seq 1 "$FX_EQL_LINKS"); do
			fx_iscsi_login "$FX_TGT_PREFIX:eql-vol$v" "10.10.$n.$((10 + g))" "if$n" || return 1
		done
	done
	udevadm settle --timeout=60
}
# fx_eql_remap V SIZE_MB: rewrite volume V's referrals for the current members and owner rule
# (LIO takes the map in one write: each write() replaces it, so never write it line by line)
fx_eql_remap() {
	fx_eql_lba_map "$FX_EQL_MEMBERS" $(($2 * 2048)) > "/run/fx-lio/eqlvol$1.lbamap" &&
		cat "/run/fx-lio/eqlvol$1.lbamap" > "$(fx_lio_dev "eqlvol$1")/lba_map"
}
# Log in to every member portal of every volume, through every link's iface.
fx_eql_login_all() {
	local v g n
	fx_iscsid || return 1
	for n in $(seq 1 "$FX_EQL_LINKS"); do fx_iscsi_iface "$n" || return 1; done
	for v in $(seq 1 "$FX_EQL_VOLS"); do
		for g in $(seq 1 "$FX_EQL_MEMBERS"); do
			for n in $(seq 1 "$FX_EQL_LINKS"); do
				fx_iscsi_login "$FX_TGT_PREFIX:eql-vol$v" "10.10.$n.$((10 + g))" "if$n" || return 1
			done
		done
	done
	udevadm settle --timeout=60
}
# The quick variant: the same volume and referrals over tcm_loop (no network, no iSCSI).
# Its volume is number 9, so it can live beside an iSCSI group.
fx_eql_loop() {	# fx_eql_loop MEMBERS [SIZE_MB]
	local m=$1 mb=${2:-128} g wwn=naa.5001405eq1000001
	fx_modules; fx_lio_modules || return 1
	modprobe tcm_loop || return 1
	fx_eql_volume 9 "$m" "$mb" || return 1
	for g in $(seq 1 "$m"); do
		local tp=$FX_CFS/loopback/$wwn/tpgt_$g
		mkdir -p "$tp/lun/lun_0" || return 1
		echo "naa.5001405eq10000$(printf '%02x' "$g")" > "$tp/nexus" || return 1
		ln -s "$(fx_lio_dev eqlvol9)" "$tp/lun/lun_0/eqlvol9" || return 1
		echo "member$g" > "$tp/lun/lun_0/alua_tg_pt_gp" || return 1
	done
	udevadm settle --timeout=60
	wait_for 20 fx_ge "$m" fx_count fx_eql_disks || return 1
	FX_EQL_MEMBERS=$m FX_EQL_VOLS=1
	fx_log "EqualLogic group over tcm_loop: $m members"
}
fx_eql_disks() {	# every sd device whose vendor is EQLOGIC
	local d
	for d in /sys/block/sd*; do
		[ "$(tr -d ' ' < "$d/device/vendor" 2>/dev/null)" = EQLOGIC ] && basename "$d"
	done
}

# An EqualLogic-style group on one SAN subnet, as the session manager expects it ---------------
# The target namespace has a bridge (the SAN switch) holding the group address 10.20.0.10 and
# member g's portal 10.20.0.(10+g). Host link N (vethN, 10.20.0.(N+1)/24) plugs into it; link 0
# is the heartbeat port, created first so it holds the subnet's route. Volume v is target
# ...:eql-volV with one TPG (and ALUA group) per member, as fx_eql_group builds it. LIO has no
# login redirection, so the group address is a portal of its own: a TPG that is never enabled
# (the discovery TPG of LIO answers SendTargets there) of target ...:eql-group, which
# SendTargets therefore leaves out; it lists every member portal of every enabled TPG.
FX_SAN_NET=10.20.0
FX_SAN_GROUP=10.20.0.10
FX_SAN_GROUP_IQN=$FX_TGT_PREFIX:eql-group
fx_san_member_ip() { echo "$FX_SAN_NET.$((10 + $1))"; }
fx_san_link() {	# fx_san_link N [mtu]: host vethN on the SAN bridge
	local n=$1 mtu=${2:-1500}
	ip link add "veth$n" type veth peer name "tveth$n" netns "$FX_NS" || return 1
	fx_arp_strict "veth$n"
	ip addr add "$FX_SAN_NET.$((n + 1))/24" dev "veth$n"
	ip link set "veth$n" mtu "$mtu" up
	ip -n "$FX_NS" link set "tveth$n" mtu "$mtu" master sanbr up
}
# One subnet, several NICs: without these the target may learn one NIC's MAC for another's
# address (ARP flux). The checks scenario undoes them on purpose.
fx_arp_strict() {
	local d
	for d in all "$@"; do
		sysctl -qw "net.ipv4.conf.$d.arp_ignore=1" "net.ipv4.conf.$d.arp_announce=2"
	done
}
fx_san_tpg() {	# fx_san_tpg V G: member G's TPG of volume V, listening on its portal, enabled
	local v=$1 g=$2 iqn=$FX_TGT_PREFIX:eql-vol$1
	[ -d "$(fx_lio_dev "eqlvol$v")/alua/member$g" ] || fx_lio_alua_group "eqlvol$v" "member$g" $((10 + g)) || return 1
	fx_lio_iscsi_tpg "$iqn" "$g" "eqlvol$v" "member$g" || return 1
	fx_lio_portal_add "$iqn" "$g" "$(fx_san_member_ip "$g")" || return 1
	fx_lio_tpg_enable "$iqn" "$g"
}
fx_san_volume_add() {	# fx_san_volume_add V: a volume on every member of the group
	local v=$1 g
	fx_eql_volume "$v" "$FX_SAN_MEMBERS" "${FX_SAN_MB:-64}" || return 1
	for g in $(seq 1 "$FX_SAN_MEMBERS"); do fx_san_tpg "$v" "$g" || return 1; done
	FX_SAN_VOLS="$FX_SAN_VOLS $v"
}
# fx_san_volume_hide V: the group stops offering volume V (SendTargets leaves it out; the
# sessions that exist stay until the host logs them out), as when it is unassigned.
fx_san_volume_hide() {
	local g
	for g in $(seq 1 "$FX_SAN_MEMBERS"); do
		nsenter --net="/run/netns/$FX_NS" rmdir "$FX_CFS/iscsi/$FX_TGT_PREFIX:eql-vol$1/tpgt_$g/np/$(fx_san_member_ip "$g"):3260"
	done
	FX_SAN_VOLS=$(echo " $FX_SAN_VOLS " | sed "s/ $1 / /")
}
fx_san_member_add() {	# fx_san_member_add G: member G joins: its address, a TPG on every volume
	local g=$1 v
	ip -n "$FX_NS" addr add "$(fx_san_member_ip "$g")/24" dev sanbr
	for v in $FX_SAN_VOLS; do fx_san_tpg "$v" "$g" || return 1; done
	[ "$g" -gt "$FX_SAN_MEMBERS" ] && FX_SAN_MEMBERS=$g
	true
}
# fx_san_member_hide G: member G leaves gracefully: SendTargets no longer lists its portals;
# its sessions stay up until the host logs them out.
fx_san_member_hide() {
	local g=$1 v
	for v in $FX_SAN_VOLS; do
		nsenter --net="/run/netns/$FX_NS" rmdir "$FX_CFS/iscsi/$FX_TGT_PREFIX:eql-vol$v/tpgt_$g/np/$(fx_san_member_ip "$g"):3260"
	done
}
fx_san_member_unhide() {	# fx_san_member_unhide G: member G's portals are listed again
	local v
	for v in $FX_SAN_VOLS; do fx_lio_portal_add "$FX_TGT_PREFIX:eql-vol$v" "$1" "$(fx_san_member_ip "$1")" || return 1; done
}
# fx_eql_san MEMBERS VOLUMES NICS [MTU]: the group, its discovery portal and the host links
fx_eql_san() {
	local m=$1 vols=$2 nics=$3 mtu=${4:-1500} g v n
	fx_modules; fx_lio_modules || return 1
	fx_netns || return 1
	ip -n "$FX_NS" link add sanbr type bridge && ip -n "$FX_NS" link set sanbr mtu "$mtu" up || return 1
	ip -n "$FX_NS" addr add "$FX_SAN_GROUP/24" dev sanbr
	for g in $(seq 1 "$m"); do ip -n "$FX_NS" addr add "$(fx_san_member_ip "$g")/24" dev sanbr; done
	fx_arp_strict
	for n in $(seq 0 "$nics"); do fx_san_link "$n" "$mtu" || return 1; done
	FX_SAN_MEMBERS=$m FX_SAN_VOLS=""
	for v in $(seq 1 "$vols"); do fx_san_volume_add "$v" || return 1; done
	mkdir -p "$FX_CFS/iscsi/$FX_SAN_GROUP_IQN/tpgt_1" || return 1
	fx_lio_portal_add "$FX_SAN_GROUP_IQN" 1 "$FX_SAN_GROUP" || return 1
	fx_log "SAN group $FX_SAN_GROUP: $m members, $vols volumes; heartbeat veth0, iSCSI NICs veth1..veth$nics"
}
# Sessions per target (as the kernel has them): "TARGET COUNT" lines, sorted
fx_san_sessions_per_target() {
	local s
	for s in /sys/class/iscsi_session/session*; do [ -e "$s" ] && cat "$s/targetname"; done | sort | uniq -c |
		awk '{ print $2, $1 }'
}
fx_iface_devts() {	# fx_iface_devts IFACE TARGET_SUFFIX: devts of the target's paths through IFACE, comma-separated
	local s d
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] && [ "$(cat "$s/ifacename")" = "$1" ] || continue
		[ "$(cat "$s/targetname")" = "$FX_TGT_PREFIX:$2" ] || continue
		for d in "$s"/device/target*/*/block/*; do [ -e "$d" ] && cat "$d/dev"; done
	done | paste -sd,
}
# fx_iface_sessions_down IFACE: every session through IFACE has left LOGGED_IN (FAILED, or
# FREE once iscsid has torn its connection down), so the kernel no longer holds its I/O
fx_iface_sessions_down() {
	local s n=0
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] && [ "$(cat "$s/ifacename")" = "$1" ] || continue
		[ "$(cat "$s/state")" != LOGGED_IN ] || return 1
		n=$((n + 1))
	done
	[ $n -gt 0 ]
}
fx_san_sessions() { ls -d /sys/class/iscsi_session/session* 2>/dev/null | wc -l; }
fx_san_sessions_of() {	# fx_san_sessions_of TARGET_SUFFIX [PORTAL_IP] [IFACE]: how many sessions
	local s n=0
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] || continue
		[ "$(cat "$s/targetname")" = "$FX_TGT_PREFIX:$1" ] || continue
		[ -n "${3:-}" ] && [ "$(cat "$s/ifacename")" != "$3" ] && continue
		if [ -n "${2:-}" ]; then
			[ "$(cat "/sys/class/iscsi_connection/connection${s##*session}:0/persistent_address")" = "$2" ] || continue
		fi
		n=$((n + 1))
	done
	echo $n
}
# fx_iscsiadm_stub on|logout|record|off: iscsiadm that hangs (a stuck iscsid), one whose
# session logouts hang (`sleep 3599`; the rest is the real one), the real one with every
# command line appended to /tmp/iscsiadm-argv.log first, or the real one
fx_iscsiadm_stub() {
	local bin; bin=$(command -v iscsiadm)
	if [ "$1" = on ]; then
		[ -e "$bin.real" ] || mv "$bin" "$bin.real"
		printf '#!/bin/sh\n# a stuck iscsiadm, for tests\nsleep 3600\n' > "$bin" && chmod 755 "$bin"
	elif [ "$1" = logout ]; then
		[ -e "$bin.real" ] || mv "$bin" "$bin.real"
		printf '#!/bin/sh\n# logouts hang, for tests\ncase " $* " in *" --logout "*) sleep 3599; exit 1 ;; esac\nexec %s.real "$@"\n' "$bin" > "$bin" && chmod 755 "$bin"
	elif [ "$1" = record ]; then
		[ -e "$bin.real" ] || mv "$bin" "$bin.real"
		printf '#!/bin/sh\n# command lines recorded, for tests\nprintf "%%s\\n" "$*" >> /tmp/iscsiadm-argv.log\nexec %s.real "$@"\n' "$bin" > "$bin" && chmod 755 "$bin"
	elif [ -e "$bin.real" ]; then
		mv -f "$bin.real" "$bin"
	fi
}

# I/O ----------------------------------------------------------------------------------------
# fx_fio_start NAME DEV SECONDS [extra fio options]: random writes with crc32c verify, in the
# background; fx_fio_wait NAME returns fio's exit code (non-zero on any I/O or verify error).
fx_fio_start() {
	local name=$1 dev=$2 secs=$3; shift 3
	fio --name="$name" --filename="$dev" --rw=randwrite --bs=4k --direct=1 --ioengine=libaio \
		--iodepth=8 --time_based --runtime="$secs" --size="${FX_FIO_SIZE:-32m}" \
		--verify=crc32c --verify_backlog=128 --verify_fatal=1 --exitall_on_error \
		--output="/tmp/fio-$name.out" "$@" >/dev/null 2>"/tmp/fio-$name.err" &
	eval "FX_FIO_PID_$name=$! FX_FIO_END_$name=$(( $(date +%s) + secs + ${FX_FIO_GRACE:-120} ))"
}
fx_fio_running() { local pid; eval "pid=\$FX_FIO_PID_$1"; kill -0 "$pid" 2>/dev/null; }
# fx_fio_wait NAME: fio's result, once the phase's checks are done. A fio still within its runtime
# runs FX_FIO_TAIL (5) s more, long enough to verify what it wrote across the phase's events,
# then is stopped with SIGINT (fio completes what is in flight and reports; exit 128). A fio
# still running FX_FIO_GRACE (120) s after its runtime is hung in I/O: the maps' state is
# printed and fio is killed, so the scenario fails, not times out.
fx_fio_wait() {
	local pid end rc=0 tail stopped=
	eval "pid=\$FX_FIO_PID_$1 end=\$FX_FIO_END_$1"
	tail=$(( $(date +%s) + ${FX_FIO_TAIL:-5} ))
	while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$tail" ]; do sleep 0.5; done
	kill -INT "$pid" 2>/dev/null && stopped=1
	while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 1; done
	if kill -0 "$pid" 2>/dev/null; then
		fx_log "fio $1 is hung in I/O; the dm devices:"
		{ dmsetup info -c; dmsetup status --noflush; } 2>&1 | head -n 80 >&2
		kill -9 "$pid" 2>/dev/null; sleep 2
		kill -0 "$pid" 2>/dev/null && return 1
	fi
	wait "$pid" || rc=$?
	[ "$rc" = 128 ] && [ -n "$stopped" ] && rc=0	# stopped by the SIGINT above
	if [ $rc != 0 ] || grep -q 'err=[ ]*[1-9]' "/tmp/fio-$1.out"; then
		fx_log "fio $1 failed (rc $rc)"
		{ cat "/tmp/fio-$1.err"; grep -iE 'error|err=|verify|bad|run=' "/tmp/fio-$1.out"; } | head -n 30 >&2
		return 1
	fi
	grep -E 'write: IOPS' "/tmp/fio-$1.out" | sed 's/^ */  fio: /' >&2
}
# fx_read_stats DEV: the completed reads and writes of a block device (from /sys/block/X/stat)
fx_dev_ios() { awk '{ print $1 + $5 }' "/sys/block/$1/stat"; }

# fx_referral_owners DEV: "first_lba last_lba owner_tpg" per segment, from sg_referrals
# (sg_referrals prints the port group in hex; the output here is decimal).
fx_referral_owners() {
	local f l g
	sg_referrals --maxlen=16384 "/dev/$1" | awk '
		/first lba/ { for (i = 1; i <= NF; i++) { if ($i == "first") f = $(i + 2); if ($i == "last") l = $(i + 2) }; gsub(",", "", f) }
		/port group/ && /active\/optimized/ { for (i = 1; i <= NF; i++) if ($i == "group") print f, l, $(i + 1) }' |
	while read -r f l g; do echo "$f $l $((16#${g#0x}))"; done
}
# fx_expected_owners MEMBERS SECTORS: the same list, from the fixture's own map
fx_expected_owners() {
	fx_eql_lba_map "$1" "$2" | awk 'NR > 1 { for (i = 3; i <= NF; i++) if ($i ~ /:O$/) { sub(":O", "", $i); print $1, $2, $i } }'
}
fx_path_tpg() {	# the target port group a path reports in VPD 0x83, in decimal
	local g
	g=$(sg_vpd -p 0x83 "/dev/$1" | awk '/[Tt]arget port group:/ { print $NF; exit }')
	[ -n "$g" ] && echo $((g))
}

# mpathd -------------------------------------------------------------------------------------
FX_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
FX_BUILD=${MPATH_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/build-test}
FX_MPATHD=$FX_BUILD/mpathd/mpathd
FX_MPATH=$FX_BUILD/cli/mpath
# fx_multipath_tools_rules off|on: multipath-tools' udev rules run `multipath -U` on every
# mpath- map, and without multipathd that fails every path of the map. mpathd replaces
# multipath-tools, so its rules are masked (the udev way) except while multipathd is measured.
fx_multipath_tools_rules() {
	local r
	mkdir -p /etc/udev/rules.d
	for r in 56-dm-mpath.rules 60-multipath.rules; do
		if [ "$1" = off ]; then ln -sf /dev/null "/etc/udev/rules.d/$r"; else rm -f "/etc/udev/rules.d/$r"; fi
	done
	udevadm control --reload
}
# scsi_debug answers REPORT TARGET PORT GROUPS by host number (host_no % 3: optimized,
# non-optimized, standby), a test-bed artifact, not an array's choice. mpathd (like multipathd)
# loads its maps with "1 alua", and the ALUA device handler then makes every third host's paths
# reject I/O. Scenarios that want every scsi_debug path usable append this section.
FX_SDEBUG_NO_ALUA='devices {
	device {
		vendor "Linux"
		product "scsi_debug"
		hardware_handler "0"
	}
}'
# A sanitizer build (tests/run-all.sh runs a subset of scenarios with one) reports into the
# daemon's log; UBSan stops the daemon at its first finding, so its exit status shows it too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# fx_mpathd_start [config text]: start the daemon in the background, log in /tmp/mpathd.log
fx_mpathd_start() {
	# the daemon's own udev rule, from the source tree under test
	if ! cmp -s "$FX_SRC/mpathd/udev/56-mpathd.rules" /etc/udev/rules.d/56-mpathd.rules; then
		cp "$FX_SRC/mpathd/udev/56-mpathd.rules" /etc/udev/rules.d/ && udevadm control --reload
	fi
	mkdir -p /etc/multipath
	# (a literal default inside ${1:-...} would end at its first '}')
	local conf="defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 2
	no_path_retry 12
}
$FX_SDEBUG_NO_ALUA"
	printf '%s\n' "${1:-$conf}" > /tmp/mpathd.conf
	MPATHD_LOG_TIME=1 "$FX_MPATHD" -c /tmp/mpathd.conf -d /nonexistent -v "${FX_MPATHD_LOG:-${MPATH_DAEMON_LOG:-info}}" >>/tmp/mpathd.log 2>&1 &
	FX_MPATHD_PID=$!
	FX_MPATHD_PIDS+=("$FX_MPATHD_PID")
	wait_for 30 test -S /run/mpathd/mpathd.sock || { tail -n 30 /tmp/mpathd.log; return 1; }
}
# Every daemon a scenario starts must end with exit status 0 (SIGTERM), unless the scenario
# killed it on purpose (fx_mpathd_kill9); a crash, an abort or a sanitizer report fails a check.
FX_MPATHD_PIDS=()
FX_MPATHD_KILLED=" "
fx_mpathd_reap() {	# fx_mpathd_reap PID: wait for it and check how it ended
	local pid=$1 rc=0
	wait "$pid" 2>/dev/null || rc=$?
	case "$FX_MPATHD_KILLED" in *" $pid "*) return 0 ;; esac
	check "mpathd (pid $pid) exited cleanly (status $rc)" test "$rc" = 0
}
fx_mpathd_reap_all() {
	local pid
	for pid in "${FX_MPATHD_PIDS[@]}"; do
		[ -n "$pid" ] || continue
		kill -0 "$pid" 2>/dev/null && kill "$pid" 2>/dev/null
		fx_mpathd_reap "$pid"
	done
	FX_MPATHD_PIDS=()
	if [ -s /tmp/mpathd.log ]; then
		check "no sanitizer report in the daemon's output" \
			bash -c "! grep -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' /tmp/mpathd.log"
		if grep -qE 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' /tmp/mpathd.log; then
			# The report, with only the project's own frames, so a leak is seen where it starts.
			grep -E 'Sanitizer|runtime error|leak of|#[0-9]+ .* \.\./(libmpath|mpathd|selectors|iscsi-session|cli)/' \
				/tmp/mpathd.log | head -n 400 >&2
		fi
	fi
}
fx_mpathd_stop() {
	local pid=$FX_MPATHD_PID
	kill "$pid" 2>/dev/null
	fx_mpathd_reap "$pid"
	FX_MPATHD_PIDS=("${FX_MPATHD_PIDS[@]/$pid}")
	true
}
fx_mpathd_kill9() {	# kill the daemon with SIGKILL on purpose (its status is not checked)
	FX_MPATHD_KILLED+="$FX_MPATHD_PID "
	kill -9 "$FX_MPATHD_PID"; wait "$FX_MPATHD_PID" 2>/dev/null
	FX_MPATHD_PIDS=("${FX_MPATHD_PIDS[@]/$FX_MPATHD_PID}")
	true
}
fx_mpath() { "$FX_MPATH" "$@"; }
fx_dm_maps() { dmsetup ls --target multipath 2>/dev/null | awk '$1 != "No" { print $1 }'; }
# fx_dm_path_state MAP DEVT: A or F from the kernel's status line
fx_dm_path_state() {
	dmsetup status "$1" | tr ' ' '\n' | awk -v d="$2" 'found { print; exit } $0 == d { found = 1 }'
}
# fx_dm_path_states MAP: the A/F state of every path, in table order ("A A F")
fx_dm_path_states() {
	echo $(dmsetup status "$1" | tr ' ' '\n' | awk 'take { print; take = 0; next } /^[0-9]+:[0-9]+$/ { take = 1 }')
}
fx_devt() { cat "/sys/block/$1/dev"; }
fx_map_of() {	# the map holding sd device $1
	local m
	for m in $(fx_dm_maps); do dmsetup deps -o devname "$m" | grep -q "($1)" && echo "$m"; done
}


# Per-link traffic and table shape, for scenarios that show where I/O goes ------------------
# (fx_rx_window and fx_link_flat use the scenario's LINKS and IDLE_MAX.)
fx_mb() { echo "$(($1 / 1048576)).$(( ($1 % 1048576) * 10 / 1048576 ))"; }
# fx_rx_window SECONDS: what the target received over each link meanwhile, into RX_D[n]; printed.
fx_rx_window() {
	local s=$1 n total=0 line=""
	local -a before
	for n in $(seq 1 "$LINKS"); do before[n]=$(fx_link_rx_bytes "$n"); done
	sleep "$s"
	for n in $(seq 1 "$LINKS"); do
		RX_D[n]=$(( $(fx_link_rx_bytes "$n") - before[n] ))
		total=$((total + RX_D[n]))
	done
	RX_TOTAL=$total
	for n in $(seq 1 "$LINKS"); do
		line+="  link$n +$(fx_mb "${RX_D[n]}") MB"
		[ "$total" -gt 0 ] && line+=" ($((RX_D[n] * 100 / total))%)"
	done
	echo "  rx over ${s}s: total +$(fx_mb "$total") MB;$line"
}
fx_link_flat() { [ "${RX_D[$1]}" -lt "$IDLE_MAX" ]; }
fx_tbl_devts() { echo $(dmsetup table "$1" | tr ' ' '\n' | grep -E '^[0-9]+:[0-9]+$'); }
fx_tbl_shape() {	# the number of paths of each group, in table order
	dmsetup table "$1" | awk '{ i = 4; i += $i + 1; i += $i + 1; n = $i; i += 2; s = ""
		for (g = 1; g <= n; g++) { i++; i += $i + 1; np = $i; na = $(i + 1); i += 2
			s = s (g > 1 ? " " : "") np; i += np * (1 + na) }
		print s }'
}

# Scenarios run without multipath-tools' udev rules (see fx_multipath_tools_rules): they
# would also run `multipath -u` for every new disk, which costs seconds per hundred disks.
if [ -z "${FX_KEEP_MULTIPATH_TOOLS_RULES:-}" ]; then fx_multipath_tools_rules off; fi
