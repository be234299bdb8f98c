//! The project pipeline (招商项目库): projects and their moves, the post-signing checklist (全兜办), events, annual
//! targets, the leadership dashboard and the monthly and quarterly reports. Every figure is counted from the
//! project records by `chainscope_engine::pipeline`; nothing is stored pre-computed.
//!
//! Writes carry the version the writer read; a stale version gets a 409 with the current version, so two officers
//! editing one project never silently overwrite each other. Every write keeps the version it produced.

pub mod access;
pub mod body;
pub mod dashboard;
pub mod events;
pub mod fields;
pub mod filter;
pub mod projects;
pub mod reports;
pub mod sheets;
pub mod targets;

use crate::ServerState;
use chainscope_model::{InvestmentBand, Project, Task, Taxonomy};
use chrono::NaiveDate;
use serde_json::{json, Value};

/// The server's idea of today: the clock, or `CHAINSCOPE_TODAY` (YYYY-MM-DD) for demonstrations and tests.
pub fn today() -> NaiveDate {
    std::env::var("CHAINSCOPE_TODAY")
        .ok()
        .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

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
