#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Wait until the kernel has MAPS multipath maps, each with PATHS paths and every one active.

  dm-wait.py MAPS PATHS TIMEOUT_S

The cold start's "done": read from the kernel (dm status by ioctl), not from a daemon.
Prints "<t_done_ms> <maps> <complete>" (CLOCK_REALTIME ms) and exits 0, or on timeout
"- <maps> <complete>" and exits 1. A map counts as complete when its status lists PATHS
paths, all "A". Complete maps are not re-read on every poll (that would load the CPU the
daemons need), but all of them are read again before "done" is declared.
"""
import sys
import time

import dmioctl

POLL = 0.1


def complete(ctl, name, paths):
    t = dmioctl.targets(ctl, name)
    if not t or t[0][0] != "multipath":
        return False
    st = dmioctl.path_states(t[0][1])
    return len(st) == paths and all(s == "A" for s in st.values())


TYPES = {}	# name -> its target type, once it has a table


def multipath_maps(ctl):
    names = dmioctl.list_devices(ctl)
    for n in names:
        if n not in TYPES and (t := dmioctl.targets(ctl, n)):
            TYPES[n] = t[0][0]
    for n in list(TYPES):
        if n not in names:
            del TYPES[n]
    return [n for n in names if TYPES.get(n) == "multipath"]


def main():
    want, paths, limit = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    ctl = dmioctl.control()
    done = set()
    deadline = time.monotonic() + limit
    maps = []
    while time.monotonic() < deadline:
        maps = multipath_maps(ctl)
        done &= set(maps)
        for m in maps:
            if m not in done and complete(ctl, m, paths):
                done.add(m)
        if len(maps) >= want and len(done) >= want:
            now = int(time.time() * 1000)
            if all(complete(ctl, m, paths) for m in maps):
                print(now, len(maps), len(done))
                return 0
            done.clear()
        time.sleep(POLL)
    print("-", len(maps), len(done))
    return 1


sys.exit(main())
