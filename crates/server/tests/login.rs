//! Signing in under attack, on a real store file: wrong passwords hold a name only for the address that tried them,
//! unknown names are answered exactly like known ones, and the last active administrator cannot be removed.

mod common;

use chainscope_model::Role;
use chainscope_server::{router, Data, ServerState};
use chainscope_store::prelude::*;
use chainscope_store::SqliteStore;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

fn state(dir: &std::path::Path) -> Arc<ServerState> {
    let db = dir.join("chainscope.db");
    let mut accounts = SqliteStore::open(&db).expect("store");
    for (name, role) in [("admin", Role::Admin), ("leader1", Role::Leader)] {
        accounts.create_account(&common::account(name, role)).expect("account");
    }
    let snapshot = chainscope_engine::Snapshot::builder(chainscope_testkit::machinery().build(), "320300").finish();
    let data = Data::new(snapshot, json!({}), chainscope_model::RegionRegistry::new());
    let records = SqliteStore::open(&db).expect("store");
    Arc::new(ServerState::new("测试", "Test", data).with_records(Box::new(records)).with_account_store(Box::new(accounts)))
}

async fn login(app: &axum::Router, name: &str, password: &str) -> common::Reply {
    let body = json!({"username": name, "password": password}).to_string();
    common::send(app, "POST", "/api/v1/auth/login", &[], Some(&body)).await
}

#[tokio::test]
async fn wrong_passwords_hold_a_name_for_the_guessing_address_only_and_never_tell_which_names_exist() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = state(dir.path());
    let stranger = common::app_from(router(s.clone()), SocketAddr::from(([203, 0, 113, 7], 5000)));
    let owner = common::app_from(router(s.clone()), SocketAddr::from(([10, 0, 0, 2], 5000)));
    for _ in 0..5 {
        assert_eq!(login(&stranger, "admin", "wrong-password-1").await.code(), (401, "bad_credentials"));
        assert_eq!(login(&stranger, "ghost", "wrong-password-1").await.code(), (401, "bad_credentials"));
    }
    // The stranger is held on both names, with the same answer.
    let known = login(&stranger, "admin", common::PASSWORD).await;
    let unknown = login(&stranger, "ghost", "wrong-password-1").await;
    assert_eq!(known.code(), (429, "too_many_attempts"));
    assert_eq!(unknown.code(), (429, "too_many_attempts"));
    assert_eq!(known.body["error"]["message"], unknown.body["error"]["message"]);
    let retry: u64 = known.header("retry-after").parse().expect("Retry-After in seconds");
    assert!((890..=900).contains(&retry), "{retry}");
    // The administrator, from their own address, signs in as usual.
    assert_eq!(login(&owner, "admin", common::PASSWORD).await.status, 200);
    // And can end the hold for everyone by resetting the account.
    let admin = common::sign_in(&owner, "admin").await;
    let users = common::send_as(&owner, &admin, "GET", "/api/v1/users", None).await;
    let leader = users.body["items"].as_array().expect("users").iter().find(|u| u["username"] == "leader1").expect("leader1")["id"].clone();
    for _ in 0..5 {
        login(&stranger, "leader1", "wrong-password-1").await;
    }
    assert_eq!(login(&stranger, "leader1", common::PASSWORD).await.status, 429);
    let reset = common::send_as(&owner, &admin, "POST", &format!("/api/v1/users/{leader}/reset"), Some(&json!({}))).await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    let otp = reset.body["one_time_password"].as_str().expect("one-time password").to_string();
    assert_eq!(login(&stranger, "leader1", &otp).await.status, 200, "the reset ended the hold");
}

#[tokio::test]
async fn the_last_active_administrator_cannot_be_demoted_or_deactivated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = state(dir.path());
    let app = common::app(router(s.clone()));
    let admin = common::sign_in(&app, "admin").await;
    let users = common::send_as(&app, &admin, "GET", "/api/v1/users", None).await;
    let id_of = |name: &str| users.body["items"].as_array().and_then(|a| a.iter().find(|u| u["username"] == name)).map(|u| u["id"].clone());
    let (me, leader) = (id_of("admin").expect("admin"), id_of("leader1").expect("leader1"));
    for change in [json!({"role": "leader"}), json!({"active": false})] {
        let r = common::send_as(&app, &admin, "PATCH", &format!("/api/v1/users/{me}"), Some(&change)).await;
        assert_eq!(r.code(), (409, "last_administrator"), "{change}: {}", r.text);
    }
    // With a second administrator, the first may step down.
    let r = common::send_as(&app, &admin, "PATCH", &format!("/api/v1/users/{leader}"), Some(&json!({"role": "admin"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = common::send_as(&app, &admin, "PATCH", &format!("/api/v1/users/{me}"), Some(&json!({"role": "leader"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Now leader1 is the last one.
    let second = common::sign_in(&app, "leader1").await;
    let r = common::send_as(&app, &second, "PATCH", &format!("/api/v1/users/{leader}"), Some(&json!({"active": false}))).await;
    assert_eq!(r.code(), (409, "last_administrator"), "{}", r.text);
}

#[tokio::test]
async fn refusals_at_the_gate_are_audited_one_line_per_address_and_code_each_minute() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = state(dir.path());
    let app = common::app(router(s.clone()));
    for _ in 0..3 {
        assert_eq!(common::send(&app, "GET", "/api/v1/projects", &[], None).await.code(), (401, "login_required"));
    }
    let leader = common::sign_in(&app, "leader1").await;
    assert_eq!(common::send_as(&app, &leader, "GET", "/api/v1/audit", None).await.code(), (403, "forbidden"));
    let write = common::send(&app, "PUT", "/api/v1/auth/preferences", &[(leader[0].0.as_str(), leader[0].1.as_str())], Some("{}")).await;
    assert_eq!(write.code(), (403, "csrf_failed"));
    let admin = common::sign_in(&app, "admin").await;
    let audit = common::send_as(&app, &admin, "GET", "/api/v1/audit?limit=100", None).await;
    let refused: Vec<(String, String)> = audit.body["items"]
        .as_array()
        .expect("audit")
        .iter()
        .filter(|e| e["action"] == "refused")
        .map(|e| (e["actor"].as_str().unwrap_or("").to_string(), e["detail"].as_str().unwrap_or("").to_string()))
        .collect();
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert!(refused.contains(&("anonymous".into(), "401 login_required GET /api/v1/projects".into())), "{refused:?}");
    assert!(refused.contains(&("leader1".into(), "403 forbidden GET /api/v1/audit".into())), "{refused:?}");
    assert!(refused.contains(&("leader1".into(), "403 csrf_failed PUT /api/v1/auth/preferences".into())), "{refused:?}");
}
