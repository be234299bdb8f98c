//! Chain strength, leaders' neighbours and trends on a tiny hand-built world whose figures are worked out by hand
//! in the comments.

mod common;

use chainscope_engine::chain::{chain_strength, classify, leader_neighbours, location_quotient, NodeStrength, Reference, Strength};
use chainscope_engine::trends::{cagr, chain_trends, trend, trends_by_region};
use chainscope_engine::{AdminLevel, Snapshot};
use chainscope_model::{Enterprise, Flags, RegionRegistry};
use chainscope_testkit::{member, TaxonomyToml};

fn taxonomy() -> TaxonomyToml {
    TaxonomyToml::default()
        .tier("advantage", "优势")
        .cluster("cm", "advantage", "工程机械")
        .chain("cm", "cm", "工程机械链")
        .chain("ev", "cm", "新能源链")
        .chain("ic", "cm", "集成电路链")
        .node("cm.steel", "cm", "钢材", "upstream", &["cm.hyd"])
        .node("cm.hyd", "cm", "液压", "upstream", &["cm.exc"])
        .node("cm.eng", "cm", "发动机", "upstream", &["cm.exc"])
        .node("cm.exc", "cm", "挖掘机", "midstream", &["cm.lease"])
        .node("cm.lease", "cm", "租赁", "downstream", &[])
        .node("ev.bat", "ev", "电池", "upstream", &["cm.exc"])
        .node("ic.fab", "ic", "晶圆制造", "midstream", &[])
}

fn registry() -> RegionRegistry {
    chainscope_testkit::registry(&["CN", "DE", "320000", "320300", "320312", "320500", "320505", "440000", "440300", "440304"])
}

fn ent(i: usize, nodes: &[&str], region: Option<&str>, local: bool) -> Enterprise {
    Enterprise {
        ext_id: Some(i.to_string()),
        revenue: Some(20.0),
        employees: Some(10),
        flags: Flags { local, ..Flags::default() },
        ..member(format!("ext:{i}"), format!("企业{i}"), nodes, region)
    }
}

fn year(y: i32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(y, 6, 1)
}

fn snapshot(es: &[Enterprise]) -> Snapshot {
    common::snapshot(taxonomy().build(), es, &registry())
}

/// Areas: local (Xuzhou 320312), rest of Jiangsu (320505), Guangdong (440304), Germany, no region.
const AREAS: [Option<&str>; 5] = [Some("320312"), Some("320505"), Some("440304"), Some("DE"), None];

/// Enterprises per node and area (each on one node), 48 in all:
///
/// | node     | local | Jiangsu | Guangdong | DE | none | world |
/// | -------- | ----- | ------- | --------- | -- | ---- | ----- |
/// | cm.exc   | 4     | 0       | 2         | 2  | 0    | 8     |
/// | cm.lease | 3     | 6       | 3         | 0  | 0    | 12    |
/// | cm.steel | 3     | 1       | 6         | 4  | 4    | 18    |
/// | cm.hyd   | 1     | 1       | 0         | 2  | 0    | 4     |
/// | cm.eng   | 0     | 0       | 0         | 2  | 0    | 2     |
/// | ev.bat   | 0     | 0       | 1         | 1  | 0    | 2     |
/// | ic.fab   | 1     | 1       | 0         | 0  | 0    | 2     |
/// | all      | 12    | 9       | 12        | 11 | 4    | 48    |
///
/// So local 12, province 21, country 33, world 48. Rows 0–3 are the local excavator makers, row 0 a local chain
/// leader with 110 employees; row 4 (Guangdong, excavators) a non-local leader; row 8 (lease, local) a local leader;
/// row 10 (lease, local) has no region but the local flag. Every other row has 10 employees and revenue 20.
fn world() -> Vec<Enterprise> {
    let table: [(&str, [usize; 5]); 7] = [
        ("cm.exc", [4, 0, 2, 2, 0]),
        ("cm.lease", [3, 6, 3, 0, 0]),
        ("cm.steel", [3, 1, 6, 4, 4]),
        ("cm.hyd", [1, 1, 0, 2, 0]),
        ("cm.eng", [0, 0, 0, 2, 0]),
        ("ev.bat", [0, 0, 1, 1, 0]),
        ("ic.fab", [1, 1, 0, 0, 0]),
    ];
    let mut es = Vec::new();
    for (node, counts) in table {
        for (a, &k) in counts.iter().enumerate() {
            for _ in 0..k {
                es.push(ent(es.len(), &[node], AREAS[a], a == 0));
            }
        }
    }
    assert_eq!(es.len(), 48);
    es[0].flags.chain_leader = true;
    es[0].employees = Some(110);
    es[4].flags.chain_leader = true;
    es[8].flags.chain_leader = true;
    es[10].region_code = None;
    // Founding years of the excavator makers: local 2015, 2018, 2018, 2020; Guangdong 2010, 2019; Germany
    // unknown, 2021.
    for (r, y) in [(0, 2015), (1, 2018), (2, 2018), (3, 2020), (4, 2010), (5, 2019), (7, 2021)] {
        es[r].founded = year(y);
    }
    es
}

