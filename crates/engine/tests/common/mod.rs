//! Fixtures shared by the engine's integration tests: small taxonomies written entry by entry, region registries
//! drawn from one table of regions, enterprises on chain nodes, snapshots of Xuzhou, and the real 343 data.
//! Each test file uses only some of them.
#![allow(dead_code)]

use chainscope_engine::Snapshot;
use chainscope_model::{Enterprise, Membership, MembershipSource, Region, RegionLevel, RegionRegistry, Taxonomy};
use chrono::NaiveDate;
use std::sync::Arc;

/// The home region of every test snapshot: Xuzhou.
pub const HOME: &str = "320300";

/// A taxonomy as the TOML that `Taxonomy::from_toml` reads, written one entry at a time in file order.
#[derive(Default)]
pub struct TaxonomyToml(String);

impl TaxonomyToml {
    pub fn tier(self, id: &str, name_zh: &str) -> Self {
        self.entry("tier", &[("id", id), ("name_zh", name_zh)])
    }

    pub fn cluster(self, id: &str, tier: &str, name_zh: &str) -> Self {
        self.entry("cluster", &[("id", id), ("tier", tier), ("name_zh", name_zh)])
    }

    pub fn chain(self, id: &str, cluster: &str, name_zh: &str) -> Self {
        self.entry("chain", &[("id", id), ("cluster", cluster), ("name_zh", name_zh)])
    }

    /// A node at `position` (upstream, midstream, downstream) supplying `supplies` (no `supplies` key when empty).
    pub fn node(self, id: &str, chain: &str, name_zh: &str, position: &str, supplies: &[&str]) -> Self {
        let mut t = self.entry("node", &[("id", id), ("chain", chain), ("name_zh", name_zh), ("position", position)]);
        if !supplies.is_empty() {
            let list: Vec<String> = supplies.iter().map(|n| format!("\"{n}\"")).collect();
            t.0.push_str(&format!("supplies = [{}]\n", list.join(", ")));
        }
        t
    }

    fn entry(mut self, table: &str, fields: &[(&str, &str)]) -> Self {
        self.0.push_str(&format!("[[{table}]]\n"));
        for (key, value) in fields {
            self.0.push_str(&format!("{key} = \"{value}\"\n"));
        }
        self
    }

    pub fn toml(&self) -> &str {
        &self.0
    }

    pub fn build(&self) -> Arc<Taxonomy> {
        Arc::new(Taxonomy::from_toml(&self.0).expect("taxonomy"))
    }
}

/// The regions tests draw on: code, name, level, parent. All are in China but Germany.
const REGIONS: &[(&str, &str, RegionLevel, Option<&str>)] = &[
    ("CN", "中国", RegionLevel::Country, None),
    ("DE", "德国", RegionLevel::Country, None),
    ("320000", "江苏省", RegionLevel::Province, Some("CN")),
    ("320100", "南京市", RegionLevel::Prefecture, Some("320000")),
    ("320102", "玄武区", RegionLevel::County, Some("320100")),
    ("320300", "徐州市", RegionLevel::Prefecture, Some("320000")),
    ("320302", "鼓楼区", RegionLevel::County, Some("320300")),
    ("320312", "铜山区", RegionLevel::County, Some("320300")),
    ("320323", "铜山县", RegionLevel::County, Some("320300")),
    ("320371", "徐州经济技术开发区", RegionLevel::Zone, Some("320300")),
    ("320382", "邳州市", RegionLevel::County, Some("320300")),
    ("320500", "苏州市", RegionLevel::Prefecture, Some("320000")),
    ("320505", "虎丘区", RegionLevel::County, Some("320500")),
    ("440000", "广东省", RegionLevel::Province, Some("CN")),
    ("440100", "广州市", RegionLevel::Prefecture, Some("440000")),
    ("440300", "深圳市", RegionLevel::Prefecture, Some("440000")),
    ("440304", "福田区", RegionLevel::County, Some("440300")),
];

/// The region `code` from the table above, without coordinates; a country is its own country, the rest are in China.
pub fn region(code: &str) -> Region {
    let &(code, name, level, parent) = REGIONS.iter().find(|r| r.0 == code).unwrap_or_else(|| panic!("no test region {code}"));
    Region::new(code, name, level, parent, if level == RegionLevel::Country { code } else { "CN" })
}

/// The region `code` with its centre at (`lat`, `lon`).
pub fn located(code: &str, lat: f64, lon: f64) -> Region {
    Region { lat: Some(lat), lon: Some(lon), ..region(code) }
}

/// A registry of the given regions, inserted in order.
pub fn registry_of(regions: impl IntoIterator<Item = Region>) -> RegionRegistry {
    let mut reg = RegionRegistry::new();
    for r in regions {
        reg.insert(r);
    }
    reg
}

/// A registry of the regions `codes` from the table above, inserted in order.
pub fn registry(codes: &[&str]) -> RegionRegistry {
    registry_of(codes.iter().map(|c| region(c)))
}

/// A manual membership of `node`, with full confidence.
pub fn manual(node: &str) -> Membership {
    Membership { node: node.into(), source: MembershipSource::Manual, confidence: 1.0 }
}

/// An enterprise in `region` (in Germany for "DE", else in China), a manual member of each of `nodes`.
pub fn member(key: impl Into<String>, name: impl Into<String>, nodes: &[&str], region: Option<&str>) -> Enterprise {
    Enterprise {
        country: if region == Some("DE") { "DE".into() } else { "CN".into() },
        region_code: region.map(str::to_string),
        memberships: nodes.iter().map(|n| manual(n)).collect(),
        ..Enterprise::new(key, name)
    }
}

/// The finest H3 cell (resolution 12) of a point, as the snapshot stores it.
pub fn cell(lat: f64, lon: f64) -> u64 {
    u64::from(h3o::LatLng::new(lat, lon).expect("coords").to_cell(h3o::Resolution::Twelve))
}

/// A snapshot of `es` on `taxonomy`, with Xuzhou as home.
pub fn snapshot(taxonomy: Arc<Taxonomy>, es: &[Enterprise], reg: &RegionRegistry) -> Snapshot {
    let mut b = Snapshot::builder(taxonomy, HOME);
    b.reserve(es.len());
    for e in es {
        b.push(e, reg);
    }
    b.finish()
}

/// The real 343 taxonomy: advantage, emerging and characteristic tiers.
pub fn xuzhou_taxonomy() -> Taxonomy {
    Taxonomy::from_toml(include_str!("../../../../data/xuzhou-343/taxonomy.toml")).expect("taxonomy")
}

/// A date written `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}
