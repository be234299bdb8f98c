//! The embedded default dataset ("xuzhou-343") and the reference data every dataset shares. Everything is
//! compiled into the binary: a first run needs no network and no files.

use chainscope_model::{Region, RegionLevel};

pub struct EmbeddedFile {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! embed {
    ($name:literal, $path:literal) => {
        EmbeddedFile { name: $name, text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/", $path)) }
    };
}

pub const DATASET_TOML: EmbeddedFile = embed!("dataset.toml", "xuzhou-343/dataset.toml");
pub const TAXONOMY: EmbeddedFile = embed!("taxonomy.toml", "xuzhou-343/taxonomy.toml");
pub const ZONES: EmbeddedFile = embed!("regions.csv", "xuzhou-343/regions.csv");
pub const HUBS: EmbeddedFile = embed!("hubs.csv", "xuzhou-343/hubs.csv");
pub const PARKS: EmbeddedFile = embed!("parks.csv", "xuzhou-343/parks.csv");
pub const ENTERPRISES: EmbeddedFile = embed!("enterprises.csv", "xuzhou-343/enterprises.csv");
pub const PROJECTS: EmbeddedFile = embed!("projects.csv", "xuzhou-343/projects.csv");
pub const EVENTS: EmbeddedFile = embed!("events.csv", "xuzhou-343/events.csv");
pub const TARGETS: EmbeddedFile = embed!("targets.csv", "xuzhou-343/targets.csv");
pub const HOLIDAYS: EmbeddedFile = embed!("holidays.csv", "xuzhou-343/holidays.csv");
pub const SERVICE_CATALOGUE: EmbeddedFile = embed!("service_catalogue.toml", "xuzhou-343/service_catalogue.toml");
pub const POLICIES: EmbeddedFile = embed!("policies.toml", "xuzhou-343/policies.toml");
pub const REGIONS_CN: EmbeddedFile = embed!("regions_cn.csv", "reference/regions_cn.csv");
pub const COUNTRIES: EmbeddedFile = embed!("countries.csv", "reference/countries.csv");
pub const WORLD_CITIES: EmbeddedFile = embed!("world_cities.csv", "reference/world_cities.csv");

/// Dataset settings from `dataset.toml`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DatasetMeta {
    pub id: String,
    #[serde(default)]
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    pub home_region: String,
    #[serde(default)]
    pub as_of: Option<String>,
    /// How many synthetic enterprises to generate around the real anchors on first run.
    #[serde(default = "default_synthetic")]
    pub synthetic_enterprises: u64,
    #[serde(default = "default_seed")]
    pub synthetic_seed: u64,
}

fn default_synthetic() -> u64 {
    30_000
}
fn default_seed() -> u64 {
    343
}

pub fn dataset_meta() -> anyhow::Result<DatasetMeta> {
    Ok(toml::from_str(DATASET_TOML.text)?)
}

fn csv_records(text: &str) -> anyhow::Result<(csv::StringRecord, Vec<csv::StringRecord>)> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let h = r.headers()?.clone();
    let rows = r.records().collect::<Result<Vec<_>, _>>()?;
    Ok((h, rows))
}

fn col(h: &csv::StringRecord, name: &str) -> anyhow::Result<usize> {
    h.iter().position(|x| x == name).ok_or_else(|| anyhow::anyhow!("embedded reference file lacks column '{name}'"))
}

fn num(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}

fn opt(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_string())
}

