# SPDX-License-Identifier: GPL-2.0-or-later
# desc: failover-priority selector over 3 iSCSI links under fio verify: priority order, failover, failback immediate/manual, set-priority --insert, set-state, state across restarts
# timeout: 420
. "$(dirname "$0")/../lib/fixtures.sh"

# The plugins of the build under test, not an installed copy.
export MPATHD_SELECTOR_DIR=${MPATHD_SELECTOR_DIR:-$FX_BUILD/selectors}
# The plugin's state files: <MPATH_STATE_DIR>/selectors/failover-priority/<WWID>
FP_STATE=$(sed -n 's/^#define MPATH_STATE_DIR "\(.*\)"$/\1/p' "$FX_BUILD/mpath-config.h" 2>/dev/null)
FP_STATE=${FP_STATE:-/var/lib/mpathd}/selectors/failover-priority
LINKS=3
WINDOW=5			# seconds of each byte-count window
ACTIVE_MIN=$((1024 * 1024))	# the link carrying I/O: at least 1 MiB per window
IDLE_MAX=$((512 * 1024))	# the others: NOP-Outs and checker TURs only, far below this

fp_conf() {	# fp_conf FAILBACK: the scenario's configuration
	cat <<EOF
defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 1
	no_path_retry 12
}
devices {
	device {
		vendor "LIO-ORG"
		product ".*"
		selector failover-priority
		failback $1
		failover_priority "iface=if1 10"
		failover_priority "iface=if2 20"
		failover_priority "iface=if3 30"
	}
}
EOF
}

io_only_on() {	# io_only_on N: the last window saw I/O over link N and none elsewhere
	local n
	[ "${RX_D[$1]}" -ge "$ACTIVE_MIN" ] || return 1
	for n in $(seq 1 "$LINKS"); do [ "$n" = "$1" ] || fx_link_flat "$n" || return 1; done
}

# dm table and status of the map
dm_current_devt() {	# the path(s) of the group the kernel is sending I/O to (status "A")
	dmsetup status "$1" | awk '{ i = 4; i += $i + 1; i += $i + 1; n = $i; i += 2
		for (g = 1; g <= n; g++) { st = $i; i++; i += $i + 1; np = $i; na = $(i + 1); i += 2
			for (p = 1; p <= np; p++) { if (st == "A") print $i; i += 3 + na } } }'
}

# `mpath failover list MAP`: "[*] PRIORITY SOURCE STATE STATUS DEV HCTL PATH" per path, best first
fo_list() { fx_mpath failover list "$m"; }
fo_rows() {	# DEV PRIORITY SOURCE STATE STATUS SEL(* or -), in list order
	fo_list 2>/dev/null | awk 'NR > 2 { o = ($1 == "*"); print $(5 + o), $(1 + o), $(2 + o), $(3 + o), $(4 + o), (o ? "*" : "-") }'
}
fo_order() { echo $(fo_rows | awk '{ print $1 }'); }
fo_selected() { fo_rows | awk '$6 == "*" { print $1 }'; }
fo_path() { fo_rows | awk -v d="$1" '$1 == d { print $2, $3, $4, $5 }'; }	# "10 config Up ready"

# expect_io_on N WHAT [WAIT]: within WAIT s the kernel's active group is link N's path, and a
# window shows the target receiving I/O over link N only.
expect_io_on() {
	local n=$1 what=$2 limit=${3:-15} t0
	t0=$(fx_now_ms)
	check "$what: the kernel's active path group is ${DEV[n]}'s (link $n)" \
		wait_for "$limit" fx_eq "${DEVT[n]}" dm_current_devt "$m"
	echo "  ($(( $(fx_now_ms) - t0 )) ms until then)"
	fx_fio_running "$FIO" || echo "  (fio $FIO is no longer running: the window sees no I/O)"
	fx_rx_window "$WINDOW"
	check "$what: I/O goes over link $n only (>= $((ACTIVE_MIN / 1024)) KiB there, < $((IDLE_MAX / 1024)) KiB on the others)" \
		io_only_on "$n"
}
fio_phase() { FIO=$1; FX_FIO_SIZE=32m fx_fio_start "$1" "/dev/mapper/$m" "$2"; sleep 2; }
cut_link() {	# cut_link N: down, and the kernel has the path failed
	local t0
	t0=$(fx_now_ms)
	fx_link_down "$1"
	check "${DEV[$1]} fails in the kernel after link $1 is cut" wait_for 30 fx_eq F fx_dm_path_state "$m" "${DEVT[$1]}"
	echo "  failed $(( $(fx_now_ms) - t0 )) ms after the cut"
}
restore_link() {	# restore_link N: up, the session logs in again, the path is reinstated
	local t0
	t0=$(fx_now_ms)
	fx_link_up "$1"
	check "the session of ${DEV[$1]} logs in again" wait_for 60 fx_eq LOGGED_IN fx_iscsi_session_state "${DEV[$1]}"
	check "${DEV[$1]} is reinstated in the kernel" wait_for 60 fx_eq A fx_dm_path_state "$m" "${DEVT[$1]}"
	echo "  reinstated $(( $(fx_now_ms) - t0 )) ms after link $1 came back"
}

