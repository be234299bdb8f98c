//! Site plans on a hand-built city: parts move the ranking their way, a site without space is never first, bad
//! requests are refused with their parameter.

mod common;

use chainscope_engine::siteplan::{plan, HubKind, SiteRequest, SiteWeights};
use chainscope_engine::Snapshot;
use chainscope_model::{Enterprise, Flags, Hub, Park, ParkKind, Provenance};
use chainscope_testkit::{machinery, member, TaxonomyToml};
use common::cell;

fn taxonomy() -> TaxonomyToml {
    machinery()
        .tier("emerging", "新兴")
        .cluster("ne", "advantage", "新能源")
        .cluster("ic", "emerging", "集成电路")
        .chain("ic", "ic", "集成电路链")
        .node("ic.fab", "ic", "晶圆", "midstream", &[])
}

const ZERO: SiteWeights = SiteWeights { fit: 0.0, partners: 0.0, space: 0.0, cost: 0.0, logistics: 0.0, talent: 0.0 };

fn park(id: &str, lat: f64, lon: f64, clusters: &[&str], floor: Option<f64>, rent: Option<f64>) -> Park {
    Park {
        id: id.into(),
        kind: ParkKind::StandardFactory,
        name_zh: id.into(),
        name_en: None,
        park_id: None,
        level: None,
        region_code: Some("320312".into()),
        address: None,
        lat: Some(lat),
        lon: Some(lon),
        boundary: None,
        lead_clusters: clusters.iter().map(|c| c.to_string()).collect(),
        land_area_ha: None,
        land_available_ha: None,
        floor_area_m2: Some(10_000.0),
        floor_available_m2: floor,
        price_land_yuan_m2: None,
        rent_yuan_m2_month: rent,
        price_sale_yuan_m2: None,
        floor_load_kn_m2: None,
        clear_height_m: None,
        specs: None,
        contact_name: None,
        contact_phone: None,
        provenance: Provenance::default(),
        synthetic: true,
    }
}

fn city() -> (Snapshot, Vec<Hub>) {
    let reg = chainscope_testkit::registry(&["CN", "320000", "320300", "320312"]);
    // Ten excavator makers (customers of hydraulics) around (34.30, 117.20); none near (34.00, 117.60).
    let makers: Vec<Enterprise> = (0..10)
        .map(|i| {
            let (lat, lon) = (34.30 + 0.001 * i as f64, 117.20);
            Enterprise {
                lat: Some(lat),
                lon: Some(lon),
                h3: Some(cell(lat, lon)),
                employees: Some(500),
                flags: Flags { local: true, ..Default::default() },
                ..member(format!("exc-{i}"), format!("挖掘机{i}"), &["cm.exc"], Some("320312"))
            }
        })
        .collect();
    let hub = Hub {
        id: "rail".into(),
        kind: "rail_freight".into(),
        name_zh: "陆港".into(),
        name_en: None,
        lat: Some(34.30),
        lon: Some(117.10),
        region_code: None,
        note: None,
        source: None,
    };
    (common::snapshot(taxonomy().build(), &makers, &reg), vec![hub])
}

fn request(w: SiteWeights) -> SiteRequest {
    SiteRequest {
        node: Some("cm.hyd".into()),
        floor_m2: Some(2000.0),
        budget_yuan_m2: Some(20.0),
        weights: w,
        limit: 10,
        ..Default::default()
    }
}

fn order(sites: &[chainscope_engine::siteplan::Site]) -> Vec<&str> {
    sites.iter().map(|s| s.park.as_str()).collect()
}

#[test]
fn each_part_moves_the_ranking_its_way() {
    let (s, hubs) = city();
    let near = park("near", 34.30, 117.21, &["cm"], Some(5000.0), Some(15.0));
    let far = park("far", 34.00, 117.60, &["cm"], Some(5000.0), Some(15.0));
    let r = plan(&s, &[far.clone(), near.clone()], &hubs, &request(SiteWeights { partners: 1.0, ..ZERO })).expect("plan");
    assert_eq!(order(&r), ["near", "far"], "chain partners nearby");
    assert_eq!(r[0].customers_near, 10);
    let r = plan(&s, &[far.clone(), near.clone()], &hubs, &request(SiteWeights { talent: 1.0, ..ZERO })).expect("plan");
    assert_eq!(order(&r), ["near", "far"], "talent pool");
    let mut req = request(SiteWeights { logistics: 1.0, ..ZERO });
    req.logistics = vec![HubKind::RailFreight];
    let r = plan(&s, &[far.clone(), near.clone()], &hubs, &req).expect("plan");
    assert_eq!(order(&r), ["near", "far"], "nearer the rail freight hub");
    // Fit: the project's cluster beats another cluster of its tier, which beats another tier.
    let own = park("own", 34.0, 117.0, &["cm"], Some(5000.0), Some(15.0));
    let tier = park("tier", 34.0, 117.0, &["ne"], Some(5000.0), Some(15.0));
    let other = park("other", 34.0, 117.0, &["ic"], Some(5000.0), Some(15.0));
    let r = plan(&s, &[other, tier, own], &hubs, &request(SiteWeights { fit: 1.0, ..ZERO })).expect("plan");
    assert_eq!(order(&r), ["own", "tier", "other"]);
    // Cost: cheaper under budget first; over budget last.
    let cheap = park("cheap", 34.0, 117.0, &["cm"], Some(5000.0), Some(10.0));
    let dear = park("dear", 34.0, 117.0, &["cm"], Some(5000.0), Some(28.0));
    let mid = park("mid", 34.0, 117.0, &["cm"], Some(5000.0), Some(18.0));
    let r = plan(&s, &[dear, mid, cheap], &hubs, &request(SiteWeights { cost: 1.0, ..ZERO })).expect("plan");
    assert_eq!(order(&r), ["cheap", "mid", "dear"]);
    // Space: enough beats part of what is needed.
    let enough = park("enough", 34.0, 117.0, &["cm"], Some(5000.0), Some(15.0));
    let part = park("part", 34.0, 117.0, &["cm"], Some(1000.0), Some(15.0));
    let r = plan(&s, &[part, enough], &hubs, &request(SiteWeights { space: 1.0, ..ZERO })).expect("plan");
    assert_eq!(order(&r), ["enough", "part"]);
    assert!((r[1].parts[2].value.expect("known") - 0.5).abs() < 1e-12, "1000 of 2000 m²");
}

