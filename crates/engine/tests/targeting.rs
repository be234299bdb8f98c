//! Lead scoring on hand-built worlds: each part moves the score the way it should, unknown evidence is not counted
//! as zero, exclusions hold, and bad requests are refused.

mod common;

use chainscope_engine::targeting::{growth, rank, Context, Query, TargetError, Weights};
use chainscope_engine::{HeatFilter, Snapshot};
use chainscope_model::{Enterprise, Flags, RegionRegistry, YearFigure};
use chainscope_testkit::{located, member, region, TaxonomyToml};
use rustc_hash::{FxHashMap, FxHashSet};

fn taxonomy() -> TaxonomyToml {
    TaxonomyToml::default()
        .tier("advantage", "优势")
        .cluster("cm", "advantage", "工程机械")
        .chain("cm", "cm", "工程机械链")
        .node("cm.hyd", "cm", "液压", "upstream", &["cm.exc"])
        .node("cm.exc", "cm", "挖掘机", "midstream", &["cm.lease"])
        .node("cm.lease", "cm", "租赁", "downstream", &[])
}

fn registry() -> RegionRegistry {
    chainscope_testkit::registry_of([
        region("CN"),
        located("320000", 32.9, 119.4),
        located("320300", 34.26, 117.18),
        located("320500", 31.3, 120.6),
        located("440000", 23.1, 113.3),
        located("440100", 23.13, 113.26),
    ])
}

/// A firm on `node` in `region` with the given revenue and yearly revenue growth (None: no yearly figures).
fn firm(key: &str, node: &str, region: &str, revenue: Option<f64>, growth_rate: Option<f64>) -> Enterprise {
    let series = match (revenue, growth_rate) {
        (Some(r), Some(g)) => {
            (2021..=2023).map(|y| YearFigure { year: y, revenue: Some(r / (1.0 + g).powi(2023 - y)), employees: None }).collect()
        }
        _ => Vec::new(),
    };
    Enterprise {
        revenue,
        series,
        flags: Flags { local: region == "320300", ..Default::default() },
        ..member(key, key, &[node], Some(region))
    }
}

fn leader(key: &str, node: &str) -> Enterprise {
    let mut e = firm(key, node, "320300", Some(50_000.0), None);
    e.flags.chain_leader = true;
    e
}

fn world(firms: &[Enterprise]) -> (Snapshot, RegionRegistry) {
    let reg = registry();
    (common::snapshot(taxonomy().build(), firms, &reg), reg)
}

fn query(w: Weights) -> Query {
    Query { filter: HeatFilter { chains: vec!["cm".into()], ..Default::default() }, weights: w, limit: 100, ..Default::default() }
}

const ZERO: Weights = Weights { gap: 0.0, supply: 0.0, related: 0.0, momentum: 0.0, scale: 0.0, affinity: 0.0 };

/// Rank and return (row → score), plus the order of rows.
fn scores(s: &Snapshot, ctx: &Context, q: &Query) -> (FxHashMap<u32, f64>, Vec<u32>) {
    let r = rank(s, ctx, q).expect("rank");
    (r.leads.iter().map(|l| (l.row, l.score)).collect(), r.leads.iter().map(|l| l.row).collect())
}

/// Base world: local firms on cm.exc (one a leader), none on cm.hyd (missing), outside firms on every node.
fn base() -> Vec<Enterprise> {
    vec![
        leader("local-leader", "cm.exc"),                                 // row 0
        firm("local-1", "cm.exc", "320300", Some(1000.0), None),          // row 1
        firm("local-2", "cm.exc", "320300", Some(1000.0), None),          // row 2
        firm("local-3", "cm.lease", "320300", Some(1000.0), None),        // row 3
        firm("sz-hyd", "cm.hyd", "320500", Some(5000.0), Some(0.05)),     // row 4
        firm("sz-exc", "cm.exc", "320500", Some(5000.0), Some(0.05)),     // row 5
        firm("sz-lease", "cm.lease", "320500", Some(5000.0), Some(0.05)), // row 6
        firm("gz-hyd", "cm.hyd", "440100", Some(5000.0), Some(0.05)),     // row 7
    ]
}

#[test]
fn local_enterprises_are_never_leads() {
    let (s, reg) = world(&base());
    let ctx = Context::new(&s, &reg);
    let (sc, order) = scores(&s, &ctx, &query(Weights::GAP_FILLING));
    assert_eq!(order.len(), 4);
    assert!((0..4).all(|r| !sc.contains_key(&r)));
}

