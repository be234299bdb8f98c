//! Targeting (沿链引商): rank outside enterprises as leads for a set of chain nodes.
//!
//! A lead's score is a weighted mean of six named parts, each in 0..=1 and each with its evidence:
//! - **gap** — how much its node is missing or weak in the home city (missing 1, weak 0.7, present 0.3, strong 0);
//! - **supply** — local enterprises on the nodes its node supplies or is supplied by, a local chain leader counting
//!   as ten: x / (x + x̄), where x̄ is the mean of x over all nodes (so a typical node scores ½);
//! - **related** — density of its node for the home city: how much of the node's related capability is already
//!   here (from the relatedness measures over the prefecture × node matrix);
//! - **momentum** — recent expansions (branches or subsidiaries it opened anywhere in the last three years,
//!   1 − ½ᵏ for k of them) and yearly growth of revenue (else employees) over its last three reported years
//!   (−10 % → 0, +30 % → 1); the higher of the two that are known;
//! - **scale** — log revenue (else log employees) against the largest candidate;
//! - **affinity** — nearness to the home city, 1 / (1 + distance / 300 km) from its region's centre.
//!
//! A part with no evidence is *unknown*: it takes the mean of that part over the candidates that have it (not 0),
//! and `known` says which share of the weight rests on evidence. Local enterprises are never candidates; those already
//! in the pipeline and those declining (growth below −10 %) are marked and left out unless asked for.

use crate::chain::{chain_strength, Reference, Strength};
use crate::complexity::ComplexityOptions;
use crate::heat::{HeatError, HeatFilter, Weight};
use crate::relatedness::digest;
use crate::snapshot::{AdminLevel, Snapshot, NO_REGION};
use chainscope_model::{RegionRegistry, YearFigure};
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The parts, in the order of [`Weights`] and [`Lead::parts`].
pub const PARTS: [&str; 6] = ["gap", "supply", "related", "momentum", "scale", "affinity"];

/// Growth below this is "declining".
pub const DECLINE: f64 = -0.10;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub gap: f64,
    pub supply: f64,
    pub related: f64,
    pub momentum: f64,
    pub scale: f64,
    pub affinity: f64,
}

impl Weights {
    pub fn as_array(&self) -> [f64; 6] {
        [self.gap, self.supply, self.related, self.momentum, self.scale, self.affinity]
    }

    /// 补链 gap-filling: the missing and weak nodes first.
    pub const GAP_FILLING: Weights = Weights { gap: 3.0, supply: 2.0, related: 1.5, momentum: 1.0, scale: 0.5, affinity: 1.0 };
    /// 强链 strengthening: suppliers and customers of the local leaders, on related nodes.
    pub const STRENGTHENING: Weights = Weights { gap: 0.5, supply: 3.0, related: 2.0, momentum: 1.5, scale: 1.0, affinity: 1.0 };
    /// 招大引强 big anchors: scale and momentum.
    pub const BIG_ANCHORS: Weights = Weights { gap: 1.0, supply: 1.0, related: 1.0, momentum: 1.5, scale: 3.0, affinity: 0.5 };

    pub fn preset(name: &str) -> Option<Weights> {
        match name {
            "gap_filling" => Some(Self::GAP_FILLING),
            "strengthening" => Some(Self::STRENGTHENING),
            "big_anchors" => Some(Self::BIG_ANCHORS),
            _ => None,
        }
    }

    fn check(&self) -> Result<(), TargetError> {
        let w = self.as_array();
        if w.iter().any(|x| !x.is_finite() || *x < 0.0 || *x > 100.0) {
            return Err(TargetError::Weights("every weight must be between 0 and 100".into()));
        }
        if w.iter().sum::<f64>() <= 0.0 {
            return Err(TargetError::Weights("at least one weight must be above 0".into()));
        }
        Ok(())
    }
}

impl Default for Weights {
    fn default() -> Self {
        Self::GAP_FILLING
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum TargetError {
    #[error(transparent)]
    Filter(#[from] HeatError),
    #[error("choose at least one tier, cluster, chain or node")]
    NoNodes,
    #[error("invalid weights: {0}")]
    Weights(String),
    #[error("limit must be between 1 and 10000")]
    Limit,
}

impl TargetError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Filter(e) => e.code(),
            Self::NoNodes => "missing_parameter",
            Self::Weights(_) => "invalid_weights",
            Self::Limit => "invalid_limit",
        }
    }
    pub fn parameter(&self) -> &'static str {
        match self {
            Self::Filter(e) => e.parameter(),
            Self::NoNodes => "node",
            Self::Weights(_) => "weights",
            Self::Limit => "limit",
        }
    }
}

