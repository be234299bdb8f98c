//! One spreadsheet row → a validated, located and tagged [`Enterprise`], or the list of reasons it was rejected.

use crate::error::RowIssue;
use crate::headers::{ent, HeaderMap};
use chainscope_model::enterprise::{CoordPrecision, Enterprise, Flags, Provenance, YearFigure, FINE_H3_RESOLUTION};
use chainscope_model::taxonomy::{normalize_industry_code, ClassVersion, Membership, MembershipSource, TagInput, Taxonomy};
use chainscope_model::values::{
    check_coordinates, looks_like_formula, parse_date, parse_flag, parse_money_wan, parse_non_negative, parse_number,
};
use chainscope_model::{ids, RegionRegistry, ValidationError};
use std::borrow::Cow;

/// What a row is checked against.
pub struct EnterpriseContext<'a> {
    pub regions: &'a RegionRegistry,
    pub taxonomy: &'a Taxonomy,
    /// Enterprises under this region are local (the dataset's home city).
    pub home_region: &'a str,
}

/// Longest text accepted in a name-like field.
const MAX_NAME: usize = 300;
const MAX_TEXT: usize = 20_000;

/// Convert one row. Every problem in the row is reported, not only the first. Warnings (row accepted) are pushed
/// into `warnings`.
pub fn enterprise_from_row(
    ctx: &EnterpriseContext<'_>,
    map: &HeaderMap,
    cells: &crate::table::Cells,
    line: u64,
    warnings: &mut Vec<RowIssue>,
) -> Result<Enterprise, Vec<RowIssue>> {
    let mut errors: Vec<RowIssue> = Vec::new();
    let mut fail = |field: &str, e: ValidationError| errors.push(RowIssue::new(line, field, e.code(), e.to_string()));
    // Every cell of the row, trimmed, looked up once.
    let cols: [&str; ent::COUNT] = map.fields(cells);
    let get = |i: usize| cols[i];
    let opt = |i: usize| {
        let v = cols[i];
        (!v.is_empty()).then(|| v.to_string())
    };

    if map.is_short(cells) {
        fail("", ValidationError::ShortRow { found: cells.len(), expected: map.headers.len() });
    }

    let name = get(ent::NAME);
    if name.is_empty() {
        fail("name", ValidationError::Missing);
    } else if longer_than(name, MAX_NAME) {
        fail("name", ValidationError::TooLong(MAX_NAME));
    }
    for (f, i) in [
        ("name", ent::NAME),
        ("name_en", ent::NAME_EN),
        ("address", ent::ADDRESS),
        ("scope", ent::SCOPE),
        ("products", ent::PRODUCTS),
        ("legal_rep", ent::LEGAL_REP),
        ("parent", ent::PARENT),
        ("source", ent::SOURCE),
    ] {
        let v = get(i);
        if longer_than(v, MAX_TEXT) {
            fail(f, ValidationError::TooLong(MAX_TEXT));
        }
        if looks_like_formula(v) && parse_number(v).is_err() {
            warnings.push(RowIssue::new(
                line,
                f,
                "formula_text",
                "以 =、+、- 或 @ 开头的内容按文本保存，导出时会转义以免被当作公式 / \
                 text starting with =, +, - or @ is stored as text and neutralised on export",
            ));
        }
    }

    let mut uscc = None;
    let mut uscc_org_ok = true;
    if !get(ent::USCC).is_empty() {
        match ids::parse_uscc(get(ent::USCC)) {
            Ok(u) => {
                uscc_org_ok = u.org_code_ok;
                if !u.org_code_ok {
                    warnings.push(RowIssue::new(
                        line,
                        "uscc",
                        "uscc_org_check",
                        "统一社会信用代码内嵌的组织机构代码未通过 GB 11714 校验（旧代码？），已保留并标记 / \
                         the embedded organisation code fails its GB 11714 check (legacy code?): kept and flagged",
                    ));
                }
                uscc = Some(u.code);
            }
            Err(e) => fail("uscc", e),
        }
    }
    let mut lei = None;
    if !get(ent::LEI).is_empty() {
        match ids::parse_lei(get(ent::LEI)) {
            Ok(l) => lei = Some(l),
            Err(e) => fail("lei", e),
        }
    }
    let ext_id = opt(ent::EXT_ID);

    // Region: an explicit code must be known; otherwise resolve the names.
    let mut region_code: Option<&str> = None;
    let raw_country = get(ent::COUNTRY);
    let mut country: Cow<'_, str> = if raw_country.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(raw_country.to_ascii_uppercase())
    } else {
        Cow::Borrowed(raw_country)
    };
    let code = get(ent::REGION_CODE);
    let (province, city, district) = (get(ent::PROVINCE), get(ent::CITY), get(ent::DISTRICT));
    if !code.is_empty() {
        match ctx.regions.check(code) {
            Ok(r) => {
                region_code = Some(&r.code);
                country = Cow::Borrowed(&r.country);
            }
            Err(e) => fail("region_code", e),
        }
    } else if !(province.is_empty() && city.is_empty() && district.is_empty()) {
        match ctx.regions.resolve_names(province, city, district) {
            Some(r) => {
                region_code = Some(&r.code);
                country = Cow::Borrowed(&r.country);
            }
            None if country.is_empty() || country == "CN" => {
                warnings.push(RowIssue::new(
                    line,
                    "district",
                    "region_unresolved",
                    "省/市/区县名称未能匹配到已知地区 / province/city/district names did not match a known region",
                ));
            }
            None => {}
        }
    }
    if country.is_empty() {
        country = Cow::Borrowed("CN");
    } else if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        fail("country", ValidationError::RegionFormat(country.to_string()));
    }
    if region_code.is_none() && country != "CN" {
        if let Some(r) = ctx.regions.get(&country) {
            region_code = Some(&r.code);
        }
    }

    // Coordinates: both or neither; missing ones come from the region's centroid.
    let (lat_s, lon_s) = (get(ent::LAT), get(ent::LON));
    let mut coords = None;
    match (lat_s.is_empty(), lon_s.is_empty()) {
        (true, true) => {}
        (false, false) => match (parse_number(lat_s), parse_number(lon_s)) {
            (Ok(la), Ok(lo)) => match check_coordinates(la, lo) {
                Ok(()) => coords = Some((la, lo)),
                Err(e @ ValidationError::Latitude(_)) => fail("lat", e),
                Err(e) => fail("lon", e),
            },
            (Err(e), _) => fail("lat", e),
            (_, Err(e)) => fail("lon", e),
        },
        (true, false) => fail("lat", ValidationError::HalfCoordinate),
        (false, true) => fail("lon", ValidationError::HalfCoordinate),
    }
    let coord_precision;
    if coords.is_some() {
        coord_precision = CoordPrecision::Exact;
    } else if let Some(c) = region_code.and_then(|r| ctx.regions.centroid(r)) {
        coords = Some(c);
        coord_precision = CoordPrecision::RegionCentroid;
    } else {
        coord_precision = CoordPrecision::None;
    }
    let h3 = coords.and_then(|(la, lo)| {
        let ll = h3o::LatLng::new(la, lo).ok()?;
        let res = h3o::Resolution::try_from(FINE_H3_RESOLUTION).ok()?;
        Some(u64::from(ll.to_cell(res)))
    });

    // Industry code: "C3514", "3514 建筑工程用机械制造", or a class name with no code (used as keyword text).
    let mut industry_code = None;
    let mut industry_text = "";
    let raw_code = get(ent::INDUSTRY_CODE);
    if !raw_code.is_empty() {
        if raw_code.bytes().any(|b| b.is_ascii_digit()) {
            match normalize_industry_code(raw_code) {
                Ok(c) => industry_code = Some(c),
                Err(e) => fail("industry_code", e),
            }
        } else {
            industry_text = raw_code;
        }
    }
    let industry_version = match ClassVersion::parse(get(ent::INDUSTRY_VERSION)) {
        Ok(v) => v,
        Err(e) => {
            fail("industry_version", e);
            ClassVersion::V2017
        }
    };

    let date = |f: &str, i: usize, fail: &mut dyn FnMut(&str, ValidationError)| {
        let v = get(i);
        if v.is_empty() {
            return None;
        }
        parse_date(v).map_err(|e| fail(f, e)).ok()
    };
    let founded = date("founded", ent::FOUNDED, &mut fail);
    let as_of = date("as_of", ent::AS_OF, &mut fail);
    let money = |f: &str, i: usize, fail: &mut dyn FnMut(&str, ValidationError)| {
        let v = get(i);
        if v.is_empty() {
            return None;
        }
        parse_money_wan(v).map_err(|e| fail(f, e)).ok()
    };
    let registered_capital = money("registered_capital", ent::REGISTERED_CAPITAL, &mut fail);
    let revenue = money("revenue", ent::REVENUE, &mut fail);
    let employees = match get(ent::EMPLOYEES) {
        "" => None,
        v => match parse_non_negative(v) {
            Ok(n) if n <= u32::MAX as f64 => Some(n.round() as u32),
            Ok(n) => {
                fail("employees", ValidationError::Number(n.to_string()));
                None
            }
            Err(e) => {
                fail("employees", e);
                None
            }
        },
    };
    let flag = |f: &str, i: usize, fail: &mut dyn FnMut(&str, ValidationError)| parse_flag(get(i)).map_err(|e| fail(f, e)).unwrap_or(false);
    let mut flags = Flags {
        chain_leader: flag("chain_leader", ent::CHAIN_LEADER, &mut fail),
        listed: flag("listed", ent::LISTED, &mut fail),
        srdi: flag("srdi", ent::SRDI, &mut fail),
        high_tech: flag("high_tech", ent::HIGH_TECH, &mut fail),
        local: false,
    };
    let synthetic = flag("synthetic", ent::SYNTHETIC, &mut fail);
    flags.local = region_code.is_some_and(|r| ctx.regions.is_within(r, ctx.home_region));

    let series = match parse_series(get(ent::SERIES)) {
        Ok(s) => s,
        Err(e) => {
            fail("series", e);
            Vec::new()
        }
    };

    // Chain nodes: manual ones first, then the taxonomy's rules.
    let mut memberships: Vec<Membership> = Vec::new();
    for n in split_list(get(ent::NODES)) {
        if ctx.taxonomy.node(n).is_none() {
            fail("nodes", ValidationError::UnknownNode(n.to_string()));
        } else if !memberships.iter().any(|m| m.node == n) {
            memberships.push(Membership { node: n.to_string(), source: MembershipSource::Manual, confidence: 1.0 });
        }
    }
    let products = get(ent::PRODUCTS);
    let products_text;
    let products_for_tag = if industry_text.is_empty() {
        products
    } else {
        products_text = format!("{products} {industry_text}");
        products_text.as_str()
    };
    let manual = memberships.len();
    ctx.taxonomy.tag_into(
        &TagInput {
            name,
            products: products_for_tag,
            scope: get(ent::SCOPE),
            industry_code: industry_code.as_deref(),
            version: industry_version,
        },
        &mut |node, source, confidence| {
            if !memberships[..manual].iter().any(|x| x.node == node) {
                memberships.push(Membership { node: node.to_string(), source, confidence });
            }
        },
    );

    if !errors.is_empty() {
        return Err(errors);
    }
    let key = Enterprise::natural_key(uscc.as_deref(), lei.as_deref(), ext_id.as_deref(), name, region_code);
    let latest = series.iter().rev().find(|y| y.revenue.is_some() || y.employees.is_some());
    Ok(Enterprise {
        key,
        name: name.to_string(),
        name_en: opt(ent::NAME_EN),
        uscc,
        uscc_org_ok,
        lei,
        ext_id,
        legal_rep: opt(ent::LEGAL_REP),
        phone: opt(ent::PHONE),
        address: opt(ent::ADDRESS),
        country: country.into_owned(),
        region_code: region_code.map(str::to_string),
        lat: coords.map(|c| c.0),
        lon: coords.map(|c| c.1),
        coord_precision,
        h3,
        industry_code,
        industry_version,
        scope: opt(ent::SCOPE),
        products: opt(ent::PRODUCTS),
        founded,
        registered_capital,
        revenue: revenue.or_else(|| latest.and_then(|y| y.revenue)),
        employees: employees.or_else(|| latest.and_then(|y| y.employees)),
        flags,
        parent: opt(ent::PARENT),
        memberships,
        series,
        suppliers: split_list(get(ent::SUPPLIERS)).map(str::to_string).collect(),
        customers: split_list(get(ent::CUSTOMERS)).map(str::to_string).collect(),
        provenance: Provenance { source: get(ent::SOURCE).to_string(), as_of },
        synthetic,
    })
}

