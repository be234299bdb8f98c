//! Monthly, quarterly and annual reports: what was signed in the period and the year to date at its end, as JSON
//! or as a workbook.

use super::dashboard::{dashboard_json, month_last};
use super::events::tier_counts;
use super::sheets::{project_sheet, xlsx_response};
use super::{region_json, summary_json, today};
use crate::api::{known_params, names, ApiError, Params};
use crate::error::Code;
use crate::openapi::REPORT;
use crate::{Pipeline, ServerState};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chainscope_engine::pipeline as eng;
use chainscope_io::export::{Cell, Sheet};
use chainscope_model::Project;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::sync::Arc;

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
