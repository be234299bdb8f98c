//! What one client may hold of the server: how long a connection may take to send a request and may sit idle, how
//! long a request may take, how many connections are open at once, and how often one address may call the costly
//! routes.
//!
//! - **Header time-out** (`CHAINSCOPE_HEADER_TIMEOUT_SECS`, default 10): a new connection must deliver a whole request
//!   head within this time, and so must a kept-alive connection once the first byte of its next request arrives.
//!   A socket that sends nothing or half a header is closed.
//! - **Idle time-out** (`CHAINSCOPE_IDLE_TIMEOUT_SECS`, default 60): a connection with no request in progress and no
//!   byte in or out for this long is closed (kept alive between requests, or a transfer the client stopped reading).
//! - **Request time-out** (`CHAINSCOPE_REQUEST_TIMEOUT_SECS`, default 60): receiving the body and building the answer
//!   must end within this time, else the answer is 408 `request_timeout` and the connection is closed.
//! - **Connection cap** (`CHAINSCOPE_MAX_CONNECTIONS`, default 1024, never more than the process's open-file limit
//!   less a reserve for the database and logs): a connection over the cap is closed at once. When three quarters of
//!   the cap are in use, the header and idle time-outs shrink to one second, so idle and slow sockets make room.
//! - **Rate limits** (`CHAINSCOPE_RATE_LIMIT`, default `10/40`; `CHAINSCOPE_RATE_LIMIT_SIGNED_IN`, default
//!   `50/200`; `off` for none): the routes marked heavy in the route table ([`crate::routes::Route::heavy`]) take
//!   `RATE/BURST` requests per second per client address (as the guard resolves it, through trusted proxies), before
//!   the answer cache, so that a cached answer counts too. A caller over the anonymous allowance who is signed in
//!   is counted against the signed-in allowance of the account instead. Over it: 429 `too_many_requests` with
//!   `Retry-After`.

use crate::error::Code;
use crate::ServerState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::hash::Hash;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// File descriptors kept back from the connection cap: the database and its log, the listener, log files.
const FD_RESERVE: usize = 64;
/// The time-outs under pressure (three quarters of the cap in use).
const PRESSURE_TIMEOUT: Duration = Duration::from_secs(1);
/// Most addresses (and accounts) a rate limiter remembers; past it, those with a full allowance are forgotten first.
const MAX_TRACKED: usize = 65_536;

/// An allowance: `per_second` requests on average, up to `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: u32,
}

impl Rate {
    /// `10/40` (per second / burst), or `off` (no limit: `None`).
    pub fn parse(text: &str) -> Result<Option<Self>, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("off") || t == "0" {
            return Ok(None);
        }
        let bad = || format!("'{t}' 应为 每秒次数/突发上限（如 10/40）或 off / '{t}' is not RATE/BURST (like 10/40) or off");
        let (rate, burst) = t.split_once('/').ok_or_else(bad)?;
        let per_second: f64 = rate.trim().parse().map_err(|_| bad())?;
        let burst: u32 = burst.trim().parse().map_err(|_| bad())?;
        // At least one call per 1,000 s, so that the interval between calls stays a sane duration.
        if !(per_second.is_finite() && per_second >= 0.001) || burst == 0 {
            return Err(bad());
        }
        Ok(Some(Self { per_second, burst }))
    }
}

/// The limits a server runs with; [`Limits::default`] are the documented defaults, [`Limits::from_env`] reads the
/// environment over them.
#[derive(Debug, Clone)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub request_timeout: Duration,
    /// Open connections at most (already lowered to the open-file limit by [`Limits::from_env`]).
    pub max_connections: usize,
    /// Heavy routes, per client address; `None`: unlimited.
    pub anonymous: Option<Rate>,
    /// Heavy routes, per signed-in account once the address's allowance is spent; `None`: unlimited.
    pub signed_in: Option<Rate>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(60),
            max_connections: 1024,
            anonymous: Some(Rate { per_second: 10.0, burst: 40 }),
            signed_in: Some(Rate { per_second: 50.0, burst: 200 }),
        }
    }
}

