//! Reading the reference lists: world cities, and Chinese names for Chinese cities from the regions list.

use crate::{City, SynthError};
use std::collections::HashMap;

/// Read `world_cities.csv` (`geonameid,name,name_ascii,country,lat,lon,population,region_code`; column order free,
/// `geonameid` optional).
pub fn read_world_cities<R: std::io::Read>(input: R) -> Result<Vec<City>, SynthError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = rdr.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}') == name);
    let need = |name: &str| col(name).ok_or_else(|| SynthError::Cities { line: 1, message: format!("no column '{name}'") });
    let (name, country, lat, lon) = (need("name")?, need("country")?, need("lat")?, need("lon")?);
    let (ascii, pop, region) = (col("name_ascii"), col("population"), col("region_code"));
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let line = i as u64 + 2;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim();
        let num =
            |c: usize, what: &str| get(Some(c)).parse::<f64>().map_err(|_| SynthError::Cities { line, message: format!("bad {what}") });
        let region_code = Some(get(region).to_string()).filter(|s| !s.is_empty());
        out.push(City {
            name: get(Some(name)).to_string(),
            name_ascii: get(ascii).to_string(),
            country: get(Some(country)).to_string(),
            lat: num(lat, "lat")?,
            lon: num(lon, "lon")?,
            population: get(pop).parse::<f64>().map(|p| p.max(0.0) as u64).unwrap_or(0),
            region_code,
        });
    }
    Ok(out)
}

/// Give Chinese cities their prefecture's Chinese and English names from `regions_cn.csv`
/// (`code,name_zh,name_en,level,parent,…`), as Chinese company names carry the prefecture ("徐州…有限公司").
/// Municipalities use the province-level name, units directly under a province their own. Cities whose name is
/// already Chinese keep it. Returns how many cities were renamed.
pub fn apply_chinese_names<R: std::io::Read>(cities: &mut [City], regions_cn: R) -> Result<usize, SynthError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(regions_cn);
    let headers = rdr.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}') == name);
    let (Some(code), Some(zh)) = (col("code"), col("name_zh")) else {
        return Err(SynthError::Cities { line: 1, message: "regions list needs code and name_zh".into() });
    };
    let en = col("name_en");
    let mut names: HashMap<String, (String, String)> = HashMap::new();
    for rec in rdr.records() {
        let rec = rec?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim().to_string();
        names.insert(get(Some(code)), (get(Some(zh)), get(en)));
    }
    let usable = |code: &str| names.get(code).filter(|(zh, _)| !zh.is_empty() && zh != "市辖区" && !zh.contains("直辖") && zh != "县");
    let mut renamed = 0;
    for city in cities.iter_mut() {
        let Some(rc) = city.region_code.as_deref() else { continue };
        if city.country != "CN" || rc.len() != 6 || !rc.bytes().all(|b| b.is_ascii_digit()) || crate::world::has_cjk(&city.name) {
            continue;
        }
        let province = format!("{}0000", &rc[..2]);
        let found =
            usable(&format!("{}00", &rc[..4])).or_else(|| usable(&province).filter(|(zh, _)| zh.ends_with('市'))).or_else(|| usable(rc));
        if let Some((zh, en)) = found {
            city.name = zh.clone();
            let en =
                ["City", "District", "County", "Prefecture"].iter().fold(en.trim(), |s, suf| s.strip_suffix(suf).map_or(s, str::trim_end));
            if !en.is_empty() {
                city.name_ascii = en.to_string();
            }
            renamed += 1;
        }
    }
    Ok(renamed)
}
