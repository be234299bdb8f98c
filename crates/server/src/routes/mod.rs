//! The route table: every route of the server written once — method, path, handler, who may call it (its
//! audience), the parameters it accepts and its documentation. From this one table come the router
//! ([`crate::router`]), the access rules the guard applies ([`crate::auth::rule`]), the paths of the OpenAPI
//! document ([`crate::openapi::document`]) and the audiences served at `GET /api/v1/access`, from which the web app
//! decides which views and navigation entries a role gets and the access-matrix test takes its expectations.
//!
//! The table is split by the part of the product a route serves: the public map and records ([`maps`]), the
//! investment work of officers (leads, the supply–demand board, [`investment`]), the project pipeline
//! ([`pipeline`]), the enterprise-service loop and its settings ([`service`]), and accounts ([`accounts`]).

mod accounts;
mod investment;
mod maps;
mod pipeline;
mod service;

use crate::auth::Allow;
use crate::openapi::Param;
use crate::ServerState;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter};
use axum::Json;
use chainscope_model::Role;
use serde_json::{json, Value};
use std::sync::Arc;

/// The HTTP methods the API uses. (HEAD is answered by the GET route.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
}

impl Verb {
    /// `GET`, `POST` …
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
        }
    }

    /// The method as the OpenAPI document names it (`get`, `post` …).
    pub fn openapi(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Post => "post",
            Self::Put => "put",
            Self::Patch => "patch",
        }
    }

    /// The verb of a request's method; HEAD is read as GET.
    pub fn of(method: &Method) -> Option<Self> {
        match *method {
            Method::GET | Method::HEAD => Some(Self::Get),
            Method::POST => Some(Self::Post),
            Method::PUT => Some(Self::Put),
            Method::PATCH => Some(Self::Patch),
            _ => None,
        }
    }

    /// Whether the method changes something (and so needs the session's CSRF token).
    pub fn writes(self) -> bool {
        self != Self::Get
    }

    fn filter(self) -> MethodFilter {
        match self {
            Self::Get => MethodFilter::GET,
            Self::Post => MethodFilter::POST,
            Self::Put => MethodFilter::PUT,
            Self::Patch => MethodFilter::PATCH,
        }
    }
}

/// Wraps a handler for the route's method: written `|m| on(m, records::parks)` in the table, so the method is
/// named once (by the entry's [`Verb`]).
pub type Handler = fn(MethodFilter) -> MethodRouter<Arc<ServerState>>;

/// One answer an operation can give: its status and what it means.
#[derive(Debug, Clone, Copy)]
pub struct Reply {
    pub status: u16,
    pub description: &'static str,
}

/// The request body of a write.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// A JSON object of exactly these fields (each with its type, whether it is required and its limits); any other
    /// field is refused with `unknown_field`. An empty list: the body is an empty object, or none.
    Json(&'static [Param]),
    /// Any JSON object (one's saved settings), kept as it is.
    AnyObject,
    /// TOML text (the settings files administrators edit).
    Toml,
}

/// What a success answer holds, as the document describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Not described (a page, a file).
    None,
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
    /// A JSON value of the named schema of the document's `components.schemas`.
    Schema(&'static str),
}

/// What the documentation says of a route.
#[derive(Debug, Clone, Copy)]
pub struct Doc {
    pub summary: &'static str,
    /// Longer text; empty when the summary says it all.
    pub description: &'static str,
    /// The parameter tables the handler accepts (the same tables it validates against), in order.
    pub params: &'static [&'static [Param]],
    /// The success answer.
    pub ok: Reply,
    /// What the success answer holds when it is JSON.
    pub ok_shape: Shape,
    /// The other media types the success answer may have (a download with `format=…`, a page).
    pub ok_other: &'static [&'static str],
    pub body: Option<Body>,
    /// The error answers the handler itself can give (400, 404, 409, 422 …); the guard's 401 and 403 follow from
    /// the audience and are added by the OpenAPI document.
    pub errors: &'static [Reply],
}

/// One route: method and path, handler, audience and documentation.
#[derive(Clone, Copy)]
pub struct Route {
    pub verb: Verb,
    pub path: &'static str,
    pub audience: Allow,
    pub handler: Handler,
    pub doc: Doc,
    /// Whether the answer is kept between reloads ([`crate::cache`]): true only for public reads whose answer
    /// depends on nothing but the path, the parameters and the loaded data (never on who asks).
    pub cached: bool,
    /// Whether the route is costly to answer (heat, markers, complexity, site plans, record lists, search): such
    /// requests count against the caller's rate limit ([`crate::limits`]).
    pub heavy: bool,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({:?})", self.verb.as_str(), self.path, self.audience)
    }
}

