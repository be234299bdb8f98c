//! `chainscope complexity`: relatedness and complexity measures (RCA, presence, proximity, density, ECI, PCI, COI,
//! COG) of a `region,industry,value` CSV file (or of the store's region × node matrix, `--level`), as the Harvard
//! Growth Lab `ecomplexity` package computes them.
//!
//! The file needs the columns `region`, `industry` and `value` (by header name, any order, other columns ignored).
//! Every row must have a non-empty region and industry and a finite, non-negative value; absent pairs count as 0.
//! A region × industry pair given twice is an error naming both lines (ecomplexity would silently keep the first;
//! summing would hide mistakes in the file). All bad rows are reported, with their line numbers, before anything is
//! computed.
//!
//! `--json` prints one object, keys in this order:
//! `{"rca":{region:{industry:x}}, "mcp":{…}, "density":{…}, "cog":{…}, "eci":{region:x}, "coi":{region:x},
//! "pci":{industry:x}, "proximity":{industry:{industry:x}}}`, regions and industries sorted. Regions and industries
//! whose values sum to zero are dropped from the computation (as ecomplexity does) and appear with `null` for
//! every measure.

use anyhow::{bail, Context};
use chainscope_engine::complexity::{complexity, ComplexityInput, ComplexityOptions, ComplexityResult, Diagonal};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// How many bad rows to list before summarising the rest.
const MAX_REPORTED: usize = 20;

pub fn run(matrix: &ComplexityInput, json: bool, atlas_diagonal: bool) -> anyhow::Result<()> {
    let opts = ComplexityOptions {
        proximity_diagonal: if atlas_diagonal { Diagonal::Zero } else { Diagonal::One },
        ..ComplexityOptions::default()
    };
    let res = complexity(matrix, &opts).map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))?;
    for (kind, names) in [
        ("region", res.dropped_regions.iter().map(|&r| res.regions[r].as_str()).collect::<Vec<_>>()),
        ("industry", res.dropped_industries.iter().map(|&i| res.industries[i].as_str()).collect::<Vec<_>>()),
    ] {
        if !names.is_empty() {
            eprintln!("note: {kind} values sum to zero, left out (null): {}", names.join(", "));
        }
    }
    if json {
        println!("{}", to_json(&res)?);
    } else {
        print_text(&res, atlas_diagonal);
    }
    Ok(())
}

pub fn read_csv(path: &Path) -> anyhow::Result<ComplexityInput> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let headers = rdr.headers().with_context(|| format!("cannot read the header of {}", path.display()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name));
    let (Some(rc), Some(ic), Some(vc)) = (col("region"), col("industry"), col("value")) else {
        bail!(
            "{}: the header must name the columns region, industry and value (found: {})",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let mut triples = Vec::new();
    let mut first_line: HashMap<(String, String), u64> = HashMap::new();
    let mut problems = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(str::is_empty) {
            continue;
        }
        let region = rec.get(rc).unwrap_or("");
        let industry = rec.get(ic).unwrap_or("");
        let raw = rec.get(vc).unwrap_or("");
        if region.is_empty() || industry.is_empty() {
            problems.push(format!("line {line}: empty {}", if region.is_empty() { "region" } else { "industry" }));
            continue;
        }
        let value = match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => v,
            _ => {
                problems.push(format!("line {line}: value '{raw}' is not a finite non-negative number"));
                continue;
            }
        };
        match first_line.entry((region.to_string(), industry.to_string())) {
            std::collections::hash_map::Entry::Occupied(o) => {
                problems.push(format!("line {line}: region '{region}', industry '{industry}' already given on line {}", o.get()));
                continue;
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(line);
            }
        }
        triples.push((region.to_string(), industry.to_string(), value));
    }
    if !problems.is_empty() {
        let mut msg = format!("{}: {} bad row(s)", path.display(), problems.len());
        for p in problems.iter().take(MAX_REPORTED) {
            msg.push_str("\n  ");
            msg.push_str(p);
        }
        if problems.len() > MAX_REPORTED {
            msg.push_str(&format!("\n  … and {} more", problems.len() - MAX_REPORTED));
        }
        bail!(msg);
    }
    if triples.is_empty() {
        bail!("{}: no data rows", path.display());
    }
    ComplexityInput::from_triples(triples).map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))
}

