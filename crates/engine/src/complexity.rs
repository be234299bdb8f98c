//! Relatedness and economic complexity over a region × industry matrix: RCA, presence (Mcp), proximity, density,
//! ECI, PCI, COI and COG.
//!
//! The figures match the Harvard Growth Lab `ecomplexity` Python package (0.5.x) on its default settings to 1e-6
//! (reference values and the script that made them: `tests/fixtures/complexity/`). Its conventions, all pinned by
//! tests and listed in `docs/complexity.md`:
//!
//! * Regions and industries whose values sum to zero are dropped before anything is computed; every measure of
//!   theirs is NaN (ecomplexity returns NaN rows for them).
//! * RCA is Balassa's `(x_cp / x_c) / (x_p / x)`, with `x` the sum of the industry totals.
//! * Presence is `RCA >= threshold` (default 1: an RCA of exactly 1 counts as present).
//! * ECI/PCI come from the eigenvector of the second-largest eigenvalue of `M̃ = D_p⁻¹ Mᵀ D_c⁻¹ M` (the eigen-
//!   solver definition, not the method of reflections). `kc = D_c⁻¹ M kp`.
//! * Sign: both are multiplied by the sign of the correlation between diversity and `kc`, so ECI correlates
//!   positively with diversity.
//! * Normalisation: ECI is z-scored with the population standard deviation (ddof 0); PCI is normalised with ECI's
//!   mean and standard deviation (not its own), which keeps ECI = mean PCI of the region's present industries.
//! * Proximity is `min(P(p|q), P(q|p)) = |p ∩ q| / max(u_p, u_q)` with diagonal 1 ([`Diagonal::One`]); the Atlas
//!   uses 0 ([`Diagonal::Zero`]).
//! * Density `ω_cp = Σ_q M_cq φ_pq / Σ_q φ_pq`.
//! * COI `= Σ_p ω_cp (1 − M_cp) PCI⁰_p`, with `PCI⁰` the raw (sign-corrected, un-normalised) eigenvector, then
//!   z-scored with its own mean and ddof-0 standard deviation.
//! * COG `= (1 − M_cp) Σ_q (1 − M_cq) φ_qp PCI⁰_q / Σ_r φ_qr`, divided by the standard deviation of the raw ECI (so
//!   it is in units of normalised PCI, without a shift).
//!
//! The eigenproblem: `M̃` is not symmetric, but it is similar to the symmetric positive semi-definite
//! `S = D_p^{-1/2} Mᵀ D_c⁻¹ M D_p^{-1/2}` (if `S v = λ v` then `M̃ (D_p^{-1/2} v) = λ D_p^{-1/2} v`). We diagonalise
//! `S` with the cyclic Jacobi method (robust, accurate eigenvectors, no reflections-style drift), or the
//! region-side twin `D_c^{-1/2} M D_p⁻¹ Mᵀ D_c^{-1/2}` when there are fewer regions than industries (same non-zero
//! eigenvalues; `kp = D_p⁻¹ Mᵀ kc / λ`). Its eigenvalues are real, in `[0, 1]`, and the largest is 1.
//!
//! Where ecomplexity would return numerically arbitrary or all-NaN figures, we return a typed error instead:
//! fewer than two regions or industries left ([`ComplexityError::TooSmall`]), a region or industry with no
//! presence ([`ComplexityError::NoPresence`], all-NaN ECI/PCI/COI/COG in ecomplexity), a second eigenvalue that is
//! zero or not simple (e.g. disconnected blocks: [`ComplexityError::DegenerateEigenvalue`], where LAPACK picks an
//! arbitrary vector of the eigenspace), and a sign that cannot be decided ([`ComplexityError::UndefinedSign`], NaN in
//! ecomplexity). Negative and non-finite values are rejected ([`ComplexityError::InvalidValue`]); ecomplexity
//! would coerce NaN to 0 and silently accept negatives.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use thiserror::Error;

/// The proximity matrix's diagonal (an industry's proximity to itself). It enters density, COI and COG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Diagonal {
    /// 1, as ecomplexity computes it (`|p ∩ p| / u_p`): a region's own presence counts in its density.
    #[default]
    One,
    /// 0, as the Atlas of Economic Complexity uses it: density looks only at the other industries.
    Zero,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ComplexityOptions {
    /// Present when `RCA >= rca_threshold`. Default 1.
    pub rca_threshold: f64,
    pub proximity_diagonal: Diagonal,
}

