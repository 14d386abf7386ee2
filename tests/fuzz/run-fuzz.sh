#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A short libFuzzer run of fuzz-config over the stored corpus, for CI.
#
#   tests/fuzz/run-fuzz.sh                        build with clang, fuzz for 20 s
#   tests/fuzz/run-fuzz.sh -runs=2000             build with clang, 2000 inputs
#   tests/fuzz/run-fuzz.sh --exe PATH [options]   run an already built target
#
# Without --exe the target is built in $MPATH_FUZZ_BUILD (default build-fuzz)
# with CC=clang -Dfuzz=true. Without clang or its libFuzzer runtime the script
# prints SKIP and exits 77, which meson and most CI systems count as skipped.
# New inputs go to a scratch folder, so the stored corpus is never modified;
# a crashing input is written to the current folder (crash-*, leak-*, oom-*).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=$here/corpus/config
exe=

if [ "${1:-}" = "--exe" ]; then
	[ $# -ge 2 ] || { echo "usage: $0 [--exe PATH] [libFuzzer options]" >&2; exit 2; }
	exe=$2
	shift 2
fi

if [ -z "$exe" ]; then
	if ! command -v clang >/dev/null 2>&1; then
		echo "SKIP: clang not found"
		exit 77
	fi
	probe=$(mktemp -d)
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' \
		>"$probe/probe.c"
	if ! clang -fsanitize=fuzzer "$probe/probe.c" -o "$probe/probe" >/dev/null 2>&1; then
		rm -rf "$probe"
		echo "SKIP: clang cannot link libFuzzer (install the compiler-rt runtime)"
		exit 77
	fi
	rm -rf "$probe"
	build=${MPATH_FUZZ_BUILD:-$root/build-fuzz}
	if [ ! -f "$build/build.ninja" ]; then
		CC=clang meson setup "$build" "$root" -Dfuzz=true >/dev/null
	fi
	ninja -C "$build" tests/fuzz/fuzz-config >/dev/null
	exe=$build/tests/fuzz/fuzz-config
fi

[ $# -gt 0 ] || set -- -max_total_time=20
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
echo "fuzzing $exe over $corpus ($*)"
# libFuzzer reports a crash with exit status 77 unless told otherwise, which
# would read as "skipped"; make failures fail.
"$exe" -error_exitcode=1 -timeout_exitcode=1 "$@" -print_final_stats=1 "$scratch" "$corpus"