fn node<'a>(nodes: &'a [NodeStrength], id: &str) -> &'a NodeStrength {
    nodes.iter().find(|n| n.node == id).expect("node")
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn every_class_happens_against_the_world_with_hand_computed_lqs() {
    let s = snapshot(&world());
    let cs = chain_strength(&s, "cm", Reference::World).expect("strength");
    assert_eq!(cs.reference_region, None);
    assert_eq!((cs.local_all.count, cs.reference_all.count), (12, 48));
    assert_eq!(cs.nodes.iter().map(|n| n.node.as_str()).collect::<Vec<_>>(), ["cm.steel", "cm.hyd", "cm.eng", "cm.exc", "cm.lease"]);
    // LQ = (l / 12) / (w / 48) = 4 l / w.
    let exc = node(&cs.nodes, "cm.exc");
    assert_eq!((exc.local.count, exc.reference.count, exc.world_count), (4, 8, 8));
    assert!(close(exc.lq_count, 2.0));
    // Employees: local on the node 3·10 + 110 = 140 of 11·10 + 110 = 220 local; world 7·10 + 110 = 180 of
    // 47·10 + 110 = 580: LQ = (140/220) / (180/580).
    assert!(close(exc.lq_employees, (140.0 / 220.0) / (180.0 / 580.0)));
    assert_eq!((exc.local.employees, exc.local.revenue), (140, 80.0));
    assert_eq!(exc.leaders, vec![0], "the Guangdong leader is not local");
    assert_eq!(exc.class, Strength::Strong);
    assert!(exc.reason.en.contains("LQ 2.00 ≥ 1.25"), "{}", exc.reason.en);

    let lease = node(&cs.nodes, "cm.lease");
    assert!(close(lease.lq_count, 1.0));
    assert_eq!(lease.leaders, vec![8]);
    assert_eq!(lease.class, Strength::Present, "a leader alone does not make a node strong");

    let steel = node(&cs.nodes, "cm.steel");
    assert!(close(steel.lq_count, 4.0 * 3.0 / 18.0));
    assert_eq!(steel.class, Strength::Weak);

    let hyd = node(&cs.nodes, "cm.hyd");
    assert!(close(hyd.lq_count, 1.0));
    assert_eq!(hyd.class, Strength::Weak, "one local firm is too few whatever the LQ");
    assert!(hyd.reason.zh.contains("少于 3 家"));

    let eng = node(&cs.nodes, "cm.eng");
    assert_eq!((eng.local.count, eng.reference.count), (0, 2));
    assert!(close(eng.lq_count, 0.0));
    assert_eq!(eng.class, Strength::Missing);

    // The rule travels with the answer, in both languages, with its thresholds.
    assert!(cs.rule.text.zh.contains("1.25") && cs.rule.text.en.contains("fewer than 3"));
    assert!(!cs.rule.lq.zh.is_empty() && !cs.rule.lq.en.is_empty());
}