#[test]
fn each_part_moves_the_score_its_way() {
    let (s, reg) = world(&base());
    let ctx = Context::new(&s, &reg);
    // Gap alone: the missing node (hydraulics: no local firm) beats the node with a local leader.
    let (sc, _) = scores(&s, &ctx, &query(Weights { gap: 1.0, ..ZERO }));
    assert!(sc[&4] > sc[&5], "missing cm.hyd {} vs present cm.exc {}", sc[&4], sc[&5]);
    assert!((sc[&4] - 100.0).abs() < 1e-9, "missing scores the full part");
    // Supply alone: hydraulics and leasing are neighbours of the excavator node, where the local leader and two more
    // local firms sit; the excavator node's own neighbours hold one local firm and no leader.
    let (sc, _) = scores(&s, &ctx, &query(Weights { supply: 1.0, ..ZERO }));
    assert!(sc[&4] > 0.0 && sc[&6] > 0.0);
    assert!(sc[&4] > sc[&5], "cm.hyd (next to the leader's node) {} vs cm.exc (next to leasing only) {}", sc[&4], sc[&5]);
    // Affinity alone: Suzhou is nearer than Guangzhou.
    let (sc, _) = scores(&s, &ctx, &query(Weights { affinity: 1.0, ..ZERO }));
    assert!(sc[&4] > sc[&7]);

    // Scale and momentum: two outside firms equal but for one figure.
    let mut firms = base();
    firms.push(firm("big", "cm.hyd", "320500", Some(90_000.0), Some(0.05))); // row 8
    firms.push(firm("fast", "cm.hyd", "320500", Some(5000.0), Some(0.25))); // row 9
    let (s, reg) = world(&firms);
    let ctx = Context::new(&s, &reg);
    let (sc, _) = scores(&s, &ctx, &query(Weights::GAP_FILLING));
    assert!(sc[&8] > sc[&4], "bigger revenue ranks higher under any weights with scale > 0");
    assert!(sc[&9] > sc[&4], "faster growth ranks higher");
    // Expansions: recent branches raise momentum.
    let mut exp = FxHashMap::default();
    exp.insert(7u32, 3u32);
    let ctx_exp = Context::new(&s, &reg).with_expansions(exp);
    let (a, _) = scores(&s, &ctx, &query(Weights { momentum: 1.0, ..ZERO }));
    let (b, _) = scores(&s, &ctx_exp, &query(Weights { momentum: 1.0, ..ZERO }));
    assert!(b[&7] > a[&7], "three recent branches: {} → {}", a[&7], b[&7]);
    // Raising one weight lifts the candidates strong in that part relative to the others.
    let (lo, _) = scores(&s, &ctx, &query(Weights::GAP_FILLING));
    let (hi, _) = scores(&s, &ctx, &query(Weights { scale: 20.0, ..Weights::GAP_FILLING }));
    assert!(hi[&8] - hi[&4] > lo[&8] - lo[&4]);
}

#[test]
fn unknown_evidence_takes_the_mean_not_zero() {
    let mut firms = base();
    firms.push(firm("silent", "cm.hyd", "320500", None, None)); // row 8: no revenue, employees or series
    let (s, reg) = world(&firms);
    let ctx = Context::new(&s, &reg);
    let r = rank(&s, &ctx, &query(Weights { scale: 1.0, ..ZERO })).expect("rank");
    let silent = r.leads.iter().find(|l| l.row == 8).expect("listed");
    assert_eq!(silent.parts[4].value, None, "scale unknown");
    assert!((silent.known - 0.0).abs() < 1e-12, "no weight rests on evidence");
    assert!(silent.score > 0.0);
    assert!((silent.score - 100.0 * r.means[4]).abs() < 1e-9, "the candidates' mean {}", r.means[4]);
    // Known share under mixed weights: momentum unknown too (no series, no expansion data).
    let r = rank(&s, &ctx, &query(Weights::GAP_FILLING)).expect("rank");
    let silent = r.leads.iter().find(|l| l.row == 8).expect("listed");
    let w = Weights::GAP_FILLING;
    let total = w.gap + w.supply + w.related + w.momentum + w.scale + w.affinity;
    let unknown = w.momentum + w.scale + if silent.parts[2].value.is_none() { w.related } else { 0.0 };
    assert!((silent.known - (total - unknown) / total).abs() < 1e-9);
}

