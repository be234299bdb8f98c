//! The embedded SQLite store.

use crate::{KindCounts, Result, SnapshotRow, Store, StoreError, WriteCounts};
use chainscope_model::enterprise::{CoordPrecision, Enterprise, Fingerprinted, Flags, Provenance, YearFigure};
use chainscope_model::taxonomy::{ClassVersion, Membership, MembershipSource};
use chainscope_model::{Account, Event, Hub, MarketItem, Park, Project, Region, RegionLevel, Role, Target, TargetScope};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};

/// The local enterprises (`Flags::local`, bit 16), written exactly as the condition of the partial index
/// `enterprise_local` (migration 7) so that the planner reads the index.
const LOCAL_ROWS: &str = "(flags & 16) != 0";
/// How many names containing a searched text are ranked, from each of the two sources (see `search_enterprises`).
const SEARCH_POOL: usize = 2000;
/// How many names containing a searched text (three characters or more) are read to find the local ones among them.
const SEARCH_LOCAL_SCAN: usize = 20_000;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    concat!(include_str!("../migrations/0002_search.sql"), include_str!("../migrations/0002_search_triggers.sql")),
    include_str!("../migrations/0003_market.sql"),
    include_str!("../migrations/0004_pipeline.sql"),
    include_str!("../migrations/0005_accounts.sql"),
    include_str!("../migrations/0006_service.sql"),
    include_str!("../migrations/0007_local_index.sql"),
    include_str!("../migrations/0008_name_index.sql"),
];

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl SqliteStore {
    /// Open (creating if needed) the store file and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::DataDir(dir.display().to_string(), e))?;
        }
        let conn = Connection::open(path)?;
        Self::configure(&conn)?;
        let mut s = Self { conn, path: path.to_path_buf() };
        s.migrate()?;
        Ok(s)
    }

    /// A consistent copy of the whole store in one new file (`VACUUM INTO`), taken while others read and write,
    /// then checked (`PRAGMA integrity_check`) before this returns with what the copy holds. An existing file is
    /// never overwritten.
    pub fn backup_to(&self, dest: &Path) -> Result<KindCounts> {
        if dest.exists() {
            return Err(StoreError::Exists(dest.display().to_string()));
        }
        let target = dest.to_str().ok_or_else(|| StoreError::Corrupt(format!("the path {} is not UTF-8", dest.display())))?;
        self.conn.execute("VACUUM INTO ?1", [target])?;
        let copy = Connection::open_with_flags(dest, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let check: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Corrupt(format!("the copy {} fails its integrity check: {check}", dest.display())));
        }
        counts_of(&copy)
    }

    /// Check a file before it replaces a store (`chainscope restore`): it opens read-only, passes `PRAGMA
    /// integrity_check`, is a Chainscope store (it has the enterprise table) and was not written by a newer Chainscope.
    /// Returns its schema version; an older one is brought up to date when the restored store is first opened.
    pub fn check_backup(path: &Path) -> Result<i64> {
        let shown = path.display().to_string();
        if !path.is_file() {
            return Err(StoreError::NotFound(shown));
        }
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| StoreError::Corrupt(format!("{shown} 不是可读的数据库 / is not a readable database: {e}")))?;
        if check != "ok" {
            return Err(StoreError::Corrupt(format!("{shown} 未通过完整性检查 / fails its integrity check: {check}")));
        }
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'enterprise'", [], |r| r.get(0))?;
        if tables == 0 {
            return Err(StoreError::Corrupt(format!("{shown} 不是 Chainscope 数据库 / is not a Chainscope store")));
        }
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::TooNew(shown, version));
        }
        Ok(version)
    }

    /// An in-memory store (for tests of callers; the real tests use files).
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        Self::configure(&conn)?;
        let mut s = Self { conn, path: PathBuf::from(":memory:") };
        s.migrate()?;
        Ok(s)
    }

    fn configure(conn: &Connection) -> Result<()> {
        // Takes effect only on a new, empty file; wide enterprise rows fit better in 16 KiB pages.
        conn.pragma_update(None, "page_size", 16384)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let version: i64 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::TooNew(self.path.display().to_string(), version));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn upsert_docs<T: serde::Serialize>(
        &mut self,
        table: &str,
        items: &[T],
        id: impl Fn(&T) -> String,
        extra: impl Fn(&T) -> Vec<rusqlite::types::Value>,
        extra_cols: &[&str],
    ) -> Result<WriteCounts> {
        let tx = self.conn.transaction()?;
        let mut counts = WriteCounts::default();
        {
            let mut get = tx.prepare(&format!("SELECT doc FROM {table} WHERE id = ?1"))?;
            let cols = std::iter::once("id").chain(std::iter::once("doc")).chain(extra_cols.iter().copied()).collect::<Vec<_>>();
            let marks = (1..=cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
            let mut put = tx.prepare(&format!("INSERT OR REPLACE INTO {table} ({}) VALUES ({marks})", cols.join(", ")))?;
            for it in items {
                let key = id(it);
                let doc = serde_json::to_string(it).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let old: Option<String> = get.query_row([&key], |r| r.get(0)).optional()?;
                match old {
                    Some(o) if o == doc => counts.unchanged += 1,
                    Some(_) => counts.updated += 1,
                    None => counts.inserted += 1,
                }
                let mut vals: Vec<rusqlite::types::Value> = vec![key.into(), doc.into()];
                vals.extend(extra(it));
                put.execute(rusqlite::params_from_iter(vals))?;
            }
        }
        tx.commit()?;
        Ok(counts)
    }

    fn docs<T: serde::de::DeserializeOwned>(&self, table: &str, order: &str) -> Result<Vec<T>> {
        let mut st = self.conn.prepare(&format!("SELECT doc FROM {table} ORDER BY {order}"))?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        }
        Ok(out)
    }
}

