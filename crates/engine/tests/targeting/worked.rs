//! Hand-worked values: small worlds whose parts are worked out below, by hand, from the definitions in
//! docs/targeting.md (and chain-strength.md, complexity.md for the classes and the density), and rankings checked
//! against those numbers to 1e-9. Growth rates are ones a 32-bit float holds exactly (0, 25 %, 50 %).

use super::{close, firm, leader, query, world, ZERO};
use chainscope_engine::chain::Strength;
use chainscope_engine::targeting::{rank, Context, Lead, Query, Ranking, Weights, PARTS};
use chainscope_model::Enterprise;
use chainscope_testkit::manual;
use rustc_hash::FxHashMap;

/// The worked world on hydraulics → excavators → leasing, Xuzhou at home:
///
/// | row | firm      | nodes         | region    | revenue | growth | |
/// | --- | --------- | ------------- | --------- | ------- | ------ | --- |
/// | 0   | xz-leader | exc           | Xuzhou    | 50 000  | —      | local chain leader |
/// | 1   | xz-exc    | exc           | Xuzhou    | 1 000   | —      | local |
/// | 2   | xz-lease  | lease         | Xuzhou    | 1 000   | —      | local |
/// | 3   | sz-hyd    | hyd           | Suzhou    | 5 000   | 0 %    | |
/// | 4   | sz-exc    | exc           | Suzhou    | —       | —      | |
/// | 5   | gz-hyd    | hyd           | Guangzhou | 20 000  | +25 %  | |
/// | 6   | nowhere   | exc and lease | none      | 1 000   | +50 %  | |
/// | 7   | sz-lease  | lease         | Suzhou    | 5 000   | —      | |
///
/// The node parts:
/// - gap (against the country): hydraulics has no local firm, missing → 1; excavators (2 local) and leasing (1)
///   have fewer than 3, weak → 0.7.
/// - supply: the neighbours are hyd–exc and exc–lease; x = local firms on the neighbours + 10 × local leaders there:
///   hyd 2 + 10 = 12, exc 0 + 1 = 1, lease 2 + 10 = 12; x̄ = 25/3. hyd and lease 12 / (12 + 25/3) = 36/61 =
///   0.590163934426, exc 1 / (1 + 25/3) = 3/28 = 0.107142857143.
/// - related: prefecture × node counts (row 6 has no region): Xuzhou exc 2, lease 1; Suzhou hyd 1, exc 1, lease 1;
///   Guangzhou hyd 1. RCA = x_cp·x / (x_c·x_p) with x = 7: Xuzhou exc 14/9, lease 7/6; Suzhou hyd 7/6, exc 7/9,
///   lease 7/6; Guangzhou hyd 7/2. Present (RCA ≥ 1): Xuzhou {exc, lease}, Suzhou {hyd, lease}, Guangzhou {hyd};
///   ubiquity hyd 2, exc 1, lease 2. Proximity: hyd–exc 0, hyd–lease 1/2 (Suzhou), exc–lease 1/2 (Xuzhou), the
///   diagonal 1. Xuzhou's density: hyd (½)/(1 + ½) = 1/3, exc (1 + ½)/(1 + ½) = 1, lease (½ + 1)/(½ + ½ + 1) = 3/4.
///
/// The row parts:
/// - momentum, (growth + 10 %)/40 % clamped to 0..1: row 3 0.25, row 5 0.875, row 6 1.5 → 1; rows 4 and 7 have no
///   growth and the context no expansion data: unknown.
/// - scale, ln(1 + revenue) / ln(1 + 50 000) (the leader is the largest; ln 50 001 = 10.819798284210): rows 3 and 7
///   ln 5 001 = 8.517393171419 → 0.787204432808, row 5 ln 20 001 = 9.903537551286 → 0.915316283275, row 6
///   ln 1 001 = 6.908754779315 → 0.638528981580; row 4 unknown.
/// - affinity, 1 / (1 + d / 300 km) from Xuzhou's centre (34.26, 117.18): Suzhou (31.3, 120.6) is 458.800 km away
///   → 0.395360839553, Guangzhou (23.13, 113.26) 1294.976 km → 0.188090606258; row 6 unknown.
pub(crate) fn worked() -> Vec<Enterprise> {
    let mut nowhere = firm("nowhere", "cm.exc", "320500", Some(1000.0), Some(0.5));
    nowhere.region_code = None;
    nowhere.memberships.push(manual("cm.lease"));
    vec![
        leader("xz-leader", "cm.exc"),
        firm("xz-exc", "cm.exc", "320300", Some(1000.0), None),
        firm("xz-lease", "cm.lease", "320300", Some(1000.0), None),
        firm("sz-hyd", "cm.hyd", "320500", Some(5000.0), Some(0.0)),
        firm("sz-exc", "cm.exc", "320500", None, None),
        firm("gz-hyd", "cm.hyd", "440100", Some(20000.0), Some(0.25)),
        nowhere,
        firm("sz-lease", "cm.lease", "320500", Some(5000.0), None),
    ]
}

