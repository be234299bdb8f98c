//! The region × node matrix behind relatedness and complexity, built from the snapshot at a chosen
//! administrative level, and a digest of the measures for one focus region (what to fill in, what to extend into).

use crate::complexity::{complexity, ComplexityError, ComplexityInput, ComplexityOptions, ComplexityResult};
use crate::heat::{rows, HeatError, HeatFilter, Weight};
use crate::snapshot::{AdminLevel, Snapshot, NO_REGION};
use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum RelatednessError {
    #[error(transparent)]
    Filter(#[from] HeatError),
    #[error(transparent)]
    Complexity(#[from] ComplexityError),
    #[error("地区 '{0}' 在该行政级别上没有企业，因此矩阵中没有它的行 / region '{0}' has no enterprises at this level, so it has no row in the matrix")]
    FocusMissing(String),
}

impl RelatednessError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Filter(e) => e.code(),
            Self::Complexity(e) => e.code(),
            Self::FocusMissing(_) => "focus_not_in_matrix",
        }
    }
    pub fn parameter(&self) -> &'static str {
        match self {
            Self::Filter(e) => e.parameter(),
            Self::Complexity(_) => "level",
            Self::FocusMissing(_) => "focus",
        }
    }
}

/// Enterprises (or their revenue, employees, capital) per region at `level` and node, for the nodes the filter's
/// chain part selects (all nodes when it selects none). Regions and nodes come out sorted, as
/// [`ComplexityInput::from_triples`] orders them; pairs with nothing are 0.
pub fn region_node_matrix(
    s: &Snapshot,
    filter: &HeatFilter,
    level: AdminLevel,
    weight: Weight,
) -> Result<ComplexityInput, RelatednessError> {
    let t = &s.taxonomy;
    let chain_part = HeatFilter {
        tiers: filter.tiers.clone(),
        clusters: filter.clusters.clone(),
        chains: filter.chains.clone(),
        nodes: filter.nodes.clone(),
        ..Default::default()
    };
    let any_chain =
        !(chain_part.tiers.is_empty() && chain_part.clusters.is_empty() && chain_part.chains.is_empty() && chain_part.nodes.is_empty());
    // Which nodes: those the chain filters name, or all.
    let mut nodes: Vec<usize> = Vec::new();
    for (i, n) in t.nodes.iter().enumerate() {
        let keep = !any_chain
            || chain_part.nodes.contains(&n.id)
            || chain_part.chains.contains(&n.chain)
            || t.cluster_of_node(&n.id).is_some_and(|c| chain_part.clusters.contains(&c.id) || chain_part.tiers.contains(&c.tier));
        if keep {
            nodes.push(i);
        }
    }
    // Validate the filter (unknown ids are errors) and get the rows passing its other predicates.
    let passing = rows(s, filter)?;
    let mut pass = vec![false; s.len];
    for r in passing {
        pass[r as usize] = true;
    }
    let mut region_ids: Vec<u32> = Vec::new();
    let mut slot = vec![u32::MAX; s.regions.codes.len()];
    let mut cells: Vec<(u32, usize, f64)> = Vec::new();
    for (k, &n) in nodes.iter().enumerate() {
        let mut acc: rustc_hash::FxHashMap<u32, f64> = rustc_hash::FxHashMap::default();
        for &r in &s.node_rows[n] {
            let r = r as usize;
            if !pass[r] || s.region[r] == NO_REGION {
                continue;
            }
            let Some(g) = s.regions.at(s.region[r], level) else { continue };
            let w = match weight {
                Weight::Count => 1.0,
                Weight::Revenue => s.revenue[r] as f64,
                Weight::Employees => s.employees[r] as f64,
                Weight::Capital => s.capital[r] as f64,
            };
            *acc.entry(g).or_default() += w;
        }
        for (g, v) in acc {
            if slot[g as usize] == u32::MAX {
                slot[g as usize] = region_ids.len() as u32;
                region_ids.push(g);
            }
            cells.push((g, k, v));
        }
    }
    let triples = cells.into_iter().map(|(g, k, v)| (s.regions.codes[g as usize].clone(), t.nodes[nodes[k]].id.clone(), v));
    // Every selected node is a column even where no region has it, so the answer names all of them.
    let mut input = ComplexityInput::from_triples(triples)?;
    let all: Vec<String> = nodes.iter().map(|&n| t.nodes[n].id.clone()).collect();
    if input.industries.len() < all.len() {
        let mut ids = all;
        ids.sort();
        let n_new = ids.len();
        let mut values = vec![0.0; input.regions.len() * n_new];
        for r in 0..input.regions.len() {
            for (i, id) in input.industries.iter().enumerate() {
                let j = ids.binary_search(id).unwrap_or(0);
                values[r * n_new + j] = input.values[r * input.industries.len() + i];
            }
        }
        input = ComplexityInput { regions: input.regions, industries: ids, values };
    }
    Ok(input)
}

