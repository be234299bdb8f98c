//! `chainscope bench heat` on a small generated population, run by the real executable in a temporary data
//! directory: it prints its figures, a second run reuses the cached store, and when a Python with the `duckdb`
//! package is at hand (`CHAINSCOPE_PYTHON`, else `python3`) DuckDB's results equal Chainscope's and the ratio of
//! the medians is printed. Without duckdb the comparison is skipped with a note. The store the benchmark made is
//! then read back through the snapshot scan and checked against the full records.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_chainscope");

/// The Python interpreter to compare with, if it can import duckdb.
fn python_with_duckdb() -> Option<String> {
    let py = std::env::var("CHAINSCOPE_PYTHON").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| "python3".into());
    let ok = Command::new(&py).args(["-c", "import duckdb"]).output().map(|o| o.status.success()).unwrap_or(false);
    ok.then_some(py)
}

/// Run `bench heat` on 20,000 enterprises; (stdout, stderr).
fn bench_heat(dir: &Path, python: Option<&str>) -> (String, String) {
    let data = dir.join("data");
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).env_remove("CHAINSCOPE_DATA_DIR").env_remove("CHAINSCOPE_PYTHON").args([
        "--data-dir",
        &data.display().to_string(),
        "bench",
        "heat",
        "--enterprises",
        "20000",
        "--runs",
        "3",
        "--build-runs",
        "1",
    ]);
    match python {
        Some(py) => cmd.args(["--duckdb", py]),
        None => cmd.arg("--no-duckdb"),
    };
    let out = cmd.output().expect("run chainscope");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(out.status.success(), "bench heat failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    (stdout, stderr)
}

fn line<'a>(stdout: &'a str, prefix: &str) -> &'a str {
    stdout.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{stdout}"))
}

/// The median (the middle of "min / median / max") of the first timing column of a query line.
fn first_median(l: &str) -> f64 {
    let parts: Vec<&str> = l.split(" / ").collect();
    assert!(parts.len() >= 3, "no 'min / median / max' in {l:?}");
    parts[1].trim().parse().unwrap_or_else(|_| panic!("median of {l:?}"))
}

#[test]
fn bench_heat_prints_its_figures_and_matches_duckdb() {
    let tmp = tempfile::Builder::new().prefix("chainscope-bench-test").tempdir().expect("temp dir");
    let python = python_with_duckdb();
    if python.is_none() {
        eprintln!("note: no Python with the duckdb package (set CHAINSCOPE_PYTHON); the DuckDB comparison is skipped");
    }
    let (stdout, stderr) = bench_heat(tmp.path(), python.as_deref());
    assert!(stderr.contains("generating"), "the first run generates its data:\n{stderr}");
    assert!(line(&stdout, "bench heat: ").contains("enterprises"), "{stdout}");
    let build = line(&stdout, "snapshot build: median ");
    for part in ["bytes/enterprise", "memberships/enterprise", "peak RSS", " MiB"] {
        assert!(build.contains(part), "{part:?} missing in {build:?}");
    }
    for prefix in ["heat res 7, node ", "heat res 7, unfiltered", "heat res 7, chain ", "heat county, unfiltered"] {
        let l = line(&stdout, prefix);
        let ms = first_median(l);
        assert!(ms > 0.0 && ms < 10_000.0, "{l:?}");
        assert!(l.contains(" groups]"), "{l:?}");
        if python.is_some() {
            let ratio = l.split("ratio ").nth(1).and_then(|r| r.split('x').next()).and_then(|r| r.parse::<f64>().ok());
            assert!(ratio.is_some_and(|r| r > 0.0), "no ratio in {l:?}");
        }
    }
    let targets = line(&stdout, "targets: ");
    for part in ["one-node res 7", "unfiltered res 7", "bytes/enterprise", "build median"] {
        assert!(targets.contains(part), "{part:?} missing in {targets:?}");
    }
    if python.is_some() {
        assert!(stdout.contains("DuckDB answered every query with the same cells and counts"), "{stdout}");
    }

    // The generated file, the store and the export are cached: a second run goes straight to the measurements.
    let (stdout, stderr) = bench_heat(tmp.path(), None);
    assert!(!stderr.contains("generating") && !stderr.contains("importing"), "the second run reuses the store:\n{stderr}");
    line(&stdout, "heat res 7, unfiltered");

    snapshot_scan_equals_full_records(&tmp.path().join("data/bench/heat-20000-7/store/chainscope.db"));
}

/// The slim snapshot scan (at 20,000 rows it reads on a second connection and thread, in batches) yields, row for
/// row, what the full records hold.
fn snapshot_scan_equals_full_records(db: &Path) {
    use chainscope_store::{EnterpriseStore, SqliteStore};
    let store = SqliteStore::open(db).expect("open the bench store");
    let mut slim = Vec::new();
    store
        .for_each_snapshot_row(&mut |r| {
            let nodes: Vec<String> = r.node_ids().map(str::to_string).collect();
            let row = (r.h3, r.region_code.map(str::to_string), r.revenue, r.employees, r.capital, r.founded_year, r.flags, r.synthetic);
            slim.push((r.id, row, nodes, r.series.to_vec()));
        })
        .expect("snapshot scan");
    let mut full = Vec::new();
    store.for_each_enterprise(&mut |e| full.push(e)).expect("full scan");
    assert_eq!(slim.len(), 20_000);
    assert_eq!(slim.len(), full.len());
    assert!(slim.windows(2).all(|w| w[0].0 < w[1].0), "rows come in id order");
    for ((id, row, nodes, series), e) in slim.iter().zip(&full) {
        let year = e.founded.map_or(0, |d| chrono::Datelike::year(&d) as u16);
        let want = (
            e.h3.unwrap_or(0),
            e.region_code.clone(),
            e.revenue.unwrap_or(0.0),
            e.employees.unwrap_or(0),
            e.registered_capital.unwrap_or(0.0),
            year,
            e.flags,
            e.synthetic,
        );
        assert_eq!(row, &want, "row {id}");
        assert_eq!(nodes, &e.memberships.iter().map(|m| m.node.clone()).collect::<Vec<_>>(), "nodes of row {id}");
        assert_eq!(series, &e.series, "series of row {id}");
    }
}
