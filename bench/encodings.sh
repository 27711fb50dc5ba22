#!/usr/bin/env bash
# The same provincial data (the generator's `mixed` shape: the built-in
# framework, 100,000 units, ~6M rows) as UTF-8, GBK (GB18030), UTF-16LE with
# its byte-order mark and wide CSV, each scored (`score --format csv`), as the
# JSON result and as the rectification list (`deficiencies --format csv`);
# median wall, CPU and peak RSS of RUNS runs. See docs/benchmarks.md.
#
#   bench/encodings.sh                 # 100,000 units, 3 runs each
#   UNITS=10000 RUNS=1 bench/encodings.sh
#   ENCODINGS=1 bench/run.sh           # run.sh, then this
set -euo pipefail
cd "$(dirname "$0")/.."

UNITS=${UNITS:-100000}
RUNS=${RUNS:-3}
DATA=bench/data/mixed$UNITS
KAOHE=target/release/kaohe

if [ ! -x /usr/bin/time ] || ! command -v bc >/dev/null || ! command -v iconv >/dev/null; then
    apt-get install -y time bc libc-bin >/dev/null
fi

echo "== build"
cargo build --release --quiet
cargo build --release --quiet --example gen

echo "== data"
if [ ! -f "$DATA/wide.csv" ]; then
    target/release/examples/gen --shape mixed --units "$UNITS" --seed 2023 --out "$DATA"
    # The generator may start the file with a UTF-8 byte-order mark: the
    # other encodings carry their own (UTF-16) or none (GBK).
    sed '1s/^\xEF\xBB\xBF//' "$DATA/evidence.csv" >"$DATA/plain.csv"
    iconv -f UTF-8 -t GB18030 "$DATA/plain.csv" >"$DATA/gbk.csv"
    { printf '\xFF\xFE'; iconv -f UTF-8 -t UTF-16LE "$DATA/plain.csv"; } >"$DATA/utf16.csv"
    python3 bench/wide.py "$DATA/plain.csv" "$DATA/wide.csv"
    rm "$DATA/plain.csv"
fi
ls -l "$DATA"/*.csv

declare -A WALLS CPUS RSS
once() {
    local name=$1 t start end u s m e
    shift
    t=$(mktemp)
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

cat "$DATA"/*.csv >/dev/null
FW=$DATA/framework.toml
U=$DATA/units.csv
for _ in $(seq "$RUNS"); do
    for f in evidence gbk utf16 wide; do
        EV=$DATA/$f.csv
        once "$f score csv" sh -c "$KAOHE score --format csv -f $FW -u $U $EV > /dev/null"
        once "$f score json" sh -c "$KAOHE score --format json -f $FW -u $U $EV > /dev/null"
        once "$f deficiencies csv" sh -c "$KAOHE deficiencies --format csv -f $FW -u $U $EV > /dev/null"
    done
done
printf '| input | command | wall (s) | CPU (s) | peak RSS (MiB) | × UTF-8 score csv | × own score csv |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: | ---: |\n'
base=$(echo "${WALLS[evidence score csv]}" | median)
for f in evidence gbk utf16 wide; do
    own=$(echo "${WALLS[$f score csv]}" | median)
    for c in "score csv" "score json" "deficiencies csv"; do
        w=$(echo "${WALLS[$f $c]}" | median)
        cpu=$(echo "${CPUS[$f $c]}" | median)
        printf '| %s | %s | %.2f | %.2f | %d | %.2f | %.2f |\n' "$f" "$c" "$w" "$cpu" "$((${RSS[$f $c]} / 1024))" \
            "$(echo "$w / $base" | bc -l)" "$(echo "$w / $own" | bc -l)"
    done
done
