//! The project pipeline (招商项目库): projects and their moves, the post-signing checklist (全兜办), events, annual
//! targets, the leadership dashboard and the monthly and quarterly reports. Every figure is counted from the
//! project records by `chainscope_engine::pipeline`; nothing is stored pre-computed.
//!
//! Writes carry the version the writer read; a stale version gets a 409 with the current version, so two officers
//! editing one project never silently overwrite each other. Every write keeps the version it produced.

use crate::api::{known_params, names, number, ApiError, Params};
use crate::auth::Identity;
use crate::openapi::{DASHBOARD, PROJECT_LIST, REPORT, YEAR};
use crate::{Pipeline, ServerState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chainscope_engine::pipeline as eng;
use chainscope_io::export::{xlsx_workbook, Cell, Sheet};
use chainscope_model::{
    Channel, DocumentRef, Event, InvestmentBand, NextStep, Project, Provenance, Stage, Target, TargetScope, Task, TaskStatus, Taxonomy,
};
use chrono::{Datelike, NaiveDate};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The server's idea of today: the clock, or `CHAINSCOPE_TODAY` (YYYY-MM-DD) for demonstrations and tests.
pub fn today() -> NaiveDate {
    std::env::var("CHAINSCOPE_TODAY")
        .ok()
        .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The last day anything was recorded in the pipeline, not after today: the default "through" of dashboards.
fn data_day(p: &Pipeline) -> NaiveDate {
    let t = today();
    p.projects.iter().filter_map(|p| p.history.last().map(|e| e.date)).filter(|d| *d <= t).max().unwrap_or(t)
}

fn date_param(p: &HashMap<String, String>, key: &str) -> Result<Option<NaiveDate>, ApiError> {
    match p.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d").map(Some).map_err(|_| {
            ApiError::bad(key, "invalid_date", format!("'{v}' 不是日期（格式 YYYY-MM-DD） / '{v}' is not a date (YYYY-MM-DD)"))
        }),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// JSON views

fn region_json(s: &ServerState, code: &str) -> Value {
    let data = s.data();
    let r = data.regions.get(data.regions.current_code(code));
    json!({"code": code, "name_zh": r.map(|r| r.name_zh.as_str()), "name_en": r.map(|r| r.name_en.as_str())})
}

fn class_json(tax: &Taxonomy, p: &Project) -> Value {
    let cluster = p.cluster.as_deref().and_then(|c| tax.cluster(c));
    let tier = cluster.and_then(|c| tax.tier(&c.tier));
    let node = p.node.as_deref().and_then(|n| tax.node(n));
    json!({
        "tier": tier.map(|t| json!({"id": t.id, "name_zh": t.name_zh, "name_en": t.name_en})),
        "cluster": cluster.map(|c| json!({"id": c.id, "name_zh": c.name_zh, "name_en": c.name_en})),
        "node": node.map(|n| json!({"id": n.id, "name_zh": n.name_zh, "name_en": n.name_en})),
        "other_category": p.other_category,
        "in_system": cluster.is_some(),
    })
}

fn summary_json(s: &ServerState, tax: &Taxonomy, p: &Project, today: NaiveDate) -> Value {
    json!({
        "id": p.id, "name": p.name, "investor": p.investor, "investor_id": p.investor_id,
        "class": class_json(tax, p),
        "region": region_json(s, &p.region_code),
        "stage": p.stage, "stage_zh": p.stage.label_zh(), "stage_en": p.stage.label_en(),
        "signed_on": p.signed_on(), "amount": p.amount, "amount_paid": p.amount_paid, "jobs": p.jobs,
        "band": p.band(), "band_zh": p.band().map(InvestmentBand::label_zh), "band_en": p.band().map(InvestmentBand::label_en),
        "channel": p.channel, "officer": p.officer, "event_id": p.event_id, "park_id": p.park_id,
        "last_move": p.history.last().map(|e| e.date),
        "start_overdue": p.start_overdue(today),
        "checklist_open": p.checklist.iter().filter(|t| t.status.is_open()).count(),
        "checklist_overdue": p.checklist.iter().filter(|t| t.overdue(today)).count(),
        "synthetic": p.synthetic, "version": p.version,
    })
}

fn allowed_moves(p: &Project) -> Vec<Value> {
    let mut out: Vec<Value> = p
        .stage
        .forward_moves()
        .iter()
        .map(|s| json!({"to": s, "label_zh": s.label_zh(), "kind": "forward", "needs_reason": false}))
        .collect();
    if let Some(b) = p.back_target() {
        let kind = if p.stage == Stage::Dropped { "reopen" } else { "back" };
        out.push(json!({"to": b, "label_zh": b.label_zh(), "kind": kind, "needs_reason": true}));
    }
    if !matches!(p.stage, Stage::Producing | Stage::Dropped) {
        out.push(json!({"to": "dropped", "label_zh": "终止", "kind": "drop", "needs_reason": true}));
    }
    out
}

fn detail_json(s: &ServerState, pl: &Pipeline, p: &Project, log: Vec<chainscope_store::ProjectChange>, who: &Identity) -> Value {
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let t = today();
    let mut v = summary_json(s, tax, p, t);
    // Each item's department as the service catalogue knows it (id, English name), and whether it is the caller's
    // own department's work: the page lets department staff change exactly the items the server lets them change.
    let cfg = s.service();
    let my_dept = who.account.as_ref().filter(|a| a.role == chainscope_model::Role::Department).and_then(|a| a.department.as_deref());
    let checklist: Vec<Value> = p
        .checklist
        .iter()
        .map(|k| {
            let mut j = serde_json::to_value(k).unwrap_or(Value::Null);
            j["overdue"] = json!(k.overdue(t));
            j["days_over"] = json!(k.due.filter(|_| k.overdue(t)).map(|d| (t - d).num_days()));
            let known = catalogue_department(s, cfg.as_deref(), &k.department);
            j["department_id"] = json!(known.map(|d| &d.id));
            j["department_en"] = json!(known.map(|d| &d.name_en));
            j["mine"] = json!(my_dept.is_some_and(|d| task_of(s, cfg.as_deref(), d, k)));
            j
        })
        .collect();
    let event = p.event_id.as_deref().and_then(|e| pl.events.iter().find(|x| x.id == e));
    let park = p.park_id.as_deref().and_then(|id| data.parks.iter().find(|x| x.id == id));
    let due = p.start_due();
    v["history"] = json!(p
        .history
        .iter()
        .map(|e| json!({"stage": e.stage, "stage_zh": e.stage.label_zh(), "date": e.date, "by": e.by, "reason": e.reason}))
        .collect::<Vec<_>>());
    v["log"] = json!(log);
    v["checklist"] = json!(checklist);
    v["blockers"] = json!(p.start_blockers().map(|k| json!({"id": k.id, "title_zh": k.title_zh, "title_en": k.title_en, "department": k.department, "due": k.due, "overdue": k.overdue(t)})).collect::<Vec<_>>());
    v["documents"] = json!(p.documents);
    v["next_steps"] = json!(p.next_steps);
    v["start_deadline"] = json!(p.start_deadline);
    v["start_due"] = json!(due.map(|(d, agreed)| json!({"date": d, "agreed": agreed})));
    v["drop_reason"] = json!(p.drop_reason());
    v["allowed_moves"] = json!(allowed_moves(p));
    v["event"] = json!(event.map(|e| json!({"id": e.id, "name_zh": e.name_zh, "name_en": e.name_en, "date": e.date})));
    v["park"] = json!(park.map(|x| json!({"id": x.id, "name_zh": x.name_zh, "name_en": x.name_en})));
    v["provenance"] = json!(p.provenance);
    // The server's today: the default (and latest) date of a move.
    v["today"] = json!(t);
    v
}

// ---------------------------------------------------------------------------------------------------------------
// Listing

struct ListFilter {
    stages: Vec<Stage>,
    region: Option<String>,
    clusters: Vec<String>,
    tiers: Vec<String>,
    other: Option<bool>,
    event: Option<String>,
    officer: Option<String>,
    band: Option<InvestmentBand>,
    text: Option<String>,
    signed_from: Option<NaiveDate>,
    signed_to: Option<NaiveDate>,
    overdue: Option<bool>,
    /// The stage filter applies to the stage on this day.
    stage_on: Option<NaiveDate>,
    /// Reached this stage within `[reached_from, reached_to]` (as the dashboard counts it).
    reached: Option<(Stage, NaiveDate, NaiveDate)>,
    /// Only projects with open checklist items of this department (a catalogue id or a name).
    tasks_of: Option<String>,
}

fn list_filter(s: &ServerState, p: &HashMap<String, String>) -> Result<ListFilter, ApiError> {
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let mut stages = Vec::new();
    for v in crate::api::list(p, "stage") {
        stages.push(
            Stage::parse(&v).map_err(|_| ApiError::bad("stage", "invalid_stage", format!("'{v}' 不是项目阶段 / '{v}' is not a stage")))?,
        );
    }
    let clusters = crate::api::list(p, "cluster");
    if let Some(c) = clusters.iter().find(|c| tax.cluster(c).is_none()) {
        return Err(ApiError::bad("cluster", "unknown_cluster", format!("没有集群 '{c}' / no cluster '{c}'")));
    }
    let tiers = crate::api::list(p, "tier");
    if let Some(t) = tiers.iter().find(|t| tax.tier(t).is_none()) {
        return Err(ApiError::bad("tier", "unknown_tier", format!("没有层级 '{t}' / no tier '{t}'")));
    }
    let region = match p.get("region").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(r) => {
            let c = data.regions.current_code(r);
            if data.regions.get(c).is_none() {
                return Err(ApiError::bad("region", "unknown_region", format!("没有地区 '{r}' / no region '{r}'")));
            }
            Some(c.to_string())
        }
    };
    let band = match p.get("band").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(b) => Some(
            InvestmentBand::parse(b)
                .map_err(|_| ApiError::bad("band", "invalid_band", format!("'{b}' 不是有效的投资规模档 / '{b}' is not a size band")))?,
        ),
    };
    let text = |k: &str| p.get(k).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(ListFilter {
        stages,
        region,
        clusters,
        tiers,
        other: crate::api::boolean(p, "other")?,
        event: text("event"),
        officer: text("officer"),
        band,
        text: text("q").map(|q| q.to_lowercase()),
        signed_from: date_param(p, "signed_from")?,
        signed_to: date_param(p, "signed_to")?,
        overdue: crate::api::boolean(p, "overdue")?,
        tasks_of: text("tasks_of"),
        stage_on: date_param(p, "stage_on")?,
        reached: match p.get("reached").map(|x| x.trim()).filter(|x| !x.is_empty()) {
            None => None,
            Some(r) => {
                let stage = Stage::parse(r)
                    .map_err(|_| ApiError::bad("reached", "invalid_stage", format!("'{r}' 不是项目阶段 / '{r}' is not a stage")))?;
                let from = date_param(p, "reached_from")?.unwrap_or(NaiveDate::MIN);
                let to = date_param(p, "reached_to")?.unwrap_or(NaiveDate::MAX);
                Some((stage, from, to))
            }
        },
    })
}

