//! Accounts, sessions and the audit log in SQLite.

use super::{now, SqliteStore};
use crate::{AccountStore, AuditEntry, Result, Session, StoreError};
use chainscope_model::{Account, Role};
use rusqlite::{params, OptionalExtension};

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

impl AccountStore for SqliteStore {
    fn create_account(&mut self, a: &Account) -> Result<i64> {
        self.write(|tx| {
            let exists: Option<i64> =
                tx.query_row("SELECT id FROM account WHERE username = ?1", [&a.username], |r| r.get(0)).optional()?;
            if exists.is_some() {
                return Err(StoreError::Exists(a.username.clone()));
            }
            tx.execute(
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
            Ok(tx.last_insert_rowid())
        })
    }
    fn update_account(&mut self, a: &Account) -> Result<()> {
        let n = self.write(|tx| {
            Ok(tx.execute(
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
            )?)
        })?;
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
        self.write(|tx| {
            tx.execute(
                "INSERT INTO session (token_hash, account_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_hash, account_id, csrf, now(), expires_at],
            )?;
            Ok(())
        })
    }
    fn session(&self, token_hash: &str) -> Result<Option<(Session, Account)>> {
        let row: Option<(i64, String, String, String)> = self
            .conn
            .query_row("SELECT account_id, csrf, created_at, expires_at FROM session WHERE token_hash = ?1", [token_hash], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((account_id, csrf, created_at, expires_at)) = row else { return Ok(None) };
        let Some(account) = self.account(account_id)? else { return Ok(None) };
        Ok(Some((Session { account_id, csrf, created_at, expires_at }, account)))
    }
    fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM session WHERE token_hash = ?1", [token_hash])?;
            Ok(())
        })
    }
    fn delete_sessions_of(&mut self, account_id: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM session WHERE account_id = ?1", [account_id])?;
            Ok(())
        })
    }
    fn audit(&mut self, e: &AuditEntry) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO audit (at, actor, action, target, detail, ip) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![if e.at.is_empty() { now() } else { e.at.clone() }, e.actor, e.action, e.target, e.detail, e.ip],
            )?;
            Ok(())
        })
    }
    fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut st = self.conn.prepare("SELECT at, actor, action, target, detail, ip FROM audit ORDER BY id DESC LIMIT ?1")?;
        let rows = st.query_map([limit as i64], |r| {
            Ok(AuditEntry { at: r.get(0)?, actor: r.get(1)?, action: r.get(2)?, target: r.get(3)?, detail: r.get(4)?, ip: r.get(5)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
