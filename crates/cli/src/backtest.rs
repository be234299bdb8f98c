//! `chainscope backtest`: would the lead ranking have found the enterprises that came?
//!
//! Everything is cut at the as-of date: only enterprises founded by then (or of unknown founding date) are known,
//! their yearly figures stop at its year, and what the ranking sees (gaps, local leaders, relatedness, growth) is
//! computed from that past snapshot alone. An outside enterprise *arrived* after the date when a local enterprise
//! founded after it names it as parent (a branch or subsidiary here), or when a project with it as investor was
//! signed after it. Precision@k, recall@k and average precision of the ranking are set beside baselines: random
//! order (its expectation, exact), largest first (revenue, then employees) and, on a test world whose true arrival
//! odds are known, the oracle that ranks by them. AUC and a calibration table by decile need no oracle.
//!
//! The `learned` ranking fits the six weights on the arrivals *before* the as-of date (rolling origins one to five
//! years back, each labelled with the year after it, all windows ending by the date: nothing on or after it
//! is seen), falling back to the preset under [`chainscope_engine::learn::MIN_ARRIVALS`] past arrivals.

use crate::app::App;
use anyhow::bail;
use chainscope_engine::learn::{as_known_at, history_samples, idents, learn, History, Learned, Window, MIN_ARRIVALS, WINDOWS};
use chainscope_engine::targeting::{candidate_parts, chosen_nodes, largest_first, rank, Context, Query, Weights};
use chainscope_engine::{HeatFilter, Snapshot};
use chainscope_model::{Enterprise, Project, RegionLevel, RegionRegistry, Taxonomy};
use chainscope_store::{EnterpriseStore, PipelineStore};
use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    /// Average precision at k: the mean of precision@i over the ranks i ≤ k holding an arrival, divided by
    /// min(k, arrivals) rather than the hits (so missing arrivals costs).
    pub ap: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AtK {
    pub k: usize,
    pub model: Score,
    pub random: Score,
    pub largest_first: Score,
    /// The other weight presets, for comparison.
    pub presets: FxHashMap<&'static str, Score>,
    /// Weights fitted on the arrivals before the as-of date (or the preset, when too few).
    pub learned: Score,
    /// Ranked by the true odds (test worlds only).
    pub oracle: Option<Score>,
}

/// One tenth of the candidates, by score.
#[derive(Debug, Clone, Serialize)]
pub struct Decile {
    /// 1 = the highest scores.
    pub decile: usize,
    pub candidates: usize,
    pub mean_score: f64,
    pub arrived: usize,
    pub arrival_rate: f64,
    /// The learned model's mean fitted yearly probability (learned ranking with a fit only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_probability: Option<f64>,
}

/// Measures over the whole list of candidates, no oracle needed.
#[derive(Debug, Clone, Serialize)]
pub struct Whole {
    /// Chance that a random arrival is ranked above a random non-arrival (ties count half).
    pub auc: FxHashMap<&'static str, f64>,
    pub calibration: FxHashMap<&'static str, Vec<Decile>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub as_of: String,
    pub preset: &'static str,
    /// The test world, when not the store's data.
    pub world: Option<String>,
    pub candidates: u64,
    pub arrived: u64,
    pub results: Vec<AtK>,
    pub learned: Learned,
    /// The training windows: origin, end, candidates and past arrivals.
    pub windows: Vec<Window>,
    pub whole: Whole,
}

/// What a back-test runs on: the enterprises and projects, and the true yearly odds when they are known.
pub struct Input<'a> {
    pub enterprises: &'a [Enterprise],
    pub projects: &'a [Project],
    pub taxonomy: Arc<Taxonomy>,
    pub regions: &'a RegionRegistry,
    pub home: &'a str,
    pub odds: Option<FxHashMap<String, f64>>,
    pub world: Option<String>,
}

/// The world as known at a date: its snapshot and targeting context, and who was where.
struct Past {
    snap: Snapshot,
    ctx: Context,
    row_of: FxHashMap<String, u32>,
    /// Per row: the input index.
    index: Vec<usize>,
    local_rows: FxHashSet<u32>,
    in_pipeline: FxHashSet<u32>,
}

