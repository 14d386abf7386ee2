# SPDX-License-Identifier: GPL-2.0-or-later
# `show paths` latency while the same one-map config change is applied in a loop to either
# daemon (bench/cli-latency.py): a multipaths entry for one WWID alternates its path_selector
# between "service-time 0" and "round-robin 0", then `reconfigure`; each turn waits until the
# map's live table has the new selector. CLI_LUNS of the cold start's LUNs (default 64).

cli_conf() {	# cli_conf WWID SELECTOR: the plain config with a multipaths entry for WWID
	printf '%s\nmultipaths {\n\tmultipath {\n\t\twwid "%s"\n\t\tpath_selector "%s"\n\t}\n}\n' \
		"$BENCH_CONF_PLAIN" "$1" "$2"
}
cli_drop_luns() {	# keep LUNs 0..N-1 of scsi_debug: both daemons then see the same set
	local n=$1 d l
	for d in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*:*:*:*; do
		l=${d##*:}; [ "$l" -ge "$n" ] && echo 1 > "$d/delete"
	done
	udevadm settle --timeout=300
}
cli_daemon() {	# cli_daemon WHO N: key=value figures into cli-WHO
	local who=$1 n=$2 dev wwid m conf cmd
	dev=$(fx_sdebug_disks | head -n1); wwid=$(fx_wwid "$dev")
	cli_conf "$wwid" "service-time 0" > "$BENCH_TMP/cli-a.conf"
	cli_conf "$wwid" "round-robin 0" > "$BENCH_TMP/cli-b.conf"
	flush_maps
	daemon_up "$who" "$(cat "$BENCH_TMP/cli-a.conf")" && daemon_ready "$who" || { fx_log "cli: $who did not start"; return 1; }
	python3 "$BENCH_DIR/dm-wait.py" "$n" "$PATHS" 900 >/dev/null || fx_log "cli: $who did not bring up $n maps"
	m=$(fx_map_of "$dev")
	if [ "$who" = mpathd ]; then conf=/tmp/mpathd.conf; cmd="$FX_MPATH reconfigure"
	else conf=/etc/multipath.conf; cmd="multipathd reconfigure"; fi
	fx_log "cli: sampling $who (map $m, wwid $wwid)"
	FX_MPATH=$FX_MPATH python3 "$BENCH_DIR/cli-latency.py" "$who" "$SAMPLES" "$EXEC_SAMPLES" $((n * PATHS)) \
		"$conf" "$BENCH_TMP/cli-a.conf" "$BENCH_TMP/cli-b.conf" "$m" $cmd > "$BENCH_TMP/cli-$who"
	fx_log "cli: $who: $(tr '\n' ' ' < "$BENCH_TMP/cli-$who")"
	daemon_down "$who"; flush_maps
}
cli_get() { tr ' ' '\n' < "$BENCH_TMP/cli-$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }
cli_p() {	# cli_p WHO sock|exec P: the percentile, none for a p99 over fewer than 1,000 samples
	if [ "$3" = p99 ] && [ "$(cli_get "$1" "$2_n")" -lt 1000 ] 2>/dev/null; then
		echo "- (n<1000)"
	else
		cli_get "$1" "$2_$3"
	fi
}
cli_rows() {	# cli_rows sock|exec LABEL
	local k=$1 what=$2 p a b
	for p in p50 p99 max; do
		[ "$k" = exec ] && [ $p = p99 ] && p=p90	# too few process samples for a p99
		a=$(cli_p mpathd "$k" $p); b=$(cli_p multipathd "$k" $p)
		row "$what: $p (ms)" "$a" "$b" "$(ratio "$a" "$b")"
	done
	row "$what: samples taken (stopped after ${MPATH_BENCH_CLI_SECS:-900} s)" \
		"$(cli_get mpathd "${k}_n")" "$(cli_get multipathd "${k}_n")" -
	row "$what: failed replies (error, timeout, none)" \
		"$(cli_get mpathd "${k}_failed") of $(cli_get mpathd "${k}_n")" \
		"$(cli_get multipathd "${k}_failed") of $(cli_get multipathd "${k}_n")" -
	row "$what: replies listing fewer paths than exist" \
		"$(cli_get mpathd "${k}_incomplete")" "$(cli_get multipathd "${k}_incomplete")" -
}
bench_cli() {
	local n=$(( LUNS < CLI_LUNS ? LUNS : CLI_LUNS )) who
	[ "$LUNS" -gt "$n" ] && cli_drop_luns "$n"
	for who in mpathd multipathd; do cli_daemon "$who" "$n"; done
	table_head "\`show paths\` during a one-map reconfigure loop, $n LUNs x $PATHS paths" \
		what mpathd multipathd "multipathd / mpathd"
	cli_rows sock "socket, up to $SAMPLES samples"
	cli_rows exec "CLI process (\`mpath show paths\` / \`multipathd show paths\`), up to $EXEC_SAMPLES samples"
	row "reload turns completed (the map's table changed) / not within 60 s" \
		"$(cli_get mpathd turns) / $(cli_get mpathd turn_timeouts) in $(cli_get mpathd secs) s" \
		"$(cli_get multipathd turns) / $(cli_get multipathd turn_timeouts) in $(cli_get multipathd secs) s" -
	row "dm resumes (kernel change uevents) / distinct maps resumed" \
		"$(cli_get mpathd resumes) / $(cli_get mpathd maps_resumed)" \
		"$(cli_get multipathd resumes) / $(cli_get multipathd maps_resumed)" -
	row "reconfigure commands that failed" "$(cli_get mpathd cmd_failures)" "$(cli_get multipathd cmd_failures)" -
	echo
	echo "Latency percentiles count every sample, a failed one at the time it took (a multipathd"
	echo "\"timeout\" reply comes after its uxsock_timeout, 4 s). Failed replies are also counted apart."
}
