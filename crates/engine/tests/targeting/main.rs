//! Lead scoring on hand-built worlds: each part moves the score the way it should, unknown evidence is not counted
//! as zero, exclusions hold, and bad requests are refused; every part and score of small worlds against values
//! worked out by hand; and the ways through a ranking (tallies or a counting pass, one thread or two) agree.

#[path = "../common/mod.rs"]
mod common;
mod paths;
mod worked;

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

/// Equal to 1e-9.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9
}
