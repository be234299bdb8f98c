//! `GET /api/v1/leads`: outside enterprises ranked as investment leads for chosen chain nodes (沿链引商), each score
//! split into its named parts with their evidence; `format=xlsx` downloads the list.

use crate::api::{boolean, heat_filter, known_params, names, number, ApiError, Params};
use crate::error::Code;
use crate::openapi::{FILTERS, LEADS};
use crate::{Data, ServerState};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chainscope_engine::learn::{history_samples, learn, History, Learned, Window, MIN_ARRIVALS, WINDOWS};
use chainscope_engine::targeting::{rank, Context, Lead, Query as LeadQuery, Weights, PARTS};
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// What ranking needs beyond the snapshot, computed once per data version.
pub struct TargetingState {
    pub context: Context,
    pub in_pipeline: FxHashSet<u32>,
    /// The weights learned from the city's past arrivals, fitted on the first `preset=learned` request.
    pub learned: std::sync::OnceLock<Arc<LearnedWeights>>,
}

/// Weights fitted on the home city's own past, with how they were obtained.
pub struct LearnedWeights {
    pub learned: Learned,
    pub windows: Vec<Window>,
}

/// The non-arrivals kept per yearly window when fitting the learned weights.
const LEARN_NEGATIVES: usize = 200_000;
/// The preset used when there are too few past arrivals to fit on.
const LEARN_FALLBACK: (&str, Weights) = ("big_anchors", Weights::BIG_ANCHORS);

/// Fit the six weights on the arrivals of the last `WINDOWS` years before the data's last founding date
/// (rolling origins, streamed from the store; see `chainscope_engine::learn`).
fn fit(data: &Data, store: &dyn chainscope_store::Store) -> chainscope_store::Result<LearnedWeights> {
    let mut each = |f: &mut dyn FnMut(chainscope_model::Enterprise)| store.for_each_enterprise(f);
    let mut h = History {
        each: &mut each,
        projects: &data.projects,
        taxonomy: data.snapshot.taxonomy.clone(),
        regions: &data.regions,
        home: &data.snapshot.home_region,
    };
    let (samples, windows) = history_samples(&mut h, None, WINDOWS, LEARN_FALLBACK.1, LEARN_NEGATIVES)?;
    Ok(LearnedWeights { learned: learn(&samples, LEARN_FALLBACK, MIN_ARRIVALS), windows })
}

async fn learned(s: &Arc<ServerState>, data: &Arc<Data>, ts: &Arc<TargetingState>) -> Result<Arc<LearnedWeights>, ApiError> {
    if let Some(l) = ts.learned.get() {
        return Ok(l.clone());
    }
    let d = data.clone();
    let fitted = s.with_store(move |st| fit(&d, st)).await?;
    Ok(ts.learned.get_or_init(|| Arc::new(fitted)).clone())
}

/// Build the node-level context, recent expansions (three years) and the pipeline's investors for `data`.
fn build(data: &Data, store: &dyn chainscope_store::Store) -> chainscope_store::Result<TargetingState> {
    let snap = &data.snapshot;
    let since = chrono::Utc::now().date_naive() - chrono::Days::new(3 * 365);
    let counts = store.expansions_since(since)?;
    let refs: Vec<String> = counts.iter().map(|c| c.0.clone()).collect();
    let resolved = store.resolve_enterprise_refs(&refs)?;
    let mut expansions: FxHashMap<u32, u32> = FxHashMap::default();
    for ((_, n), found) in counts.iter().zip(resolved) {
        if let Some(row) = found.and_then(|(id, _)| u32::try_from(id).ok()).and_then(|id| snap.row_of_id(id)) {
            *expansions.entry(row as u32).or_default() += n;
        }
    }
    let investors: Vec<String> = data.projects.iter().filter_map(|p| p.investor_id.clone()).collect();
    let in_pipeline = store
        .resolve_enterprise_refs(&investors)?
        .into_iter()
        .flatten()
        .filter_map(|(id, _)| u32::try_from(id).ok().and_then(|id| snap.row_of_id(id)).map(|r| r as u32))
        .collect();
    Ok(TargetingState {
        context: Context::new(snap, &data.regions).with_expansions(expansions),
        in_pipeline,
        learned: std::sync::OnceLock::new(),
    })
}