fn past(input: &Input, as_of: NaiveDate) -> Past {
    let mut b = Snapshot::builder(input.taxonomy.clone(), input.home);
    let mut row_of: FxHashMap<String, u32> = FxHashMap::default();
    let mut local_rows = FxHashSet::default();
    let mut index = Vec::new();
    // Branches anywhere founded in the three years up to the date, by the parent they name (momentum evidence).
    let mut recent_branches: Vec<&str> = Vec::new();
    let window_start = as_of.with_year(as_of.year() - 3).unwrap_or(as_of);
    for (i, e) in input.enterprises.iter().enumerate() {
        if let (Some(d), Some(p)) = (e.founded, e.parent.as_deref().filter(|p| !p.is_empty())) {
            if d > window_start && d <= as_of {
                recent_branches.push(p);
            }
        }
        if e.founded.is_none_or(|d| d <= as_of) {
            let row = index.len() as u32;
            for id in idents(e) {
                row_of.insert(id.to_string(), row);
            }
            if e.flags.local {
                local_rows.insert(row);
            }
            b.push(&as_known_at(e, as_of.year()), input.regions);
            index.push(i);
        }
    }
    let snap = b.finish();
    let mut expansions: FxHashMap<u32, u32> = FxHashMap::default();
    for p in recent_branches {
        if let Some(&r) = row_of.get(p) {
            *expansions.entry(r).or_default() += 1;
        }
    }
    let mut in_pipeline = FxHashSet::default();
    for p in input.projects {
        let Some(&r) = p.investor_id.as_deref().and_then(|i| row_of.get(i)) else { continue };
        let signed_after = p.signed_on().is_some_and(|d| d > as_of);
        if !signed_after && p.history.first().is_some_and(|h| h.date <= as_of) {
            in_pipeline.insert(r);
        }
    }
    let ctx = Context::new(&snap, input.regions).with_expansions(expansions);
    Past { snap, ctx, row_of, index, local_rows, in_pipeline }
}

/// Outside enterprises known at the past's date that arrived in (from, to]: a local enterprise founded then names
/// them as parent, or a project with them as investor was signed then.
fn arrivals(input: &Input, p: &Past, from: NaiveDate, to: Option<NaiveDate>) -> FxHashSet<u32> {
    let within = |d: NaiveDate| d > from && to.is_none_or(|t| d <= t);
    let mut out = FxHashSet::default();
    for e in input.enterprises {
        if !e.flags.local || !e.founded.is_some_and(within) {
            continue;
        }
        if let Some(&r) = e.parent.as_deref().and_then(|x| p.row_of.get(x)) {
            out.insert(r);
        }
    }
    for pr in input.projects {
        if pr.signed_on().is_some_and(within) {
            if let Some(&r) = pr.investor_id.as_deref().and_then(|i| p.row_of.get(i)) {
                out.insert(r);
            }
        }
    }
    out.retain(|r| !p.local_rows.contains(r));
    out
}

fn all_tiers(t: &Taxonomy) -> HeatFilter {
    HeatFilter { tiers: t.tiers.iter().map(|t| t.id.clone()).collect(), ..Default::default() }
}

/// Rolling-origin training samples before `as_of` (the engine's, as the server fits them).
fn training(input: &Input, as_of: NaiveDate, weights: Weights) -> (Vec<chainscope_engine::learn::Sample>, Vec<Window>) {
    let mut each = |f: &mut dyn FnMut(Enterprise)| -> Result<(), std::convert::Infallible> {
        input.enterprises.iter().for_each(|e| f(e.clone()));
        Ok(())
    };
    let mut h =
        History { each: &mut each, projects: input.projects, taxonomy: input.taxonomy.clone(), regions: input.regions, home: input.home };
    match history_samples(&mut h, Some(as_of), WINDOWS, weights, usize::MAX) {
        Ok(x) => x,
        Err(never) => match never {},
    }
}

