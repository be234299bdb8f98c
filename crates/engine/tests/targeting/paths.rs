//! The ways through a ranking agree: without predicates the counts and means come from per-segment tallies, with a
//! predicate from a counting pass, and a predicate every candidate passes (non-local) must not change the answer;
//! large walks are split over two threads, and must keep the worked world's scores.

use super::worked::worked;
use super::{close, query, region, registry, taxonomy, TaxonomyToml};
use chainscope_engine::targeting::{rank, Context, Query, Ranking, Weights};
use chainscope_engine::{HeatFilter, Snapshot};
use chainscope_model::RegionRegistry;
use rustc_hash::{FxHashMap, FxHashSet};

/// The worked world with `n` more outside excavator makers that have no region, figures or growth: their momentum,
/// scale and affinity are unknown, so the row-level means, and every worked score, stay as they were; each of them
/// scores 100/9 × (3·0.7 + 2·3/28 + 1.5·1 + 0.708333 + 0.5·0.782064 + 0.343543) = 58.413267724, below row 4.
fn crowded(n: usize) -> (Snapshot, RegionRegistry) {
    use chainscope_engine::snapshot::RowIn;
    let reg = registry();
    let mut b = Snapshot::builder(taxonomy().build(), "320300");
    b.reserve(8 + n);
    for e in worked() {
        b.push(&e, &reg);
    }
    for i in 0..n {
        let row = RowIn {
            id: 100 + i as u32,
            h3: 0,
            region_code: None,
            revenue: 0.0,
            employees: 0,
            capital: 0.0,
            founded: 0,
            flags: 0,
            synthetic: false,
            growth: f32::NAN,
        };
        b.push_row(&row, ["cm.exc"].into_iter(), &reg);
    }
    (b.finish(), reg)
}

#[test]
fn a_walk_split_over_threads_keeps_the_worked_scores() {
    const N: usize = 330_000;
    let (s, reg) = crowded(N);
    let ctx = Context::new(&s, &reg);
    for local in [None, Some(false)] {
        let mut q = Query { limit: 7, ..query(Weights::GAP_FILLING) };
        q.filter.local = local;
        let r = rank(&s, &ctx, &q).expect("rank");
        assert_eq!(r.candidates, N as u64 + 5, "{local:?}");
        let got: Vec<(u32, f64)> = r.leads.iter().map(|l| (l.row, l.score)).collect();
        let filler = 58.413267723970;
        let want = [
            (5, 68.900851297194),
            (6, 67.423729343019),
            (7, 65.584713979368),
            (3, 63.547676942331),
            (4, 58.989018372014),
            (8, filler),
            (9, filler),
        ];
        assert!(got.len() == 7 && got.iter().zip(want).all(|(g, w)| g.0 == w.0 && close(g.1, w.1)), "{local:?}: {got:?}");
        // The gap's mean over 5 worked candidates and N excavator makers: (4.1 + 0.7 N) / (N + 5).
        assert!(close(r.means[0], (4.1 + 0.7 * N as f64) / (N as f64 + 5.0)), "{}", r.means[0]);
        assert!(close(r.means[3], 0.708333333333333) && close(r.means[4], 0.782063532617642) && close(r.means[5], 0.343543281229415));
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

fn assert_same(got: &Ranking, want: &Ranking, what: &str) {
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
    let rows = |r: &Ranking| r.leads.iter().map(|l| l.row).collect::<Vec<_>>();
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
fn counting_the_candidates_row_by_row_agrees_with_the_tallies() {
    for seed in 0..12u64 {
        let (s, _reg, ctx) = random_world(seed, 300 + 150 * seed as usize, seed % 2 == 1);
        let mut rng = Rng(seed + 1000);
        for k in 0..25 {
            let q = random_query(&s, &mut rng);
            let mut counted = q.clone();
            counted.filter.local = Some(false);
            let got = rank(&s, &ctx, &counted).expect("rank");
            let want = rank(&s, &ctx, &q).expect("rank");
            assert_same(&got, &want, &format!("seed {seed}, query {k}: {q:?}"));
        }
    }
}
