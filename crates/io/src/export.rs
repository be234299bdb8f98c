//! Export to CSV and XLSX. CSV text that a spreadsheet would run as a formula is neutralised with a leading
//! apostrophe; XLSX cells are written as typed strings and numbers, never as formulas.

use crate::enterprise_row::{format_series, trim_float};
use crate::error::IoError;
use crate::headers::ENTERPRISE_COLUMNS;
use crate::records::{PARK_COLUMNS, PROJECT_COLUMNS};
use chainscope_model::values::neutralise_formula;
use chainscope_model::{Enterprise, MembershipSource, Park, Project};
use std::io::Write;
use std::path::Path;

/// A cell to write: text or a number.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    fn opt_text(v: &Option<String>) -> Self {
        v.as_ref().map_or(Cell::Empty, |s| Cell::Text(s.clone()))
    }
    fn opt_num(v: Option<f64>) -> Self {
        v.map_or(Cell::Empty, Cell::Number)
    }
    fn flag(b: bool) -> Self {
        Cell::Text(if b { "1" } else { "0" }.into())
    }
    fn csv_text(&self) -> String {
        match self {
            Cell::Text(s) => neutralise_formula(s).into_owned(),
            Cell::Number(n) => trim_float(*n),
            Cell::Empty => String::new(),
        }
    }
}

/// One sheet of a workbook: its name, header row and rows.
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A workbook of several sheets, in memory (reports are small). Text is written as text, so nothing a user typed
/// can become a formula.
pub fn xlsx_workbook(sheets: &[Sheet]) -> Result<Vec<u8>, IoError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for sh in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&sh.name).map_err(xerr)?;
        for (col, h) in sh.headers.iter().enumerate() {
            ws.write_string_with_format(0, col as u16, h, &bold).map_err(xerr)?;
        }
        for (r, cells) in sh.rows.iter().enumerate() {
            let row = r as u32 + 1;
            for (col, c) in cells.iter().enumerate() {
                match c {
                    Cell::Text(s) => {
                        ws.write_string(row, col as u16, s).map_err(xerr)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(row, col as u16, *n).map_err(xerr)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
    }
    book.save_to_buffer().map_err(xerr)
}

/// Writes rows to a CSV or XLSX file chosen by the path's extension.
pub enum TableWriter {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Xlsx { book: Box<rust_xlsxwriter::Workbook>, row: u32, path: std::path::PathBuf },
}

fn xerr(e: rust_xlsxwriter::XlsxError) -> IoError {
    IoError::Write(e.to_string())
}

impl TableWriter {
    pub fn create(path: &Path, sheet: &str, headers: &[&str]) -> Result<Self, IoError> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let mut w = match ext.as_str() {
            "xlsx" => {
                let mut book = rust_xlsxwriter::Workbook::new();
                book.add_worksheet().set_name(sheet).map_err(xerr)?;
                Self::Xlsx { book: Box::new(book), row: 0, path: path.to_path_buf() }
            }
            "csv" => {
                let f = std::fs::File::create(path).map_err(|cause| IoError::Open { path: path.display().to_string(), cause })?;
                Self::Csv(Box::new(csv::Writer::from_writer(Box::new(std::io::BufWriter::new(f)) as Box<dyn Write>)))
            }
            other => return Err(IoError::FileType(other.to_string())),
        };
        w.write_row(&headers.iter().map(|h| Cell::Text(h.to_string())).collect::<Vec<_>>())?;
        Ok(w)
    }

    /// CSV to any writer (stdout, a buffer).
    pub fn csv_to(out: Box<dyn Write>, headers: &[&str]) -> Result<Self, IoError> {
        let mut w = Self::Csv(Box::new(csv::Writer::from_writer(out)));
        w.write_row(&headers.iter().map(|h| Cell::Text(h.to_string())).collect::<Vec<_>>())?;
        Ok(w)
    }

    pub fn write_row(&mut self, cells: &[Cell]) -> Result<(), IoError> {
        match self {
            Self::Csv(w) => w.write_record(cells.iter().map(Cell::csv_text)).map_err(|e| IoError::Write(e.to_string())),
            Self::Xlsx { book, row, .. } => {
                let sheet = book.worksheet_from_index(0).map_err(xerr)?;
                for (col, c) in cells.iter().enumerate() {
                    let col = col as u16;
                    match c {
                        Cell::Text(s) => {
                            sheet.write_string(*row, col, s).map_err(xerr)?;
                        }
                        Cell::Number(n) => {
                            sheet.write_number(*row, col, *n).map_err(xerr)?;
                        }
                        Cell::Empty => {}
                    }
                }
                *row += 1;
                Ok(())
            }
        }
    }

    pub fn finish(self) -> Result<(), IoError> {
        match self {
            Self::Csv(mut w) => w.flush().map_err(|e| IoError::Write(e.to_string())),
            Self::Xlsx { mut book, path, .. } => book.save(&path).map_err(xerr),
        }
    }
}

/// Canonical enterprise column names, in export order.
pub fn enterprise_headers() -> Vec<&'static str> {
    ENTERPRISE_COLUMNS.iter().map(|(c, _)| *c).collect()
}

