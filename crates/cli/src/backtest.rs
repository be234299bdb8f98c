//! `chainscope backtest`: would the lead ranking have found the enterprises that came?
//!
//! Everything is cut at the as-of date: only enterprises founded by then (or of unknown founding date) are known,
//! their yearly figures stop at its year, and what the ranking sees (gaps, local leaders, relatedness, growth) is
//! computed from that past snapshot alone. An outside enterprise *arrived* after the date when a local enterprise
//! founded after it names it as parent (a branch or subsidiary here), or when a project with it as investor was
//! signed after it. Precision@k and recall@k of the ranking are set beside two baselines: random order (its
//! expectation, exact) and largest first (revenue, then employees).

use crate::app::App;
use anyhow::bail;
use chainscope_engine::targeting::{chosen_nodes, largest_first, rank, Context, Query, Weights};
use chainscope_engine::{HeatFilter, Snapshot};
use chainscope_model::Enterprise;
use chainscope_store::{EnterpriseStore, PipelineStore};
use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AtK {
    pub k: usize,
    pub model: Score,
    pub random: Score,
    pub largest_first: Score,
    /// The other weight presets, for comparison.
    pub presets: FxHashMap<&'static str, Score>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub as_of: String,
    pub preset: &'static str,
    pub candidates: u64,
    pub arrived: u64,
    pub results: Vec<AtK>,
}

/// The identifiers a record can be referred to by.
fn idents(e: &Enterprise) -> impl Iterator<Item = &str> {
    [e.ext_id.as_deref(), e.uscc.as_deref(), e.lei.as_deref(), Some(e.key.as_str())].into_iter().flatten()
}

/// The record as it was known at `as_of`: yearly figures up to its year; revenue and employees from the last of them.
fn as_known_at(mut e: Enterprise, year: i32) -> Enterprise {
    if !e.series.is_empty() {
        e.series.retain(|f| f.year <= year);
        if let Some(last) = e.series.iter().rev().find(|f| f.revenue.is_some() || f.employees.is_some()) {
            e.revenue = last.revenue.or(e.revenue);
            e.employees = last.employees.or(e.employees);
        }
    }
    e
}

