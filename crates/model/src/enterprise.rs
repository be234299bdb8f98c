//! Enterprises: identity, location, chain-node memberships, size, flags, series, relations and provenance.

use crate::taxonomy::{ClassVersion, Membership};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How trustworthy an enterprise's coordinates are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoordPrecision {
    /// Given in the source (geocoded address or surveyed point).
    Exact,
    /// Placed at its region's centroid because the source had none.
    RegionCentroid,
    /// No coordinates and no region centroid.
    None,
}

impl CoordPrecision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::RegionCentroid => "region_centroid",
            Self::None => "none",
        }
    }
    pub fn parse(s: &str) -> Self {
        match s {
            "exact" => Self::Exact,
            "region_centroid" => Self::RegionCentroid,
            _ => Self::None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flags {
    pub chain_leader: bool,
    pub listed: bool,
    /// 专精特新 (specialised, refined, distinctive, innovative SME).
    pub srdi: bool,
    pub high_tech: bool,
    /// Located in the dataset's home city.
    pub local: bool,
}

impl Flags {
    pub fn bits(self) -> u8 {
        self.chain_leader as u8 | (self.listed as u8) << 1 | (self.srdi as u8) << 2 | (self.high_tech as u8) << 3 | (self.local as u8) << 4
    }
    pub fn from_bits(b: u8) -> Self {
        Self { chain_leader: b & 1 != 0, listed: b & 2 != 0, srdi: b & 4 != 0, high_tech: b & 8 != 0, local: b & 16 != 0 }
    }
}

/// One year's figures (money in 万元).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct YearFigure {
    pub year: i32,
    pub revenue: Option<f64>,
    pub employees: Option<u32>,
}

/// Yearly growth rate (CAGR) of revenue over the last three reported years up to `until` (inclusive), else of
/// employees; `None` without two usable years.
pub fn growth(series: &[YearFigure], until: Option<i32>) -> Option<f64> {
    let within = |y: i32| until.is_none_or(|u| y <= u);
    let pick = |get: &dyn Fn(&YearFigure) -> Option<f64>| -> Option<f64> {
        let mut pts: Vec<(i32, f64)> =
            series.iter().filter(|f| within(f.year)).filter_map(|f| get(f).filter(|v| *v > 0.0).map(|v| (f.year, v))).collect();
        pts.sort_by_key(|p| p.0);
        let last = *pts.last()?;
        let first = pts[pts.len().saturating_sub(3)];
        let years = (last.0 - first.0) as f64;
        (years > 0.0).then(|| (last.1 / first.1).powf(1.0 / years) - 1.0)
    };
    pick(&|f| f.revenue).or_else(|| pick(&|f| f.employees.map(f64::from)))
}

/// Where a record came from and how fresh it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub source: String,
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enterprise {
    /// Natural key: `uscc:…`, `lei:…`, `ext:…` or, lacking all, `name:…|region`.
    pub key: String,
    pub name: String,
    pub name_en: Option<String>,
    pub uscc: Option<String>,
    /// False when the USCC's embedded organisation code fails GB 11714 (flagged, not rejected).
    pub uscc_org_ok: bool,
    pub lei: Option<String>,
    pub ext_id: Option<String>,
    /// Personal data: never shown to anonymous users.
    pub legal_rep: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub country: String,
    pub region_code: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub coord_precision: CoordPrecision,
    /// Fine H3 cell (resolution 12) of the coordinates.
    pub h3: Option<u64>,
    pub industry_code: Option<String>,
    pub industry_version: ClassVersion,
    pub scope: Option<String>,
    pub products: Option<String>,
    pub founded: Option<NaiveDate>,
    /// 万元.
    pub registered_capital: Option<f64>,
    /// 万元, latest year.
    pub revenue: Option<f64>,
    pub employees: Option<u32>,
    pub flags: Flags,
    /// Natural key of the parent group.
    pub parent: Option<String>,
    pub memberships: Vec<Membership>,
    pub series: Vec<YearFigure>,
    pub suppliers: Vec<String>,
    pub customers: Vec<String>,
    pub provenance: Provenance,
    pub synthetic: bool,
}

/// Resolution at which an enterprise's cell is stored; coarser cells are its parents.
pub const FINE_H3_RESOLUTION: u8 = 12;

impl Enterprise {
    /// An enterprise with only its key and name; every other field unknown (country CN).
    pub fn new(key: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            name: name.into(),
            name_en: None,
            uscc: None,
            uscc_org_ok: true,
            lei: None,
            ext_id: None,
            legal_rep: None,
            phone: None,
            address: None,
            country: "CN".into(),
            region_code: None,
            lat: None,
            lon: None,
            coord_precision: CoordPrecision::None,
            h3: None,
            industry_code: None,
            industry_version: ClassVersion::V2017,
            scope: None,
            products: None,
            founded: None,
            registered_capital: None,
            revenue: None,
            employees: None,
            flags: Flags::default(),
            parent: None,
            memberships: Vec::new(),
            series: Vec::new(),
            suppliers: Vec::new(),
            customers: Vec::new(),
            provenance: Provenance::default(),
            synthetic: false,
        }
    }

    /// Build the natural key from the strongest identifier available.
    pub fn natural_key(uscc: Option<&str>, lei: Option<&str>, ext_id: Option<&str>, name: &str, region: Option<&str>) -> String {
        let cat = |parts: &[&str]| {
            let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
            parts.iter().for_each(|p| s.push_str(p));
            s
        };
        if let Some(u) = uscc {
            cat(&["uscc:", u])
        } else if let Some(l) = lei {
            cat(&["lei:", l])
        } else if let Some(e) = ext_id {
            cat(&["ext:", e])
        } else {
            cat(&["name:", name.trim(), "|", region.unwrap_or("")])
        }
    }

    /// Fingerprint of everything an import can change, stored beside each row to tell "updated" from
    /// "unchanged" on the next import. Stored values depend on it: change it only with a migration.
    pub fn fingerprint(&self) -> i64 {
        use std::hash::{Hash, Hasher};
        let e = self;
        let mut h = rustc_hash::FxHasher::default();
        let f = |h: &mut rustc_hash::FxHasher, v: Option<f64>| v.map(f64::to_bits).hash(h);
        (&e.key, &e.name, &e.name_en, &e.uscc, &e.lei, &e.ext_id, &e.legal_rep, &e.phone, &e.address).hash(&mut h);
        (&e.country, &e.region_code, e.coord_precision.as_str(), e.h3, &e.industry_code, e.industry_version.as_str()).hash(&mut h);
        (&e.scope, &e.products, e.founded, e.employees, e.flags.bits(), &e.parent, &e.suppliers, &e.customers).hash(&mut h);
        (&e.provenance.source, e.provenance.as_of, e.synthetic, e.uscc_org_ok).hash(&mut h);
        for v in [e.lat, e.lon, e.registered_capital, e.revenue] {
            f(&mut h, v);
        }
        for m in &e.memberships {
            (&m.node, m.source.as_str(), m.confidence.to_bits()).hash(&mut h);
        }
        for y in &e.series {
            (y.year, y.employees).hash(&mut h);
            f(&mut h, y.revenue);
        }
        h.finish() as i64
    }

    /// Size band by employees, the usual small/medium/large split used in filters.
    pub fn size_band(&self) -> SizeBand {
        match self.employees {
            None => SizeBand::Unknown,
            Some(n) if n < 20 => SizeBand::Micro,
            Some(n) if n < 300 => SizeBand::Small,
            Some(n) if n < 1000 => SizeBand::Medium,
            Some(_) => SizeBand::Large,
        }
    }
}

/// An enterprise with its [`Enterprise::fingerprint`], so that the hashing can run on the threads that parse rows
/// rather than in the single thread that writes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprinted {
    enterprise: Enterprise,
    fingerprint: i64,
}

impl Fingerprinted {
    pub fn new(enterprise: Enterprise) -> Self {
        let fingerprint = enterprise.fingerprint();
        Self { enterprise, fingerprint }
    }
    pub fn enterprise(&self) -> &Enterprise {
        &self.enterprise
    }
    pub fn fingerprint(&self) -> i64 {
        self.fingerprint
    }
    pub fn into_inner(self) -> Enterprise {
        self.enterprise
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeBand {
    Unknown,
    Micro,
    Small,
    Medium,
    Large,
}
