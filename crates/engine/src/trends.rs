//! Trends per node and region: yearly new establishments, yearly enterprise counts, and CAGR.
//!
//! The snapshot holds only each enterprise's founding year and its latest figures, so:
//! - *new establishments* in year y = enterprises on the node (in the region) founded in y;
//! - *count* in year y = enterprises founded in or before y. No closures are recorded, so this is the number
//!   founded by then that still exist today (survivors), not the number that existed then;
//! - enterprises with an unknown founding year are left out of the series and reported as `unknown_founded`;
//! - yearly revenue is not available (the snapshot keeps the latest revenue only).

use crate::snapshot::{AdminLevel, Snapshot, NO_REGION};
use serde::Serialize;
use std::collections::BTreeMap;
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum TrendError {
    #[error("未知{} '{id}' / unknown {kind} '{id}'", crate::term_zh(kind))]
    Unknown { kind: &'static str, id: String },
    #[error("年份范围 {from}..={to} 为空，或起始年份小于 1 / year range {from}..={to} is empty or starts before year 1")]
    InvalidRange { from: u16, to: u16 },
    #[error("年份 {0} 超出序列范围 / year {0} is outside the series")]
    YearOutOfSeries(u16),
    #[error("起始值为零，年均复合增长率（CAGR）无定义 / CAGR is undefined: the start value is zero")]
    ZeroStart,
}

impl TrendError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unknown { .. } => "unknown_filter_value",
            Self::InvalidRange { .. } => "invalid_year_range",
            Self::YearOutOfSeries(_) => "year_out_of_series",
            Self::ZeroStart => "cagr_zero_start",
        }
    }
    /// The parameter the error is about.
    pub fn parameter(&self) -> &'static str {
        match self {
            Self::Unknown { kind, .. } => kind,
            Self::InvalidRange { .. } | Self::YearOutOfSeries(_) | Self::ZeroStart => "years",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearPoint {
    pub year: u16,
    /// Enterprises founded in this year.
    pub new: u64,
    /// Enterprises founded in or before this year (no closures recorded).
    pub count: u64,
}

/// The series of one node in one region (or everywhere).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub node: String,
    /// Region code, `None` for everywhere.
    pub region: Option<String>,
    /// One point per year from `from` to `to`, inclusive.
    pub points: Vec<YearPoint>,
    /// Enterprises founded before the first year (included in every `count`).
    pub before: u64,
    /// Enterprises with an unknown founding year (in no point).
    pub unknown_founded: u64,
}

impl Trend {
    pub fn at(&self, year: u16) -> Option<&YearPoint> {
        let first = self.points.first()?.year;
        year.checked_sub(first).and_then(|k| self.points.get(k as usize))
    }

    /// CAGR of the enterprise count between two years of the series.
    pub fn cagr(&self, from: u16, to: u16) -> Result<f64, TrendError> {
        if to <= from {
            return Err(TrendError::InvalidRange { from, to });
        }
        let a = self.at(from).ok_or(TrendError::YearOutOfSeries(from))?;
        let b = self.at(to).ok_or(TrendError::YearOutOfSeries(to))?;
        cagr(a.count as f64, b.count as f64, to - from)
    }
}

/// Compound annual growth rate: (end / start)^(1 / years) − 1, as a fraction (0.1 = 10 % a year), for
/// non-negative values. Zero years is an empty range; a start of zero (or less) has no CAGR.
pub fn cagr(start: f64, end: f64, years: u16) -> Result<f64, TrendError> {
    if years == 0 {
        return Err(TrendError::InvalidRange { from: 0, to: 0 });
    }
    if start <= 0.0 {
        return Err(TrendError::ZeroStart);
    }
    Ok((end / start).powf(1.0 / years as f64) - 1.0)
}

/// Accumulates one series.
#[derive(Clone)]
struct Acc {
    new: Vec<u64>,
    before: u64,
    unknown: u64,
}

