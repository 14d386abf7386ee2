#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Time path state changes without running a command per poll: the kernel's multipath
status through the DM_TABLE_STATUS ioctl, read at each dm event (a child process waits in
DM_DEV_WAIT) and every 50 ms, so that no busy poller steals a small test VM's CPU from what
it measures; with a session state file, both are polled every 1 ms instead.

  path-watch.py MAP DEVTS STATE [SESSION_STATE_FILE]

DEVTS is one "MAJ:MIN", several separated by commas (all of them), or "+N": at least N
paths of the map are in STATE (paths that come back as new devices after a relogin, while
the old ones are still on their way out). Waits until that holds for STATE ("A" or "F")
and prints "<t_state> <t_session>": CLOCK_REALTIME milliseconds when it was first seen
and, with SESSION_STATE_FILE, when that file first read LOGGED_IN (0 without it;
PATH_WATCH_SESSION_STATE names another state, as FAILED). Exits 1 after 120 s. With
PATH_WATCH_READY set, creates that file once the first status is read: start the action
after it exists (a Python start under TCG can take longer than the event it times).
"""
import fcntl, os, select, signal, struct, sys, time

DM_IOCTL_SIZE = 312
DM_TABLE_STATUS = (3 << 30) | (DM_IOCTL_SIZE << 16) | (0xFD << 8) | 12
DM_DEV_WAIT = (3 << 30) | (DM_IOCTL_SIZE << 16) | (0xFD << 8) | 8
BUF = 16384


def dm_ioctl(ctl, name, cmd, event_nr=0):
    """The params of MAP's first target as the kernel prints its status, and its event_nr.
    DM_DEV_WAIT first waits until the map's event counter is no longer event_nr."""
    buf = bytearray(BUF)
    # version 4.0.0, data_size, data_start; event_nr at 32; name at offset 48
    struct.pack_into("<IIIII", buf, 0, 4, 0, 0, BUF, DM_IOCTL_SIZE)
    struct.pack_into("<I", buf, 32, event_nr)
    buf[48:48 + len(name)] = name.encode()
    fcntl.ioctl(ctl, cmd, buf)
    data_start, target_count = struct.unpack_from("<II", buf, 16)
    event = struct.unpack_from("<I", buf, 32)[0]
    if target_count == 0:
        return "", event
    # struct dm_target_spec: sector_start, length, status, next, target_type[16]; params follow
    params = buf[data_start + 40:]
    return params[:params.index(0)].decode(), event


def dm_status(ctl, name):
    return dm_ioctl(ctl, name, DM_TABLE_STATUS)[0]


def path_states(status):
    """{devt: state} of every path in a multipath status line."""
    words = status.split()
    return {w: words[i + 1] for i, w in enumerate(words[:-1]) if ":" in w and w[0].isdigit()}


def reached(status, devts, want):
    states = path_states(status)
    if devts.startswith("+"):
        return sum(s == want for s in states.values()) >= int(devts[1:])
    return all(states.get(d) == want for d in devts.split(","))


def ready():
    f = os.environ.get("PATH_WATCH_READY")
    if f:
        open(f, "w").close()


def wait_events(ctl, name, devt, want):
    """Without a session file: a child process sleeps in the kernel until each dm event of
    MAP (DM_DEV_WAIT; a process, not a thread, as Python's ioctl() keeps the GIL while it
    sleeps), and the status is read again every 50 ms anyway (a table reload swaps paths
    without an event). Whichever sees the state first gives the time."""
    dm_status(ctl, name)
    ready()
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        status, event = dm_ioctl(ctl, name, DM_TABLE_STATUS)
        while not reached(status, devt, want):
            status, event = dm_ioctl(ctl, name, DM_DEV_WAIT, event)
        os.write(wfd, str(int(time.time() * 1000)).encode())
        os._exit(0)
    deadline = time.monotonic() + 120
    seen = None
    while seen is None:
        if select.select([rfd], [], [], 0.05)[0]:
            seen = int(os.read(rfd, 64))
        elif reached(dm_status(ctl, name), devt, want):
            seen = int(time.time() * 1000)
        elif time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os._exit(1)
    os.kill(pid, signal.SIGKILL)
    print(seen, 0, flush=True)
    os._exit(0)


def main():
    name, devt, want = sys.argv[1:4]
    session_file = sys.argv[4] if len(sys.argv) > 4 else None
    ctl = os.open("/dev/mapper/control", os.O_RDWR)
    if not session_file:
        return wait_events(ctl, name, devt, want)
    t_session = 0
    session_want = os.environ.get("PATH_WATCH_SESSION_STATE", "LOGGED_IN")
    dm_status(ctl, name)
    ready()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        now = int(time.time() * 1000)
        if session_file and not t_session:
            with open(session_file) as f:
                if f.read().strip() == session_want:
                    t_session = now
        if reached(dm_status(ctl, name), devt, want):
            print(now, t_session)
            return 0
        time.sleep(0.001)
    return 1


sys.exit(main())