/// One enterprise as cells in [`enterprise_headers`] order. Personal fields are included only if `personal`.
pub fn enterprise_cells(e: &Enterprise, personal: bool) -> Vec<Cell> {
    let manual: Vec<&str> = e.memberships.iter().filter(|m| m.source == MembershipSource::Manual).map(|m| m.node.as_str()).collect();
    let personal_text = |v: &Option<String>| if personal { Cell::opt_text(v) } else { Cell::Empty };
    enterprise_headers()
        .iter()
        .map(|h| match *h {
            "name" => Cell::Text(e.name.clone()),
            "name_en" => Cell::opt_text(&e.name_en),
            "uscc" => Cell::opt_text(&e.uscc),
            "lei" => Cell::opt_text(&e.lei),
            "ext_id" => Cell::opt_text(&e.ext_id),
            "legal_rep" => personal_text(&e.legal_rep),
            "phone" => personal_text(&e.phone),
            "address" => Cell::opt_text(&e.address),
            "country" => Cell::Text(e.country.clone()),
            "region_code" => Cell::opt_text(&e.region_code),
            "lat" if e.coord_precision == chainscope_model::CoordPrecision::Exact => Cell::opt_num(e.lat),
            "lon" if e.coord_precision == chainscope_model::CoordPrecision::Exact => Cell::opt_num(e.lon),
            "industry_code" => Cell::opt_text(&e.industry_code),
            "industry_version" => Cell::Text(e.industry_version.as_str().into()),
            "scope" => Cell::opt_text(&e.scope),
            "products" => Cell::opt_text(&e.products),
            "founded" => e.founded.map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
            "registered_capital" => Cell::opt_num(e.registered_capital),
            "revenue" => Cell::opt_num(e.revenue),
            "employees" => Cell::opt_num(e.employees.map(f64::from)),
            "chain_leader" => Cell::flag(e.flags.chain_leader),
            "listed" => Cell::flag(e.flags.listed),
            "srdi" => Cell::flag(e.flags.srdi),
            "high_tech" => Cell::flag(e.flags.high_tech),
            "parent" => Cell::opt_text(&e.parent),
            "nodes" => Cell::Text(manual.join(";")),
            "series" => Cell::Text(format_series(&e.series)),
            "suppliers" => Cell::Text(e.suppliers.join(";")),
            "customers" => Cell::Text(e.customers.join(";")),
            "source" => Cell::Text(e.provenance.source.clone()),
            "as_of" => e.provenance.as_of.map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
            "synthetic" => Cell::flag(e.synthetic),
            _ => Cell::Empty,
        })
        .collect()
}

pub fn park_cells(p: &Park, personal: bool) -> Vec<Cell> {
    PARK_COLUMNS
        .iter()
        .map(|h| match *h {
            "id" => Cell::Text(p.id.clone()),
            "kind" => Cell::Text(p.kind.as_str().into()),
            "name_zh" => Cell::Text(p.name_zh.clone()),
            "name_en" => Cell::opt_text(&p.name_en),
            "park_id" => Cell::opt_text(&p.park_id),
            "level" => Cell::opt_text(&p.level),
            "region_code" => Cell::opt_text(&p.region_code),
            "address" => Cell::opt_text(&p.address),
            "lat" => Cell::opt_num(p.lat),
            "lon" => Cell::opt_num(p.lon),
            "lead_clusters" => Cell::Text(p.lead_clusters.join(";")),
            "land_area_ha" => Cell::opt_num(p.land_area_ha),
            "land_available_ha" => Cell::opt_num(p.land_available_ha),
            "floor_area_m2" => Cell::opt_num(p.floor_area_m2),
            "floor_available_m2" => Cell::opt_num(p.floor_available_m2),
            "price_land_yuan_m2" => Cell::opt_num(p.price_land_yuan_m2),
            "rent_yuan_m2_month" => Cell::opt_num(p.rent_yuan_m2_month),
            "price_sale_yuan_m2" => Cell::opt_num(p.price_sale_yuan_m2),
            "floor_load_kn_m2" => Cell::opt_num(p.floor_load_kn_m2),
            "clear_height_m" => Cell::opt_num(p.clear_height_m),
            "specs" => Cell::opt_text(&p.specs),
            "contact_name" if personal => Cell::opt_text(&p.contact_name),
            "contact_phone" if personal => Cell::opt_text(&p.contact_phone),
            "source" => Cell::Text(p.provenance.source.clone()),
            "as_of" => p.provenance.as_of.map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
            "synthetic" => Cell::flag(p.synthetic),
            _ => Cell::Empty,
        })
        .collect()
}

pub fn project_cells(p: &Project) -> Vec<Cell> {
    let history: Vec<String> = p.history.iter().map(|h| format!("{}@{}", h.stage.as_str(), h.date)).collect();
    PROJECT_COLUMNS
        .iter()
        .map(|h| match *h {
            "id" => Cell::Text(p.id.clone()),
            "name" => Cell::Text(p.name.clone()),
            "investor" => Cell::opt_text(&p.investor),
            "investor_id" => Cell::opt_text(&p.investor_id),
            "cluster" => Cell::opt_text(&p.cluster),
            "node" => Cell::opt_text(&p.node),
            "other_category" => Cell::opt_text(&p.other_category),
            "region_code" => Cell::Text(p.region_code.clone()),
            "park_id" => Cell::opt_text(&p.park_id),
            "amount" => Cell::opt_num(p.amount),
            "amount_paid" => Cell::opt_num(p.amount_paid),
            "jobs" => Cell::opt_num(p.jobs.map(f64::from)),
            "channel" => Cell::Text(p.channel.as_str().into()),
            "stage" => Cell::Text(p.stage.as_str().into()),
            "stage_history" => Cell::Text(history.join(";")),
            "event_id" => Cell::opt_text(&p.event_id),
            "officer" => Cell::opt_text(&p.officer),
            "signed_on" => p.signed_on().map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
            "start_deadline" => p.start_deadline.map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
            "source" => Cell::Text(p.provenance.source.clone()),
            "synthetic" => Cell::flag(p.synthetic),
            _ => Cell::Empty,
        })
        .collect()
}
