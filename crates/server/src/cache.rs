//! Answers kept between reloads. Between two reloads of the data every public answer marked `cached` in the route
//! table is a pure function of its path and parameters, so the finished answer (already compressed when the client
//! takes gzip) is kept and sent again, with an `ETag` that lets a browser revalidate for a `304` of a few bytes.
//!
//! - **Key:** the path, the query with its parameters sorted (the same question asked in another order is the same
//!   answer), and whether the answer is gzipped.
//! - **Validity:** every entry belongs to the data generation it was built from ([`ServerState::generation`]); a
//!   reload, a pipeline write or new service settings make a new generation and the cache starts empty.
//! - **Bound:** the bytes kept, `CHAINSCOPE_CACHE_MB` (default 256); the least recently used answers go first.
//!   One answer larger than an eighth of the budget is not kept.
//! - **One build per question:** concurrent requests for an answer not yet kept wait for the first to build it,
//!   so a crowd opening the map at once costs one build, not one per person.
//! - Only `200` answers are kept; errors are built every time (they are cheap).

use crate::ServerState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// The headers of an answer that are kept with it (the rest are per response).
const KEPT: [header::HeaderName; 4] = [header::CONTENT_TYPE, header::CONTENT_ENCODING, header::CONTENT_DISPOSITION, header::VARY];

/// The kept headers of an answer.
type Headers = Vec<(header::HeaderName, HeaderValue)>;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    path_and_query: String,
    gzip: bool,
}

struct Entry {
    headers: Headers,
    body: Bytes,
    etag: HeaderValue,
    last_used: u64,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    used: usize,
    tick: u64,
    entries: HashMap<Key, Entry>,
    hits: u64,
    misses: u64,
}

/// The kept answers of one server.
pub struct AnswerCache {
    budget: usize,
    inner: Mutex<Inner>,
    /// Answers being built now, one lock per question.
    building: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
}

/// What the cache holds, for `/api/v1/health`.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct CacheFigures {
    pub entries: usize,
    pub bytes: usize,
    pub budget_bytes: usize,
    pub hits: u64,
    pub misses: u64,
}

impl Default for AnswerCache {
    fn default() -> Self {
        let mb = std::env::var("CHAINSCOPE_CACHE_MB").ok().and_then(|v| v.parse::<usize>().ok()).unwrap_or(256);
        Self::with_budget(mb.saturating_mul(1 << 20))
    }
}

impl AnswerCache {
    /// A cache keeping at most `bytes` of answers (0 keeps nothing).
    pub fn with_budget(bytes: usize) -> Self {
        Self { budget: bytes, inner: Mutex::default(), building: Mutex::default() }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn figures(&self) -> CacheFigures {
        let g = self.inner();
        CacheFigures { entries: g.entries.len(), bytes: g.used, budget_bytes: self.budget, hits: g.hits, misses: g.misses }
    }

    /// The answer kept for `key` under `generation`, if any.
    fn lookup(&self, key: &Key, generation: u64) -> Option<(Headers, Bytes, HeaderValue)> {
        let mut g = self.inner();
        if g.generation != generation {
            return None;
        }
        g.tick += 1;
        let tick = g.tick;
        let found = g.entries.get_mut(key).map(|e| {
            e.last_used = tick;
            (e.headers.clone(), e.body.clone(), e.etag.clone())
        });
        if found.is_some() {
            g.hits += 1;
        }
        found
    }

    fn store(&self, key: Key, generation: u64, entry: Entry) {
        let size = entry.body.len() + key.path_and_query.len();
        if size > self.budget / 8 {
            return;
        }
        let mut g = self.inner();
        if g.generation != generation {
            if generation < g.generation {
                return; // built from data that has since been replaced
            }
            g.generation = generation;
            g.entries.clear();
            g.used = 0;
        }
        g.tick += 1;
        let tick = g.tick;
        let key_len = key.path_and_query.len();
        if let Some(old) = g.entries.insert(key, Entry { last_used: tick, ..entry }) {
            g.used -= old.body.len() + key_len;
        }
        g.used += size;
        while g.used > self.budget {
            let Some(oldest) = g.entries.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| k.clone()) else { break };
            if let Some(e) = g.entries.remove(&oldest) {
                g.used -= e.body.len() + oldest.path_and_query.len();
            }
        }
    }

