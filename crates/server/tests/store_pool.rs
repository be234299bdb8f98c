//! The record store's connections under load, through the real router on a real store file: writers queue and
//! every write succeeds, a long read on one reader leaves the others (and the writer) free, an abandoned read is
//! interrupted and its connection serves the next request, and a write lock held too long is a 503 to retry.

mod common;

use chainscope_model::{Enterprise, Region, RegionLevel, RegionRegistry, Role};
use chainscope_server::{router, Data, ServerState};
use chainscope_store::prelude::*;
use chainscope_store::SqliteStore;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

const PASSWORD: &str = "Test-password-2026";
/// Enterprises in the store: enough rows that a scan held on its first row has far to go.
const FIRMS: usize = 300;
/// Long enough that only a request that never gets a connection runs into it; never reached when all is well.
const PATIENCE: Duration = Duration::from_secs(60);

fn regions() -> RegionRegistry {
    let mut reg = RegionRegistry::new();
    reg.insert(Region::new("CN", "中国", RegionLevel::Country, None, "CN"));
    reg.insert(Region::new("320000", "江苏省", RegionLevel::Province, Some("CN"), "CN"));
    reg.insert(Region::new("320300", "徐州市", RegionLevel::Prefecture, Some("320000"), "CN"));
    reg.insert(Region::new("320312", "铜山区", RegionLevel::County, Some("320300"), "CN"));
    reg
}

