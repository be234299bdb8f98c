//! Learned lead weights: fit the six part weights on the home city's own past arrivals.
//!
//! The samples are candidates at some past origin date with their six parts (as a ranking would use them) and
//! whether they arrived in the window after it. The model is a logistic regression, P(arrive) = σ(b + Σ βᵢ·vᵢ), with
//! an L2 penalty on the βᵢ and the βᵢ kept at or above 0 (a ranking's weights cannot be negative); it is fitted by
//! iteratively reweighted least squares, a part whose coefficient would turn negative being fixed at 0 and the rest
//! refitted. Ranking by Σ βᵢ·vᵢ is ranking by the fitted probability, so the βᵢ (scaled so the largest is 10) are
//! the weights. With fewer than [`MIN_ARRIVALS`] past arrivals the fit is not trusted and the preset is used.

use crate::heat::HeatFilter;
use crate::snapshot::Snapshot;
use crate::targeting::{candidate_parts_where, Context, Query, Weights};
use chainscope_model::{Enterprise, Project, RegionRegistry, Taxonomy};
use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::sync::Arc;

/// Fewer past arrivals than this and the preset is used instead of a fit.
pub const MIN_ARRIVALS: usize = 20;
/// The L2 penalty on the six coefficients (not the intercept).
pub const L2: f64 = 1.0;
/// Yearly windows (rolling origins) the weights are fitted on.
pub const WINDOWS: i32 = 5;
/// The largest learned weight.
const SCALE_TO: f64 = 10.0;

/// One candidate at one past origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub parts: [f64; 6],
    pub arrived: bool,
    /// How many candidates it stands for (above 1 when negatives were thinned).
    pub weight: f64,
}

/// A fitted logistic model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fit {
    pub intercept: f64,
    pub coef: [f64; 6],
    pub iterations: u32,
}

