//! The OpenAPI 3.1 description of the API, built from the route table ([`crate::routes`]) and the parameter tables
//! below, which the handlers validate against: the document cannot drift from what the server routes and accepts. (Response bodies are engine types, which stay free
//! of HTTP-documentation derives; they are described here in words and by their main fields.)

use crate::auth::Allow;
use crate::routes::{self, Body, Route};
use serde_json::{json, Value};

/// One query or path parameter.
#[derive(Debug)]
pub struct Param {
    pub name: &'static str,
    pub location: &'static str,
    pub kind: &'static str,
    pub required: bool,
    pub description: &'static str,
    pub values: &'static [&'static str],
}

const fn q(name: &'static str, kind: &'static str, description: &'static str) -> Param {
    Param { name, location: "query", kind, required: false, description, values: &[] }
}

const fn q_enum(name: &'static str, description: &'static str, values: &'static [&'static str]) -> Param {
    Param { name, location: "query", kind: "string", required: false, description, values }
}

/// Filters shared by the heat endpoint (names equal `api::FILTER_PARAMS`).
pub const FILTERS: &[Param] = &[
    q("tier", "string", "层级 tier ids, comma-separated"),
    q("cluster", "string", "集群 cluster ids, comma-separated"),
    q("chain", "string", "产业链 chain ids, comma-separated"),
    q("node", "string", "环节 node ids, comma-separated"),
    q("region", "string", "only enterprises inside this region (GB/T 2260 code, zone code or ISO 3166 country)"),
    q("local", "boolean", "true: only local enterprises; false: only non-local ones"),
    q("employees_min", "integer", "minimum employees (inclusive)"),
    q("employees_max", "integer", "maximum employees (inclusive)"),
    q("founded_from", "integer", "founded in or after this year"),
    q("founded_to", "integer", "founded in or before this year"),
    q("flags", "string", "flags that must all be set: chain_leader, listed, srdi, high_tech (comma-separated)"),
    q("synthetic", "boolean", "true: only synthetic (demo) records; false: only real ones"),
    q("cell", "string", "only enterprises inside this H3 cell (hex index, resolution 3–12), e.g. a heat cell's key"),
];

pub const HEAT: &[Param] = &[
    q_enum("group", "h3 cells or administrative units (default h3)", &["h3", "admin"]),
    q("res", "integer", "H3 resolution 3–9 (default 7)"),
    q_enum("level", "administrative level for group=admin (default county)", &["country", "province", "prefecture", "county"]),
    q_enum("weight", "what each enterprise adds (default count)", &["count", "revenue", "employees", "capital"]),
    q_enum("format", "json (default), csv for download, geojson (H3 only)", &["json", "csv", "geojson"]),
];

pub const CHAIN_ID: Param =
    Param { name: "id", location: "path", kind: "string", required: true, description: "chain id, e.g. cm", values: &[] };
pub const STRENGTH: &[Param] =
    &[q_enum("reference", "area the home city is compared with (default country)", &["province", "country", "world"])];
pub const TRENDS: &[Param] = &[
    q("node", "string", "a node id (give node or chain)"),
    q("chain", "string", "a chain id: one series per node"),
    q("region", "string", "only enterprises inside this region"),
    q("from", "integer", "first year (default 2010)"),
    q("to", "integer", "last year (default 2025)"),
];

