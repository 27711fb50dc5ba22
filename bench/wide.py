"""Rewrite long evidence (unit,name,indicator,value,...) as wide CSV: one row
per unit in order of first appearance, one column per evidence key in the
order keys first appear, the first non-empty name; notes and sources have no
place in a wide file and are dropped. Used by bench/encodings.sh.

    python3 bench/wide.py long.csv wide.csv
"""

import csv
import sys

src, dst = sys.argv[1], sys.argv[2]
units = {}
names = {}
keys = {}
with open(src, newline="", encoding="utf-8-sig") as f:
    r = csv.reader(f)
    header = [h.strip().lower() for h in next(r)]
    ui, ni, ki, vi = (header.index(c) for c in ("unit", "name", "indicator", "value"))
    for row in r:
        if not row or not row[ui].strip():
            continue
        u, k = row[ui].strip(), row[ki].strip()
        keys.setdefault(k, len(keys))
        units.setdefault(u, {})[k] = row[vi]
        if row[ni].strip() and u not in names:
            names[u] = row[ni].strip()
order = sorted(keys, key=keys.get)
with open(dst, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["unit", "name"] + order)
    for u, vals in units.items():
        w.writerow([u, names.get(u, "")] + [vals.get(k, "") for k in order])
