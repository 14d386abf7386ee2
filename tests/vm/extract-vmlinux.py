#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Unpack the ELF vmlinux from a bzImage so QEMU can boot it through PVH (no decompressor)."""
import lzma
import subprocess
import sys
import zlib


def candidates(data):
    """Yield (offset, decompressor factory) for every compressed stream start found."""
    formats = (
        (b"\xfd7zXZ\x00", lambda: lzma.LZMADecompressor(format=lzma.FORMAT_XZ)),
        (b"\x1f\x8b\x08", lambda: zlib.decompressobj(16 + zlib.MAX_WBITS)),
    )
    for magic, factory in formats:
        at = data.find(magic)
        while at >= 0:
            yield at, factory
            at = data.find(magic, at + 1)


def main(src, dst):
    data = open(src, "rb").read()
    for at, factory in candidates(data):
        try:
            out = factory().decompress(data[at:])
        except (lzma.LZMAError, zlib.error, EOFError):
            continue
        if out[:4] != b"\x7fELF":
            continue
        with open(dst, "wb") as f:
            f.write(out)
        notes = subprocess.run(["readelf", "-n", dst], capture_output=True, text=True).stdout
        # XEN_ELFNOTE_PHYS32_ENTRY (0x12) marks a PVH entry point.
        return 0 if "0x00000012" in notes else 1
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
