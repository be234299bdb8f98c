//! JSON API over the engine's snapshot. Handlers parse and check parameters, call one engine function and
//! serialise its answer; no business rules live here. Bad parameters are a 400 naming the parameter.

use crate::ServerState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chainscope_engine::chain::{chain_strength, leader_neighbours, Reference};
use chainscope_engine::heat::{heat, Grouping, HeatFilter, Weight};
use chainscope_engine::snapshot::AdminLevel;
use chainscope_engine::trends::{chain_trends, trend};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

/// An error answer: `{"error": {"code", "message", "parameter"}}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub parameter: Option<String>,
}

impl ApiError {
    pub fn bad(parameter: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, code, message: message.into(), parameter: Some(parameter.to_string()) }
    }
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self { status: StatusCode::NOT_FOUND, code, message: message.into(), parameter: None }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"error": {"code": self.code, "message": self.message, "parameter": self.parameter}}))).into_response()
    }
}

type Params = Query<HashMap<String, String>>;

/// Comma-separated list parameter.
fn list(p: &HashMap<String, String>, key: &str) -> Vec<String> {
    p.get(key).map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()).unwrap_or_default()
}

fn number<T: std::str::FromStr>(p: &HashMap<String, String>, key: &str) -> Result<Option<T>, ApiError> {
    match p.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| ApiError::bad(key, "invalid_number", format!("'{v}' is not a valid {key}"))),
    }
}

fn boolean(p: &HashMap<String, String>, key: &str) -> Result<Option<bool>, ApiError> {
    match p.get(key).map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(v) => Err(ApiError::bad(key, "invalid_flag", format!("'{v}' is not true or false"))),
    }
}

fn known_params(p: &HashMap<String, String>, allowed: &[&str]) -> Result<(), ApiError> {
    match p.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad(k, "unknown_parameter", format!("unknown parameter '{k}' (allowed: {})", allowed.join(", ")))),
        None => Ok(()),
    }
}

/// Names of the parameters a route accepts, from the tables that also generate the OpenAPI document.
fn names(tables: &[&[crate::openapi::Param]]) -> Vec<&'static str> {
    tables.iter().flat_map(|t| t.iter().map(|p| p.name)).collect()
}

fn heat_filter(p: &HashMap<String, String>) -> Result<HeatFilter, ApiError> {
    Ok(HeatFilter {
        tiers: list(p, "tier"),
        clusters: list(p, "cluster"),
        chains: list(p, "chain"),
        nodes: list(p, "node"),
        region: p.get("region").map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
        local: boolean(p, "local")?,
        employees_min: number(p, "employees_min")?,
        employees_max: number(p, "employees_max")?,
        founded_from: number(p, "founded_from")?,
        founded_to: number(p, "founded_to")?,
        flags: list(p, "flags"),
        synthetic: boolean(p, "synthetic")?,
    })
}