async fn state(s: &Arc<ServerState>, data: &Arc<Data>) -> Result<Arc<TargetingState>, ApiError> {
    if let Some(t) = data.targeting.get() {
        return Ok(t.clone());
    }
    let d = data.clone();
    let built = s.with_store(move |st| build(&d, st)).await?;
    Ok(data.targeting.get_or_init(|| Arc::new(built)).clone())
}

/// Build the targeting context and fit the learned weights for the current data, off any request: at start and
/// after every reload, so that the first officer asking for `preset=learned` does not wait for a fit that reads the
/// whole store (minutes at ten million enterprises, beyond the request time-out).
pub async fn prepare(s: &Arc<ServerState>) {
    let data = s.data();
    let started = std::time::Instant::now();
    let done = async {
        let ts = state(s, &data).await?;
        learned(s, &data, &ts).await
    };
    match done.await {
        Ok(l) => tracing::info!(seconds = started.elapsed().as_secs_f64(), arrivals = l.learned.arrivals, "targeting prepared"),
        Err(e) => tracing::debug!("targeting not prepared ahead: {e}"),
    }
}

fn weights(p: &HashMap<String, String>) -> Result<(String, String, Weights), ApiError> {
    let preset = p.get("preset").map(String::as_str).filter(|v| !v.is_empty()).unwrap_or("gap_filling");
    // `learned` is resolved once the weights are fitted; its overrides apply on top of them.
    let w = learned_or(preset, Weights::default()).ok_or_else(|| {
        Code::InvalidPreset.param(
            "preset",
            format!(
                "'{preset}' 应为 gap_filling、strengthening、big_anchors 或 learned / '{preset}' is not gap_filling, strengthening, big_anchors or learned"
            ),
        )
    })?;
    let custom = ["w_gap", "w_supply", "w_related", "w_momentum", "w_scale", "w_affinity"].iter().any(|k| p.contains_key(*k));
    let w = overrides(p, w)?;
    Ok((if custom { "custom".to_string() } else { preset.to_string() }, preset.to_string(), w))
}

/// The preset's weights; for `learned`, `learned`.
fn learned_or(preset: &str, learned: Weights) -> Option<Weights> {
    if preset == "learned" {
        Some(learned)
    } else {
        Weights::preset(preset)
    }
}

/// Custom weights (`w_…`, each 0–100) over `base`.
fn overrides(p: &HashMap<String, String>, mut w: Weights) -> Result<Weights, ApiError> {
    for (name, slot) in [
        ("w_gap", &mut w.gap),
        ("w_supply", &mut w.supply),
        ("w_related", &mut w.related),
        ("w_momentum", &mut w.momentum),
        ("w_scale", &mut w.scale),
        ("w_affinity", &mut w.affinity),
    ] {
        if let Some(v) = number::<f64>(p, name)? {
            if !(0.0..=100.0).contains(&v) {
                return Err(Code::InvalidWeight.param(name, format!("{name} 应在 0 到 100 之间 / {name} must be between 0 and 100")));
            }
            *slot = v;
        }
    }
    Ok(w)
}

/// The local chain leaders on the nodes next to each lead's node along supply edges, largest first (at most
/// `LEADERS_NAMED` per node): the evidence of the "chain leaders up- and downstream" part, by name.
const LEADERS_NAMED: usize = 5;

