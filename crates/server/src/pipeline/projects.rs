//! Projects: the table with its filters and counts, one project with its history, and the writes — create, edit
//! and stage moves — each carrying the version its writer read.

use super::access::{actor, check_department_edit, check_region};
use super::body::{body_object, date_field, text};
use super::fields::{apply_fields, PROJECT_FIELDS};
use super::filter::{list_filter, list_sort};
use super::sheets::{moves_sheet, project_sheet, xlsx_response};
use super::{catalogue_department, summary_json, task_of, today};
use crate::api::{known_params, names, ApiError, Params};
use crate::auth::Identity;
use crate::error::{Code, Path};
use crate::openapi::PROJECT_LIST;
use crate::{Pipeline, ServerState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chainscope_engine::pipeline as eng;
use chainscope_engine::project_list::{self, ListContext, ProjectFilter};
use chainscope_model::{Channel, Project, Provenance, Stage, Task};
use chrono::Datelike;
use serde_json::{json, Map, Value};
use std::sync::Arc;

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

pub(super) fn detail_json(s: &ServerState, pl: &Pipeline, p: &Project, log: Vec<chainscope_store::ProjectChange>, who: &Identity) -> Value {
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

/// `GET /api/v1/projects`: the project table with filters, counts by stage (for the board) and paging.
pub async fn list(State(s): State<Arc<ServerState>>, Extension(who): Extension<Identity>, q: Params) -> Result<Response, ApiError> {
    let p = q.0;
    known_params(&p, &names(&[PROJECT_LIST]))?;
    let mut f = list_filter(&s, &p)?;
    // mine=true: an officer's own 板块 (other roles: no narrowing).
    let mine = crate::api::boolean(&p, "mine")?.unwrap_or(false);
    if let Some(a) = who.account.as_ref().filter(|a| mine && a.role == chainscope_model::Role::Officer) {
        f.boards = Some(a.regions.clone());
    }
    let crate::params::Paging { limit, offset } = crate::params::Paging::parse(&p, 50, 10_000)?;
    let sort = list_sort(&p)?;
    let format = p.get("format").map(String::as_str).filter(|v| !v.is_empty()).unwrap_or("json");
    if !matches!(format, "json" | "xlsx") {
        return Err(Code::InvalidFormat.param("format", format!("'{format}' 应为 json 或 xlsx / '{format}' is not json or xlsx")));
    }
    let pl = s.pipeline();
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let cfg = s.service();
    let department_of = |dept: &str, task: &Task| task_of(&s, cfg.as_deref(), dept, task);
    let cx = ListContext { taxonomy: tax, regions: &data.regions, today: today(), department_of: &department_of };
    let rows = project_list::select(&pl.projects, &f, sort, &cx);
    if format == "xlsx" {
        return xlsx_response("projects.xlsx", &[project_sheet("项目 projects", &s, tax, &rows), moves_sheet(&rows)]);
    }
    Ok(Json(list_json(&s, &f, &cx, &rows, offset, limit)).into_response())
}

/// One page of the project table, with the total, the amount and the counts by stage of every row.
fn list_json(s: &ServerState, f: &ProjectFilter, cx: &ListContext, rows: &[&Project], offset: usize, limit: usize) -> Value {
    let t = cx.today;
    let stage_counts = project_list::stage_totals(rows);
    let amount: f64 = rows.iter().filter_map(|r| r.amount).sum();
    let tasks_of = |x: &Project, dept: &str| project_list::department_tasks(x, dept, t, cx.department_of);
    // A department's whole work list in two figures (every row, not only this page): the navigation's count.
    let dept_sums = f.tasks_of.as_ref().map(|dept| {
        let (open, overdue) = rows.iter().fold((0, 0), |(o, l), x| {
            let (a, b) = tasks_of(x, dept);
            (o + a, l + b)
        });
        json!({"department": dept, "open": open, "overdue": overdue})
    });
    let items: Vec<Value> = rows
        .iter()
        .skip(offset)
        .take(limit)
        .map(|x| {
            let mut v = summary_json(s, cx.taxonomy, x, t);
            if let Some(dept) = &f.tasks_of {
                let (open, overdue) = tasks_of(x, dept);
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
    body
}

/// `GET /api/v1/projects/{id}`: the project with its moves, change log, checklist, blockers and allowed moves.
pub async fn get(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let pl = s.pipeline();
    let Some(p) = pl.projects.iter().find(|p| p.id == id).cloned() else {
        return Err(Code::ProjectNotFound.msg(format!("没有项目 '{id}' / no project '{id}'")));
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
        None => Err(Code::VersionNotFound.msg(format!("项目 '{id}' 没有版本 {version} / project '{id}' has no version {version}"))),
    }
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
        .await?;
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
        return Err(Code::UnexpectedVersion.param("version", "新项目不应带 version / a new project has no version"));
    }
    let pl = s.pipeline();
    let by = actor(&obj, &who)?;
    let t = today();
    let stage = match text(&obj, "stage", 20)? {
        None => Stage::Lead,
        Some(v) => Stage::parse(&v).map_err(|_| Code::InvalidStage.param("stage", format!("'{v}' 不是项目阶段 / '{v}' is not a stage")))?,
    };
    if matches!(stage, Stage::Dropped) {
        return Err(Code::InvalidStage.param("stage", "新建项目不能处于终止阶段 / a project cannot start dropped"));
    }
    let date = date_field(&obj, "date")?.unwrap_or(t);
    if date > t {
        return Err(Code::DateInFuture.param("date", format!("{date} 是未来的日期 / {date} is in the future")));
    }
    let mut investor = None;
    let mut investor_id = None;
    if let Some(eid) = obj.get("investor_enterprise_id").and_then(Value::as_i64) {
        let found = s.with_store(move |st| st.enterprises_by_id(&[eid])).await?;
        let Some((id, e)) = found.into_iter().next() else {
            return Err(Code::UnknownEnterprise.param("investor_enterprise_id", format!("没有企业 {eid} / no enterprise {eid}")));
        };
        investor = Some(e.name.clone());
        investor_id = e.uscc.clone().or(e.lei.clone()).or(e.ext_id.clone()).or(Some(format!("id:{id}")));
        if pl.projects.iter().any(|p| p.investor_id.is_some() && p.investor_id == investor_id && p.stage != Stage::Dropped) {
            return Err(Code::AlreadyInPipeline
                .param("investor_enterprise_id", format!("{} 已在项目库中 / {} already has an active project", e.name, e.name)));
        }
    }
    let id = match text(&obj, "id", 60)? {
        Some(id) if id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => id,
        Some(id) => {
            return Err(
                Code::InvalidId.param("id", format!("'{id}' 只能包含字母、数字、- 和 _ / '{id}' may hold only letters, digits, - and _"))
            )
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
        return Err(Code::Missing.param("name", "缺少必填项 'name' / 'name' is required"));
    }
    if !obj.contains_key("region_code") {
        return Err(
            Code::Missing.param("region_code", "缺少必填项 'region_code'（责任板块） / 'region_code' (the responsible 板块) is required")
        );
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
        Code::Missing.param(
            "version",
            "每次修改都须给出 'version'（您读取时的版本） / 'version' (the version you read) is required for every change",
        )
    })
}

async fn current(s: &Arc<ServerState>, id: &str) -> Result<Project, ApiError> {
    let pid = id.to_string();
    s.with_store(move |st| st.project(&pid)).await?.ok_or_else(|| Code::ProjectNotFound.msg(format!("没有项目 '{id}' / no project '{id}'")))
}

fn conflict_error(id: &str, expected: i64, found: i64) -> ApiError {
    Code::VersionConflict.param(
        "version",
        format!(
            "项目已被他人修改，请刷新后重试 / project {id} was changed by someone else since you read it (your version {expected}, now {found}); reload and apply your change again"
        ),
    )
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
            return Err(Code::NotEditable.param(
                k,
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
        .ok_or_else(|| Code::Missing.param("to", "缺少必填项 'to'（目标阶段） / 'to' (the stage to move to) is required"))?;
    let to = Stage::parse(&to_raw)
        .map_err(|_| Code::InvalidStage.param("to", format!("'{to_raw}' 不是项目阶段 / '{to_raw}' is not a stage")))?;
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
    let kind = p.apply_move(to, date, Some(by.clone()), reason.clone(), t)?;
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
