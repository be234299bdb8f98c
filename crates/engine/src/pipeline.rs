//! Pipeline statistics computed from project records: signed counts, the cluster-system share, tier split,
//! completion of the annual task, event results. Nothing here is stored: every figure is counted.

use chainscope_model::{InvestmentBand, Project, Stage, Target, TargetScope, Task, TaskStatus, Taxonomy};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A percentage rounded to one decimal, half away from zero, as the newspapers print it (39/43 → 90.7).
pub fn pct1(part: f64, whole: f64) -> Option<f64> {
    if whole <= 0.0 {
        return None;
    }
    Some((part / whole * 1000.0).round() / 10.0)
}

/// Projects by tier, plus those outside the cluster system.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct TierSplit {
    /// tier id → count, in the taxonomy's tier order.
    pub by_tier: BTreeMap<String, u64>,
    /// cluster id → count.
    pub by_cluster: BTreeMap<String, u64>,
    /// Projects in the cluster system (any tier).
    pub in_system: u64,
    /// Projects outside it (smart manufacturing, modern services …), by category.
    pub other: u64,
    pub other_by_category: BTreeMap<String, u64>,
}

impl TierSplit {
    fn add(&mut self, p: &Project, taxonomy: &Taxonomy) {
        match p.cluster.as_deref().and_then(|c| taxonomy.cluster(c)) {
            Some(c) => {
                self.in_system += 1;
                *self.by_tier.entry(c.tier.clone()).or_default() += 1;
                *self.by_cluster.entry(c.id.clone()).or_default() += 1;
            }
            None => {
                self.other += 1;
                *self.other_by_category.entry(p.other_category.clone().unwrap_or_else(|| "other".into())).or_default() += 1;
            }
        }
    }
}

/// Projects signed in a period, against the annual task.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PeriodStats {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub signed: u64,
    pub split: TierSplit,
    /// Share of cluster-system projects, % to one decimal.
    pub in_system_pct: Option<f64>,
    /// The city's project-count target for the year of `to`, if any.
    pub annual_target: Option<f64>,
    /// signed / target, % to one decimal.
    pub completion_pct: Option<f64>,
    pub amount: f64,
    /// The ids counted, so every figure can be traced to its records.
    pub project_ids: Vec<String>,
}

/// The effective signing date of `p` as known on `day`: moves recorded after `day` are not seen. A signing later
/// reversed by a move back below 签约 does not count; a project dropped after signing stays signed.
pub fn signed_as_of(p: &Project, day: NaiveDate) -> Option<NaiveDate> {
    reached_as_of(p, Stage::Signed, day)
}

/// When `p` reached `stage` (or beyond), as known on `day`; `None` if it had not, or had moved back below it.
pub fn reached_as_of(p: &Project, stage: Stage, day: NaiveDate) -> Option<NaiveDate> {
    p.reached_as_of(stage, day)
}

/// Count projects whose effective signing, as known at `to`, falls in `[from, to]`, whatever happened to them
/// afterwards. Figures for a closed period therefore do not change when later moves are recorded.
pub fn period_stats(projects: &[Project], taxonomy: &Taxonomy, targets: &[Target], from: NaiveDate, to: NaiveDate) -> PeriodStats {
    let mut split = TierSplit::default();
    let mut ids = Vec::new();
    let mut amount = 0.0;
    for p in projects {
        if let Some(d) = signed_as_of(p, to) {
            if d >= from && d <= to {
                split.add(p, taxonomy);
                ids.push(p.id.clone());
                amount += p.amount.unwrap_or(0.0);
            }
        }
    }
    let signed = ids.len() as u64;
    let year = to.year();
    let annual_target = targets.iter().find(|t| t.year == year && t.scope == TargetScope::City && t.metric == "projects").map(|t| t.value);
    PeriodStats {
        from,
        to,
        signed,
        in_system_pct: pct1(split.in_system as f64, signed as f64),
        completion_pct: annual_target.and_then(|t| pct1(signed as f64, t)),
        annual_target,
        split,
        amount,
        project_ids: ids,
    }
}

