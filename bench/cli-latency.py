#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`show paths` latency while a one-map config change is applied in a loop.

  cli-latency.py DAEMON SAMPLES EXEC_SAMPLES PATHS CONF VARIANT_A VARIANT_B MAP RECONFIGURE...

DAEMON is mpathd or multipathd. The background loop gives both daemons the same work: it
writes VARIANT_B, then VARIANT_A, ... over CONF (the daemon starts with VARIANT_A), runs the
RECONFIGURE command, and waits until MAP's live table has the variant's path selector
("round-robin 0" in B, "service-time 0" in A), so every turn is one real reload of MAP.
Meanwhile SAMPLES requests go over the daemon's socket (no exec in the figure), then
EXEC_SAMPLES runs of the daemon's own CLI. Each of the two phases stops early after
MPATH_BENCH_CLI_SECS seconds (default 900): a daemon whose replies take seconds then reports
the samples it gave in that time, with <phase>_capped=1.

Every reply is checked: a sample fails when no reply comes within 10 s, the reply is an
error (mpathd: a non-zero status; multipathd: "fail", "timeout" or "error" text, which its
CLI prints with exit status 0) or the process fails. A reply that lists fewer than PATHS
sd devices counts as incomplete. Latency percentiles are over every sample, failed ones at
the time they took. Kernel change uevents of dm devices that are neither path events
(DM_ACTION) nor synthesized (SYNTH_UUID) are resumes after a table load: they show how many
maps each reconfigure really reloaded.

Prints key=value lines.
"""
import os
import re
import shlex
import socket
import struct
import subprocess
import sys
import threading
import time

import dmioctl

MPATHD_SOCK = "/run/mpathd/mpathd.sock"
MULTIPATHD_SOCK = "\0/org/kernel/linux/storage/multipathd"
TIMEOUT = 10.0
SD = re.compile(rb"\bsd[a-z]+\b")


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf


def ask_mpathd(req):
    """(ok, body): mpathd's frame, a 4-byte length, then a 4-byte status and the text."""
    path = MPATHD_SOCK + ".root" if os.path.exists(MPATHD_SOCK + ".root") else MPATHD_SOCK
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(path)
        data = req.encode()
        s.sendall(struct.pack("<I", len(data)) + data)
        (n,) = struct.unpack("<I", recv_exact(s, 4))
        body = recv_exact(s, n)
        return struct.unpack("<i", body[:4])[0] == 0, body[4:]


def multipathd_error(body):
    head = body.lstrip()[:16].lower()
    return head.startswith((b"fail", b"timeout", b"error"))