[ -e "$MPATHD_SELECTOR_DIR/failover-priority.so" ] || fx_die "no failover-priority.so in $MPATHD_SELECTOR_DIR"
rm -rf "$FP_STATE"
fx_iscsi_simple "$LINKS" || fx_die "iSCSI target"
declare -a DEV DEVT RX_D
for n in $(seq 1 "$LINKS"); do DEV[n]=$(fx_iscsi_dev "if$n"); DEVT[n]=$(fx_devt "${DEV[n]}"); done
echo "  paths: if1 ${DEV[1]} (${DEVT[1]}), if2 ${DEV[2]} (${DEVT[2]}), if3 ${DEV[3]} (${DEVT[3]})"
fx_mpathd_start "$(fp_conf immediate)" || fx_die "mpathd did not start"
check "one map over the 3 iSCSI paths" wait_for 30 fx_eq 1 fx_count fx_dm_maps
m=$(fx_dm_maps)

# a. one path per group, in priority order; the best path carries all I/O
check "the map uses failover-priority: 'mpath failover list' shows its 3 paths" wait_for 20 fx_eq 3 fx_count fo_rows
check "3 path groups of one path each" wait_for 20 fx_eq "1 1 1" fx_tbl_shape "$m"
check "groups in priority order: if1, if2, if3" fx_eq "${DEVT[1]} ${DEVT[2]} ${DEVT[3]}" fx_tbl_devts "$m"
check "all 3 paths active" wait_for 20 fx_eq "A A A" fx_dm_path_states "$m"
check "list order is if1, if2, if3" fx_eq "${DEV[1]} ${DEV[2]} ${DEV[3]}" fo_order
check "list: ${DEV[1]} has priority 10 from the config" fx_eq "10 config Up ready" fo_path "${DEV[1]}"
check "list: ${DEV[2]} has priority 20 from the config" fx_eq "20 config Up ready" fo_path "${DEV[2]}"
check "list: ${DEV[3]} has priority 30 from the config" fx_eq "30 config Up ready" fo_path "${DEV[3]}"
check "list marks ${DEV[1]} as carrying I/O" wait_for 10 fx_eq "${DEV[1]}" fo_selected
wwid=$(fo_list | awk 'NR == 1 { gsub(/[()]/, "", $2); print $2 }')
echo "  map $m, WWID $wwid"
check "failover list --json is JSON" bash -c "$FX_MPATH failover list --json | python3 -m json.tool >/dev/null"
fo_list
fx_mpath -ll
fio_phase a 15
expect_io_on 1 "at start"
check "fio with verify: no error (start)" fx_fio_wait a

# b. failover follows the priority order as paths die one by one; c. failback immediate
fio_phase bc 95
cut_link 1
check "list shows ${DEV[1]} failed" wait_for 10 fx_eq "10 config Up failed" fo_path "${DEV[1]}"
check "list marks ${DEV[2]} as carrying I/O" wait_for 10 fx_eq "${DEV[2]}" fo_selected
expect_io_on 2 "link 1 cut"
cut_link 2
check "list marks ${DEV[3]} as carrying I/O" wait_for 10 fx_eq "${DEV[3]}" fo_selected
expect_io_on 3 "links 1 and 2 cut"
restore_link 2
expect_io_on 2 "link 2 back (failback immediate, link 1 still cut)" 10
restore_link 1
expect_io_on 1 "link 1 back (failback immediate)" 10
check "list marks ${DEV[1]} as carrying I/O again" wait_for 5 fx_eq "${DEV[1]}" fo_selected
check "fio with verify: no error across the failovers and failbacks" fx_fio_wait bc

# d. set-priority --insert; e. set-state down --select
fio_phase de 35
check "root can set ${DEV[3]}=5 --insert" fx_mpath failover set-priority "${DEV[3]}=5" --insert
fo_list
check "list order is now if3, if1, if2" wait_for 10 fx_eq "${DEV[3]} ${DEV[1]} ${DEV[2]}" fo_order
check "list: ${DEV[3]} has run-time priority 5" fx_eq "5 run-time Up ready" fo_path "${DEV[3]}"
check "list: ${DEV[1]} shifted 10 -> 11" fx_eq "11 run-time Up ready" fo_path "${DEV[1]}"
check "list: ${DEV[2]} shifted 20 -> 21" fx_eq "21 run-time Up ready" fo_path "${DEV[2]}"
check "the table is reloaded in the new order: if3, if1, if2" wait_for 15 fx_eq "${DEVT[3]} ${DEVT[1]} ${DEVT[2]}" fx_tbl_devts "$m"
check "list marks ${DEV[3]} as carrying I/O (failback immediate)" wait_for 10 fx_eq "${DEV[3]}" fo_selected
expect_io_on 3 "after set-priority ${DEV[3]}=5 --insert"
check "root can set ${DEV[3]} down --select" fx_mpath failover set-state "${DEV[3]}" down --select
fo_list
check "list: ${DEV[3]} is Down (and still healthy)" wait_for 10 fx_eq "5 run-time Down ready" fo_path "${DEV[3]}"
check "${DEV[3]} is out of the table: groups if1, if2" wait_for 15 fx_eq "${DEVT[1]} ${DEVT[2]}" fx_tbl_devts "$m"
check "list marks ${DEV[1]} as carrying I/O (best Up path)" wait_for 10 fx_eq "${DEV[1]}" fo_selected
expect_io_on 1 "${DEV[3]} administratively Down"
check "link 3 carries nothing while ${DEV[3]} is Down" fx_link_flat 3
check "fio with verify: no error across set-priority and set-state reloads" fx_fio_wait de

