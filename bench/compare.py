"""Check that the peers computed what kaohe computed: the same units with
the same scores. kaohe rounds each indicator's amount half away from zero in
exact decimals; the peers work in binary floating point, so a few cents of
difference over 60 indicators are expected."""
import csv
import sys


def load(path, unit, score):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return {r[unit]: float(r[score]) for r in csv.DictReader(f)}


kaohe = load(sys.argv[1], "Unit", "Score")
for path in sys.argv[2:]:
    peer = load(path, "unit", "score")
    missing = len(set(kaohe) ^ set(peer))
    diffs = [abs(peer[u] - s) for u, s in kaohe.items() if u in peer]
    exact = sum(1 for d in diffs if d < 0.005)
    print(
        f"  {path}: {len(peer)} units ({missing} not in both); "
        f"{exact} scores equal to kaohe's, largest difference {max(diffs, default=0):.2f}"
    )
