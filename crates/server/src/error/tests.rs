use super::*;
use std::collections::BTreeSet;

/// The rows of the code table in `docs/errors.md`: code, status, Chinese and English meaning.
fn documented() -> Vec<(String, u16, String, String)> {
    let doc = include_str!("../../../../docs/errors.md");
    doc.lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 4, "a row of docs/errors.md has four cells: {l}");
            let status = cells[1].parse().unwrap_or_else(|_| panic!("status of {l}"));
            (cells[0].trim_matches('`').to_string(), status, cells[2].to_string(), cells[3].to_string())
        })
        .collect()
}

#[test]
fn the_documented_table_is_the_enum() {
    let doc: BTreeSet<_> = documented().into_iter().collect();
    let code: BTreeSet<_> = Code::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), c.status().as_u16(), c.title_zh().to_string(), c.title_en().to_string()))
        .collect();
    let missing: Vec<_> = code.difference(&doc).collect();
    let extra: Vec<_> = doc.difference(&code).collect();
    assert!(missing.is_empty(), "codes not in docs/errors.md: {missing:?}");
    assert!(extra.is_empty(), "rows of docs/errors.md that are not codes: {extra:?}");
    assert_eq!(documented().len(), Code::ALL.len(), "every code is listed once");
}

#[test]
fn a_code_string_names_one_answer_per_status() {
    let mut seen = BTreeSet::new();
    for c in Code::ALL {
        assert!(seen.insert((c.as_str(), c.status().as_u16())), "{} with {} twice", c.as_str(), c.status());
        assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'), "{}", c.as_str());
    }
}

#[test]
fn store_failures_keep_the_database_text_in_the_log() {
    let db = chainscope_store::StoreError::Corrupt("row 7 of projects: SQLITE_CORRUPT".into());
    let e = ApiError::from(db);
    assert_eq!((e.code, e.status()), (Code::StoreCorrupt, StatusCode::INTERNAL_SERVER_ERROR));
    assert!(!e.message.contains("SQLITE") && !e.message.contains("row 7"), "{}", e.message);
    let conflict = ApiError::from(chainscope_store::StoreError::Conflict("p-1".into(), 3, 4));
    assert_eq!((conflict.code.as_str(), conflict.status()), ("version_conflict", StatusCode::CONFLICT));
    let missing = ApiError::from(chainscope_store::StoreError::NotFound("p-9".into()));
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let exists = ApiError::from(chainscope_store::StoreError::Exists("alice".into()));
    assert_eq!((exists.code.as_str(), exists.status()), ("already_exists", StatusCode::CONFLICT));
}

#[test]
fn a_busy_store_is_a_503_to_retry_not_a_500() {
    let busy = ApiError::from(chainscope_store::StoreError::Busy("database is locked".into()));
    assert_eq!((busy.code, busy.status()), (Code::StoreBusy, StatusCode::SERVICE_UNAVAILABLE));
    assert!(!busy.message.contains("locked"), "the database's words stay in the log: {}", busy.message);
    let res = busy.into_response();
    assert_eq!(res.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("2"));
    let stopped = ApiError::from(chainscope_store::StoreError::Interrupted);
    assert_eq!((stopped.code.as_str(), stopped.status()), ("interrupted", StatusCode::SERVICE_UNAVAILABLE));
    // Other answers carry no Retry-After.
    assert!(Code::DatabaseError.msg("x").into_response().headers().get("retry-after").is_none());
}