impl Default for ComplexityOptions {
    fn default() -> Self {
        Self { rca_threshold: 1.0, proximity_diagonal: Diagonal::One }
    }
}

/// A dense region × industry matrix of non-negative values (enterprise counts, revenue, …), row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplexityInput {
    pub regions: Vec<String>,
    pub industries: Vec<String>,
    /// `values[r * industries.len() + i]`.
    pub values: Vec<f64>,
}

impl ComplexityInput {
    /// A matrix from `(region, industry, value)` triples; absent pairs are 0. Regions and industries are sorted
    /// (as ecomplexity orders them). A pair given twice is an error ([`ComplexityError::DuplicatePair`]).
    pub fn from_triples<R, I>(triples: impl IntoIterator<Item = (R, I, f64)>) -> Result<Self, ComplexityError>
    where
        R: Into<String>,
        I: Into<String>,
    {
        let triples: Vec<(String, String, f64)> = triples.into_iter().map(|(r, i, v)| (r.into(), i.into(), v)).collect();
        let mut regions: Vec<String> = triples.iter().map(|t| t.0.clone()).collect();
        let mut industries: Vec<String> = triples.iter().map(|t| t.1.clone()).collect();
        regions.sort();
        regions.dedup();
        industries.sort();
        industries.dedup();
        let n = industries.len();
        let mut values = vec![0.0; regions.len() * n];
        let mut seen = vec![false; values.len()];
        for (r, i, v) in triples {
            let k = regions.binary_search(&r).expect("region listed") * n + industries.binary_search(&i).expect("industry listed");
            if seen[k] {
                return Err(ComplexityError::DuplicatePair { region: r, industry: i });
            }
            seen[k] = true;
            values[k] = v;
        }
        Ok(Self { regions, industries, values })
    }
}

/// Every measure over the input's regions and industries, in the input's order. Matrices are row-major
/// (`[r * industries + i]`, proximity `[i * industries + j]`). Dropped regions and industries (zero total) are NaN
/// everywhere, and so is `mcp` for them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplexityResult {
    pub regions: Vec<String>,
    pub industries: Vec<String>,
    pub rca: Vec<f64>,
    /// Presence: 1.0 or 0.0 (NaN when dropped).
    pub mcp: Vec<f64>,
    pub density: Vec<f64>,
    pub cog: Vec<f64>,
    pub eci: Vec<f64>,
    pub coi: Vec<f64>,
    pub pci: Vec<f64>,
    pub proximity: Vec<f64>,
    /// Number of present industries per region (0 when dropped).
    pub diversity: Vec<u32>,
    /// Number of regions where each industry is present (0 when dropped).
    pub ubiquity: Vec<u32>,
    /// Indices of regions / industries dropped for a zero total.
    pub dropped_regions: Vec<usize>,
    pub dropped_industries: Vec<usize>,
    /// The eigenvalue whose eigenvector gives ECI and PCI (the second largest).
    pub eigenvalue: f64,
}

