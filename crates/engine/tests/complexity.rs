//! Relatedness and complexity checked against the Harvard Growth Lab `ecomplexity` package (0.5.3): every measure
//! of every fixture in `tests/fixtures/complexity/` (made by `make_fixtures.py` there) to 1e-6, with the proximity
//! diagonal at 1 (ecomplexity's default) and at 0 (the Atlas's, fed to ecomplexity as a proximity edge list). Then
//! the conventions those figures imply, one test each.

use chainscope_engine::complexity::{complexity, ComplexityError, ComplexityInput, ComplexityOptions, ComplexityResult, Diagonal};
use serde_json::Value;
use std::path::PathBuf;

const TOLERANCE: f64 = 1e-6;
const FIXTURES: &[&str] = &["small", "random", "sparse", "ill", "ubiquitous", "zero"];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/complexity")
}

fn load_input(name: &str) -> ComplexityInput {
    let text = std::fs::read_to_string(dir().join(format!("{name}.csv"))).expect("fixture csv");
    let triples = text.lines().skip(1).filter(|l| !l.is_empty()).map(|l| {
        let f: Vec<&str> = l.split(',').collect();
        (f[0].to_string(), f[1].to_string(), f[2].parse::<f64>().expect("number"))
    });
    ComplexityInput::from_triples(triples).expect("input")
}

fn load_reference(name: &str, atlas: bool) -> Value {
    let file = dir().join(format!("{name}{}", if atlas { ".atlas.json" } else { ".json" }));
    serde_json::from_str(&std::fs::read_to_string(file).expect("fixture json")).expect("json")
}

/// Largest difference between ours and the reference; a NaN must meet a null and vice versa.
fn compare(what: &str, ours: f64, reference: &Value, worst: &mut f64) {
    match reference.as_f64() {
        None => assert!(reference.is_null() && ours.is_nan(), "{what}: ours {ours}, reference {reference}"),
        Some(r) => {
            assert!(ours.is_finite(), "{what}: ours {ours}, reference {r}");
            let d = (ours - r).abs();
            assert!(d <= TOLERANCE, "{what}: ours {ours}, reference {r}, difference {d:e}");
            *worst = worst.max(d);
        }
    }
}