#[test]
fn pipeline_and_declining_are_left_out_unless_asked_for() {
    let mut firms = base();
    firms.push(firm("shrinking", "cm.hyd", "320500", Some(5000.0), Some(-0.3))); // row 8
    let (s, reg) = world(&firms);
    let ctx = Context::new(&s, &reg);
    let mut q = query(Weights::GAP_FILLING);
    q.in_pipeline = FxHashSet::from_iter([4u32]);
    let r = rank(&s, &ctx, &q).expect("rank");
    let rows: Vec<u32> = r.leads.iter().map(|l| l.row).collect();
    assert!(!rows.contains(&4) && !rows.contains(&8));
    assert_eq!((r.excluded_pipeline, r.excluded_declining), (1, 1));
    q.include_marked = true;
    let r = rank(&s, &ctx, &q).expect("rank");
    let four = r.leads.iter().find(|l| l.row == 4).expect("kept");
    let eight = r.leads.iter().find(|l| l.row == 8).expect("kept");
    assert!(four.in_pipeline && !four.declining && eight.declining);
}

#[test]
fn bad_requests_are_refused_with_their_parameter() {
    let (s, reg) = world(&base());
    let ctx = Context::new(&s, &reg);
    let mut q = query(Weights::GAP_FILLING);
    q.filter = HeatFilter::default();
    assert_eq!(rank(&s, &ctx, &q).map(|_| ()), Err(TargetError::NoNodes));
    q.filter.nodes = vec!["cm.nope".into()];
    assert_eq!(rank(&s, &ctx, &q).map_err(|e| e.parameter()).err(), Some("node"));
    let mut q = query(Weights { gap: -1.0, ..Weights::GAP_FILLING });
    assert_eq!(rank(&s, &ctx, &q).map_err(|e| e.parameter()).err(), Some("weights"));
    q.weights = ZERO;
    assert_eq!(rank(&s, &ctx, &q).map_err(|e| e.parameter()).err(), Some("weights"));
    q.weights = Weights::GAP_FILLING;
    q.limit = 0;
    assert_eq!(rank(&s, &ctx, &q).map_err(|e| e.parameter()).err(), Some("limit"));
}

#[test]
fn growth_is_the_rate_over_the_last_three_reported_years() {
    let f = |y, r| YearFigure { year: y, revenue: Some(r), employees: None };
    let g = growth(&[f(2019, 50.0), f(2021, 100.0), f(2022, 110.0), f(2023, 121.0)], None).expect("growth");
    assert!((g - 0.1).abs() < 1e-9, "100 → 121 over two years is 10 %/yr, got {g}");
    let g = growth(&[f(2021, 100.0), f(2022, 110.0), f(2023, 50.0)], Some(2022)).expect("cut at 2022");
    assert!((g - 0.1).abs() < 1e-9);
    assert_eq!(growth(&[f(2023, 100.0)], None), None);
    let e = |y, n| YearFigure { year: y, revenue: None, employees: Some(n) };
    assert!((growth(&[e(2022, 100), e(2023, 120)], None).expect("employees") - 0.2).abs() < 1e-9);
}

// ---------------------------------------------------------------------------------------------------------------
// Equivalence with a straightforward scorer: every candidate scored one by one, all kept, sorted. The ranking
// walks precomputed columns instead and keeps only the best; on random worlds both must give the same leads in the
// same order with the same parts, and the same counts and means.

mod reference {
    use chainscope_engine::chain::Strength;
    use chainscope_engine::snapshot::NO_REGION;
    use chainscope_engine::targeting::{chosen_nodes, Context, Lead, Part, Query, Ranking, DECLINE};
    use chainscope_engine::{HeatFilter, Snapshot};

    fn node_parts(ctx: &Context, n: usize) -> [Option<f64>; 3] {
        let gap = ctx.class[n].map(|c| match c {
            Strength::Missing => 1.0,
            Strength::Weak => 0.7,
            Strength::Present => 0.3,
            Strength::Strong => 0.0,
        });
        let x = ctx.adjacent_local[n] as f64 + 10.0 * ctx.adjacent_leaders[n] as f64;
        let supply = Some(if x + ctx.supply_mean > 0.0 { x / (x + ctx.supply_mean) } else { 0.0 });
        [gap, supply, ctx.density[n]]
    }

