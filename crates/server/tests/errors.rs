//! Error answers, from the router in-process on a real store file: a stale version is a 409 on every write path that
//! has versions, a database failure never shows the database's own words, and paths no route takes answer JSON.
//! Also the shared parameters: a region means the same on every endpoint that takes one.

mod common;

use chainscope_model::{Region, RegionLevel, RegionRegistry, Role};
use chainscope_server::{router, Data, ServerState};
use chainscope_store::prelude::*;
use chainscope_store::SqliteStore;
use common::Reply;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

const PASSWORD: &str = "Test-password-2026";

fn regions() -> RegionRegistry {
    let mut reg = RegionRegistry::new();
    reg.insert(Region::new("CN", "中国", RegionLevel::Country, None, "CN"));
    reg.insert(Region::new("320000", "江苏省", RegionLevel::Province, Some("CN"), "CN"));
    reg.insert(Region::new("320300", "徐州市", RegionLevel::Prefecture, Some("320000"), "CN"));
    reg.insert(Region::new("320312", "铜山区", RegionLevel::County, Some("320300"), "CN"));
    // 铜山县, retired in 2010 for 铜山区.
    let mut retired = Region::new("320323", "铜山县", RegionLevel::County, Some("320300"), "CN");
    retired.successor = Some("320312".into());
    reg.insert(retired);
    reg
}

/// A park in 铜山区.
fn park() -> chainscope_model::Park {
    serde_json::from_value(json!({
        "id": "p1", "kind": "park", "name_zh": "铜山经济开发区", "region_code": "320312", "lead_clusters": [],
        "provenance": {"source": "test", "as_of": null}, "synthetic": true,
    }))
    .expect("park")
}

/// A server on a scratch store with one administrator, signed in.
struct World {
    app: axum::Router,
    db: PathBuf,
    cookie: String,
    csrf: String,
}

