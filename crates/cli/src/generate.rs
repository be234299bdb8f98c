//! `chainscope generate`: synthetic worlds of any size, as the import CSV format or straight into the store.

use crate::app::App;
use crate::dataset;
use chainscope_model::RegionLevel;
use chainscope_synth::{GenConfig, HomeCounty};

/// The home city's current counties, as placement targets for local synthetic enterprises.
pub fn home_counties(app: &App) -> Vec<HomeCounty> {
    let today = chrono::Utc::now().date_naive();
    app.regions
        .iter()
        .filter(|r| r.level == RegionLevel::County && r.parent.as_deref() == Some(app.home_region.as_str()) && r.is_current(today))
        .filter_map(|r| {
            Some(HomeCounty {
                code: r.code.clone(),
                name: r.name_zh.clone(),
                lat: r.lat?,
                lon: r.lon?,
                // Urban districts (区) host more firms than rural counties.
                weight: if r.name_zh.ends_with('区') { 1.5 } else { 1.0 },
            })
        })
        .collect()
}

/// Chains the home city is known for (its advantage tier), favoured when placing local synthetic enterprises.
pub fn home_specialisation(app: &App) -> Vec<(String, f64)> {
    let first_tier = app.taxonomy.tiers.iter().min_by_key(|t| t.order).map(|t| t.id.clone()).unwrap_or_default();
    app.taxonomy
        .chains
        .iter()
        .filter(|c| app.taxonomy.cluster(&c.cluster).is_some_and(|cl| cl.tier == first_tier))
        .map(|c| (c.id.clone(), 4.0))
        .collect()
}

pub fn config(app: &App, enterprises: u64, seed: u64) -> GenConfig {
    GenConfig { enterprises, seed, first_year: 2015, last_year: 2025, home_share: 0.05, home_specialisation: home_specialisation(app) }
}

/// Generate CSV into any writer.
pub fn generate_to(app: &App, enterprises: u64, seed: u64, out: impl std::io::Write) -> anyhow::Result<chainscope_synth::GenStats> {
    let mut cities = dataset::world_cities()?;
    // Chinese cities take their Chinese name from the region registry, so their firms get Chinese names.
    for c in cities.iter_mut() {
        if let Some(r) = c.region_code.as_deref().and_then(|code| app.regions.at_level(code, RegionLevel::Prefecture)) {
            if c.country == "CN" {
                c.name = r.name_zh.clone();
            }
        }
    }
    let home = home_counties(app);
    let cfg = config(app, enterprises, seed);
    Ok(chainscope_synth::generate(&cfg, &app.taxonomy, &cities, &home, out)?)
}

/// The synthetic population loaded with the default dataset.
pub fn default_population(app: &App, meta: &dataset::DatasetMeta) -> anyhow::Result<String> {
    let mut buf = Vec::new();
    generate_to(app, meta.synthetic_enterprises, meta.synthetic_seed, &mut buf)?;
    Ok(String::from_utf8(buf)?)
}

/// Give the demo dataset's signed projects a post-signing checklist (全兜办) in a plausible state, so the project
/// pages and the dashboard's overdue lists have something to show: projects that started have every item done by
/// their start; signed ones have most items due before `day` done and the rest open (some overdue). The choice is
/// a hash of the project id, so every initialisation gives the same result. Only synthetic projects are touched.
pub fn demo_checklists(app: &mut App, day: chrono::NaiveDate) -> anyhow::Result<usize> {
    use chainscope_model::{Stage, TaskStatus};
    use chainscope_store::PipelineStore;
    let mut changed = Vec::new();
    for mut p in app.store.projects()? {
        if !p.synthetic || !p.checklist.is_empty() || !p.stage.is_signed_or_later() {
            continue;
        }
        let Some(signed) = p.signed_on() else { continue };
        let started = p.reached_on(Stage::Started);
        let registered = p.reached_on(Stage::Registered);
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in p.id.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        let mut items = chainscope_engine::standard_checklist(signed);
        for (i, t) in items.iter_mut().enumerate() {
            let roll = (h >> (i * 7)) % 100;
            let due = t.due.unwrap_or(signed);
            if t.kind == "registration" {
                if let Some(r) = registered.or(started) {
                    t.status = TaskStatus::Done;
                    t.done_on = Some(r);
                    continue;
                }
            }
            if let Some(st) = started {
                t.status = TaskStatus::Done;
                t.done_on = Some(due.min(st).max(signed));
            } else if due < day && roll < 75 {
                t.status = TaskStatus::Done;
                t.done_on = Some(due - chrono::Duration::days((roll % 20) as i64));
            } else if roll < 88 {
                t.status = TaskStatus::Doing;
            } else if t.kind == "energy" && roll >= 95 {
                t.status = TaskStatus::NotNeeded;
            }
        }
        p.checklist = items;
        changed.push(p);
    }
    let n = changed.len();
    app.store.upsert_projects(&changed)?;
    Ok(n)
}