#[test]
fn the_reference_level_changes_the_classes() {
    let s = snapshot(&world());
    let by = |r| {
        let cs = chain_strength(&s, "cm", r).expect("strength");
        let classes: Vec<(String, Strength, Option<f64>)> = cs.nodes.iter().map(|n| (n.node.clone(), n.class, n.lq_count)).collect();
        (cs, classes)
    };
    // Province (Jiangsu): 12 local of 21; LQ = 1.75 l / p. The local lease firm without a region still counts in
    // the province (local ⊆ reference): lease p = 3 + 6 = 9.
    let (cs, _) = by(Reference::Province);
    assert_eq!(cs.reference_region.as_deref(), Some("320000"));
    assert_eq!(cs.reference_all.count, 21);
    let n = |id| node(&cs.nodes, id);
    assert_eq!(n("cm.lease").reference.count, 9);
    assert!(close(n("cm.lease").lq_count, 1.75 * 3.0 / 9.0));
    assert_eq!(n("cm.lease").class, Strength::Weak);
    assert!(close(n("cm.steel").lq_count, 1.75 * 3.0 / 4.0));
    assert_eq!(n("cm.steel").class, Strength::Present, "LQ 1.31 but no local leader");
    assert!(n("cm.steel").reason.en.contains("no local chain leader"));
    assert!(close(n("cm.exc").lq_count, 1.75));
    assert_eq!(n("cm.exc").class, Strength::Strong);

    // Country (CN): 12 of 33; LQ = 2.75 l / c. Germany and the region-less rows are out.
    let (cs, _) = by(Reference::Country);
    assert_eq!(cs.reference_region.as_deref(), Some("CN"));
    assert_eq!(cs.reference_all.count, 33);
    let n = |id| node(&cs.nodes, id);
    assert_eq!(n("cm.steel").reference.count, 10);
    assert!(close(n("cm.steel").lq_count, 2.75 * 3.0 / 10.0));
    assert_eq!(n("cm.steel").class, Strength::Present);
    assert!(close(n("cm.lease").lq_count, 2.75 * 3.0 / 12.0));
    assert_eq!(n("cm.lease").class, Strength::Weak);
    assert!(close(n("cm.exc").lq_count, 2.75 * 4.0 / 6.0));

    // World: lease present, steel weak (the opposite of the province view).
    let (_, world) = by(Reference::World);
    let class = |v: &[(String, Strength, Option<f64>)], id: &str| v.iter().find(|x| x.0 == id).expect("node").1;
    assert_eq!(class(&world, "cm.lease"), Strength::Present);
    assert_eq!(class(&world, "cm.steel"), Strength::Weak);
}

#[test]
fn neighbours_come_from_supply_edges_across_chains() {
    let s = snapshot(&world());
    let cs = chain_strength(&s, "cm", Reference::World).expect("strength");
    let ids = |v: &[chainscope_engine::chain::NodeRef]| v.iter().map(|n| format!("{}/{}", n.chain, n.node)).collect::<Vec<_>>();
    let exc = node(&cs.nodes, "cm.exc");
    assert_eq!(ids(&exc.upstream), ["cm/cm.hyd", "cm/cm.eng", "ev/ev.bat"]);
    assert_eq!(ids(&exc.downstream), ["cm/cm.lease"]);
    assert_eq!(ids(&node(&cs.nodes, "cm.steel").upstream), Vec::<String>::new());
    assert_eq!(ids(&node(&cs.nodes, "cm.steel").downstream), ["cm/cm.hyd"]);
}

#[test]
fn leaders_neighbours_count_enterprises_and_local_ones() {
    let s = snapshot(&world());
    let ln = leader_neighbours(&s, "cm").expect("neighbours");
    // Local leaders: row 0 (excavators) and row 8 (leasing); row 4 is a leader but not local.
    assert_eq!(ln.iter().map(|l| l.row).collect::<Vec<_>>(), [0, 8]);
    let l0 = &ln[0];
    assert_eq!(l0.nodes, ["cm.exc"]);
    let up: Vec<(&str, u64, u64)> = l0.upstream.iter().map(|n| (n.node.as_str(), n.count, n.local)).collect();
    assert_eq!(up, [("cm.hyd", 4, 1), ("cm.eng", 2, 0), ("ev.bat", 2, 0)]);
    assert_eq!((l0.upstream_enterprises, l0.upstream_local), (8, 1));
    let down: Vec<(&str, u64, u64)> = l0.downstream.iter().map(|n| (n.node.as_str(), n.count, n.local)).collect();
    assert_eq!(down, [("cm.lease", 12, 3)]);
    assert_eq!((l0.downstream_enterprises, l0.downstream_local), (12, 3));
    let l8 = &ln[1];
    assert_eq!(l8.upstream.iter().map(|n| (n.node.as_str(), n.count, n.local)).collect::<Vec<_>>(), [("cm.exc", 8, 4)]);
    assert!(l8.downstream.is_empty());
    assert_eq!((l8.downstream_enterprises, l8.downstream_local), (0, 0));
    // The ev chain has no local leader.
    assert!(leader_neighbours(&s, "ev").expect("ev").is_empty());
}

