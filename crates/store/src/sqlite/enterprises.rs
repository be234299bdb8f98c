//! The enterprises in SQLite: bulk import (indexes dropped and rebuilt into an empty table, matching by natural id
//! otherwise), full reads, and look-ups by id and reference. Search and the snapshot scan have files of their own.

use super::codec::{
    bind_enterprise, bind_enterprise_at, date_text, enterprise_from_row, insert_sql, BULK_ROWS, ENTERPRISE_COLS, ENTERPRISE_NCOLS,
};
use super::{SqliteStore, LOCAL_ROWS};
use crate::{EnterpriseStore, Result, SnapshotRow, WriteCounts};
use chainscope_model::enterprise::{Enterprise, Fingerprinted};
use chrono::NaiveDate;
use rusqlite::OptionalExtension;

const DROP_ENTERPRISE_INDEXES: &str =
    "DROP INDEX enterprise_uscc; DROP INDEX enterprise_lei; DROP INDEX enterprise_ext; DROP INDEX enterprise_name;
     DROP TRIGGER enterprise_fts_ai; DROP TRIGGER enterprise_fts_ad; DROP TRIGGER enterprise_fts_au;";
const CREATE_ENTERPRISE_INDEXES: &str = "CREATE UNIQUE INDEX enterprise_uscc ON enterprise (uscc) WHERE uscc IS NOT NULL;
     CREATE UNIQUE INDEX enterprise_lei ON enterprise (lei) WHERE lei IS NOT NULL;
     CREATE UNIQUE INDEX enterprise_ext ON enterprise (ext_id) WHERE ext_id IS NOT NULL;
     CREATE INDEX enterprise_name ON enterprise (name);
     INSERT INTO enterprise_fts (enterprise_fts) VALUES ('rebuild');";
const FTS_TRIGGERS: &str = include_str!("../../migrations/0002_search_triggers.sql");

impl SqliteStore {
    /// [`EnterpriseStore::import_fingerprinted`].
    fn import_rows(&mut self, rows: &mut dyn Iterator<Item = Fingerprinted>, commit: &dyn Fn() -> bool) -> Result<Option<WriteCounts>> {
        let tx = self.write_tx()?;
        let mut counts = WriteCounts::default();
        // Into an empty table, the unique indexes are dropped and rebuilt at the end (sorting beats a random
        // B-tree insert per row); DDL is transactional in SQLite, so a crash leaves the old schema in place.
        let bulk = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM enterprise)", [], |r| r.get::<_, bool>(0))?;
        if bulk {
            tx.execute_batch(DROP_ENTERPRISE_INDEXES)?;
        }
        {
            let mut ins = tx.prepare(&insert_sql(1))?;
            if bulk {
                // Empty table: every row is new (the caller has removed duplicates; the unique indexes rebuilt
                // at the end would refuse any that slipped through). Rows go BULK_ROWS to a statement.
                let mut many = tx.prepare(&insert_sql(BULK_ROWS))?;
                let mut pending: Vec<Fingerprinted> = Vec::with_capacity(BULK_ROWS);
                let mut flush = |pending: &mut Vec<Fingerprinted>| -> rusqlite::Result<()> {
                    if pending.len() == BULK_ROWS {
                        for (i, f) in pending.iter().enumerate() {
                            bind_enterprise_at(&mut many, i * ENTERPRISE_NCOLS, f.enterprise(), f.fingerprint(), None)?;
                        }
                        many.raw_execute()?;
                    } else {
                        for f in pending.iter() {
                            bind_enterprise(&mut ins, f.enterprise(), f.fingerprint(), None)?;
                        }
                    }
                    pending.clear();
                    Ok(())
                };
                for f in rows {
                    pending.push(f);
                    counts.inserted += 1;
                    if pending.len() == BULK_ROWS {
                        flush(&mut pending)?;
                    }
                }
                flush(&mut pending)?;
            } else {
                Self::upsert_enterprises(&tx, &mut ins, rows, &mut counts)?;
            }
        }
        let t0 = std::time::Instant::now();
        if !commit() {
            tx.rollback()?;
            return Ok(None);
        }
        if bulk {
            tx.execute_batch(CREATE_ENTERPRISE_INDEXES)?;
            tx.execute_batch(FTS_TRIGGERS)?;
        }
        let t1 = t0.elapsed();
        tx.commit()?;
        tracing::debug!(index_rebuild_s = t1.as_secs_f64(), commit_s = (t0.elapsed() - t1).as_secs_f64(), "enterprise import finished");
        Ok(Some(counts))
    }

    /// Match each row against what is stored (by natural id) and insert, update or skip it.
    fn upsert_enterprises(
        tx: &rusqlite::Transaction<'_>,
        ins: &mut rusqlite::Statement<'_>,
        rows: &mut dyn Iterator<Item = Fingerprinted>,
        counts: &mut WriteCounts,
    ) -> Result<()> {
        // Identity map of what is stored: every natural id → (row id, content hash).
        let mut known: Vec<(i64, i64)> = Vec::new();
        let mut ident: rustc_hash::FxHashMap<String, u32> = rustc_hash::FxHashMap::default();
        {
            let mut st = tx.prepare("SELECT id, key, uscc, lei, ext_id, row_hash FROM enterprise")?;
            let mut q = st.query([])?;
            while let Some(r) = q.next()? {
                let i = known.len() as u32;
                known.push((r.get(0)?, r.get(5)?));
                ident.insert(r.get(1)?, i);
                if let Some(u) = r.get::<_, Option<String>>(2)? {
                    ident.insert(format!("uscc:{u}"), i);
                }
                if let Some(l) = r.get::<_, Option<String>>(3)? {
                    ident.insert(format!("lei:{l}"), i);
                }
                if let Some(x) = r.get::<_, Option<String>>(4)? {
                    ident.insert(format!("ext:{x}"), i);
                }
            }
        }
        let sets = ENTERPRISE_COLS.split(',').enumerate().map(|(i, c)| format!("{} = ?{}", c.trim(), i + 1)).collect::<Vec<_>>().join(", ");
        let mut upd = tx.prepare(&format!("UPDATE enterprise SET {sets} WHERE id = ?{}", ENTERPRISE_NCOLS + 1))?;
        for f in rows {
            let (e, hash) = (f.enterprise(), f.fingerprint());
            let candidates = [
                e.uscc.as_ref().map(|u| format!("uscc:{u}")),
                e.lei.as_ref().map(|l| format!("lei:{l}")),
                e.ext_id.as_ref().map(|x| format!("ext:{x}")),
                Some(e.key.clone()),
            ];
            let found = candidates.iter().flatten().find_map(|k| ident.get(k).copied());
            match found {
                Some(i) if known[i as usize].1 == hash => {
                    counts.unchanged += 1;
                    continue;
                }
                Some(i) => {
                    let id = known[i as usize].0;
                    bind_enterprise(&mut upd, e, hash, Some(id))?;
                    known[i as usize].1 = hash;
                    counts.updated += 1;
                    for k in candidates.iter().flatten() {
                        ident.insert(k.clone(), i);
                    }
                }
                None => {
                    bind_enterprise(ins, e, hash, None)?;
                    let id = tx.last_insert_rowid();
                    let i = known.len() as u32;
                    known.push((id, hash));
                    for k in candidates.iter().flatten() {
                        ident.insert(k.clone(), i);
                    }
                    counts.inserted += 1;
                }
            }
        }
        Ok(())
    }
}

