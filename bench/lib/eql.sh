# SPDX-License-Identifier: GPL-2.0-or-later
# A simulated EqualLogic group (tests/vm/lib/fixtures.sh: fx_eql_group): 3 members, 2 links,
# one volume whose referrals give each 16 MiB stripe an owning member. Each member's port on
# each link is rate-limited on the target side (its replies, where the read data flows), so
# the network, not the CPU, is the bottleneck: under TCG the iSCSI stack alone serves about
# 800-950 random 4k reads/s, so the default 3 Mbit/s per port (6 ports: 2.1 MiB/s) stays below. Compared, on the same sessions:
#   mpathd, built-in EQLOGIC entry: selector eql-slice (dm-switch over one multipath device
#     per member, each region routed to its owner);
#   mpathd, selector round-robin for EQLOGIC (one map, every path in one group);
#   multipathd with an EQLOGIC device entry equal to mpathd's built-in one (multipath-tools
#     0.9.4 has no EQLOGIC entry of its own), and multipathd with none (its defaults).
# Figures: fio randread 4k and sequential read 1M over the whole volume (throughput, and the
# commands each member's target port received, LIO's per-TPG in_cmds), then randread over the
# stripes of one member at a time: the share of commands that reached that member, the owner.
# LIO serves every LBA from every port: in the simulation a non-owner costs nothing, where a
# real member forwards the I/O to the owner over the group's back-end.

EQL_MEMBERS=3 EQL_LINKS=2
EQL_MB=144	# 9 stripes of 16 MiB: every member owns 3
EQL_IQN=$FX_TGT_PREFIX:eql-vol1
EQL_DEVICE_ENTRY='devices {
	device {
		vendor "EQLOGIC"
		product "100E-00"
		path_grouping_policy multibus
		path_selector "round-robin 0"
		path_checker tur
		failback immediate
		no_path_retry 5
		rr_min_io 3
		rr_min_io_rq 3
		rr_weight uniform
		features "0"
		hardware_handler "0"
	}
}'

# Each member port (its address on the link) its own rate, on the target's egress.
eql_shape() {	# eql_shape MBIT
	local n g d
	for n in $(seq 1 "$EQL_LINKS"); do
		d="ip netns exec $FX_NS tc"
		$d qdisc replace dev "tveth$n" root handle 1: htb default 1 || return 1
		$d class add dev "tveth$n" parent 1: classid 1:1 htb rate 10gbit
		for g in $(seq 1 "$EQL_MEMBERS"); do
			$d class add dev "tveth$n" parent 1: classid "1:1$g" htb rate "$1mbit" ceil "$1mbit" || return 1
			$d filter add dev "tveth$n" parent 1: protocol ip prio 1 u32 \
				match ip src "10.10.$n.$((10 + g))/32" flowid "1:1$g" || return 1
		done
	done
}
eql_cmds() { local g; for g in $(seq 1 "$EQL_MEMBERS"); do printf '%s ' "$(fx_lio_port_cmds "$EQL_IQN" "$g")"; done; echo; }

