//! The enterprise-service loop (企业吹哨、部门报到) and policy matching (惠企政策, 免申即享) over HTTP.
//!
//! A request is filed by the enterprise (or an officer for it) and dispatched at once by the catalogue's rules
//! (category × 板块). The department holding it accepts (签收, which starts the working-day clock) or returns it
//! with a reason (退单, then an officer re-routes it); it may ask once for an extension, answers, and the enterprise
//! rates the answer (不满意 sends it back). Every step is an appended event; writes carry the version read.

use crate::api::{known_params, names, ApiError, Params};
use crate::auth::Identity;
use crate::error::{Code, Path};
use crate::openapi::{POLICY_MATCHES, SETTINGS_CHECK, SETTINGS_FORMAT, TICKET_LIST, YEAR};
use crate::ServerState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use chainscope_engine::service as svc;
use chainscope_engine::WorkCalendar;
use chainscope_model::{AttachmentMeta, Catalogue, Policy, Rating, Role, Ticket, TicketState};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The settings the service loop runs on.
pub struct ServiceConfig {
    pub catalogue: Catalogue,
    pub calendar: WorkCalendar,
    pub policies: Vec<Policy>,
}

fn now() -> NaiveDateTime {
    match std::env::var("CHAINSCOPE_TODAY").ok().and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok()) {
        // A fixed day for demonstrations and tests, at the current time of day.
        Some(d) => d.and_time(chrono::Local::now().time()),
        None => chrono::Local::now().naive_local(),
    }
}

fn config(s: &ServerState) -> Result<Arc<ServiceConfig>, ApiError> {
    s.service().ok_or_else(|| Code::ServiceUnavailable.msg("本服务器未配置服务目录 / this server has no service catalogue"))
}

fn forbidden(message: &str) -> ApiError {
    Code::OutsideScope.msg(message)
}

/// Whether a department account works the given department (by id or by its Chinese name).
fn works_department(s: &ServerState, cat: &Catalogue, account_dept: Option<&str>, dept_id: Option<&str>) -> bool {
    let (Some(mine), Some(id)) = (account_dept, dept_id) else { return false };
    mine == id || cat.department(id).is_some_and(|d| same_department(s, cat, mine, &d.name_zh))
}

/// The home city's name without 市 (徐州市 → 徐州), as department names may carry it in front.
fn city_stem(s: &ServerState) -> String {
    let data = s.data();
    let home = data.stats["home_region"].as_str().unwrap_or("");
    data.regions.get(data.regions.current_code(home)).map(|r| r.name_zh.trim_end_matches('市').to_string()).unwrap_or_default()
}

/// Whether an account's department (a catalogue id or a name) and a department named in text are the same
/// bureau: names are compared without the home city's name in front (徐州市自然资源和规划局 = 市自然资源和规划局 in
/// Xuzhou; whichever city the data is for).
pub fn same_department(s: &ServerState, cat: &Catalogue, account_dept: &str, name: &str) -> bool {
    let stem = city_stem(s);
    let bare = |x: &str| -> String {
        let x = x.trim();
        if stem.is_empty() {
            x.to_string()
        } else {
            x.strip_prefix(stem.as_str()).unwrap_or(x).to_string()
        }
    };
    let mine = cat.department(account_dept).map_or(account_dept, |d| d.name_zh.as_str());
    account_dept == name || bare(mine) == bare(name)
}

/// Whether the caller may see a ticket.
fn may_see(s: &ServerState, cat: &Catalogue, who: &Identity, t: &Ticket) -> bool {
    let Some(a) = &who.account else { return false };
    match a.role {
        Role::Admin | Role::Leader => true,
        Role::Officer => who.may_write_region(&t.region_code, &s.data().regions),
        Role::Department => {
            works_department(s, cat, a.department.as_deref(), t.department.as_deref())
                || t.events.iter().any(|e| works_department(s, cat, a.department.as_deref(), e.department.as_deref()))
        }
        Role::Enterprise => a.enterprise_id == Some(t.enterprise_id),
    }
}

