//! What the server's tests share: a request sent to the router in-process, through every layer (guard,
//! compression, fallback), with no socket; and its answer. Tests that are about the socket itself (time-outs, the
//! connection cap) use `chainscope_server::serve` on loopback instead.
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{HeaderMap, Request};
use axum::Router;
use serde_json::Value;
use std::net::SocketAddr;
use tower::ServiceExt;

/// The peer address every in-process request comes from (a loopback client).
pub const PEER: ([u8; 4], u16) = ([127, 0, 0, 1], 40000);

/// The router as a client on loopback reaches it: the peer's address is known to the guard.
pub fn app(router: Router) -> Router {
    router.layer(MockConnectInfo(SocketAddr::from(PEER)))
}

/// An answer: status, headers, the body as text and, when it is JSON, parsed (else the text as a JSON string).
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    /// A response header as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The content type ("" when absent).
    pub fn content_type(&self) -> &str {
        self.header("content-type")
    }

    /// The error code of a JSON error answer.
    pub fn code(&self) -> (u16, &str) {
        (self.status, self.body["error"]["code"].as_str().unwrap_or(""))
    }
}

/// Send one request with the given headers and (JSON) body text.
pub async fn send(app: &Router, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Reply {
    let mut req = Request::builder().method(method).uri(path).header("host", "localhost");
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(body.map(|b| Body::from(b.to_string())).unwrap_or_else(Body::empty)).expect("a well-formed request");
    let res = app.clone().oneshot(req).await.expect("the router always answers");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.expect("the whole body");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
    Reply { status, headers, text, body }
}

/// A GET without headers: status and body text.
pub async fn get(app: &Router, path: &str) -> (u16, String) {
    let r = send(app, "GET", path, &[], None).await;
    (r.status, r.text)
}
