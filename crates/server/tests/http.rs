//! The server on a real loopback socket.

use chainscope_model::{CoordPrecision, Enterprise, Flags, RegionRegistry};
use chainscope_server::{router, ServerState};
use chainscope_testkit::{machinery, member, registry};
use std::sync::Arc;

/// Enterprise `i`, a manual member of `node` in `region` at (`lat`, `lon`), with every figure filled in.
fn enterprise(i: usize, node: &str, region: &str, lat: f64, lon: f64, leader: bool) -> Enterprise {
    Enterprise {
        ext_id: Some(i.to_string()),
        legal_rep: Some("张三".into()),
        phone: Some("0516-0000000".into()),
        lat: Some(lat),
        lon: Some(lon),
        coord_precision: CoordPrecision::Exact,
        h3: Some(u64::from(h3o::LatLng::new(lat, lon).expect("coords").to_cell(h3o::Resolution::Twelve))),
        founded: chrono::NaiveDate::from_ymd_opt(2000 + i as i32 % 20, 1, 1),
        registered_capital: Some(100.0),
        revenue: Some(1000.0 * i as f64),
        employees: Some(10 * i as u32),
        flags: Flags { chain_leader: leader, local: region.starts_with("3203"), ..Default::default() },
        synthetic: true,
        ..member(format!("ext:{i}"), format!("企业{i}"), &[node], Some(region))
    }
}

/// Thirty enterprises on the construction-machinery chain: a third in Tongshan (Xuzhou), the rest in Suzhou.
fn snapshot() -> chainscope_engine::Snapshot {
    let reg = registry(&["CN", "320000", "320300", "320312", "320500", "320505"]);
    let mut b = chainscope_engine::Snapshot::builder(machinery().build(), "320300");
    for i in 0..30 {
        let (region, lat, lon) = if i % 3 == 0 { ("320312", 34.25, 117.4) } else { ("320505", 31.3, 120.6) };
        b.push(&enterprise(i, if i % 2 == 0 { "cm.hyd" } else { "cm.exc" }, region, lat, lon, i == 6), &reg);
    }
    b.finish()
}