/// A scratch store with `FIRMS` enterprises and an administrator; a server on it with `readers` read connections,
/// signed in.
struct World {
    app: axum::Router,
    state: Arc<ServerState>,
    db: PathBuf,
    dir: PathBuf,
    cookie: String,
    csrf: String,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl World {
    /// `writer_wait`: how long the writing connections wait for a lock held elsewhere (default: the store's).
    async fn new(name: &str, readers: usize, writer_wait: Option<Duration>) -> World {
        let dir = std::env::temp_dir().join(format!("chainscope-pool-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        let db = dir.join("chainscope.db");
        let writer = SqliteStore::open(&db).expect("store");
        if let Some(wait) = writer_wait {
            writer.set_busy_wait(wait).expect("busy wait");
        }
        let mut firms = (0..FIRMS)
            .map(|i| Enterprise {
                country: "CN".into(), ..Enterprise::new(format!("k{i}"), format!("徐州池测{i}号机械有限公司"))
            });
        let mut importer = SqliteStore::open(&db).expect("importer");
        importer.import_enterprises(&mut firms, &|| true).expect("import").expect("committed");
        let mut accounts = SqliteStore::open(&db).expect("accounts");
        accounts.create_account(&common::account("admin", Role::Admin)).expect("administrator");
        if let Some(wait) = writer_wait {
            // The guard audits every write on this connection; it would wait as long for the lock.
            accounts.set_busy_wait(wait).expect("busy wait");
        }
        let readers: Vec<Box<dyn Store>> =
            (0..readers).map(|_| Box::new(SqliteStore::open_reader(&db).expect("reader")) as Box<dyn Store>).collect();
        let snapshot = chainscope_engine::Snapshot::builder(chainscope_testkit::machinery().build(), "320300").finish();
        let state = Arc::new(
            ServerState::new("测试", "Test", Data::new(snapshot, json!({}), regions()))
                .with_records(Box::new(writer))
                .with_readers(readers)
                .with_account_store(Box::new(accounts)),
        );
        let app = common::app(router(state.clone()));
        let login = json!({"username": "admin", "password": PASSWORD}).to_string();
        let login = common::send(&app, "POST", "/api/v1/auth/login", &[], Some(&login)).await;
        assert_eq!(login.status, 200, "{}", login.body);
        let cookie = login.header("set-cookie").split(';').next().unwrap_or("").to_string();
        let csrf = login.body["csrf"].as_str().expect("csrf").to_string();
        World { app, state, db, dir, cookie, csrf }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> common::Reply {
        let headers = [("Cookie", self.cookie.as_str()), ("X-CSRF-Token", self.csrf.as_str())];
        common::send(&self.app, method, path, &headers, body.map(|b| b.to_string()).as_deref()).await
    }

    async fn create_project(&self, id: &str) -> common::Reply {
        let body =
            json!({"id": id, "name": format!("项目 {id}"), "region_code": "320312", "cluster": "cm", "amount": 1000, "date": "2026-11-10"});
        self.call("POST", "/api/v1/projects", Some(body)).await
    }

    /// The enterprises a search finds, by name.
    async fn search(&self, q: &str) -> Vec<String> {
        let r = tokio::time::timeout(PATIENCE, self.call("GET", &format!("/api/v1/search?q={q}"), None))
            .await
            .expect("the search is answered while other work runs");
        assert_eq!(r.status, 200, "{}", r.body);
        r.body["enterprises"].as_array().expect("enterprises").iter().map(|e| e["name"].as_str().unwrap_or("").to_string()).collect()
    }
}

/// Percent-encoded, for a query string.
fn encoded(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Occupy one reader with a scan that stops on its first row until `release` is dropped or sent to. Returns when the
/// scan is running; the task answers with the number of rows the scan read.
async fn hold_a_reader(
    state: &Arc<ServerState>,
) -> (tokio::task::JoinHandle<Result<usize, chainscope_server::error::ApiError>>, mpsc::Sender<()>) {
    let (started_tx, started) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let s = state.clone();
    let held = tokio::spawn(async move {
        s.with_store(move |st| {
            let mut rows = 0;
            st.for_each_enterprise(&mut |_| {
                if rows == 0 {
                    let _ = started_tx.send(());
                    let _ = released.recv();
                }
                rows += 1;
            })?;
            Ok(rows)
        })
        .await
    });
    tokio::task::spawn_blocking(move || started.recv()).await.expect("waiting").expect("the scan started");
    (held, release)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_through_the_router_all_succeed() {
    const TASKS: usize = 8;
    const EACH: usize = 10;
    let w = Arc::new(World::new("writers", 2, None).await);
    // A command writing beside the server on its own connection, as an import does.
    let outside = {
        let db = w.db.clone();
        std::thread::spawn(move || -> Vec<String> {
            let mut st = SqliteStore::open(&db).expect("outside connection");
            (0..TASKS * EACH)
                .filter_map(|i| {
                    st.set_meta("outside", &i.to_string())
                        .and_then(|_| {
                            st.audit(&chainscope_store::AuditEntry { actor: "cli".into(), action: "import".into(), ..Default::default() })
                        })
                        .err()
                        .map(|e| format!("outside {i}: {e} {:?}", e.detail()))
                })
                .collect()
        })
    };
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let w = w.clone();
            tokio::spawn(async move {
                let mut failed = Vec::new();
                for i in 0..EACH {
                    let id = format!("w{t}-{i}");
                    let r = w.create_project(&id).await;
                    if r.status != 201 {
                        failed.push(format!("create {id}: {} {}", r.status, r.body));
                        continue;
                    }
                    let r = w.call("PATCH", &format!("/api/v1/projects/{id}"), Some(json!({"version": 1, "jobs": 5}))).await;
                    if r.status != 200 {
                        failed.push(format!("edit {id}: {} {}", r.status, r.body));
                    }
                }
                failed
            })
        })
        .collect();
    let mut failed = Vec::new();
    for t in tasks {
        failed.extend(t.await.expect("writer task"));
    }
    failed.extend(outside.join().expect("outside writer"));
    assert!(failed.is_empty(), "{} writes failed: {failed:#?}", failed.len());
    let r = w.call("GET", "/api/v1/projects?limit=500", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let st = SqliteStore::open_reader(&w.db).expect("reader");
    let projects = st.projects().expect("projects");
    assert_eq!(projects.len(), TASKS * EACH);
    assert!(projects.iter().all(|p| p.version == 2 && p.jobs == Some(5)), "every edit is stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_long_read_on_one_reader_does_not_hold_up_the_others_nor_the_writer() {
    let w = World::new("long-read", 2, None).await;
    assert_eq!(w.state.reader_count(), 2);
    let (held, release) = hold_a_reader(&w.state).await;
    // One reader is busy until released; a search on the other, and a write on the writer, are answered meanwhile.
    // (With one connection for everything, both would wait for the release, which comes only after them.)
    assert_eq!(w.search(&encoded("池测42号")).await, ["徐州池测42号机械有限公司"]);
    let r = tokio::time::timeout(PATIENCE, w.create_project("during-read")).await.expect("the write is answered");
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(!held.is_finished(), "the long read was still running");
    drop(release);
    let rows = held.await.expect("held task").expect("the long read ends normally");
    assert_eq!(rows, FIRMS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_abandoned_read_is_interrupted_and_its_reader_serves_the_next_request() {
    // One reader, so that the next request is on the very connection that was interrupted.
    let w = World::new("abandoned", 1, None).await;
    let seen = Arc::new(AtomicUsize::new(0));
    let gone = Arc::new(AtomicBool::new(false));
    let (done_tx, done) = mpsc::channel::<Option<&'static str>>();
    let (started_tx, started) = mpsc::channel::<()>();
    let request = {
        let (s, seen, gone) = (w.state.clone(), seen.clone(), gone.clone());
        tokio::spawn(async move {
            s.with_store(move |st| {
                let outcome = st.for_each_enterprise(&mut |_| {
                    if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                        let _ = started_tx.send(());
                    }
                    // Each row waits until the request has been dropped, as a slow query would still be running.
                    while !gone.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                });
                let _ = done_tx.send(outcome.as_ref().err().map(|e| e.code()));
                outcome
            })
            .await
        })
    };
    tokio::task::spawn_blocking(move || started.recv()).await.expect("waiting").expect("the read started");
    // The client goes away: the request's future is dropped while its query runs.
    request.abort();
    assert!(request.await.expect_err("aborted").is_cancelled());
    gone.store(true, Ordering::SeqCst);
    let ended = tokio::task::spawn_blocking(move || done.recv_timeout(PATIENCE)).await.expect("waiting");
    assert_eq!(ended.expect("the abandoned read ended"), Some("interrupted"));
    let rows = seen.load(Ordering::SeqCst);
    assert!(rows < FIRMS, "the scan stopped early: {rows} of {FIRMS} rows");

    // The same reader answers the next requests in full.
    assert_eq!(w.search(&encoded("池测7号")).await, ["徐州池测7号机械有限公司"]);
    let all = w
        .state
        .with_store(|st| {
            let mut n = 0;
            st.for_each_enterprise(&mut |_| n += 1)?;
            Ok(n)
        })
        .await
        .expect("a full scan after the interrupt");
    assert_eq!(all, FIRMS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_lock_held_too_long_is_a_503_with_retry_after() {
    let w = World::new("busy", 2, Some(Duration::from_millis(300))).await;
    // An import on another connection holds the write lock from its first row until it is let go.
    let (holding_tx, holding) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let importer = {
        let db = w.db.clone();
        std::thread::spawn(move || {
            let mut st = SqliteStore::open(&db).expect("importer");
            let mut rows = (0..3)
                .map(|i| Enterprise { country: "CN".into(), ..Enterprise::new(format!("late{i}"), format!("后来{i}有限公司")) })
                .inspect(move |_| {
                    let _ = holding_tx.send(());
                    let _ = released.recv();
                });
            st.import_enterprises(&mut rows, &|| true).expect("import").expect("committed");
        })
    };
    tokio::task::spawn_blocking(move || holding.recv()).await.expect("waiting").expect("the import holds the lock");
    let r = w.create_project("while-importing").await;
    assert_eq!(r.code(), (503, "store_busy"), "{}", r.body);
    assert_eq!(r.header("retry-after"), "2");
    assert!(!r.text.contains("locked"), "the database's words stay in the log: {}", r.text);
    // Reads are answered meanwhile.
    assert_eq!(w.search(&encoded("池测1号")).await, ["徐州池测1号机械有限公司"]);
    drop(release);
    tokio::task::spawn_blocking(move || importer.join()).await.expect("waiting").expect("importer thread");
    let r = w.create_project("while-importing").await;
    assert_eq!(r.status, 201, "once the lock is free the same write succeeds: {}", r.body);
}