/// What was signed at one event.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventStats {
    pub event_id: String,
    pub signed: u64,
    pub split: TierSplit,
    pub in_system_pct: Option<f64>,
    pub other_pct: Option<f64>,
    /// Distinct 板块 that signed projects.
    pub regions: BTreeSet<String>,
    pub amount: f64,
    pub project_ids: Vec<String>,
}

/// Count the signed projects attributed to an event.
pub fn event_stats(projects: &[Project], taxonomy: &Taxonomy, event_id: &str) -> EventStats {
    let mut split = TierSplit::default();
    let mut regions = BTreeSet::new();
    let mut ids = Vec::new();
    let mut amount = 0.0;
    for p in projects.iter().filter(|p| p.event_id.as_deref() == Some(event_id) && p.signed_on().is_some()) {
        split.add(p, taxonomy);
        regions.insert(p.region_code.clone());
        ids.push(p.id.clone());
        amount += p.amount.unwrap_or(0.0);
    }
    let signed = ids.len() as u64;
    EventStats {
        event_id: event_id.to_string(),
        signed,
        in_system_pct: pct1(split.in_system as f64, signed as f64),
        other_pct: pct1(split.other as f64, signed as f64),
        split,
        regions,
        amount,
        project_ids: ids,
    }
}

/// A target value for `year × scope(key) × metric`.
pub fn target_of(targets: &[Target], year: i32, scope: TargetScope, key: &str, metric: &str) -> Option<f64> {
    targets.iter().find(|t| t.year == year && t.scope == scope && t.key == key && t.metric == metric).map(|t| t.value)
}

/// Progress of one unit (the city, a 板块, a tier, a cluster) against its annual targets.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Progress {
    pub key: String,
    /// Projects signed from 1 January through the day.
    pub signed: u64,
    /// Their agreed amount, 万元.
    pub amount: f64,
    pub in_system: u64,
    pub in_system_pct: Option<f64>,
    pub target_projects: Option<f64>,
    pub target_amount: Option<f64>,
    /// signed / target, % to one decimal; `None` without a target or with a target of zero.
    pub completion_pct: Option<f64>,
    pub amount_completion_pct: Option<f64>,
}

impl Progress {
    fn new(key: &str, targets: &[Target], year: i32, scope: TargetScope) -> Self {
        Self {
            key: key.to_string(),
            signed: 0,
            amount: 0.0,
            in_system: 0,
            in_system_pct: None,
            target_projects: target_of(targets, year, scope, key, "projects"),
            target_amount: target_of(targets, year, scope, key, "amount"),
            completion_pct: None,
            amount_completion_pct: None,
        }
    }
    fn add(&mut self, p: &Project, in_system: bool) {
        self.signed += 1;
        self.amount += p.amount.unwrap_or(0.0);
        self.in_system += in_system as u64;
    }
    fn finish(&mut self) {
        self.in_system_pct = pct1(self.in_system as f64, self.signed as f64);
        self.completion_pct = self.target_projects.and_then(|t| pct1(self.signed as f64, t));
        self.amount_completion_pct = self.target_amount.and_then(|t| pct1(self.amount, t));
    }
}

/// One row of the 板块 league table (赛马榜).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LeagueRow {
    pub rank: u32,
    pub progress: Progress,
    /// Rank and completion at the end of the previous month (none in January).
    pub prev_rank: Option<u32>,
    pub prev_completion_pct: Option<f64>,
    /// Completion gained since the end of the previous month, in percentage points.
    pub completion_change: Option<f64>,
    /// Places gained (positive) or lost since the previous month.
    pub rank_change: Option<i64>,
}

