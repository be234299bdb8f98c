//! The OpenAPI document's request bodies are the bodies the handlers take: every write is sent each field its
//! documented body names (the handler must not call it unknown) and one field it does not name (the handler must
//! refuse it as `unknown_field`). And what the framework itself refuses — a wrong method, a body over the limit, a
//! body that is not JSON — is answered in JSON with a code of the error table. All on a real store file, through
//! the whole router.

mod common;

use chainscope_model::Role;
use chainscope_server::openapi::Param;
use chainscope_server::routes::{self, Body, Verb};
use chainscope_server::{router, Data, ServerState};
use chainscope_store::prelude::*;
use chainscope_store::SqliteStore;
use serde_json::{json, Value};
use std::sync::Arc;

fn state(dir: &std::path::Path) -> Arc<ServerState> {
    let db = dir.join("chainscope.db");
    let mut accounts = SqliteStore::open(&db).expect("store");
    accounts.create_account(&common::account("admin", Role::Admin)).expect("account");
    let snapshot = chainscope_engine::Snapshot::builder(chainscope_testkit::machinery().build(), "320300").finish();
    let data = Data::new(snapshot, json!({}), chainscope_model::RegionRegistry::new());
    let records = SqliteStore::open(&db).expect("store");
    Arc::new(ServerState::new("测试", "Test", data).with_records(Box::new(records)).with_account_store(Box::new(accounts)))
}

/// A value of the field's documented type (the first allowed value when it names them), which no handler can
/// mistake for an unknown field.
fn sample(f: &Param) -> Value {
    if let Some(v) = f.values.first() {
        return json!(v);
    }
    match f.kind {
        "integer" => json!(f.min.map_or(1, |m| m.max(1.0) as i64)),
        "number" => json!(1.5),
        "boolean" => json!(true),
        "array" => json!([]),
        "object" => json!({}),
        _ => json!("x"),
    }
}

/// A concrete path for a route, with ids no record has (the field check comes before the record's lookup).
fn concrete(path: &str) -> String {
    path.replace("{id}", "999999").replace("{version}", "1").replace("{code}", "320312")
}

#[tokio::test]
async fn every_documented_body_field_is_taken_and_no_other() {
    let dir = tempfile::tempdir().expect("dir");
    let app = common::app(router(state(dir.path())));
    let admin = common::sign_in(&app, "admin").await;
    let mut checked = 0;
    for r in routes::table() {
        let Some(Body::Json(fields)) = r.doc.body else { continue };
        if fields.is_empty() {
            continue;
        }
        let path = concrete(r.path);
        let method = r.verb.as_str();
        // One field the document does not name.
        let reply = common::send_as(&app, &admin, method, &path, Some(&json!({"zz_undocumented": 1}))).await;
        assert_eq!(reply.code(), (400, "unknown_field"), "{r:?}: {}", reply.text);
        assert_eq!(reply.body["error"]["parameter"], "zz_undocumented", "{r:?}");
        // Each field it names, alone.
        for f in fields {
            let body = json!({ f.name: sample(f) });
            let reply = common::send_as(&app, &admin, method, &path, Some(&body)).await;
            let refused_as_unknown = reply.code().1 == "unknown_field" || reply.code().1 == "invalid_type";
            assert!(!refused_as_unknown, "{r:?} refuses its documented field {} ({}): {}", f.name, f.kind, reply.text);
            // 503: this test's server has no service catalogue; never a failure of the server.
            assert!(reply.status < 500 || reply.status == 503, "{r:?} with {body}: {}", reply.text);
        }
        checked += 1;
    }
    assert!(checked >= 12, "every JSON write was checked ({checked})");
}

#[tokio::test]
async fn the_framework_refusals_are_json_with_a_code_of_the_table() {
    let dir = tempfile::tempdir().expect("dir");
    let app = common::app(router(state(dir.path())));
    let admin = common::sign_in(&app, "admin").await;
    // A method the path does not take (an administrator passes the guard, so the router answers).
    let reply = common::send_as(&app, &admin, "DELETE", "/api/v1/users", None).await;
    assert_eq!(reply.code(), (405, "method_not_allowed"), "{}", reply.text);
    assert!(reply.content_type().starts_with("application/json"), "{}", reply.content_type());
    let reply = common::send_as(&app, &admin, "PUT", "/api/v1/heat", Some(&json!({}))).await;
    assert_eq!(reply.code(), (405, "method_not_allowed"), "{}", reply.text);
    assert!(reply.header("allow").contains("GET"), "the Allow header stays: {:?}", reply.headers);
    // A sign-in body over the framework's limit (the sign-in routes are not read by the guard first).
    let big = format!("{{\"username\": \"{}\", \"password\": \"x\"}}", "a".repeat(3 * 1024 * 1024));
    let reply = common::send(&app, "POST", "/api/v1/auth/login", &[], Some(&big)).await;
    assert_eq!(reply.code(), (413, "body_too_large"), "{}", &reply.text[..reply.text.len().min(300)]);
    assert!(reply.content_type().starts_with("application/json"));
    // A body that is not JSON, and one that is not an object.
    let reply = common::send(&app, "POST", "/api/v1/auth/login", &[], Some("{not json")).await;
    assert_eq!(reply.code(), (400, "invalid_json"), "{}", reply.text);
    let reply = common::send(&app, "POST", "/api/v1/auth/login", &[], Some("[1]")).await;
    assert_eq!(reply.code(), (400, "invalid_body"), "{}", reply.text);
    // A path no route takes.
    let reply = common::send(&app, "GET", "/api/v1/nothing-here", &[], None).await;
    assert_eq!(reply.code(), (404, "not_found"), "{}", reply.text);
}

#[test]
fn every_verb_has_its_document_statuses() {
    let doc = chainscope_server::openapi::document();
    for r in routes::table() {
        let op = &doc["paths"][r.path][r.verb.openapi()];
        let has = |s: &str| op["responses"].get(s).is_some();
        assert!(has("408"), "{r:?}: 408");
        if r.verb == Verb::Get {
            assert!(op.get("requestBody").is_none(), "{r:?}");
        } else {
            assert!(has("413"), "{r:?}: 413");
        }
    }
}
