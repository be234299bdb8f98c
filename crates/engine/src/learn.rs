//! Learned lead weights: fit the six part weights on the home city's own past arrivals.
//!
//! The samples are candidates at some past origin date with their six parts (as a ranking would use them) and
//! whether they arrived in the window after it. The model is a logistic regression, P(arrive) = σ(b + Σ βᵢ·vᵢ), with
//! an L2 penalty on the βᵢ and the βᵢ kept at or above 0 (a ranking's weights cannot be negative); it is fitted by
//! iteratively reweighted least squares, a part whose coefficient would turn negative being fixed at 0 and the rest
//! refitted. Ranking by Σ βᵢ·vᵢ is ranking by the fitted probability, so the βᵢ (scaled so the largest is 10) are
//! the weights. With fewer than [`MIN_ARRIVALS`] past arrivals the fit is not trusted and the preset is used.

use crate::targeting::Weights;
use serde::Serialize;

/// Fewer past arrivals than this and the preset is used instead of a fit.
pub const MIN_ARRIVALS: usize = 20;
/// The L2 penalty on the six coefficients (not the intercept).
pub const L2: f64 = 1.0;
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
    if !(top > 1e-9) || !top.is_finite() {
        return Learned { fit: Some(f), ..base };
    }
    let w: [f64; 6] = std::array::from_fn(|i| (f.coef[i] / top * SCALE_TO * 1000.0).round() / 1000.0);
    Learned {
        weights: Weights { gap: w[0], supply: w[1], related: w[2], momentum: w[3], scale: w[4], affinity: w[5] },
        method: "logistic_l2",
        fit: Some(f),
        ..base
    }
}