/// Yearly growth rate (CAGR) of revenue over the last three reported years up to `until` (inclusive), else of
/// employees; `None` without two usable years.
pub fn growth(series: &[YearFigure], until: Option<i32>) -> Option<f64> {
    let within = |y: i32| until.is_none_or(|u| y <= u);
    let pick = |get: &dyn Fn(&YearFigure) -> Option<f64>| -> Option<f64> {
        let mut pts: Vec<(i32, f64)> =
            series.iter().filter(|f| within(f.year)).filter_map(|f| get(f).filter(|v| *v > 0.0).map(|v| (f.year, v))).collect();
        pts.sort_by_key(|p| p.0);
        let last = *pts.last()?;
        let first = pts[pts.len().saturating_sub(3)];
        let years = (last.0 - first.0) as f64;
        (years > 0.0).then(|| (last.1 / first.1).powf(1.0 / years) - 1.0)
    };
    pick(&|f| f.revenue).or_else(|| pick(&|f| f.employees.map(f64::from)))
}

/// Node-level facts for the home city, computed once per snapshot and reused by every ranking.
#[derive(Debug, Clone)]
pub struct Context {
    /// Per taxonomy node: strength class in the home city (country reference).
    pub class: Vec<Option<Strength>>,
    /// Per node: local chain leaders on its supply neighbours (upstream and downstream).
    pub adjacent_leaders: Vec<u32>,
    /// Per node: local enterprises on its supply neighbours.
    pub adjacent_local: Vec<u32>,
    /// Mean over nodes of adjacent_local + 10 × adjacent_leaders.
    pub supply_mean: f64,
    /// Per node: density for the home prefecture, when defined.
    pub density: Vec<Option<f64>>,
    /// Per region dictionary entry: distance of its centre to the home city in km.
    pub distance_km: Vec<Option<f64>>,
    /// Per row: branches or subsidiaries it opened recently (rows absent: none known).
    pub expansions: rustc_hash::FxHashMap<u32, u32>,
    /// Whether expansion evidence exists in the data at all (parent links); without it, no expansions is unknown.
    pub expansions_known: bool,
    /// log(1 + revenue) and log(1 + employees) maxima over all enterprises.
    pub max_log_revenue: f64,
    pub max_log_employees: f64,
}

const LOCAL_BIT: u8 = 16;
const LEADER_BIT: u8 = 1;

impl Context {
    pub fn new(s: &Snapshot, regions: &RegionRegistry) -> Self {
        let t = &s.taxonomy;
        let n = t.nodes.len();
        let mut class = vec![None; n];
        for ch in &t.chains {
            if let Ok(cs) = chain_strength(s, &ch.id, Reference::Country) {
                for ns in cs.nodes {
                    if let Some(i) = t.node_idx(&ns.node) {
                        class[i] = Some(ns.class);
                    }
                }
            }
        }
        // Local leaders per node, then summed over each node's supply neighbours.
        let local_leaders: Vec<u32> = s
            .node_rows
            .iter()
            .map(|rows| rows.iter().filter(|&&r| s.flags[r as usize] & (LOCAL_BIT | LEADER_BIT) == LOCAL_BIT | LEADER_BIT).count() as u32)
            .collect();
        let local: Vec<u32> =
            s.node_rows.iter().map(|rows| rows.iter().filter(|&&r| s.flags[r as usize] & LOCAL_BIT != 0).count() as u32).collect();
        let mut adjacent_leaders = vec![0u32; n];
        let mut adjacent_local = vec![0u32; n];
        for (i, node) in t.nodes.iter().enumerate() {
            for sup in &node.supplies {
                if let Some(j) = t.node_idx(sup) {
                    adjacent_leaders[i] += local_leaders[j];
                    adjacent_leaders[j] += local_leaders[i];
                    adjacent_local[i] += local[j];
                    adjacent_local[j] += local[i];
                }
            }
        }
        let supply_mean =
            if n == 0 { 0.0 } else { (0..n).map(|i| adjacent_local[i] as f64 + 10.0 * adjacent_leaders[i] as f64).sum::<f64>() / n as f64 };
        let mut density = vec![None; n];
        let home_pref = s
            .regions
            .get(&s.home_region)
            .and_then(|i| s.regions.at(i, AdminLevel::Prefecture))
            .map(|g| s.regions.codes[g as usize].clone());
        if let Some(focus) = home_pref {
            if let Ok((d, _)) =
                digest(s, &HeatFilter::default(), AdminLevel::Prefecture, Weight::Count, &focus, &ComplexityOptions::default())
            {
                for v in d.node_views {
                    if let Some(i) = t.node_idx(&v.node) {
                        density[i] = v.density;
                    }
                }
            }
        }
        let home = regions.centroid(&s.home_region);
        let distance_km = s
            .regions
            .codes
            .iter()
            .map(|c| {
                let (hl, ho) = home?;
                let (la, lo) = regions.centroid(regions.current_code(c))?;
                Some(crate::near::distance_km(hl, ho, la, lo))
            })
            .collect();
        let max_log_revenue = s.revenue.iter().fold(0f64, |m, &v| m.max((1.0 + v as f64).ln()));
        let max_log_employees = s.employees.iter().fold(0f64, |m, &v| m.max((1.0 + v as f64).ln()));
        Self {
            class,
            adjacent_leaders,
            adjacent_local,
            supply_mean,
            density,
            distance_km,
            expansions: Default::default(),
            expansions_known: false,
            max_log_revenue,
            max_log_employees,
        }
    }