const ACCOUNT_SELECT: &str = "SELECT id, username, display_name, password_hash, role, regions, department, enterprise_id, active, \
     must_change, failed_logins, locked_until, created_at FROM account";

fn account_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let regions: String = r.get(5)?;
    let role: String = r.get(4)?;
    Ok(Account {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        password_hash: r.get(3)?,
        // The table's CHECK constraint keeps roles valid.
        role: Role::parse(&role).unwrap_or(Role::Enterprise),
        regions: regions.split(';').filter(|x| !x.is_empty()).map(str::to_string).collect(),
        department: r.get(6)?,
        enterprise_id: r.get(7)?,
        active: r.get(8)?,
        must_change: r.get(9)?,
        failed_logins: r.get(10)?,
        locked_until: r.get(11)?,
        created_at: r.get(12)?,
    })
}

impl SqliteStore {
    fn accounts_where(&self, clause: &str, value: &str) -> Result<Option<Account>> {
        Ok(self.conn.query_row(&format!("{ACCOUNT_SELECT} WHERE {clause}"), [value], account_row).optional()?)
    }
}

/// Write a project row and log the version it produced, inside the caller's transaction.
fn write_project(tx: &rusqlite::Transaction<'_>, p: &Project, at: &str, actor: &str, action: &str, summary: &str) -> Result<()> {
    let doc = serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT OR REPLACE INTO project (id, doc, region_code, cluster, stage, event_id, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![p.id, doc, p.region_code, p.cluster, p.stage.as_str(), p.event_id, p.version],
    )?;
    tx.execute(
        "INSERT INTO project_log (project_id, version, at, actor, action, summary, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![p.id, p.version, at, actor, action, summary, doc],
    )?;
    Ok(())
}

/// Yearly series as a compact blob: per year an i16 year, an f64 revenue (NaN = unknown) and a u32 employee count
/// (u32::MAX = unknown), little-endian. Binary keeps bulk imports free of float formatting.
fn series_blob(s: &[YearFigure]) -> Option<Vec<u8>> {
    if s.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 14);
    for y in s {
        out.extend_from_slice(&(y.year as i16).to_le_bytes());
        out.extend_from_slice(&y.revenue.unwrap_or(f64::NAN).to_le_bytes());
        out.extend_from_slice(&y.employees.unwrap_or(u32::MAX).to_le_bytes());
    }
    Some(out)
}

/// Yearly figures from their stored form (14 bytes a year).
pub fn parse_series_blob(b: &[u8]) -> Vec<YearFigure> {
    b.chunks_exact(14)
        .map(|c| {
            let year = i16::from_le_bytes([c[0], c[1]]) as i32;
            let mut r = [0u8; 8];
            r.copy_from_slice(&c[2..10]);
            let revenue = f64::from_le_bytes(r);
            let employees = u32::from_le_bytes([c[10], c[11], c[12], c[13]]);
            YearFigure { year, revenue: (!revenue.is_nan()).then_some(revenue), employees: (employees != u32::MAX).then_some(employees) }
        })
        .collect()
}

fn list_text(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(";"))
}

fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

const DROP_ENTERPRISE_INDEXES: &str =
    "DROP INDEX enterprise_uscc; DROP INDEX enterprise_lei; DROP INDEX enterprise_ext; DROP INDEX enterprise_name;
     DROP TRIGGER enterprise_fts_ai; DROP TRIGGER enterprise_fts_ad; DROP TRIGGER enterprise_fts_au;";
const CREATE_ENTERPRISE_INDEXES: &str = "CREATE UNIQUE INDEX enterprise_uscc ON enterprise (uscc) WHERE uscc IS NOT NULL;
     CREATE UNIQUE INDEX enterprise_lei ON enterprise (lei) WHERE lei IS NOT NULL;
     CREATE UNIQUE INDEX enterprise_ext ON enterprise (ext_id) WHERE ext_id IS NOT NULL;
     CREATE INDEX enterprise_name ON enterprise (name);
     INSERT INTO enterprise_fts (enterprise_fts) VALUES ('rebuild');";
const FTS_TRIGGERS: &str = include_str!("../migrations/0002_search_triggers.sql");

const ENTERPRISE_COLS: &str = "key, name, name_en, uscc, uscc_org_ok, lei, ext_id, legal_rep, phone, address, country, region_code, lat, lon, \
     coord_precision, h3, industry_code, industry_version, scope, products, founded, registered_capital, revenue, employees, flags, parent, \
     series, suppliers, customers, source, as_of, synthetic, row_hash, nodes";
const ENTERPRISE_NCOLS: usize = 34;

/// Memberships as `node:source:confidence;…`.
fn nodes_text(ms: &[Membership]) -> Option<String> {
    if ms.is_empty() {
        return None;
    }
    let mut s = String::with_capacity(ms.len() * 24);
    for (i, m) in ms.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(&m.node);
        s.push_str(match m.source {
            MembershipSource::CodeRule => ":c:",
            MembershipSource::KeywordRule => ":k:",
            MembershipSource::Manual => ":m:",
        });
        // Confidences are multiples of 0.1 (see the taxonomy's rules); two digits keep them exact enough.
        let c = (m.confidence * 100.0).round() as u32;
        s.push_str(&c.to_string());
    }
    Some(s)
}

fn parse_nodes(s: &str) -> Vec<Membership> {
    s.split(';')
        .filter_map(|part| {
            let mut it = part.rsplitn(3, ':');
            let conf: u32 = it.next()?.parse().ok()?;
            let source = match it.next()? {
                "c" => MembershipSource::CodeRule,
                "k" => MembershipSource::KeywordRule,
                _ => MembershipSource::Manual,
            };
            Some(Membership { node: it.next()?.to_string(), source, confidence: conf as f32 / 100.0 })
        })
        .collect()
}