pub const COMPLEXITY: &[Param] = &[
    q_enum("level", "region level of the matrix's rows (default prefecture)", &["country", "province", "prefecture", "county"]),
    q_enum("weight", "what each enterprise adds to its cells (default count)", &["count", "revenue", "employees", "capital"]),
    q("focus", "string", "region the digest is for (default: the home city's unit at the level)"),
    q_enum("diagonal", "proximity diagonal: one (ecomplexity, default) or zero (Atlas)", &["one", "zero"]),
];
pub const LEADS: &[Param] = &[
    q_enum(
        "preset",
        "weight preset (default gap_filling 补链; strengthening 强链; big_anchors 招大引强)",
        &["gap_filling", "strengthening", "big_anchors"],
    ),
    q("w_gap", "number", "weight of the gap part (0–100), overrides the preset"),
    q("w_supply", "number", "weight of supply links to local leaders (0–100)"),
    q("w_related", "number", "weight of relatedness (density) (0–100)"),
    q("w_momentum", "number", "weight of momentum (growth, recent expansions) (0–100)"),
    q("w_scale", "number", "weight of scale (0–100)"),
    q("w_affinity", "number", "weight of nearness (0–100)"),
    q("include_marked", "boolean", "keep enterprises already in the pipeline or declining, marked"),
    q("limit", "integer", "list length 1–10000 (default 50)"),
    q_enum("format", "json (default) or xlsx download", &["json", "xlsx"]),
];
pub const SITEPLAN: &[Param] = &[
    q("node", "string", "the project's chain node (or give cluster)"),
    q("cluster", "string", "the project's cluster, when no node is given"),
    q("land_ha", "number", "land needed, hectares (give land_ha or floor_m2)"),
    q("floor_m2", "number", "floor space needed, m²"),
    q_enum(
        "building",
        "carrier type wanted (default any)",
        &["park", "standard_factory", "incubator", "maker_space", "accelerator", "office"],
    ),
    q("budget_yuan_m2", "number", "budget: land price yuan/m², or rent yuan/m²/month for floor space"),
    q("logistics", "string", "hub kinds that matter, comma-separated: port, rail_freight, airport, sea_rail"),
    q("w_fit", "number", "weight of cluster fit (0–100, default 2)"),
    q("w_partners", "number", "weight of chain partners nearby (default 2)"),
    q("w_space", "number", "weight of space available (default 2)"),
    q("w_cost", "number", "weight of cost (default 1.5)"),
    q("w_logistics", "number", "weight of logistics (default 1)"),
    q("w_talent", "number", "weight of the talent pool (default 1)"),
    q("limit", "integer", "sites to return, 1–500 (default 20)"),
];
pub const PROJECT_LIST: &[Param] = &[
    q(
        "stage",
        "string",
        "stages, comma-separated: lead, contact, negotiating, signed, registered, started, producing, dropped (or 线索 … 终止)",
    ),
    q("region", "string", "responsible 板块 (or any region containing it)"),
    q("cluster", "string", "cluster ids, comma-separated"),
    q("tier", "string", "tier ids, comma-separated"),
    q("other", "boolean", "true: only projects outside the cluster system; false: only those in it"),
    q("event", "string", "only projects attributed to this event"),
    q("officer", "string", "only this officer's projects"),
    q_enum("band", "investment size band", &["lt1", "1-3", "3-10", "10-20", "20-50", "ge50"]),
    q("q", "string", "text in the project's or investor's name, or a project id"),
    q("signed_from", "string", "signed on or after (YYYY-MM-DD)"),
    q("signed_to", "string", "signed on or before (YYYY-MM-DD)"),
    q("overdue", "boolean", "true: only projects not started past their deadline or with overdue checklist items"),
    q("mine", "boolean", "true: for an officer, only the projects of their own 板块"),
    q("tasks_of", "string", "only projects with open 全兜办 checklist items of this department (catalogue id or name); each item then carries tasks_of {open, overdue}, and the answer the sums over every row"),
    q("stage_on", "string", "apply the stage filter to the stage on this day (YYYY-MM-DD), as the dashboard's stage counts"),
    q("reached", "string", "only projects that reached this stage (started, producing, dropped …) between reached_from and reached_to"),
    q("reached_from", "string", "see reached (YYYY-MM-DD)"),
    q("reached_to", "string", "see reached (YYYY-MM-DD)"),
    q_enum("sort", "order (default recent: latest move first)", &["recent", "amount", "signed", "name"]),
    q("limit", "integer", "page size 1–10000 (default 50)"),
    q("offset", "integer", "rows to skip (default 0)"),
    q_enum("format", "json (default) or xlsx (every matching project, and a second sheet with every stage move: date, by whom, why)", &["json", "xlsx"]),
];
pub const YEAR: &[Param] = &[q("year", "integer", "only this year")];
pub const DASHBOARD: &[Param] = &[
    q("year", "integer", "the year (default: the year of the latest recorded move)"),
    q("month", "string", "count through the end of this month (YYYY-MM)"),
    q("through", "string", "count through this day (YYYY-MM-DD); default the latest recorded move, or 31 December of a past year"),
];
pub const REPORT: &[Param] = &[
    q("period", "string", "a month (2022-09), a quarter (2022-Q3) or a year (2022); required"),
    q_enum("format", "json (default) or xlsx", &["json", "xlsx"]),
];
pub const PROJECT_ID: Param =
    Param { name: "id", location: "path", kind: "string", required: true, description: "project id", values: &[] };