fn passes(s: &ServerState, tax: &Taxonomy, f: &ListFilter, p: &Project, today: NaiveDate) -> bool {
    if !f.stages.is_empty() {
        let stage = match f.stage_on {
            Some(day) => p.stage_on(day),
            None => Some(p.stage),
        };
        if !stage.is_some_and(|s| f.stages.contains(&s)) {
            return false;
        }
    }
    if let Some((stage, from, to)) = f.reached {
        if !eng::reached_within(p, stage, from, to) {
            return false;
        }
    }
    if let Some(r) = &f.region {
        let data = s.data();
        if p.region_code != *r && !data.regions.is_within(&p.region_code, r) {
            return false;
        }
    }
    let cluster = p.cluster.as_deref().and_then(|c| tax.cluster(c));
    if !f.clusters.is_empty() && !cluster.is_some_and(|c| f.clusters.contains(&c.id)) {
        return false;
    }
    if !f.tiers.is_empty() && !cluster.is_some_and(|c| f.tiers.contains(&c.tier)) {
        return false;
    }
    if let Some(o) = f.other {
        if o == cluster.is_some() {
            return false;
        }
    }
    if f.event.as_ref().is_some_and(|e| p.event_id.as_ref() != Some(e)) {
        return false;
    }
    if f.officer.as_ref().is_some_and(|o| p.officer.as_ref() != Some(o)) {
        return false;
    }
    if f.band.is_some_and(|b| p.band() != Some(b)) {
        return false;
    }
    if let Some(q) = &f.text {
        let hit = p.name.to_lowercase().contains(q)
            || p.investor.as_deref().is_some_and(|i| i.to_lowercase().contains(q))
            || p.id.to_lowercase() == *q;
        if !hit {
            return false;
        }
    }
    if f.signed_from.is_some() || f.signed_to.is_some() {
        let Some(d) = p.signed_on() else { return false };
        if f.signed_from.is_some_and(|x| d < x) || f.signed_to.is_some_and(|x| d > x) {
            return false;
        }
    }
    if let Some(o) = f.overdue {
        let late = p.start_overdue(today) || p.checklist.iter().any(|t| t.overdue(today));
        if o != late {
            return false;
        }
    }
    if let Some(dept) = &f.tasks_of {
        if department_tasks(s, p, dept, today).0 == 0 {
            return false;
        }
    }
    true
}

/// Open and overdue checklist items of one department (a catalogue id or a name, compared as
/// [`crate::service::same_department`] does) in a project.
fn department_tasks(s: &ServerState, p: &Project, dept: &str, today: NaiveDate) -> (usize, usize) {
    let cfg = s.service();
    let theirs = |t: &&Task| task_of(s, cfg.as_deref(), dept, t);
    let open = p.checklist.iter().filter(|t| t.status.is_open()).filter(theirs).count();
    let late = p.checklist.iter().filter(|t| t.overdue(today)).filter(theirs).count();
    (open, late)
}

/// The service catalogue's department that a department named in text is (by id, or by name with or without the
/// city's name), for its id and English name.
fn catalogue_department<'a>(
    s: &ServerState,
    cfg: Option<&'a crate::service::ServiceConfig>,
    name: &str,
) -> Option<&'a chainscope_model::service::Department> {
    let cat = &cfg?.catalogue;
    cat.departments.iter().find(|d| crate::service::same_department(s, cat, &d.id, name))
}

/// Whether a checklist item is the work of a department (an account's catalogue id or name): the same bureau whether
/// named by id or by name, with or without the city's name (see [`crate::service::same_department`]).
fn task_of(s: &ServerState, cfg: Option<&crate::service::ServiceConfig>, dept: &str, t: &Task) -> bool {
    match cfg {
        Some(c) => crate::service::same_department(s, &c.catalogue, dept, &t.department),
        None => t.department == dept,
    }
}

/// `GET /api/v1/projects`: the project table with filters, counts by stage (for the board) and paging.
pub async fn list(State(s): State<Arc<ServerState>>, Extension(who): Extension<Identity>, q: Params) -> Result<Response, ApiError> {
    let p = q.0;
    known_params(&p, &names(&[PROJECT_LIST]))?;
    let f = list_filter(&s, &p)?;
    // mine=true: an officer's own 板块 (other roles: no narrowing).
    let mine = crate::api::boolean(&p, "mine")?.unwrap_or(false)
        && who.account.as_ref().is_some_and(|a| a.role == chainscope_model::Role::Officer);
    let limit: usize = number(&p, "limit")?.unwrap_or(50);
    if !(1..=10_000).contains(&limit) {
        return Err(ApiError::bad("limit", "invalid_limit", "limit 应在 1–10000 之间 / limit must be 1–10000"));
    }
    let offset: usize = number(&p, "offset")?.unwrap_or(0);
    let sort = p.get("sort").map(String::as_str).filter(|v| !v.is_empty()).unwrap_or("recent");
    if !matches!(sort, "recent" | "amount" | "signed" | "name") {
        return Err(ApiError::bad(
            "sort",
            "invalid_sort",
            format!("'{sort}' 应为 recent、amount、signed 或 name / '{sort}' is not recent, amount, signed or name"),
        ));
    }
    let format = p.get("format").map(String::as_str).filter(|v| !v.is_empty()).unwrap_or("json");
    if !matches!(format, "json" | "xlsx") {
        return Err(ApiError::bad("format", "invalid_format", format!("'{format}' 应为 json 或 xlsx / '{format}' is not json or xlsx")));
    }
    let pl = s.pipeline();
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let t = today();
    let mut rows: Vec<&Project> = pl
        .projects
        .iter()
        .filter(|x| passes(&s, tax, &f, x, t))
        .filter(|x| !mine || who.may_write_region(&x.region_code, &data.regions))
        .collect();
    match sort {
        "amount" => rows.sort_by(|a, b| b.amount.unwrap_or(0.0).total_cmp(&a.amount.unwrap_or(0.0)).then(a.id.cmp(&b.id))),
        "signed" => rows.sort_by(|a, b| b.signed_on().cmp(&a.signed_on()).then(a.id.cmp(&b.id))),
        "name" => rows.sort_by(|a, b| a.name.cmp(&b.name)),
        _ => rows.sort_by(|a, b| b.history.last().map(|e| e.date).cmp(&a.history.last().map(|e| e.date)).then(b.id.cmp(&a.id))),
    }
    let mut stage_counts: std::collections::BTreeMap<Stage, (u64, f64)> = std::collections::BTreeMap::new();
    for r in &rows {
        let e = stage_counts.entry(r.stage).or_default();
        e.0 += 1;
        e.1 += r.amount.unwrap_or(0.0);
    }
    if format == "xlsx" {
        return xlsx_response("projects.xlsx", &[project_sheet("项目 projects", &s, tax, &rows), moves_sheet(&rows)]);
    }
    let amount: f64 = rows.iter().filter_map(|r| r.amount).sum();
    // A department's whole work list in two figures (every row, not only this page): the navigation's count.
    let dept_sums = f.tasks_of.as_ref().map(|dept| {
        let (open, overdue) = rows.iter().fold((0, 0), |(o, l), x| {
            let (a, b) = department_tasks(&s, x, dept, t);
            (o + a, l + b)
        });
        json!({"department": dept, "open": open, "overdue": overdue})
    });
    let items: Vec<Value> = rows
        .iter()
        .skip(offset)
        .take(limit)
        .map(|x| {
            let mut v = summary_json(&s, tax, x, t);
            if let Some(dept) = &f.tasks_of {
                let (open, overdue) = department_tasks(&s, x, dept, t);
                v["tasks_of"] = json!({"department": dept, "open": open, "overdue": overdue});
            }
            v
        })
        .collect();
    let mut body = json!({
        "total": rows.len(), "amount": amount, "offset": offset, "limit": limit,
        "stages": Stage::ALL.iter().map(|st| {
            let (n, a) = stage_counts.get(st).copied().unwrap_or_default();
            json!({"stage": st, "label_zh": st.label_zh(), "label_en": st.label_en(), "count": n, "amount": a})
        }).collect::<Vec<_>>(),
        "items": items,
    });
    if let Some(sums) = dept_sums {
        body["tasks_of"] = sums;
    }
    Ok(Json(body).into_response())
}

