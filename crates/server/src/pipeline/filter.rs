//! The project table's filters: the query parsed and checked, and the test each project passes or fails.

use super::department_tasks;
use crate::api::ApiError;
use crate::error::Code;
use crate::ServerState;
use chainscope_engine::pipeline as eng;
use chainscope_model::{InvestmentBand, Project, Stage, Taxonomy};
use chrono::NaiveDate;
use std::collections::HashMap;

pub(super) struct ListFilter {
    stages: Vec<Stage>,
    region: Option<String>,
    clusters: Vec<String>,
    tiers: Vec<String>,
    other: Option<bool>,
    event: Option<String>,
    officer: Option<String>,
    band: Option<InvestmentBand>,
    text: Option<String>,
    signed_from: Option<NaiveDate>,
    signed_to: Option<NaiveDate>,
    overdue: Option<bool>,
    /// The stage filter applies to the stage on this day.
    stage_on: Option<NaiveDate>,
    /// Reached this stage within `[reached_from, reached_to]` (as the dashboard counts it).
    reached: Option<(Stage, NaiveDate, NaiveDate)>,
    /// Only projects with open checklist items of this department (a catalogue id or a name).
    pub(super) tasks_of: Option<String>,
}

pub(super) fn list_filter(s: &ServerState, p: &HashMap<String, String>) -> Result<ListFilter, ApiError> {
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
    Ok(ListFilter {
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
    })
}

pub(super) fn passes(s: &ServerState, tax: &Taxonomy, f: &ListFilter, p: &Project, today: NaiveDate) -> bool {
    if !f.stages.is_empty() {
        let stage = match f.stage_on {
            Some(day) => p.stage_on(day),
            None => Some(p.stage),
        };
        if !stage.is_some_and(|s| f.stages.contains(&s)) {
            return false;
        }
    }
    if let Some((stage, from, to)) = f.reached {
        if !eng::reached_within(p, stage, from, to) {
            return false;
        }
    }
    if let Some(r) = &f.region {
        let data = s.data();
        if !crate::params::inside(&data.regions, &p.region_code, r) {
            return false;
        }
    }
    let cluster = p.cluster.as_deref().and_then(|c| tax.cluster(c));
    if !f.clusters.is_empty() && !cluster.is_some_and(|c| f.clusters.contains(&c.id)) {
        return false;
    }
    if !f.tiers.is_empty() && !cluster.is_some_and(|c| f.tiers.contains(&c.tier)) {
        return false;
    }
    if let Some(o) = f.other {
        if o == cluster.is_some() {
            return false;
        }
    }
    if f.event.as_ref().is_some_and(|e| p.event_id.as_ref() != Some(e)) {
        return false;
    }
    if f.officer.as_ref().is_some_and(|o| p.officer.as_ref() != Some(o)) {
        return false;
    }
    if f.band.is_some_and(|b| p.band() != Some(b)) {
        return false;
    }
    if let Some(q) = &f.text {
        let hit = p.name.to_lowercase().contains(q)
            || p.investor.as_deref().is_some_and(|i| i.to_lowercase().contains(q))
            || p.id.to_lowercase() == *q;
        if !hit {
            return false;
        }
    }
    if f.signed_from.is_some() || f.signed_to.is_some() {
        let Some(d) = p.signed_on() else { return false };
        if f.signed_from.is_some_and(|x| d < x) || f.signed_to.is_some_and(|x| d > x) {
            return false;
        }
    }
    if let Some(o) = f.overdue {
        let late = p.start_overdue(today) || p.checklist.iter().any(|t| t.overdue(today));
        if o != late {
            return false;
        }
    }
    if let Some(dept) = &f.tasks_of {
        if department_tasks(s, p, dept, today).0 == 0 {
            return false;
        }
    }
    true
}