# f. the run-time state survives a restart of the daemon
fio_phase f 30
fx_mpathd_stop
sf=$FP_STATE/$wwid
echo "  state file $sf:"; sed 's/^/    /' "$sf" 2>/dev/null
check "the state file records ${DEV[3]} (if3) at 5, Down" grep -qE '^path 5 down iscsi:.*,if3$' "$sf"
check "the state file records if1 at 11 and if2 at 21, Up" bash -c "grep -qE '^path 11 up iscsi:.*,if1\$' '$sf' && grep -qE '^path 21 up iscsi:.*,if2\$' '$sf'"
fx_mpathd_start "$(fp_conf immediate)" || fx_die "mpathd did not restart"
check "after the restart: ${DEV[3]} still 5, run-time, Down" wait_for 30 fx_eq "5 run-time Down ready" fo_path "${DEV[3]}"
check "after the restart: ${DEV[1]} still 11, run-time, Up" fx_eq "11 run-time Up ready" fo_path "${DEV[1]}"
check "after the restart: ${DEV[2]} still 21, run-time, Up" fx_eq "21 run-time Up ready" fo_path "${DEV[2]}"
fo_list
check "after the restart: the table still leaves ${DEV[3]} out" wait_for 10 fx_eq "${DEVT[1]} ${DEVT[2]}" fx_tbl_devts "$m"
expect_io_on 1 "after the restart"
check "link 3 carries nothing after the restart" fx_link_flat 3
check "fio with verify: no error across the restart" fx_fio_wait f

# g. only root changes priorities and states; anyone may list
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$FX_MPATH" "$@"; }
fails() { ! "$@"; }
nobody_sees() { nobody failover list "$m" | grep -q " $1 "; }
check "an unprivileged client cannot set-priority" fails nobody failover set-priority "${DEV[2]}=1"
check "an unprivileged client cannot set-state" fails nobody failover set-state "${DEV[1]}" down --select
check "an unprivileged client can list" nobody_sees "${DEV[3]}"
nobody failover list "$m" | sed 's/^/  nobody: /'
check "order unchanged: if3, if1, if2" fx_eq "${DEV[3]} ${DEV[1]} ${DEV[2]}" fo_order
check "${DEV[2]} still 21 and Up" fx_eq "21 run-time Up ready" fo_path "${DEV[2]}"
check "${DEV[1]} still 11 and Up" fx_eq "11 run-time Up ready" fo_path "${DEV[1]}"
check "table unchanged: groups if1, if2" fx_eq "${DEVT[1]} ${DEVT[2]}" fx_tbl_devts "$m"

# h. failback manual: I/O stays where failover put it until set-state PATH up --select
fx_mpathd_stop
fx_mpathd_start "$(fp_conf manual)" || fx_die "mpathd did not restart (failback manual)"
check "list reports failback manual" wait_for 30 bash -c "$FX_MPATH failover list $m | head -n1 | grep -q 'failback manual'"
fo_list
check "list marks ${DEV[1]} as carrying I/O" wait_for 10 fx_eq "${DEV[1]}" fo_selected
fio_phase h 60
check "before the cut the kernel sends I/O to ${DEV[1]}" wait_for 10 fx_eq "${DEVT[1]}" dm_current_devt "$m"
cut_link 1
expect_io_on 2 "failback manual: link 1 cut"
restore_link 1
check "list shows ${DEV[1]} ready again" wait_for 10 fx_eq "11 run-time Up ready" fo_path "${DEV[1]}"
WINDOW=8 expect_io_on 2 "failback manual: link 1 back, I/O stays on link 2 for 8 s" 2
check "link 1 carries nothing by itself" fx_link_flat 1
check "list still marks ${DEV[2]} as carrying I/O" fx_eq "${DEV[2]}" fo_selected
check "root can set ${DEV[1]} up --select" fx_mpath failover set-state "${DEV[1]}" up --select
check "list marks ${DEV[1]} as carrying I/O" wait_for 10 fx_eq "${DEV[1]}" fo_selected
expect_io_on 1 "after set-state ${DEV[1]} up --select" 10
fo_list
check "fio with verify: no error under failback manual" fx_fio_wait h

fx_mpath -ll
fx_mpathd_stop
check "daemon log has no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"
rm -rf "$FP_STATE"
fx_iscsi_logout_all
fx_done
