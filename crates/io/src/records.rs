//! Rows of the smaller kinds: parks and carriers, logistics hubs, zones, projects, events, targets.

use crate::enterprise_row::split_list;
use crate::error::RowIssue;
use crate::headers::HeaderMap;
use chainscope_model::project::parse_stage_history;
use chainscope_model::values::{check_coordinates, parse_date, parse_flag, parse_non_negative, parse_number};
use chainscope_model::{
    Channel, Event, Hub, Park, ParkKind, Project, Provenance, Region, RegionLevel, RegionRegistry, Stage, Target, TargetScope, Taxonomy,
    ValidationError,
};

pub const PARK_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "name_zh",
    "name_en",
    "park_id",
    "level",
    "region_code",
    "address",
    "lat",
    "lon",
    "lead_clusters",
    "land_area_ha",
    "land_available_ha",
    "floor_area_m2",
    "floor_available_m2",
    "price_land_yuan_m2",
    "rent_yuan_m2_month",
    "price_sale_yuan_m2",
    "floor_load_kn_m2",
    "clear_height_m",
    "specs",
    "contact_name",
    "contact_phone",
    "source",
    "as_of",
    "synthetic",
];
pub const HUB_COLUMNS: &[&str] = &["id", "kind", "name_zh", "name_en", "lat", "lon", "region_code", "note", "source"];
pub const REGION_COLUMNS: &[&str] = &[
    "code",
    "kind",
    "parent",
    "name_zh",
    "name_en",
    "level",
    "lat",
    "lon",
    "valid_from",
    "valid_to",
    "counties",
    "lead_industries",
    "successor",
    "source",
    "note",
];
pub const PROJECT_COLUMNS: &[&str] = &[
    "id",
    "name",
    "investor",
    "investor_id",
    "cluster",
    "node",
    "other_category",
    "region_code",
    "park_id",
    "amount",
    "amount_paid",
    "jobs",
    "channel",
    "stage",
    "stage_history",
    "event_id",
    "officer",
    "signed_on",
    "start_deadline",
    "source",
    "synthetic",
];
pub const EVENT_COLUMNS: &[&str] =
    &["id", "name_zh", "name_en", "kind", "date", "city", "theme", "organiser", "regions", "source", "synthetic"];
pub const TARGET_COLUMNS: &[&str] = &["year", "scope", "key", "metric", "value"];

/// Collects field errors of one row.
pub struct RowCheck<'a> {
    pub line: u64,
    pub map: &'a HeaderMap,
    pub cells: &'a crate::table::Cells,
    pub errors: Vec<RowIssue>,
}