impl Limits {
    /// The defaults, with what the `CHAINSCOPE_*` variables set; the connection cap lowered to what the process's
    /// open-file limit allows. A variable that does not parse is an error naming it.
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(|name| std::env::var(name).ok(), open_file_limit())
    }

    /// [`Limits::from_env`] over any source of variables and a known open-file limit.
    fn from_vars(lookup: impl Fn(&str) -> Option<String>, open_files: Option<usize>) -> Result<Self, String> {
        let mut l = Self::default();
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let secs = |name: &str, into: &mut Duration| -> Result<(), String> {
            if let Some(v) = var(name) {
                *into = v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n: &f64| *n > 0.0)
                    .and_then(|n| Duration::try_from_secs_f64(n).ok())
                    .ok_or_else(|| format!("{name}='{v}' 应为正数（秒） / {name}='{v}' is not a positive number of seconds"))?;
            }
            Ok(())
        };
        secs("CHAINSCOPE_HEADER_TIMEOUT_SECS", &mut l.header_timeout)?;
        secs("CHAINSCOPE_IDLE_TIMEOUT_SECS", &mut l.idle_timeout)?;
        secs("CHAINSCOPE_REQUEST_TIMEOUT_SECS", &mut l.request_timeout)?;
        if let Some(v) = var("CHAINSCOPE_MAX_CONNECTIONS") {
            l.max_connections = v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                format!("CHAINSCOPE_MAX_CONNECTIONS='{v}' 应为正整数 / CHAINSCOPE_MAX_CONNECTIONS='{v}' is not a positive whole number")
            })?;
        }
        if let Some(v) = var("CHAINSCOPE_RATE_LIMIT") {
            l.anonymous = Rate::parse(&v).map_err(|e| format!("CHAINSCOPE_RATE_LIMIT: {e}"))?;
        }
        if let Some(v) = var("CHAINSCOPE_RATE_LIMIT_SIGNED_IN") {
            l.signed_in = Rate::parse(&v).map_err(|e| format!("CHAINSCOPE_RATE_LIMIT_SIGNED_IN: {e}"))?;
        }
        if let Some(files) = open_files {
            let most = files.saturating_sub(FD_RESERVE).max(16);
            if l.max_connections > most {
                tracing::warn!("the connection cap {} is lowered to {most}: the process may open {files} files", l.max_connections);
                l.max_connections = most;
            }
        }
        Ok(l)
    }
}

/// The soft limit on open files of this process, where the system tells it cheaply (Linux: `/proc/self/limits`).
fn open_file_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..].split_whitespace().next()?.parse().ok()
}

// ---------------------------------------------------------------------------------------------------------------
// Rate limits.

/// A rate limiter over keys (addresses, accounts): the generic cell rate algorithm, which keeps one instant per key
/// — when its allowance will be whole again — and so costs a few dozen bytes per caller.
pub struct RateLimiter<K> {
    /// Time between two requests at the average rate.
    interval: Duration,
    /// How far ahead of now a key's instant may run: the burst.
    allowance: Duration,
    max_keys: usize,
    keys: Mutex<HashMap<K, Instant>>,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    pub fn new(rate: Rate) -> Self {
        Self::with_capacity(rate, MAX_TRACKED)
    }

    /// A limiter remembering at most `max_keys` keys.
    pub fn with_capacity(rate: Rate, max_keys: usize) -> Self {
        let interval = Duration::from_secs_f64(1.0 / rate.per_second);
        Self { interval, allowance: interval * rate.burst, max_keys: max_keys.max(1), keys: Mutex::default() }
    }

    /// Count one request of `key` at `now`: `Ok`, or `Err` with how long until one more would be allowed.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let mut keys = self.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let full = keys.get(key).map_or(now, |&t| t.max(now));
        let next = full + self.interval;
        let ahead = next - now;
        if ahead > self.allowance {
            return Err(ahead - self.allowance);
        }
        if !keys.contains_key(key) && keys.len() >= self.max_keys {
            forget(&mut keys, now, self.max_keys);
        }
        keys.insert(key.clone(), next);
        Ok(())
    }

    /// How many keys are remembered.
    pub fn tracked(&self) -> usize {
        self.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }
}

/// Make room in a full table: keys whose allowance is whole again are the same as unknown ones and go first; if
/// that is not enough, the half nearest to a whole allowance goes too (they lose at most what they had spent).
fn forget<K: Hash + Eq>(keys: &mut HashMap<K, Instant>, now: Instant, max_keys: usize) {
    keys.retain(|_, t| *t > now);
    if keys.len() >= max_keys {
        let mut instants: Vec<Instant> = keys.values().copied().collect();
        let middle = instants.len() / 2;
        let (_, &mut cut, _) = instants.select_nth_unstable(middle);
        keys.retain(|_, t| *t > cut);
    }
}

