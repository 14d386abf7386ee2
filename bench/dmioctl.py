# SPDX-License-Identifier: GPL-2.0-or-later
"""Device-mapper reads by ioctl on /dev/mapper/control, for the bench's watchers.

A watcher that polls every few ms must not fork dmsetup (about 37 ms per exec under TCG),
so these speak the dm ioctl directly: list the devices, read a device's status or table.
"""
import fcntl
import os
import struct

DM_IOCTL_SIZE = 312
DM_BUFFER_FULL_FLAG = 1 << 8
DM_STATUS_TABLE_FLAG = 1 << 4


def _iowr(nr):
    return (3 << 30) | (DM_IOCTL_SIZE << 16) | (0xFD << 8) | nr


DM_LIST_DEVICES = _iowr(2)
DM_TABLE_STATUS = _iowr(12)


def control():
    return os.open("/dev/mapper/control", os.O_RDWR)


def _call(ctl, cmd, name="", flags=0, size=16384):
    """One ioctl with a data buffer of SIZE, grown while the kernel says it is full."""
    while True:
        buf = bytearray(size)
        # version 4.0.0, data_size, data_start, target_count, open_count, flags; name at 48
        struct.pack_into("<IIIIIIiI", buf, 0, 4, 0, 0, size, DM_IOCTL_SIZE, 0, 0, flags)
        buf[48:48 + len(name)] = name.encode()
        fcntl.ioctl(ctl, cmd, buf)
        if struct.unpack_from("<I", buf, 28)[0] & DM_BUFFER_FULL_FLAG and size < 1 << 24:
            size *= 4
            continue
        return buf


def list_devices(ctl):
    """The names of every dm device."""
    buf = _call(ctl, DM_LIST_DEVICES, size=65536)
    data_start = struct.unpack_from("<I", buf, 16)[0]
    names, off = [], data_start
    # struct dm_name_list: dev (u64), next (u32), name (NUL-terminated); next 0 ends
    if struct.unpack_from("<Q", buf, off)[0] == 0:
        return names
    while True:
        nxt = struct.unpack_from("<I", buf, off + 8)[0]
        end = buf.index(0, off + 12)
        names.append(buf[off + 12:end].decode())
        if nxt == 0:
            return names
        off += nxt


def targets(ctl, name, table=False):
    """[(target_type, params)] of NAME's live table: its status, or with TABLE its table."""
    try:
        buf = _call(ctl, DM_TABLE_STATUS, name, DM_STATUS_TABLE_FLAG if table else 0)
    except OSError:
        return []
    data_start, count = struct.unpack_from("<II", buf, 16)
    out, off = [], data_start
    for _ in range(count):
        # struct dm_target_spec: sector_start, length, status, next, target_type[16]; params follow
        nxt = struct.unpack_from("<I", buf, off + 20)[0]
        ttype = bytes(buf[off + 24:off + 40]).split(b"\0")[0].decode()
        params = buf[off + 40:]
        out.append((ttype, bytes(params[:params.index(0)]).decode()))
        off = data_start + nxt if nxt else off
    return out


def status(ctl, name):
    """The params of NAME's first target as the kernel prints its status ("" if none)."""
    t = targets(ctl, name)
    return t[0][1] if t else ""


def path_states(status_line):
    """{devt: "A"|"F"} from a multipath status line."""
    words = status_line.split()
    return {w: words[i + 1] for i, w in enumerate(words[:-1])
            if ":" in w and w.replace(":", "").isdigit() and words[i + 1] in ("A", "F")}