    /// Add expansion evidence: for each row, how many branches or subsidiaries it opened recently. An empty map
    /// still means "the data has parent links and none of these expanded".
    pub fn with_expansions(mut self, expansions: rustc_hash::FxHashMap<u32, u32>) -> Self {
        self.expansions = expansions;
        self.expansions_known = true;
        self
    }

    fn node_parts(&self, n: usize) -> [Option<f64>; 3] {
        let gap = self.class[n].map(|c| match c {
            Strength::Missing => 1.0,
            Strength::Weak => 0.7,
            Strength::Present => 0.3,
            Strength::Strong => 0.0,
        });
        let x = self.adjacent_local[n] as f64 + 10.0 * self.adjacent_leaders[n] as f64;
        let supply = Some(if x + self.supply_mean > 0.0 { x / (x + self.supply_mean) } else { 0.0 });
        [gap, supply, self.density[n]]
    }
}

/// What to rank.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The chain part of the filter names the nodes; its other fields restrict candidates.
    pub filter: HeatFilter,
    pub weights: Weights,
    /// Rows already in the pipeline.
    pub in_pipeline: FxHashSet<u32>,
    /// Keep marked (pipeline, declining) leads in the list instead of leaving them out.
    pub include_marked: bool,
    pub limit: usize,
}

/// One part of a lead's score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Part {
    /// 0..=1, `None` when unknown.
    pub value: Option<f64>,
    /// The value used in the score (the candidates' mean when unknown).
    pub used: f64,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lead {
    pub row: u32,
    /// The node it is ranked for (its best among the chosen ones).
    pub node: String,
    /// 0..=100.
    pub score: f64,
    /// Share of the weight that rests on evidence, 0..=1.
    pub known: f64,
    pub parts: [Part; 6],
    /// Raw evidence: strength class of the node, local leaders adjacent, growth, distance.
    pub class: Option<Strength>,
    pub adjacent_leaders: u32,
    pub adjacent_local: u32,
    pub growth: Option<f64>,
    /// Recent branches or subsidiaries opened.
    pub expansions: u32,
    pub distance_km: Option<f64>,
    pub in_pipeline: bool,
    pub declining: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    /// Candidates considered (non-local, on the nodes, passing the filter).
    pub candidates: u64,
    /// Left out as marked.
    pub excluded_pipeline: u64,
    pub excluded_declining: u64,
    /// Mean of each part over the candidates with evidence (what unknown parts take).
    pub means: [f64; 6],
    pub leads: Vec<Lead>,
}

