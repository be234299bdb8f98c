//! The embedded SQLite store: one file, WAL mode, versioned migrations, every write in one `BEGIN IMMEDIATE`
//! transaction ([`SqliteStore::write_tx`]), read-only connections beside the writer ([`SqliteStore::open_reader`]).
//! This module opens and migrates the file and holds what every concern shares; each trait of the store is
//! implemented in the file of its concern (`records`, `enterprises` with `search` and `snapshot`, `pipeline`,
//! `accounts`, `service`, `maintenance`), and `codec` turns records into rows and back.

mod accounts;
mod codec;
mod enterprises;
mod maintenance;
mod pipeline;
mod records;
mod search;
mod service;
mod snapshot;

use crate::{Interrupt, Interrupter, Result, StoreError, WriteCounts};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};

/// How long a statement waits for a lock another connection holds (the write lock, or a checkpoint) before it gives
/// up with [`StoreError::Busy`]. Writers queue on the write lock for up to this long.
pub(crate) const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The page cache of a read-only connection of a server (KiB, as SQLite's negative `cache_size`): smaller than the
/// writer's, since a server holds several readers and the operating system caches the file once for all of them.
const READER_CACHE_KIB: i64 = 16384;

/// The local enterprises (`Flags::local`, bit 16), written exactly as the condition of the partial index
/// `enterprise_local` (migration 7) so that the planner reads the index.
const LOCAL_ROWS: &str = "(flags & 16) != 0";

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    concat!(include_str!("../../migrations/0002_search.sql"), include_str!("../../migrations/0002_search_triggers.sql")),
    include_str!("../../migrations/0003_market.sql"),
    include_str!("../../migrations/0004_pipeline.sql"),
    include_str!("../../migrations/0005_accounts.sql"),
    include_str!("../../migrations/0006_service.sql"),
    include_str!("../../migrations/0007_local_index.sql"),
    include_str!("../../migrations/0008_name_index.sql"),
];

/// The SQLite back-end of every store trait.
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

    /// Open a connection for reading only, beside the one that writes: the schema is brought up to date as by
    /// [`SqliteStore::open`], then the connection refuses every write (`PRAGMA query_only`) and keeps a smaller page
    /// cache. In WAL mode such readers run at the same time as each other and as the writer.
    pub fn open_reader(path: &Path) -> Result<Self> {
        let s = Self::open(path)?;
        s.conn.pragma_update(None, "query_only", true)?;
        s.conn.pragma_update(None, "cache_size", -READER_CACHE_KIB)?;
        Ok(s)
    }

    /// Wait up to `wait` for a lock another connection holds, instead of [`BUSY_WAIT`], before an operation fails
    /// with [`StoreError::Busy`].
    pub fn set_busy_wait(&self, wait: std::time::Duration) -> Result<()> {
        Ok(self.conn.busy_timeout(wait)?)
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
        // First, so that what follows (switching to WAL takes a lock) waits for another connection instead of failing.
        conn.busy_timeout(BUSY_WAIT)?;
        // Takes effect only on a new, empty file; wide enterprise rows fit better in 16 KiB pages.
        conn.pragma_update(None, "page_size", 16384)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let version: i64 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::TooNew(self.path.display().to_string(), version));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.write_tx()?;
            // Another connection may have run this step while this one waited for the write lock.
            let now_at: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if now_at > i as i64 {
                continue;
            }
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// A write transaction, `BEGIN IMMEDIATE`: it takes the write lock when it begins (waiting up to [`BUSY_WAIT`]
    /// for another writer to finish) rather than when it first writes. A deferred transaction that has read and then
    /// writes cannot wait: if another connection committed meanwhile, SQLite refuses it at once with "database is
    /// locked". Every write of this store goes through here.
    pub(super) fn write_tx(&mut self) -> Result<Transaction<'_>> {
        Ok(self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// Run `f` in one write transaction ([`SqliteStore::write_tx`]) and commit; on error nothing is written.
    pub(super) fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self.write_tx()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// The file this store is in (`:memory:` for an in-memory store).
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
        let tx = self.write_tx()?;
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

/// What SQLite says becomes a database error with a neutral message; SQLite's own text is kept as its source, for
/// the log. A lock still held by another connection after [`BUSY_WAIT`] is [`StoreError::Busy`] (worth retrying), a
/// statement stopped through [`Interrupt::interrupter`] is [`StoreError::Interrupted`].
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => StoreError::Busy(Box::new(e)),
            Some(rusqlite::ErrorCode::OperationInterrupted) => StoreError::Interrupted,
            _ => StoreError::db(e),
        }
    }
}

/// `sqlite3_interrupt` through rusqlite's handle, which may be used from any thread and does nothing once the
/// connection is closed. SQLite forgets an interrupt that arrives while no statement runs on the connection, once
/// the next statement starts.
impl Interrupt for SqliteStore {
    fn interrupter(&self) -> Interrupter {
        let handle = self.conn.get_interrupt_handle();
        Interrupter::new(move || handle.interrupt())
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
