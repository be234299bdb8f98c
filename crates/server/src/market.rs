//! Supply–demand matching (供需对接): post what an enterprise offers or needs, browse the board, and see the
//! counterparts — other posts and enterprises — ranked with the reasons for each match.

use crate::api::{boolean, known_params, list, names, ApiError, Params};
use crate::error::{Code, Path};
use crate::openapi::{MARKET_LIST, MARKET_MATCHES};
use crate::{Data, ServerState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use chainscope_engine::market::{adjacency, nearness, score, text_similarity, tokens, Relation};
use chainscope_engine::near::{distance_km, position};
use chainscope_model::{ItemKind, MarketItem};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// The body of a post. Unknown fields are refused, so a misspelt field is never silently dropped.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    pub kind: String,
    pub poster: String,
    #[serde(default)]
    pub enterprise_id: Option<i64>,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub node: Option<String>,
    #[serde(default)]
    pub quantity: Option<String>,
    #[serde(default)]
    pub region_code: Option<String>,
    #[serde(default)]
    pub valid_until: Option<String>,
}

/// The fields a post may carry and the JSON type each must have.
const FIELDS: &[(&str, &str)] = &[
    ("kind", "string"),
    ("poster", "string"),
    ("enterprise_id", "integer"),
    ("title", "string"),
    ("description", "string"),
    ("node", "string"),
    ("quantity", "string"),
    ("region_code", "string"),
    ("valid_until", "string"),
];

/// Read a post field by field, so that every problem names its field: not JSON, not an object, an unknown
/// field, or a value of the wrong type.
fn parse_new(body: &[u8]) -> Result<NewItem, ApiError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| Code::InvalidJson.param("body", format!("请求体不是有效的 JSON / the body is not JSON: {e}")))?;
    let obj = v.as_object().ok_or_else(|| Code::InvalidBody.param("body", "请求体应为 JSON 对象 / the body must be a JSON object"))?;
    for (k, val) in obj {
        let Some((_, want)) = FIELDS.iter().find(|f| f.0 == k) else {
            let known: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
            let known = known.join(", ");
            return Err(Code::UnknownField.param(k, format!("未知字段 '{k}'（可用字段：{known}） / unknown field '{k}' (fields: {known})")));
        };
        let ok = val.is_null() || if *want == "integer" { val.is_i64() } else { val.is_string() };
        if !ok {
            return Err(Code::InvalidType.param(k, format!("'{k}' 的类型应为 {want} / '{k}' must be a {want}")));
        }
    }
    for required in ["kind", "poster", "title"] {
        if obj.get(required).is_none_or(Value::is_null) {
            return Err(Code::Missing.param(required, format!("缺少必填项 '{required}' / '{required}' is required")));
        }
    }
    serde_json::from_value(v).map_err(|e| Code::InvalidBody.param("body", format!("请求体无效 / {e}")))
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn item_json(data: &Data, id: i64, it: &MarketItem) -> Value {
    let node = it.node.as_deref().and_then(|n| data.snapshot.taxonomy.node(n));
    let region = it.region_code.as_deref().and_then(|c| data.regions.get(data.regions.current_code(c)));
    json!({
        "id": id, "kind": it.kind, "poster": it.poster, "enterprise_id": it.enterprise_id, "title": it.title,
        "description": it.description, "quantity": it.quantity, "valid_until": it.valid_until, "posted_on": it.posted_on,
        "active": it.is_active(today()), "synthetic": it.synthetic,
        "node": it.node.as_ref().map(|n| json!({"id": n, "name_zh": node.map(|x| &x.name_zh), "name_en": node.map(|x| &x.name_en), "chain": node.map(|x| &x.chain)})),
        "region": it.region_code.as_ref().map(|c| json!({"code": c, "name_zh": region.map(|r| &r.name_zh), "name_en": region.map(|r| &r.name_en)})),
    })
}

