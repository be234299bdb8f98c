//! Integration tests of the `chainscope` binary: the real executable on real files, in temporary data
//! directories holding a real SQLite store file. Fixtures are in `tests/fixtures/` (small, hand-written; the
//! legacy-encoding ones are byte-exact, see the `.gitattributes` there).

use chainscope_model::enterprise::CoordPrecision;
use chainscope_model::taxonomy::MembershipSource;
use chainscope_model::Enterprise;
use chainscope_store::prelude::*;
use chainscope_store::{KindCounts, SqliteStore};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{fixture, text, Env};

fn n(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("'{key}' is not a count in {v}"))
}

/// (inserted, updated, unchanged) of an import summary.
fn writes(v: &Value) -> (u64, u64, u64) {
    (n(v, "inserted"), n(v, "updated"), n(v, "unchanged"))
}

/// (line, field, code) of every issue in a JSON list, with a check that each has a message.
fn issues(list: &Value) -> Vec<(u64, String, String)> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|i| {
            assert!(i["message"].as_str().is_some_and(|m| !m.is_empty()), "issue without a message: {i}");
            (n(i, "line"), i["field"].as_str().expect("field").to_string(), i["code"].as_str().expect("code").to_string())
        })
        .collect()
}

fn expect_issues(list: &[(u64, &str, &str)]) -> Vec<(u64, String, String)> {
    list.iter().map(|(l, f, c)| (*l, f.to_string(), c.to_string())).collect()
}

/// Rows of a CSV file as maps from header to cell.
fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = r.headers().expect("headers").iter().map(str::to_string).collect();
    let rows = r.records().map(|x| x.expect("record").iter().map(str::to_string).collect()).collect();
    (headers, rows)
}

fn cell<'a>(headers: &[String], row: &'a [String], name: &str) -> &'a str {
    let i = headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {headers:?}"));
    row.get(i).map(String::as_str).unwrap_or("")
}

fn by_uscc<'a>(all: &'a [Enterprise], uscc: &str) -> &'a Enterprise {
    all.iter().find(|e| e.uscc.as_deref() == Some(uscc)).unwrap_or_else(|| panic!("no enterprise with USCC {uscc}"))
}

fn by_name<'a>(all: &'a [Enterprise], name: &str) -> &'a Enterprise {
    all.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no enterprise named {name}"))
}

fn has_node(e: &Enterprise, node: &str) -> bool {
    e.memberships.iter().any(|m| m.node == node)
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Valid import, idempotence, export round trip.

#[test]
fn valid_import_is_idempotent_and_its_export_reimports_unchanged() {
    let env = Env::empty();
    let src = env.fixture("enterprises_valid.csv");

    let first = env.json(&["import", "--kind", "enterprises", &src, "--json"]);
    assert_eq!((n(&first, "read"), n(&first, "valid"), n(&first, "rejected_count")), (5, 5, 0), "{first}");
    assert_eq!(writes(&first), (5, 0, 0));
    assert_eq!(first["committed"], true);
    assert_eq!(first["encoding"], "UTF-8");
    assert_eq!(env.counts().enterprises, 5);

    // What was stored, field by field.
    let all = env.enterprises();
    let hyd = by_uscc(&all, "91320302MA1X2Y3T9G");
    assert_eq!(hyd.region_code.as_deref(), Some("320302"), "province/city/district names resolve to 鼓楼区");
    assert_eq!(hyd.coord_precision, CoordPrecision::RegionCentroid);
    assert_eq!(hyd.registered_capital, Some(5000.0));
    assert_eq!(hyd.revenue, Some(13500.0), "revenue comes from the latest series year");
    assert_eq!(hyd.employees, Some(380));
    assert!(hyd.flags.srdi && hyd.flags.high_tech && !hyd.flags.chain_leader && hyd.flags.local);
    assert!(has_node(hyd, "cm.hydraulics"), "C3444 tags cm.hydraulics: {:?}", hyd.memberships);
    assert_eq!(hyd.legal_rep.as_deref(), Some("张三"));

    let crane = by_uscc(&all, "91320312MA2B3C4D1W");
    assert_eq!(crane.key, "uscc:91320312MA2B3C4D1W");
    assert_eq!(crane.ext_id.as_deref(), Some("xz-crane-01"));
    assert_eq!((crane.lat, crane.lon, crane.coord_precision), (Some(34.25), Some(117.45), CoordPrecision::Exact));
    assert_eq!(crane.registered_capital, Some(12000.0), "1.2亿元 = 12000 万元");
    assert_eq!(crane.founded.map(|d| d.to_string()).as_deref(), Some("2008-03-01"));
    assert!(crane.flags.chain_leader && crane.flags.high_tech);
    let manual = crane.memberships.iter().find(|m| m.node == "cm.crane").expect("manual node cm.crane");
    assert_eq!((manual.source, manual.confidence), (MembershipSource::Manual, 1.0));

    let de = by_name(&all, "Testwerk Hydraulik GmbH");
    assert_eq!(de.key, "lei:5299000J2N45DDNE4Y28");
    assert_eq!((de.country.as_str(), de.region_code.as_deref()), ("DE", Some("DE")));
    assert_eq!(de.registered_capital, Some(770.0), "100万欧元 at the documented 7.7 rate");
    assert!(de.flags.listed && !de.flags.local);

    let food = by_name(&all, "铜山测试食品厂");
    assert_eq!(food.key, "name:铜山测试食品厂|320312");
    assert_eq!(food.registered_capital, Some(800.0), "8000000元 = 800 万元");
    assert_eq!(food.founded.map(|d| d.to_string()).as_deref(), Some("2019-07-01"));

    let cf = by_uscc(&all, "91320302MA3E5F6G22");
    assert_eq!(cf.region_code.as_deref(), Some("320305"), "江苏 / 徐州 / 贾汪区 without suffixes");
    assert_eq!(cf.parent.as_deref(), Some("91320312MA2B3C4D1W"));

    // The same file again: nothing changes.
    let again = env.json(&["import", "--kind", "enterprises", &src, "--json"]);
    assert_eq!(writes(&again), (0, 0, 5), "re-import must be idempotent: {again}");
    assert_eq!(env.counts().enterprises, 5);

    // Export (with personal data) and re-import the export: all unchanged, and the data exports identically.
    let exported = env.export("enterprises", "all.csv", &["--include-personal"]);
    let all_csv = env.file("all.csv").display().to_string();
    let back = env.json(&["import", "--kind", "enterprises", &all_csv, "--json"]);
    assert_eq!(n(&back, "read"), 5);
    assert!(back["unknown_columns"].as_array().is_some_and(Vec::is_empty), "the export's headers are all known: {back}");
    assert_eq!(writes(&back), (0, 0, 5), "re-importing an export must change nothing: {back}");
    assert_eq!(env.export("enterprises", "all2.csv", &["--include-personal"]), exported);

    // Without --include-personal the legal representative and phone are left out.
    let (h, rows) = csv_rows(&env.export("enterprises", "public.csv", &[]));
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| cell(&h, r, "legal_rep").is_empty() && cell(&h, r, "phone").is_empty()));
    let (h, rows) = csv_rows(&exported);
    let row = rows.iter().find(|r| cell(&h, r, "uscc") == "91320302MA1X2Y3T9G").expect("exported row");
    assert_eq!((cell(&h, row, "legal_rep"), cell(&h, row, "phone")), ("张三", "0516-80000001"));
    assert_eq!(cell(&h, row, "lat"), "", "centroid positions are not exported as coordinates");
}

