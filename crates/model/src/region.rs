//! Regions: GB/T 2260 divisions of China (with validity dates), ISO 3166-1 countries, and zones (开发区, 高新区,
//! 港务区) that are not GB/T 2260 units but own projects and targets like a county does (板块).

use crate::error::ValidationError;
use chrono::NaiveDate;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Country,
    Province,
    Prefecture,
    County,
    /// A development zone acting as a 板块.
    Zone,
    /// 市辖区 and similar statistical aggregates: valid codes, never drawn.
    Aggregate,
}

impl RegionLevel {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "country" => Self::Country,
            "province" => Self::Province,
            "prefecture" => Self::Prefecture,
            "county" => Self::County,
            "zone" | "functional" => Self::Zone,
            "aggregate" => Self::Aggregate,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Country => "country",
            Self::Province => "province",
            Self::Prefecture => "prefecture",
            Self::County => "county",
            Self::Zone => "zone",
            Self::Aggregate => "aggregate",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub level: RegionLevel,
    pub parent: Option<String>,
    /// ISO 3166-1 alpha-2 of the country the region lies in.
    pub country: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// Code that replaced a retired one (320323 铜山县 → 320312 铜山区).
    pub successor: Option<String>,
    /// For zones: the GB/T 2260 counties it lies in.
    pub counties: Vec<String>,
    /// For zones: lead cluster ids.
    pub lead_clusters: Vec<String>,
    /// Zone level (national, provincial, city, county) when known.
    pub zone_level: Option<String>,
}

impl Region {
    /// A region with only its identity set; other fields default to unknown.
    pub fn new(code: &str, name_zh: &str, level: RegionLevel, parent: Option<&str>, country: &str) -> Self {
        Self {
            code: code.into(),
            name_zh: name_zh.into(),
            name_en: String::new(),
            level,
            parent: parent.map(Into::into),
            country: country.into(),
            lat: None,
            lon: None,
            valid_from: None,
            valid_to: None,
            successor: None,
            counties: vec![],
            lead_clusters: vec![],
            zone_level: None,
        }
    }

    pub fn is_current(&self, on: NaiveDate) -> bool {
        self.valid_from.is_none_or(|d| d <= on) && self.valid_to.is_none_or(|d| on <= d)
    }
    pub fn centroid(&self) -> Option<(f64, f64)> {
        Some((self.lat?, self.lon?))
    }
}

/// Shape of a region code, checked before any look-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionCodeKind {
    /// Six digits (GB/T 2260 or a statistical functional code such as 320371).
    Division,
    /// ISO 3166-1 alpha-2.
    Country,
    /// `Z` + six digits of the host county + two letters.
    Zone,
}

pub fn region_code_kind(code: &str) -> Result<RegionCodeKind, ValidationError> {
    let b = code.as_bytes();
    if b.len() == 6 && b.iter().all(u8::is_ascii_digit) {
        return Ok(RegionCodeKind::Division);
    }
    if b.len() == 2 && b.iter().all(u8::is_ascii_uppercase) {
        return Ok(RegionCodeKind::Country);
    }
    if b.len() == 9 && b[0] == b'Z' && b[1..7].iter().all(u8::is_ascii_digit) && b[7..].iter().all(u8::is_ascii_uppercase) {
        return Ok(RegionCodeKind::Zone);
    }
    Err(ValidationError::RegionFormat(code.to_string()))
}

/// All known regions, with look-ups by code and by name.
#[derive(Debug, Clone, Default)]
pub struct RegionRegistry {
    regions: Vec<Region>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
}

/// Strip administrative suffixes so that "徐州市" and "徐州" match.
fn name_key(name: &str) -> &str {
    let n = name.trim();
    for suffix in ["特别行政区", "自治区", "自治州", "地区", "省", "市", "区", "县", "盟", "旗"] {
        if let Some(stem) = n.strip_suffix(suffix) {
            if stem.chars().count() >= 2 {
                return stem;
            }
        }
    }
    n
}

/// Whether `str::to_lowercase` would change `s`.
fn lowers(s: &str) -> bool {
    if s.is_ascii() {
        return s.bytes().any(|b| b.is_ascii_uppercase());
    }
    s.chars().any(|c| {
        let mut l = c.to_lowercase();
        !(l.next() == Some(c) && l.next().is_none())
    })
}

