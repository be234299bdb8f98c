//! Records behind the numbers: enterprise lists for any heat filter or cell, enterprise, park and region profiles,
//! map markers, parks and hubs, and search across enterprises, parks, nodes and places. Aggregates come from the
//! snapshot; names and details come from the record store by row id.

use crate::api::{heat_filter, known_params, names, number, snapshot, ApiError, Params};
use crate::error::{Code, Path};
use crate::openapi::{FILTERS, LIST, MARKERS, PARKS, SEARCH};
use crate::params::{self, Paging};
use crate::{Data, ServerState};
use axum::extract::State;
use axum::Json;
use chainscope_engine::heat::{markers, rows, BBox};
use chainscope_engine::near::rows_near;
use chainscope_engine::snapshot::{NO_REGION, SYNTHETIC_BIT};
use chainscope_engine::{HeatFilter, Snapshot};
use chainscope_model::{Enterprise, Flags, Park, RegionLevel};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

fn flags_json(f: Flags) -> Value {
    json!({"chain_leader": f.chain_leader, "listed": f.listed, "srdi": f.srdi, "high_tech": f.high_tech, "local": f.local})
}

fn region_name(data: &Data, code: Option<&str>) -> Value {
    match code.and_then(|c| data.regions.get(data.regions.current_code(c))) {
        Some(r) => json!({"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "level": r.level}),
        None => json!({"code": code}),
    }
}

fn node_names(snap: &Snapshot, ids: impl Iterator<Item = String>) -> Vec<Value> {
    ids.map(|id| match snap.taxonomy.node(&id) {
        Some(n) => json!({"id": n.id, "chain": n.chain, "name_zh": n.name_zh, "name_en": n.name_en, "position": n.position}),
        None => json!({"id": id}),
    })
    .collect()
}

/// The short form of a record, for lists.
fn summary(data: &Data, id: i64, e: &Enterprise) -> Value {
    json!({
        "id": id, "name": e.name, "name_en": e.name_en, "region": region_name(data, e.region_code.as_deref()),
        "country": e.country, "lat": e.lat, "lon": e.lon,
        "nodes": node_names(&data.snapshot, e.memberships.iter().map(|m| m.node.clone())),
        "revenue": e.revenue, "employees": e.employees, "registered_capital": e.registered_capital,
        "founded": e.founded, "flags": flags_json(e.flags), "synthetic": e.synthetic,
    })
}

fn sort_key(snap: &Snapshot, r: u32, by: &str) -> f64 {
    let r = r as usize;
    match by {
        "revenue" => snap.revenue[r] as f64,
        "employees" => snap.employees[r] as f64,
        "capital" => snap.capital[r] as f64,
        // Newest first; undated (0) last.
        _ => match snap.founded[r] {
            0 => f64::NEG_INFINITY,
            y => y as f64,
        },
    }
}

/// Row order for lists: biggest (or newest) first by the chosen measure.
fn sort_rows(snap: &Snapshot, rows: &mut [u32], by: &str) -> Result<(), ApiError> {
    let key = |r: &u32| sort_key(snap, *r, by);
    match by {
        "revenue" | "employees" | "capital" | "founded" => {
            rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.cmp(b)));
            Ok(())
        }
        other => Err(Code::InvalidSort.param(
            "sort",
            format!("'{other}' 应为 revenue、employees、capital 或 founded / '{other}' is not revenue, employees, capital or founded"),
        )),
    }
}

fn page(p: &HashMap<String, String>) -> Result<(usize, usize), ApiError> {
    let page = Paging::parse(p, 50, 500)?;
    Ok((page.limit, page.offset))
}

async fn summaries(s: &Arc<ServerState>, data: &Arc<Data>, rows: &[u32]) -> Result<Vec<Value>, ApiError> {
    let snap = data.snapshot.clone();
    let ids: Vec<i64> = rows.iter().map(|&r| snap.ids[r as usize] as i64).collect();
    let found = s.with_store(move |st| st.enterprises_by_id(&ids)).await?;
    Ok(found.iter().map(|(id, e)| summary(data, *id, e)).collect())
}