impl<'a> RowCheck<'a> {
    pub fn new(line: u64, map: &'a HeaderMap, cells: &'a crate::table::Cells) -> Self {
        let mut c = Self { line, map, cells, errors: Vec::new() };
        if map.is_short(cells) {
            c.fail("", ValidationError::ShortRow { found: cells.len(), expected: map.headers.len() });
        }
        c
    }
    pub fn fail(&mut self, field: &str, e: ValidationError) {
        self.errors.push(RowIssue::new(self.line, field, e.code(), e.to_string()));
    }
    pub fn get(&self, f: &str) -> &'a str {
        self.map.get(self.cells, f)
    }
    pub fn opt(&self, f: &str) -> Option<String> {
        let v = self.get(f);
        (!v.is_empty()).then(|| v.to_string())
    }
    pub fn required(&mut self, f: &str) -> String {
        let v = self.get(f);
        if v.is_empty() {
            self.fail(f, ValidationError::Missing);
        }
        v.to_string()
    }
    pub fn num(&mut self, f: &str) -> Option<f64> {
        let v = self.get(f);
        if v.is_empty() {
            return None;
        }
        parse_non_negative(v).map_err(|e| self.fail(f, e)).ok()
    }
    pub fn date(&mut self, f: &str) -> Option<chrono::NaiveDate> {
        let v = self.get(f);
        if v.is_empty() {
            return None;
        }
        parse_date(v).map_err(|e| self.fail(f, e)).ok()
    }
    pub fn flag(&mut self, f: &str) -> bool {
        parse_flag(self.get(f)).map_err(|e| self.fail(f, e)).unwrap_or(false)
    }
    pub fn coords(&mut self) -> (Option<f64>, Option<f64>) {
        let (la, lo) = (self.get("lat"), self.get("lon"));
        if la.is_empty() && lo.is_empty() {
            return (None, None);
        }
        match (parse_number(la), parse_number(lo)) {
            (Ok(a), Ok(b)) => match check_coordinates(a, b) {
                Ok(()) => (Some(a), Some(b)),
                Err(e @ ValidationError::Latitude(_)) => {
                    self.fail("lat", e);
                    (None, None)
                }
                Err(e) => {
                    self.fail("lon", e);
                    (None, None)
                }
            },
            (Err(e), _) => {
                self.fail("lat", e);
                (None, None)
            }
            (_, Err(e)) => {
                self.fail("lon", e);
                (None, None)
            }
        }
    }
    pub fn region(&mut self, f: &str, regions: &RegionRegistry) -> Option<String> {
        let v = self.get(f);
        if v.is_empty() {
            return None;
        }
        match regions.check(v) {
            Ok(r) => Some(r.code.clone()),
            Err(e) => {
                self.fail(f, e);
                None
            }
        }
    }
    pub fn clusters(&mut self, f: &str, taxonomy: &Taxonomy) -> Vec<String> {
        let mut out = Vec::new();
        for c in split_list(self.get(f)) {
            if taxonomy.cluster(c).is_none() {
                self.fail(f, ValidationError::UnknownValue(c.to_string()));
            } else {
                out.push(c.to_string());
            }
        }
        out
    }
    pub fn finish<T>(self, v: T) -> Result<T, Vec<RowIssue>> {
        if self.errors.is_empty() {
            Ok(v)
        } else {
            Err(self.errors)
        }
    }
}

pub fn park_from_row(c: &mut RowCheck<'_>, regions: &RegionRegistry, taxonomy: &Taxonomy) -> Option<Park> {
    let id = c.required("id");
    let kind = ParkKind::parse(c.get("kind")).map_err(|e| c.fail("kind", e)).ok();
    let name_zh = c.required("name_zh");
    let (lat, lon) = c.coords();
    let park = Park {
        id,
        kind: kind.unwrap_or(ParkKind::Park),
        name_zh,
        name_en: c.opt("name_en"),
        park_id: c.opt("park_id"),
        level: c.opt("level"),
        region_code: c.region("region_code", regions),
        address: c.opt("address"),
        lat,
        lon,
        boundary: None,
        lead_clusters: c.clusters("lead_clusters", taxonomy),
        land_area_ha: c.num("land_area_ha"),
        land_available_ha: c.num("land_available_ha"),
        floor_area_m2: c.num("floor_area_m2"),
        floor_available_m2: c.num("floor_available_m2"),
        price_land_yuan_m2: c.num("price_land_yuan_m2"),
        rent_yuan_m2_month: c.num("rent_yuan_m2_month"),
        price_sale_yuan_m2: c.num("price_sale_yuan_m2"),
        floor_load_kn_m2: c.num("floor_load_kn_m2"),
        clear_height_m: c.num("clear_height_m"),
        specs: c.opt("specs"),
        contact_name: c.opt("contact_name"),
        contact_phone: c.opt("contact_phone"),
        provenance: Provenance { source: c.get("source").to_string(), as_of: c.date("as_of") },
        synthetic: c.flag("synthetic"),
    };
    if let (Some(a), Some(av)) = (park.land_area_ha, park.land_available_ha) {
        if av > a {
            c.fail(
                "land_available_ha",
                ValidationError::Rule {
                    zh: format!("可用土地 {av} 公顷超过总面积 {a} 公顷"),
                    en: format!("{av} ha available exceeds the {a} ha total"),
                },
            );
        }
    }
    if let (Some(a), Some(av)) = (park.floor_area_m2, park.floor_available_m2) {
        if av > a {
            c.fail(
                "floor_available_m2",
                ValidationError::Rule {
                    zh: format!("可用面积 {av} m² 超过总面积 {a} m²"),
                    en: format!("{av} m² available exceeds the {a} m² total"),
                },
            );
        }
    }
    Some(park)
}