impl ComplexityResult {
    pub fn at(&self, matrix: &[f64], region: usize, industry: usize) -> f64 {
        matrix[region * self.industries.len() + industry]
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum ComplexityError {
    #[error("{regions} 个地区 × {industries} 个行业应有 {expected} 个值，实际为 {values} 个 / {values} values for {regions} regions × {industries} industries (expected {expected})", expected = regions * industries)]
    Shape { regions: usize, industries: usize, values: usize },
    #[error("{} '{name}' 重复出现 / {kind} '{name}' is listed twice", crate::term_zh(kind))]
    DuplicateName { kind: &'static str, name: String },
    #[error("地区 '{region}'、行业 '{industry}' 的值重复给出 / region '{region}', industry '{industry}' is given twice")]
    DuplicatePair { region: String, industry: String },
    #[error("地区 '{region}'、行业 '{industry}' 的值 {value} 不是有限的非负数 / value {value} for region '{region}', industry '{industry}' is not a finite non-negative number")]
    InvalidValue { region: String, industry: String, value: f64 },
    #[error("RCA 阈值 {0} 不是有限的正数 / RCA threshold {0} is not a finite positive number")]
    InvalidThreshold(f64),
    #[error("合计不为零的地区有 {regions} 个、行业有 {industries} 个，两者都至少需要 2 个 / {regions} regions and {industries} industries have non-zero totals; at least 2 of each are needed")]
    TooSmall { regions: usize, industries: usize },
    #[error("地区 {regions:?} 和行业 {industries:?} 的 RCA 全部低于阈值（没有显著存在）：ECI 和 PCI 无定义 / no presence (RCA >= threshold) for regions {regions:?} / industries {industries:?}: ECI and PCI are undefined")]
    NoPresence { regions: Vec<String>, industries: Vec<String> },
    #[error("第二特征值 {lambda2} 为零，或与相邻特征值 {neighbour} 无法区分（数据不连通或对称）：ECI 和 PCI 无法确定 / the second eigenvalue {lambda2} is zero or not separated from its neighbour {neighbour} (disconnected or symmetric data): ECI and PCI are not determined")]
    DegenerateEigenvalue { lambda2: f64, neighbour: f64 },
    #[error("ECI 的符号无法确定：多样性或特征向量为常数，或二者不相关 / ECI's sign is undefined: diversity or the eigenvector is constant, or they are uncorrelated")]
    UndefinedSign,
}

impl ComplexityError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Shape { .. } => "shape_mismatch",
            Self::DuplicateName { .. } => "duplicate_name",
            Self::DuplicatePair { .. } => "duplicate_pair",
            Self::InvalidValue { .. } => "invalid_value",
            Self::InvalidThreshold(_) => "invalid_threshold",
            Self::TooSmall { .. } => "too_small",
            Self::NoPresence { .. } => "no_presence",
            Self::DegenerateEigenvalue { .. } => "degenerate_eigenvalue",
            Self::UndefinedSign => "undefined_sign",
        }
    }
}

/// Eigenvalues closer than this (they lie in [0, 1]) count as equal: the eigenvector's error is about 1e-16 / gap.
pub const EIGEN_GAP_TOLERANCE: f64 = 1e-9;

/// |corr(diversity, kc)| below this leaves the sign undecided.
const SIGN_TOLERANCE: f64 = 1e-12;