fn adjacent_leaders(snap: &chainscope_engine::Snapshot, nodes: &[&str]) -> FxHashMap<String, Vec<(u32, String)>> {
    let t = &snap.taxonomy;
    let mut out = FxHashMap::default();
    for &node in nodes {
        let Some(me) = t.node(node) else { continue };
        let mut found: Vec<(f32, u32, String)> = Vec::new();
        for (i, other) in t.nodes.iter().enumerate() {
            let next = other.supplies.iter().any(|x| x == node) || me.supplies.iter().any(|x| x == &other.id);
            if !next || other.id == node {
                continue;
            }
            for &r in &snap.node_rows[i] {
                let f = snap.row_flags(r as usize);
                if f.local && f.chain_leader {
                    found.push((snap.revenue[r as usize], snap.ids[r as usize], other.id.clone()));
                }
            }
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        found.dedup_by_key(|x| x.1);
        found.truncate(LEADERS_NAMED);
        out.insert(node.to_string(), found.into_iter().map(|(_, id, n)| (id, n)).collect());
    }
    out
}

fn lead_json(
    data: &Data,
    l: &Lead,
    e: Option<&chainscope_model::Enterprise>,
    id: u32,
    leaders: &[(u32, String)],
    names: &FxHashMap<i64, String>,
) -> Value {
    let t = &data.snapshot.taxonomy;
    let node = t.node(&l.node);
    let evidence = [
        json!({"class": l.class, "label_zh": l.class.map(|c| c.label_zh()), "label_en": l.class.map(|c| c.label_en())}),
        json!({"local_leaders_adjacent": l.adjacent_leaders, "local_enterprises_adjacent": l.adjacent_local,
               "leaders": leaders.iter().map(|(lid, node)| json!({"id": lid, "name": names.get(&i64::from(*lid)), "node": node,
                   "node_name_zh": t.node(node).map(|n| &n.name_zh), "node_name_en": t.node(node).map(|n| &n.name_en)})).collect::<Vec<_>>()}),
        json!({"density": l.parts[2].value}),
        json!({"growth": l.growth, "expansions": l.expansions}),
        json!({"revenue": e.and_then(|e| e.revenue), "employees": e.and_then(|e| e.employees)}),
        json!({"distance_km": l.distance_km}),
    ];
    let parts: serde_json::Map<String, Value> = PARTS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let p = &l.parts[i];
            (
                name.to_string(),
                json!({"value": p.value, "used": p.used, "weight": p.weight, "known": p.value.is_some(), "evidence": evidence[i]}),
            )
        })
        .collect();
    json!({
        "id": id, "name": e.map(|e| &e.name), "name_en": e.and_then(|e| e.name_en.as_ref()),
        "country": e.map(|e| &e.country), "region": e.and_then(|e| e.region_code.as_deref()).map(|c| {
            let r = data.regions.get(data.regions.current_code(c));
            json!({"code": c, "name_zh": r.map(|r| &r.name_zh), "name_en": r.map(|r| &r.name_en)})
        }),
        "node": {"id": l.node, "name_zh": node.map(|n| &n.name_zh), "name_en": node.map(|n| &n.name_en), "chain": node.map(|n| &n.chain)},
        "score": l.score, "known": l.known, "parts": parts,
        "in_pipeline": l.in_pipeline, "declining": l.declining, "synthetic": e.map(|e| e.synthetic),
    })
}

