//! The prepared world: cities with their weights and chain specialisations, the home city with its counties, and
//! the chain → node tables. Everything here is computed once, before the first row.

use crate::rng::{hash_str, mix, Cumulative, Rng};
use crate::{City, GenConfig, HomeCounty, SynthError};
use chainscope_model::Taxonomy;
use std::collections::HashMap;

/// Weight multiplier of a city's favoured chains (1 for the others).
pub const FAVOURED_MULTIPLIER: f64 = 12.0;
/// Extra weight for Chinese cities: the platform's users look mostly at Chinese enterprises.
const CN_WEIGHT: f64 = 3.0;
/// Population assumed when the city list has none.
const UNKNOWN_POPULATION: f64 = 300_000.0;

/// A city as the generator uses it.
#[derive(Debug, Clone)]
pub struct Place {
    /// Name for Chinese enterprise names ("徐州"), empty when the source has no Chinese name.
    pub name_zh: String,
    /// Romanised name ("Xuzhou").
    pub name_en: String,
    pub country: String,
    /// The country code packed into an integer, for fast comparisons.
    pub country_key: u16,
    pub is_cn: bool,
    /// Cosine of the latitude (for distances).
    pub cos_lat: f64,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    pub region_code: Option<String>,
    /// Favoured chain indices (1–3 of them); empty for the home city, which uses `home_multipliers`.
    pub favoured: Vec<u16>,
}

/// A chain node as the generator uses it.
#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub chain: u16,
    /// Industry code written for the node's enterprises ("" if the node has none).
    pub industry_code: String,
    /// Keywords usable in a Chinese name, and in an English one.
    pub kw_zh: Vec<String>,
    pub kw_en: Vec<String>,
    pub products_zh: String,
    pub products_en: String,
    /// Customer nodes (this node supplies them) and supplier nodes (they supply this node).
    pub customers: Vec<u32>,
    pub suppliers: Vec<u32>,
    /// Customers and suppliers together, without duplicates or the node itself.
    pub linked: Vec<u32>,
}

pub struct World {
    pub places: Vec<Place>,
    pub nodes: Vec<NodeInfo>,
    /// Index of the home city in `places`, if there is one.
    pub home: Option<usize>,
    pub home_counties: Vec<HomeCounty>,
    home_county_table: Cumulative,
    /// Cities other than home, by population (and country weight).
    city_table: Cumulative,
    /// All cities including home, by population: candidates for branch locations.
    pub any_city_table: Cumulative,
    /// Base weight of each chain (node count × a seeded factor), and their cumulative table.
    chain_base: Vec<f64>,
    chain_table: Cumulative,
    /// Per chain: its nodes and their cumulative weights.
    chain_nodes: Vec<(Vec<u32>, Cumulative)>,
    /// Per chain: the cities that favour it, by population.
    pub specialists: Vec<(Vec<u32>, Cumulative)>,
    /// Home city's chain multipliers and its chain table.
    home_multipliers: Vec<f64>,
    home_chain_table: Cumulative,
}

/// Population used for weights; unknown (0) counts as a modest city.
pub fn population_or_default(p: &Place) -> f64 {
    if p.population == 0 {
        UNKNOWN_POPULATION
    } else {
        p.population.max(1000) as f64
    }
}

pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Cut a node name at its first bracket or list separator: "液压件（泵、阀）" → "液压件".
fn short_name(s: &str) -> String {
    let cut = s.find(['（', '(', '、', ',', '，', '/', ';']).unwrap_or(s.len());
    s[..cut].trim().to_string()
}