impl RegionRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add or replace a region (a later entry with the same code wins).
    pub fn insert(&mut self, region: Region) {
        if let Some(&i) = self.by_code.get(&region.code) {
            self.regions[i] = region;
            self.rebuild_names();
            return;
        }
        let i = self.regions.len();
        self.by_code.insert(region.code.clone(), i);
        for key in [name_key(&region.name_zh).to_string(), region.name_zh.clone(), region.name_en.to_lowercase()] {
            if !key.is_empty() {
                let v = self.by_name.entry(key).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
        self.regions.push(region);
    }

    fn rebuild_names(&mut self) {
        self.by_name.clear();
        for (i, r) in self.regions.iter().enumerate() {
            for key in [name_key(&r.name_zh).to_string(), r.name_zh.clone(), r.name_en.to_lowercase()] {
                if !key.is_empty() {
                    let v = self.by_name.entry(key).or_default();
                    if !v.contains(&i) {
                        v.push(i);
                    }
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.regions.len()
    }
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter()
    }
    pub fn get(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code).map(|&i| &self.regions[i])
    }

    /// Validate a code: well formed and known.
    pub fn check(&self, code: &str) -> Result<&Region, ValidationError> {
        region_code_kind(code)?;
        self.get(code).ok_or_else(|| ValidationError::UnknownRegion(code.to_string()))
    }

    /// Walk up the parents (a retired code is first replaced by its successor's parent chain).
    pub fn ancestors<'a>(&'a self, code: &str) -> impl Iterator<Item = &'a Region> + 'a {
        let mut next = self.get(code);
        let mut guard = 0;
        std::iter::from_fn(move || {
            let cur = next?;
            guard += 1;
            if guard > 8 {
                return None;
            }
            next = cur.parent.as_deref().and_then(|p| self.get(p));
            Some(cur)
        })
    }

    /// True if `code` is `ancestor` or lies under it. Zones count as inside their host counties' prefecture.
    pub fn is_within(&self, code: &str, ancestor: &str) -> bool {
        self.ancestors(code).any(|r| r.code == ancestor)
    }

    /// The ancestor at a given level (the region itself if it is at that level).
    pub fn at_level(&self, code: &str, level: RegionLevel) -> Option<&Region> {
        self.ancestors(code).find(|r| r.level == level)
    }

    /// Centroid of the region, or of its nearest ancestor that has one.
    pub fn centroid(&self, code: &str) -> Option<(f64, f64)> {
        self.ancestors(code).find_map(Region::centroid)
    }

    /// Resolve free-text province / city / district names (as found in enterprise-data exports) to the most
    /// specific code, each level constrained by the one above it.
    pub fn resolve_names(&self, province: &str, city: &str, district: &str) -> Option<&Region> {
        let mut scope: Option<&Region> = None;
        for name in [province, city, district] {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            // An unchanged lower-case form would repeat the first look-up.
            let candidates = self.by_name.get(name).or_else(|| self.by_name.get(name_key(name))).or_else(|| {
                if lowers(name) {
                    self.by_name.get(&name.to_lowercase())
                } else {
                    None
                }
            });
            let Some(candidates) = candidates else { continue };
            let pick = candidates
                .iter()
                .map(|&i| &self.regions[i])
                .filter(|r| scope.is_none_or(|s| self.is_within(&r.code, &s.code)))
                .min_by_key(|r| (r.valid_to.is_some(), r.level == RegionLevel::Aggregate));
            if let Some(p) = pick {
                scope = Some(p);
            }
        }
        scope
    }

    /// The code in force today for a possibly retired code (320323 铜山县 → 320312 铜山区), following successors.
    pub fn current_code<'a>(&'a self, code: &'a str) -> &'a str {
        let mut cur = code;
        for _ in 0..8 {
            match self.get(cur).and_then(|r| r.successor.as_deref()) {
                Some(next) if next != cur => cur = next,
                _ => break,
            }
        }
        cur
    }

    /// Country code of a region (a zone or division inherits its country).
    pub fn country_of(&self, code: &str) -> Option<&str> {
        self.get(code).map(|r| r.country.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(code: &str, name: &str, level: RegionLevel, parent: Option<&str>) -> Region {
        Region::new(code, name, level, parent, "CN")
    }

    #[test]
    fn resolves_names_top_down() {
        let mut reg = RegionRegistry::new();
        reg.insert(r("CN", "中国", RegionLevel::Country, None));
        reg.insert(r("320000", "江苏省", RegionLevel::Province, Some("CN")));
        reg.insert(r("320300", "徐州市", RegionLevel::Prefecture, Some("320000")));
        reg.insert(r("320302", "鼓楼区", RegionLevel::County, Some("320300")));
        reg.insert(r("350000", "福建省", RegionLevel::Province, Some("CN")));
        reg.insert(r("350100", "福州市", RegionLevel::Prefecture, Some("350000")));
        reg.insert(r("350102", "鼓楼区", RegionLevel::County, Some("350100")));
        assert_eq!(reg.resolve_names("江苏省", "徐州市", "鼓楼区").map(|r| r.code.as_str()), Some("320302"));
        assert_eq!(reg.resolve_names("福建", "福州", "鼓楼区").map(|r| r.code.as_str()), Some("350102"));
        assert_eq!(reg.resolve_names("", "徐州", "").map(|r| r.code.as_str()), Some("320300"));
        assert!(reg.is_within("320302", "320000"));
        assert!(!reg.is_within("350102", "320000"));
    }

    #[test]
    fn code_shapes() {
        assert_eq!(region_code_kind("320312"), Ok(RegionCodeKind::Division));
        assert_eq!(region_code_kind("DE"), Ok(RegionCodeKind::Country));
        assert_eq!(region_code_kind("Z320312GX"), Ok(RegionCodeKind::Zone));
        assert!(region_code_kind("32031").is_err());
    }
}
