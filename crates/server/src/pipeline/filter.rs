//! The project table's query parsed into the engine's [`ProjectFilter`] and [`ProjectSort`]: each value checked
//! against the stages, the taxonomy and the regions, naming the parameter of any problem. Which projects pass is
//! the engine's business (`chainscope_engine::project_list`).

use crate::api::ApiError;
use crate::error::Code;
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
        stages.push(Stage::parse(&v).map_err(|_| Code::InvalidStage.param("stage", format!("'{v}' 不是项目阶段 / '{v}' is not a stage")))?);
    }
    let clusters = crate::params::clusters(p, tax)?;
    let tiers = crate::params::tiers(p, tax)?;
    let region = crate::params::region(p, "region", &data.regions)?;
    let band = match p.get("band").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(b) => Some(
            InvestmentBand::parse(b)
                .map_err(|_| Code::InvalidBand.param("band", format!("'{b}' 不是有效的投资规模档 / '{b}' is not a size band")))?,
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
        signed_from: crate::params::date(p, "signed_from")?,
        signed_to: crate::params::date(p, "signed_to")?,
        overdue: crate::api::boolean(p, "overdue")?,
        tasks_of: text("tasks_of"),
        stage_on: crate::params::date(p, "stage_on")?,
        reached: match p.get("reached").map(|x| x.trim()).filter(|x| !x.is_empty()) {
            None => None,
            Some(r) => {
                let stage = Stage::parse(r)
                    .map_err(|_| Code::InvalidStage.param("reached", format!("'{r}' 不是项目阶段 / '{r}' is not a stage")))?;
                let from = crate::params::date(p, "reached_from")?.unwrap_or(NaiveDate::MIN);
                let to = crate::params::date(p, "reached_to")?.unwrap_or(NaiveDate::MAX);
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
        Code::InvalidSort
            .param("sort", format!("'{sort}' 应为 recent、amount、signed 或 name / '{sort}' is not recent, amount, signed or name"))
    })
}
