//! File-level errors (the whole file cannot be read) and row-level issues (one row is rejected or warned about).

use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum IoError {
    /// The cause is part of the message and deliberately not a `source()`, so that an error chain does not print
    /// it twice.
    #[error("无法打开文件 {path} / cannot open {path}: {cause}")]
    Open { path: String, cause: std::io::Error },
    #[error("{0}")]
    Encoding(String),
    #[error("电子表格读取错误 / spreadsheet error: {0}")]
    Xlsx(String),
    #[error("找不到工作表 '{0}'（现有工作表：{1}） / sheet '{0}' not found (sheets: {1})")]
    NoSheet(String, String),
    #[error("CSV 读取错误 / CSV error: {0}")]
    Csv(String),
    #[error("缺少必填列 '{0}'（可识别的表头：{1}） / required column '{0}' is missing (accepted headers: {1})")]
    MissingColumn(String, String),
    #[error("文件没有表头 / the file has no header row")]
    NoHeader,
    #[error("不支持的文件类型 '{0}'（请使用 .csv、.xlsx 或 .geojson） / unsupported file type '{0}' (use .csv, .xlsx or .geojson)")]
    FileType(String),
    #[error("GeoJSON 读取错误 / GeoJSON error: {0}")]
    GeoJson(String),
    #[error("写入错误 / write error: {0}")]
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
