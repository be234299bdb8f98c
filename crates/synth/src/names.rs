//! Enterprise names: a brand (字号) drawn from a seed, the city, a keyword of the node and a legal form.
//! Chinese enterprises get "徐州恒瑞液压科技有限公司" / "Xuzhou Hengrui Hydraulic Technology Co., Ltd.";
//! foreign ones an English-ish name ("Norvexa Hydraulic GmbH") in both columns.

use crate::rng::{splitmix64, Rng};
use crate::world::{NodeInfo, Place};
use std::fmt::Write;

/// Characters common in Chinese trade names, with their pinyin.
const ZH_SYLLABLES: &[(&str, &str)] = &[
    ("恒", "Heng"),
    ("瑞", "Rui"),
    ("达", "Da"),
    ("丰", "Feng"),
    ("华", "Hua"),
    ("盛", "Sheng"),
    ("鑫", "Xin"),
    ("源", "Yuan"),
    ("泰", "Tai"),
    ("宏", "Hong"),
    ("隆", "Long"),
    ("信", "Xin"),
    ("诚", "Cheng"),
    ("德", "De"),
    ("昌", "Chang"),
    ("兴", "Xing"),
    ("荣", "Rong"),
    ("安", "An"),
    ("康", "Kang"),
    ("永", "Yong"),
    ("金", "Jin"),
    ("博", "Bo"),
    ("创", "Chuang"),
    ("新", "Xin"),
    ("中", "Zhong"),
    ("天", "Tian"),
    ("佳", "Jia"),
    ("益", "Yi"),
    ("通", "Tong"),
    ("力", "Li"),
    ("远", "Yuan"),
    ("海", "Hai"),
    ("正", "Zheng"),
    ("宇", "Yu"),
    ("卓", "Zhuo"),
    ("明", "Ming"),
    ("晟", "Sheng"),
    ("润", "Run"),
    ("嘉", "Jia"),
    ("凯", "Kai"),
    ("捷", "Jie"),
    ("锐", "Rui"),
    ("驰", "Chi"),
    ("亿", "Yi"),
    ("万", "Wan"),
    ("汇", "Hui"),
    ("聚", "Ju"),
    ("联", "Lian"),
    ("合", "He"),
    ("众", "Zhong"),
    ("友", "You"),
    ("邦", "Bang"),
    ("立", "Li"),
    ("峰", "Feng"),
    ("岳", "Yue"),
    ("川", "Chuan"),
    ("江", "Jiang"),
    ("森", "Sen"),
    ("林", "Lin"),
    ("春", "Chun"),
    ("阳", "Yang"),
    ("光", "Guang"),
    ("辉", "Hui"),
    ("耀", "Yao"),
    ("星", "Xing"),
    ("辰", "Chen"),
    ("腾", "Teng"),
    ("飞", "Fei"),
    ("翔", "Xiang"),
    ("鹏", "Peng"),
    ("龙", "Long"),
    ("骏", "Jun"),
    ("思", "Si"),
    ("智", "Zhi"),
    ("慧", "Hui"),
    ("精", "Jing"),
    ("铭", "Ming"),
    ("豪", "Hao"),
    ("东", "Dong"),
    ("南", "Nan"),
    ("北", "Bei"),
    ("瀚", "Han"),
    ("澜", "Lan"),
    ("和", "He"),
    ("顺", "Shun"),
    ("祥", "Xiang"),
    ("福", "Fu"),
    ("旺", "Wang"),
    ("昊", "Hao"),
    ("坤", "Kun"),
    ("乾", "Qian"),
    ("泓", "Hong"),
    ("沃", "Wo"),
    ("奥", "Ao"),
    ("拓", "Tuo"),
    ("迈", "Mai"),
    ("盈", "Ying"),
];

/// Business words that follow the keyword in Chinese names.
const ZH_TRADES: &[(&str, &str)] = &[
    ("科技", "Technology"),
    ("机械", "Machinery"),
    ("实业", "Industrial"),
    ("制造", "Manufacturing"),
    ("装备", "Equipment"),
    ("工业", "Industry"),
    ("技术", "Tech"),
    ("新材料", "New Materials"),
    ("智能", "Intelligent"),
    ("电子", "Electronics"),
    ("", ""),
    ("", ""),
];

