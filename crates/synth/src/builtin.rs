//! A small built-in world for examples and tests: a few dozen Chinese and foreign industrial cities, Xuzhou's
//! ten county-level divisions, and a three-chain taxonomy. Populations and centroids are approximate.

use crate::{City, HomeCounty};

/// A three-chain taxonomy (construction machinery, photovoltaics, integrated circuits) in the taxonomy.toml format.
pub const SMALL_TAXONOMY: &str = include_str!("builtin_taxonomy.toml");

/// (name, romanised name, country, lat, lon, population, prefecture code)
const CITIES: &[(&str, &str, &str, f64, f64, u64, &str)] = &[
    ("徐州市", "Xuzhou", "CN", 34.26, 117.19, 9_000_000, "320300"),
    ("上海市", "Shanghai", "CN", 31.23, 121.47, 24_800_000, "310100"),
    ("北京市", "Beijing", "CN", 39.90, 116.40, 21_800_000, "110100"),
    ("天津市", "Tianjin", "CN", 39.13, 117.20, 13_700_000, "120100"),
    ("重庆市", "Chongqing", "CN", 29.56, 106.55, 32_000_000, "500100"),
    ("南京市", "Nanjing", "CN", 32.06, 118.80, 9_500_000, "320100"),
    ("无锡市", "Wuxi", "CN", 31.49, 120.31, 7_500_000, "320200"),
    ("常州市", "Changzhou", "CN", 31.81, 119.97, 5_300_000, "320400"),
    ("苏州市", "Suzhou", "CN", 31.30, 120.59, 12_900_000, "320500"),
    ("连云港市", "Lianyungang", "CN", 34.60, 119.22, 4_600_000, "320700"),
    ("宿迁市", "Suqian", "CN", 33.96, 118.28, 5_000_000, "321300"),
    ("杭州市", "Hangzhou", "CN", 30.27, 120.16, 12_400_000, "330100"),
    ("宁波市", "Ningbo", "CN", 29.87, 121.54, 9_600_000, "330200"),
    ("合肥市", "Hefei", "CN", 31.82, 117.23, 9_600_000, "340100"),
    ("济南市", "Jinan", "CN", 36.65, 117.12, 9_400_000, "370100"),
    ("青岛市", "Qingdao", "CN", 36.07, 120.38, 10_300_000, "370200"),
    ("枣庄市", "Zaozhuang", "CN", 34.81, 117.32, 3_800_000, "370400"),
    ("临沂市", "Linyi", "CN", 35.10, 118.36, 11_000_000, "371300"),
    ("郑州市", "Zhengzhou", "CN", 34.75, 113.63, 12_800_000, "410100"),
    ("武汉市", "Wuhan", "CN", 30.59, 114.31, 13_700_000, "420100"),
    ("长沙市", "Changsha", "CN", 28.23, 112.94, 10_400_000, "430100"),
    ("广州市", "Guangzhou", "CN", 23.13, 113.26, 18_800_000, "440100"),
    ("深圳市", "Shenzhen", "CN", 22.54, 114.06, 17_700_000, "440300"),
    ("佛山市", "Foshan", "CN", 23.02, 113.12, 9_600_000, "440600"),
    ("东莞市", "Dongguan", "CN", 23.02, 113.75, 10_500_000, "441900"),
    ("厦门市", "Xiamen", "CN", 24.48, 118.09, 5_300_000, "350200"),
    ("成都市", "Chengdu", "CN", 30.66, 104.07, 21_400_000, "510100"),
    ("西安市", "Xi'an", "CN", 34.34, 108.94, 13_000_000, "610100"),
    ("沈阳市", "Shenyang", "CN", 41.81, 123.43, 9_100_000, "210100"),
    ("Tokyo", "Tokyo", "JP", 35.69, 139.69, 14_000_000, ""),
    ("Osaka", "Osaka", "JP", 34.69, 135.50, 2_700_000, ""),
    ("Seoul", "Seoul", "KR", 37.57, 126.98, 9_700_000, ""),
    ("Changwon", "Changwon", "KR", 35.23, 128.68, 1_000_000, ""),
    ("Singapore", "Singapore", "SG", 1.29, 103.85, 5_600_000, ""),
    ("Bengaluru", "Bengaluru", "IN", 12.97, 77.59, 8_400_000, ""),
    ("Stuttgart", "Stuttgart", "DE", 48.78, 9.18, 630_000, ""),
    ("München", "Munich", "DE", 48.14, 11.58, 1_500_000, ""),
    ("Dortmund", "Dortmund", "DE", 51.51, 7.47, 590_000, ""),
    ("Eindhoven", "Eindhoven", "NL", 51.44, 5.47, 240_000, ""),
    ("Göteborg", "Gothenburg", "SE", 57.71, 11.97, 600_000, ""),
    ("Milano", "Milan", "IT", 45.46, 9.19, 1_400_000, ""),
    ("Lyon", "Lyon", "FR", 45.76, 4.84, 520_000, ""),
    ("London", "London", "GB", 51.51, -0.13, 8_900_000, ""),
    ("Peoria", "Peoria", "US", 40.69, -89.59, 110_000, ""),
    ("Chicago", "Chicago", "US", 41.88, -87.63, 2_700_000, ""),
    ("Houston", "Houston", "US", 29.76, -95.37, 2_300_000, ""),
    ("San Jose", "San Jose", "US", 37.34, -121.89, 1_000_000, ""),
    ("São Paulo", "Sao Paulo", "BR", -23.55, -46.63, 12_300_000, ""),
];

/// The built-in cities.
pub fn cities() -> Vec<City> {
    CITIES
        .iter()
        .map(|&(name, ascii, country, lat, lon, population, code)| City {
            name: name.to_string(),
            name_ascii: ascii.to_string(),
            country: country.to_string(),
            lat,
            lon,
            population,
            region_code: (!code.is_empty()).then(|| code.to_string()),
        })
        .collect()
}

/// Xuzhou's ten county-level divisions (GB/T 2260), with approximate centroids and weights.
pub fn xuzhou_counties() -> Vec<HomeCounty> {
    [
        ("320302", "鼓楼区", 34.29, 117.19, 1.0),
        ("320303", "云龙区", 34.25, 117.23, 1.0),
        ("320305", "贾汪区", 34.44, 117.45, 0.5),
        ("320311", "泉山区", 34.24, 117.18, 1.0),
        ("320312", "铜山区", 34.18, 117.17, 1.5),
        ("320321", "丰县", 34.70, 116.60, 0.6),
        ("320322", "沛县", 34.72, 116.94, 0.7),
        ("320324", "睢宁县", 33.91, 117.94, 0.6),
        ("320381", "新沂市", 34.37, 118.35, 0.7),
        ("320382", "邳州市", 34.33, 117.96, 0.9),
    ]
    .into_iter()
    .map(|(code, name, lat, lon, weight)| HomeCounty { code: code.into(), name: name.into(), lat, lon, weight })
    .collect()
}