/// `GET /api/v1/projects/{id}`: the project with its moves, change log, checklist, blockers and allowed moves.
pub async fn get(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let pl = s.pipeline();
    let Some(p) = pl.projects.iter().find(|p| p.id == id).cloned() else {
        return Err(ApiError::not_found("unknown_project", format!("没有项目 '{id}' / no project '{id}'")));
    };
    let pid = id.clone();
    let log = s.with_store(move |st| st.project_log(&pid)).await.unwrap_or_default();
    Ok(Json(detail_json(&s, &pl, &p, log, &who)))
}

/// `GET /api/v1/projects/{id}/versions/{version}`: the project as one write left it.
pub async fn version(State(s): State<Arc<ServerState>>, Path((id, version)): Path<(String, i64)>) -> Result<Json<Value>, ApiError> {
    let pid = id.clone();
    let found = s.with_store(move |st| st.project_version(&pid, version)).await?;
    match found {
        Some(p) => Ok(Json(serde_json::to_value(p).unwrap_or(Value::Null))),
        None => {
            Err(ApiError::not_found("unknown_version", format!("项目 '{id}' 没有版本 {version} / project '{id}' has no version {version}")))
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Writes

/// Read a JSON body as an object whose fields are all known, naming the field of any problem.
fn body_object(body: &[u8], fields: &[(&str, &str)]) -> Result<Map<String, Value>, ApiError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad("body", "invalid_json", format!("请求体不是有效的 JSON / the body is not JSON: {e}")))?;
    let Value::Object(obj) = v else {
        return Err(ApiError::bad("body", "invalid_body", "请求体应为 JSON 对象 / the body must be a JSON object"));
    };
    if obj.is_empty() {
        return Err(ApiError::bad("body", "empty_body", "请求体没有任何字段 / the body has no fields"));
    }
    for (k, val) in &obj {
        let Some((_, want)) = fields.iter().find(|f| f.0 == k) else {
            let known: Vec<&str> = fields.iter().map(|f| f.0).collect();
            let known = known.join(", ");
            return Err(ApiError::bad(
                k,
                "unknown_field",
                format!("未知字段 '{k}'（可用字段：{known}） / unknown field '{k}' (fields: {known})"),
            ));
        };
        let ok = val.is_null()
            || match *want {
                "integer" => val.is_i64() || val.is_u64(),
                "number" => val.is_number(),
                "array" => val.is_array(),
                "boolean" => val.is_boolean(),
                _ => val.is_string(),
            };
        if !ok {
            return Err(ApiError::bad(k, "invalid_type", format!("'{k}' 的类型应为 {want} / '{k}' must be a {want}")));
        }
    }
    Ok(obj)
}

fn text(obj: &Map<String, Value>, k: &str, max: usize) -> Result<Option<String>, ApiError> {
    match obj.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > max => {
            Err(ApiError::bad(k, "too_long", format!("'{k}' 超过 {max} 个字符 / '{k}' is longer than {max} characters")))
        }
        Some(v) => Ok(Some(v.to_string())),
    }
}

fn amount(obj: &Map<String, Value>, k: &str) -> Result<Option<f64>, ApiError> {
    match obj.get(k).and_then(Value::as_f64) {
        None => Ok(None),
        Some(v) if !v.is_finite() || v < 0.0 => {
            Err(ApiError::bad(k, "invalid_amount", format!("'{k}' 不能为负数 / '{k}' must be zero or more")))
        }
        // 10,000亿 (1e8 万元) is beyond any single project.
        Some(v) if v > 1e8 => Err(ApiError::bad(
            k,
            "implausible_amount",
            format!("'{k}' {v} 万元超出了单个项目的合理范围 / '{k}' {v} 万元 is beyond any single project"),
        )),
        Some(v) => Ok(Some(v)),
    }
}

fn date_field(obj: &Map<String, Value>, k: &str) -> Result<Option<NaiveDate>, ApiError> {
    match obj.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ApiError::bad(k, "invalid_date", format!("'{v}' 不是日期（格式 YYYY-MM-DD） / '{v}' is not a date (YYYY-MM-DD)"))),
    }
}

const PROJECT_FIELDS: &[(&str, &str)] = &[
    ("version", "integer"),
    ("id", "string"),
    ("name", "string"),
    ("investor", "string"),
    ("investor_enterprise_id", "integer"),
    ("cluster", "string"),
    ("node", "string"),
    ("other_category", "string"),
    ("region_code", "string"),
    ("park_id", "string"),
    ("amount", "number"),
    ("amount_paid", "number"),
    ("jobs", "integer"),
    ("channel", "string"),
    ("event_id", "string"),
    ("officer", "string"),
    ("start_deadline", "string"),
    ("checklist", "array"),
    ("documents", "array"),
    ("next_steps", "array"),
    ("stage", "string"),
    ("date", "string"),
    ("by", "string"),
    ("source", "string"),
];

