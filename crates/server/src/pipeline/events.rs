//! Events (招商活动): fairs, matchmaking sessions and visits, each with what was signed at it.

use super::body::{body_object, date_field, text};
use super::{region_json, summary_json, today};
use crate::api::{known_params, names, ApiError, Params};
use crate::error::{Code, Path};
use crate::openapi::YEAR;
use crate::ServerState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chainscope_engine::pipeline as eng;
use chainscope_model::{Event, Project, Provenance, Taxonomy};
use chrono::Datelike;
use serde_json::{json, Value};
use std::sync::Arc;

pub(super) fn event_json(s: &ServerState, tax: &Taxonomy, projects: &[Project], e: &Event) -> Value {
    let st = eng::event_stats(projects, tax, &e.id);
    json!({
        "id": e.id, "name_zh": e.name_zh, "name_en": e.name_en, "kind": e.kind, "date": e.date, "city": e.city,
        "theme": e.theme, "organiser": e.organiser, "synthetic": e.synthetic,
        "participating_regions": e.regions.iter().map(|r| region_json(s, r)).collect::<Vec<_>>(),
        "signed": st.signed, "in_system": st.split.in_system, "in_system_pct": st.in_system_pct,
        "other": st.split.other, "other_pct": st.other_pct, "by_tier": tier_counts(tax, &st.split),
        "amount": st.amount,
        "signing_regions": st.regions.iter().map(|r| region_json(s, r)).collect::<Vec<_>>(),
        "signing_region_count": st.regions.len(),
    })
}

pub(super) fn tier_counts(tax: &Taxonomy, split: &eng::TierSplit) -> Vec<Value> {
    let mut tiers: Vec<_> = tax.tiers.iter().collect();
    tiers.sort_by_key(|t| t.order);
    tiers
        .iter()
        .map(|t| json!({"id": t.id, "name_zh": t.name_zh, "name_en": t.name_en, "count": split.by_tier.get(&t.id).copied().unwrap_or(0)}))
        .collect()
}

/// `GET /api/v1/events`: events of a year (or all), with what was signed at each.
pub async fn events(State(s): State<Arc<ServerState>>, q: Params) -> Result<Json<Value>, ApiError> {
    let p = q.0;
    known_params(&p, &names(&[YEAR]))?;
    let year = crate::params::year(&p, "year", crate::params::ANY_YEAR)?;
    let pl = s.pipeline();
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let mut evs: Vec<&Event> = pl.events.iter().filter(|e| year.is_none_or(|y| e.date.year() == y)).collect();
    evs.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
    Ok(Json(json!({"total": evs.len(), "items": evs.iter().map(|e| event_json(&s, tax, &pl.projects, e)).collect::<Vec<_>>()})))
}

/// `GET /api/v1/events/{id}`: one event, its statistics and the projects signed at it.
pub async fn event(State(s): State<Arc<ServerState>>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let pl = s.pipeline();
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let Some(e) = pl.events.iter().find(|e| e.id == id) else {
        return Err(Code::EventNotFound.msg(format!("没有活动 '{id}' / no event '{id}'")));
    };
    let mut v = event_json(&s, tax, &pl.projects, e);
    let t = today();
    v["projects"] = json!(pl
        .projects
        .iter()
        .filter(|p| p.event_id.as_deref() == Some(id.as_str()))
        .map(|p| summary_json(&s, tax, p, t))
        .collect::<Vec<_>>());
    Ok(Json(v))
}

const EVENT_FIELDS: &[(&str, &str)] = &[
    ("id", "string"),
    ("name_zh", "string"),
    ("name_en", "string"),
    ("kind", "string"),
    ("date", "string"),
    ("city", "string"),
    ("theme", "string"),
    ("organiser", "string"),
    ("regions", "array"),
];

/// `POST /api/v1/events`: record an event.
pub async fn create_event(State(s): State<Arc<ServerState>>, body: axum::body::Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let obj = body_object(&body, EVENT_FIELDS)?;
    let pl = s.pipeline();
    let data = s.data();
    let name_zh =
        text(&obj, "name_zh", 200)?.ok_or_else(|| Code::Missing.param("name_zh", "缺少必填项 'name_zh' / 'name_zh' is required"))?;
    let date = date_field(&obj, "date")?.ok_or_else(|| Code::Missing.param("date", "缺少必填项 'date' / 'date' is required"))?;
    let kind = text(&obj, "kind", 30)?.unwrap_or_else(|| "matchmaking".into());
    if !matches!(kind.as_str(), "fair" | "matchmaking" | "forum" | "visit" | "other") {
        return Err(Code::InvalidKind.param(
            "kind",
            format!("'{kind}' 应为 fair、matchmaking、forum、visit 或 other / '{kind}' is not fair, matchmaking, forum, visit or other"),
        ));
    }
    let mut regions = Vec::new();
    for r in obj.get("regions").and_then(Value::as_array).into_iter().flatten() {
        let code = r.as_str().unwrap_or_default().trim().to_string();
        if data.regions.get(data.regions.current_code(&code)).is_none() {
            return Err(Code::UnknownRegion.param("regions", format!("没有地区 '{code}' / no region '{code}'")));
        }
        regions.push(code);
    }
    let id = match text(&obj, "id", 60)? {
        Some(id) => id,
        None => format!("ev-{}-{:03}", date.format("%Y%m%d"), pl.events.len() + 1),
    };
    if pl.events.iter().any(|e| e.id == id) {
        return Err(Code::AlreadyExists.param("id", format!("活动 '{id}' 已存在 / event '{id}' exists")));
    }
    let e = Event {
        id,
        name_zh,
        name_en: text(&obj, "name_en", 200)?,
        kind,
        date,
        city: text(&obj, "city", 60)?,
        theme: text(&obj, "theme", 200)?,
        organiser: text(&obj, "organiser", 200)?,
        regions,
        provenance: Provenance { source: "chainscope".into(), as_of: Some(today()) },
        synthetic: false,
    };
    let ev = e.clone();
    s.with_store_mut(move |st| st.upsert_events(&[ev])).await?;
    s.reload_pipeline().await?;
    let pl = s.pipeline();
    Ok((StatusCode::CREATED, Json(event_json(&s, &data.snapshot.taxonomy, &pl.projects, &e))))
}
