//! Monthly, quarterly and annual reports: what was signed in the period and the year to date at its end, as JSON
//! or as a workbook.

use super::dashboard::{dashboard_json, month_last};
use super::events::tier_counts;
use super::sheets::{project_sheet, report_sheets, xlsx_response};
use super::{region_json, summary_json, today};
use crate::api::{known_params, names, ApiError, Params};
use crate::error::Code;
use crate::openapi::REPORT;
use crate::{Pipeline, ServerState};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chainscope_engine::pipeline as eng;
use chainscope_model::Project;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::sync::Arc;

/// A report period: a month `2022-09`, a quarter `2022-Q3`, or a year `2022`.
/// Years outside [`crate::params::PLAN_YEARS`] are refused (`-1-Q1`, `9999-12`).
fn period(raw: &str) -> Option<(String, NaiveDate, NaiveDate)> {
    let raw = raw.trim();
    let year = |y: &str| y.parse::<i32>().ok().filter(|y| crate::params::PLAN_YEARS.contains(y));
    if let Some((y, q)) = raw.split_once("-Q").or_else(|| raw.split_once("-q")) {
        let y = year(y)?;
        let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
        let from = NaiveDate::from_ymd_opt(y, (q - 1) * 3 + 1, 1)?;
        return Some((format!("{y}-Q{q}"), from, month_last(y, q * 3)?));
    }
    if let Some((y, m)) = raw.split_once('-') {
        let y = year(y)?;
        let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
        return Some((format!("{y}-{m:02}"), NaiveDate::from_ymd_opt(y, m, 1)?, month_last(y, m)?));
    }
    let y = year(raw)?;
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
        return Err(Code::Missing.param("period", "请给出报告期：2022-09、2022-Q3 或 2022 / give a period: 2022-09, 2022-Q3 or 2022"));
    }
    let (label, from, to) = period(&raw).ok_or_else(|| {
        Code::InvalidPeriod.param(
            "period",
            format!("'{raw}' 不是月份（2022-09）、季度（2022-Q3）或年份 / '{raw}' is not a month (2022-09), quarter (2022-Q3) or year"),
        )
    })?;
    let format = p.get("format").map(String::as_str).filter(|v| !v.is_empty()).unwrap_or("json");
    if !matches!(format, "json" | "xlsx") {
        return Err(Code::InvalidFormat.param("format", format!("'{format}' 应为 json 或 xlsx / '{format}' is not json or xlsx")));
    }
    let pl = s.pipeline();
    let r = report_json(&s, &pl, &label, from, to);
    if format == "json" {
        return Ok(Json(r).into_response());
    }
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let period_projects: Vec<&Project> = r["in_period"]["projects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["id"].as_str())
        .filter_map(|id| pl.projects.iter().find(|p| p.id == id))
        .collect();
    let projects = project_sheet("本期签约 signed", &s, tax, &period_projects);
    xlsx_response(&format!("chainscope-report-{label}.xlsx"), &report_sheets(&label, from, to, &r, projects))
}
