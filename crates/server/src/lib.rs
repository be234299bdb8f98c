//! HTTP server: the embedded web app (`web`), a bilingual summary page at `/summary` and the JSON API under
//! `/api/v1` over the engine's snapshot. Every route declares who may call it.

pub mod api;
pub mod auth;
pub mod cache;
pub mod error;
pub mod leads;
pub mod limits;
pub mod lockout;
pub mod market;
pub mod names;
pub mod openapi;
pub mod params;
pub mod pipeline;
pub mod records;
mod refusals;
pub mod routes;
pub mod service;
pub mod siteplan;
pub mod source;
mod state;
pub mod summary;
pub mod web;

use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use std::net::SocketAddr;
use std::sync::Arc;

pub use state::{Data, Pipeline, ServerState, Source};

/// The whole server with the default [`limits::Limits`]: every route of the table in [`routes`], behind the guard
/// that applies each route's audience; anything else is the web app (or the JSON 404 under `/api/`).
pub fn router(state: Arc<ServerState>) -> Router {
    router_with(state, &limits::Limits::default())
}

/// The whole server with these limits (the rate limits and the request time-out are layers of the router; the
/// connection limits are applied by [`serve_on`]).
pub fn router_with(state: Arc<ServerState>, limits: &limits::Limits) -> Router {
    let throttles = Arc::new(limits::Throttles::new(state.clone(), limits));
    routes::add_to(Router::new())
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard))
        .fallback(web::asset)
        .method_not_allowed_fallback(error::wrong_method)
        // Inside the compression: what the framework refuses in plain text is made JSON before it is compressed.
        .layer(axum::middleware::from_fn(error::json_errors))
        // Boundaries, the taxonomy and heat cells are text that shrinks 5–10× on the wire (phones, slow intranets).
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        // Outside the compression, so that a kept answer is kept compressed.
        .layer(axum::middleware::from_fn_with_state(state.clone(), cache::layer))
        // Outside the cache: a kept answer is cheap, but a flood of them is not free, and counting every call of a
        // heavy route keeps the allowance simple to state.
        .layer(axum::middleware::from_fn_with_state(throttles, limits::throttle))
        // Outermost: the whole request, body included, within the request time-out.
        .layer(axum::middleware::from_fn_with_state(limits.request_timeout, limits::deadline))
        .with_state(state)
}

async fn openapi_json() -> Json<serde_json::Value> {
    Json(openapi::document())
}

async fn not_found() -> Response {
    error::no_route().await.into_response()
}

/// Serve until the process is stopped, with the limits the environment sets ([`limits::Limits::from_env`]).
pub async fn serve(addr: SocketAddr, state: Arc<ServerState>) -> std::io::Result<()> {
    let limits = limits::Limits::from_env().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state, limits).await
}

/// Serve on a bound listener with these limits until the process is stopped: reloads the data when it changes,
/// and serves each connection within the header, idle and request time-outs and the connection cap.
pub async fn serve_on(listener: tokio::net::TcpListener, state: Arc<ServerState>, limits: limits::Limits) -> std::io::Result<()> {
    tracing::info!("listening on http://{}", listener.local_addr()?);
    eprintln!("Chainscope 已启动 / listening on http://{}", listener.local_addr()?);
    let app = router_with(state.clone(), &limits);
    // The answers the map page asks for first are built before anyone asks, at start and after every reload.
    let (warm_state, first_app) = (state.clone(), app.clone());
    tokio::spawn(async move {
        cache::warm(warm_state.clone(), first_app).await;
        leads::prepare(&warm_state).await;
    });
    if state.source.is_some() {
        let every = std::env::var("CHAINSCOPE_REFRESH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000u64);
        let watcher = state.clone();
        let warm_app = app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(every.max(50)));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                let s = watcher.clone();
                match tokio::task::spawn_blocking(move || s.refresh_if_changed()).await {
                    Ok(Err(e)) => tracing::warn!("reloading the data failed (the previous data stays in use): {e}"),
                    Err(e) => tracing::warn!("reload task failed: {e}"),
                    Ok(Ok(true)) => {
                        cache::warm(watcher.clone(), warm_app.clone()).await;
                        // The fit may take minutes on a large store: it must not hold up the next reload check.
                        let w = watcher.clone();
                        tokio::spawn(async move { leads::prepare(&w).await });
                    }
                    Ok(Ok(false)) => {}
                }
            }
        });
    }
    limits::serve_connections(listener, app, limits).await
}
