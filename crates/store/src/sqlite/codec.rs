//! How an enterprise is laid out in its table row: the column list, the binding of a record to an `INSERT`/`UPDATE`,
//! the record read back from a row, and the compact forms of its memberships (`node:source:confidence;…`), yearly
//! series (a little-endian blob) and dates.

use chainscope_model::enterprise::{CoordPrecision, Enterprise, Flags, Provenance, YearFigure};
use chainscope_model::taxonomy::{ClassVersion, Membership, MembershipSource};
use chrono::NaiveDate;

/// Yearly series as a compact blob: per year an i16 year, an f64 revenue (NaN = unknown) and a u32 employee count
/// (u32::MAX = unknown), little-endian. Binary keeps bulk imports free of float formatting.
fn series_blob(s: &[YearFigure]) -> Option<Vec<u8>> {
    if s.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 14);
    for y in s {
        out.extend_from_slice(&(y.year as i16).to_le_bytes());
        out.extend_from_slice(&y.revenue.unwrap_or(f64::NAN).to_le_bytes());
        out.extend_from_slice(&y.employees.unwrap_or(u32::MAX).to_le_bytes());
    }
    Some(out)
}

/// Yearly figures from their stored form (14 bytes a year), without allocating.
pub(super) fn series_figures(b: &[u8]) -> impl Iterator<Item = YearFigure> + '_ {
    b.chunks_exact(14).map(|c| {
        let year = i16::from_le_bytes([c[0], c[1]]) as i32;
        let mut r = [0u8; 8];
        r.copy_from_slice(&c[2..10]);
        let revenue = f64::from_le_bytes(r);
        let employees = u32::from_le_bytes([c[10], c[11], c[12], c[13]]);
        YearFigure { year, revenue: (!revenue.is_nan()).then_some(revenue), employees: (employees != u32::MAX).then_some(employees) }
    })
}

pub(super) fn list_text(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(";"))
}

pub(super) fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

pub(super) const ENTERPRISE_COLS: &str = "key, name, name_en, uscc, uscc_org_ok, lei, ext_id, legal_rep, phone, address, country, region_code, lat, lon, \
     coord_precision, h3, industry_code, industry_version, scope, products, founded, registered_capital, revenue, employees, flags, parent, \
     series, suppliers, customers, source, as_of, synthetic, row_hash, nodes";
pub(super) const ENTERPRISE_NCOLS: usize = 34;

/// Memberships as `node:source:confidence;…`.
fn nodes_text(ms: &[Membership]) -> Option<String> {
    if ms.is_empty() {
        return None;
    }
    let mut s = String::with_capacity(ms.len() * 24);
    for (i, m) in ms.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(&m.node);
        s.push_str(match m.source {
            MembershipSource::CodeRule => ":c:",
            MembershipSource::KeywordRule => ":k:",
            MembershipSource::Manual => ":m:",
        });
        // Confidences are multiples of 0.1 (see the taxonomy's rules); two digits keep them exact enough.
        let c = (m.confidence * 100.0).round() as u32;
        s.push_str(&c.to_string());
    }
    Some(s)
}

/// The node ids of stored memberships, in their order, without allocating (malformed or empty entries are skipped).
pub(super) fn node_ids(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').filter_map(|m| m.rsplitn(3, ':').nth(2)).filter(|n| !n.is_empty())
}

fn parse_nodes(s: &str) -> Vec<Membership> {
    s.split(';')
        .filter_map(|part| {
            let mut it = part.rsplitn(3, ':');
            let conf: u32 = it.next()?.parse().ok()?;
            let source = match it.next()? {
                "c" => MembershipSource::CodeRule,
                "k" => MembershipSource::KeywordRule,
                _ => MembershipSource::Manual,
            };
            Some(Membership { node: it.next()?.to_string(), source, confidence: conf as f32 / 100.0 })
        })
        .collect()
}

/// `YYYY-MM-DD`, as `NaiveDate`'s `Display` writes it, without the formatting machinery.
pub(super) fn date_text(d: NaiveDate) -> String {
    use chrono::Datelike;
    let (y, m, dd) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return d.to_string();
    }
    let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, -1, m as i32 / 10, m as i32 % 10, -1, dd as i32 / 10, dd as i32 % 10];
    digits.iter().map(|&v| if v < 0 { '-' } else { (b'0' + v as u8) as char }).collect()
}