fn node_info(tax: &Taxonomy, idx: usize, chain_of: &HashMap<&str, usize>) -> NodeInfo {
    let n = &tax.nodes[idx];
    let chain = chain_of.get(n.chain.as_str()).copied().unwrap_or(0) as u16;
    let code = n.codes.iter().find(|c| c.trim().trim_start_matches(|c: char| c.is_ascii_alphabetic()).len() == 4);
    let industry_code = code.or_else(|| n.codes.first()).map(|c| c.trim().to_string()).unwrap_or_default();
    let mut kw_zh: Vec<String> = n.keywords.iter().filter(|k| has_cjk(k)).map(|k| k.trim().to_string()).collect();
    if kw_zh.is_empty() && has_cjk(&n.name_zh) {
        kw_zh.push(short_name(&n.name_zh));
    }
    let mut kw_en: Vec<String> = n.keywords.iter().filter(|k| !k.trim().is_empty() && k.is_ascii()).map(|k| title_case(k.trim())).collect();
    if kw_en.is_empty() && !n.name_en.trim().is_empty() {
        kw_en.push(title_case(&short_name(&n.name_en)));
    }
    let products_zh = if n.name_zh.is_empty() { n.name_en.clone() } else { n.name_zh.clone() };
    let products_en = if n.name_en.is_empty() { n.name_zh.clone() } else { n.name_en.clone() };
    let customers: Vec<u32> = n.supplies.iter().filter_map(|s| tax.node_idx(s)).map(|i| i as u32).collect();
    let suppliers: Vec<u32> = tax.nodes.iter().enumerate().filter(|(_, m)| m.supplies.contains(&n.id)).map(|(i, _)| i as u32).collect();
    let mut linked: Vec<u32> = customers.iter().chain(&suppliers).copied().filter(|&i| i as usize != idx).collect();
    linked.sort_unstable();
    linked.dedup();
    NodeInfo { chain, industry_code, kw_zh, kw_en, products_zh, products_en, customers, suppliers, linked }
}

fn country_key(c: &str) -> u16 {
    let b = c.as_bytes();
    u16::from(b.first().copied().unwrap_or(0)) << 8 | u16::from(b.get(1).copied().unwrap_or(0))
}

fn place_of(city: &City, seed: u64, n_chains: usize) -> Place {
    // Aggregates ("市辖区", "县", "省直辖县级行政区划") are not names a company would carry.
    let aggregate = city.name == "市辖区" || city.name == "县" || city.name.contains("直辖");
    let name_zh = if has_cjk(&city.name) && !aggregate {
        let n = city.name.trim();
        let stem = n.strip_suffix('市').filter(|s| s.chars().count() >= 2).unwrap_or(n);
        stem.to_string()
    } else {
        String::new()
    };
    let name_en = if !city.name_ascii.trim().is_empty() {
        city.name_ascii.trim().to_string()
    } else if city.name.is_ascii() {
        city.name.trim().to_string()
    } else {
        String::new()
    };
    // Favoured chains: drawn from the seed and the city's identity, so they do not depend on list order.
    let mut r = Rng::new(mix(seed, hash_str(&format!("{}|{}", city.name, city.country))));
    let k = 1 + r.index(3);
    let mut favoured: Vec<u16> = Vec::new();
    if n_chains > 0 {
        for _ in 0..k.min(n_chains) {
            let mut c = r.index(n_chains) as u16;
            while favoured.contains(&c) {
                c = ((c as usize + 1) % n_chains) as u16;
            }
            favoured.push(c);
        }
    }
    let country = city.country.trim().to_ascii_uppercase();
    Place {
        name_zh,
        name_en,
        is_cn: country == "CN",
        country_key: country_key(&country),
        cos_lat: city.lat.to_radians().cos(),
        country,
        lat: city.lat,
        lon: city.lon,
        population: city.population,
        region_code: city.region_code.clone().filter(|c| !c.trim().is_empty()),
        favoured,
    }
}

/// Keep one place for the home prefecture (the one with its exact code, else the most populous) and drop the other
/// places inside it: the home counties cover them. Returns the home index.
fn merge_home(places: &mut Vec<Place>, pref: Option<&str>) -> Option<usize> {
    let pref = pref.filter(|p| p.len() == 6)?;
    let inside = |p: &Place| p.region_code.as_deref().is_some_and(|c| c.len() == 6 && c.as_bytes()[..4] == pref.as_bytes()[..4]);
    let keep = places
        .iter()
        .enumerate()
        .filter(|(_, p)| inside(p))
        .max_by_key(|(i, p)| (p.region_code.as_deref() == Some(pref), p.population, std::cmp::Reverse(*i)))
        .map(|(i, _)| i)?;
    let mut home = places[keep].clone();
    home.population = places.iter().filter(|p| inside(p)).map(|p| p.population).sum();
    home.region_code = Some(pref.to_string());
    places.retain(|p| !inside(p));
    places.push(home);
    Some(places.len() - 1)
}