/// `YYYY-MM-DD`, as `NaiveDate`'s `Display` writes it, without the formatting machinery.
fn date_text(d: NaiveDate) -> String {
    use chrono::Datelike;
    let (y, m, dd) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return d.to_string();
    }
    let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, -1, m as i32 / 10, m as i32 % 10, -1, dd as i32 / 10, dd as i32 % 10];
    digits.iter().map(|&v| if v < 0 { '-' } else { (b'0' + v as u8) as char }).collect()
}

/// Bind one enterprise's [`ENTERPRISE_COLS`] to parameters `offset + 1 ..= offset + ENTERPRISE_NCOLS` (and the row id
/// to the next one, when given). Text and blobs are copied by SQLite, so the temporaries may go once bound.
fn bind_enterprise_at(st: &mut rusqlite::Statement<'_>, offset: usize, e: &Enterprise, hash: i64, id: Option<i64>) -> rusqlite::Result<()> {
    let h3 = e.h3.map(|c| c as i64);
    let series = series_blob(&e.series);
    let sup = list_text(&e.suppliers);
    let cus = list_text(&e.customers);
    let founded = e.founded.map(date_text);
    let as_of = e.provenance.as_of.map(date_text);
    let nodes = nodes_text(&e.memberships);
    let p: [&dyn rusqlite::ToSql; ENTERPRISE_NCOLS] = [
        &e.key,
        &e.name,
        &e.name_en,
        &e.uscc,
        &e.uscc_org_ok,
        &e.lei,
        &e.ext_id,
        &e.legal_rep,
        &e.phone,
        &e.address,
        &e.country,
        &e.region_code,
        &e.lat,
        &e.lon,
        &e.coord_precision.as_str(),
        &h3,
        &e.industry_code,
        &e.industry_version.as_str(),
        &e.scope,
        &e.products,
        &founded,
        &e.registered_capital,
        &e.revenue,
        &e.employees,
        &e.flags.bits(),
        &e.parent,
        &series,
        &sup,
        &cus,
        &e.provenance.source,
        &as_of,
        &e.synthetic,
        &hash,
        &nodes,
    ];
    for (i, v) in p.iter().enumerate() {
        st.raw_bind_parameter(offset + i + 1, v)?;
    }
    if let Some(id) = id {
        st.raw_bind_parameter(offset + ENTERPRISE_NCOLS + 1, id)?;
    }
    Ok(())
}

fn bind_enterprise(st: &mut rusqlite::Statement<'_>, e: &Enterprise, hash: i64, id: Option<i64>) -> rusqlite::Result<usize> {
    bind_enterprise_at(st, 0, e, hash, id)?;
    st.raw_execute()
}

/// Rows per statement on the bulk path: one multi-row `INSERT` spreads SQLite's per-statement cost.
const BULK_ROWS: usize = 32;

/// `INSERT INTO enterprise (…) VALUES (…), (…) …` for `rows` rows.
fn insert_sql(rows: usize) -> String {
    let mut sql = format!("INSERT INTO enterprise ({ENTERPRISE_COLS}) VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..ENTERPRISE_NCOLS {
            if c > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("?{}", r * ENTERPRISE_NCOLS + c + 1));
        }
        sql.push(')');
    }
    sql
}

/// One `SELECT id, {ENTERPRISE_COLS}` row as a record.
fn enterprise_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Enterprise> {
    let split = |s: Option<String>| s.map(|s| s.split(';').map(str::to_string).collect()).unwrap_or_default();
    let e = Enterprise {
        key: r.get(1)?,
        name: r.get(2)?,
        name_en: r.get(3)?,
        uscc: r.get(4)?,
        uscc_org_ok: r.get(5)?,
        lei: r.get(6)?,
        ext_id: r.get(7)?,
        legal_rep: r.get(8)?,
        phone: r.get(9)?,
        address: r.get(10)?,
        country: r.get(11)?,
        region_code: r.get(12)?,
        lat: r.get(13)?,
        lon: r.get(14)?,
        coord_precision: CoordPrecision::parse(&r.get::<_, String>(15)?),
        h3: r.get::<_, Option<i64>>(16)?.map(|c| c as u64),
        industry_code: r.get(17)?,
        industry_version: ClassVersion::parse(&r.get::<_, String>(18)?).unwrap_or(ClassVersion::V2017),
        scope: r.get(19)?,
        products: r.get(20)?,
        founded: date(r.get(21)?),
        registered_capital: r.get(22)?,
        revenue: r.get(23)?,
        employees: r.get(24)?,
        flags: Flags::from_bits(r.get(25)?),
        parent: r.get(26)?,
        memberships: r.get::<_, Option<String>>(34)?.map(|s| parse_nodes(&s)).unwrap_or_default(),
        series: r.get::<_, Option<Vec<u8>>>(27)?.map(|b| parse_series_blob(&b)).unwrap_or_default(),
        suppliers: split(r.get(28)?),
        customers: split(r.get(29)?),
        provenance: Provenance { source: r.get(30)?, as_of: date(r.get(31)?) },
        synthetic: r.get(32)?,
    };
    Ok(e)
}