pub fn complexity(input: &ComplexityInput, opts: &ComplexityOptions) -> Result<ComplexityResult, ComplexityError> {
    let (nr, ni) = (input.regions.len(), input.industries.len());
    if input.values.len() != nr * ni {
        return Err(ComplexityError::Shape { regions: nr, industries: ni, values: input.values.len() });
    }
    for (kind, names) in [("region", &input.regions), ("industry", &input.industries)] {
        let mut seen = HashSet::new();
        if let Some(dup) = names.iter().find(|n| !seen.insert(n.as_str())) {
            return Err(ComplexityError::DuplicateName { kind, name: dup.clone() });
        }
    }
    if !(opts.rca_threshold.is_finite() && opts.rca_threshold > 0.0) {
        return Err(ComplexityError::InvalidThreshold(opts.rca_threshold));
    }
    if let Some(k) = input.values.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        return Err(ComplexityError::InvalidValue {
            region: input.regions[k / ni].clone(),
            industry: input.industries[k % ni].clone(),
            value: input.values[k],
        });
    }

    // Drop zero rows and columns.
    let row_total = |r: usize| input.values[r * ni..(r + 1) * ni].iter().sum::<f64>();
    let col_total = |i: usize| (0..nr).map(|r| input.values[r * ni + i]).sum::<f64>();
    let rows: Vec<usize> = (0..nr).filter(|&r| row_total(r) != 0.0).collect();
    let cols: Vec<usize> = (0..ni).filter(|&i| col_total(i) != 0.0).collect();
    let (c, p) = (rows.len(), cols.len());
    if c < 2 || p < 2 {
        return Err(ComplexityError::TooSmall { regions: c, industries: p });
    }
    let x: Vec<f64> = rows.iter().flat_map(|&r| cols.iter().map(move |&i| input.values[r * ni + i])).collect();

    // RCA and presence, in ecomplexity's order of operations.
    let xc: Vec<f64> = (0..c).map(|a| x[a * p..(a + 1) * p].iter().sum()).collect();
    let xp: Vec<f64> = (0..p).map(|b| (0..c).map(|a| x[a * p + b]).sum()).collect();
    let total: f64 = xp.iter().sum();
    let mut rca = vec![0.0; c * p];
    let mut m = vec![0.0; c * p];
    for a in 0..c {
        for b in 0..p {
            let v = (x[a * p + b] / xc[a]) / (xp[b] / total);
            rca[a * p + b] = v;
            m[a * p + b] = if v >= opts.rca_threshold { 1.0 } else { 0.0 };
        }
    }
    let kc: Vec<f64> = (0..c).map(|a| m[a * p..(a + 1) * p].iter().sum()).collect();
    let kp: Vec<f64> = (0..p).map(|b| (0..c).map(|a| m[a * p + b]).sum()).collect();
    let absent_r: Vec<String> = (0..c).filter(|&a| kc[a] == 0.0).map(|a| input.regions[rows[a]].clone()).collect();
    let absent_i: Vec<String> = (0..p).filter(|&b| kp[b] == 0.0).map(|b| input.industries[cols[b]].clone()).collect();
    if !absent_r.is_empty() || !absent_i.is_empty() {
        return Err(ComplexityError::NoPresence { regions: absent_r, industries: absent_i });
    }

    // Eigenvector of the second-largest eigenvalue of M̃ = D_p⁻¹ Mᵀ D_c⁻¹ M, via a symmetric similar matrix.
    let (lambda, vec_p) = second_eigenvector(&m, &kc, &kp, c, p, p <= c)?;
    // kc = D_c⁻¹ M kp, as ecomplexity computes it from kp.
    let vec_c: Vec<f64> = (0..c).map(|a| (0..p).map(|b| m[a * p + b] * vec_p[b]).sum::<f64>() / kc[a]).collect();

    // Sign: positive correlation with diversity.
    let corr = correlation(&kc, &vec_c).ok_or(ComplexityError::UndefinedSign)?;
    if corr.abs() < SIGN_TOLERANCE {
        return Err(ComplexityError::UndefinedSign);
    }
    let s = corr.signum();
    let eci_raw: Vec<f64> = vec_c.iter().map(|v| s * v).collect();
    let pci_raw: Vec<f64> = vec_p.iter().map(|v| s * v).collect();
    let (eci_mean, eci_sd) = mean_sd(&eci_raw);

    // Proximity: min of the two conditional probabilities.
    let mut prox = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            let co: f64 = (0..c).map(|a| m[a * p + i] * m[a * p + j]).sum();
            prox[i * p + j] = (co / kp[j]).min(co / kp[i]);
        }
        if opts.proximity_diagonal == Diagonal::Zero {
            prox[i * p + i] = 0.0;
        }
    }
    let prox_row: Vec<f64> = (0..p).map(|i| prox[i * p..(i + 1) * p].iter().sum()).collect();

    // Density.
    let mut density = vec![0.0; c * p];
    for a in 0..c {
        for i in 0..p {
            density[a * p + i] = (0..p).map(|j| m[a * p + j] * (prox[i * p + j] / prox_row[i])).sum();
        }
    }

    // COI (raw PCI, then z-scored) and COG (raw PCI, divided by the raw ECI's standard deviation).
    let coi_raw: Vec<f64> = (0..c).map(|a| (0..p).map(|i| density[a * p + i] * (1.0 - m[a * p + i]) * pci_raw[i]).sum()).collect();
    let (coi_mean, coi_sd) = mean_sd(&coi_raw);
    let weight: Vec<f64> = (0..p).map(|j| pci_raw[j] / prox_row[j]).collect();
    let mut cog = vec![0.0; c * p];
    for a in 0..c {
        for i in 0..p {
            let g: f64 = (0..p).map(|j| (1.0 - m[a * p + j]) * (prox[j * p + i] * weight[j])).sum();
            cog[a * p + i] = (1.0 - m[a * p + i]) * g / eci_sd;
        }
    }

    // Scatter back to the input's shape, NaN for the dropped.
    let nan = f64::NAN;
    let mut out = ComplexityResult {
        regions: input.regions.clone(),
        industries: input.industries.clone(),
        rca: vec![nan; nr * ni],
        mcp: vec![nan; nr * ni],
        density: vec![nan; nr * ni],
        cog: vec![nan; nr * ni],
        eci: vec![nan; nr],
        coi: vec![nan; nr],
        pci: vec![nan; ni],
        proximity: vec![nan; ni * ni],
        diversity: vec![0; nr],
        ubiquity: vec![0; ni],
        dropped_regions: (0..nr).filter(|r| rows.binary_search(r).is_err()).collect(),
        dropped_industries: (0..ni).filter(|i| cols.binary_search(i).is_err()).collect(),
        eigenvalue: lambda,
    };
    for (a, &r) in rows.iter().enumerate() {
        out.eci[r] = (eci_raw[a] - eci_mean) / eci_sd;
        out.coi[r] = (coi_raw[a] - coi_mean) / coi_sd;
        out.diversity[r] = kc[a] as u32;
        for (b, &i) in cols.iter().enumerate() {
            let (k, l) = (r * ni + i, a * p + b);
            out.rca[k] = rca[l];
            out.mcp[k] = m[l];
            out.density[k] = density[l];
            out.cog[k] = cog[l];
        }
    }
    for (b, &i) in cols.iter().enumerate() {
        out.pci[i] = (pci_raw[b] - eci_mean) / eci_sd;
        out.ubiquity[i] = kp[b] as u32;
        for (b2, &j) in cols.iter().enumerate() {
            out.proximity[i * ni + j] = prox[b * p + b2];
        }
    }
    Ok(out)
}

