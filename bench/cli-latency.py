# SPDX-License-Identifier: GPL-2.0-or-later
"""Time a read-only request to a multipath daemon while another command runs in a loop.

usage: cli-latency.py SAMPLES MODE TARGET "BACKGROUND COMMAND"
  MODE exec:       TARGET is a command line, run as a process (what an admin sees)
  MODE mpathd:     TARGET is a request sent on mpathd's socket (daemon time, no exec)
  MODE multipathd: TARGET is a request sent on multipathd's socket (daemon time, no exec)
Prints "p50_ms p99_ms background_runs". A failed or timed-out sample counts as 10000 ms.
"""
import shlex
import socket
import struct
import subprocess
import sys
import threading
import time

MPATHD_SOCK = "/run/mpathd/mpathd.sock"
MULTIPATHD_SOCK = "\0/org/kernel/linux/storage/multipathd"
TIMEOUT = 10.0


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf


def ask_mpathd(req):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(MPATHD_SOCK)
        data = req.encode()
        s.sendall(struct.pack("<I", len(data)) + data)
        (n,) = struct.unpack("<I", recv_exact(s, 4))
        body = recv_exact(s, n)
        return struct.unpack("<i", body[:4])[0] == 0


def ask_multipathd(req):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(MULTIPATHD_SOCK)
        data = req.encode() + b"\0"
        s.sendall(struct.pack("=Q", len(data)) + data)
        (n,) = struct.unpack("=Q", recv_exact(s, 8))
        body = recv_exact(s, n)
        return not body.startswith(b"fail") and not body.startswith(b"timeout")


def run_exec(cmd):
    try:
        return subprocess.run(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=TIMEOUT).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def main():
    samples, mode, target, bg_cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    ask = {"exec": run_exec, "mpathd": ask_mpathd, "multipathd": ask_multipathd}[mode]
    stop = threading.Event()
    runs = [0]

    def background():
        while not stop.is_set():
            subprocess.run(shlex.split(bg_cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=600)
            runs[0] += 1

    threading.Thread(target=background, daemon=True).start()
    time.sleep(0.5)
    lat = []
    for _ in range(samples):
        t0 = time.monotonic()
        try:
            ok = ask(target)
        except (OSError, ConnectionError):
            ok = False
        lat.append((time.monotonic() - t0) * 1000 if ok else TIMEOUT * 1000)
        time.sleep(0.01)
    stop.set()
    lat.sort()
    print(f"{lat[len(lat) // 2]:.1f} {lat[min(len(lat) - 1, int(len(lat) * 0.99))]:.1f} {runs[0]}")


main()
