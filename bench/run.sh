#!/usr/bin/env bash
# Benchmark `kaohe score --format csv` against DuckDB and Polars on the same
# computation (see docs/benchmarks.md). Generates the data, builds release,
# installs DuckDB and Polars from PyPI into bench/.venv, warms the page cache,
# runs kaohe, Polars, DuckDB and kaohe's explain, JSON result and
# rectification list (CSV, table, Markdown, JSON) in turn, RUNS rounds, and prints median wall, median
# CPU (user+sys), peak RSS and the ratios; then 1/10 of the rows, and
# start-up on the example.
#
#   bench/run.sh                 # 100,000 units x 60 indicators (6M rows)
#   UNITS=10000 RUNS=3 bench/run.sh
#   ENCODINGS=1 bench/run.sh     # then bench/encodings.sh: GBK, UTF-16, wide
set -euo pipefail
cd "$(dirname "$0")/.."

UNITS=${UNITS:-100000}
SMALL=$((UNITS / 10))
RUNS=${RUNS:-5}
THREADS=${THREADS:-2}
DATA=bench/data/u$UNITS
SMALLDATA=bench/data/u$SMALL
VENV=bench/.venv
OUT=bench/data/out
mkdir -p "$OUT"

if [ ! -x /usr/bin/time ] || ! command -v bc >/dev/null; then
    apt-get install -y time bc >/dev/null
fi

echo "== build"
cargo build --release --quiet
cargo build --release --quiet --example gen
KAOHE=target/release/kaohe

