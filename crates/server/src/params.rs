//! One parser for each query parameter that several endpoints share, so that a parameter means the same thing
//! everywhere and is refused with the same code everywhere.
//!
//! - a **region** is one code the registry knows: a GB/T 2260 code (a retired one stands for its successor), a
//!   zone code or an ISO 3166 country; a record is *in* a region when its own region is that region or lies inside
//!   it, so a prefecture takes in its counties and a zone its 板块 ([`inside`]);
//! - **tier, cluster, chain and node** ids name entries of the taxonomy;
//! - **dates** are `YYYY-MM-DD`, **months** `YYYY-MM`, **years** lie in a range the endpoint gives;
//! - **paging** is `limit` (1 to the endpoint's bound) and `offset`.

use crate::api::number;
use crate::error::{ApiError, Code};
use chainscope_model::{RegionRegistry, Taxonomy};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::ops::RangeInclusive;

type Query = HashMap<String, String>;

fn given<'a>(p: &'a Query, key: &str) -> Option<&'a str> {
    p.get(key).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// The region named by `key`, as the registry's current code; absent when the parameter is.
pub fn region(p: &Query, key: &str, regions: &RegionRegistry) -> Result<Option<String>, ApiError> {
    match given(p, key) {
        None => Ok(None),
        Some(r) if r.contains(',') => Err(Code::InvalidRegion.param(key, "只能给出一个地区代码 / give one region code")),
        Some(r) => known_region(key, r, regions).map(Some),
    }
}

/// One region code, checked against the registry and resolved to its current code.
pub fn known_region(key: &str, code: &str, regions: &RegionRegistry) -> Result<String, ApiError> {
    let current = regions.current_code(code);
    match regions.get(current) {
        Some(r) => Ok(r.code.clone()),
        None => Err(Code::UnknownRegion.param(key, format!("没有地区 '{code}' / no region '{code}'"))),
    }
}

/// Whether a record's region `code` lies in `area`: it is the area, or the area contains it.
pub fn inside(regions: &RegionRegistry, code: &str, area: &str) -> bool {
    code == area || regions.is_within(code, area)
}

/// Comma-separated taxonomy ids under `key`, each checked with `exists`.
fn ids(p: &Query, key: &str, code: Code, what: (&str, &str), exists: impl Fn(&str) -> bool) -> Result<Vec<String>, ApiError> {
    let list = crate::api::list(p, key);
    match list.iter().find(|id| !exists(id)) {
        Some(id) => Err(code.param(key, format!("没有{zh} '{id}' / no {en} '{id}'", zh = what.0, en = what.1))),
        None => Ok(list),
    }
}

/// Tier ids (`tier`).
pub fn tiers(p: &Query, tax: &Taxonomy) -> Result<Vec<String>, ApiError> {
    ids(p, "tier", Code::UnknownTier, ("层级", "tier"), |id| tax.tier(id).is_some())
}

/// Cluster ids (`cluster`).
pub fn clusters(p: &Query, tax: &Taxonomy) -> Result<Vec<String>, ApiError> {
    ids(p, "cluster", Code::UnknownCluster, ("集群", "cluster"), |id| tax.cluster(id).is_some())
}

/// Chain ids (`chain`).
pub fn chains(p: &Query, tax: &Taxonomy) -> Result<Vec<String>, ApiError> {
    ids(p, "chain", Code::UnknownChain, ("产业链", "chain"), |id| tax.chain(id).is_some())
}

/// Node ids (`node`).
pub fn nodes(p: &Query, tax: &Taxonomy) -> Result<Vec<String>, ApiError> {
    ids(p, "node", Code::UnknownNode, ("节点", "node"), |id| tax.node(id).is_some())
}

/// A day, `YYYY-MM-DD`.
pub fn date(p: &Query, key: &str) -> Result<Option<NaiveDate>, ApiError> {
    given(p, key).map(|v| parse_date(key, v)).transpose()
}

/// A day given as text in a body or a query (`YYYY-MM-DD`).
pub fn parse_date(key: &str, v: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| Code::InvalidDate.param(key, format!("'{v}' 不是日期（格式 YYYY-MM-DD） / '{v}' is not a date (YYYY-MM-DD)")))
}

/// A month, `YYYY-MM`, as its year and month number.
pub fn month(p: &Query, key: &str) -> Result<Option<(i32, u32)>, ApiError> {
    let Some(m) = given(p, key) else { return Ok(None) };
    let bad = || Code::InvalidMonth.param(key, format!("'{m}' 不是月份（格式 YYYY-MM） / '{m}' is not a month (YYYY-MM)"));
    let (y, mo) = m.split_once('-').ok_or_else(bad)?;
    let (y, mo): (i32, u32) = (y.parse().map_err(|_| bad())?, mo.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&mo) {
        return Err(bad());
    }
    if !PLAN_YEARS.contains(&y) {
        return Err(out_of_years(key, &PLAN_YEARS));
    }
    Ok(Some((y, mo)))
}

