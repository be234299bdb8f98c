//! Header mapping: canonical English column names and the Chinese headers of common enterprise-data exports.

use crate::table::Cells;
use rustc_hash::FxHashMap as HashMap;

/// Canonical enterprise columns and their accepted aliases (compared after [`normalize_header`]).
pub const ENTERPRISE_COLUMNS: &[(&str, &[&str])] = &[
    ("name", &["企业名称", "公司名称", "名称", "企业名", "company", "companyname", "enterprise"]),
    ("name_en", &["英文名称", "英文名", "englishname"]),
    ("uscc", &["统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码", "creditcode"]),
    ("lei", &["lei编码", "lei代码", "legalentityidentifier"]),
    ("ext_id", &["外部编号", "编号", "id", "externalid"]),
    ("legal_rep", &["法定代表人", "法人代表", "法人", "legalrepresentative"]),
    ("phone", &["电话", "联系电话", "企业电话", "telephone"]),
    ("address", &["企业地址", "注册地址", "地址", "通信地址", "经营地址"]),
    ("country", &["国家", "国别", "国家或地区"]),
    ("province", &["所属省份", "省份", "省", "所在省份"]),
    ("city", &["所属城市", "城市", "市", "所在城市"]),
    ("district", &["所属区县", "区县", "县区", "所在区县", "county"]),
    ("region_code", &["行政区划代码", "区划代码", "板块代码", "regioncode"]),
    ("lat", &["纬度", "latitude", "y"]),
    ("lon", &["经度", "longitude", "lng", "long", "x"]),
    ("industry_code", &["国标行业", "所属行业", "行业代码", "国民经济行业分类", "行业", "industry"]),
    ("industry_version", &["行业分类版本", "国标版本", "classificationversion"]),
    ("scope", &["经营范围", "businessscope"]),
    ("products", &["主营产品", "产品", "主要产品", "mainproducts"]),
    ("founded", &["成立日期", "成立时间", "注册日期", "foundingdate", "established"]),
    ("registered_capital", &["注册资本", "注册资金", "registeredcapital"]),
    ("revenue", &["营业收入", "营收", "年营业收入", "销售收入"]),
    ("employees", &["参保人数", "员工人数", "从业人数", "职工人数", "人员规模"]),
    ("chain_leader", &["链主", "链主企业", "龙头企业", "是否链主"]),
    ("listed", &["上市", "是否上市", "上市企业"]),
    ("srdi", &["专精特新", "是否专精特新"]),
    ("high_tech", &["高新技术企业", "高新企业", "是否高新技术企业", "hightech"]),
    ("parent", &["母公司", "所属集团", "集团", "parentgroup"]),
    ("nodes", &["产业链环节", "环节", "chainnodes"]),
    ("series", &["年度数据"]),
    ("suppliers", &["供应商"]),
    ("customers", &["客户"]),
    ("source", &["数据来源", "来源"]),
    ("as_of", &["数据日期", "更新日期", "asof"]),
    ("synthetic", &["合成数据", "演示数据"]),
];

/// Lower-case, drop spaces, underscores, hyphens, a BOM and a trailing unit in brackets: "注册资本(万元)" → "注册资本".
pub fn normalize_header(h: &str) -> String {
    let h = h.trim().trim_start_matches('\u{feff}');
    let h = match h.find(['(', '（']) {
        Some(i) if i > 0 => &h[..i],
        _ => h,
    };
    h.chars().filter(|c| !c.is_whitespace() && *c != '_' && *c != '-' && *c != '*').flat_map(char::to_lowercase).collect()
}

