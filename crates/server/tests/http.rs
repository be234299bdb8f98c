//! The router in-process: pages, JSON answers and errors, the route table routed and guarded, and the
//! documents derived from the table.

mod common;

use chainscope_model::{CoordPrecision, Enterprise, Flags, RegionRegistry};
use chainscope_server::{router, routes, ServerState};
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

use common::{app, get};

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
    let app = app(router(state));

    let (status, body) = get(&app, "/summary").await;
    assert_eq!(status, 200);
    assert!(body.contains("工程机械"), "the page lists the clusters");
    assert!(body.contains("演示数据"), "demo data is marked");
    assert!(!body.contains("<script>alert(1)</script>"), "text is escaped");
    assert!(body.contains("&lt;script&gt;"));

    let (status, body) = get(&app, "/api/v1/stats").await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(v["counts"]["enterprises"], 3);

    // The embedded web app at "/", its files and the boundaries; unknown paths are the JSON 404.
    let (status, body) = get(&app, "/").await;
    assert_eq!(status, 200);
    assert!(body.contains("<script type=\"module\" src=\"/app.js\">"), "/ is the web app");
    let (status, body) = get(&app, "/geo/xuzhou_districts.geojson").await;
    assert_eq!(status, 200);
    assert!(body.contains("FeatureCollection"));
    for path in ["/nope.js", "/geo/nope.geojson", "/../Cargo.toml", "/api/nope"] {
        let (status, body) = get(&app, path).await;
        assert_eq!(status, 404, "{path}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
        assert_eq!(v["error"]["code"], "not_found", "{path}");
    }

    let (status, body) = get(&app, "/api/v1/nope").await;
    assert_eq!(status, 404);
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
    assert_eq!(v["error"]["code"], "not_found");

    let (status, _) = get(&app, "/api/v1/health").await;
    assert_eq!(status, 200);

    // Heat: 10 enterprises in 铜山 (one H3 cell at res 5), 20 in 苏州; the node filter halves them.
    let (status, body) = get(&app, "/api/v1/heat?group=h3&res=5").await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let counts: Vec<u64> = v["cells"].as_array().expect("cells").iter().map(|c| c["count"].as_u64().unwrap_or(0)).collect();
    assert_eq!(counts, vec![20, 10]);
    let (_, body) = get(&app, "/api/v1/heat?group=admin&level=prefecture&node=cm.hyd").await;
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let by: std::collections::BTreeMap<String, u64> = v["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| (c["key"].as_str().unwrap_or("").to_string(), c["count"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(by, [("320300".to_string(), 5), ("320500".to_string(), 10)].into_iter().collect());
    let (status, body) = get(&app, "/api/v1/heat?res=6&format=csv&local=true").await;
    assert_eq!(status, 200);
    assert!(body.starts_with("key,count,value\n") && body.lines().count() == 2, "{body}");
    let (status, body) = get(&app, "/api/v1/heat?res=6&format=geojson").await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).expect("GeoJSON");
    assert_eq!(v["features"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["features"][0]["geometry"]["type"], "Polygon");
    for f in v["features"].as_array().expect("features") {
        let ring = f["geometry"]["coordinates"][0].as_array().expect("ring");
        assert_eq!(ring.len(), 7, "a hexagon, closed: {f}");
        assert_eq!(ring.first(), ring.last(), "the ring is closed");
        let lon = ring[0][0].as_f64().expect("lon");
        assert!((117.0..121.0).contains(&lon) && (lon * 1e6).fract().abs() < 1e-3, "six decimals at most: {lon}");
        assert!(f["id"].is_string() && f["properties"]["count"].as_u64().is_some_and(|n| n > 0), "{f}");
    }
    let counts: u64 = v["features"].as_array().expect("features").iter().filter_map(|f| f["properties"]["count"].as_u64()).sum();
    assert_eq!(counts, 30, "every enterprise in a cell");

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
        let (status, body) = get(&app, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
        assert_eq!(v["error"]["parameter"], parameter, "{path}: {body}");
    }
    let (status, _) = get(&app, "/api/v1/chains/nope/strength").await;
    assert_eq!(status, 404);

    // Chain strength and leaders over the same snapshot.
    let (status, body) = get(&app, "/api/v1/chains/cm/strength?reference=province").await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(v["nodes"].as_array().map(Vec::len), Some(2));
    let (status, body) = get(&app, "/api/v1/chains/cm/leaders").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = get(&app, "/api/v1/trends?node=cm.hyd&from=2000&to=2019").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = get(&app, "/api/v1/taxonomy").await;
    assert_eq!(status, 200);
    assert!(body.contains("cm.hyd"));
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route_and_its_parameters() {
    let doc = chainscope_server::openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    // Exactly the route table's operations, each with who may call it.
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            documented.push((method.to_uppercase(), path.clone()));
            assert!(op["x-audience"].is_string() || op["x-audience"].is_array(), "{method} {path} names its audience");
            assert!(op["operationId"].is_string() && op["tags"].is_array(), "{method} {path}");
            let signed = op["x-audience"] != "public";
            assert_eq!(op["security"].is_array(), signed, "{method} {path}: a session exactly when not public");
            if signed {
                assert!(op["responses"].get("401").is_some() && op["responses"].get("403").is_some(), "{method} {path}: 401 and 403");
            }
            // Every error answer is in the Error schema.
            for (status, reply) in op["responses"].as_object().expect("responses") {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        reply["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error",
                        "{method} {path} {status}"
                    );
                }
            }
            // Every JSON body lists its fields; every write can be too large.
            if let Some(schema) = op["requestBody"]["content"].get("application/json").map(|c| &c["schema"]) {
                assert_eq!(schema["type"], "object", "{method} {path}");
                if schema.get("additionalProperties") == Some(&serde_json::json!(false)) {
                    assert!(schema["properties"].is_object(), "{method} {path}: a closed body lists its properties");
                }
            }
            if method != "get" {
                assert!(op["responses"].get("413").is_some(), "{method} {path}: 413");
            }
        }
    }
    // Every route marked heavy documents its rate limit; so does signing in.
    for r in routes::table().filter(|r| r.heavy) {
        let op = &doc["paths"][r.path][r.verb.openapi()];
        assert!(op["responses"].get("429").is_some(), "{r:?}: 429");
    }
    let login = &doc["paths"]["/api/v1/auth/login"]["post"];
    assert!(login["responses"].get("429").is_some());
    assert_eq!(login["requestBody"]["content"]["application/json"]["schema"]["required"], serde_json::json!(["username", "password"]));
    // Bodies name their fields with types and limits.
    let create = &doc["paths"]["/api/v1/projects"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(create["properties"]["name"]["maxLength"], 200);
    assert_eq!(create["properties"]["amount"]["type"], "number");
    assert_eq!(create["additionalProperties"], false);
    let post = &doc["paths"]["/api/v1/market/items"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(post["properties"]["kind"]["enum"], serde_json::json!(["supply", "demand"]));
    // Parameters state their limits.
    let param = |path: &str, name: &str| {
        doc["paths"][path]["get"]["parameters"].as_array().and_then(|a| a.iter().find(|p| p["name"] == name)).cloned().unwrap_or_default()
    };
    assert_eq!(param("/api/v1/heat", "res")["schema"], serde_json::json!({"type": "integer", "minimum": 3, "maximum": 9}));
    assert_eq!(param("/api/v1/search", "q")["schema"]["maxLength"], 100);
    assert_eq!(param("/api/v1/enterprises", "limit")["schema"]["maximum"], 500);
    // Answers: an array where the route gives one, the key answers with their properties.
    let ok = |path: &str| doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"].clone();
    assert_eq!(ok("/api/v1/chains/{id}/leaders")["$ref"], "#/components/schemas/Leaders");
    assert_eq!(doc["components"]["schemas"]["Leaders"]["type"], "array");
    for (path, schema) in [
        ("/api/v1/heat", "Heat"),
        ("/api/v1/enterprises", "EnterprisePage"),
        ("/api/v1/enterprises/{id}", "Enterprise"),
        ("/api/v1/search", "Search"),
        ("/api/v1/projects", "ProjectPage"),
        ("/api/v1/tickets", "Tickets"),
    ] {
        assert_eq!(ok(path)["$ref"], format!("#/components/schemas/{schema}"), "{path}");
        assert!(doc["components"]["schemas"][schema]["properties"].is_object(), "{schema} lists its properties");
    }
    let mut table: Vec<(String, String)> = routes::table().map(|r| (r.verb.as_str().to_string(), r.path.to_string())).collect();
    documented.sort();
    table.sort();
    assert_eq!(documented, table);
    assert_eq!(doc["paths"]["/api/v1/users"]["get"]["x-audience"], serde_json::json!(["admin"]));
    assert_eq!(doc["paths"]["/api/v1/heat"]["get"]["x-audience"], "public");
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

/// Any request with a JSON body text; the status and the body.
async fn request(app: &axum::Router, method: &str, path: &str, body: &str) -> (u16, String) {
    let r = common::send(app, method, path, &[], (!body.is_empty()).then_some(body)).await;
    (r.status, r.text)
}

#[tokio::test]
async fn every_route_of_the_table_is_routed_with_its_method_and_guarded_by_its_audience() {
    let state = Arc::new(ServerState::new(
        "徐州",
        "Xuzhou",
        chainscope_server::Data::new(snapshot(), serde_json::json!({}), RegionRegistry::new()),
    ));
    let app = app(router(state));
    for r in routes::table() {
        // Path parameters get a made-up value: the route must match whatever the record.
        let path = r.path.replace("{id}", "x1").replace("{code}", "320312").replace("{version}", "1");
        let body = if r.verb == routes::Verb::Get { "" } else { "{}" };
        let (status, text) = request(&app, r.verb.as_str(), &path, body).await;
        let fallback = status == 404 && text.contains("\"code\":\"not_found\"");
        assert!(status != 405 && !fallback, "{r:?}: {status} {text}");
        // Without a session only public routes reach their handler; the others are refused by the guard, which runs
        // for routed requests only (so a 401 also proves the route matched).
        if r.audience == chainscope_server::auth::Allow::Public {
            assert_ne!(status, 401, "{r:?}: {text}");
        } else {
            assert_eq!(status, 401, "{r:?}: {text}");
        }
        // A method the table does not give the path reaches no handler: the guard refuses it to all but
        // administrators, and the router answers 405 to them.
        if !routes::table().any(|o| o.path == r.path && o.verb == routes::Verb::Patch) {
            let (status, _) = request(&app, "PATCH", &path, "{}").await;
            assert!(matches!(status, 401 | 405), "PATCH {path}: {status}");
        }
    }
    // The audiences, as the web app reads them.
    let (status, text) = request(&app, "GET", "/api/v1/access", "").await;
    assert_eq!(status, 200);
    let access: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(access["roles"], serde_json::json!(["admin", "leader", "officer", "department", "enterprise"]));
    let find = |m: &str, p: &str| access["routes"].as_array().and_then(|a| a.iter().find(|r| r["method"] == m && r["path"] == p)).cloned();
    assert_eq!(find("GET", "/api/v1/heat").map(|r| r["audience"].clone()), Some("public".into()));
    assert_eq!(find("GET", "/api/v1/tickets").map(|r| r["audience"].clone()), Some("signed_in".into()));
    assert_eq!(find("GET", "/api/v1/leads").map(|r| r["audience"].clone()), Some(serde_json::json!(["admin", "leader", "officer"])));
    assert_eq!(access["routes"].as_array().map(Vec::len), Some(routes::table().count()));
}

#[test]
fn the_readme_names_every_route() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README.md");
    let api = readme.split("\n## API").nth(1).and_then(|rest| rest.split("\n## ").next()).expect("the README's API section");
    // A path is named when it is not the start of a longer one (`/api/v1/parks` in `/api/v1/parks/{id}`).
    let names = |path: &str| {
        api.match_indices(path).any(|(at, _)| {
            api[at + path.len()..].chars().next().is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '/' | '_' | '{' | '.' | '-')))
        })
    };
    let missing: Vec<&str> = routes::table().map(|r| r.path).filter(|p| !names(p)).collect();
    assert!(missing.is_empty(), "README.md's API section does not name {missing:?}");
}

