//! Accounts, sessions and who may call what.
//!
//! - Passwords are kept as Argon2id hashes. A login creates a fresh random session token (the one the browser may
//!   have held before is discarded: no session fixation), sent in an `HttpOnly; SameSite=Strict` cookie, `Secure` as [`CookieSecure`] says;
//!   only its SHA-256 is stored.
//! - Every state-changing request of a session must carry the session's CSRF token in `X-CSRF-Token`.
//! - Five wrong passwords in a row lock the account for 15 minutes; more than 20 login attempts from one address
//!   within 5 minutes are refused with 429.
//! - The route table ([`crate::routes`]) says who may call each route and method; handlers then check scope (an officer's 板块, a
//!   department, an enterprise). Logins, logouts, account changes and every write are audited.

use crate::error::{ApiError, Code, Path};
use crate::ServerState;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chainscope_model::{Account, Role};
use chainscope_store::AuditEntry;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub const COOKIE: &str = "cs_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
const SESSION_HOURS: i64 = 12;
const IP_WINDOW_SECS: u64 = 300;
const IP_MAX_ATTEMPTS: u32 = 20;
/// Largest write body accepted (the biggest legitimate ones are project checklists and target tables).
const MAX_AUDITED_BODY: usize = 2 * 1024 * 1024;
/// How much of a write's body the audit line keeps.
const AUDIT_DETAIL_CHARS: usize = 1000;

/// Who may call a route with a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allow {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// These roles only.
    Roles(&'static [Role]),
}

/// The audience of a matched route and method, from the route table; unknown pairs are refused to all but
/// administrators.
pub fn rule(path: &str, method: &Method) -> Allow {
    crate::routes::find(path, method).map_or(Allow::Roles(&[Role::Admin]), |r| r.audience)
}

/// The caller: an account, or nobody.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub account: Option<Account>,
    pub csrf: Option<String>,
    pub token_hash: Option<String>,
}

impl Identity {
    pub fn role(&self) -> Option<Role> {
        self.account.as_ref().map(|a| a.role)
    }
    /// The name written into logs and histories.
    pub fn actor(&self) -> String {
        self.account.as_ref().map_or_else(|| "anonymous".into(), |a| a.username.clone())
    }
    /// Whether the caller may write in this 板块 (administrators everywhere, officers in their own).
    pub fn may_write_region(&self, code: &str, regions: &chainscope_model::RegionRegistry) -> bool {
        match &self.account {
            Some(a) if a.role == Role::Admin => true,
            Some(a) if a.role == Role::Officer => chainscope_engine::project_list::in_boards(regions, code, &a.regions),
            _ => false,
        }
    }
    /// Officers, leaders and administrators see contact details.
    pub fn sees_contacts(&self) -> bool {
        matches!(self.role(), Some(Role::Admin | Role::Leader | Role::Officer))
    }
}

/// Throttle of login attempts per address.
#[derive(Default)]
pub struct Throttle {
    attempts: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Throttle {
    /// Count an attempt; false when the address is over its allowance.
    fn allow(&self, ip: IpAddr) -> bool {
        let mut m = match self.attempts.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let now = Instant::now();
        if m.len() >= 100_000 {
            // Bounded: addresses whose window has passed are forgotten.
            m.retain(|_, (since, _)| now.duration_since(*since).as_secs() <= IP_WINDOW_SECS);
        }
        let e = m.entry(ip).or_insert((now, 0));
        if now.duration_since(e.0).as_secs() > IP_WINDOW_SECS {
            *e = (now, 0);
        }
        e.1 += 1;
        e.1 <= IP_MAX_ATTEMPTS
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh random token (256 bits, hex).
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex(&b)
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Hash a password with Argon2id (default parameters: 19 MiB, 2 passes).
pub fn hash_password(pw: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(pw.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

pub fn verify_password(pw: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
}

/// A one-time password: 16 characters without look-alikes, with letters and digits.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let mut b = [0u8; 16];
        OsRng.fill_bytes(&mut b);
        let pw: String = b.iter().map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char).collect();
        if Account::check_password(&pw).is_ok() {
            return pw;
        }
    }
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn refused(code: Code, message: &str) -> Response {
    code.msg(message).into_response()
}

impl ServerState {
    /// Run `f` on the accounts connection, on a blocking thread. Without one, accounts are unavailable.
    pub async fn with_accounts<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut dyn chainscope_store::Store) -> chainscope_store::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let Some(m) = &me.accounts else {
                return Err(Code::AccountsUnavailable.msg("本服务器未配置账户库 / this server has no account store"));
            };
            let mut guard = match m.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            f(guard.as_mut()).map_err(ApiError::from)
        })
        .await
        .unwrap_or_else(|e| Err(ApiError::from(e)))
    }

    /// Write an audit line; a failure to audit is logged, never hidden from the operator.
    pub async fn audit(self: &Arc<Self>, entry: AuditEntry) {
        if self.accounts.is_none() {
            return;
        }
        if let Err(e) = self.with_accounts(move |st| st.audit(&entry)).await {
            tracing::error!("audit write failed: {}", e.message);
        }
    }
}

