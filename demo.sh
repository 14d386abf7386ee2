#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: set up this machine, build mpathd, boot the test VM with a simulated
# EqualLogic group over iSCSI, start mpathd, show `mpath -ll`, and cut a link under I/O.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")" && pwd)
BUILD=${MPATH_BUILD:-$ROOT/build-test}
cd "$ROOT"
bash tests/vm/setup.sh
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD"
export MPATH_BUILD=$BUILD
exec tests/vm/run-vm.sh --name demo --timeout 600 -- bash tests/vm/demo-guest.sh
