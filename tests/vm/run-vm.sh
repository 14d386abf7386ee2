#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run one command as root inside a throw-away QEMU (TCG) guest that boots Debian's kernel
# with the host root shared read-only over 9p and a tmpfs overlay on top.
#
# Usage: tests/vm/run-vm.sh [--timeout S] [--mem MiB] [--smp N] [--name NAME] -- CMD [ARGS...]
# CMD runs under bash in the guest, in the current folder. Its output is streamed back;
# the exit code is the guest command's, 124 on timeout, 125 if the guest never reported.
# Only one VM runs at a time on this machine (a lock), so no more than 2 vCPUs are busy.
# Run folders live in $MPATH_VM_CACHE/runs and are kept when the command fails.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MPATH_VM_CACHE:-/var/cache/mpathd-testbed}
TIMEOUT=${MPATH_VM_TIMEOUT:-600}
MEM=${MPATH_VM_MEM:-2048}
SMP=${MPATH_VM_SMP:-2}
NAME=vm
INIT=${MPATH_VM_INIT:-script}	# script: stage 2 runs the command; systemd: systemd is PID 1
VERBOSE=${MPATH_VM_VERBOSE:-0}

while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) TIMEOUT=$2; shift 2 ;;
	--mem) MEM=$2; shift 2 ;;
	--smp) SMP=$2; shift 2 ;;
	--name) NAME=$2; shift 2 ;;
	--init) INIT=$2; shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--timeout S] [--mem MiB] [--smp N] [--name NAME] [--init script|systemd] -- CMD..." >&2; exit 2; }
[ "$SMP" -le 2 ] || { echo "run-vm: at most 2 vCPUs" >&2; exit 2; }

log() { echo "[run-vm] $*" >&2; }

KDIR=$CACHE/kernel/current
[ -d "$KDIR/boot" ] || { log "no kernel in $KDIR: run tests/vm/setup.sh"; exit 2; }
KVER=$(ls "$KDIR/lib/modules" | head -n1)
BUSYBOX=$CACHE/busybox

# Module tree with modules.dep (the package ships none), hard-linked from the package.
prepare_modules() {
	MODTREE=$CACHE/modules/$KVER/lib/modules/$KVER
	[ -s "$MODTREE/modules.dep" ] && return 0
	rm -rf "$CACHE/modules/$KVER"; mkdir -p "$CACHE/modules/$KVER/lib/modules"
	cp -rl "$KDIR/lib/modules/$KVER" "$CACHE/modules/$KVER/lib/modules/"
	depmod -b "$CACHE/modules/$KVER" "$KVER"
}

