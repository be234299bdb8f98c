//! Generate a synthetic enterprises.csv: `cargo run --release -p chainscope-synth --example gen -- N PATH [SEED]`.
//! Uses data/xuzhou-343/taxonomy.toml and data/reference/world_cities.csv when they exist (run from the workspace
//! root), else the built-in small world.

use chainscope_model::Taxonomy;
use chainscope_synth::{apply_chinese_names, builtin, generate, read_world_cities, GenConfig};
use std::error::Error;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::time::Instant;

const TAXONOMY: &str = "data/xuzhou-343/taxonomy.toml";
const CITIES: &str = "data/reference/world_cities.csv";
const REGIONS_CN: &str = "data/reference/regions_cn.csv";

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args.get(1).map(|s| s.replace('_', "").parse()).transpose()?.unwrap_or(100_000);
    let path = args.get(2).cloned().unwrap_or_else(|| "enterprises.csv".into());
    let seed: u64 = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(343);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");

    let tax_path = root.join(TAXONOMY);
    let taxonomy = if tax_path.exists() {
        eprintln!("taxonomy: {}", tax_path.display());
        Taxonomy::from_toml(&std::fs::read_to_string(&tax_path)?)?
    } else {
        eprintln!("taxonomy: built-in sample");
        Taxonomy::from_toml(builtin::SMALL_TAXONOMY)?
    };
    let cities_path = root.join(CITIES);
    let cities = if cities_path.exists() {
        eprintln!("cities: {}", cities_path.display());
        let mut cities = read_world_cities(File::open(&cities_path)?)?;
        let regions = root.join(REGIONS_CN);
        if regions.exists() {
            let n = apply_chinese_names(&mut cities, File::open(&regions)?)?;
            eprintln!("Chinese names for {n} cities from {}", regions.display());
        }
        cities
    } else {
        eprintln!("cities: built-in sample");
        builtin::cities()
    };
    // Specialise the home city in the first chain of the taxonomy (construction machinery in the 343 file).
    let home_specialisation = taxonomy.chains.first().map(|c| vec![(c.id.clone(), 6.0)]).unwrap_or_default();
    let cfg = GenConfig { enterprises: n, seed, home_specialisation, ..GenConfig::default() };
    eprintln!("{} chains, {} nodes, {} cities", taxonomy.chains.len(), taxonomy.nodes.len(), cities.len());

    let start = Instant::now();
    let out = BufWriter::with_capacity(1 << 20, File::create(&path)?);
    let stats = generate(&cfg, &taxonomy, &cities, &builtin::xuzhou_counties(), out)?;
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{} rows ({} branches, {} relations) in {secs:.2} s = {:.0} rows/s -> {path}",
        stats.enterprises,
        stats.branches,
        stats.relations,
        stats.enterprises as f64 / secs
    );
    Ok(())
}