// ---------------------------------------------------------------------------------------------------------------
// 2. The bad-row corpus.

/// Line, field and code of every defect in `enterprises_bad.csv` (line 1 is the header).
const BAD_ROWS: &[(u64, &str, &str)] = &[
    (3, "uscc", "invalid_uscc"),
    (4, "lat", "invalid_coordinate"),
    (5, "name", "missing"),
    (7, "uscc", "duplicate_in_file"),
    (8, "region_code", "unknown_region"),
    (9, "registered_capital", "negative_amount"),
    (11, "", "malformed"),
];
const FORMULA_NAME: &str = "=HYPERLINK(\"http://evil.example/x\",\"点击\")";
const FORMULA_USCC: &str = "91320312MA0E9F1G71";

#[test]
fn check_reports_each_bad_row_with_its_line_field_and_code() {
    let env = Env::empty();
    let bad = env.fixture("enterprises_bad.csv");
    let v = env.json_with_code(&["check", "--kind", "enterprises", &bad, "--json"], 2);
    let mut keys: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["read", "rejected", "valid", "warnings"]);
    assert_eq!((n(&v, "read"), n(&v, "valid")), (10, 3), "{v}");
    assert_eq!(issues(&v["rejected"]), expect_issues(BAD_ROWS));
    for i in v["rejected"].as_array().expect("list") {
        let obj = i.as_object().expect("issue object");
        assert_eq!(obj.len(), 4, "an issue is exactly {{line, field, code, message}}: {i}");
    }
    let msg = |line: u64| v["rejected"].as_array().and_then(|a| a.iter().find(|i| i["line"] == line)).expect("issue")["message"].clone();
    assert!(msg(3).as_str().is_some_and(|m| m.contains("'3'") && m.contains("'4'")), "names expected and found check characters");
    assert!(msg(8).as_str().is_some_and(|m| m.contains("999999")));
    // Formula-looking text is accepted, with a warning per field.
    assert_eq!(issues(&v["warnings"]), expect_issues(&[(10, "name", "formula_text"), (10, "address", "formula_text")]));
    // A check writes nothing: no rows, no reject file.
    assert_eq!(env.counts().enterprises, 0);
    assert!(!env.file("enterprises_bad.rejects.csv").exists(), "check must not write a reject file");
}

#[test]
fn strict_import_with_bad_rows_leaves_the_stored_data_byte_for_byte_unchanged() {
    let env = Env::empty();
    let valid = env.fixture("enterprises_valid.csv");
    env.ok(&["import", "--kind", "enterprises", &valid]);
    let before = env.export("enterprises", "before.csv", &["--include-personal"]);
    let counts_before = env.counts();

    let bad = env.fixture("enterprises_bad.csv");
    let o = env.run(&["import", "--kind", "enterprises", &bad, "--json"]);
    assert_eq!(o.status.code(), Some(2), "strict import with rejected rows exits 2; stderr:\n{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("json summary");
    assert_eq!(v["committed"], false);
    assert_eq!(writes(&v), (0, 0, 0));
    assert_eq!(n(&v, "rejected_count"), 7);
    let rejected_lines: Vec<u64> = v["rejected"].as_array().expect("rejected").iter().map(|r| n(r, "line")).collect();
    assert_eq!(rejected_lines, [3, 4, 5, 7, 8, 9, 11]);
    assert!(text(&o.stderr).contains("nothing was written"), "stderr:\n{}", text(&o.stderr));

    assert_eq!(env.export("enterprises", "after.csv", &["--include-personal"]), before, "strict import changed stored data");
    let after = env.counts();
    assert_eq!((after.enterprises, after.memberships), (counts_before.enterprises, counts_before.memberships));
}

#[test]
fn skip_invalid_stores_the_valid_rows_and_writes_every_rejected_row_with_reasons() {
    let env = Env::empty();
    let valid = env.fixture("enterprises_valid.csv");
    env.ok(&["import", "--kind", "enterprises", &valid]);
    let bad = env.fixture("enterprises_bad.csv");
    let rejects = env.file("R.csv");
    let r = rejects.display().to_string();
    let v = env.json_with_code(&["import", "--kind", "enterprises", &bad, "--skip-invalid", "--rejects", &r, "--json"], 2);
    assert_eq!(v["committed"], true, "{v}");
    assert_eq!(writes(&v), (3, 0, 0));
    assert_eq!(n(&v, "rejected_count"), 7);
    assert_eq!(v["rejects_file"].as_str(), Some(r.as_str()));
    assert_eq!(env.counts().enterprises, 5 + 3);
    let all = env.enterprises();
    for uscc in ["91320312MA4H7J8K49", "91320302MA7T3U4W1Y", FORMULA_USCC] {
        by_uscc(&all, uscc);
    }
    assert_eq!(by_uscc(&all, "91320302MA7T3U4W1Y").name, "重复代码甲有限公司", "the first of two duplicate rows is kept");
    for uscc in ["91320302MA5L9M0N2C", "91320312MA6P1Q2R0R", "91320312MA8X5Y6A1A", "91320302MA9B7C8D1E", "91320302MA1B2C3D8F"] {
        assert!(all.iter().all(|e| e.uscc.as_deref() != Some(uscc)), "rejected row {uscc} was stored");
    }

    // The reject file: reasons first, then the original columns.
    let (h, rows) = csv_rows(&std::fs::read(&rejects).expect("reject file"));
    let original = ["name", "uscc", "address", "region_code", "lat", "lon", "registered_capital", "industry_code", "founded"];
    let mut expected_header = vec!["_line", "_field", "_code", "_message"];
    expected_header.extend(original);
    assert_eq!(h, expected_header);
    let got: Vec<(u64, String, String)> = rows
        .iter()
        .map(|row| {
            assert!(!cell(&h, row, "_message").is_empty());
            (cell(&h, row, "_line").parse().expect("line"), cell(&h, row, "_field").to_string(), cell(&h, row, "_code").to_string())
        })
        .collect();
    assert_eq!(got, expect_issues(BAD_ROWS));
    let row = |line: &str| rows.iter().find(|r| cell(&h, r, "_line") == line).expect("reject row");
    assert_eq!(cell(&h, row("9"), "name"), "负资本有限公司");
    assert_eq!(cell(&h, row("9"), "registered_capital"), "-500", "a negative number is not neutralised as a formula");
    assert_eq!(cell(&h, row("3"), "uscc"), "91350100M000100Y44");
    assert_eq!(cell(&h, row("4"), "lat"), "91");
    assert_eq!(cell(&h, row("8"), "region_code"), "999999");
    assert_eq!(cell(&h, row("7"), "name"), "重复代码乙有限公司");
    let truncated = row("11");
    assert_eq!(
        (cell(&h, truncated, "name"), cell(&h, truncated, "uscc"), cell(&h, truncated, "address")),
        ("截断测试有限公司", "91320302MA1B2C3D8F", "徐州市")
    );
}

#[test]
fn formula_text_is_stored_as_text_and_neutralised_on_export() {
    let env = Env::empty();
    let bad = env.fixture("enterprises_bad.csv");
    let rejects = env.file("R.csv").display().to_string();
    let v = env.json_with_code(&["import", "--kind", "enterprises", &bad, "--skip-invalid", "--rejects", &rejects, "--json"], 2);
    assert_eq!(issues(&v["warnings"]), expect_issues(&[(10, "name", "formula_text"), (10, "address", "formula_text")]));

    // Stored verbatim.
    let all = env.enterprises();
    let e = by_uscc(&all, FORMULA_USCC);
    assert_eq!(e.name, FORMULA_NAME);
    assert_eq!(e.address.as_deref(), Some("@SUM(1+1)"));

    // CSV export: a leading apostrophe.
    let (h, rows) = csv_rows(&env.export("enterprises", "x.csv", &[]));
    let row = rows.iter().find(|r| cell(&h, r, "uscc") == FORMULA_USCC).expect("exported row");
    assert_eq!(cell(&h, row, "name"), format!("'{FORMULA_NAME}"));
    assert_eq!(cell(&h, row, "address"), "'@SUM(1+1)");
    let plain = rows.iter().find(|r| cell(&h, r, "uscc") == "91320312MA4H7J8K49").expect("plain row");
    assert_eq!(cell(&h, plain, "name"), "徐州好数据有限公司", "ordinary text is not touched");

    // XLSX export: the text is a string cell, never a formula.
    use calamine::{open_workbook_auto, Data, Reader};
    env.export("enterprises", "x.xlsx", &[]);
    let mut wb = open_workbook_auto(env.file("x.xlsx")).expect("open the XLSX export");
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).expect("sheet");
    let found = range.rows().any(|r| matches!(r.first(), Some(Data::String(s)) if s == FORMULA_NAME));
    assert!(found, "the formula text is stored as a string cell");
    let formulas = wb.worksheet_formula(&sheet).expect("formulas");
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "the XLSX export contains a formula");
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Encodings.

