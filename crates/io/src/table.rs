//! Tabular input: CSV (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030 detected) and XLSX (first or named
//! sheet), read row by row with the line each row starts on.

use crate::error::{IoError, RowIssue};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// The cells of one row (one buffer for all fields).
pub type Cells = csv::StringRecord;

/// One data row: its 1-based line in the file and its cells as text.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub line: u64,
    pub cells: Cells,
}

/// Which text encoding a CSV file was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16,
    Gb18030,
}

impl TextEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 (BOM)",
            Self::Utf16 => "UTF-16",
            Self::Gb18030 => "GBK/GB18030",
        }
    }
}

/// Decide the encoding from the first bytes of a file.
pub fn detect_encoding(sample: &[u8]) -> Result<TextEncoding, IoError> {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok(TextEncoding::Utf8Bom);
    }
    if sample.starts_with(&[0xFF, 0xFE]) || sample.starts_with(&[0xFE, 0xFF]) {
        return Ok(TextEncoding::Utf16);
    }
    if sample.contains(&0) {
        return Err(IoError::Encoding(
            "文件似乎是二进制文件（含有 NUL 字节），请另存为 CSV 或 XLSX / \
             the file looks binary (it contains NUL bytes): save it as CSV or XLSX"
                .into(),
        ));
    }
    match std::str::from_utf8(sample) {
        Ok(_) => return Ok(TextEncoding::Utf8),
        // The sample may end inside a multi-byte character.
        Err(e) if e.error_len().is_none() => return Ok(TextEncoding::Utf8),
        Err(_) => {}
    }
    // Cut the sample at the last ASCII byte so a split double-byte character does not count as malformed.
    let cut = sample.iter().rposition(|b| b.is_ascii()).map(|i| i + 1).unwrap_or(sample.len());
    let (_, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&sample[..cut]);
    if !had_errors && !looks_like_single_byte_text(&sample[..cut]) && mostly_gb2312(&sample[..cut]) {
        return Ok(TextEncoding::Gb18030);
    }
    Err(IoError::Encoding(
        "无法识别文本编码：文件既不是 UTF-8 也不是 GBK/GB18030（可能是 Latin-1 或 Shift-JIS），请另存为 UTF-8 编码的 CSV / \
         unrecognised text encoding: the file is neither UTF-8 nor GBK/GB18030 (it may be Latin-1 or Shift-JIS); save it as UTF-8 CSV"
            .into(),
    ))
}

/// Chinese text in GBK is almost all GB2312 characters: both bytes in 0xA1–0xFE. Shift-JIS, which GB18030 also
/// decodes without error, mostly uses lead bytes 0x81–0x9F.
fn mostly_gb2312(s: &[u8]) -> bool {
    let (mut pairs, mut gb2312) = (0usize, 0usize);
    let mut i = 0;
    while i < s.len() {
        if s[i] >= 0x81 && i + 1 < s.len() {
            pairs += 1;
            if (0xA1..=0xF7).contains(&s[i]) && (0xA1..=0xFE).contains(&s[i + 1]) {
                gb2312 += 1;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    pairs == 0 || gb2312 * 10 >= pairs * 8
}

/// GB18030 accepts almost any byte sequence; text in a single-byte Western encoding shows as isolated high bytes
/// between ASCII letters, which real GBK text (pairs of high bytes) rarely has.
fn looks_like_single_byte_text(s: &[u8]) -> bool {
    let mut isolated = 0usize;
    let mut high = 0usize;
    let mut i = 0;
    while i < s.len() {
        if s[i] >= 0x80 {
            high += 1;
            let prev_ascii = i == 0 || s[i - 1] < 0x80;
            let next_ascii = i + 1 >= s.len() || s[i + 1] < 0x80;
            if prev_ascii && next_ascii {
                isolated += 1;
            }
        }
        i += 1;
    }
    high > 0 && isolated * 3 > high
}

enum Source {
    Csv { reader: csv::Reader<Box<dyn Read + Send>>, record: csv::StringRecord },
    Rows { rows: std::vec::IntoIter<RawRow> },
}

/// A table being read: its header row and an iterator over rows.
pub struct Table {
    pub headers: Vec<String>,
    pub encoding: Option<TextEncoding>,
    source: Source,
}

/// What kind of file a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
    GeoJson,
}

pub fn file_kind(path: &Path) -> Result<FileKind, IoError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => Ok(FileKind::Csv),
        "xlsx" | "xlsm" | "xls" => Ok(FileKind::Xlsx),
        "geojson" | "json" => Ok(FileKind::GeoJson),
        other => Err(IoError::FileType(other.to_string())),
    }
}

impl Table {
    /// Open a CSV or XLSX file (`sheet` picks a sheet by name; default the first).
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<Self, IoError> {
        match file_kind(path)? {
            FileKind::Csv => {
                let f = File::open(path).map_err(|cause| IoError::Open { path: path.display().to_string(), cause })?;
                Self::from_csv_reader(Box::new(f), path.extension().is_some_and(|e| e == "tsv"))
            }
            FileKind::Xlsx => Self::from_xlsx(path, sheet),
            FileKind::GeoJson => Err(IoError::FileType("geojson (use the GeoJSON importer)".into())),
        }
    }

