//! The streaming enterprise importer: reader → parse workers → sequencer → SQLite writer.

use super::{cells_vec, open_table, progress_bar, Input, Kind, Options, RejectedRow, Report};
use crate::app::App;
use chainscope_io::{enterprise_from_row, EnterpriseContext, HeaderMap, RowIssue, ENTERPRISE_COLUMNS};
use chainscope_model::enterprise::Fingerprinted;
use chainscope_store::{EnterpriseStore, WriteCounts};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

const BATCH: usize = 4096;
const CHUNK: usize = 1024;

/// Rows read from the file, numbered so that the sequencer can restore their order.
struct Chunk {
    seq: u64,
    rows: Vec<Result<chainscope_io::RawRow, RowIssue>>,
    bytes: u64,
}

/// One row after validation, fingerprinted for the store (hashing here keeps that work off the single writer).
/// Valid rows are the common case: boxing them to shrink the rare rejected variant would cost an allocation per row.
#[allow(clippy::large_enum_variant)]
enum Outcome {
    Valid { enterprise: Fingerprinted, warnings: Vec<RowIssue>, line: u64, cells: chainscope_io::table::Cells },
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
        Ok(enterprise) => Outcome::Valid { enterprise: Fingerprinted::new(enterprise), warnings, line: row.line, cells: row.cells },
        Err(issues) => Outcome::Rejected(RejectedRow { line: row.line, issues, cells: cells_vec(&row.cells) }),
    }
}

pub(super) fn import(app: &mut App, input: &Input<'_>, opts: &Options) -> anyhow::Result<Report> {
    let mut table = open_table(input)?;
    let map = HeaderMap::new(&table.headers, ENTERPRISE_COLUMNS);
    if !map.has("name") {
        return Err(chainscope_io::IoError::MissingColumn("name".into(), "name, 企业名称, 公司名称".into()).into());
    }
    let mut report = Report::new(
        Kind::Enterprises,
        input.name(),
        table.encoding.map(|e| e.as_str().to_string()),
        map.unknown.clone(),
        table.headers.clone(),
    );
    let regions = app.regions.clone();
    let taxonomy = app.taxonomy.clone();
    let home = app.home_region.clone();
    let failed = Arc::new(AtomicBool::new(false));
    let bytes = Arc::new(AtomicU64::new(0));
    let strict = !opts.skip_invalid;
    let size_hint = input.size();
    let pb = progress_bar(opts, size_hint);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Fingerprinted>>(8);
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
                                Outcome::Valid { enterprise: f, warnings, line, cells } => {
                                    let e = f.enterprise();
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
                                        batch.push(f);
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
            let res = app.store.import_fingerprinted(&mut flat, &move || !failed_c.load(Ordering::Relaxed));
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
struct Batches<'a, I: Iterator<Item = Vec<Fingerprinted>>> {
    inner: I,
    current: std::vec::IntoIter<Fingerprinted>,
    stop: &'a AtomicBool,
    strict: bool,
}

impl<I: Iterator<Item = Vec<Fingerprinted>>> Iterator for Batches<'_, I> {
    type Item = Fingerprinted;
    fn next(&mut self) -> Option<Fingerprinted> {
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
