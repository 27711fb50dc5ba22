"""The benchmark computation in Polars (lazy scan): for every unit,
sum of points x min(value / target, 1), each amount rounded to cents,
ranked by score descending (ties share a rank), written as CSV. A value may
carry a percent sign (`0.8%`, a rate given in percent, as kaohe reads it):
the sign is dropped."""
import sys
import tomllib

import polars as pl

framework, evidence, out = sys.argv[1:4]
with open(framework, "rb") as f:
    fw = tomllib.load(f)
ind = pl.LazyFrame(
    {
        "indicator": [i["id"] for i in fw["indicator"]],
        "points": [float(i["points"]) for i in fw["indicator"]],
        "target": [float(i["rule"]["target"]) for i in fw["indicator"]],
    }
)
ev = pl.scan_csv(
    evidence,
    schema={"unit": pl.String, "indicator": pl.String, "value": pl.String, "note": pl.String},
)
(
    ev.select("unit", "indicator", pl.col("value").str.strip_chars_end("%").cast(pl.Float64))
    .join(ind, on="indicator")
    .with_columns(
        amount=(pl.col("points") * pl.min_horizontal(pl.col("value") / pl.col("target"), pl.lit(1.0))).round(2)
    )
    .group_by("unit")
    .agg(score=pl.col("amount").sum().round(2))
    .sort(["score", "unit"], descending=[True, False])
    .with_columns(rank=pl.col("score").rank("min", descending=True))
    .select("rank", "unit", "score")
    .collect()
    .write_csv(out)
)
