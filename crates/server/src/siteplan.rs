//! `GET /api/v1/siteplan`: parks and carrier platforms ranked for an investor's project (最优方案), each with its
//! explained parts; a site without space is shown, marked, and never first.

use crate::api::{known_params, list, names, number, ApiError, Params};
use crate::error::Code;
use crate::openapi::SITEPLAN;
use crate::ServerState;
use axum::extract::{Query, State};
use axum::Json;
use chainscope_engine::siteplan::{plan, HubKind, SiteRequest, SiteWeights, PARTS, REACH_KM};
use chainscope_model::ParkKind;
use serde_json::{json, Value};
use std::sync::Arc;

/// Carriers of one park whose available floor together meets the need (largest first, as few as needed).
fn combined_floor(parks: &[chainscope_model::Park], need: Option<f64>) -> Vec<Value> {
    let Some(need) = need else { return Vec::new() };
    let mut out = Vec::new();
    for park in parks.iter().filter(|p| !p.kind.is_carrier()) {
        let mut carriers: Vec<&chainscope_model::Park> = parks
            .iter()
            .filter(|c| c.kind.is_carrier() && c.park_id.as_deref() == Some(park.id.as_str()))
            .filter(|c| c.floor_available_m2.is_some_and(|f| f > 0.0))
            .collect();
        carriers.sort_by(|a, b| b.floor_available_m2.unwrap_or(0.0).total_cmp(&a.floor_available_m2.unwrap_or(0.0)));
        let mut total = 0.0;
        let mut taken = Vec::new();
        for c in carriers {
            if total >= need {
                break;
            }
            total += c.floor_available_m2.unwrap_or(0.0);
            taken.push(json!({"id": c.id, "name_zh": c.name_zh, "name_en": c.name_en, "floor_available_m2": c.floor_available_m2}));
        }
        if total >= need && taken.len() > 1 {
            out.push(json!({"park": {"id": park.id, "name_zh": park.name_zh, "name_en": park.name_en}, "carriers": taken, "floor_total_m2": total}));
        }
    }
    out.sort_by(|a, b| a["carriers"].as_array().map(Vec::len).cmp(&b["carriers"].as_array().map(Vec::len)));
    out
}