/// AUC by ranks (Mann–Whitney), ties counting half.
fn auc(scored: &[(f64, bool)]) -> f64 {
    let mut v: Vec<(f64, bool)> = scored.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < v.len() {
        let mut j = i;
        while j < v.len() && v[j].0 == v[i].0 {
            j += 1;
        }
        let mid = (i + j + 1) as f64 / 2.0;
        rank_sum += v[i..j].iter().filter(|x| x.1).count() as f64 * mid;
        i = j;
    }
    let pos = v.iter().filter(|x| x.1).count() as f64;
    let neg = v.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

fn deciles(scored: &[(f64, bool, Option<f64>)]) -> Vec<Decile> {
    let mut v = scored.to_vec();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let n = v.len();
    (0..10)
        .map(|d| {
            let part = &v[d * n / 10..(d + 1) * n / 10];
            let c = part.len().max(1) as f64;
            let arrived = part.iter().filter(|x| x.1).count();
            let probs: Vec<f64> = part.iter().filter_map(|x| x.2).collect();
            Decile {
                decile: d + 1,
                candidates: part.len(),
                mean_score: part.iter().map(|x| x.0).sum::<f64>() / c,
                arrived,
                arrival_rate: arrived as f64 / c,
                mean_probability: (!probs.is_empty()).then(|| probs.iter().sum::<f64>() / probs.len() as f64),
            }
        })
        .collect()
}

const PRESETS: [(&str, Weights); 3] =
    [("gap_filling", Weights::GAP_FILLING), ("strengthening", Weights::STRENGTHENING), ("big_anchors", Weights::BIG_ANCHORS)];

/// The back-test on the store's data.
pub fn run(app: &App, as_of: Option<NaiveDate>, ks: &[usize], preset: &str) -> anyhow::Result<Report> {
    let mut enterprises = Vec::new();
    app.store.for_each_enterprise(&mut |e| enterprises.push(e))?;
    let projects = app.store.projects()?;
    let input = Input {
        enterprises: &enterprises,
        projects: &projects,
        taxonomy: app.taxonomy.clone(),
        regions: &app.regions,
        home: &app.home_region,
        odds: None,
        world: None,
    };
    run_on(&input, as_of, ks, preset)
}

/// The home city's country's prefectures with a centre, for a test world.
pub fn prefectures(regions: &RegionRegistry, home: &str) -> Vec<chainscope_synth::worlds::Prefecture> {
    let mut out: Vec<_> = regions
        .iter()
        .filter(|r| r.level == RegionLevel::Prefecture && r.country == "CN" && r.valid_to.is_none())
        .filter_map(|r| Some(chainscope_synth::worlds::Prefecture { code: r.code.clone(), lat: r.lat?, lon: r.lon? }))
        .collect();
    if !out.iter().any(|p| p.code == home) {
        if let Some((lat, lon)) = regions.centroid(home) {
            out.push(chainscope_synth::worlds::Prefecture { code: home.to_string(), lat, lon });
        }
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

/// The back-test on a test world built in memory.
pub fn run_world(
    app: &App,
    name: &str,
    size: usize,
    seed: u64,
    as_of: Option<NaiveDate>,
    ks: &[usize],
    preset: &str,
) -> anyhow::Result<Report> {
    use chainscope_synth::worlds::{build_world, WorldConfig, WorldKind};
    let Some(kind) = WorldKind::parse(name) else {
        let names: Vec<&str> = WorldKind::ALL.iter().map(|k| k.name()).collect();
        bail!("unknown world '{name}': use {}", names.join(" or "));
    };
    if !(500..=2_000_000).contains(&size) {
        bail!("--size takes 500 to 2000000 enterprises");
    }
    let places = prefectures(&app.regions, &app.home_region);
    let world = build_world(&WorldConfig::new(kind, size, seed), &app.taxonomy, &places, &app.home_region)
        .map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))?;
    let input = Input {
        enterprises: &world.enterprises,
        projects: &[],
        taxonomy: app.taxonomy.clone(),
        regions: &app.regions,
        home: &app.home_region,
        odds: Some(world.odds.iter().cloned().collect()),
        world: Some(name.to_string()),
    };
    run_on(&input, as_of, ks, preset)
}

pub fn run_on(input: &Input, as_of: Option<NaiveDate>, ks: &[usize], preset: &str) -> anyhow::Result<Report> {
    let Some(&(preset, weights)) = PRESETS.iter().find(|p| p.0 == preset) else {
        bail!("unknown preset '{preset}': use gap_filling, strengthening or big_anchors");
    };
    if ks.is_empty() || ks.iter().any(|&k| k == 0 || k > 10_000) {
        bail!("--k takes numbers from 1 to 10000, e.g. --k 20,50");
    }
    let mut last_year = i32::MIN;
    for e in input.enterprises {
        for y in e.founded.map(|d| d.year()).into_iter().chain(e.series.last().map(|f| f.year)) {
            last_year = last_year.max(y);
        }
    }
    if last_year == i32::MIN {
        bail!("no enterprise has a founding date or yearly figures, so there is no history to test against");
    }
    let as_of = match as_of {
        Some(d) => d,
        None => NaiveDate::from_ymd_opt(last_year - 2, 12, 31).ok_or_else(|| anyhow::anyhow!("no date before {last_year}"))?,
    };
    let now = past(input, as_of);
    let arrived = arrivals(input, &now, as_of, None);
    let (snap, ctx) = (&now.snap, &now.ctx);
    let all = all_tiers(&input.taxonomy);
    let kmax = *ks.iter().max().unwrap_or(&50);
    let ranked = |w: Weights| -> anyhow::Result<(u64, Vec<u32>)> {
        let q = Query { filter: all.clone(), weights: w, in_pipeline: now.in_pipeline.clone(), include_marked: false, limit: kmax };
        let r = rank(snap, ctx, &q).map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))?;
        Ok((r.candidates, r.leads.iter().map(|l| l.row).collect()))
    };
    let (candidates, model) = ranked(weights)?;
    let mut others = Vec::new();
    for (name, w) in PRESETS.iter().filter(|p| p.0 != preset) {
        others.push((*name, ranked(*w)?.1));
    }
    // Learned weights: fitted on windows that all end by the as-of date.
    let (samples, windows) = training(input, as_of, weights);
    let learned = learn(&samples, (preset, weights), MIN_ARRIVALS);
    let learned_list = ranked(learned.weights)?.1;

    let nodes = chosen_nodes(snap, &all).map_err(|e| anyhow::anyhow!("{e}"))?;
    let largest = largest_first(snap, &nodes, kmax);
    // Arrivals the ranking could have found: non-local enterprises on a chain node.
    let on_nodes: FxHashSet<u32> = nodes.iter().flat_map(|&n| snap.node_rows[n].iter().copied()).collect();
    let positives: FxHashSet<u32> = arrived.iter().copied().filter(|r| on_nodes.contains(r)).collect();
    let odds_of = |r: u32| -> Option<f64> {
        let odds = input.odds.as_ref()?;
        let e = &input.enterprises[now.index[r as usize]];
        e.ext_id.as_deref().and_then(|x| odds.get(x)).copied()
    };
    let oracle: Option<Vec<u32>> = input.odds.as_ref().map(|_| {
        let mut v: Vec<(f64, u32)> =
            on_nodes.iter().filter(|r| !now.local_rows.contains(r)).map(|&r| (odds_of(r).unwrap_or(0.0), r)).collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        v.into_iter().take(kmax).map(|x| x.1).collect()
    });
    let score = |list: &[u32], k: usize| -> Score {
        let (mut hits, mut ap) = (0.0, 0.0);
        for (i, r) in list.iter().take(k).enumerate() {
            if positives.contains(r) {
                hits += 1.0;
                ap += hits / (i + 1) as f64;
            }
        }
        let shown = list.len().min(k).max(1) as f64;
        let denom = positives.len().min(k).max(1) as f64;
        Score { precision: hits / shown, recall: if positives.is_empty() { 0.0 } else { hits / positives.len() as f64 }, ap: ap / denom }
    };
    let n = candidates.max(1) as f64;
    let results = ks
        .iter()
        .map(|&k| AtK {
            k,
            model: score(&model, k),
            random: Score {
                precision: positives.len() as f64 / n,
                recall: if positives.is_empty() { 0.0 } else { (k as f64 / n).min(1.0) },
                ap: positives.len() as f64 / n,
            },
            largest_first: score(&largest, k),
            presets: others.iter().map(|(name, list)| (*name, score(list, k))).collect(),
            learned: score(&learned_list, k),
            oracle: oracle.as_ref().map(|o| score(o, k)),
        })
        .collect();

    // Whole-list measures over the candidates a ranking scores.
    let mut whole = Whole { auc: FxHashMap::default(), calibration: FxHashMap::default() };
    let q = Query { filter: all.clone(), weights, in_pipeline: now.in_pipeline.clone(), include_marked: false, limit: 1 };
    let mut lists: Vec<(&'static str, Weights)> = PRESETS.to_vec();
    lists.push(("learned", learned.weights));
    for (name, w) in lists {
        let parts = candidate_parts(snap, ctx, &Query { weights: w, ..q.clone() }).map_err(|e| anyhow::anyhow!("{e}"))?;
        let wsum: f64 = w.as_array().iter().sum();
        let scored: Vec<(f64, bool, Option<f64>)> = parts
            .iter()
            .map(|(r, v)| {
                let s = 100.0 * v.iter().zip(w.as_array()).map(|(a, b)| a * b).sum::<f64>() / wsum;
                let p = if name == "learned" {
                    learned.fit.as_ref().filter(|_| learned.method == "logistic_l2").map(|f| f.probability(v))
                } else {
                    None
                };
                (s, positives.contains(r), p)
            })
            .collect();
        whole.auc.insert(name, auc(&scored.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>()));
        if name == preset || name == "learned" {
            whole.calibration.insert(name, deciles(&scored));
        }
        if name == "big_anchors" {
            // Largest first and the oracle over the same candidates.
            let by_size: Vec<(f64, bool)> = parts
                .iter()
                .map(|(r, _)| (snap.revenue[*r as usize] as f64 + 1e-6 * snap.employees[*r as usize] as f64, positives.contains(r)))
                .collect();
            whole.auc.insert("largest_first", auc(&by_size));
            if input.odds.is_some() {
                let by_odds: Vec<(f64, bool)> = parts.iter().map(|(r, _)| (odds_of(*r).unwrap_or(0.0), positives.contains(r))).collect();
                whole.auc.insert("oracle", auc(&by_odds));
            }
        }
    }
    Ok(Report {
        as_of: as_of.to_string(),
        preset,
        world: input.world.clone(),
        candidates,
        arrived: positives.len() as u64,
        results,
        learned,
        windows,
        whole,
    })
}

