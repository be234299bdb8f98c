//! The generator's contract: deterministic output, the documented header, valid references, identifiers and
//! memberships, and the clustering the heat maps rely on.

use chainscope_model::{parse_lei, parse_uscc, Taxonomy};
use chainscope_synth::{generate, City, GenConfig, GenStats, HomeCounty, HEADER};
use chainscope_testkit::TaxonomyToml;
use std::collections::{HashMap, HashSet};

/// Two clusters of the advantage tier: construction machinery (hydraulics supplying cranes and excavators, which
/// supply leasing), and energy with photovoltaics (whose modules go to leasing too) and food processing; the codes
/// and keywords are what the generator draws names and industry codes from.
fn taxonomy() -> Taxonomy {
    TaxonomyToml::default()
        .meta("test")
        .tier("t", "优势")
        .cluster("machinery", "t", "工程机械")
        .cluster("energy", "t", "新能源")
        .chain("cm", "machinery", "工程机械产业链")
        .field("name_en", "Construction machinery")
        .chain("pv", "energy", "光伏产业链")
        .field("name_en", "Photovoltaics")
        .chain("food", "energy", "食品加工")
        .field("name_en", "Food processing")
        .node("cm.hydraulics", "cm", "液压件（泵、阀、油缸）", "upstream", &["cm.crane", "cm.excavator"])
        .field("name_en", "Hydraulics")
        .list("codes", &["3444", "3445"])
        .list("keywords", &["液压", "油缸", "hydraulic"])
        .node("cm.crane", "cm", "起重机", "midstream", &["cm.leasing"])
        .field("name_en", "Cranes")
        .list("codes", &["34", "3432"])
        .list("keywords", &["起重"])
        .node("cm.excavator", "cm", "挖掘机", "midstream", &["cm.leasing"])
        .field("name_en", "Excavators")
        .list("codes", &["3514"])
        .list("keywords", &["挖掘机", "excavator"])
        .node("cm.leasing", "cm", "租赁", "service", &[])
        .field("name_en", "Leasing")
        .node("pv.wafer", "pv", "硅片", "upstream", &["pv.module"])
        .field("name_en", "Wafers")
        .list("codes", &["3985"])
        .list("keywords", &["硅片"])
        .node("pv.module", "pv", "光伏组件", "midstream", &["cm.leasing"])
        .field("name_en", "PV modules")
        .list("codes", &["3825"])
        .node("food.grain", "food", "粮食加工", "midstream", &["food.retail"])
        .field("name_en", "Grain milling")
        .list("codes", &["131"])
        .list("keywords", &["粮油", "grain"])
        .node("food.retail", "food", "食品零售", "downstream", &[])
        .field("name_en", "Food retail")
        .taxonomy()
}

fn city(name: &str, ascii: &str, country: &str, lat: f64, lon: f64, pop: u64, code: &str) -> City {
    City {
        name: name.into(),
        name_ascii: ascii.into(),
        country: country.into(),
        lat,
        lon,
        population: pop,
        region_code: (!code.is_empty()).then(|| code.to_string()),
    }
}

fn cities() -> Vec<City> {
    vec![
        city("徐州市", "Xuzhou", "CN", 34.26, 117.19, 9_000_000, "320300"),
        city("Tongshan", "Tongshan", "CN", 34.18, 117.16, 1_200_000, "320312"),
        city("上海市", "Shanghai", "CN", 31.23, 121.47, 24_000_000, "310100"),
        city("苏州市", "Suzhou", "CN", 31.30, 120.59, 12_000_000, "320500"),
        city("Changsha", "Changsha", "CN", 28.23, 112.94, 10_000_000, "430100"),
        city("Jinan", "", "CN", 36.65, 117.12, 0, "370102"),
        city("Stuttgart", "", "DE", 48.78, 9.18, 630_000, ""),
        city("Peoria", "", "US", 40.69, -89.59, 110_000, ""),
        city("Tokyo", "", "JP", 35.69, 139.69, 14_000_000, ""),
        city("São Paulo", "Sao Paulo", "BR", -23.55, -46.63, 12_000_000, ""),
    ]
}

fn counties() -> Vec<HomeCounty> {
    let c = |code: &str, name: &str, lat, lon, weight| HomeCounty { code: code.into(), name: name.into(), lat, lon, weight };
    vec![c("320302", "鼓楼区", 34.29, 117.19, 1.0), c("320312", "铜山区", 34.18, 117.17, 1.5), c("320382", "邳州市", 34.33, 117.96, 0.8)]
}

fn config(n: u64, seed: u64) -> GenConfig {
    GenConfig { enterprises: n, seed, first_year: 2015, last_year: 2025, home_share: 0.05, home_specialisation: vec![("cm".into(), 8.0)] }
}

fn run(cfg: &GenConfig) -> (Vec<u8>, GenStats) {
    let tax = taxonomy();
    let mut out = Vec::new();
    let stats = generate(cfg, &tax, &cities(), &counties(), &mut out).expect("generate");
    (out, stats)
}

