//! Development parks (开发园区) and carrier platforms (载体平台), logistics hubs.

use crate::enterprise::Provenance;
use crate::error::ValidationError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParkKind {
    Park,
    StandardFactory,
    Incubator,
    MakerSpace,
    Accelerator,
    Office,
}

impl ParkKind {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "park" | "园区" | "开发园区" => Self::Park,
            "standard_factory" | "标准厂房" => Self::StandardFactory,
            "incubator" | "孵化器" => Self::Incubator,
            "maker_space" | "众创空间" => Self::MakerSpace,
            "accelerator" | "加速器" => Self::Accelerator,
            "office" | "写字楼" => Self::Office,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Park => "park",
            Self::StandardFactory => "standard_factory",
            Self::Incubator => "incubator",
            Self::MakerSpace => "maker_space",
            Self::Accelerator => "accelerator",
            Self::Office => "office",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Park => "开发园区",
            Self::StandardFactory => "标准厂房",
            Self::Incubator => "孵化器",
            Self::MakerSpace => "众创空间",
            Self::Accelerator => "加速器",
            Self::Office => "写字楼",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Park => "development park",
            Self::StandardFactory => "standard factory",
            Self::Incubator => "incubator",
            Self::MakerSpace => "maker space",
            Self::Accelerator => "accelerator",
            Self::Office => "office building",
        }
    }
    pub fn is_carrier(self) -> bool {
        self != Self::Park
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Park {
    pub id: String,
    pub kind: ParkKind,
    pub name_zh: String,
    pub name_en: Option<String>,
    /// The park hosting a carrier platform.
    pub park_id: Option<String>,
    pub level: Option<String>,
    pub region_code: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// GeoJSON geometry of the boundary, when known.
    pub boundary: Option<String>,
    pub lead_clusters: Vec<String>,
    pub land_area_ha: Option<f64>,
    pub land_available_ha: Option<f64>,
    pub floor_area_m2: Option<f64>,
    pub floor_available_m2: Option<f64>,
    pub price_land_yuan_m2: Option<f64>,
    pub rent_yuan_m2_month: Option<f64>,
    pub price_sale_yuan_m2: Option<f64>,
    pub floor_load_kn_m2: Option<f64>,
    pub clear_height_m: Option<f64>,
    pub specs: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub provenance: Provenance,
    pub synthetic: bool,
}

impl Park {
    /// Whether any land or floor space is available now.
    pub fn has_space(&self) -> bool {
        self.land_available_ha.unwrap_or(0.0) > 0.0 || self.floor_available_m2.unwrap_or(0.0) > 0.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hub {
    pub id: String,
    pub kind: String,
    pub name_zh: String,
    pub name_en: Option<String>,
    /// Routes (kind `sea_rail`) may have no single point.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub region_code: Option<String>,
    pub note: Option<String>,
    pub source: Option<String>,
}