echo "== data"
for pair in "$UNITS:$DATA" "$SMALL:$SMALLDATA"; do
    n=${pair%%:*} dir=${pair#*:}
    if [ ! -f "$dir/evidence.csv" ]; then
        target/release/examples/gen --shape bench --units "$n" --seed 2023 --out "$dir"
    fi
done
ls -l "$DATA/evidence.csv" "$SMALLDATA/evidence.csv"

echo "== peers"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet duckdb polars
PY="$VENV/bin/python"
"$PY" -c 'import duckdb, polars; print("duckdb", duckdb.__version__, "· polars", polars.__version__)'

# Timed runs: `once NAME CMD...` runs CMD once under /usr/bin/time and
# records its wall, CPU (user+sys) and peak RSS under NAME; `report NAME`
# prints the medians (largest RSS) and keeps the median wall in WALL.
declare -A WALLS CPUS RSS WALL
once() {
    local name=$1 t
    shift
    t=$(mktemp)
    # Wall to the millisecond (time's %e has hundredths only).
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f "%U %S %M" -o "$t" "$@" >/dev/null 2>&1 || { echo "$name failed: $*" >&2; exit 1; }
    end=$(date +%s%N)
    read -r u s m <"$t"
    rm -f "$t"
    e=$(printf '%.3f' "$(echo "scale=3; ($end - $start) / 1000000000" | bc)")
    WALLS[$name]+="$e "
    CPUS[$name]+="$(echo "$u + $s" | bc) "
    [ "$m" -gt "${RSS[$name]:-0}" ] && RSS[$name]=$m
    return 0
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
report() {
    local name=$1 wall cpu
    wall=$(echo "${WALLS[$name]}" | median)
    cpu=$(echo "${CPUS[$name]}" | median)
    WALL[$name]=$wall
    printf '  %-34s wall %6.3f s  cpu %6.2f s  rss %5d MiB   (walls: %s)\n' \
        "$name" "$wall" "$cpu" "$((${RSS[$name]} / 1024))" "${WALLS[$name]% }"
}
# run NAME CMD...: a warm-up, then RUNS runs in a row.
run() {
    local name=$1
    shift
    "$@" >/dev/null 2>&1 || { echo "$name failed: $*" >&2; exit 1; }
    for _ in $(seq "$RUNS"); do once "$name" "$@"; done
    report "$name"
}

echo "== machine"
nproc
lscpu | grep -E 'Model name|^CPU\(s\)|L2|L3' || true
free -m | head -2
uptime

echo "== warm the page cache"
cat "$DATA/evidence.csv" "$SMALLDATA/evidence.csv" >/dev/null

echo "== runs ($RUNS each, median; all interleaved, so that a change of load hits every tool alike)"
FW=$DATA/framework.toml
EV=$DATA/evidence.csv
K_CMD=(sh -c "$KAOHE score --format csv -f $FW $EV > $OUT/kaohe.csv")
P_CMD=(env POLARS_MAX_THREADS="$THREADS" "$PY" bench/peer_polars.py "$FW" "$EV" "$OUT/polars.csv")
D_CMD=(env THREADS="$THREADS" "$PY" bench/peer_duckdb.py "$FW" "$EV" "$OUT/duckdb.csv")
# explain, the JSON result (~2.2 GB) and the rectification lists (0.55 to
# 2.3 GB) write to /dev/null: the tool's time, not the disk's.
X_CMD=(sh -c "$KAOHE explain U000001 --format csv -f $FW $EV > /dev/null")
J_CMD=(sh -c "$KAOHE score --format json -f $FW $EV > /dev/null")
R_CMD=(sh -c "$KAOHE deficiencies --format csv -f $FW $EV > /dev/null")
RT_CMD=(sh -c "$KAOHE deficiencies --format table -f $FW $EV > /dev/null")
RM_CMD=(sh -c "$KAOHE deficiencies --format md -f $FW $EV > /dev/null")
RJ_CMD=(sh -c "$KAOHE deficiencies --format json -f $FW $EV > /dev/null")
# warm-up
"${K_CMD[@]}" && "${P_CMD[@]}" && "${D_CMD[@]}" || { echo "a warm-up run failed" >&2; exit 1; }
for _ in $(seq "$RUNS"); do
    once "kaohe score --format csv" "${K_CMD[@]}"
    once "polars ($THREADS threads)" "${P_CMD[@]}"
    once "duckdb ($THREADS threads)" "${D_CMD[@]}"
    once "kaohe explain (one unit)" "${X_CMD[@]}"
    once "kaohe score --format json" "${J_CMD[@]}"
    once "kaohe deficiencies --format csv" "${R_CMD[@]}"
    once "kaohe deficiencies --format table" "${RT_CMD[@]}"
    once "kaohe deficiencies --format md" "${RM_CMD[@]}"
    once "kaohe deficiencies --format json" "${RJ_CMD[@]}"
done
report "kaohe score --format csv"
report "polars ($THREADS threads)"
report "duckdb ($THREADS threads)"
report "kaohe explain (one unit)"
report "kaohe score --format json"
report "kaohe deficiencies --format csv"
report "kaohe deficiencies --format table"
report "kaohe deficiencies --format md"
report "kaohe deficiencies --format json"
run "kaohe, $SMALL units (1/10 rows)" sh -c "$KAOHE score --format csv -f $SMALLDATA/framework.toml $SMALLDATA/evidence.csv > $OUT/kaohe-small.csv"
run "python + import polars" "$PY" -c "import polars"
run "python + import duckdb" "$PY" -c "import duckdb"

echo "== same results?"
"$PY" bench/compare.py "$OUT/kaohe.csv" "$OUT/polars.csv" "$OUT/duckdb.csv"

echo "== ratios (wall)"
k=${WALL["kaohe score --format csv"]}
p=${WALL["polars ($THREADS threads)"]}
d=${WALL["duckdb ($THREADS threads)"]}
s=${WALL["kaohe, $SMALL units (1/10 rows)"]}
x=${WALL["kaohe explain (one unit)"]}
j=${WALL["kaohe score --format json"]}
r=${WALL["kaohe deficiencies --format csv"]}
printf '  kaohe / polars  %.2f\n' "$(echo "$k / $p" | bc -l)"
printf '  kaohe / duckdb  %.2f\n' "$(echo "$k / $d" | bc -l)"
printf '  kaohe 1/10 rows / full  %.3f\n' "$(echo "$s / $k" | bc -l)"
printf '  explain / score csv  %.2f\n' "$(echo "$x / $k" | bc -l)"
printf '  score json / score csv  %.2f\n' "$(echo "$j / $k" | bc -l)"
printf '  deficiencies csv / score csv  %.2f\n' "$(echo "$r / $k" | bc -l)"
for f in table md json; do
    v=${WALL["kaohe deficiencies --format $f"]}
    printf '  deficiencies %s / score csv  %.2f\n' "$f" "$(echo "$v / $k" | bc -l)"
done

echo "== start-up on the shipped example (mean of 50 runs)"
start=$(date +%s%N)
for _ in $(seq 50); do
    $KAOHE score -u examples/units.csv --period 2023 examples/2023.csv --format csv >/dev/null
done
end=$(date +%s%N)
printf '  kaohe score (15 units): %.1f ms\n' "$(echo "($end - $start) / 50 / 1000000" | bc -l)"

if [ "${ENCODINGS:-0}" = 1 ]; then
    echo "== the mixed data as UTF-8, GBK, UTF-16 and wide CSV"
    bench/encodings.sh
fi
