#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks: mpathd side by side with multipath-tools' multipathd in one test-VM run.
#
#   bench/run.sh [all | coldstart | reinstate | cli | rss | rr]...
# (reinstate: a link brought down and up, and a link blackholed, 3 times each, timed by
#  bench/path-watch.py; rr: round-robin over 4 rate-limited iSCSI links against one link,
#  mpathd only)
#
# Environment: BENCH_LUNS and BENCH_PATHS (cold start size, default 256 x 4), BENCH_SAMPLES
# (CLI latency samples, default 400), MPATH_BUILD (the build to measure, default build-test).
# Prints one table row per figure: what, mpathd, multipathd, ratio. Nothing here is a test:
# the numbers are printed, never compared with a threshold.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
export MPATH_BUILD=${MPATH_BUILD:-$ROOT/build-test}
if [ ! -x "$MPATH_BUILD/mpathd/mpathd" ]; then
	bash "$ROOT/tests/vm/setup.sh" && meson setup "$MPATH_BUILD" --buildtype=release >/dev/null &&
		ninja -C "$MPATH_BUILD" >/dev/null || exit 1
fi
export MPATH_BENCH_WHAT="${*:-all}"
export MPATH_BENCH_LUNS=${BENCH_LUNS:-256} MPATH_BENCH_PATHS=${BENCH_PATHS:-4}
export MPATH_BENCH_SAMPLES=${BENCH_SAMPLES:-400}
exec "$ROOT/tests/vm/run-vm.sh" --name bench --timeout "${BENCH_TIMEOUT:-3000}" --mem 3072 -- \
	bash "$HERE/guest-bench.sh"