/// One month of the year.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthPoint {
    pub month: u32,
    /// Last day counted (the month's end, or the dashboard's day in the current month).
    pub to: NaiveDate,
    pub signed: u64,
    pub started: u64,
    pub cumulative: u64,
    pub cumulative_amount: f64,
    pub completion_pct: Option<f64>,
    pub in_system_pct: Option<f64>,
}

/// A signed project past its start deadline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OverdueStart {
    pub id: String,
    pub name: String,
    pub region_code: String,
    pub cluster: Option<String>,
    pub signed_on: NaiveDate,
    pub due: NaiveDate,
    /// Whether the deadline was agreed (otherwise the default number of days after signing).
    pub agreed: bool,
    pub days_over: i64,
    /// Open checklist items that block 开工.
    pub blockers: Vec<String>,
}

/// An open delivery item past its due date.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OverdueTask {
    pub project_id: String,
    pub project_name: String,
    pub region_code: String,
    pub task_id: String,
    pub title_zh: String,
    pub department: String,
    pub due: NaiveDate,
    pub days_over: i64,
}

/// Everything the leadership dashboard shows for one year through one day.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dashboard {
    pub year: i32,
    pub through: NaiveDate,
    pub city: Progress,
    pub split: TierSplit,
    pub other_pct: Option<f64>,
    pub by_tier: Vec<Progress>,
    pub by_cluster: Vec<Progress>,
    /// 板块 ranked by completion of their project target (those without a target last, by count).
    pub league: Vec<LeagueRow>,
    pub months: Vec<MonthPoint>,
    /// Projects signed this year by size band.
    pub bands: BTreeMap<InvestmentBand, u64>,
    /// Projects that reached 开工 / 投产 this year, and that were dropped this year.
    pub started: u64,
    pub producing: u64,
    pub dropped: u64,
    /// Every project by its stage on the day.
    pub stages: BTreeMap<Stage, u64>,
    pub overdue_starts: Vec<OverdueStart>,
    pub overdue_tasks: Vec<OverdueTask>,
    /// Ids of the projects counted as signed this year.
    pub project_ids: Vec<String>,
}

/// Whether `p` reached `stage` within `[from, to]` as the dashboard counts it: for 终止, any drop in the range;
/// otherwise the first move into the stage (or beyond) still standing at `to`.
pub fn reached_within(p: &Project, stage: Stage, from: NaiveDate, to: NaiveDate) -> bool {
    if stage == Stage::Dropped {
        return p.history.iter().any(|e| e.stage == Stage::Dropped && e.date >= from && e.date <= to);
    }
    reached_as_of(p, stage, to).is_some_and(|d| d >= from)
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt())
}

fn in_system(p: &Project, taxonomy: &Taxonomy) -> bool {
    p.cluster.as_deref().and_then(|c| taxonomy.cluster(c)).is_some()
}

/// Progress of every unit, keyed by region code, tier id and cluster id.
struct Units {
    city: Progress,
    regions: BTreeMap<String, Progress>,
    tiers: BTreeMap<String, Progress>,
    clusters: BTreeMap<String, Progress>,
}