    /// The ranking as the documentation states it (valid queries only).
    pub fn rank(s: &Snapshot, ctx: &Context, q: &Query) -> Ranking {
        let f = &q.filter;
        let w = q.weights.as_array();
        let node_value = |n: usize| -> f64 {
            let p = node_parts(ctx, n);
            (0..3).map(|i| w[i] * p[i].unwrap_or(0.5)).sum()
        };
        let mut order = chosen_nodes(s, f).expect("nodes");
        order.sort_by(|&a, &b| node_value(b).total_cmp(&node_value(a)).then(a.cmp(&b)));
        let rest = HeatFilter { tiers: vec![], clusters: vec![], chains: vec![], nodes: vec![], ..f.clone() };
        let passing: Vec<u32> = chainscope_engine::heat::rows(s, &rest).expect("rows");
        let passing: std::collections::HashSet<u32> = passing.into_iter().collect();
        let mut seen = std::collections::HashSet::new();
        let mut cands: Vec<(u32, usize, [Option<f64>; 6])> = Vec::new();
        let (mut sums, mut counts) = ([0f64; 6], [0u64; 6]);
        let (mut ex_pipe, mut ex_decl, mut total) = (0u64, 0u64, 0u64);
        for &n in &order {
            let np = node_parts(ctx, n);
            for &r in &s.node_rows[n] {
                let ri = r as usize;
                if !seen.insert(r) || s.flags[ri] & 16 != 0 || !passing.contains(&r) {
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
                let from_growth = growth.map(|g| ((g - DECLINE) / 0.4).clamp(0.0, 1.0));
                let from_expansions = match ctx.expansions.get(&r) {
                    Some(&k) => Some(1.0 - 0.5f64.powi(k.min(30) as i32)),
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
                let parts = [np[0], np[1], np[2], momentum, scale, dist.map(|d| 1.0 / (1.0 + d / 300.0))];
                for i in 0..6 {
                    if let Some(v) = parts[i] {
                        sums[i] += v;
                        counts[i] += 1;
                    }
                }
                cands.push((r, n, parts));
            }
        }
        let means: [f64; 6] = std::array::from_fn(|i| if counts[i] > 0 { sums[i] / counts[i] as f64 } else { 0.5 });
        let wsum: f64 = w.iter().sum();
        let mut leads: Vec<Lead> = cands
            .iter()
            .map(|&(row, n, parts)| {
                let (mut sc, mut known) = (0.0, 0.0);
                for i in 0..6 {
                    sc += w[i] * parts[i].unwrap_or(means[i]);
                    if parts[i].is_some() {
                        known += w[i];
                    }
                }
                let (g, reg) = (s.growth[row as usize], s.region[row as usize]);
                Lead {
                    row,
                    node: s.taxonomy.nodes[n].id.clone(),
                    score: 100.0 * sc / wsum,
                    known: known / wsum,
                    parts: std::array::from_fn(|i| Part { value: parts[i], used: parts[i].unwrap_or(means[i]), weight: w[i] }),
                    class: ctx.class[n],
                    adjacent_leaders: ctx.adjacent_leaders[n],
                    adjacent_local: ctx.adjacent_local[n],
                    growth: (!g.is_nan()).then_some(g as f64),
                    expansions: ctx.expansions.get(&row).copied().unwrap_or(0),
                    distance_km: if reg == NO_REGION { None } else { ctx.distance_km[reg as usize] },
                    in_pipeline: q.in_pipeline.contains(&row),
                    declining: !g.is_nan() && (g as f64) < DECLINE,
                }
            })
            .collect();
        leads.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.row.cmp(&b.row)));
        leads.truncate(q.limit);
        Ranking { candidates: total, excluded_pipeline: ex_pipe, excluded_declining: ex_decl, means, leads }
    }
}

