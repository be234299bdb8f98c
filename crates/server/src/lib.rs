//! HTTP server: the embedded web app (`web`), a bilingual summary page at `/summary` and the JSON API under
//! `/api/v1` over the engine's snapshot. Every route declares who may call it.

pub mod api;
pub mod auth;
pub mod error;
pub mod leads;
pub mod market;
pub mod openapi;
pub mod params;
pub mod pipeline;
pub mod records;
pub mod service;
pub mod siteplan;
mod state;
pub mod summary;
pub mod web;

use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::net::SocketAddr;
use std::sync::Arc;

pub use state::{Data, Pipeline, ServerState, Source};

pub fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/summary", get(summary::index))
        .route("/api/v1/health", get(summary::health))
        .route("/api/v1/stats", get(summary::stats))
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/v1/taxonomy", get(api::taxonomy))
        .route("/api/v1/heat", get(api::heat_map))
        .route("/api/v1/chains/{id}/strength", get(api::strength))
        .route("/api/v1/chains/{id}/leaders", get(api::leaders))
        .route("/api/v1/trends", get(api::trends))
        .route("/api/v1/enterprises", get(records::list))
        .route("/api/v1/enterprises/{id}", get(records::enterprise))
        .route("/api/v1/markers", get(records::map_markers))
        .route("/api/v1/parks", get(records::parks))
        .route("/api/v1/parks/{id}", get(records::park))
        .route("/api/v1/hubs", get(records::hubs))
        .route("/api/v1/regions/{code}", get(records::region))
        .route("/api/v1/search", get(records::search))
        .route("/api/v1/complexity", get(api::complexity))
        .route("/api/v1/leads", get(leads::leads))
        .route("/api/v1/siteplan", get(siteplan::siteplan))
        .route("/api/v1/market/items", get(market::items).post(market::post))
        .route("/api/v1/market/items/{id}", get(market::item))
        .route("/api/v1/market/items/{id}/matches", get(market::matches))
        .route("/api/v1/projects", get(pipeline::projects::list).post(pipeline::projects::create))
        .route("/api/v1/projects/{id}", get(pipeline::projects::get).patch(pipeline::projects::patch))
        .route("/api/v1/projects/{id}/moves", axum::routing::post(pipeline::projects::move_stage))
        .route("/api/v1/projects/{id}/versions/{version}", get(pipeline::projects::version))
        .route("/api/v1/events", get(pipeline::events::events).post(pipeline::events::create_event))
        .route("/api/v1/events/{id}", get(pipeline::events::event))
        .route("/api/v1/targets", get(pipeline::targets::targets).put(pipeline::targets::put_targets))
        .route("/api/v1/dashboard", get(pipeline::dashboard::dashboard))
        .route("/api/v1/reports", get(pipeline::reports::report))
        .route("/api/v1/service/catalogue", get(service::catalogue).put(service::put_catalogue))
        .route("/api/v1/service/dashboard", get(service::dashboard))
        .route("/api/v1/tickets", get(service::list).post(service::create))
        .route("/api/v1/tickets/todo", get(service::todo))
        .route("/api/v1/tickets/{id}", get(service::get))
        .route("/api/v1/tickets/{id}/actions", axum::routing::post(service::act))
        .route("/api/v1/calendar", get(service::calendar).put(service::put_calendar))
        .route("/api/v1/policies", get(service::policies).put(service::put_policies))
        .route("/api/v1/policies/{id}/matches", get(service::policy_matches))
        .route("/api/v1/enterprises/{id}/policies", get(service::enterprise_policies))
        .route("/api/v1/auth/login", axum::routing::post(auth::login))
        .route("/api/v1/auth/logout", axum::routing::post(auth::logout))
        .route("/api/v1/auth/me", get(auth::me))
        .route("/api/v1/auth/password", axum::routing::post(auth::change_password))
        .route("/api/v1/auth/preferences", get(auth::preferences).put(auth::put_preferences))
        .route("/api/v1/users", get(auth::users).post(auth::create_user))
        .route("/api/v1/users/{id}", axum::routing::patch(auth::update_user))
        .route("/api/v1/users/{id}/reset", axum::routing::post(auth::reset_user))
        .route("/api/v1/audit", get(auth::audit_log))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard))
        .fallback(web::asset)
        // Boundaries, the taxonomy and heat cells are text that shrinks 5–10× on the wire (phones, slow intranets).
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .with_state(state)
}

async fn openapi_json() -> Json<serde_json::Value> {
    Json(openapi::document())
}

async fn not_found() -> Response {
    error::no_route().await.into_response()
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
