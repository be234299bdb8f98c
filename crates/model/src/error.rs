//! Validation errors with stable machine codes.
//!
//! The code (`invalid_uscc`, `unknown_region`, …) is part of the public contract: the importer writes it into
//! reject files and the API returns it. Never rename a code; add a new one instead.

use thiserror::Error;

/// A problem with one value. `code()` is stable; the message is for people.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ValidationError {
    #[error("required value is missing")]
    Missing,
    #[error("unified social credit code must have 18 characters, found {0}")]
    UsccLength(usize),
    #[error("unified social credit code has a character outside the GB 32100 alphabet: '{0}'")]
    UsccCharacter(char),
    #[error("unified social credit code check character should be '{expected}', found '{found}'")]
    UsccCheck { expected: char, found: char },
    #[error("LEI must have 20 letters or digits, found {0} characters")]
    LeiLength(usize),
    #[error("LEI has an invalid character: '{0}'")]
    LeiCharacter(char),
    #[error("LEI check digits do not verify (ISO 7064 mod 97-10)")]
    LeiCheck,
    #[error("region code '{0}' is not a known region")]
    UnknownRegion(String),
    #[error("region code '{0}' is malformed (expected 6 digits, an ISO 3166 code or a zone code)")]
    RegionFormat(String),
    #[error("latitude {0} is outside -90..90")]
    Latitude(f64),
    #[error("longitude {0} is outside -180..180")]
    Longitude(f64),
    #[error("only one of latitude and longitude is given")]
    HalfCoordinate,
    #[error("'{0}' is not a date (use YYYY-MM-DD)")]
    Date(String),
    #[error("'{0}' is not a number")]
    Number(String),
    #[error("amount {0} is negative")]
    Negative(f64),
    #[error("'{0}' is not a yes/no value")]
    Flag(String),
    #[error("'{0}' is not a valid industry code (GB/T 4754)")]
    IndustryCode(String),
    #[error("unknown chain node '{0}'")]
    UnknownNode(String),
    #[error("unknown value '{0}'")]
    UnknownValue(String),
    #[error("'{0}' is malformed")]
    Malformed(String),
    #[error("the row has {found} of {expected} columns (truncated line?)")]
    ShortRow { found: usize, expected: usize },
    #[error("value is longer than {0} characters")]
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
            Self::Malformed(_) | Self::ShortRow { .. } => "malformed",
            Self::TooLong(_) => "too_long",
        }
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
