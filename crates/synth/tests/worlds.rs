//! Test worlds for the back-test: deterministic, every outside enterprise's true odds recorded, arrivals following
//! them, and the two worlds rewarding different things.

use chainscope_synth::worlds::{build_world, Prefecture, TestWorld, WorldConfig, WorldKind};
use std::collections::HashMap;

/// A grid of prefectures around the home city 320300, up to about 2,000 km away.
fn prefectures() -> Vec<Prefecture> {
    let mut out = vec![Prefecture { code: "320300".into(), lat: 34.26, lon: 117.18 }];
    for i in 0..60 {
        let (dx, dy) = ((i % 8) as f64 * 2.5 - 9.0, (i / 8) as f64 * 2.0 - 7.0);
        out.push(Prefecture { code: format!("{}", 410_100 + i * 100), lat: 34.26 + dy, lon: 117.18 + dx });
    }
    out
}

fn world(kind: WorldKind, seed: u64) -> TestWorld {
    let tax = chainscope_testkit::xuzhou_343();
    build_world(&WorldConfig::new(kind, 6_000, seed), &tax, &prefectures(), "320300").expect("world")
}

#[test]
fn a_world_is_the_same_for_a_seed_and_records_every_outside_enterprises_odds() {
    for kind in WorldKind::ALL {
        let a = world(kind, 7);
        let b = world(kind, 7);
        assert_eq!(a.enterprises, b.enterprises, "{kind:?}: deterministic");
        assert_eq!(a.odds, b.odds);
        assert_ne!(world(kind, 8).odds, a.odds, "another seed, another world");
        let outside = a.enterprises.iter().filter(|e| e.parent.is_none() && !e.flags.local).count();
        assert_eq!(a.odds.len(), outside, "{kind:?}: one entry per outside enterprise");
        assert!(a.odds.iter().all(|(_, p)| *p > 0.0 && *p < 1.0));
        let mean = a.odds.iter().map(|x| x.1).sum::<f64>() / a.odds.len() as f64;
        assert!((mean - 0.004).abs() < 1e-6, "{kind:?}: the asked mean yearly chance, {mean}");
        // Arrivals are local branches naming an outside enterprise of the world; expansions elsewhere are not local.
        let odds: HashMap<&str, f64> = a.odds.iter().map(|(k, p)| (k.as_str(), *p)).collect();
        let arrivals: Vec<f64> = a
            .enterprises
            .iter()
            .filter(|e| e.flags.local && e.parent.is_some())
            .map(|e| *odds.get(e.parent.as_deref().unwrap_or("")).unwrap_or_else(|| panic!("{:?} names no outside firm", e.parent)))
            .collect();
        assert_eq!(arrivals.len() as u32, a.arrivals_per_year.iter().map(|x| x.1).sum::<u32>());
        assert!(arrivals.len() > 50, "{kind:?}: {} arrivals", arrivals.len());
        // Those who came had, on average, clearly better odds than the rest.
        let came = arrivals.iter().sum::<f64>() / arrivals.len() as f64;
        assert!(came > 2.0 * mean, "{kind:?}: arrivals' mean odds {came} vs {mean}");
    }
}

#[test]
fn growth_brings_arrivals_in_one_world_and_not_in_the_other() {
    // Correlation of growth (from the yearly figures) with the true odds, over the outside enterprises.
    let corr = |w: &TestWorld| {
        let odds: HashMap<&str, f64> = w.odds.iter().map(|(k, p)| (k.as_str(), p.ln())).collect();
        let pairs: Vec<(f64, f64)> = w
            .enterprises
            .iter()
            .filter_map(|e| {
                let o = *odds.get(e.ext_id.as_deref()?)?;
                let g = chainscope_model::enterprise::growth(&e.series, None)?;
                Some((g, o))
            })
            .collect();
        let n = pairs.len() as f64;
        let (mx, my) = (pairs.iter().map(|p| p.0).sum::<f64>() / n, pairs.iter().map(|p| p.1).sum::<f64>() / n);
        let cov: f64 = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let vx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let vy: f64 = pairs.iter().map(|p| (p.1 - my).powi(2)).sum();
        cov / (vx * vy).sqrt()
    };
    let g = corr(&world(WorldKind::GrowthCrowding, 1));
    let s = corr(&world(WorldKind::SupplyTies, 1));
    assert!(g > 0.5, "growth_crowding: growth drives the odds ({g})");
    assert!(s.abs() < 0.1, "supply_ties: growth does not ({s})");
}
