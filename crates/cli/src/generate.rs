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