fn ticket_json(s: &ServerState, cfg: &ServiceConfig, t: &Ticket, at: NaiveDateTime) -> Value {
    let data = s.data();
    let cat = cfg.catalogue.category(&t.category);
    let dept = t.department.as_deref().and_then(|d| cfg.catalogue.department(d));
    let region = data.regions.get(data.regions.current_code(&t.region_code));
    let esc = svc::escalation(t, &cfg.calendar, at);
    let mut v = serde_json::to_value(t).unwrap_or(Value::Null);
    v["category_name"] = json!({"zh": cat.map(|c| &c.name_zh), "en": cat.map(|c| &c.name_en)});
    v["department_name"] = json!({"zh": dept.map(|d| &d.name_zh), "en": dept.map(|d| &d.name_en)});
    v["region"] = json!({"code": t.region_code, "name_zh": region.map(|r| &r.name_zh), "name_en": region.map(|r| &r.name_en)});
    v["state_zh"] = json!(t.state.label_zh());
    v["overdue"] = json!(svc::is_overdue(t, at));
    v["overdue_working_days"] = json!(svc::overdue_working_days(t, &cfg.calendar, at));
    v["escalation"] = json!({"level": esc.level(), "zh": esc.label_zh(), "en": esc.label_en()});
    v["today"] = json!(at.date());
    // Working days left to the deadline (negative when late), counted by the server's calendar.
    v["working_days_left"] = json!(t.deadline.filter(|_| t.state == TicketState::Working).map(|d| {
        if d >= at.date() {
            cfg.calendar.working_days_between(at.date(), d)
        } else {
            -svc::overdue_working_days(t, &cfg.calendar, at)
        }
    }));
    v["returns"] = json!(t.returns());
    v["reopens"] = json!(t.reopens());
    v
}

/// `GET /api/v1/service/catalogue[?format=toml]`: request categories, departments and routing rules; as the TOML
/// text an administrator edits with `format=toml`.
pub async fn catalogue(State(s): State<Arc<ServerState>>, q: Params) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    known_params(&q.0, &names(&[SETTINGS_FORMAT]))?;
    if let Some(r) = settings_text(&s, &q.0, "service_catalogue").await? {
        return Ok(r);
    }
    let cfg = config(&s)?;
    Ok(Json(serde_json::to_value(&cfg.catalogue).unwrap_or(Value::Null)).into_response())
}

/// The stored TOML of a setting when `format=toml` is asked for; `None` for JSON.
async fn settings_text(
    s: &Arc<ServerState>,
    p: &std::collections::HashMap<String, String>,
    key: &'static str,
) -> Result<Option<axum::response::Response>, ApiError> {
    use axum::response::IntoResponse;
    match p.get("format").map(String::as_str).unwrap_or("json") {
        "json" | "" => Ok(None),
        "toml" => {
            let text = s.with_accounts(move |st| st.meta(key)).await?.unwrap_or_default();
            Ok(Some(([(axum::http::header::CONTENT_TYPE, "application/toml; charset=utf-8")], text).into_response()))
        }
        other => Err(Code::InvalidFormat.param("format", format!("'{other}' 应为 json 或 toml / '{other}' is not json or toml"))),
    }
}

fn toml_body(b: &[u8]) -> Result<String, ApiError> {
    let text =
        std::str::from_utf8(b).map_err(|_| Code::InvalidUtf8.param("body", "请求体应为 UTF-8 文本 / the body must be UTF-8 text"))?;
    if text.trim().is_empty() {
        return Err(Code::EmptyBody.param("body", "请求体为空 / the body is empty"));
    }
    Ok(text.to_string())
}

/// The parts every settings PUT shares: only `check` as a parameter, and a non-empty UTF-8 TOML body.
fn settings_request(q: Params, b: &[u8]) -> Result<(bool, String), ApiError> {
    let p = q.0;
    known_params(&p, &names(&[SETTINGS_CHECK]))?;
    let check = crate::api::boolean(&p, "check")?.unwrap_or(false);
    Ok((check, toml_body(b)?))
}

/// Keep a setting's new text and audit who changed it (the store first: nothing is audited that was not stored).
async fn store_setting(
    s: &Arc<ServerState>,
    who: &Identity,
    key: &'static str,
    text: String,
    action: &str,
    detail: String,
) -> Result<(), ApiError> {
    s.with_accounts(move |st| st.set_meta(key, &text)).await?;
    s.audit(chainscope_store::AuditEntry { actor: who.actor(), action: action.into(), detail, ..Default::default() }).await;
    Ok(())
}