/// The right eigenvector `kp` of `M̃ = D_p⁻¹ Mᵀ D_c⁻¹ M` for its second-largest eigenvalue, from the symmetric
/// matrix similar to `M̃` (or to its region-side twin when that is smaller). Scale is arbitrary.
fn second_eigenvector(
    m: &[f64],
    kc: &[f64],
    kp: &[f64],
    c: usize,
    p: usize,
    product_side: bool,
) -> Result<(f64, Vec<f64>), ComplexityError> {
    let n = if product_side { p } else { c };
    let mut s = vec![0.0; n * n];
    if product_side {
        // S_pq = Σ_c M_cp M_cq / k_c / √(k_p k_q)
        for a in 0..c {
            let w = 1.0 / kc[a];
            let row = &m[a * p..(a + 1) * p];
            for i in (0..p).filter(|&i| row[i] != 0.0) {
                for j in (i..p).filter(|&j| row[j] != 0.0) {
                    s[i * n + j] += w;
                }
            }
        }
        for i in 0..n {
            for j in i..n {
                let v = s[i * n + j] / (kp[i] * kp[j]).sqrt();
                s[i * n + j] = v;
                s[j * n + i] = v;
            }
        }
    } else {
        // S_cd = Σ_p M_cp M_dp / k_p / √(k_c k_d)
        for a in 0..c {
            for d in a..c {
                let v: f64 = (0..p).map(|b| m[a * p + b] * m[d * p + b] / kp[b]).sum::<f64>() / (kc[a] * kc[d]).sqrt();
                s[a * n + d] = v;
                s[d * n + a] = v;
            }
        }
    }
    let (vals, vecs) = jacobi_eigen(s, n);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| vals[y].total_cmp(&vals[x]));
    let (l1, l2) = (vals[order[0]], vals[order[1]]);
    let l3 = if n > 2 { vals[order[2]] } else { f64::NEG_INFINITY };
    // λ2 must be simple and non-zero (with zero, kp = D_p⁻¹ Mᵀ kc / λ is undefined and, on the product side, the
    // zero eigenspace is usually multiple).
    let neighbour = if l2 <= EIGEN_GAP_TOLERANCE {
        Some(0.0)
    } else if l1 - l2 <= EIGEN_GAP_TOLERANCE {
        Some(l1)
    } else if l2 - l3 <= EIGEN_GAP_TOLERANCE {
        Some(l3)
    } else {
        None
    };
    if let Some(neighbour) = neighbour {
        return Err(ComplexityError::DegenerateEigenvalue { lambda2: l2, neighbour });
    }
    let v: Vec<f64> = (0..n).map(|k| vecs[k * n + order[1]]).collect();
    let out = if product_side {
        (0..p).map(|b| v[b] / kp[b].sqrt()).collect()
    } else {
        // kc ∝ D_c^{-1/2} v, then kp = D_p⁻¹ Mᵀ kc / λ.
        let vc: Vec<f64> = (0..c).map(|a| v[a] / kc[a].sqrt()).collect();
        (0..p).map(|b| (0..c).map(|a| m[a * p + b] * vc[a]).sum::<f64>() / kp[b] / l2).collect()
    };
    Ok((l2, out))
}

