//! Parsing of the scalar values found in spreadsheets: dates, numbers, money with units, yes/no flags,
//! coordinates. Each returns a `ValidationError` that names what was wrong.

use crate::error::ValidationError;
use chrono::NaiveDate;

/// Parse `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYY年MM月DD日`, `YYYY-MM` (first of month), `YYYY` (1 Jan),
/// or an Excel serial date number.
pub fn parse_date(raw: &str) -> Result<NaiveDate, ValidationError> {
    let s = raw.trim();
    let bad = || ValidationError::Date(s.to_string());
    if s.is_empty() {
        return Err(ValidationError::Missing);
    }
    // Fast path for the usual `YYYY-MM-DD`: the same checks as below, without building strings.
    if let Some((y, m, d)) = iso_date_parts(s) {
        let date = NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad)?;
        if !(1800..=2100).contains(&(y as i32)) {
            return Err(bad());
        }
        return Ok(date);
    }
    // Keep only the date part of a timestamp.
    let s2 = s.split(['T', ' ']).next().unwrap_or(s);
    let cleaned: String = s2
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' => '-',
            '日' => ' ',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim().trim_end_matches('-');
    let parts: Vec<&str> = cleaned.split('-').collect();
    let num = |p: &str| p.parse::<u32>().map_err(|_| bad());
    let date = match parts.as_slice() {
        [y] if y.len() == 4 => NaiveDate::from_ymd_opt(num(y)? as i32, 1, 1),
        [y, m] if y.len() == 4 => NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, 1),
        [y, m, d] if y.len() == 4 => NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?),
        [serial] => {
            // Excel serial date (1900 system), as calamine or a CSV export may give it.
            let n: f64 = serial.parse().map_err(|_| bad())?;
            if !(1.0..=2_958_465.0).contains(&n) {
                return Err(bad());
            }
            NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|b| b.checked_add_days(chrono::Days::new(n as u64)))
        }
        _ => None,
    }
    .ok_or_else(bad)?;
    let year = chrono::Datelike::year(&date);
    if !(1800..=2100).contains(&year) {
        return Err(bad());
    }
    Ok(date)
}

/// Year, month and day of exactly `DDDD-DD-DD` (ASCII digits).
fn iso_date_parts(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let mut n = [0u32; 3];
    for (k, range) in [(0, 0..4), (1, 5..7), (2, 8..10)] {
        for &c in &b[range] {
            if !c.is_ascii_digit() {
                return None;
            }
            n[k] = n[k] * 10 + (c - b'0') as u32;
        }
    }
    Some((n[0], n[1], n[2]))
}

/// Parse a plain number, allowing thousands separators and full-width digits.
pub fn parse_number(raw: &str) -> Result<f64, ValidationError> {
    let t = raw.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'e' || b == b'E' || b == b'+') {
        if let Ok(v) = t.parse::<f64>() {
            if v.is_finite() {
                return Ok(v);
            }
            return Err(ValidationError::Number(t.to_string()));
        }
    }
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '－' => '-',
            c => c,
        })
        .collect();
    if s.is_empty() {
        return Err(ValidationError::Missing);
    }
    let v: f64 = s.parse().map_err(|_| ValidationError::Number(raw.trim().to_string()))?;
    if !v.is_finite() {
        return Err(ValidationError::Number(raw.trim().to_string()));
    }
    Ok(v)
}

/// Parse a non-negative number.
pub fn parse_non_negative(raw: &str) -> Result<f64, ValidationError> {
    let v = parse_number(raw)?;
    if v < 0.0 {
        return Err(ValidationError::Negative(v));
    }
    Ok(v)
}

/// Approximate yuan per unit of a foreign currency, used only to put registered capital in one unit.
/// Documented as approximate; the original text is kept beside the converted value.
fn fx_to_cny(currency: &str) -> Option<f64> {
    Some(match currency {
        "人民币" | "" | "CNY" | "RMB" => 1.0,
        "美元" | "USD" => 7.1,
        "欧元" | "EUR" => 7.7,
        "港元" | "港币" | "HKD" => 0.91,
        "日元" | "JPY" => 0.048,
        "英镑" | "GBP" => 9.0,
        "新台币" | "TWD" => 0.22,
        "韩元" | "KRW" => 0.0053,
        _ => return None,
    })
}