fn assert_refused_as_wrong_encoding(fixture_name: &str) {
    let env = Env::empty();
    let valid = env.fixture("enterprises_valid.csv");
    env.ok(&["import", "--kind", "enterprises", &valid]);
    let before = env.export("enterprises", "before.csv", &["--include-personal"]);
    let f = env.fixture(fixture_name);
    for cmd in ["import", "check"] {
        let o = env.run(&[cmd, "--kind", "enterprises", &f]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{cmd} of {fixture_name} must fail; stdout:\n{}\nstderr:\n{err}", text(&o.stdout));
        assert!(err.contains("UTF-8") && err.contains("GBK"), "stderr must explain the encoding problem:\n{err}");
    }
    assert_eq!(env.counts().enterprises, 5, "nothing may be stored from {fixture_name}");
    assert_eq!(env.export("enterprises", "after.csv", &["--include-personal"]), before, "stored data changed");
    assert!(!env.file(&fixture_name.replace(".csv", ".rejects.csv")).exists());
}

#[test]
fn latin1_file_is_refused_and_nothing_is_stored() {
    assert_refused_as_wrong_encoding("enterprises_latin1.csv");
}

#[test]
fn shift_jis_file_is_refused_and_nothing_is_stored() {
    assert_refused_as_wrong_encoding("enterprises_shift_jis.csv");
}

#[test]
fn gbk_file_with_chinese_headers_imports_located_and_tagged() {
    let env = Env::empty();
    let f = env.fixture("enterprises_gbk.csv");
    let v = env.json(&["import", "--kind", "enterprises", &f, "--json"]);
    assert_eq!(v["encoding"], "GBK/GB18030");
    assert!(v["unknown_columns"].as_array().is_some_and(Vec::is_empty), "all Chinese headers are known: {v}");
    assert_eq!(writes(&v), (2, 0, 0), "{v}");

    let all = env.enterprises();
    let dig = by_uscc(&all, "91320302MA1B2C3D8F");
    assert_eq!(dig.name, "徐州测试挖掘机械有限公司", "GBK text decoded");
    assert_eq!(dig.address.as_deref(), Some("江苏省徐州市铜山区测试路8号"));
    assert_eq!(dig.region_code.as_deref(), Some("320312"), "铜山区 in 徐州市");
    assert_eq!(dig.coord_precision, CoordPrecision::RegionCentroid);
    // The centroid of 320312 in data/reference/regions_cn.csv.
    assert_eq!((dig.lat, dig.lon), (Some(34.30811), Some(117.53278)));
    assert!(dig.h3.is_some());
    assert_eq!(dig.registered_capital, Some(5000.0));
    assert_eq!(dig.employees, Some(120));
    assert_eq!(dig.founded.map(|d| d.to_string()).as_deref(), Some("2010-05-01"));
    assert_eq!(dig.industry_code.as_deref(), Some("3514"));
    let em = dig.memberships.iter().find(|m| m.node == "cm.earthmoving").expect("C3514 tags cm.earthmoving");
    assert_eq!(em.source, MembershipSource::CodeRule);
    assert!((em.confidence - 0.9).abs() < 1e-6, "a 4-digit code match has confidence 0.9: {em:?}");
    assert!(dig.flags.local);

    let parts = by_uscc(&all, "91320312MA2E3F4G70");
    assert_eq!(parts.region_code.as_deref(), Some("320302"));
    assert_eq!((parts.lat, parts.lon, parts.coord_precision), (Some(34.28), Some(117.19), CoordPrecision::Exact));
    assert_eq!(parts.founded.map(|d| d.to_string()).as_deref(), Some("2018-07-09"));
    assert!(has_node(parts, "cm.hydraulics"), "C3444: {:?}", parts.memberships);

    // The export carries exact coordinates only.
    let (h, rows) = csv_rows(&env.export("enterprises", "gbk-out.csv", &[]));
    let row = rows.iter().find(|r| cell(&h, r, "uscc") == "91320302MA1B2C3D8F").expect("row");
    assert_eq!((cell(&h, row, "lat"), cell(&h, row, "lon"), cell(&h, row, "region_code")), ("", "", "320312"));
    let row = rows.iter().find(|r| cell(&h, r, "uscc") == "91320312MA2E3F4G70").expect("row");
    assert_eq!((cell(&h, row, "lat"), cell(&h, row, "lon")), ("34.28", "117.19"));

    // Stats count the tagged enterprise under its cluster.
    let s = env.json(&["stats", "--json"]);
    let cm = s["tiers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|t| t["clusters"].as_array().into_iter().flatten())
        .find(|c| c["id"] == "construction-machinery")
        .expect("cluster");
    assert_eq!(n(cm, "enterprises"), 2);
}

#[test]
fn utf8_bom_file_imports() {
    let env = Env::empty();
    let f = env.fixture("enterprises_utf8_bom.csv");
    let v = env.json(&["import", "--kind", "enterprises", &f, "--json"]);
    assert_eq!(v["encoding"], "UTF-8 (BOM)");
    assert!(v["unknown_columns"].as_array().is_some_and(Vec::is_empty), "{v}");
    assert_eq!(writes(&v), (2, 0, 0));
    let all = env.enterprises();
    let a = by_uscc(&all, "91320302MA1X2Y3T9G");
    assert_eq!(a.name, "徐州测试BOM机械有限公司", "no BOM left in the first cell");
    assert!(has_node(a, "cm.road"), "C3514 + 压路机: {:?}", a.memberships);
    let b = by_name(&all, "徐州测试BOM电子有限公司");
    assert_eq!(b.region_code.as_deref(), Some("320312"));
}

#[test]
fn invalid_bytes_after_the_encoding_sample_reject_only_their_row() {
    let env = Env::empty();
    let path = env.file("late-latin1.csv");
    let mut bytes = b"name,ext_id,address,region_code\n".to_vec();
    let rows = 1500u64;
    for i in 0..rows {
        bytes.extend_from_slice(format!("Late Sample Co {i},late-{i},Sample Road {i} Xuzhou,320302\n").as_bytes());
    }
    assert!(bytes.len() > 1 << 16, "the bad row must come after the 64 KiB encoding sample");
    let bad_line = rows + 2;
    bytes.extend_from_slice(b"Mueller Late Co,late-bad,M\xfcller Stra\xdfe 1,320302\n");
    bytes.extend_from_slice(b"After Co,late-after,After Road,320302\n");
    std::fs::write(&path, &bytes).expect("write");
    let p = path.display().to_string();

    let v = env.json_with_code(&["check", "--kind", "enterprises", &p, "--json"], 2);
    assert_eq!((n(&v, "read"), n(&v, "valid")), (rows + 2, rows + 1));
    assert_eq!(issues(&v["rejected"]), expect_issues(&[(bad_line, "address", "invalid_encoding")]));

    let v = env.json_with_code(&["import", "--kind", "enterprises", &p, "--skip-invalid", "--json"], 2);
    assert_eq!(writes(&v), (rows + 1, 0, 0));
    assert_eq!(env.counts().enterprises, rows + 1);
    assert!(env.file("late-latin1.rejects.csv").exists(), "default reject file next to the input");
}

// ---------------------------------------------------------------------------------------------------------------
// 4. XLSX.

#[test]
fn xlsx_named_sheet_imports_and_the_parks_export_reads_back() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let env = Env::empty();
    let path = env.file("upload.xlsx");
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let mut book = Workbook::new();
    {
        let notes = book.add_worksheet();
        notes.set_name("说明").expect("name");
        notes.write_string(0, 0, "第二张表为园区，第三张表为企业").expect("write");
    }
    {
        let ws = book.add_worksheet();
        ws.set_name("园区清单").expect("name");
        let headers = ["id", "kind", "name_zh", "park_id", "region_code", "lat", "lon", "lead_clusters", "land_area_ha", "as_of"];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(0, c as u16, *h).expect("header");
        }
        /// id, kind, name, host park, lat, lon, clusters, land area.
        type ParkRow = (&'static str, &'static str, &'static str, &'static str, f64, f64, &'static str, Option<f64>);
        let rows: [ParkRow; 3] = [
            ("px-1", "park", "测试高新区装备园", "", 34.3, 117.5, "construction-machinery", Some(500.0)),
            ("px-2", "park", "测试新材料园", "", 34.41, 117.62, "new-materials;green-energy", Some(320.5)),
            ("px-3", "standard_factory", "测试标准厂房一期", "px-1", 34.301, 117.501, "construction-machinery", None),
        ];
        for (i, (id, kind, name, park, lat, lon, clusters, area)) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, *id).expect("w");
            ws.write_string(r, 1, *kind).expect("w");
            ws.write_string(r, 2, *name).expect("w");
            if !park.is_empty() {
                ws.write_string(r, 3, *park).expect("w");
            }
            ws.write_string(r, 4, "320312").expect("w");
            ws.write_number(r, 5, *lat).expect("w");
            ws.write_number(r, 6, *lon).expect("w");
            ws.write_string(r, 7, *clusters).expect("w");
            if let Some(a) = area {
                ws.write_number(r, 8, *a).expect("w");
            }
            ws.write_datetime_with_format(r, 9, ExcelDateTime::from_ymd(2022, 11, 10).expect("date"), &date_fmt).expect("w");
        }
    }
    {
        let ws = book.add_worksheet();
        ws.set_name("企业").expect("name");
        for (c, h) in ["企业名称", "统一社会信用代码", "注册资本", "成立日期", "行政区划代码", "纬度", "经度"].iter().enumerate()
        {
            ws.write_string(0, c as u16, *h).expect("header");
        }
        ws.write_string(1, 0, "徐州测试表格机械有限公司").expect("w");
        ws.write_string(1, 1, "91320302MA1X2Y3T9G").expect("w");
        ws.write_number(1, 2, 5000.0).expect("w");
        ws.write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2010, 5, 1).expect("date"), &date_fmt).expect("w");
        ws.write_string(1, 4, "320312").expect("w");
        ws.write_number(1, 5, 34.2).expect("w");
        ws.write_number(1, 6, 117.3).expect("w");
        ws.write_string(2, 0, "纬度越界表格有限公司").expect("w");
        ws.write_string(2, 4, "320312").expect("w");
        ws.write_number(2, 5, 95.0).expect("w");
        ws.write_number(2, 6, 117.3).expect("w");
    }
    book.save(&path).expect("save xlsx");
    let p = path.display().to_string();

    // The first sheet is the notes: no id column.
    let o = env.run(&["import", "--kind", "parks", &p]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("'id'"), "stderr:\n{}", text(&o.stderr));
    // An unknown sheet name lists the sheets.
    let o = env.run(&["import", "--kind", "parks", &p, "--sheet", "没有这张表"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("没有这张表") && err.contains("园区清单"), "stderr:\n{err}");
    assert_eq!(env.counts().parks + env.counts().carriers, 0);

    let v = env.json(&["import", "--kind", "parks", &p, "--sheet", "园区清单", "--json"]);
    assert_eq!(writes(&v), (3, 0, 0), "{v}");
    let c = env.counts();
    assert_eq!((c.parks, c.carriers), (2, 1));
    let parks = env.store().parks().expect("parks");
    let p1 = parks.iter().find(|x| x.id == "px-1").expect("px-1");
    assert_eq!((p1.lat, p1.lon, p1.land_area_ha), (Some(34.3), Some(117.5), Some(500.0)));
    assert_eq!(p1.provenance.as_of.map(|d| d.to_string()).as_deref(), Some("2022-11-10"), "date cell read as a date");
    let p2 = parks.iter().find(|x| x.id == "px-2").expect("px-2");
    assert_eq!(p2.lead_clusters, ["new-materials", "green-energy"]);
    assert_eq!(p2.land_area_ha, Some(320.5));
    assert_eq!(parks.iter().find(|x| x.id == "px-3").expect("px-3").park_id.as_deref(), Some("px-1"));

    // Enterprises from the third sheet: typed cells, spreadsheet line numbers.
    let v = env.json_with_code(&["check", "--kind", "enterprises", &p, "--sheet", "企业", "--json"], 2);
    assert_eq!(issues(&v["rejected"]), expect_issues(&[(3, "lat", "invalid_coordinate")]));
    let v = env.json_with_code(&["import", "--kind", "enterprises", &p, "--sheet", "企业", "--skip-invalid", "--json"], 2);
    assert_eq!(writes(&v), (1, 0, 0));
    let all = env.enterprises();
    let e = by_uscc(&all, "91320302MA1X2Y3T9G");
    assert_eq!(e.registered_capital, Some(5000.0));
    assert_eq!(e.founded.map(|d| d.to_string()).as_deref(), Some("2010-05-01"));
    assert_eq!((e.lat, e.lon), (Some(34.2), Some(117.3)));

    // Export parks to XLSX and read it back.
    use calamine::{open_workbook_auto, Data, Reader};
    env.export("parks", "parks.xlsx", &[]);
    let mut wb = open_workbook_auto(env.file("parks.xlsx")).expect("open the parks export");
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).expect("sheet");
    let rows: Vec<&[Data]> = range.rows().collect();
    let stored = env.store().parks().expect("parks");
    assert_eq!(rows.len() - 1, stored.len(), "one row per stored park/carrier plus the header");
    assert_eq!(rows[0].first(), Some(&Data::String("id".into())));
    let mut ids: Vec<String> = rows[1..].iter().map(|r| r[0].to_string()).collect();
    ids.sort();
    assert_eq!(ids, ["px-1", "px-2", "px-3"]);
    let lat_col = rows[0].iter().position(|h| *h == Data::String("lat".into())).expect("lat column");
    let px1 = rows[1..].iter().find(|r| r[0] == Data::String("px-1".into())).expect("px-1 row");
    assert_eq!(px1[lat_col], Data::Float(34.3), "numbers are exported as numbers");

    // And the export imports back unchanged.
    let back = env.json(&["import", "--kind", "parks", &env.file("parks.xlsx").display().to_string(), "--json"]);
    assert_eq!(writes(&back), (0, 0, 3), "{back}");
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Crash safety.