/// What replacing the catalogue `old` by `new` changes: department and category ids added and removed, and the
/// open requests held by (or filed under) what would be removed.
fn catalogue_changes(old: &Catalogue, new: &Catalogue, tickets: &[Ticket]) -> (Value, Vec<(String, usize)>) {
    let ids = |v: &mut dyn Iterator<Item = &String>| v.cloned().collect::<std::collections::BTreeSet<String>>();
    let (od, nd) = (ids(&mut old.departments.iter().map(|d| &d.id)), ids(&mut new.departments.iter().map(|d| &d.id)));
    let (oc, nc) = (ids(&mut old.categories.iter().map(|c| &c.id)), ids(&mut new.categories.iter().map(|c| &c.id)));
    let open: Vec<&Ticket> = tickets.iter().filter(|t| t.state.is_open()).collect();
    let held: Vec<(String, usize)> = od
        .difference(&nd)
        .map(|d| (d.clone(), open.iter().filter(|t| t.department.as_deref() == Some(d.as_str())).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let filed: Vec<Value> =
        oc.difference(&nc).map(|c| json!({"category": c, "open": open.iter().filter(|t| t.category == *c).count()})).collect();
    let summary = json!({
        "departments_added": nd.difference(&od).collect::<Vec<_>>(),
        "departments_removed": od.difference(&nd).collect::<Vec<_>>(),
        "categories_added": nc.difference(&oc).collect::<Vec<_>>(),
        "categories_removed": filed,
        "open_requests_held_by_removed": held.iter().map(|(d, n)| json!({"department": d, "open": n})).collect::<Vec<_>>(),
    });
    (summary, held)
}

/// `PUT /api/v1/service/catalogue[?check=true]` (TOML, the format of data/xuzhou-343/service_catalogue.toml): replace
/// the catalogue (administrators). It is checked whole first; requests already filed keep their department ids, so a
/// department that still holds open requests cannot be removed (409 `department_in_use`: re-route them first).
/// With `check=true` nothing is stored: the answer says what the new text would change.
pub async fn put_catalogue(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    q: Params,
    b: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let (check, text) = settings_request(q, &b)?;
    let catalogue = Catalogue::from_toml(&text)?;
    let cfg = config(&s)?;
    let tickets = s.with_store(|st| st.tickets()).await?;
    let (changes, held) = catalogue_changes(&cfg.catalogue, &catalogue, &tickets);
    let n = (catalogue.departments.len(), catalogue.categories.len());
    if check {
        return Ok(Json(json!({"check": true, "departments": n.0, "categories": n.1, "changes": changes})));
    }
    if !held.is_empty() {
        let list = held.iter().map(|(d, n)| format!("{d} ({n})")).collect::<Vec<_>>().join(", ");
        return Err(Code::DepartmentInUse.param(
            "body",
            format!(
                "以下部门仍有未办结的诉求，不能删除（请先改派）：{list} / these departments still hold open requests and cannot be removed (re-route them first): {list}"
            ),
        ));
    }
    let detail = text.chars().take(1000).collect();
    store_setting(&s, &who, "service_catalogue", text, "catalogue_changed", detail).await?;
    s.set_service(ServiceConfig { catalogue, calendar: cfg.calendar.clone(), policies: cfg.policies.clone() });
    Ok(Json(json!({"departments": n.0, "categories": n.1, "changes": changes})))
}

/// `PUT /api/v1/policies[?check=true]` (TOML, the format of data/xuzhou-343/policies.toml): replace the policies
/// (administrators), checked whole first, including that every cluster and node named exists. With `check=true`
/// nothing is stored: the answer lists the policy ids added and removed.
pub async fn put_policies(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    q: Params,
    b: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let (check, text) = settings_request(q, &b)?;
    let policies = chainscope_model::policies_from_toml(&text)?;
    chainscope_model::check_policy_references(&policies, &s.data().snapshot.taxonomy)?;
    let cfg = config(&s)?;
    let n = policies.len();
    let old: std::collections::BTreeSet<&str> = cfg.policies.iter().map(|p| p.id.as_str()).collect();
    let new: std::collections::BTreeSet<&str> = policies.iter().map(|p| p.id.as_str()).collect();
    let changes = json!({"added": new.difference(&old).collect::<Vec<_>>(), "removed": old.difference(&new).collect::<Vec<_>>()});
    if check {
        return Ok(Json(json!({"check": true, "policies": n, "changes": changes})));
    }
    store_setting(&s, &who, "policies", text, "policies_changed", format!("{n} policies")).await?;
    s.set_service(ServiceConfig { catalogue: cfg.catalogue.clone(), calendar: cfg.calendar.clone(), policies });
    Ok(Json(json!({"policies": n, "changes": changes})))
}

/// The step a request waits for from this caller (待办), if any: 签收 or 答复 for the department holding it, 派单 of
/// a new or returned request for an officer of its 板块 (or an administrator), 评价 of an answer for its enterprise,
/// and for an overdue request 催办 by the officer or 督办 by a leader.
fn waiting_for(s: &ServerState, cat: &Catalogue, who: &Identity, t: &Ticket, at: NaiveDateTime) -> Option<&'static str> {
    let a = who.account.as_ref()?;
    let in_board = || who.may_write_region(&t.region_code, &s.data().regions);
    match a.role {
        Role::Department if works_department(s, cat, a.department.as_deref(), t.department.as_deref()) => match t.state {
            TicketState::Dispatched => Some("accept"),
            TicketState::Working => Some("answer"),
            _ => None,
        },
        Role::Department => None,
        Role::Officer | Role::Admin
            if matches!(t.state, TicketState::Filed | TicketState::Returned) && (a.role == Role::Admin || in_board()) =>
        {
            Some("dispatch")
        }
        Role::Officer if svc::is_overdue(t, at) && in_board() => Some("urge"),
        Role::Leader if svc::is_overdue(t, at) => Some("supervise"),
        Role::Enterprise if a.enterprise_id == Some(t.enterprise_id) && t.state == TicketState::Answered => Some("rate"),
        _ => None,
    }
}

/// The steps [`waiting_for`] can name, in the order the to-do list shows them.
pub const TODO_STEPS: [&str; 6] = ["accept", "answer", "dispatch", "rate", "urge", "supervise"];

/// `GET /api/v1/tickets/todo`: how many requests wait for the caller, by step, and how many of those are overdue —
/// the figure on the navigation, read often, so it carries counts only.
pub async fn todo(State(s): State<Arc<ServerState>>, Extension(who): Extension<Identity>) -> Result<Json<Value>, ApiError> {
    let cfg = config(&s)?;
    let tickets = s.with_store(|st| st.tickets()).await?;
    let at = now();
    let mut steps: BTreeMap<&str, u64> = TODO_STEPS.iter().map(|k| (*k, 0)).collect();
    let (mut total, mut overdue) = (0u64, 0u64);
    for t in &tickets {
        if let Some(step) = waiting_for(&s, &cfg.catalogue, &who, t, at) {
            *steps.entry(step).or_default() += 1;
            total += 1;
            overdue += u64::from(svc::is_overdue(t, at));
        }
    }
    Ok(Json(json!({"total": total, "overdue": overdue, "steps": steps})))
}

/// `GET /api/v1/tickets?state=&department=&region=&overdue=&todo=`: the requests the caller may see.
pub async fn list(State(s): State<Arc<ServerState>>, Extension(who): Extension<Identity>, q: Params) -> Result<Json<Value>, ApiError> {
    let p = q.0;
    known_params(&p, &names(&[TICKET_LIST]))?;
    let cfg = config(&s)?;
    let state = match p.get("state").map(|x| x.trim()).filter(|x| !x.is_empty()) {
        None => None,
        Some(x) => Some(
            TicketState::parse(x)
                .map_err(|_| Code::InvalidState.param("state", format!("'{x}' 不是有效的诉求状态 / '{x}' is not a request state")))?,
        ),
    };
    let overdue = crate::api::boolean(&p, "overdue")?;
    let todo = crate::api::boolean(&p, "todo")?;
    let region = crate::params::region(&p, "region", &s.data().regions)?;
    let tickets = s.with_store(|st| st.tickets()).await?;
    let at = now();
    let data = s.data();
    let items: Vec<Value> = tickets
        .iter()
        .filter(|t| may_see(&s, &cfg.catalogue, &who, t))
        .filter(|t| state.is_none_or(|x| t.state == x))
        .filter(|t| p.get("department").is_none_or(|d| t.department.as_deref() == Some(d.as_str())))
        .filter(|t| region.as_deref().is_none_or(|r| crate::params::inside(&data.regions, &t.region_code, r)))
        .filter(|t| overdue.is_none_or(|o| svc::is_overdue(t, at) == o))
        .map(|t| (t, waiting_for(&s, &cfg.catalogue, &who, t, at)))
        .filter(|(_, w)| todo.is_none_or(|want| w.is_some() == want))
        .rev()
        .map(|(t, w)| {
            let mut v = ticket_json(&s, &cfg, t, at);
            v["waiting_for"] = json!(w);
            v
        })
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

/// `GET /api/v1/tickets/{id}`.
pub async fn get(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let cfg = config(&s)?;
    let tid = id.clone();
    let t = s
        .with_store(move |st| st.ticket(&tid))
        .await?
        .ok_or_else(|| Code::TicketNotFound.msg(format!("没有诉求 '{id}' / no request '{id}'")))?;
    if !may_see(&s, &cfg.catalogue, &who, &t) {
        return Err(forbidden("您无权查看此诉求 / this request is not yours to see"));
    }
    Ok(Json(ticket_json(&s, &cfg, &t, now())))
}

fn body(b: &[u8], fields: &[&str]) -> Result<Map<String, Value>, ApiError> {
    let v: Value = serde_json::from_slice(b)
        .map_err(|e| Code::InvalidJson.param("body", format!("请求体不是有效的 JSON / the body is not JSON: {e}")))?;
    let Value::Object(m) = v else {
        return Err(Code::InvalidBody.param("body", "请求体应为 JSON 对象 / the body must be a JSON object"));
    };
    if let Some(k) = m.keys().find(|k| !fields.contains(&k.as_str())) {
        let fields = fields.join(", ");
        return Err(Code::UnknownField.param(k, format!("未知字段 '{k}'（可用字段：{fields}） / unknown field '{k}' (fields: {fields})")));
    }
    Ok(m)
}

fn text(m: &Map<String, Value>, k: &str, max: usize) -> Result<Option<String>, ApiError> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(x)) if x.chars().count() > max => {
            Err(Code::TooLong.param(k, format!("'{k}' 超过 {max} 个字符 / '{k}' is longer than {max} characters")))
        }
        Some(Value::String(x)) => Ok(Some(x.trim().to_string()).filter(|x| !x.is_empty())),
        Some(_) => Err(Code::InvalidType.param(k, format!("'{k}' 应为字符串 / '{k}' must be a string"))),
    }
}

