//! What the server's tests share: a request sent to the router in-process, through every layer (guard,
//! compression, fallback), with no socket; and its answer. Tests that are about the socket itself (time-outs, the
//! connection cap) use `chainscope_server::serve` on loopback instead.
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};
use axum::Router;
use serde_json::Value;
use std::net::SocketAddr;
use tower::ServiceExt;

/// The peer address every in-process request comes from (a loopback client).
pub const PEER: ([u8; 4], u16) = ([127, 0, 0, 1], 40000);

/// The router as a client on loopback reaches it: the peer's address is known to the guard.
pub fn app(router: Router) -> Router {
    app_from(router, SocketAddr::from(PEER))
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

/// The password of every test account.
pub const PASSWORD: &str = "Test-password-2026";

/// An active account with [`PASSWORD`], ready to store.
pub fn account(username: &str, role: chainscope_model::Role) -> chainscope_model::Account {
    chainscope_model::Account {
        id: 0,
        username: username.into(),
        display_name: username.into(),
        password_hash: chainscope_server::auth::hash_password(PASSWORD).expect("hash"),
        role,
        regions: vec![],
        department: None,
        enterprise_id: None,
        active: true,
        must_change: false,
        failed_logins: 0,
        locked_until: None,
        created_at: "2026-01-01T00:00:00Z".into(),
    }
}

/// The router as reached from another address than [`PEER`].
pub fn app_from(router: Router, peer: SocketAddr) -> Router {
    // The connection's address as `serve` records it (an extension on every request; axum's `MockConnectInfo`
    // would reach only the `ConnectInfo` extractor, and the guard reads the extension).
    router.layer(axum::Extension(ConnectInfo(peer)))
}

/// Sign in; the session cookie and CSRF token as request headers.
pub async fn sign_in(app: &Router, username: &str) -> [(String, String); 2] {
    let body = serde_json::json!({"username": username, "password": PASSWORD}).to_string();
    let r = send(app, "POST", "/api/v1/auth/login", &[], Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let cookie = r.header("set-cookie").split(';').next().unwrap_or("").to_string();
    let csrf = r.body["csrf"].as_str().expect("csrf").to_string();
    [("cookie".to_string(), cookie), ("x-csrf-token".to_string(), csrf)]
}

/// Send as a signed-in session (see [`sign_in`]).
pub async fn send_as(app: &Router, session: &[(String, String); 2], method: &str, path: &str, body: Option<&Value>) -> Reply {
    let headers: Vec<(&str, &str)> = session.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    send(app, method, path, &headers, body.map(Value::to_string).as_deref()).await
}
