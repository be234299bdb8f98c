//! `chainscope stats`: counts by kind, by tier and cluster, and the pipeline figures, all counted from records.

use crate::app::App;
use chainscope_engine::{event_stats, pct1, period_stats};
use chainscope_store::{PipelineStore, RecordStore};
use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

pub fn compute(app: &App, snap: &chainscope_engine::Snapshot) -> anyhow::Result<Value> {
    let counts = app.store.counts()?;
    let projects = app.store.projects()?;
    let events = app.store.events()?;
    let targets = app.store.targets()?;
    let tax = &app.taxonomy;

    // Enterprises per cluster (distinct), local ones, local leaders: from the snapshot's per-node row lists.
    let mut per_cluster: HashMap<String, [u64; 3]> = HashMap::new();
    let mut seen = vec![false; snap.len];
    for c in &tax.clusters {
        seen.iter_mut().for_each(|x| *x = false);
        let v = per_cluster.entry(c.id.clone()).or_default();
        for ch in tax.chains_of_cluster(&c.id) {
            for n in tax.nodes_of_chain(&ch.id) {
                let Some(i) = tax.node_idx(&n.id) else { continue };
                for &r in &snap.node_rows[i] {
                    let r = r as usize;
                    if std::mem::replace(&mut seen[r], true) {
                        continue;
                    }
                    let f = snap.row_flags(r);
                    v[0] += 1;
                    v[1] += f.local as u64;
                    v[2] += (f.chain_leader && f.local) as u64;
                }
            }
        }
    }
    let mut projects_per_cluster: HashMap<&str, u64> = HashMap::new();
    for p in &projects {
        if let Some(c) = &p.cluster {
            *projects_per_cluster.entry(c.as_str()).or_default() += 1;
        }
    }
    let mut tiers: Vec<_> = tax.tiers.iter().collect();
    tiers.sort_by_key(|t| t.order);
    let tiers_json: Vec<Value> = tiers
        .iter()
        .map(|t| {
            let mut clusters: Vec<_> = tax.clusters.iter().filter(|c| c.tier == t.id).collect();
            clusters.sort_by_key(|c| c.order);
            let cl: Vec<Value> = clusters
                .iter()
                .map(|c| {
                    let v = per_cluster.get(&c.id).copied().unwrap_or_default();
                    json!({
                        "id": c.id, "name_zh": c.name_zh, "name_en": c.name_en, "lead_department": c.lead_department,
                        "chains": tax.chains_of_cluster(&c.id).map(|ch| json!({"id": ch.id, "name_zh": ch.name_zh, "nodes": tax.nodes_of_chain(&ch.id).count()})).collect::<Vec<_>>(),
                        "enterprises": v[0], "local_enterprises": v[1], "local_chain_leaders": v[2],
                        "projects": projects_per_cluster.get(c.id.as_str()).copied().unwrap_or(0),
                    })
                })
                .collect();
            json!({"id": t.id, "name_zh": t.name_zh, "name_en": t.name_en, "clusters": cl})
        })
        .collect();

    // Per year: cumulative signed projects at each quarter's end against the annual task.
    let years: std::collections::BTreeSet<i32> = projects.iter().filter_map(|p| p.signed_on()).map(|d| d.year()).collect();
    let mut years_json = Vec::new();
    for y in years {
        let (Some(from), Some(end)) = (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31)) else { continue };
        let quarters: Vec<Value> = [(3, 31, "Q1"), (6, 30, "H1"), (9, 30, "Q1-Q3"), (12, 31, "full_year")]
            .iter()
            .filter_map(|(m, d, label)| {
                let to = NaiveDate::from_ymd_opt(y, *m, *d)?;
                let s = period_stats(&projects, tax, &targets, from, to);
                Some(json!({
                    "through": label, "to": to.to_string(), "signed": s.signed, "in_system": s.split.in_system,
                    "in_system_pct": s.in_system_pct, "completion_pct": s.completion_pct, "by_tier": s.split.by_tier,
                }))
            })
            .collect();
        let full = period_stats(&projects, tax, &targets, from, end);
        years_json.push(json!({"year": y, "target": full.annual_target, "cumulative": quarters}));
    }

    let mut events_sorted: Vec<_> = events.iter().collect();
    events_sorted.sort_by_key(|e| (e.date, e.id.clone()));
    let events_json: Vec<Value> = events_sorted
        .iter()
        .map(|e| {
            let s = event_stats(&projects, tax, &e.id);
            json!({
                "id": e.id, "name_zh": e.name_zh, "date": e.date.to_string(), "city": e.city, "kind": e.kind,
                "signed": s.signed, "in_system": s.split.in_system, "in_system_pct": s.in_system_pct,
                "by_tier": s.split.by_tier, "other": s.split.other, "other_pct": s.other_pct,
                "regions": s.regions.len(), "region_codes": s.regions, "synthetic": e.synthetic,
            })
        })
        .collect();

    let mut by_stage: BTreeMap<&str, u64> = BTreeMap::new();
    for p in &projects {
        *by_stage.entry(p.stage.as_str()).or_default() += 1;
    }
    Ok(json!({
        "dataset": app.store.meta("dataset")?,
        "home_region": app.home_region,
        "demo_data": app.store.meta("demo_data")?.is_some(),
        "counts": counts,
        "taxonomy": {"tiers": tax.tiers.len(), "clusters": tax.clusters.len(), "chains": tax.chains.len(), "nodes": tax.nodes.len()},
        "tiers": tiers_json,
        "projects_by_stage": by_stage,
        "years": years_json,
        "events": events_json,
    }))
}