impl SqliteStore {
    /// [`Store::import_enterprises`] for rows whose fingerprints were computed by the caller (typically on the
    /// threads that parse them): same matching, counting, transaction and `commit` contract.
    pub fn import_fingerprinted(
        &mut self,
        rows: &mut dyn Iterator<Item = Fingerprinted>,
        commit: &dyn Fn() -> bool,
    ) -> Result<Option<WriteCounts>> {
        let tx = self.conn.transaction()?;
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

impl Store for SqliteStore {
    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])?;
        Ok(())
    }

    fn taxonomy_toml(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT toml FROM taxonomy WHERE id = 1", [], |r| r.get(0)).optional()?)
    }

    fn set_taxonomy_toml(&mut self, toml: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO taxonomy (id, toml, updated_at) VALUES (1, ?1, ?2) ON CONFLICT(id) DO UPDATE SET toml = excluded.toml, updated_at = excluded.updated_at",
            params![toml, now()],
        )?;
        Ok(())
    }

    fn upsert_regions(&mut self, regions: &[Region]) -> Result<WriteCounts> {
        let tx = self.conn.transaction()?;
        let mut counts = WriteCounts::default();
        {
            let mut exists = tx.prepare("SELECT 1 FROM region WHERE code = ?1")?;
            let mut put = tx.prepare(
                "INSERT OR REPLACE INTO region (code, name_zh, name_en, level, parent, country, lat, lon, valid_from, valid_to, successor, counties, lead_clusters, zone_level) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?;
            for r in regions {
                if exists.exists([&r.code])? {
                    counts.updated += 1;
                } else {
                    counts.inserted += 1;
                }
                put.execute(params![
                    r.code,
                    r.name_zh,
                    r.name_en,
                    r.level.as_str(),
                    r.parent,
                    r.country,
                    r.lat,
                    r.lon,
                    r.valid_from.map(|d| d.to_string()),
                    r.valid_to.map(|d| d.to_string()),
                    r.successor,
                    r.counties.join(";"),
                    r.lead_clusters.join(";"),
                    r.zone_level
                ])?;
            }
        }
        tx.commit()?;
        Ok(counts)
    }

    fn regions(&self) -> Result<Vec<Region>> {
        let mut st = self.conn.prepare(
            "SELECT code, name_zh, name_en, level, parent, country, lat, lon, valid_from, valid_to, successor, counties, lead_clusters, zone_level FROM region ORDER BY rowid",
        )?;
        let rows = st.query_map([], |r| {
            let split = |s: String| s.split(';').filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
            Ok(Region {
                code: r.get(0)?,
                name_zh: r.get(1)?,
                name_en: r.get(2)?,
                level: RegionLevel::parse(&r.get::<_, String>(3)?).unwrap_or(RegionLevel::County),
                parent: r.get(4)?,
                country: r.get(5)?,
                lat: r.get(6)?,
                lon: r.get(7)?,
                valid_from: date(r.get(8)?),
                valid_to: date(r.get(9)?),
                successor: r.get(10)?,
                counties: split(r.get(11)?),
                lead_clusters: split(r.get(12)?),
                zone_level: r.get(13)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn import_enterprises(&mut self, rows: &mut dyn Iterator<Item = Enterprise>, commit: &dyn Fn() -> bool) -> Result<Option<WriteCounts>> {
        self.import_fingerprinted(&mut rows.map(Fingerprinted::new), commit)
    }

    fn for_each_enterprise(&self, f: &mut dyn FnMut(Enterprise)) -> Result<()> {
        self.for_each_enterprise_with_id(&mut |_, e| f(e))
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
        use rusqlite::types::ValueRef;
        use rusqlite::OpenFlags;
        const SQL: &str = "SELECT id, h3, region_code, revenue, employees, registered_capital, founded, flags, synthetic, nodes, series \
                           FROM enterprise ORDER BY id";
        /// Below this many rows the scan is not worth a second connection and thread.
        const PIPELINE_FROM: i64 = 10_000;
        const BATCH: usize = 4096;

        fn read<'r>(r: &'r rusqlite::Row<'_>) -> rusqlite::Result<SnapshotRow<'r>> {
            let text = |i: usize| -> rusqlite::Result<Option<&str>> {
                match r.get_ref(i)? {
                    ValueRef::Text(t) => Ok(std::str::from_utf8(t).ok()),
                    _ => Ok(None),
                }
            };
            // The year is the first four characters of the stored date.
            let year = |t: &str| t.char_indices().nth(4).map_or(t, |(i, _)| &t[..i]).parse().ok();
            Ok(SnapshotRow {
                id: r.get(0)?,
                h3: r.get::<_, Option<i64>>(1)?.map_or(0, |c| c as u64),
                region_code: text(2)?,
                revenue: r.get::<_, Option<f64>>(3)?.unwrap_or(0.0),
                employees: r.get::<_, Option<i64>>(4)?.map_or(0, |v| v.clamp(0, u32::MAX as i64) as u32),
                capital: r.get::<_, Option<f64>>(5)?.unwrap_or(0.0),
                founded_year: text(6)?.and_then(year).unwrap_or(0),
                flags: Flags::from_bits(r.get(7)?),
                synthetic: r.get(8)?,
                nodes: text(9)?.unwrap_or(""),
                series: match r.get_ref(10)? {
                    ValueRef::Blob(b) => b,
                    _ => &[],
                },
            })
        }

        /// Rows read ahead: the fixed columns by row, texts and blobs in two arenas.
        #[derive(Default)]
        struct Batch {
            rows: Vec<Stored>,
            text: String,
            blobs: Vec<u8>,
        }
        /// One row of a batch: its fixed columns, and where its region code, nodes and series are in the arenas.
        #[derive(Clone, Copy)]
        struct Stored {
            fixed: SnapshotRow<'static>,
            region: Option<(usize, usize)>,
            nodes: (usize, usize),
            series: (usize, usize),
        }
        impl Batch {
            fn push(&mut self, r: &SnapshotRow<'_>) {
                let mut put = |s: &str| {
                    self.text.push_str(s);
                    (self.text.len() - s.len(), self.text.len())
                };
                let region = r.region_code.map(&mut put);
                let nodes = put(r.nodes);
                self.blobs.extend_from_slice(r.series);
                let series = (self.blobs.len() - r.series.len(), self.blobs.len());
                let fixed = SnapshotRow {
                    id: r.id,
                    h3: r.h3,
                    region_code: None,
                    revenue: r.revenue,
                    employees: r.employees,
                    capital: r.capital,
                    founded_year: r.founded_year,
                    flags: r.flags,
                    synthetic: r.synthetic,
                    nodes: "",
                    series: &[],
                };
                self.rows.push(Stored { fixed, region, nodes, series });
            }
            fn each(&self, f: &mut dyn FnMut(&SnapshotRow<'_>)) {
                for &Stored { fixed, region, nodes, series } in &self.rows {
                    f(&SnapshotRow {
                        region_code: region.map(|(a, b)| &self.text[a..b]),
                        nodes: &self.text[nodes.0..nodes.1],
                        series: &self.blobs[series.0..series.1],
                        ..fixed
                    });
                }
            }
            fn clear(&mut self) {
                self.rows.clear();
                self.text.clear();
                self.blobs.clear();
            }
        }

        // A large table is read by a second, read-only connection on its own thread while this thread hands the rows
        // to `f`: reading and building then overlap. One connection and one statement, so the rows are one
        // consistent state of the store, the same that `self.conn` sees outside a transaction.
        let rows: i64 = self.conn.query_row("SELECT coalesce(max(id), 0) FROM enterprise", [], |r| r.get(0))?;
        let second = (rows >= PIPELINE_FROM && self.conn.is_autocommit() && self.path != Path::new(":memory:"))
            .then(|| Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX).ok())
            .flatten();
        let Some(conn) = second else {
            let mut st = self.conn.prepare(SQL)?;
            let mut q = st.query([])?;
            while let Some(r) = q.next()? {
                f(&read(r)?);
            }
            return Ok(());
        };
        std::thread::scope(|scope| {
            let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(4);
            let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Batch>();
            let reader = scope.spawn(move || -> Result<()> {
                conn.busy_timeout(std::time::Duration::from_secs(10))?;
                let mut st = conn.prepare(SQL)?;
                let mut q = st.query([])?;
                let mut batch = Batch::default();
                while let Some(r) = q.next()? {
                    batch.push(&read(r)?);
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

    fn add_market_item(&mut self, item: &MarketItem) -> Result<i64> {
        let doc = serde_json::to_string(item).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO market_item (kind, node, valid_until, doc) VALUES (?1, ?2, ?3, ?4)",
            params![item.kind.as_str(), item.node, item.valid_until.map(date_text), doc],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn market_items(&self) -> Result<Vec<(i64, MarketItem)>> {
        let mut st = self.conn.prepare("SELECT id, doc FROM market_item ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc) = row?;
            out.push((id, serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(format!("market item {id}: {e}")))?));
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
        let q = query.trim();
        if q.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        // Candidates from three places, then ranked: (a) the first SEARCH_POOL names containing the text; (b) the home
        // city's enterprises containing it, so that a local firm is found however many outside names also match; (c)
        // the names starting with it, through the name index (徐工, 三一: short names are what people type).
        // Ranked: the whole name, then names starting with the text, then local, chain leaders, revenue, employees.
        //
        // From three characters on, the trigram table answers a phrase query from its index (well under 50 ms at a
        // million names); LIKE over both columns would not use it (SQLite passes an OR of LIKEs to no index) and reads
        // every name. One or two characters have no trigram: LIKE reads names until `limit` are found (all of them
        // when fewer match, about a second at a million), and the local ones, up to the pool, through the partial
        // index of local rows (about 0.15 s at a million).
        // `%` and `_` typed by the user are taken literally, in the LIKE patterns by escaping, in a phrase anyway.
        let escaped: String = q.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
        let like = "LIKE ?1 ESCAPE '\\'";
        let (candidates, first, scan) = if q.chars().count() < 3 {
            (
                format!(
                    "SELECT id FROM (SELECT rowid AS id FROM enterprise_fts WHERE name {like} OR name_en {like} LIMIT ?5) \
                     UNION SELECT id FROM (SELECT id FROM enterprise INDEXED BY enterprise_local \
                       WHERE {LOCAL_ROWS} AND (name {like} OR name_en {like}) LIMIT ?4)"
                ),
                format!("%{escaped}%"),
                limit,
            )
        } else {
            (
                format!(
                    "SELECT id FROM (SELECT rowid AS id FROM enterprise_fts WHERE enterprise_fts MATCH ?1 LIMIT ?4) \
                     UNION SELECT id FROM (SELECT m.id FROM (SELECT rowid AS id FROM enterprise_fts WHERE enterprise_fts MATCH ?1 LIMIT ?5) m \
                       JOIN enterprise e ON e.id = m.id WHERE {LOCAL_ROWS} LIMIT ?4)"
                ),
                format!("\"{}\"", q.replace('"', "\"\"")),
                SEARCH_LOCAL_SCAN,
            )
        };
        let sql = format!(
            "WITH c(id) AS ({candidates} \
               UNION SELECT id FROM (SELECT id FROM enterprise WHERE name >= ?2 AND name < ?7 LIMIT ?4)) \
             SELECT e.id FROM c JOIN enterprise e ON e.id = c.id \
             ORDER BY (e.name = ?2 OR lower(coalesce(e.name_en, '')) = lower(?2)) DESC, \
               (e.name LIKE ?3 ESCAPE '\\' OR e.name_en LIKE ?3 ESCAPE '\\') DESC, \
               {LOCAL_ROWS} DESC, (e.flags & 1) DESC, coalesce(e.revenue, -1) DESC, coalesce(e.employees, -1) DESC, e.id \
             LIMIT ?6"
        );
        let pool = SEARCH_POOL.max(limit) as i64;
        let mut st = self.conn.prepare_cached(&sql)?;
        let ids: Vec<i64> = st
            .query_map(params![first, q, format!("{escaped}%"), pool, scan as i64, limit as i64, format!("{q}\u{10FFFF}")], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        self.enterprises_by_id(&ids)
    }

    fn upsert_parks(&mut self, parks: &[Park]) -> Result<WriteCounts> {
        self.upsert_docs(
            "park",
            parks,
            |p| p.id.clone(),
            |p| vec![p.kind.as_str().to_string().into(), (p.synthetic as i64).into()],
            &["kind", "synthetic"],
        )
    }
    fn parks(&self) -> Result<Vec<Park>> {
        self.docs("park", "rowid")
    }
    fn upsert_hubs(&mut self, hubs: &[Hub]) -> Result<WriteCounts> {
        self.upsert_docs("hub", hubs, |h| h.id.clone(), |_| vec![], &[])
    }
    fn hubs(&self) -> Result<Vec<Hub>> {
        self.docs("hub", "rowid")
    }
    fn upsert_projects(&mut self, projects: &[Project]) -> Result<WriteCounts> {
        // An import carries the pipeline fields a spreadsheet can hold. What it cannot (checklist, documents, next
        // steps) is kept from the stored record; the version is bumped and the new version logged, so an import
        // never silently replaces an edit: the edited version stays in the log.
        let tx = self.conn.transaction()?;
        let mut counts = WriteCounts::default();
        let at = now();
        {
            let mut get = tx.prepare("SELECT doc, version FROM project WHERE id = ?1")?;
            for p in projects {
                let old: Option<(String, i64)> = get.query_row([&p.id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
                let mut p = p.clone();
                let version = match &old {
                    Some((doc, v)) => {
                        let stored: Project = serde_json::from_str(doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                        if p.checklist.is_empty() {
                            p.checklist = stored.checklist.clone();
                        }
                        if p.documents.is_empty() {
                            p.documents = stored.documents.clone();
                        }
                        if p.next_steps.is_empty() {
                            p.next_steps = stored.next_steps.clone();
                        }
                        // A spreadsheet holds moves as stage@date; keep who moved and why when the moves are the same.
                        let same_moves = p.history.len() == stored.history.len()
                            && p.history.iter().zip(&stored.history).all(|(a, b)| a.stage == b.stage && a.date == b.date);
                        if same_moves {
                            p.history = stored.history.clone();
                        }
                        if p.start_deadline.is_none() {
                            p.start_deadline = stored.start_deadline;
                        }
                        p.version = stored.version;
                        if p == stored {
                            counts.unchanged += 1;
                            continue;
                        }
                        counts.updated += 1;
                        v + 1
                    }
                    None => {
                        counts.inserted += 1;
                        1
                    }
                };
                p.version = version;
                write_project(&tx, &p, &at, "import", "import", "")?;
            }
        }
        tx.commit()?;
        Ok(counts)
    }
    fn project(&self, id: &str) -> Result<Option<Project>> {
        let doc: Option<String> = self.conn.query_row("SELECT doc FROM project WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        doc.map(|d| serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()
    }
    fn save_project(&mut self, p: &Project, expected: Option<i64>, change: &crate::Change) -> Result<Project> {
        let tx = self.conn.transaction()?;
        let version = next_version(&tx, "project", &p.id, expected)?;
        let mut saved = p.clone();
        saved.version = version;
        write_project(&tx, &saved, &now(), &change.actor, &change.action, &change.summary)?;
        tx.commit()?;
        Ok(saved)
    }
    fn project_log(&self, id: &str) -> Result<Vec<crate::ProjectChange>> {
        let mut st =
            self.conn.prepare("SELECT version, at, actor, action, summary FROM project_log WHERE project_id = ?1 ORDER BY version, id")?;
        let rows = st.query_map([id], |r| {
            Ok(crate::ProjectChange { version: r.get(0)?, at: r.get(1)?, actor: r.get(2)?, action: r.get(3)?, summary: r.get(4)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
    fn project_version(&self, id: &str, version: i64) -> Result<Option<Project>> {
        let doc: Option<String> = self
            .conn
            .query_row(
                "SELECT doc FROM project_log WHERE project_id = ?1 AND version = ?2 ORDER BY id DESC LIMIT 1",
                params![id, version],
                |r| r.get(0),
            )
            .optional()?;
        doc.map(|d| serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()
    }
    fn projects(&self) -> Result<Vec<Project>> {
        self.docs("project", "id")
    }
    fn upsert_events(&mut self, events: &[Event]) -> Result<WriteCounts> {
        self.upsert_docs("event", events, |e| e.id.clone(), |_| vec![], &[])
    }
    fn events(&self) -> Result<Vec<Event>> {
        self.docs("event", "id")
    }
    fn edit_targets(&mut self, targets: &[Target], remove: &[Target]) -> Result<(WriteCounts, u64)> {
        let tx = self.conn.transaction()?;
        let mut counts = WriteCounts::default();
        let mut removed = 0u64;
        {
            let mut del = tx.prepare("DELETE FROM target WHERE year = ?1 AND scope = ?2 AND key = ?3 AND metric = ?4")?;
            for t in remove {
                removed += del.execute(params![t.year, t.scope.as_str(), t.key, t.metric])? as u64;
            }
            let mut get = tx.prepare("SELECT value FROM target WHERE year = ?1 AND scope = ?2 AND key = ?3 AND metric = ?4")?;
            let mut put = tx.prepare("INSERT OR REPLACE INTO target (year, scope, key, metric, value) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for t in targets {
                let old: Option<f64> = get.query_row(params![t.year, t.scope.as_str(), t.key, t.metric], |r| r.get(0)).optional()?;
                match old {
                    Some(v) if v == t.value => counts.unchanged += 1,
                    Some(_) => counts.updated += 1,
                    None => counts.inserted += 1,
                }
                put.execute(params![t.year, t.scope.as_str(), t.key, t.metric, t.value])?;
            }
        }
        tx.commit()?;
        Ok((counts, removed))
    }
    fn targets(&self) -> Result<Vec<Target>> {
        let mut st = self.conn.prepare("SELECT year, scope, key, metric, value FROM target ORDER BY year, scope, key, metric")?;
        let rows = st.query_map([], |r| {
            Ok(Target {
                year: r.get(0)?,
                scope: TargetScope::parse(&r.get::<_, String>(1)?).unwrap_or(TargetScope::City),
                key: r.get(2)?,
                metric: r.get(3)?,
                value: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn create_account(&mut self, a: &Account) -> Result<i64> {
        let exists: Option<i64> =
            self.conn.query_row("SELECT id FROM account WHERE username = ?1", [&a.username], |r| r.get(0)).optional()?;
        if exists.is_some() {
            return Err(StoreError::Exists(a.username.clone()));
        }
        self.conn.execute(
            "INSERT INTO account (username, display_name, password_hash, role, regions, department, enterprise_id, active, must_change, failed_logins, locked_until, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                a.username,
                a.display_name,
                a.password_hash,
                a.role.as_str(),
                a.regions.join(";"),
                a.department,
                a.enterprise_id,
                a.active,
                a.must_change,
                a.failed_logins,
                a.locked_until,
                if a.created_at.is_empty() { now() } else { a.created_at.clone() },
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }
    fn update_account(&mut self, a: &Account) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE account SET display_name = ?2, password_hash = ?3, role = ?4, regions = ?5, department = ?6, enterprise_id = ?7, \
             active = ?8, must_change = ?9, failed_logins = ?10, locked_until = ?11 WHERE id = ?1",
            params![
                a.id,
                a.display_name,
                a.password_hash,
                a.role.as_str(),
                a.regions.join(";"),
                a.department,
                a.enterprise_id,
                a.active,
                a.must_change,
                a.failed_logins,
                a.locked_until,
            ],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("account {}", a.id)));
        }
        Ok(())
    }
    fn account_by_name(&self, username: &str) -> Result<Option<Account>> {
        self.accounts_where("username = ?1", username)
    }
    fn account(&self, id: i64) -> Result<Option<Account>> {
        self.accounts_where("id = ?1", &id.to_string())
    }
    fn accounts(&self) -> Result<Vec<Account>> {
        let mut st = self.conn.prepare(&format!("{ACCOUNT_SELECT} ORDER BY id"))?;
        let rows = st.query_map([], account_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
    fn create_session(&mut self, token_hash: &str, account_id: i64, csrf: &str, expires_at: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO session (token_hash, account_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, account_id, csrf, now(), expires_at],
        )?;
        Ok(())
    }
    fn session(&self, token_hash: &str) -> Result<Option<(crate::Session, Account)>> {
        let row: Option<(i64, String, String, String)> = self
            .conn
            .query_row("SELECT account_id, csrf, created_at, expires_at FROM session WHERE token_hash = ?1", [token_hash], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((account_id, csrf, created_at, expires_at)) = row else { return Ok(None) };
        let Some(account) = self.account(account_id)? else { return Ok(None) };
        Ok(Some((crate::Session { account_id, csrf, created_at, expires_at }, account)))
    }
    fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        self.conn.execute("DELETE FROM session WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }
    fn delete_sessions_of(&mut self, account_id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM session WHERE account_id = ?1", [account_id])?;
        Ok(())
    }
    fn audit(&mut self, e: &crate::AuditEntry) -> Result<()> {
        self.conn.execute(
            "INSERT INTO audit (at, actor, action, target, detail, ip) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![if e.at.is_empty() { now() } else { e.at.clone() }, e.actor, e.action, e.target, e.detail, e.ip],
        )?;
        Ok(())
    }
    fn audit_log(&self, limit: usize) -> Result<Vec<crate::AuditEntry>> {
        let mut st = self.conn.prepare("SELECT at, actor, action, target, detail, ip FROM audit ORDER BY id DESC LIMIT ?1")?;
        let rows = st.query_map([limit as i64], |r| {
            Ok(crate::AuditEntry {
                at: r.get(0)?,
                actor: r.get(1)?,
                action: r.get(2)?,
                target: r.get(3)?,
                detail: r.get(4)?,
                ip: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn save_ticket(&mut self, t: &chainscope_model::Ticket, expected: Option<i64>) -> Result<chainscope_model::Ticket> {
        let tx = self.conn.transaction()?;
        let version = next_version(&tx, "ticket", &t.id, expected)?;
        let mut saved = t.clone();
        saved.version = version;
        let doc = serde_json::to_string(&saved).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        tx.execute(
            "INSERT OR REPLACE INTO ticket (id, enterprise_id, region_code, department, state, filed_at, doc, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![saved.id, saved.enterprise_id, saved.region_code, saved.department, saved.state.as_str(), saved.filed_at.to_string(), doc, version],
        )?;
        tx.commit()?;
        Ok(saved)
    }
    fn ticket(&self, id: &str) -> Result<Option<chainscope_model::Ticket>> {
        let doc: Option<String> = self.conn.query_row("SELECT doc FROM ticket WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        doc.map(|d| serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()
    }
    fn tickets(&self) -> Result<Vec<chainscope_model::Ticket>> {
        self.docs("ticket", "filed_at, id")
    }

    fn counts(&self) -> Result<KindCounts> {
        counts_of(&self.conn)
    }

    fn log_import(&mut self, kind: &str, file: &str, read: u64, c: WriteCounts, rejected: u64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO import_log (kind, file, started_at, read, inserted, updated, unchanged, rejected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![kind, file, now(), read as i64, c.inserted as i64, c.updated as i64, c.unchanged as i64, rejected as i64],
        )?;
        Ok(())
    }
}

/// The version a write of record `id` in `table` produces, inside the write's transaction. `expected` is the version
/// the writer read: `None` creates (refused if the record exists), `Some(v)` replaces version `v` (refused if the
/// record is missing or has moved on, so that no one silently overwrites another's change).
fn next_version(tx: &rusqlite::Transaction<'_>, table: &str, id: &str, expected: Option<i64>) -> Result<i64> {
    let current: Option<i64> = tx.query_row(&format!("SELECT version FROM {table} WHERE id = ?1"), [id], |r| r.get(0)).optional()?;
    match (expected, current) {
        (None, None) => Ok(1),
        (None, Some(_)) => Err(StoreError::Exists(id.to_string())),
        (Some(_), None) => Err(StoreError::NotFound(id.to_string())),
        (Some(e), Some(c)) if e != c => Err(StoreError::Conflict(id.to_string(), e, c)),
        (Some(_), Some(c)) => Ok(c + 1),
    }
}

/// Records by kind, on any connection to a store.
fn counts_of(conn: &Connection) -> Result<KindCounts> {
    let one = |sql: &str| -> Result<u64> { Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64) };
    Ok(KindCounts {
        regions: one("SELECT count(*) FROM region")?,
        enterprises: one("SELECT count(*) FROM enterprise")?,
        enterprises_synthetic: one("SELECT count(*) FROM enterprise WHERE synthetic = 1")?,
        memberships: one(
            "SELECT coalesce(sum(length(nodes) - length(replace(nodes, ';', '')) + 1), 0) FROM enterprise WHERE nodes IS NOT NULL",
        )?,
        parks: one("SELECT count(*) FROM park WHERE kind = 'park'")?,
        carriers: one("SELECT count(*) FROM park WHERE kind <> 'park'")?,
        hubs: one("SELECT count(*) FROM hub")?,
        projects: one("SELECT count(*) FROM project")?,
        events: one("SELECT count(*) FROM event")?,
        targets: one("SELECT count(*) FROM target")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(i: usize, name: &str, local: bool, revenue: Option<f64>) -> Enterprise {
        Enterprise {
            ext_id: Some(format!("s{i}")),
            country: "CN".into(),
            revenue,
            flags: Flags { local, ..Flags::default() },
            ..Enterprise::new(format!("ext:s{i}"), name.to_string())
        }
    }

    #[test]
    fn search_ranks_the_whole_name_then_its_start_then_local_firms_then_size() {
        let mut st = SqliteStore::open_in_memory().expect("store");
        // One whole name, then more outside names containing 液压 than the pool holds, then names starting with it and
        // the local firms: found only through the name index and the local rows, since the pool fills before them.
        let mut rows = vec![firm(3, "液压", false, None)];
        rows.extend((0..SEARCH_POOL + 300).map(|i| firm(100 + i, &format!("外地{i}液压件有限公司"), false, Some(1000.0 + i as f64))));
        rows.push(firm(1, "液压件有限公司研究院", false, None));
        rows.push(firm(2, "液压件有限公司", false, None));
        rows.push(firm(4, "徐州小型液压件有限公司", true, Some(5.0)));
        rows.push(firm(5, "徐州大型液压件有限公司", true, Some(50_000.0)));
        rows.push(Enterprise { name_en: Some("Xuzhou Hydraulic Works".into()), ..firm(6, "徐州液压厂", false, None) });
        rows.push(firm(7, "100%_液压", false, None));
        st.import_enterprises(&mut rows.into_iter(), &|| true).expect("import");
        let names =
            |q: &str, n: usize| -> Vec<String> { st.search_enterprises(q, n).expect("search").into_iter().map(|(_, e)| e.name).collect() };
        let outside = |i: usize| format!("外地{i}液压件有限公司");
        // Two characters (LIKE): the names read are the first `limit` (液压 and outside 0..=4), the names starting with
        // the text and the local ones.
        assert_eq!(
            names("液压", 6),
            ["液压", "液压件有限公司研究院", "液压件有限公司", "徐州大型液压件有限公司", "徐州小型液压件有限公司", &outside(4)]
        );
        // Three characters and more (the trigram index): the pool is outside 0..=1999; the whole name and the name
        // starting with the text come from the name index, the local firms from the local rows.
        assert_eq!(
            names("液压件有限公司", 5),
            ["液压件有限公司", "液压件有限公司研究院", "徐州大型液压件有限公司", "徐州小型液压件有限公司", &outside(SEARCH_POOL - 1)]
        );
        assert_eq!(names("大型液压件", 5), ["徐州大型液压件有限公司"]);
        // English names, in any case.
        assert_eq!(names("hydraulic WORKS", 5), ["徐州液压厂"]);
        assert_eq!(names("Xuzhou Hydraulic Works", 5), ["徐州液压厂"]);
        // % and _ are literal in both ways; a quote is only a character.
        assert_eq!(names("0%_", 5), ["100%_液压"]);
        assert_eq!(names("%_", 5), ["100%_液压"]);
        assert!(names("\"液压\"", 5).is_empty());
        assert!(names("  ", 5).is_empty() && names("液压", 0).is_empty());
    }

    #[test]
    fn local_rows_are_the_local_flag_and_are_read_through_the_index() {
        let local = Flags { local: true, ..Flags::default() };
        assert_eq!(u32::from(local.bits()), 16, "LOCAL_ROWS tests the bit Flags::local sets");
        assert_eq!(Flags::from_bits(16), local);
        let st = SqliteStore::open_in_memory().expect("store");
        let plan: Vec<String> = st
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN SELECT id FROM enterprise WHERE {LOCAL_ROWS} ORDER BY id"))
            .and_then(|mut q| q.query_map([], |r| r.get::<_, String>(3))?.collect())
            .expect("plan");
        assert!(plan.iter().any(|l| l.contains("enterprise_local")), "{plan:?}");
    }
}