const SUPPLY_NEAR_LEADER: f64 = 36.0 / 61.0;
const SUPPLY_EXC: f64 = 3.0 / 28.0;
const SCALE_5000: f64 = 0.787204432808016;
const SCALE_20000: f64 = 0.915316283274777;
const SCALE_1000: f64 = 0.638528981579759;
const NEAR_SUZHOU: f64 = 0.395360839553352;
const NEAR_GUANGZHOU: f64 = 0.188090606257601;

/// The lead for `row`, which must be listed.
fn lead(r: &Ranking, row: u32) -> &Lead {
    r.leads.iter().find(|l| l.row == row).unwrap_or_else(|| panic!("row {row} is listed"))
}

/// The lead's six parts are `want` (None: unknown) and its score `score`.
fn assert_lead(r: &Ranking, row: u32, node: &str, want: [Option<f64>; 6], score: f64) {
    let l = lead(r, row);
    assert_eq!(l.node, node, "row {row}: node");
    for (i, (got, want)) in l.parts.iter().zip(want).enumerate() {
        let same = match (got.value, want) {
            (Some(a), Some(b)) => close(a, b),
            (a, b) => a == b,
        };
        assert!(same, "row {row}, part {}: {:?}, want {want:?}", PARTS[i], got.value);
        // An unknown part uses the candidates' mean.
        assert!(close(got.used, want.unwrap_or(r.means[i])), "row {row}, part {}: used {}", PARTS[i], got.used);
    }
    assert!(close(l.score, score), "row {row}: score {}, want {score}", l.score);
}

fn assert_means(r: &Ranking, want: [f64; 6]) {
    for i in 0..6 {
        assert!(close(r.means[i], want[i]), "mean of {}: {}, want {}", PARTS[i], r.means[i], want[i]);
    }
}

#[test]
fn worked_world_node_facts() {
    let (s, reg) = world(&worked());
    let ctx = Context::new(&s, &reg);
    // Nodes in taxonomy order: hyd, exc, lease.
    assert_eq!(ctx.class, [Some(Strength::Missing), Some(Strength::Weak), Some(Strength::Weak)]);
    assert_eq!((ctx.adjacent_local.as_slice(), ctx.adjacent_leaders.as_slice()), ([2, 1, 2].as_slice(), [1, 0, 1].as_slice()));
    assert!(close(ctx.supply_mean, 25.0 / 3.0), "x̄ {}", ctx.supply_mean);
    let density: Vec<f64> = ctx.density.iter().map(|d| d.expect("density")).collect();
    assert!(close(density[0], 1.0 / 3.0) && close(density[1], 1.0) && close(density[2], 0.75), "{density:?}");
    assert!(close(ctx.max_log_revenue, 10.819798284210286));
}