impl World {
    async fn new(name: &str) -> World {
        let dir = std::env::temp_dir().join(format!("chainscope-errors-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        let db = dir.join("chainscope.db");
        let records = SqliteStore::open(&db).expect("store");
        let mut accounts = SqliteStore::open(&db).expect("store");
        accounts.create_account(&common::account("admin", Role::Admin)).expect("administrator");
        let taxonomy = chainscope_testkit::machinery().build();
        let snapshot = chainscope_engine::Snapshot::builder(taxonomy, "320300").finish();
        let mut data = Data::new(snapshot, json!({}), regions());
        data.parks = vec![park()];
        let catalogue = include_str!("../../../data/xuzhou-343/service_catalogue.toml");
        data.service = Some(Arc::new(chainscope_server::service::ServiceConfig {
            catalogue: chainscope_model::Catalogue::from_toml(catalogue).expect("catalogue"),
            calendar: chainscope_engine::service::WorkCalendar::new(),
            policies: vec![],
        }));
        let state = Arc::new(ServerState::new("测试", "Test", data).with_records(Box::new(records)).with_account_store(Box::new(accounts)));
        let app = common::app(router(state));
        let login = json!({"username": "admin", "password": PASSWORD}).to_string();
        let login = common::send(&app, "POST", "/api/v1/auth/login", &[], Some(&login)).await;
        assert_eq!(login.status, 200, "{}", login.body);
        let cookie = login.header("set-cookie").split(';').next().unwrap_or("").to_string();
        let csrf = login.body["csrf"].as_str().expect("csrf").to_string();
        World { app, db, cookie, csrf }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let headers = [("Cookie", self.cookie.as_str()), ("X-CSRF-Token", self.csrf.as_str())];
        common::send(&self.app, method, path, &headers, body.map(|b| b.to_string()).as_deref()).await
    }

    /// A project, created through the API at version 1.
    async fn project(&self) -> String {
        let body = json!({"name": "测试液压泵项目", "region_code": "320312", "cluster": "cm", "amount": 52000, "date": "2026-11-10"});
        let r = self.call("POST", "/api/v1/projects", Some(body)).await;
        assert_eq!(r.status, 201, "{}", r.body);
        r.body["id"].as_str().expect("id").to_string()
    }

    /// Another writer changes the project behind the server's back, so the server's copy is one version behind.
    fn change_behind_the_servers_back(&self, id: &str) {
        let mut other = SqliteStore::open(&self.db).expect("second connection");
        let mut p = other.project(id).expect("read").expect("project");
        p.jobs = Some(12);
        let change = chainscope_store::Change { actor: "other".into(), action: "edit".into(), summary: "jobs".into() };
        other.save_project(&p, Some(p.version), &change).expect("save");
    }
}

fn code(r: &Reply) -> (u16, &str) {
    r.code()
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_on_every_versioned_write() {
    let w = World::new("versions").await;
    let id = w.project().await;
    let url = format!("/api/v1/projects/{id}");
    // Stale against what the server holds.
    let r = w.call("PATCH", &url, Some(json!({"version": 7, "jobs": 3}))).await;
    assert_eq!(code(&r), (409, "version_conflict"), "{}", r.body);
    let r = w.call("POST", &format!("{url}/moves"), Some(json!({"version": 7, "to": "contact", "date": "2026-11-20"}))).await;
    assert_eq!(code(&r), (409, "version_conflict"), "{}", r.body);
    // Stale against the store only: the store refuses the write, and that refusal is a 409 too.
    w.change_behind_the_servers_back(&id);
    let r = w.call("PATCH", &url, Some(json!({"version": 1, "jobs": 3}))).await;
    assert_eq!(code(&r), (409, "version_conflict"), "{}", r.body);
    let r = w.call("POST", &format!("{url}/moves"), Some(json!({"version": 1, "to": "contact", "date": "2026-11-20"}))).await;
    assert_eq!(code(&r), (409, "version_conflict"), "{}", r.body);

    // A request to the business-service desk, then an action on a stale version of it.
    let mut st = SqliteStore::open(&w.db).expect("store");
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 10).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("time");
    let t = chainscope_model::Ticket::file("T1", 1, "320312", "land", "扩建厂房需新增用地", vec![], at, "企业").expect("ticket");
    let t = st.save_ticket(&t, None).expect("saved");
    let r = w.call("POST", "/api/v1/tickets/T1/actions", Some(json!({"action": "accept", "version": t.version + 5}))).await;
    assert_eq!(code(&r), (409, "version_conflict"), "{}", r.body);
}

#[tokio::test]
async fn a_database_failure_does_not_show_the_databases_words() {
    let w = World::new("database").await;
    let conn = rusqlite::Connection::open(&w.db).expect("open");
    conn.execute_batch("ALTER TABLE enterprise RENAME TO enterprise_gone").expect("rename");
    let r = w.call("GET", "/api/v1/enterprises/1", None).await;
    assert_eq!(code(&r), (500, "database_error"), "{}", r.body);
    let message = r.body["error"]["message"].as_str().unwrap_or("").to_lowercase();
    for word in ["no such", "sqlite", "table", "enterprise_"] {
        assert!(!message.contains(word), "'{word}' in {message}");
    }
}

#[tokio::test]
async fn unknown_paths_and_malformed_path_parts_answer_json() {
    let w = World::new("routes").await;
    let r = w.call("GET", "/api/v1/no-such-thing", None).await;
    assert_eq!(code(&r), (404, "not_found"), "{}", r.body);
    assert!(r.content_type().starts_with("application/json"), "{}", r.content_type());
    assert!(r.body["error"].get("parameter").is_some(), "the same shape as every error: {}", r.body);
    let r = w.call("PATCH", "/api/v1/users/abc", Some(json!({"active": false}))).await;
    assert_eq!(code(&r), (400, "invalid_path"), "{}", r.body);
    assert!(r.content_type().starts_with("application/json"), "{}", r.content_type());
    let r = w.call("POST", "/index.html", None).await;
    assert_eq!(code(&r), (405, "method_not_allowed"), "{}", r.body);
}

#[tokio::test]
async fn a_region_is_checked_and_resolved_wherever_it_is_taken() {
    let w = World::new("regions").await;
    // Trends: an unknown code is refused, a retired one stands for its successor.
    let r = w.call("GET", "/api/v1/trends?node=cm.hyd&region=999999", None).await;
    assert_eq!(code(&r), (400, "unknown_region"), "{}", r.body);
    assert_eq!(r.body["error"]["parameter"], "region");
    let r = w.call("GET", "/api/v1/trends?node=cm.hyd&region=320323", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["series"][0]["region"], "320312", "{}", r.body);
    // Parks: checked like everywhere else; a prefecture takes in the parks of its counties.
    let r = w.call("GET", "/api/v1/parks?region=999999", None).await;
    assert_eq!(code(&r), (400, "unknown_region"), "{}", r.body);
    let r = w.call("GET", "/api/v1/parks?region=320300", None).await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    let r = w.call("GET", "/api/v1/parks?region=320323", None).await;
    assert_eq!(r.body["total"], 1, "a retired code finds the parks of its successor: {}", r.body);

    // Tickets: a prefecture matches the 板块 inside it, as the project list does; unknown codes are refused.
    let mut st = SqliteStore::open(&w.db).expect("store");
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 10).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("time");
    let t = chainscope_model::Ticket::file("T1", 1, "320312", "land", "扩建厂房需新增用地", vec![], at, "企业").expect("ticket");
    st.save_ticket(&t, None).expect("saved");
    let ids = |r: &Reply| r.body["items"].as_array().map(|a| a.iter().map(|t| t["id"].to_string()).collect::<Vec<_>>()).unwrap_or_default();
    for (region, found) in [("320312", 1), ("320300", 1), ("320000", 1), ("320323", 1)] {
        let r = w.call("GET", &format!("/api/v1/tickets?region={region}"), None).await;
        assert_eq!((r.status, ids(&r).len()), (200, found), "region {region}: {}", r.body);
    }
    let r = w.call("GET", "/api/v1/tickets?region=999999", None).await;
    assert_eq!(code(&r), (400, "unknown_region"), "{}", r.body);
    // The project list reads the region the same way.
    w.project().await;
    let r = w.call("GET", "/api/v1/projects?region=320300", None).await;
    assert_eq!((r.status, r.body["total"].as_u64()), (200, Some(1)), "{}", r.body);
    let r = w.call("GET", "/api/v1/projects?region=999999", None).await;
    assert_eq!(code(&r), (400, "unknown_region"), "{}", r.body);
}
