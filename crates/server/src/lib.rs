//! HTTP server: the embedded web app (`web`), a bilingual summary page at `/summary` and the JSON API under
//! `/api/v1` over the engine's snapshot. Every route declares who may call it.

pub mod api;
pub mod openapi;
pub mod web;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::net::SocketAddr;
use std::sync::Arc;

/// Who may call a route. Accounts arrive in their own issue and plug into this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    Officer,
    Department,
    Enterprise,
    Leader,
    Admin,
}

/// What the server answers from. The snapshot is swapped whole after a write; readers clone the `Arc` and never
/// wait for a rebuild.
pub struct ServerState {
    pub title_zh: String,
    pub title_en: String,
    pub stats: serde_json::Value,
    pub snapshot: std::sync::RwLock<Arc<chainscope_engine::Snapshot>>,
}

/// Route table with the access level of each route.
pub const ROUTES: &[(&str, Access)] = &[
    ("/", Access::Public),
    ("/summary", Access::Public),
    ("/{*asset}", Access::Public),
    ("/api/v1/health", Access::Public),
    ("/api/v1/stats", Access::Public),
    ("/api/openapi.json", Access::Public),
    ("/api/v1/taxonomy", Access::Public),
    ("/api/v1/heat", Access::Public),
    ("/api/v1/chains/{id}/strength", Access::Public),
    ("/api/v1/chains/{id}/leaders", Access::Public),
    ("/api/v1/trends", Access::Public),
];

pub fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/summary", get(index))
        .route("/api/v1/health", get(health))
        .route("/api/v1/stats", get(stats))
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/v1/taxonomy", get(api::taxonomy))
        .route("/api/v1/heat", get(api::heat_map))
        .route("/api/v1/chains/{id}/strength", get(api::strength))
        .route("/api/v1/chains/{id}/leaders", get(api::leaders))
        .route("/api/v1/trends", get(api::trends))
        .fallback(web::asset)
        .with_state(state)
}

async fn openapi_json() -> Json<serde_json::Value> {
    Json(openapi::document())
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

async fn stats(State(s): State<Arc<ServerState>>) -> Json<serde_json::Value> {
    Json(s.stats.clone())
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(serde_json::json!({"error": {"code": "not_found", "message": "no such route"}}))).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn index(State(s): State<Arc<ServerState>>) -> impl IntoResponse {
    let c = &s.stats["counts"];
    let mut tiers = String::new();
    for t in s.stats["tiers"].as_array().into_iter().flatten() {
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
    let demo = if s.stats["demo_data"].as_bool().unwrap_or(false) { "<p class=demo>演示数据 · Demo data</p>" } else { "" };
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
    axum::serve(listener, router(state)).await
}