#[cfg(unix)]
#[test]
fn crash_sigkill_during_a_large_import_leaves_the_previous_or_the_complete_state() {
    use std::os::unix::process::ExitStatusExt;
    const ENTERPRISES: &str = "200000";
    const WAL_THRESHOLD: u64 = 8 << 20;

    // Two empty stores: one is killed mid-import, one imports without interruption.
    let crash = Env::empty();
    let fresh = Env::empty();
    let previous = crash.counts();
    assert_eq!(previous.enterprises, 0);
    let big = crash.file("big.csv").display().to_string();
    crash.ok(&["-q", "generate", "--enterprises", ENTERPRISES, "--seed", "5", "--out", &big]);

    let initial_schema = sqlite_health(&fresh.db());

    // The uninterrupted reference import runs alongside (each import is about one core).
    let reference = fresh
        .cmd(&["-q", "import", "--kind", "enterprises", &big, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map(Running::new)
        .expect("spawn the reference import");

    let started = Instant::now();
    let mut child =
        crash.cmd(&["-q", "import", "--kind", "enterprises", &big]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let wal = PathBuf::from(format!("{}-wal", crash.db().display()));
    let deadline = started + Duration::from_secs(300);
    let mut wal_at_kill = 0;
    let early_exit = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break Some(status);
        }
        let len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if len > WAL_THRESHOLD || Instant::now() > deadline {
            wal_at_kill = len;
            child.kill().expect("SIGKILL the import");
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let status = child.wait().expect("wait");
    assert!(early_exit.is_none(), "the import ended ({status:?}) before its WAL passed {WAL_THRESHOLD} bytes: no mid-write kill");
    assert!(wal_at_kill > WAL_THRESHOLD, "the WAL never grew past {WAL_THRESHOLD} bytes in 300 s");
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL");
    eprintln!("killed after {:.1} s with a {} MiB WAL", started.elapsed().as_secs_f64(), wal_at_kill >> 20);

    // What the killed store holds, read before anything else touches it.
    let store = SqliteStore::open(&crash.db()).expect("the store opens after SIGKILL");
    let after = store.counts().expect("counts");
    let mut readable = 0u64;
    store.for_each_enterprise(&mut |_| readable += 1).expect("every row reads back");
    assert_eq!(readable, after.enterprises);
    drop(store);
    let health = sqlite_health(&crash.db());
    assert_eq!(health.0, "ok", "integrity check after SIGKILL");

    // Re-run the import (alongside the end of the reference import).
    let rerun = crash
        .cmd(&["-q", "import", "--kind", "enterprises", &big, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map(Running::new)
        .expect("spawn the re-run");

    let out = reference.output();
    assert!(out.status.success(), "reference import failed:\n{}", text(&out.stderr));
    let reference: Value = serde_json::from_slice(&out.stdout).expect("reference summary");
    assert_eq!(n(&reference, "rejected_count"), 0);
    let complete = fresh.counts();
    assert!(complete.enterprises > previous.enterprises);

    // The killed store held exactly the previous or the complete state.
    let state = |c: &KindCounts| (c.enterprises, c.memberships);
    assert!(
        state(&after) == state(&previous) || state(&after) == state(&complete),
        "half an import is visible: {:?}, previous {:?}, complete {:?}",
        state(&after),
        state(&previous),
        state(&complete)
    );
    let was_previous = state(&after) == state(&previous);
    if was_previous {
        assert_eq!(health, initial_schema, "the rolled-back import left the schema changed");
    }

    // The re-run ends where the uninterrupted import ended.
    let out = rerun.output();
    assert!(out.status.success(), "re-run failed:\n{}", text(&out.stderr));
    let rerun: Value = serde_json::from_slice(&out.stdout).expect("re-run summary");
    assert_eq!((n(&rerun, "read"), n(&rerun, "valid")), (n(&reference, "read"), n(&reference, "valid")));
    let total = |v: &Value| {
        let (i, u, c) = writes(v);
        i + u + c
    };
    assert_eq!(total(&rerun), total(&reference), "re-run {rerun}\nreference {reference}");
    if was_previous {
        assert_eq!(writes(&rerun), writes(&reference));
    } else {
        assert_eq!(writes(&rerun), (0, 0, n(&reference, "inserted")));
    }
    assert_eq!(state(&crash.counts()), state(&complete));
    // Same schema (indexes included) and a sound file, whatever the importer did to the schema on the way.
    assert_eq!(sqlite_health(&crash.db()), sqlite_health(&fresh.db()));
}

/// A child process that is killed if the test fails before collecting its output.
struct Running(Option<std::process::Child>);

impl Running {
    fn new(child: std::process::Child) -> Self {
        Self(Some(child))
    }
    fn output(mut self) -> Output {
        self.0.take().expect("child").wait_with_output().expect("wait for the child")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(c) = &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `PRAGMA integrity_check` and the schema (tables, indexes) of a store file, read with SQLite directly.
fn sqlite_health(db: &Path) -> (String, Vec<(String, String, Option<String>)>) {
    let conn = rusqlite::Connection::open(db).expect("open with rusqlite");
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    let mut st = conn.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").expect("schema");
    let schema = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).expect("schema rows").map(|r| r.expect("row")).collect();
    (check, schema)
}

/// A store file created by an earlier Chainscope (schema version 1, `tests/fixtures/store_schema_v1.sql` is the
/// migration as first released) must keep working: schema changes go into new migrations, never into an applied one.
#[test]
fn a_store_created_with_schema_version_1_still_imports_and_exports() {
    let env = Env::new();
    std::fs::create_dir_all(env.data()).expect("data dir");
    {
        let conn = rusqlite::Connection::open(env.db()).expect("create a v1 store");
        conn.execute_batch(&std::fs::read_to_string(fixture("store_schema_v1.sql")).expect("v1 schema")).expect("v1 schema");
        conn.pragma_update(None, "user_version", 1).expect("user_version");
        conn.execute_batch("INSERT INTO meta (key, value) VALUES ('init_complete', '2026-01-01T00:00:00Z'), ('init_mode', 'empty');")
            .expect("meta");
    }
    let f = env.fixture("enterprises_valid.csv");
    let v = env.json(&["import", "--kind", "enterprises", &f, "--json"]);
    assert_eq!(writes(&v), (5, 0, 0), "{v}");
    let (h, rows) = csv_rows(&env.export("enterprises", "v1.csv", &[]));
    assert_eq!(rows.len(), 5);
    let crane = rows.iter().find(|r| cell(&h, r, "uscc") == "91320312MA2B3C4D1W").expect("row");
    assert_eq!(cell(&h, crane, "nodes"), "cm.crane");
    let v = env.json(&["import", "--kind", "enterprises", &f, "--json"]);
    assert_eq!(writes(&v), (0, 0, 5), "{v}");
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Default data on first run.

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array().and_then(|a| a.iter().find(|x| x[key] == value)).unwrap_or_else(|| panic!("no {key} = {value} in the list"))
}

#[test]
fn first_run_initialises_the_default_dataset_with_the_published_figures() {
    let env = Env::new();
    assert!(!env.data().exists());
    let t = Instant::now();
    let s = env.json(&["stats", "--json"]);
    let first_run = t.elapsed();
    assert!(first_run < Duration::from_secs(180), "first run took {first_run:?}");
    eprintln!("first run (default dataset) in {:.1} s", first_run.as_secs_f64());

    assert_eq!(s["dataset"], "xuzhou-343");
    assert_eq!(s["home_region"], "320300");
    assert_eq!(s["demo_data"], true);
    assert_eq!((n(&s["taxonomy"], "tiers"), n(&s["taxonomy"], "clusters")), (3, 10));
    assert_eq!(s["tiers"].as_array().map(Vec::len), Some(3));
    let clusters: usize = s["tiers"].as_array().into_iter().flatten().map(|t| t["clusters"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(clusters, 10);
    assert!(n(&s["counts"], "enterprises") > 0 && n(&s["counts"], "projects") > 0 && n(&s["counts"], "parks") > 0);

    let fair = find(&s["events"], "id", "fair-2022");
    assert_eq!((n(fair, "signed"), n(fair, "in_system"), n(fair, "other")), (43, 39, 4));
    assert_eq!(fair["in_system_pct"].as_f64(), Some(90.7));
    assert_eq!(fair["other_pct"].as_f64(), Some(9.3));
    let tiers = &fair["by_tier"];
    assert_eq!((n(tiers, "advantage"), n(tiers, "emerging"), n(tiers, "characteristic")), (20, 15, 4));

    let y2022 = s["years"].as_array().and_then(|a| a.iter().find(|y| y["year"] == 2022)).expect("year 2022");
    assert_eq!(y2022["target"].as_f64(), Some(700.0));
    let q3 = find(&y2022["cumulative"], "through", "Q1-Q3");
    assert_eq!((n(q3, "signed"), n(q3, "in_system")), (566, 473));
    assert_eq!(q3["completion_pct"].as_f64(), Some(80.9));
    assert_eq!(q3["in_system_pct"].as_f64(), Some(83.6));

    let hz = find(&s["events"], "id", "hz-2022-10-19");
    assert_eq!((n(hz, "signed"), n(hz, "regions")), (12, 7));
    let codes: Vec<&str> = hz["region_codes"].as_array().expect("codes").iter().filter_map(Value::as_str).collect();
    assert_eq!(codes.len(), 7);
    for c in ["320322", "320312", "320302"] {
        assert!(codes.contains(&c), "{c} missing from {codes:?}");
    }

    // The second run uses the store as it is; init refuses to start over without --force.
    let initialised_at = || env.store().meta("init_complete").expect("meta").expect("init_complete is set");
    let stamp = initialised_at();
    let again = env.json(&["stats", "--json"]);
    assert_eq!(again["counts"], s["counts"]);
    assert_eq!(initialised_at(), stamp, "the second run must not initialise again");
    let o = env.run(&["init"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("already initialised"));
}

// ---------------------------------------------------------------------------------------------------------------
// 7. Missing required column.

#[test]
fn a_missing_required_column_is_a_clear_error() {
    let env = Env::empty();
    let f = env.fixture("enterprises_no_name.csv");
    for cmd in ["import", "check"] {
        let o = env.run(&[cmd, "--kind", "enterprises", &f]);
        assert_eq!(o.status.code(), Some(1), "{cmd} without a name column must fail");
        let err = text(&o.stderr);
        assert!(err.contains("'name'") && err.contains("missing") && err.contains("企业名称"), "stderr:\n{err}");
    }
    assert_eq!(env.counts().enterprises, 0);

    // The same for the smaller kinds: a parks file without an id column.
    let parks = env.file("parks-no-id.csv");
    std::fs::write(&parks, "name_zh,kind,region_code\n测试园,park,320312\n").expect("write");
    let o = env.run(&["import", "--kind", "parks", &parks.display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("'id'") && err.contains("missing"), "stderr:\n{err}");
    assert_eq!(env.counts().parks, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// 8. Parks, events, projects and targets.

#[test]
fn small_kinds_report_row_codes_and_store_only_valid_rows() {
    let env = Env::empty();
    let cases = [
        ("parks", "parks_one_bad.csv", (3, "lead_clusters", "unknown_value")),
        ("events", "events_one_bad.csv", (3, "regions", "unknown_region")),
        ("projects", "projects_one_bad.csv", (3, "stage_history", "malformed")),
        ("targets", "targets_one_bad.csv", (3, "scope", "unknown_value")),
    ];
    for (kind, file, bad) in cases {
        let f = env.fixture(file);
        let v = env.json_with_code(&["check", "--kind", kind, &f, "--json"], 2);
        assert_eq!((n(&v, "read"), n(&v, "valid")), (2, 1), "{kind}: {v}");
        assert_eq!(issues(&v["rejected"]), expect_issues(&[bad]), "{kind}");

        // Strict: nothing stored.
        let v = env.json_with_code(&["import", "--kind", kind, &f, "--json"], 2);
        assert_eq!((v["committed"].clone(), writes(&v)), (Value::Bool(false), (0, 0, 0)), "{kind}: {v}");
        // Skipping the bad row stores the good one; doing it twice changes nothing.
        let v = env.json_with_code(&["import", "--kind", kind, &f, "--skip-invalid", "--json"], 2);
        assert_eq!(writes(&v), (1, 0, 0), "{kind}: {v}");
        let v = env.json_with_code(&["import", "--kind", kind, &f, "--skip-invalid", "--json"], 2);
        assert_eq!(writes(&v), (0, 0, 1), "{kind}: {v}");
        let (h, rows) = csv_rows(&std::fs::read(env.file(&file.replace(".csv", ".rejects.csv"))).expect("reject file"));
        assert_eq!(rows.len(), 1);
        assert_eq!((cell(&h, &rows[0], "_line"), cell(&h, &rows[0], "_code")), ("3", bad.2));
    }

    let store = env.store();
    let parks = store.parks().expect("parks");
    assert_eq!(parks.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["park-t1"]);
    assert_eq!(parks[0].lead_clusters, ["construction-machinery", "new-materials"]);
    let events = store.events().expect("events");
    assert_eq!(events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["ev-t1"]);
    let projects = store.projects().expect("projects");
    assert_eq!(projects.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["pr-t1"]);
    assert_eq!(projects[0].history.len(), 2);
    let targets = store.targets().expect("targets");
    assert_eq!(targets.len(), 1);
    assert_eq!((targets[0].year, targets[0].value), (2022, 700.0));
    drop(store);

    // The pipeline figures use what was stored.
    let s = env.json(&["stats", "--json"]);
    let ev = find(&s["events"], "id", "ev-t1");
    assert_eq!((n(ev, "signed"), n(ev, "in_system")), (1, 1));
    let y = s["years"].as_array().and_then(|a| a.iter().find(|y| y["year"] == 2022)).expect("2022");
    assert_eq!(y["target"].as_f64(), Some(700.0));
    assert_eq!(n(find(&y["cumulative"], "through", "Q1"), "signed"), 1);
}

/// Old records still carry retired GB/T 2260 codes (铜山县 320323 became 铜山区 320312 in 2010): they resolve, count
/// as local, and the registry knows their successor.
#[test]
fn retired_division_codes_still_resolve_for_old_records() {
    let env = Env::empty();
    let f = env.file("old.csv");
    std::fs::write(&f, "name,region_code,founded\n铜山县老机械厂,320323,1995-03-01\n九里区老厂,320304,1990\n").expect("write");
    let v = env.json(&["import", "--kind", "enterprises", f.to_str().expect("path"), "--json"]);
    assert_eq!(writes(&v), (2, 0, 0));
    let all = env.enterprises();
    let old = by_name(&all, "铜山县老机械厂");
    assert_eq!(old.region_code.as_deref(), Some("320323"));
    assert!(old.flags.local, "a retired Xuzhou code is still inside Xuzhou");
    assert!(old.lat.is_some(), "placed at a centroid");
    let regions = env.store().regions().expect("regions");
    let tongshan = regions.iter().find(|r| r.code == "320323").expect("320323 stored");
    assert_eq!(tongshan.successor.as_deref(), Some("320312"));
    assert!(tongshan.valid_to.is_some());
}

/// `check` writes nothing: without a data directory it validates against the embedded taxonomy and regions and
/// creates no files.
#[test]
fn check_without_a_store_creates_nothing() {
    let env = Env::new();
    let f = env.fixture("enterprises_valid.csv");
    let v = env.json(&["check", "--kind", "enterprises", &f, "--json"]);
    assert_eq!(n(&v, "read"), n(&v, "valid"));
    assert!(n(&v, "read") > 0);
    assert!(!env.data().exists(), "check must not create the data directory");
}

/// `complexity --json` on the engine's ecomplexity fixtures agrees with the Harvard Growth Lab package to 1e-6 on
/// every measure (nulls where it gives NaN), with its default proximity diagonal and with `--atlas-diagonal`; bad
/// rows are reported with their line numbers and nothing is printed on stdout.
#[test]
fn complexity_matches_ecomplexity_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/fixtures/complexity");
    let env = Env::new();
    for (name, atlas) in [("random", false), ("zero", false), ("ill", true)] {
        let csv = dir.join(format!("{name}.csv")).display().to_string();
        let mut args = vec!["complexity", "--input", &csv, "--json"];
        if atlas {
            args.push("--atlas-diagonal");
        }
        let o = env.ok(&args);
        let out = text(&o.stdout);
        let keys = ["rca", "mcp", "density", "cog", "eci", "coi", "pci", "proximity"];
        let at: Vec<usize> = keys.iter().map(|k| out.find(&format!("\"{k}\":")).expect("key")).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "keys in the documented order");
        let ours: Value = serde_json::from_str(&out).expect("JSON");
        let file = dir.join(format!("{name}{}", if atlas { ".atlas.json" } else { ".json" }));
        let reference: Value = serde_json::from_str(&std::fs::read_to_string(file).expect("fixture")).expect("fixture JSON");
        assert_eq!(ours.as_object().map(|o| o.len()), Some(keys.len()));
        let mut worst = 0.0f64;
        fn walk(path: &str, a: &Value, b: &Value, worst: &mut f64) {
            match (a, b) {
                (Value::Object(x), Value::Object(y)) => {
                    assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>(), "{path}: keys");
                    for (k, v) in x {
                        walk(&format!("{path}.{k}"), v, &y[k], worst);
                    }
                }
                (Value::Null, Value::Null) => {}
                (Value::Number(x), Value::Number(y)) => {
                    let d = (x.as_f64().expect("f64") - y.as_f64().expect("f64")).abs();
                    assert!(d <= 1e-6, "{path}: {x} vs {y}");
                    *worst = worst.max(d);
                }
                _ => panic!("{path}: {a} vs {b}"),
            }
        }
        for k in keys {
            walk(k, &ours[k], &reference[k], &mut worst);
        }
        assert!(worst < 1e-12, "{name}: {worst:e}");
    }
    // Bad rows: all reported with line numbers, and a repeated pair names both lines.
    let bad = env.file("bad.csv");
    std::fs::write(&bad, "region,industry,value\na,x,1\na,y,-2\nb,x,abc\n,y,3\na,x,4\n").expect("write");
    let o = env.run(&["complexity", "--input", bad.to_str().expect("path"), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let err = text(&o.stderr);
    for needle in ["4 bad row(s)", "line 3:", "line 4:", "line 5: empty region", "line 6:", "already given on line 2"] {
        assert!(err.contains(needle), "{needle:?} missing from:\n{err}");
    }
}

/// `serve` on the default dataset answers the heat and chain-strength API on a real loopback port.
#[test]
fn serve_answers_the_api_on_the_default_dataset() {
    let env = Env::new();
    env.ok(&["init"]);
    let server = common::Server::start(&env, &[]);
    let get = |path: &str| -> (u16, serde_json::Value) {
        let r = server.get(path);
        (r.status, r.json())
    };
    let (status, heat) = get("/api/v1/heat?group=admin&level=prefecture&cluster=construction-machinery");
    assert_eq!(status, 200);
    let cells = heat["cells"].as_array().expect("cells");
    let xuzhou = cells.iter().find(|c| c["key"] == "320300").expect("Xuzhou has construction-machinery enterprises");
    assert!(xuzhou["count"].as_u64().unwrap_or(0) > 100);
    let (status, strength) = get("/api/v1/chains/cm/strength?reference=country");
    assert_eq!(status, 200);
    assert_eq!(strength["nodes"].as_array().map(Vec::len), Some(22), "every node of the engineering-machinery chain");
    let (status, err) = get("/api/v1/heat?cluster=nope");
    assert_eq!((status, err["error"]["parameter"].as_str()), (400, Some("cluster")));
}

/// The lead ranking, back-tested on the default dataset: with only what was known two years before the end of the
/// data, it finds the outside groups that then opened a branch here far better than random order or size alone.
#[test]
fn backtest_beats_random_and_largest_first_on_the_default_data() {
    let env = Env::new();
    env.ok(&["init"]);
    let r = env.json(&["backtest", "--k", "20,50", "--json"]);
    assert!(r["as_of"].as_str().is_some_and(|d| d.ends_with("-12-31")));
    let results = r["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert!(n(&r, "arrived") >= 10, "enough arrivals to score: {r}");
    for x in results {
        let p = |who: &str, what: &str| x[who][what].as_f64().unwrap_or_else(|| panic!("{who}.{what} in {x}"));
        assert!(p("model", "precision") >= 5.0 * p("random", "precision"), "k={}: {x}", x["k"]);
        assert!(p("model", "precision") > p("largest_first", "precision"), "k={}: {x}", x["k"]);
        assert!(p("model", "recall") > p("largest_first", "recall") && p("model", "recall") > p("random", "recall"));
    }
    // Learned weights: fitted on the past of the default data, before the date only, and no worse than the preset.
    let l = &r["learned"];
    assert_eq!(l["method"], "logistic_l2", "{l}");
    assert!(n(l, "arrivals") >= 20);
    for w in r["windows"].as_array().expect("windows") {
        assert!(w["until"].as_str().expect("until") < r["as_of"].as_str().expect("as_of"), "{w}");
    }
    for x in results {
        assert!(x["learned"]["precision"].as_f64() >= x["model"]["precision"].as_f64(), "{x}");
        assert!(x["model"]["ap"].as_f64().is_some_and(|a| (0.0..=1.0).contains(&a)));
        assert!(x["oracle"].is_null(), "no oracle without true odds");
    }
    let auc = |who: &str| r["whole"]["auc"][who].as_f64().unwrap_or_else(|| panic!("auc {who}"));
    assert!(auc("learned") > 0.6 && auc("big_anchors") > 0.6);
    let deciles = r["whole"]["calibration"]["learned"].as_array().expect("deciles");
    assert_eq!(deciles.len(), 10);
    let rate = |d: &Value| d["arrival_rate"].as_f64().expect("rate");
    assert!(rate(&deciles[0]) > rate(&deciles[9]), "the top tenth arrives more often than the bottom one");
    // A date before any history and bad list sizes are clear errors.
    let o = env.run(&["backtest", "--k", "0"]);
    assert!(!o.status.success() && text(&o.stderr).contains("--k"));
}

#[test]
fn on_a_world_where_supply_ties_bring_arrivals_learned_weights_beat_largest_first_and_near_the_oracle() {
    let env = Env::new();
    env.ok(&["init"]);
    let r = env.json(&["backtest", "--world", "supply_ties", "--size", "8000", "--seed", "3", "--k", "20,50", "--json"]);
    assert_eq!(r["world"], "supply_ties");
    assert_eq!(r["learned"]["method"], "logistic_l2", "{}", r["learned"]);
    // The fit finds what the world rewards: supply ties and nearness, not size.
    let w = &r["learned"]["weights"];
    let f = |k: &str| w[k].as_f64().unwrap_or_else(|| panic!("{k}"));
    assert!(f("supply") > f("scale") && f("affinity") > f("scale"), "{w}");
    for x in r["results"].as_array().expect("results") {
        let p = |who: &str| x[who]["precision"].as_f64().unwrap_or_else(|| panic!("{who} in {x}"));
        assert!(p("learned") >= 2.0 * p("largest_first") && p("learned") >= 5.0 * p("random"), "{x}");
        assert!(p("oracle") > 0.0, "{x}");
    }
    let auc = |who: &str| r["whole"]["auc"][who].as_f64().unwrap_or_else(|| panic!("auc {who}"));
    assert!(auc("learned") > auc("largest_first") + 0.2, "{}", r["whole"]["auc"]);
    assert!(auc("oracle") >= auc("learned") - 0.02, "{}", r["whole"]["auc"]);
    // The same seed gives the same world; unknown worlds are refused.
    assert_eq!(env.json(&["backtest", "--world", "supply_ties", "--size", "8000", "--seed", "3", "--k", "20,50", "--json"]), r);
    let o = env.run(&["backtest", "--world", "nowhere"]);
    assert!(!o.status.success() && text(&o.stderr).contains("growth_crowding"));
}

#[test]
fn a_backup_taken_while_serving_is_a_whole_store_that_opens_as_the_original() {
    let env = Env::new();
    env.ok(&["init"]);
    env.add_user("officer1", "officer", &["--regions", "320312"]);
    let server = common::Server::start(&env, &[]);
    // A write just before the copy is in it.
    let s = server.login("officer1", common::TEST_PASSWORD);
    let r = server.send_as(&s, "POST", "/api/v1/projects", &serde_json::json!({"name": "备份前的项目", "region_code": "320312"}));
    assert_eq!(r.status, 201, "{}", common::text(&r.body));
    let out = env.file("backup-1.db");
    let printed = common::text(&env.ok(&["backup", out.to_str().expect("utf-8 path")]).stdout);
    assert!(printed.contains("integrity check ok"), "{printed}");
    let out_s = out.to_str().expect("utf-8 path");
    // No restore while the server uses the directory: refused, nothing moved.
    let busy = env.run(&["restore", out_s]);
    assert!(!busy.status.success() && common::text(&busy.stderr).contains("stop it first"), "{}", common::text(&busy.stderr));
    let aside_files = |e: &Env| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(e.data())
            .expect("data dir")
            .filter_map(|x| x.ok().map(|x| x.path()))
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains(".before-restore-")))
            .collect();
        v.sort();
        v
    };
    assert!(aside_files(&env).is_empty());
    drop(server);
    let original = env.json(&["stats", "--json"]);
    // Restored into a new data directory: the same figures, the new project and the account inside.
    let restored = Env::new();
    let printed = common::text(&restored.ok(&["restore", out_s]).stdout);
    assert!(printed.contains("restored") && !printed.contains("kept as"), "{printed}");
    assert_eq!(restored.json(&["stats", "--json"]), original);
    let st = restored.store();
    assert!(st.projects().expect("projects").iter().any(|p| p.name == "备份前的项目"));
    assert!(st.account_by_name("officer1").expect("accounts").is_some());
    drop(st);
    // Restored over the store in place after a later write: the write is gone from the store, and the replaced
    // store is kept aside whole (with what its log held), never deleted.
    env.add_user("late1", "leader", &[]);
    let printed = common::text(&env.ok(&["restore", out_s]).stdout);
    assert!(printed.contains("kept as"), "{printed}");
    assert!(env.store().account_by_name("late1").expect("accounts").is_none(), "the later account is not in the backup");
    assert_eq!(env.json(&["stats", "--json"]), original);
    let aside = aside_files(&env);
    let main_aside: Vec<&PathBuf> =
        aside.iter().filter(|p| !p.to_string_lossy().ends_with("-wal") && !p.to_string_lossy().ends_with("-shm")).collect();
    assert_eq!(main_aside.len(), 1, "{aside:?}");
    let kept = chainscope_store::SqliteStore::open(main_aside[0]).expect("the replaced store opens");
    assert!(kept.account_by_name("late1").expect("accounts").is_some(), "the replaced store holds the later write");
    drop(kept);
    // What is not a backup is refused before anything moves: a text file, a missing file, a store in use beside its log.
    std::fs::write(env.file("notes.db"), "not a database").expect("write");
    let before = std::fs::read(env.db()).expect("read");
    for (file, says) in [("notes.db", "not a readable database"), ("missing.db", "missing.db")] {
        let r = env.run(&["restore", env.file(file).to_str().expect("utf-8 path")]);
        assert!(!r.status.success() && common::text(&r.stderr).contains(says), "{file}: {}", common::text(&r.stderr));
    }
    let live = restored.store();
    assert!(live.counts().expect("counts").enterprises > 0);
    let r = env.run(&["restore", restored.db().to_str().expect("utf-8 path")]);
    assert!(!r.status.success() && common::text(&r.stderr).contains("chainscope backup"), "{}", common::text(&r.stderr));
    drop(live);
    assert_eq!(std::fs::read(env.db()).expect("read"), before, "the store in place is untouched by refused restores");
    assert_eq!(aside_files(&env), aside, "nothing more set aside");
    // A second backup to the same file is refused and leaves it as it was.
    let before = std::fs::read(&out).expect("read");
    let again = env.run(&["backup", out.to_str().expect("utf-8 path")]);
    assert!(!again.status.success());
    assert!(common::text(&again.stderr).contains("backup-1.db"), "{}", common::text(&again.stderr));
    assert_eq!(std::fs::read(&out).expect("read"), before);
    // Nothing to back up in an empty directory.
    let none = Env::new();
    let r = none.run(&["backup", none.file("x.db").to_str().expect("utf-8 path")]);
    assert!(!r.status.success() && !none.file("x.db").exists());
}