/// `GET /api/v1/enterprises`: the records behind any heat figure (same filters, plus `cell`), biggest first.
pub async fn list(State(s): State<Arc<ServerState>>, axum::extract::Query(p): Params) -> Result<Json<Value>, ApiError> {
    known_params(&p, &names(&[FILTERS, LIST]))?;
    let filter = heat_filter(&p, &s.data().regions)?;
    let (limit, offset) = page(&p)?;
    let data = s.data();
    let mut found = match p.get("park").filter(|v| !v.is_empty()) {
        None => rows(&data.snapshot, &filter).map_err(ApiError::from)?,
        Some(id) => {
            let pk = data
                .parks
                .iter()
                .find(|x| &x.id == id)
                .ok_or_else(|| Code::UnknownPark.param("park", format!("没有园区 '{id}' / no park '{id}'")))?;
            match (pk.lat, pk.lon) {
                (Some(lat), Some(lon)) => rows_near(&data.snapshot, &filter, lat, lon, park_radius_km(pk))
                    .map_err(ApiError::from)?
                    .into_iter()
                    .map(|x| x.0)
                    .collect(),
                _ => Vec::new(),
            }
        }
    };
    let total = found.len();
    let by = p.get("sort").map(String::as_str).unwrap_or("revenue");
    sort_rows(&data.snapshot, &mut [], by)?;
    // Only the rows up to the end of the page need ordering.
    let end = (offset + limit).min(found.len());
    if end > 0 && end < found.len() {
        let snap = &data.snapshot;
        let key = |r: u32| sort_key(snap, r, by);
        found.select_nth_unstable_by(end - 1, |a, b| key(*b).total_cmp(&key(*a)).then(a.cmp(b)));
        found.truncate(end);
    }
    sort_rows(&data.snapshot, &mut found, by)?;
    let chosen: Vec<u32> = found.into_iter().skip(offset).take(limit).collect();
    let items = summaries(&s, &data, &chosen).await?;
    Ok(Json(json!({"total": total, "offset": offset, "limit": limit, "sort": by, "items": items})))
}

fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse::<i64>().map_err(|_| Code::InvalidId.param("id", format!("'{id}' 不是有效的企业编号 / '{id}' is not an enterprise id")))
}

