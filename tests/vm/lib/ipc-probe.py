# SPDX-License-Identifier: GPL-2.0-or-later
"""Probe mpathd's control socket the way a broken or hostile local client would.

usage: ipc-probe.py garbage            bad frames: each must get an error reply (status < 0)
       ipc-probe.py hold SECONDS       open as many connections as the daemon keeps, hold them
       ipc-probe.py reconnect SECONDS  connect and close in a tight loop
       ipc-probe.py burst N            N non-blocking connects at once, then `show status` on each

The frame: a little-endian u32 length, then the request; the reply: u32 length, then an i32
status and the body (libmpath/ipc.h).
"""
import errno
import os
import socket
import struct
import sys
import time

SOCK = os.environ.get("MPATHD_SOCKET", "/run/mpathd/mpathd.sock")


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def reply(s):
    (n,) = struct.unpack("<I", recv_exact(s, 4))
    body = recv_exact(s, n)
    return struct.unpack("<i", body[:4])[0], body[4:]


def frame(data):
    return struct.pack("<I", len(data)) + data


def garbage():
    ok = True
    cases = [
        ("an oversize frame (2 GiB announced)", b"\xff\xff\xff\x7fgarbage", False),
        ("binary junk (not UTF-8)", frame(b"\x01\x02\x03\xff\xfe"), True),
        ("a NUL byte inside the request", frame(b"show paths\x00tail"), True),
        ("an unknown command", frame(b"frobnicate the paths"), True),
    ]
    for what, data, goes_on in cases:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(10)
        s.connect(SOCK)
        s.sendall(data)
        try:
            status, body = reply(s)
        except (OSError, ConnectionError) as e:
            print(f"  {what}: no error reply ({e})")
            ok = False
            continue
        text = body.decode(errors="replace").strip().replace("\n", " ")[:70]
        print(f"  {what}: status {status} ({os.strerror(-status) if status < 0 else 'ok'}): {text}")
        ok &= status < 0
        if goes_on:
            # the connection survives a bad request: the next one on it is answered
            s.sendall(frame(b"show status"))
            status, _ = reply(s)
            print(f"    then `show status` on the same connection: status {status}")
            ok &= status == 0
        s.close()
    return 0 if ok else 1


def hold(seconds):
    conns = []
    end = time.monotonic() + seconds
    while len(conns) < 5000 and time.monotonic() < end:
        try:
            s = socket.socket(socket.AF_UNIX)
        except OSError:
            break  # out of file descriptors: hold what we have
        s.settimeout(1)
        try:
            s.connect(SOCK)
        except OSError:
            s.close()
            break
        # half a frame: the daemon must not wait for the rest
        s.sendall(b"\x10\x00")
        conns.append(s)
    print(f"  holding {len(conns)} connections", flush=True)
    time.sleep(max(0, end - time.monotonic()))
    return 0


def reconnect(seconds):
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(SOCK)
            n += 1
        except OSError:
            pass
        s.close()
    print(f"  {n} reconnects in {seconds} s", flush=True)
    return 0


def burst(n):
    socks, refused, errors = [], 0, {}
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX)
        s.setblocking(False)
        try:
            s.connect(SOCK)
        except BlockingIOError:
            pass
        except OSError as e:
            refused += 1
            errors[errno.errorcode.get(e.errno, str(e.errno))] = errors.get(errno.errorcode.get(e.errno, str(e.errno)), 0) + 1
            s.close()
            continue
        socks.append(s)
    answered = 0
    for s in socks:
        s.setblocking(True)
        s.settimeout(30)
        try:
            s.sendall(frame(b"show status"))
            status, _ = reply(s)
            answered += status == 0
        except (OSError, ConnectionError):
            pass
        s.close()
    print(f"  burst of {n}: {answered} answered, {refused} refused {errors if errors else ''}")
    return 0 if answered == n else 1


def main():
    what = sys.argv[1]
    if what == "garbage":
        return garbage()
    if what == "hold":
        return hold(float(sys.argv[2]))
    if what == "reconnect":
        return reconnect(float(sys.argv[2]))
    if what == "burst":
        return burst(int(sys.argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


sys.exit(main())
