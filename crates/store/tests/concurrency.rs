//! Several connections to one store file at once, as a server holds them (a writer, readers, an accounts
//! connection) and as a command run beside it adds one: writers queue for the write lock instead of failing, a lock
//! held past the wait is a `busy` error, and a running read can be interrupted without harming the next one.

use chainscope_model::project::{Channel, Stage};
use chainscope_model::{Enterprise, Project, Provenance};
use chainscope_store::prelude::*;
use chainscope_store::{AuditEntry, Change, SqliteStore, StoreError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::time::Duration;

fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("scratch directory");
    let db = dir.path().join("chainscope.db");
    (dir, db)
}

fn project(id: &str) -> Project {
    Project {
        id: id.into(),
        name: format!("项目 {id}"),
        investor: None,
        investor_id: None,
        cluster: Some("cm".into()),
        node: None,
        other_category: None,
        region_code: "320312".into(),
        park_id: None,
        amount: Some(1000.0),
        amount_paid: None,
        jobs: Some(0),
        channel: Channel::Chain,
        stage: Stage::Lead,
        history: vec![],
        event_id: None,
        officer: None,
        provenance: Provenance { source: "test".into(), as_of: None },
        synthetic: true,
        version: 0,
        start_deadline: None,
        checklist: vec![],
        documents: vec![],
        next_steps: vec![],
    }
}

fn firms(n: usize) -> Vec<Enterprise> {
    (0..n).map(|i| Enterprise { country: "CN".into(), ..Enterprise::new(format!("k{i}"), format!("徐州测试{i}机械有限公司")) }).collect()
}

fn stored(db: &Path, rows: Vec<Enterprise>) {
    let mut st = SqliteStore::open(db).expect("store");
    st.import_enterprises(&mut rows.into_iter(), &|| true).expect("import").expect("committed");
}