/// `GET /api/v1/enterprises/{id}`: one record with its region, nodes, yearly figures and resolved partners.
/// Personal fields (legal representative, phone) are not served.
pub async fn enterprise(State(s): State<Arc<ServerState>>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    let (e, suppliers, customers, parent) = s
        .with_store(move |st| {
            let Some((_, e)) = st.enterprises_by_id(&[id])?.into_iter().next() else { return Ok(None) };
            let sup = st.resolve_enterprise_refs(&e.suppliers)?;
            let cus = st.resolve_enterprise_refs(&e.customers)?;
            let parent = match &e.parent {
                Some(p) => st.resolve_enterprise_refs(std::slice::from_ref(p))?.pop().flatten(),
                None => None,
            };
            Ok(Some((e, sup, cus, parent)))
        })
        .await?
        .ok_or_else(|| Code::EnterpriseNotFound.msg(format!("没有企业 {id} / no enterprise {id}")))?;
    let data = s.data();
    let snap = &data.snapshot;
    let partners = |refs: &[String], found: Vec<Option<(i64, String)>>| -> Vec<Value> {
        refs.iter()
            .zip(found)
            .map(|(r, f)| match f {
                Some((pid, name)) => json!({"ref": r, "id": pid, "name": name}),
                None => json!({"ref": r}),
            })
            .collect()
    };
    let ancestors: Vec<Value> = match e.region_code.as_deref() {
        Some(c) => data
            .regions
            .ancestors(data.regions.current_code(c))
            .map(|r| json!({"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "level": r.level}))
            .collect(),
        None => Vec::new(),
    };
    let memberships: Vec<Value> = e
        .memberships
        .iter()
        .map(|m| {
            let n = snap.taxonomy.node(&m.node);
            let chain = n.and_then(|n| snap.taxonomy.chain(&n.chain));
            json!({
                "node": m.node, "name_zh": n.map(|n| &n.name_zh), "name_en": n.map(|n| &n.name_en),
                "position": n.map(|n| n.position), "chain": n.map(|n| &n.chain),
                "chain_name_zh": chain.map(|c| &c.name_zh), "chain_name_en": chain.map(|c| &c.name_en),
                "cluster": snap.taxonomy.cluster_of_node(&m.node).map(|c| &c.id),
                "source": m.source, "confidence": m.confidence,
            })
        })
        .collect();
    Ok(Json(json!({
        "id": id, "name": e.name, "name_en": e.name_en, "uscc": e.uscc, "lei": e.lei, "ext_id": e.ext_id,
        "address": e.address, "country": e.country, "region": region_name(&data, e.region_code.as_deref()), "region_path": ancestors,
        "lat": e.lat, "lon": e.lon, "coord_precision": e.coord_precision,
        "industry_code": e.industry_code, "industry_version": e.industry_version, "scope": e.scope, "products": e.products,
        "founded": e.founded, "registered_capital": e.registered_capital, "revenue": e.revenue, "employees": e.employees,
        "flags": flags_json(e.flags),
        "parent": e.parent.as_ref().map(|r| match &parent { Some((pid, name)) => json!({"ref": r, "id": pid, "name": name}), None => json!({"ref": r}) }),
        "memberships": memberships, "series": e.series,
        "suppliers": partners(&e.suppliers, suppliers), "customers": partners(&e.customers, customers),
        "provenance": e.provenance, "synthetic": e.synthetic,
    })))
}

/// `GET /api/v1/markers`: enterprise markers in a map view, clustered by H3 cell at the zoom's resolution.
pub async fn map_markers(State(s): State<Arc<ServerState>>, axum::extract::Query(p): Params) -> Result<Json<Value>, ApiError> {
    known_params(&p, &names(&[FILTERS, MARKERS]))?;
    let filter = heat_filter(&p, &s.data().regions)?;
    let raw = p.get("bbox").ok_or_else(|| {
        Code::MissingParameter.param("bbox", "须给出 bbox=west,south,east,north / bbox=west,south,east,north is required")
    })?;
    let v: Vec<f64> = raw.split(',').map(|x| x.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| bad_bbox(raw))?;
    let [west, south, east, north] = v[..] else { return Err(bad_bbox(raw)) };
    if !(v.iter().all(|x| x.is_finite()) && west < east && south < north && (-90.0..=90.0).contains(&south) && north <= 90.0) {
        return Err(bad_bbox(raw));
    }
    let zoom: f64 = number(&p, "zoom")?.unwrap_or(10.0);
    if !(0.0..=22.0).contains(&zoom) {
        return Err(Code::InvalidZoom.param("zoom", "zoom 应在 0 到 22 之间 / zoom must be between 0 and 22"));
    }
    let limit = params::limit(&p, 2000, 10_000)?;
    let data = s.data();
    let snap = data.snapshot.clone();
    let (ms, truncated) = markers(&snap, &filter, BBox { west, south, east, north }, zoom, limit).map_err(ApiError::from)?;
    // Names for single markers, so a click shows who it is.
    let singles: Vec<i64> = ms.iter().filter_map(|m| m.row).map(|r| snap.ids[r as usize] as i64).collect();
    let named: HashMap<i64, String> = if singles.is_empty() {
        HashMap::new()
    } else {
        s.with_store(move |st| st.enterprises_by_id(&singles)).await?.into_iter().map(|(id, e)| (id, e.name)).collect()
    };
    let out: Vec<Value> = ms
        .iter()
        .map(|m| {
            let id = m.row.map(|r| snap.ids[r as usize] as i64);
            json!({"lat": m.lat, "lon": m.lon, "count": m.count, "cell": m.cell, "id": id,
                   "name": id.and_then(|i| named.get(&i))})
        })
        .collect();
    Ok(Json(json!({"resolution": chainscope_engine::heat::marker_resolution(zoom), "truncated": truncated, "markers": out})))
}

fn bad_bbox(raw: &str) -> ApiError {
    Code::InvalidBbox
        .param("bbox", format!("'{raw}' 不是以度为单位的 west,south,east,north / '{raw}' is not west,south,east,north in degrees"))
}

fn park_json(p: &Park) -> Value {
    park_json_for(p, false)
}

/// A park as JSON; contact details only for signed-in officers, leaders and administrators.
fn park_json_for(p: &Park, contacts: bool) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        if !contacts {
            o.remove("contact_name");
            o.remove("contact_phone");
        }
        o.insert("kind_zh".into(), json!(p.kind.label_zh()));
        o.insert("kind_en".into(), json!(p.kind.label_en()));
        o.insert("has_space".into(), json!(p.has_space()));
    }
    v
}

/// `GET /api/v1/parks`: parks and carrier platforms, optionally by kind, region or available space.
pub async fn parks(State(s): State<Arc<ServerState>>, axum::extract::Query(p): Params) -> Result<Json<Value>, ApiError> {
    known_params(&p, &names(&[PARKS]))?;
    let data = s.data();
    let kinds = crate::api::list(&p, "kind");
    for k in &kinds {
        chainscope_model::ParkKind::parse(k)
            .map_err(|_| Code::InvalidKind.param("kind", format!("'{k}' 不是园区类型 / '{k}' is not a park kind")))?;
    }
    let region = params::region(&p, "region", &data.regions)?;
    let space = crate::api::boolean(&p, "has_space")?;
    let items: Vec<Value> = data
        .parks
        .iter()
        .filter(|pk| kinds.is_empty() || kinds.iter().any(|k| k == pk.kind.as_str()))
        .filter(|pk| region.as_deref().is_none_or(|r| pk.region_code.as_deref().is_some_and(|c| params::inside(&data.regions, c, r))))
        .filter(|pk| space.is_none_or(|want| pk.has_space() == want))
        .map(park_json)
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

/// Radius a park's residents are counted in: from its area when known (a disc of that area, at least 1 km),
/// otherwise 3 km for a park and 0.5 km for a carrier building.
fn park_radius_km(p: &Park) -> f64 {
    match p.land_area_ha.filter(|a| *a > 0.0) {
        Some(ha) => ((ha * 10_000.0 / std::f64::consts::PI).sqrt() / 1000.0).clamp(1.0, 15.0),
        None if p.kind.is_carrier() => 0.5,
        None => 3.0,
    }
}

/// `GET /api/v1/parks/{id}`: a park with its carriers, resident enterprises by node and the largest of them.
pub async fn park(
    State(s): State<Arc<ServerState>>,
    axum::Extension(who): axum::Extension<crate::auth::Identity>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let data = s.data();
    let contacts = who.sees_contacts();
    let pk = data.parks.iter().find(|p| p.id == id).ok_or_else(|| Code::ParkNotFound.msg(format!("没有园区 '{id}' / no park '{id}'")))?;
    let carriers: Vec<Value> =
        data.parks.iter().filter(|c| c.park_id.as_deref() == Some(&id)).map(|c| park_json_for(c, contacts)).collect();
    let snap = data.snapshot.clone();
    let mut residents = json!(null);
    if let (Some(lat), Some(lon)) = (pk.lat, pk.lon) {
        let km = park_radius_km(pk);
        let near = rows_near(&snap, &HeatFilter::default(), lat, lon, km).map_err(ApiError::from)?;
        let mut by_node: HashMap<usize, u64> = HashMap::new();
        let set: std::collections::HashSet<u32> = near.iter().map(|x| x.0).collect();
        for (n, list) in snap.node_rows.iter().enumerate() {
            let c = list.iter().filter(|r| set.contains(r)).count() as u64;
            if c > 0 {
                by_node.insert(n, c);
            }
        }
        let mut nodes: Vec<(usize, u64)> = by_node.into_iter().collect();
        nodes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut rows_by_size: Vec<u32> = near.iter().map(|x| x.0).collect();
        sort_rows(&snap, &mut rows_by_size, "revenue")?;
        rows_by_size.truncate(20);
        let top = summaries(&s, &data, &rows_by_size).await?;
        residents = json!({
            "radius_km": km, "total": near.len(),
            "rule_zh": "园区中心点一定半径内的企业（半径由占地面积折算，至少 1 公里）",
            "rule_en": "enterprises within a radius of the park's centre (from its land area, at least 1 km)",
            "by_node": nodes.iter().map(|(n, c)| {
                let node = &snap.taxonomy.nodes[*n];
                json!({"node": node.id, "name_zh": node.name_zh, "name_en": node.name_en, "chain": node.chain, "count": c})
            }).collect::<Vec<_>>(),
            "top": top,
        });
    }
    let host = pk.park_id.as_deref().and_then(|h| data.parks.iter().find(|p| p.id == h)).map(park_json);
    Ok(Json(json!({"park": park_json_for(pk, contacts), "host": host, "carriers": carriers, "residents": residents,
                   "region": region_name(&data, pk.region_code.as_deref())})))
}

/// `GET /api/v1/hubs`: logistics hubs (rail freight, ports, airport, bonded zone, routes).
pub async fn hubs(State(s): State<Arc<ServerState>>) -> Json<Value> {
    let data = s.data();
    Json(json!({"total": data.hubs.len(), "items": data.hubs}))
}

/// `GET /api/v1/regions/{code}`: a region's place in the hierarchy, its enterprises by cluster and node, leaders,
/// parks, projects by stage and yearly new establishments.
pub async fn region(State(s): State<Arc<ServerState>>, Path(code): Path<String>) -> Result<Json<Value>, ApiError> {
    let data = s.data();
    let current = data.regions.current_code(&code).to_string();
    let r = data.regions.get(&current).ok_or_else(|| Code::RegionNotFound.msg(format!("没有地区 '{code}' / no region '{code}'")))?;
    let snap = data.snapshot.clone();
    let filter = HeatFilter { region: Some(current.clone()), ..Default::default() };
    let inside = rows(&snap, &filter).map_err(ApiError::from)?;
    let set: std::collections::HashSet<u32> = inside.iter().copied().collect();
    let t = &snap.taxonomy;
    let mut per_node: Vec<(usize, u64)> = snap
        .node_rows
        .iter()
        .enumerate()
        .map(|(n, l)| (n, l.iter().filter(|r| set.contains(r)).count() as u64))
        .filter(|x| x.1 > 0)
        .collect();
    per_node.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut per_cluster: Vec<Value> = Vec::new();
    for c in &t.clusters {
        let mut members: std::collections::HashSet<u32> = std::collections::HashSet::new();
        for ch in t.chains_of_cluster(&c.id) {
            for n in t.nodes_of_chain(&ch.id) {
                if let Some(i) = t.node_idx(&n.id) {
                    members.extend(snap.node_rows[i].iter().filter(|r| set.contains(r)));
                }
            }
        }
        per_cluster.push(json!({"cluster": c.id, "tier": c.tier, "name_zh": c.name_zh, "name_en": c.name_en, "count": members.len()}));
    }
    let mut years: std::collections::BTreeMap<u16, u64> = std::collections::BTreeMap::new();
    let mut leaders: Vec<u32> = Vec::new();
    let (mut revenue, mut employees) = (0f64, 0u64);
    for &row in &inside {
        let i = row as usize;
        if snap.founded[i] > 0 {
            *years.entry(snap.founded[i]).or_default() += 1;
        }
        if snap.flags[i] & 1 != 0 {
            leaders.push(row);
        }
        revenue += snap.revenue[i] as f64;
        employees += snap.employees[i] as u64;
    }
    sort_rows(&snap, &mut leaders, "revenue")?;
    leaders.truncate(20);
    let leader_items = summaries(&s, &data, &leaders).await?;
    let children: Vec<Value> = data
        .regions
        .iter()
        .filter(|c| c.parent.as_deref() == Some(current.as_str()) && c.valid_to.is_none())
        .map(|c| {
            let n = snap.regions.get(&c.code).map_or(0, |idx| {
                inside
                    .iter()
                    .filter(|&&row| {
                        let reg = snap.region[row as usize];
                        reg != NO_REGION && (0..4).any(|l| snap.regions.levels[reg as usize][l] == Some(idx))
                    })
                    .count()
            });
            json!({"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en, "level": c.level, "enterprises": n})
        })
        .collect();
    let parks: Vec<Value> = data
        .parks
        .iter()
        .filter(|p| p.region_code.as_deref().is_some_and(|c| c == current || data.regions.is_within(c, &current)))
        .map(park_json)
        .collect();
    let mut stages: std::collections::BTreeMap<&str, (u64, f64)> = std::collections::BTreeMap::new();
    for p in data.projects.iter().filter(|p| p.region_code == current || data.regions.is_within(&p.region_code, &current)) {
        let e = stages.entry(p.stage.as_str()).or_default();
        e.0 += 1;
        e.1 += p.amount.unwrap_or(0.0);
    }
    let synthetic = inside.iter().filter(|&&r| snap.flags[r as usize] & SYNTHETIC_BIT != 0).count();
    let ancestors: Vec<Value> = data
        .regions
        .ancestors(&current)
        .skip(1)
        .map(|a| json!({"code": a.code, "name_zh": a.name_zh, "name_en": a.name_en, "level": a.level}))
        .collect();
    Ok(Json(json!({
        "region": {"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "level": r.level, "country": r.country,
                   "lat": r.lat, "lon": r.lon, "zone_level": r.zone_level, "lead_clusters": r.lead_clusters, "counties": r.counties},
        "asked": code, "retired": code != current,
        "ancestors": ancestors, "children": children,
        "enterprises": {"total": inside.len(), "synthetic": synthetic, "revenue": revenue, "employees": employees},
        "clusters": per_cluster,
        "nodes": per_node.iter().take(30).map(|(n, c)| {
            let node = &t.nodes[*n];
            json!({"node": node.id, "name_zh": node.name_zh, "name_en": node.name_en, "chain": node.chain, "count": c})
        }).collect::<Vec<_>>(),
        "founded_by_year": years.iter().map(|(y, n)| json!({"year": y, "count": n})).collect::<Vec<_>>(),
        "leaders": leader_items, "parks": parks,
        "projects": stages.iter().map(|(st, (n, amt))| json!({"stage": st, "count": n, "amount": amt})).collect::<Vec<_>>(),
    })))
}

fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    hay.to_lowercase().contains(needle_lower)
}

/// `GET /api/v1/search?q=`: enterprises, parks, chain nodes and places whose Chinese or English names (or a
/// node's keywords) contain the text.
pub async fn search(State(s): State<Arc<ServerState>>, axum::extract::Query(p): Params) -> Result<Json<Value>, ApiError> {
    known_params(&p, &names(&[SEARCH]))?;
    let q = p.get("q").map(|q| q.trim().to_string()).unwrap_or_default();
    if q.is_empty() {
        return Err(Code::MissingParameter.param("q", "请在 q 中给出要搜索的文字 / give the text to search for in q"));
    }
    if q.chars().count() > 100 {
        return Err(Code::InvalidQuery.param("q", "q 超过 100 个字符 / q is longer than 100 characters"));
    }
    let limit = params::limit(&p, 20, 200)?;
    let data = s.data();
    let needle = q.to_lowercase();
    let snap = snapshot(&s);
    let t = &snap.taxonomy;
    let nodes: Vec<Value> = t
        .nodes
        .iter()
        .filter(|n| {
            contains_ci(&n.name_zh, &needle) || contains_ci(&n.name_en, &needle) || n.keywords.iter().any(|k| contains_ci(k, &needle))
        })
        .take(limit)
        .map(|n| {
            json!({"id": n.id, "chain": n.chain, "name_zh": n.name_zh, "name_en": n.name_en, "position": n.position,
                         "cluster": t.cluster_of_node(&n.id).map(|c| &c.id),
                         "enterprises": t.node_idx(&n.id).map_or(0, |i| snap.node_rows[i].len())})
        })
        .collect();
    let chains: Vec<Value> = t
        .chains
        .iter()
        .filter(|c| contains_ci(&c.name_zh, &needle) || contains_ci(&c.name_en, &needle))
        .take(limit)
        .map(|c| json!({"id": c.id, "cluster": c.cluster, "name_zh": c.name_zh, "name_en": c.name_en}))
        .collect();
    let parks: Vec<Value> = data
        .parks
        .iter()
        .filter(|pk| contains_ci(&pk.name_zh, &needle) || pk.name_en.as_deref().is_some_and(|n| contains_ci(n, &needle)))
        .take(limit)
        .map(park_json)
        .collect();
    // Places: current units first, the home city's own first among them, then by level.
    let home = snap.home_region.clone();
    let mut places: Vec<&chainscope_model::Region> = data
        .regions
        .iter()
        .filter(|r| r.level != RegionLevel::Aggregate)
        .filter(|r| contains_ci(&r.name_zh, &needle) || contains_ci(&r.name_en, &needle) || r.code.eq_ignore_ascii_case(&q))
        .collect();
    places.sort_by_key(|r| {
        (r.valid_to.is_some(), !(r.code == home || data.regions.is_within(&r.code, &home)), r.level as u8, r.code.clone())
    });
    let places: Vec<Value> = places
        .into_iter()
        .take(limit)
        .map(|r| {
            json!({"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "level": r.level, "country": r.country,
                         "retired": r.valid_to.is_some()})
        })
        .collect();
    let q2 = q.clone();
    let found = match data.names.clone() {
        // In memory: the scan and ranking run off the async threads, then only the winners are read.
        Some(ix) => {
            let ids = tokio::task::spawn_blocking(move || ix.search(&q2, limit).0).await.map_err(ApiError::from)?;
            let mut found = s.with_store(move |st| st.enterprises_by_id(&ids)).await?;
            found.truncate(limit);
            found
        }
        None => s.with_store(move |st| st.search_enterprises(&q2, limit)).await?,
    };
    let enterprises: Vec<Value> = found.iter().map(|(id, e)| summary(&data, *id, e)).collect();
    Ok(Json(json!({"q": q, "enterprises": enterprises, "parks": parks, "nodes": nodes, "chains": chains, "places": places})))
}