/// `GET /api/v1/leads`.
pub async fn leads(State(s): State<Arc<ServerState>>, Query(p): Params) -> Result<Response, ApiError> {
    known_params(&p, &names(&[FILTERS, LEADS]))?;
    let filter = heat_filter(&p, &s.data().regions)?;
    let (preset, base, w) = weights(&p)?;
    let limit: usize = number(&p, "limit")?.unwrap_or(50);
    let include_marked = boolean(&p, "include_marked")?.unwrap_or(false);
    let format = p.get("format").map(String::as_str).unwrap_or("json");
    if !matches!(format, "json" | "xlsx") {
        return Err(Code::InvalidFormat.param("format", format!("'{format}' 应为 json 或 xlsx / '{format}' is not json or xlsx")));
    }
    let data = s.data();
    let ts = state(&s, &data).await?;
    let (w, base_weights, learned_json) = if base == "learned" {
        let l = learned(&s, &data, &ts).await?;
        let lw = l.learned.weights;
        let info = json!({
            "weights": lw, "method": l.learned.method, "fallback": l.learned.fallback, "arrivals": l.learned.arrivals,
            "samples": l.learned.samples, "min_arrivals": l.learned.min_arrivals, "windows": l.windows,
            "coefficients": l.learned.fit.map(|f| f.coef), "intercept": l.learned.fit.map(|f| f.intercept),
        });
        (overrides(&p, lw)?, Some(lw), info)
    } else {
        (w, Weights::preset(&base), Value::Null)
    };
    let q = LeadQuery { filter, weights: w, in_pipeline: ts.in_pipeline.clone(), include_marked, limit };
    let snap = data.snapshot.clone();
    let ts2 = ts.clone();
    let ranking = tokio::task::spawn_blocking(move || rank(&snap, &ts2.context, &q)).await?.map_err(ApiError::from)?;
    let ids: Vec<i64> = ranking.leads.iter().map(|l| data.snapshot.ids[l.row as usize] as i64).collect();
    let ids2 = ids.clone();
    let records: FxHashMap<i64, chainscope_model::Enterprise> =
        s.with_store(move |st| st.enterprises_by_id(&ids2)).await?.into_iter().collect();
    // Name the local leaders each lead would supply or buy from.
    let mut lead_nodes: Vec<&str> = ranking.leads.iter().map(|l| l.node.as_str()).collect();
    lead_nodes.sort_unstable();
    lead_nodes.dedup();
    let leaders = adjacent_leaders(&data.snapshot, &lead_nodes);
    let mut leader_ids: Vec<i64> = leaders.values().flatten().map(|(i, _)| i64::from(*i)).collect();
    leader_ids.sort_unstable();
    leader_ids.dedup();
    let leader_names: FxHashMap<i64, String> =
        s.with_store(move |st| st.enterprises_by_id(&leader_ids)).await?.into_iter().map(|(i, e)| (i, e.name)).collect();
    let none = Vec::new();
    let items: Vec<Value> = ranking
        .leads
        .iter()
        .zip(&ids)
        .map(|(l, id)| lead_json(&data, l, records.get(id), *id as u32, leaders.get(&l.node).unwrap_or(&none), &leader_names))
        .collect();
    if format == "xlsx" {
        return xlsx(&items);
    }
    Ok(Json(json!({
        "preset": preset, "base_preset": base, "preset_weights": base_weights, "weights": w, "learned": learned_json, "candidates": ranking.candidates,
        "excluded": {"in_pipeline": ranking.excluded_pipeline, "declining": ranking.excluded_declining},
        "means": PARTS.iter().zip(ranking.means).map(|(n, m)| (n.to_string(), json!(m))).collect::<serde_json::Map<_, _>>(),
        "leads": items,
        "rule_zh": "得分为六项加权平均（0–100）：缺链、链主上下游、关联度、成长性、规模、区位；无证据的项按候选均值计入并标为未知，known 为有证据的权重占比；本地企业不参与，已在项目库或衰退（年增长低于 −10%）的默认排除",
        "rule_en": "the score is a weighted mean of six parts (0–100): gap, supply links, relatedness, momentum, scale, affinity; a part without evidence takes the candidates' mean and is marked unknown, `known` is the share of weight with evidence; local enterprises are not candidates; those in the pipeline or declining (growth below −10 %) are left out by default",
    }))
    .into_response())
}

fn xlsx(items: &[Value]) -> Result<Response, ApiError> {
    use chainscope_io::export::{Cell, TableWriter};
    let mut headers =
        vec!["排名 rank", "企业 name", "英文名 name_en", "国家 country", "地区 region", "环节 node", "得分 score", "有据占比 known"];
    headers.extend(PARTS);
    headers.extend(["已在项目库 in_pipeline", "衰退 declining"]);
    static EXPORTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = EXPORTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("chainscope-leads-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Code::ExportFailed.logged(e.to_string()))?;
    let path = dir.join("leads.xlsx");
    let result = (|| -> Result<Vec<u8>, chainscope_io::IoError> {
        let mut w = TableWriter::create(&path, "leads", &headers)?;
        for (i, it) in items.iter().enumerate() {
            let text = |v: &Value| v.as_str().map_or(Cell::Empty, |s| Cell::Text(s.to_string()));
            let num = |v: &Value| v.as_f64().map_or(Cell::Empty, Cell::Number);
            let mut row = vec![
                Cell::Number((i + 1) as f64),
                text(&it["name"]),
                text(&it["name_en"]),
                text(&it["country"]),
                text(&it["region"]["name_zh"]),
                text(&it["node"]["name_zh"]),
                num(&it["score"]),
                num(&it["known"]),
            ];
            for p in PARTS {
                row.push(num(&it["parts"][p]["value"]));
            }
            row.push(Cell::Text(if it["in_pipeline"] == true { "是" } else { "" }.into()));
            row.push(Cell::Text(if it["declining"] == true { "是" } else { "" }.into()));
            w.write_row(&row)?;
        }
        w.finish()?;
        std::fs::read(&path).map_err(|e| chainscope_io::IoError::Write(e.to_string()))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    let bytes = result.map_err(|e| Code::ExportFailed.logged(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"leads.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}