/// Countries (ISO 3166-1) and China's provinces, prefectures and counties (GB/T 2260), with centroids.
pub fn reference_regions() -> anyhow::Result<Vec<Region>> {
    let mut out = Vec::new();
    let (h, rows) = csv_records(COUNTRIES.text)?;
    let (iso2, en, zh, lat, lon) = (col(&h, "iso2")?, col(&h, "name_en")?, col(&h, "name_zh")?, col(&h, "lat")?, col(&h, "lon")?);
    for r in &rows {
        out.push(Region {
            name_en: r[en].to_string(),
            lat: num(&r[lat]),
            lon: num(&r[lon]),
            ..Region::new(&r[iso2], &r[zh], RegionLevel::Country, None, &r[iso2])
        });
    }
    let (h, rows) = csv_records(REGIONS_CN.text)?;
    let c = |n| col(&h, n);
    let (code, zh, en, level, parent, lat, lon, vf, vt) =
        (c("code")?, c("name_zh")?, c("name_en")?, c("level")?, c("parent")?, c("lat")?, c("lon")?, c("valid_from")?, c("valid_to")?);
    let succ = h.iter().position(|x| x == "successor");
    for r in &rows {
        let level = RegionLevel::parse(&r[level]).unwrap_or(RegionLevel::County);
        out.push(Region {
            code: r[code].to_string(),
            name_zh: r[zh].to_string(),
            name_en: r[en].to_string(),
            level,
            parent: opt(&r[parent]).or_else(|| (level == RegionLevel::Province).then(|| "CN".to_string())),
            country: "CN".into(),
            lat: num(&r[lat]),
            lon: num(&r[lon]),
            valid_from: chainscope_model::values::parse_date(&r[vf]).ok(),
            valid_to: chainscope_model::values::parse_date(&r[vt]).ok(),
            successor: succ.and_then(|i| r.get(i)).and_then(opt),
            counties: vec![],
            lead_clusters: vec![],
            zone_level: None,
        });
    }
    Ok(out)
}

/// World cities for the synthetic generator.
pub fn world_cities() -> anyhow::Result<Vec<chainscope_synth::City>> {
    let (h, rows) = csv_records(WORLD_CITIES.text)?;
    let (name, country, lat, lon, pop, rc) =
        (col(&h, "name")?, col(&h, "country")?, col(&h, "lat")?, col(&h, "lon")?, col(&h, "population")?, col(&h, "region_code")?);
    let ascii = h.iter().position(|x| x == "name_ascii");
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(chainscope_synth::City {
                name: r[name].to_string(),
                name_ascii: ascii.and_then(|i| r.get(i)).unwrap_or("").to_string(),
                country: r[country].to_string(),
                lat: num(&r[lat])?,
                lon: num(&r[lon])?,
                population: r[pop].parse().ok()?,
                region_code: opt(&r[rc]),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chainscope_model::Taxonomy;

    #[test]
    fn the_embedded_taxonomy_is_a_valid_343_system() {
        let t = Taxonomy::from_toml(TAXONOMY.text).expect("taxonomy parses and has no dangling references");
        assert_eq!(t.tiers.len(), 3);
        assert_eq!(t.clusters.len(), 10);
        let per_tier = |tier: &str| t.clusters.iter().filter(|c| c.tier == tier).count();
        assert_eq!((per_tier("advantage"), per_tier("emerging"), per_tier("characteristic")), (3, 4, 3));
        // Every chain is connected and has at least 6 nodes; no cluster is without a chain.
        assert_eq!(t.lint(6), Vec::<String>::new());
        for deep in ["cm", "pv", "ic", "se"] {
            assert!(t.nodes_of_chain(deep).count() >= 15, "chain {deep} is modelled in depth");
        }
        for c in &t.clusters {
            assert!(!c.lead_department.is_empty(), "cluster {} has a lead department", c.id);
        }
    }

    #[test]
    fn reference_regions_hold_xuzhou_and_its_retired_codes() {
        let mut reg = chainscope_model::RegionRegistry::new();
        for r in reference_regions().expect("reference regions") {
            reg.insert(r);
        }
        let counties: Vec<_> = reg
            .iter()
            .filter(|r| r.parent.as_deref() == Some("320300") && r.level == RegionLevel::County && r.valid_to.is_none())
            .map(|r| r.code.as_str())
            .collect();
        for code in ["320302", "320303", "320305", "320311", "320312", "320321", "320322", "320324", "320381", "320382"] {
            assert!(counties.contains(&code), "{code} is a current county of Xuzhou");
            assert!(reg.centroid(code).is_some(), "{code} has a centroid");
        }
        for retired in ["320304", "320323"] {
            assert!(reg.get(retired).is_some_and(|r| r.valid_to.is_some()), "{retired} resolves and is marked retired");
        }
        assert!(reg.get("320301").is_none(), "the 市辖区 aggregate is not a place");
        assert!(reg.get("DE").is_some_and(|r| r.level == RegionLevel::Country));
    }

    #[test]
    fn world_cities_are_many_and_located() {
        let cities = world_cities().expect("cities");
        assert!(cities.len() > 2000);
        assert!(cities.iter().all(|c| (-90.0..=90.0).contains(&c.lat) && (-180.0..=180.0).contains(&c.lon)));
        assert!(cities.iter().filter(|c| c.country == "CN").all(|c| c.region_code.is_some()));
    }
}