/// Gap filling (3, 2, 1.5, 1, 0.5, 1; Σ 9). Nodes by 3·gap + 2·supply + 1.5·related: hyd 4.680, lease 4.405, exc
/// 3.814, so row 6 is scored for leasing. The means over the five candidates (rows 3–7):
/// gap (1 + 0.7 + 1 + 0.7 + 0.7)/5 = 0.82; supply (4 · 36/61 + 3/28)/5 = 0.493559718970; related
/// (1/3 + 1 + 1/3 + 3/4 + 3/4)/5 = 0.633333333333; momentum (0.25 + 0.875 + 1)/3 = 0.708333333333; scale
/// (2 · 0.787204432808 + 0.915316283275 + 0.638528981580)/4 = 0.782063532618; affinity
/// (3 · 0.395360839553 + 0.188090606258)/4 = 0.343543281229. Score = 100 × Σ w·v / 9:
/// - row 3: 3·1 + 2·0.590164 + 1.5·1/3 + 0.25 + 0.5·0.787204 + 0.395361 = 5.719290925 → 63.547676942
/// - row 4: 3·0.7 + 2·0.107143 + 1.5·1 + 0.708333 (mean) + 0.5·0.782064 (mean) + 0.395361 = 5.309011653 → 58.989018372
/// - row 5: 3·1 + 2·0.590164 + 1.5·1/3 + 0.875 + 0.5·0.915316 + 0.188091 = 6.201076617 → 68.900851297
/// - row 6: 3·0.7 + 2·0.590164 + 1.5·0.75 + 1 + 0.5·0.638529 + 0.343543 (mean) = 6.068135641 → 67.423729343
/// - row 7: 3·0.7 + 2·0.590164 + 1.5·0.75 + 0.708333 (mean) + 0.5·0.787204 + 0.395361 = 5.902624258 → 65.584713979
#[test]
fn worked_world_gap_filling() {
    let (s, reg) = world(&worked());
    let ctx = Context::new(&s, &reg);
    let r = rank(&s, &ctx, &query(Weights::GAP_FILLING)).expect("rank");
    assert_eq!(r.candidates, 5);
    assert_means(&r, [0.82, 0.493559718969555, 0.633333333333333, 0.708333333333333, 0.782063532617642, 0.343543281229415]);
    let (near, exc) = (Some(SUPPLY_NEAR_LEADER), Some(SUPPLY_EXC));
    let third = Some(1.0 / 3.0);
    assert_lead(&r, 3, "cm.hyd", [Some(1.0), near, third, Some(0.25), Some(SCALE_5000), Some(NEAR_SUZHOU)], 63.547676942331);
    assert_lead(&r, 4, "cm.exc", [Some(0.7), exc, Some(1.0), None, None, Some(NEAR_SUZHOU)], 58.989018372014);
    assert_lead(&r, 5, "cm.hyd", [Some(1.0), near, third, Some(0.875), Some(SCALE_20000), Some(NEAR_GUANGZHOU)], 68.900851297194);
    assert_lead(&r, 6, "cm.lease", [Some(0.7), near, Some(0.75), Some(1.0), Some(SCALE_1000), None], 67.423729343019);
    assert_lead(&r, 7, "cm.lease", [Some(0.7), near, Some(0.75), None, Some(SCALE_5000), Some(NEAR_SUZHOU)], 65.584713979368);
    assert_eq!(r.leads.iter().map(|l| l.row).collect::<Vec<_>>(), [5, 6, 7, 3, 4]);
    // Known share: row 4 lacks momentum (1) and scale (0.5) of 9; row 6 affinity (1); row 7 momentum (1).
    let known: Vec<f64> = [3, 4, 6].iter().map(|&row| lead(&r, row).known).collect();
    assert!(close(known[0], 1.0) && close(known[1], 7.5 / 9.0) && close(known[2], 8.0 / 9.0), "{known:?}");
    // The evidence beside the parts.
    let l = lead(&r, 5);
    assert_eq!((l.class, l.adjacent_local, l.adjacent_leaders), (Some(Strength::Missing), 2, 1));
    assert!(close(l.growth.expect("growth"), 0.25) && (l.distance_km.expect("distance") - 1294.976).abs() < 1e-3, "{l:?}");
    assert_eq!(lead(&r, 6).distance_km, None);
}

/// With expansion data (row 3 opened one branch, row 4 two, nobody else any), momentum is the higher of 1 − ½ᵏ and
/// the growth part, and no expansions is known to be 0: row 3 max(0.5, 0.25) = 0.5, row 4 0.75, row 5 0.875, row 6
/// max(0, 1) = 1, row 7 0. Mean (0.5 + 0.75 + 0.875 + 1 + 0)/5 = 0.625. Scores change by the momentum difference / 9:
/// row 3 63.547676942 + 100·0.25/9 = 66.325454720; row 4 (now known) 5.309011653 − 0.708333 + 0.75 → 59.451981335;
/// row 7 5.902624258 − 0.708333 + 0 → 57.714343609; rows 5 and 6 unchanged.
#[test]
fn worked_world_with_expansions() {
    let (s, reg) = world(&worked());
    let ctx = Context::new(&s, &reg).with_expansions(FxHashMap::from_iter([(3, 1), (4, 2)]));
    let r = rank(&s, &ctx, &query(Weights::GAP_FILLING)).expect("rank");
    assert!(close(r.means[3], 0.625), "momentum mean {}", r.means[3]);
    let momentum: Vec<f64> = [3, 4, 5, 6, 7].iter().map(|&row| lead(&r, row).parts[3].value.expect("known")).collect();
    assert!(momentum.iter().zip([0.5, 0.75, 0.875, 1.0, 0.0]).all(|(&a, b)| close(a, b)), "{momentum:?}");
    let score = |row| lead(&r, row).score;
    assert!(close(score(3), 66.325454720109) && close(score(4), 59.451981334977) && close(score(7), 57.714343608998));
    assert!(close(score(5), 68.900851297194) && close(score(6), 67.423729343019));
    assert_eq!(lead(&r, 4).expansions, 2);
    assert_eq!(r.leads.iter().map(|l| l.row).collect::<Vec<_>>(), [5, 6, 3, 4, 7]);
}

