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
//!
//! Speed: [`Context`] keeps, besides the node-level facts, per-row columns of every possible candidate grouped by
//! the set of nodes it is on, with per-group sums; [`rank`] takes the means from those sums and scores the chosen
//! groups' rows in one pass on two threads, keeping only the best (docs/targeting.md, "How a ranking is computed").

use crate::chain::{chain_strength, Reference, Strength};
use crate::complexity::ComplexityOptions;
use crate::heat::{HeatError, HeatFilter, Weight};
use crate::relatedness::digest;
use crate::snapshot::{AdminLevel, Snapshot, NO_REGION};
use chainscope_model::RegionRegistry;
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
            return Err(TargetError::Weights(WEIGHT_RANGE.into()));
        }
        if w.iter().sum::<f64>() <= 0.0 {
            return Err(TargetError::Weights(WEIGHT_POSITIVE.into()));
        }
        Ok(())
    }
}

impl Default for Weights {
    fn default() -> Self {
        Self::GAP_FILLING
    }
}

const WEIGHT_RANGE: &str = "every weight must be between 0 and 100";
const WEIGHT_POSITIVE: &str = "at least one weight must be above 0";

/// The Chinese for a [`TargetError::Weights`] detail.
fn weights_zh(detail: &str) -> &str {
    match detail {
        WEIGHT_RANGE => "每个权重都应在 0 到 100 之间",
        WEIGHT_POSITIVE => "至少一个权重应大于 0",
        other => other,
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum TargetError {
    #[error(transparent)]
    Filter(#[from] HeatError),
    #[error("请至少选择一个层级、集群、产业链或节点 / choose at least one tier, cluster, chain or node")]
    NoNodes,
    #[error("权重无效：{zh} / invalid weights: {0}", zh = weights_zh(.0))]
    Weights(String),
    #[error("limit 应在 1 到 10000 之间 / limit must be between 1 and 10000")]
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

/// Growth belongs to an enterprise's yearly figures; it lives in the model, and is named here too for rankings.
pub use chainscope_model::enterprise::growth;

/// Node-level facts for the home city, computed once per snapshot and reused by every ranking, with the per-row
/// columns of every possible candidate (the parts that do not depend on the query) so that a ranking is one pass.
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
    /// Per row: branches or subsidiaries it opened recently (rows absent: none known). Set with
    /// [`Context::with_expansions`], which also updates the per-row columns.
    pub expansions: rustc_hash::FxHashMap<u32, u32>,
    /// Whether expansion evidence exists in the data at all (parent links); without it, no expansions is unknown.
    pub expansions_known: bool,
    /// log(1 + revenue) and log(1 + employees) maxima over all enterprises.
    pub max_log_revenue: f64,
    pub max_log_employees: f64,
    /// Per region dictionary entry, then one more for rows without a region: the affinity part, NaN when unknown.
    affinity: Vec<f64>,
    /// The momentum from k recent expansions (1 − ½ᵏ), by [`Columns::marks`]' count; NaN when unknown.
    from_expansions: [f64; 32],
    columns: Columns,
}

const LOCAL_BIT: u8 = 16;
const LEADER_BIT: u8 = 1;

/// [`Columns::segment_of`] of a row that is no candidate (local, or on no node).
const NOT_CANDIDATE: u32 = u32::MAX;
/// Expansion counts from this one up score the same (1 − ½³⁰); the columns keep the count up to it.
const EXPANSIONS_CAP: u32 = 30;
/// [`Columns::marks`]: the bits of the expansion count, its value for a row with no expansion entry, and the
/// declining bit.
const EXPANSIONS_MASK: u8 = 31;
const NO_EXPANSIONS: u8 = 31;
const DECLINING: u8 = 128;

/// The momentum from expansions by [`Columns::marks`]' count: 1 − ½ᵏ, and for no entry 0 when the data has
/// expansion evidence at all, else unknown (NaN).
fn from_expansions(expansions_known: bool) -> [f64; 32] {
    std::array::from_fn(|k| match k as u8 {
        NO_EXPANSIONS => {
            if expansions_known {
                0.0
            } else {
                f64::NAN
            }
        }
        k => 1.0 - 0.5f64.powi(k.min(EXPANSIONS_CAP as u8) as i32),
    })
}

/// Counts and sums of the per-row parts (momentum, scale, affinity) over some candidates.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    rows: u64,
    known: [u64; 3],
    sum: [f64; 3],
}

impl Tally {
    fn add(&mut self, parts: [Option<f64>; 3]) {
        self.rows += 1;
        for (i, p) in parts.into_iter().enumerate() {
            if let Some(v) = p {
                self.known[i] += 1;
                self.sum[i] += v;
            }
        }
    }

    fn remove(&mut self, parts: [Option<f64>; 3]) {
        self.rows -= 1;
        for (i, p) in parts.into_iter().enumerate() {
            if let Some(v) = p {
                self.known[i] -= 1;
                self.sum[i] -= v;
            }
        }
    }

    fn merge(&mut self, o: &Tally) {
        self.rows += o.rows;
        for i in 0..3 {
            self.known[i] += o.known[i];
            self.sum[i] += o.sum[i];
        }
    }
}

/// The per-row columns of every row that can be a candidate (non-local, on at least one node), built with the
/// context. The rows are grouped into segments of rows on the same set of nodes, ascending within each: segment i
/// is `start[i]..start[i + 1]`, on the nodes `nodes[node_start[i]..node_start[i + 1]]` (ascending). The first
/// segments are the single nodes', in node order. Which node of its set a row is ranked for depends on the query,
/// but is the same for its whole segment.
#[derive(Clone, Default)]
struct Columns {
    start: Vec<usize>,
    node_start: Vec<usize>,
    nodes: Vec<u32>,
    row: Vec<u32>,
    /// The momentum from growth (−10 % → 0, +30 % → 1), NaN when unknown.
    from_growth: Vec<f64>,
    /// Recent expansions up to [`EXPANSIONS_CAP`] (else [`NO_EXPANSIONS`]), and [`DECLINING`].
    marks: Vec<u8>,
    /// The scale part, NaN when unknown.
    scale: Vec<f64>,
    /// Index into [`Context::affinity`].
    place: Vec<u32>,
    /// Per snapshot row: its segment, or [`NOT_CANDIDATE`].
    segment_of: Vec<u32>,
    /// Per segment, its rows not declining (0) and declining (1).
    tally: Vec<[Tally; 2]>,
}

impl std::fmt::Debug for Columns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Columns")
            .field("rows", &self.row.len())
            .field("segments", &self.segments())
            .field("memory_bytes", &self.memory_bytes())
            .finish_non_exhaustive()
    }
}