# The initramfs only needs what mounts the host root; everything else is modprobed later.
build_initrd() {
	local key stage
	key=$({ echo "$KVER"; cat "$HERE/guest-init1.sh"; sha256sum "$BUSYBOX"; } | sha256sum | cut -c1-12)
	INITRD=$CACHE/initrd-$KVER-$key.cpio.gz
	[ -s "$INITRD" ] && return 0
	stage=$(mktemp -d "$CACHE/initrd.XXXXXX")
	mkdir -p "$stage"/{bin,dev,proc,sys,lib/modules/$KVER}
	cp "$BUSYBOX" "$stage/bin/busybox"; ln -s busybox "$stage/bin/sh"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$CACHE/modules/$KVER" -S "$KVER" --show-depends "$m"
	done | awk '$1 == "insmod" { print $2 }' | sort -u | while read -r f; do
		rel=${f#"$MODTREE/"}
		mkdir -p "$stage/lib/modules/$KVER/$(dirname "$rel")"
		cp "$f" "$stage/lib/modules/$KVER/$rel"
	done
	cp "$MODTREE"/modules.{order,builtin,builtin.modinfo} "$stage/lib/modules/$KVER/"
	depmod -b "$stage" "$KVER"
	install -m 755 "$HERE/guest-init1.sh" "$stage/init"
	(cd "$stage" && find . | sort | cpio -o -H newc -R 0:0 --quiet | gzip -6) > "$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"; rm -rf "$stage"
}

# Under TCG the bzImage's own decompression costs seconds per boot; QEMU can start the
# uncompressed vmlinux through its PVH entry point instead.
extract_vmlinux() {
	local bz=$KDIR/boot/vmlinuz-$KVER
	KERNEL=$CACHE/vmlinux-$KVER
	[ -s "$KERNEL" ] && return 0
	python3 "$HERE/extract-vmlinux.py" "$bz" "$KERNEL.tmp" && mv "$KERNEL.tmp" "$KERNEL" && return 0
	log "PVH vmlinux extraction failed; booting the bzImage"
	KERNEL=$bz
}

exec 8>"$CACHE/.prepare.lock"; flock 8
prepare_modules
build_initrd
extract_vmlinux
exec 8>&-

mkdir -p "$CACHE/runs"
RUN=$(mktemp -d "$CACHE/runs/$(date +%Y%m%d-%H%M%S)-$NAME.XXXX")
chmod 755 "$RUN"
printf '%q ' "$@" > "$RUN/cmd.sh"; echo >> "$RUN/cmd.sh"
install -m 755 "$HERE/guest-init2.sh" "$RUN/stage2.sh"
install -m 755 "$HERE/guest-init2-systemd.sh" "$RUN/stage2-systemd.sh"
{
	printf 'MPVM_CWD=%q\n' "$PWD"
	printf 'MPVM_MODULES=%q\n' "$MODTREE"
	printf 'MPVM_INIT=%q\n' "$INIT"
	printf 'MPVM_HOSTNAME=%q\n' "mpvm-$(basename "$RUN" | tr -c 'a-zA-Z0-9\n' '-' | tail -c 12)"
	# Hand the scenario's knobs (MPATH_*, TEST_*) to the guest.
	{ env | grep -E '^(MPATH_|TEST_)[A-Z0-9_]*=' || true; } | while IFS='=' read -r k v; do printf 'export %s=%q\n' "$k" "$v"; done
} > "$RUN/config"
: > "$RUN/output"

QPID=
cleanup() {
	[ -n "$QPID" ] && kill -KILL "$QPID" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# One VM at a time on this machine.
exec 9>"$CACHE/.vm.lock"
flock 9

START=$(date +%s.%N)
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu max -m "$MEM" -smp "$SMP" \
	-nodefaults -no-user-config -display none -monitor none \
	-serial "file:$RUN/console.log" \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 loglevel=4 panic=-1 oops=panic mpvm.stage2=/.vm/results/stage2.sh" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$RUN,mount_tag=results,security_model=none,multidevs=remap" \
	-device virtio-rng-pci -no-reboot > "$RUN/qemu.log" 2>&1 &
QPID=$!

# Stream the guest's output while it runs; a last pass after QEMU exits catches the tail.
off=0
pump() {
	local size
	size=$(stat -c %s "$RUN/output" 2>/dev/null || echo 0)
	if [ "$size" -gt "$off" ]; then
		tail -c +$((off + 1)) "$RUN/output" | head -c $((size - off))
		off=$size
	fi
}
while kill -0 "$QPID" 2>/dev/null; do
	pump
	[ "$VERBOSE" = 1 ] && [ -s "$RUN/console.log" ] && true
	sleep 0.25
done
QRC=0; wait "$QPID" || QRC=$?
QPID=
pump
END=$(date +%s.%N)
exec 9>&-

if [ -s "$RUN/rc" ]; then
	RC=$(cat "$RUN/rc")
elif [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; then
	log "TIMEOUT after ${TIMEOUT}s"; RC=124
else
	log "guest reported no exit code (qemu rc $QRC)"; RC=125
fi
BOOT=n/a
[ -e "$RUN/mark.ready" ] && BOOT=$(awk -v a="$START" -v b="$(stat -c %.3Y "$RUN/mark.ready")" 'BEGIN { printf "%.1f", b - a }')
log "$NAME: rc=$RC boot=${BOOT}s total=$(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }')s"
if [ "$RC" != 0 ] || [ -n "${MPATH_VM_KEEP:-}" ]; then
	log "kept $RUN (console.log, output; mpathd.log if a scenario saved it)"
	[ "$RC" -ge 124 ] && { log "last console lines:"; tail -n 30 "$RUN/console.log" >&2; }
else
	rm -rf "$RUN"
fi
exit "$RC"