/// Rank the candidates.
pub fn rank(s: &Snapshot, ctx: &Context, q: &Query) -> Result<Ranking, TargetError> {
    q.weights.check()?;
    if q.limit == 0 || q.limit > 10_000 {
        return Err(TargetError::Limit);
    }
    let f = &q.filter;
    if f.tiers.is_empty() && f.clusters.is_empty() && f.chains.is_empty() && f.nodes.is_empty() {
        return Err(TargetError::NoNodes);
    }
    let t = &s.taxonomy;
    // The chosen nodes, best node-level prospects first, so that a row on several of them is scored for its best.
    let chosen = chosen_nodes(s, f)?;
    let w = q.weights.as_array();
    let node_value = |n: usize| -> f64 {
        let p = ctx.node_parts(n);
        (0..3).map(|i| w[i] * p[i].unwrap_or(0.5)).sum()
    };
    let mut order: Vec<usize> = chosen;
    order.sort_by(|&a, &b| node_value(b).total_cmp(&node_value(a)).then(a.cmp(&b)));
    // Candidate rows passing the rest of the filter (predicates only; the node part is what `order` walks).
    let rest = HeatFilter { tiers: vec![], clusters: vec![], chains: vec![], nodes: vec![], ..f.clone() };
    let passing: Option<Vec<u64>> = if rest_is_empty(&rest) {
        None
    } else {
        let mut bits = vec![0u64; s.len.div_ceil(64)];
        for r in crate::heat::rows(s, &rest)? {
            bits[r as usize / 64] |= 1 << (r % 64);
        }
        Some(bits)
    };
    let keep = |r: usize| passing.as_ref().is_none_or(|b| b[r / 64] & (1 << (r % 64)) != 0);
    let mut seen = vec![0u64; s.len.div_ceil(64)];
    struct Cand {
        row: u32,
        node: u16,
        parts: [Option<f64>; 6],
        growth: Option<f64>,
        expansions: u32,
        in_pipeline: bool,
        declining: bool,
    }
    let mut cands: Vec<Cand> = Vec::new();
    let (mut sums, mut counts) = ([0f64; 6], [0u64; 6]);
    let (mut ex_pipe, mut ex_decl, mut total) = (0u64, 0u64, 0u64);
    for &n in &order {
        let node_parts = ctx.node_parts(n);
        for &r in &s.node_rows[n] {
            let (word, bit) = (r as usize / 64, 1u64 << (r % 64));
            if seen[word] & bit != 0 {
                continue;
            }
            seen[word] |= bit;
            let ri = r as usize;
            if s.flags[ri] & LOCAL_BIT != 0 || !keep(ri) {
                continue;
            }
            total += 1;
            let g = s.growth[ri];
            let growth = (!g.is_nan()).then_some(g as f64);
            let declining = growth.is_some_and(|g| g < DECLINE);
            let in_pipeline = q.in_pipeline.contains(&r);
            if !q.include_marked && (declining || in_pipeline) {
                ex_pipe += in_pipeline as u64;
                ex_decl += (declining && !in_pipeline) as u64;
                continue;
            }
            let expansions = ctx.expansions.get(&r).copied();
            let from_growth = growth.map(|g| ((g - DECLINE) / 0.4).clamp(0.0, 1.0));
            let from_expansions = match expansions {
                Some(k) => Some(1.0 - 0.5f64.powi(k.min(30) as i32)),
                None => ctx.expansions_known.then_some(0.0),
            };
            let momentum = match (from_growth, from_expansions) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            let (rev, emp) = (s.revenue[ri], s.employees[ri]);
            let scale = if rev > 0.0 && ctx.max_log_revenue > 0.0 {
                Some(((1.0 + rev as f64).ln() / ctx.max_log_revenue).clamp(0.0, 1.0))
            } else if emp > 0 && ctx.max_log_employees > 0.0 {
                Some(((1.0 + emp as f64).ln() / ctx.max_log_employees).clamp(0.0, 1.0))
            } else {
                None
            };
            let reg = s.region[ri];
            let dist = if reg == NO_REGION { None } else { ctx.distance_km[reg as usize] };
            let affinity = dist.map(|d| 1.0 / (1.0 + d / 300.0));
            let parts = [node_parts[0], node_parts[1], node_parts[2], momentum, scale, affinity];
            for i in 0..6 {
                if let Some(v) = parts[i] {
                    sums[i] += v;
                    counts[i] += 1;
                }
            }
            cands.push(Cand { row: r, node: n as u16, parts, growth, expansions: expansions.unwrap_or(0), in_pipeline, declining });
        }
    }
    let means: [f64; 6] = std::array::from_fn(|i| if counts[i] > 0 { sums[i] / counts[i] as f64 } else { 0.5 });
    let wsum: f64 = w.iter().sum();
    let score_of = |c: &Cand| -> (f64, f64) {
        let (mut sc, mut known) = (0.0, 0.0);
        for i in 0..6 {
            match c.parts[i] {
                Some(v) => {
                    sc += w[i] * v;
                    known += w[i];
                }
                None => sc += w[i] * means[i],
            }
        }
        (100.0 * sc / wsum, known / wsum)
    };
    let mut scored: Vec<(f64, u32, usize)> = cands.iter().enumerate().map(|(k, c)| (score_of(c).0, c.row, k)).collect();
    let by = |a: &(f64, u32, usize), b: &(f64, u32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if scored.len() > q.limit {
        scored.select_nth_unstable_by(q.limit - 1, by);
        scored.truncate(q.limit);
    }
    scored.sort_by(by);
    let leads = scored
        .into_iter()
        .map(|(score, row, k)| {
            let c = &cands[k];
            let (_, known) = score_of(c);
            let n = c.node as usize;
            let reg = s.region[row as usize];
            Lead {
                row,
                node: t.nodes[n].id.clone(),
                score,
                known,
                parts: std::array::from_fn(|i| Part { value: c.parts[i], used: c.parts[i].unwrap_or(means[i]), weight: w[i] }),
                class: ctx.class[n],
                adjacent_leaders: ctx.adjacent_leaders[n],
                adjacent_local: ctx.adjacent_local[n],
                growth: c.growth,
                expansions: c.expansions,
                distance_km: if reg == NO_REGION { None } else { ctx.distance_km[reg as usize] },
                in_pipeline: c.in_pipeline,
                declining: c.declining,
            }
        })
        .collect();
    Ok(Ranking { candidates: total, excluded_pipeline: ex_pipe, excluded_declining: ex_decl, means, leads })
}

/// Rows of the largest non-local candidates (revenue, then employees) — the "largest first" baseline.
pub fn largest_first(s: &Snapshot, nodes: &[usize], limit: usize) -> Vec<u32> {
    let mut seen = FxHashSet::default();
    let mut rows: Vec<u32> = Vec::new();
    for &n in nodes {
        for &r in &s.node_rows[n] {
            if s.flags[r as usize] & LOCAL_BIT == 0 && seen.insert(r) {
                rows.push(r);
            }
        }
    }
    rows.sort_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        s.revenue[b].total_cmp(&s.revenue[a]).then(s.employees[b].cmp(&s.employees[a])).then(a.cmp(&b))
    });
    rows.truncate(limit);
    rows
}