/// Positions of the canonical columns in [`ENTERPRISE_COLUMNS`], for the cells returned by [`HeaderMap::fields`].
pub mod ent {
    pub const NAME: usize = 0;
    pub const NAME_EN: usize = 1;
    pub const USCC: usize = 2;
    pub const LEI: usize = 3;
    pub const EXT_ID: usize = 4;
    pub const LEGAL_REP: usize = 5;
    pub const PHONE: usize = 6;
    pub const ADDRESS: usize = 7;
    pub const COUNTRY: usize = 8;
    pub const PROVINCE: usize = 9;
    pub const CITY: usize = 10;
    pub const DISTRICT: usize = 11;
    pub const REGION_CODE: usize = 12;
    pub const LAT: usize = 13;
    pub const LON: usize = 14;
    pub const INDUSTRY_CODE: usize = 15;
    pub const INDUSTRY_VERSION: usize = 16;
    pub const SCOPE: usize = 17;
    pub const PRODUCTS: usize = 18;
    pub const FOUNDED: usize = 19;
    pub const REGISTERED_CAPITAL: usize = 20;
    pub const REVENUE: usize = 21;
    pub const EMPLOYEES: usize = 22;
    pub const CHAIN_LEADER: usize = 23;
    pub const LISTED: usize = 24;
    pub const SRDI: usize = 25;
    pub const HIGH_TECH: usize = 26;
    pub const PARENT: usize = 27;
    pub const NODES: usize = 28;
    pub const SERIES: usize = 29;
    pub const SUPPLIERS: usize = 30;
    pub const CUSTOMERS: usize = 31;
    pub const SOURCE: usize = 32;
    pub const AS_OF: usize = 33;
    pub const SYNTHETIC: usize = 34;
    /// Number of canonical enterprise columns.
    pub const COUNT: usize = 35;
}

/// `s.trim()`, skipping the Unicode scan in the common case of a cell that starts and ends with a visible ASCII
/// character.
#[inline]
pub fn trim_cell(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&f), Some(&l)) if (0x21..0x7f).contains(&f) && (0x21..0x7f).contains(&l) => s,
        (None, _) => s,
        _ => s.trim(),
    }
}

/// Column positions of canonical fields in one file, and the headers that matched nothing.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    index: HashMap<&'static str, usize>,
    /// For each column of the list the map was built from (same order): its position in the file.
    positions: Vec<Option<usize>>,
    pub unknown: Vec<String>,
    pub headers: Vec<String>,
}

impl HeaderMap {
    /// Map the file's headers onto `columns` (canonical name first, then aliases). The first matching column wins.
    pub fn new(headers: &[String], columns: &[(&'static str, &[&str])]) -> Self {
        let mut lookup: HashMap<String, &'static str> = HashMap::default();
        for (canon, aliases) in columns {
            lookup.insert(normalize_header(canon), canon);
            for a in *aliases {
                lookup.entry(normalize_header(a)).or_insert(canon);
            }
        }
        let mut index = HashMap::default();
        let mut unknown = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            match lookup.get(&normalize_header(h)) {
                Some(c) => {
                    index.entry(*c).or_insert(i);
                }
                None if !h.trim().is_empty() => unknown.push(h.clone()),
                None => {}
            }
        }
        let positions = columns.iter().map(|(c, _)| index.get(c).copied()).collect();
        Self { index, positions, unknown, headers: headers.to_vec() }
    }

    /// Map with canonical names only (for the simpler kinds: parks, projects …).
    pub fn canonical(headers: &[String], names: &[&'static str]) -> Self {
        let cols: Vec<(&'static str, &[&str])> = names.iter().map(|n| (*n, &[][..])).collect();
        Self::new(headers, &cols)
    }

    pub fn has(&self, field: &str) -> bool {
        self.index.contains_key(field)
    }

    /// The trimmed cell for `field`, empty when the column is absent or the row is short.
    pub fn get<'a>(&self, cells: &'a Cells, field: &str) -> &'a str {
        self.index.get(field).and_then(|&i| cells.get(i)).map(trim_cell).unwrap_or("")
    }

    /// The trimmed cells of all `N` columns the map was built from, in that list's order (see [`ent`] for
    /// [`ENTERPRISE_COLUMNS`]): one pass per row instead of a look-up per field. A column absent from the file,
    /// or beyond the end of a short row, gives "".
    pub fn fields<'a, const N: usize>(&self, cells: &'a Cells) -> [&'a str; N] {
        debug_assert_eq!(self.positions.len(), N, "HeaderMap::fields called with the wrong column count");
        let mut out = [""; N];
        for (o, p) in out.iter_mut().zip(&self.positions) {
            if let Some(v) = p.and_then(|i| cells.get(i)) {
                *o = trim_cell(v);
            }
        }
        out
    }

