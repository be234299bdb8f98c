//! Test worlds for the lead ranking's back-test, built in memory and independent of the demo generator.
//!
//! Each world is a population of enterprises on the taxonomy's chain nodes, spread over prefectures, with yearly
//! figures, and a *hidden* arrival process: every outside enterprise has a fixed yearly chance of opening a branch in
//! the home city, drawn from a logistic model over its own facts. The worlds differ in what that chance follows:
//!
//! - [`WorldKind::SupplyTies`]: arrivals follow supply ties to the home city's local leaders (leaders and firms on
//!   the nodes next to the enterprise's node along supply edges) and nearness; size matters a little, growth not;
//! - [`WorldKind::GrowthCrowding`]: arrivals follow the enterprise's growth and shy away from nodes already crowded
//!   in the home city; size and distance matter little. Growing groups also open more branches elsewhere.
//!
//! Every outside enterprise's true yearly odds are returned with the world, so a back-test can set an oracle ranking
//! beside the model. The output is deterministic for a seed and takes well under a second at 30,000 enterprises.

use crate::rng::{mix, Rng};
use crate::SynthError;
use chainscope_model::{Enterprise, Flags, Membership, MembershipSource, Taxonomy, YearFigure};
use chrono::NaiveDate;

/// Which arrival process a world follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorldKind {
    SupplyTies,
    GrowthCrowding,
}

impl WorldKind {
    pub const ALL: [WorldKind; 2] = [WorldKind::SupplyTies, WorldKind::GrowthCrowding];