    fn build_lock(&self, key: &Key) -> Arc<tokio::sync::Mutex<()>> {
        let mut b = self.building.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        b.entry(key.clone()).or_default().clone()
    }

    fn build_done(&self, key: &Key) {
        let mut b = self.building.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Drop the lock of this question once nobody waits on it any more (the map holds one reference).
        if b.get(key).is_some_and(|l| Arc::strong_count(l) <= 1) {
            b.remove(key);
        }
    }
}

/// The cache key of a request: the path and its parameters in a fixed order.
fn key_of(req: &Request) -> Key {
    let uri = req.uri();
    let mut pairs: Vec<&str> = uri.query().unwrap_or("").split('&').filter(|p| !p.is_empty()).collect();
    pairs.sort_unstable();
    let mut path_and_query = uri.path().to_string();
    if !pairs.is_empty() {
        path_and_query.push('?');
        path_and_query.push_str(&pairs.join("&"));
    }
    let gzip = req.headers().get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(accepts_gzip);
    Key { path_and_query, gzip }
}

/// Whether an `Accept-Encoding` value takes gzip (and does not refuse it with `q=0`).
fn accepts_gzip(value: &str) -> bool {
    value.split(',').any(|part| {
        let mut it = part.split(';').map(str::trim);
        let coding = it.next().unwrap_or("");
        let refused = it.any(|p| p.replace(' ', "").eq_ignore_ascii_case("q=0") || p.replace(' ', "") == "q=0.0");
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
    })
}

/// A strong validator for an answer: the generation, and a hash of the key and the body.
fn etag_of(generation: u64, key: &Key, body: &[u8]) -> HeaderValue {
    let mut h = rustc_hash::FxHasher::default();
    key.hash(&mut h);
    body.hash(&mut h);
    let text = format!("\"{generation:x}-{:016x}\"", h.finish());
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// Whether `If-None-Match` names this validator (or is `*`).
fn not_modified(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(tag) = etag.to_str() else { return false };
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == tag || t == "*")
}

fn answer(headers: Headers, body: Bytes, etag: HeaderValue, req_headers: &HeaderMap, head: bool) -> Response {
    let mut res = if not_modified(req_headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(if head { Body::empty() } else { Body::from(body.clone()) });
        for (k, v) in headers {
            r.headers_mut().insert(k, v);
        }
        if head {
            r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
        r
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, etag);
    // Always revalidate (the data may have been reloaded), which costs a 304 when nothing changed.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    res
}

/// The middleware: answer from the cache, or build the answer once and keep it.
pub async fn layer(State(s): State<Arc<ServerState>>, req: Request, next: Next) -> Response {
    let head = req.method() == Method::HEAD;
    if !(req.method() == Method::GET || head) || !crate::routes::is_cached(req.uri().path()) || s.cache.budget == 0 {
        return next.run(req).await;
    }
    let key = key_of(&req);
    let generation = s.generation();
    if let Some((headers, body, etag)) = s.cache.lookup(&key, generation) {
        return answer(headers, body, etag, req.headers(), head);
    }
    // Build it once: the others asking the same question wait, then find it kept.
    let lock = s.cache.build_lock(&key);
    let guard = lock.lock().await;
    if let Some((headers, body, etag)) = s.cache.lookup(&key, generation) {
        drop(guard);
        drop(lock);
        s.cache.build_done(&key);
        return answer(headers, body, etag, req.headers(), head);
    }
    let req_headers = req.headers().clone();
    let mut fresh = req;
    if head {
        *fresh.method_mut() = Method::GET; // build the whole answer, keep it, send only the head
    }
    let res = next.run(fresh).await;
    let out = if res.status() == StatusCode::OK {
        let (parts, body) = res.into_parts();
        match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => {
                let headers: Vec<_> = KEPT.iter().filter_map(|name| parts.headers.get(name).map(|v| (name.clone(), v.clone()))).collect();
                let etag = etag_of(generation, &key, &bytes);
                {
                    let mut g = s.cache.inner();
                    g.misses += 1;
                }
                s.cache.store(
                    key.clone(),
                    generation,
                    Entry { headers: headers.clone(), body: bytes.clone(), etag: etag.clone(), last_used: 0 },
                );
                answer(headers, bytes, etag, &req_headers, head)
            }
            Err(e) => {
                tracing::warn!("an answer could not be read whole for the cache: {e}");
                crate::error::Code::InternalError.msg("回答生成失败 / the answer could not be built").into_response()
            }
        }
    } else {
        res
    };
    drop(guard);
    drop(lock);
    s.cache.build_done(&key);
    out
}