/// Apply the editable fields present in `obj` to `p`, checking each. Returns the names of the fields changed.
fn apply_fields(s: &ServerState, pl: &Pipeline, p: &mut Project, obj: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let before = p.clone();
    let has = |k: &str| obj.contains_key(k);
    if has("name") {
        p.name = text(obj, "name", 200)?.ok_or_else(|| ApiError::bad("name", "missing", "'name' 不能为空 / 'name' cannot be empty"))?;
    }
    if has("investor") {
        p.investor = text(obj, "investor", 200)?;
    }
    if has("region_code") {
        let r = text(obj, "region_code", 20)?
            .ok_or_else(|| ApiError::bad("region_code", "missing", "'region_code' 不能为空 / 'region_code' cannot be empty"))?;
        if data.regions.get(data.regions.current_code(&r)).is_none() {
            return Err(ApiError::bad("region_code", "unknown_region", format!("没有地区 '{r}' / no region '{r}'")));
        }
        p.region_code = r;
    }
    if has("cluster") {
        p.cluster = text(obj, "cluster", 60)?;
        if let Some(c) = &p.cluster {
            if tax.cluster(c).is_none() {
                return Err(ApiError::bad("cluster", "unknown_cluster", format!("没有集群 '{c}' / no cluster '{c}'")));
            }
        }
    }
    if has("node") {
        p.node = text(obj, "node", 60)?;
        if let Some(n) = &p.node {
            let Some(cl) = tax.cluster_of_node(n) else {
                return Err(ApiError::bad("node", "unknown_node", format!("没有节点 '{n}' / no node '{n}'")));
            };
            match &p.cluster {
                None => p.cluster = Some(cl.id.clone()),
                Some(c) if *c != cl.id => {
                    return Err(ApiError::bad(
                        "node",
                        "node_outside_cluster",
                        format!("节点 '{n}' 属于集群 '{0}' 而不是 '{c}' / node '{n}' is in cluster '{0}', not '{c}'", cl.id),
                    ))
                }
                _ => {}
            }
        }
    }
    if has("other_category") {
        p.other_category = text(obj, "other_category", 60)?;
    }
    if p.cluster.is_some() && p.other_category.is_some() {
        return Err(ApiError::bad(
            "other_category",
            "both_classes",
            "项目只能归入集群或其他类别之一，不能两者兼有 / a project is either in a cluster or in an other category, not both",
        ));
    }
    if has("park_id") {
        p.park_id = text(obj, "park_id", 60)?;
        if let Some(id) = &p.park_id {
            if !data.parks.iter().any(|x| x.id == *id) {
                return Err(ApiError::bad("park_id", "unknown_park", format!("没有园区 '{id}' / no park '{id}'")));
            }
        }
    }
    if has("amount") {
        p.amount = amount(obj, "amount")?;
    }
    if has("amount_paid") {
        p.amount_paid = amount(obj, "amount_paid")?;
    }
    if let (Some(a), Some(paid)) = (p.amount, p.amount_paid) {
        if paid > a {
            return Err(ApiError::bad(
                "amount_paid",
                "paid_exceeds_agreed",
                format!("到位资金 {paid} 超过了协议投资额 {a} / paid-in {paid} exceeds the agreed {a}"),
            ));
        }
    }
    if has("jobs") {
        p.jobs = match obj.get("jobs").and_then(Value::as_i64) {
            None => None,
            Some(j) if !(0..=1_000_000).contains(&j) => {
                return Err(ApiError::bad("jobs", "invalid_jobs", "jobs 应在 0–1,000,000 之间 / jobs must be 0–1,000,000"))
            }
            Some(j) => Some(j as u32),
        };
    }
    if has("channel") {
        let c = text(obj, "channel", 30)?.unwrap_or_default();
        p.channel = Channel::parse(&c)
            .map_err(|_| ApiError::bad("channel", "invalid_channel", format!("'{c}' 不是有效的招商渠道 / '{c}' is not a channel")))?;
    }
    if has("event_id") {
        p.event_id = text(obj, "event_id", 60)?;
        if let Some(e) = &p.event_id {
            if !pl.events.iter().any(|x| x.id == *e) {
                return Err(ApiError::bad("event_id", "unknown_event", format!("没有活动 '{e}' / no event '{e}'")));
            }
        }
    }
    if has("officer") {
        p.officer = text(obj, "officer", 60)?;
    }
    if has("start_deadline") {
        p.start_deadline = date_field(obj, "start_deadline")?;
    }
    if has("checklist") {
        p.checklist = checklist_field(obj)?;
    }
    if has("documents") {
        let v = obj.get("documents").cloned().unwrap_or(Value::Array(vec![]));
        let docs: Vec<DocumentRef> = serde_json::from_value(v)
            .map_err(|e| ApiError::bad("documents", "invalid_documents", format!("文件资料格式有误 / documents: {e}")))?;
        if docs.iter().any(|d| d.name.trim().is_empty() || d.name.chars().count() > 200) {
            return Err(ApiError::bad(
                "documents",
                "invalid_documents",
                "每份文件资料都须有名称，且不超过 200 个字符 / every document needs a name of at most 200 characters",
            ));
        }
        p.documents = docs;
    }
    if has("next_steps") {
        let v = obj.get("next_steps").cloned().unwrap_or(Value::Array(vec![]));
        let steps: Vec<NextStep> = serde_json::from_value(v)
            .map_err(|e| ApiError::bad("next_steps", "invalid_next_steps", format!("下一步工作格式有误 / next_steps: {e}")))?;
        if steps.iter().any(|d| d.text.trim().is_empty() || d.text.chars().count() > 500) {
            return Err(ApiError::bad(
                "next_steps",
                "invalid_next_steps",
                "每项下一步工作都须有内容，且不超过 500 个字符 / every step needs a text of at most 500 characters",
            ));
        }
        p.next_steps = steps;
    }
    let b = serde_json::to_value(&before).unwrap_or(Value::Null);
    let a = serde_json::to_value(&*p).unwrap_or(Value::Null);
    let changed = match (b, a) {
        (Value::Object(b), Value::Object(a)) => a.iter().filter(|(k, v)| b.get(*k) != Some(v)).map(|(k, _)| k.clone()).collect(),
        _ => vec![],
    };
    Ok(changed)
}

fn checklist_field(obj: &Map<String, Value>) -> Result<Vec<Task>, ApiError> {
    let items = obj.get("checklist").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let bad = |m: String| ApiError::bad(&format!("checklist[{i}]"), "invalid_checklist_item", m);
        let o = it.as_object().ok_or_else(|| bad("应为对象 / must be an object".into()))?;
        let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string);
        let d = |k: &str| -> Result<Option<NaiveDate>, ApiError> {
            match s(k) {
                None => Ok(None),
                Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| bad(format!("{k}：'{v}' 不是日期 / {k}: '{v}' is not a date"))),
            }
        };
        let title_zh = s("title_zh").ok_or_else(|| bad("缺少必填项 title_zh / title_zh is required".into()))?;
        let department = s("department").ok_or_else(|| bad("缺少必填项 department / department is required".into()))?;
        if title_zh.chars().count() > 200 || department.chars().count() > 100 {
            return Err(bad("标题或部门名称过长 / title or department too long".into()));
        }
        let status = match s("status") {
            None => TaskStatus::Todo,
            Some(v) => TaskStatus::parse(&v).map_err(|_| {
                bad(format!("状态 '{v}' 应为 todo、doing、done 或 not_needed / status '{v}' is not todo, doing, done or not_needed"))
            })?,
        };
        let done_on = d("done_on")?;
        out.push(Task {
            id: s("id").unwrap_or_else(|| format!("t{}", i + 1)),
            kind: s("kind").unwrap_or_else(|| "other".into()),
            title_zh,
            title_en: s("title_en"),
            department,
            due: d("due")?,
            status,
            done_on: if status == TaskStatus::Done { done_on.or_else(|| Some(today())) } else { done_on },
            blocks_start: o.get("blocks_start").and_then(Value::as_bool).unwrap_or(false),
            note: s("note"),
        });
    }
    let mut ids: Vec<&str> = out.iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return Err(ApiError::bad("checklist", "duplicate_item_id", "清单事项编号不能重复 / checklist item ids must be unique"));
    }
    Ok(out)
}

fn store_error(e: ApiError) -> ApiError {
    match e.code {
        "version_conflict" => ApiError { status: StatusCode::CONFLICT, ..e },
        "already_exists" => ApiError { status: StatusCode::CONFLICT, ..e },
        "not_found" => ApiError { status: StatusCode::NOT_FOUND, ..e },
        _ => e,
    }
}

/// Who is recorded for a write: the signed-in account. (`by` in a body is accepted for older clients and checked,
/// but the account is what is recorded.)
fn actor(obj: &Map<String, Value>, id: &Identity) -> Result<String, ApiError> {
    let by = text(obj, "by", 60)?;
    Ok(if id.account.is_some() { id.actor() } else { by.unwrap_or_else(|| "api".into()) })
}

fn outside_scope(field: &str, code: &str) -> ApiError {
    ApiError {
        status: StatusCode::FORBIDDEN,
        code: "outside_scope",
        message: format!("该项目不属于您负责的板块 / {code} is not one of your 板块"),
        parameter: Some(field.into()),
    }
}

/// An officer writes only in their 板块; administrators anywhere.
fn check_region(s: &ServerState, id: &Identity, field: &str, code: &str) -> Result<(), ApiError> {
    if id.account.is_none() || id.may_write_region(code, &s.data().regions) {
        Ok(())
    } else {
        Err(outside_scope(field, code))
    }
}

/// Department staff change only the checklist items of their own department.
fn check_department_edit(
    s: &ServerState,
    id: &Identity,
    before: &Project,
    obj: &Map<String, Value>,
    after: &Project,
) -> Result<(), ApiError> {
    let Some(a) = id.account.as_ref().filter(|a| a.role == chainscope_model::Role::Department) else { return Ok(()) };
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "version" | "checklist" | "by")) {
        return Err(ApiError {
            status: StatusCode::FORBIDDEN,
            code: "outside_scope",
            message: format!("部门人员只能办理本部门的清单事项 / department staff may change only their checklist items, not '{k}'"),
            parameter: Some(k.clone()),
        });
    }
    let dept = a.department.as_deref().unwrap_or("");
    // The same bureau whether the account names it by catalogue id or by name (with or without the city's name).
    let cfg = s.service();
    let theirs = |t: &Task| task_of(s, cfg.as_deref(), dept, t);
    let others_before: Vec<&Task> = before.checklist.iter().filter(|t| !theirs(t)).collect();
    let others_after: Vec<&Task> = after.checklist.iter().filter(|t| !theirs(t)).collect();
    if others_before != others_after {
        return Err(ApiError {
            status: StatusCode::FORBIDDEN,
            code: "outside_scope",
            message: format!("只能修改“{dept}”的事项 / only items of {dept} may be changed"),
            parameter: Some("checklist".into()),
        });
    }
    Ok(())
}

/// Write one project, then reload the pipeline so the next read sees it. Returns the stored project.
async fn save(
    s: &Arc<ServerState>,
    p: Project,
    expected: Option<i64>,
    change: chainscope_store::Change,
    mark_changed: bool,
) -> Result<Project, ApiError> {
    let saved = s
        .with_store_mut(move |st| {
            let saved = st.save_project(&p, expected, &change)?;
            if mark_changed {
                // New investors change what the leads leave out; the server's watcher reloads.
                st.set_meta("changed_at", &chrono::Utc::now().to_rfc3339())?;
            }
            Ok(saved)
        })
        .await
        .map_err(store_error)?;
    s.reload_pipeline().await?;
    Ok(saved)
}

