#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Prepare a fresh Debian 12 machine for building mpathd and running its real-kernel
# test bed: apt packages, Debian's kernel and busybox for the guest, cached outside git.
#
# Usage: tests/vm/setup.sh [--no-apt]
# The cache folder is $MPATH_VM_CACHE (default /var/cache/mpathd-testbed).
set -euo pipefail

CACHE=${MPATH_VM_CACHE:-/var/cache/mpathd-testbed}
HERE=$(cd "$(dirname "$0")" && pwd)

# Build: compiler, meson, and every library meson looks for. libclang-rt-14-dev holds clang's
# libFuzzer and sanitizer runtimes (tests/fuzz); clang-14 only recommends it (through
# libclang-common-14-dev), and apt_install() leaves recommendations out.
BUILD_PKGS="gcc clang libclang-rt-14-dev meson ninja-build pkg-config libdevmapper-dev libudev-dev
  libaio-dev liburcu-dev libopeniscsiusr-dev libsystemd-dev libcmocka-dev"
# Test bed: the emulator, guest userland run from the host root over 9p, and peers.
VM_PKGS="qemu-system-x86 udev kmod cpio dmsetup open-iscsi multipath-tools fio sg3-utils
  iproute2 iputils-ping lsscsi dbus bc python3 binutils procps psmisc util-linux"

log() { echo "[setup] $*" >&2; }

apt_install() {
	local missing=()
	for p in $BUILD_PKGS $VM_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && { log "apt packages present"; return 0; }
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# Keep package scripts from starting multipathd/iscsid on the host.
	local prc=/usr/sbin/policy-rc.d created=0
	if [ ! -e $prc ]; then printf '#!/bin/sh\nexit 101\n' > $prc; chmod 755 $prc; created=1; fi
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	[ $created = 1 ] && rm -f $prc
	return 0
}

# The kernel the guest boots: the one Debian's linux-image-amd64 points at for this release.
fetch_kernel() {
	local pkg dir
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	[ -n "$pkg" ] || { apt-get update -qq; pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}'); }
	[ -n "$pkg" ] || { log "cannot resolve linux-image-amd64"; return 1; }
	dir=$CACHE/kernel/$pkg
	if [ ! -d "$dir/boot" ]; then
		log "fetching $pkg"
		local tmp; tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
		(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg")
		dpkg-deb -x "$tmp"/*.deb "$tmp/x"
		rm -rf "$dir"; mkdir -p "$(dirname "$dir")"; mv "$tmp/x" "$dir"; rm -rf "$tmp"
	fi
	ln -sfn "$dir" "$CACHE/kernel/current"
	log "kernel: $(ls "$dir/lib/modules")"
}

fetch_busybox() {
	[ -x "$CACHE/busybox" ] && return 0
	log "fetching busybox-static"
	local tmp; tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root busybox-static && dpkg-deb -x busybox-static_*.deb x)
	cp "$tmp/x/bin/busybox" "$CACHE/busybox"; rm -rf "$tmp"
}

[ "$(id -u)" = 0 ] || { log "run as root"; exit 1; }
mkdir -p "$CACHE"
[ "${1:-}" = --no-apt ] || apt_install
fetch_kernel
fetch_busybox
log "ready: cache $CACHE"