/// `POST /api/v1/market/items`: 201 with the stored item, or a 400 naming the field.
pub async fn post(
    State(s): State<Arc<ServerState>>,
    axum::Extension(who): axum::Extension<crate::auth::Identity>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let mut new = parse_new(&body)?;
    // An enterprise user posts for its own enterprise only.
    if let Some(a) = who.account.as_ref().filter(|a| a.role == chainscope_model::Role::Enterprise) {
        match (new.enterprise_id, a.enterprise_id) {
            (Some(x), Some(own)) if x != own => {
                return Err(Code::OutsideScope.param("enterprise_id", "只能以本企业名义发布 / you may post only for your own enterprise"))
            }
            (_, own) => new.enterprise_id = own,
        }
    }
    let data = s.data();
    let kind = ItemKind::parse(new.kind.trim())
        .ok_or_else(|| Code::InvalidKind.param("kind", format!("'{0}' 应为 supply 或 demand / '{0}' is not supply or demand", new.kind)))?;
    let clean = |v: Option<String>| v.map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
    let node = clean(new.node);
    if let Some(n) = &node {
        if data.snapshot.taxonomy.node(n).is_none() {
            return Err(Code::UnknownNode.param("node", format!("没有节点 '{n}' / no node '{n}'")));
        }
    }
    let region_code = clean(new.region_code);
    if let Some(c) = &region_code {
        if data.regions.get(data.regions.current_code(c)).is_none() {
            return Err(Code::UnknownRegion.param("region_code", format!("没有地区 '{c}' / no region '{c}'")));
        }
    }
    let valid_until = match clean(new.valid_until) {
        None => None,
        Some(d) => Some(chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| {
            Code::InvalidDate.param("valid_until", format!("'{d}' 不是日期（格式 YYYY-MM-DD） / '{d}' is not a date (YYYY-MM-DD)"))
        })?),
    };
    let item = MarketItem {
        kind,
        poster: new.poster.trim().to_string(),
        enterprise_id: new.enterprise_id,
        title: new.title.trim().to_string(),
        description: clean(new.description),
        node,
        quantity: clean(new.quantity),
        region_code,
        valid_until,
        posted_on: today(),
        synthetic: false,
    };
    item.check()?;
    let stored = item.clone();
    let id = s
        .with_store_mut(move |st| {
            if let Some(eid) = stored.enterprise_id {
                if st.enterprises_by_id(&[eid])?.is_empty() {
                    return Ok(Err(eid));
                }
            }
            st.add_market_item(&stored).map(Ok)
        })
        .await?
        .map_err(|eid| Code::UnknownEnterprise.param("enterprise_id", format!("没有企业 {eid} / no enterprise {eid}")))?;
    Ok((StatusCode::CREATED, Json(item_json(&data, id, &item))))
}

/// `GET /api/v1/market/items/{id}`: one post.
/// `PATCH /api/v1/market/items/{id}`: the poster corrects the post's node (`{"node": "cm.hydraulics"}`, or `null` to
/// let its words decide again). Officers and administrators may correct any post; an enterprise account only its
/// enterprise's own.
pub async fn set_node(
    State(s): State<Arc<ServerState>>,
    axum::Extension(who): axum::Extension<crate::auth::Identity>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let id: i64 =
        id.parse().map_err(|_| Code::InvalidId.param("id", format!("'{id}' 不是有效的供需条目编号 / '{id}' is not an item id")))?;
    let m: serde_json::Map<String, Value> = serde_json::from_slice(&body)
        .map_err(|e| Code::InvalidJson.param("body", format!("请求体不是 JSON 对象：{e} / the body is not a JSON object: {e}")))?;
    if let Some(k) = m.keys().find(|k| k.as_str() != "node") {
        return Err(Code::UnknownField.param(k, format!("未知字段 '{k}'（只能改 node） / unknown field '{k}' (only node can be changed)")));
    }
    let data = s.data();
    let node = match m.get("node") {
        None => return Err(Code::Missing.param("node", "缺少必填项 'node' / 'node' is required")),
        Some(Value::Null) => None,
        Some(Value::String(n)) if data.snapshot.taxonomy.node(n.trim()).is_some() => Some(n.trim().to_string()),
        Some(other) => return Err(Code::UnknownNode.param("node", format!("没有节点 {other} / no node {other}"))),
    };
    let all = s.with_store(|st| st.market_items()).await?;
    let mut item = all
        .into_iter()
        .find(|x| x.0 == id)
        .map(|x| x.1)
        .ok_or_else(|| Code::ItemNotFound.msg(format!("没有供需条目 {id} / no item {id}")))?;
    if let Some(a) = who.account.as_ref().filter(|a| a.role == chainscope_model::Role::Enterprise) {
        if item.enterprise_id.is_none() || item.enterprise_id != a.enterprise_id {
            return Err(Code::OutsideScope.param("id", "只能修改本企业发布的条目 / you may change only your enterprise's posts"));
        }
    }
    item.node = node;
    let stored = item.clone();
    let found = s.with_store_mut(move |st| st.update_market_item(id, &stored)).await?;
    if !found {
        return Err(Code::ItemNotFound.msg(format!("没有供需条目 {id} / no item {id}")));
    }
    Ok(Json(item_json(&data, id, &item)))
}