pub fn hub_from_row(c: &mut RowCheck<'_>, regions: &RegionRegistry) -> Option<Hub> {
    let id = c.required("id");
    let kind = c.required("kind");
    let name_zh = c.required("name_zh");
    let (lat, lon) = c.coords();
    if lat.is_none() && kind != "sea_rail" && c.get("lat").is_empty() {
        c.fail("lat", ValidationError::Missing);
    }
    Some(Hub {
        id,
        kind,
        name_zh,
        name_en: c.opt("name_en"),
        lat,
        lon,
        region_code: c.region("region_code", regions),
        note: c.opt("note"),
        source: c.opt("source"),
    })
}

/// A zone or division override from a dataset's regions.csv. Parents must already be known.
pub fn region_from_row(c: &mut RowCheck<'_>, regions: &RegionRegistry) -> Option<Region> {
    let code = c.required("code");
    if !code.is_empty() {
        if let Err(e) = chainscope_model::region::region_code_kind(&code) {
            c.fail("code", e);
        }
    }
    let kind = c.get("kind");
    let counties: Vec<String> = split_list(c.get("counties")).map(str::to_string).collect();
    for k in &counties {
        if regions.get(k).is_none() {
            c.fail("counties", ValidationError::UnknownRegion(k.clone()));
        }
    }
    let parent = c.opt("parent").or_else(|| {
        // A zone in one county hangs under it; one spanning several hangs under their common prefecture.
        match counties.as_slice() {
            [one] => Some(one.clone()),
            [first, ..] => regions.get(first).and_then(|r| r.parent.clone()),
            [] => None,
        }
    });
    if let Some(p) = &parent {
        if regions.get(p).is_none() {
            c.fail("parent", ValidationError::UnknownRegion(p.clone()));
        }
    }
    let (lat, lon) = c.coords();
    let level = if kind == "zone" { RegionLevel::Zone } else { RegionLevel::parse(c.get("level")).unwrap_or(RegionLevel::County) };
    Some(Region {
        code,
        name_zh: c.required("name_zh"),
        name_en: c.get("name_en").to_string(),
        level,
        parent,
        country: "CN".into(),
        lat,
        lon,
        valid_from: c.date("valid_from"),
        valid_to: c.date("valid_to"),
        successor: c.opt("successor"),
        counties,
        lead_clusters: split_list(c.get("lead_industries")).map(str::to_string).collect(),
        zone_level: if kind == "zone" { c.opt("level") } else { None },
    })
}

