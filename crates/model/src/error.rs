//! Validation errors with stable machine codes.
//!
//! The code (`invalid_uscc`, `unknown_region`, …) is part of the public contract: the importer writes it into
//! reject files and the API returns it. Never rename a code; add a new one instead.

use thiserror::Error;

/// A problem with one value. `code()` is stable; the message is for people.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ValidationError {
    #[error("缺少必填值 / required value is missing")]
    Missing,
    #[error("统一社会信用代码应为 18 位，实际为 {0} 位 / unified social credit code must have 18 characters, found {0}")]
    UsccLength(usize),
    #[error("统一社会信用代码含有 GB 32100 字符集以外的字符：'{0}' / unified social credit code has a character outside the GB 32100 alphabet: '{0}'")]
    UsccCharacter(char),
    #[error("统一社会信用代码校验位应为 '{expected}'，实际为 '{found}' / unified social credit code check character should be '{expected}', found '{found}'")]
    UsccCheck { expected: char, found: char },
    #[error("LEI 应为 20 位字母或数字，实际为 {0} 个字符 / LEI must have 20 letters or digits, found {0} characters")]
    LeiLength(usize),
    #[error("LEI 含有无效字符：'{0}' / LEI has an invalid character: '{0}'")]
    LeiCharacter(char),
    #[error("LEI 校验位验证未通过（ISO 7064 mod 97-10） / LEI check digits do not verify (ISO 7064 mod 97-10)")]
    LeiCheck,
    #[error("行政区划代码 '{0}' 不是已知地区 / region code '{0}' is not a known region")]
    UnknownRegion(String),
    #[error("行政区划代码 '{0}' 格式不正确（应为 6 位数字、ISO 3166 代码或功能区代码） / region code '{0}' is malformed (expected 6 digits, an ISO 3166 code or a zone code)")]
    RegionFormat(String),
    #[error("纬度 {0} 超出 -90..90 范围 / latitude {0} is outside -90..90")]
    Latitude(f64),
    #[error("经度 {0} 超出 -180..180 范围 / longitude {0} is outside -180..180")]
    Longitude(f64),
    #[error("纬度和经度只给出了其中一个 / only one of latitude and longitude is given")]
    HalfCoordinate,
    #[error("'{0}' 不是日期（请用 YYYY-MM-DD） / '{0}' is not a date (use YYYY-MM-DD)")]
    Date(String),
    #[error("'{0}' 不是数字 / '{0}' is not a number")]
    Number(String),
    #[error("金额 {0} 为负数 / amount {0} is negative")]
    Negative(f64),
    #[error("'{0}' 不是有效的是/否值 / '{0}' is not a yes/no value")]
    Flag(String),
    #[error("'{0}' 不是有效的行业代码（GB/T 4754） / '{0}' is not a valid industry code (GB/T 4754)")]
    IndustryCode(String),
    #[error("未知的产业链节点 '{0}' / unknown chain node '{0}'")]
    UnknownNode(String),
    #[error("未知的取值 '{0}' / unknown value '{0}'")]
    UnknownValue(String),
    #[error("'{0}' 格式不正确 / '{0}' is malformed")]
    Malformed(String),
    /// A value that breaks a rule; the caller states the rule in both languages.
    #[error("{zh} / {en}")]
    Rule { zh: String, en: String },
    #[error("该行只有 {found} 列，应有 {expected} 列（行被截断？） / the row has {found} of {expected} columns (truncated line?)")]
    ShortRow { found: usize, expected: usize },
    #[error("值的长度超过 {0} 个字符 / value is longer than {0} characters")]
    TooLong(usize),
}

impl ValidationError {
    /// Stable machine code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::UsccLength(_) | Self::UsccCharacter(_) | Self::UsccCheck { .. } => "invalid_uscc",
            Self::LeiLength(_) | Self::LeiCharacter(_) | Self::LeiCheck => "invalid_lei",
            Self::UnknownRegion(_) => "unknown_region",
            Self::RegionFormat(_) => "invalid_region_code",
            Self::Latitude(_) | Self::Longitude(_) | Self::HalfCoordinate => "invalid_coordinate",
            Self::Date(_) => "invalid_date",
            Self::Number(_) => "invalid_number",
            Self::Negative(_) => "negative_amount",
            Self::Flag(_) => "invalid_flag",
            Self::IndustryCode(_) => "invalid_industry_code",
            Self::UnknownNode(_) => "unknown_node",
            Self::UnknownValue(_) => "unknown_value",
            Self::Malformed(_) | Self::Rule { .. } | Self::ShortRow { .. } => "malformed",
            Self::TooLong(_) => "too_long",
        }
    }
}

/// The Chinese word for an English kind name that an error message puts into its sentence ("node" → "节点"),
/// for the Chinese half of the bilingual messages; anything else comes back as it is.
pub fn term_zh(en: &str) -> &str {
    match en {
        "tier" => "层级",
        "cluster" => "集群",
        "chain" => "产业链",
        "node" => "节点",
        "department" => "部门",
        "category" => "类别",
        "flag" => "标记",
        "region" => "地区",
        "industry" => "行业",
        "province" => "省份",
        "country" => "国家",
        "world" => "全球范围",
        other => other,
    }
}

/// A validation error attached to the field it concerns.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{field}: {error}")]
pub struct FieldError {
    pub field: &'static str,
    pub error: ValidationError,
}

impl FieldError {
    pub fn new(field: &'static str, error: ValidationError) -> Self {
        Self { field, error }
    }
    pub fn code(&self) -> &'static str {
        self.error.code()
    }
}