pub const EVENT_ID: Param = Param { name: "id", location: "path", kind: "string", required: true, description: "event id", values: &[] };
pub const VERSION: Param =
    Param { name: "version", location: "path", kind: "integer", required: true, description: "a logged version", values: &[] };

pub const MARKET_LIST: &[Param] = &[
    q_enum("kind", "supply (供给) or demand (需求); default both", &["supply", "demand"]),
    q("node", "string", "only items on these nodes (comma-separated)"),
    q("active", "boolean", "only items still valid (default true)"),
];
pub const MARKET_MATCHES: &[Param] = &[q("limit", "integer", "matches to return, 1–200 (default 20)")];
pub const ITEM_ID: Param = Param { name: "id", location: "path", kind: "integer", required: true, description: "item id", values: &[] };
pub const LIST: &[Param] = &[
    q_enum("sort", "largest first by (default revenue); founded: newest first", &["revenue", "employees", "capital", "founded"]),
    q("limit", "integer", "page size 1–500 (default 50)"),
    q("offset", "integer", "rows to skip (default 0)"),
    q("park", "string", "only the park's residents (enterprises within its radius, as its profile counts them)"),
];
pub const MARKERS: &[Param] = &[
    Param {
        name: "bbox",
        location: "query",
        kind: "string",
        required: true,
        description: "map view: west,south,east,north in degrees",
        values: &[],
    },
    q("zoom", "number", "web-map zoom 0–22 (default 10); sets the clustering resolution"),
    q("limit", "integer", "at most this many markers, the heaviest (default 2000, up to 10000)"),
];
pub const PARKS: &[Param] = &[
    q("kind", "string", "park, standard_factory, incubator, maker_space, accelerator, office (comma-separated)"),
    q("region", "string", "only parks inside this region"),
    q("has_space", "boolean", "true: only those with land or floor space available now"),
];
pub const SEARCH: &[Param] = &[
    Param {
        name: "q",
        location: "query",
        kind: "string",
        required: true,
        description: "text contained in a Chinese or English name (up to 100 characters)",
        values: &[],
    },
    q("limit", "integer", "at most this many hits per kind, 1–200 (default 20)"),
];
pub const ENTERPRISE_ID: Param = Param {
    name: "id",
    location: "path",
    kind: "integer",
    required: true,
    description: "enterprise id (from lists and search)",
    values: &[],
};
pub const PARK_ID: Param = Param { name: "id", location: "path", kind: "string", required: true, description: "park id", values: &[] };
pub const REGION_CODE: Param = Param {
    name: "code",
    location: "path",
    kind: "string",
    required: true,
    description: "GB/T 2260 code (retired codes resolve to their successor), zone code or ISO 3166 country",
    values: &[],
};

pub const TICKET_LIST: &[Param] = &[
    q_enum("state", "request state", &["filed", "dispatched", "returned", "working", "answered", "closed"]),
    q("department", "string", "department id"),
    q("region", "string", "板块 code"),
    q("overdue", "boolean", "only requests past their deadline"),
    q("todo", "boolean", "only requests waiting for the caller's step (each item's waiting_for names it)"),
];
pub const TICKET_ID: Param = Param { name: "id", location: "path", kind: "string", required: true, description: "request id", values: &[] };
/// Reading a settings file (the service catalogue, the policies) as JSON or as the TOML text.
pub const SETTINGS_FORMAT: &[Param] = &[q_enum("format", "json (default) or toml (the text administrators edit)", &["json", "toml"])];
/// Replacing a settings file, or only checking it.
pub const SETTINGS_CHECK: &[Param] = &[q("check", "boolean", "true: check the text and report what it would change; nothing is stored")];
pub const POLICY_ID: Param = Param { name: "id", location: "path", kind: "string", required: true, description: "policy id", values: &[] };
pub const POLICY_MATCHES: &[Param] =
    &[q("limit", "integer", "1–2000 (default 100)"), q("local", "boolean", "only local enterprises (default true)")];
pub const USER_ID: Param = Param { name: "id", location: "path", kind: "integer", required: true, description: "account id", values: &[] };
pub const AUDIT: &[Param] = &[q("limit", "integer", "lines to return, 1–5000 (default 200)")];