type Row = HashMap<String, String>;

fn rows(bytes: &[u8]) -> (Vec<String>, Vec<Row>) {
    let mut rdr = csv::Reader::from_reader(bytes);
    let header: Vec<String> = rdr.headers().expect("header").iter().map(String::from).collect();
    let rows = rdr
        .records()
        .map(|r| {
            let r = r.expect("record");
            header.iter().cloned().zip(r.iter().map(String::from)).collect()
        })
        .collect();
    (header, rows)
}

fn ids(s: &str) -> Vec<&str> {
    s.split(';').filter(|x| !x.is_empty()).collect()
}

fn row_no(id: &str) -> usize {
    id.strip_prefix("syn:").and_then(|n| n.parse().ok()).expect("syn:<n> id")
}

fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let r = std::f64::consts::PI / 180.0;
    let x = (lon2 - lon1) * r * ((lat1 + lat2) * 0.5 * r).cos();
    let y = (lat2 - lat1) * r;
    (x * x + y * y).sqrt() * 6371.0
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, sa) = run(&config(3000, 7));
    let (b, sb) = run(&config(3000, 7));
    let (c, _) = run(&config(3000, 8));
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    assert_ne!(a, c);
}

#[test]
fn header_is_the_documented_one() {
    const SPEC: &str = "name,name_en,uscc,lei,ext_id,legal_rep,phone,address,country,province,city,district,\
        region_code,lat,lon,industry_code,industry_version,scope,products,founded,registered_capital,revenue,\
        employees,chain_leader,listed,srdi,high_tech,parent,nodes,series,suppliers,customers,source,as_of,synthetic";
    let (bytes, _) = run(&config(10, 1));
    let first = bytes.split(|&b| b == b'\n').next().expect("a line");
    assert_eq!(std::str::from_utf8(first).expect("utf-8"), SPEC);
    assert_eq!(HEADER.join(","), SPEC);
    // And the same as docs/data-format.md, when the docs are at hand.
    let doc = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/data-format.md");
    if let Ok(text) = std::fs::read_to_string(doc) {
        let section = text.split("## enterprises.csv").nth(1).expect("section");
        let block = section.split('`').nth(1).expect("header block");
        let documented: String = block.split_whitespace().collect();
        assert_eq!(documented, SPEC);
    }
}

#[test]
fn rows_are_well_formed_and_references_point_back() {
    let cfg = config(6000, 42);
    let (bytes, stats) = run(&cfg);
    let (_, rows) = rows(&bytes);
    let tax = taxonomy();
    assert_eq!(rows.len() as u64, cfg.enterprises);
    assert_eq!(stats.enterprises, cfg.enterprises);
    assert!(stats.branches > 100, "branches: {}", stats.branches);
    assert!(stats.relations > 1000, "relations: {}", stats.relations);
    let mut usccs = HashSet::new();
    let (mut n_uscc, mut n_lei, mut n_parent, mut n_rel) = (0, 0, 0, 0u64);
    for (i, r) in rows.iter().enumerate() {
        let n = i + 1;
        assert_eq!(r["ext_id"], format!("syn:{n}"));
        assert_eq!((r["source"].as_str(), r["as_of"].as_str(), r["synthetic"].as_str()), ("synthetic", "2025-12-31", "1"));
        assert!(!r["name"].is_empty() && !r["name_en"].is_empty());
        let node = tax.node(&r["nodes"]).unwrap_or_else(|| panic!("row {n}: unknown node {}", r["nodes"]));
        if let Some(code) = node.codes.iter().find(|c| c.len() == 4).or(node.codes.first()) {
            assert_eq!((&r["industry_code"], r["industry_version"].as_str()), (code, "2017"));
        }
        for (col, node_ok) in [("suppliers", true), ("customers", false)] {
            for id in ids(&r[col]) {
                let k = row_no(id);
                assert!(k < n, "row {n}: {col} {id} is not earlier");
                let other = &rows[k - 1]["nodes"];
                let edge = if node_ok { tax.node(other).expect("node").supplies.contains(&node.id) } else { node.supplies.contains(other) };
                assert!(edge, "row {n}: {col} {id} on {other} is not linked to {}", node.id);
                n_rel += 1;
            }
        }
        if !r["parent"].is_empty() {
            let k = row_no(&r["parent"]);
            assert!(k < n, "row {n}: parent not earlier");
            let p = &rows[k - 1];
            assert!(r["founded"][..4] > p["founded"][..4], "row {n}: branch founded before its parent");
            assert!(p["parent"].is_empty(), "parents are groups, not branches");
            n_parent += 1;
        }
        if !r["uscc"].is_empty() {
            let u = parse_uscc(&r["uscc"]).unwrap_or_else(|e| panic!("row {n}: {e}"));
            assert!(u.org_code_ok, "row {n}: organisation code check");
            assert_eq!(u.registration_region(), r["region_code"]);
            assert_eq!(r["country"], "CN");
            assert!(usccs.insert(u.code), "row {n}: duplicate USCC");
            n_uscc += 1;
        }
        if !r["lei"].is_empty() {
            parse_lei(&r["lei"]).unwrap_or_else(|e| panic!("row {n}: {e}"));
            n_lei += 1;
        }
        check_series(n, r, &cfg);
    }
    assert_eq!(n_rel, stats.relations);
    assert_eq!(n_parent, stats.branches);
    assert!(n_uscc > 1000, "USCCs: {n_uscc}");
    assert!(n_lei > 0, "LEIs: {n_lei}");
}

