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
import fcntl, os, struct, sys, time

DM_IOCTL_SIZE = 312
DM_TABLE_STATUS = (3 << 30) | (DM_IOCTL_SIZE << 16) | (0xFD << 8) | 12
BUF = 16384


def dm_status(ctl, name):
    """The params of MAP's first target as the kernel prints its status."""
    buf = bytearray(BUF)
    # version 4.0.0, data_size, data_start; name at offset 48
    struct.pack_into("<IIIII", buf, 0, 4, 0, 0, BUF, DM_IOCTL_SIZE)
    buf[48:48 + len(name)] = name.encode()
    fcntl.ioctl(ctl, DM_TABLE_STATUS, buf)
    data_start, target_count = struct.unpack_from("<II", buf, 16)
    if target_count == 0:
        return ""
    # struct dm_target_spec: sector_start, length, status, next, target_type[16]; params follow
    params = buf[data_start + 40:]
    return params[:params.index(0)].decode()


def path_state(status, devt):
    words = status.split()
    for i, w in enumerate(words[:-1]):
        if w == devt:
            return words[i + 1]
    return None


def main():
    name, devt, want = sys.argv[1:4]
    session_file = sys.argv[4] if len(sys.argv) > 4 else None
    ctl = os.open("/dev/mapper/control", os.O_RDWR)
    t_session = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        now = int(time.time() * 1000)
        if session_file and not t_session:
            with open(session_file) as f:
                if f.read().strip() == "LOGGED_IN":
                    t_session = now
        if path_state(dm_status(ctl, name), devt) == want:
            print(now, t_session)
            return 0
        time.sleep(0.001)
    return 1


sys.exit(main())