/// Eigenvalues and eigenvectors (columns of the row-major `n × n` result) of a symmetric matrix, by the cyclic
/// Jacobi method: rotations until the off-diagonal mass is negligible against the whole.
pub(crate) fn jacobi_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let norm2: f64 = a.iter().map(|x| x * x).sum();
    for sweep in 0..100 {
        let off: f64 = (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).map(|(i, j)| a[i * n + j].powi(2)).sum::<f64>() * 2.0;
        if off <= norm2 * 1e-34 || off == 0.0 {
            break;
        }
        // Numerical Recipes' refinements: the first sweeps only rotate sizeable elements; later, elements too small
        // to change either diagonal entry are set to zero instead of rotated.
        let threshold = if sweep < 3 { 0.2 * off.sqrt() / (n * n) as f64 } else { 0.0 };
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                let g = 100.0 * apq.abs();
                if sweep > 3 && a[p * n + p].abs() + g == a[p * n + p].abs() && a[q * n + q].abs() + g == a[q * n + q].abs() {
                    a[p * n + q] = 0.0;
                    a[q * n + p] = 0.0;
                    continue;
                }
                if apq == 0.0 || apq.abs() <= threshold {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + theta.hypot(1.0));
                let cs = 1.0 / t.hypot(1.0);
                let sn = t * cs;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = cs * akp - sn * akq;
                    a[k * n + q] = sn * akp + cs * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = cs * apk - sn * aqk;
                    a[q * n + k] = sn * apk + cs * aqk;
                }
                a[p * n + q] = 0.0;
                a[q * n + p] = 0.0;
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = cs * vkp - sn * vkq;
                    v[k * n + q] = sn * vkp + cs * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

/// Mean and population (ddof 0) standard deviation.
fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Pearson correlation, `None` when either side is (numerically) constant.
fn correlation(x: &[f64], y: &[f64]) -> Option<f64> {
    let (mx, sx) = mean_sd(x);
    let (my, sy) = mean_sd(y);
    let scale_x = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let scale_y = y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if sx <= 1e-12 * scale_x || sy <= 1e-12 * scale_y {
        return None;
    }
    let cov = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum::<f64>() / x.len() as f64;
    Some(cov / (sx * sy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_recovers_a_known_spectrum() {
        // [[2,1,0],[1,2,0],[0,0,5]]: eigenvalues 1, 3, 5.
        let (vals, vecs) = jacobi_eigen(vec![2.0, 1.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 5.0], 3);
        let mut sorted = vals.clone();
        sorted.sort_by(f64::total_cmp);
        for (got, want) in sorted.iter().zip([1.0, 3.0, 5.0]) {
            assert!((got - want).abs() < 1e-14, "{got} vs {want}");
        }
        let i3 = vals.iter().position(|v| (v - 3.0).abs() < 1e-9).expect("3");
        let r = std::f64::consts::FRAC_1_SQRT_2;
        assert!((vecs[i3].abs() - r).abs() < 1e-14 && (vecs[3 + i3].abs() - r).abs() < 1e-14 && vecs[6 + i3].abs() < 1e-14);
    }

    /// The region-side and product-side eigenproblems give the same λ2 and, up to scale, the same kp.
    #[test]
    fn both_sides_give_the_same_eigenvector() {
        // A fixed 0/1 pattern, 7 regions × 9 industries, every row and column non-empty.
        let rows = ["110010011", "011001010", "100110001", "010101100", "001011011", "111000110", "000111101"];
        let (c, p) = (rows.len(), rows[0].len());
        let m: Vec<f64> = rows.iter().flat_map(|r| r.bytes().map(|b| f64::from(b - b'0'))).collect();
        let kc: Vec<f64> = (0..c).map(|a| m[a * p..(a + 1) * p].iter().sum()).collect();
        let kp: Vec<f64> = (0..p).map(|b| (0..c).map(|a| m[a * p + b]).sum()).collect();
        let (l_p, v_p) = second_eigenvector(&m, &kc, &kp, c, p, true).expect("product side");
        let (l_c, v_c) = second_eigenvector(&m, &kc, &kp, c, p, false).expect("region side");
        assert!((l_p - l_c).abs() < 1e-13, "{l_p} vs {l_c}");
        let scale = v_p[0] / v_c[0];
        for (x, y) in v_p.iter().zip(&v_c) {
            assert!((x - scale * y).abs() < 1e-12 * v_p.iter().fold(0.0f64, |m, v| m.max(v.abs())), "{v_p:?} vs {v_c:?}");
        }
    }
}