const WEST_HEADS: &[&str] = &[
    "Nor", "Vex", "Tel", "Ar", "Ka", "Lin", "Mar", "Sol", "Tra", "Ven", "Cor", "Dyn", "Ex", "Flu", "Gra", "Hel", "Ion", "Jen", "Kor",
    "Lum", "Mag", "Nex", "Or", "Pra", "Quan", "Ro", "Sten", "Tor", "Ul", "Var", "Wes", "Zel",
];
const WEST_MIDS: &[&str] = &[
    "", "", "va", "ter", "lo", "ri", "mo", "den", "ka", "ston", "ve", "ran", "bel", "cas", "dor", "fen", "gal", "lan", "mer", "nic", "pel",
    "sen", "tav", "vin",
];
const WEST_TAILS: &[&str] = &["a", "ex", "on", "ia", "is", "or", "um", "ant", "ix", "o", "en", "ar", "tec", "ell"];

fn legal_form(country: &str) -> &'static str {
    match country {
        "DE" | "AT" | "CH" => "GmbH",
        "US" | "CA" => "Inc.",
        "GB" | "IE" | "IN" | "SG" | "AU" | "NZ" => "Ltd",
        "FR" => "SAS",
        "IT" => "S.p.A.",
        "NL" | "BE" => "B.V.",
        "SE" | "FI" | "NO" | "DK" => "AB",
        "ES" | "BR" | "MX" | "AR" | "PT" => "S.A.",
        _ => "Co., Ltd.",
    }
}

/// Whether a brand was born Chinese (pinyin in English) or Western (the same word in both columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Chinese,
    Western,
}

/// A brand seed rendered both ways.
pub struct Brand {
    pub zh: String,
    pub pinyin: String,
    pub west: String,
}

pub fn brand(seed: u64) -> Brand {
    let mut s = seed;
    let syl = ZH_SYLLABLES;
    let n = 2 + usize::from(splitmix64(&mut s) & 1 == 0);
    let mut zh = String::new();
    let mut pinyin = String::new();
    for i in 0..n {
        let (c, p) = syl[(splitmix64(&mut s) % syl.len() as u64) as usize];
        zh.push_str(c);
        if i == 0 {
            pinyin.push_str(p);
        } else {
            pinyin.push_str(&p.to_lowercase());
        }
    }
    let pick = |s: &mut u64, list: &[&'static str]| list[(splitmix64(s) % list.len() as u64) as usize];
    let mut west = String::from(pick(&mut s, WEST_HEADS));
    if splitmix64(&mut s) & 3 == 0 {
        west.push_str(&pick(&mut s, WEST_HEADS).to_lowercase());
    }
    west.push_str(pick(&mut s, WEST_MIDS));
    west.push_str(pick(&mut s, WEST_TAILS));
    Brand { zh, pinyin, west }
}

/// Write an enterprise's Chinese-column name and English name into the buffers (cleared first).
/// `branch` puts the city in brackets after the brand, as subsidiaries are named.
#[allow(clippy::too_many_arguments)]
pub fn write_names(
    name: &mut String,
    name_en: &mut String,
    rng: &mut Rng,
    brand_seed: u64,
    style: Style,
    place: &Place,
    node: &NodeInfo,
    branch: bool,
) {
    name.clear();
    name_en.clear();
    let b = brand(brand_seed);
    let en_brand = if style == Style::Chinese { &b.pinyin } else { &b.west };
    let kw_en = if node.kw_en.is_empty() { "Industrial" } else { &node.kw_en[rng.index(node.kw_en.len())] };
    let (trade_zh, trade_en) = ZH_TRADES[rng.index(ZH_TRADES.len())];
    if place.is_cn {
        let kw_zh = if node.kw_zh.is_empty() { "实业" } else { &node.kw_zh[rng.index(node.kw_zh.len())] };
        let city = &place.name_zh;
        if branch {
            let _ = write!(name, "{}（{}）{}{}有限公司", b.zh, if city.is_empty() { "中国" } else { city }, kw_zh, trade_zh);
        } else {
            let _ = write!(name, "{city}{}{}{}有限公司", b.zh, kw_zh, trade_zh);
        }
        let city_en = &place.name_en;
        let trade = if trade_en.is_empty() { "" } else { " " };
        if branch {
            let paren = if city_en.is_empty() { "China" } else { city_en };
            let _ = write!(name_en, "{en_brand} ({paren}) {kw_en}{trade}{trade_en} Co., Ltd.");
        } else if style == Style::Chinese && !city_en.is_empty() {
            let _ = write!(name_en, "{city_en} {en_brand} {kw_en}{trade}{trade_en} Co., Ltd.");
        } else {
            let _ = write!(name_en, "{en_brand} {kw_en}{trade}{trade_en} Co., Ltd.");
        }
    } else {
        let form = legal_form(&place.country);
        if branch && !place.name_en.is_empty() {
            let _ = write!(name_en, "{en_brand} {kw_en} ({}) {form}", place.name_en);
        } else {
            let _ = write!(name_en, "{en_brand} {kw_en} {form}");
        }
        name.push_str(name_en);
    }
}