fn wide_taxonomy() -> TaxonomyToml {
    TaxonomyToml::default()
        .tier("advantage", "优势")
        .tier("emerging", "新兴")
        .cluster("cm", "advantage", "工程机械")
        .cluster("energy", "emerging", "新能源")
        .chain("cm", "cm", "工程机械链")
        .chain("parts", "cm", "零部件链")
        .chain("solar", "energy", "光伏链")
        .node("cm.hyd", "cm", "液压", "upstream", &["cm.exc", "cm.crane"])
        .node("cm.exc", "cm", "挖掘机", "midstream", &["cm.lease"])
        .node("cm.crane", "cm", "起重机", "midstream", &["cm.lease"])
        .node("cm.lease", "cm", "租赁", "downstream", &[])
        .node("parts.steel", "parts", "钢材", "upstream", &["parts.gear", "cm.exc"])
        .node("parts.gear", "parts", "齿轮", "midstream", &["cm.hyd"])
        .node("solar.si", "solar", "硅料", "upstream", &["solar.cell"])
        .node("solar.cell", "solar", "电池片", "midstream", &["solar.plant"])
        .node("solar.plant", "solar", "电站", "downstream", &[])
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A random world of `n` rows: regions near and far, unknown and unlocated, local firms and leaders, rows on one to
/// three nodes (often the same sets), figures and growth missing or not, some declining; with a context that has
/// expansion evidence or not.
fn random_world(seed: u64, n: usize, expansions: bool) -> (Snapshot, RegionRegistry, Context) {
    use chainscope_engine::snapshot::RowIn;
    let mut reg = registry();
    reg.insert(region("320100")); // no centre of its own
    let tax = wide_taxonomy().build();
    let node_ids: Vec<String> = tax.nodes.iter().map(|n| n.id.clone()).collect();
    let regions = [Some("320300"), Some("320500"), Some("440100"), Some("320100"), Some("999999"), None];
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut b = Snapshot::builder(tax, "320300");
    let common_sets: [&[usize]; 3] = [&[0, 1], &[1, 4, 5], &[6, 7]];
    for i in 0..n {
        let region = regions[rng.below(regions.len() as u64) as usize];
        let local = region == Some("320300");
        let mut nodes: Vec<usize> = match rng.below(10) {
            0..=5 => vec![rng.below(node_ids.len() as u64) as usize],
            6 | 7 => common_sets[rng.below(3) as usize].to_vec(),
            8 => vec![],
            _ => (0..1 + rng.below(3)).map(|_| rng.below(node_ids.len() as u64) as usize).collect(),
        };
        nodes.sort_unstable();
        nodes.dedup();
        // Coarse figures so that ties happen.
        let revenue = if rng.chance(0.2) { 0.0 } else { (1 + rng.below(50)) as f64 * 100.0 };
        let employees = if rng.chance(0.3) { 0 } else { 1 + rng.below(2000) as u32 };
        let growth = match rng.below(5) {
            0 => f32::NAN,
            1 => -0.1 - rng.unit() as f32 * 0.3,
            2 => (rng.below(5) as f32) * 0.05,
            _ => rng.unit() as f32 * 0.6 - 0.2,
        };
        let flags = (local as u8) << 4 | (rng.chance(0.1) as u8) | (rng.chance(0.2) as u8) << 3;
        let row = RowIn {
            id: i as u32 + 1,
            h3: 0,
            region_code: region,
            revenue,
            employees,
            capital: 0.0,
            founded: 1990 + rng.below(35) as u16,
            flags,
            synthetic: rng.chance(0.5),
            growth,
        };
        b.push_row(&row, nodes.iter().map(|&k| node_ids[k].as_str()), &reg);
    }
    let s = b.finish();
    let mut ctx = Context::new(&s, &reg);
    if expansions {
        let mut map = FxHashMap::default();
        for r in 0..s.len as u32 {
            if rng.chance(0.1) {
                map.insert(r, rng.below(40) as u32);
            }
        }
        ctx = ctx.with_expansions(map);
    }
    (s, reg, ctx)
}

fn random_query(s: &Snapshot, rng: &mut Rng) -> Query {
    let filters = [
        HeatFilter { chains: vec!["cm".into()], ..Default::default() },
        HeatFilter { clusters: vec!["cm".into()], ..Default::default() },
        HeatFilter { tiers: vec!["advantage".into(), "emerging".into()], ..Default::default() },
        HeatFilter { nodes: vec!["cm.exc".into(), "solar.cell".into()], ..Default::default() },
        HeatFilter { nodes: vec!["parts.gear".into()], ..Default::default() },
        HeatFilter { tiers: vec!["advantage".into()], employees_min: Some(100), employees_max: Some(1500), ..Default::default() },
        HeatFilter { chains: vec!["cm".into(), "solar".into()], flags: vec!["high_tech".into()], ..Default::default() },
        HeatFilter { tiers: vec!["advantage".into(), "emerging".into()], region: Some("320000".into()), ..Default::default() },
        HeatFilter { clusters: vec!["energy".into()], synthetic: Some(true), founded_from: Some(2000), ..Default::default() },
    ];
    let presets = [Weights::GAP_FILLING, Weights::STRENGTHENING, Weights::BIG_ANCHORS];
    let mut weights = presets[rng.below(3) as usize];
    if rng.chance(0.5) {
        let mut w = [0.0; 6];
        for x in &mut w {
            *x = if rng.chance(0.3) { 0.0 } else { (rng.below(40) as f64) / 4.0 };
        }
        if w.iter().sum::<f64>() == 0.0 {
            w[4] = 1.0;
        }
        weights = Weights { gap: w[0], supply: w[1], related: w[2], momentum: w[3], scale: w[4], affinity: w[5] };
    }
    let in_pipeline: FxHashSet<u32> = (0..s.len as u32).filter(|_| rng.chance(0.05)).chain([s.len as u32 + 5]).collect();
    Query {
        filter: filters[rng.below(filters.len() as u64) as usize].clone(),
        weights,
        in_pipeline: if rng.chance(0.7) { in_pipeline } else { FxHashSet::default() },
        include_marked: rng.chance(0.4),
        limit: [1, 3, 10, 50, 400, 10_000][rng.below(6) as usize],
    }
}

fn assert_same(got: &chainscope_engine::targeting::Ranking, want: &chainscope_engine::targeting::Ranking, what: &str) {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9;
    let close_opt = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => close(a, b),
        (a, b) => a == b,
    };
    assert_eq!(
        (got.candidates, got.excluded_pipeline, got.excluded_declining),
        (want.candidates, want.excluded_pipeline, want.excluded_declining),
        "{what}: counts"
    );
    for i in 0..6 {
        assert!(close(got.means[i], want.means[i]), "{what}: mean {i} {} vs {}", got.means[i], want.means[i]);
    }
    let rows = |r: &chainscope_engine::targeting::Ranking| r.leads.iter().map(|l| l.row).collect::<Vec<_>>();
    assert_eq!(rows(got), rows(want), "{what}: order");
    for (a, b) in got.leads.iter().zip(&want.leads) {
        let what = format!("{what}, row {}", a.row);
        assert!(
            close(a.score, b.score) && close(a.known, b.known),
            "{what}: score {} vs {}, known {} vs {}",
            a.score,
            b.score,
            a.known,
            b.known
        );
        for i in 0..6 {
            let (p, q) = (a.parts[i], b.parts[i]);
            assert!(close_opt(p.value, q.value) && close(p.used, q.used) && p.weight == q.weight, "{what}: part {i} {p:?} vs {q:?}");
        }
        assert_eq!(
            (&a.node, a.class, a.adjacent_leaders, a.adjacent_local, a.expansions, a.in_pipeline, a.declining),
            (&b.node, b.class, b.adjacent_leaders, b.adjacent_local, b.expansions, b.in_pipeline, b.declining),
            "{what}: evidence"
        );
        assert!(close_opt(a.growth, b.growth) && close_opt(a.distance_km, b.distance_km), "{what}: growth, distance");
    }
}