    pub fn name(self) -> &'static str {
        match self {
            Self::SupplyTies => "supply_ties",
            Self::GrowthCrowding => "growth_crowding",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// A prefecture enterprises can be placed in: its region code and centre.
#[derive(Debug, Clone, PartialEq)]
pub struct Prefecture {
    pub code: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorldConfig {
    pub kind: WorldKind,
    /// Enterprises other than branches.
    pub enterprises: usize,
    pub seed: u64,
    /// Yearly figures run from `first_year` to `last_year`; arrivals happen in the years after `first_year`.
    pub first_year: i32,
    pub last_year: i32,
    /// Share of the enterprises placed in the home city.
    pub home_share: f64,
    /// Mean yearly chance of arriving, over the outside enterprises.
    pub arrival_rate: f64,
}

impl WorldConfig {
    pub fn new(kind: WorldKind, enterprises: usize, seed: u64) -> Self {
        Self { kind, enterprises, seed, first_year: 2015, last_year: 2025, home_share: 0.06, arrival_rate: 0.004 }
    }
}

/// A built world.
#[derive(Debug, Clone)]
pub struct TestWorld {
    pub kind: WorldKind,
    /// Base enterprises first, then the branches (at home: arrivals; elsewhere: expansions), in founding order.
    pub enterprises: Vec<Enterprise>,
    /// Per outside base enterprise (by `ext_id`): its true yearly chance of arriving.
    pub odds: Vec<(String, f64)>,
    /// Branches opened in the home city, per year.
    pub arrivals_per_year: Vec<(i32, u32)>,
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = std::f64::consts::PI / 180.0;
    let x = (b.1 - a.1) * r * ((a.0 + b.0) * 0.5 * r).cos();
    let y = (b.0 - a.0) * r;
    (x * x + y * y).sqrt() * 6371.0
}

struct Base {
    node: usize,
    place: usize,
    founded: i32,
    /// Standardised log size and growth draws.
    z_size: f64,
    growth: f64,
}

fn day(rng: &mut Rng, year: i32) -> NaiveDate {
    let doy = rng.range_i32(1, 365) as u32;
    NaiveDate::from_yo_opt(year, doy).or_else(|| NaiveDate::from_ymd_opt(year, 1, 1)).unwrap_or_default()
}

fn membership(node: &str) -> Membership {
    Membership { node: node.to_string(), source: MembershipSource::Manual, confidence: 1.0 }
}

/// Build a world. `home` must be the code of one of `prefectures`.
pub fn build_world(cfg: &WorldConfig, tax: &Taxonomy, prefectures: &[Prefecture], home: &str) -> Result<TestWorld, SynthError> {
    if tax.nodes.is_empty() {
        return Err(SynthError::EmptyTaxonomy);
    }
    let Some(home_idx) = prefectures.iter().position(|p| p.code == home) else {
        return Err(SynthError::Config(format!("the home region {home} is not among the prefectures")));
    };
    if prefectures.len() < 2 {
        return Err(SynthError::NoCities);
    }
    if cfg.first_year >= cfg.last_year || !(0.0..1.0).contains(&cfg.home_share) || !(0.0..0.5).contains(&cfg.arrival_rate) {
        return Err(SynthError::Config("world: first_year < last_year, home_share and arrival_rate within 0..1".into()));
    }
    let mut rng = Rng::new(mix(cfg.seed, 0x57_0000 + cfg.kind as u64));
    let nodes = tax.nodes.len();
    // Node weights (some nodes busy, some rare) and the home city's own bent (some nodes strong here, some missing).
    let node_w: Vec<f64> = (0..nodes).map(|_| (0.8 * rng.normal()).exp()).collect();
    let home_bent: Vec<f64> = (0..nodes).map(|_| (1.3 * rng.normal()).exp()).collect();
    let place_w: Vec<f64> = prefectures.iter().map(|_| (1.0 * rng.normal()).exp()).collect();
    let node_table = crate::rng::Cumulative::new(node_w.iter().copied());
    let home_table = crate::rng::Cumulative::new(node_w.iter().zip(&home_bent).map(|(a, b)| a * b));
    let place_table = crate::rng::Cumulative::new(place_w.iter().enumerate().map(|(i, w)| if i == home_idx { 0.0 } else { *w }));
    let centre = |i: usize| (prefectures[i].lat, prefectures[i].lon);

    let mut base: Vec<Base> = Vec::with_capacity(cfg.enterprises);
    for _ in 0..cfg.enterprises {
        let at_home = rng.chance(cfg.home_share);
        let place = if at_home { home_idx } else { place_table.sample(&mut rng).unwrap_or(0) };
        let node = if at_home { home_table.sample(&mut rng) } else { node_table.sample(&mut rng) }.unwrap_or(0);
        let founded = rng.range_i32(cfg.first_year - 20, cfg.last_year - 1);
        base.push(Base { node, place, founded, z_size: rng.normal(), growth: 0.04 + 0.10 * rng.normal() });
    }
    // Local leaders: the home city's largest enterprises (top 8 % by size among locals).
    let mut local_sizes: Vec<f64> = base.iter().filter(|b| b.place == home_idx).map(|b| b.z_size).collect();
    local_sizes.sort_by(|a, b| b.total_cmp(a));
    let leader_cut = local_sizes.get(local_sizes.len() * 8 / 100).copied().unwrap_or(f64::INFINITY);
    let is_leader = |b: &Base| b.place == home_idx && b.z_size >= leader_cut;
    let mut local = vec![0f64; nodes];
    let mut leaders = vec![0f64; nodes];
    for b in &base {
        if b.place == home_idx {
            local[b.node] += 1.0;
            if is_leader(b) {
                leaders[b.node] += 1.0;
            }
        }
    }
    // Supply neighbours of each node, as the taxonomy's edges say (both directions).
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    for (i, n) in tax.nodes.iter().enumerate() {
        for s in &n.supplies {
            if let Some(j) = tax.node_idx(s) {
                if j != i {
                    next[i].push(j);
                    next[j].push(i);
                }
            }
        }
    }
    for v in &mut next {
        v.sort_unstable();
        v.dedup();
    }
    // Ties: leaders next door weigh most (their square root: the first ones matter most), then local firms.
    let ties: Vec<f64> = (0..nodes)
        .map(|n| {
            let l: f64 = next[n].iter().map(|&m| leaders[m]).sum();
            let f: f64 = next[n].iter().map(|&m| local[m]).sum();
            l.sqrt() + 0.05 * f.sqrt()
        })
        .collect();
    let tie_mean = ties.iter().sum::<f64>() / nodes as f64;
    let crowd: Vec<f64> = local.iter().map(|&x| (1.0 + x).ln()).collect();
    let crowd_mean = crowd.iter().sum::<f64>() / nodes as f64;

    // Each outside enterprise's yearly log-odds before the intercept.
    let lean: Vec<Option<f64>> = base
        .iter()
        .map(|b| {
            if b.place == home_idx {
                return None;
            }
            let d = km(centre(b.place), centre(home_idx));
            let zg = (b.growth - 0.04) / 0.10;
            Some(match cfg.kind {
                WorldKind::SupplyTies => 1.6 * (ties[b.node] - tie_mean) - 1.8 * d / 1000.0 + 0.25 * b.z_size,
                WorldKind::GrowthCrowding => 1.3 * zg - 1.4 * (crowd[b.node] - crowd_mean) + 0.1 * b.z_size - 0.2 * d / 1000.0,
            })
        })
        .collect();
    // The intercept that gives the asked mean yearly chance (bisection).
    let outside: Vec<f64> = lean.iter().flatten().copied().collect();
    let mean_at = |a: f64| outside.iter().map(|x| sigmoid(a + x)).sum::<f64>() / outside.len().max(1) as f64;
    let (mut lo, mut hi) = (-30.0, 10.0);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if mean_at(mid) < cfg.arrival_rate {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let odds_of: Vec<Option<f64>> = lean.iter().map(|x| x.map(|x| sigmoid(lo + x))).collect();

    let prefix = cfg.kind.name();
    let ext = |i: usize| format!("{prefix}-{i}");
    let mut out: Vec<Enterprise> = Vec::with_capacity(cfg.enterprises + cfg.enterprises / 5);
    for (i, b) in base.iter().enumerate() {
        let id = ext(i);
        let pref = &prefectures[b.place];
        let mut e = Enterprise::new(Enterprise::natural_key(None, None, Some(&id), "", None), format!("{prefix} {i}"));
        e.ext_id = Some(id);
        e.region_code = Some(pref.code.clone());
        e.lat = Some(pref.lat);
        e.lon = Some(pref.lon);
        e.founded = Some(day(&mut rng, b.founded));
        e.memberships = vec![membership(&tax.nodes[b.node].id)];
        e.flags = Flags { local: b.place == home_idx, chain_leader: is_leader(b), ..Flags::default() };
        // Revenue (万元) at the last year, back-cast with the enterprise's growth and a little noise.
        let last = (8.0 + 1.5 * b.z_size).exp();
        for y in b.founded.max(cfg.first_year)..=cfg.last_year {
            let r = last / (1.0 + b.growth).powi(cfg.last_year - y) * (0.05 * rng.normal()).exp();
            e.series.push(YearFigure { year: y, revenue: Some(r.round().max(1.0)), employees: Some((r / 60.0).round().max(1.0) as u32) });
        }
        e.revenue = e.series.last().and_then(|f| f.revenue);
        e.employees = e.series.last().and_then(|f| f.employees);
        e.synthetic = true;
        out.push(e);
    }
    // Branches, year by year: arrivals in the home city by the hidden odds, expansions elsewhere.
    let mut arrivals_per_year = Vec::new();
    let mut branch_no = 0usize;
    for y in cfg.first_year + 1..=cfg.last_year {
        let mut arrived = 0u32;
        for (i, b) in base.iter().enumerate() {
            let Some(h) = odds_of[i] else { continue };
            if b.founded >= y {
                continue;
            }
            let zg = (b.growth - 0.04) / 0.10;
            let elsewhere = match cfg.kind {
                WorldKind::SupplyTies => 0.03 * (0.3 * b.z_size).exp(),
                WorldKind::GrowthCrowding => 0.03 * (0.9 * zg).exp(),
            };
            let here = rng.chance(h);
            let there = rng.chance(elsewhere.min(0.5));
            for home_branch in [true, false] {
                if (home_branch && !here) || (!home_branch && !there) {
                    continue;
                }
                branch_no += 1;
                let id = format!("{prefix}-b{branch_no}");
                let place = if home_branch { home_idx } else { place_table.sample(&mut rng).unwrap_or(0) };
                let pref = &prefectures[place];
                let mut e =
                    Enterprise::new(Enterprise::natural_key(None, None, Some(&id), "", None), format!("{prefix} branch {branch_no}"));
                e.ext_id = Some(id);
                e.parent = out[i].ext_id.clone();
                e.region_code = Some(pref.code.clone());
                e.lat = Some(pref.lat);
                e.lon = Some(pref.lon);
                e.founded = Some(day(&mut rng, y));
                e.flags = Flags { local: home_branch, ..Flags::default() };
                e.synthetic = true;
                if home_branch {
                    // A branch here is local presence on the node from then on.
                    e.memberships = vec![membership(&tax.nodes[b.node].id)];
                    arrived += 1;
                }
                out.push(e);
            }
        }
        arrivals_per_year.push((y, arrived));
    }
    let odds = base.iter().enumerate().filter_map(|(i, _)| odds_of[i].map(|h| (ext(i), h))).collect();
    Ok(TestWorld { kind: cfg.kind, enterprises: out, odds, arrivals_per_year })
}
