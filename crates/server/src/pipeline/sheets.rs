//! Workbook exports (XLSX): the project table, its stage moves, the report's sheets, and the answer that carries a
//! workbook.

use crate::api::ApiError;
use crate::error::Code;
use crate::ServerState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chainscope_io::export::{xlsx_workbook, Cell, Sheet};
use chainscope_model::{InvestmentBand, Project, Taxonomy};
use chrono::NaiveDate;
use serde_json::Value;

pub(super) fn project_sheet(name: &str, s: &ServerState, tax: &Taxonomy, rows: &[&Project]) -> Sheet {
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
pub(super) fn moves_sheet(rows: &[&Project]) -> Sheet {
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

pub(super) fn xlsx_response(filename: &str, sheets: &[Sheet]) -> Result<Response, ApiError> {
    let bytes = xlsx_workbook(sheets).map_err(|e| Code::ExportFailed.logged(e.to_string()))?;
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

// ---------------------------------------------------------------------------------------------------------------
// The report's workbook, drawn from the report's JSON answer so that both carry the same figures.

/// A number cell, empty when the value is not a number.
fn num(v: &Value) -> Cell {
    v.as_f64().map_or(Cell::Empty, Cell::Number)
}

/// A text cell, empty when the value is not text.
fn txt(v: &Value) -> Cell {
    v.as_str().map_or(Cell::Empty, |x| Cell::Text(x.to_string()))
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|x| x.to_string()).collect()
}

/// The rows of an array in the report, one each.
fn rows_of(arr: &Value, row: impl Fn(&Value) -> Vec<Cell>) -> Vec<Vec<Cell>> {
    arr.as_array().into_iter().flatten().map(row).collect()
}

/// The report's sheets in the workbook's order: summary, league, tiers, clusters, months, the projects signed in
/// the period (`projects`, made by the caller from the records) and the overdue starts.
pub(super) fn report_sheets(label: &str, from: NaiveDate, to: NaiveDate, report: &Value, projects: Sheet) -> Vec<Sheet> {
    let ytd = &report["year_to_date"];
    vec![
        summary_sheet(label, from, to, report),
        league_sheet(ytd),
        progress_sheet("层级 tiers", &ytd["by_tier"]),
        progress_sheet("集群 clusters", &ytd["by_cluster"]),
        months_sheet(ytd),
        projects,
        overdue_sheet(ytd),
    ]
}

fn summary_sheet(label: &str, from: NaiveDate, to: NaiveDate, r: &Value) -> Sheet {
    let ytd = &r["year_to_date"];
    let row = |name: &str, value: Cell| vec![Cell::Text(name.into()), value];
    Sheet {
        name: "汇总 summary".into(),
        headers: vec!["指标 figure".into(), "数值 value".into()],
        rows: vec![
            row("报告期 period", Cell::Text(label.to_string())),
            row("起 from", Cell::Text(from.to_string())),
            row("止 to", Cell::Text(to.to_string())),
            row("本期签约 signed in period", num(&r["in_period"]["signed"])),
            row("本期343项目 in 343", num(&r["in_period"]["in_system"])),
            row("本期343占比% in 343 %", num(&r["in_period"]["in_system_pct"])),
            row("本期协议投资额(万元) amount", num(&r["in_period"]["amount"])),
            row("年初至今签约 signed year to date", num(&ytd["city"]["signed"])),
            row("年度任务 annual task", num(&ytd["city"]["target_projects"])),
            row("完成率% completion %", num(&ytd["city"]["completion_pct"])),
            row("年初至今343项目 in 343", num(&ytd["city"]["in_system"])),
            row("343占比% in 343 %", num(&ytd["city"]["in_system_pct"])),
            row("其他项目 others", num(&ytd["other"])),
            row("年初至今开工 started", num(&ytd["started"])),
            row("年初至今投产 producing", num(&ytd["producing"])),
            row("签约未按期开工 signed, not started on time", Cell::Number(ytd["overdue_starts"].as_array().map_or(0, Vec::len) as f64)),
        ],
    }
}

fn league_sheet(ytd: &Value) -> Sheet {
    Sheet {
        name: "赛马榜 league".into(),
        headers: headers(&[
            "名次 rank",
            "代码 key",
            "板块 region",
            "签约 signed",
            "目标 target",
            "完成率% completion",
            "上月名次 last month",
            "完成率变化 change (pp)",
            "343占比% in 343",
        ]),
        rows: rows_of(&ytd["league"], |r| {
            vec![
                num(&r["rank"]),
                txt(&r["progress"]["key"]),
                txt(&r["progress"]["name_zh"]),
                num(&r["progress"]["signed"]),
                num(&r["progress"]["target_projects"]),
                num(&r["progress"]["completion_pct"]),
                num(&r["prev_rank"]),
                num(&r["completion_change"]),
                num(&r["progress"]["in_system_pct"]),
            ]
        }),
    }
}

/// Progress of tiers or clusters against their targets.
fn progress_sheet(name: &str, progress: &Value) -> Sheet {
    Sheet {
        name: name.into(),
        headers: headers(&[
            "代码 key",
            "名称 name",
            "签约 signed",
            "目标 target",
            "完成率% completion",
            "协议投资额 amount",
            "金额目标 amount target",
            "金额完成率% amount completion",
        ]),
        rows: rows_of(progress, |p| {
            vec![
                txt(&p["key"]),
                txt(&p["name_zh"]),
                num(&p["signed"]),
                num(&p["target_projects"]),
                num(&p["completion_pct"]),
                num(&p["amount"]),
                num(&p["target_amount"]),
                num(&p["amount_completion_pct"]),
            ]
        }),
    }
}

fn months_sheet(ytd: &Value) -> Sheet {
    Sheet {
        name: "月度 months".into(),
        headers: headers(&[
            "月 month",
            "当月签约 signed",
            "当月开工 started",
            "累计签约 cumulative",
            "累计完成率% completion",
            "累计343占比% in 343",
        ]),
        rows: rows_of(&ytd["months"], |m| {
            vec![
                num(&m["month"]),
                num(&m["signed"]),
                num(&m["started"]),
                num(&m["cumulative"]),
                num(&m["completion_pct"]),
                num(&m["in_system_pct"]),
            ]
        }),
    }
}

fn overdue_sheet(ytd: &Value) -> Sheet {
    Sheet {
        name: "逾期未开工 overdue".into(),
        headers: headers(&["项目 id", "名称 name", "板块 region", "签约 signed", "应开工 due", "约定 agreed", "逾期天数 days over"]),
        rows: rows_of(&ytd["overdue_starts"], |o| {
            vec![
                txt(&o["id"]),
                txt(&o["name"]),
                txt(&o["region"]["name_zh"]),
                txt(&o["signed_on"]),
                txt(&o["due"]),
                Cell::Text(if o["agreed"] == true { "是" } else { "否（默认180天）" }.into()),
                num(&o["days_over"]),
            ]
        }),
    }
}
