//! Synthetic world generator: writes an `enterprises.csv` (the import format of `docs/data-format.md`) with
//! enterprises at real cities of the world, placed on the taxonomy's chain nodes, with power-law sizes, yearly
//! series, supplier and customer links along the supply edges, and branches opened over the years.
//!
//! The output is deterministic for a seed (same seed, inputs and version → byte-identical file) and streamed:
//! memory stays bounded (per-node reservoirs, per-city tables) whatever the number of rows.
//!
//! What the data is built to show:
//! - clusters: each city favours 1–3 chains (drawn from the seed and the city's identity) with weight
//!   [`FAVOURED_MULTIPLIER`]; the home city's chains follow [`GenConfig::home_specialisation`];
//! - supply links: an enterprise on node A has customers on the nodes A supplies and suppliers on the nodes that
//!   supply A, preferring large, same-city and same-country partners, always earlier rows;
//! - expansion: about 8 % of rows are branches (`parent` = the group's `ext_id`, founded after it) placed in cities
//!   with a strong presence on nodes linked to the group's node and a specialisation in its chain.

pub mod builtin;
mod cities;
mod gen;
mod idgen;
mod names;
mod rng;
mod state;
mod world;
pub mod worlds;

pub use cities::{apply_chinese_names, read_world_cities};
pub use world::FAVOURED_MULTIPLIER;

use chainscope_model::Taxonomy;
use thiserror::Error;

/// The columns of `enterprises.csv`, in the order of `docs/data-format.md`.
pub const HEADER: [&str; 35] = [
    "name",
    "name_en",
    "uscc",
    "lei",
    "ext_id",
    "legal_rep",
    "phone",
    "address",
    "country",
    "province",
    "city",
    "district",
    "region_code",
    "lat",
    "lon",
    "industry_code",
    "industry_version",
    "scope",
    "products",
    "founded",
    "registered_capital",
    "revenue",
    "employees",
    "chain_leader",
    "listed",
    "srdi",
    "high_tech",
    "parent",
    "nodes",
    "series",
    "suppliers",
    "customers",
    "source",
    "as_of",
    "synthetic",
];

/// A city of the world (a row of `data/reference/world_cities.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// Name as listed; a Chinese city with a Chinese name ("徐州市") gets Chinese enterprise names.
    pub name: String,
    /// Romanised name ("Xuzhou"); may be empty when `name` is already ASCII.
    pub name_ascii: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    /// GB/T 2260 prefecture code for Chinese cities.
    pub region_code: Option<String>,
}

/// One county-level division of the home city, with the weight of its share of home enterprises.
#[derive(Debug, Clone, PartialEq)]
pub struct HomeCounty {
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GenConfig {
    /// Rows to write, branches included.
    pub enterprises: u64,
    pub seed: u64,
    /// First and last year of the yearly `series`; `as_of` is the last day of `last_year`.
    pub first_year: i32,
    pub last_year: i32,
    /// Share of (non-branch) enterprises placed in the home city.
    pub home_share: f64,
    /// Chain id → weight multiplier in the home city (chains not listed: 1).
    pub home_specialisation: Vec<(String, f64)>,
}

impl Default for GenConfig {
    fn default() -> Self {
        Self { enterprises: 10_000, seed: 343, first_year: 2015, last_year: 2025, home_share: 0.03, home_specialisation: Vec::new() }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenStats {
    /// Rows written (branches included).
    pub enterprises: u64,
    /// Of which branches (rows with a `parent`).
    pub branches: u64,
    /// Supplier and customer references written.
    pub relations: u64,
}

#[derive(Debug, Error)]
pub enum SynthError {
    #[error("the taxonomy has no chains or no nodes")]
    EmptyTaxonomy,
    #[error("no cities to place enterprises in")]
    NoCities,
    #[error("home specialisation names unknown chain '{0}'")]
    UnknownChain(String),
    #[error("invalid generator configuration: {0}")]
    Config(String),
    #[error("world cities file, line {line}: {message}")]
    Cities { line: u64, message: String },
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

impl SynthError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyTaxonomy => "synth_empty_taxonomy",
            Self::NoCities => "synth_no_cities",
            Self::UnknownChain(_) => "synth_unknown_chain",
            Self::Config(_) => "synth_bad_config",
            Self::Cities { .. } => "synth_bad_cities",
            Self::Csv(_) => "synth_csv",
            Self::Io(_) => "synth_io",
        }
    }
}

fn check_config(cfg: &GenConfig) -> Result<(), SynthError> {
    let bad = |m: &str| Err(SynthError::Config(m.to_string()));
    if cfg.enterprises > u64::from(u32::MAX) {
        return bad("at most 4,294,967,295 enterprises");
    }
    if cfg.first_year > cfg.last_year {
        return bad("first_year is after last_year");
    }
    if !(1991..=9999).contains(&cfg.last_year) {
        return bad("last_year must be between 1991 and 9999");
    }
    if !(0.0..=1.0).contains(&cfg.home_share) {
        return bad("home_share must be within 0..1");
    }
    Ok(())
}

/// Generate `cfg.enterprises` rows of `enterprises.csv` (header first) into `out`.
pub fn generate<W: std::io::Write>(
    cfg: &GenConfig,
    taxonomy: &Taxonomy,
    cities: &[City],
    home: &[HomeCounty],
    out: W,
) -> Result<GenStats, SynthError> {
    check_config(cfg)?;
    let world = world::World::build(cfg, taxonomy, cities, home)?;
    gen::run(cfg, taxonomy, world, out)
}
