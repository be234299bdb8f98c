//! Persistence behind one interface. [`SqliteStore`] is the embedded default: one file, WAL mode, versioned
//! migrations, every write in one transaction. A PostgreSQL implementation can follow behind the same
//! [`Store`] trait without touching callers.

mod sqlite;

pub use sqlite::{parse_series_blob, SqliteStore};

use chainscope_model::{Account, Enterprise, Event, Hub, Park, Project, Region, Target};
use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("数据库错误：{0} / database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{0} 处的数据库由更新版本的 Chainscope 写入（结构版本 {1}），请升级 Chainscope / the store at {0} was written by a newer Chainscope (schema version {1}); upgrade Chainscope")]
    TooNew(String, i64),
    #[error("存储的记录已损坏：{0} / stored record is corrupt: {0}")]
    Corrupt(String),
    #[error("无法创建数据目录 {0}：{1} / cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error("{0} 已被他人修改（应为版本 {1}，实为 {2}） / version conflict on {0}: it was changed by someone else (expected version {1}, found {2})")]
    Conflict(String, i64, i64),
    #[error("未找到：{0} / not found: {0}")]
    NotFound(String),
    #[error("已存在：{0} / already exists: {0}")]
    Exists(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Db(_) => "database_error",
            Self::TooNew(..) => "store_too_new",
            Self::Corrupt(_) => "store_corrupt",
            Self::DataDir(..) => "data_dir",
            Self::Conflict(..) => "version_conflict",
            Self::NotFound(_) => "not_found",
            Self::Exists(_) => "already_exists",
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

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

/// What the analytics snapshot reads of one enterprise.
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
    /// Memberships as stored: `node:source:confidence;…`.
    pub nodes: &'a str,
    /// Yearly figures as stored; read them with [`parse_series_blob`].
    pub series: &'a [u8],
}

impl SnapshotRow<'_> {
    /// The node ids this enterprise is on.
    pub fn node_ids(&self) -> impl Iterator<Item = &str> {
        self.nodes.split(';').filter_map(|m| m.rsplitn(3, ':').nth(2)).filter(|n| !n.is_empty())
    }
}

/// One persistence back-end.
pub trait Store: Send {
    fn meta(&self, key: &str) -> Result<Option<String>>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;

    fn taxonomy_toml(&self) -> Result<Option<String>>;
    fn set_taxonomy_toml(&mut self, toml: &str) -> Result<()>;

    fn upsert_regions(&mut self, regions: &[Region]) -> Result<WriteCounts>;
    fn regions(&self) -> Result<Vec<Region>>;

    /// Upsert enterprises in one transaction: all of them are stored, or (on error, crash, or when `commit`
    /// answers false once the rows are consumed) none, and `None` is returned. Matching is by natural id: USCC,
    /// then LEI, then external id, then the name key.
    fn import_enterprises(&mut self, rows: &mut dyn Iterator<Item = Enterprise>, commit: &dyn Fn() -> bool) -> Result<Option<WriteCounts>>;
    fn for_each_enterprise(&self, f: &mut dyn FnMut(Enterprise)) -> Result<()>;
    /// As [`Store::for_each_enterprise`], with each record's row id.
    fn for_each_enterprise_with_id(&self, f: &mut dyn FnMut(i64, Enterprise)) -> Result<()>;
    /// As [`Store::for_each_enterprise_with_id`], for the local enterprises only (those flagged as in the home city),
    /// read through an index: at a million records in the world the city's few thousand are read, not every one.
    fn for_each_local_enterprise(&self, f: &mut dyn FnMut(i64, Enterprise)) -> Result<()>;
    /// The few columns the analytics snapshot holds, for every enterprise in row-id order; much cheaper than
    /// [`Store::for_each_enterprise`].
    fn for_each_snapshot_row(&self, f: &mut dyn FnMut(&SnapshotRow<'_>)) -> Result<()>;
    /// Full records by row id, in the order asked; ids that do not exist are left out.
    fn enterprises_by_id(&self, ids: &[i64]) -> Result<Vec<(i64, Enterprise)>>;
    /// Supplier and customer references (external id, USCC or LEI) to (row id, name), `None` when not stored.
    fn resolve_enterprise_refs(&self, refs: &[String]) -> Result<Vec<Option<(i64, String)>>>;
    /// Store a supply or demand item (already checked); returns its id.
    fn add_market_item(&mut self, item: &chainscope_model::MarketItem) -> Result<i64>;
    fn market_items(&self) -> Result<Vec<(i64, chainscope_model::MarketItem)>>;
    /// Enterprises founded on or after `since` that name a parent, counted by the parent reference (for the
    /// "recent expansions" evidence of targeting).
    fn expansions_since(&self, since: chrono::NaiveDate) -> Result<Vec<(String, u32)>>;
    /// Enterprises whose Chinese or English name contains `query` (case-insensitive for Latin letters), best first:
    /// the whole name, then names starting with it, then local firms, chain leaders, revenue and employees.
    fn search_enterprises(&self, query: &str, limit: usize) -> Result<Vec<(i64, Enterprise)>>;

    fn upsert_parks(&mut self, parks: &[Park]) -> Result<WriteCounts>;
    fn parks(&self) -> Result<Vec<Park>>;
    fn upsert_hubs(&mut self, hubs: &[Hub]) -> Result<WriteCounts>;
    fn hubs(&self) -> Result<Vec<Hub>>;
    /// Import projects: new ones are inserted, changed ones get the next version; every written version is logged.
    fn upsert_projects(&mut self, projects: &[Project]) -> Result<WriteCounts>;
    fn projects(&self) -> Result<Vec<Project>>;
    fn project(&self, id: &str) -> Result<Option<Project>>;
    /// Write one project. `expected` is the version the writer read (`None` to create): if the stored version
    /// differs the write is refused with [`StoreError::Conflict`] and nothing changes. Returns the project as
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

    /// Accounts: usernames are unique without regard to case ([`StoreError::Exists`] otherwise).
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

    /// Write a service request with optimistic versioning (as [`Store::save_project`]); returns it as stored.
    fn save_ticket(&mut self, ticket: &chainscope_model::Ticket, expected: Option<i64>) -> Result<chainscope_model::Ticket>;
    fn ticket(&self, id: &str) -> Result<Option<chainscope_model::Ticket>>;
    /// Every request, oldest first.
    fn tickets(&self) -> Result<Vec<chainscope_model::Ticket>>;

    fn counts(&self) -> Result<KindCounts>;
    /// Record an import in the log.
    fn log_import(&mut self, kind: &str, file: &str, read: u64, counts: WriteCounts, rejected: u64) -> Result<()>;
}