pub async fn item(State(s): State<Arc<ServerState>>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let id: i64 =
        id.parse().map_err(|_| Code::InvalidId.param("id", format!("'{id}' 不是有效的供需条目编号 / '{id}' is not an item id")))?;
    let data = s.data();
    let all = s.with_store(|st| st.market_items()).await?;
    let (_, it) = all.iter().find(|x| x.0 == id).ok_or_else(|| Code::ItemNotFound.msg(format!("没有供需条目 {id} / no item {id}")))?;
    Ok(Json(item_json(&data, id, it)))
}

/// `GET /api/v1/market/items?kind=&node=&active=`: the board, newest first.
pub async fn items(State(s): State<Arc<ServerState>>, Query(p): Params) -> Result<Json<Value>, ApiError> {
    known_params(&p, &names(&[MARKET_LIST]))?;
    let kind = match p.get("kind").map(String::as_str).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(
            ItemKind::parse(k)
                .ok_or_else(|| Code::InvalidKind.param("kind", format!("'{k}' 应为 supply 或 demand / '{k}' is not supply or demand")))?,
        ),
    };
    let nodes = list(&p, "node");
    let active = boolean(&p, "active")?.unwrap_or(true);
    let data = s.data();
    let all = s.with_store(|st| st.market_items()).await?;
    let now = today();
    let out: Vec<Value> = all
        .iter()
        .rev()
        .filter(|(_, it)| kind.is_none_or(|k| it.kind == k))
        .filter(|(_, it)| nodes.is_empty() || it.node.as_ref().is_some_and(|n| nodes.contains(n)))
        .filter(|(_, it)| !active || it.is_active(now))
        .map(|(id, it)| item_json(&data, *id, it))
        .collect();
    Ok(Json(json!({"total": out.len(), "items": out})))
}

fn relation_text(rel: Relation) -> (&'static str, &'static str) {
    match rel {
        Relation::SameNode => ("同一环节", "same chain node"),
        Relation::Upstream => ("上游供应环节", "an upstream (supplying) node"),
        Relation::Downstream => ("下游客户环节", "a downstream (customer) node"),
        Relation::SameChain => ("同一产业链", "the same chain"),
        Relation::Unrelated => ("环节不相关", "an unrelated node"),
    }
}

/// The nodes a post trades in, from its words: the title's (what is bought or sold) before the description's (often
/// what it is for: 用于装载机、挖掘机配套), and of those only the ones no other named node supplies — a demand for
/// hydraulic cylinders "for loaders" asks for hydraulics, not for loaders.
///
/// Terms are the nodes' keywords, found as whole substrings; where the terms of two nodes overlap (液压油 of the oils
/// node inside 液压油缸, where 液压 and 油缸 are hydraulics' own), the node whose terms cover more of the text keeps
/// the words, and a node left with no words of its own is not named.
pub(crate) fn inferred_nodes(t: &chainscope_model::Taxonomy, title: &str, description: &str) -> Vec<String> {
    let named_in = |text: &str| -> Vec<String> {
        let hay = text.to_lowercase();
        // Per node: the spans its keywords cover.
        let mut spans: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
        for (i, n) in t.nodes.iter().enumerate() {
            let mut v = Vec::new();
            for k in n.keywords.iter().map(|k| k.to_lowercase()).filter(|k| !k.is_empty()) {
                v.extend(hay.match_indices(k.as_str()).map(|(at, m)| (at, at + m.len())));
            }
            if !v.is_empty() {
                spans.push((i, v));
            }
        }
        let covered = |v: &[(usize, usize)]| {
            let mut bytes = vec![false; hay.len()];
            for &(a, b) in v {
                bytes[a..b].iter_mut().for_each(|x| *x = true);
            }
            bytes.iter().filter(|&&x| x).count()
        };
        let cover: Vec<usize> = spans.iter().map(|(_, v)| covered(v)).collect();
        let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
        let mut out: Vec<String> = Vec::new();
        for (x, (node, v)) in spans.iter().enumerate() {
            // Keep the node if one of its spans is not overlapped by a span of a node that covers more.
            let own = v.iter().any(|&sx| {
                !spans.iter().enumerate().any(|(y, (_, w))| y != x && cover[y] > cover[x] && w.iter().any(|&sy| overlaps(sx, sy)))
            });
            if own {
                out.push(t.nodes[*node].id.clone());
            }
        }
        out
    };
    let mut named = named_in(title);
    if named.is_empty() {
        named = named_in(description);
    }
    let supplied_by_another = |n: &String| named.iter().any(|o| o != n && t.node(o).is_some_and(|on| on.supplies.iter().any(|x| x == n)));
    named.iter().filter(|n| !supplied_by_another(n)).cloned().collect()
}

