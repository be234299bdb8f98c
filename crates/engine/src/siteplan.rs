//! Site plans (最优方案): parks and carrier platforms ranked for an investor's project.
//!
//! Six parts, each in 0..=1 with its evidence, combine as a weighted mean (a part without evidence takes the
//! candidates' mean and is marked unknown, as in targeting):
//! - **fit** — the park's lead clusters (a carrier inherits its host park's): the project's cluster 1, another
//!   cluster of the same tier 0.4, otherwise 0.1;
//! - **partners** — the home city's enterprises within [`REACH_KM`] on the project's node and its supply neighbours
//!   (suppliers upstream, customers downstream), x / (x + x̄) over the candidates;
//! - **space** — available land (ha) or floor (m²) against what the project needs; a park with less than needed
//!   scores the share it has, with nothing available it scores 0 and is *never ranked first*;
//! - **cost** — land price or rent against the budget: at or under budget 1 − ½·price/budget, over it falling to 0
//!   at 1.5× the budget;
//! - **logistics** — for each hub kind the investor values (port, rail freight, airport, sea–rail via the land port
//!   where those trains start), 1 / (1 + d / 30 km) to the nearest, averaged;
//! - **talent** — employees of the home city's enterprises within [`REACH_KM`], x / (x + x̄).

use crate::near::{distance_km, position};
use crate::snapshot::Snapshot;
use chainscope_model::{Hub, Park, ParkKind};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How far partners and the talent pool are counted from a site.
pub const REACH_KM: f64 = 15.0;

/// How many of the nearby suppliers and customers a site's evidence names.
pub const NAMED_PARTNERS: usize = 3;

pub const PARTS: [&str; 6] = ["fit", "partners", "space", "cost", "logistics", "talent"];

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SiteWeights {
    pub fit: f64,
    pub partners: f64,
    pub space: f64,
    pub cost: f64,
    pub logistics: f64,
    pub talent: f64,
}

impl Default for SiteWeights {
    fn default() -> Self {
        Self { fit: 2.0, partners: 2.0, space: 2.0, cost: 1.5, logistics: 1.0, talent: 1.0 }
    }
}

impl SiteWeights {
    fn as_array(&self) -> [f64; 6] {
        [self.fit, self.partners, self.space, self.cost, self.logistics, self.talent]
    }
}

/// Hub kinds an investor can value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HubKind {
    Port,
    RailFreight,
    Airport,
    SeaRail,
}