/// The caller's address, when the server knows it.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

/// Whether the browser reached the server over HTTPS: only through a trusted proxy that says so
/// (`X-Forwarded-Proto: https`), since the server itself speaks plain HTTP.
#[derive(Debug, Clone, Copy)]
pub struct ViaHttps(pub bool);

/// When the session cookie carries `Secure`. Browsers keep a `Secure` cookie only from HTTPS or from localhost, so
/// on an intranet served over plain HTTP a `Secure` cookie would make signing in impossible.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CookieSecure {
    /// `Secure` when the page is on localhost or came over HTTPS through a trusted proxy; not on plain HTTP.
    #[default]
    Auto,
    /// Always `Secure` (HTTPS in front, and no plain-HTTP access wanted).
    Always,
    /// Never `Secure` (a closed network without HTTPS, knowingly).
    Never,
}

impl CookieSecure {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "auto" | "" => Ok(Self::Auto),
            "always" => Ok(Self::Always),
            "never" => Ok(Self::Never),
            other => Err(format!("'{other}' 应为 auto、always 或 never / '{other}' is not auto, always or never")),
        }
    }

    /// Whether this request's cookie is `Secure`.
    fn applies(self, headers: &HeaderMap, https: bool) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => https || headers.get(header::HOST).and_then(|h| h.to_str().ok()).is_some_and(is_local_host),
        }
    }
}