/// `POST /api/v1/projects`: create a project (at 线索 unless `stage` says otherwise). From a lead: give
/// `investor_enterprise_id` and the investor's name and identifiers are taken from the record.
pub async fn create(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let obj = body_object(&body, PROJECT_FIELDS)?;
    if obj.contains_key("version") {
        return Err(ApiError::bad("version", "unexpected_version", "新项目不应带 version / a new project has no version"));
    }
    let pl = s.pipeline();
    let by = actor(&obj, &who)?;
    let t = today();
    let stage = match text(&obj, "stage", 20)? {
        None => Stage::Lead,
        Some(v) => {
            Stage::parse(&v).map_err(|_| ApiError::bad("stage", "invalid_stage", format!("'{v}' 不是项目阶段 / '{v}' is not a stage")))?
        }
    };
    if matches!(stage, Stage::Dropped) {
        return Err(ApiError::bad("stage", "invalid_stage", "新建项目不能处于终止阶段 / a project cannot start dropped"));
    }
    let date = date_field(&obj, "date")?.unwrap_or(t);
    if date > t {
        return Err(ApiError::bad("date", "date_in_future", format!("{date} 是未来的日期 / {date} is in the future")));
    }
    let mut investor = None;
    let mut investor_id = None;
    if let Some(eid) = obj.get("investor_enterprise_id").and_then(Value::as_i64) {
        let found = s.with_store(move |st| st.enterprises_by_id(&[eid])).await?;
        let Some((id, e)) = found.into_iter().next() else {
            return Err(ApiError::bad("investor_enterprise_id", "unknown_enterprise", format!("没有企业 {eid} / no enterprise {eid}")));
        };
        investor = Some(e.name.clone());
        investor_id = e.uscc.clone().or(e.lei.clone()).or(e.ext_id.clone()).or(Some(format!("id:{id}")));
        if pl.projects.iter().any(|p| p.investor_id.is_some() && p.investor_id == investor_id && p.stage != Stage::Dropped) {
            return Err(ApiError {
                status: StatusCode::CONFLICT,
                code: "already_in_pipeline",
                message: format!("{} 已在项目库中 / {} already has an active project", e.name, e.name),
                parameter: Some("investor_enterprise_id".into()),
            });
        }
    }
    let id = match text(&obj, "id", 60)? {
        Some(id) if id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => id,
        Some(id) => {
            return Err(ApiError::bad(
                "id",
                "invalid_id",
                format!("'{id}' 只能包含字母、数字、- 和 _ / '{id}' may hold only letters, digits, - and _"),
            ))
        }
        None => {
            let n = pl.projects.iter().filter(|p| p.id.starts_with(&format!("p-{}-", t.year()))).count();
            let mut k = n + 1;
            loop {
                let cand = format!("p-{}-{k:04}", t.year());
                if !pl.projects.iter().any(|p| p.id == cand) {
                    break cand;
                }
                k += 1;
            }
        }
    };
    let mut p = Project {
        id,
        name: String::new(),
        investor,
        investor_id,
        cluster: None,
        node: None,
        other_category: None,
        region_code: String::new(),
        park_id: None,
        amount: None,
        amount_paid: None,
        jobs: None,
        channel: Channel::Other,
        stage,
        history: vec![chainscope_model::StageEntry { stage, date, by: Some(by.clone()), reason: None }],
        event_id: None,
        officer: None,
        provenance: Provenance { source: text(&obj, "source", 200)?.unwrap_or_else(|| "chainscope".into()), as_of: Some(t) },
        synthetic: false,
        version: 0,
        start_deadline: None,
        checklist: Vec::new(),
        documents: Vec::new(),
        next_steps: Vec::new(),
    };
    if !obj.contains_key("name") {
        return Err(ApiError::bad("name", "missing", "缺少必填项 'name' / 'name' is required"));
    }
    if !obj.contains_key("region_code") {
        return Err(ApiError::bad(
            "region_code",
            "missing",
            "缺少必填项 'region_code'（责任板块） / 'region_code' (the responsible 板块) is required",
        ));
    }
    apply_fields(&s, &pl, &mut p, &obj)?;
    check_region(&s, &who, "region_code", &p.region_code)?;
    if p.stage.is_signed_or_later() && p.checklist.is_empty() {
        p.checklist = eng::standard_checklist(date);
    }
    let change =
        chainscope_store::Change { actor: by, action: "create".into(), summary: format!("新建 created at {}", stage.label_zh()) };
    let new_investor = p.investor_id.is_some();
    let saved = save(&s, p, None, change, new_investor).await?;
    let pl = s.pipeline();
    let sid = saved.id.clone();
    let log = s.with_store(move |st| st.project_log(&sid)).await.unwrap_or_default();
    Ok((StatusCode::CREATED, Json(detail_json(&s, &pl, &saved, log, &who))))
}

fn expected_version(obj: &Map<String, Value>) -> Result<i64, ApiError> {
    obj.get("version").and_then(Value::as_i64).ok_or_else(|| {
        ApiError::bad(
            "version",
            "missing",
            "每次修改都须给出 'version'（您读取时的版本） / 'version' (the version you read) is required for every change",
        )
    })
}

async fn current(s: &Arc<ServerState>, id: &str) -> Result<Project, ApiError> {
    let pid = id.to_string();
    s.with_store(move |st| st.project(&pid))
        .await?
        .ok_or_else(|| ApiError::not_found("unknown_project", format!("没有项目 '{id}' / no project '{id}'")))
}

fn conflict_error(id: &str, expected: i64, found: i64) -> ApiError {
    ApiError {
        status: StatusCode::CONFLICT,
        code: "version_conflict",
        message: format!(
            "项目已被他人修改，请刷新后重试 / project {id} was changed by someone else since you read it (your version {expected}, now {found}); reload and apply your change again"
        ),
        parameter: Some("version".into()),
    }
}

/// `PATCH /api/v1/projects/{id}`: change fields (not the stage: use moves). `version` is required.
pub async fn patch(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let obj = body_object(&body, PROJECT_FIELDS)?;
    for k in ["stage", "date", "id", "investor_enterprise_id"] {
        if obj.contains_key(k) {
            return Err(ApiError::bad(
                k,
                "not_editable",
                format!("'{k}' 不能在此修改（阶段须通过推进或调整阶段来变更） / '{k}' cannot be edited here (stages change by moves)"),
            ));
        }
    }
    let expected = expected_version(&obj)?;
    let mut p = current(&s, &id).await?;
    if p.version != expected {
        return Err(conflict_error(&id, expected, p.version));
    }
    if who.role() != Some(chainscope_model::Role::Department) {
        check_region(&s, &who, "region_code", &p.region_code)?;
    }
    let pl = s.pipeline();
    let before = p.clone();
    let changed = apply_fields(&s, &pl, &mut p, &obj)?;
    check_department_edit(&s, &who, &before, &obj, &p)?;
    if p.region_code != before.region_code {
        check_region(&s, &who, "region_code", &p.region_code)?;
    }
    if changed.is_empty() {
        let log = s.with_store({
            let id = id.clone();
            move |st| st.project_log(&id)
        });
        return Ok(Json(detail_json(&s, &pl, &p, log.await.unwrap_or_default(), &who)));
    }
    let action = if changed.iter().all(|c| c == "checklist") { "checklist" } else { "edit" };
    let change = chainscope_store::Change {
        actor: actor(&obj, &who)?,
        action: action.into(),
        summary: format!("修改 changed: {}", changed.join(", ")),
    };
    let saved = save(&s, p, Some(expected), change, false).await?;
    let pl = s.pipeline();
    let log = s.with_store(move |st| st.project_log(&id)).await.unwrap_or_default();
    Ok(Json(detail_json(&s, &pl, &saved, log, &who)))
}

const MOVE_FIELDS: &[(&str, &str)] =
    &[("version", "integer"), ("to", "string"), ("date", "string"), ("by", "string"), ("reason", "string")];

/// `POST /api/v1/projects/{id}/moves`: move the project to another stage. Only valid moves are taken; moving
/// back, dropping and reopening need a reason. Reaching 签约 creates the standard checklist if there is none.
pub async fn move_stage(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let obj = body_object(&body, MOVE_FIELDS)?;
    let expected = expected_version(&obj)?;
    let to_raw = text(&obj, "to", 20)?
        .ok_or_else(|| ApiError::bad("to", "missing", "缺少必填项 'to'（目标阶段） / 'to' (the stage to move to) is required"))?;
    let to = Stage::parse(&to_raw)
        .map_err(|_| ApiError::bad("to", "invalid_stage", format!("'{to_raw}' 不是项目阶段 / '{to_raw}' is not a stage")))?;
    let t = today();
    let date = date_field(&obj, "date")?.unwrap_or(t);
    let reason = text(&obj, "reason", 500)?;
    let by = actor(&obj, &who)?;
    let mut p = current(&s, &id).await?;
    check_region(&s, &who, "region_code", &p.region_code)?;
    if p.version != expected {
        return Err(conflict_error(&id, expected, p.version));
    }
    let from = p.stage;
    let kind = p.apply_move(to, date, Some(by.clone()), reason.clone(), t).map_err(|e| {
        let field = match e {
            chainscope_model::MoveError::ReasonRequired => "reason",
            chainscope_model::MoveError::DateBeforeLast { .. } | chainscope_model::MoveError::DateInFuture(_) => "date",
            _ => "to",
        };
        ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, code: e.code(), message: e.to_string(), parameter: Some(field.into()) }
    })?;
    if to == Stage::Signed && p.checklist.is_empty() {
        p.checklist = eng::standard_checklist(date);
    }
    let summary = format!("{} → {}{}", from.label_zh(), to.label_zh(), reason.as_deref().map(|r| format!("（{r}）")).unwrap_or_default());
    let change = chainscope_store::Change {
        actor: by,
        action: format!("move_{}", serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()),
        summary,
    };
    let saved = save(&s, p, Some(expected), change, false).await?;
    let pl = s.pipeline();
    let log = s.with_store(move |st| st.project_log(&id)).await.unwrap_or_default();
    Ok(Json(detail_json(&s, &pl, &saved, log, &who)))
}

