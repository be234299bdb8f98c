//! Whole-store operations for administrators: the schema version, a consistent backup copy, and the check of a file
//! before it replaces a store.

use super::{records::counts_of, SqliteStore, MIGRATIONS};
use crate::{KindCounts, Maintenance, Result, StoreError};
use rusqlite::Connection;
use std::path::Path;

impl Maintenance for SqliteStore {
    fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// `VACUUM INTO` the new file, then `PRAGMA integrity_check` on the copy.
    fn backup_to(&self, dest: &Path) -> Result<KindCounts> {
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

    /// The file opens read-only, passes `PRAGMA integrity_check`, has the enterprise table and a `user_version` this
    /// program knows.
    fn check_backup(path: &Path) -> Result<i64> {
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
}
