#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Figures for the bench's tables, from files of samples.

A samples file holds one sample per line, in ms; a line "-" (or anything not a number) is a
failed sample. Failed samples are counted and printed, never dropped.

  stats.py row LABEL MPATHD_FILE MULTIPATHD_FILE
      "| LABEL | median [min–max] | median [min–max] | n (f failed) / n (f failed) | ratio |"
      ratio = multipathd's median / mpathd's (above 1: mpathd is faster), printed even if < 1
  stats.py ratio A B      B / A, formatted as in a row ("-" if either is not a number)
  stats.py summary FILE   "median [min–max] (n)" of one file
"""
import statistics
import sys


def load(path):
    ok, failed = [], 0
    try:
        f = open(path)
    except FileNotFoundError:
        return ok, failed
    with f:
        for line in f:
            w = line.split()
            if not w:
                continue
            try:
                ok.append(float(w[0]))
            except ValueError:
                failed += 1
    return ok, failed


def ms(v):
    return f"{v:.0f} ms" if v < 1000 else f"{v / 1000:.2f} s"


def ratio(a, b):
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return "-"
    if a <= 0:
        return "-"
    r = b / a
    return f"{r:.0f}x" if r >= 10 else f"{r:.1f}x" if r >= 1 else f"{r:.2f}x"


def spread(ok):
    if not ok:
        return "-"
    return f"{ms(statistics.median(ok))} [{ms(min(ok))}–{ms(max(ok))}]"


def row(label, fa, fb):
    (a, af), (b, bf) = load(fa), load(fb)
    counts = f"{len(a) + af} ({af} failed) / {len(b) + bf} ({bf} failed)"
    r = ratio(statistics.median(a), statistics.median(b)) if a and b else "-"
    print(f"| {label} | {spread(a)} | {spread(b)} | {counts} | {r} |")


def main():
    if sys.argv[1] == "row":
        row(*sys.argv[2:5])
    elif sys.argv[1] == "summary":
        ok, failed = load(sys.argv[2])
        print(f"{spread(ok)} ({len(ok) + failed})")
    elif sys.argv[1] == "ratio":
        print(ratio(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(f"stats.py: unknown command {sys.argv[1]}")


main()