#[test]
fn a_site_without_space_is_never_first_and_unknown_is_not_none() {
    let (s, hubs) = city();
    // Best on every other part, but full.
    let full = park("full", 34.30, 117.20, &["cm"], Some(0.0), Some(5.0));
    let plain = park("plain", 34.00, 117.60, &["ic"], Some(3000.0), Some(19.0));
    let unknown = park("unknown", 34.00, 117.60, &["ic"], None, Some(19.0));
    let r = plan(&s, &[full, plain, unknown], &hubs, &request(SiteWeights::default())).expect("plan");
    assert_eq!(r.last().map(|x| x.park.as_str()), Some("full"));
    assert!(r.last().is_some_and(|x| x.no_space));
    let u = r.iter().find(|x| x.park == "unknown").expect("listed");
    assert!(!u.no_space && u.parts[2].value.is_none() && u.known < 1.0);
}

#[test]
fn a_site_too_small_ranks_after_every_site_that_fits_with_its_shortfall() {
    let (s, hubs) = city();
    // A small maker space that wins every other part, against a plain site with room for the 2,000 m² need.
    let small = park("small", 34.30, 117.20, &["cm"], Some(1200.0), Some(5.0));
    let roomy = park("roomy", 34.00, 117.60, &["ic"], Some(6000.0), Some(19.0));
    let full = park("full", 34.30, 117.20, &["cm"], Some(0.0), Some(5.0));
    let r = plan(&s, &[small, full, roomy], &hubs, &request(SiteWeights::default())).expect("plan");
    assert_eq!(order(&r), ["roomy", "small", "full"]);
    assert!(r[1].score > r[0].score, "the small site scores higher, and still comes after the one that fits");
    assert!(r[1].too_small && !r[1].no_space && !r[0].too_small);
    let short = r[1].shortfall.expect("shortfall");
    assert_eq!((short.unit, short.need, short.have), ("m2", 2000.0, 1200.0));
    assert!(r[0].shortfall.is_none());
    assert_eq!(r[2].shortfall.map(|x| x.have), Some(0.0));
    // A need nobody meets: every site is marked, none fits.
    let mut huge = request(SiteWeights::default());
    huge.floor_m2 = Some(200_000.0);
    let all = [park("a", 34.0, 117.0, &["cm"], Some(6000.0), Some(15.0)), park("b", 34.0, 117.0, &["cm"], Some(1200.0), Some(15.0))];
    let r = plan(&s, &all, &hubs, &huge).expect("plan");
    assert!(r.iter().all(|x| x.too_small), "{r:?}");
}

#[test]
fn bad_requests_name_their_parameter() {
    let (s, hubs) = city();
    let parks = [park("p", 34.0, 117.0, &["cm"], Some(100.0), None)];
    let cases: Vec<(SiteRequest, &str)> = vec![
        (SiteRequest { node: None, ..request(SiteWeights::default()) }, "node"),
        (SiteRequest { node: Some("cm.nope".into()), ..request(SiteWeights::default()) }, "node"),
        (SiteRequest { cluster: Some("nope".into()), ..request(SiteWeights::default()) }, "cluster"),
        (SiteRequest { floor_m2: None, ..request(SiteWeights::default()) }, "land_ha"),
        (SiteRequest { floor_m2: Some(-5.0), ..request(SiteWeights::default()) }, "floor_m2"),
        (SiteRequest { budget_yuan_m2: Some(1e12), ..request(SiteWeights::default()) }, "budget_yuan_m2"),
        (request(ZERO), "weights"),
        (SiteRequest { limit: 0, ..request(SiteWeights::default()) }, "limit"),
    ];
    for (req, param) in cases {
        assert_eq!(plan(&s, &parks, &hubs, &req).map_err(|e| e.parameter()).err(), Some(param), "{req:?}");
    }
}