/// `POST /api/v1/tickets` `{category, description, region_code?, enterprise_id?, attachments?}`: file a request;
/// it is dispatched at once by the routing rules.
pub async fn create(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    b: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let m = body(&b, &["category", "description", "region_code", "enterprise_id", "attachments"])?;
    let cfg = config(&s)?;
    let Some(account) = who.account.clone() else { return Err(forbidden("请先登录 / sign in first")) };
    let category =
        text(&m, "category", 60)?.ok_or_else(|| Code::Missing.param("category", "缺少必填项 'category' / 'category' is required"))?;
    if cfg.catalogue.category(&category).is_none() {
        return Err(Code::UnknownCategory.param("category", format!("没有诉求类别 '{category}' / no category '{category}'")));
    }
    let description = text(&m, "description", 4000)?
        .ok_or_else(|| Code::Missing.param("description", "缺少必填项 'description' / 'description' is required"))?;
    let enterprise_id = match account.role {
        Role::Enterprise => {
            let own = account.enterprise_id.ok_or_else(|| forbidden("该账户未关联企业 / this account has no enterprise"))?;
            if m.get("enterprise_id").and_then(Value::as_i64).is_some_and(|x| x != own) {
                return Err(Code::OutsideScope.param("enterprise_id", "只能为本企业提交诉求 / you may file only for your own enterprise"));
            }
            own
        }
        _ => m
            .get("enterprise_id")
            .and_then(Value::as_i64)
            .ok_or_else(|| Code::Missing.param("enterprise_id", "缺少必填项 'enterprise_id' / 'enterprise_id' is required"))?,
    };
    let found = s.with_store(move |st| st.enterprises_by_id(&[enterprise_id])).await?;
    let Some((_, enterprise)) = found.into_iter().next() else {
        return Err(Code::UnknownEnterprise.param("enterprise_id", format!("没有企业 {enterprise_id} / no enterprise {enterprise_id}")));
    };
    let data = s.data();
    let given = text(&m, "region_code", 20)?;
    // An enterprise files in the 板块 it is registered in, so that its request reaches that 板块's officer; only
    // officers and administrators place a request elsewhere.
    if account.role == Role::Enterprise {
        if let (Some(given), Some(registered)) = (&given, &enterprise.region_code) {
            if data.regions.current_code(given) != data.regions.current_code(registered) {
                return Err(Code::OutsideScope.param(
                    "region_code",
                    format!("企业诉求按注册地 {registered} 受理，不能改为 {given} / a request is filed in the enterprise's registered region {registered}, not {given}"),
                ));
            }
        }
    }
    let region_code = match given {
        Some(r) => {
            if data.regions.get(data.regions.current_code(&r)).is_none() {
                return Err(Code::UnknownRegion.param("region_code", format!("没有地区 '{r}' / no region '{r}'")));
            }
            r
        }
        None => enterprise.region_code.clone().ok_or_else(|| {
            Code::Missing
                .param("region_code", "该企业没有所属地区，请给出 'region_code' / the enterprise has no region; give 'region_code'")
        })?,
    };
    if account.role == Role::Officer && !who.may_write_region(&region_code, &data.regions) {
        return Err(Code::OutsideScope.param("region_code", format!("{region_code} 不是您负责的板块 / not one of your 板块")));
    }
    let attachments: Vec<AttachmentMeta> = match m.get("attachments") {
        None | Some(Value::Null) => vec![],
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|e| Code::InvalidAttachments.param("attachments", format!("附件格式有误 / attachments: {e}")))?,
    };
    let at = now();
    // Time to the second plus 24 random bits: unique across restarts, readable on the phone.
    let id = format!("T{}-{}", at.format("%Y%m%d%H%M%S"), &crate::auth::random_token()[..6]);
    let mut t =
        Ticket::file(id, enterprise_id, region_code, category, description, attachments, at, who.actor()).map_err(ApiError::from)?;
    svc::dispatch(&mut t, &cfg.catalogue, None, at, "routing").map_err(ApiError::from)?;
    let saved = s.with_store_mut(move |st| st.save_ticket(&t, None)).await?;
    Ok((StatusCode::CREATED, Json(ticket_json(&s, &cfg, &saved, at))))
}

