#!/usr/bin/env bash
# Seed the fuzz corpora (fuzz/corpus/<target>, not committed) from the
# project's own fixtures: the built-in framework, the test frameworks, the
# example evidence cut into small files, and the odd files in fuzz/seeds/.
set -euo pipefail
cd "$(dirname "$0")/.."
c=fuzz/corpus
mkdir -p "$c/framework" "$c/evidence" "$c/score" "$c/workbook" "$c/result" "$c/template"
cp indicators/*.toml tests/fixtures/*.toml "$c/framework/"
# Template seeds: a mode byte (layout, language, units, period), then a framework.
m=0
for f in indicators/*.toml tests/fixtures/*.toml; do
  m=$(( (m + 5) % 16 ))
  { printf "\\x$(printf %02x $m)"; cat "$f"; } > "$c/template/$(basename "$f")"
done
n=0
for f in examples/2022.csv examples/2023.csv; do
  header=$(head -1 "$f")
  # 30-row slices keep inputs small enough for fast executions.
  tail -n +2 "$f" | split -l 30 - /tmp/kaohe-seed-
  for s in /tmp/kaohe-seed-*; do
    n=$((n + 1))
    { printf '\x00'; echo "$header"; cat "$s"; } > "$c/evidence/example-$n.csv"
    { printf '\x00'; cat "$s"; } > "$c/score/example-$n.csv"
    { printf '\x01'; echo "$header"; cat "$s"; } > "$c/evidence/example-$n-units.csv"
  done
  rm -f /tmp/kaohe-seed-*
done
for f in fuzz/seeds/*.csv; do
  b=$(basename "$f" .csv)
  { printf '\x00'; cat "$f"; } > "$c/evidence/$b.csv"
  { printf '\x01'; cat "$f"; } > "$c/evidence/$b-units.csv"
done
# Rows for the small every-rule framework, long (mode 1) and wide (mode 3).
printf '\x01T01,A1,是,\nT01,A2,2,\nT01,A3,3,\nT01,A4,不适用,\nT01,A5,95%%,\nT01,B1,85,\nT01,B2,较好,\nT01,B3,2.5,\nT01,B4/a,1,\nT01,B4/b,0,\nT01,B5,30/10/2/1,\nT01,J1,1,\nT01,K1,1,\nT01,V1,否,\n' > "$c/score/every-long.csv"
printf '\x03T01,城关镇,是,2,3,不适用,95%%,85,较好,2.5,1,0,30/10/2/1,1,是,1,否\nT02,河西,否,0,0,3,100,60,差,0,0,0,0/0/0/1,0,否,0,是\n' > "$c/score/every-wide.csv"
printf '\x07T01,A1,=HYPERLINK("x"),@SUM(A1)\nD02,A3,是,+1\n' > "$c/score/injection.csv"
# Workbooks: the XLS fixtures, and a collection template as XLSX.
cp tests/fixtures/xls/*.xls "$c/workbook/"
cargo run --quiet -- template -u examples/units.csv -o "$c/workbook/template.xlsx"
# Results as kaohe writes them, for diff and trend.
cargo run --quiet -- score -u examples/units.csv --period 2022 -o "$c/result/2022.json" examples/2022.csv
cargo run --quiet -- score -u examples/units.csv --period 2023 -o "$c/result/2023.json" examples/2023.csv
echo "seeded: $(ls "$c/framework" | wc -l) framework, $(ls "$c/evidence" | wc -l) evidence, $(ls "$c/score" | wc -l) score, $(ls "$c/workbook" | wc -l) workbook, $(ls "$c/result" | wc -l) result, $(ls "$c/template" | wc -l) template"