impl Fit {
    pub fn probability(&self, parts: &[f64; 6]) -> f64 {
        let z = self.intercept + self.coef.iter().zip(parts).map(|(b, v)| b * v).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// How a ranking's weights were obtained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Learned {
    pub weights: Weights,
    /// `logistic_l2` (fitted) or `preset_fallback` (too few past arrivals, or nothing to learn from).
    pub method: &'static str,
    /// The preset used as fallback.
    pub fallback: String,
    /// Past arrivals and candidates the fit saw.
    pub arrivals: usize,
    pub samples: usize,
    pub min_arrivals: usize,
    pub fit: Option<Fit>,
}

// Small dense matrices: index loops read as the algebra does.
#[allow(clippy::needless_range_loop)]
/// Solve `a x = b` for a small symmetric positive definite `a` (Gaussian elimination with partial pivoting).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        for r in c + 1..n {
            let f = a[r][c] / a[c][c];
            for k in c..n {
                a[r][k] -= f * a[c][k];
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for c in (0..n).rev() {
        let s: f64 = (c + 1..n).map(|k| a[c][k] * x[k]).sum();
        x[c] = (b[c] - s) / a[c][c];
    }
    Some(x)
}

#[allow(clippy::needless_range_loop)]
/// Newton steps (IRLS) for the intercept and the coefficients of the parts in `free`; the others stay 0.
fn irls(samples: &[Sample], free: &[usize], l2: f64) -> (f64, [f64; 6], u32) {
    let dim = free.len() + 1;
    let mut beta = vec![0.0; dim];
    // Start the intercept at the base rate's log-odds.
    let (pos, all) = samples.iter().fold((0.0, 0.0), |(p, a), s| (p + if s.arrived { s.weight } else { 0.0 }, a + s.weight));
    let rate = (pos / all.max(1e-12)).clamp(1e-9, 1.0 - 1e-9);
    beta[0] = (rate / (1.0 - rate)).ln();
    let x_of = |s: &Sample, k: usize| if k == 0 { 1.0 } else { s.parts[free[k - 1]] };
    let mut iterations = 0;
    for it in 0..50 {
        iterations = it + 1;
        let mut h = vec![vec![0.0; dim]; dim];
        let mut g = vec![0.0; dim];
        for s in samples {
            let z: f64 = (0..dim).map(|k| beta[k] * x_of(s, k)).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let r = (if s.arrived { 1.0 } else { 0.0 }) - p;
            let wv = s.weight * (p * (1.0 - p)).max(1e-12);
            for a in 0..dim {
                let xa = x_of(s, a);
                g[a] += s.weight * r * xa;
                for b in a..dim {
                    h[a][b] += wv * xa * x_of(s, b);
                }
            }
        }
        for a in 0..dim {
            for b in 0..a {
                h[a][b] = h[b][a];
            }
        }
        for k in 1..dim {
            g[k] -= l2 * beta[k];
            h[k][k] += l2;
        }
        let Some(step) = solve(h, g) else { break };
        let mut biggest: f64 = 0.0;
        for k in 0..dim {
            beta[k] += step[k];
            biggest = biggest.max(step[k].abs());
        }
        if biggest < 1e-8 {
            break;
        }
    }
    let mut coef = [0.0; 6];
    for (k, &p) in free.iter().enumerate() {
        coef[p] = beta[k + 1];
    }
    (beta[0], coef, iterations)
}

/// Fit the logistic model with the six coefficients kept at or above 0.
pub fn fit(samples: &[Sample], l2: f64) -> Fit {
    let mut free: Vec<usize> = (0..6).collect();
    let mut total = 0;
    loop {
        let (intercept, coef, it) = irls(samples, &free, l2);
        total += it;
        // The most negative coefficient is fixed at 0 and the rest refitted, until none is negative.
        match free.iter().copied().filter(|&p| coef[p] < 0.0).min_by(|&a, &b| coef[a].total_cmp(&coef[b])) {
            Some(p) => free.retain(|&q| q != p),
            None => return Fit { intercept, coef, iterations: total },
        }
    }
}

/// Weights learned from `samples`, or `fallback` when fewer than `min_arrivals` of them arrived or no part helps.
pub fn learn(samples: &[Sample], fallback: (&str, Weights), min_arrivals: usize) -> Learned {
    let arrivals = samples.iter().filter(|s| s.arrived).count();
    let base = Learned {
        weights: fallback.1,
        method: "preset_fallback",
        fallback: fallback.0.to_string(),
        arrivals,
        samples: samples.len(),
        min_arrivals,
        fit: None,
    };
    if arrivals < min_arrivals || arrivals == samples.len() {
        return base;
    }
    let f = fit(samples, L2);
    let top = f.coef.iter().copied().fold(0.0, f64::max);
    if top <= 1e-9 || !top.is_finite() {
        return Learned { fit: Some(f), ..base };
    }
    // Tenths: the weights are read and set by hand beside the presets' (0–10 in the leads view).
    let w: [f64; 6] = std::array::from_fn(|i| (f.coef[i] / top * SCALE_TO * 10.0).round() / 10.0);
    Learned {
        weights: Weights { gap: w[0], supply: w[1], related: w[2], momentum: w[3], scale: w[4], affinity: w[5] },
        method: "logistic_l2",
        fit: Some(f),
        ..base
    }
}

/// The identifiers a record can be referred to by (a parent or an investor names one of them).
pub fn idents(e: &Enterprise) -> impl Iterator<Item = &str> {
    [e.ext_id.as_deref(), e.uscc.as_deref(), e.lei.as_deref(), Some(e.key.as_str())].into_iter().flatten()
}

/// The record as it was known at the end of `year`: yearly figures up to it; revenue and employees from the last.
pub fn as_known_at(e: &Enterprise, year: i32) -> Enterprise {
    let mut e = e.clone();
    if !e.series.is_empty() {
        e.series.retain(|f| f.year <= year);
        if let Some(last) = e.series.iter().rev().find(|f| f.revenue.is_some() || f.employees.is_some()) {
            e.revenue = last.revenue.or(e.revenue);
            e.employees = last.employees.or(e.employees);
        }
    }
    e
}

/// One training window: the candidates known at `origin`, labelled by whether they arrived in (origin, until].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Window {
    pub origin: NaiveDate,
    pub until: NaiveDate,
    pub candidates: usize,
    pub arrivals: usize,
}

/// Streams every enterprise to the callback it is given (a store's `for_each_enterprise`).
pub type Stream<'a, E> = dyn FnMut(&mut dyn FnMut(Enterprise)) -> Result<(), E> + 'a;

/// Where the history comes from: the enterprises (streamed, as often as needed) and the projects.
pub struct History<'a, E> {
    pub each: &'a mut Stream<'a, E>,
    pub projects: &'a [Project],
    pub taxonomy: Arc<Taxonomy>,
    pub regions: &'a RegionRegistry,
    pub home: &'a str,
}

/// A branch or subsidiary: its parent reference, founding date, and whether it is in the home city.
struct Branch {
    parent: String,
    founded: NaiveDate,
    local: bool,
}

