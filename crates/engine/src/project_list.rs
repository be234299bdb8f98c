//! The project table (招商项目库): which projects a query keeps, in what order they are listed, and the counts the
//! board shows. The server parses the query string into a [`ProjectFilter`] and a [`ProjectSort`]; everything here
//! is pure.

use chainscope_model::{InvestmentBand, Project, RegionRegistry, Stage, Task, Taxonomy};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Which projects the table lists. Empty lists and `None` mean "no restriction".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFilter {
    /// At one of these stages (now, or on `stage_on`).
    pub stages: Vec<Stage>,
    /// The stage filter applies to the stage on this day.
    pub stage_on: Option<NaiveDate>,
    /// Reached this stage within `[from, to]` (as the dashboard counts it).
    pub reached: Option<(Stage, NaiveDate, NaiveDate)>,
    /// In this region or inside it (a current region code).
    pub region: Option<String>,
    /// In one of these clusters.
    pub clusters: Vec<String>,
    /// In a cluster of one of these tiers.
    pub tiers: Vec<String>,
    /// Only projects outside the chain system (true) or inside it (false).
    pub other: Option<bool>,
    /// Signed at this event.
    pub event: Option<String>,
    /// Followed by this officer.
    pub officer: Option<String>,
    /// Of this investment size band.
    pub band: Option<InvestmentBand>,
    /// Text in the name or the investor, or the whole id, in lower case.
    pub text: Option<String>,
    /// Signed on or after this day.
    pub signed_from: Option<NaiveDate>,
    /// Signed on or before this day.
    pub signed_to: Option<NaiveDate>,
    /// Only late projects (true: the start or a checklist item overdue) or only projects on time (false).
    pub overdue: Option<bool>,
    /// Only projects with open checklist items of this department (a catalogue id or a name).
    pub tasks_of: Option<String>,
    /// Only projects in one of these 板块 or inside them (an officer's own, for "mine").
    pub boards: Option<Vec<String>>,
}

/// What a filter is checked against besides the project itself.
pub struct ListContext<'a> {
    pub taxonomy: &'a Taxonomy,
    pub regions: &'a RegionRegistry,
    pub today: NaiveDate,
    /// Whether a checklist item is the work of a department (as [`ProjectFilter::tasks_of`] names it). The service
    /// catalogue knows one bureau by id and by name; without one, the names must be equal.
    pub department_of: &'a dyn Fn(&str, &Task) -> bool,
}

/// The order of the project table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProjectSort {
    /// The latest move first (the default).
    #[default]
    Recent,
    /// The largest agreed amount first.
    Amount,
    /// The latest signing first.
    Signed,
    /// By name.
    Name,
}

impl ProjectSort {
    /// `recent`, `amount`, `signed` or `name`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "recent" => Some(Self::Recent),
            "amount" => Some(Self::Amount),
            "signed" => Some(Self::Signed),
            "name" => Some(Self::Name),
            _ => None,
        }
    }
}

/// Whether a region is one of these 板块 or inside one (by its current code or the code as given).
pub fn in_boards(regions: &RegionRegistry, code: &str, boards: &[String]) -> bool {
    let current = regions.current_code(code);
    boards.iter().any(|r| r == current || r == code || regions.is_within(current, r))
}

impl ProjectFilter {
    /// Whether the project is listed.
    pub fn matches(&self, p: &Project, cx: &ListContext) -> bool {
        self.stage_matches(p)
            && self.class_matches(p, cx.taxonomy)
            && self.place_matches(p, cx.regions)
            && self.details_match(p)
            && self.dates_match(p, cx.today)
            && self.tasks_of.as_ref().is_none_or(|dept| department_tasks(p, dept, cx.today, cx.department_of).0 > 0)
    }

    fn stage_matches(&self, p: &Project) -> bool {
        if !self.stages.is_empty() {
            let stage = match self.stage_on {
                Some(day) => p.stage_on(day),
                None => Some(p.stage),
            };
            if !stage.is_some_and(|s| self.stages.contains(&s)) {
                return false;
            }
        }
        self.reached.is_none_or(|(stage, from, to)| crate::pipeline::reached_within(p, stage, from, to))
    }

