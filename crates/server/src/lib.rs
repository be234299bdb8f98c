//! HTTP server: the embedded web app (`web`), a bilingual summary page at `/summary` and the JSON API under
//! `/api/v1` over the engine's snapshot. Every route declares who may call it.

pub mod api;
pub mod auth;
pub mod leads;
pub mod market;
pub mod openapi;
pub mod pipeline;
pub mod records;
pub mod routes;
pub mod service;
pub mod siteplan;
pub mod web;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Json, Router};
use std::net::SocketAddr;
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
    pub service: Option<Arc<service::ServiceConfig>>,
    /// Targeting context, built on first use for this data.
    pub targeting: std::sync::OnceLock<Arc<leads::TargetingState>>,
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
    service: RwLock<Option<Arc<service::ServiceConfig>>>,
    /// Read access to full records (drill-down, profiles, search).
    records: Option<Mutex<Box<dyn chainscope_store::Store>>>,
    /// A separate connection for accounts, sessions and the audit log, so that signing in never waits for a long
    /// query on the records connection.
    accounts: Option<Mutex<Box<dyn chainscope_store::Store>>>,
    throttle: auth::Throttle,
    trusted_proxies: auth::TrustedProxies,
    cookie_secure: auth::CookieSecure,
    source: Option<Arc<dyn Source>>,
    refreshing: Mutex<()>,
}

impl ServerState {
    pub fn new(title_zh: impl Into<String>, title_en: impl Into<String>, data: Data) -> Self {
        Self {
            title_zh: title_zh.into(),
            title_en: title_en.into(),
            pipeline: RwLock::new(Arc::new(Pipeline::of(&data))),
            service: RwLock::new(data.service.clone()),
            data: RwLock::new(Arc::new(data)),
            records: None,
            accounts: None,
            throttle: auth::Throttle::default(),
            trusted_proxies: auth::TrustedProxies::default(),
            cookie_secure: auth::CookieSecure::default(),
            source: None,
            refreshing: Mutex::new(()),
        }
    }

    /// Give the server read access to the full records.
    pub fn with_records(mut self, store: Box<dyn chainscope_store::Store>) -> Self {
        self.records = Some(Mutex::new(store));
        self
    }

    /// Give the server its accounts connection (sign-in, sessions, audit). Without one, only public routes answer.
    pub fn with_account_store(mut self, store: Box<dyn chainscope_store::Store>) -> Self {
        self.accounts = Some(Mutex::new(store));
        self
    }

    /// Believe `X-Forwarded-For` from these reverse proxies (see [`auth::TrustedProxies`]).
    pub fn with_trusted_proxies(mut self, proxies: auth::TrustedProxies) -> Self {
        self.trusted_proxies = proxies;
        self
    }

    /// When the session cookie is `Secure` (see [`auth::CookieSecure`]).
    pub fn with_cookie_secure(mut self, mode: auth::CookieSecure) -> Self {
        self.cookie_secure = mode;
        self
    }

    /// Let the server reload its data when the source's version changes.
    pub fn with_source(mut self, source: Arc<dyn Source>) -> Self {
        self.source = Some(source);
        self
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
    }

    /// Read projects, events and targets anew from the record store (after a pipeline write).
    pub async fn reload_pipeline(self: &Arc<Self>) -> Result<(), api::ApiError> {
        let p = self.with_store(|st| Ok(Pipeline { projects: st.projects()?, events: st.events()?, targets: st.targets()? })).await?;
        self.set_pipeline(p);
        Ok(())
    }

    /// The service catalogue, calendar and policies, if this server has them.
    pub fn service(&self) -> Option<Arc<service::ServiceConfig>> {
        match self.service.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Replace the service settings (after an administrator edits the calendar).
    pub fn set_service(&self, cfg: service::ServiceConfig) {
        let cfg = Some(Arc::new(cfg));
        match self.service.write() {
            Ok(mut g) => *g = cfg,
            Err(p) => *p.into_inner() = cfg,
        }
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

    /// Run `f` on the record store with write access, on a blocking thread.
    pub async fn with_store_mut<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut dyn chainscope_store::Store) -> chainscope_store::Result<T> + Send + 'static,
    ) -> Result<T, api::ApiError> {
        let me = self.clone();
        let out = tokio::task::spawn_blocking(move || {
            let Some(m) = &me.records else {
                return Err(api::ApiError::unavailable("records_unavailable", "本服务器未配置记录库 / this server has no record store"));
            };
            let mut guard = match m.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            f(guard.as_mut()).map_err(|e| api::ApiError::internal(e.code(), e.to_string()))
        })
        .await;
        out.unwrap_or_else(|e| Err(api::ApiError::internal("task_failed", e.to_string())))
    }