/// The rate limiters of one router.
pub struct Throttles {
    state: Arc<ServerState>,
    anonymous: Option<RateLimiter<IpAddr>>,
    signed_in: Option<RateLimiter<i64>>,
}

impl Throttles {
    pub fn new(state: Arc<ServerState>, limits: &Limits) -> Self {
        Self { state, anonymous: limits.anonymous.map(RateLimiter::new), signed_in: limits.signed_in.map(RateLimiter::new) }
    }
}

/// The middleware: a request for a heavy route counts against its address (then, if signed in, its account).
pub async fn throttle(State(t): State<Arc<Throttles>>, req: Request, next: Next) -> Response {
    let Some(anonymous) = &t.anonymous else { return next.run(req).await };
    if !crate::routes::is_heavy(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let Some(ip) = crate::auth::client_ip(&req, &t.state.trusted_proxies) else { return next.run(req).await };
    let now = Instant::now();
    let Err(wait) = anonymous.check(&ip, now) else { return next.run(req).await };
    // Over the address's allowance: a signed-in caller spends the account's instead (one session look-up, only here).
    let wait = if crate::auth::has_session_cookie(req.headers()) {
        match crate::auth::identify(&t.state, req.headers()).await.account {
            Some(account) => match &t.signed_in {
                None => return next.run(req).await,
                Some(l) => match l.check(&account.id, now) {
                    Ok(()) => return next.run(req).await,
                    Err(w) => w,
                },
            },
            None => wait,
        }
    } else {
        wait
    };
    too_many(wait)
}

/// 429 with `Retry-After` in whole seconds (at least one).
fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    Code::TooManyRequests
        .msg(format!("请求过于频繁，请 {secs} 秒后再试 / too many requests from this address; try again in {secs} s"))
        .retry_after(secs)
        .into_response()
}