/// Rolling-origin training samples: for j = 1..=`windows`, the candidates known at `before` − j years, labelled by
/// whether they arrived (a local branch naming them as parent founded, or a project naming them as investor signed)
/// in the year after — every window ending strictly before `before`, so nothing dated on or after it is used. With
/// `before` None, the day after the last founding date in the data. About `max_negatives` non-arrivals per window
/// are kept at most (every n-th row by a hash of the row number), each standing for n of them; a window's
/// `candidates` counts the samples kept.
pub fn history_samples<E>(
    h: &mut History<'_, E>,
    before: Option<NaiveDate>,
    windows: i32,
    weights: Weights,
    max_negatives: usize,
) -> Result<(Vec<Sample>, Vec<Window>), E> {
    // First pass: every branch with its parent and date, and the end of the history.
    let mut branches: Vec<Branch> = Vec::new();
    let mut last = NaiveDate::MIN;
    (h.each)(&mut |e: Enterprise| {
        if let Some(d) = e.founded {
            last = last.max(d);
            if let Some(p) = e.parent.filter(|p| !p.is_empty()) {
                branches.push(Branch { parent: p, founded: d, local: e.flags.local });
            }
        }
    })?;
    let before = before.unwrap_or_else(|| last.succ_opt().unwrap_or(last));
    let mut samples = Vec::new();
    let mut out = Vec::new();
    let filter = HeatFilter { tiers: h.taxonomy.tiers.iter().map(|t| t.id.clone()).collect(), ..Default::default() };
    for j in 1..=windows {
        let Some(origin) = before.with_year(before.year() - j) else { break };
        let Some(until) = origin.with_year(origin.year() + 1).map(|d| d.min(before.pred_opt().unwrap_or(before))) else { break };
        let since = origin.with_year(origin.year() - 3).unwrap_or(origin);
        // The references that matter: parents of the window's local branches, of the recent branches anywhere
        // (momentum), and investors of the projects signed in the window or in the pipeline at the origin.
        let mut wanted: FxHashSet<&str> = FxHashSet::default();
        for b in &branches {
            if (b.local && b.founded > origin && b.founded <= until) || (b.founded > since && b.founded <= origin) {
                wanted.insert(&b.parent);
            }
        }
        for p in h.projects {
            if let Some(i) = p.investor_id.as_deref() {
                wanted.insert(i);
            }
        }
        let mut row_of: FxHashMap<String, u32> = FxHashMap::default();
        let mut local_rows: FxHashSet<u32> = FxHashSet::default();
        let mut b = Snapshot::builder(h.taxonomy.clone(), h.home);
        let mut rows = 0u32;
        let regions = h.regions;
        (h.each)(&mut |e: Enterprise| {
            if e.founded.is_some_and(|d| d > origin) {
                return;
            }
            for id in idents(&e) {
                if wanted.contains(id) {
                    row_of.insert(id.to_string(), rows);
                }
            }
            if e.flags.local {
                local_rows.insert(rows);
            }
            b.push(&as_known_at(&e, origin.year()), regions);
            rows += 1;
        })?;
        let snap = b.finish();
        if rows == 0 {
            continue;
        }
        let mut expansions: FxHashMap<u32, u32> = FxHashMap::default();
        let mut came: FxHashSet<u32> = FxHashSet::default();
        for br in &branches {
            let Some(&r) = row_of.get(&br.parent) else { continue };
            if br.founded > since && br.founded <= origin {
                *expansions.entry(r).or_default() += 1;
            }
            if br.local && br.founded > origin && br.founded <= until {
                came.insert(r);
            }
        }
        let mut in_pipeline: FxHashSet<u32> = FxHashSet::default();
        for p in h.projects {
            let Some(&r) = p.investor_id.as_deref().and_then(|i| row_of.get(i)) else { continue };
            match p.signed_on() {
                Some(d) if d > origin && d <= until => {
                    came.insert(r);
                }
                Some(d) if d > origin => {}
                _ if p.history.first().is_some_and(|x| x.date <= origin) => {
                    in_pipeline.insert(r);
                }
                _ => {}
            }
        }
        came.retain(|r| !local_rows.contains(r));
        let ctx = Context::new(&snap, regions).with_expansions(expansions);
        let q = Query { filter: filter.clone(), weights, in_pipeline, include_marked: false, limit: 1 };
        // Every arrival, and every stride-th other row (by a hash of the row, so evenly spread), standing for stride.
        let stride = (rows as usize).div_ceil(max_negatives.max(1)).max(1) as u64;
        let thin = |r: u32| stride == 1 || (u64::from(r).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) % stride == 0;
        let keep = |r: u32| came.contains(&r) || thin(r);
        let Ok(parts) = candidate_parts_where(&snap, &ctx, &q, &keep) else { continue };
        let mut arrivals = 0;
        for (r, v) in &parts {
            let arrived = came.contains(r);
            arrivals += usize::from(arrived);
            samples.push(Sample { parts: *v, arrived, weight: if arrived { 1.0 } else { stride as f64 } });
        }
        out.push(Window { origin, until, candidates: parts.len(), arrivals });
    }
    Ok((samples, out))
}