/// `POST /api/v1/tickets/{id}/actions` `{version, action, …}`: one step of the flow.
/// - `accept`, `return` (reason), `extend` (reason, days), `answer` (text): the department holding it;
/// - `dispatch` (department, to re-route after a return): officers of the 板块 and administrators;
/// - `rate` (rating: satisfied | basically_satisfied | dissatisfied, comment): the enterprise, or an officer for it;
/// - `urge`, `supervise` (note): officers, leaders and administrators.
pub async fn act(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    Path(id): Path<String>,
    b: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let m = body(&b, &["version", "action", "reason", "days", "text", "rating", "comment", "department", "note"])?;
    let cfg = config(&s)?;
    let version = m.get("version").and_then(Value::as_i64).ok_or_else(|| {
        Code::Missing.param("version", "缺少必填项 'version'（您读取时的版本） / 'version' (the one you read) is required")
    })?;
    let action = text(&m, "action", 20)?.ok_or_else(|| Code::Missing.param("action", "缺少必填项 'action' / 'action' is required"))?;
    let tid = id.clone();
    let mut t = s
        .with_store(move |st| st.ticket(&tid))
        .await?
        .ok_or_else(|| Code::TicketNotFound.msg(format!("没有诉求 '{id}' / no request '{id}'")))?;
    if !may_see(&s, &cfg.catalogue, &who, &t) {
        return Err(forbidden("您无权处理此诉求 / this request is not yours"));
    }
    if t.version != version {
        return Err(Code::VersionConflict.param(
            "version",
            format!("诉求已被他人更新，请刷新 / request {id} changed since you read it (your version {version}, now {})", t.version),
        ));
    }
    let account = who.account.clone().ok_or_else(|| forbidden("请先登录 / sign in first"))?;
    let role = account.role;
    let holder = works_department(&s, &cfg.catalogue, account.department.as_deref(), t.department.as_deref());
    let is_dept = role == Role::Admin || (role == Role::Department && holder);
    let is_officer = role == Role::Admin || (role == Role::Officer && who.may_write_region(&t.region_code, &s.data().regions));
    let at = now();
    let actor = who.actor();
    let need =
        |ok: bool, what: &str| if ok { Ok(()) } else { Err(forbidden(&format!("您的角色不能{what} / your role may not do this"))) };
    match action.as_str() {
        "accept" => {
            need(is_dept, "签收")?;
            svc::accept(&mut t, &cfg.catalogue, &cfg.calendar, at, &actor).map_err(ApiError::from)?;
        }
        "return" => {
            need(is_dept, "退单")?;
            let reason = text(&m, "reason", 500)?.ok_or_else(|| Code::ReasonRequired.param("reason", "退单须说明原因 / a return needs a reason"))?;
            t.return_to_dispatch(reason, at, actor).map_err(ApiError::from)?;
        }
        "extend" => {
            need(is_dept, "申请延期")?;
            let reason = text(&m, "reason", 500)?.ok_or_else(|| Code::ReasonRequired.param("reason", "申请延期须说明原因 / an extension needs a reason"))?;
            let days = m
                .get("days")
                .and_then(Value::as_u64)
                .filter(|d| (1..=30).contains(d))
                .ok_or_else(|| Code::InvalidDays.param("days", "days 应为 1–30 天 / days must be 1–30"))?;
            svc::extend(&mut t, &cfg.calendar, &reason, days as u32, at, &actor).map_err(ApiError::from)?;
        }
        "answer" => {
            need(is_dept, "答复")?;
            let answer = text(&m, "text", 4000)?.ok_or_else(|| Code::Missing.param("text", "缺少必填项 'text'（答复内容） / 'text' (the answer) is required"))?;
            t.answer(answer, at, actor).map_err(ApiError::from)?;
        }
        "dispatch" => {
            need(is_officer, "派单")?;
            let to = text(&m, "department", 60)?;
            svc::dispatch(&mut t, &cfg.catalogue, to.as_deref(), at, &actor).map_err(ApiError::from)?;
        }
        "rate" => {
            let own = role == Role::Enterprise && account.enterprise_id == Some(t.enterprise_id);
            need(own || is_officer, "评价")?;
            let r = text(&m, "rating", 30)?.ok_or_else(|| Code::Missing.param("rating", "缺少必填项 'rating' / 'rating' is required"))?;
            let rating = Rating::parse(&r)
                .map_err(|_| Code::InvalidRating.param("rating", format!("'{r}' 应为 satisfied、basically_satisfied 或 dissatisfied / '{r}' is not satisfied, basically_satisfied or dissatisfied")))?;
            svc::rate(&mut t, &cfg.catalogue, &cfg.calendar, rating, text(&m, "comment", 1000)?, at, &actor).map_err(ApiError::from)?;
        }
        "urge" | "supervise" => {
            need(matches!(role, Role::Admin | Role::Leader | Role::Officer), "催办")?;
            t.urge(action == "supervise", text(&m, "note", 500)?, at, actor).map_err(ApiError::from)?;
        }
        other => {
            return Err(Code::InvalidAction.param("action", format!("'{other}' 应为 accept、return、extend、answer、dispatch、rate、urge 或 supervise / '{other}' is not accept, return, extend, answer, dispatch, rate, urge or supervise"),
            ))
        }
    }
    let saved = s.with_store_mut(move |st| st.save_ticket(&t, Some(version))).await?;
    Ok(Json(ticket_json(&s, &cfg, &saved, at)))
}