pub fn project_from_row(c: &mut RowCheck<'_>, regions: &RegionRegistry, taxonomy: &Taxonomy) -> Option<Project> {
    let id = c.required("id");
    let name = c.required("name");
    let region_code = c.region("region_code", regions);
    if region_code.is_none() && c.get("region_code").is_empty() {
        c.fail("region_code", ValidationError::Missing);
    }
    let cluster = c.opt("cluster");
    if let Some(cl) = &cluster {
        if taxonomy.cluster(cl).is_none() {
            c.fail("cluster", ValidationError::UnknownValue(cl.clone()));
        }
    }
    let node = c.opt("node");
    if let Some(n) = &node {
        if taxonomy.node(n).is_none() {
            c.fail("node", ValidationError::UnknownNode(n.clone()));
        }
    }
    let channel = Channel::parse(c.get("channel")).map_err(|e| c.fail("channel", e)).unwrap_or(Channel::Other);
    let history = parse_stage_history(c.get("stage_history")).map_err(|e| c.fail("stage_history", e)).unwrap_or_default();
    let stage = match c.get("stage") {
        "" => history.last().map(|h| h.stage).unwrap_or(Stage::Lead),
        s => Stage::parse(s).map_err(|e| c.fail("stage", e)).unwrap_or(Stage::Lead),
    };
    if let Some(last) = history.last() {
        if last.stage != stage {
            c.fail(
                "stage",
                ValidationError::Rule {
                    zh: format!("阶段 '{}' 与历史记录的最后一项 '{}' 不一致", stage.label_zh(), last.stage.label_zh()),
                    en: format!("stage '{}' differs from the last history entry '{}'", stage.as_str(), last.stage.as_str()),
                },
            );
        }
    }
    let amount = c.num("amount");
    let amount_paid = c.num("amount_paid");
    if let (Some(a), Some(p)) = (amount, amount_paid) {
        if p > a {
            c.fail(
                "amount_paid",
                ValidationError::Rule {
                    zh: format!("到位资金 {p} 超过协议投资额 {a}"), en: format!("paid-in {p} exceeds the agreed {a}")
                },
            );
        }
    }
    let jobs = c.num("jobs").map(|j| j.round() as u32);
    Some(Project {
        id,
        name,
        investor: c.opt("investor"),
        investor_id: c.opt("investor_id"),
        cluster,
        node,
        other_category: c.opt("other_category"),
        region_code: region_code.unwrap_or_default(),
        park_id: c.opt("park_id"),
        amount,
        amount_paid,
        jobs,
        channel,
        stage,
        history,
        event_id: c.opt("event_id"),
        officer: c.opt("officer"),
        provenance: Provenance { source: c.get("source").to_string(), as_of: None },
        synthetic: c.flag("synthetic"),
        version: 1,
        start_deadline: c.date("start_deadline"),
        checklist: Vec::new(),
        documents: Vec::new(),
        next_steps: Vec::new(),
    })
}

pub fn event_from_row(c: &mut RowCheck<'_>, regions: &RegionRegistry) -> Option<Event> {
    let id = c.required("id");
    let name_zh = c.required("name_zh");
    let date = c.date("date");
    if date.is_none() && c.get("date").is_empty() {
        c.fail("date", ValidationError::Missing);
    }
    let mut regs = Vec::new();
    for r in split_list(c.get("regions")) {
        if regions.get(r).is_none() {
            c.fail("regions", ValidationError::UnknownRegion(r.to_string()));
        } else {
            regs.push(r.to_string());
        }
    }
    Some(Event {
        id,
        name_zh,
        name_en: c.opt("name_en"),
        kind: c.get("kind").to_string(),
        date: date.unwrap_or_default(),
        city: c.opt("city"),
        theme: c.opt("theme"),
        organiser: c.opt("organiser"),
        regions: regs,
        provenance: Provenance { source: c.get("source").to_string(), as_of: None },
        synthetic: c.flag("synthetic"),
    })
}

pub fn target_from_row(c: &mut RowCheck<'_>) -> Option<Target> {
    let year = match c.get("year").parse::<i32>() {
        Ok(y) if (1990..=2100).contains(&y) => y,
        _ => {
            c.fail("year", ValidationError::Number(c.get("year").to_string()));
            0
        }
    };
    let scope = TargetScope::parse(c.get("scope")).map_err(|e| c.fail("scope", e)).unwrap_or(TargetScope::City);
    let key = c.required("key");
    let metric = c.required("metric");
    if !matches!(metric.as_str(), "projects" | "amount" | "") {
        c.fail("metric", ValidationError::UnknownValue(metric.clone()));
    }
    let value = c.num("value");
    if value.is_none() && c.get("value").is_empty() {
        c.fail("value", ValidationError::Missing);
    }
    Some(Target { year, scope, key, metric, value: value.unwrap_or(0.0) })
}
