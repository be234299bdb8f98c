//! The search box on a real store file: names held in memory find every match whatever the text's length, rank
//! them as the store does, and the route refuses control characters.

mod common;

use chainscope_model::{Enterprise, Flags};
use chainscope_server::names::NameIndex;
use chainscope_server::source::{self, Context};
use chainscope_server::{router, Data, ServerState};
use chainscope_store::prelude::*;
use chainscope_store::SqliteStore;
use chainscope_testkit::{machinery, member, registry};
use std::sync::Arc;

fn firm(i: usize, name: &str, local: bool, revenue: Option<f64>) -> Enterprise {
    Enterprise {
        ext_id: Some(format!("s{i}")),
        country: "CN".into(),
        revenue,
        flags: Flags { local, ..Flags::default() },
        ..member(format!("ext:s{i}"), name.to_string(), &["cm.hyd"], None)
    }
}

/// A store of 300 outside names with 液压, names starting with it, two local firms and an English name.
fn store(dir: &std::path::Path) -> (SqliteStore, Context) {
    let mut st = SqliteStore::open(&dir.join("chainscope.db")).expect("store");
    let mut rows = vec![firm(3, "液压", false, None)];
    rows.extend((0..300).map(|i| firm(100 + i, &format!("外地{i}液压件有限公司"), false, Some(1000.0 + i as f64))));
    rows.push(firm(1, "液压件有限公司研究院", false, None));
    rows.push(firm(2, "液压件有限公司", false, None));
    rows.push(firm(4, "徐州小型液压件有限公司", true, Some(5.0)));
    rows.push(firm(5, "徐州大型液压件有限公司", true, Some(50_000.0)));
    rows.push(Enterprise { name_en: Some("Xuzhou Hydraulic Works".into()), ..firm(6, "徐州液压厂", false, None) });
    rows.push(firm(7, "100%_液压", false, None));
    st.import_enterprises(&mut rows.into_iter(), &|| true).expect("import");
    let cx =
        Context { taxonomy: machinery().build(), regions: Arc::new(registry(&["CN", "320000", "320300"])), home_region: "320300".into() };
    (st, cx)
}

#[test]
fn names_in_memory_rank_like_the_store_and_find_every_match_of_a_short_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (st, cx) = store(dir.path());
    let snap = source::snapshot(&st, &cx).expect("snapshot");
    let ix = NameIndex::build(&st, 1 << 30, &snap).expect("index");
    assert_eq!(ix.len(), 307);
    let names = |ids: Vec<i64>| -> Vec<String> { st.enterprises_by_id(&ids).expect("read").into_iter().map(|(_, e)| e.name).collect() };
    // Three characters and more: the store's pool holds every match here, so both must give the same order.
    for q in ["液压件有限公司", "大型液压件", "hydraulic WORKS", "Xuzhou Hydraulic Works", "0%_", "有限公司"] {
        for limit in [1, 5, 20] {
            let mem = names(ix.search(q, limit).0);
            let stored: Vec<String> = st.search_enterprises(q, limit).expect("search").into_iter().map(|(_, e)| e.name).collect();
            assert_eq!(mem, stored, "{q} (limit {limit})");
        }
    }
    // Two characters: every match is ranked (the store reads only the first few), so the largest outside firm
    // comes right after the whole name, the names starting with the text and the local firms.
    let (ids, total) = ix.search("液压", 6);
    assert_eq!(total, 307);
    assert_eq!(
        names(ids),
        ["液压", "液压件有限公司研究院", "液压件有限公司", "徐州大型液压件有限公司", "徐州小型液压件有限公司", "外地299液压件有限公司"]
    );
    assert_eq!(ix.search("zq", 5), (vec![], 0));
    assert_eq!(ix.search("  ", 5).1, 0);
    // A budget the names do not fit: no index (the store searches).
    assert!(NameIndex::build(&st, 100, &snap).is_err());
}

#[tokio::test]
async fn the_search_route_uses_the_names_and_refuses_control_characters() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (st, cx) = store(dir.path());
    let mut data = Data::new(source::snapshot(&st, &cx).expect("snapshot"), serde_json::json!({}), (*cx.regions).clone());
    data.names = source::names(&st, &data.snapshot);
    assert!(data.names.is_some());
    let state = Arc::new(ServerState::new("徐州", "Xuzhou", data).with_records(Box::new(st)));
    let app = common::app(router(state));
    let r = common::send(&app, "GET", "/api/v1/search?q=%E6%B6%B2%E5%8E%8B&limit=3", &[], None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let got: Vec<&str> = r.body["enterprises"].as_array().expect("enterprises").iter().filter_map(|e| e["name"].as_str()).collect();
    assert_eq!(got, ["液压", "液压件有限公司研究院", "液压件有限公司"]);
    for q in ["%00", "a%00b", "%0A", "x%1F"] {
        let r = common::send(&app, "GET", &format!("/api/v1/search?q={q}"), &[], None).await;
        assert_eq!(r.code(), (400, "control_character"), "{q}: {}", r.text);
        assert_eq!(r.body["error"]["parameter"], "q");
    }
}