/// `GET /api/v1/service/dashboard`: open, overdue, time to accept and close, returns, reopenings and satisfaction,
/// by department and by 板块, over the requests the caller may see.
pub async fn dashboard(State(s): State<Arc<ServerState>>, Extension(who): Extension<Identity>) -> Result<Json<Value>, ApiError> {
    let cfg = config(&s)?;
    let tickets = s.with_store(|st| st.tickets()).await?;
    let visible: Vec<Ticket> = tickets.into_iter().filter(|t| may_see(&s, &cfg.catalogue, &who, t)).collect();
    let at = now();
    let m = svc::service_metrics(&visible, &cfg.calendar, at);
    let data = s.data();
    let departments: Vec<Value> = m
        .by_department
        .iter()
        .map(|(k, v)| {
            let d = cfg.catalogue.department(k);
            json!({"id": k, "name_zh": d.map(|d| &d.name_zh), "name_en": d.map(|d| &d.name_en), "stats": v})
        })
        .collect();
    let regions: Vec<Value> = m
        .by_region
        .iter()
        .map(|(k, v)| {
            let r = data.regions.get(data.regions.current_code(k));
            json!({"code": k, "name_zh": r.map(|r| &r.name_zh), "name_en": r.map(|r| &r.name_en), "stats": v})
        })
        .collect();
    let overdue: Vec<Value> = visible.iter().filter(|t| svc::is_overdue(t, at)).map(|t| ticket_json(&s, &cfg, t, at)).collect();
    Ok(Json(json!({"at": m.at, "total": m.total, "by_department": departments, "by_region": regions, "overdue": overdue})))
}