/// Bind one enterprise's [`ENTERPRISE_COLS`] to parameters `offset + 1 ..= offset + ENTERPRISE_NCOLS` (and the row id
/// to the next one, when given). Text and blobs are copied by SQLite, so the temporaries may go once bound.
pub(super) fn bind_enterprise_at(
    st: &mut rusqlite::Statement<'_>,
    offset: usize,
    e: &Enterprise,
    hash: i64,
    id: Option<i64>,
) -> rusqlite::Result<()> {
    let h3 = e.h3.map(|c| c as i64);
    let series = series_blob(&e.series);
    let sup = list_text(&e.suppliers);
    let cus = list_text(&e.customers);
    let founded = e.founded.map(date_text);
    let as_of = e.provenance.as_of.map(date_text);
    let nodes = nodes_text(&e.memberships);
    let p: [&dyn rusqlite::ToSql; ENTERPRISE_NCOLS] = [
        &e.key,
        &e.name,
        &e.name_en,
        &e.uscc,
        &e.uscc_org_ok,
        &e.lei,
        &e.ext_id,
        &e.legal_rep,
        &e.phone,
        &e.address,
        &e.country,
        &e.region_code,
        &e.lat,
        &e.lon,
        &e.coord_precision.as_str(),
        &h3,
        &e.industry_code,
        &e.industry_version.as_str(),
        &e.scope,
        &e.products,
        &founded,
        &e.registered_capital,
        &e.revenue,
        &e.employees,
        &e.flags.bits(),
        &e.parent,
        &series,
        &sup,
        &cus,
        &e.provenance.source,
        &as_of,
        &e.synthetic,
        &hash,
        &nodes,
    ];
    for (i, v) in p.iter().enumerate() {
        st.raw_bind_parameter(offset + i + 1, v)?;
    }
    if let Some(id) = id {
        st.raw_bind_parameter(offset + ENTERPRISE_NCOLS + 1, id)?;
    }
    Ok(())
}

pub(super) fn bind_enterprise(st: &mut rusqlite::Statement<'_>, e: &Enterprise, hash: i64, id: Option<i64>) -> rusqlite::Result<usize> {
    bind_enterprise_at(st, 0, e, hash, id)?;
    st.raw_execute()
}

/// Rows per statement on the bulk path: one multi-row `INSERT` spreads SQLite's per-statement cost.
pub(super) const BULK_ROWS: usize = 32;

/// `INSERT INTO enterprise (…) VALUES (…), (…) …` for `rows` rows.
pub(super) fn insert_sql(rows: usize) -> String {
    let mut sql = format!("INSERT INTO enterprise ({ENTERPRISE_COLS}) VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..ENTERPRISE_NCOLS {
            if c > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("?{}", r * ENTERPRISE_NCOLS + c + 1));
        }
        sql.push(')');
    }
    sql
}

/// One `SELECT id, {ENTERPRISE_COLS}` row as a record.
pub(super) fn enterprise_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Enterprise> {
    let split = |s: Option<String>| s.map(|s| s.split(';').map(str::to_string).collect()).unwrap_or_default();
    let e = Enterprise {
        key: r.get(1)?,
        name: r.get(2)?,
        name_en: r.get(3)?,
        uscc: r.get(4)?,
        uscc_org_ok: r.get(5)?,
        lei: r.get(6)?,
        ext_id: r.get(7)?,
        legal_rep: r.get(8)?,
        phone: r.get(9)?,
        address: r.get(10)?,
        country: r.get(11)?,
        region_code: r.get(12)?,
        lat: r.get(13)?,
        lon: r.get(14)?,
        coord_precision: CoordPrecision::parse(&r.get::<_, String>(15)?),
        h3: r.get::<_, Option<i64>>(16)?.map(|c| c as u64),
        industry_code: r.get(17)?,
        industry_version: ClassVersion::parse(&r.get::<_, String>(18)?).unwrap_or(ClassVersion::V2017),
        scope: r.get(19)?,
        products: r.get(20)?,
        founded: date(r.get(21)?),
        registered_capital: r.get(22)?,
        revenue: r.get(23)?,
        employees: r.get(24)?,
        flags: Flags::from_bits(r.get(25)?),
        parent: r.get(26)?,
        memberships: r.get::<_, Option<String>>(34)?.map(|s| parse_nodes(&s)).unwrap_or_default(),
        series: r.get::<_, Option<Vec<u8>>>(27)?.map(|b| series_figures(&b).collect()).unwrap_or_default(),
        suppliers: split(r.get(28)?),
        customers: split(r.get(29)?),
        provenance: Provenance { source: r.get(30)?, as_of: date(r.get(31)?) },
        synthetic: r.get(32)?,
    };
    Ok(e)
}
