//! The store's interface, one trait per concern: the reference records (dataset settings, regions, parks, hubs,
//! market items), the enterprises, the investment pipeline (projects, events, targets), accounts with their sessions
//! and audit log, and the enterprise service desk. [`Store`] is all five; [`Maintenance`] is what an administrator
//! does to a whole store (its schema version, backups). A back-end implements each trait; callers name the narrowest
//! one they need.

use crate::{AuditEntry, Change, KindCounts, ProjectChange, Result, Session, SnapshotRow, WriteCounts};
use chainscope_model::enterprise::Fingerprinted;
use chainscope_model::{Account, Enterprise, Event, Hub, MarketItem, Park, Project, Region, Target, Ticket};
use std::path::Path;

/// The dataset's settings and reference records: metadata, the taxonomy's text, regions, parks, hubs, supply and
/// demand items, the counts by kind and the import log.
pub trait RecordStore: Send {
    fn meta(&self, key: &str) -> Result<Option<String>>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;

    fn taxonomy_toml(&self) -> Result<Option<String>>;
    fn set_taxonomy_toml(&mut self, toml: &str) -> Result<()>;

    fn upsert_regions(&mut self, regions: &[Region]) -> Result<WriteCounts>;
    fn regions(&self) -> Result<Vec<Region>>;

    fn upsert_parks(&mut self, parks: &[Park]) -> Result<WriteCounts>;
    fn parks(&self) -> Result<Vec<Park>>;
    fn upsert_hubs(&mut self, hubs: &[Hub]) -> Result<WriteCounts>;
    fn hubs(&self) -> Result<Vec<Hub>>;

    /// Store a supply or demand item (already checked); returns its id.
    fn add_market_item(&mut self, item: &MarketItem) -> Result<i64>;
    fn market_items(&self) -> Result<Vec<(i64, MarketItem)>>;
    /// Replace a stored post (its poster correcting it); false when there is no post `id`.
    fn update_market_item(&mut self, id: i64, item: &MarketItem) -> Result<bool>;

    fn counts(&self) -> Result<KindCounts>;
    /// Record an import in the log.
    fn log_import(&mut self, kind: &str, file: &str, read: u64, counts: WriteCounts, rejected: u64) -> Result<()>;
}