    /// Read CSV from any reader, detecting its encoding from the first 64 KiB.
    pub fn from_csv_reader(inner: Box<dyn Read + Send>, tab: bool) -> Result<Self, IoError> {
        let mut buf = BufReader::with_capacity(1 << 16, inner);
        let mut sample = Vec::with_capacity(1 << 16);
        (&mut buf).take(1 << 16).read_to_end(&mut sample).map_err(|e| IoError::Csv(e.to_string()))?;
        let encoding = detect_encoding(&sample)?;
        let whole: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(sample).chain(buf));
        let reader: Box<dyn Read + Send> = match encoding {
            TextEncoding::Utf8 => whole,
            TextEncoding::Utf8Bom => {
                let mut r = whole;
                let mut bom = [0u8; 3];
                r.read_exact(&mut bom).map_err(|e| IoError::Csv(e.to_string()))?;
                r
            }
            TextEncoding::Utf16 => Box::new(encoding_rs_io::DecodeReaderBytesBuilder::new().bom_sniffing(true).build(whole)),
            TextEncoding::Gb18030 => Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding_rs::GB18030)).bom_sniffing(false).build(whole),
            ),
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .delimiter(if tab { b'\t' } else { b',' })
            .buffer_capacity(1 << 16)
            .from_reader(reader);
        let headers = reader.byte_headers().map_err(|e| IoError::Csv(e.to_string()))?.clone();
        if headers.is_empty() || headers.iter().all(|h| h.is_empty()) {
            return Err(IoError::NoHeader);
        }
        let headers = headers.iter().map(|h| String::from_utf8_lossy(h).trim().to_string()).collect();
        Ok(Self { headers, encoding: Some(encoding), source: Source::Csv { reader, record: csv::StringRecord::new() } })
    }

    fn from_xlsx(path: &Path, sheet: Option<&str>) -> Result<Self, IoError> {
        use calamine::{open_workbook_auto, Data, Reader};
        let mut wb = open_workbook_auto(path).map_err(|e| IoError::Xlsx(e.to_string()))?;
        let names = wb.sheet_names().clone();
        let name = match sheet {
            Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| IoError::NoSheet(s.to_string(), names.join(", ")))?,
            None => names.first().cloned().ok_or_else(|| IoError::Xlsx("the workbook has no sheets".into()))?,
        };
        let range = wb.worksheet_range(&name).map_err(|e| IoError::Xlsx(e.to_string()))?;
        let start_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
        let cell = |d: &Data| -> String {
            match d {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Int(i) => i.to_string(),
                Data::Bool(b) => {
                    if *b {
                        "1".into()
                    } else {
                        "0".into()
                    }
                }
                Data::DateTime(dt) => {
                    let serial = dt.as_f64();
                    chainscope_model::values::parse_date(&format!("{}", serial.floor() as i64))
                        .map(|d| d.to_string())
                        .unwrap_or_else(|_| serial.to_string())
                }
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(e) => format!("#{e:?}"),
            }
        };
        let mut rows = range.rows();
        let headers: Vec<String> = rows.next().ok_or(IoError::NoHeader)?.iter().map(|d| cell(d).trim().to_string()).collect();
        if headers.iter().all(String::is_empty) {
            return Err(IoError::NoHeader);
        }
        let data: Vec<RawRow> = rows
            .enumerate()
            .map(|(i, r)| RawRow { line: start_row + i as u64 + 2, cells: r.iter().map(cell).collect::<Vec<_>>().into() })
            .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
            .collect();
        Ok(Self { headers, encoding: None, source: Source::Rows { rows: data.into_iter() } })
    }

    /// Next row, or a row-level issue (bad bytes, broken quoting) that rejects that row only.
    pub fn next_row(&mut self) -> Option<Result<RawRow, RowIssue>> {
        match &mut self.source {
            Source::Rows { rows } => rows.next().map(Ok),
            Source::Csv { reader, record } => loop {
                match reader.read_record(record) {
                    Ok(false) => return None,
                    Ok(true) => {
                        let line = record.position().map(|p| p.line()).unwrap_or(0);
                        if record.iter().all(|f| f.trim().is_empty()) {
                            continue;
                        }
                        return Some(Ok(RawRow { line, cells: record.clone() }));
                    }
                    Err(e) => {
                        let line = e.position().map(|p| p.line()).unwrap_or(0);
                        let issue = match e.kind() {
                            csv::ErrorKind::Utf8 { err, .. } => {
                                let field = self.headers.get(err.field()).cloned().unwrap_or_else(|| format!("column {}", err.field() + 1));
                                RowIssue::new(
                                    line,
                                    field,
                                    "invalid_encoding",
                                    "该单元格不是有效的 UTF-8 文本 / the cell is not valid UTF-8 text",
                                )
                            }
                            _ => RowIssue::new(line, "", "invalid_csv_row", format!("该行无法读取 / {e}")),
                        };
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            self.source = Source::Rows { rows: Vec::new().into_iter() };
                        }
                        return Some(Err(issue));
                    }
                }
            },
        }
    }

    /// Bytes read so far (CSV only), for progress bars.
    pub fn bytes_read(&self) -> u64 {
        match &self.source {
            Source::Csv { reader, .. } => reader.position().byte(),
            Source::Rows { .. } => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_is_detected_and_shift_jis_is_not() {
        let (gbk, _, _) = encoding_rs::GBK.encode("企业名称,地址\n徐州工程机械集团有限公司,徐州市铜山区\n");
        assert_eq!(detect_encoding(&gbk).ok(), Some(TextEncoding::Gb18030));
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("name,address\n株式会社テスト機械,東京都千代田区丸の内1\n");
        assert!(detect_encoding(&sjis).is_err(), "{:?}", detect_encoding(&sjis));
        assert!(detect_encoding(b"name\nM\xfcller GmbH\n").is_err());
        assert_eq!(detect_encoding("名称\n徐工".as_bytes()).ok(), Some(TextEncoding::Utf8));
    }
}
