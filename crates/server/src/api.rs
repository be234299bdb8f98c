//! JSON API over the engine's snapshot. Handlers parse and check parameters, call one engine function and
//! serialise its answer; no business rules live here. Bad parameters are a 400 naming the parameter.

use crate::ServerState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chainscope_engine::chain::{chain_strength, leader_neighbours, Reference};
use chainscope_engine::heat::{heat, Grouping, HeatFilter, Weight};
use chainscope_engine::snapshot::AdminLevel;
use chainscope_engine::trends::{chain_trends, trend};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

use crate::error::Path;
pub use crate::error::{ApiError, Code};

pub(crate) type Params = Query<HashMap<String, String>>;

/// Comma-separated list parameter.
pub(crate) fn list(p: &HashMap<String, String>, key: &str) -> Vec<String> {
    p.get(key).map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()).unwrap_or_default()
}

pub(crate) fn number<T: std::str::FromStr>(p: &HashMap<String, String>, key: &str) -> Result<Option<T>, ApiError> {
    match p.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => {
            v.parse().map(Some).map_err(|_| Code::InvalidNumber.param(key, format!("'{v}' 不是有效的 {key} / '{v}' is not a valid {key}")))
        }
    }
}

pub(crate) fn boolean(p: &HashMap<String, String>, key: &str) -> Result<Option<bool>, ApiError> {
    match p.get(key).map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(v) => Err(Code::InvalidFlag.param(key, format!("'{v}' 应为 true 或 false / '{v}' is not true or false"))),
    }
}

pub(crate) fn known_params(p: &HashMap<String, String>, allowed: &[&str]) -> Result<(), ApiError> {
    // Control characters (a NUL, a line break) are in no name, code or date: refused here, before any reaches a query.
    if let Some((k, _)) = p.iter().find(|(k, v)| k.chars().chain(v.chars()).any(char::is_control)) {
        return Err(Code::ControlCharacter.param(k, format!("参数 '{k}' 含控制字符 / parameter '{k}' contains a control character")));
    }
    match p.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => {
            let allowed = allowed.join(", ");
            Err(Code::UnknownParameter
                .param(k, format!("未知参数 '{k}'（可用参数：{allowed}） / unknown parameter '{k}' (allowed: {allowed})")))
        }
        None => Ok(()),
    }
}

/// Names of the parameters a route accepts, from the tables that also generate the OpenAPI document.
pub(crate) fn names(tables: &[&[crate::openapi::Param]]) -> Vec<&'static str> {
    tables.iter().flat_map(|t| t.iter().map(|p| p.name)).collect()
}

/// The filters shared by heat, lists, markers, complexity and leads. A region must be known to the registry (a
/// retired code stands for its successor).
pub(crate) fn heat_filter(p: &HashMap<String, String>, regions: &chainscope_model::RegionRegistry) -> Result<HeatFilter, ApiError> {
    let region = crate::params::region(p, "region", regions)?;
    Ok(HeatFilter {
        tiers: list(p, "tier"),
        clusters: list(p, "cluster"),
        chains: list(p, "chain"),
        nodes: list(p, "node"),
        region,
        local: boolean(p, "local")?,
        employees_min: number(p, "employees_min")?,
        employees_max: number(p, "employees_max")?,
        founded_from: number(p, "founded_from")?,
        founded_to: number(p, "founded_to")?,
        flags: list(p, "flags"),
        synthetic: boolean(p, "synthetic")?,
        cell: match p.get("cell").map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => None,
            Some(c) => Some(
                u64::from_str_radix(c, 16)
                    .map_err(|_| Code::InvalidCell.param("cell", format!("'{c}' 不是 H3 网格编号 / '{c}' is not an H3 cell index")))?,
            ),
        },
    })
}