/// Whether a Host header names this machine's loopback (which browsers treat as a secure context).
fn is_local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, port)| if port.chars().all(|c| c.is_ascii_digit()) { h } else { host })
    };
    name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For` header is believed. Behind a proxy every
/// request comes from the proxy's address; without this list the login throttle would count all users as one
/// caller and the audit log would name the proxy. The header is read only from these peers, since anyone else can
/// write anything in it.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parse entries such as `127.0.0.1`, `10.0.0.0/8` or `::1`; the error names the entry at fault.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        let mut out = Vec::new();
        for raw in entries {
            let e = raw.as_ref().trim();
            if e.is_empty() {
                continue;
            }
            let (addr, bits) = match e.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (e, None),
            };
            let ip: IpAddr = addr.parse().map_err(|_| format!("'{e}' is not an IP address or CIDR block"))?;
            let ip = ip.to_canonical();
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => max,
                Some(b) => match b.parse::<u8>() {
                    Ok(n) if n <= max => n,
                    _ => return Err(format!("'{e}': the prefix length must be 0 to {max}")),
                },
            };
            out.push((ip, bits));
        }
        Ok(Self(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of the proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|&(net, bits)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), bits),
            _ => false,
        })
    }

    /// The caller behind `peer`: while the hop seen is a trusted proxy, step one entry left in `X-Forwarded-For`
    /// (the values in order, each possibly a comma list). An entry that is not an address stops the walk at the
    /// last address known, so a garbled header never yields an address nobody sent.
    pub fn client<'a>(&self, peer: IpAddr, forwarded: impl IntoIterator<Item = &'a str>) -> IpAddr {
        let mut current = peer.to_canonical();
        if self.0.is_empty() {
            return current;
        }
        let hops: Vec<&str> = forwarded.into_iter().flat_map(|v| v.split(',')).map(str::trim).filter(|h| !h.is_empty()).collect();
        for hop in hops.iter().rev() {
            if !self.contains(current) {
                break;
            }
            match hop.parse::<IpAddr>() {
                Ok(ip) => current = ip.to_canonical(),
                Err(_) => break,
            }
        }
        current
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let full = usize::from(bits / 8);
    let rest = bits % 8;
    if a[..full] != b[..full] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[full] & mask == b[full] & mask
    }
}

/// The caller a session cookie names, when the session is live and its account active; else nobody.
pub(crate) async fn identify(s: &Arc<ServerState>, headers: &HeaderMap) -> Identity {
    let Some(token) = cookie_token(headers) else { return Identity::default() };
    if s.accounts.is_none() {
        return Identity::default();
    }
    let th = token_hash(&token);
    let key = th.clone();
    match s.with_accounts(move |st| st.session(&key)).await.ok().flatten() {
        Some((session, account)) => {
            let live = chrono::DateTime::parse_from_rfc3339(&session.expires_at).is_ok_and(|e| e > chrono::Utc::now());
            if live && account.active {
                Identity { account: Some(account), csrf: Some(session.csrf), token_hash: Some(th) }
            } else {
                Identity::default()
            }
        }
        None => Identity::default(),
    }
}

/// Whether the request carries a well-formed session cookie (not whether the session is live).
pub(crate) fn has_session_cookie(headers: &HeaderMap) -> bool {
    cookie_token(headers).is_some()
}

/// The address of the connection's other end, as the server (or, in-process, the test's `MockConnectInfo`) gives it.
fn peer(req: &Request) -> Option<IpAddr> {
    let real = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    real.or_else(|| req.extensions().get::<MockConnectInfo<SocketAddr>>().map(|m| m.0)).map(|a| a.ip())
}

/// The caller's address: the peer, or the client a trusted proxy names in `X-Forwarded-For`.
pub(crate) fn client_ip(req: &Request, proxies: &TrustedProxies) -> Option<IpAddr> {
    let peer = peer(req)?;
    let forwarded = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    Some(proxies.client(peer, forwarded))
}

/// Resolve the caller, apply the route's audience ([`rule`]), require the CSRF token on writes, and audit writes.
pub async fn guard(State(s): State<Arc<ServerState>>, mut req: Request, next: Next) -> Response {
    let path = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| req.uri().path().to_string());
    let method = req.method().clone();
    let ip = client_ip(&req, &s.trusted_proxies).map(|i| i.to_string()).unwrap_or_default();
    let identity = identify(&s, req.headers()).await;
    let caller = client_ip(&req, &s.trusted_proxies);
    let who = identity.actor();
    // A refusal answers at once; a sample of them goes into the audit log (see `crate::refusals`).
    let refuse = |code: Code, message: &'static str| {
        let (s, path, method, ip, who) = (s.clone(), path.clone(), method.clone(), ip.clone(), who.clone());
        async move {
            if let Some(left_out) = s.refusals.sample(caller, code.as_str()) {
                let more = if left_out > 0 { format!(" (+{left_out} refused since the last line)") } else { String::new() };
                let detail = format!("{} {} {method} {path}{more}", code.status().as_u16(), code.as_str());
                s.audit(AuditEntry { actor: who, action: "refused".into(), target: path, detail, ip, ..Default::default() }).await;
            }
            refused(code, message)
        }
    };
    let allow = rule(&path, &method);
    let writes = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    match (&identity.account, allow) {
        (_, Allow::Public) => {}
        (None, _) => return refuse(Code::LoginRequired, "请先登录 / sign in first").await,
        (Some(_), Allow::SignedIn) => {}
        (Some(a), Allow::Roles(roles)) => {
            if !roles.contains(&a.role) {
                return refuse(Code::Forbidden, "您的角色无权执行此操作 / your role may not do this").await;
            }
        }
    }
    if let Some(a) = &identity.account {
        let allowed_while_changing = matches!(path.as_str(), "/api/v1/auth/password" | "/api/v1/auth/logout" | "/api/v1/auth/me");
        if a.must_change && !allowed_while_changing && allow != Allow::Public {
            return refuse(Code::PasswordChangeRequired, "请先修改一次性密码 / change your one-time password first").await;
        }
        if writes {
            let sent = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            let ok = identity.csrf.as_deref().is_some_and(|c| !sent.is_empty() && constant_eq(c.as_bytes(), sent.as_bytes()));
            if !ok {
                return refuse(Code::CsrfFailed, "缺少或错误的 CSRF 令牌 / missing or wrong CSRF token").await;
            }
        }
    }
    let actor = identity.actor();
    req.extensions_mut().insert(identity);
    let client = client_ip(&req, &s.trusted_proxies);
    req.extensions_mut().insert(ClientIp(client));
    let peer_is_proxy = peer(&req).is_some_and(|p| s.trusted_proxies.contains(p));
    let https = peer_is_proxy
        && req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').next_back().is_some_and(|p| p.trim().eq_ignore_ascii_case("https")));
    req.extensions_mut().insert(ViaHttps(https));
    let target = req.uri().path().to_string();
    // What a write asked to change goes into the audit line (bodies of the sign-in routes, which hold passwords,
    // never do).
    let mut sent = String::new();
    if writes && !path.starts_with("/api/v1/auth/") {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_AUDITED_BODY).await else {
            return refuse(Code::BodyTooLarge, "请求体过大 / the request body is too large").await;
        };
        sent = String::from_utf8_lossy(&bytes).chars().take(AUDIT_DETAIL_CHARS).collect();
        req = Request::from_parts(parts, axum::body::Body::from(bytes));
    }
    let response = next.run(req).await;
    if writes && path != "/api/v1/auth/login" {
        let status = response.status().as_u16();
        s.audit(AuditEntry {
            at: String::new(),
            actor,
            action: format!("{method}"),
            target,
            detail: if sent.is_empty() { status.to_string() } else { format!("{status} {sent}") },
            ip,
        })
        .await;
    }
    response
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn session_cookie(token: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { " Secure;" } else { "" };
    let v = format!("{COOKIE}={token}; Path=/; HttpOnly;{secure} SameSite=Strict; Max-Age={max_age}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("cs_session=; Path=/; Max-Age=0"))
}

fn account_json(a: &Account) -> Value {
    json!({
        "id": a.id, "username": a.username, "display_name": a.display_name, "role": a.role, "role_zh": a.role.label_zh(),
        "regions": a.regions, "department": a.department, "enterprise_id": a.enterprise_id, "active": a.active,
        "must_change": a.must_change, "locked_until": a.locked_until, "created_at": a.created_at,
    })
}

fn body_json(body: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Code::InvalidBody.param("body", "请求体应为 JSON 对象 / the body must be a JSON object")),
        Err(e) => Err(Code::InvalidJson.param("body", format!("请求体不是有效的 JSON / the body is not JSON: {e}"))),
    }
}

/// Refuse a field the route's documented body (`crate::openapi`'s table for it) does not name.
fn documented_fields(m: &serde_json::Map<String, Value>, fields: &[crate::openapi::Param]) -> Result<(), ApiError> {
    match m.keys().find(|k| !fields.iter().any(|f| f.name == k.as_str())) {
        None => Ok(()),
        Some(k) => {
            let known = fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
            Err(Code::UnknownField.param(k, format!("未知字段 '{k}'（可用字段：{known}） / unknown field '{k}' (fields: {known})")))
        }
    }
}

fn str_field<'a>(m: &'a serde_json::Map<String, Value>, k: &str) -> Result<&'a str, ApiError> {
    m.get(k).and_then(Value::as_str).ok_or_else(|| Code::Missing.param(k, format!("缺少必填项 '{k}' / '{k}' is required")))
}

/// `POST /api/v1/auth/login` `{username, password}`: a new session (any session the browser had is ended).
/// A fixed Argon2id hash that no password matches in practice, verified for unknown names.
const UNKNOWN_USER_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0rXjNhxtkSQtKfZ6rOwvLQ3mW6JNqbNsrTqcEXmX0tA";

/// The answer while a name is held for an address: the same whether the name exists or not.
fn held(wait: std::time::Duration) -> ApiError {
    let secs = wait.as_secs().max(1);
    let minutes = secs.div_ceil(60);
    Code::TooManyAttempts
        .msg(format!(
            "登录失败次数过多，请 {minutes} 分钟后再试 / too many wrong passwords for this name from this address; try again in {minutes} minutes"
        ))
        .retry_after(secs)
}

/// A wrong password or an unknown (or inactive) name: counted towards the hold of this name for this address, and
/// the same answer either way.
async fn refuse_login(
    s: &Arc<ServerState>,
    username: &str,
    peer: IpAddr,
    ip: String,
    account: Option<Account>,
) -> Result<ApiError, ApiError> {
    let now_held = s.lockout.failed(username, peer);
    let mut detail = if account.is_some() { "wrong password".to_string() } else { "unknown or inactive".to_string() };
    if now_held {
        detail.push_str(&format!(", held for this address for {} minutes", crate::lockout::HOLD.as_secs() / 60));
    }
    if let Some(mut a) = account {
        // Kept for administrators to see; it no longer locks the account.
        a.failed_logins += 1;
        s.with_accounts(move |st| st.update_account(&a)).await?;
    }
    s.audit(AuditEntry { actor: username.to_string(), action: "login_failed".into(), detail, ip, ..Default::default() }).await;
    Ok(Code::BadCredentials.msg("用户名或密码错误 / wrong username or password"))
}

pub async fn login(
    State(s): State<Arc<ServerState>>,
    Extension(ClientIp(client)): Extension<ClientIp>,
    Extension(ViaHttps(https)): Extension<ViaHttps>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let addr = SocketAddr::new(client.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)), 0);
    // A login form posted from another site is refused (login CSRF).
    if let (Some(origin), Some(host)) =
        (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), headers.get(header::HOST).and_then(|v| v.to_str().ok()))
    {
        let origin_host = origin.split("://").nth(1).unwrap_or(origin);
        if origin_host != host {
            return Err(Code::CrossOrigin.msg("拒绝跨站登录 / cross-site login refused"));
        }
    }
    if !s.throttle.allow(addr.ip()) {
        s.audit(AuditEntry {
            actor: "anonymous".into(),
            action: "login_throttled".into(),
            ip: addr.ip().to_string(),
            ..Default::default()
        })
        .await;
        return Err(Code::TooManyAttempts
            .msg("登录尝试过多，请稍后再试 / too many login attempts from this address; wait a few minutes")
            .retry_after(IP_WINDOW_SECS));
    }
    let m = body_json(&body)?;
    documented_fields(&m, crate::openapi::LOGIN)?;
    let username = str_field(&m, "username")?.trim().to_string();
    let password = str_field(&m, "password")?.to_string();
    let ip = addr.ip().to_string();
    let old = cookie_token(&headers).map(|t| token_hash(&t));
    let name = username.clone();
    if let Err(wait) = s.lockout.check(&username, addr.ip()) {
        s.audit(AuditEntry { actor: username.clone(), action: "login_held".into(), ip, ..Default::default() }).await;
        return Err(held(wait));
    }
    let found = s.with_accounts(move |st| st.account_by_name(&name)).await?;
    let account = found.filter(|a| a.active);
    // An unknown name is hashed against a fixed hash, so that it takes as long as a wrong password; off the async
    // threads either way (Argon2id is ~20 MiB and tens of milliseconds).
    let hash = account.as_ref().map_or_else(|| UNKNOWN_USER_HASH.to_string(), |a| a.password_hash.clone());
    let pw = password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash)).await.unwrap_or(false);
    let mut account = match account {
        Some(a) if ok => a,
        other => return Err(refuse_login(&s, &username, addr.ip(), ip, other).await?),
    };
    s.lockout.succeeded(&username, addr.ip());
    let now = chrono::Utc::now();
    account.failed_logins = 0;
    account.locked_until = None;
    let token = random_token();
    let csrf = random_token();
    let th = token_hash(&token);
    let expires = (now + chrono::Duration::hours(SESSION_HOURS)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let a = account.clone();
    let (th2, csrf2) = (th.clone(), csrf.clone());
    s.with_accounts(move |st| {
        if let Some(old) = old {
            st.delete_session(&old)?;
        }
        st.update_account(&a)?;
        st.create_session(&th2, a.id, &csrf2, &expires)
    })
    .await?;
    s.audit(AuditEntry { actor: account.username.clone(), action: "login".into(), ip, ..Default::default() }).await;
    let mut res = Json(json!({"account": account_json(&account), "csrf": csrf})).into_response();
    let secure = s.cookie_secure.applies(&headers, https);
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&token, SESSION_HOURS * 3600, secure));
    Ok(res)
}

/// `POST /api/v1/auth/logout`: end this session.
pub async fn logout(
    State(s): State<Arc<ServerState>>,
    Extension(id): Extension<Identity>,
    Extension(ViaHttps(https)): Extension<ViaHttps>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(th) = id.token_hash.clone() {
        s.with_accounts(move |st| st.delete_session(&th)).await?;
    }
    s.audit(AuditEntry { actor: id.actor(), action: "logout".into(), ..Default::default() }).await;
    let mut res = Json(json!({"ok": true})).into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie("", 0, s.cookie_secure.applies(&headers, https)));
    Ok(res)
}

/// `GET /api/v1/auth/me`: the signed-in account and its CSRF token, or `{"account": null}`.
pub async fn me(Extension(id): Extension<Identity>) -> Json<Value> {
    match &id.account {
        Some(a) => Json(json!({"account": account_json(a), "csrf": id.csrf})),
        None => Json(json!({"account": null})),
    }
}

/// `POST /api/v1/auth/password` `{current, new}`: change one's own password; other sessions end.
pub async fn change_password(
    State(s): State<Arc<ServerState>>,
    Extension(id): Extension<Identity>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let m = body_json(&body)?;
    documented_fields(&m, crate::openapi::PASSWORD_CHANGE)?;
    let current = str_field(&m, "current")?.to_string();
    let new = str_field(&m, "new")?.to_string();
    Account::check_password(&new).map_err(|e| Code::WeakPassword.param("new", e.to_string()))?;
    if new == current {
        return Err(Code::SamePassword.param("new", "新密码不能与当前密码相同 / the new password must differ from the current one"));
    }
    let Some(mut a) = id.account.clone() else { return Err(Code::LoginRequired.param("session", "请先登录 / sign in first")) };
    let hash = a.password_hash.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&current, &hash)).await.unwrap_or(false);
    if !ok {
        return Err(Code::WrongCurrentPassword.param("current", "当前密码不正确 / the current password is wrong"));
    }
    a.password_hash = tokio::task::spawn_blocking(move || hash_password(&new)).await?.map_err(|e| Code::HashFailed.logged(e))?;
    a.must_change = false;
    let keep = id.token_hash.clone().zip(id.csrf.clone());
    let acc = a.clone();
    let expires = (chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    s.with_accounts(move |st| {
        st.update_account(&acc)?;
        // End every other session of this account; this one goes on.
        st.delete_sessions_of(acc.id)?;
        if let Some((th, csrf)) = keep {
            st.create_session(&th, acc.id, &csrf, &expires)?;
        }
        Ok(())
    })
    .await?;
    s.audit(AuditEntry { actor: a.username.clone(), action: "password_changed".into(), target: a.username.clone(), ..Default::default() })
        .await;
    Ok(Json(json!({"account": account_json(&a)})))
}

fn parse_account_fields(m: &serde_json::Map<String, Value>, a: &mut Account, s: &ServerState) -> Result<(), ApiError> {
    if let Some(v) = m.get("display_name") {
        a.display_name = v.as_str().unwrap_or("").trim().chars().take(60).collect();
    }
    if let Some(v) = m.get("role") {
        let r = v.as_str().unwrap_or("");
        a.role = Role::parse(r)
            .map_err(|_| Code::InvalidRole.param("role", format!("'{r}' 应为 admin、leader、officer、department 或 enterprise / '{r}' is not admin, leader, officer, department or enterprise")))?;
    }
    if let Some(v) = m.get("regions") {
        let data = s.data();
        let list: Vec<String> = v.as_array().into_iter().flatten().filter_map(|x| x.as_str()).map(|x| x.trim().to_string()).collect();
        if let Some(bad) = list.iter().find(|c| data.regions.get(data.regions.current_code(c)).is_none()) {
            return Err(Code::UnknownRegion.param("regions", format!("没有地区 '{bad}' / no region '{bad}'")));
        }
        a.regions = list;
    }
    if let Some(v) = m.get("department") {
        a.department = v.as_str().map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
    }
    if let Some(v) = m.get("enterprise_id") {
        a.enterprise_id = v.as_i64();
    }
    if let Some(v) = m.get("active") {
        a.active =
            v.as_bool().ok_or_else(|| Code::InvalidType.param("active", "'active' 应为 true 或 false / 'active' must be true or false"))?;
    }
    match a.role {
        Role::Officer if a.regions.is_empty() => {
            Err(Code::Missing.param("regions", "招商人员至少需要负责一个板块 / an officer needs at least one 板块"))
        }
        Role::Department if a.department.is_none() => {
            Err(Code::Missing.param("department", "部门人员须指定所属部门 / department staff need a department"))
        }
        Role::Enterprise if a.enterprise_id.is_none() => {
            Err(Code::Missing.param("enterprise_id", "企业用户须关联一家企业 / an enterprise user needs an enterprise"))
        }
        _ => Ok(()),
    }
}

/// `GET /api/v1/users`: every account (administrators).
pub async fn users(State(s): State<Arc<ServerState>>) -> Result<Json<Value>, ApiError> {
    let list = s.with_accounts(|st| st.accounts()).await?;
    Ok(Json(json!({"items": list.iter().map(account_json).collect::<Vec<_>>()})))
}

/// `POST /api/v1/users` `{username, role, regions?, department?, enterprise_id?, display_name?}`: a new account
/// with a one-time password, returned once.
pub async fn create_user(
    State(s): State<Arc<ServerState>>,
    Extension(id): Extension<Identity>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let m = body_json(&body)?;
    documented_fields(&m, crate::openapi::USER_NEW)?;
    let username = str_field(&m, "username")?.trim().to_string();
    Account::check_username(&username).map_err(|e| Code::InvalidUsername.param("username", e.to_string()))?;
    str_field(&m, "role")?;
    let mut a = Account {
        id: 0,
        username: username.clone(),
        display_name: String::new(),
        password_hash: String::new(),
        role: Role::Enterprise,
        regions: vec![],
        department: None,
        enterprise_id: None,
        active: true,
        must_change: true,
        failed_logins: 0,
        locked_until: None,
        created_at: now_rfc3339(),
    };
    parse_account_fields(&m, &mut a, &s)?;
    let pw = one_time_password();
    let p2 = pw.clone();
    a.password_hash = tokio::task::spawn_blocking(move || hash_password(&p2)).await?.map_err(|e| Code::HashFailed.logged(e))?;
    let acc = a.clone();
    let new_id = s.with_accounts(move |st| st.create_account(&acc)).await.map_err(|e| match e.code {
        Code::AlreadyExists => e.code.param("username", format!("用户名 '{username}' 已被占用 / username '{username}' is taken")),
        _ => e,
    })?;
    a.id = new_id;
    s.audit(AuditEntry {
        actor: id.actor(),
        action: "account_created".into(),
        target: a.username.clone(),
        detail: a.role.as_str().into(),
        ..Default::default()
    })
    .await;
    Ok((StatusCode::CREATED, Json(json!({"account": account_json(&a), "one_time_password": pw}))))
}

/// `PATCH /api/v1/users/{id}`: change role, scope, name or active flag; a deactivated account's sessions end.
pub async fn update_user(
    State(s): State<Arc<ServerState>>,
    Extension(id): Extension<Identity>,
    Path(uid): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let m = body_json(&body)?;
    documented_fields(&m, crate::openapi::USER_EDIT)?;
    let mut a = s
        .with_accounts(move |st| st.account(uid))
        .await?
        .ok_or_else(|| Code::AccountNotFound.msg(format!("没有账户 {uid} / no account {uid}")))?;
    let before = account_json(&a);
    parse_account_fields(&m, &mut a, &s)?;
    let acc = a.clone();
    // Checked and written on the one accounts connection, so two administrators demoting each other at once cannot
    // both succeed.
    let written = s
        .with_accounts(move |st| {
            let admins_after =
                st.accounts()?.iter().map(|o| if o.id == acc.id { &acc } else { o }).filter(|o| o.active && o.role == Role::Admin).count();
            if admins_after == 0 {
                return Ok(false);
            }
            st.update_account(&acc)?;
            if !acc.active {
                st.delete_sessions_of(acc.id)?;
            }
            Ok(true)
        })
        .await?;
    if !written {
        return Err(Code::LastAdministrator.msg(
            "至少须保留一个有效的管理员账户：请先任命另一位管理员 / at least one active administrator must remain: make another administrator first",
        ));
    }
    s.audit(AuditEntry {
        actor: id.actor(),
        action: "account_changed".into(),
        target: a.username.clone(),
        detail: format!("{before} → {}", account_json(&a)),
        ..Default::default()
    })
    .await;
    Ok(Json(json!({"account": account_json(&a)})))
}

/// `POST /api/v1/users/{id}/reset`: a new one-time password (returned once); unlocks the account and ends its
/// sessions.
pub async fn reset_user(
    State(s): State<Arc<ServerState>>,
    Extension(id): Extension<Identity>,
    Path(uid): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let mut a = s
        .with_accounts(move |st| st.account(uid))
        .await?
        .ok_or_else(|| Code::AccountNotFound.msg(format!("没有账户 {uid} / no account {uid}")))?;
    let pw = one_time_password();
    let p2 = pw.clone();
    a.password_hash = tokio::task::spawn_blocking(move || hash_password(&p2)).await?.map_err(|e| Code::HashFailed.logged(e))?;
    a.must_change = true;
    a.failed_logins = 0;
    a.locked_until = None;
    let acc = a.clone();
    s.with_accounts(move |st| {
        st.update_account(&acc)?;
        st.delete_sessions_of(acc.id)
    })
    .await?;
    s.lockout.release(&a.username);
    s.audit(AuditEntry { actor: id.actor(), action: "password_reset".into(), target: a.username.clone(), ..Default::default() }).await;
    Ok(Json(json!({"account": account_json(&a), "one_time_password": pw})))
}

/// `GET /api/v1/audit?limit=`: the latest audit lines (administrators).
pub async fn audit_log(State(s): State<Arc<ServerState>>, q: crate::api::Params) -> Result<Json<Value>, ApiError> {
    let limit: usize = crate::api::number(&q.0, "limit")?.unwrap_or(200).clamp(1, 5000);
    let items = s.with_accounts(move |st| st.audit_log(limit)).await?;
    Ok(Json(json!({"items": items})))
}

const PREFERENCES_MAX_BYTES: usize = 16 * 1024;

fn preferences_key(a: &Account) -> String {
    format!("prefs:account:{}", a.id)
}

/// `GET /api/v1/auth/preferences`: the signed-in account's saved settings (e.g. lead weights per preset), `{}` if none.
pub async fn preferences(State(s): State<Arc<ServerState>>, Extension(id): Extension<Identity>) -> Result<Json<Value>, ApiError> {
    let Some(a) = id.account else { return Err(Code::LoginRequired.param("session", "请先登录 / sign in first")) };
    let key = preferences_key(&a);
    let raw = s.with_accounts(move |st| st.meta(&key)).await?;
    Ok(Json(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_else(|| json!({}))))
}

/// `PUT /api/v1/auth/preferences` `{…}`: replace the account's saved settings (a JSON object of at most 16 KiB).
pub async fn put_preferences(
    State(s): State<Arc<ServerState>>,
    Extension(id): Extension<Identity>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let Some(a) = id.account else { return Err(Code::LoginRequired.param("session", "请先登录 / sign in first")) };
    if body.len() > PREFERENCES_MAX_BYTES {
        return Err(Code::TooLarge.param(
            "body",
            format!("偏好设置不能超过 {PREFERENCES_MAX_BYTES} 字节 / preferences are limited to {PREFERENCES_MAX_BYTES} bytes"),
        ));
    }
    let m = body_json(&body)?;
    let text = Value::Object(m.clone()).to_string();
    let key = preferences_key(&a);
    s.with_accounts(move |st| st.set_meta(&key, &text)).await?;
    Ok(Json(Value::Object(m)))
}

#[cfg(test)]
mod tests {
    use super::TrustedProxies;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn proxies_parse_addresses_and_blocks_and_name_the_bad_entry() {
        let p = TrustedProxies::parse(&["127.0.0.1", " 10.0.0.0/8", "fd00::/8", ""]).expect("valid list");
        assert!(p.contains(ip("127.0.0.1")) && !p.contains(ip("127.0.0.2")));
        assert!(p.contains(ip("10.255.3.4")) && !p.contains(ip("11.0.0.1")));
        assert!(p.contains(ip("fd12::1")) && !p.contains(ip("fe80::1")));
        // An IPv4 peer seen through an IPv6 socket is the same peer.
        assert!(p.contains(ip("::ffff:10.1.2.3")));
        let odd = TrustedProxies::parse(&["172.16.0.0/12"]).expect("valid");
        assert!(odd.contains(ip("172.31.255.255")) && !odd.contains(ip("172.32.0.0")) && !odd.contains(ip("172.15.255.255")));
        assert!(TrustedProxies::parse(&["0.0.0.0/0"]).expect("everything").contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "proxy.local", "10.0.0.0/x", "::1/129"] {
            let e = TrustedProxies::parse(&[bad]).expect_err(bad);
            assert!(e.contains(bad), "{e}");
        }
    }

    #[test]
    fn loopback_hosts_are_recognised_with_or_without_a_port() {
        for h in [
            "localhost",
            "localhost:8343",
            "LOCALHOST",
            "app.localhost:1",
            "127.0.0.1",
            "127.0.0.1:8343",
            "127.1.2.3",
            "[::1]",
            "[::1]:8343",
        ] {
            assert!(super::is_local_host(h), "{h}");
        }
        for h in ["10.0.0.5", "10.0.0.5:8343", "chainscope.xz.gov.cn", "localhost.example.com", "[fd00::1]:80", ""] {
            assert!(!super::is_local_host(h), "{h}");
        }
    }

    #[test]
    fn the_caller_is_the_first_untrusted_hop_from_the_right() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("127.0.0.1"), ["203.0.113.9"]), ip("127.0.0.1"), "no proxies: the header is ignored");
        let p = TrustedProxies::parse(&["127.0.0.1", "10.0.0.0/8"]).expect("valid");
        assert_eq!(p.client(ip("127.0.0.1"), ["203.0.113.9"]), ip("203.0.113.9"));
        // A client that writes its own header cannot hide behind it: the proxy appends the address it saw.
        assert_eq!(p.client(ip("127.0.0.1"), ["1.2.3.4, 203.0.113.9"]), ip("203.0.113.9"));
        // Two proxies in a row, and the header split over two lines.
        assert_eq!(p.client(ip("127.0.0.1"), ["198.51.100.7", "10.1.1.1"]), ip("198.51.100.7"));
        // The peer is not a proxy: whatever it sends is not believed.
        assert_eq!(p.client(ip("192.0.2.1"), ["203.0.113.9"]), ip("192.0.2.1"));
        // A garbled hop stops the walk at the last address known.
        assert_eq!(p.client(ip("127.0.0.1"), ["203.0.113.9, unknown"]), ip("127.0.0.1"));
        assert_eq!(p.client(ip("127.0.0.1"), Vec::<&str>::new()), ip("127.0.0.1"));
        // Only proxies in the chain: the leftmost address is the best known.
        assert_eq!(p.client(ip("127.0.0.1"), ["10.0.0.5"]), ip("10.0.0.5"));
    }
}
