//! Import and check: read a file, validate every row, write the valid ones in one transaction (or none, in strict
//! mode), report what happened, and write rejected rows with their reasons to a reject file.

use crate::app::App;

mod enterprises;
mod small;
use anyhow::Context;
use chainscope_io::{RowIssue, Table};
use chainscope_store::{RecordStore, WriteCounts};
use serde::Serialize;
use std::path::{Path, PathBuf};
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

impl Report {
    /// An empty report for one file, before any row is read.
    fn new(kind: Kind, file: String, encoding: Option<String>, unknown_columns: Vec<String>, headers: Vec<String>) -> Self {
        Self {
            kind,
            file,
            encoding,
            read: 0,
            valid: 0,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            rejected_count: 0,
            committed: false,
            unknown_columns,
            warnings: Vec::new(),
            rejected: Vec::new(),
            rejects_file: None,
            seconds: 0.0,
            rows_per_second: 0.0,
            peak_rss_mb: None,
            headers,
        }
    }
}

/// Peak resident memory of this process (Linux), in MiB.
pub fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub(crate) fn open_table(input: &Input<'_>) -> anyhow::Result<Table> {
    Ok(match input {
        Input::File { path, sheet } => Table::open(path, *sheet)?,
        Input::Text { text, .. } => Table::from_csv_reader(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())), false)?,
    })
}

/// Import (or check) one file of one kind.
pub fn run(app: &mut App, kind: Kind, input: Input<'_>, opts: &Options) -> anyhow::Result<Report> {
    let started = Instant::now();
    let mut report = match kind {
        Kind::Enterprises => enterprises::import(app, &input, opts)?,
        _ => small::import(app, kind, &input, opts)?,
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

pub(crate) fn progress_bar(opts: &Options, total: u64) -> Option<indicatif::ProgressBar> {
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

pub(crate) fn cells_vec(c: &chainscope_io::table::Cells) -> Vec<String> {
    c.iter().map(str::to_string).collect()
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