/// The map page's first questions, as the web app asks them (`web/views/map.js`: the home city at resolution 7,
/// counted, as GeoJSON; the same without the region), and the documents every page reads.
pub fn warm_paths(home_region: &str) -> Vec<String> {
    let heat = "/api/v1/heat?group=h3&res=7&weight=count&format=geojson";
    vec![
        format!("{heat}&region={home_region}"),
        heat.to_string(),
        "/api/v1/taxonomy".into(),
        "/api/v1/stats".into(),
        "/api/v1/parks".into(),
        "/api/v1/hubs".into(),
    ]
}

/// Ask the router the [`warm_paths`] questions, gzipped as browsers take them, so that their answers are kept
/// before the first visitor asks. Failures are only logged: the answers are then built on first use as usual.
pub async fn warm(state: Arc<ServerState>, app: axum::Router) {
    use tower::ServiceExt;
    let started = std::time::Instant::now();
    let home = state.data().snapshot.home_region.clone();
    for path in warm_paths(&home) {
        let Ok(req) = Request::builder().uri(&path).header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()) else { continue };
        match app.clone().oneshot(req).await {
            Ok(res) if res.status() == StatusCode::OK => {
                let _ = axum::body::to_bytes(res.into_body(), usize::MAX).await;
            }
            Ok(res) => tracing::debug!(path = path.as_str(), status = res.status().as_u16(), "not warmed"),
            Err(e) => tracing::debug!(path = path.as_str(), "not warmed: {e}"),
        }
    }
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "answers warmed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_taken_unless_refused() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip("x-gzip-not"));
    }

    #[test]
    fn the_least_recently_used_answers_leave_first_and_a_new_generation_empties_the_cache() {
        let c = AnswerCache::with_budget(8000);
        let entry =
            |n: usize| Entry { headers: vec![], body: Bytes::from(vec![b'x'; n]), etag: HeaderValue::from_static("\"e\""), last_used: 0 };
        let key = |p: &str| Key { path_and_query: p.into(), gzip: false };
        for i in 0..8 {
            c.store(key(&format!("/{i}")), 1, entry(900));
        }
        assert_eq!(c.figures().entries, 8);
        assert!(c.lookup(&key("/0"), 1).is_some()); // /0 is now the most recent
        c.store(key("/8"), 1, entry(900));
        assert!(c.lookup(&key("/1"), 1).is_none(), "the least recently used left");
        assert!(c.lookup(&key("/0"), 1).is_some() && c.lookup(&key("/8"), 1).is_some());
        assert!(c.figures().bytes <= 8000);
        c.store(key("/big"), 1, entry(1001));
        assert!(c.lookup(&key("/big"), 1).is_none(), "more than an eighth of the budget is not kept");
        assert!(c.lookup(&key("/0"), 2).is_none(), "another generation does not see the old answers");
        c.store(key("/d"), 2, entry(10));
        assert_eq!(c.figures().entries, 1, "a newer generation starts empty");
        c.store(key("/e"), 1, entry(10));
        assert!(c.lookup(&key("/e"), 1).is_none(), "an answer built from replaced data is not kept");
    }

    #[test]
    fn parameters_in_another_order_are_the_same_question() {
        let req = |uri: &str| Request::builder().uri(uri).body(Body::empty()).expect("request");
        assert!(key_of(&req("/api/v1/heat?res=7&node=a")) == key_of(&req("/api/v1/heat?node=a&res=7")));
        assert!(key_of(&req("/api/v1/heat?res=7")) != key_of(&req("/api/v1/heat?res=8")));
    }
}
