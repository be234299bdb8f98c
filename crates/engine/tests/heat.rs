//! Heat aggregation checked against an independent, naive computation over the same enterprises.

mod common;

use chainscope_engine::snapshot::AdminLevel;
use chainscope_engine::{heat, Grouping, HeatFilter, Snapshot, Weight};
use chainscope_model::{CoordPrecision, Enterprise, Flags, Membership, MembershipSource, Region, RegionLevel, RegionRegistry};
use chainscope_testkit::{machinery, manual, region, TaxonomyToml};
use common::cell;
use std::collections::BTreeMap;

fn taxonomy() -> TaxonomyToml {
    machinery().tier("emerging", "新兴").cluster("ic", "emerging", "集成电路").chain("ic", "ic", "集成电路链").node(
        "ic.fab",
        "ic",
        "晶圆制造",
        "midstream",
        &[],
    )
}

fn registry() -> RegionRegistry {
    let mut reg = chainscope_testkit::registry(&["CN", "DE", "320000", "320300", "320312", "320382", "320500", "320505"]);
    // Tongshan county (320323), since merged into Tongshan district (320312).
    reg.insert(Region { successor: Some("320312".into()), ..region("320323") });
    reg
}

/// splitmix64: a tiny deterministic generator for test data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn enterprises(n: usize) -> Vec<Enterprise> {
    let mut rng = Rng(42);
    let places = [("320312", 34.3, 117.5), ("320382", 34.3, 118.0), ("320505", 31.3, 120.6), ("DE", 52.5, 13.4), ("320323", 34.31, 117.53)];
    (0..n)
        .map(|i| {
            let (region, lat, lon) = places[(rng.next() % places.len() as u64) as usize];
            let located = !rng.next().is_multiple_of(10);
            let (lat, lon) = (lat + rng.unit() * 0.3, lon + rng.unit() * 0.3);
            let h3 = located.then(|| cell(lat, lon));
            let node = rng.pick(&["cm.hyd", "cm.exc", "ic.fab"]);
            let mut memberships = vec![manual(node)];
            if rng.next().is_multiple_of(4) {
                memberships.push(Membership { node: "cm.exc".into(), source: MembershipSource::KeywordRule, confidence: 0.8 });
                memberships.dedup_by(|a, b| a.node == b.node);
            }
            let local = region.starts_with("3203");
            Enterprise {
                ext_id: Some(i.to_string()),
                country: if region == "DE" { "DE".into() } else { "CN".into() },
                region_code: (!rng.next().is_multiple_of(20)).then(|| region.to_string()),
                lat: located.then_some(lat),
                lon: located.then_some(lon),
                coord_precision: if located { CoordPrecision::Exact } else { CoordPrecision::None },
                h3,
                founded: chrono::NaiveDate::from_ymd_opt(1990 + (rng.next() % 35) as i32, 1, 1),
                registered_capital: Some((rng.next() % 10_000) as f64),
                revenue: Some((rng.next() % 100_000) as f64),
                employees: Some((rng.next() % 3000) as u32),
                flags: Flags {
                    chain_leader: rng.next().is_multiple_of(50),
                    listed: rng.next().is_multiple_of(10),
                    srdi: false,
                    high_tech: rng.next().is_multiple_of(3),
                    local,
                },
                memberships,
                synthetic: rng.next().is_multiple_of(2),
                ..Enterprise::new(format!("ext:{i}"), format!("企业{i}"))
            }
        })
        .collect()
}

fn snapshot(es: &[Enterprise], reg: &RegionRegistry) -> Snapshot {
    common::snapshot(taxonomy().build(), es, reg)
}

/// The naive reference: walk every enterprise with the model's own types and h3o's parent function.
fn naive(es: &[Enterprise], reg: &RegionRegistry, keep: impl Fn(&Enterprise) -> bool, group: Grouping) -> BTreeMap<String, (u64, f64)> {
    let mut out: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for e in es.iter().filter(|e| keep(e)) {
        let key = match group {
            Grouping::H3(res) => e.h3.map(|c| {
                let cell = h3o::CellIndex::try_from(c).expect("cell");
                format!("{:x}", u64::from(cell.parent(h3o::Resolution::try_from(res).expect("res")).expect("parent")))
            }),
            Grouping::Admin(level) => e.region_code.as_deref().and_then(|code| {
                let cur = reg.current_code(code);
                let lv = match level {
                    AdminLevel::Country => return reg.country_of(code).map(str::to_string),
                    AdminLevel::Province => RegionLevel::Province,
                    AdminLevel::Prefecture => RegionLevel::Prefecture,
                    AdminLevel::County => RegionLevel::County,
                };
                reg.at_level(cur, lv).map(|r| r.code.clone())
            }),
        };
        if let Some(k) = key {
            let v = out.entry(k).or_default();
            v.0 += 1;
            v.1 += e.revenue.unwrap_or(0.0);
        }
    }
    out
}

fn engine(s: &Snapshot, f: &HeatFilter, group: Grouping) -> BTreeMap<String, (u64, f64)> {
    heat(s, f, group, Weight::Revenue).expect("heat").into_iter().map(|c| (c.key, (c.count, c.value))).collect()
}

