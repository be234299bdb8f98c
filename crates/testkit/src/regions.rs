//! Regions for tests, all drawn from one table of real codes: China and Germany, Jiangsu with Xuzhou's districts,
//! Nanjing and Suzhou, Guangdong, and Fujian (whose 鼓楼区 shares its name with Xuzhou's).

use chainscope_model::{Region, RegionLevel, RegionRegistry};

/// Code, name, level, parent. All are in China but Germany.
const REGIONS: &[(&str, &str, RegionLevel, Option<&str>)] = &[
    ("CN", "中国", RegionLevel::Country, None),
    ("DE", "德国", RegionLevel::Country, None),
    ("320000", "江苏省", RegionLevel::Province, Some("CN")),
    ("320100", "南京市", RegionLevel::Prefecture, Some("320000")),
    ("320102", "玄武区", RegionLevel::County, Some("320100")),
    ("320300", "徐州市", RegionLevel::Prefecture, Some("320000")),
    ("320301", "市辖区", RegionLevel::Aggregate, Some("320300")),
    ("320302", "鼓楼区", RegionLevel::County, Some("320300")),
    ("320312", "铜山区", RegionLevel::County, Some("320300")),
    ("320323", "铜山县", RegionLevel::County, Some("320300")),
    ("320371", "徐州经济技术开发区", RegionLevel::Zone, Some("320300")),
    ("320382", "邳州市", RegionLevel::County, Some("320300")),
    ("320500", "苏州市", RegionLevel::Prefecture, Some("320000")),
    ("320505", "虎丘区", RegionLevel::County, Some("320500")),
    ("350000", "福建省", RegionLevel::Province, Some("CN")),
    ("350100", "福州市", RegionLevel::Prefecture, Some("350000")),
    ("350102", "鼓楼区", RegionLevel::County, Some("350100")),
    ("440000", "广东省", RegionLevel::Province, Some("CN")),
    ("440100", "广州市", RegionLevel::Prefecture, Some("440000")),
    ("440300", "深圳市", RegionLevel::Prefecture, Some("440000")),
    ("440304", "福田区", RegionLevel::County, Some("440300")),
];

/// The region `code` from the table, without coordinates; a country is its own country, the rest are in China.
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

/// A registry of the regions `codes` from the table, inserted in order.
pub fn registry(codes: &[&str]) -> RegionRegistry {
    registry_of(codes.iter().map(|c| region(c)))
}