/// Parse an amount of money into 万元 (10,000 yuan). Accepts a bare number (already 万元) or a number with a unit:
/// "5000万元人民币", "1.2亿元", "300万美元", "1,000 万元", "8000000元".
pub fn parse_money_wan(raw: &str) -> Result<f64, ValidationError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ValidationError::Missing);
    }
    let split = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | ' ' | '，') || ('０'..='９').contains(c)))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v = parse_number(num).map_err(|_| ValidationError::Number(s.to_string()))?;
    let unit = unit.trim();
    let (scale, rest) = if let Some(r) = unit.strip_prefix("亿") {
        (10_000.0, r)
    } else if let Some(r) = unit.strip_prefix("万") {
        (1.0, r)
    } else if let Some(r) = unit.strip_prefix("千") {
        (0.1, r)
    } else if unit.starts_with('元') || unit.is_empty() {
        (if unit.is_empty() { 1.0 } else { 0.0001 }, unit)
    } else {
        (1.0, unit)
    };
    let currency = rest.trim_start_matches('元').trim();
    let fx = fx_to_cny(currency).ok_or_else(|| ValidationError::Number(s.to_string()))?;
    let out = v * scale * fx;
    if !out.is_finite() {
        return Err(ValidationError::Number(s.to_string()));
    }
    if out < 0.0 {
        return Err(ValidationError::Negative(out));
    }
    Ok(out)
}

/// Parse a yes/no flag.
pub fn parse_flag(raw: &str) -> Result<bool, ValidationError> {
    fn known(s: &str) -> Option<bool> {
        match s {
            "1" | "true" | "yes" | "y" | "是" | "t" | "√" => Some(true),
            "0" | "false" | "no" | "n" | "否" | "f" | "" => Some(false),
            _ => None,
        }
    }
    let t = raw.trim();
    // The accepted words are all lower case already: only other text needs lowering.
    if let Some(b) = known(t) {
        return Ok(b);
    }
    let lower = t.to_lowercase();
    known(&lower).ok_or(ValidationError::Flag(lower))
}

/// Validate a latitude / longitude pair.
pub fn check_coordinates(lat: f64, lon: f64) -> Result<(), ValidationError> {
    if !(-90.0..=90.0).contains(&lat) || lat.is_nan() {
        return Err(ValidationError::Latitude(lat));
    }
    if !(-180.0..=180.0).contains(&lon) || lon.is_nan() {
        return Err(ValidationError::Longitude(lon));
    }
    Ok(())
}

/// True when spreadsheet software would run this text as a formula.
pub fn looks_like_formula(s: &str) -> bool {
    matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// Neutralise formula-looking text for export by prefixing an apostrophe, the convention spreadsheets honour.
pub fn neutralise_formula(s: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(s) && parse_number(s).is_err() {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(parse_date("2022-11-10"), Ok(d(2022, 11, 10)));
        assert_eq!(parse_date("2022/1/5"), Ok(d(2022, 1, 5)));
        assert_eq!(parse_date("2022年11月10日"), Ok(d(2022, 11, 10)));
        assert_eq!(parse_date("2010-09"), Ok(d(2010, 9, 1)));
        assert_eq!(parse_date("1998"), Ok(d(1998, 1, 1)));
        assert_eq!(parse_date("2022-11-10 00:00:00"), Ok(d(2022, 11, 10)));
        assert_eq!(parse_date("44875"), Ok(d(2022, 11, 10)));
        assert!(parse_date("2022-13-01").is_err());
        assert!(parse_date("yesterday").is_err());
        assert!(parse_date("2022-02-30").is_err());
        assert!(parse_date("1700-01-01").is_err());
        assert_eq!(parse_date(" 2022-02-03 "), Ok(d(2022, 2, 3)));
    }

    #[test]
    fn flags() {
        assert_eq!(parse_flag(" 1 "), Ok(true));
        assert_eq!(parse_flag("TRUE"), Ok(true));
        assert_eq!(parse_flag("否"), Ok(false));
        assert_eq!(parse_flag(""), Ok(false));
        assert_eq!(parse_flag("Maybe"), Err(ValidationError::Flag("maybe".into())));
    }

    #[test]
    fn money_units() {
        assert_eq!(parse_money_wan("5000万元人民币"), Ok(5000.0));
        assert_eq!(parse_money_wan("1.2亿元"), Ok(12000.0));
        assert_eq!(parse_money_wan("1,000"), Ok(1000.0));
        assert_eq!(parse_money_wan("100万美元"), Ok(710.0));
        assert_eq!(parse_money_wan("8000000元"), Ok(800.0));
        assert_eq!(parse_money_wan("-5").unwrap_err().code(), "negative_amount");
        assert_eq!(parse_money_wan("五千万").unwrap_err().code(), "invalid_number");
    }

    #[test]
    fn formulas() {
        assert!(looks_like_formula("=HYPERLINK(\"x\")"));
        assert_eq!(neutralise_formula("=1+1"), "'=1+1");
        assert_eq!(neutralise_formula("-12.5"), "-12.5");
        assert_eq!(neutralise_formula("徐工"), "徐工");
    }
}
