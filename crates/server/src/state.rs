//! What the server answers from: the loaded [`Data`] (snapshot, statistics, regions, parks, the pipeline and the
//! service settings), where it comes from ([`Source`]), and the [`ServerState`] that holds it, swaps it whole after a
//! reload and lends the record and account stores to handlers.
//!
//! The record store is several connections to one file: one writer ([`ServerState::with_store_mut`]) and a pool of
//! readers ([`ServerState::with_store`]), which in WAL mode run at the same time as each other and as the writer, so
//! a long search never holds up a look-up by id nor a write. A read whose request is dropped is interrupted.

mod pool;

use crate::error::{ApiError, Code};
use pool::Pool;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// Everything the server answers from, loaded together and swapped whole after a write.
pub struct Data {
    /// Changes whenever the stored data changes (see [`Source::version`]).
    pub version: String,
    pub snapshot: Arc<chainscope_engine::Snapshot>,
    pub stats: serde_json::Value,
    pub regions: Arc<chainscope_model::RegionRegistry>,
    pub parks: Vec<chainscope_model::Park>,
    pub hubs: Vec<chainscope_model::Hub>,
    pub projects: Vec<chainscope_model::Project>,
    pub events: Vec<chainscope_model::Event>,
    pub targets: Vec<chainscope_model::Target>,
    /// The service catalogue, working-day calendar and policies.
    pub service: Option<Arc<crate::service::ServiceConfig>>,
    /// Every enterprise name in memory, for the search (none when over its budget: the store searches then).
    pub names: Option<Arc<crate::names::NameIndex>>,
    /// Targeting context, built on first use for this data.
    pub targeting: std::sync::OnceLock<Arc<crate::leads::TargetingState>>,
}

impl Data {
    /// Data with only a snapshot and statistics (parks, hubs and projects empty).
    pub fn new(snapshot: chainscope_engine::Snapshot, stats: serde_json::Value, regions: chainscope_model::RegionRegistry) -> Self {
        Self {
            version: String::new(),
            snapshot: Arc::new(snapshot),
            stats,
            regions: Arc::new(regions),
            parks: Vec::new(),
            hubs: Vec::new(),
            projects: Vec::new(),
            events: Vec::new(),
            targets: Vec::new(),
            service: None,
            names: None,
            targeting: std::sync::OnceLock::new(),
        }
    }
}

/// The project pipeline as last read: projects, events and targets. Pipeline writes reload only this (cheap), not
/// the enterprise snapshot.
#[derive(Default)]
pub struct Pipeline {
    pub projects: Vec<chainscope_model::Project>,
    pub events: Vec<chainscope_model::Event>,
    pub targets: Vec<chainscope_model::Target>,
}

impl Pipeline {
    fn of(data: &Data) -> Self {
        Self { projects: data.projects.clone(), events: data.events.clone(), targets: data.targets.clone() }
    }
}

/// Where the data comes from, and how to tell that it changed.
pub trait Source: Send + Sync {
    /// A cheap token that differs after every write to the store.
    fn version(&self) -> Result<String, String>;
    /// Read everything anew.
    fn load(&self) -> Result<Data, String>;
}

/// What the server answers from. Readers clone the current [`Data`]'s `Arc` and never wait for a rebuild, which
/// happens on a blocking thread and is swapped in whole.
pub struct ServerState {
    pub title_zh: String,
    pub title_en: String,
    data: RwLock<Arc<Data>>,
    pipeline: RwLock<Arc<Pipeline>>,
    service: RwLock<Option<Arc<crate::service::ServiceConfig>>>,
    /// The one connection that writes records (pipeline, service desk, market items).
    writer: Option<Arc<Pool>>,
    /// Read-only connections for full records (drill-down, profiles, search); reads use the writer when there are
    /// none.
    readers: Option<Arc<Pool>>,
    /// A separate connection for accounts, sessions and the audit log, so that signing in never waits for a long
    /// query on the records connection.
    pub(crate) accounts: Option<Mutex<Box<dyn chainscope_store::Store>>>,
    pub(crate) throttle: crate::auth::Throttle,
    pub(crate) lockout: crate::lockout::Lockout,
    pub(crate) refusals: crate::refusals::Refusals,
    pub(crate) trusted_proxies: crate::auth::TrustedProxies,
    pub(crate) cookie_secure: crate::auth::CookieSecure,
    pub(crate) source: Option<Arc<dyn Source>>,
    refreshing: Mutex<()>,
    /// Counts every change of what the answers are built from: data reloads, pipeline writes, service settings.
    generation: AtomicU64,
    /// Public answers kept for the current generation.
    pub(crate) cache: crate::cache::AnswerCache,
}

impl ServerState {
    pub fn new(title_zh: impl Into<String>, title_en: impl Into<String>, data: Data) -> Self {
        Self {
            title_zh: title_zh.into(),
            title_en: title_en.into(),
            pipeline: RwLock::new(Arc::new(Pipeline::of(&data))),
            service: RwLock::new(data.service.clone()),
            data: RwLock::new(Arc::new(data)),
            writer: None,
            readers: None,
            accounts: None,
            throttle: crate::auth::Throttle::default(),
            lockout: crate::lockout::Lockout::default(),
            refusals: crate::refusals::Refusals::default(),
            trusted_proxies: crate::auth::TrustedProxies::default(),
            cookie_secure: crate::auth::CookieSecure::default(),
            source: None,
            refreshing: Mutex::new(()),
            generation: AtomicU64::new(1),
            cache: crate::cache::AnswerCache::default(),
        }
    }

    /// Give the server its record store: the connection that writes, and that reads too until
    /// [`ServerState::with_readers`] gives it connections for reading.
    pub fn with_records(mut self, writer: Box<dyn chainscope_store::Store>) -> Self {
        self.writer = Some(Arc::new(Pool::new(vec![writer])));
        self
    }