impl EnterpriseStore for SqliteStore {
    fn import_fingerprinted(
        &mut self,
        rows: &mut dyn Iterator<Item = Fingerprinted>,
        commit: &dyn Fn() -> bool,
    ) -> Result<Option<WriteCounts>> {
        self.import_rows(rows, commit)
    }

    fn for_each_enterprise_with_id(&self, f: &mut dyn FnMut(i64, Enterprise)) -> Result<()> {
        let mut st = self.conn.prepare(&format!("SELECT id, {ENTERPRISE_COLS} FROM enterprise ORDER BY id"))?;
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let id: i64 = r.get(0)?;
            f(id, enterprise_from_row(r)?);
        }
        Ok(())
    }

    fn for_each_local_enterprise(&self, f: &mut dyn FnMut(i64, Enterprise)) -> Result<()> {
        let mut st = self.conn.prepare(&format!("SELECT id, {ENTERPRISE_COLS} FROM enterprise WHERE {LOCAL_ROWS} ORDER BY id"))?;
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let id: i64 = r.get(0)?;
            f(id, enterprise_from_row(r)?);
        }
        Ok(())
    }

    fn for_each_snapshot_row(&self, f: &mut dyn FnMut(&SnapshotRow<'_>)) -> Result<()> {
        self.scan_snapshot(f)
    }

    fn enterprises_by_id(&self, ids: &[i64]) -> Result<Vec<(i64, Enterprise)>> {
        let mut st = self.conn.prepare_cached(&format!("SELECT id, {ENTERPRISE_COLS} FROM enterprise WHERE id = ?1"))?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            if let Some(e) = st.query_row([id], enterprise_from_row).optional()? {
                out.push((id, e));
            }
        }
        Ok(out)
    }

    fn for_each_name(&self, f: &mut dyn FnMut(i64, &str, Option<&str>)) -> Result<()> {
        let mut st = self.conn.prepare("SELECT id, name, name_en FROM enterprise ORDER BY id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let name = r.get_ref(1)?.as_str().unwrap_or("");
            let en = r.get_ref(2)?.as_str_or_null().ok().flatten();
            f(id, name, en);
        }
        Ok(())
    }

    fn resolve_enterprise_refs(&self, refs: &[String]) -> Result<Vec<Option<(i64, String)>>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name FROM enterprise WHERE ext_id = ?1 \
             UNION ALL SELECT id, name FROM enterprise WHERE uscc = ?1 \
             UNION ALL SELECT id, name FROM enterprise WHERE lei = ?1 LIMIT 1",
        )?;
        let mut by_id = self.conn.prepare_cached("SELECT id, name FROM enterprise WHERE id = ?1")?;
        let mut out = Vec::with_capacity(refs.len());
        for r in refs {
            // `id:N` names a stored row directly (projects created from a lead of an enterprise without identifiers).
            if let Some(id) = r.strip_prefix("id:").and_then(|n| n.parse::<i64>().ok()) {
                out.push(by_id.query_row([id], |row| Ok((row.get(0)?, row.get(1)?))).optional()?);
                continue;
            }
            out.push(st.query_row([r], |row| Ok((row.get(0)?, row.get(1)?))).optional()?);
        }
        Ok(out)
    }

    fn expansions_since(&self, since: NaiveDate) -> Result<Vec<(String, u32)>> {
        let mut st = self.conn.prepare(
            "SELECT parent, count(*) FROM enterprise WHERE parent IS NOT NULL AND parent <> '' AND founded >= ?1 GROUP BY parent",
        )?;
        let rows = st.query_map([date_text(since)], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u32)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn search_enterprises(&self, query: &str, limit: usize) -> Result<Vec<(i64, Enterprise)>> {
        self.search(query, limit)
    }
}