fn params(list: &[&Param]) -> Value {
    Value::Array(
        list.iter()
            .map(|p| {
                let mut schema = json!({"type": p.kind});
                if !p.values.is_empty() {
                    schema["enum"] = json!(p.values);
                }
                json!({"name": p.name, "in": p.location, "required": p.required, "description": p.description, "schema": schema})
            })
            .collect(),
    )
}

/// A response in the shape of every error answer.
fn error_reply(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// One operation of the document, from its entry in the route table.
fn operation(r: &Route) -> Value {
    let d = &r.doc;
    let mut op = json!({"summary": d.summary, "x-audience": routes::audience_json(r.audience)});
    if !d.description.is_empty() {
        op["description"] = json!(d.description);
    }
    let list: Vec<&Param> = d.params.iter().flat_map(|table| table.iter()).collect();
    if !list.is_empty() {
        op["parameters"] = params(&list);
    }
    match d.body {
        Some(Body::Json(required)) => {
            let mut schema = json!({"type": "object"});
            if !required.is_empty() {
                schema["required"] = json!(required);
            }
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": schema}}});
        }
        Some(Body::Toml) => {
            op["requestBody"] = json!({"required": true, "content": {"application/toml": {"schema": {"type": "string"}}}});
        }
        None => {}
    }
    let mut responses = serde_json::Map::new();
    let mut ok = json!({"description": d.ok.description});
    if d.ok_json {
        ok["content"] = json!({"application/json": {"schema": {"type": "object"}}});
    }
    responses.insert(d.ok.status.to_string(), ok);
    for e in d.errors {
        responses.insert(e.status.to_string(), error_reply(e.description));
    }
    if r.audience != Allow::Public {
        let schemes = if r.verb.writes() { json!([{"session": [], "csrf": []}]) } else { json!([{"session": []}]) };
        op["security"] = schemes;
        responses.insert("401".into(), error_reply("not signed in (`login_required`)"));
        let forbidden = match r.audience {
            Allow::Roles(_) => {
                "the account's role is not in `x-audience` (`forbidden`), a one-time password is still to be \
                                changed (`password_change_required`), or a write lacks the session's CSRF token (`csrf_failed`)"
            }
            _ => {
                "a one-time password is still to be changed (`password_change_required`), or a write lacks the session's \
                  CSRF token (`csrf_failed`)"
            }
        };
        responses.insert("403".into(), error_reply(forbidden));
    }
    op["responses"] = Value::Object(responses);
    op
}

/// The whole document: its paths are the route table's.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for r in routes::table() {
        let item = paths.entry(r.path).or_insert_with(|| json!({}));
        item[r.verb.openapi()] = operation(r);
    }
    let mut doc = base_document();
    doc["paths"] = Value::Object(paths);
    tag_operations(&mut doc);
    doc
}

/// Group operations by their first path segment (heat, enterprises, leads …) and give each a stable
/// operationId (`get_enterprises_id`), so generated clients and the docs page can name them.
fn tag_operations(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        let rest = path.trim_start_matches("/api/").trim_start_matches("v1/");
        let tag = rest.split('/').next().unwrap_or("api").to_string();
        let slug: String = rest.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let slug = slug.split('_').filter(|x| !x.is_empty()).collect::<Vec<_>>().join("_");
        if let Some(ops) = item.as_object_mut() {
            for (method, op) in ops.iter_mut() {
                op["tags"] = json!([tag]);
                op["operationId"] = json!(format!("{method}_{slug}"));
            }
        }
    }
}

fn base_document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Chainscope API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "产业链招商热力图 API / industry-chain investment heat map API. The map, chains, parks and carriers are public; leads, the pipeline, the dashboard and the supply–demand board need a signed-in account of a suitable role (401 when signed out, 403 when the role or its scope does not allow it). Each operation's `x-audience` says who may call it: \"public\", \"signed_in\" (any account) or the roles allowed; GET /api/v1/access lists them all. Sign in with POST /api/v1/auth/login; send the returned CSRF token as X-CSRF-Token on every write.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
        },
        "paths": {},
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::COOKIE, "description": "the session cookie set by POST /api/v1/auth/login"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "the session's CSRF token (from login or GET /api/v1/auth/me), on every write"}
            },
            "schemas": {"Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string", "description": "stable machine code, e.g. invalid_resolution"},
                    "message": {"type": "string"},
                    "parameter": {"type": ["string", "null"], "description": "the parameter at fault"}
                }}}
            }}
        }
    })
}