/// The object in the documented key order (serde_json's maps sort keys, so the top level is written by hand).
fn to_json(res: &ComplexityResult) -> anyhow::Result<String> {
    let ni = res.industries.len();
    let matrix = |m: &[f64], rows: &[String]| -> Value {
        let mut outer = Map::new();
        for (r, name) in rows.iter().enumerate() {
            let inner: Map<String, Value> = res.industries.iter().enumerate().map(|(i, ind)| (ind.clone(), num(m[r * ni + i]))).collect();
            outer.insert(name.clone(), Value::Object(inner));
        }
        Value::Object(outer)
    };
    let vector = |v: &[f64], names: &[String]| -> Value { Value::Object(names.iter().zip(v).map(|(n, x)| (n.clone(), num(*x))).collect()) };
    let parts = [
        ("rca", matrix(&res.rca, &res.regions)),
        ("mcp", matrix(&res.mcp, &res.regions)),
        ("density", matrix(&res.density, &res.regions)),
        ("cog", matrix(&res.cog, &res.regions)),
        ("eci", vector(&res.eci, &res.regions)),
        ("coi", vector(&res.coi, &res.regions)),
        ("pci", vector(&res.pci, &res.industries)),
        ("proximity", matrix(&res.proximity, &res.industries)),
    ];
    let mut out = String::from("{");
    for (k, (key, value)) in parts.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key)?);
        out.push(':');
        out.push_str(&serde_json::to_string(value)?);
    }
    out.push('}');
    Ok(out)
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// NaN (dropped) sorts last.
fn key(x: f64) -> f64 {
    if x.is_nan() {
        f64::NEG_INFINITY
    } else {
        x
    }
}

fn fmt(x: f64) -> String {
    if x.is_nan() {
        "—".into()
    } else {
        format!("{x:.3}")
    }
}

fn print_text(res: &ComplexityResult, atlas_diagonal: bool) {
    let ni = res.industries.len();
    println!(
        "{} regions × {} industries; RCA ≥ 1 is presence; proximity diagonal {}; λ2 = {:.6}",
        res.regions.len(),
        ni,
        if atlas_diagonal { "0 (Atlas)" } else { "1 (ecomplexity)" },
        res.eigenvalue
    );
    let width = res.regions.iter().chain(&res.industries).map(|s| s.chars().count()).max().unwrap_or(6).max(8);
    let mut regions: Vec<usize> = (0..res.regions.len()).collect();
    regions.sort_by(|&a, &b| key(res.eci[b]).total_cmp(&key(res.eci[a])));
    println!("\n{:<width$}  {:>9}  {:>8}  {:>8}  best opportunity (COG)", "region", "diversity", "ECI", "COI");
    for r in regions {
        let best =
            (0..ni).filter(|&i| res.mcp[r * ni + i] == 0.0).max_by(|&a, &b| key(res.cog[r * ni + a]).total_cmp(&key(res.cog[r * ni + b])));
        let best = best.map_or(String::new(), |i| format!("{} ({})", res.industries[i], fmt(res.cog[r * ni + i])));
        println!("{:<width$}  {:>9}  {:>8}  {:>8}  {best}", res.regions[r], res.diversity[r], fmt(res.eci[r]), fmt(res.coi[r]));
    }
    let mut industries: Vec<usize> = (0..ni).collect();
    industries.sort_by(|&a, &b| key(res.pci[b]).total_cmp(&key(res.pci[a])));
    println!("\n{:<width$}  {:>9}  {:>8}", "industry", "ubiquity", "PCI");
    for i in industries {
        println!("{:<width$}  {:>9}  {:>8}", res.industries[i], res.ubiquity[i], fmt(res.pci[i]));
    }
}
