"""A framework of many `check` items and a wide evidence file for it: the
shape that costs the detailed reader most per byte (one short value per
cell). Used for the memory figures in docs/benchmarks.md ("The detailed
reader's memory").

    python3 bench/many_items.py ITEMS UNITS DIR [--bad]

writes DIR/framework.toml (ITEMS items of 1 point, one grade) and
DIR/wide.csv (UNITS rows, a value 1 or 0 in every cell); with --bad, the
last unit's first value is `x`, which sends the file to the detailed
reader to be reported.
"""

import os
import sys

items, units, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
bad = "--bad" in sys.argv[4:]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "framework.toml"), "w", encoding="utf-8") as f:
    f.write(f'[framework]\nid = "many"\ntitle = "many"\ntotal = {items}\n\n')
    f.write('[[grade]]\nname = "好"\nmin = 0\n\n')
    for i in range(items):
        f.write(f'[[indicator]]\nid = "I{i}"\nname = "i{i}"\npoints = 1\nrule = {{ type = "check" }}\n\n')
with open(os.path.join(out, "wide.csv"), "w", encoding="utf-8") as f:
    f.write("unit," + ",".join(f"I{i}" for i in range(items)) + "\n")
    for u in range(units):
        cells = ["1" if (u + i) % 3 else "0" for i in range(items)]
        if bad and u == units - 1:
            cells[0] = "x"
        f.write(f"U{u}," + ",".join(cells) + "\n")