    /// Whether the row has fewer cells than the header (a truncated line).
    pub fn is_short(&self, cells: &Cells) -> bool {
        cells.len() < self.headers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_aliases_map_to_canonical_fields() {
        let headers: Vec<String> = ["企业名称", "统一社会信用代码", "注册资本（万元）", "所属区县", "经度", "纬度", "参保人数", "Whatever"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let m = HeaderMap::new(&headers, ENTERPRISE_COLUMNS);
        let row = Cells::from(vec!["徐工", "X", "5000", "铜山区", "117.2", "34.2", "12", "?"]);
        assert_eq!(m.get(&row, "name"), "徐工");
        assert_eq!(m.get(&row, "registered_capital"), "5000");
        assert_eq!(m.get(&row, "district"), "铜山区");
        assert_eq!(m.get(&row, "lon"), "117.2");
        assert_eq!(m.get(&row, "employees"), "12");
        assert_eq!(m.unknown, vec!["Whatever".to_string()]);
        let f: [&str; ent::COUNT] = m.fields(&row);
        assert_eq!((f[ent::NAME], f[ent::REGISTERED_CAPITAL], f[ent::LON], f[ent::SCOPE]), ("徐工", "5000", "117.2", ""));
    }

    #[test]
    fn column_constants_follow_the_column_list() {
        let consts = [
            ent::NAME,
            ent::NAME_EN,
            ent::USCC,
            ent::LEI,
            ent::EXT_ID,
            ent::LEGAL_REP,
            ent::PHONE,
            ent::ADDRESS,
            ent::COUNTRY,
            ent::PROVINCE,
            ent::CITY,
            ent::DISTRICT,
            ent::REGION_CODE,
            ent::LAT,
            ent::LON,
            ent::INDUSTRY_CODE,
            ent::INDUSTRY_VERSION,
            ent::SCOPE,
            ent::PRODUCTS,
            ent::FOUNDED,
            ent::REGISTERED_CAPITAL,
            ent::REVENUE,
            ent::EMPLOYEES,
            ent::CHAIN_LEADER,
            ent::LISTED,
            ent::SRDI,
            ent::HIGH_TECH,
            ent::PARENT,
            ent::NODES,
            ent::SERIES,
            ent::SUPPLIERS,
            ent::CUSTOMERS,
            ent::SOURCE,
            ent::AS_OF,
            ent::SYNTHETIC,
        ];
        assert_eq!(ENTERPRISE_COLUMNS.len(), ent::COUNT);
        assert_eq!(consts.to_vec(), (0..ent::COUNT).collect::<Vec<_>>());
        let names = "name name_en uscc lei ext_id legal_rep phone address country province city district region_code lat lon \
                     industry_code industry_version scope products founded registered_capital revenue employees chain_leader listed srdi \
                     high_tech parent nodes series suppliers customers source as_of synthetic";
        let expected: Vec<&str> = names.split_whitespace().collect();
        assert_eq!(ENTERPRISE_COLUMNS.iter().map(|(c, _)| *c).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn trim_cell_matches_trim() {
        for s in ["", " ", "a", " a ", "\tx\r", "徐工 ", "\u{3000}徐工\u{3000}", "a\u{a0}", "\u{85}b", "ab", "=1", "\u{1f}x"] {
            assert_eq!(trim_cell(s), s.trim(), "{s:?}");
        }
    }
}