/// Whether `s` has more than `max` characters (counting only when its byte length allows it).
fn longer_than(s: &str, max: usize) -> bool {
    s.len() > max && s.chars().count() > max
}

/// Split a `;`-separated list (also accepts `；`, `|` and `、`).
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    ListSplit { rest: Some(s) }.map(str::trim).filter(|p| !p.is_empty())
}

/// The pieces of a list between separators: `;` and `|` (one byte), `；` (EF BC 9B) and `、` (E3 80 81), found by
/// bytes (UTF-8 never matches inside another character).
struct ListSplit<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for ListSplit<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let sep = match b[i] {
                b';' | b'|' => 1,
                0xEF if b.get(i + 1..i + 3) == Some(&[0xBC, 0x9B]) => 3,
                0xE3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x81]) => 3,
                _ => 0,
            };
            if sep > 0 {
                self.rest = Some(&s[i + sep..]);
                return Some(&s[..i]);
            }
            i += 1;
        }
        self.rest = None;
        Some(s)
    }
}

/// Parse `YEAR:revenue:employees;…`.
pub fn parse_series(s: &str) -> Result<Vec<YearFigure>, ValidationError> {
    let mut out = Vec::new();
    for part in split_list(s) {
        let mut it = part.split(':');
        let year: i32 = it.next().and_then(|y| y.trim().parse().ok()).ok_or_else(|| ValidationError::Malformed(part.to_string()))?;
        if !(1900..=2100).contains(&year) {
            return Err(ValidationError::Malformed(part.to_string()));
        }
        let revenue = match it.next().map(str::trim) {
            None | Some("") => None,
            Some(v) => Some(parse_non_negative(v)?),
        };
        let employees = match it.next().map(str::trim) {
            None | Some("") => None,
            Some(v) => Some(parse_non_negative(v)?.round() as u32),
        };
        if it.next().is_some() {
            return Err(ValidationError::Malformed(part.to_string()));
        }
        out.push(YearFigure { year, revenue, employees });
    }
    out.sort_by_key(|y| y.year);
    Ok(out)
}

/// Write a series back in its text form.
pub fn format_series(series: &[YearFigure]) -> String {
    let mut s = String::new();
    for (i, y) in series.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(&y.year.to_string());
        s.push(':');
        if let Some(r) = y.revenue {
            s.push_str(&trim_float(r));
        }
        s.push(':');
        if let Some(e) = y.employees {
            s.push_str(&e.to_string());
        }
    }
    s
}

/// Shortest decimal text of a float that reads back to the same value.
pub fn trim_float(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
