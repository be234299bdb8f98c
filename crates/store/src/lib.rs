//! Persistence behind one interface, cut by concern: [`RecordStore`] (the dataset's settings and reference records),
//! [`EnterpriseStore`], [`PipelineStore`], [`AccountStore`] and [`ServiceStore`], all five together with
//! [`Interrupt`] (stopping a running query from another thread) [`Store`], and [`Maintenance`] for backups.
//! [`SqliteStore`] is the embedded default: one file, WAL mode, versioned migrations, every write in one
//! `BEGIN IMMEDIATE` transaction (writers on several connections queue for the write lock instead of failing), and
//! any number of read-only connections ([`SqliteStore::open_reader`]) beside the writer. Another back-end (PostgreSQL) implements the same traits without touching
//! callers; nothing of SQLite shows in the types here, errors included ([`StoreError`]).

mod error;
mod sqlite;
mod traits;

pub use error::{DbDetail, Result, StoreError};
pub use sqlite::SqliteStore;
pub use traits::{AccountStore, EnterpriseStore, Interrupt, Interrupter, Maintenance, PipelineStore, RecordStore, ServiceStore, Store};

/// Every trait of the store, for callers that hold a concrete back-end: `use chainscope_store::prelude::*;`.
pub mod prelude {
    pub use crate::{AccountStore, EnterpriseStore, Interrupt, Maintenance, PipelineStore, RecordStore, ServiceStore, Store};
}

use chainscope_model::enterprise::YearFigure;
use serde::Serialize;

/// What a write did, row by row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WriteCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl WriteCounts {
    pub fn add(&mut self, o: WriteCounts) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}

/// Who changed a record, and how (for the change log).
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub actor: String,
    /// `create`, `move`, `edit`, `checklist`, `import`, …
    pub action: String,
    /// One line for people: "签约 → 开工", "amount 12000 → 15000".
    pub summary: String,
}

/// One logged version of a project.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProjectChange {
    pub version: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub summary: String,
}

/// A signed-in session (the token itself is never stored, only its hash).
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub account_id: i64,
    pub csrf: String,
    pub created_at: String,
    pub expires_at: String,
}

/// One line of the audit log: a login, a logout, an account change or a write.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct AuditEntry {
    /// RFC 3339; empty = now.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

/// Record counts by kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KindCounts {
    pub regions: u64,
    pub enterprises: u64,
    pub enterprises_synthetic: u64,
    pub memberships: u64,
    pub parks: u64,
    pub carriers: u64,
    pub hubs: u64,
    pub projects: u64,
    pub events: u64,
    pub targets: u64,
}

/// What the analytics snapshot reads of one enterprise, typed: a back-end decodes its stored form before the row
/// reaches the caller. The slices are the back-end's buffers, reused from row to row.
#[derive(Debug, Clone, Copy)]
pub struct SnapshotRow<'a> {
    pub id: i64,
    /// Fine H3 cell, 0 when unlocated.
    pub h3: u64,
    pub region_code: Option<&'a str>,
    pub revenue: f64,
    pub employees: u32,
    pub capital: f64,
    /// 0 when unknown.
    pub founded_year: u16,
    pub flags: chainscope_model::Flags,
    pub synthetic: bool,
    /// The taxonomy nodes the enterprise is on, in the order of its memberships (their source and confidence are not
    /// read).
    pub nodes: &'a [&'a str],
    /// Its yearly figures, as stored.
    pub series: &'a [YearFigure],
}

impl SnapshotRow<'_> {
    /// The node ids this enterprise is on.
    pub fn node_ids(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().copied()
    }
}
