//! `chainscope stats`: counts by kind, by tier and cluster, and the pipeline figures, printed for people.

use crate::app::App;
use serde_json::Value;

/// The figures `serve` answers `/api/v1/stats` with (counted by the server's loader).
pub fn compute(app: &App, snap: &chainscope_engine::Snapshot) -> anyhow::Result<Value> {
    Ok(chainscope_server::source::stats(&app.store, &crate::serve::context(app), snap)?)
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
}
