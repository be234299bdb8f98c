//! The analytics snapshot's scan: every enterprise's few snapshot columns, in row-id order, decoded here (node ids
//! from the memberships text, yearly figures from the series blob) into typed [`SnapshotRow`]s.
//!
//! Rows are read in batches into reused buffers (the fixed columns by row; texts, node ranges and figures in arenas),
//! so that a scan of millions of rows allocates per batch, not per row. A large table is read by a second, read-only
//! connection on its own thread while this thread hands the rows to the caller: reading and building then overlap.

use super::codec::{node_ids, series_figures};
use super::SqliteStore;
use crate::{Result, SnapshotRow};
use chainscope_model::enterprise::{Flags, YearFigure};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::ops::Range;
use std::path::Path;

const SQL: &str = "SELECT id, h3, region_code, revenue, employees, registered_capital, founded, flags, synthetic, nodes, series \
                   FROM enterprise ORDER BY id";
/// Below this many rows the scan is not worth a second connection and thread.
const PIPELINE_FROM: i64 = 10_000;
/// Rows a batch holds.
const BATCH: usize = 4096;

/// One row of a batch: its fixed columns, and where its region code, node ids and figures are in the arenas.
#[derive(Clone)]
struct Fixed {
    id: i64,
    h3: u64,
    revenue: f64,
    employees: u32,
    capital: f64,
    founded_year: u16,
    flags: Flags,
    synthetic: bool,
    region: Option<Range<usize>>,
    nodes: Range<usize>,
    series: Range<usize>,
}

/// Rows read ahead, decoded: the fixed columns by row; region codes and node ids in one text arena, each row's node
/// ids as a run of ranges into it, its yearly figures as a run of the figures arena.
#[derive(Default)]
struct Batch {
    rows: Vec<Fixed>,
    text: String,
    nodes: Vec<Range<usize>>,
    series: Vec<YearFigure>,
}

impl Batch {
    /// Decode one result row into the batch.
    fn push(&mut self, r: &rusqlite::Row<'_>) -> rusqlite::Result<()> {
        let text = |i: usize| -> rusqlite::Result<Option<&str>> {
            match r.get_ref(i)? {
                ValueRef::Text(t) => Ok(std::str::from_utf8(t).ok()),
                _ => Ok(None),
            }
        };
        // The year is the first four characters of the stored date.
        let year = |t: &str| t.char_indices().nth(4).map_or(t, |(i, _)| &t[..i]).parse().ok();
        let region = text(2)?.map(|code| self.put_text(code));
        let first_node = self.nodes.len();
        for node in node_ids(text(9)?.unwrap_or("")) {
            let at = self.put_text(node);
            self.nodes.push(at);
        }
        let first_figure = self.series.len();
        if let ValueRef::Blob(b) = r.get_ref(10)? {
            self.series.extend(series_figures(b));
        }
        self.rows.push(Fixed {
            id: r.get(0)?,
            h3: r.get::<_, Option<i64>>(1)?.map_or(0, |c| c as u64),
            revenue: r.get::<_, Option<f64>>(3)?.unwrap_or(0.0),
            employees: r.get::<_, Option<i64>>(4)?.map_or(0, |v| v.clamp(0, u32::MAX as i64) as u32),
            capital: r.get::<_, Option<f64>>(5)?.unwrap_or(0.0),
            founded_year: text(6)?.and_then(year).unwrap_or(0),
            flags: Flags::from_bits(r.get(7)?),
            synthetic: r.get(8)?,
            region,
            nodes: first_node..self.nodes.len(),
            series: first_figure..self.series.len(),
        });
        Ok(())
    }

    fn put_text(&mut self, s: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(s);
        start..self.text.len()
    }

