//! Learned lead weights: the logistic fit on hand-made samples, the fallback under the threshold, and the rolling
//! windows that never label an arrival dated on or after the cut-off.

use chainscope_engine::learn::{fit, history_samples, learn, History, Sample, MIN_ARRIVALS};
use chainscope_engine::targeting::Weights;
use chainscope_model::{Enterprise, Flags};
use chainscope_testkit::{located, machinery, member, region, registry_of};
use chrono::NaiveDate;

fn sample(parts: [f64; 6], arrived: bool) -> Sample {
    Sample { parts, arrived, weight: 1.0 }
}

/// Arrivals have a high supply part and a low scale part; the others are noise. 40 arrivals of 400.
fn separable() -> Vec<Sample> {
    let mut out = Vec::new();
    for i in 0..400 {
        let noise = |k: u32| ((i * 7919 + k * 104_729) % 100) as f64 / 100.0;
        let arrived = i % 10 == 0;
        let supply = if arrived { 0.7 + 0.3 * noise(1) } else { 0.6 * noise(1) };
        let scale = if arrived { 0.3 * noise(2) } else { 0.2 + 0.8 * noise(2) };
        out.push(sample([noise(3), supply, noise(4), noise(5), scale, noise(6)], arrived));
    }
    out
}

#[test]
fn a_separable_set_gives_the_telling_part_the_weight_and_never_a_negative_one() {
    let s = separable();
    let f = fit(&s, 1.0);
    // Supply tells arrivals apart: the largest coefficient. Scale points the other way: held at 0, not negative.
    let top = (0..6).max_by(|&a, &b| f.coef[a].total_cmp(&f.coef[b])).expect("six");
    assert_eq!(top, 1, "{f:?}");
    assert!(f.coef[1] > 2.0, "{f:?}");
    assert_eq!(f.coef[4], 0.0, "{f:?}");
    assert!(f.coef.iter().all(|c| *c >= 0.0), "{f:?}");
    // The fitted probabilities order the arrivals above the rest nearly always.
    let p_in: f64 = s.iter().filter(|x| x.arrived).map(|x| f.probability(&x.parts)).sum::<f64>() / 40.0;
    let p_out: f64 = s.iter().filter(|x| !x.arrived).map(|x| f.probability(&x.parts)).sum::<f64>() / 360.0;
    assert!(p_in > 5.0 * p_out, "{p_in} vs {p_out}");
    let l = learn(&s, ("big_anchors", Weights::BIG_ANCHORS), MIN_ARRIVALS);
    assert_eq!((l.method, l.arrivals, l.samples), ("logistic_l2", 40, 400));
    assert_eq!(l.weights.supply, 10.0, "the largest weight is scaled to 10: {:?}", l.weights);
    assert_eq!(l.weights.scale, 0.0);
}