    /// Give the server connections to the same record store for reading only (opened read-only, e.g.
    /// `SqliteStore::open_reader`): as many reads run at once as there are readers. None given, reads share the
    /// writer.
    pub fn with_readers(mut self, readers: Vec<Box<dyn chainscope_store::Store>>) -> Self {
        self.readers = (!readers.is_empty()).then(|| Arc::new(Pool::new(readers)));
        self
    }

    /// How many record reads can run at once (0 without a record store).
    pub fn reader_count(&self) -> usize {
        self.readers.as_ref().or(self.writer.as_ref()).map_or(0, |p| p.len())
    }

    /// Give the server its accounts connection (sign-in, sessions, audit). Without one, only public routes answer.
    pub fn with_account_store(mut self, store: Box<dyn chainscope_store::Store>) -> Self {
        self.accounts = Some(Mutex::new(store));
        self
    }

    /// Believe `X-Forwarded-For` from these reverse proxies (see [`crate::auth::TrustedProxies`]).
    pub fn with_trusted_proxies(mut self, proxies: crate::auth::TrustedProxies) -> Self {
        self.trusted_proxies = proxies;
        self
    }

    /// When the session cookie is `Secure` (see [`crate::auth::CookieSecure`]).
    pub fn with_cookie_secure(mut self, mode: crate::auth::CookieSecure) -> Self {
        self.cookie_secure = mode;
        self
    }

    /// Let the server reload its data when the source's version changes.
    pub fn with_source(mut self, source: Arc<dyn Source>) -> Self {
        self.source = Some(source);
        self
    }

    /// Keep at most `bytes` of public answers (0 keeps none); the default is `CHAINSCOPE_CACHE_MB` MiB.
    pub fn with_cache_budget(mut self, bytes: usize) -> Self {
        self.cache = crate::cache::AnswerCache::with_budget(bytes);
        self
    }

    /// The generation of what answers are built from; it grows with every reload, pipeline write and settings change.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// What the answer cache holds.
    pub fn cache_figures(&self) -> crate::cache::CacheFigures {
        self.cache.figures()
    }

    fn bump(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The current data.
    pub fn data(&self) -> Arc<Data> {
        match self.data.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The current pipeline.
    pub fn pipeline(&self) -> Arc<Pipeline> {
        match self.pipeline.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_pipeline(&self, p: Pipeline) {
        let p = Arc::new(p);
        match self.pipeline.write() {
            Ok(mut g) => *g = p,
            Err(poisoned) => *poisoned.into_inner() = p,
        }
        self.bump();
    }

    /// Read projects, events and targets anew from the record store (after a pipeline write).
    pub async fn reload_pipeline(self: &Arc<Self>) -> Result<(), ApiError> {
        let p = self.with_store(|st| Ok(Pipeline { projects: st.projects()?, events: st.events()?, targets: st.targets()? })).await?;
        self.set_pipeline(p);
        Ok(())
    }

    /// The service catalogue, calendar and policies, if this server has them.
    pub fn service(&self) -> Option<Arc<crate::service::ServiceConfig>> {
        match self.service.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Replace the service settings (after an administrator edits the calendar).
    pub fn set_service(&self, cfg: crate::service::ServiceConfig) {
        let cfg = Some(Arc::new(cfg));
        match self.service.write() {
            Ok(mut g) => *g = cfg,
            Err(p) => *p.into_inner() = cfg,
        }
        self.bump();
    }

    /// Swap in new data; readers holding the old `Arc` finish on it.
    pub fn replace(&self, data: Data) {
        self.set_pipeline(Pipeline::of(&data));
        if data.service.is_some() {
            let cfg = data.service.clone();
            match self.service.write() {
                Ok(mut g) => *g = cfg,
                Err(p) => *p.into_inner() = cfg,
            }
        }
        let data = Arc::new(data);
        match self.data.write() {
            Ok(mut g) => *g = data,
            Err(poisoned) => *poisoned.into_inner() = data,
        }
        self.bump();
    }

    /// Reload when the source says the data changed. Blocking: call it off the async threads. Returns whether a
    /// reload happened; one reload runs at a time.
    pub fn refresh_if_changed(&self) -> Result<bool, String> {
        let Some(source) = &self.source else { return Ok(false) };
        let Ok(_guard) = self.refreshing.try_lock() else { return Ok(false) };
        let version = source.version()?;
        if version == self.data().version {
            return Ok(false);
        }
        let started = std::time::Instant::now();
        let data = source.load()?;
        tracing::info!(seconds = started.elapsed().as_secs_f64(), enterprises = data.snapshot.len, "data reloaded");
        self.replace(data);
        Ok(true)
    }

    /// Run `f` on the record store's writer, on a blocking thread, after the writes before it. A write runs to its
    /// end even when its request is dropped meanwhile, so that what is stored never depends on when a client hung up.
    pub async fn with_store_mut<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut dyn chainscope_store::Store) -> chainscope_store::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let Some(writer) = &self.writer else {
            return Err(Code::RecordsUnavailable.msg("本服务器未配置记录库 / this server has no record store"));
        };
        writer.run(false, f).await
    }

    /// Run `f` on a free reader of the record store, on a blocking thread. If the returned future is dropped before
    /// `f` ends (the client went away), `f`'s query is interrupted and the reader serves the next request.
    pub async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&dyn chainscope_store::Store) -> chainscope_store::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let Some(pool) = self.readers.as_ref().or(self.writer.as_ref()) else {
            return Err(Code::RecordsUnavailable.msg("本服务器未配置记录库 / this server has no record store"));
        };
        pool.run(true, move |st| f(st)).await
    }
}
