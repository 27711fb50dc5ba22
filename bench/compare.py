"""Check that the peers computed what kaohe computed: the same units with
the same scores (kaohe's Unit and Score columns against unit and score)."""
import csv
import sys

def load(path, unit, score):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return {r[unit]: float(r[score]) for r in csv.DictReader(f)}

kaohe = load(sys.argv[1], "Unit", "Score")
for path in sys.argv[2:]:
    peer = load(path, "unit", "score")
    differ = sum(1 for u, s in kaohe.items() if abs(peer.get(u, -1) - s) > 0.005)
    missing = len(set(kaohe) ^ set(peer))
    print(f"  {path}: {len(peer)} units, {differ} scores differ from kaohe's by more than 0.005, {missing} units not in both")