# eql_fio DEV SECONDS RW BS IODEPTH [OFFSET:SIZE...]: "MiB/s IOPS" (fio's read figures), one job
# per OFFSET:SIZE range (the whole device without), reported as one group
eql_fio() {
	local dev=$1 secs=$2 rw=$3 bs=$4 qd=$5 r; shift 5
	{
		printf '[global]\nfilename=%s\nrw=%s\nbs=%s\niodepth=%s\ndirect=1\nioengine=libaio\n' "$dev" "$rw" "$bs" "$qd"
		printf 'time_based=1\nruntime=%s\ngroup_reporting=1\n' "$secs"
		if [ $# = 0 ]; then printf '[all]\n'; fi
		for r in "$@"; do printf '[r%s]\noffset=%s\nsize=%s\n' "${r%%:*}" "${r%%:*}" "${r#*:}"; done
	} > "$BENCH_TMP/eql.fio"
	fio --output-format=terse "$BENCH_TMP/eql.fio" 2>>"$BENCH_TMP/fio.err" |
		awk -F';' '{ printf "%.2f %d\n", $7 / 1024, $8 }'
}
eql_stripe_ranges() {	# eql_stripe_ranges MEMBER: OFFSET:SIZE of every stripe it owns
	local bytes=$((FX_EQL_STRIPE * FX_EQL_SEG * 512)) s
	for s in $(seq 0 $((EQL_MB * 1048576 / bytes - 1))); do
		[ "$(fx_eql_owner $((s * FX_EQL_STRIPE)) "$EQL_MEMBERS")" = "$1" ] && printf '%s:%s ' $((s * bytes)) "$bytes"
	done
}
delta() { python3 -c 'import sys; a, b = sys.argv[1].split(), sys.argv[2].split(); print(" ".join(str(int(y) - int(x)) for x, y in zip(a, b)))' "$1" "$2"; }
shares() {	# shares "N1 N2 N3": "a% / b% / c%"
	python3 -c 'import sys; v = [int(x) for x in sys.argv[1].split()]; t = sum(v) or 1; print(" / ".join(f"{100 * x / t:.0f}%" for x in v))' "$1"
}

# eql_measure LABEL DEV: one row of the table
eql_measure() {
	local label=$1 dev=$2 secs=$EQL_SECONDS c0 c1 rand seq dist idle g hit=0 all=0 d own
	# What the daemons themselves send (TURs, RTPG, REPORT REFERRALS), for the owner share's noise
	c0=$(eql_cmds); sleep $((secs / 2)); c1=$(eql_cmds); idle=$(delta "$c0" "$c1")
	c0=$(eql_cmds); rand=$(eql_fio "$dev" "$secs" randread 4k 16); c1=$(eql_cmds)
	dist=$(delta "$c0" "$c1")
	c0=$(eql_cmds); seq=$(eql_fio "$dev" "$secs" read 1M 4); c1=$(eql_cmds)
	fx_log "eql: $label: idle $idle; randread $rand (cmds per member $dist), seq $seq (cmds $(delta "$c0" "$c1"))"
	for g in $(seq 1 "$EQL_MEMBERS"); do
		c0=$(eql_cmds); eql_fio "$dev" $((secs / 2)) randread 4k 16 $(eql_stripe_ranges "$g") >/dev/null; c1=$(eql_cmds)
		d=$(delta "$c0" "$c1"); own=$(echo "$d" | awk -v g="$g" '{ print $g }')
		fx_log "eql: $label: member $g's stripes: cmds per member $d"
		hit=$((hit + own)); all=$((all + $(echo "$d" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; print s }')))
	done
	row "$label" "${rand% *} MiB/s, $(of_sum "${rand% *}") (${rand#* } IOPS)" "${seq% *} MiB/s, $(of_sum "${seq% *}")" \
		"$(shares "$dist")" "$(awk -v h="$hit" -v a="$all" 'BEGIN { printf "%.1f%% (%d of %d)", a ? 100 * h / a : 0, h, a }')" \
		"$(echo "$idle" | tr ' ' '/')"
}
of_sum() { awk -v v="$1" -v s="$EQL_SUM_MIB" 'BEGIN { printf "%.0f%% of the sum", 100 * v / s }'; }

# eql_case WHO MAPS LABEL CONFIG: start, wait until MAPS multipath maps are up, measure, stop.
# eql-slice has one multipath device per member, each with every path (its own, then the others').
eql_case() {
	local who=$1 maps=$2 label=$3 conf=$4 top
	flush_maps
	daemon_up "$who" "$conf" && daemon_ready "$who" || { row "$label" "did not start" - - -; return; }
	python3 "$BENCH_DIR/dm-wait.py" "$maps" $((EQL_MEMBERS * EQL_LINKS)) 120 >/dev/null ||
		fx_log "eql: $label: maps not up: $(dmsetup status)"
	if [ "$maps" -gt 1 ]; then
		# the stack is loaded bottom-up: the switch comes after its member devices
		wait_for 60 eql_switch >/dev/null
		top=$(eql_switch)
		[ -n "$top" ] && wait_for 60 eql_referrals_in "$top" || fx_log "eql: $label: no regions from referrals"
		fx_log "eql: $label: $("$FX_MPATH" show map "$top" regions 2>&1 | head -n 6 | tr '\n' ';')"
	else
		top=$(fx_dm_maps | head -n1)
	fi
	if [ -z "$top" ]; then
		row "$label" "no device to measure" - - - -
		daemon_down "$who"; flush_maps; return
	fi
	fx_log "eql: $label: $top: $(dmsetup table | tr '\n' ';')"
	eql_measure "$label" "/dev/mapper/$top"
	daemon_down "$who"
	flush_maps
}
eql_switch() { dmsetup ls --target switch 2>/dev/null | awk '$1 != "No" { print $1; found = 1; exit } END { exit !found }'; }
eql_referrals_in() { "$FX_MPATH" show map "$1" regions 2>/dev/null | head -n1 | grep -q "regions of $FX_EQL_SEG sectors"; }

bench_eql() {
	local mbit=${MPATH_BENCH_EQL_MBIT:-3} ports=$((EQL_MEMBERS * EQL_LINKS))
	EQL_SECONDS=${MPATH_BENCH_EQL_SECONDS:-20}
	EQL_SUM_MIB=$(awk -v r=$((ports * mbit)) 'BEGIN { printf "%.2f", r * 1e6 / 8 / 1048576 }')
	fx_eql_group "$EQL_MEMBERS" "$EQL_LINKS" 1 "$EQL_MB" || { echo "EqualLogic group setup failed"; return 1; }
	eql_shape "$mbit" || { echo "tc shaping failed"; return 1; }
	fx_eql_login_all || { echo "login failed"; return 1; }
	wait_for 30 fx_ge $((EQL_MEMBERS * EQL_LINKS)) fx_count fx_eql_disks
	echo
	echo "Config for every row: these sections (the daemons tuned as in every bench), plus what the row names:"
	echo '```'; printf '%s\n' "$BENCH_DEFAULTS"; echo '```'
	table_head "EqualLogic group (simulated): $EQL_MEMBERS members x $EQL_LINKS links, each member port ${mbit} Mbit/s (the $ports ports' sum: $EQL_SUM_MIB MiB/s), one ${EQL_MB} MiB volume, ${EQL_SECONDS} s per fio run" \
		setup "randread 4k, qd 16" "seq read 1M, qd 4 (one stream)" "randread commands per member (m1 / m2 / m3)" \
		"commands on the owning member (randread over each member's stripes, $((EQL_SECONDS / 2)) s each)" \
		"commands per member with no I/O in $((EQL_SECONDS / 2)) s"
	eql_case mpathd "$EQL_MEMBERS" "mpathd, built-in EQLOGIC entry (selector eql-slice)" "$BENCH_DEFAULTS"
	eql_case mpathd 1 "mpathd, selector round-robin" "$BENCH_DEFAULTS
overrides {
	selector round-robin
}"
	eql_case multipathd 1 "multipathd, EQLOGIC entry as mpathd's built-in one" "$BENCH_DEFAULTS
$EQL_DEVICE_ENTRY"
	eql_case multipathd 1 "multipathd, no EQLOGIC entry (0.9.4 has none built in)" "$BENCH_DEFAULTS"
	echo
	echo "multipathd's EQLOGIC entry (mpathd's built-in values, without mpathd's selector key):"
	echo '```'; printf '%s\n' "$EQL_DEVICE_ENTRY"; echo '```'
	echo "The owner share is the primary figure. LIO serves every LBA from every port, so this"
	echo "simulation has no forwarding cost: in a real group a member that does not own a page"
	echo "forwards the I/O to the owner over the back-end, which costs latency and inter-member"
	echo "bandwidth that these throughput figures do not show. Command counts include the daemons'"
	echo "own commands (TURs, mpathd's REPORT REFERRALS every 5 s): the last column shows how many."
	echo "One sequential stream reads one 16 MiB stripe at a time: routed to its owner, it has that"
	echo "member's ports only, where round-robin has every port."
	fx_iscsi_logout_all
}
