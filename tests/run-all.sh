#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The full test suite from a fresh Debian 12 machine: set-up, build (warnings are errors),
# cmocka unit tests, then every real-kernel scenario in its own VM.
# Ends with the closing line `N passed, N failed`; exits non-zero if anything failed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${MPATH_BUILD:-$ROOT/build-test}
cd "$ROOT"
T0=$(date +%s)

bash tests/vm/setup.sh || { echo "set-up failed"; echo "0 passed, 1 failed"; exit 1; }
if [ -f "$BUILD/build.ninja" ]; then meson setup --reconfigure "$BUILD" -Dwerror=true >/dev/null
else meson setup "$BUILD" -Dwerror=true >/dev/null; fi || { echo "meson setup failed"; echo "0 passed, 1 failed"; exit 1; }
ninja -C "$BUILD" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
# The same code with AddressSanitizer and UBSan, for a subset of the scenarios (below).
ASAN_BUILD=${MPATH_ASAN_BUILD:-$ROOT/build-asan}
if [ -f "$ASAN_BUILD/build.ninja" ]; then meson setup --reconfigure "$ASAN_BUILD" >/dev/null
else meson setup "$ASAN_BUILD" -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true >/dev/null; fi &&
	# only what the scenarios run: the daemon, the CLI and the plugins (not the unit tests)
	asan_targets=$(meson introspect --targets "$ASAN_BUILD" | python3 -c '
import json, os, sys
b = sys.argv[1]
print(" ".join(os.path.relpath(f, b) for t in json.load(sys.stdin)
               if t["name"] in ("mpathd", "mpath") or t["type"] == "shared module" for f in t["filename"]))' "$ASAN_BUILD") &&
	ninja -C "$ASAN_BUILD" $asan_targets >/dev/null || { echo "sanitizer build failed"; echo "0 passed, 1 failed"; exit 1; }
export MPATH_BUILD=$BUILD

# The unit tests count only when meson ran every suite it defines and printed its summary.
u_defined=$(meson test -C "$BUILD" --suite unit --list 2>/dev/null | grep -c ' / ')
unit_out=$(meson test -C "$BUILD" --suite unit --print-errorlogs 2>&1); u_rc=$?
echo "$unit_out" | grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Timeout):'
u_pass=$(echo "$unit_out" | awk '/^Ok:/ { print $2 }')
u_fail=$(echo "$unit_out" | awk '/^(Fail|Timeout|Unexpected Pass):/ { n += $2 } END { print n + 0 }')
if [ -z "$u_pass" ]; then
	echo "unit tests: meson printed no summary"; u_fail=$((u_fail + 1))
elif [ "$u_rc" != 0 ] && [ "$u_fail" = 0 ]; then
	echo "unit tests: meson test exited with $u_rc"; u_fail=1
fi
if [ "$u_defined" -lt 1 ] || [ $(( ${u_pass:-0} + u_fail )) -lt "$u_defined" ]; then
	echo "unit tests: only $(( ${u_pass:-0} + u_fail )) of $u_defined defined suites ran"; u_fail=$((u_fail + 1))
fi
[ "$u_fail" = 0 ] || echo "$unit_out" | tail -n 60

# The fuzz targets, 5 s each: one item, counted with the unit tests. The set-up installs clang
# and its libFuzzer runtime, so a skip (77) means a broken set-up and counts as a failure.
MPATH_FUZZ_TIME=${MPATH_FUZZ_TIME:-2} tests/fuzz/run-fuzz.sh; fuzz_rc=$?
case $fuzz_rc in
0) u_pass=$(( ${u_pass:-0} + 1 )) ;;
77) echo "fuzz: skipped"; u_fail=$(( u_fail + 1 )) ;;
*) echo "fuzz: failed (exit $fuzz_rc)"; u_fail=$(( u_fail + 1 )) ;;
esac

# Every scenario runs once: the sanitizer subset (below) with the sanitized build only, the
# rest with the plain build. MPATH_SCENARIOS names the plain-build ones instead.
ASAN_SCENARIOS=${MPATH_ASAN_SCENARIOS-mpathd-reload mpathd-iscsi-events isess}
if [ -n "${MPATH_SCENARIOS:-}" ]; then plain=$MPATH_SCENARIOS
else plain=$(tests/vm/vmtest names | grep -vxF -f <(printf '%s\n' $ASAN_SCENARIOS) | tr '\n' ' '); fi
vm_out=$(mktemp)
# a failed scenario's own words: what it printed around each failed check, and the daemon's errors
why_failed() {
	grep -q '^=== FAIL' "$vm_out" || return 0
	echo "--- from the failed scenarios' output:"
	grep -E -B3 '^  NOT OK|^FATAL' "$vm_out" | head -n 60
	grep -E ': (err|crit|alert|emerg): |ERROR: AddressSanitizer|runtime error:' "$vm_out" | head -n 30
}
tests/vm/vmtest run $plain 2>&1 | tee "$vm_out" | grep --line-buffered -E '^(===|  NOT OK|failed scenarios|scenarios:|\[run-vm\])'
s_pass=$(awk '/^scenarios:/ { print $2 }' "$vm_out")
s_fail=$(awk '/^scenarios:/ { print $4 }' "$vm_out")
why_failed

# The sanitizer subset: the daemon's output is checked for reports (fx_mpathd_reap_all), and
# UBSan halts on its first finding, so either one fails the scenario.
if [ -n "$ASAN_SCENARIOS" ]; then
	echo "=== with AddressSanitizer and UBSan ($ASAN_BUILD): $ASAN_SCENARIOS"
	MPATH_BUILD=$ASAN_BUILD tests/vm/vmtest run $ASAN_SCENARIOS 2>&1 | tee "$vm_out" |
		grep --line-buffered -E '^(===|  NOT OK|failed scenarios|scenarios:|\[run-vm\])'
	a_pass=$(awk '/^scenarios:/ { print $2 }' "$vm_out")
	a_fail=$(awk '/^scenarios:/ { print $4 }' "$vm_out")
	why_failed
	s_pass=$(( ${s_pass:-0} + ${a_pass:-0} ))
	s_fail=$(( ${s_fail:-1} + ${a_fail:-1} ))
fi
rm -f "$vm_out"

pass=$(( ${u_pass:-0} + ${s_pass:-0} ))
fail=$(( ${u_fail:-0} + ${s_fail:-1} ))
echo "unit tests: ${u_pass:-0} passed, $u_fail failed; scenarios: ${s_pass:-0} passed, ${s_fail:-?} failed; wall time $(( $(date +%s) - T0 )) s"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