#[test]
fn a_leader_on_two_nodes_is_not_its_own_neighbour_and_shared_firms_count_once() {
    // Row 0: local leader on hydraulics and excavators (hydraulics supplies excavators). Row 1: a local firm on
    // hydraulics and engines, both upstream of excavators. Row 2: a German engine maker.
    let mut es = vec![
        ent(0, &["cm.hyd", "cm.exc"], Some("320312"), true),
        ent(1, &["cm.hyd", "cm.eng"], Some("320312"), true),
        ent(2, &["cm.eng"], Some("DE"), false),
    ];
    es[0].flags.chain_leader = true;
    let s = snapshot(&es);
    let ln = leader_neighbours(&s, "cm").expect("neighbours");
    assert_eq!(ln.len(), 1);
    assert_eq!(ln[0].nodes, ["cm.hyd", "cm.exc"]);
    let up: Vec<(&str, u64, u64)> = ln[0].upstream.iter().map(|n| (n.node.as_str(), n.count, n.local)).collect();
    assert_eq!(up, [("cm.steel", 0, 0), ("cm.hyd", 1, 1), ("cm.eng", 2, 1), ("ev.bat", 0, 0)]);
    assert_eq!((ln[0].upstream_enterprises, ln[0].upstream_local), (2, 1), "row 1 is on two upstream nodes");
    let down: Vec<&str> = ln[0].downstream.iter().map(|n| n.node.as_str()).collect();
    assert_eq!(down, ["cm.exc", "cm.lease"]);
    assert_eq!(ln[0].downstream_enterprises, 0);
}

#[test]
fn classify_boundaries_and_lq_definition() {
    assert_eq!(classify(0, None, 0).0, Strength::Missing);
    assert_eq!(classify(2, Some(5.0), 3).0, Strength::Weak);
    assert_eq!(classify(3, Some(0.79), 1).0, Strength::Weak);
    assert_eq!(classify(3, Some(0.8), 0).0, Strength::Present);
    assert_eq!(classify(3, Some(1.25), 0).0, Strength::Present);
    assert_eq!(classify(3, Some(1.25), 1).0, Strength::Strong);
    assert_eq!(location_quotient(1.0, 10.0, 5.0, 100.0), Some(2.0));
    assert_eq!(location_quotient(1.0, 0.0, 5.0, 100.0), None);
    assert_eq!(location_quotient(0.0, 10.0, 0.0, 100.0), None);
}

#[test]
fn errors_have_stable_codes() {
    let s = snapshot(&world());
    let e = chain_strength(&s, "nope", Reference::World).unwrap_err();
    assert_eq!((e.code(), e.parameter()), ("unknown_chain", "chain"));
    assert_eq!(leader_neighbours(&s, "nope").unwrap_err().code(), "unknown_chain");
    assert_eq!(Reference::parse("Province"), Ok(Reference::Province));
    assert_eq!(Reference::parse("galaxy").unwrap_err().code(), "unknown_reference");
    // No enterprise has a region: the home city's province and country are unknown; the world still works.
    let s = snapshot(&[ent(0, &["cm.exc"], None, true), ent(1, &["cm.exc"], None, false)]);
    let e = chain_strength(&s, "cm", Reference::Province).unwrap_err();
    assert_eq!((e.code(), e.parameter()), ("reference_unavailable", "reference"));
    let cs = chain_strength(&s, "cm", Reference::World).expect("world");
    assert!(close(node(&cs.nodes, "cm.exc").lq_count, 1.0));
}

