//! Importers of the smaller kinds (parks, hubs, regions, projects, events, targets): read whole, validate every
//! row, write all valid rows in one transaction (or none in strict mode).

use super::{cells_vec, open_table, Input, Kind, Options, RejectedRow, Report};
use crate::app::App;
use anyhow::Context;
use chainscope_io::records::{self, RowCheck};
use chainscope_io::{HeaderMap, RowIssue};
use chainscope_store::{PipelineStore, RecordStore, WriteCounts};
use std::collections::HashSet;
use std::sync::Arc;

pub(super) fn import(app: &mut App, kind: Kind, input: &Input<'_>, opts: &Options) -> anyhow::Result<Report> {
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
    let mut report = Report::new(kind, input.name(), encoding, map.unknown.clone(), headers.clone());
    report.read = rows.len() as u64;
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
