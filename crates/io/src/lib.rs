//! File formats in and out: CSV (UTF-8/GBK), XLSX, GeoJSON; header aliases; row-level error reports.

pub mod enterprise_row;
pub mod error;
pub mod export;
pub mod geo;
pub mod headers;
pub mod records;
pub mod table;

pub use enterprise_row::{enterprise_from_row, EnterpriseContext};
pub use error::{IoError, RowIssue};
pub use headers::{HeaderMap, ENTERPRISE_COLUMNS};
pub use table::{RawRow, Table};