const fn route(verb: Verb, path: &'static str, audience: Allow, handler: Handler) -> Route {
    Route {
        verb,
        path,
        audience,
        handler,
        cached: false,
        heavy: false,
        doc: Doc {
            summary: "",
            description: "",
            params: &[],
            ok: Reply { status: 200, description: "" },
            ok_shape: Shape::None,
            ok_other: &[],
            body: None,
            errors: &[],
        },
    }
}

/// A GET route.
const fn get(path: &'static str, audience: Allow, handler: Handler) -> Route {
    route(Verb::Get, path, audience, handler)
}
/// A POST route.
const fn post(path: &'static str, audience: Allow, handler: Handler) -> Route {
    route(Verb::Post, path, audience, handler)
}
/// A PUT route.
const fn put(path: &'static str, audience: Allow, handler: Handler) -> Route {
    route(Verb::Put, path, audience, handler)
}
/// A PATCH route.
const fn patch(path: &'static str, audience: Allow, handler: Handler) -> Route {
    route(Verb::Patch, path, audience, handler)
}

// Builders for the documentation, so each table entry reads as one sentence.
impl Route {
    /// Summary and description.
    const fn doc(mut self, summary: &'static str, description: &'static str) -> Self {
        self.doc.summary = summary;
        self.doc.description = description;
        self
    }
    /// The parameter tables.
    const fn params(mut self, params: &'static [&'static [Param]]) -> Self {
        self.doc.params = params;
        self
    }
    /// 200 with a JSON object.
    const fn json(mut self, description: &'static str) -> Self {
        self.doc.ok = Reply { status: 200, description };
        self.doc.ok_shape = Shape::Object;
        self
    }
    /// 200 with a JSON value of a schema the document names (`components.schemas`).
    const fn schema(mut self, name: &'static str, description: &'static str) -> Self {
        self.doc.ok = Reply { status: 200, description };
        self.doc.ok_shape = Shape::Schema(name);
        self
    }
    /// A success status with a description only (pages, files).
    const fn answers(mut self, status: u16, description: &'static str) -> Self {
        self.doc.ok = Reply { status, description };
        self.doc.ok_shape = Shape::None;
        self
    }
    /// A success status with a JSON object (what a write answers).
    const fn created(mut self, status: u16, description: &'static str) -> Self {
        self.doc.ok = Reply { status, description };
        self.doc.ok_shape = Shape::Object;
        self
    }
    /// Other media types the success answer may have.
    const fn or(mut self, media: &'static [&'static str]) -> Self {
        self.doc.ok_other = media;
        self
    }
    /// The request body.
    const fn body(mut self, body: Body) -> Self {
        self.doc.body = Some(body);
        self
    }
    /// The answer is kept between reloads (see [`Route::cached`]).
    const fn cached(mut self) -> Self {
        self.cached = true;
        self
    }
    /// The route is costly and rate limited (see [`Route::heavy`]).
    const fn heavy(mut self) -> Self {
        self.heavy = true;
        self
    }
    /// The error answers of the handler.
    const fn errors(mut self, errors: &'static [Reply]) -> Self {
        self.doc.errors = errors;
        self
    }
}

/// The media type of the spreadsheets the lists download with `format=xlsx`.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A parameter is wrong.
pub const BAD_PARAMETER: Reply = Reply { status: 400, description: "a parameter is invalid; `error.parameter` names it" };
/// A field of the body is wrong.
pub const BAD_FIELD: Reply = Reply { status: 400, description: "a field is invalid; `error.parameter` names it" };
/// TOML text that does not parse or check.
pub const BAD_TEXT: Reply = Reply { status: 400, description: "the text is invalid; the message says where" };
pub const NOT_FOUND: Reply = Reply { status: 404, description: "no such record" };
pub const CONFLICT: Reply =
    Reply { status: 409, description: "version conflict: someone changed the record since you read it (or it already exists)" };
pub const BAD_MOVE: Reply = Reply { status: 422, description: "a stage move that is not allowed" };

/// Reads that check their parameters.
const READ: &[Reply] = &[BAD_PARAMETER];
/// Reads of one record.
const LOOKUP: &[Reply] = &[BAD_PARAMETER, NOT_FOUND];
/// Writes with a JSON body, as the document has described them so far: any of them may name a bad field, miss its
/// record, meet a version conflict or refuse a stage move.
const WRITE: &[Reply] = &[BAD_FIELD, NOT_FOUND, CONFLICT, BAD_MOVE];

use Role::{Admin, Department, Enterprise, Leader, Officer};
/// Leadership and officers: leads, events, targets, the dashboard, reports.
const READERS: Allow = Allow::Roles(&[Admin, Leader, Officer]);
/// Those who read the project pipeline: the readers and department staff (their checklist items).
const PIPELINE_READERS: Allow = Allow::Roles(&[Admin, Leader, Officer, Department]);
/// Those who write projects and events.
const WRITERS: Allow = Allow::Roles(&[Admin, Officer]);
/// Those who post to the supply–demand board and file requests.
const POSTERS: Allow = Allow::Roles(&[Admin, Officer, Enterprise]);
const ADMIN: Allow = Allow::Roles(&[Admin]);
const PUBLIC: Allow = Allow::Public;
const SIGNED_IN: Allow = Allow::SignedIn;