#[test]
fn the_preset_is_used_below_the_threshold_of_past_arrivals() {
    let s: Vec<Sample> = separable()
        .into_iter()
        .filter(|x| !x.arrived)
        .chain(separable().into_iter().filter(|x| x.arrived).take(MIN_ARRIVALS - 1))
        .collect();
    let l = learn(&s, ("strengthening", Weights::STRENGTHENING), MIN_ARRIVALS);
    assert_eq!(
        (l.method, l.arrivals, l.weights, l.fallback.as_str()),
        ("preset_fallback", MIN_ARRIVALS - 1, Weights::STRENGTHENING, "strengthening")
    );
    assert!(l.fit.is_none());
    // One more arrival and it fits.
    let more: Vec<Sample> =
        separable().into_iter().filter(|x| !x.arrived).chain(separable().into_iter().filter(|x| x.arrived).take(MIN_ARRIVALS)).collect();
    assert_eq!(learn(&more, ("strengthening", Weights::STRENGTHENING), MIN_ARRIVALS).method, "logistic_l2");
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn firm(key: &str, region: &str, node: &str, founded: NaiveDate, local: bool) -> Enterprise {
    let mut e = member(key, key, &[node], Some(region));
    e.ext_id = Some(key.to_string());
    e.founded = Some(founded);
    e.flags = Flags { local, ..Flags::default() };
    e
}

fn branch(key: &str, parent: &str, founded: NaiveDate) -> Enterprise {
    let mut e = firm(key, "320300", "cm.exc", founded, true);
    e.parent = Some(parent.to_string());
    e
}

#[test]
fn the_windows_never_label_an_arrival_dated_on_or_after_the_cut_off() {
    let tax = machinery().build();
    let regions =
        registry_of([region("CN"), located("320000", 32.9, 119.4), located("320300", 34.26, 117.18), located("320100", 32.06, 118.8)]);
    let mut all = vec![firm("home1", "320300", "cm.exc", day(2010, 1, 1), true)];
    for i in 0..6 {
        all.push(firm(&format!("out{i}"), "320100", "cm.hyd", day(2010, 1, 1), false));
    }
    // out0 came in the year before the cut-off, out1 on the cut-off day, out2 after it; out3 three years back.
    let cut = day(2023, 12, 31);
    all.push(branch("b0", "out0", day(2023, 6, 1)));
    all.push(branch("b1", "out1", cut));
    all.push(branch("b2", "out2", day(2024, 3, 1)));
    all.push(branch("b3", "out3", day(2021, 3, 1)));
    let mut each = |f: &mut dyn FnMut(Enterprise)| -> Result<(), std::convert::Infallible> {
        all.iter().for_each(|e| f(e.clone()));
        Ok(())
    };
    let mut h = History { each: &mut each, projects: &[], taxonomy: tax, regions: &regions, home: "320300" };
    let Ok((samples, windows)) = history_samples(&mut h, Some(cut), 3, Weights::BIG_ANCHORS, usize::MAX);
    assert_eq!(windows.len(), 3);
    assert!(windows.iter().all(|w| w.until < cut), "{windows:?}");
    assert_eq!(windows.iter().map(|w| w.arrivals).collect::<Vec<_>>(), vec![1, 0, 1], "out0 in the last year, out3 in the third");
    // Six outside candidates per window, two of the samples arrivals: neither out1 (on the day) nor out2 (after).
    assert_eq!(samples.len(), 18);
    assert_eq!(samples.iter().filter(|s| s.arrived).count(), 2);
    // Thinned to about one non-arrival per window: every arrival is still there, each other sample stands for several.
    let mut each = |f: &mut dyn FnMut(Enterprise)| -> Result<(), std::convert::Infallible> {
        all.iter().for_each(|e| f(e.clone()));
        Ok(())
    };
    let mut h = History { each: &mut each, projects: &[], taxonomy: machinery().build(), regions: &regions, home: "320300" };
    let Ok((thin, _)) = history_samples(&mut h, Some(cut), 3, Weights::BIG_ANCHORS, 1);
    assert_eq!(thin.iter().filter(|s| s.arrived).count(), 2);
    assert!(thin.len() < samples.len(), "{} samples", thin.len());
    assert!(thin.iter().filter(|s| !s.arrived).all(|s| s.weight > 1.0));
    assert!(thin.iter().filter(|s| s.arrived).all(|s| s.weight == 1.0));
    // Moving the cut-off a day later lets out1's arrival in.
    let mut each = |f: &mut dyn FnMut(Enterprise)| -> Result<(), std::convert::Infallible> {
        all.iter().for_each(|e| f(e.clone()));
        Ok(())
    };
    let mut h = History { each: &mut each, projects: &[], taxonomy: machinery().build(), regions: &regions, home: "320300" };
    let Ok((later, _)) = history_samples(&mut h, Some(day(2024, 1, 1)), 1, Weights::BIG_ANCHORS, usize::MAX);
    assert_eq!(later.iter().filter(|s| s.arrived).count(), 2, "out0 and out1");
}