use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes()).await.expect("send");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.expect("read");
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn serves_the_summary_page_stats_and_json_errors() {
    let stats = serde_json::json!({
        "counts": {"enterprises": 3, "parks": 1, "carriers": 2, "projects": 4, "events": 1},
        "demo_data": true,
        "tiers": [{"name_zh": "优势创新产业集群", "name_en": "Advantage", "clusters": [
            {"name_zh": "工程机械", "name_en": "Construction machinery", "enterprises": 3, "local_enterprises": 2, "projects": 4}
        ]}]
    });
    let state = Arc::new(ServerState::new(
        "徐州<script>alert(1)</script>",
        "Xuzhou",
        chainscope_server::Data::new(snapshot(), stats, RegionRegistry::new()),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router(state)).await });

    let (status, body) = get(addr, "/summary").await;
    assert_eq!(status, 200);
    assert!(body.contains("工程机械"), "the page lists the clusters");
    assert!(body.contains("演示数据"), "demo data is marked");
    assert!(!body.contains("<script>alert(1)</script>"), "text is escaped");
    assert!(body.contains("&lt;script&gt;"));

    let (status, body) = get(addr, "/api/v1/stats").await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(v["counts"]["enterprises"], 3);

    // The embedded web app at "/", its files and the boundaries; unknown paths are the JSON 404.
    let (status, body) = get(addr, "/").await;
    assert_eq!(status, 200);
    assert!(body.contains("<script type=\"module\" src=\"/app.js\">"), "/ is the web app");
    let (status, body) = get(addr, "/geo/xuzhou_districts.geojson").await;
    assert_eq!(status, 200);
    assert!(body.contains("FeatureCollection"));
    for path in ["/nope.js", "/geo/nope.geojson", "/../Cargo.toml", "/api/nope"] {
        let (status, body) = get(addr, path).await;
        assert_eq!(status, 404, "{path}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
        assert_eq!(v["error"]["code"], "not_found", "{path}");
    }

    let (status, body) = get(addr, "/api/v1/nope").await;
    assert_eq!(status, 404);
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
    assert_eq!(v["error"]["code"], "not_found");

    let (status, _) = get(addr, "/api/v1/health").await;
    assert_eq!(status, 200);

    // Heat: 10 enterprises in 铜山 (one H3 cell at res 5), 20 in 苏州; the node filter halves them.
    let (status, body) = get(addr, "/api/v1/heat?group=h3&res=5").await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let counts: Vec<u64> = v["cells"].as_array().expect("cells").iter().map(|c| c["count"].as_u64().unwrap_or(0)).collect();
    assert_eq!(counts, vec![20, 10]);
    let (_, body) = get(addr, "/api/v1/heat?group=admin&level=prefecture&node=cm.hyd").await;
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let by: std::collections::BTreeMap<String, u64> = v["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| (c["key"].as_str().unwrap_or("").to_string(), c["count"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(by, [("320300".to_string(), 5), ("320500".to_string(), 10)].into_iter().collect());
    let (status, body) = get(addr, "/api/v1/heat?res=6&format=csv&local=true").await;
    assert_eq!(status, 200);
    assert!(body.starts_with("key,count,value\n") && body.lines().count() == 2, "{body}");
    let (status, body) = get(addr, "/api/v1/heat?res=6&format=geojson").await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).expect("GeoJSON");
    assert_eq!(v["features"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["features"][0]["geometry"]["type"], "Polygon");

    // Bad parameters: 400 with the parameter named, never a 500.
    for (path, parameter) in [
        ("/api/v1/heat?res=12", "resolution"),
        ("/api/v1/heat?node=nope", "node"),
        ("/api/v1/heat?weight=tons", "weight"),
        ("/api/v1/heat?local=maybe", "local"),
        ("/api/v1/heat?founded_from=abc", "founded_from"),
        ("/api/v1/heat?colour=red", "colour"),
        ("/api/v1/chains/cm/strength?reference=galaxy", "reference"),
        ("/api/v1/trends?from=2020&to=2025", "node"),
    ] {
        let (status, body) = get(addr, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
        assert_eq!(v["error"]["parameter"], parameter, "{path}: {body}");
    }
    let (status, _) = get(addr, "/api/v1/chains/nope/strength").await;
    assert_eq!(status, 404);

    // Chain strength and leaders over the same snapshot.
    let (status, body) = get(addr, "/api/v1/chains/cm/strength?reference=province").await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(v["nodes"].as_array().map(Vec::len), Some(2));
    let (status, body) = get(addr, "/api/v1/chains/cm/leaders").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = get(addr, "/api/v1/trends?node=cm.hyd&from=2000&to=2019").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = get(addr, "/api/v1/taxonomy").await;
    assert_eq!(status, 200);
    assert!(body.contains("cm.hyd"));
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route_and_its_parameters() {
    let doc = chainscope_server::openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    for (route, _, _) in chainscope_server::auth::RULES.iter().filter(|(r, _, _)| r.starts_with("/api/v1/")) {
        assert!(doc["paths"].get(*route).is_some(), "{route} is documented");
    }
    let heat = &doc["paths"]["/api/v1/heat"]["get"]["parameters"];
    let names: Vec<&str> = heat.as_array().expect("params").iter().filter_map(|p| p["name"].as_str()).collect();
    for n in ["node", "cluster", "res", "weight", "format", "local", "founded_from"] {
        assert!(names.contains(&n), "heat documents {n}");
    }
    // Every $ref resolves.
    let text = doc.to_string();
    for r in text.split("\"$ref\":\"").skip(1).map(|s| s.split('"').next().unwrap_or("")) {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(doc["components"]["schemas"].get(name).is_some(), "{r} resolves");
    }
}