/// Progress of the city and each 板块, tier and cluster from 1 January of `through`'s year to `through`.
fn progress_through(projects: &[Project], taxonomy: &Taxonomy, targets: &[Target], through: NaiveDate) -> Units {
    let year = through.year();
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(through);
    let mut city = Progress::new("city", targets, year, TargetScope::City);
    // The city target is stored under the prefecture code; accept any key.
    city.target_projects =
        targets.iter().find(|t| t.year == year && t.scope == TargetScope::City && t.metric == "projects").map(|t| t.value);
    city.target_amount = targets.iter().find(|t| t.year == year && t.scope == TargetScope::City && t.metric == "amount").map(|t| t.value);
    let mut regions: BTreeMap<String, Progress> = BTreeMap::new();
    let mut tiers: BTreeMap<String, Progress> = BTreeMap::new();
    let mut clusters: BTreeMap<String, Progress> = BTreeMap::new();
    for t in targets.iter().filter(|t| t.year == year) {
        let (map, scope) = match t.scope {
            TargetScope::Region => (&mut regions, TargetScope::Region),
            TargetScope::Tier => (&mut tiers, TargetScope::Tier),
            TargetScope::Cluster => (&mut clusters, TargetScope::Cluster),
            TargetScope::City => continue,
        };
        map.entry(t.key.clone()).or_insert_with(|| Progress::new(&t.key, targets, year, scope));
    }
    for t in &taxonomy.tiers {
        tiers.entry(t.id.clone()).or_insert_with(|| Progress::new(&t.id, targets, year, TargetScope::Tier));
    }
    for c in &taxonomy.clusters {
        clusters.entry(c.id.clone()).or_insert_with(|| Progress::new(&c.id, targets, year, TargetScope::Cluster));
    }
    for p in projects {
        let Some(d) = signed_as_of(p, through) else { continue };
        if d < from {
            continue;
        }
        let sys = in_system(p, taxonomy);
        city.add(p, sys);
        regions
            .entry(p.region_code.clone())
            .or_insert_with(|| Progress::new(&p.region_code, targets, year, TargetScope::Region))
            .add(p, sys);
        if let Some(c) = p.cluster.as_deref().and_then(|c| taxonomy.cluster(c)) {
            if let Some(t) = tiers.get_mut(&c.tier) {
                t.add(p, true);
            }
            if let Some(cl) = clusters.get_mut(&c.id) {
                cl.add(p, true);
            }
        }
    }
    city.finish();
    for m in [&mut regions, &mut tiers, &mut clusters] {
        m.values_mut().for_each(Progress::finish);
    }
    Units { city, regions, tiers, clusters }
}

/// Rank 板块: by completion (highest first), those without a usable target after them by count; ties by amount, then
/// code.
fn rank_regions(regions: &BTreeMap<String, Progress>) -> Vec<(String, u32)> {
    let mut v: Vec<&Progress> = regions.values().collect();
    v.sort_by(|a, b| {
        let ka = a.completion_pct.map_or(f64::NEG_INFINITY, |x| x);
        let kb = b.completion_pct.map_or(f64::NEG_INFINITY, |x| x);
        kb.total_cmp(&ka).then(b.signed.cmp(&a.signed)).then(b.amount.total_cmp(&a.amount)).then(a.key.cmp(&b.key))
    });
    v.iter().enumerate().map(|(i, p)| (p.key.clone(), i as u32 + 1)).collect()
}