fn assert_same(a: &BTreeMap<String, (u64, f64)>, b: &BTreeMap<String, (u64, f64)>) {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, (c, v)) in a {
        let (c2, v2) = b[k];
        assert_eq!(*c, c2, "count of {k}");
        assert!((v - v2).abs() <= 1e-6 * v.abs().max(1.0) * 50.0, "value of {k}: {v} vs {v2}");
    }
}

#[test]
fn heat_matches_a_naive_computation_under_filters() {
    let reg = registry();
    let es = enterprises(5000);
    let s = snapshot(&es, &reg);
    let on = |e: &Enterprise, nodes: &[&str]| e.memberships.iter().any(|m| nodes.contains(&m.node.as_str()));
    for group in [
        Grouping::H3(3),
        Grouping::H3(7),
        Grouping::H3(9),
        Grouping::Admin(AdminLevel::County),
        Grouping::Admin(AdminLevel::Prefecture),
        Grouping::Admin(AdminLevel::Country),
    ] {
        assert_same(&engine(&s, &HeatFilter::default(), group), &naive(&es, &reg, |_| true, group));
        let f = HeatFilter { nodes: vec!["cm.hyd".into()], ..Default::default() };
        assert_same(&engine(&s, &f, group), &naive(&es, &reg, |e| on(e, &["cm.hyd"]), group));
        let f = HeatFilter { clusters: vec!["cm".into()], local: Some(false), ..Default::default() };
        assert_same(&engine(&s, &f, group), &naive(&es, &reg, |e| on(e, &["cm.hyd", "cm.exc"]) && !e.flags.local, group));
        let f = HeatFilter {
            tiers: vec!["emerging".into()],
            founded_from: Some(2000),
            founded_to: Some(2010),
            employees_min: Some(100),
            flags: vec!["high_tech".into()],
            synthetic: Some(false),
            ..Default::default()
        };
        let keep = |e: &Enterprise| {
            let y = e.founded.map(|d| chrono::Datelike::year(&d)).unwrap_or(0);
            on(e, &["ic.fab"]) && (2000..=2010).contains(&y) && e.employees.unwrap_or(0) >= 100 && e.flags.high_tech && !e.synthetic
        };
        assert_same(&engine(&s, &f, group), &naive(&es, &reg, keep, group));
        // The chain lists combine as AND: a chain and its node is that node; a chain and another chain's node is
        // nothing; two chains are either.
        let f = HeatFilter { chains: vec!["cm".into()], nodes: vec!["cm.hyd".into()], ..Default::default() };
        assert_same(&engine(&s, &f, group), &naive(&es, &reg, |e| on(e, &["cm.hyd"]), group));
        let f = HeatFilter { clusters: vec!["cm".into()], tiers: vec!["emerging".into()], ..Default::default() };
        assert!(engine(&s, &f, group).is_empty(), "the cm cluster is not in the emerging tier");
        let f = HeatFilter { chains: vec!["ic".into()], nodes: vec!["cm.hyd".into()], ..Default::default() };
        assert!(engine(&s, &f, group).is_empty(), "cm.hyd is not a node of the ic chain");
        let f = HeatFilter { chains: vec!["ic".into(), "cm".into()], ..Default::default() };
        assert_same(&engine(&s, &f, group), &naive(&es, &reg, |e| on(e, &["cm.hyd", "cm.exc", "ic.fab"]), group));
        let f = HeatFilter { region: Some("320300".into()), ..Default::default() };
        let inside = |e: &Enterprise| e.region_code.as_deref().is_some_and(|c| reg.is_within(reg.current_code(c), "320300"));
        assert_same(&engine(&s, &f, group), &naive(&es, &reg, inside, group));
    }
}

#[test]
fn unknown_filters_and_resolutions_are_errors_naming_the_parameter() {
    let reg = registry();
    let s = snapshot(&enterprises(10), &reg);
    let e = heat(&s, &HeatFilter { nodes: vec!["cm.nope".into()], ..Default::default() }, Grouping::H3(7), Weight::Count).unwrap_err();
    assert_eq!((e.code(), e.parameter()), ("unknown_filter_value", "node"));
    let e = heat(&s, &HeatFilter::default(), Grouping::H3(10), Weight::Count).unwrap_err();
    assert_eq!((e.code(), e.parameter()), ("invalid_resolution", "resolution"));
}

#[test]
fn bit_arithmetic_parent_equals_h3o() {
    let mut rng = Rng(7);
    for _ in 0..20_000 {
        let (lat, lon) = (rng.unit() * 170.0 - 85.0, rng.unit() * 360.0 - 180.0);
        let fine = h3o::LatLng::new(lat, lon).expect("coords").to_cell(h3o::Resolution::Twelve);
        for res in 0..=12u8 {
            let want = u64::from(fine.parent(h3o::Resolution::try_from(res).expect("res")).expect("parent"));
            assert_eq!(chainscope_engine::heat::h3_parent(u64::from(fine), res), want, "res {res}");
        }
    }
}

#[test]
fn the_snapshot_is_compact() {
    let reg = registry();
    let es = enterprises(20_000);
    let s = snapshot(&es, &reg);
    let per = s.column_bytes() as f64 / es.len() as f64;
    assert!(per <= 64.0, "{per:.1} bytes per enterprise");
}
