# SPDX-License-Identifier: GPL-2.0-or-later
"""Time N requests on mpathd's socket, one after another; check each reply.

usage: sock-latency.py N REQUEST [EXPECT]
Prints "samples=N failed=F p50_ms=.. p99_ms=.. max_ms=..". A sample fails when the reply's
status is not 0, its body lacks EXPECT (when given), or no reply comes within 10 s; a failed
sample counts as 10000 ms. Exits 1 when any sample failed.
"""
import socket
import struct
import sys
import time

SOCK = "/run/mpathd/mpathd.sock"
TIMEOUT = 10.0


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf


def ask(req, expect):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(SOCK)
        data = req.encode()
        s.sendall(struct.pack("<I", len(data)) + data)
        (n,) = struct.unpack("<I", recv_exact(s, 4))
        body = recv_exact(s, n)
        status = struct.unpack("<i", body[:4])[0]
        return status == 0 and (expect is None or expect.encode() in body[4:])


def main():
    n, req = int(sys.argv[1]), sys.argv[2]
    expect = sys.argv[3] if len(sys.argv) > 3 else None
    lat, failed = [], 0
    for _ in range(n):
        t0 = time.monotonic()
        try:
            ok = ask(req, expect)
        except (OSError, ConnectionError):
            ok = False
        ms = (time.monotonic() - t0) * 1000
        if not ok:
            failed += 1
            ms = TIMEOUT * 1000
        lat.append(ms)
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(len(lat) * q))]
    print(f"samples={n} failed={failed} p50_ms={p(0.5):.1f} p99_ms={p(0.99):.1f} max_ms={lat[-1]:.1f}")
    sys.exit(1 if failed else 0)


main()
