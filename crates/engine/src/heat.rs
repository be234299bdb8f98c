//! Heat: enterprises aggregated into H3 cells (resolution 3–9) or administrative units, weighted by count,
//! revenue, employees or registered capital, under any combination of filters.

use crate::snapshot::{AdminLevel, Snapshot, NO_REGION, SYNTHETIC_BIT};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    #[default]
    Count,
    Revenue,
    Employees,
    Capital,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "level")]
pub enum Grouping {
    /// H3 cells at a resolution from 3 to 9.
    H3(u8),
    Admin(AdminLevel),
}

/// Which enterprises count. Empty lists mean "no restriction"; chain filters (tiers, clusters, chains, nodes)
/// combine into one set of nodes, and an enterprise counts if it is on any of them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HeatFilter {
    #[serde(default)]
    pub tiers: Vec<String>,
    #[serde(default)]
    pub clusters: Vec<String>,
    #[serde(default)]
    pub chains: Vec<String>,
    #[serde(default)]
    pub nodes: Vec<String>,
    /// Only enterprises inside this region (any level, including zones' host counties).
    #[serde(default)]
    pub region: Option<String>,
    /// Only local (true) or only non-local (false) enterprises.
    #[serde(default)]
    pub local: Option<bool>,
    /// Employee count range, inclusive.
    #[serde(default)]
    pub employees_min: Option<u32>,
    #[serde(default)]
    pub employees_max: Option<u32>,
    #[serde(default)]
    pub founded_from: Option<u16>,
    #[serde(default)]
    pub founded_to: Option<u16>,
    /// Flags that must all be set: chain_leader, listed, srdi, high_tech.
    #[serde(default)]
    pub flags: Vec<String>,
    /// Only synthetic (true) or only real (false) records.
    #[serde(default)]
    pub synthetic: Option<bool>,
}

#[derive(Debug, Error, PartialEq)]
pub enum HeatError {
    #[error("unknown {kind} '{id}'")]
    Unknown { kind: &'static str, id: String },
    #[error("H3 resolution {0} is outside 3..=9")]
    Resolution(u8),
}

impl HeatError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unknown { .. } => "unknown_filter_value",
            Self::Resolution(_) => "invalid_resolution",
        }
    }
    /// The parameter the error is about.
    pub fn parameter(&self) -> &'static str {
        match self {
            Self::Unknown { kind, .. } => kind,
            Self::Resolution(_) => "resolution",
        }
    }
}

/// One aggregated cell or unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeatCell {
    /// H3 cell index (hex string) or region code.
    pub key: String,
    pub count: u64,
    pub value: f64,
}

/// A compiled filter: node set as a row bitmap, the rest as predicates.
struct Compiled {
    rows: Option<Vec<u64>>,
    region: Option<Option<u32>>,
    region_level: AdminLevel,
    local: Option<bool>,
    emp: (u32, u32),
    founded: (u16, u16),
    flag_mask: u8,
    synthetic: Option<bool>,
}

fn compile(s: &Snapshot, f: &HeatFilter) -> Result<Compiled, HeatError> {
    let t = &s.taxonomy;
    let mut nodes: Vec<usize> = Vec::new();
    let mut any_chain_filter = false;
    for id in &f.tiers {
        any_chain_filter = true;
        t.tier(id).ok_or_else(|| HeatError::Unknown { kind: "tier", id: id.clone() })?;
        for c in t.clusters.iter().filter(|c| &c.tier == id) {
            for ch in t.chains_of_cluster(&c.id) {
                nodes.extend(t.nodes_of_chain(&ch.id).filter_map(|n| t.node_idx(&n.id)));
            }
        }
    }
    for id in &f.clusters {
        any_chain_filter = true;
        t.cluster(id).ok_or_else(|| HeatError::Unknown { kind: "cluster", id: id.clone() })?;
        for ch in t.chains_of_cluster(id) {
            nodes.extend(t.nodes_of_chain(&ch.id).filter_map(|n| t.node_idx(&n.id)));
        }
    }
    for id in &f.chains {
        any_chain_filter = true;
        t.chain(id).ok_or_else(|| HeatError::Unknown { kind: "chain", id: id.clone() })?;
        nodes.extend(t.nodes_of_chain(id).filter_map(|n| t.node_idx(&n.id)));
    }
    for id in &f.nodes {
        any_chain_filter = true;
        nodes.push(t.node_idx(id).ok_or_else(|| HeatError::Unknown { kind: "node", id: id.clone() })?);
    }
    let rows = any_chain_filter.then(|| {
        let mut bits = vec![0u64; s.len.div_ceil(64)];
        nodes.sort_unstable();
        nodes.dedup();
        for n in nodes {
            for &r in &s.node_rows[n] {
                bits[r as usize / 64] |= 1 << (r % 64);
            }
        }
        bits
    });
    let mut flag_mask = 0u8;
    for fl in &f.flags {
        flag_mask |= match fl.as_str() {
            "chain_leader" => 1,
            "listed" => 2,
            "srdi" => 4,
            "high_tech" => 8,
            other => return Err(HeatError::Unknown { kind: "flag", id: other.to_string() }),
        };
    }
    // A region filter matches an entry whose ancestor at the filter region's own level is that region.
    let (region, region_level) = match &f.region {
        None => (None, AdminLevel::County),
        Some(code) => {
            let idx = s.regions.get(code);
            let level = idx
                .and_then(|i| (0..4).rev().find(|&l| s.regions.levels[i as usize][l] == Some(i)))
                .map(|l| [AdminLevel::Country, AdminLevel::Province, AdminLevel::Prefecture, AdminLevel::County][l])
                .unwrap_or(AdminLevel::County);
            (Some(idx), level)
        }
    };
    Ok(Compiled {
        rows,
        region,
        region_level,
        local: f.local,
        emp: (f.employees_min.unwrap_or(0), f.employees_max.unwrap_or(u32::MAX)),
        founded: (f.founded_from.unwrap_or(0), f.founded_to.unwrap_or(u16::MAX)),
        flag_mask,
        synthetic: f.synthetic,
    })
}

