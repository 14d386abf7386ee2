# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the test VM (see bench/run.sh): each benchmark measures mpathd, then multipathd,
# on the same devices, with the same config text and the same udev rules, and prints tables.
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH_DIR=$HERE
. "$HERE/../tests/vm/lib/fixtures.sh"
. "$HERE/lib/common.sh"
. "$HERE/lib/coldstart.sh"
. "$HERE/lib/reinstate.sh"
. "$HERE/lib/cli.sh"
. "$HERE/lib/eql.sh"
. "$HERE/lib/iscsi.sh"
WHAT=${MPATH_BENCH_WHAT:-all}
[ -n "${MPATH_BENCH_TRACE:-}" ] && set -x	# MPATH_BENCH_TRACE=1: every command to stderr
LUNS=${MPATH_BENCH_LUNS:-256} PATHS=${MPATH_BENCH_PATHS:-4}
SAMPLES=${MPATH_BENCH_SAMPLES:-1000} EXEC_SAMPLES=${MPATH_BENCH_EXEC_SAMPLES:-100}
CLI_LUNS=${MPATH_BENCH_CLI_LUNS:-64}
REINSTATE_SAMPLES=${MPATH_BENCH_REINSTATE_SAMPLES:-20}
COLD_MAX=${MPATH_BENCH_COLD_MAX:-1800}	# seconds a daemon may take to bring up all maps
want() { [ "$WHAT" = all ] || [[ " $WHAT " == *" $1 "* ]]; }

bench_header() {
	echo "## mpathd vs multipath-tools' multipathd: $WHAT"
	echo
	echo "mpathd ${MPATH_BENCH_REV:-?}; multipath-tools $(dpkg-query -W -f '${Version}' multipath-tools 2>/dev/null);"
	echo "kernel $(uname -r), QEMU TCG, $(nproc) vCPUs: absolute times are slow, the ratios are the point."
	echo "Both daemons run in this VM, one after the other, on the same devices, with the same udev rules"
	echo "(multipath-tools' 56-dm-mpath.rules and 60-multipath.rules, and mpathd's 56-mpathd.rules)."
	echo "Ratios are multipathd / mpathd: above 1 mpathd is faster or smaller, below 1 it is not."
}
bench_config() {
	echo
	echo "Config for both daemons (multipathd tuned: polling_interval 1, max_polling_interval 2, tur);"
	echo "mpathd only warns that it does not implement max_polling_interval, and re-tests failed paths every 250 ms:"
	echo '```'
	printf '%s\n' "$BENCH_CONF_PLAIN"
	echo '```'
}

# round-robin over 4 rate-limited links against one such link (mpathd only) ----------------
rr_mbps() {	# rr_mbps DEV SECONDS: sequential write throughput in MB/s, as fio reports it
	fio --name=rr --filename="$1" --rw=write --bs=256k --direct=1 --ioengine=libaio --iodepth=16 \
		--time_based --runtime="$2" --size=64m --output-format=terse 2>/dev/null |
		awk -F';' '{ printf "%.2f", $48 / 1024 }'
}
bench_rr() {
	local rate=${MPATH_BENCH_RR_MBIT:-8} n m one all
	fx_multipath_tools_rules off	# as this bench always ran: mpathd alone, its rules only
	fx_iscsi_simple 4 64 || { echo "iSCSI setup failed"; return 1; }
	for n in 1 2 3 4; do fx_rate "$n" "${rate}mbit"; done
	fx_mpathd_start "defaults {
	user_friendly_names yes
	find_multipaths on
}
overrides {
	selector round-robin
	path_selector \"round-robin 0\"
	rr_min_io_rq 1
}" || return 1
	wait_for 30 fx_eq 1 fx_count fx_dm_maps; m=$(fx_dm_maps)
	wait_for 20 fx_eq "A A A A" fx_dm_path_states "$m"
	one=$(rr_mbps "/dev/$(fx_iscsi_dev if1)" 15)
	all=$(rr_mbps "/dev/mapper/$m" 15)
	fx_mpathd_stop; flush_maps
	for n in 1 2 3 4; do fx_link_clear "$n"; done
	fx_iscsi_logout_all
	# fio reports MiB/s; a link of R Mbit/s carries R * 10^6 / 8 bytes per second
	local sum; sum=$(python3 -c "print(f'{4 * $rate * 1e6 / 8 / 1048576:.2f}')")
	table_head "Round-robin over 4 links (mpathd only)" what mpathd multipathd "share of the links' sum"
	row "round-robin, 4 links of $rate Mbit/s: write MiB/s (one link alone)" "$all ($one)" "-" \
		"$(python3 -c "print(f'{100 * $all / $sum:.0f}% of the links\' sum ($sum MiB/s)')")"
}

bench_header
want coldstart || want rss || want cli || want reinstate && bench_config
# Both daemons see the same udev rules from before the first disk appears (see common.sh).
bench_rules
rm -f /etc/multipath/wwids /etc/multipath/bindings
if want coldstart || want cli || want rss; then
	FX_SDEBUG_MB=4 fx_scsi_debug "$LUNS" "$PATHS" || fx_die "scsi_debug"
	if want coldstart || want rss; then bench_coldstart; fi
	want cli && bench_cli
	flush_maps
	rmmod scsi_debug 2>/dev/null
fi
want reinstate && bench_reinstate
# rr, eql and iscsi each build their own target in the same namespace and links: bench/run.sh
# gives each its own VM run.
want rr && bench_rr
want eql && bench_eql
want iscsi && bench_iscsi
true