fn check_series(n: usize, r: &Row, cfg: &GenConfig) {
    let founded: i32 = r["founded"][..4].parse().expect("year");
    assert!((1990..=cfg.last_year).contains(&founded), "row {n}: founded {founded}");
    let series: Vec<(i32, &str, &str)> = ids(&r["series"])
        .into_iter()
        .map(|e| {
            let mut p = e.split(':');
            let y = p.next().and_then(|y| y.parse().ok()).expect("year");
            (y, p.next().expect("revenue"), p.next().expect("employees"))
        })
        .collect();
    let expected: Vec<i32> = (cfg.first_year.max(founded)..=cfg.last_year).collect();
    assert_eq!(series.iter().map(|s| s.0).collect::<Vec<_>>(), expected, "row {n}");
    let last = series.last().expect("a last year");
    assert_eq!((last.1, last.2), (r["revenue"].as_str(), r["employees"].as_str()), "row {n}");
}

#[test]
fn home_rows_sit_in_home_counties_and_specialise() {
    let (bytes, _) = run(&config(20_000, 3));
    let (_, rows) = rows(&bytes);
    let centroids: HashMap<String, (f64, f64)> = counties().into_iter().map(|c| (c.code, (c.lat, c.lon))).collect();
    let chain = |r: &Row| r["nodes"].split('.').next().unwrap_or("").to_string();
    let (mut home, mut home_cm, mut all_cm) = (0.0, 0.0, 0.0);
    for r in &rows {
        let is_cm = chain(r) == "cm";
        all_cm += f64::from(u8::from(is_cm));
        if r["region_code"].starts_with("3203") {
            let &(lat, lon) = centroids.get(&r["region_code"]).expect("a home county code");
            let d = distance_km(lat, lon, r["lat"].parse().expect("lat"), r["lon"].parse().expect("lon"));
            assert!(d <= 15.5, "{d} km from the county centre");
            assert!(r["name"].starts_with("徐州") || !r["parent"].is_empty(), "{}", r["name"]);
            home += 1.0;
            home_cm += f64::from(u8::from(is_cm));
        }
    }
    let total = rows.len() as f64;
    let overall_share = home / total;
    let cm_share = home_cm / all_cm;
    assert!((0.03..0.09).contains(&overall_share), "home share {overall_share}");
    assert!(cm_share > 1.2 * overall_share, "home share of cm {cm_share} vs overall {overall_share}");
}

#[test]
fn cities_cluster_in_favoured_chains() {
    let (bytes, _) = run(&config(20_000, 11));
    let (_, rows) = rows(&bytes);
    let mut by_city: HashMap<&str, HashMap<String, f64>> = HashMap::new();
    let mut global: HashMap<String, f64> = HashMap::new();
    for r in &rows {
        let chain = r["nodes"].split('.').next().unwrap_or("").to_string();
        *by_city.entry(r["city"].as_str()).or_default().entry(chain.clone()).or_default() += 1.0;
        *global.entry(chain).or_default() += 1.0;
    }
    let total: f64 = global.values().sum();
    let mut clustered = 0;
    for counts in by_city.values() {
        let n: f64 = counts.values().sum();
        if n < 300.0 {
            continue;
        }
        // Location quotient of the city's strongest chain.
        let lq = counts.iter().map(|(c, k)| (k / n) / (global[c] / total)).fold(0.0, f64::max);
        if lq > 1.4 {
            clustered += 1;
        }
    }
    assert!(clustered >= 4, "cities with a clear specialisation: {clustered}");
}

#[test]
fn real_taxonomy_when_present() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/xuzhou-343/taxonomy.toml");
    let Ok(text) = std::fs::read_to_string(root) else { return };
    let Ok(tax) = Taxonomy::from_toml(&text) else { return }; // being edited elsewhere: not this crate's test
    let spec = tax.chains.first().map(|c| vec![(c.id.clone(), 5.0)]).unwrap_or_default();
    let cfg = GenConfig { enterprises: 3000, home_specialisation: spec, ..GenConfig::default() };
    let mut out = Vec::new();
    generate(&cfg, &tax, &cities(), &counties(), &mut out).expect("generate");
    let (_, rows) = rows(&out);
    assert_eq!(rows.len(), 3000);
    assert!(rows.iter().all(|r| tax.node(&r["nodes"]).is_some()));
}