/// Related alone: nodes by density are exc 1, lease 3/4, hyd 1/3, so row 6 is now scored for excavators. Scores are
/// 100 × density: rows 4 and 6 100, row 7 75, rows 3 and 5 33.3…; equal scores keep row order.
#[test]
fn a_firm_on_several_nodes_is_scored_for_its_best_under_the_weights() {
    let (s, reg) = world(&worked());
    let ctx = Context::new(&s, &reg);
    let r = rank(&s, &ctx, &query(Weights { related: 1.0, ..ZERO })).expect("rank");
    assert_eq!(lead(&r, 6).node, "cm.exc");
    let got: Vec<(u32, f64)> = r.leads.iter().map(|l| (l.row, l.score)).collect();
    let want = [(4, 100.0), (6, 100.0), (7, 75.0), (3, 100.0 / 3.0), (5, 100.0 / 3.0)];
    assert!(got.len() == 5 && got.iter().zip(want).all(|(g, w)| g.0 == w.0 && close(g.1, w.1)), "{got:?}");
    // The mean of related is now over exc, exc, lease, hyd, hyd: (1 + 1 + 3/4 + 1/3 + 1/3)/5.
    assert!(close(r.means[2], 3.416666666666667 / 5.0), "{}", r.means[2]);
}

/// Scale and affinity alone (Σw 2): a part unknown for a row takes the mean of the others, so row 4 (no revenue)
/// scores 100 × (0.782063532618 + 0.395360839553)/2 = 58.871218609 and row 6 (no region)
/// 100 × (0.638528981580 + 0.343543281229)/2 = 49.103613140.
#[test]
fn worked_world_scale_and_affinity() {
    let (s, reg) = world(&worked());
    let ctx = Context::new(&s, &reg);
    let r = rank(&s, &ctx, &query(Weights { scale: 1.0, affinity: 1.0, ..ZERO })).expect("rank");
    let got: Vec<(u32, f64)> = r.leads.iter().map(|l| (l.row, l.score)).collect();
    let want = [(3, 59.128263618068), (7, 59.128263618068), (4, 58.871218608550), (5, 55.170344476619), (6, 49.103613140459)];
    assert!(got.len() == 5 && got.iter().zip(want).all(|(g, w)| g.0 == w.0 && close(g.1, w.1)), "{got:?}");
    assert!(close(lead(&r, 4).known, 0.5) && close(lead(&r, 6).known, 0.5));
}

/// A world of `firms` on hydraulics and excavators, ranked on gap alone: (row, node, score).
fn gaps(firms: &[Enterprise]) -> (Vec<(u32, String, f64)>, Ranking) {
    let (s, reg) = world(firms);
    let r = rank(&s, &Context::new(&s, &reg), &query(Weights { gap: 1.0, ..ZERO })).expect("rank");
    (r.leads.iter().map(|l| (l.row, l.node.clone(), l.score)).collect(), r)
}

/// The other two classes. Three local hydraulics makers, one a leader, and one outside; two outside excavator makers:
/// hydraulics' LQ (3/3)/(4/6) = 1.5 ≥ 1.25 with a leader is strong → 0; excavators are missing → 1. With a local
/// excavator maker added, hydraulics' LQ is (3/4)/(4/6) = 1.125 < 1.25: present → 0.3 even with its leader, and
/// excavators (one local firm) weak → 0.7. No candidate has growth or expansions, so momentum's mean is ½.
#[test]
fn strong_and_present_nodes_score_their_gap() {
    let locals = || vec![leader("l1", "cm.hyd"), firm("l2", "cm.hyd", "320300", None, None), firm("l3", "cm.hyd", "320300", None, None)];
    let outside = |key: &str, node: &str| firm(key, node, "320500", None, None);
    let mut firms = locals();
    firms.extend([outside("o1", "cm.hyd"), outside("o2", "cm.exc"), outside("o3", "cm.exc")]);
    let (got, r) = gaps(&firms);
    let want = [(4, "cm.exc", 100.0), (5, "cm.exc", 100.0), (3, "cm.hyd", 0.0)];
    assert!(got.iter().map(|(r, n, s)| (*r, n.as_str(), *s)).eq(want), "{got:?}");
    assert_eq!(r.means[3], 0.5);

    let mut firms = locals();
    firms.extend([firm("l4", "cm.exc", "320300", None, None), outside("o1", "cm.hyd"), outside("o2", "cm.exc")]);
    let (got, _) = gaps(&firms);
    assert!(got.len() == 2 && got[0].0 == 5 && close(got[0].2, 70.0) && got[1].0 == 4 && close(got[1].2, 30.0), "{got:?}");
}

/// Keeping the best `limit` gives the first `limit` of the whole list.
#[test]
fn a_limit_keeps_the_head_of_the_list() {
    let (s, reg) = world(&worked());
    let ctx = Context::new(&s, &reg);
    let all = rank(&s, &ctx, &query(Weights::GAP_FILLING)).expect("rank");
    for limit in 1..=5 {
        let r = rank(&s, &ctx, &Query { limit, ..query(Weights::GAP_FILLING) }).expect("rank");
        assert_eq!(r.leads, all.leads[..limit], "limit {limit}");
        assert_eq!((r.candidates, r.means), (all.candidates, all.means));
    }
}