/// `GET /api/v1/calendar?year=`: holidays and make-up working days.
pub async fn calendar(State(s): State<Arc<ServerState>>, q: Params) -> Result<Json<Value>, ApiError> {
    let p = q.0;
    known_params(&p, &names(&[YEAR]))?;
    let year = crate::params::year(&p, "year", crate::params::ANY_YEAR)?;
    let cfg = config(&s)?;
    let entries: Vec<Value> = cfg
        .calendar
        .entries()
        .filter(|e| year.is_none_or(|y| chrono::Datelike::year(&e.date) == y))
        .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
        .collect();
    Ok(Json(json!({"entries": entries})))
}

/// `PUT /api/v1/calendar` `{year, entries: [{date, kind: holiday|workday, name}]}`: replace one year's entries
/// (administrators). Every entry is checked before anything changes.
pub async fn put_calendar(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    b: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let m = body(&b, &["year", "entries"])?;
    let year = m
        .get("year")
        .and_then(Value::as_i64)
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| Code::InvalidYear.param("year", "year 应在 2000–2100 之间 / year must be 2000–2100"))? as i32;
    let cfg = config(&s)?;
    let mut cal = WorkCalendar::new();
    for e in cfg.calendar.entries().filter(|e| chrono::Datelike::year(&e.date) != year) {
        cal.add(e.date, e.kind, e.name.clone())
            .map_err(|x| Code::InternalError.logged(format!("the stored work calendar does not check out: {x}")))?;
    }
    for (i, e) in m.get("entries").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let field = format!("entries[{i}]");
        let g = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").trim().to_string();
        let date = NaiveDate::parse_from_str(&g("date"), "%Y-%m-%d")
            .map_err(|_| Code::InvalidDate.param(&field, format!("'{0}' 不是日期 / '{0}' is not a date", g("date"))))?;
        if chrono::Datelike::year(&date) != year {
            return Err(Code::WrongYear.param(&field, format!("{date} 不在 {year} 年内 / {date} is not in {year}")));
        }
        let kind = svc::DayKind::parse(&g("kind"))
            .ok_or_else(|| Code::InvalidKind.param(&field, "kind 应为 holiday 或 workday / kind must be holiday or workday"))?;
        cal.add(date, kind, g("name")).map_err(|x| ApiError::from(x).at(&field))?;
    }
    let csv = cal.to_csv();
    s.with_accounts(move |st| st.set_meta("work_calendar", &csv)).await?;
    s.set_service(ServiceConfig { catalogue: cfg.catalogue.clone(), calendar: cal, policies: cfg.policies.clone() });
    s.audit(chainscope_store::AuditEntry {
        actor: who.actor(),
        action: "calendar_changed".into(),
        target: year.to_string(),
        ..Default::default()
    })
    .await;
    calendar(State(s), axum::extract::Query([("year".to_string(), year.to_string())].into_iter().collect())).await
}