impl Compiled {
    #[inline]
    fn keep(&self, s: &Snapshot, r: usize) -> bool {
        let fl = s.flags[r];
        if fl & self.flag_mask != self.flag_mask {
            return false;
        }
        if let Some(local) = self.local {
            if (fl & 16 != 0) != local {
                return false;
            }
        }
        if let Some(syn) = self.synthetic {
            if (fl & SYNTHETIC_BIT != 0) != syn {
                return false;
            }
        }
        let e = s.employees[r];
        if e < self.emp.0 || e > self.emp.1 {
            return false;
        }
        let y = s.founded[r];
        if (self.founded.0 > 0 || self.founded.1 < u16::MAX) && (y == 0 || y < self.founded.0 || y > self.founded.1) {
            return false;
        }
        if let Some(region) = self.region {
            let Some(want) = region else { return false };
            let reg = s.region[r];
            if reg == NO_REGION || s.regions.at(reg, self.region_level) != Some(want) {
                return false;
            }
        }
        true
    }

    fn for_each(&self, s: &Snapshot, mut f: impl FnMut(usize)) {
        match &self.rows {
            Some(bits) => {
                for (w, &word) in bits.iter().enumerate() {
                    let mut b = word;
                    while b != 0 {
                        let r = w * 64 + b.trailing_zeros() as usize;
                        b &= b - 1;
                        if self.keep(s, r) {
                            f(r);
                        }
                    }
                }
            }
            None => {
                for r in 0..s.len {
                    if self.keep(s, r) {
                        f(r);
                    }
                }
            }
        }
    }
}

fn weight_of(s: &Snapshot, w: Weight, r: usize) -> f64 {
    match w {
        Weight::Count => 1.0,
        Weight::Revenue => s.revenue[r] as f64,
        Weight::Employees => s.employees[r] as f64,
        Weight::Capital => s.capital[r] as f64,
    }
}

/// Parent of a fine cell at a coarser resolution, by bit arithmetic: set the resolution field and mark the finer
/// digits unused (7).
#[inline]
pub fn h3_parent(cell: u64, res: u8) -> u64 {
    const RES_SHIFT: u64 = 52;
    const RES_MASK: u64 = 0xf << RES_SHIFT;
    let cur = ((cell & RES_MASK) >> RES_SHIFT) as u8;
    if res >= cur {
        return cell;
    }
    let mut c = (cell & !RES_MASK) | ((res as u64) << RES_SHIFT);
    // Digits res+1..=15 occupy 3 bits each from the least significant end.
    let unused_bits = 3 * (15 - res as u64);
    c |= (1u64 << unused_bits) - 1;
    c
}

/// Aggregate the filtered enterprises.
pub fn heat(s: &Snapshot, filter: &HeatFilter, group: Grouping, weight: Weight) -> Result<Vec<HeatCell>, HeatError> {
    let c = compile(s, filter)?;
    let mut acc: FxHashMap<u64, (u64, f64)> = FxHashMap::default();
    match group {
        Grouping::H3(res) => {
            if !(3..=9).contains(&res) {
                return Err(HeatError::Resolution(res));
            }
            c.for_each(s, |r| {
                let cell = s.h3[r];
                if cell != 0 {
                    let e = acc.entry(h3_parent(cell, res)).or_default();
                    e.0 += 1;
                    e.1 += weight_of(s, weight, r);
                }
            });
        }
        Grouping::Admin(level) => {
            c.for_each(s, |r| {
                let reg = s.region[r];
                if reg != NO_REGION {
                    if let Some(g) = s.regions.at(reg, level) {
                        let e = acc.entry(g as u64).or_default();
                        e.0 += 1;
                        e.1 += weight_of(s, weight, r);
                    }
                }
            });
        }
    }
    let mut out: Vec<HeatCell> = acc
        .into_iter()
        .map(|(k, (count, value))| HeatCell {
            key: match group {
                Grouping::H3(_) => format!("{k:x}"),
                Grouping::Admin(_) => s.regions.codes[k as usize].clone(),
            },
            count,
            value,
        })
        .collect();
    out.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.key.cmp(&b.key)));
    Ok(out)
}

/// Rows that pass a filter (for drill-down: "click a cell and see the records it counts").
pub fn rows(s: &Snapshot, filter: &HeatFilter) -> Result<Vec<u32>, HeatError> {
    let c = compile(s, filter)?;
    let mut out = Vec::new();
    c.for_each(s, |r| out.push(r as u32));
    Ok(out)
}

/// The boundary of an H3 cell as (lat, lon) vertices, for GeoJSON output.
pub fn cell_boundary(cell: u64) -> Option<Vec<(f64, f64)>> {
    let c = h3o::CellIndex::try_from(cell).ok()?;
    Some(c.boundary().iter().map(|ll| (ll.lat(), ll.lng())).collect())
}
