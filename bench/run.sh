#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks: mpathd side by side with multipath-tools' multipathd, tuned (polling_interval 1,
# max_polling_interval 2, tur), on the same devices and udev rules in one test-VM run.
#
#   bench/run.sh [all | coldstart | rss | cli | reinstate | rr | eql | iscsi]...
#
# coldstart (and rss): first start and restart until every map has all paths active, and the
#   daemons' memory after each; cli: `show paths` latency during a one-map reconfigure loop;
#   reinstate: reinstatement and failover on an iSCSI LUN, BENCH_REINSTATE_SAMPLES each;
#   rr: round-robin over 4 rate-limited links (mpathd only); eql: a simulated 3-member
#   EqualLogic group, throughput and commands per member for mpathd's eql-slice, mpathd's
#   round-robin and multipathd; iscsi: carrier back and blackhole on a bound NIC for mpathd
#   with its iSCSI session manager, mpathd without it and multipathd (BENCH_ISCSI_SAMPLES,
#   default 10). rr, eql and iscsi build their own iSCSI targets, so each gets its own VM
#   run; the others share one.
#
# Environment: BENCH_LUNS x BENCH_PATHS (cold start and CLI disks, default 256 x 4),
# BENCH_CLI_LUNS (LUNs kept for the CLI bench, default 64), BENCH_SAMPLES (socket samples,
# default 1000), BENCH_EXEC_SAMPLES (CLI process samples, default 100), BENCH_CLI_SECS (each
# CLI sampling phase stops after this many seconds, default 900; a p99 needs 1,000 samples),
# BENCH_REINSTATE_SAMPLES (default 20), BENCH_COLD_RUNS (default 1), BENCH_EQL_MBIT (each
# member port's rate, default 3), BENCH_EQL_SECONDS (per fio run, default 20), BENCH_TIMEOUT
# (per VM run, s), MPATH_BUILD (the build to measure, default build-test).
# Nothing here is a test: the numbers are printed, never compared with a threshold.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
export MPATH_BUILD=${MPATH_BUILD:-$ROOT/build-test}
if [ ! -x "$MPATH_BUILD/mpathd/mpathd" ]; then
	bash "$ROOT/tests/vm/setup.sh" && meson setup "$MPATH_BUILD" --buildtype=release >/dev/null &&
		ninja -C "$MPATH_BUILD" >/dev/null || exit 1
fi
export MPATH_BENCH_LUNS=${BENCH_LUNS:-256} MPATH_BENCH_PATHS=${BENCH_PATHS:-4}
export MPATH_BENCH_CLI_LUNS=${BENCH_CLI_LUNS:-64} MPATH_BENCH_CLI_SECS=${BENCH_CLI_SECS:-900}
export MPATH_BENCH_SAMPLES=${BENCH_SAMPLES:-1000} MPATH_BENCH_EXEC_SAMPLES=${BENCH_EXEC_SAMPLES:-100}
export MPATH_BENCH_REINSTATE_SAMPLES=${BENCH_REINSTATE_SAMPLES:-20} MPATH_BENCH_ISCSI_SAMPLES=${BENCH_ISCSI_SAMPLES:-10}
export MPATH_BENCH_COLD_RUNS=${BENCH_COLD_RUNS:-1}
export MPATH_BENCH_EQL_MBIT=${BENCH_EQL_MBIT:-3} MPATH_BENCH_EQL_SECONDS=${BENCH_EQL_SECONDS:-20}
MPATH_BENCH_REV=${MPATH_BENCH_REV:-$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)}
export MPATH_BENCH_REV

what=" ${*:-all} "
[ "$what" = " all " ] && what=" coldstart cli reinstate rr eql iscsi "
# One VM run per group of benchmarks that can share a target.
shared=""
for b in coldstart rss cli reinstate; do [[ "$what" == *" $b "* ]] && shared+="$b "; done
runs=()
[ -n "$shared" ] && runs+=("${shared% }")
[[ "$what" == *" rr "* ]] && runs+=(rr)
[[ "$what" == *" eql "* ]] && runs+=(eql)
[[ "$what" == *" iscsi "* ]] && runs+=(iscsi)
for b in $what; do
	case " coldstart rss cli reinstate rr eql iscsi " in *" $b "*) ;; *) echo "bench/run.sh: unknown benchmark '$b'" >&2; exit 2 ;; esac
done

rc=0
for r in "${runs[@]}"; do
	MPATH_BENCH_WHAT=$r "$ROOT/tests/vm/run-vm.sh" --name "bench-${r%% *}" --timeout "${BENCH_TIMEOUT:-7200}" \
		--mem 3072 -- bash "$HERE/guest-bench.sh" || rc=$?
done
exit "$rc"
