//! `chainscope bench …`: benchmarks that print figures. Each measured step runs as its own process so that its
//! peak memory is its own.

use crate::init;
use anyhow::{bail, Context};
use chainscope_engine::heat::{heat, Grouping, HeatCell, HeatFilter, Weight};
use chainscope_engine::snapshot::NO_REGION;
use chainscope_engine::{AdminLevel, Snapshot};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The DuckDB side of `bench heat`, embedded so that the binary runs it from anywhere.
const HEAT_DUCKDB_PY: &str = include_str!("../../../scripts/bench/heat_duckdb.py");

#[derive(clap::Subcommand)]
pub enum Which {
    /// Import a generated file of N enterprises into a fresh store; print rows/s and peak memory.
    Import {
        #[arg(long, default_value_t = 1_000_000)]
        enterprises: u64,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Repetitions (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Heat queries on N generated enterprises: snapshot build time, size and peak memory, query latencies, and
    /// the same queries in DuckDB on the same data (results checked equal) with the ratio.
    Heat {
        #[arg(long, default_value_t = 10_000_000)]
        enterprises: u64,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Timed runs of each query (min, median and max are reported).
        #[arg(long, default_value_t = 21)]
        runs: usize,
        /// Snapshot builds, each in its own process (the median is reported).
        #[arg(long, default_value_t = 3)]
        build_runs: usize,
        /// Python interpreter that has the duckdb package.
        #[arg(long, value_name = "PYTHON", env = "CHAINSCOPE_PYTHON", default_value = "python3")]
        duckdb: String,
        /// Leave out the DuckDB comparison.
        #[arg(long)]
        no_duckdb: bool,
    },
    /// Lead ranking on N generated enterprises (the store `heat` builds, reused): the targeting context's build
    /// time once, then the ranking's latency for one chain, one cluster and every tier.
    Leads {
        #[arg(long, default_value_t = 10_000_000)]
        enterprises: u64,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Timed runs of each ranking (min, median and max are reported).
        #[arg(long, default_value_t = 11)]
        runs: usize,
        /// Also write the rankings of a fixed set of queries (presets, filters, limits, a pipeline, expansions) to this
        /// file as JSON lines, to compare implementations.
        #[arg(long, hide = true, value_name = "FILE")]
        dump: Option<PathBuf>,
    },
    /// Enterprise search on N generated enterprises (the store `heat` builds, reused): the latency of short and long,
    /// common, rare and absent texts, with the number of hits.
    Search {
        #[arg(long, default_value_t = 1_000_000)]
        enterprises: u64,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Timed runs of each text (min, median and max are reported).
        #[arg(long, default_value_t = 11)]
        runs: usize,
    },
    /// Build the snapshot from the data directory's store once and print its figures as JSON (a step of `heat`).
    #[command(hide = true)]
    SnapshotBuild,
}

fn me() -> anyhow::Result<PathBuf> {
    std::env::current_exe().context("cannot find the chainscope executable")
}

fn run_child(args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new(me()?).args(args).output().context("cannot start chainscope")?;
    if !out.status.success() {
        bail!("chainscope {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

pub fn run(data_dir: &Path, which: Which) -> anyhow::Result<()> {
    match which {
        Which::Import { enterprises, seed, runs } => import(data_dir, enterprises, seed, runs),
        Which::Heat { enterprises, seed, runs, build_runs, duckdb, no_duckdb } => {
            let python = (!no_duckdb).then_some(duckdb.as_str());
            bench_heat(data_dir, enterprises, seed, runs.max(1), build_runs.max(1), python)
        }
        Which::SnapshotBuild => snapshot_build(data_dir),
        Which::Leads { enterprises, seed, runs, dump } => bench_leads(data_dir, enterprises, seed, runs.max(1), dump.as_deref()),
        Which::Search { enterprises, seed, runs } => bench_search(data_dir, enterprises, seed, runs.max(1)),
    }
}

/// `bench search`: the header search's enterprise part (`Store::search_enterprises`, 12 hits as the API asks) on
/// texts chosen from the store itself, so that they are common, rare or absent whatever the seed.
fn bench_search(data_dir: &Path, enterprises: u64, seed: u64, runs: usize) -> anyhow::Result<()> {
    use chainscope_store::{EnterpriseStore, RecordStore};
    let dir = data_dir.join("bench");
    std::fs::create_dir_all(&dir)?;
    let path = heat_store(&dir, enterprises, seed)?.join(crate::app::STORE_FILE);
    let store = crate::app::open_store(&path)?;
    let n = store.counts()?.enterprises;
    // A whole name from the middle of the table: a rare long text (and, its first two characters, a short one).
    let middle = store.enterprises_by_id(&[(n / 2).max(1) as i64])?.into_iter().next().map(|(_, e)| e.name).unwrap_or_default();
    let first_two: String = middle.chars().take(2).collect();
    let cases: Vec<(&str, String)> = vec![
        ("whole name (rare, long)", middle.clone()),
        ("its first two characters", first_two),
        ("有限公司 (common, long)", "有限公司".into()),
        ("有限 (common, short)", "有限".into()),
        ("absent, long", "不存在的企业名称".into()),
        ("absent, short (every name read)", "zq".into()),
    ];
    println!("bench search: {n} enterprises, {runs} timed runs per text, 12 hits asked");
    for (label, q) in cases {
        let mut ms = Vec::with_capacity(runs);
        let mut hits = 0;
        for _ in 0..runs {
            let t = Instant::now();
            hits = store.search_enterprises(&q, 12)?.len();
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (lo, hi) = (ms.iter().copied().fold(f64::MAX, f64::min), ms.iter().copied().fold(0.0, f64::max));
        let mid = median(&mut ms);
        println!("  {label:<34} {q:<24} {hits:>3} hits  median {mid:>8.1} ms  (min {lo:.1}, max {hi:.1})");
    }
    Ok(())
}

fn bench_leads(data_dir: &Path, enterprises: u64, seed: u64, runs: usize, dump: Option<&Path>) -> anyhow::Result<()> {
    use chainscope_engine::targeting::{rank, Context, Query, Weights};
    let dir = data_dir.join("bench");
    std::fs::create_dir_all(&dir)?;
    let store = heat_store(&dir, enterprises, seed)?;
    let app = init::open(&store, true)?;
    let snap = crate::snapshot::build(&app)?;
    let t = Instant::now();
    let ctx = Context::new(&snap, &app.regions);
    let context_s = t.elapsed().as_secs_f64();
    println!(
        "bench leads: {} enterprises, {runs} timed runs per ranking; targeting context built once in {context_s:.2} s ({:.0} MiB of \
         per-candidate columns)",
        snap.len,
        ctx.column_bytes() as f64 / 1048576.0
    );
    let tax = app.taxonomy.clone();
    let biggest_chain = tax
        .chains
        .iter()
        .max_by_key(|c| tax.nodes_of_chain(&c.id).filter_map(|n| tax.node_idx(&n.id)).map(|i| snap.node_rows[i].len()).sum::<usize>());
    let mut cases: Vec<(String, chainscope_engine::HeatFilter)> = Vec::new();
    if let Some(c) = biggest_chain {
        cases.push((format!("chain {}", c.id), chainscope_engine::HeatFilter { chains: vec![c.id.clone()], ..Default::default() }));
        cases.push((
            format!("cluster {}", c.cluster),
            chainscope_engine::HeatFilter { clusters: vec![c.cluster.clone()], ..Default::default() },
        ));
    }
    cases.push((
        "every tier".into(),
        chainscope_engine::HeatFilter { tiers: tax.tiers.iter().map(|t| t.id.clone()).collect(), ..Default::default() },
    ));
    let mut every_tier_ms = f64::NAN;
    for (name, filter) in cases {
        let q = Query { filter, weights: Weights::GAP_FILLING, limit: 50, ..Default::default() };
        let mut ms = Vec::with_capacity(runs);
        let mut candidates = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let r = rank(&snap, &ctx, &q).map_err(|e| anyhow::anyhow!("{e}"))?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            candidates = r.candidates;
        }
        let (lo, hi) = (ms.iter().copied().fold(f64::MAX, f64::min), ms.iter().copied().fold(0.0, f64::max));
        let mid = median(&mut ms);
        println!("  {name:<28} {candidates:>10} candidates  median {mid:>8.1} ms  (min {lo:.1}, max {hi:.1})");
        if name == "every tier" {
            every_tier_ms = mid;
        }
    }
    println!("target: every tier median {every_tier_ms:.1} ms ≤ 200 ms {}", if every_tier_ms <= 200.0 { "met" } else { "MISSED" });
    if let Some(path) = dump {
        dump_leads(&snap, ctx, path)?;
    }
    Ok(())
}

/// `bench leads --dump`: the rankings of a fixed set of queries, one JSON line each, for comparing implementations:
/// every preset and some single-part weights, on a node, the biggest chain, its cluster and every tier, with and
/// without predicates, marked leads kept or not, a pipeline of every 997th row, and synthetic expansion evidence.
fn dump_leads(snap: &Snapshot, ctx: chainscope_engine::targeting::Context, path: &Path) -> anyhow::Result<()> {
    use chainscope_engine::targeting::{rank, Query, Weights};
    let t = Instant::now();
    let tax = &snap.taxonomy;
    let biggest_node = (0..tax.nodes.len()).max_by_key(|&i| (snap.node_rows[i].len(), std::cmp::Reverse(i)));
    let biggest_chain = tax
        .chains
        .iter()
        .max_by_key(|c| tax.nodes_of_chain(&c.id).filter_map(|n| tax.node_idx(&n.id)).map(|i| snap.node_rows[i].len()).sum::<usize>());
    let tiers: Vec<String> = tax.tiers.iter().map(|t| t.id.clone()).collect();
    let mut filters: Vec<(String, HeatFilter)> = Vec::new();
    if let Some(n) = biggest_node {
        filters.push((format!("node {}", tax.nodes[n].id), HeatFilter { nodes: vec![tax.nodes[n].id.clone()], ..Default::default() }));
    }
    if let Some(c) = biggest_chain {
        filters.push((format!("chain {}", c.id), HeatFilter { chains: vec![c.id.clone()], ..Default::default() }));
        filters.push((format!("cluster {}", c.cluster), HeatFilter { clusters: vec![c.cluster.clone()], ..Default::default() }));
        filters.push((
            format!("chain {} high_tech", c.id),
            HeatFilter { chains: vec![c.id.clone()], flags: vec!["high_tech".into()], ..Default::default() },
        ));
    }
    filters.push(("every tier".into(), HeatFilter { tiers: tiers.clone(), ..Default::default() }));
    filters.push((
        "every tier, 20-500 employees, founded from 2000".into(),
        HeatFilter { tiers, employees_min: Some(20), employees_max: Some(500), founded_from: Some(2000), ..Default::default() },
    ));
    let weights = [
        ("gap_filling", Weights::GAP_FILLING),
        ("strengthening", Weights::STRENGTHENING),
        ("big_anchors", Weights::BIG_ANCHORS),
        ("scale", Weights { gap: 0.0, supply: 0.0, related: 0.0, momentum: 0.0, scale: 1.0, affinity: 0.0 }),
        ("momentum+related", Weights { gap: 0.0, supply: 0.0, related: 2.0, momentum: 1.0, scale: 0.0, affinity: 0.0 }),
    ];
    let pipeline: rustc_hash::FxHashSet<u32> = (0..snap.len as u32).filter(|r| r % 997 == 3).collect();
    let expansions: rustc_hash::FxHashMap<u32, u32> = (0..snap.len as u32).filter(|r| r % 13 == 0).map(|r| (r, (r / 13) % 5)).collect();
    let contexts = [("no expansions", ctx.clone()), ("expansions", ctx.with_expansions(expansions))];
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?);
    let mut count = 0;
    for (cname, c) in &contexts {
        for (fi, (fname, filter)) in filters.iter().enumerate() {
            for (wi, (wname, w)) in weights.iter().enumerate() {
                let include_marked = (fi + wi) % 2 == 1;
                let limit = if fname == "every tier" && wi == 0 { 10_000 } else { 50 };
                let q = Query { filter: filter.clone(), weights: *w, in_pipeline: pipeline.clone(), include_marked, limit };
                let r = rank(snap, c, &q).map_err(|e| anyhow::anyhow!("{e}"))?;
                let name = format!("{cname} | {fname} | {wname} | include_marked {include_marked} | limit {limit}");
                serde_json::to_writer(&mut out, &serde_json::json!({"query": name, "ranking": r}))?;
                out.write_all(b"\n")?;
                count += 1;
            }
        }
    }
    out.flush()?;
    eprintln!("wrote {count} rankings to {} in {:.1} s", path.display(), t.elapsed().as_secs_f64());
    Ok(())
}

/// The generated file of `enterprises` enterprises (made once, then reused).
fn generated(dir: &Path, enterprises: u64, seed: u64) -> anyhow::Result<PathBuf> {
    let file = dir.join(format!("enterprises-{enterprises}-{seed}.csv"));
    if !file.exists() {
        eprintln!("generating {} …", file.display());
        let t = Instant::now();
        let part = dir.join(format!("enterprises-{enterprises}-{seed}.csv.part"));
        run_child(&[
            "--quiet",
            "--data-dir",
            &dir.join("gen-store").display().to_string(),
            "generate",
            "--enterprises",
            &enterprises.to_string(),
            "--seed",
            &seed.to_string(),
            "--out",
            &part.display().to_string(),
        ])?;
        std::fs::rename(&part, &file)?;
        eprintln!("generated in {:.1} s", t.elapsed().as_secs_f64());
    }
    Ok(file)
}

fn import(data_dir: &Path, enterprises: u64, seed: u64, runs: usize) -> anyhow::Result<()> {
    let dir = data_dir.join("bench");
    std::fs::create_dir_all(&dir)?;
    let file = generated(&dir, enterprises, seed)?;
    let gen_dir = dir.join("gen-store");
    let size = std::fs::metadata(&file)?.len();
    // Validation alone (read, parse, validate, locate, tag; nothing stored), to show where the time goes.
    let mut check_secs = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = Command::new(me()?)
            .args([
                "--quiet",
                "--data-dir",
                &gen_dir.display().to_string(),
                "check",
                "--kind",
                "enterprises",
                &file.display().to_string(),
                "--json",
            ])
            .output()
            .context("cannot start chainscope")?;
        if !out.status.success() {
            bail!("check failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        check_secs.push(t.elapsed().as_secs_f64());
    }
    let check_median = median(&mut check_secs);
    println!("validate only (no store): median {check_median:.2} s = {:.0} rows/s", enterprises as f64 / check_median);
    let (mut rates, mut secs, mut peaks) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs.max(1) {
        let store = dir.join(format!("import-store-{i}"));
        let _ = std::fs::remove_dir_all(&store);
        let store_s = store.display().to_string();
        run_child(&["--quiet", "--data-dir", &store_s, "init", "--empty"])?;
        let out =
            run_child(&["--quiet", "--data-dir", &store_s, "import", "--kind", "enterprises", &file.display().to_string(), "--json"])?;
        let v: serde_json::Value = serde_json::from_str(&out).context("import did not print JSON")?;
        let rate = v["rows_per_second"].as_f64().unwrap_or(0.0);
        let s = v["seconds"].as_f64().unwrap_or(0.0);
        let peak = v["peak_rss_mb"].as_f64().unwrap_or(0.0);
        println!("run {}: {} rows in {:.2} s = {:.0} rows/s, peak {:.0} MiB, inserted {}", i + 1, v["read"], s, rate, peak, v["inserted"]);
        rates.push(rate);
        secs.push(s);
        peaks.push(peak);
        let _ = std::fs::remove_dir_all(&store);
    }
    println!(
        "import {enterprises} enterprises ({:.0} MiB CSV): median {:.2} s, {:.0} rows/s, peak memory {:.0} MiB (target ≥ 300000 rows/s, < 1024 MiB)",
        size as f64 / 1048576.0,
        median(&mut secs),
        median(&mut rates),
        median(&mut peaks)
    );
    Ok(())
}

/// A data directory whose store holds the `enterprises` generated enterprises (imported once, then reused).
fn heat_store(dir: &Path, enterprises: u64, seed: u64) -> anyhow::Result<PathBuf> {
    let case = dir.join(format!("heat-{enterprises}-{seed}"));
    let store = case.join("store");
    let done = case.join("store.complete");
    if !done.exists() {
        let file = generated(dir, enterprises, seed)?;
        let _ = std::fs::remove_dir_all(&store);
        std::fs::create_dir_all(&store)?;
        let store_s = store.display().to_string();
        eprintln!("importing {} into {} …", file.display(), store.display());
        let t = Instant::now();
        run_child(&["--quiet", "--data-dir", &store_s, "init", "--empty"])?;
        run_child(&["--quiet", "--data-dir", &store_s, "import", "--kind", "enterprises", &file.display().to_string(), "--json"])?;
        eprintln!("imported in {:.1} s", t.elapsed().as_secs_f64());
        std::fs::write(&done, b"")?;
    }
    Ok(store)
}

/// `bench snapshot-build`: one snapshot build from the store, as JSON on stdout.
fn snapshot_build(data_dir: &Path) -> anyhow::Result<()> {
    let app = init::open(data_dir, true)?;
    let t = Instant::now();
    let snap = crate::snapshot::build(&app)?;
    let seconds = t.elapsed().as_secs_f64();
    let memberships: usize = snap.node_rows.iter().map(Vec::len).sum();
    println!(
        "{}",
        serde_json::json!({
            "enterprises": snap.len,
            "seconds": seconds,
            "column_bytes": snap.column_bytes(),
            "memberships": memberships,
            "peak_rss_mb": crate::import::peak_rss_mb(),
        })
    );
    Ok(())
}

/// Min, median and max of some timings.
#[derive(Clone, Copy)]
struct Spread {
    min: f64,
    median: f64,
    max: f64,
}

impl Spread {
    fn of(v: &mut [f64]) -> Self {
        let median = median(v);
        Self { min: v[0], median, max: v[v.len() - 1] }
    }

    fn from_json(v: &serde_json::Value) -> Option<Self> {
        Some(Self { min: v["min_ms"].as_f64()?, median: v["median_ms"].as_f64()?, max: v["max_ms"].as_f64()? })
    }

    fn ms(&self) -> String {
        format!("{:.2} / {:.2} / {:.2}", self.min, self.median, self.max)
    }
}

/// One benchmarked heat query.
struct Case {
    /// Short name, shared with the DuckDB script.
    name: &'static str,
    label: String,
    filter: HeatFilter,
    group: Grouping,
    /// The node indexes the filter stands for (for DuckDB).
    nodes: Option<Vec<usize>>,
}

fn cases(s: &Snapshot) -> Vec<Case> {
    let t = &s.taxonomy;
    let (node, rows) =
        s.node_rows.iter().enumerate().map(|(i, r)| (i, r.len())).max_by_key(|&(i, n)| (n, std::cmp::Reverse(i))).unwrap_or((0, 0));
    let mut out = Vec::new();
    let res7 = Grouping::H3(7);
    if let Some(n) = t.nodes.get(node) {
        out.push(Case {
            name: "node",
            label: format!("res 7, node {} ({rows} rows)", n.id),
            filter: HeatFilter { nodes: vec![n.id.clone()], ..Default::default() },
            group: res7,
            nodes: Some(vec![node]),
        });
    }
    out.push(Case { name: "unfiltered", label: "res 7, unfiltered".into(), filter: HeatFilter::default(), group: res7, nodes: None });
    if let Some(n) = t.nodes.get(node) {
        let chain_nodes: Vec<usize> = t.nodes_of_chain(&n.chain).filter_map(|m| t.node_idx(&m.id)).collect();
        out.push(Case {
            name: "chain",
            label: format!("res 7, chain {} ({} nodes)", n.chain, chain_nodes.len()),
            filter: HeatFilter { chains: vec![n.chain.clone()], ..Default::default() },
            group: res7,
            nodes: Some(chain_nodes),
        });
    }
    out.push(Case {
        name: "county",
        label: "county, unfiltered".into(),
        filter: HeatFilter::default(),
        group: Grouping::Admin(AdminLevel::County),
        nodes: None,
    });
    out
}

/// A warm-up call (whose result is returned), then `runs` timed calls in milliseconds.
fn time_heat(s: &Snapshot, c: &Case, runs: usize) -> anyhow::Result<(Vec<HeatCell>, Spread)> {
    let first = heat(s, &c.filter, c.group, Weight::Count)?;
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let r = heat(s, &c.filter, c.group, Weight::Count)?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(r);
    }
    Ok((first, Spread::of(&mut ms)))
}

/// The snapshot's columns as CSV files for DuckDB (written once, then reused).
fn export_for_duckdb(s: &Snapshot, dir: &Path) -> anyhow::Result<serde_json::Value> {
    let files = serde_json::json!({
        "enterprises": dir.join("enterprises.csv"),
        "memberships": dir.join("memberships.csv"),
        "regions": dir.join("regions.csv"),
    });
    // Reused only when made from these very columns.
    let h3_sum = s.h3.iter().fold(0u64, |a, &c| a.wrapping_mul(31).wrapping_add(c));
    let memberships: usize = s.node_rows.iter().map(Vec::len).sum();
    let fingerprint = format!("{} rows, {memberships} memberships, {} regions, cells {h3_sum:x}", s.len, s.regions.codes.len());
    let done = dir.join("export.complete");
    if std::fs::read_to_string(&done).ok().as_deref() == Some(fingerprint.as_str()) {
        return Ok(files);
    }
    let _ = std::fs::remove_file(&done);
    std::fs::create_dir_all(dir)?;
    let t = Instant::now();
    let create = |name: &str| -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
        let p = dir.join(name);
        Ok(std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&p).with_context(|| format!("cannot create {}", p.display()))?))
    };
    let mut w = create("enterprises.csv")?;
    writeln!(w, "rid,h3,region,revenue,employees,capital,founded,flags")?;
    for r in 0..s.len {
        // H3 indexes have the high bit 0, so the u64 cell fits DuckDB's BIGINT unchanged.
        write!(w, "{r},{},", s.h3[r] as i64)?;
        if s.region[r] != NO_REGION {
            write!(w, "{}", s.region[r])?;
        }
        writeln!(w, ",{},{},{},{},{}", s.revenue[r], s.employees[r], s.capital[r], s.founded[r], s.flags[r])?;
    }
    w.flush()?;
    let mut w = create("memberships.csv")?;
    writeln!(w, "node,rid")?;
    for (n, rows) in s.node_rows.iter().enumerate() {
        for r in rows {
            writeln!(w, "{n},{r}")?;
        }
    }
    w.flush()?;
    let mut w = csv::Writer::from_writer(create("regions.csv")?);
    w.write_record(["idx", "code", "county"])?;
    for (i, code) in s.regions.codes.iter().enumerate() {
        let county = s.regions.at(i as u32, AdminLevel::County).map(|c| c.to_string()).unwrap_or_default();
        w.write_record([i.to_string().as_str(), code, &county])?;
    }
    w.flush()?;
    std::fs::write(&done, fingerprint)?;
    eprintln!("exported the snapshot for DuckDB in {:.1} s", t.elapsed().as_secs_f64());
    Ok(files)
}

/// Run the DuckDB script (written out next to its data) with `arg`; its standard output.
fn run_duckdb(python: &str, case_dir: &Path, arg: &Path) -> anyhow::Result<Vec<u8>> {
    let script = case_dir.join("heat_duckdb.py");
    std::fs::write(&script, HEAT_DUCKDB_PY)?;
    let out = Command::new(python).arg(&script).arg(arg).output().with_context(|| format!("cannot start {python}"))?;
    if !out.status.success() {
        bail!("the DuckDB comparison failed:\n{}", String::from_utf8_lossy(&out.stderr).trim_end());
    }
    Ok(out.stdout)
}

/// Snapshot builds from the store, each in a fresh process so that its peak memory is its own.
struct Builds {
    seconds: Spread,
    /// Median wall time of the whole process.
    process: f64,
    peak_mib: f64,
    bytes_per_enterprise: f64,
    column_mib: f64,
    memberships_per_enterprise: f64,
}

fn measure_builds(store: &str, runs: usize) -> anyhow::Result<Builds> {
    let (mut secs, mut walls, mut peaks) = (Vec::new(), Vec::new(), Vec::new());
    let mut last = serde_json::Value::Null;
    for _ in 0..runs {
        let t = Instant::now();
        let out = run_child(&["--quiet", "--data-dir", store, "bench", "snapshot-build"])?;
        walls.push(t.elapsed().as_secs_f64());
        let v: serde_json::Value = serde_json::from_str(&out).context("snapshot-build did not print JSON")?;
        secs.push(v["seconds"].as_f64().unwrap_or(f64::NAN));
        peaks.push(v["peak_rss_mb"].as_f64().unwrap_or(f64::NAN));
        last = v;
    }
    let len = last["enterprises"].as_f64().unwrap_or(0.0).max(1.0);
    let bytes = last["column_bytes"].as_f64().unwrap_or(0.0);
    Ok(Builds {
        seconds: Spread::of(&mut secs),
        process: median(&mut walls),
        peak_mib: median(&mut peaks),
        bytes_per_enterprise: bytes / len,
        column_mib: bytes / 1048576.0,
        memberships_per_enterprise: last["memberships"].as_f64().unwrap_or(0.0) / len,
    })
}

/// The same queries in DuckDB: export the columns, hand the script Chainscope's results to check, read its timings.
fn compare_with_duckdb(
    python: &str,
    case_dir: &Path,
    snap: &Snapshot,
    cases: &[Case],
    results: &[(Vec<HeatCell>, Spread)],
    runs: usize,
) -> anyhow::Result<serde_json::Value> {
    let files = export_for_duckdb(snap, &case_dir.join("columns"))?;
    let queries: Vec<serde_json::Value> = cases
        .iter()
        .zip(results)
        .map(|(c, (cells, _))| {
            let expected: serde_json::Map<String, serde_json::Value> = cells.iter().map(|h| (h.key.clone(), h.count.into())).collect();
            let (group, res) = match c.group {
                Grouping::H3(res) => ("h3", res),
                Grouping::Admin(_) => ("county", 0),
            };
            serde_json::json!({"name": c.name, "group": group, "res": res, "nodes": c.nodes, "expected": expected})
        })
        .collect();
    let spec = serde_json::json!({"runs": runs, "files": files, "queries": queries});
    let spec_file = case_dir.join("heat_duckdb_spec.json");
    std::fs::write(&spec_file, serde_json::to_vec(&spec)?)?;
    eprintln!("running the same queries in DuckDB ({python}) …");
    let out = run_duckdb(python, case_dir, &spec_file)?;
    serde_json::from_slice(&out).context("the DuckDB script did not print JSON")
}

fn print_queries(cases: &[Case], results: &[(Vec<HeatCell>, Spread)], peer: Option<&serde_json::Value>) {
    let width = cases.iter().map(|c| c.label.chars().count()).max().unwrap_or(0) + 5;
    let title = "heat query (ms: min / median / max)";
    match peer {
        Some(p) => println!(
            "{title:<width$}  {:>24}  {:>24}  duckdb/chainscope (medians)",
            "chainscope (≤ 2 threads)",
            format!("duckdb {} ({} threads)", p["duckdb"].as_str().unwrap_or("?"), p["threads"]),
        ),
        None => println!("{title:<width$}  {:>24}", "chainscope (≤ 2 threads)"),
    }
    for (c, (cells, ours)) in cases.iter().zip(results) {
        let mut line = format!("heat {:<w$}  {:>24}", c.label, ours.ms(), w = width - 5);
        if let Some(d) = peer.and_then(|p| Spread::from_json(&p["queries"][c.name])) {
            line += &format!("  {:>24}  ratio {:.1}x", d.ms(), d.median / ours.median);
        }
        println!("{line}  [{} groups]", cells.len());
    }
}

fn bench_heat(data_dir: &Path, enterprises: u64, seed: u64, runs: usize, build_runs: usize, python: Option<&str>) -> anyhow::Result<()> {
    let dir = data_dir.join("bench");
    std::fs::create_dir_all(&dir)?;
    let store = heat_store(&dir, enterprises, seed)?;
    let case_dir = dir.join(format!("heat-{enterprises}-{seed}"));
    if let Some(py) = python {
        // Fail now, not after the measurements, when the peer cannot run.
        run_duckdb(py, &case_dir, Path::new("--check"))?;
    }
    let b = measure_builds(&store.display().to_string(), build_runs)?;

    let app = init::open(&store, true)?;
    let t = Instant::now();
    let snap = crate::snapshot::build(&app)?;
    let in_process = t.elapsed().as_secs_f64();
    drop(app);
    let processors = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("bench heat: {} enterprises (generated, seed {seed}), {runs} timed runs per query, {processors} processors", snap.len);
    println!(
        "snapshot build: median {:.2} s (min {:.2}, max {:.2}; {build_runs} processes, whole process {:.2} s; again in this process \
         {in_process:.2} s), {:.1} bytes/enterprise ({:.0} MiB columns, {:.2} memberships/enterprise), peak RSS {:.0} MiB",
        b.seconds.median,
        b.seconds.min,
        b.seconds.max,
        b.process,
        b.bytes_per_enterprise,
        b.column_mib,
        b.memberships_per_enterprise,
        b.peak_mib,
    );

    let cases = cases(&snap);
    let results = cases.iter().map(|c| time_heat(&snap, c, runs)).collect::<anyhow::Result<Vec<_>>>()?;
    let peer = python.map(|py| compare_with_duckdb(py, &case_dir, &snap, &cases, &results, runs)).transpose()?;
    drop(snap);
    print_queries(&cases, &results, peer.as_ref());

    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let median_of = |name: &str| cases.iter().zip(&results).find(|(c, _)| c.name == name).map_or(f64::NAN, |(_, r)| r.1.median);
    let (node_ms, all_ms, bytes, build) = (median_of("node"), median_of("unfiltered"), b.bytes_per_enterprise, b.seconds.median);
    println!(
        "targets: one-node res 7 median {node_ms:.2} ms ≤ 10 ms {}; unfiltered res 7 median {all_ms:.2} ms ≤ 50 ms {}; \
         snapshot {bytes:.1} ≤ 64 bytes/enterprise {}; build median {build:.2} s ≤ 10 s {}",
        verdict(node_ms <= 10.0),
        verdict(all_ms <= 50.0),
        verdict(bytes <= 64.0),
        verdict(build <= 10.0)
    );
    if peer.is_some() {
        println!("DuckDB answered every query with the same cells and counts as Chainscope");
    }
    Ok(())
}