fn snapshot(s: &ServerState) -> Arc<chainscope_engine::Snapshot> {
    match s.snapshot.read() {
        Ok(g) => g.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

/// `GET /api/v1/taxonomy`: tiers, clusters, chains and nodes with their supply edges.
pub async fn taxonomy(State(s): State<Arc<ServerState>>) -> Json<serde_json::Value> {
    let snap = snapshot(&s);
    let t = &snap.taxonomy;
    Json(json!({
        "tiers": t.tiers, "clusters": t.clusters, "chains": t.chains,
        "nodes": t.nodes.iter().map(|n| json!({
            "id": n.id, "chain": n.chain, "name_zh": n.name_zh, "name_en": n.name_en, "position": n.position,
            "layer": n.layer, "supplies": n.supplies, "enterprises": snap.node_rows[t.node_idx(&n.id).unwrap_or(0)].len(),
        })).collect::<Vec<_>>(),
    }))
}

/// `GET /api/v1/heat`: aggregated cells or units; `format=csv` or `format=geojson` (H3 only) for download.
pub async fn heat_map(State(s): State<Arc<ServerState>>, Query(p): Params) -> Result<Response, ApiError> {
    known_params(&p, &names(&[crate::openapi::FILTERS, crate::openapi::HEAT]))?;
    let filter = heat_filter(&p)?;
    let group = match p.get("group").map(String::as_str).unwrap_or("h3") {
        "h3" => Grouping::H3(number(&p, "res")?.unwrap_or(7)),
        "admin" => Grouping::Admin(match p.get("level").map(String::as_str).unwrap_or("county") {
            "country" => AdminLevel::Country,
            "province" => AdminLevel::Province,
            "prefecture" => AdminLevel::Prefecture,
            "county" => AdminLevel::County,
            other => {
                return Err(ApiError::bad("level", "invalid_level", format!("'{other}' is not country, province, prefecture or county")))
            }
        }),
        other => return Err(ApiError::bad("group", "invalid_group", format!("'{other}' is not h3 or admin"))),
    };
    let weight = match p.get("weight").map(String::as_str).unwrap_or("count") {
        "count" => Weight::Count,
        "revenue" => Weight::Revenue,
        "employees" => Weight::Employees,
        "capital" => Weight::Capital,
        other => return Err(ApiError::bad("weight", "invalid_weight", format!("'{other}' is not count, revenue, employees or capital"))),
    };
    let snap = snapshot(&s);
    let cells = heat(&snap, &filter, group, weight).map_err(|e| ApiError::bad(e.parameter(), e.code(), e.to_string()))?;
    match p.get("format").map(String::as_str).unwrap_or("json") {
        "json" => Ok(Json(json!({"group": group, "weight": weight, "cells": cells})).into_response()),
        "csv" => {
            let mut out = String::from("key,count,value\n");
            for c in &cells {
                out.push_str(&format!("{},{},{}\n", c.key, c.count, c.value));
            }
            Ok((
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"heat.csv\"")],
                out,
            )
                .into_response())
        }
        "geojson" => {
            if !matches!(group, Grouping::H3(_)) {
                return Err(ApiError::bad(
                    "format",
                    "invalid_format",
                    "GeoJSON is available for H3 cells; use json or csv for administrative units",
                ));
            }
            let features: Vec<serde_json::Value> = cells
                .iter()
                .filter_map(|c| {
                    let ring = chainscope_engine::heat::cell_boundary(u64::from_str_radix(&c.key, 16).ok()?)?;
                    let mut coords: Vec<[f64; 2]> = ring.iter().map(|(lat, lon)| [*lon, *lat]).collect();
                    coords.push(coords[0]);
                    Some(json!({"type": "Feature", "id": c.key, "properties": {"count": c.count, "value": c.value},
                                "geometry": {"type": "Polygon", "coordinates": [coords]}}))
                })
                .collect();
            Ok(([(header::CONTENT_TYPE, "application/geo+json")], Json(json!({"type": "FeatureCollection", "features": features})))
                .into_response())
        }
        other => Err(ApiError::bad("format", "invalid_format", format!("'{other}' is not json, csv or geojson"))),
    }
}

/// `GET /api/v1/chains/{id}/strength?reference=province|country|world`.
pub async fn strength(
    State(s): State<Arc<ServerState>>,
    Path(id): Path<String>,
    Query(p): Params,
) -> Result<Json<serde_json::Value>, ApiError> {
    known_params(&p, &names(&[crate::openapi::STRENGTH]))?;
    let reference = Reference::parse(p.get("reference").map(String::as_str).unwrap_or("country"))
        .map_err(|e| ApiError::bad(e.parameter(), e.code(), e.to_string()))?;
    let snap = snapshot(&s);
    if snap.taxonomy.chain(&id).is_none() {
        return Err(ApiError::not_found("unknown_chain", format!("no chain '{id}'")));
    }
    let out = chain_strength(&snap, &id, reference).map_err(|e| ApiError::bad(e.parameter(), e.code(), e.to_string()))?;
    Ok(Json(serde_json::to_value(out).unwrap_or_default()))
}

/// `GET /api/v1/chains/{id}/leaders`: local chain leaders with their upstream and downstream nodes.
pub async fn leaders(State(s): State<Arc<ServerState>>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let snap = snapshot(&s);
    if snap.taxonomy.chain(&id).is_none() {
        return Err(ApiError::not_found("unknown_chain", format!("no chain '{id}'")));
    }
    let out = leader_neighbours(&snap, &id).map_err(|e| ApiError::bad(e.parameter(), e.code(), e.to_string()))?;
    Ok(Json(serde_json::to_value(out).unwrap_or_default()))
}

/// `GET /api/v1/trends?node=…|chain=…&region=…&from=…&to=…`: yearly new establishments and counts.
pub async fn trends(State(s): State<Arc<ServerState>>, Query(p): Params) -> Result<Json<serde_json::Value>, ApiError> {
    known_params(&p, &names(&[crate::openapi::TRENDS]))?;
    let from: u16 = number(&p, "from")?.unwrap_or(2010);
    let to: u16 = number(&p, "to")?.unwrap_or(2025);
    let region = p.get("region").map(String::as_str).filter(|s| !s.is_empty());
    let snap = snapshot(&s);
    let map = |e: chainscope_engine::trends::TrendError| ApiError::bad(e.parameter(), e.code(), e.to_string());
    let out = match (p.get("node"), p.get("chain")) {
        (Some(node), None) => serde_json::to_value(vec![trend(&snap, node, region, from, to).map_err(map)?]),
        (None, Some(chain)) => serde_json::to_value(chain_trends(&snap, chain, region, from, to).map_err(map)?),
        _ => return Err(ApiError::bad("node", "missing_parameter", "give exactly one of node or chain")),
    };
    Ok(Json(json!({"series": out.unwrap_or_default()})))
}
