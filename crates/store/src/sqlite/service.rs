//! The service desk's requests in SQLite, versioned as projects are.

use super::{next_version, SqliteStore};
use crate::{Result, ServiceStore, StoreError};
use chainscope_model::Ticket;
use rusqlite::{params, OptionalExtension};

impl ServiceStore for SqliteStore {
    fn save_ticket(&mut self, t: &Ticket, expected: Option<i64>) -> Result<Ticket> {
        let tx = self.write_tx()?;
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

    fn ticket(&self, id: &str) -> Result<Option<Ticket>> {
        let doc: Option<String> = self.conn.query_row("SELECT doc FROM ticket WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        doc.map(|d| serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()
    }

    fn tickets(&self) -> Result<Vec<Ticket>> {
        self.docs("ticket", "filed_at, id")
    }
}