/// The middleware: receiving the request and building its answer must end within the request time-out; else 408,
/// and the connection is closed (its body may be half read).
pub async fn deadline(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            let secs = limit.as_secs_f64();
            let mut res = Code::RequestTimeout
                .msg(format!("请求未在 {secs} 秒内完成 / the request did not complete within {secs} s"))
                .into_response();
            res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            res
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Connections.

/// What a connection has done lately, in milliseconds since the server started, read by its watcher.
struct Activity {
    epoch: Instant,
    /// The last byte read or written.
    last_io: AtomicU64,
    /// When the head now awaited began to arrive, plus one (0: no head awaited).
    head_since: AtomicU64,
    /// Requests being answered.
    busy: AtomicUsize,
}

impl Activity {
    fn new(epoch: Instant) -> Self {
        let now = ms(epoch);
        Self { epoch, last_io: AtomicU64::new(now), head_since: AtomicU64::new(now + 1), busy: AtomicUsize::new(0) }
    }

    fn now(&self) -> u64 {
        ms(self.epoch)
    }

    fn on_read(&self) {
        let now = self.now();
        self.last_io.store(now, Ordering::Relaxed);
        // A byte arriving between requests begins the next head.
        if self.busy.load(Ordering::Relaxed) == 0 {
            let _ = self.head_since.compare_exchange(0, now + 1, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    /// Why the connection should be closed now, if it should.
    fn expired(&self, header: Duration, idle: Duration) -> Option<&'static str> {
        let now = self.now();
        let since = self.head_since.load(Ordering::Relaxed);
        if since > 0 && now.saturating_sub(since - 1) >= millis(header) {
            return Some("no whole request head within the header time-out");
        }
        let idle_for = now.saturating_sub(self.last_io.load(Ordering::Relaxed));
        if self.busy.load(Ordering::Relaxed) == 0 && idle_for >= millis(idle) {
            return Some("idle");
        }
        None
    }
}

fn ms(epoch: Instant) -> u64 {
    millis(epoch.elapsed())
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// One request in progress on a connection, from its head to its answer's head.
struct Busy(Arc<Activity>);

impl Busy {
    fn start(a: Arc<Activity>) -> Self {
        a.busy.fetch_add(1, Ordering::Relaxed);
        a.head_since.store(0, Ordering::Relaxed);
        Self(a)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.last_io.store(self.0.now(), Ordering::Relaxed);
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A socket that notes its traffic in an [`Activity`].
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let res = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(res, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.on_read();
        }
        res
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let res = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(res, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.last_io.store(self.activity.now(), Ordering::Relaxed);
        }
        res
    }
    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        let res = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(res, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.last_io.store(self.activity.now(), Ordering::Relaxed);
        }
        res
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// What every connection shares.
struct Shared {
    app: Router,
    limits: Limits,
    permits: Arc<Semaphore>,
    builder: hyper::server::conn::http1::Builder,
    epoch: Instant,
}

impl Shared {
    /// The header and idle time-outs now: shortened while three quarters of the cap are in use.
    fn timeouts(&self) -> (Duration, Duration) {
        let (h, i) = (self.limits.header_timeout, self.limits.idle_timeout);
        if self.permits.available_permits() * 4 < self.limits.max_connections {
            (h.min(PRESSURE_TIMEOUT), i.min(PRESSURE_TIMEOUT))
        } else {
            (h, i)
        }
    }
}

/// Accept connections on `listener` and serve `app` on each, within `limits`; returns only if accepting fails for
/// good (never, today: errors such as running out of file descriptors are waited out).
pub async fn serve_connections(listener: TcpListener, app: Router, limits: Limits) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let builder = hyper::server::conn::http1::Builder::new();
    let shared = Arc::new(Shared { app, limits, permits, builder, epoch: Instant::now() });
    let mut last_warning: Option<Instant> = None;
    let mut warn = |what: &str| {
        // One line per ten seconds at most: a flood must not fill the log.
        if last_warning.is_none_or(|t| t.elapsed() >= Duration::from_secs(10)) {
            last_warning = Some(Instant::now());
            tracing::warn!("{what}");
        }
    };
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset) => continue,
            Err(e) => {
                // Out of file descriptors (EMFILE/ENFILE) or memory: wait for connections to end, then go on.
                warn(&format!("accepting a connection failed ({e}); waiting a moment"));
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = shared.permits.clone().try_acquire_owned() else {
            warn(&format!("{} connections are open, the cap: closing new ones at once", shared.limits.max_connections));
            drop(stream);
            continue;
        };
        tokio::spawn(connection(stream, peer, shared.clone(), permit));
    }
}

/// Serve one connection until it ends, or until it runs out of a time-out.
async fn connection(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>, _permit: OwnedSemaphorePermit) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::new(Activity::new(shared.epoch));
    let io = TokioIo::new(Watched { inner: stream, activity: activity.clone() });
    let app = shared.app.clone();
    let seen = activity.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let busy = Busy::start(seen.clone());
        let app = app.clone();
        async move {
            let res = app.oneshot(req.map(Body::new)).await;
            drop(busy);
            res
        }
    });
    let conn = shared.builder.serve_connection(io, service).with_upgrades();
    tokio::pin!(conn);
    let (h, i) = (shared.limits.header_timeout, shared.limits.idle_timeout);
    let tick = (h.min(i).min(PRESSURE_TIMEOUT) / 4).max(Duration::from_millis(10));
    let mut ticks = tokio::time::interval(tick);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            res = conn.as_mut() => {
                if let Err(e) = res {
                    tracing::debug!("connection from {peer} ended: {e}");
                }
                return;
            }
            _ = ticks.tick() => {
                let (header, idle) = shared.timeouts();
                if let Some(why) = activity.expired(header, idle) {
                    tracing::debug!("closing the connection from {peer}: {why}");
                    return; // dropping the connection closes the socket
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_parses_or_says_what_is_wrong() {
        assert_eq!(Rate::parse("10/40"), Ok(Some(Rate { per_second: 10.0, burst: 40 })));
        assert_eq!(Rate::parse(" 0.5 / 3 "), Ok(Some(Rate { per_second: 0.5, burst: 3 })));
        assert_eq!(Rate::parse("off"), Ok(None));
        for bad in ["10", "x/4", "10/0", "-1/4", "10/-4", "inf/3", "1e-300/1"] {
            assert!(Rate::parse(bad).expect_err(bad).contains("RATE/BURST"), "{bad}");
        }
    }

    #[test]
    fn the_environment_sets_the_limits_and_the_open_file_limit_caps_the_connections() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_string())
        };
        let l = Limits::from_vars(
            vars(&[
                ("CHAINSCOPE_HEADER_TIMEOUT_SECS", "2.5"),
                ("CHAINSCOPE_MAX_CONNECTIONS", "5000"),
                ("CHAINSCOPE_RATE_LIMIT", "off"),
                ("CHAINSCOPE_RATE_LIMIT_SIGNED_IN", "1/2"),
                ("CHAINSCOPE_IDLE_TIMEOUT_SECS", " "),
            ]),
            Some(256),
        )
        .expect("valid");
        assert_eq!(l.header_timeout, Duration::from_millis(2500));
        assert_eq!(l.idle_timeout, Limits::default().idle_timeout, "a blank variable keeps the default");
        assert_eq!(l.max_connections, 256 - FD_RESERVE, "never more than the open files allow");
        assert_eq!((l.anonymous, l.signed_in), (None, Some(Rate { per_second: 1.0, burst: 2 })));
        assert_eq!(Limits::from_vars(vars(&[]), None).expect("defaults").max_connections, 1024);
        for (name, bad) in [
            ("CHAINSCOPE_REQUEST_TIMEOUT_SECS", "0"),
            ("CHAINSCOPE_REQUEST_TIMEOUT_SECS", "1e300"),
            ("CHAINSCOPE_MAX_CONNECTIONS", "-3"),
            ("CHAINSCOPE_RATE_LIMIT", "fast"),
        ] {
            let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([(name, bad)]));
            let e = Limits::from_vars(vars(pairs), None).expect_err(bad);
            assert!(e.contains(name), "the error names the variable: {e}");
        }
    }

    #[test]
    fn the_burst_is_allowed_then_one_request_per_interval() {
        let l = RateLimiter::new(Rate { per_second: 2.0, burst: 3 });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.check(&1u8, t0), Ok(()));
        }
        let wait = l.check(&1u8, t0).expect_err("the fourth at once is refused");
        assert_eq!(wait, Duration::from_millis(500), "one more after half a second at 2/s");
        assert_eq!(l.check(&2u8, t0), Ok(()), "another key has its own allowance");
        assert!(l.check(&1u8, t0 + Duration::from_millis(499)).is_err());
        assert_eq!(l.check(&1u8, t0 + Duration::from_millis(500)), Ok(()));
        assert!(l.check(&1u8, t0 + Duration::from_millis(500)).is_err(), "a refused request does not count");
        // After a long pause the whole burst is back, no more.
        let later = t0 + Duration::from_secs(60);
        for _ in 0..3 {
            assert_eq!(l.check(&1u8, later), Ok(()));
        }
        assert!(l.check(&1u8, later).is_err());
    }

    #[test]
    fn memory_is_bounded_and_busy_callers_are_kept_longest() {
        let l = RateLimiter::with_capacity(Rate { per_second: 1.0, burst: 5 }, 100);
        let t0 = Instant::now();
        // Caller 0 spends all of its allowance; then a crowd of new addresses arrives.
        for _ in 0..5 {
            assert_eq!(l.check(&0u32, t0), Ok(()));
        }
        for k in 1..1000u32 {
            let _ = l.check(&k, t0);
            assert!(l.tracked() <= 100, "never more than the capacity");
        }
        assert!(l.check(&0u32, t0).is_err(), "the caller who spent most is still remembered");
        // Once allowances are whole again, the table is emptied of them before anyone else is forgotten.
        let later = t0 + Duration::from_secs(10);
        for k in 5000..5100u32 {
            assert_eq!(l.check(&k, later), Ok(()));
        }
        assert!(l.tracked() <= 100);
    }

    #[test]
    fn a_connection_expires_without_a_head_or_when_idle() {
        let a = Activity::new(Instant::now() - Duration::from_secs(5));
        // Accepted 0 s ago on the epoch's clock shifted by 5 s: nothing yet.
        assert_eq!(a.expired(Duration::from_secs(10), Duration::from_secs(60)), None);
        assert!(a.expired(Duration::from_millis(0), Duration::from_secs(60)).is_some(), "no head within 0 s");
        let busy = Busy::start(Arc::new(Activity::new(Instant::now())));
        assert_eq!(busy.0.expired(Duration::ZERO, Duration::ZERO), None, "a request in progress is neither");
        drop(busy);
    }
}