pub fn print(r: &Report) {
    println!(
        "回测 / back-test{} as of {} · {} candidates · {} arrived after it · model preset {}",
        r.world.as_deref().map(|w| format!(" (world {w})")).unwrap_or_default(),
        r.as_of,
        r.candidates,
        r.arrived,
        r.preset
    );
    let l = &r.learned;
    let w = l.weights;
    println!(
        "learned weights ({}, {} past arrivals in {} samples; at least {} needed): gap {:.2} supply {:.2} related {:.2} momentum {:.2} scale {:.2} affinity {:.2}",
        l.method, l.arrivals, l.samples, l.min_arrivals, w.gap, w.supply, w.related, w.momentum, w.scale, w.affinity
    );
    println!("{:>6}  {:<16} {:>9} {:>9} {:>9}", "k", "ranking", "P", "R", "AP");
    for x in &r.results {
        let mut rows: Vec<(String, Score)> = vec![
            (format!("model ({})", r.preset), x.model),
            ("learned".into(), x.learned),
            ("random".into(), x.random),
            ("largest first".into(), x.largest_first),
        ];
        if let Some(o) = x.oracle {
            rows.push(("oracle".into(), o));
        }
        let mut others: Vec<_> = x.presets.iter().collect();
        others.sort_by_key(|p| p.0);
        rows.extend(others.into_iter().map(|(n, s)| (n.to_string(), *s)));
        for (name, s) in rows {
            println!("{:>6}  {:<16} {:>9.3} {:>9.3} {:>9.3}", x.k, name, s.precision, s.recall, s.ap);
        }
    }
    let mut aucs: Vec<_> = r.whole.auc.iter().collect();
    aucs.sort_by_key(|a| a.0);
    println!("AUC: {}", aucs.iter().map(|(n, v)| format!("{n} {v:.3}")).collect::<Vec<_>>().join(" · "));
}