impl Columns {
    fn new(s: &Snapshot, max_log_revenue: f64, max_log_employees: f64, no_place: u32) -> Self {
        let nodes = s.node_rows.len();
        // Each row's nodes, ascending.
        let mut offset = vec![0usize; s.len + 1];
        for rows in &s.node_rows {
            for &r in rows {
                offset[r as usize + 1] += 1;
            }
        }
        for r in 0..s.len {
            offset[r + 1] += offset[r];
        }
        let mut member = vec![0u32; offset[s.len]];
        let mut fill = offset.clone();
        for (n, rows) in s.node_rows.iter().enumerate() {
            for &r in rows {
                member[fill[r as usize]] = n as u32;
                fill[r as usize] += 1;
            }
        }
        drop(fill);
        // A single node's segment is the node's index; each set of several nodes gets the next one when first met.
        let mut cols = Columns { node_start: (0..=nodes).collect(), nodes: (0..nodes as u32).collect(), ..Default::default() };
        let mut sets: rustc_hash::FxHashMap<&[u32], u32> = rustc_hash::FxHashMap::default();
        let mut segment_of = vec![NOT_CANDIDATE; s.len];
        for (r, seg) in segment_of.iter_mut().enumerate() {
            let list = &member[offset[r]..offset[r + 1]];
            if list.is_empty() || s.flags[r] & LOCAL_BIT != 0 {
                continue;
            }
            *seg = if let [n] = list {
                *n
            } else {
                *sets.entry(list).or_insert_with(|| {
                    cols.nodes.extend_from_slice(list);
                    cols.node_start.push(cols.nodes.len());
                    cols.node_start.len() as u32 - 2
                })
            };
        }
        drop(sets);
        drop(member);
        drop(offset);
        let segments = cols.node_start.len() - 1;
        let mut start = vec![0usize; segments + 1];
        for &seg in &segment_of {
            if seg != NOT_CANDIDATE {
                start[seg as usize + 1] += 1;
            }
        }
        for i in 0..segments {
            start[i + 1] += start[i];
        }
        let len = start[segments];
        cols.row = vec![0; len];
        cols.from_growth = vec![f64::NAN; len];
        cols.marks = vec![NO_EXPANSIONS; len];
        cols.scale = vec![f64::NAN; len];
        cols.place = vec![no_place; len];
        let mut next = start.clone();
        for (r, &seg) in segment_of.iter().enumerate() {
            if seg == NOT_CANDIDATE {
                continue;
            }
            let at = next[seg as usize];
            next[seg as usize] += 1;
            cols.row[at] = r as u32;
            let g = s.growth[r];
            if !g.is_nan() {
                cols.from_growth[at] = ((g as f64 - DECLINE) / 0.4).clamp(0.0, 1.0);
                if (g as f64) < DECLINE {
                    cols.marks[at] |= DECLINING;
                }
            }
            cols.scale[at] = scale_of(s, r, max_log_revenue, max_log_employees).unwrap_or(f64::NAN);
            if s.region[r] != NO_REGION {
                cols.place[at] = s.region[r];
            }
        }
        cols.start = start;
        cols.segment_of = segment_of;
        cols
    }