impl HubKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "port" => Some(Self::Port),
            "rail_freight" | "rail" => Some(Self::RailFreight),
            "airport" => Some(Self::Airport),
            "sea_rail" => Some(Self::SeaRail),
            _ => None,
        }
    }
    /// The hubs a site reaches this kind through: sea–rail trains start at the rail freight hubs (the land port).
    fn served_by(self) -> &'static str {
        match self {
            Self::Port => "port",
            Self::RailFreight | Self::SeaRail => "rail_freight",
            Self::Airport => "airport",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SiteRequest {
    /// The project's node (gives its cluster and supply neighbours), or only a cluster.
    pub node: Option<String>,
    pub cluster: Option<String>,
    /// Land needed, hectares.
    pub land_ha: Option<f64>,
    /// Floor space needed, m².
    pub floor_m2: Option<f64>,
    /// The carrier type wanted (standard factory, office, incubator …); `None`: any, parks included.
    pub building: Option<ParkKind>,
    /// Budget: land price in yuan/m², or rent in yuan/m²/month when floor space is asked for.
    pub budget_yuan_m2: Option<f64>,
    pub logistics: Vec<HubKind>,
    pub weights: SiteWeights,
    pub limit: usize,
}

const WEIGHT_RULE: &str = "each weight between 0 and 100, at least one above 0";

/// The Chinese for a [`SiteError::Weights`] detail.
fn weights_zh(detail: &str) -> &str {
    match detail {
        WEIGHT_RULE => "每个权重都应在 0 到 100 之间，且至少一个大于 0",
        other => other,
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum SiteError {
    #[error("请给出项目所属的节点或集群 / give the project's node or cluster")]
    NoIndustry,
    #[error("未知节点 '{0}' / unknown node '{0}'")]
    UnknownNode(String),
    #[error("未知集群 '{0}' / unknown cluster '{0}'")]
    UnknownCluster(String),
    #[error("请给出项目所需的用地（公顷）或建筑面积（平方米） / give the land (ha) or floor space (m²) the project needs")]
    NoSpace,
    #[error("{0} 应为小于 {1} 的正数 / {0} must be a positive number below {1}")]
    OutOfRange(&'static str, f64),
    #[error("权重无效：{zh} / invalid weights: {0}", zh = weights_zh(.0))]
    Weights(String),
    #[error("limit 应在 1 到 500 之间 / limit must be between 1 and 500")]
    Limit,
}

impl SiteError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoIndustry | Self::NoSpace => "missing_parameter",
            Self::UnknownNode(_) | Self::UnknownCluster(_) => "unknown_filter_value",
            Self::OutOfRange(..) => "out_of_range",
            Self::Weights(_) => "invalid_weights",
            Self::Limit => "invalid_limit",
        }
    }
    pub fn parameter(&self) -> &'static str {
        match self {
            Self::NoIndustry | Self::UnknownNode(_) => "node",
            Self::UnknownCluster(_) => "cluster",
            Self::NoSpace => "land_ha",
            Self::OutOfRange(p, _) => p,
            Self::Weights(_) => "weights",
            Self::Limit => "limit",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SitePart {
    pub value: Option<f64>,
    pub used: f64,
    pub weight: f64,
}

/// Space a site lacks for a project: in hectares of land or square metres of floor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Shortfall {
    /// `ha` or `m2`.
    pub unit: &'static str,
    pub need: f64,
    pub have: f64,
}

/// The nearest hub of a valued kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HubReach {
    pub kind: HubKind,
    pub hub: String,
    pub distance_km: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    pub park: String,
    pub score: f64,
    pub known: f64,
    pub parts: [SitePart; 6],
    /// Known to have nothing of the asked kind of space available now: shown, never first.
    pub no_space: bool,
    /// Known to have some space, but less than the project needs: ranked after every site with enough (or unknown).
    pub too_small: bool,
    /// What is missing where the site is known to have less than the need (the tighter of land and floor).
    pub shortfall: Option<Shortfall>,
    pub fit_cluster: bool,
    pub suppliers_near: u64,
    pub customers_near: u64,
    /// The largest suppliers and customers within reach (store ids, at most [`NAMED_PARTNERS`] each), to be named.
    pub top_suppliers: Vec<u32>,
    pub top_customers: Vec<u32>,
    pub peers_near: u64,
    pub talent_near: u64,
    pub price: Option<f64>,
    pub hubs: Vec<HubReach>,
}

fn check_positive(name: &'static str, v: Option<f64>, max: f64) -> Result<(), SiteError> {
    match v {
        Some(x) if !(x.is_finite() && x > 0.0 && x < max) => Err(SiteError::OutOfRange(name, max)),
        _ => Ok(()),
    }
}

/// Rank `parks` (parks and carriers) for the request.
pub fn plan(s: &Snapshot, parks: &[Park], hubs: &[Hub], req: &SiteRequest) -> Result<Vec<Site>, SiteError> {
    let t = &s.taxonomy;
    let node_idx = match &req.node {
        Some(n) => Some(t.node_idx(n).ok_or_else(|| SiteError::UnknownNode(n.clone()))?),
        None => None,
    };
    let cluster = match (&req.cluster, node_idx) {
        (Some(c), _) => {
            t.cluster(c).ok_or_else(|| SiteError::UnknownCluster(c.clone()))?;
            c.clone()
        }
        (None, Some(n)) => t.cluster_of_node(&t.nodes[n].id).map(|c| c.id.clone()).ok_or(SiteError::NoIndustry)?,
        (None, None) => return Err(SiteError::NoIndustry),
    };
    if req.land_ha.is_none() && req.floor_m2.is_none() {
        return Err(SiteError::NoSpace);
    }
    check_positive("land_ha", req.land_ha, 100_000.0)?;
    check_positive("floor_m2", req.floor_m2, 10_000_000.0)?;
    check_positive("budget_yuan_m2", req.budget_yuan_m2, 1_000_000.0)?;
    let w = req.weights.as_array();
    if w.iter().any(|x| !x.is_finite() || *x < 0.0 || *x > 100.0) || w.iter().sum::<f64>() <= 0.0 {
        return Err(SiteError::Weights(WEIGHT_RULE.into()));
    }
    if req.limit == 0 || req.limit > 500 {
        return Err(SiteError::Limit);
    }
    let tier = t.cluster(&cluster).map(|c| c.tier.clone());
    // Supply neighbours of the project's node: who supplies it, whom it supplies.
    let (mut up, mut down) = (Vec::new(), Vec::new());
    if let Some(n) = node_idx {
        let id = &t.nodes[n].id;
        for (j, other) in t.nodes.iter().enumerate() {
            if other.supplies.iter().any(|x| x == id) {
                up.push(j);
            }
        }
        for sup in &t.nodes[n].supplies {
            down.extend(t.node_idx(sup));
        }
    }
    let candidates: Vec<&Park> =
        parks.iter().filter(|p| req.building.is_none_or(|b| p.kind == b)).filter(|p| p.lat.is_some() && p.lon.is_some()).collect();
    let host = |p: &Park| -> Option<&Park> { p.park_id.as_deref().and_then(|h| parks.iter().find(|x| x.id == h)) };
    // Partners and the talent pool are counted among the home city's enterprises (sites are in the home city);
    // their positions are computed once per request.
    let home_filter = crate::heat::HeatFilter { region: Some(s.home_region.clone()), ..Default::default() };
    let home_rows = crate::heat::rows(s, &home_filter).unwrap_or_default();
    let positions: rustc_hash::FxHashMap<u32, (f64, f64)> = home_rows.iter().filter_map(|&r| Some((r, position(s, r as usize)?))).collect();
    let within = |r: u32, lat: f64, lon: f64| -> bool {
        positions.get(&r).is_some_and(|&(a, b)| (a - lat).abs() < 0.2 && (b - lon).abs() < 0.25 && distance_km(lat, lon, a, b) <= REACH_KM)
    };
    let near_count = |rows: &[u32], lat: f64, lon: f64| -> u64 { rows.iter().filter(|&&r| within(r, lat, lon)).count() as u64 };
    // The largest partners within reach on some nodes (store ids), for the evidence to name them.
    let near_top = |nodes: &[usize], lat: f64, lon: f64| -> Vec<u32> {
        let mut rows: Vec<u32> = nodes.iter().flat_map(|&n| s.node_rows[n].iter().copied()).filter(|&r| within(r, lat, lon)).collect();
        rows.sort_unstable();
        rows.dedup();
        rows.sort_by(|&a, &b| s.revenue[b as usize].total_cmp(&s.revenue[a as usize]).then(a.cmp(&b)));
        rows.truncate(NAMED_PARTNERS);
        rows.into_iter().map(|r| s.ids[r as usize]).collect()
    };
    let mut raw: Vec<([Option<f64>; 6], Site)> = Vec::with_capacity(candidates.len());
    for p in candidates {
        let (lat, lon) = (p.lat.unwrap_or_default(), p.lon.unwrap_or_default());
        let leads: Vec<String> =
            if p.lead_clusters.is_empty() { host(p).map(|h| h.lead_clusters.clone()).unwrap_or_default() } else { p.lead_clusters.clone() };
        let fit_cluster = leads.contains(&cluster);
        let fit = if leads.is_empty() {
            None
        } else if fit_cluster {
            Some(1.0)
        } else if leads.iter().any(|c| t.cluster(c).map(|c| &c.tier) == tier.as_ref()) {
            Some(0.4)
        } else {
            Some(0.1)
        };
        let sum_near = |nodes: &[usize]| nodes.iter().map(|&n| near_count(&s.node_rows[n], lat, lon)).sum::<u64>();
        let (suppliers, customers) = (sum_near(&up), sum_near(&down));
        let (top_suppliers, top_customers) = (near_top(&up, lat, lon), near_top(&down, lat, lon));
        let peers = node_idx.map_or(0, |n| near_count(&s.node_rows[n], lat, lon));
        let talent: u64 = home_rows.iter().filter(|&&r| within(r, lat, lon)).map(|&r| s.employees[r as usize] as u64).sum();
        // Space: land for a land request, floor for a floor request; both asked → the weaker of the two.
        let share = |need: Option<f64>, have: Option<f64>| -> Option<Option<f64>> { need.map(|n| have.map(|h| (h / n).min(1.0))) };
        // A carrier building offers floor space, not land.
        let land_have = if p.kind.is_carrier() { Some(0.0) } else { p.land_available_ha };
        let land = share(req.land_ha, land_have);
        let floor = share(req.floor_m2, p.floor_available_m2);
        let space: Option<f64> = match (land, floor) {
            (Some(a), Some(b)) => match (a, b) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (x, y) => x.or(y).map(|v| v.min(0.0)),
            },
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => None,
        };
        // Marked only when it is known that nothing is available; unknown availability is unknown, not none.
        let no_space = space.is_some_and(|v| v <= 0.0);
        let too_small = space.is_some_and(|v| v > 0.0 && v < 1.0);
        // The tighter of the two needs that the site is known not to meet.
        let short = |unit: &'static str, need: Option<f64>, have: Option<f64>| match (need, have) {
            (Some(n), Some(h)) if h < n => Some(Shortfall { unit, need: n, have: h.max(0.0) }),
            _ => None,
        };
        let shortfall = [short("ha", req.land_ha, land_have), short("m2", req.floor_m2, p.floor_available_m2)]
            .into_iter()
            .flatten()
            .min_by(|a, b| (a.have / a.need).total_cmp(&(b.have / b.need)));
        let price = if req.floor_m2.is_some() && req.land_ha.is_none() {
            p.rent_yuan_m2_month.or(p.price_sale_yuan_m2)
        } else {
            p.price_land_yuan_m2
        };
        // A price of 0 is a missing figure, not a free site.
        let price = price.filter(|x| *x > 0.0);
        let cost = match (req.budget_yuan_m2, price) {
            (Some(b), Some(pr)) if pr <= b => Some(1.0 - 0.5 * pr / b),
            (Some(b), Some(pr)) => Some((0.5 - (pr / b - 1.0)).max(0.0)),
            _ => None,
        };
        let mut reach = Vec::new();
        for k in &req.logistics {
            let best = hubs
                .iter()
                .filter(|h| h.kind == k.served_by())
                .filter_map(|h| Some((h, distance_km(lat, lon, h.lat?, h.lon?))))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((h, d)) = best {
                reach.push(HubReach { kind: *k, hub: h.id.clone(), distance_km: d });
            }
        }
        let logistics = (!req.logistics.is_empty() && !reach.is_empty())
            .then(|| reach.iter().map(|r| 1.0 / (1.0 + r.distance_km / 30.0)).sum::<f64>() / req.logistics.len() as f64);
        let partners_x = (suppliers + customers + peers) as f64;
        let values = [fit, Some(partners_x), space, cost, logistics, Some(talent as f64)];
        raw.push((
            values,
            Site {
                park: p.id.clone(),
                score: 0.0,
                known: 0.0,
                parts: [SitePart { value: None, used: 0.0, weight: 0.0 }; 6],
                no_space,
                too_small,
                shortfall,
                fit_cluster,
                suppliers_near: suppliers,
                customers_near: customers,
                top_suppliers,
                top_customers,
                peers_near: peers,
                talent_near: talent,
                price,
                hubs: reach,
            },
        ));
    }
    // Counts become x / (x + mean x).
    for i in [1usize, 5] {
        let xs: Vec<f64> = raw.iter().filter_map(|r| r.0[i]).collect();
        let mean = if xs.is_empty() { 0.0 } else { xs.iter().sum::<f64>() / xs.len() as f64 };
        for r in &mut raw {
            r.0[i] = r.0[i].map(|x| if x + mean > 0.0 { x / (x + mean) } else { 0.0 });
        }
    }
    let means: [f64; 6] = std::array::from_fn(|i| {
        let xs: Vec<f64> = raw.iter().filter_map(|r| r.0[i]).collect();
        if xs.is_empty() {
            0.5
        } else {
            xs.iter().sum::<f64>() / xs.len() as f64
        }
    });
    let wsum: f64 = w.iter().sum();
    let mut out: Vec<Site> = raw
        .into_iter()
        .map(|(v, mut site)| {
            let (mut sc, mut known) = (0.0, 0.0);
            for i in 0..6 {
                let used = v[i].unwrap_or(means[i]);
                sc += w[i] * used;
                if v[i].is_some() {
                    known += w[i];
                }
                site.parts[i] = SitePart { value: v[i], used, weight: w[i] };
            }
            site.score = 100.0 * sc / wsum;
            site.known = known / wsum;
            site
        })
        .collect();
    // Sites with enough space (or not known to lack it) first, then those with too little, then those with none;
    // by score within each. A site known to be too small is never above one that fits.
    let class = |x: &Site| u8::from(x.too_small) + 2 * u8::from(x.no_space);
    out.sort_by(|a, b| class(a).cmp(&class(b)).then(b.score.total_cmp(&a.score)).then(a.park.cmp(&b.park)));
    out.truncate(req.limit);
    Ok(out)
}