/// The enterprises: bulk import, full and partial reads, the analytics snapshot's scan, search.
pub trait EnterpriseStore: Send {
    /// Upsert enterprises whose fingerprints the caller computed (typically on the threads that parse them), in one
    /// transaction: all of them are stored, or (on error, crash, or when `commit` answers false once the rows are
    /// consumed) none, and `None` is returned. Matching is by natural id: USCC, then LEI, then external id, then the
    /// name key.
    fn import_fingerprinted(
        &mut self,
        rows: &mut dyn Iterator<Item = Fingerprinted>,
        commit: &dyn Fn() -> bool,
    ) -> Result<Option<WriteCounts>>;
    /// As [`EnterpriseStore::import_fingerprinted`], fingerprinting each record here.
    fn import_enterprises(&mut self, rows: &mut dyn Iterator<Item = Enterprise>, commit: &dyn Fn() -> bool) -> Result<Option<WriteCounts>> {
        self.import_fingerprinted(&mut rows.map(Fingerprinted::new), commit)
    }
    fn for_each_enterprise(&self, f: &mut dyn FnMut(Enterprise)) -> Result<()> {
        self.for_each_enterprise_with_id(&mut |_, e| f(e))
    }
    /// As [`EnterpriseStore::for_each_enterprise`], with each record's row id.
    fn for_each_enterprise_with_id(&self, f: &mut dyn FnMut(i64, Enterprise)) -> Result<()>;
    /// As [`EnterpriseStore::for_each_enterprise_with_id`], for the local enterprises only (those flagged as in the
    /// home city), read through an index: at a million records in the world the city's few thousand are read, not
    /// every one.
    fn for_each_local_enterprise(&self, f: &mut dyn FnMut(i64, Enterprise)) -> Result<()>;
    /// The few columns the analytics snapshot holds, for every enterprise in row-id order; much cheaper than
    /// [`EnterpriseStore::for_each_enterprise`]. A row lives only for the call of `f` it is passed to.
    fn for_each_snapshot_row(&self, f: &mut dyn FnMut(&SnapshotRow<'_>)) -> Result<()>;
    /// Full records by row id, in the order asked; ids that do not exist are left out.
    fn enterprises_by_id(&self, ids: &[i64]) -> Result<Vec<(i64, Enterprise)>>;
    /// Supplier and customer references (external id, USCC or LEI) to (row id, name), `None` when not stored.
    fn resolve_enterprise_refs(&self, refs: &[String]) -> Result<Vec<Option<(i64, String)>>>;
    /// Enterprises founded on or after `since` that name a parent, counted by the parent reference (for the
    /// "recent expansions" evidence of targeting).
    fn expansions_since(&self, since: chrono::NaiveDate) -> Result<Vec<(String, u32)>>;
    /// Enterprises whose Chinese or English name contains `query` (case-insensitive for Latin letters), best first:
    /// the whole name, then names starting with it, then local firms, chain leaders, revenue and employees.
    fn search_enterprises(&self, query: &str, limit: usize) -> Result<Vec<(i64, Enterprise)>>;
    /// Every enterprise's row id, Chinese name and English name, in row-id order (for a server's in-memory name
    /// search). The names live only for the call of `f`.
    fn for_each_name(&self, f: &mut dyn FnMut(i64, &str, Option<&str>)) -> Result<()>;
}

/// The investment pipeline: projects with their versions and change log, events, targets.
pub trait PipelineStore: Send {
    /// Import projects: new ones are inserted, changed ones get the next version; every written version is logged.
    fn upsert_projects(&mut self, projects: &[Project]) -> Result<WriteCounts>;
    fn projects(&self) -> Result<Vec<Project>>;
    fn project(&self, id: &str) -> Result<Option<Project>>;
    /// Write one project. `expected` is the version the writer read (`None` to create): if the stored version
    /// differs the write is refused with [`crate::StoreError::Conflict`] and nothing changes. Returns the project as
    /// stored, with its new version; the version is logged with `change`.
    fn save_project(&mut self, project: &Project, expected: Option<i64>, change: &Change) -> Result<Project>;
    /// Every logged version of a project, oldest first.
    fn project_log(&self, id: &str) -> Result<Vec<ProjectChange>>;
    /// A project as it was at one version.
    fn project_version(&self, id: &str, version: i64) -> Result<Option<Project>>;

    fn upsert_events(&mut self, events: &[Event]) -> Result<WriteCounts>;
    fn events(&self) -> Result<Vec<Event>>;

    fn upsert_targets(&mut self, targets: &[Target]) -> Result<WriteCounts> {
        self.edit_targets(targets, &[]).map(|(c, _)| c)
    }
    /// Write `set` and delete the targets named by `remove` (year, scope, key and metric; the value is ignored) in
    /// one transaction; returns the write counts and how many targets were deleted.
    fn edit_targets(&mut self, set: &[Target], remove: &[Target]) -> Result<(WriteCounts, u64)>;
    fn targets(&self) -> Result<Vec<Target>>;
}

/// Who may sign in: accounts, their sessions, and the audit log of what they did.
pub trait AccountStore: Send {
    /// Accounts: usernames are unique without regard to case ([`crate::StoreError::Exists`] otherwise).
    fn create_account(&mut self, account: &Account) -> Result<i64>;
    fn update_account(&mut self, account: &Account) -> Result<()>;
    fn account_by_name(&self, username: &str) -> Result<Option<Account>>;
    fn account(&self, id: i64) -> Result<Option<Account>>;
    fn accounts(&self) -> Result<Vec<Account>>;

    fn create_session(&mut self, token_hash: &str, account_id: i64, csrf: &str, expires_at: &str) -> Result<()>;
    /// The session with this token hash and its account.
    fn session(&self, token_hash: &str) -> Result<Option<(Session, Account)>>;
    fn delete_session(&mut self, token_hash: &str) -> Result<()>;
    fn delete_sessions_of(&mut self, account_id: i64) -> Result<()>;

    fn audit(&mut self, entry: &AuditEntry) -> Result<()>;
    /// The latest entries, newest first.
    fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>>;
}

/// The enterprise service desk: the requests enterprises file and departments answer.
pub trait ServiceStore: Send {
    /// Write a service request with optimistic versioning (as [`PipelineStore::save_project`]); returns it as
    /// stored.
    fn save_ticket(&mut self, ticket: &Ticket, expected: Option<i64>) -> Result<Ticket>;
    fn ticket(&self, id: &str) -> Result<Option<Ticket>>;
    /// Every request, oldest first.
    fn tickets(&self) -> Result<Vec<Ticket>>;
}

/// Stopping, from another thread, what a connection is doing: for a server whose client has gone away while its
/// query still runs.
pub trait Interrupt {
    /// A handle that stops the operation running on this connection at the time it is called: that operation fails
    /// with [`crate::StoreError::Interrupted`] (a write is rolled back whole). Called while nothing runs, it has no
    /// effect on the operations that start afterwards. The handle may be kept, moved to any thread and called any
    /// number of times; once the connection is closed, calling it does nothing.
    fn interrupter(&self) -> Interrupter;
}

/// What [`Interrupt::interrupter`] returns: a callback, cheap to clone, that names no back-end.
#[derive(Clone)]
pub struct Interrupter(std::sync::Arc<dyn Fn() + Send + Sync>);

impl Interrupter {
    /// A handle calling `stop`.
    pub fn new(stop: impl Fn() + Send + Sync + 'static) -> Self {
        Self(std::sync::Arc::new(stop))
    }

    /// Stop what the connection is doing now (see [`Interrupt::interrupter`]).
    pub fn interrupt(&self) {
        (self.0)()
    }
}

impl std::fmt::Debug for Interrupter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Interrupter")
    }
}

/// One persistence back-end: every concern of the store, and a way to interrupt it. Implemented for whatever
/// implements the five traits and [`Interrupt`].
pub trait Store: RecordStore + EnterpriseStore + PipelineStore + AccountStore + ServiceStore + Interrupt {}

impl<T: RecordStore + EnterpriseStore + PipelineStore + AccountStore + ServiceStore + Interrupt + ?Sized> Store for T {}

/// What an administrator does to a whole store, beside its records: its schema version and backups.
pub trait Maintenance {
    /// How many schema migrations the store has had.
    fn schema_version(&self) -> Result<i64>;
    /// A consistent copy of the whole store in one new file, taken while others read and write, checked before this
    /// returns with what the copy holds. An existing file is never overwritten ([`crate::StoreError::Exists`]).
    fn backup_to(&self, dest: &Path) -> Result<KindCounts>;
    /// Check a file before it replaces a store (`chainscope restore`): it is readable, intact, a Chainscope store of
    /// this back-end, and not written by a newer Chainscope. Returns its schema version; an older one is brought up
    /// to date when the restored store is first opened.
    fn check_backup(path: &Path) -> Result<i64>
    where
        Self: Sized;
}