#[tokio::test]
async fn public_answers_are_kept_until_the_data_changes_and_revalidate_cheaply() {
    let state = Arc::new(ServerState::new(
        "徐州",
        "Xuzhou",
        chainscope_server::Data::new(snapshot(), serde_json::json!({}), RegionRegistry::new()),
    ));
    let app = app(router(state.clone()));
    let heat = "/api/v1/heat?group=h3&res=5&format=geojson";
    let first = common::send(&app, "GET", heat, &[("accept-encoding", "gzip")], None).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("content-encoding"), "gzip", "kept compressed for clients that take gzip");
    let etag = first.header("etag").to_string();
    assert!(etag.starts_with('"') && etag.len() > 4, "a strong validator: {etag}");
    assert_eq!(first.header("cache-control"), "no-cache");
    // The same question, parameters in another order: the same answer and validator, from the cache.
    let again = common::send(&app, "GET", "/api/v1/heat?format=geojson&res=5&group=h3", &[("accept-encoding", "gzip")], None).await;
    assert_eq!((again.status, again.header("etag")), (200, etag.as_str()));
    assert_eq!(again.text, first.text);
    assert_eq!(state.cache_figures().hits, 1);
    // Without gzip: plain JSON under its own validator.
    let plain = common::send(&app, "GET", heat, &[], None).await;
    assert_eq!(plain.header("content-encoding"), "");
    assert_eq!(plain.body["features"].as_array().map(Vec::len), Some(2));
    assert_ne!(plain.header("etag"), etag);
    // A browser that has it gets a 304 with no body.
    let cond = common::send(&app, "GET", heat, &[("accept-encoding", "gzip"), ("if-none-match", &etag)], None).await;
    assert_eq!((cond.status, cond.text.as_str()), (304, ""));
    // Errors are never kept; answers that depend on who asks (a park's page) are not kept either.
    let bad = common::send(&app, "GET", "/api/v1/heat?res=99", &[], None).await;
    assert_eq!(bad.status, 400);
    assert!(bad.header("etag").is_empty());
    // New data: a new generation, the old validator no longer matches, the answer is built anew.
    let before = state.generation();
    let mut fewer = chainscope_engine::Snapshot::builder(machinery().build(), "320300");
    let reg = registry(&["CN", "320000", "320300", "320312"]);
    fewer.push(&enterprise(1, "cm.hyd", "320312", 34.25, 117.4, false), &reg);
    state.replace(chainscope_server::Data::new(fewer.finish(), serde_json::json!({}), RegionRegistry::new()));
    assert!(state.generation() > before);
    let after = common::send(&app, "GET", heat, &[("if-none-match", &etag)], None).await;
    assert_eq!(after.status, 200, "the old validator is stale after a reload");
    assert_eq!(after.body["features"].as_array().map(Vec::len), Some(1));

    // Warming builds the map page's first answers before anyone asks: the next ask is a hit.
    let before = state.cache_figures();
    chainscope_server::cache::warm(state.clone(), app.clone()).await;
    let warmed = state.cache_figures();
    assert!(warmed.entries >= before.entries + 4, "{before:?} → {warmed:?}");
    let first = &chainscope_server::cache::warm_paths("320300")[1]; // this test's data has no regions
    assert_eq!(common::send(&app, "GET", first, &[("accept-encoding", "gzip")], None).await.status, 200);
    assert_eq!(state.cache_figures().hits, warmed.hits + 1, "answered from the cache");
}