// ---------------------------------------------------------------------------------------------------------------
// Events

fn event_json(s: &ServerState, tax: &Taxonomy, projects: &[Project], e: &Event) -> Value {
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

fn tier_counts(tax: &Taxonomy, split: &eng::TierSplit) -> Vec<Value> {
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
    let year: Option<i32> = number(&p, "year")?;
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
        return Err(ApiError::not_found("unknown_event", format!("没有活动 '{id}' / no event '{id}'")));
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
        text(&obj, "name_zh", 200)?.ok_or_else(|| ApiError::bad("name_zh", "missing", "缺少必填项 'name_zh' / 'name_zh' is required"))?;
    let date = date_field(&obj, "date")?.ok_or_else(|| ApiError::bad("date", "missing", "缺少必填项 'date' / 'date' is required"))?;
    let kind = text(&obj, "kind", 30)?.unwrap_or_else(|| "matchmaking".into());
    if !matches!(kind.as_str(), "fair" | "matchmaking" | "forum" | "visit" | "other") {
        return Err(ApiError::bad(
            "kind",
            "invalid_kind",
            format!("'{kind}' 应为 fair、matchmaking、forum、visit 或 other / '{kind}' is not fair, matchmaking, forum, visit or other"),
        ));
    }
    let mut regions = Vec::new();
    for r in obj.get("regions").and_then(Value::as_array).into_iter().flatten() {
        let code = r.as_str().unwrap_or_default().trim().to_string();
        if data.regions.get(data.regions.current_code(&code)).is_none() {
            return Err(ApiError::bad("regions", "unknown_region", format!("没有地区 '{code}' / no region '{code}'")));
        }
        regions.push(code);
    }
    let id = match text(&obj, "id", 60)? {
        Some(id) => id,
        None => format!("ev-{}-{:03}", date.format("%Y%m%d"), pl.events.len() + 1),
    };
    if pl.events.iter().any(|e| e.id == id) {
        return Err(ApiError {
            status: StatusCode::CONFLICT,
            code: "already_exists",
            message: format!("活动 '{id}' 已存在 / event '{id}' exists"),
            parameter: Some("id".into()),
        });
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

// ---------------------------------------------------------------------------------------------------------------
// Targets

/// `GET /api/v1/targets?year=`: the annual targets.
pub async fn targets(State(s): State<Arc<ServerState>>, q: Params) -> Result<Json<Value>, ApiError> {
    let p = q.0;
    known_params(&p, &names(&[YEAR]))?;
    let year: Option<i32> = number(&p, "year")?;
    let pl = s.pipeline();
    let items: Vec<&Target> = pl.targets.iter().filter(|t| year.is_none_or(|y| t.year == y)).collect();
    Ok(Json(json!({"items": items})))
}

/// `PUT /api/v1/targets`: set targets `{"year": Y, "items": [{"scope","key","metric","value"}]}`. Every row is
/// checked before any is stored.
pub async fn put_targets(State(s): State<Arc<ServerState>>, body: axum::body::Bytes) -> Result<Json<Value>, ApiError> {
    let obj = body_object(&body, &[("year", "integer"), ("items", "array")])?;
    let year = obj
        .get("year")
        .and_then(Value::as_i64)
        .ok_or_else(|| ApiError::bad("year", "missing", "缺少必填项 'year' / 'year' is required"))?;
    if !(1990..=2100).contains(&year) {
        return Err(ApiError::bad("year", "invalid_year", "year 应在 1990–2100 之间 / year must be 1990–2100"));
    }
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let home = data.stats["home_region"].as_str().unwrap_or("").to_string();
    let mut rows = Vec::new();
    let mut remove = Vec::new();
    for (i, it) in obj.get("items").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let field = format!("items[{i}]");
        let bad = |code: &'static str, m: String| ApiError::bad(&field, code, m);
        let g = |k: &str| it.get(k).and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
        let scope = TargetScope::parse(&g("scope")).map_err(|_| {
            bad(
                "invalid_scope",
                format!("范围 '{0}' 应为 city、region、tier 或 cluster / scope '{0}' is not city, region, tier or cluster", g("scope")),
            )
        })?;
        let key = g("key");
        // The city is the home prefecture; a 板块 is a district, county or zone inside it.
        let is_board = |k: &str| {
            data.regions.get(data.regions.current_code(k)).is_some_and(|r| {
                matches!(r.level, chainscope_model::RegionLevel::County | chainscope_model::RegionLevel::Zone)
                    && !home.is_empty()
                    && data.regions.is_within(&r.code, &home)
            })
        };
        let known = match scope {
            TargetScope::City => !home.is_empty() && data.regions.current_code(&key) == home,
            TargetScope::Region => is_board(&key),
            TargetScope::Tier => tax.tier(&key).is_some(),
            TargetScope::Cluster => tax.cluster(&key).is_some(),
        };
        if !known {
            let what = match scope {
                TargetScope::City => format!("城市任务的代码应为 {home} / the city's target has the key {home}, not '{key}'"),
                TargetScope::Region => format!("'{key}' 不是本市的板块 / '{key}' is not a 板块 of {home}"),
                _ => format!("没有 '{key}' / no {} '{key}'", scope.as_str()),
            };
            return Err(bad("unknown_key", what));
        }
        let metric = g("metric");
        if !matches!(metric.as_str(), "projects" | "amount") {
            return Err(bad("invalid_metric", format!("指标应为 projects 或 amount / metric '{metric}' is not projects or amount")));
        }
        let value = match it.get("value") {
            None => return Err(bad("missing", "缺少数值（null 表示删除）/ value is required (null removes the target)".into())),
            // null removes the target: a task set by mistake (a wrong 板块, a cluster not tasked this year) goes away.
            Some(Value::Null) => {
                remove.push(Target { year: year as i32, scope, key, metric, value: 0.0 });
                continue;
            }
            Some(v) => v.as_f64().ok_or_else(|| bad("invalid_value", format!("数值应为数字 / value {v} is not a number")))?,
        };
        if !value.is_finite() || !(0.0..=1e9).contains(&value) {
            return Err(bad("invalid_value", format!("数值应在 0–10亿之间 / value {value} must be 0–1,000,000,000")));
        }
        if metric == "projects" && value.fract() != 0.0 {
            return Err(bad("invalid_value", format!("项目数应为整数 / a project count must be a whole number, not {value}")));
        }
        rows.push(Target { year: year as i32, scope, key, metric, value });
    }
    if rows.is_empty() && remove.is_empty() {
        return Err(ApiError::bad("items", "missing", "至少给出一项任务 / give at least one target"));
    }
    let (counts, removed) = s.with_store_mut(move |st| st.edit_targets(&rows, &remove)).await?;
    s.reload_pipeline().await?;
    Ok(Json(json!({"written": counts, "removed": removed})))
}

// ---------------------------------------------------------------------------------------------------------------
// Dashboard and reports

fn progress_json(s: &ServerState, tax: &Taxonomy, kind: &str, p: &eng::Progress) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    let (zh, en) = match kind {
        "region" => {
            let r = region_json(s, &p.key);
            (r["name_zh"].clone(), r["name_en"].clone())
        }
        "tier" => tax.tier(&p.key).map_or((Value::Null, Value::Null), |t| (json!(t.name_zh), json!(t.name_en))),
        "cluster" => tax.cluster(&p.key).map_or((Value::Null, Value::Null), |c| (json!(c.name_zh), json!(c.name_en))),
        _ => (json!("全市"), json!("City")),
    };
    v["name_zh"] = zh;
    v["name_en"] = en;
    if kind == "cluster" {
        v["tier"] = json!(tax.cluster(&p.key).map(|c| c.tier.clone()));
    }
    v
}

fn dashboard_json(s: &ServerState, pl: &Pipeline, through: NaiveDate) -> Value {
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let t = today();
    let d = eng::dashboard(&pl.projects, tax, &pl.targets, through, t);
    let year = d.year;
    let mut evs: Vec<&Event> = pl.events.iter().filter(|e| e.date.year() == year && e.date <= through).collect();
    evs.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    let events: Vec<Value> = evs.iter().map(|e| event_json(s, tax, &pl.projects, e)).collect();
    let fair = evs.iter().find(|e| e.kind == "fair").map(|e| event_json(s, tax, &pl.projects, e));
    let years: std::collections::BTreeSet<i32> = pl.projects.iter().filter_map(|p| p.signed_on()).map(|d| d.year()).collect();
    // Overdue checklist items, each department with its English name where the service catalogue knows it: looked up
    // once per department named (a handful), not once per item (hundreds; the 大屏 reloads every minute).
    let cfg = s.service();
    let mut english: HashMap<&str, Option<&str>> = HashMap::new();
    for o in &d.overdue_tasks {
        english
            .entry(o.department.as_str())
            .or_insert_with(|| catalogue_department(s, cfg.as_deref(), &o.department).map(|d| d.name_en.as_str()));
    }
    let overdue_tasks: Vec<Value> = d
        .overdue_tasks
        .iter()
        .map(|o| {
            let mut v = serde_json::to_value(o).unwrap_or(Value::Null);
            v["department_en"] = json!(english.get(o.department.as_str()).copied().flatten());
            v
        })
        .collect();
    json!({
        "year": year, "through": d.through, "today": t,
        "years": years,
        "city": progress_json(s, tax, "city", &d.city),
        "in_system": d.split.in_system, "other": d.split.other, "other_pct": d.other_pct,
        "other_by_category": d.split.other_by_category,
        "by_tier": d.by_tier.iter().map(|p| progress_json(s, tax, "tier", p)).collect::<Vec<_>>(),
        "by_cluster": d.by_cluster.iter().map(|p| progress_json(s, tax, "cluster", p)).collect::<Vec<_>>(),
        "league": d.league.iter().map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
            v["progress"] = progress_json(s, tax, "region", &r.progress);
            // Where to draw the 板块 on the dashboard's map: districts by their boundary, zones at their centre.
            let reg = data.regions.get(data.regions.current_code(&r.progress.key));
            v["kind"] = json!(reg.map(|x| if x.level == chainscope_model::RegionLevel::Zone { "zone" } else { "district" }));
            v["lat"] = json!(reg.and_then(|x| x.lat));
            v["lon"] = json!(reg.and_then(|x| x.lon));
            v
        }).collect::<Vec<_>>(),
        "months": d.months,
        "bands": InvestmentBand::ALL.iter().map(|b| json!({"band": b, "label_zh": b.label_zh(), "label_en": b.label_en(), "count": d.bands.get(b).copied().unwrap_or(0)})).collect::<Vec<_>>(),
        "started": d.started, "producing": d.producing, "dropped": d.dropped,
        "stages": Stage::ALL.iter().map(|st| json!({"stage": st, "label_zh": st.label_zh(), "label_en": st.label_en(), "count": d.stages.get(st).copied().unwrap_or(0)})).collect::<Vec<_>>(),
        "overdue_starts": d.overdue_starts.iter().map(|o| {
            let mut v = serde_json::to_value(o).unwrap_or(Value::Null);
            v["region"] = region_json(s, &o.region_code);
            v
        }).collect::<Vec<_>>(),
        "overdue_tasks": overdue_tasks,
        "events": events,
        "fair": fair,
    })
}

