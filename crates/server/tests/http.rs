//! The server on a real loopback socket.

use chainscope_server::{router, ServerState};
use std::sync::Arc;
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
    let state = Arc::new(ServerState { title_zh: "徐州<script>alert(1)</script>".into(), title_en: "Xuzhou".into(), stats });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router(state)).await });

    let (status, body) = get(addr, "/").await;
    assert_eq!(status, 200);
    assert!(body.contains("工程机械"), "the page lists the clusters");
    assert!(body.contains("演示数据"), "demo data is marked");
    assert!(!body.contains("<script>alert(1)</script>"), "text is escaped");
    assert!(body.contains("&lt;script&gt;"));

    let (status, body) = get(addr, "/api/v1/stats").await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(v["counts"]["enterprises"], 3);

    let (status, body) = get(addr, "/api/v1/nope").await;
    assert_eq!(status, 404);
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
    assert_eq!(v["error"]["code"], "not_found");

    let (status, _) = get(addr, "/api/v1/health").await;
    assert_eq!(status, 200);
}