/// Every route, grouped by part of the product.
pub fn table() -> impl Iterator<Item = &'static Route> {
    [maps::ROUTES, investment::ROUTES, pipeline::ROUTES, service::ROUTES, accounts::ROUTES].into_iter().flatten()
}

/// The route of a matched path pattern (`/api/v1/projects/{id}`) and method, if the table has it.
pub fn find(path: &str, method: &Method) -> Option<&'static Route> {
    let verb = Verb::of(method)?;
    table().find(|r| r.path == path && r.verb == verb)
}

/// Whether a request path (`/api/v1/enterprises/42`) is that of a GET route whose answers are kept.
pub fn is_cached(path: &str) -> bool {
    table().any(|r| r.cached && r.verb == Verb::Get && matches_pattern(r.path, path))
}

/// Whether a request (method and concrete path) is for a route marked heavy, whose calls are rate limited.
pub fn is_heavy(method: &Method, path: &str) -> bool {
    let Some(verb) = Verb::of(method) else { return false };
    table().any(|r| r.heavy && r.verb == verb && matches_pattern(r.path, path))
}

/// Whether a path matches a route pattern, a `{name}` standing for one non-empty segment.
fn matches_pattern(pattern: &str, path: &str) -> bool {
    let (mut p, mut q) = (pattern.split('/'), path.split('/'));
    loop {
        match (p.next(), q.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a.starts_with('{') && a.ends_with('}') => {
                if b.is_empty() {
                    return false;
                }
            }
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// The handlers of the table, each under its path and method.
pub fn add_to(mut router: axum::Router<Arc<ServerState>>) -> axum::Router<Arc<ServerState>> {
    for r in table() {
        router = router.route(r.path, (r.handler)(r.verb.filter()));
    }
    router
}

/// An audience as JSON: `"public"`, `"signed_in"` or the list of roles.
pub fn audience_json(a: Allow) -> Value {
    match a {
        Allow::Public => json!("public"),
        Allow::SignedIn => json!("signed_in"),
        Allow::Roles(roles) => json!(roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()),
    }
}

/// The roles and every route's audience, as `GET /api/v1/access` serves them.
pub fn access() -> Value {
    let routes: Vec<Value> =
        table().map(|r| json!({"method": r.verb.as_str(), "path": r.path, "audience": audience_json(r.audience)})).collect();
    json!({"roles": Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "routes": routes})
}

/// `GET /api/v1/access`: the roles and who may call each route, for the web app's navigation.
pub async fn access_json() -> Json<Value> {
    Json(access())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_method_and_path_is_declared_once() {
        let mut seen = std::collections::HashSet::new();
        for r in table() {
            assert!(seen.insert((r.verb, r.path)), "{r:?} twice");
            assert!(!r.doc.summary.is_empty(), "{r:?} has a summary");
            assert!(r.path.starts_with('/'), "{r:?}");
        }
    }

    #[test]
    fn writes_declare_their_body_and_reads_none() {
        for r in table() {
            if r.verb == Verb::Get {
                assert!(r.doc.body.is_none(), "{r:?} reads take no body");
            } else {
                assert!(r.doc.body.is_some(), "{r:?} documents its body");
            }
        }
    }

    #[test]
    fn the_guard_looks_routes_up_by_pattern_and_method() {
        let get = |p: &str| find(p, &Method::GET).map(|r| r.audience);
        assert_eq!(get("/api/v1/heat"), Some(Allow::Public));
        assert_eq!(find("/api/v1/heat", &Method::HEAD).map(|r| r.audience), Some(Allow::Public));
        assert_eq!(get("/api/v1/users"), Some(Allow::Roles(&[Role::Admin])));
        assert_eq!(find("/api/v1/heat", &Method::DELETE).map(|r| r.path), None);
        assert_eq!(get("/api/v1/projects/p-1"), None, "patterns, not concrete paths");
    }

    #[test]
    fn heavy_routes_are_found_by_concrete_path_and_method() {
        for p in ["/api/v1/heat", "/api/v1/markers", "/api/v1/complexity", "/api/v1/siteplan", "/api/v1/enterprises", "/api/v1/search"] {
            assert!(is_heavy(&Method::GET, p), "{p} is heavy");
            assert!(is_heavy(&Method::HEAD, p), "{p} by HEAD is heavy");
        }
        assert!(!is_heavy(&Method::GET, "/api/v1/health"));
        assert!(!is_heavy(&Method::GET, "/api/v1/enterprises/42"), "one profile is not a list");
        assert!(!is_heavy(&Method::POST, "/api/v1/search"));
    }
}