impl Acc {
    fn new(span: usize) -> Self {
        Self { new: vec![0; span], before: 0, unknown: 0 }
    }
    fn add(&mut self, year: u16, from: u16, to: u16) {
        if year == 0 {
            self.unknown += 1;
        } else if year < from {
            self.before += 1;
        } else if year <= to {
            self.new[(year - from) as usize] += 1;
        }
    }
    fn finish(self, node: &str, region: Option<String>, from: u16) -> Trend {
        let mut count = self.before;
        let points = self
            .new
            .iter()
            .enumerate()
            .map(|(k, &new)| {
                count += new;
                YearPoint { year: from + k as u16, new, count }
            })
            .collect();
        Trend { node: node.to_string(), region, points, before: self.before, unknown_founded: self.unknown }
    }
}

fn check_range(from: u16, to: u16) -> Result<usize, TrendError> {
    if from == 0 || to < from {
        return Err(TrendError::InvalidRange { from, to });
    }
    Ok((to - from) as usize + 1)
}

fn node_idx(s: &Snapshot, node: &str) -> Result<usize, TrendError> {
    s.taxonomy.node_idx(node).ok_or_else(|| TrendError::Unknown { kind: "node", id: node.to_string() })
}

/// A region filter: the dictionary entry and its own level. A code the snapshot has never seen matches nothing
/// (as in the heat filter): no enterprise lies in it.
fn region_filter(s: &Snapshot, code: &str) -> Option<(u32, AdminLevel)> {
    let i = s.regions.get(code)?;
    let l = (0..4).rev().find(|&l| s.regions.levels[i as usize][l] == Some(i))?;
    Some((i, [AdminLevel::Country, AdminLevel::Province, AdminLevel::Prefecture, AdminLevel::County][l]))
}

/// The series of `node` between `from` and `to` (inclusive), for enterprises inside `region` (any level; `None`
/// for everywhere).
pub fn trend(s: &Snapshot, node: &str, region: Option<&str>, from: u16, to: u16) -> Result<Trend, TrendError> {
    let span = check_range(from, to)?;
    let n = node_idx(s, node)?;
    let filter = region.map(|c| region_filter(s, c));
    let mut acc = Acc::new(span);
    for &r in &s.node_rows[n] {
        let r = r as usize;
        if let Some(f) = filter {
            let Some((want, level)) = f else { break };
            let reg = s.region[r];
            if reg == NO_REGION || s.regions.at(reg, level) != Some(want) {
                continue;
            }
        }
        acc.add(s.founded[r], from, to);
    }
    Ok(acc.finish(node, region.map(str::to_string), from))
}

/// The series of every node of `chain` in `region`, in taxonomy order.
pub fn chain_trends(s: &Snapshot, chain: &str, region: Option<&str>, from: u16, to: u16) -> Result<Vec<Trend>, TrendError> {
    check_range(from, to)?;
    s.taxonomy.chain(chain).ok_or_else(|| TrendError::Unknown { kind: "chain", id: chain.to_string() })?;
    s.taxonomy.nodes_of_chain(chain).map(|n| trend(s, &n.id, region, from, to)).collect()
}

/// The series of `node` in every region at `level` that has an enterprise on it, by region code. Enterprises
/// without a region (or without an ancestor at that level) are in no series.
pub fn trends_by_region(s: &Snapshot, node: &str, level: AdminLevel, from: u16, to: u16) -> Result<Vec<Trend>, TrendError> {
    let span = check_range(from, to)?;
    let n = node_idx(s, node)?;
    let mut groups: BTreeMap<&str, Acc> = BTreeMap::new();
    for &r in &s.node_rows[n] {
        let r = r as usize;
        let reg = s.region[r];
        if reg == NO_REGION {
            continue;
        }
        if let Some(g) = s.regions.at(reg, level) {
            groups.entry(s.regions.codes[g as usize].as_str()).or_insert_with(|| Acc::new(span)).add(s.founded[r], from, to);
        }
    }
    Ok(groups.into_iter().map(|(code, acc)| acc.finish(node, Some(code.to_string()), from)).collect())
}
