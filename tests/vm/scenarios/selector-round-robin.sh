# SPDX-License-Identifier: GPL-2.0-or-later
# desc: round-robin selector over 4 iSCSI links under fio verify: one group, I/O spread over every link, a link cut and restored without a reload
# timeout: 300
. "$(dirname "$0")/../lib/fixtures.sh"

# The plugins of the build under test, not an installed copy.
export MPATHD_SELECTOR_DIR=${MPATHD_SELECTOR_DIR:-$FX_BUILD/selectors}
LINKS=4
WINDOW=6			# seconds of each byte-count window
SHARE_MIN=15			# % of the window's bytes each carrying link must have
ACTIVE_MIN=$((1024 * 1024))	# a window with I/O: at least 1 MiB over all links
IDLE_MAX=$((512 * 1024))	# a link without I/O: NOP-Outs and checker TURs only

CONF='defaults {
	user_friendly_names yes
	find_multipaths on
	polling_interval 1
	no_path_retry 12
}
devices {
	device {
		vendor "LIO-ORG"
		product ".*"
		selector round-robin
		path_selector "round-robin 0"
		rr_min_io_rq 1
	}
}'

# spread_over N...: the last window carried I/O, each of links N... has >= SHARE_MIN % of it
spread_over() {
	local n
	[ "$RX_TOTAL" -ge "$ACTIVE_MIN" ] || return 1
	for n in "$@"; do [ $((RX_D[n] * 100)) -ge $((SHARE_MIN * RX_TOTAL)) ] || return 1; done
}
sorted_words() { echo $(printf '%s\n' "$@" | sort); }
tbl_devts_sorted() { sorted_words $(fx_tbl_devts "$1"); }
path_states() { local d; echo $(for d in "$@"; do fx_dm_path_state "$m" "$d"; done); }	# in argument order
ll_groups() { fx_mpath -ll | grep -c -- '-+- policy='; }
ll_paths() { fx_mpath -ll | grep -cE ' sd[a-z]+ +[0-9]+:[0-9]+ '; }
ll_shape() { echo "$(ll_groups) group(s), $(ll_paths) paths"; }

[ -e "$MPATHD_SELECTOR_DIR/round-robin.so" ] || fx_die "no round-robin.so in $MPATHD_SELECTOR_DIR"
fx_iscsi_simple "$LINKS" || fx_die "iSCSI target"
declare -a DEV DEVT RX_D
for n in $(seq 1 "$LINKS"); do DEV[n]=$(fx_iscsi_dev "if$n"); DEVT[n]=$(fx_devt "${DEV[n]}"); done
echo "  paths: $(for n in $(seq 1 "$LINKS"); do printf 'if%s %s (%s) ' "$n" "${DEV[n]}" "${DEVT[n]}"; done)"
fx_mpathd_start "$CONF" || fx_die "mpathd did not start"
check "one map over the 4 iSCSI paths" wait_for 30 fx_eq 1 fx_count fx_dm_maps
m=$(fx_dm_maps)
check "one path group holding the 4 paths" wait_for 20 fx_eq 4 fx_tbl_shape "$m"
check "the paths of all 4 links are in it" fx_eq "$(sorted_words "${DEVT[@]}")" tbl_devts_sorted "$m"
check "the group uses the kernel's round-robin selector, repeat count 1" bash -c "dmsetup table $m | grep -qE ' round-robin 0 4 1( [0-9]+:[0-9]+ 1){4} *\$'"
dmsetup table "$m" | sed 's/^/  table: /'
check "all 4 paths active" wait_for 20 fx_eq "A A A A" fx_dm_path_states "$m"
fx_mpath -ll
check "mpath -ll shows one path group with the 4 paths" fx_eq "1 group(s), 4 paths" ll_shape
check "mpath -ll names the round-robin kernel selector" bash -c "$FX_MPATH -ll | grep -q \"policy='round-robin 0'\""

FX_FIO_SIZE=32m fx_fio_start base "/dev/mapper/$m" 14 --iodepth=16
sleep 3
fx_rx_window "$WINDOW"
check "I/O is spread over all 4 links (each >= $SHARE_MIN% of the bytes)" spread_over 1 2 3 4
check "fio with verify: no error (4 links)" fx_fio_wait base

tbl_before=$(dmsetup table "$m")
FX_FIO_SIZE=32m fx_fio_start cut "/dev/mapper/$m" 60 --iodepth=16
sleep 2
t0=$(fx_now_ms)
fx_link_down 2
check "${DEV[2]} fails in the kernel after link 2 is cut" wait_for 30 fx_eq F fx_dm_path_state "$m" "${DEVT[2]}"
echo "  failed $(( $(fx_now_ms) - t0 )) ms after the cut"
check "the other 3 paths stay active" fx_eq "A A A" path_states "${DEVT[1]}" "${DEVT[3]}" "${DEVT[4]}"
check "fio goes on with link 2 cut" fx_fio_running cut
fx_rx_window "$WINDOW"
check "I/O goes on over links 1, 3 and 4 (each >= $SHARE_MIN% of the bytes)" spread_over 1 3 4
check "link 2 carries nothing (< $((IDLE_MAX / 1024)) KiB)" fx_link_flat 2
t0=$(fx_now_ms)
fx_link_up 2
check "the session of ${DEV[2]} logs in again" wait_for 60 fx_eq LOGGED_IN fx_iscsi_session_state "${DEV[2]}"
check "${DEV[2]} is reinstated in the kernel" wait_for 60 fx_eq A fx_dm_path_state "$m" "${DEVT[2]}"
echo "  reinstated $(( $(fx_now_ms) - t0 )) ms after link 2 came back"
check "fio goes on after link 2 returns" fx_fio_running cut
fx_rx_window "$WINDOW"
check "link 2 carries I/O again: all 4 links each >= $SHARE_MIN% of the bytes" spread_over 1 2 3 4
check "no reload across the cut and the return (fail_path/reinstate_path only)" fx_eq "$tbl_before" dmsetup table "$m"
check "fio with verify: no error across the cut and the return" fx_fio_wait cut
fx_mpath -ll
check "mpath -ll still shows one group with the 4 paths" fx_eq "1 group(s), 4 paths" ll_shape

fx_mpathd_stop
check "daemon log has no error" bash -c "! grep -E ': err: ' /tmp/mpathd.log"
fx_iscsi_logout_all
fx_done
