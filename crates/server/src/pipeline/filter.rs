//! The project table's query parsed into the engine's [`ProjectFilter`] and [`ProjectSort`]: each value checked
//! against the stages, the taxonomy and the regions, naming the parameter of any problem. Which projects pass is
//! the engine's business (`chainscope_engine::project_list`).

use super::date_param;
use crate::api::ApiError;
use crate::ServerState;
use chainscope_engine::project_list::{ProjectFilter, ProjectSort};
use chainscope_model::{InvestmentBand, Stage};
use chrono::NaiveDate;
use std::collections::HashMap;

pub(super) fn list_filter(s: &ServerState, p: &HashMap<String, String>) -> Result<ProjectFilter, ApiError> {
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
    Ok(ProjectFilter {
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
        boards: None,
    })
}

/// The table's order: `recent` (the default), `amount`, `signed` or `name`.
pub(super) fn list_sort(p: &HashMap<String, String>) -> Result<ProjectSort, ApiError> {
    let sort = p.get("sort").map(String::as_str).filter(|v| !v.is_empty()).unwrap_or("recent");
    ProjectSort::parse(sort).ok_or_else(|| {
        ApiError::bad(
            "sort",
            "invalid_sort",
            format!("'{sort}' 应为 recent、amount、signed 或 name / '{sort}' is not recent, amount, signed or name"),
        )
    })
}
