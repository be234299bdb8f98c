#!/usr/bin/env python3
"""The peer side of `chainscope bench heat`: the same heat queries in an in-memory DuckDB on the same data.

Usage: heat_duckdb.py SPEC.json
       heat_duckdb.py --check      (is duckdb importable? prints its version)

SPEC (written by `chainscope bench heat`) names the CSV files exported from the snapshot, the queries, the number of
timed runs and, for each query, Chainscope's own result. The script loads the CSV files into an in-memory DuckDB
(not timed), runs each query once to warm up and then `runs` times, checks that DuckDB's cells and counts equal
Chainscope's (a mismatch is an error: exit status 1), and prints one JSON object on stdout:

  {"duckdb": "<version>", "threads": N, "load_seconds": S,
   "queries": {"<name>": {"min_ms": …, "median_ms": …, "max_ms": …, "groups": N}, …}}

The coarse H3 cell is computed in plain SQL from the stored fine cell (resolution 12) by bit arithmetic, as
Chainscope does: set the 4-bit resolution field (bits 52–55) and set the 3 bits of every finer digit to 7.
DuckDB gets the same columns Chainscope has (one row per enterprise, a node-membership table sorted by node, the
region dictionary with each entry's county) and its default number of threads. A timed run is the query plus
fetching its rows into Python, as Chainscope's is the call that returns its cells (Chainscope also sorts them,
heaviest first; DuckDB is not asked to).

Exit status: 0 success, 1 mismatch or other failure, 3 the duckdb package is not importable.
"""

import json
import sys
import time

try:
    import duckdb

    duckdb.connect  # a folder named duckdb on the path is no DuckDB
except (ImportError, AttributeError):
    sys.stderr.write(
        "error: the Python package 'duckdb' is not importable by %s\n"
        "install it into a virtual environment, for example:\n"
        "  python3 -m venv /tmp/chainscope-bench-py && /tmp/chainscope-bench-py/bin/pip install duckdb\n"
        "then run: chainscope bench heat --duckdb /tmp/chainscope-bench-py/bin/python\n" % sys.executable
    )
    sys.exit(3)


def parent_sql(column, res):
    """SQL for the parent at `res` of the fine H3 cell in `column` (a BIGINT: H3 indexes have the high bit 0)."""
    unused = 3 * (15 - res)
    return "(({c} & ~(15::BIGINT << 52)) | ({r}::BIGINT << 52) | ((1::BIGINT << {u}) - 1))".format(c=column, r=res, u=unused)


def query_sql(q):
    """The SQL of one query of the spec; each returns (key, count) rows."""
    node_filter = ""
    if q.get("nodes") is not None:
        nodes = ", ".join(str(int(n)) for n in q["nodes"])
        # Membership is (node, rid), unique; an enterprise on several of the nodes counts once (semi-join).
        node_filter = " AND e.rid IN (SELECT m.rid FROM m WHERE m.node IN (%s))" % nodes
    if q["group"] == "h3":
        return "SELECT %s AS cell, count(*) AS n FROM e WHERE e.h3 <> 0%s GROUP BY cell" % (parent_sql("e.h3", int(q["res"])), node_filter)
    if q["group"] == "county":
        return (
            "SELECT r.code, g.n FROM (SELECT d.county AS county, count(*) AS n FROM e JOIN d ON e.region = d.idx "
            "WHERE d.county IS NOT NULL%s GROUP BY d.county) g JOIN d r ON r.idx = g.county" % node_filter
        )
    raise ValueError("unknown grouping %r" % q["group"])


def key_of(group, key):
    return format(key, "x") if group == "h3" else key


def load(con, files):
    con.execute(
        "CREATE TABLE e AS SELECT * FROM read_csv(?, header = true, columns = {"
        "'rid': 'INTEGER', 'h3': 'BIGINT', 'region': 'INTEGER', 'revenue': 'FLOAT', 'employees': 'INTEGER', "
        "'capital': 'FLOAT', 'founded': 'SMALLINT', 'flags': 'UTINYINT'})",
        [files["enterprises"]],
    )
    # Sorted by node so that a node's rows sit together (DuckDB's zone maps then skip the other nodes).
    con.execute(
        "CREATE TABLE m AS SELECT * FROM read_csv(?, header = true, columns = {'node': 'INTEGER', 'rid': 'INTEGER'}) "
        "ORDER BY node, rid",
        [files["memberships"]],
    )
    con.execute(
        "CREATE TABLE d AS SELECT * FROM read_csv(?, header = true, columns = {'idx': 'INTEGER', 'code': 'VARCHAR', "
        "'county': 'INTEGER'})",
        [files["regions"]],
    )


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: heat_duckdb.py SPEC.json | --check\n")
        return 1
    if sys.argv[1] == "--check":
        print(duckdb.__version__)
        return 0
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    con = duckdb.connect(":memory:")
    if spec.get("threads"):
        con.execute("SET threads = %d" % int(spec["threads"]))
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    t0 = time.perf_counter()
    load(con, spec["files"])
    load_seconds = time.perf_counter() - t0
    runs = max(1, int(spec["runs"]))
    out = {"duckdb": duckdb.__version__, "threads": threads, "load_seconds": round(load_seconds, 3), "queries": {}}
    failures = []
    for q in spec["queries"]:
        sql = query_sql(q)
        rows = con.execute(sql).fetchall()  # warm-up, and the result to check
        got = {key_of(q["group"], k): n for k, n in rows}
        want = q["expected"]
        if got != want:
            missing = [k for k in want if k not in got][:5]
            extra = [k for k in got if k not in want][:5]
            differ = [(k, want[k], got[k]) for k in want if k in got and got[k] != want[k]][:5]
            failures.append(
                "%s: DuckDB has %d groups, Chainscope %d; missing in DuckDB %s, extra %s, counts differ (key, chainscope, duckdb) %s\n  SQL: %s"
                % (q["name"], len(got), len(want), missing, extra, differ, sql)
            )
            continue
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            con.execute(sql).fetchall()
            times.append((time.perf_counter() - t) * 1000.0)
        out["queries"][q["name"]] = {
            "min_ms": round(min(times), 3),
            "median_ms": round(sorted(times)[len(times) // 2], 3),
            "max_ms": round(max(times), 3),
            "groups": len(got),
        }
    if failures:
        sys.stderr.write("error: DuckDB's results differ from Chainscope's:\n" + "\n".join(failures) + "\n")
        return 1
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