pub fn run(app: &App, as_of: Option<NaiveDate>, ks: &[usize], preset: &str) -> anyhow::Result<Report> {
    let presets: [(&'static str, Weights); 3] =
        [("gap_filling", Weights::GAP_FILLING), ("strengthening", Weights::STRENGTHENING), ("big_anchors", Weights::BIG_ANCHORS)];
    let Some(&(preset, weights)) = presets.iter().find(|p| p.0 == preset) else {
        bail!("unknown preset '{preset}': use gap_filling, strengthening or big_anchors");
    };
    if ks.is_empty() || ks.iter().any(|&k| k == 0 || k > 10_000) {
        bail!("--k takes numbers from 1 to 10000, e.g. --k 20,50");
    }
    // One pass to find the end of the history, a second to build the past snapshot.
    let mut last_year = i32::MIN;
    app.store.for_each_enterprise(&mut |e| {
        if let Some(d) = e.founded {
            last_year = last_year.max(d.year());
        }
        if let Some(f) = e.series.last() {
            last_year = last_year.max(f.year);
        }
    })?;
    if last_year == i32::MIN {
        bail!("no enterprise has a founding date or yearly figures, so there is no history to test against");
    }
    let as_of = match as_of {
        Some(d) => d,
        None => NaiveDate::from_ymd_opt(last_year - 2, 12, 31).ok_or_else(|| anyhow::anyhow!("no date before {last_year}"))?,
    };
    let mut b = Snapshot::builder(app.taxonomy.clone(), &app.home_region);
    let mut row_of: FxHashMap<String, u32> = FxHashMap::default();
    let mut local_rows: FxHashSet<u32> = FxHashSet::default();
    // Local enterprises founded after the date, by the parent they name.
    let mut branch_parents: Vec<String> = Vec::new();
    // Branches anywhere founded in the three years up to the date, by the parent they name (momentum evidence).
    let mut recent_branches: Vec<String> = Vec::new();
    let window_start = as_of.with_year(as_of.year() - 3).unwrap_or(as_of);
    let mut next = 0u32;
    app.store.for_each_enterprise(&mut |e| {
        let known = e.founded.is_none_or(|d| d <= as_of);
        if let (Some(d), Some(p)) = (e.founded, e.parent.as_deref().filter(|p| !p.is_empty())) {
            if d > window_start && d <= as_of {
                recent_branches.push(p.to_string());
            }
        }
        if known {
            for id in idents(&e) {
                row_of.insert(id.to_string(), next);
            }
            if e.flags.local {
                local_rows.insert(next);
            }
            b.push(&as_known_at(e, as_of.year()), &app.regions);
            next += 1;
        } else if e.flags.local {
            if let Some(p) = e.parent.clone().filter(|p| !p.is_empty()) {
                branch_parents.push(p);
            }
        }
    })?;
    let snap = b.finish();
    let mut arrived: FxHashSet<u32> = FxHashSet::default();
    for p in &branch_parents {
        if let Some(&r) = row_of.get(p) {
            arrived.insert(r);
        }
    }
    let mut in_pipeline: FxHashSet<u32> = FxHashSet::default();
    for p in app.store.projects()? {
        let Some(r) = p.investor_id.as_deref().and_then(|i| row_of.get(i)).copied() else { continue };
        match p.signed_on() {
            Some(d) if d > as_of => {
                arrived.insert(r);
            }
            _ if p.history.first().is_some_and(|h| h.date <= as_of) => {
                in_pipeline.insert(r);
            }
            _ => {}
        }
    }
    arrived.retain(|r| !local_rows.contains(r));
    let mut expansions: FxHashMap<u32, u32> = FxHashMap::default();
    for p in &recent_branches {
        if let Some(&r) = row_of.get(p) {
            *expansions.entry(r).or_default() += 1;
        }
    }
    let ctx = Context::new(&snap, &app.regions).with_expansions(expansions);
    let all = HeatFilter { tiers: app.taxonomy.tiers.iter().map(|t| t.id.clone()).collect(), ..Default::default() };
    let kmax = *ks.iter().max().unwrap_or(&50);
    let ranked = |w: Weights| -> anyhow::Result<(u64, Vec<u32>)> {
        let q = Query { filter: all.clone(), weights: w, in_pipeline: in_pipeline.clone(), include_marked: false, limit: kmax };
        let r = rank(&snap, &ctx, &q).map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))?;
        Ok((r.candidates, r.leads.iter().map(|l| l.row).collect()))
    };
    let (candidates, model) = ranked(weights)?;
    let mut others = Vec::new();
    for (name, w) in presets.iter().filter(|p| p.0 != preset) {
        others.push((*name, ranked(*w)?.1));
    }
    let nodes = chosen_nodes(&snap, &all).map_err(|e| anyhow::anyhow!("{e}"))?;
    let largest = largest_first(&snap, &nodes, kmax);
    // Arrivals the ranking could have found: non-local enterprises on a chain node.
    let on_nodes: FxHashSet<u32> = nodes.iter().flat_map(|&n| snap.node_rows[n].iter().copied()).collect();
    let positives: FxHashSet<u32> = arrived.iter().copied().filter(|r| on_nodes.contains(r)).collect();
    let score = |list: &[u32], k: usize| -> Score {
        let hits = list.iter().take(k).filter(|r| positives.contains(r)).count() as f64;
        let shown = list.len().min(k).max(1) as f64;
        Score { precision: hits / shown, recall: if positives.is_empty() { 0.0 } else { hits / positives.len() as f64 } }
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
            },
            largest_first: score(&largest, k),
            presets: others.iter().map(|(name, list)| (*name, score(list, k))).collect(),
        })
        .collect();
    Ok(Report { as_of: as_of.to_string(), preset, candidates, arrived: positives.len() as u64, results })
}

pub fn print(r: &Report) {
    println!(
        "回测 / back-test as of {} · {} candidates · {} arrived after it · model preset {}",
        r.as_of, r.candidates, r.arrived, r.preset
    );
    println!("{:>6}  {:>22}  {:>22}  {:>22}", "k", "model P / R", "random P / R", "largest first P / R");
    for x in &r.results {
        println!(
            "{:>6}  {:>10.3} / {:<9.3}  {:>10.3} / {:<9.3}  {:>10.3} / {:<9.3}",
            x.k, x.model.precision, x.model.recall, x.random.precision, x.random.recall, x.largest_first.precision, x.largest_first.recall
        );
        let mut others: Vec<_> = x.presets.iter().collect();
        others.sort_by_key(|p| p.0);
        for (name, sc) in others {
            println!("{:>6}  {:>10.3} / {:<9.3}  ({name})", "", sc.precision, sc.recall);
        }
    }
}