/// Eight connections write at once, each a read-then-write of its own project (the version check), an audit line,
/// a session and a setting, forty rounds each. Deferred transactions failed some of these with "database is locked"
/// whenever another connection committed between a transaction's read and its write; every one must succeed.
#[test]
fn concurrent_writers_on_their_own_connections_all_succeed() {
    const WRITERS: usize = 8;
    const ROUNDS: usize = 40;
    let (_dir, db) = scratch();
    let mut first = SqliteStore::open(&db).expect("store");
    let admin = chainscope_model::Account {
        id: 0,
        username: "admin".into(),
        display_name: "管理员".into(),
        password_hash: "x".into(),
        role: chainscope_model::Role::Admin,
        regions: vec![],
        department: None,
        enterprise_id: None,
        active: true,
        must_change: false,
        failed_logins: 0,
        locked_until: None,
        created_at: String::new(),
    };
    let admin_id = first.create_account(&admin).expect("account");
    let start = Arc::new(Barrier::new(WRITERS));
    let workers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let db = db.clone();
            let start = start.clone();
            std::thread::spawn(move || -> Vec<String> {
                let mut st = SqliteStore::open(&db).expect("connection");
                let id = format!("p-{w}");
                let change = Change { actor: format!("writer {w}"), action: "edit".into(), summary: String::new() };
                let mut failures = Vec::new();
                if let Err(e) = st.save_project(&project(&id), None, &change) {
                    failures.push(format!("create {id}: {e} ({:?})", e.detail()));
                }
                start.wait();
                for round in 0..ROUNDS {
                    let outcome = (|| -> chainscope_store::Result<()> {
                        let mut p = st.project(&id)?.ok_or_else(|| StoreError::NotFound(id.clone()))?;
                        p.jobs = Some(round as u32 + 1);
                        st.save_project(&p, Some(p.version), &change)?;
                        st.audit(&AuditEntry {
                            actor: format!("writer {w}"),
                            action: "edit".into(),
                            target: id.clone(),
                            ..Default::default()
                        })?;
                        st.create_session(&format!("{w}-{round}"), admin_id, "csrf", "2099-01-01T00:00:00Z")?;
                        st.set_meta(&format!("writer_{w}"), &round.to_string())?;
                        Ok(())
                    })();
                    if let Err(e) = outcome {
                        failures.push(format!("writer {w} round {round}: {e} ({:?})", e.detail()));
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = workers.into_iter().flat_map(|h| h.join().expect("writer thread")).collect();
    assert!(failures.is_empty(), "{} writes failed: {failures:#?}", failures.len());
    // Every write is there: each project at its last version, with every version logged.
    let st = SqliteStore::open_reader(&db).expect("reader");
    for w in 0..WRITERS {
        let p = st.project(&format!("p-{w}")).expect("read").expect("project");
        assert_eq!((p.version, p.jobs), (ROUNDS as i64 + 1, Some(ROUNDS as u32)), "p-{w}");
        assert_eq!(st.project_log(&p.id).expect("log").len(), ROUNDS + 1);
        assert_eq!(st.meta(&format!("writer_{w}")).expect("meta").as_deref(), Some(&*(ROUNDS - 1).to_string()));
    }
    assert_eq!(st.audit_log(10_000).expect("audit").len(), WRITERS * ROUNDS);
}

/// While another connection holds the write lock (an import in progress), a write waits; past its wait it fails
/// with the `busy` error, which says to try again, not with a database error. Once the lock is free it succeeds.
#[test]
fn a_write_lock_held_past_the_wait_is_a_busy_error() {
    let (_dir, db) = scratch();
    stored(&db, firms(3));
    let (holding_tx, holding) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let importer = {
        let db = db.clone();
        std::thread::spawn(move || {
            let mut st = SqliteStore::open(&db).expect("importer");
            // The import holds the write lock from its first row until it commits.
            let mut rows = firms(5).into_iter().inspect(move |_| {
                let _ = holding_tx.send(());
                let _ = released.recv();
            });
            st.import_enterprises(&mut rows, &|| true).expect("import").expect("committed");
        })
    };
    holding.recv().expect("the import started");
    let mut other = SqliteStore::open(&db).expect("second connection");
    other.set_busy_wait(Duration::from_millis(200)).expect("busy wait");
    let e = other.set_meta("note", "while importing").expect_err("the write lock is held");
    assert_eq!(e.code(), "busy", "{e}: {:?}", e.detail());
    assert!(e.to_string().contains(" / "), "bilingual: {e}");
    // Reads go on meanwhile (WAL): they see the store as it was before the import.
    assert_eq!(other.counts().expect("counts").enterprises, 3);
    drop(release);
    importer.join().expect("importer thread");
    other.set_meta("note", "after the import").expect("the lock is free");
    assert_eq!(other.meta("note").expect("meta").as_deref(), Some("after the import"));
}

/// A reader can run while a write transaction is open on another connection, and a reader refuses to write.
#[test]
fn readers_read_beside_an_open_write_and_never_write() {
    let (_dir, db) = scratch();
    stored(&db, firms(4));
    let mut reader = SqliteStore::open_reader(&db).expect("reader");
    assert_eq!(reader.counts().expect("counts").enterprises, 4);
    let e = reader.set_meta("x", "y").expect_err("a reader does not write");
    assert_eq!(e.code(), "database_error", "{e}");
    assert_eq!(reader.meta("x").expect("meta"), None);
}

/// A long read interrupted from another thread stops at its next row with `interrupted`, and the same connection
/// then answers the next read in full. An interrupt sent while nothing runs changes nothing for later reads.
#[test]
fn an_interrupted_read_stops_and_the_connection_serves_the_next() {
    const ROWS: usize = 500;
    let (_dir, db) = scratch();
    stored(&db, firms(ROWS));
    let st = SqliteStore::open_reader(&db).expect("reader");
    let stop = st.interrupter();

    // Sent while idle: forgotten once the next statement starts.
    stop.interrupt();
    assert_eq!(st.counts().expect("counts after an idle interrupt").enterprises, ROWS as u64);

    let seen = Arc::new(AtomicUsize::new(0));
    let sent = Arc::new(AtomicBool::new(false));
    let (started_tx, started) = mpsc::channel::<()>();
    let reading = {
        let (seen, sent) = (seen.clone(), sent.clone());
        std::thread::spawn(move || {
            let outcome = st.for_each_enterprise(&mut |_| {
                seen.fetch_add(1, Ordering::SeqCst);
                let _ = started_tx.send(());
                // Hold the statement open on its first row until the interrupt has been sent.
                while !sent.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
            (outcome, st)
        })
    };
    started.recv().expect("the read started");
    stop.interrupt();
    sent.store(true, Ordering::SeqCst);
    let (outcome, st) = reading.join().expect("reading thread");
    let e = outcome.expect_err("the read was interrupted");
    assert_eq!(e.code(), "interrupted", "{e}");
    assert!(matches!(e, StoreError::Interrupted));
    assert!(seen.load(Ordering::SeqCst) < ROWS, "stopped early: {} of {ROWS} rows", seen.load(Ordering::SeqCst));

    // The same connection, next: whole answers.
    let mut all = 0;
    st.for_each_enterprise(&mut |_| all += 1).expect("the next read");
    assert_eq!(all, ROWS);
    assert_eq!(st.search_enterprises("测试42机械", 5).expect("search").len(), 1);
}