/// The taxonomy's terms (node names and keywords, lower-cased) a text holds, longest first.
fn terms_in(t: &chainscope_model::Taxonomy, text: &str) -> Vec<String> {
    let hay = text.to_lowercase();
    let mut found: Vec<String> = t
        .nodes
        .iter()
        .flat_map(|n| std::iter::once(&n.name_zh).chain(n.keywords.iter()))
        .map(|k| k.to_lowercase())
        .filter(|k| k.chars().count() >= 2 && hay.contains(k.as_str()))
        .collect();
    found.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    found.dedup();
    found
}

/// What two texts share, said in whole words: the item's taxonomy terms the other text holds, and shared Latin
/// words or numbers (the character pairs that score text similarity are never shown).
fn whole_terms(item_terms: &[String], other: &str, shared_tokens: &[String]) -> Vec<String> {
    let hay = other.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    // Longest first; a term inside a longer one already said is not said again (液压 within 液压油缸).
    for k in item_terms.iter().filter(|k| hay.contains(k.as_str())) {
        if !out.iter().any(|o| o.contains(k.as_str())) {
            out.push(k.clone());
        }
    }
    out.extend(shared_tokens.iter().filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric())).cloned());
    out
}

fn why(rel: Option<Relation>, shared: &[String], km: Option<f64>) -> (String, String) {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    if let Some(r) = rel {
        let (z, e) = relation_text(r);
        zh.push(z.to_string());
        en.push(e.to_string());
    }
    if !shared.is_empty() {
        let words: Vec<&str> = shared.iter().take(6).map(String::as_str).collect();
        zh.push(format!("共同词：{}", words.join("、")));
        en.push(format!("shared words: {}", words.join(", ")));
    }
    if let Some(d) = km {
        zh.push(format!("相距约 {d:.0} 公里"));
        en.push(format!("about {d:.0} km away"));
    }
    (zh.join("；"), en.join("; "))
}

