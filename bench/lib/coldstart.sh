# SPDX-License-Identifier: GPL-2.0-or-later
# Cold start and memory: from a daemon's start until every map exists with every path active
# in the kernel (bench/dm-wait.py), in two cases for each daemon, on the same scsi_debug disks:
#   first start: /etc/multipath/wwids and bindings deleted (a first install);
#   restart: the files kept from that daemon's own first start (a reboot; /run emptied).
# find_multipaths on in both: "strict" would build nothing on a first start (no WWID known),
# and "on" also claims every WWID with two or more paths, so both daemons build every map in
# both cases. Maps are flushed before every start, as after a reboot.

cold_run() {	# cold_run WHO first|restart N: one start; the ms into cold-WHO-CASE, memory into mem-WHO-CASE
	local who=$1 case=$2 t0 t n c
	flush_maps || return 1
	daemon_forget_run
	[ "$case" = first ] && rm -f /etc/multipath/wwids /etc/multipath/bindings
	python3 "$BENCH_DIR/dm-wait.py" "$LUNS" "$PATHS" "$COLD_MAX" > "$BENCH_TMP/wait" &
	local wp=$!
	sleep 0.5	# the waiter is polling before the daemon starts
	t0=$(fx_now_ms)
	daemon_up "$who" "$BENCH_CONF_PLAIN" || { wait "$wp"; echo - >> "$BENCH_TMP/cold-$who-$case"; return 1; }
	wait "$wp"
	read -r t n c < "$BENCH_TMP/wait"
	if [ "$t" != - ]; then
		echo $((t - t0)) >> "$BENCH_TMP/cold-$who-$case"
	else
		echo - >> "$BENCH_TMP/cold-$who-$case"
		fx_log "cold start: $who $case: not done after ${COLD_MAX}s: $n maps, $c complete"
	fi
	fx_log "cold start: $who $case: $(tail -n1 "$BENCH_TMP/cold-$who-$case") ms"
	sleep "${BENCH_MEM_SETTLE:-5}"	# memory once the start-up work has settled
	mem_kib "$BENCH_PID" >> "$BENCH_TMP/mem-$who-$case"
	daemon_down "$who"
}

mem_rows() {	# mem_rows CASE: one row per figure, the last run's
	local case=$1 f=${1%% *} i name a b
	local -a names=(Pss Pss_Anon "Anonymous (smaps_rollup)" Locked "RssAnon (status)" "VmRSS (status)")
	for i in 0 2 4 5 3; do	# Pss_Anon: the same as Anonymous for a process alone
		a=$(tail -n1 "$BENCH_TMP/mem-mpathd-$f" 2>/dev/null | awk -v i=$((i + 1)) '{ print $i }')
		b=$(tail -n1 "$BENCH_TMP/mem-multipathd-$f" 2>/dev/null | awk -v i=$((i + 1)) '{ print $i }')
		name=${names[i]}
		row "$name after the $case (MiB)" "$(kib_mib "$a")" "$(kib_mib "$b")" "$(ratio "$a" "$b")"
	done
}
kib_mib() { [[ "$1" =~ ^[0-9]+$ ]] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' || echo -; }

bench_coldstart() {
	local who case i runs=${MPATH_BENCH_COLD_RUNS:-1}
	rm -f "$BENCH_TMP"/cold-* "$BENCH_TMP"/mem-*
	for who in mpathd multipathd; do
		for i in $(seq 1 "$runs"); do
			for case in first restart; do cold_run "$who" "$case"; done
		done
	done
	flush_maps
	table_head "Cold start, $LUNS LUNs x $PATHS paths (until every map has all paths active in dm status)" \
		what "mpathd: median [min–max]" "multipathd: median [min–max]" "runs: mpathd / multipathd" "multipathd / mpathd"
	samples_row "first start (wwids and bindings deleted)" "$BENCH_TMP/cold-mpathd-first" "$BENCH_TMP/cold-multipathd-first"
	samples_row "restart with wwids and bindings kept" "$BENCH_TMP/cold-mpathd-restart" "$BENCH_TMP/cold-multipathd-restart"
	table_head "Memory after the cold start, $LUNS x $PATHS (/proc/PID/smaps_rollup and /proc/PID/status)" \
		what mpathd multipathd "multipathd / mpathd"
	mem_rows "first start"
	mem_rows restart
	echo
	echo "Both daemons lock their memory on purpose: multipathd calls mlockall(MCL_CURRENT|MCL_FUTURE),"
	echo "so every page it maps is resident (VmRSS counts its whole mapped libraries and thread stacks);"
	echo "mpathd calls mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT), so pages are locked once touched."
	echo "Pss shares each shared page among the processes that map it; Anonymous/RssAnon is the daemon's own heap and stacks."
}