/// Any year at all, for filters that only select records of a year.
pub const ANY_YEAR: RangeInclusive<i32> = i32::MIN..=i32::MAX;

/// The years the pipeline's targets and dashboard accept.
pub const PLAN_YEARS: RangeInclusive<i32> = 1990..=2100;

/// A year within `range`.
pub fn year(p: &Query, key: &str, range: RangeInclusive<i32>) -> Result<Option<i32>, ApiError> {
    let y: Option<i32> = number(p, key)?;
    match y {
        Some(y) if !range.contains(&y) => Err(out_of_years(key, &range)),
        _ => Ok(y),
    }
}

/// The refusal of a year outside `range`.
pub fn out_of_years(key: &str, range: &RangeInclusive<i32>) -> ApiError {
    let (a, b) = (range.start(), range.end());
    Code::InvalidYear.param(key, format!("{key} 应在 {a}–{b} 之间 / {key} must be {a}–{b}"))
}

/// A page of a list: at most `limit` rows after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub limit: usize,
    pub offset: usize,
}

impl Paging {
    /// `limit` (default `default`, at most `max`) and `offset` (default 0).
    pub fn parse(p: &Query, default: usize, max: usize) -> Result<Self, ApiError> {
        Ok(Self { limit: limit(p, default, max)?, offset: number(p, "offset")?.unwrap_or(0) })
    }
}

/// `limit` alone, for lists without an offset: 1 to `max`, `default` when absent.
pub fn limit(p: &Query, default: usize, max: usize) -> Result<usize, ApiError> {
    let limit: usize = number(p, "limit")?.unwrap_or(default);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(Code::InvalidLimit.param("limit", format!("limit 应在 1 到 {max} 之间 / limit must be between 1 and {max}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chainscope_model::{Region, RegionLevel};

    fn q(pairs: &[(&str, &str)]) -> Query {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn registry() -> RegionRegistry {
        let mut reg = RegionRegistry::new();
        reg.insert(Region::new("CN", "中国", RegionLevel::Country, None, "CN"));
        reg.insert(Region::new("320000", "江苏省", RegionLevel::Province, Some("CN"), "CN"));
        reg.insert(Region::new("320300", "徐州市", RegionLevel::Prefecture, Some("320000"), "CN"));
        reg.insert(Region::new("320312", "铜山区", RegionLevel::County, Some("320300"), "CN"));
        reg
    }

    #[test]
    fn a_region_is_one_known_code() {
        let reg = registry();
        assert_eq!(region(&q(&[]), "region", &reg).ok().flatten(), None);
        assert_eq!(region(&q(&[("region", " 320300 ")]), "region", &reg).ok().flatten().as_deref(), Some("320300"));
        assert_eq!(region(&q(&[("region", "CN")]), "region", &reg).ok().flatten().as_deref(), Some("CN"));
        let e = region(&q(&[("region", "999999")]), "region", &reg).expect_err("unknown");
        assert_eq!((e.code, e.parameter.as_deref()), (Code::UnknownRegion, Some("region")));
        let e = region(&q(&[("region", "320300,320312")]), "region", &reg).expect_err("two");
        assert_eq!(e.code, Code::InvalidRegion);
        assert!(inside(&reg, "320312", "320300") && inside(&reg, "320312", "320312") && !inside(&reg, "320300", "320312"));
    }

    #[test]
    fn dates_months_years_and_pages() {
        assert_eq!(date(&q(&[("d", "2026-02-28")]), "d").ok().flatten(), NaiveDate::from_ymd_opt(2026, 2, 28));
        assert_eq!(date(&q(&[("d", "2026-02-30")]), "d").expect_err("no such day").code, Code::InvalidDate);
        assert_eq!(month(&q(&[("m", "2026-11")]), "m").ok().flatten(), Some((2026, 11)));
        assert_eq!(month(&q(&[("m", "2026-13")]), "m").expect_err("no such month").code, Code::InvalidMonth);
        assert_eq!(year(&q(&[("y", "1989")]), "y", 1990..=2100).expect_err("too early").code, Code::InvalidYear);
        assert_eq!(Paging::parse(&q(&[("offset", "5")]), 50, 500).ok(), Some(Paging { limit: 50, offset: 5 }));
        assert_eq!(Paging::parse(&q(&[("limit", "501")]), 50, 500).expect_err("too many").code, Code::InvalidLimit);
        assert_eq!(Paging::parse(&q(&[("limit", "0")]), 50, 500).expect_err("none").code, Code::InvalidLimit);
    }
}