/// `GET /api/v1/market/items/{id}/matches`: posts of the opposite kind and enterprises, best first.
pub async fn matches(State(s): State<Arc<ServerState>>, Path(id): Path<String>, Query(p): Params) -> Result<Json<Value>, ApiError> {
    known_params(&p, &names(&[MARKET_MATCHES]))?;
    let id: i64 =
        id.parse().map_err(|_| Code::InvalidId.param("id", format!("'{id}' 不是有效的供需条目编号 / '{id}' is not an item id")))?;
    let limit = crate::params::limit(&p, 20, 200)?;
    let data = s.data();
    let all = s.with_store(|st| st.market_items()).await?;
    let item = all
        .iter()
        .find(|x| x.0 == id)
        .map(|x| x.1.clone())
        .ok_or_else(|| Code::ItemNotFound.msg(format!("没有供需条目 {id} / no item {id}")))?;
    let t = &data.snapshot.taxonomy;
    let item_text = format!("{} {}", item.title, item.description.as_deref().unwrap_or(""));
    let item_tokens = tokens(&item_text);
    // The item's node, or the nodes its words point to when it names none.
    let item_nodes: Vec<String> = match &item.node {
        Some(n) => vec![n.clone()],
        None => inferred_nodes(t, &item.title, item.description.as_deref().unwrap_or("")),
    };
    // The taxonomy's terms the item's text holds: reasons quote these whole, never fragments.
    let item_terms = terms_in(t, &item_text);
    let origin = item.region_code.as_deref().and_then(|c| data.regions.centroid(data.regions.current_code(c)));
    let best_adjacency = |other: &str| -> Option<(f64, Relation)> {
        item_nodes.iter().map(|n| adjacency(t, item.kind, n, other)).max_by(|a, b| a.0.total_cmp(&b.0))
    };
    let mut out: Vec<(f64, Value)> = Vec::new();
    // Posts of the opposite kind that are still active.
    let now = today();
    for (oid, other) in all.iter().filter(|(oid, o)| *oid != id && o.kind == item.kind.opposite() && o.is_active(now)) {
        let adj = other.node.as_deref().filter(|_| !item_nodes.is_empty()).and_then(best_adjacency);
        let (text, shared) =
            text_similarity(&item_tokens, &tokens(&format!("{} {}", other.title, other.description.as_deref().unwrap_or(""))));
        let km = match (origin, other.region_code.as_deref().and_then(|c| data.regions.centroid(data.regions.current_code(c)))) {
            (Some(a), Some(b)) => Some(distance_km(a.0, a.1, b.0, b.1)),
            _ => None,
        };
        let (sc, known) = score([adj.map(|a| a.0), Some(text), km.map(nearness)]);
        let other_text = format!("{} {}", other.title, other.description.as_deref().unwrap_or(""));
        let (wz, we) = why(adj.map(|a| a.1), &whole_terms(&item_terms, &other_text, &shared), km);
        out.push((
            sc,
            json!({"type": "item", "item": item_json(&data, *oid, other), "score": sc, "known": known,
            "parts": {"adjacency": adj.map(|a| a.0), "text": text, "distance": km.map(nearness)}, "relation": adj.map(|a| a.1),
            "distance_km": km, "why_zh": wz, "why_en": we}),
        ));
    }
    // Enterprises on the item's node and its supply neighbours, pre-ranked by adjacency and distance, then read.
    let snap = data.snapshot.clone();
    let mut pre: Vec<(f64, u32, f64, Relation, Option<f64>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (n, node) in t.nodes.iter().enumerate() {
        let Some((adj, rel)) = best_adjacency(&node.id).filter(|a| a.0 >= 0.6) else { continue };
        for &r in &snap.node_rows[n] {
            if !seen.insert(r) || item.enterprise_id == Some(snap.ids[r as usize] as i64) {
                continue;
            }
            let km = origin.and_then(|(la, lo)| position(&snap, r as usize).map(|(a, b)| distance_km(la, lo, a, b)));
            let pre_score = 0.5 * adj + 0.2 * km.map_or(0.5, nearness) + 0.05 * (1.0 + snap.employees[r as usize] as f64).ln() / 12.0;
            pre.push((pre_score, r, adj, rel, km));
        }
    }
    pre.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    pre.truncate(300);
    let ids: Vec<i64> = pre.iter().map(|x| snap.ids[x.1 as usize] as i64).collect();
    let records: std::collections::HashMap<i64, chainscope_model::Enterprise> =
        s.with_store(move |st| st.enterprises_by_id(&ids)).await?.into_iter().collect();
    for (_, r, adj, rel, km) in pre {
        let eid = snap.ids[r as usize] as i64;
        let Some(e) = records.get(&eid) else { continue };
        let text_of = format!(
            "{} {} {} {}",
            e.name,
            e.name_en.as_deref().unwrap_or(""),
            e.products.as_deref().unwrap_or(""),
            e.scope.as_deref().unwrap_or("")
        );
        let (text, shared) = text_similarity(&item_tokens, &tokens(&text_of));
        let (sc, known) = score([Some(adj), Some(text), km.map(nearness)]);
        let (wz, we) = why(Some(rel), &whole_terms(&item_terms, &text_of, &shared), km);
        out.push((
            sc,
            json!({"type": "enterprise", "enterprise": {"id": eid, "name": e.name, "name_en": e.name_en, "region_code": e.region_code,
            "local": e.flags.local, "synthetic": e.synthetic}, "score": sc, "known": known,
            "parts": {"adjacency": adj, "text": text, "distance": km.map(nearness)}, "relation": rel, "distance_km": km,
            "why_zh": wz, "why_en": we}),
        ));
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0));
    out.truncate(limit);
    Ok(Json(json!({"item": item_json(&data, id, &item), "nodes": item_nodes, "matches": out.into_iter().map(|x| x.1).collect::<Vec<_>>(),
        "rule_zh": "匹配分 = 0.5×环节相邻（沿供应关系）+ 0.3×文本相似（中英文）+ 0.2×距离；未知项按 0.5 计并标注",
        "rule_en": "match score = 0.5 × node adjacency (along supply edges) + 0.3 × text similarity (Chinese and English) + 0.2 × nearness; an unknown part counts 0.5 and is marked"})))
}