pub(crate) fn snapshot(s: &ServerState) -> Arc<chainscope_engine::Snapshot> {
    s.data().snapshot.clone()
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

/// H3 heat cells as a GeoJSON FeatureCollection, written straight into text: a world view at resolution 7 holds
/// about a hundred thousand hexagons, for which building a JSON tree first took longer than the heat itself.
/// Coordinates have six decimals (about 0.1 m), ample for a hexagon hundreds of metres across and half the bytes
/// of a full double.
fn geojson_text(cells: &[chainscope_engine::heat::HeatCell]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(64 + cells.len() * 300);
    out.push_str(r#"{"type":"FeatureCollection","features":["#);
    let mut first = true;
    for c in cells {
        let Some(ring) = u64::from_str_radix(&c.key, 16).ok().and_then(chainscope_engine::heat::cell_boundary) else { continue };
        let Some(&(lat0, lon0)) = ring.first() else { continue };
        if !first {
            out.push(',');
        }
        first = false;
        let value = serde_json::Number::from_f64(c.value).map_or_else(|| "null".to_string(), |n| n.to_string());
        // Cell keys are hex digits: nothing to escape.
        let _ = write!(
            out,
            r#"{{"type":"Feature","id":"{}","properties":{{"count":{},"value":{}}},"geometry":{{"type":"Polygon","coordinates":[["#,
            c.key, c.count, value
        );
        for (lat, lon) in ring.iter().chain(std::iter::once(&(lat0, lon0))) {
            let _ = write!(out, "[{lon:.6},{lat:.6}],");
        }
        out.pop(); // the last comma
        out.push_str("]]}}");
    }
    out.push_str("]}");
    out
}

/// `GET /api/v1/heat`: aggregated cells or units; `format=csv` or `format=geojson` (H3 only) for download.
pub async fn heat_map(State(s): State<Arc<ServerState>>, Query(p): Params) -> Result<Response, ApiError> {
    known_params(&p, &names(&[crate::openapi::FILTERS, crate::openapi::HEAT]))?;
    let filter = heat_filter(&p, &s.data().regions)?;
    let group = match p.get("group").map(String::as_str).unwrap_or("h3") {
        "h3" => Grouping::H3(number(&p, "res")?.unwrap_or(7)),
        "admin" => Grouping::Admin(admin_level(&p, AdminLevel::County)?),
        other => return Err(Code::InvalidGroup.param("group", format!("'{other}' 应为 h3 或 admin / '{other}' is not h3 or admin"))),
    };
    let weight = weight_param(&p)?;
    let snap = snapshot(&s);
    let cells = heat(&snap, &filter, group, weight).map_err(ApiError::from)?;
    match p.get("format").map(String::as_str).unwrap_or("json") {
        "json" => {
            let data = s.data();
            let named: Vec<serde_json::Value> = cells
                .iter()
                .map(|c| {
                    let mut v = json!({"key": c.key, "count": c.count, "value": c.value});
                    if matches!(group, Grouping::Admin(_)) {
                        if let Some(r) = data.regions.get(&c.key) {
                            v["name_zh"] = json!(r.name_zh);
                            v["name_en"] = json!(r.name_en);
                        }
                    }
                    v
                })
                .collect();
            Ok(Json(json!({"group": group, "weight": weight, "cells": named})).into_response())
        }
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
                return Err(Code::InvalidFormat.param("format", "GeoJSON 仅适用于 H3 网格，行政区划请用 json 或 csv / GeoJSON is available for H3 cells; use json or csv for administrative units",
                ));
            }
            Ok(([(header::CONTENT_TYPE, "application/geo+json")], geojson_text(&cells)).into_response())
        }
        other => {
            Err(Code::InvalidFormat.param("format", format!("'{other}' 应为 json、csv 或 geojson / '{other}' is not json, csv or geojson")))
        }
    }
}

/// `GET /api/v1/chains/{id}/strength?reference=province|country|world`.
pub async fn strength(
    State(s): State<Arc<ServerState>>,
    Path(id): Path<String>,
    Query(p): Params,
) -> Result<Json<serde_json::Value>, ApiError> {
    known_params(&p, &names(&[crate::openapi::STRENGTH]))?;
    let reference = Reference::parse(p.get("reference").map(String::as_str).unwrap_or("country")).map_err(ApiError::from)?;
    let snap = snapshot(&s);
    if snap.taxonomy.chain(&id).is_none() {
        return Err(Code::ChainNotFound.msg(format!("没有产业链 '{id}' / no chain '{id}'")));
    }
    let out = chain_strength(&snap, &id, reference).map_err(ApiError::from)?;
    Ok(Json(serde_json::to_value(out).unwrap_or_default()))
}

/// `GET /api/v1/chains/{id}/leaders`: local chain leaders with their upstream and downstream nodes.
pub async fn leaders(State(s): State<Arc<ServerState>>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let snap = snapshot(&s);
    if snap.taxonomy.chain(&id).is_none() {
        return Err(Code::ChainNotFound.msg(format!("没有产业链 '{id}' / no chain '{id}'")));
    }
    let out = leader_neighbours(&snap, &id).map_err(ApiError::from)?;
    Ok(Json(serde_json::to_value(out).unwrap_or_default()))
}

/// `GET /api/v1/trends?node=…|chain=…&region=…&from=…&to=…`: yearly new establishments and counts.
pub async fn trends(State(s): State<Arc<ServerState>>, Query(p): Params) -> Result<Json<serde_json::Value>, ApiError> {
    known_params(&p, &names(&[crate::openapi::TRENDS]))?;
    let from: u16 = number(&p, "from")?.unwrap_or(2010);
    let to: u16 = number(&p, "to")?.unwrap_or(2025);
    let region = crate::params::region(&p, "region", &s.data().regions)?;
    let region = region.as_deref();
    let snap = snapshot(&s);
    let out = match (p.get("node"), p.get("chain")) {
        (Some(node), None) => serde_json::to_value(vec![trend(&snap, node, region, from, to)?]),
        (None, Some(chain)) => serde_json::to_value(chain_trends(&snap, chain, region, from, to)?),
        _ => return Err(Code::MissingParameter.param("node", "node 和 chain 须给出且只能给出其中一个 / give exactly one of node or chain")),
    };
    Ok(Json(json!({"series": out.unwrap_or_default()})))
}