/// The leadership dashboard for `through`'s year, counting everything recorded up to `through`.
/// `today` decides what is overdue.
pub fn dashboard(projects: &[Project], taxonomy: &Taxonomy, targets: &[Target], through: NaiveDate, today: NaiveDate) -> Dashboard {
    let year = through.year();
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(through);
    let Units { city, regions, tiers, clusters } = progress_through(projects, taxonomy, targets, through);

    // League table now and at the end of the previous month.
    let now_ranks = rank_regions(&regions);
    let prev = if through.month() > 1 { month_end(year, through.month() - 1) } else { None };
    let prev_regions = prev.map(|d| progress_through(projects, taxonomy, targets, d).regions);
    let prev_ranks: BTreeMap<String, u32> = prev_regions.as_ref().map(|r| rank_regions(r).into_iter().collect()).unwrap_or_default();
    let league = now_ranks
        .into_iter()
        .filter_map(|(key, rank)| {
            let progress = regions.get(&key)?.clone();
            let prev_p = prev_regions.as_ref().and_then(|r| r.get(&key));
            let prev_rank = prev_ranks.get(&key).copied();
            let prev_completion_pct = prev_p.and_then(|p| p.completion_pct);
            Some(LeagueRow {
                rank,
                completion_change: match (progress.completion_pct, prev_completion_pct) {
                    (Some(a), Some(b)) => Some(((a - b) * 10.0).round() / 10.0),
                    _ => None,
                },
                rank_change: prev_rank.map(|p| p as i64 - rank as i64),
                prev_rank,
                prev_completion_pct,
                progress,
            })
        })
        .collect();

    // Month by month.
    let mut months = Vec::new();
    let mut cumulative = 0u64;
    let mut cumulative_amount = 0.0;
    let mut cum_in_system = 0u64;
    for m in 1..=through.month() {
        let Some(end) = month_end(year, m).map(|e| e.min(through)) else { continue };
        let Some(start) = NaiveDate::from_ymd_opt(year, m, 1) else { continue };
        let mut signed = 0;
        let mut started = 0;
        for p in projects {
            // Signings are counted as known at the dashboard's day, so the months add up to the year's total.
            if let Some(d) = signed_as_of(p, through) {
                if d >= start && d <= end {
                    signed += 1;
                    cumulative_amount += p.amount.unwrap_or(0.0);
                    cum_in_system += in_system(p, taxonomy) as u64;
                }
            }
            if reached_as_of(p, Stage::Started, through).is_some_and(|d| d >= start && d <= end) {
                started += 1;
            }
        }
        cumulative += signed;
        months.push(MonthPoint {
            month: m,
            to: end,
            signed,
            started,
            cumulative,
            cumulative_amount,
            completion_pct: city.target_projects.and_then(|t| pct1(cumulative as f64, t)),
            in_system_pct: pct1(cum_in_system as f64, cumulative as f64),
        });
    }

    let mut split = TierSplit::default();
    let mut bands = BTreeMap::new();
    let mut ids = Vec::new();
    let (mut started, mut producing, mut dropped) = (0, 0, 0);
    let mut stages: BTreeMap<Stage, u64> = BTreeMap::new();
    let mut overdue_starts = Vec::new();
    let mut overdue_tasks = Vec::new();
    for p in projects {
        if let Some(d) = signed_as_of(p, through).filter(|d| *d >= from) {
            let _ = d;
            split.add(p, taxonomy);
            ids.push(p.id.clone());
            if let Some(b) = p.band() {
                *bands.entry(b).or_default() += 1;
            }
        }
        started += reached_as_of(p, Stage::Started, through).is_some_and(|d| d >= from) as u64;
        producing += reached_as_of(p, Stage::Producing, through).is_some_and(|d| d >= from) as u64;
        let mut stage_then = None;
        for e in p.history.iter().take_while(|e| e.date <= through) {
            stage_then = Some(e.stage);
            if e.stage == Stage::Dropped && e.date >= from {
                dropped += 1;
            }
        }
        if let Some(s) = stage_then {
            *stages.entry(s).or_default() += 1;
        }
        if matches!(stage_then, Some(Stage::Signed | Stage::Registered)) {
            let signed = signed_as_of(p, through);
            let due = p
                .start_deadline
                .map(|d| (d, true))
                .or_else(|| signed.map(|s| (s + chrono::Duration::days(chainscope_model::project::DEFAULT_START_DAYS), false)));
            if let (Some(s), Some((due, agreed))) = (signed, due) {
                let day = today.min(through);
                if due < day {
                    overdue_starts.push(OverdueStart {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        region_code: p.region_code.clone(),
                        cluster: p.cluster.clone(),
                        signed_on: s,
                        due,
                        agreed,
                        days_over: (day - due).num_days(),
                        blockers: p.start_blockers().map(|t| t.title_zh.clone()).collect(),
                    });
                }
            }
        }
        // Overdue as of the dashboard's day: open then (not yet done, or done only later) and past due.
        let day = today.min(through);
        for t in &p.checklist {
            let Some(due) = t.due else { continue };
            let done_by_then = match t.status {
                TaskStatus::NotNeeded => true,
                TaskStatus::Done => t.done_on.is_none_or(|d| d <= day),
                TaskStatus::Todo | TaskStatus::Doing => false,
            };
            if !done_by_then && due < day {
                overdue_tasks.push(OverdueTask {
                    project_id: p.id.clone(),
                    project_name: p.name.clone(),
                    region_code: p.region_code.clone(),
                    task_id: t.id.clone(),
                    title_zh: t.title_zh.clone(),
                    department: t.department.clone(),
                    due,
                    days_over: (day - due).num_days(),
                });
            }
        }
    }
    overdue_starts.sort_by(|a, b| b.days_over.cmp(&a.days_over).then(a.id.cmp(&b.id)));
    overdue_tasks.sort_by(|a, b| b.days_over.cmp(&a.days_over).then(a.project_id.cmp(&b.project_id)));
    let mut tier_rows: Vec<Progress> = Vec::new();
    let mut tiers_sorted: Vec<_> = taxonomy.tiers.iter().collect();
    tiers_sorted.sort_by_key(|t| t.order);
    for t in tiers_sorted {
        if let Some(p) = tiers.get(&t.id) {
            tier_rows.push(p.clone());
        }
    }
    let mut cluster_rows: Vec<Progress> = Vec::new();
    let mut clusters_sorted: Vec<_> = taxonomy.clusters.iter().collect();
    clusters_sorted.sort_by_key(|c| (taxonomy.tiers.iter().find(|t| t.id == c.tier).map_or(0, |t| t.order), c.order));
    for c in clusters_sorted {
        if let Some(p) = clusters.get(&c.id) {
            cluster_rows.push(p.clone());
        }
    }
    Dashboard {
        year,
        through,
        other_pct: pct1(split.other as f64, city.signed as f64),
        city,
        split,
        by_tier: tier_rows,
        by_cluster: cluster_rows,
        league,
        months,
        bands,
        started,
        producing,
        dropped,
        stages,
        overdue_starts,
        overdue_tasks,
        project_ids: ids,
    }
}

