#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Time path state changes without forking: the kernel's multipath status through the
DM_TABLE_STATUS ioctl and an iSCSI session's state from sysfs, both polled every 1 ms.

  path-watch.py MAP DEVT STATE [SESSION_STATE_FILE]

Waits until DEVT's state in MAP's status line is STATE ("A" or "F") and prints
"<t_state> <t_session>": CLOCK_REALTIME milliseconds when the state was first seen and,
with SESSION_STATE_FILE, when that file first read LOGGED_IN (0 without it). Exits 1
after 120 s.
"""
import sys
import time

import dmioctl


def main():
    name, devt, want = sys.argv[1:4]
    session_file = sys.argv[4] if len(sys.argv) > 4 else None
    ctl = dmioctl.control()
    t_session = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        now = int(time.time() * 1000)
        if session_file and not t_session:
            with open(session_file) as f:
                if f.read().strip() == "LOGGED_IN":
                    t_session = now
        if dmioctl.path_states(dmioctl.status(ctl, name)).get(devt) == want:
            print(now, t_session)
            return 0
        time.sleep(0.001)
    return 1


sys.exit(main())
