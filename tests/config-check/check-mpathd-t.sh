#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the built `mpathd -t` on good and bad files and checks exit status,
# file:line messages, and that the printed config checks and prints the same.
# usage: check-mpathd-t.sh MPATHD DATADIR
set -u

mpathd=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	failed=1
}

# run NAME EXPECTED-STATUS ARGS...: stdout and stderr go to $work/NAME.out/.err
run() {
	name=$1
	want=$2
	shift 2
	"$mpathd" -d "$work/no-conf.d" -t "$@" >"$work/$name.out" 2>"$work/$name.err"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "$name: exit status $got, expected $want"
		sed 's/^/  | /' "$work/$name.err"
	fi
}

expect_err() {
	grep -qF -- "$2" "$work/$1.err" || fail "$1: stderr lacks: $2"
}

# a good file: status 0, the warning with file:line, the config on stdout
run good 0 "$data/good.conf"
expect_err good "good.conf:6: warning: uxsock_timeout"
grep -q "error:" "$work/good.err" && fail "good: unexpected error on stderr"
grep -qF 'selector eql-slice' "$work/good.out" || fail "good: config not printed"

# a bad file: status 1 and every error, each with file:line
run bad 1 "$data/bad.conf"
expect_err bad "bad.conf:4: error: invalid value \"sometimes\" for no_path_retry"
expect_err bad "bad.conf:5: warning: unknown keyword no_such_keyword"
expect_err bad "bad.conf:9: error: invalid regular expression \"(EQLOGIC\" for vendor"
expect_err bad "bad.conf:14: error: invalid value \"10.0.0.300\" for portal"
expect_err bad "bad.conf: configuration has errors"
[ "$(grep -c ': error: ' "$work/bad.err")" = 3 ] || fail "bad: expected exactly 3 errors"
[ -s "$work/bad.out" ] && fail "bad: printed a config"

# a named file that does not exist is an error too
run missing 1 "$work/does-not-exist.conf"
expect_err missing "does-not-exist.conf: error: cannot read"

# -c names the file as well
"$mpathd" -d "$work/no-conf.d" -c "$data/bad.conf" -t >/dev/null 2>&1
[ $? = 1 ] || fail "-c bad.conf -t: expected exit status 1"

# what -t prints is a config that checks clean and prints the same
cp "$work/good.out" "$work/printed.conf"
run printed 0 "$work/printed.conf"
[ -s "$work/printed.err" ] && fail "printed: messages for the printed config"
cmp -s "$work/good.out" "$work/printed.out" || fail "printed: prints differently the second time"

[ "$failed" = 0 ] && echo "mpathd -t: all checks passed"
exit "$failed"