fn through_param(p: &HashMap<String, String>, pl: &Pipeline) -> Result<NaiveDate, ApiError> {
    let year: Option<i32> = number(p, "year")?;
    if let Some(y) = year {
        if !(1990..=2100).contains(&y) {
            return Err(ApiError::bad("year", "invalid_year", "year 应在 1990–2100 之间 / year must be 1990–2100"));
        }
    }
    let through = match (date_param(p, "through")?, p.get("month").map(|m| m.trim()).filter(|m| !m.is_empty())) {
        (Some(d), _) => d,
        (None, Some(m)) => {
            let bad =
                || ApiError::bad("month", "invalid_month", format!("'{m}' 不是月份（格式 YYYY-MM） / '{m}' is not a month (YYYY-MM)"));
            let (y, mo) = m.split_once('-').ok_or_else(bad)?;
            let (y, mo): (i32, u32) = (y.parse().map_err(|_| bad())?, mo.parse().map_err(|_| bad())?);
            month_last(y, mo).ok_or_else(bad)?
        }
        (None, None) => {
            let day = data_day(pl);
            match year {
                Some(y) if y < day.year() => NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(day),
                Some(y) if y > day.year() => NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(day),
                _ => day,
            }
        }
    };
    if let Some(y) = year {
        if through.year() != y {
            return Err(ApiError::bad("through", "year_mismatch", format!("{through} 不在 {y} 年内 / {through} is not in {y}")));
        }
    }
    Ok(through)
}

fn month_last(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(y, m, 1)?;
    NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
}

/// `GET /api/v1/dashboard?year=&month=|through=`: the leadership dashboard. By default, the year of the latest
/// recorded move, through that day.
pub async fn dashboard(State(s): State<Arc<ServerState>>, q: Params) -> Result<Json<Value>, ApiError> {
    let p = q.0;
    known_params(&p, &names(&[DASHBOARD]))?;
    let pl = s.pipeline();
    let through = through_param(&p, &pl)?;
    Ok(Json(dashboard_json(&s, &pl, through)))
}

/// A report period: a month `2022-09`, a quarter `2022-Q3`, or a year `2022`.
fn period(raw: &str) -> Option<(String, NaiveDate, NaiveDate)> {
    let raw = raw.trim();
    if let Some((y, q)) = raw.split_once("-Q").or_else(|| raw.split_once("-q")) {
        let y: i32 = y.parse().ok()?;
        let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
        let from = NaiveDate::from_ymd_opt(y, (q - 1) * 3 + 1, 1)?;
        return Some((format!("{y}-Q{q}"), from, month_last(y, q * 3)?));
    }
    if let Some((y, m)) = raw.split_once('-') {
        let y: i32 = y.parse().ok()?;
        let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
        return Some((format!("{y}-{m:02}"), NaiveDate::from_ymd_opt(y, m, 1)?, month_last(y, m)?));
    }
    let y: i32 = raw.parse().ok().filter(|y| (1990..=2100).contains(y))?;
    Some((format!("{y}"), NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?))
}

fn report_json(s: &ServerState, pl: &Pipeline, label: &str, from: NaiveDate, to: NaiveDate) -> Value {
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let ps = eng::period_stats(&pl.projects, tax, &pl.targets, from, to);
    let t = today();
    let signed: Vec<Value> =
        ps.project_ids.iter().filter_map(|id| pl.projects.iter().find(|p| p.id == *id)).map(|p| summary_json(s, tax, p, t)).collect();
    let mut by_region: std::collections::BTreeMap<String, (u64, f64)> = std::collections::BTreeMap::new();
    for id in &ps.project_ids {
        if let Some(p) = pl.projects.iter().find(|p| p.id == *id) {
            let e = by_region.entry(p.region_code.clone()).or_default();
            e.0 += 1;
            e.1 += p.amount.unwrap_or(0.0);
        }
    }
    json!({
        "period": label, "from": from, "to": to,
        "in_period": {
            "signed": ps.signed, "amount": ps.amount, "in_system": ps.split.in_system, "in_system_pct": ps.in_system_pct,
            "other": ps.split.other, "by_tier": tier_counts(tax, &ps.split),
            "by_region": by_region.iter().map(|(k, (n, a))| { let mut r = region_json(s, k); r["signed"] = json!(n); r["amount"] = json!(a); r }).collect::<Vec<_>>(),
            "projects": signed,
        },
        "year_to_date": dashboard_json(s, pl, to),
    })
}