pub async fn siteplan(State(s): State<Arc<ServerState>>, Query(p): Params) -> Result<Json<Value>, ApiError> {
    known_params(&p, &names(&[SITEPLAN]))?;
    let text = |k: &str| p.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let building =
        match text("building") {
            None => None,
            Some(b) => Some(ParkKind::parse(&b).map_err(|_| {
                Code::InvalidKind.param("building", format!("'{b}' 不是园区或载体类型 / '{b}' is not a park or carrier kind"))
            })?),
        };
    let mut logistics = Vec::new();
    for k in list(&p, "logistics") {
        logistics.push(HubKind::parse(&k).ok_or_else(|| {
            Code::InvalidHubKind.param(
                "logistics",
                format!("'{k}' 应为 port、rail_freight、airport 或 sea_rail / '{k}' is not port, rail_freight, airport or sea_rail"),
            )
        })?);
    }
    let mut weights = SiteWeights::default();
    for (name, slot) in [
        ("w_fit", &mut weights.fit),
        ("w_partners", &mut weights.partners),
        ("w_space", &mut weights.space),
        ("w_cost", &mut weights.cost),
        ("w_logistics", &mut weights.logistics),
        ("w_talent", &mut weights.talent),
    ] {
        if let Some(v) = number::<f64>(&p, name)? {
            if !(0.0..=100.0).contains(&v) {
                return Err(Code::InvalidWeight.param(name, format!("{name} 应在 0 到 100 之间 / {name} must be between 0 and 100")));
            }
            *slot = v;
        }
    }
    let req = SiteRequest {
        node: text("node"),
        cluster: text("cluster"),
        land_ha: number(&p, "land_ha")?,
        floor_m2: number(&p, "floor_m2")?,
        building,
        budget_yuan_m2: number(&p, "budget_yuan_m2")?,
        logistics,
        weights,
        limit: number(&p, "limit")?.unwrap_or(20),
    };
    let data = s.data();
    let d = data.clone();
    let r2 = req.clone();
    let sites = tokio::task::spawn_blocking(move || plan(&d.snapshot, &d.parks, &d.hubs, &r2)).await?.map_err(ApiError::from)?;
    // Name the partners the evidence counts: one read for every site's largest suppliers and customers.
    let mut partner_ids: Vec<i64> =
        sites.iter().flat_map(|x| x.top_suppliers.iter().chain(&x.top_customers)).map(|&i| i64::from(i)).collect();
    partner_ids.sort_unstable();
    partner_ids.dedup();
    let partner_names: std::collections::HashMap<i64, String> =
        s.with_store(move |st| st.enterprises_by_id(&partner_ids)).await?.into_iter().map(|(i, e)| (i, e.name)).collect();
    let named = |ids: &[u32]| -> Vec<Value> { ids.iter().map(|&i| json!({"id": i, "name": partner_names.get(&i64::from(i))})).collect() };
    let items: Vec<Value> = sites
        .iter()
        .map(|site| {
            let park = data.parks.iter().find(|x| x.id == site.park);
            let evidence = [
                json!({"lead_clusters": park.map(|p| &p.lead_clusters), "matches": site.fit_cluster}),
                json!({"suppliers": site.suppliers_near, "customers": site.customers_near, "same_node": site.peers_near, "reach_km": REACH_KM,
                       "top_suppliers": named(&site.top_suppliers), "top_customers": named(&site.top_customers)}),
                json!({"land_available_ha": park.and_then(|p| p.land_available_ha), "floor_available_m2": park.and_then(|p| p.floor_available_m2)}),
                json!({"price": site.price}),
                json!({"hubs": site.hubs.iter().map(|h| {
                    let hub = data.hubs.iter().find(|x| x.id == h.hub);
                    json!({"kind": h.kind, "hub": h.hub, "name_zh": hub.map(|x| &x.name_zh), "name_en": hub.and_then(|x| x.name_en.as_ref()), "distance_km": h.distance_km})
                }).collect::<Vec<_>>()}),
                json!({"employees_near": site.talent_near, "reach_km": REACH_KM}),
            ];
            let parts: serde_json::Map<String, Value> = PARTS
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let x = &site.parts[i];
                    (n.to_string(), json!({"value": x.value, "used": x.used, "weight": x.weight, "known": x.value.is_some(), "evidence": evidence[i]}))
                })
                .collect();
            json!({
                "park": park.map(|p| json!({"id": p.id, "kind": p.kind, "kind_zh": p.kind.label_zh(), "name_zh": p.name_zh, "name_en": p.name_en,
                    "region_code": p.region_code, "lat": p.lat, "lon": p.lon, "park_id": p.park_id, "synthetic": p.synthetic})),
                "score": site.score, "known": site.known, "no_space": site.no_space, "too_small": site.too_small,
                "shortfall": site.shortfall, "parts": parts,
            })
        })
        .collect();
    // Sea–rail routes leave from the land port: their published savings travel with the plan.
    let sea_rail: Vec<Value> = if req.logistics.contains(&HubKind::SeaRail) {
        data.hubs
            .iter()
            .filter(|h| h.kind == "sea_rail")
            .map(|h| json!({"id": h.id, "name_zh": h.name_zh, "name_en": h.name_en, "note": h.note}))
            .collect()
    } else {
        Vec::new()
    };
    // No site is known to have the space: none fits, or those that might have not published what they have.
    let known_to_fit = |x: &chainscope_engine::siteplan::Site| !x.too_small && !x.no_space && x.parts[2].value.is_some();
    let nothing_fits = !sites.is_empty() && !sites.iter().any(known_to_fit);
    let unknown = sites.iter().filter(|x| !x.too_small && !x.no_space).count();
    let together = if nothing_fits { combined_floor(&data.parks, req.floor_m2) } else { Vec::new() };
    let (message_zh, message_en) = match (nothing_fits, unknown) {
        (false, _) => (None, None),
        (true, 0) => (
            Some("没有一处载体或园区单独满足所需面积：以下按契合度列出并标明缺口，另列同一园区内可合并使用的载体".to_string()),
            Some("no single site has the space the project needs: the sites below are ranked by fit with their shortfall, and carriers of one park that together have it are listed".to_string()),
        ),
        (true, n) => (
            Some(format!("没有已知满足所需面积的载体：排在前面的 {n} 处未公布可用面积，请向园区核实；空间不足的已标明缺口")),
            Some(format!("no site is known to have the space: the first {n} have not published what they have, so ask them; those too small show their shortfall")),
        ),
    };
    Ok(Json(json!({
        "nothing_fits": nothing_fits,
        "message_zh": message_zh,
        "message_en": message_en,
        "combined": together,
        "request": {"node": req.node, "cluster": req.cluster, "land_ha": req.land_ha, "floor_m2": req.floor_m2, "building": req.building,
                    "budget_yuan_m2": req.budget_yuan_m2, "logistics": req.logistics, "weights": req.weights},
        "sites": items, "sea_rail_routes": sea_rail,
        "rule_zh": "得分为六项加权平均（0–100）：产业契合、周边上下游企业、可用空间、成本、物流、人才；无证据项按候选均值计入并标为未知；当前无可用空间或空间不足的载体会列出并标注缺口，排在所有空间足够的载体之后",
        "rule_en": "the score is a weighted mean of six parts (0–100): cluster fit, chain partners nearby, space available, cost, logistics, talent; a part without evidence takes the candidates' mean and is marked unknown; sites with no space available now, or less than the need, are listed with the shortfall and ranked after every site with enough",
    })))
}
