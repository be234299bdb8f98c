//! Import and check: read a file, validate every row, write the valid ones in one transaction (or none, in strict
//! mode), report what happened, and write rejected rows with their reasons to a reject file.

use crate::app::App;
use anyhow::Context;
use chainscope_io::records::{self, RowCheck};
use chainscope_io::{enterprise_from_row, EnterpriseContext, HeaderMap, RowIssue, Table, ENTERPRISE_COLUMNS};
use chainscope_model::Enterprise;
use chainscope_store::{Store, WriteCounts};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Enterprises,
    Parks,
    Hubs,
    Regions,
    Projects,
    Events,
    Targets,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enterprises => "enterprises",
            Self::Parks => "parks",
            Self::Hubs => "hubs",
            Self::Regions => "regions",
            Self::Projects => "projects",
            Self::Events => "events",
            Self::Targets => "targets",
        }
    }
}

/// Where rows come from.
pub enum Input<'a> {
    File { path: &'a Path, sheet: Option<&'a str> },
    Text { name: &'a str, text: &'a str },
}

impl Input<'_> {
    fn name(&self) -> String {
        match self {
            Input::File { path, .. } => path.display().to_string(),
            Input::Text { name, .. } => format!("(embedded) {name}"),
        }
    }
    fn size(&self) -> u64 {
        match self {
            Input::File { path, .. } => std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            Input::Text { text, .. } => text.len() as u64,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Store the valid rows and report the rest; otherwise any rejected row cancels the whole import.
    pub skip_invalid: bool,
    /// Validate only; write nothing.
    pub check_only: bool,
    pub rejects: Option<PathBuf>,
    pub progress: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RejectedRow {
    pub line: u64,
    pub issues: Vec<RowIssue>,
    #[serde(skip)]
    pub cells: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub kind: Kind,
    pub file: String,
    pub encoding: Option<String>,
    pub read: u64,
    pub valid: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected_count: u64,
    pub committed: bool,
    pub unknown_columns: Vec<String>,
    pub warnings: Vec<RowIssue>,
    pub rejected: Vec<RejectedRow>,
    pub rejects_file: Option<String>,
    pub seconds: f64,
    pub rows_per_second: f64,
    pub peak_rss_mb: Option<f64>,
    #[serde(skip)]
    pub headers: Vec<String>,
}

/// Peak resident memory of this process (Linux), in MiB.
pub fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn open_table(input: &Input<'_>) -> anyhow::Result<Table> {
    Ok(match input {
        Input::File { path, sheet } => Table::open(path, *sheet)?,
        Input::Text { text, .. } => Table::from_csv_reader(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())), false)?,
    })
}

/// Import (or check) one file of one kind.
pub fn run(app: &mut App, kind: Kind, input: Input<'_>, opts: &Options) -> anyhow::Result<Report> {
    let started = Instant::now();
    let mut report = match kind {
        Kind::Enterprises => import_enterprises(app, &input, opts)?,
        _ => import_small(app, kind, &input, opts)?,
    };
    report.seconds = started.elapsed().as_secs_f64();
    report.rows_per_second = if report.seconds > 0.0 { report.read as f64 / report.seconds } else { 0.0 };
    report.peak_rss_mb = peak_rss_mb();
    if !report.rejected.is_empty() && !opts.check_only {
        let path = opts.rejects.clone().unwrap_or_else(|| default_rejects_path(&input));
        // The import itself has already been decided; a reject file that cannot be written is reported, not fatal.
        match write_rejects(&path, &report) {
            Ok(()) => report.rejects_file = Some(path.display().to_string()),
            Err(e) => eprintln!("warning: {e:#}"),
        }
    }
    if report.committed && !opts.check_only {
        app.store.log_import(
            kind.as_str(),
            &report.file,
            report.read,
            WriteCounts { inserted: report.inserted, updated: report.updated, unchanged: report.unchanged },
            report.rejected_count,
        )?;
    }
    Ok(report)
}