/// One node as seen from the focus region.
#[derive(Debug, Clone, Serialize)]
pub struct NodeView {
    pub node: String,
    pub value: f64,
    pub rca: Option<f64>,
    pub present: bool,
    pub density: Option<f64>,
    pub cog: Option<f64>,
    pub pci: Option<f64>,
}

/// A region and its ECI.
#[derive(Debug, Clone, Serialize)]
pub struct RegionRank {
    pub region: String,
    pub eci: Option<f64>,
    pub diversity: u32,
}

/// What the focus region's figures say.
#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    pub level: AdminLevel,
    pub regions: usize,
    pub nodes: usize,
    pub focus: String,
    pub eci: Option<f64>,
    pub coi: Option<f64>,
    /// Rank of the focus by ECI, 1 = most complex, among regions with a value.
    pub eci_rank: Option<usize>,
    pub diversity: u32,
    /// Every node: present ones first by RCA, then absent ones by density (the most related first).
    pub node_views: Vec<NodeView>,
    /// Regions by ECI, highest first.
    pub ranking: Vec<RegionRank>,
    pub options: ComplexityOptions,
}

fn opt(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Compute every measure and digest it for `focus` (a region code at `level`).
pub fn digest(
    s: &Snapshot,
    filter: &HeatFilter,
    level: AdminLevel,
    weight: Weight,
    focus: &str,
    opts: &ComplexityOptions,
) -> Result<(Digest, ComplexityResult), RelatednessError> {
    let input = region_node_matrix(s, filter, level, weight)?;
    let res = complexity(&input, opts)?;
    let f = res.regions.iter().position(|r| r == focus).ok_or_else(|| RelatednessError::FocusMissing(focus.to_string()))?;
    let ni = res.industries.len();
    let mut views: Vec<NodeView> = (0..ni)
        .map(|i| NodeView {
            node: res.industries[i].clone(),
            value: input.values[f * ni + i],
            rca: opt(res.rca[f * ni + i]),
            present: res.mcp[f * ni + i] == 1.0,
            density: opt(res.density[f * ni + i]),
            cog: opt(res.cog[f * ni + i]),
            pci: opt(res.pci[i]),
        })
        .collect();
    views.sort_by(|a, b| {
        b.present.cmp(&a.present).then_with(|| {
            if a.present {
                b.rca.unwrap_or(0.0).total_cmp(&a.rca.unwrap_or(0.0))
            } else {
                b.density.unwrap_or(-1.0).total_cmp(&a.density.unwrap_or(-1.0))
            }
        })
    });
    let mut ranking: Vec<RegionRank> = res
        .regions
        .iter()
        .enumerate()
        .map(|(r, code)| RegionRank { region: code.clone(), eci: opt(res.eci[r]), diversity: res.diversity[r] })
        .collect();
    ranking.sort_by(|a, b| b.eci.unwrap_or(f64::MIN).total_cmp(&a.eci.unwrap_or(f64::MIN)).then(a.region.cmp(&b.region)));
    let eci_rank = ranking.iter().filter(|r| r.eci.is_some()).position(|r| r.region == focus).map(|p| p + 1);
    let d = Digest {
        level,
        regions: res.regions.len(),
        nodes: ni,
        focus: focus.to_string(),
        eci: opt(res.eci[f]),
        coi: opt(res.coi[f]),
        eci_rank,
        diversity: res.diversity[f],
        node_views: views,
        ranking,
        options: *opts,
    };
    Ok((d, res))
}