fn weight_param(p: &HashMap<String, String>) -> Result<Weight, ApiError> {
    Ok(match p.get("weight").map(String::as_str).unwrap_or("count") {
        "count" => Weight::Count,
        "revenue" => Weight::Revenue,
        "employees" => Weight::Employees,
        "capital" => Weight::Capital,
        other => {
            return Err(Code::InvalidWeight.param(
                "weight",
                format!("'{other}' 应为 count、revenue、employees 或 capital / '{other}' is not count, revenue, employees or capital"),
            ))
        }
    })
}

fn admin_level(p: &HashMap<String, String>, default: AdminLevel) -> Result<AdminLevel, ApiError> {
    Ok(match p.get("level").map(String::as_str) {
        None | Some("") => default,
        Some("country") => AdminLevel::Country,
        Some("province") => AdminLevel::Province,
        Some("prefecture") => AdminLevel::Prefecture,
        Some("county") => AdminLevel::County,
        Some(other) => {
            return Err(Code::InvalidLevel.param(
                "level",
                format!(
                    "'{other}' 应为 country、province、prefecture 或 county / '{other}' is not country, province, prefecture or county"
                ),
            ))
        }
    })
}

/// `GET /api/v1/complexity`: relatedness and complexity over the region × node matrix at a chosen level, digested
/// for a focus region (default: the home city's unit at that level): its ECI and rank, and for every node its RCA,
/// presence, density, COG and PCI — present nodes by RCA, then absent ones by density (what to extend into).
pub async fn complexity(State(s): State<Arc<ServerState>>, Query(p): Params) -> Result<Json<serde_json::Value>, ApiError> {
    use chainscope_engine::complexity::{ComplexityOptions, Diagonal};
    known_params(&p, &names(&[crate::openapi::FILTERS, crate::openapi::COMPLEXITY]))?;
    let filter = heat_filter(&p, &s.data().regions)?;
    let level = admin_level(&p, AdminLevel::Prefecture)?;
    let weight = weight_param(&p)?;
    let diagonal = match p.get("diagonal").map(String::as_str).unwrap_or("one") {
        "one" => Diagonal::One,
        "zero" => Diagonal::Zero,
        other => return Err(Code::InvalidDiagonal.param("diagonal", format!("'{other}' 应为 one 或 zero / '{other}' is not one or zero"))),
    };
    let data = s.data();
    let snap = data.snapshot.clone();
    let focus = match p.get("focus").filter(|f| !f.is_empty()) {
        Some(f) => data.regions.current_code(f).to_string(),
        None => {
            let home = snap.home_region.clone();
            let at = snap.regions.get(&home).and_then(|i| snap.regions.at(i, level)).map(|g| snap.regions.codes[g as usize].clone());
            at.ok_or_else(|| {
                Code::MissingParameter.param(
                    "focus",
                    "本市在该行政级别上没有唯一对应的单元，请给出 focus / the home city has no single unit at this level; give focus",
                )
            })?
        }
    };
    let opts = ComplexityOptions { proximity_diagonal: diagonal, ..ComplexityOptions::default() };
    let (digest, _) =
        tokio::task::spawn_blocking(move || chainscope_engine::relatedness::digest(&snap, &filter, level, weight, &focus, &opts))
            .await?
            .map_err(ApiError::from)?;
    let t = &data.snapshot.taxonomy;
    let name = |code: &str| data.regions.get(code).map(|r| json!({"name_zh": r.name_zh, "name_en": r.name_en}));
    let mut v = serde_json::to_value(&digest).unwrap_or_default();
    if let Some(views) = v.get_mut("node_views").and_then(|x| x.as_array_mut()) {
        for nv in views {
            if let Some(n) = nv.get("node").and_then(|x| x.as_str()).and_then(|id| t.node(id)) {
                nv["name_zh"] = json!(n.name_zh);
                nv["name_en"] = json!(n.name_en);
                nv["chain"] = json!(n.chain);
            }
        }
    }
    if let Some(rank) = v.get_mut("ranking").and_then(|x| x.as_array_mut()) {
        rank.truncate(50);
        for r in rank {
            if let Some(n) = r.get("region").and_then(|x| x.as_str()).and_then(name) {
                r["name"] = n;
            }
        }
    }
    v["focus_name"] = name(&digest.focus).unwrap_or_default();
    v["conventions"] = json!({
        "zh": "与 ecomplexity 0.5 默认一致：RCA ≥ 1 记为存在；邻近度对角线为 1（可选 0，同 Atlas）；ECI/PCI 取特征向量，符号使 ECI 与多样性正相关；PCI 按 ECI 的均值与标准差（ddof 0）标准化",
        "en": "as ecomplexity 0.5 by default: present when RCA ≥ 1; proximity diagonal 1 (0 optional, as the Atlas); ECI/PCI from the eigenvector, signed so ECI correlates positively with diversity; PCI normalised by ECI's mean and standard deviation (ddof 0)",
        "doc": "docs/complexity.md"
    });
    Ok(Json(v))
}