    fn segments(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    fn nodes_of(&self, seg: usize) -> &[u32] {
        &self.nodes[self.node_start[seg]..self.node_start[seg + 1]]
    }

    /// Where row `r` is in the columns.
    fn index_of(&self, r: u32) -> Option<usize> {
        let seg = *self.segment_of.get(r as usize)?;
        if seg == NOT_CANDIDATE {
            return None;
        }
        let (from, to) = (self.start[seg as usize], self.start[seg as usize + 1]);
        self.row[from..to].binary_search(&r).ok().map(|i| from + i)
    }

    fn memory_bytes(&self) -> usize {
        self.start.capacity() * 8
            + self.node_start.capacity() * 8
            + self.nodes.capacity() * 4
            + self.row.capacity() * 4
            + self.from_growth.capacity() * 8
            + self.marks.capacity()
            + self.scale.capacity() * 8
            + self.place.capacity() * 4
            + self.segment_of.capacity() * 4
            + self.tally.capacity() * std::mem::size_of::<[Tally; 2]>()
    }
}

/// The scale part of row `r`: log revenue, else log employees, against the largest.
fn scale_of(s: &Snapshot, r: usize, max_log_revenue: f64, max_log_employees: f64) -> Option<f64> {
    let (rev, emp) = (s.revenue[r], s.employees[r]);
    if rev > 0.0 && max_log_revenue > 0.0 {
        Some(((1.0 + rev as f64).ln() / max_log_revenue).clamp(0.0, 1.0))
    } else if emp > 0 && max_log_employees > 0.0 {
        Some(((1.0 + emp as f64).ln() / max_log_employees).clamp(0.0, 1.0))
    } else {
        None
    }
}

/// NaN as unknown.
#[inline(always)]
fn known(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

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
        let distance_km: Vec<Option<f64>> = s
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
        let affinity: Vec<f64> = distance_km.iter().map(|d| d.map_or(f64::NAN, |d| 1.0 / (1.0 + d / 300.0))).chain([f64::NAN]).collect();
        let columns = Columns::new(s, max_log_revenue, max_log_employees, distance_km.len() as u32);
        let mut ctx = Self {
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
            affinity,
            from_expansions: from_expansions(false),
            columns,
        };
        ctx.tally();
        ctx
    }

    /// Add expansion evidence: for each row, how many branches or subsidiaries it opened recently. An empty map
    /// still means "the data has parent links and none of these expanded".
    pub fn with_expansions(mut self, expansions: rustc_hash::FxHashMap<u32, u32>) -> Self {
        self.expansions = expansions;
        self.expansions_known = true;
        self.from_expansions = from_expansions(true);
        let cols = &mut self.columns;
        for m in &mut cols.marks {
            *m = (*m & !EXPANSIONS_MASK) | NO_EXPANSIONS;
        }
        for (&r, &k) in &self.expansions {
            if let Some(j) = cols.index_of(r) {
                cols.marks[j] = (cols.marks[j] & !EXPANSIONS_MASK) | k.min(EXPANSIONS_CAP) as u8;
            }
        }
        self.tally();
        self
    }

