#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets of tests/fuzz with clang and runs each for a fixed time.
#
#   tests/fuzz/run-fuzz.sh                     every target for 10 s (CI)
#   tests/fuzz/run-fuzz.sh --long              every target for 10 minutes
#   tests/fuzz/run-fuzz.sh --target NAME ...   only target fuzz-NAME (repeatable), e.g. vpd
#   tests/fuzz/run-fuzz.sh --exe PATH ...      an already built target, without building
#   tests/fuzz/run-fuzz.sh ... -runs=2000      any -option is passed on to libFuzzer
#
# Environment: MPATH_FUZZ_TIME (seconds per target, default 10), MPATH_FUZZ_LONG_TIME (with
# --long, default 600), MPATH_FUZZ_BUILD (build folder, default build-fuzz at the top),
# MPATH_FUZZ_KEEP=1 keeps the scratch folder after a clean run.
#
# Each target starts from its stored corpus, corpus/NAME, and never writes to it: new inputs,
# crash/leak/timeout inputs and the log go to a scratch folder, printed first and kept when a
# target fails. Each target's line gives the executions libFuzzer reports
# (stat::number_of_executed_units).
#
# Exit status: 0 when every target ran clean; 1 when one crashed, leaked, timed out or broke an
# invariant, or the build failed; 2 for a usage error; 77 (skip) only when clang or its
# libFuzzer runtime (Debian: libclang-rt-14-dev) is missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${MPATH_FUZZ_BUILD:-$root/build-fuzz}
seconds=${MPATH_FUZZ_TIME:-10}
names=
exe=

usage() {
	echo "usage: $0 [--long] [--target NAME]... [--exe PATH] [-libfuzzer_option=value]..." >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--long) seconds=${MPATH_FUZZ_LONG_TIME:-600}; shift ;;
	--target) [ $# -ge 2 ] || usage; names="$names ${2#fuzz-}"; shift 2 ;;
	--exe) [ $# -ge 2 ] || usage; exe=$2; shift 2 ;;
	--help|-h) sed -n '3,22s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--*) usage ;;
	-*) break ;;
	*) usage ;;
	esac
done
case $seconds in ''|*[!0-9]*) echo "per-target time must be whole seconds: '$seconds'" >&2; exit 2 ;; esac

# Skip (77) only for a missing toolchain: anything else that goes wrong is a failure.
check_toolchain() {
	if ! command -v clang >/dev/null 2>&1; then
		echo "SKIP: clang not found"
		exit 77
	fi
	probe=$(mktemp -d)
	printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n' \
		>"$probe/probe.c"
	if ! clang -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" >/dev/null 2>&1; then
		rm -rf "$probe"
		echo "SKIP: clang cannot link libFuzzer (install libclang-rt-14-dev, the compiler-rt runtime)"
		exit 77
	fi
	rm -rf "$probe"
}

build_targets() {
	log=$(mktemp)
	if [ -f "$build/build.ninja" ]; then
		meson configure "$build" -Dfuzz=true >"$log" 2>&1
	else
		CC=clang meson setup "$build" "$root" -Dfuzz=true >"$log" 2>&1
	fi && ninja -C "$build" fuzz >>"$log" 2>&1
	rc=$?
	[ $rc = 0 ] || { tail -n 40 "$log"; echo "fuzz: building the targets in $build failed"; }
	rm -f "$log"
	return $rc
}

# run_target NAME EXE [libFuzzer options]: one timed run; prints one line, 0 if clean.
run_target() {
	name=$1 bin=$2
	shift 2
	work=$scratch/$name
	mkdir -p "$work/new"
	# libFuzzer reports a crash with exit status 77 unless told otherwise, which would read
	# as "skipped". An input running 25 s is a hang, not a slow input.
	"$bin" -error_exitcode=1 -timeout_exitcode=1 -timeout=25 -max_total_time="$seconds" \
		-print_final_stats=1 -artifact_prefix="$work/" "$@" "$work/new" "$here/corpus/$name" \
		>"$work/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
	total=$((total + ${execs:-0}))
	if [ $rc = 0 ]; then
		printf '%-16s ok      %12s executions\n' "fuzz-$name" "${execs:-?}"
		return 0
	fi
	printf '%-16s FAILED  %12s executions (exit %s), log: %s\n' "fuzz-$name" "${execs:-?}" "$rc" "$work/log"
	grep -E 'ERROR:|invariant broken|runtime error|SUMMARY|Test unit written' "$work/log" | head -n 8 | sed 's/^/    /'
	return 1
}

if [ -n "$exe" ]; then
	[ -z "$names" ] || usage
	names=$(basename "$exe")
	names=${names#fuzz-}
else
	check_toolchain
	build_targets || exit 1
	if [ -z "$names" ]; then
		for src in "$here"/fuzz-*.c; do
			n=$(basename "$src" .c)
			names="$names ${n#fuzz-}"
		done
	fi
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mpath-fuzz.XXXXXX")
echo "fuzz: ${seconds} s per target; new and crashing inputs go to $scratch"
total=0 clean=0 failed= start=$(date +%s)
for name in $names; do
	bin=${exe:-$build/tests/fuzz/fuzz-$name}
	if [ ! -d "$here/corpus/$name" ] || [ ! -x "$bin" ]; then
		echo "fuzz-$name: no such target (corpus/$name and $bin)" >&2
		failed="$failed $name"
		continue
	fi
	if run_target "$name" "$bin" "$@"; then
		clean=$((clean + 1))
	else
		failed="$failed $name"
	fi
done
count=$(echo $names | wc -w)
if [ -z "$failed" ]; then
	echo "fuzz: $count targets clean, $total executions in $(( $(date +%s) - start )) s"
	[ "${MPATH_FUZZ_KEEP:-0}" = 1 ] || rm -rf "$scratch"
	exit 0
fi
echo "fuzz: $clean of $count targets clean, failed:$failed; inputs and logs kept in $scratch"
exit 1