/// Plain-text rendering for people.
pub fn print_text(v: &Value) {
    println!("Chainscope — {}", v["dataset"].as_str().unwrap_or("?"));
    let c = &v["counts"];
    println!(
        "企业 enterprises {} (合成 synthetic {}) · 园区 parks {} · 载体 carriers {} · 物流枢纽 hubs {} · 项目 projects {} · 活动 events {} · 区域 regions {}",
        c["enterprises"], c["enterprises_synthetic"], c["parks"], c["carriers"], c["hubs"], c["projects"], c["events"], c["regions"]
    );
    for t in v["tiers"].as_array().into_iter().flatten() {
        println!("{} {}", t["name_zh"].as_str().unwrap_or(""), t["name_en"].as_str().unwrap_or(""));
        for cl in t["clusters"].as_array().into_iter().flatten() {
            println!(
                "  {:<14} 企业 {:>7}  本地 {:>6}  项目 {:>5}  牵头 {}",
                cl["name_zh"].as_str().unwrap_or(""),
                cl["enterprises"],
                cl["local_enterprises"],
                cl["projects"],
                cl["lead_department"].as_str().unwrap_or("")
            );
        }
    }
    for y in v["years"].as_array().into_iter().flatten() {
        let q3 = y["cumulative"].as_array().and_then(|a| a.iter().find(|q| q["through"] == "Q1-Q3"));
        if let Some(q) = q3 {
            println!(
                "{} 前三季度 Q1–Q3: signed {} = {}% of task {}; in-system {} = {}%",
                y["year"], q["signed"], q["completion_pct"], y["target"], q["in_system"], q["in_system_pct"]
            );
        }
    }
    for e in v["events"].as_array().into_iter().flatten().filter(|e| e["kind"] == "fair" || e["synthetic"] == false) {
        println!(
            "{} {}: signed {}, in-system {} ({}%), other {} ({}%), 板块 {}",
            e["date"].as_str().unwrap_or(""),
            e["name_zh"].as_str().unwrap_or(""),
            e["signed"],
            e["in_system"],
            e["in_system_pct"],
            e["other"],
            e["other_pct"],
            e["regions"]
        );
    }
    let _ = pct1;
}