#[test]
fn the_ranking_equals_scoring_every_candidate() {
    for seed in 0..12u64 {
        let (s, _reg, ctx) = random_world(seed, 300 + 150 * seed as usize, seed % 2 == 1);
        let mut rng = Rng(seed + 1000);
        for k in 0..25 {
            let q = random_query(&s, &mut rng);
            let got = rank(&s, &ctx, &q).expect("rank");
            let want = reference::rank(&s, &ctx, &q);
            assert_same(&got, &want, &format!("seed {seed}, query {k}: {q:?}"));
        }
    }
}

/// Enough candidates for the ranking to split its walk over threads.
#[test]
fn the_ranking_equals_scoring_every_candidate_when_walked_in_parallel() {
    let (s, _reg, ctx) = random_world(77, 330_000, true);
    let mut rng = Rng(4242);
    for k in 0..4 {
        let mut q = random_query(&s, &mut rng);
        q.filter.tiers = vec!["advantage".into(), "emerging".into()];
        if k == 0 {
            q.filter = HeatFilter { tiers: q.filter.tiers.clone(), ..Default::default() };
        }
        let got = rank(&s, &ctx, &q).expect("rank");
        let want = reference::rank(&s, &ctx, &q);
        assert_same(&got, &want, &format!("query {k}: {:?} limit {}", q.filter, q.limit));
    }
}