fn check(name: &str, atlas: bool) -> f64 {
    let input = load_input(name);
    let opts = ComplexityOptions { proximity_diagonal: if atlas { Diagonal::Zero } else { Diagonal::One }, ..Default::default() };
    let res = complexity(&input, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
    let reference = load_reference(name, atlas);
    let mut worst = 0.0f64;
    let ni = res.industries.len();
    for (r, region) in res.regions.iter().enumerate() {
        for (i, industry) in res.industries.iter().enumerate() {
            for (key, m) in [("rca", &res.rca), ("mcp", &res.mcp), ("density", &res.density), ("cog", &res.cog)] {
                compare(&format!("{name} {key}[{region}][{industry}]"), m[r * ni + i], &reference[key][region][industry], &mut worst);
            }
        }
        compare(&format!("{name} eci[{region}]"), res.eci[r], &reference["eci"][region], &mut worst);
        compare(&format!("{name} coi[{region}]"), res.coi[r], &reference["coi"][region], &mut worst);
    }
    for (i, industry) in res.industries.iter().enumerate() {
        compare(&format!("{name} pci[{industry}]"), res.pci[i], &reference["pci"][industry], &mut worst);
        for (j, other) in res.industries.iter().enumerate() {
            compare(
                &format!("{name} proximity[{industry}][{other}]"),
                res.proximity[i * ni + j],
                &reference["proximity"][industry][other],
                &mut worst,
            );
        }
    }
    // Every region and industry of the reference is ours too.
    assert_eq!(reference["eci"].as_object().map(|o| o.len()), Some(res.regions.len()), "{name}: regions");
    assert_eq!(reference["pci"].as_object().map(|o| o.len()), Some(res.industries.len()), "{name}: industries");
    worst
}

#[test]
fn matches_ecomplexity_on_every_fixture() {
    for name in FIXTURES {
        let worst = check(name, false);
        eprintln!("{name}: largest difference from ecomplexity {worst:.1e}");
    }
}

#[test]
fn matches_ecomplexity_with_the_atlas_diagonal() {
    for name in FIXTURES {
        let worst = check(name, true);
        eprintln!("{name} (diagonal 0): largest difference from ecomplexity {worst:.1e}");
    }
}

fn run(rows: &[&[f64]], opts: &ComplexityOptions) -> Result<ComplexityResult, ComplexityError> {
    let input = ComplexityInput {
        regions: (0..rows.len()).map(|r| format!("r{r}")).collect(),
        industries: (0..rows[0].len()).map(|i| format!("i{i}")).collect(),
        values: rows.iter().flat_map(|r| r.iter().copied()).collect(),
    };
    complexity(&input, opts)
}

fn defaults() -> ComplexityOptions {
    ComplexityOptions::default()
}

#[test]
fn defaults_are_ecomplexitys() {
    let o = ComplexityOptions::default();
    assert_eq!(o.rca_threshold, 1.0);
    assert_eq!(o.proximity_diagonal, Diagonal::One);
}

/// An RCA of exactly 1.0 is present (`>=`, not `>`): in the `ubiquitous` fixture industry U is a quarter of every
/// region's total (exact in binary), so it is present everywhere.
#[test]
fn rca_of_exactly_one_is_present() {
    let res = complexity(&load_input("ubiquitous"), &defaults()).expect("ok");
    let u = res.industries.iter().position(|i| i == "U").expect("U");
    for r in 0..res.regions.len() {
        assert_eq!(res.at(&res.rca, r, u), 1.0);
        assert_eq!(res.at(&res.mcp, r, u), 1.0);
    }
    assert_eq!(res.ubiquity[u] as usize, res.regions.len());
    // A threshold a hair above 1 makes it absent everywhere, which leaves it without presence.
    let e = complexity(&load_input("ubiquitous"), &ComplexityOptions { rca_threshold: 1.0 + 1e-12, ..defaults() }).unwrap_err();
    assert_eq!(e.code(), "no_presence");
    assert!(matches!(e, ComplexityError::NoPresence { ref industries, .. } if industries == &["U".to_string()]));
}

#[test]
fn proximity_diagonal_is_one_by_default_and_zero_as_an_option() {
    let input = load_input("small");
    let one = complexity(&input, &defaults()).expect("ok");
    let zero = complexity(&input, &ComplexityOptions { proximity_diagonal: Diagonal::Zero, ..defaults() }).expect("ok");
    let n = input.industries.len();
    for i in 0..n {
        assert_eq!(one.proximity[i * n + i], 1.0);
        assert_eq!(zero.proximity[i * n + i], 0.0);
        for j in (0..n).filter(|&j| j != i) {
            assert_eq!(one.proximity[i * n + j], zero.proximity[i * n + j]);
            assert_eq!(one.proximity[i * n + j], one.proximity[j * n + i], "symmetric");
        }
    }
    // ECI and PCI do not depend on proximity; density, COI and COG do.
    assert_eq!(one.eci, zero.eci);
    assert_eq!(one.pci, zero.pci);
    assert_ne!(one.density, zero.density);
}

/// Proximity is the smaller conditional probability, |p ∩ q| / max(u_p, u_q).
#[test]
fn proximity_is_the_minimum_conditional_probability() {
    let res = complexity(&load_input("random"), &defaults()).expect("ok");
    let (nr, ni) = (res.regions.len(), res.industries.len());
    for p in 0..ni {
        for q in 0..ni {
            let both = (0..nr).filter(|&r| res.at(&res.mcp, r, p) == 1.0 && res.at(&res.mcp, r, q) == 1.0).count() as f64;
            let want = both / f64::from(res.ubiquity[p].max(res.ubiquity[q]));
            assert!((res.proximity[p * ni + q] - want).abs() < 1e-15);
        }
    }
}

fn corr(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

#[test]
fn eci_correlates_positively_with_diversity() {
    for name in FIXTURES {
        let res = complexity(&load_input(name), &defaults()).expect("ok");
        let (d, e): (Vec<f64>, Vec<f64>) =
            res.eci.iter().zip(&res.diversity).filter(|(e, _)| !e.is_nan()).map(|(e, d)| (f64::from(*d), *e)).unzip();
        assert!(corr(&d, &e) > 0.0, "{name}");
    }
}

/// ECI is z-scored with ddof 0; PCI uses ECI's mean and standard deviation, which makes a region's ECI the mean
/// PCI of its present industries.
#[test]
fn eci_is_z_scored_with_ddof_0_and_pci_uses_ecis_moments() {
    let res = complexity(&load_input("random"), &defaults()).expect("ok");
    let n = res.eci.len() as f64;
    let mean = res.eci.iter().sum::<f64>() / n;
    let var0 = res.eci.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / n;
    assert!(mean.abs() < 1e-12 && (var0 - 1.0).abs() < 1e-12);
    let pci_mean = res.pci.iter().sum::<f64>() / res.pci.len() as f64;
    assert!(pci_mean.abs() > 1e-3, "PCI is not centred on its own mean");
    let ni = res.industries.len();
    for r in 0..res.regions.len() {
        let present: Vec<f64> = (0..ni).filter(|&i| res.at(&res.mcp, r, i) == 1.0).map(|i| res.pci[i]).collect();
        let m = present.iter().sum::<f64>() / present.len() as f64;
        assert!((m - res.eci[r]).abs() < 1e-9, "region {r}: mean PCI {m} vs ECI {}", res.eci[r]);
    }
    // COI is z-scored on its own (ddof 0).
    let cm = res.coi.iter().sum::<f64>() / n;
    let cv = res.coi.iter().map(|e| (e - cm).powi(2)).sum::<f64>() / n;
    assert!(cm.abs() < 1e-12 && (cv - 1.0).abs() < 1e-12);
}

/// The second eigenvector, not the method of reflections: ECI is an eigenvector of M̃_cc = D_c⁻¹ M D_p⁻¹ Mᵀ (up to
/// the affine normalisation), with the second-largest eigenvalue.
#[test]
fn eci_is_the_second_eigenvector() {
    let res = complexity(&load_input("small"), &defaults()).expect("ok");
    let (nr, ni) = (res.regions.len(), res.industries.len());
    let m = |r: usize, i: usize| res.at(&res.mcp, r, i);
    // ECI = a·kc + b with M̃_cc kc = λ kc, and M̃_cc is row-stochastic, so M̃_cc ECI − λ ECI is a constant vector.
    let residual: Vec<f64> = (0..nr)
        .map(|r| {
            let acc: f64 = (0..nr)
                .map(|r2| {
                    let w: f64 = (0..ni).map(|i| m(r, i) * m(r2, i) / f64::from(res.ubiquity[i])).sum();
                    w / f64::from(res.diversity[r]) * res.eci[r2]
                })
                .sum();
            acc - res.eigenvalue * res.eci[r]
        })
        .collect();
    assert!(residual.iter().all(|x| (x - residual[0]).abs() < 1e-12), "{residual:?}");
    assert!(res.eigenvalue > 0.0 && res.eigenvalue < 1.0);
}

#[test]
fn zero_rows_and_columns_are_dropped_and_nan() {
    let res = complexity(&load_input("zero"), &defaults()).expect("ok");
    assert_eq!(res.dropped_regions.iter().map(|&r| res.regions[r].as_str()).collect::<Vec<_>>(), ["z5"]);
    assert_eq!(res.dropped_industries.iter().map(|&i| res.industries[i].as_str()).collect::<Vec<_>>(), ["q2"]);
    assert!(res.eci[5].is_nan() && res.coi[5].is_nan() && res.pci[2].is_nan());
    assert!(res.at(&res.rca, 5, 0).is_nan() && res.at(&res.mcp, 0, 2).is_nan());
    assert!(!res.eci[0].is_nan());
}

#[test]
fn disconnected_blocks_have_no_determined_eci() {
    let e = run(&[&[5.0, 3.0, 0.0, 0.0], &[2.0, 7.0, 0.0, 0.0], &[0.0, 0.0, 4.0, 1.0], &[0.0, 0.0, 1.0, 6.0]], &defaults()).unwrap_err();
    assert_eq!(e.code(), "degenerate_eigenvalue");
}

/// Every region has two industries (ubiquities 3, 2, 2, 1): λ2 is simple (0.614), but the correlation with a
/// constant diversity is undefined. ecomplexity returns NaN for every ECI and PCI here.
#[test]
fn constant_diversity_leaves_the_sign_undefined() {
    let e = run(&[&[1.0, 1.0, 0.0, 0.0], &[1.0, 0.0, 1.0, 0.0], &[1.0, 0.0, 0.0, 1.0], &[0.0, 1.0, 1.0, 0.0]], &defaults()).unwrap_err();
    assert_eq!(e, ComplexityError::UndefinedSign);
    // A regular structure (a 3-cycle) has a double second eigenvalue instead.
    let e = run(&[&[1.0, 1.0, 0.0], &[0.0, 1.0, 1.0], &[1.0, 0.0, 1.0]], &defaults()).unwrap_err();
    assert_eq!(e.code(), "degenerate_eigenvalue");
}

#[test]
fn invalid_inputs_are_typed_errors() {
    let e = run(&[&[1.0, -2.0], &[3.0, 4.0]], &defaults()).unwrap_err();
    assert_eq!(e.code(), "invalid_value");
    let e = run(&[&[1.0, f64::NAN], &[3.0, 4.0]], &defaults()).unwrap_err();
    assert_eq!(e.code(), "invalid_value");
    let e = run(&[&[1.0, 2.0], &[3.0, 4.0]], &ComplexityOptions { rca_threshold: 0.0, ..defaults() }).unwrap_err();
    assert_eq!(e.code(), "invalid_threshold");
    let e = run(&[&[1.0, 2.0], &[0.0, 0.0]], &defaults()).unwrap_err();
    assert_eq!(e, ComplexityError::TooSmall { regions: 1, industries: 2 });
    let input = ComplexityInput { regions: vec!["a".into(), "a".into()], industries: vec!["x".into()], values: vec![1.0, 2.0] };
    assert_eq!(complexity(&input, &defaults()).unwrap_err().code(), "duplicate_name");
    let input = ComplexityInput { regions: vec!["a".into()], industries: vec!["x".into()], values: vec![] };
    assert_eq!(complexity(&input, &defaults()).unwrap_err().code(), "shape_mismatch");
    let e = ComplexityInput::from_triples([("a", "x", 1.0), ("a", "x", 2.0)]).unwrap_err();
    assert_eq!(e.code(), "duplicate_pair");
}

/// With fewer industries than regions the eigenproblem is solved on the product side (as ecomplexity does); the
/// fixtures cover both sides (small, random and sparse have fewer regions; ill, ubiquitous and zero fewer
/// industries). A narrowed `random` checks the product side's eigen-equation directly.
#[test]
fn product_side_eigenvector_satisfies_the_eigen_equation() {
    let input = load_input("random");
    let keep = 25;
    let n = input.industries.len();
    let narrow = ComplexityInput {
        regions: input.regions.clone(),
        industries: input.industries[..keep].to_vec(),
        values: (0..input.regions.len()).flat_map(|r| input.values[r * n..r * n + keep].to_vec()).collect(),
    };
    let x = complexity(&narrow, &defaults()).expect("ok");
    assert!(x.eci.iter().all(|e| e.is_finite()));
    let (nr, ni) = (x.regions.len(), x.industries.len());
    // Up to the constant that the normalisation's shift leaves (see eci_is_the_second_eigenvector).
    let residual: Vec<f64> = (0..nr)
        .map(|r| {
            let acc: f64 = (0..nr)
                .map(|r2| {
                    let w: f64 = (0..ni).map(|i| x.at(&x.mcp, r, i) * x.at(&x.mcp, r2, i) / f64::from(x.ubiquity[i])).sum();
                    w / f64::from(x.diversity[r]) * x.eci[r2]
                })
                .sum();
            acc - x.eigenvalue * x.eci[r]
        })
        .collect();
    assert!(residual.iter().all(|v| (v - residual[0]).abs() < 1e-10), "{residual:?}");
}