#[test]
fn trends_count_new_establishments_and_survivors_per_year() {
    let s = snapshot(&world());
    // Excavator makers founded 2010 (before), 2015, 2018, 2018, 2019, 2020, 2021 (after) and one unknown.
    let t = trend(&s, "cm.exc", None, 2015, 2020).expect("trend");
    assert_eq!((t.before, t.unknown_founded), (1, 1));
    let pts: Vec<(u16, u64, u64)> = t.points.iter().map(|p| (p.year, p.new, p.count)).collect();
    assert_eq!(pts, [(2015, 1, 2), (2016, 0, 2), (2017, 0, 2), (2018, 2, 4), (2019, 1, 5), (2020, 1, 6)]);
    let g = t.cagr(2015, 2020).expect("cagr");
    assert!((g - (3f64.powf(0.2) - 1.0)).abs() < 1e-12, "{g}");
    assert!((t.cagr(2018, 2020).expect("cagr") - (6f64 / 4.0).sqrt() + 1.0).abs() < 1e-12);

    // In Xuzhou only (the four local makers): no enterprise in 2014, so no CAGR from there.
    let t = trend(&s, "cm.exc", Some("320300"), 2014, 2020).expect("trend");
    assert_eq!(t.points.iter().map(|p| p.count).collect::<Vec<_>>(), [0, 1, 1, 1, 3, 3, 4]);
    assert_eq!(t.cagr(2014, 2020).unwrap_err().code(), "cagr_zero_start");
    assert_eq!(t.cagr(2020, 2018).unwrap_err().code(), "invalid_year_range");
    assert_eq!(t.cagr(2014, 2030).unwrap_err().code(), "year_out_of_series");
    assert!((t.cagr(2015, 2020).expect("cagr") - (4f64.powf(0.2) - 1.0)).abs() < 1e-12);

    // A region code never seen matches nothing, as in the heat filter.
    let t = trend(&s, "cm.exc", Some("110000"), 2015, 2016).expect("trend");
    assert!(t.points.iter().all(|p| p.count == 0) && t.before == 0);
}

#[test]
fn trends_by_region_and_by_chain() {
    let s = snapshot(&world());
    let by = trends_by_region(&s, "cm.exc", AdminLevel::Province, 2015, 2020).expect("by region");
    // Germany has no province; Guangdong's makers date from 2010 and 2019.
    let last: Vec<(Option<&str>, u64, u64)> =
        by.iter().map(|t| (t.region.as_deref(), t.before, t.points.last().expect("point").count)).collect();
    assert_eq!(last, [(Some("320000"), 0, 4), (Some("440000"), 1, 2)]);
    let all = chain_trends(&s, "cm", Some("320000"), 2000, 2001).expect("chain");
    assert_eq!(all.iter().map(|t| t.node.as_str()).collect::<Vec<_>>(), ["cm.steel", "cm.hyd", "cm.eng", "cm.exc", "cm.lease"]);
    // Lease firms with a region in Jiangsu: 2 local (the third has no region, so it is in no region's series) and 6
    // elsewhere in the province; none has a founding year.
    assert_eq!(all[4].unknown_founded, 8);
}

#[test]
fn trend_errors_have_stable_codes() {
    let s = snapshot(&world());
    assert_eq!(trend(&s, "cm.nope", None, 2015, 2020).unwrap_err().code(), "unknown_filter_value");
    assert_eq!(trend(&s, "cm.exc", None, 2020, 2015).unwrap_err().code(), "invalid_year_range");
    assert_eq!(trend(&s, "cm.exc", None, 0, 2015).unwrap_err().code(), "invalid_year_range");
    assert_eq!(chain_trends(&s, "nope", None, 2015, 2020).unwrap_err().parameter(), "chain");
    assert_eq!(cagr(0.0, 5.0, 3).unwrap_err().code(), "cagr_zero_start");
    assert!((cagr(100.0, 121.0, 2).expect("cagr") - 0.1).abs() < 1e-12);
}