/// `GET /api/v1/reports?period=2022-09|2022-Q3|2022&format=json|xlsx`: what was signed in the period, and the year
/// to date at its end (the dashboard's figures for that day).
pub async fn report(State(s): State<Arc<ServerState>>, q: Params) -> Result<Response, ApiError> {
    let p = q.0;
    known_params(&p, &names(&[REPORT]))?;
    let raw = p.get("period").map(String::as_str).unwrap_or("").trim().to_string();
    if raw.is_empty() {
        return Err(ApiError::bad("period", "missing", "请给出报告期：2022-09、2022-Q3 或 2022 / give a period: 2022-09, 2022-Q3 or 2022"));
    }
    let (label, from, to) = period(&raw).ok_or_else(|| {
        ApiError::bad(
            "period",
            "invalid_period",
            format!("'{raw}' 不是月份（2022-09）、季度（2022-Q3）或年份 / '{raw}' is not a month (2022-09), quarter (2022-Q3) or year"),
        )
    })?;
    let format = p.get("format").map(String::as_str).filter(|v| !v.is_empty()).unwrap_or("json");
    if !matches!(format, "json" | "xlsx") {
        return Err(ApiError::bad("format", "invalid_format", format!("'{format}' 应为 json 或 xlsx / '{format}' is not json or xlsx")));
    }
    let pl = s.pipeline();
    let r = report_json(&s, &pl, &label, from, to);
    if format == "json" {
        return Ok(Json(r).into_response());
    }
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let ytd = &r["year_to_date"];
    let n = |v: &Value| v.as_f64().map_or(Cell::Empty, Cell::Number);
    let tx = |v: &Value| v.as_str().map_or(Cell::Empty, |x| Cell::Text(x.to_string()));
    let summary = Sheet {
        name: "汇总 summary".into(),
        headers: vec!["指标 figure".into(), "数值 value".into()],
        rows: vec![
            vec![Cell::Text("报告期 period".into()), Cell::Text(label.clone())],
            vec![Cell::Text("起 from".into()), Cell::Text(from.to_string())],
            vec![Cell::Text("止 to".into()), Cell::Text(to.to_string())],
            vec![Cell::Text("本期签约 signed in period".into()), n(&r["in_period"]["signed"])],
            vec![Cell::Text("本期343项目 in 343".into()), n(&r["in_period"]["in_system"])],
            vec![Cell::Text("本期343占比% in 343 %".into()), n(&r["in_period"]["in_system_pct"])],
            vec![Cell::Text("本期协议投资额(万元) amount".into()), n(&r["in_period"]["amount"])],
            vec![Cell::Text("年初至今签约 signed year to date".into()), n(&ytd["city"]["signed"])],
            vec![Cell::Text("年度任务 annual task".into()), n(&ytd["city"]["target_projects"])],
            vec![Cell::Text("完成率% completion %".into()), n(&ytd["city"]["completion_pct"])],
            vec![Cell::Text("年初至今343项目 in 343".into()), n(&ytd["city"]["in_system"])],
            vec![Cell::Text("343占比% in 343 %".into()), n(&ytd["city"]["in_system_pct"])],
            vec![Cell::Text("其他项目 others".into()), n(&ytd["other"])],
            vec![Cell::Text("年初至今开工 started".into()), n(&ytd["started"])],
            vec![Cell::Text("年初至今投产 producing".into()), n(&ytd["producing"])],
            vec![
                Cell::Text("签约未按期开工 signed, not started on time".into()),
                Cell::Number(ytd["overdue_starts"].as_array().map_or(0, Vec::len) as f64),
            ],
        ],
    };
    let progress_rows = |arr: &Value| -> Vec<Vec<Cell>> {
        arr.as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                vec![
                    tx(&p["key"]),
                    tx(&p["name_zh"]),
                    n(&p["signed"]),
                    n(&p["target_projects"]),
                    n(&p["completion_pct"]),
                    n(&p["amount"]),
                    n(&p["target_amount"]),
                    n(&p["amount_completion_pct"]),
                ]
            })
            .collect()
    };
    let ph = || -> Vec<String> {
        [
            "代码 key",
            "名称 name",
            "签约 signed",
            "目标 target",
            "完成率% completion",
            "协议投资额 amount",
            "金额目标 amount target",
            "金额完成率% amount completion",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect()
    };
    let league = Sheet {
        name: "赛马榜 league".into(),
        headers: [
            "名次 rank",
            "代码 key",
            "板块 region",
            "签约 signed",
            "目标 target",
            "完成率% completion",
            "上月名次 last month",
            "完成率变化 change (pp)",
            "343占比% in 343",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect(),
        rows: ytd["league"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                vec![
                    n(&r["rank"]),
                    tx(&r["progress"]["key"]),
                    tx(&r["progress"]["name_zh"]),
                    n(&r["progress"]["signed"]),
                    n(&r["progress"]["target_projects"]),
                    n(&r["progress"]["completion_pct"]),
                    n(&r["prev_rank"]),
                    n(&r["completion_change"]),
                    n(&r["progress"]["in_system_pct"]),
                ]
            })
            .collect(),
    };
    let tiers = Sheet { name: "层级 tiers".into(), headers: ph(), rows: progress_rows(&ytd["by_tier"]) };
    let clusters = Sheet { name: "集群 clusters".into(), headers: ph(), rows: progress_rows(&ytd["by_cluster"]) };
    let months = Sheet {
        name: "月度 months".into(),
        headers: [
            "月 month",
            "当月签约 signed",
            "当月开工 started",
            "累计签约 cumulative",
            "累计完成率% completion",
            "累计343占比% in 343",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect(),
        rows: ytd["months"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                vec![
                    n(&m["month"]),
                    n(&m["signed"]),
                    n(&m["started"]),
                    n(&m["cumulative"]),
                    n(&m["completion_pct"]),
                    n(&m["in_system_pct"]),
                ]
            })
            .collect(),
    };
    let period_projects: Vec<&Project> = r["in_period"]["projects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["id"].as_str())
        .filter_map(|id| pl.projects.iter().find(|p| p.id == id))
        .collect();
    let projects = project_sheet("本期签约 signed", &s, tax, &period_projects);
    let overdue = Sheet {
        name: "逾期未开工 overdue".into(),
        headers: ["项目 id", "名称 name", "板块 region", "签约 signed", "应开工 due", "约定 agreed", "逾期天数 days over"]
            .iter()
            .map(|x| x.to_string())
            .collect(),
        rows: ytd["overdue_starts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| {
                vec![
                    tx(&o["id"]),
                    tx(&o["name"]),
                    tx(&o["region"]["name_zh"]),
                    tx(&o["signed_on"]),
                    tx(&o["due"]),
                    Cell::Text(if o["agreed"] == true { "是" } else { "否（默认180天）" }.into()),
                    n(&o["days_over"]),
                ]
            })
            .collect(),
    };
    xlsx_response(&format!("chainscope-report-{label}.xlsx"), &[summary, league, tiers, clusters, months, projects, overdue])
}

fn project_sheet(name: &str, s: &ServerState, tax: &Taxonomy, rows: &[&Project]) -> Sheet {
    let headers = [
        "项目编号 id",
        "项目名称 name",
        "投资方 investor",
        "阶段 stage",
        "层级 tier",
        "集群 cluster",
        "其他类别 other",
        "板块 region",
        "协议投资额(万元) amount",
        "到位资金(万元) paid in",
        "规模 band",
        "就业 jobs",
        "渠道 channel",
        "签约日期 signed",
        "活动 event",
        "责任人 officer",
    ];
    let data = s.data();
    let cells = rows
        .iter()
        .map(|p| {
            let cl = p.cluster.as_deref().and_then(|c| tax.cluster(c));
            let t = |v: Option<&str>| v.map_or(Cell::Empty, |x| Cell::Text(x.to_string()));
            vec![
                Cell::Text(p.id.clone()),
                Cell::Text(p.name.clone()),
                t(p.investor.as_deref()),
                Cell::Text(p.stage.label_zh().into()),
                t(cl.and_then(|c| tax.tier(&c.tier)).map(|x| x.name_zh.as_str())),
                t(cl.map(|c| c.name_zh.as_str())),
                t(p.other_category.as_deref()),
                t(data.regions.get(data.regions.current_code(&p.region_code)).map(|r| r.name_zh.as_str()).or(Some(&p.region_code))),
                p.amount.map_or(Cell::Empty, Cell::Number),
                p.amount_paid.map_or(Cell::Empty, Cell::Number),
                t(p.band().map(InvestmentBand::label_zh)),
                p.jobs.map_or(Cell::Empty, |j| Cell::Number(j as f64)),
                Cell::Text(p.channel.as_str().into()),
                p.signed_on().map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
                t(p.event_id.as_deref()),
                t(p.officer.as_deref()),
            ]
        })
        .collect();
    Sheet { name: name.into(), headers: headers.iter().map(|h| h.to_string()).collect(), rows: cells }
}

/// Every stage move of the projects, one row each, oldest first within a project: who moved it and why, which the
/// project table's single stage column cannot hold.
fn moves_sheet(rows: &[&Project]) -> Sheet {
    let headers = ["项目编号 id", "项目名称 name", "阶段 stage", "日期 date", "操作人 by", "原因 reason"];
    let t = |v: Option<&str>| v.map_or(Cell::Empty, |x| Cell::Text(x.to_string()));
    let cells = rows
        .iter()
        .flat_map(|p| {
            p.history.iter().map(|m| {
                vec![
                    Cell::Text(p.id.clone()),
                    Cell::Text(p.name.clone()),
                    Cell::Text(m.stage.label_zh().into()),
                    Cell::Text(m.date.to_string()),
                    t(m.by.as_deref()),
                    t(m.reason.as_deref()),
                ]
            })
        })
        .collect();
    Sheet { name: "阶段变更 moves".into(), headers: headers.iter().map(|h| h.to_string()).collect(), rows: cells }
}

fn xlsx_response(filename: &str, sheets: &[Sheet]) -> Result<Response, ApiError> {
    let bytes = xlsx_workbook(sheets).map_err(|e| ApiError::internal("export_failed", e.to_string()))?;
    let disposition = format!("attachment; filename=\"{filename}\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