def ask_multipathd(req):
    """(ok, body): multipath-tools' frame, an 8-byte native length, then NUL-ended text."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(MULTIPATHD_SOCK)
        data = req.encode() + b"\0"
        s.sendall(struct.pack("=Q", len(data)) + data)
        (n,) = struct.unpack("=Q", recv_exact(s, 8))
        body = recv_exact(s, n)
        return not multipathd_error(body), body


def run_exec(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, b"(no exit within 10 s)"
    return p.returncode == 0 and not multipathd_error(p.stdout), p.stdout


class Background:
    """The one-map reload loop, and a count of dm resumes from the kernel's uevents."""

    def __init__(self, conf, variants, mapname, cmd):
        self.conf, self.variants, self.map, self.cmd = conf, variants, mapname, cmd
        self.stop = threading.Event()
        self.turns = self.timeouts = self.cmd_failures = 0
        self.resumes = {}
        self.ctl = dmioctl.control()
        self.nl = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)	# NETLINK_KOBJECT_UEVENT
        self.nl.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)	# SO_RCVBUFFORCE: drop nothing
        self.nl.bind((0, 1))	# the kernel's group, not udev's
        self.nl.settimeout(0.2)

    def table_has(self, want):
        t = dmioctl.targets(self.ctl, self.map, table=True)
        return bool(t) and want in t[0][1]

    def reload_loop(self):
        i = 1
        while not self.stop.is_set():
            text, want = self.variants[i % 2]
            with open(self.conf + ".new", "w") as f:
                f.write(text)
            os.rename(self.conf + ".new", self.conf)
            p = subprocess.run(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
            if p.returncode != 0 or multipathd_error(p.stdout):
                self.cmd_failures += 1
            deadline = time.monotonic() + 60
            while not self.table_has(want) and time.monotonic() < deadline and not self.stop.is_set():
                time.sleep(0.01)
            if self.table_has(want):
                self.turns += 1
            elif not self.stop.is_set():
                self.timeouts += 1
            i += 1

    def uevent_loop(self):
        while not self.stop.is_set():
            try:
                msg = self.nl.recv(65536)
            except socket.timeout:
                continue
            f = msg.split(b"\0")
            if not f[0].startswith(b"change@") or b"/block/dm-" not in f[0]:
                continue
            if any(x.startswith((b"DM_ACTION=", b"SYNTH_UUID=")) for x in f[1:]):
                continue
            dev = f[0].rsplit(b"/", 1)[1].decode()
            self.resumes[dev] = self.resumes.get(dev, 0) + 1

    def start(self):
        for fn in (self.uevent_loop, self.reload_loop):
            threading.Thread(target=fn, daemon=True).start()


def sample(n, ask, paths, pause):
    lat, failed, incomplete, shown = [], 0, 0, 0
    deadline = time.monotonic() + float(os.environ.get("MPATH_BENCH_CLI_SECS", "900"))
    for _ in range(n):
        if time.monotonic() > deadline:
            break
        t0 = time.monotonic()
        try:
            ok, body = ask()
        except (OSError, ConnectionError) as e:
            ok, body = False, str(e).encode()
        lat.append((time.monotonic() - t0) * 1000)
        if not ok:
            failed += 1
            if shown < 3:
                shown += 1
                print(f"cli-latency: failed reply: {body[:200]!r}", file=sys.stderr)
        elif len(set(SD.findall(body))) < paths:
            incomplete += 1
        time.sleep(pause)
    return lat, failed, incomplete


def pct(lat, p):
    s = sorted(lat)
    return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))] if s else float("nan")


def report(prefix, want, lat, failed, incomplete):
    print(f"{prefix}_n={len(lat)} {prefix}_capped={int(len(lat) < want)} "
          f"{prefix}_failed={failed} {prefix}_incomplete={incomplete} "
          f"{prefix}_p50={pct(lat, 50):.1f} {prefix}_p90={pct(lat, 90):.1f} "
          f"{prefix}_p99={pct(lat, 99):.1f} {prefix}_max={max(lat, default=float('nan')):.1f}")


def main():
    daemon, n, n_exec, paths = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    conf, va, vb, mapname = sys.argv[5:9]
    cmd = sys.argv[9:]
    variants = [(open(va).read(), "service-time 0"), (open(vb).read(), "round-robin 0")]
    if daemon == "mpathd":
        ask = lambda: ask_mpathd("show paths")
        cli = shlex.split(os.environ.get("FX_MPATH", "mpath")) + ["show", "paths"]
    else:
        ask = lambda: ask_multipathd("show paths")
        cli = ["multipathd", "show", "paths"]
    bg = Background(conf, variants, mapname, cmd)
    t0 = time.monotonic()
    bg.start()
    time.sleep(0.5)
    report("sock", n, *sample(n, ask, paths, 0.01))
    report("exec", n_exec, *sample(n_exec, lambda: run_exec(cli), paths, 0.01))
    bg.stop.set()
    time.sleep(0.3)
    print(f"secs={time.monotonic() - t0:.0f} turns={bg.turns} turn_timeouts={bg.timeouts} "
          f"cmd_failures={bg.cmd_failures} resumes={sum(bg.resumes.values())} "
          f"maps_resumed={len(bg.resumes)}")


main()