fn default_rejects_path(input: &Input<'_>) -> PathBuf {
    match input {
        Input::File { path, .. } => {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("import");
            path.with_file_name(format!("{stem}.rejects.csv"))
        }
        Input::Text { name, .. } => std::env::temp_dir().join(format!("{name}.rejects.csv")),
    }
}

fn write_rejects(path: &Path, report: &Report) -> anyhow::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot write the reject file {}", path.display()))?;
    let mut header = vec!["_line".to_string(), "_field".into(), "_code".into(), "_message".into()];
    header.extend(report.headers.iter().cloned());
    w.write_record(&header)?;
    for r in &report.rejected {
        let join = |f: fn(&RowIssue) -> &str| r.issues.iter().map(f).collect::<Vec<_>>().join(" | ");
        let mut rec = vec![r.line.to_string(), join(|i| &i.field), join(|i| &i.code), join(|i| &i.message)];
        rec.extend(r.cells.iter().map(|c| chainscope_model::values::neutralise_formula(c).into_owned()));
        // Short rows (truncated lines, rows unreadable as text) are padded to the header's width.
        rec.resize(header.len().max(rec.len()), String::new());
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

fn progress_bar(opts: &Options, total: u64) -> Option<indicatif::ProgressBar> {
    if !opts.progress || total < 4 << 20 {
        return None;
    }
    let pb = indicatif::ProgressBar::new(total);
    pb.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {bytes}/{total_bytes} ({eta}) {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(pb)
}

const BATCH: usize = 4096;
const CHUNK: usize = 1024;

/// Rows read from the file, numbered so that the sequencer can restore their order.
struct Chunk {
    seq: u64,
    rows: Vec<Result<chainscope_io::RawRow, RowIssue>>,
    bytes: u64,
}

/// One row after validation. Valid rows are the common case: boxing them to shrink the rare rejected variant
/// would cost an allocation per row.
#[allow(clippy::large_enum_variant)]
enum Outcome {
    Valid { enterprise: Enterprise, warnings: Vec<RowIssue>, line: u64, cells: chainscope_io::table::Cells },
    Rejected(RejectedRow),
}

struct Parsed {
    seq: u64,
    outcomes: Vec<Outcome>,
    bytes: u64,
}

/// What the sequencer counted, in file order.
struct Sequenced {
    read: u64,
    valid: u64,
    warnings: Vec<RowIssue>,
    rejected: Vec<RejectedRow>,
}

fn parse_row(ctx: &EnterpriseContext<'_>, map: &HeaderMap, row: Result<chainscope_io::RawRow, RowIssue>) -> Outcome {
    let row = match row {
        Ok(r) => r,
        Err(issue) => return Outcome::Rejected(RejectedRow { line: issue.line, issues: vec![issue], cells: vec![] }),
    };
    let mut warnings = Vec::new();
    match enterprise_from_row(ctx, map, &row.cells, row.line, &mut warnings) {
        Ok(enterprise) => Outcome::Valid { enterprise, warnings, line: row.line, cells: row.cells },
        Err(issues) => Outcome::Rejected(RejectedRow { line: row.line, issues, cells: cells_vec(&row.cells) }),
    }
}

fn import_enterprises(app: &mut App, input: &Input<'_>, opts: &Options) -> anyhow::Result<Report> {
    let mut table = open_table(input)?;
    let map = HeaderMap::new(&table.headers, ENTERPRISE_COLUMNS);
    if !map.has("name") {
        return Err(chainscope_io::IoError::MissingColumn("name".into(), "name, 企业名称, 公司名称".into()).into());
    }
    let mut report = Report {
        kind: Kind::Enterprises,
        file: input.name(),
        encoding: table.encoding.map(|e| e.as_str().to_string()),
        read: 0,
        valid: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejected_count: 0,
        committed: false,
        unknown_columns: map.unknown.clone(),
        warnings: Vec::new(),
        rejected: Vec::new(),
        rejects_file: None,
        seconds: 0.0,
        rows_per_second: 0.0,
        peak_rss_mb: None,
        headers: table.headers.clone(),
    };
    let regions = app.regions.clone();
    let taxonomy = app.taxonomy.clone();
    let home = app.home_region.clone();
    let failed = Arc::new(AtomicBool::new(false));
    let bytes = Arc::new(AtomicU64::new(0));
    let strict = !opts.skip_invalid;
    let size_hint = input.size();
    let pb = progress_bar(opts, size_hint);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Enterprise>>(8);
    // Rows travel reader → parse workers → sequencer (restores file order, finds in-file duplicates) → writer.
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Chunk>(4);
    let work_rx = std::sync::Mutex::new(work_rx);
    let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Parsed>(8);
    // One core stays with the writer.
    let workers = std::thread::available_parallelism().map(|n| n.get().saturating_sub(1)).unwrap_or(1).clamp(1, 4);

    let parsed = std::thread::scope(|scope| -> anyhow::Result<(Sequenced, Option<WriteCounts>)> {
        let spawn_err = |e: std::io::Error| anyhow::anyhow!("cannot start a thread: {e}");
        std::thread::Builder::new()
            .name("cs-read".into())
            .spawn_scoped(scope, move || {
                let mut seq = 0u64;
                let mut rows = Vec::with_capacity(CHUNK);
                while let Some(row) = table.next_row() {
                    rows.push(row);
                    if rows.len() == CHUNK {
                        let chunk = Chunk { seq, rows: std::mem::replace(&mut rows, Vec::with_capacity(CHUNK)), bytes: table.bytes_read() };
                        if work_tx.send(chunk).is_err() {
                            return;
                        }
                        seq += 1;
                    }
                }
                if !rows.is_empty() {
                    let _ = work_tx.send(Chunk { seq, rows, bytes: table.bytes_read() });
                }
            })
            .map_err(spawn_err)?;
        for i in 0..workers {
            let (work_rx, done_tx, map, regions, taxonomy, home) = (&work_rx, done_tx.clone(), &map, &regions, &taxonomy, &home);
            std::thread::Builder::new()
                .name(format!("cs-parse-{i}"))
                .spawn_scoped(scope, move || {
                    let ctx = EnterpriseContext { regions, taxonomy, home_region: home };
                    loop {
                        let job = match work_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok(chunk) = job else { return };
                        let outcomes = chunk.rows.into_iter().map(|r| parse_row(&ctx, map, r)).collect();
                        if done_tx.send(Parsed { seq: chunk.seq, outcomes, bytes: chunk.bytes }).is_err() {
                            return;
                        }
                    }
                })
                .map_err(spawn_err)?;
        }
        drop(done_tx);
        let failed_p = failed.clone();
        let bytes_p = bytes.clone();
        let sequencer = std::thread::Builder::new()
            .name("cs-seq".into())
            .spawn_scoped(scope, move || {
                let mut out = Sequenced { read: 0, valid: 0, warnings: Vec::new(), rejected: Vec::new() };
                // About 300 bytes a row: reserve once instead of rehashing a growing set.
                let mut seen = IdSet::with_capacity((size_hint / 300) as usize * 3);
                let mut pending: std::collections::BTreeMap<u64, Parsed> = std::collections::BTreeMap::new();
                let mut next = 0u64;
                let mut batch = Vec::with_capacity(BATCH);
                let mut writer_gone = false;
                for done in done_rx.iter() {
                    pending.insert(done.seq, done);
                    while let Some(p) = pending.remove(&next) {
                        next += 1;
                        bytes_p.store(p.bytes, Ordering::Relaxed);
                        for o in p.outcomes {
                            out.read += 1;
                            match o {
                                Outcome::Rejected(r) => {
                                    out.rejected.push(r);
                                    failed_p.store(strict, Ordering::Relaxed);
                                }
                                Outcome::Valid { enterprise: e, warnings, line, cells } => {
                                    let ids = [
                                        ("uscc", e.uscc.as_deref().map(|u| IdSet::key(b'u', u))),
                                        ("lei", e.lei.as_deref().map(|l| IdSet::key(b'l', l))),
                                        ("ext_id", e.ext_id.as_deref().map(|x| IdSet::key(b'x', x))),
                                        ("name", Some(IdSet::key(b'k', &e.key))),
                                    ];
                                    if let Some(field) = ids.iter().find_map(|(f, k)| k.filter(|k| seen.contains(k)).map(|_| *f)) {
                                        let issue = RowIssue::new(
                                            line,
                                            field,
                                            "duplicate_in_file",
                                            format!("this {field} already appeared on an earlier row of the file"),
                                        );
                                        out.rejected.push(RejectedRow { line, issues: vec![issue], cells: cells_vec(&cells) });
                                        failed_p.store(strict, Ordering::Relaxed);
                                        continue;
                                    }
                                    for k in ids.into_iter().filter_map(|(_, k)| k) {
                                        seen.insert(k);
                                    }
                                    out.valid += 1;
                                    out.warnings.extend(warnings);
                                    let keep = !(strict && failed_p.load(Ordering::Relaxed));
                                    if keep && !writer_gone {
                                        batch.push(e);
                                        if batch.len() == BATCH
                                            && tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err()
                                        {
                                            writer_gone = true;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                let keep = !(strict && failed_p.load(Ordering::Relaxed));
                if keep && !batch.is_empty() && !writer_gone {
                    let _ = tx.send(batch);
                }
                drop(tx);
                out
            })
            .map_err(spawn_err)?;

        let counts = if opts.check_only {
            for _ in rx.iter() {}
            None
        } else {
            let rows = rx.iter().inspect(|_| {
                if let Some(pb) = &pb {
                    pb.set_position(bytes.load(Ordering::Relaxed));
                }
            });
            let mut flat = Batches { inner: rows, current: Vec::new().into_iter(), stop: &failed, strict };
            let failed_c = failed.clone();
            let res = app.store.import_enterprises(&mut flat, &move || !failed_c.load(Ordering::Relaxed));
            // Drain so the producer can finish reporting every row, then join it.
            for _ in rx.iter() {}
            res?
        };
        let parsed = sequencer.join().map_err(|_| anyhow::anyhow!("the import's sequencing thread panicked"))?;
        Ok((parsed, counts))
    })?;
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    let (p, counts) = parsed;
    report.read = p.read;
    report.valid = p.valid;
    report.warnings = p.warnings;
    report.rejected_count = p.rejected.len() as u64;
    report.rejected = p.rejected;
    if let Some(c) = counts {
        report.inserted = c.inserted;
        report.updated = c.updated;
        report.unchanged = c.unchanged;
        report.committed = true;
    }
    if report.committed && (report.inserted + report.updated) > 0 {
        app.mark_changed()?;
    }
    Ok(report)
}

fn import_small(app: &mut App, kind: Kind, input: &Input<'_>, opts: &Options) -> anyhow::Result<Report> {
    let columns: &[&'static str] = match kind {
        Kind::Parks => records::PARK_COLUMNS,
        Kind::Hubs => records::HUB_COLUMNS,
        Kind::Regions => records::REGION_COLUMNS,
        Kind::Projects => records::PROJECT_COLUMNS,
        Kind::Events => records::EVENT_COLUMNS,
        Kind::Targets => records::TARGET_COLUMNS,
        Kind::Enterprises => unreachable_kind()?,
    };
    // GeoJSON for parks and zones.
    let (headers, rows, boundaries, encoding) = match input {
        Input::File { path, .. } if chainscope_io::table::file_kind(path)? == chainscope_io::table::FileKind::GeoJson => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let f = chainscope_io::geo::features_as_rows(&text, columns)?;
            (f.headers, f.rows.into_iter().map(Ok).collect::<Vec<_>>(), f.boundaries, Some("GeoJSON".to_string()))
        }
        _ => {
            let mut t = open_table(input)?;
            let mut rows = Vec::new();
            while let Some(r) = t.next_row() {
                rows.push(r);
            }
            let n = rows.len();
            (t.headers.clone(), rows, vec![None; n], t.encoding.map(|e| e.as_str().to_string()))
        }
    };
    let map = HeaderMap::canonical(&headers, columns);
    let required = match kind {
        Kind::Targets => "year",
        Kind::Regions => "code",
        _ => "id",
    };
    if !map.has(required) {
        return Err(chainscope_io::IoError::MissingColumn(required.into(), columns.join(", ")).into());
    }
    let mut report = Report {
        kind,
        file: input.name(),
        encoding,
        read: rows.len() as u64,
        valid: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejected_count: 0,
        committed: false,
        unknown_columns: map.unknown.clone(),
        warnings: Vec::new(),
        rejected: Vec::new(),
        rejects_file: None,
        seconds: 0.0,
        rows_per_second: 0.0,
        peak_rss_mb: None,
        headers: headers.clone(),
    };
    let mut parks = Vec::new();
    let mut hubs = Vec::new();
    let mut regions = Vec::new();
    let mut projects = Vec::new();
    let mut events = Vec::new();
    let mut targets = Vec::new();
    let mut seen = HashSet::new();
    let mut registry = (*app.regions).clone();
    for (row, boundary) in rows.into_iter().zip(boundaries) {
        let row = match row {
            Ok(r) => r,
            Err(issue) => {
                report.rejected.push(RejectedRow { line: issue.line, issues: vec![issue], cells: vec![] });
                continue;
            }
        };
        let cells = cells_vec(&row.cells);
        let mut c = RowCheck::new(row.line, &map, &row.cells);
        let id_field = match kind {
            Kind::Targets => None,
            Kind::Regions => Some("code"),
            _ => Some("id"),
        };
        let key = match kind {
            Kind::Targets => format!("{}|{}|{}|{}", c.get("year"), c.get("scope"), c.get("key"), c.get("metric")),
            _ => c.get(id_field.unwrap_or("id")).to_string(),
        };
        if !key.is_empty() && !seen.insert(key) {
            c.errors.push(RowIssue::new(
                row.line,
                id_field.unwrap_or("key"),
                "duplicate_in_file",
                "this id already appeared on an earlier row of the file",
            ));
        }
        match kind {
            Kind::Parks => {
                if let Some(mut p) = records::park_from_row(&mut c, &app.regions, &app.taxonomy) {
                    p.boundary = boundary;
                    push(&mut report, c, p, &mut parks, cells);
                }
            }
            Kind::Hubs => {
                if let Some(h) = records::hub_from_row(&mut c, &app.regions) {
                    push(&mut report, c, h, &mut hubs, cells);
                }
            }
            Kind::Regions => {
                if let Some(r) = records::region_from_row(&mut c, &registry) {
                    if c.errors.is_empty() {
                        registry.insert(r.clone());
                    }
                    push(&mut report, c, r, &mut regions, cells);
                }
            }
            Kind::Projects => {
                if let Some(p) = records::project_from_row(&mut c, &app.regions, &app.taxonomy) {
                    push(&mut report, c, p, &mut projects, cells);
                }
            }
            Kind::Events => {
                if let Some(e) = records::event_from_row(&mut c, &app.regions) {
                    push(&mut report, c, e, &mut events, cells);
                }
            }
            Kind::Targets => {
                if let Some(t) = records::target_from_row(&mut c) {
                    push(&mut report, c, t, &mut targets, cells);
                }
            }
            Kind::Enterprises => {}
        }
    }
    report.rejected_count = report.rejected.len() as u64;
    if opts.check_only || (report.rejected_count > 0 && !opts.skip_invalid) {
        return Ok(report);
    }
    let counts = match kind {
        Kind::Parks => app.store.upsert_parks(&parks)?,
        Kind::Hubs => app.store.upsert_hubs(&hubs)?,
        Kind::Regions => app.store.upsert_regions(&regions)?,
        Kind::Projects => app.store.upsert_projects(&projects)?,
        Kind::Events => app.store.upsert_events(&events)?,
        Kind::Targets => app.store.upsert_targets(&targets)?,
        Kind::Enterprises => WriteCounts::default(),
    };
    report.inserted = counts.inserted;
    report.updated = counts.updated;
    report.unchanged = counts.unchanged;
    report.committed = true;
    if kind == Kind::Regions {
        app.regions = Arc::new(registry);
    }
    if counts.inserted + counts.updated > 0 {
        app.mark_changed()?;
    }
    Ok(report)
}

fn cells_vec(c: &chainscope_io::table::Cells) -> Vec<String> {
    c.iter().map(str::to_string).collect()
}

/// Identifiers seen earlier in one file, kept as 128-bit fingerprints (two independent 64-bit hashes of a tag
/// byte and the id) so that a million rows cost no string allocations; a false match is ~1e-26 likely.
#[derive(Default)]
struct IdSet(rustc_hash::FxHashSet<(u64, u64)>);

impl IdSet {
    fn key(tag: u8, id: &str) -> (u64, u64) {
        use std::hash::{BuildHasher, Hasher};
        let mut a = std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().build_hasher();
        a.write_u8(tag);
        a.write(id.as_bytes());
        let mut b = rustc_hash::FxHasher::default();
        b.write_u8(tag);
        b.write(id.as_bytes());
        b.write_u8(0xff);
        (a.finish(), b.finish())
    }
    fn with_capacity(n: usize) -> Self {
        Self(rustc_hash::FxHashSet::with_capacity_and_hasher(n.min(1 << 26), Default::default()))
    }
    fn contains(&self, k: &(u64, u64)) -> bool {
        self.0.contains(k)
    }
    fn insert(&mut self, k: (u64, u64)) {
        self.0.insert(k);
    }
}

/// Flattens batches from the parser, stopping early in strict mode once a row was rejected.
struct Batches<'a, I: Iterator<Item = Vec<Enterprise>>> {
    inner: I,
    current: std::vec::IntoIter<Enterprise>,
    stop: &'a AtomicBool,
    strict: bool,
}

impl<I: Iterator<Item = Vec<Enterprise>>> Iterator for Batches<'_, I> {
    type Item = Enterprise;
    fn next(&mut self) -> Option<Enterprise> {
        loop {
            if self.strict && self.stop.load(Ordering::Relaxed) {
                return None;
            }
            if let Some(e) = self.current.next() {
                return Some(e);
            }
            self.current = self.inner.next()?.into_iter();
        }
    }
}

fn unreachable_kind() -> anyhow::Result<&'static [&'static str]> {
    Err(anyhow::anyhow!("enterprises are imported by the streaming importer"))
}

fn push<T>(report: &mut Report, c: RowCheck<'_>, v: T, out: &mut Vec<T>, cells: Vec<String>) {
    let line = c.line;
    match c.finish(v) {
        Ok(v) => {
            report.valid += 1;
            out.push(v);
        }
        Err(issues) => report.rejected.push(RejectedRow { line, issues, cells }),
    }
}

/// Human summary on stderr.
pub fn print_summary(r: &Report) {
    let verb = if r.committed { "imported" } else { "checked" };
    eprintln!(
        "{} {}: read {}, inserted {}, updated {}, unchanged {}, rejected {} ({} warnings) in {:.2} s ({:.0} rows/s){}",
        verb,
        r.file,
        r.read,
        r.inserted,
        r.updated,
        r.unchanged,
        r.rejected_count,
        r.warnings.len(),
        r.seconds,
        r.rows_per_second,
        r.encoding.as_deref().map(|e| format!(", encoding {e}")).unwrap_or_default()
    );
    eprintln!("导入汇总：读取 {}，新增 {}，更新 {}，未变 {}，拒绝 {}", r.read, r.inserted, r.updated, r.unchanged, r.rejected_count);
    if !r.unknown_columns.is_empty() {
        eprintln!("note: ignored columns: {}", r.unknown_columns.join(", "));
    }
    for rej in r.rejected.iter().take(20) {
        for i in &rej.issues {
            eprintln!("  line {}: {} [{}] {}", i.line, if i.field.is_empty() { "(row)" } else { &i.field }, i.code, i.message);
        }
    }
    if r.rejected.len() > 20 {
        eprintln!("  … and {} more rejected rows", r.rejected.len() - 20);
    }
    if let Some(f) = &r.rejects_file {
        eprintln!("rejected rows written to {f}");
    }
    if !r.committed && r.rejected_count > 0 {
        eprintln!("nothing was written: fix the rows above, or re-run with --skip-invalid to store the valid rows");
    }
}
