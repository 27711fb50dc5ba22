"""The benchmark computation in DuckDB: for every unit, sum of
points x min(value / target, 1), each amount rounded to cents, ranked by
score descending (ties share a rank), written as CSV. A value may carry a
percent sign (`0.8%`, a rate given in percent, as kaohe reads it): the sign
is dropped."""
import os
import sys
import tomllib

import duckdb

framework, evidence, out = sys.argv[1:4]
with open(framework, "rb") as f:
    fw = tomllib.load(f)
con = duckdb.connect()
con.execute(f"SET threads = {int(os.environ.get('THREADS', '2'))}")
con.execute("CREATE TABLE ind (indicator VARCHAR, points DOUBLE, target DOUBLE)")
con.executemany(
    "INSERT INTO ind VALUES (?, ?, ?)",
    [(i["id"], float(i["points"]), float(i["rule"]["target"])) for i in fw["indicator"]],
)
con.execute(
    f"""
    COPY (
      SELECT rank() OVER (ORDER BY score DESC) AS rank, unit, score
      FROM (
        SELECT e.unit, round(sum(round(i.points * least(CAST(rtrim(e.value, '%') AS DOUBLE) / i.target, 1), 2)), 2) AS score
        FROM read_csv('{evidence}', header = true,
                      columns = {{'unit': 'VARCHAR', 'indicator': 'VARCHAR', 'value': 'VARCHAR', 'note': 'VARCHAR'}}) e
        JOIN ind i USING (indicator)
        GROUP BY e.unit
      )
      ORDER BY score DESC, unit
    ) TO '{out}' (HEADER, DELIMITER ',')
    """
)