/// The standard post-signing checklist (全兜办) for a project signed on `signed`: what must be done before 开工,
/// by whom, and by when. Items a project does not need are marked `not_needed` by the officer.
pub fn standard_checklist(signed: NaiveDate) -> Vec<Task> {
    const ITEMS: &[(&str, &str, &str, &str, i64, bool)] = &[
        ("registration", "企业注册登记", "Company registration", "市行政审批局", 30, false),
        ("land", "土地供应（出让或租赁）", "Land supply (transfer or lease)", "市自然资源和规划局", 90, true),
        ("planning", "建设工程规划许可", "Planning permit", "市自然资源和规划局", 120, true),
        ("eia", "环境影响评价批复", "Environmental impact assessment", "市生态环境局", 120, true),
        ("energy", "节能审查", "Energy-use review", "市发展和改革委员会", 120, true),
        ("construction_permit", "施工许可", "Construction permit", "市住房和城乡建设局", 150, true),
        ("utilities", "水电气接入", "Water, power and gas connections", "市城市管理局、供电公司", 170, true),
    ];
    ITEMS
        .iter()
        .enumerate()
        .map(|(i, (kind, zh, en, dept, days, blocks))| Task {
            id: format!("t{}", i + 1),
            kind: kind.to_string(),
            title_zh: zh.to_string(),
            title_en: Some(en.to_string()),
            department: dept.to_string(),
            due: Some(signed + chrono::Duration::days(*days)),
            status: TaskStatus::Todo,
            done_on: None,
            blocks_start: *blocks,
            note: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_as_printed() {
        assert_eq!(pct1(39.0, 43.0), Some(90.7));
        assert_eq!(pct1(4.0, 43.0), Some(9.3));
        assert_eq!(pct1(566.0, 700.0), Some(80.9));
        assert_eq!(pct1(473.0, 566.0), Some(83.6));
        assert_eq!(pct1(1.0, 0.0), None);
    }
}