/// The prefecture code of the home counties ("320302" → "320300").
fn home_prefecture(home: &[HomeCounty]) -> Option<String> {
    let c = &home.first()?.code;
    (c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())).then(|| format!("{}00", &c[..4]))
}

impl World {
    pub fn build(cfg: &GenConfig, tax: &Taxonomy, cities: &[City], home: &[HomeCounty]) -> Result<Self, SynthError> {
        if tax.nodes.is_empty() || tax.chains.is_empty() {
            return Err(SynthError::EmptyTaxonomy);
        }
        let n_chains = tax.chains.len();
        let chain_of: HashMap<&str, usize> = tax.chains.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let nodes: Vec<NodeInfo> = (0..tax.nodes.len()).map(|i| node_info(tax, i, &chain_of)).collect();

        let mut places: Vec<Place> =
            cities.iter().filter(|c| c.lat.is_finite() && c.lon.is_finite()).map(|c| place_of(c, cfg.seed, n_chains)).collect();
        let home_counties: Vec<HomeCounty> = home.iter().filter(|h| h.weight > 0.0).cloned().collect();
        let mut home_idx = None;
        if !home_counties.is_empty() {
            let pref = home_prefecture(&home_counties);
            home_idx = merge_home(&mut places, pref.as_deref());
            if home_idx.is_none() {
                // The city list lacks the home city: add it at the weighted centroid of its counties.
                let w: f64 = home_counties.iter().map(|h| h.weight).sum();
                let lat = home_counties.iter().map(|h| h.lat * h.weight).sum::<f64>() / w;
                let lon = home_counties.iter().map(|h| h.lon * h.weight).sum::<f64>() / w;
                places.push(Place {
                    name_zh: String::new(),
                    name_en: String::new(),
                    country: "CN".into(),
                    country_key: country_key("CN"),
                    is_cn: true,
                    cos_lat: lat.to_radians().cos(),
                    lat,
                    lon,
                    population: 1_000_000,
                    region_code: pref,
                    favoured: Vec::new(),
                });
                home_idx = Some(places.len() - 1);
            }
        }
        if places.is_empty() {
            return Err(SynthError::NoCities);
        }

        let mut rs = Rng::new(mix(cfg.seed, 0xC4A1));
        let chain_base: Vec<f64> = tax.chains.iter().map(|c| tax.nodes_of_chain(&c.id).count() as f64 * (0.5 + rs.f64())).collect();
        let chain_table = Cumulative::new(chain_base.iter().copied());
        let chain_nodes: Vec<(Vec<u32>, Cumulative)> = (0..n_chains)
            .map(|c| {
                let ids: Vec<u32> = (0..nodes.len()).filter(|&i| nodes[i].chain as usize == c).map(|i| i as u32).collect();
                let table = Cumulative::new(ids.iter().map(|_| 0.5 + rs.f64()));
                (ids, table)
            })
            .collect();

        let city_weight = |p: &Place| population_or_default(p) * if p.is_cn { CN_WEIGHT } else { 1.0 };
        let city_table = Cumulative::new(places.iter().enumerate().map(|(i, p)| if Some(i) == home_idx { 0.0 } else { city_weight(p) }));
        let any_city_table = Cumulative::new(places.iter().map(city_weight));
        let specialists: Vec<(Vec<u32>, Cumulative)> = (0..n_chains)
            .map(|c| {
                let ids: Vec<u32> = (0..places.len())
                    .filter(|&i| places[i].favoured.contains(&(c as u16)) && Some(i) != home_idx)
                    .map(|i| i as u32)
                    .collect();
                let table = Cumulative::new(ids.iter().map(|&i| city_weight(&places[i as usize])));
                (ids, table)
            })
            .collect();

        let mut home_multipliers = vec![1.0; n_chains];
        for (chain, m) in &cfg.home_specialisation {
            let i = chain_of.get(chain.as_str()).ok_or_else(|| SynthError::UnknownChain(chain.clone()))?;
            home_multipliers[*i] = m.max(0.0);
        }
        if let Some(h) = home_idx {
            places[h].favoured.clear();
            places[h].country = "CN".into();
            places[h].country_key = country_key("CN");
            places[h].is_cn = true;
        }
        let home_chain_table = Cumulative::new(chain_base.iter().zip(&home_multipliers).map(|(b, m)| b * m));
        let home_county_table = Cumulative::new(home_counties.iter().map(|h| h.weight));
        Ok(Self {
            places,
            nodes,
            home: home_idx,
            home_counties,
            home_county_table,
            city_table,
            any_city_table,
            chain_base,
            chain_table,
            chain_nodes,
            specialists,
            home_multipliers,
            home_chain_table,
        })
    }

