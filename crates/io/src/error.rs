//! File-level errors (the whole file cannot be read) and row-level issues (one row is rejected or warned about).

use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum IoError {
    #[error("cannot open {path}: {source}")]
    Open { path: String, source: std::io::Error },
    #[error("{0}")]
    Encoding(String),
    #[error("spreadsheet error: {0}")]
    Xlsx(String),
    #[error("sheet '{0}' not found (sheets: {1})")]
    NoSheet(String, String),
    #[error("CSV error: {0}")]
    Csv(String),
    #[error("required column '{0}' is missing (accepted headers: {1})")]
    MissingColumn(String, String),
    #[error("the file has no header row")]
    NoHeader,
    #[error("unsupported file type '{0}' (use .csv, .xlsx or .geojson)")]
    FileType(String),
    #[error("GeoJSON error: {0}")]
    GeoJson(String),
    #[error("write error: {0}")]
    Write(String),
}

impl IoError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Open { .. } => "cannot_open",
            Self::Encoding(_) => "unknown_encoding",
            Self::Xlsx(_) => "invalid_xlsx",
            Self::NoSheet(..) => "unknown_sheet",
            Self::Csv(_) => "invalid_csv",
            Self::MissingColumn(..) => "missing_column",
            Self::NoHeader => "no_header",
            Self::FileType(_) => "unsupported_file_type",
            Self::GeoJson(_) => "invalid_geojson",
            Self::Write(_) => "write_failed",
        }
    }
}

/// One problem in one row, as reported to the user and written to reject files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowIssue {
    pub line: u64,
    pub field: String,
    pub code: String,
    pub message: String,
}

impl RowIssue {
    pub fn new(line: u64, field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { line, field: field.into(), code: code.into(), message: message.into() }
    }
}