    fn class_matches(&self, p: &Project, tax: &Taxonomy) -> bool {
        let cluster = p.cluster.as_deref().and_then(|c| tax.cluster(c));
        if !self.clusters.is_empty() && !cluster.is_some_and(|c| self.clusters.contains(&c.id)) {
            return false;
        }
        if !self.tiers.is_empty() && !cluster.is_some_and(|c| self.tiers.contains(&c.tier)) {
            return false;
        }
        self.other.is_none_or(|o| o != cluster.is_some())
    }

    fn place_matches(&self, p: &Project, regions: &RegionRegistry) -> bool {
        if let Some(r) = &self.region {
            if p.region_code != *r && !regions.is_within(&p.region_code, r) {
                return false;
            }
        }
        self.boards.as_ref().is_none_or(|b| in_boards(regions, &p.region_code, b))
    }

    fn details_match(&self, p: &Project) -> bool {
        if self.event.as_ref().is_some_and(|e| p.event_id.as_ref() != Some(e)) {
            return false;
        }
        if self.officer.as_ref().is_some_and(|o| p.officer.as_ref() != Some(o)) {
            return false;
        }
        if self.band.is_some_and(|b| p.band() != Some(b)) {
            return false;
        }
        self.text.as_ref().is_none_or(|q| {
            p.name.to_lowercase().contains(q)
                || p.investor.as_deref().is_some_and(|i| i.to_lowercase().contains(q))
                || p.id.to_lowercase() == *q
        })
    }

    fn dates_match(&self, p: &Project, today: NaiveDate) -> bool {
        if self.signed_from.is_some() || self.signed_to.is_some() {
            let Some(d) = p.signed_on() else { return false };
            if self.signed_from.is_some_and(|x| d < x) || self.signed_to.is_some_and(|x| d > x) {
                return false;
            }
        }
        self.overdue.is_none_or(|o| o == (p.start_overdue(today) || p.checklist.iter().any(|t| t.overdue(today))))
    }
}

/// The projects a filter keeps, in the table's order.
pub fn select<'a>(projects: &'a [Project], filter: &ProjectFilter, sort: ProjectSort, cx: &ListContext) -> Vec<&'a Project> {
    let mut rows: Vec<&Project> = projects.iter().filter(|p| filter.matches(p, cx)).collect();
    sort_projects(&mut rows, sort);
    rows
}

/// Put projects in the table's order; ties go by id, so the order is stable between requests.
pub fn sort_projects(rows: &mut [&Project], sort: ProjectSort) {
    match sort {
        ProjectSort::Amount => rows.sort_by(|a, b| b.amount.unwrap_or(0.0).total_cmp(&a.amount.unwrap_or(0.0)).then(a.id.cmp(&b.id))),
        ProjectSort::Signed => rows.sort_by(|a, b| b.signed_on().cmp(&a.signed_on()).then(a.id.cmp(&b.id))),
        ProjectSort::Name => rows.sort_by(|a, b| a.name.cmp(&b.name)),
        ProjectSort::Recent => {
            rows.sort_by(|a, b| b.history.last().map(|e| e.date).cmp(&a.history.last().map(|e| e.date)).then(b.id.cmp(&a.id)))
        }
    }
}

/// Projects and their agreed amount (万元) at each stage, for the board's columns.
pub fn stage_totals(rows: &[&Project]) -> BTreeMap<Stage, (u64, f64)> {
    let mut out: BTreeMap<Stage, (u64, f64)> = BTreeMap::new();
    for r in rows {
        let e = out.entry(r.stage).or_default();
        e.0 += 1;
        e.1 += r.amount.unwrap_or(0.0);
    }
    out
}

/// A department's open and overdue checklist items in a project.
pub fn department_tasks(p: &Project, dept: &str, today: NaiveDate, department_of: &dyn Fn(&str, &Task) -> bool) -> (usize, usize) {
    let theirs = |t: &&Task| department_of(dept, t);
    let open = p.checklist.iter().filter(|t| t.status.is_open()).filter(theirs).count();
    let late = p.checklist.iter().filter(|t| t.overdue(today)).filter(theirs).count();
    (open, late)
}