fn rest_is_empty(f: &HeatFilter) -> bool {
    f.region.is_none()
        && f.local.is_none()
        && f.employees_min.is_none()
        && f.employees_max.is_none()
        && f.founded_from.is_none()
        && f.founded_to.is_none()
        && f.flags.is_empty()
        && f.synthetic.is_none()
        && f.cell.is_none()
}

/// The node indices a filter's tiers, clusters, chains and nodes name (unknown ids are errors).
pub fn chosen_nodes(s: &Snapshot, f: &HeatFilter) -> Result<Vec<usize>, HeatError> {
    let t = &s.taxonomy;
    let unknown = |kind: &'static str, id: &String| HeatError::Unknown { kind, id: id.clone() };
    for id in &f.tiers {
        t.tier(id).ok_or_else(|| unknown("tier", id))?;
    }
    for id in &f.clusters {
        t.cluster(id).ok_or_else(|| unknown("cluster", id))?;
    }
    for id in &f.chains {
        t.chain(id).ok_or_else(|| unknown("chain", id))?;
    }
    for id in &f.nodes {
        t.node_idx(id).ok_or_else(|| unknown("node", id))?;
    }
    Ok((0..t.nodes.len())
        .filter(|&i| {
            let n = &t.nodes[i];
            f.nodes.contains(&n.id)
                || f.chains.contains(&n.chain)
                || t.cluster_of_node(&n.id).is_some_and(|c| f.clusters.contains(&c.id) || f.tiers.contains(&c.tier))
        })
        .collect())
}
