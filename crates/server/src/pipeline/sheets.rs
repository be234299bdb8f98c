//! Workbook exports (XLSX): the project table, its stage moves, and the answer that carries a workbook.

use crate::api::ApiError;
use crate::error::Code;
use crate::ServerState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chainscope_io::export::{xlsx_workbook, Cell, Sheet};
use chainscope_model::{InvestmentBand, Project, Taxonomy};

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