    /// Bytes held by the per-row columns: what the context adds to the snapshot, 25 per candidate and 4 per enterprise.
    pub fn column_bytes(&self) -> usize {
        self.columns.memory_bytes() + self.affinity.capacity() * 8
    }

    /// The momentum part of column entry `j`, NaN when unknown: the higher of the two that are known (`max` returns
    /// the other when one is NaN).
    #[inline(always)]
    fn momentum(&self, j: usize) -> f64 {
        let c = &self.columns;
        c.from_growth[j].max(self.from_expansions[(c.marks[j] & EXPANSIONS_MASK) as usize])
    }

    /// The per-row parts of column entry `j`: momentum, scale, affinity.
    #[inline(always)]
    fn row_parts(&self, j: usize) -> [Option<f64>; 3] {
        let c = &self.columns;
        [known(self.momentum(j)), known(c.scale[j]), known(self.affinity[c.place[j] as usize])]
    }

    fn declining(&self, j: usize) -> bool {
        self.columns.marks[j] & DECLINING != 0
    }

    /// Per segment, the tallies of its rows.
    fn tally(&mut self) {
        let tally = (0..self.columns.segments())
            .map(|n| {
                let mut t = [Tally::default(); 2];
                for j in self.columns.start[n]..self.columns.start[n + 1] {
                    t[self.declining(j) as usize].add(self.row_parts(j));
                }
                t
            })
            .collect();
        self.columns.tally = tally;
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

/// Rankings walk at most this many threads.
const THREADS: usize = 2;
/// Below this many column entries to walk, one thread.
const PARALLEL_FROM: usize = 200_000;

/// A stretch of the columns to walk, its rows ranked for `node`.
#[derive(Debug, Clone, Copy)]
struct Stretch {
    node: u32,
    from: usize,
    to: usize,
}

/// Cut the stretches into at most `parts` runs of about equal length, in order.
fn split(work: &[Stretch], parts: usize) -> Vec<Vec<Stretch>> {
    let total: usize = work.iter().map(|w| w.to - w.from).sum();
    let per = total.div_ceil(parts.max(1)).max(1);
    let mut out: Vec<Vec<Stretch>> = vec![Vec::new()];
    let mut room = per;
    for w in work {
        let mut from = w.from;
        while from < w.to {
            if room == 0 {
                out.push(Vec::new());
                room = per;
            }
            let to = w.to.min(from + room);
            if let Some(last) = out.last_mut() {
                last.push(Stretch { node: w.node, from, to });
            }
            room -= to - from;
            from = to;
        }
    }
    out
}

/// Run `f` on each run of stretches, on its own thread when there are several, the results in order.
fn on_threads<T: Send>(runs: &[Vec<Stretch>], f: impl Fn(&[Stretch]) -> T + Sync) -> Vec<T> {
    if runs.len() <= 1 {
        return runs.iter().map(|r| f(r)).collect();
    }
    std::thread::scope(|sc| {
        let f = &f;
        let handles: Vec<_> = runs.iter().map(|r| sc.spawn(move || f(r))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// Candidates counted over some stretches.
#[derive(Debug, Clone, Default)]
struct Count {
    total: u64,
    excluded_declining: u64,
    /// Per node: the candidates ranked for it (not left out).
    per_node: Vec<u64>,
    /// The per-row parts over the candidates not left out.
    parts: Tally,
}

/// A scored candidate.
#[derive(Debug, Clone, Copy)]
struct Entry {
    score: f64,
    row: u32,
    node: u32,
    /// Its place in the columns.
    at: u32,
}

/// Higher score first, then lower row.
fn better(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    b.score.total_cmp(&a.score).then(a.row.cmp(&b.row))
}

/// The best `keep` entries seen (with some more kept between cuts). Anything scoring below `floor` cannot be among
/// them, nor anything whose weighted sum (the score before × 100 / Σw) is below `bar`.
struct Best {
    keep: usize,
    floor: f64,
    bar: f64,
    /// Σw / 100: the bar is the floor times this, lowered a little against rounding.
    per_point: f64,
    entries: Vec<Entry>,
}

impl Best {
    fn new(keep: usize, wsum: f64) -> Self {
        // Every score is at least 0: the lowest finite number lets them all through, but not −∞.
        Self { keep, floor: f64::MIN, bar: f64::MIN, per_point: wsum / 100.0, entries: Vec::with_capacity(2 * keep.max(256)) }
    }

    #[inline]
    fn push(&mut self, e: Entry) {
        self.entries.push(e);
        if self.entries.len() >= 2 * self.keep.max(256) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        if self.entries.len() > self.keep {
            self.entries.select_nth_unstable_by(self.keep - 1, better);
            self.entries.truncate(self.keep);
            self.floor = self.entries[self.keep - 1].score;
            // 100 × sc / Σw rises with sc, and a sum this far below floor × Σw / 100 cannot round up to the floor.
            self.bar = self.floor * self.per_point * (1.0 - 1e-12);
        }
    }
}

/// Rank the candidates.
///
/// One pass over the columns of the chosen nodes' candidates. The means that unknown parts take come first, from
/// the per-segment tallies (without predicates) or a counting pass (with them), corrected for the pipeline; then
/// every candidate's score is computed exactly as the sum of its weighted parts, in their order, and the best `limit`
/// are kept per thread. The result is that of scoring every candidate one by one and sorting.
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
    let keep = |r: u32| passing.as_ref().is_none_or(|b| b[r as usize / 64] & (1 << (r % 64)) != 0);
    let exclude = !q.include_marked;
    let cols = &ctx.columns;
    let nodes = t.nodes.len();

    // Where each node stands in `order` (u32::MAX: not chosen). A segment's rows are ranked for the first of its
    // nodes there; segments with no chosen node are not walked at all.
    let mut place_of = vec![u32::MAX; nodes];
    for (i, &n) in order.iter().enumerate() {
        place_of[n] = i as u32;
    }
    let ranked_for: Vec<u32> = (0..cols.segments())
        .map(|i| {
            cols.nodes_of(i)
                .iter()
                .copied()
                .filter(|&n| place_of.get(n as usize).is_some_and(|&p| p != u32::MAX))
                .min_by_key(|&n| place_of[n as usize])
                .unwrap_or(NOT_CANDIDATE)
        })
        .collect();
    let mut work: Vec<Stretch> = (0..cols.segments())
        .filter(|&i| ranked_for[i] != NOT_CANDIDATE && cols.start[i] < cols.start[i + 1])
        .map(|i| Stretch { node: ranked_for[i], from: cols.start[i], to: cols.start[i + 1] })
        .collect();
    // The best node-level prospects first, so that the bar for the best rises early.
    work.sort_by_key(|st| (place_of[st.node as usize], st.from));
    let threads = if work.iter().map(|w| w.to - w.from).sum::<usize>() >= PARALLEL_FROM {
        std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, THREADS)
    } else {
        1
    };

    // Count the candidates and tally their parts: from the per-segment tallies, or row by row with predicates.
    let count_rows = |run: &[Stretch]| -> Count {
        let mut c = Count { per_node: vec![0; nodes], ..Default::default() };
        for st in run {
            for j in st.from..st.to {
                if !keep(cols.row[j]) {
                    continue;
                }
                c.total += 1;
                if exclude && ctx.declining(j) {
                    c.excluded_declining += 1;
                    continue;
                }
                c.per_node[st.node as usize] += 1;
                c.parts.add(ctx.row_parts(j));
            }
        }
        c
    };
    let mut count = Count { per_node: vec![0; nodes], ..Default::default() };
    if passing.is_some() {
        for c in on_threads(&split(&work, threads), count_rows) {
            count.total += c.total;
            count.excluded_declining += c.excluded_declining;
            for (a, b) in count.per_node.iter_mut().zip(&c.per_node) {
                *a += b;
            }
            count.parts.merge(&c.parts);
        }
    } else {
        for (i, &n) in ranked_for.iter().enumerate() {
            if n == NOT_CANDIDATE {
                continue;
            }
            let [a, b] = &cols.tally[i];
            count.total += a.rows + b.rows;
            count.per_node[n as usize] += a.rows;
            count.parts.merge(a);
            if exclude {
                count.excluded_declining += b.rows;
            } else {
                count.per_node[n as usize] += b.rows;
                count.parts.merge(b);
            }
        }
    }
    // Candidates in the pipeline are left out unless asked for: take them back out of the counts.
    let mut excluded_pipeline = 0u64;
    if exclude && !q.in_pipeline.is_empty() {
        let mut pipeline: Vec<u32> = q.in_pipeline.iter().copied().collect();
        pipeline.sort_unstable();
        for r in pipeline {
            let Some(j) = cols.index_of(r) else { continue };
            let n = ranked_for[cols.segment_of[r as usize] as usize];
            if n == NOT_CANDIDATE || !keep(r) {
                continue;
            }
            excluded_pipeline += 1;
            if ctx.declining(j) {
                count.excluded_declining -= 1;
            } else {
                count.per_node[n as usize] -= 1;
                count.parts.remove(ctx.row_parts(j));
            }
        }
    }
    let (mut sums, mut counts) = ([0f64; 6], [0u64; 6]);
    for &n in &order {
        let k = count.per_node.get(n).copied().unwrap_or(0);
        if k == 0 {
            continue;
        }
        for (i, p) in ctx.node_parts(n).into_iter().enumerate() {
            if let Some(v) = p {
                sums[i] += k as f64 * v;
                counts[i] += k;
            }
        }
    }
    sums[3..].copy_from_slice(&count.parts.sum);
    counts[3..].copy_from_slice(&count.parts.known);
    let means: [f64; 6] = std::array::from_fn(|i| if counts[i] > 0 { sums[i] / counts[i] as f64 } else { 0.5 });
    let wsum: f64 = w.iter().sum();

    // Score every candidate and keep the best. The score adds the weighted parts in their order, as a lead's parts
    // would be added one by one; the node's three come first, the same for all its rows.
    let node_sum: Vec<f64> = (0..nodes)
        .map(|n| {
            let p = ctx.node_parts(n);
            let mut sc = 0.0;
            for i in 0..3 {
                sc += w[i] * p[i].unwrap_or(means[i]);
            }
            sc
        })
        .collect();
    let eligible = |r: u32| keep(r) && !(exclude && q.in_pipeline.contains(&r));
    let skip = if exclude { DECLINING } else { 0 };
    let score_rows = |run: &[Stretch]| -> Best {
        let mut best = Best::new(q.limit, wsum);
        for st in run {
            let (n, base) = (st.node, node_sum[st.node as usize]);
            let row = &cols.row[st.from..st.to];
            let from_growth = &cols.from_growth[st.from..st.to][..row.len()];
            let marks = &cols.marks[st.from..st.to][..row.len()];
            let scale = &cols.scale[st.from..st.to][..row.len()];
            let place = &cols.place[st.from..st.to][..row.len()];
            for i in 0..row.len() {
                let mark = marks[i];
                // A row left out starts from −∞, which no bar lets through.
                let mut sc = if mark & skip != 0 { f64::NEG_INFINITY } else { base };
                let momentum = from_growth[i].max(ctx.from_expansions[(mark & EXPANSIONS_MASK) as usize]);
                sc += w[3] * if momentum.is_nan() { means[3] } else { momentum };
                let scale = scale[i];
                sc += w[4] * if scale.is_nan() { means[4] } else { scale };
                let affinity = ctx.affinity.get(place[i] as usize).copied().unwrap_or(f64::NAN);
                sc += w[5] * if affinity.is_nan() { means[5] } else { affinity };
                if sc >= best.bar {
                    let score = 100.0 * sc / wsum;
                    if score >= best.floor && eligible(row[i]) {
                        best.push(Entry { score, row: row[i], node: n, at: (st.from + i) as u32 });
                    }
                }
            }
        }
        best.cut();
        best
    };
    let mut best: Vec<Entry> = on_threads(&split(&work, threads), score_rows).into_iter().flat_map(|b| b.entries).collect();
    best.sort_unstable_by(better);
    best.truncate(q.limit);

    let leads = best
        .into_iter()
        .map(|e| {
            let (row, n, j) = (e.row, e.node as usize, e.at as usize);
            let node_parts = ctx.node_parts(n);
            let [momentum, scale, affinity] = ctx.row_parts(j);
            let parts = [node_parts[0], node_parts[1], node_parts[2], momentum, scale, affinity];
            let mut known = 0.0;
            for i in 0..6 {
                if parts[i].is_some() {
                    known += w[i];
                }
            }
            let g = s.growth[row as usize];
            let reg = s.region[row as usize];
            Lead {
                row,
                node: t.nodes[n].id.clone(),
                score: e.score,
                known: known / wsum,
                parts: std::array::from_fn(|i| Part { value: parts[i], used: parts[i].unwrap_or(means[i]), weight: w[i] }),
                class: ctx.class[n],
                adjacent_leaders: ctx.adjacent_leaders[n],
                adjacent_local: ctx.adjacent_local[n],
                growth: (!g.is_nan()).then_some(g as f64),
                expansions: ctx.expansions.get(&row).copied().unwrap_or(0),
                distance_km: if reg == NO_REGION { None } else { ctx.distance_km[reg as usize] },
                in_pipeline: q.in_pipeline.contains(&row),
                declining: ctx.declining(j),
            }
        })
        .collect();
    Ok(Ranking { candidates: count.total, excluded_pipeline, excluded_declining: count.excluded_declining, means, leads })
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

pub use crate::heat::chosen_nodes;

/// The six parts of every candidate a ranking would score, as the ranking would use them (an unknown part at the
/// candidates' mean), each for its best node under `q.weights` — for fitting weights and for measures over the whole
/// list (the back-test's AUC). Candidates left out of a ranking (pipeline, declining unless `include_marked`, failing
/// the predicates) are left out here too; `q.limit` is not used. Ascending rows.
pub fn candidate_parts(s: &Snapshot, ctx: &Context, q: &Query) -> Result<Vec<(u32, [f64; 6])>, TargetError> {
    candidate_parts_where(s, ctx, q, &|_| true)
}

/// [`candidate_parts`] of the candidates `keep` takes (the means still over all of them): a large store's training
/// samples without a list of every candidate's parts.
pub fn candidate_parts_where(
    s: &Snapshot,
    ctx: &Context,
    q: &Query,
    keep: &dyn Fn(u32) -> bool,
) -> Result<Vec<(u32, [f64; 6])>, TargetError> {
    q.weights.check()?;
    let w = q.weights.as_array();
    let mut order = chosen_nodes(s, &q.filter)?;
    let node_value = |n: usize| -> f64 {
        let p = ctx.node_parts(n);
        (0..3).map(|i| w[i] * p[i].unwrap_or(0.5)).sum()
    };
    order.sort_by(|&a, &b| node_value(b).total_cmp(&node_value(a)).then(a.cmp(&b)));
    let rest = HeatFilter { tiers: vec![], clusters: vec![], chains: vec![], nodes: vec![], ..q.filter.clone() };
    let passing: Option<FxHashSet<u32>> =
        if rest_is_empty(&rest) { None } else { Some(crate::heat::rows(s, &rest)?.into_iter().collect()) };
    let cols = &ctx.columns;
    let mut place_of = vec![u32::MAX; s.taxonomy.nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        place_of[n] = i as u32;
    }
    // (row, node, place in the columns): 12 bytes a candidate.
    let mut raw: Vec<(u32, u32, u32)> = Vec::new();
    for seg in 0..cols.segments() {
        let Some(n) =
            cols.nodes_of(seg).iter().copied().filter(|&n| place_of[n as usize] != u32::MAX).min_by_key(|&n| place_of[n as usize])
        else {
            continue;
        };
        for j in cols.start[seg]..cols.start[seg + 1] {
            let r = cols.row[j];
            if passing.as_ref().is_some_and(|p| !p.contains(&r)) {
                continue;
            }
            if !q.include_marked && (ctx.declining(j) || q.in_pipeline.contains(&r)) {
                continue;
            }
            raw.push((r, n, j as u32));
        }
    }
    let (mut sums, mut counts) = ([0f64; 6], [0u64; 6]);
    for &(_, n, j) in &raw {
        let np = ctx.node_parts(n as usize);
        let rp = ctx.row_parts(j as usize);
        for (i, v) in np.into_iter().chain(rp).enumerate() {
            if let Some(v) = v {
                sums[i] += v;
                counts[i] += 1;
            }
        }
    }
    let means: [f64; 6] = std::array::from_fn(|i| if counts[i] > 0 { sums[i] / counts[i] as f64 } else { 0.5 });
    let mut out: Vec<(u32, [f64; 6])> = raw
        .into_iter()
        .filter(|x| keep(x.0))
        .map(|(r, n, j)| {
            let np = ctx.node_parts(n as usize);
            let rp = ctx.row_parts(j as usize);
            let all = [np[0], np[1], np[2], rp[0], rp[1], rp[2]];
            (r, std::array::from_fn(|i| all[i].unwrap_or(means[i])))
        })
        .collect();
    out.sort_unstable_by_key(|x| x.0);
    Ok(out)
}