    /// How strongly a city favours a chain (1 = not at all).
    pub fn chain_multiplier(&self, city: usize, chain: usize) -> f64 {
        if Some(city) == self.home {
            return self.home_multipliers.get(chain).copied().unwrap_or(1.0);
        }
        if self.places[city].favoured.contains(&(chain as u16)) {
            FAVOURED_MULTIPLIER
        } else {
            1.0
        }
    }

    /// A city for a new (non-branch) enterprise: home with probability `home_share`, else by population.
    pub fn sample_city(&self, rng: &mut Rng, home_share: f64) -> usize {
        if let Some(h) = self.home {
            if rng.chance(home_share) || self.city_table.is_empty() {
                return h;
            }
        }
        self.city_table.sample(rng).unwrap_or(0)
    }

    /// A chain for an enterprise in `city`: base weights times the city's specialisation.
    pub fn sample_chain(&self, rng: &mut Rng, city: usize) -> usize {
        if Some(city) == self.home && !self.home_chain_table.is_empty() {
            return self.home_chain_table.sample(rng).unwrap_or(0);
        }
        let fav = &self.places[city].favoured;
        let extra: f64 = fav.iter().map(|&c| self.chain_base[c as usize] * (FAVOURED_MULTIPLIER - 1.0)).sum();
        let total = self.chain_table.total();
        let x = rng.f64() * (total + extra);
        if x < total || fav.is_empty() {
            return self.chain_table.sample(rng).unwrap_or(0);
        }
        let mut y = x - total;
        for &c in fav {
            let w = self.chain_base[c as usize] * (FAVOURED_MULTIPLIER - 1.0);
            if y < w {
                return c as usize;
            }
            y -= w;
        }
        fav[fav.len() - 1] as usize
    }

    /// A node of the chain (chains without nodes fall back to any node).
    pub fn sample_node(&self, rng: &mut Rng, chain: usize) -> usize {
        let (ids, table) = &self.chain_nodes[chain];
        match table.sample(rng) {
            Some(i) => ids[i] as usize,
            None => rng.index(self.nodes.len()),
        }
    }

    /// A home county (index into `home_counties`).
    pub fn sample_county(&self, rng: &mut Rng) -> Option<usize> {
        self.home_county_table.sample(rng)
    }

    /// A city that favours `chain`, by population.
    pub fn sample_specialist(&self, rng: &mut Rng, chain: usize) -> Option<usize> {
        let (ids, table) = &self.specialists[chain];
        table.sample(rng).map(|i| ids[i] as usize)
    }
}

/// Approximate distance in km (equirectangular; good enough for preferring nearby partners).
pub fn distance_km(a: &Place, b: &Place) -> f64 {
    let r = std::f64::consts::PI / 180.0;
    let x = (b.lon - a.lon) * r * 0.5 * (a.cos_lat + b.cos_lat);
    let y = (b.lat - a.lat) * r;
    (x * x + y * y).sqrt() * 6371.0
}