    /// Hand every row to `f`, typed; the node-id slice is one buffer reused from row to row.
    fn each(&self, f: &mut dyn FnMut(&SnapshotRow<'_>)) {
        let mut ids: Vec<&str> = Vec::with_capacity(16);
        for row in &self.rows {
            ids.clear();
            ids.extend(self.nodes[row.nodes.clone()].iter().map(|at| &self.text[at.clone()]));
            f(&SnapshotRow {
                id: row.id,
                h3: row.h3,
                region_code: row.region.clone().map(|at| &self.text[at]),
                revenue: row.revenue,
                employees: row.employees,
                capital: row.capital,
                founded_year: row.founded_year,
                flags: row.flags,
                synthetic: row.synthetic,
                nodes: &ids,
                series: &self.series[row.series.clone()],
            });
        }
    }

    fn clear(&mut self) {
        self.rows.clear();
        self.text.clear();
        self.nodes.clear();
        self.series.clear();
    }
}

impl SqliteStore {
    /// [`crate::EnterpriseStore::for_each_snapshot_row`].
    pub(super) fn scan_snapshot(&self, f: &mut dyn FnMut(&SnapshotRow<'_>)) -> Result<()> {
        // One connection and one statement either way, so the rows are one consistent state of the store, the same
        // that `self.conn` sees outside a transaction.
        let rows: i64 = self.conn.query_row("SELECT coalesce(max(id), 0) FROM enterprise", [], |r| r.get(0))?;
        let second = (rows >= PIPELINE_FROM && self.conn.is_autocommit() && self.path != Path::new(":memory:"))
            .then(|| Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX).ok())
            .flatten();
        let Some(conn) = second else {
            let mut st = self.conn.prepare(SQL)?;
            let mut q = st.query([])?;
            let mut batch = Batch::default();
            while let Some(r) = q.next()? {
                batch.push(r)?;
                if batch.rows.len() == BATCH {
                    batch.each(f);
                    batch.clear();
                }
            }
            batch.each(f);
            return Ok(());
        };
        std::thread::scope(|scope| {
            let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(4);
            let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Batch>();
            let reader = scope.spawn(move || -> Result<()> {
                conn.busy_timeout(super::BUSY_WAIT)?;
                let mut st = conn.prepare(SQL)?;
                let mut q = st.query([])?;
                let mut batch = Batch::default();
                while let Some(r) = q.next()? {
                    batch.push(r)?;
                    if batch.rows.len() == BATCH {
                        let next = empty_rx.try_recv().unwrap_or_default();
                        if full_tx.send(std::mem::replace(&mut batch, next)).is_err() {
                            return Ok(());
                        }
                    }
                }
                if !batch.rows.is_empty() {
                    let _ = full_tx.send(batch);
                }
                Ok(())
            });
            for mut batch in full_rx {
                batch.each(f);
                batch.clear();
                let _ = empty_tx.send(batch);
            }
            reader.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{EnterpriseStore, SqliteStore};
    use chainscope_model::enterprise::{Enterprise, Flags, YearFigure};
    use chainscope_model::taxonomy::{Membership, MembershipSource};

    fn member(node: &str, source: MembershipSource) -> Membership {
        Membership { node: node.into(), source, confidence: 0.8 }
    }

    fn firm(i: usize) -> Enterprise {
        Enterprise { ext_id: Some(format!("t{i}")), country: "CN".into(), ..Enterprise::new(format!("ext:t{i}"), format!("企业{i}")) }
    }

    /// What a scan hands over, owned: id, region, node ids, figures.
    type Seen = (i64, Option<String>, Vec<String>, Vec<YearFigure>);

    fn scan(st: &SqliteStore) -> Vec<Seen> {
        let mut seen = Vec::new();
        st.for_each_snapshot_row(&mut |r| {
            seen.push((r.id, r.region_code.map(str::to_string), r.node_ids().map(str::to_string).collect(), r.series.to_vec()))
        })
        .expect("scan");
        seen
    }

    #[test]
    fn a_snapshot_row_comes_back_typed_and_equal() {
        let series = vec![
            YearFigure { year: 2021, revenue: Some(1200.5), employees: Some(40) },
            YearFigure { year: 2022, revenue: None, employees: Some(45) },
            YearFigure { year: 2023, revenue: Some(1800.0), employees: None },
        ];
        let rich = Enterprise {
            region_code: Some("320300".into()),
            revenue: Some(1800.0),
            employees: Some(45),
            registered_capital: Some(500.0),
            founded: chrono::NaiveDate::from_ymd_opt(2009, 3, 1),
            h3: Some(0x08a4_1e2c_3d4f_ffff),
            flags: Flags { local: true, ..Flags::default() },
            memberships: vec![
                member("hydraulics", MembershipSource::CodeRule),
                member("cylinders", MembershipSource::KeywordRule),
                member("valves", MembershipSource::Manual),
            ],
            series: series.clone(),
            ..firm(1)
        };
        let bare = firm(2);
        let mut st = SqliteStore::open_in_memory().expect("store");
        st.import_enterprises(&mut vec![rich, bare].into_iter(), &|| true).expect("import");
        let mut fixed = Vec::new();
        st.for_each_snapshot_row(&mut |r| fixed.push((r.h3, r.revenue, r.employees, r.capital, r.founded_year, r.flags, r.synthetic)))
            .expect("scan");
        assert_eq!(fixed[0], (0x08a4_1e2c_3d4f_ffff, 1800.0, 45, 500.0, 2009, Flags { local: true, ..Flags::default() }, false));
        assert_eq!(fixed[1], (0, 0.0, 0, 0.0, 0, Flags::default(), false));
        let seen = scan(&st);
        assert_eq!(seen.len(), 2);
        let (_, region, nodes, figures) = &seen[0];
        assert_eq!(region.as_deref(), Some("320300"));
        assert_eq!(nodes, &["hydraulics", "cylinders", "valves"]);
        assert_eq!(figures, &series);
        let (_, region, nodes, figures) = &seen[1];
        assert!(region.is_none() && nodes.is_empty() && figures.is_empty());
    }

    #[test]
    fn a_large_scan_on_a_second_connection_sees_the_same_rows() {
        let dir = tempfile_dir();
        let path = dir.join("scan.db");
        let mut st = SqliteStore::open(&path).expect("store");
        let n = super::PIPELINE_FROM as usize + super::BATCH + 7;
        let rows = (0..n).map(|i| Enterprise {
            memberships: (0..i % 4).map(|k| member(&format!("n{k}"), MembershipSource::CodeRule)).collect(),
            series: (0..i % 3).map(|k| YearFigure { year: 2020 + k as i32, revenue: Some(i as f64), employees: None }).collect(),
            region_code: (i % 2 == 0).then(|| format!("r{i}")),
            ..firm(i)
        });
        st.import_enterprises(&mut rows.into_iter(), &|| true).expect("import");
        let seen = scan(&st);
        assert_eq!(seen.len(), n);
        for (i, (id, region, nodes, figures)) in seen.iter().enumerate() {
            assert_eq!(*id, i as i64 + 1);
            assert_eq!(region.clone(), (i % 2 == 0).then(|| format!("r{i}")));
            assert_eq!(nodes.len(), i % 4, "row {i}");
            assert!(nodes.iter().enumerate().all(|(k, n)| n == &format!("n{k}")));
            assert_eq!(figures.len(), i % 3);
            assert!(figures.iter().all(|f| f.revenue == Some(i as f64)));
        }
        drop(st);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A fresh directory under the system's temporary one (the crate has no temporary-file dependency).
    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("chainscope-store-scan-{}-{:?}", std::process::id(), std::thread::current().id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        dir
    }
}
