//! The leadership dashboard (领导驾驶舱): the year's progress against its targets through a day, the 板块 league,
//! months, overdue starts and checklist items, and the year's events.

use super::events::event_json;
use super::{catalogue_department, region_json, today};
use crate::api::{known_params, names, ApiError, Params};
use crate::error::Code;
use crate::openapi::DASHBOARD;
use crate::{Pipeline, ServerState};
use axum::extract::State;
use axum::Json;
use chainscope_engine::pipeline as eng;
use chainscope_model::{Event, InvestmentBand, Stage, Taxonomy};
use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The last day anything was recorded in the pipeline, not after today: the default "through" of dashboards.
fn data_day(p: &Pipeline) -> NaiveDate {
    let t = today();
    p.projects.iter().filter_map(|p| p.history.last().map(|e| e.date)).filter(|d| *d <= t).max().unwrap_or(t)
}

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

pub(super) fn dashboard_json(s: &ServerState, pl: &Pipeline, through: NaiveDate) -> Value {
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
    let year = crate::params::year(p, "year", crate::params::PLAN_YEARS)?;
    let through = match (crate::params::date(p, "through")?, crate::params::month(p, "month")?) {
        (Some(d), _) if !crate::params::PLAN_YEARS.contains(&d.year()) => {
            return Err(crate::params::out_of_years("through", &crate::params::PLAN_YEARS))
        }
        (Some(d), _) => d,
        (None, Some((y, mo))) => month_last(y, mo)
            .ok_or_else(|| Code::InvalidMonth.param("month", format!("'{y}-{mo}' 不是月份 / '{y}-{mo}' is not a month")))?,
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
            return Err(Code::YearMismatch.param("through", format!("{through} 不在 {y} 年内 / {through} is not in {y}")));
        }
    }
    Ok(through)
}

pub(super) fn month_last(y: i32, m: u32) -> Option<NaiveDate> {
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