/// `GET /api/v1/policies[?format=toml]`: the policies (as the TOML text an administrator edits with `format=toml`).
pub async fn policies(State(s): State<Arc<ServerState>>, q: Params) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    known_params(&q.0, &names(&[SETTINGS_FORMAT]))?;
    if let Some(r) = settings_text(&s, &q.0, "policies").await? {
        return Ok(r);
    }
    let cfg = config(&s)?;
    let t = now().date();
    let items: Vec<Value> = cfg
        .policies
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            v["in_force"] = json!(p.in_force(t));
            v
        })
        .collect();
    Ok(Json(json!({"items": items})).into_response())
}

/// `GET /api/v1/policies/{id}/matches?limit=`: enterprises matching a policy, each with the reason for every
/// criterion; those that qualify without applying (免申即享) first.
pub async fn policy_matches(State(s): State<Arc<ServerState>>, Path(id): Path<String>, q: Params) -> Result<Json<Value>, ApiError> {
    let p = q.0;
    known_params(&p, &names(&[POLICY_MATCHES]))?;
    let limit: usize = crate::api::number(&p, "limit")?.unwrap_or(100).clamp(1, 2000);
    let local_only = crate::api::boolean(&p, "local")?.unwrap_or(true);
    let cfg = config(&s)?;
    let policy = cfg
        .policies
        .iter()
        .find(|x| x.id == id)
        .cloned()
        .ok_or_else(|| Code::PolicyNotFound.msg(format!("没有政策 '{id}' / no policy '{id}'")))?;
    let data = s.data();
    let tax = data.snapshot.taxonomy.clone();
    let regions = data.regions.clone();
    let today = now().date();
    let (matches, total) = s
        .with_store(move |st| {
            let mut ents = Vec::new();
            let mut ids: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
            let mut take = |id: i64, e: chainscope_model::Enterprise| {
                ids.insert(e.key.clone(), id);
                ents.push(e);
            };
            // The city's own enterprises are read through their index; the whole world only when asked for.
            if local_only {
                st.for_each_local_enterprise(&mut take)?;
            } else {
                st.for_each_enterprise_with_id(&mut take)?;
            }
            let names: std::collections::HashMap<&str, &str> = ents.iter().map(|e| (e.key.as_str(), e.name.as_str())).collect();
            let ms = chainscope_engine::matches_for_policy(&policy, ents.iter(), &tax, |c, a| regions.is_within(c, a), today);
            let named: Vec<(Value, String)> = ms
                .into_iter()
                .filter(|m| m.eligible || m.status == chainscope_engine::MatchStatus::Possible)
                .map(|m| {
                    let name = names.get(m.enterprise_key.as_str()).map(|n| n.to_string()).unwrap_or_default();
                    let mut v = serde_json::to_value(&m).unwrap_or(Value::Null);
                    v["enterprise_id"] = json!(ids.get(&m.enterprise_key));
                    (v, name)
                })
                .collect();
            let total = named.len();
            Ok((named.into_iter().take(limit).collect::<Vec<_>>(), total))
        })
        .await?;
    let items: Vec<Value> = matches
        .into_iter()
        .map(|(mut v, name)| {
            v["name"] = json!(name);
            v
        })
        .collect();
    Ok(Json(json!({"policy": id, "total": total, "items": items})))
}

/// `GET /api/v1/enterprises/{id}/policies`: every policy in force for one enterprise, with the reasons.
pub async fn enterprise_policies(
    State(s): State<Arc<ServerState>>,
    Extension(who): Extension<Identity>,
    Path(eid): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    if who.role() == Some(Role::Enterprise) && who.account.as_ref().and_then(|a| a.enterprise_id) != Some(eid) {
        return Err(forbidden("只能查看本企业 / only your own enterprise"));
    }
    let cfg = config(&s)?;
    let found = s.with_store(move |st| st.enterprises_by_id(&[eid])).await?;
    let Some((_, e)) = found.into_iter().next() else {
        return Err(Code::EnterpriseNotFound.msg(format!("没有企业 {eid} / no enterprise {eid}")));
    };
    let data = s.data();
    let ms = chainscope_engine::policies_for_enterprise(
        &cfg.policies,
        &e,
        &data.snapshot.taxonomy,
        |c, a| data.regions.is_within(c, a),
        now().date(),
    );
    let items: Vec<Value> = ms
        .iter()
        .map(|m| {
            let mut v = serde_json::to_value(m).unwrap_or(Value::Null);
            v["enterprise_id"] = json!(eid);
            v
        })
        .collect();
    Ok(Json(json!({"enterprise": {"id": eid, "name": e.name}, "items": items})))
}
