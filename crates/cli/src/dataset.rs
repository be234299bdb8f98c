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
            code: r[iso2].to_string(),
            name_zh: r[zh].to_string(),
            name_en: r[en].to_string(),
            level: RegionLevel::Country,
            parent: None,
            country: r[iso2].to_string(),
            lat: num(&r[lat]),
            lon: num(&r[lon]),
            valid_from: None,
            valid_to: None,
            successor: None,
            counties: vec![],
            lead_clusters: vec![],
            zone_level: None,
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
