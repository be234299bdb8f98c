//! The bilingual summary page (`/summary`), the health check and the statistics the data was loaded with.

use crate::ServerState;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::Json;
use std::sync::Arc;

pub async fn health(State(s): State<Arc<ServerState>>) -> Json<serde_json::Value> {
    let data = s.data();
    Json(serde_json::json!({
        "status": "ok", "version": env!("CARGO_PKG_VERSION"), "data_version": data.version,
        "enterprises": data.snapshot.len, "snapshot_bytes": data.snapshot.column_bytes(),
        "cache": s.cache_figures(),
    }))
}

pub async fn stats(State(s): State<Arc<ServerState>>) -> Json<serde_json::Value> {
    Json(s.data().stats.clone())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub async fn index(State(s): State<Arc<ServerState>>) -> impl IntoResponse {
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
