//! Pipeline statistics computed from project records: signed counts, the cluster-system share, tier split,
//! completion of the annual task, event results. Nothing here is stored: every figure is counted.

use chainscope_model::{Project, Target, TargetScope, Taxonomy};
use chrono::NaiveDate;
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

/// Count projects whose first signing falls in `[from, to]`, whatever happened to them afterwards.
pub fn period_stats(projects: &[Project], taxonomy: &Taxonomy, targets: &[Target], from: NaiveDate, to: NaiveDate) -> PeriodStats {
    let mut split = TierSplit::default();
    let mut ids = Vec::new();
    let mut amount = 0.0;
    for p in projects {
        if let Some(d) = p.signed_on() {
            if d >= from && d <= to {
                split.add(p, taxonomy);
                ids.push(p.id.clone());
                amount += p.amount.unwrap_or(0.0);
            }
        }
    }
    let signed = ids.len() as u64;
    let year = chrono::Datelike::year(&to);
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