    /// Run `f` on the record store, on a blocking thread.
    pub async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&dyn chainscope_store::Store) -> chainscope_store::Result<T> + Send + 'static,
    ) -> Result<T, api::ApiError> {
        self.with_store_mut(move |st| f(st)).await
    }
}

/// The whole server: every route of the table in [`routes`], behind the guard that applies each route's audience;
/// anything else is the web app (or the JSON 404 under `/api/`).
pub fn router(state: Arc<ServerState>) -> Router {
    routes::add_to(Router::new())
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard))
        .fallback(web::asset)
        // Boundaries, the taxonomy and heat cells are text that shrinks 5–10× on the wire (phones, slow intranets).
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .with_state(state)
}

async fn openapi_json() -> Json<serde_json::Value> {
    Json(openapi::document())
}

async fn health(State(s): State<Arc<ServerState>>) -> Json<serde_json::Value> {
    let data = s.data();
    Json(serde_json::json!({
        "status": "ok", "version": env!("CARGO_PKG_VERSION"), "data_version": data.version,
        "enterprises": data.snapshot.len, "snapshot_bytes": data.snapshot.column_bytes(),
    }))
}

async fn stats(State(s): State<Arc<ServerState>>) -> Json<serde_json::Value> {
    Json(s.data().stats.clone())
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(serde_json::json!({"error": {"code": "not_found", "message": "没有该路由 / no such route"}})))
        .into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn index(State(s): State<Arc<ServerState>>) -> impl IntoResponse {
    let data = s.data();
    let stats = &data.stats;
    let c = &stats["counts"];
    let mut tiers = String::new();
    for t in stats["tiers"].as_array().into_iter().flatten() {
        tiers.push_str(&format!(
            "<h2>{} <small>{}</small></h2><ul>",
            escape(t["name_zh"].as_str().unwrap_or("")),
            escape(t["name_en"].as_str().unwrap_or(""))
        ));
        for cl in t["clusters"].as_array().into_iter().flatten() {
            tiers.push_str(&format!(
                "<li>{} <small>{}</small> — 企业 {} · 本地 {} · 项目 {}</li>",
                escape(cl["name_zh"].as_str().unwrap_or("")),
                escape(cl["name_en"].as_str().unwrap_or("")),
                cl["enterprises"],
                cl["local_enterprises"],
                cl["projects"]
            ));
        }
        tiers.push_str("</ul>");
    }
    let demo = if stats["demo_data"].as_bool().unwrap_or(false) { "<p class=demo>演示数据 · Demo data</p>" } else { "" };
    let body = format!(
        "<!doctype html><html lang=zh-CN><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\">\
         <title>{t} · Chainscope</title><style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}}\
         .demo{{display:inline-block;background:#fff3bf;padding:.2rem .5rem;border-radius:.3rem}}small{{color:#555}}</style>\
         <h1>{t} <small>{te}</small></h1>{demo}<p>企业 {e} · 园区 {p} · 载体 {k} · 项目 {pr} · 活动 {ev}</p>{tiers}\
         <p><small>热力图与产业链视图即将上线 · The heat map and chain views are on their way. JSON: <a href=/api/v1/stats>/api/v1/stats</a></small></p></html>",
        t = escape(&s.title_zh),
        te = escape(&s.title_en),
        e = c["enterprises"],
        p = c["parks"],
        k = c["carriers"],
        pr = c["projects"],
        ev = c["events"],
    );
    ([(header::CACHE_CONTROL, "no-cache")], Html(body))
}

/// Serve until the process is stopped.
pub async fn serve(addr: SocketAddr, state: Arc<ServerState>) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    eprintln!("Chainscope 已启动 / listening on http://{}", listener.local_addr()?);
    if state.source.is_some() {
        let every = std::env::var("CHAINSCOPE_REFRESH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000u64);
        let watcher = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(every.max(50)));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                let s = watcher.clone();
                match tokio::task::spawn_blocking(move || s.refresh_if_changed()).await {
                    Ok(Err(e)) => tracing::warn!("reloading the data failed (the previous data stays in use): {e}"),
                    Err(e) => tracing::warn!("reload task failed: {e}"),
                    Ok(Ok(_)) => {}
                }
            }
        });
    }
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>()).await
}
