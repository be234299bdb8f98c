//! The OpenAPI 3.1 description of the API, built from the route table ([`crate::routes`]) and the parameter tables
//! below, which the handlers validate against: the document cannot drift from what the server routes and accepts. (Response bodies are engine types, which stay free
//! of HTTP-documentation derives; they are described here in words and by their main fields.)

use crate::auth::Allow;
use crate::routes::{self, Body, Route, Shape};
use serde_json::{json, Value};

/// One query or path parameter, or one field of a JSON request body: its name, type, whether it is required,
/// what it means, and the limits the handler enforces (allowed values, number range, text length, pattern).
#[derive(Debug)]
pub struct Param {
    pub name: &'static str,
    /// `query`, `path` or `body`.
    pub location: &'static str,
    /// The JSON Schema type: string, integer, number, boolean, array or object.
    pub kind: &'static str,
    pub required: bool,
    pub description: &'static str,
    pub values: &'static [&'static str],
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub max_len: Option<u32>,
    pub pattern: Option<&'static str>,
}

impl Param {
    const fn new(name: &'static str, location: &'static str, kind: &'static str, description: &'static str) -> Self {
        Param { name, location, kind, required: false, description, values: &[], min: None, max: None, max_len: None, pattern: None }
    }
    /// The parameter must be given.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    /// The values accepted.
    pub const fn values(mut self, values: &'static [&'static str]) -> Self {
        self.values = values;
        self
    }
    /// The smallest and largest number accepted.
    pub const fn range(mut self, min: f64, max: f64) -> Self {
        self.min = Some(min);
        self.max = Some(max);
        self
    }
    /// The smallest number accepted.
    pub const fn at_least(mut self, min: f64) -> Self {
        self.min = Some(min);
        self
    }
    /// The longest text accepted, in characters.
    pub const fn max_len(mut self, n: u32) -> Self {
        self.max_len = Some(n);
        self
    }
    /// A regular expression the text matches.
    pub const fn pattern(mut self, pattern: &'static str) -> Self {
        self.pattern = Some(pattern);
        self
    }

    /// The JSON Schema of the value.
    pub fn schema(&self) -> Value {
        let mut schema = json!({"type": self.kind});
        if !self.values.is_empty() {
            schema["enum"] = json!(self.values);
        }
        if let Some(v) = self.min {
            schema["minimum"] = number(v);
        }
        if let Some(v) = self.max {
            schema["maximum"] = number(v);
        }
        if let Some(n) = self.max_len {
            schema["maxLength"] = json!(n);
        }
        if let Some(p) = self.pattern {
            schema["pattern"] = json!(p);
        }
        schema
    }
}

/// A bound as JSON: an integer when it is one (so `minimum: 3`, not `3.0`).
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

const fn q(name: &'static str, kind: &'static str, description: &'static str) -> Param {
    Param::new(name, "query", kind, description)
}

const fn q_enum(name: &'static str, description: &'static str, values: &'static [&'static str]) -> Param {
    Param::new(name, "query", "string", description).values(values)
}

/// A path parameter (always required).
const fn path(name: &'static str, kind: &'static str, description: &'static str) -> Param {
    Param::new(name, "path", kind, description).required()
}

/// A field of a JSON request body.
pub const fn field(name: &'static str, kind: &'static str, description: &'static str) -> Param {
    Param::new(name, "body", kind, description)
}

/// Filters shared by the heat endpoint (names equal `api::FILTER_PARAMS`).
pub const FILTERS: &[Param] = &[
    q("tier", "string", "层级 tier ids, comma-separated"),
    q("cluster", "string", "集群 cluster ids, comma-separated"),
    q("chain", "string", "产业链 chain ids, comma-separated"),
    q("node", "string", "环节 node ids, comma-separated"),
    q("region", "string", "only enterprises inside this region (GB/T 2260 code, zone code or ISO 3166 country)"),
    q("local", "boolean", "true: only local enterprises; false: only non-local ones"),
    q("employees_min", "integer", "minimum employees (inclusive)").at_least(0.0),
    q("employees_max", "integer", "maximum employees (inclusive)").at_least(0.0),
    q("founded_from", "integer", "founded in or after this year"),
    q("founded_to", "integer", "founded in or before this year"),
    q("flags", "string", "flags that must all be set: chain_leader, listed, srdi, high_tech (comma-separated)"),
    q("synthetic", "boolean", "true: only synthetic (demo) records; false: only real ones"),
    q("cell", "string", "only enterprises inside this H3 cell (hex index, resolution 3–12), e.g. a heat cell's key"),
];

pub const HEAT: &[Param] = &[
    q_enum("group", "h3 cells or administrative units (default h3)", &["h3", "admin"]),
    q("res", "integer", "H3 resolution 3–9 (default 7)").range(3.0, 9.0),
    q_enum("level", "administrative level for group=admin (default county)", &["country", "province", "prefecture", "county"]),
    q_enum("weight", "what each enterprise adds (default count)", &["count", "revenue", "employees", "capital"]),
    q_enum("format", "json (default), csv for download, geojson (H3 only)", &["json", "csv", "geojson"]),
];

pub const CHAIN_ID: Param = path("id", "string", "chain id, e.g. cm");
pub const STRENGTH: &[Param] =
    &[q_enum("reference", "area the home city is compared with (default country)", &["province", "country", "world"])];
pub const TRENDS: &[Param] = &[
    q("node", "string", "a node id (give node or chain)"),
    q("chain", "string", "a chain id: one series per node"),
    q("region", "string", "only enterprises inside this region"),
    q("from", "integer", "first year (default 2010)").range(0.0, 65535.0),
    q("to", "integer", "last year (default 2025)").range(0.0, 65535.0),
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
        "weight preset (default gap_filling 补链; strengthening 强链; big_anchors 招大引强; learned: fitted on the city's past \
         arrivals, or big_anchors when there are fewer than 20)",
        &["gap_filling", "strengthening", "big_anchors", "learned"],
    ),
    q("w_gap", "number", "weight of the gap part (0–100), overrides the preset"),
    q("w_supply", "number", "weight of supply links to local leaders (0–100)"),
    q("w_related", "number", "weight of relatedness (density) (0–100)"),
    q("w_momentum", "number", "weight of momentum (growth, recent expansions) (0–100)"),
    q("w_scale", "number", "weight of scale (0–100)"),
    q("w_affinity", "number", "weight of nearness (0–100)"),
    q("include_marked", "boolean", "keep enterprises already in the pipeline or declining, marked"),
    q("limit", "integer", "list length 1–10000 (default 50)").range(1.0, 10000.0),
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
    q("limit", "integer", "sites to return, 1–500 (default 20)").range(1.0, 500.0),
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
    q("signed_from", "string", "signed on or after (YYYY-MM-DD)").pattern(DATE),
    q("signed_to", "string", "signed on or before (YYYY-MM-DD)").pattern(DATE),
    q("overdue", "boolean", "true: only projects not started past their deadline or with overdue checklist items"),
    q("mine", "boolean", "true: for an officer, only the projects of their own 板块"),
    q("tasks_of", "string", "only projects with open 全兜办 checklist items of this department (catalogue id or name); each item then carries tasks_of {open, overdue}, and the answer the sums over every row"),
    q("stage_on", "string", "apply the stage filter to the stage on this day (YYYY-MM-DD), as the dashboard's stage counts").pattern(DATE),
    q("reached", "string", "only projects that reached this stage (started, producing, dropped …) between reached_from and reached_to"),
    q("reached_from", "string", "see reached (YYYY-MM-DD)").pattern(DATE),
    q("reached_to", "string", "see reached (YYYY-MM-DD)").pattern(DATE),
    q_enum("sort", "order (default recent: latest move first)", &["recent", "amount", "signed", "name"]),
    q("limit", "integer", "page size 1–10000 (default 50)").range(1.0, 10000.0),
    q("offset", "integer", "rows to skip (default 0)").at_least(0.0),
    q_enum("format", "json (default) or xlsx (every matching project, and a second sheet with every stage move: date, by whom, why)", &["json", "xlsx"]),
];
pub const YEAR: &[Param] = &[q("year", "integer", "only this year")];
pub const DASHBOARD: &[Param] = &[
    q("year", "integer", "the year (default: the year of the latest recorded move)").range(1990.0, 2100.0),
    q("month", "string", "count through the end of this month (YYYY-MM)").pattern(MONTH),
    q("through", "string", "count through this day (YYYY-MM-DD); default the latest recorded move, or 31 December of a past year")
        .pattern(DATE),
];
pub const REPORT: &[Param] = &[
    q("period", "string", "a month (2022-09), a quarter (2022-Q3) or a year (2022); required"),
    q_enum("format", "json (default) or xlsx", &["json", "xlsx"]),
];
pub const PROJECT_ID: Param = path("id", "string", "project id");
pub const EVENT_ID: Param = path("id", "string", "event id");
pub const VERSION: Param = path("version", "integer", "a logged version");

pub const MARKET_LIST: &[Param] = &[
    q_enum("kind", "supply (供给) or demand (需求); default both", &["supply", "demand"]),
    q("node", "string", "only items on these nodes (comma-separated)"),
    q("active", "boolean", "only items still valid (default true)"),
];
pub const MARKET_MATCHES: &[Param] = &[q("limit", "integer", "matches to return, 1–200 (default 20)").range(1.0, 200.0)];
pub const ITEM_ID: Param = path("id", "integer", "item id");
pub const LIST: &[Param] = &[
    q_enum("sort", "largest first by (default revenue); founded: newest first", &["revenue", "employees", "capital", "founded"]),
    q("limit", "integer", "page size 1–500 (default 50)").range(1.0, 500.0),
    q("offset", "integer", "rows to skip (default 0)").at_least(0.0),
    q("park", "string", "only the park's residents (enterprises within its radius, as its profile counts them)"),
];
pub const MARKERS: &[Param] = &[
    q("bbox", "string", "map view: west,south,east,north in degrees").required(),
    q("zoom", "number", "web-map zoom 0–22 (default 10); sets the clustering resolution").range(0.0, 22.0),
    q("limit", "integer", "at most this many markers, the heaviest (default 2000, up to 10000)").range(1.0, 10000.0),
];
pub const PARKS: &[Param] = &[
    q("kind", "string", "park, standard_factory, incubator, maker_space, accelerator, office (comma-separated)"),
    q("region", "string", "only parks inside this region"),
    q("has_space", "boolean", "true: only those with land or floor space available now"),
];
pub const SEARCH: &[Param] = &[
    q("q", "string", "text contained in a Chinese or English name (up to 100 characters)").required().max_len(100),
    q("limit", "integer", "at most this many hits per kind, 1–200 (default 20)").range(1.0, 200.0),
];
pub const ENTERPRISE_ID: Param = path("id", "integer", "enterprise id (from lists and search)");
pub const PARK_ID: Param = path("id", "string", "park id");
pub const REGION_CODE: Param =
    path("code", "string", "GB/T 2260 code (retired codes resolve to their successor), zone code or ISO 3166 country");

pub const TICKET_LIST: &[Param] = &[
    q_enum("state", "request state", &["filed", "dispatched", "returned", "working", "answered", "closed"]),
    q("department", "string", "department id"),
    q("region", "string", "板块 code"),
    q("overdue", "boolean", "only requests past their deadline"),
    q("todo", "boolean", "only requests waiting for the caller's step (each item's waiting_for names it)"),
];
pub const TICKET_ID: Param = path("id", "string", "request id");
/// Reading a settings file (the service catalogue, the policies) as JSON or as the TOML text.
pub const SETTINGS_FORMAT: &[Param] = &[q_enum("format", "json (default) or toml (the text administrators edit)", &["json", "toml"])];
/// Replacing a settings file, or only checking it.
pub const SETTINGS_CHECK: &[Param] = &[q("check", "boolean", "true: check the text and report what it would change; nothing is stored")];
pub const POLICY_ID: Param = path("id", "string", "policy id");
pub const POLICY_MATCHES: &[Param] =
    &[q("limit", "integer", "1–2000 (default 100)").range(1.0, 2000.0), q("local", "boolean", "only local enterprises (default true)")];
pub const USER_ID: Param = path("id", "integer", "account id");
pub const AUDIT: &[Param] = &[q("limit", "integer", "lines to return, 1–5000 (default 200)").range(1.0, 5000.0)];

/// A day, `YYYY-MM-DD`.
const DATE: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
/// A month, `YYYY-MM`.
const MONTH: &str = "^[0-9]{4}-[0-9]{2}$";

// The fields of each JSON request body, with the limits the handler checks. A handler refuses any other field
// (`unknown_field`); `crates/server/tests/bodies.rs` sends each documented field and an undocumented one to every
// write, so that this list and the handler's cannot drift apart.

/// The stages of a project, as the pipeline names them.
const STAGES: &[&str] = &["lead", "contact", "negotiating", "signed", "registered", "started", "producing", "dropped"];
/// The fields of a project both creating and editing take.
macro_rules! project_fields {
    ($($extra:expr),* $(,)?) => {
        &[
            $($extra,)*
            field("name", "string", "project name").max_len(200),
            field("investor", "string", "investor's name").max_len(200),
            field("region_code", "string", "responsible 板块 (a region code)").max_len(20),
            field("cluster", "string", "cluster id (or give node, or other_category)").max_len(60),
            field("node", "string", "chain node id; sets the cluster").max_len(60),
            field("other_category", "string", "category of a project outside the cluster system").max_len(60),
            field("park_id", "string", "the park it settles in").max_len(60),
            field("amount", "number", "agreed investment, 万元").range(0.0, 1e8),
            field("amount_paid", "number", "paid in so far, 万元 (at most the amount)").range(0.0, 1e8),
            field("jobs", "integer", "jobs planned").range(0.0, 1_000_000.0),
            field("channel", "string", "how the lead came").max_len(30),
            field("event_id", "string", "the event it is attributed to").max_len(60),
            field("officer", "string", "the officer in charge").max_len(60),
            field("start_deadline", "string", "agreed start of works (YYYY-MM-DD)").pattern(DATE),
            field("checklist", "array", "全兜办 checklist items, the whole list"),
            field("documents", "array", "documents, the whole list"),
            field("next_steps", "array", "next steps, the whole list"),
        ]
    };
}
pub const PROJECT_NEW: &[Param] = project_fields![
    field("id", "string", "project id (letters, digits, - and _; default one is made)").max_len(60),
    field("investor_enterprise_id", "integer", "the investor as an enterprise of the data (from a lead)"),
    field("stage", "string", "the stage it enters at (default lead; not dropped)").values(STAGES),
    field("date", "string", "the day it entered that stage (YYYY-MM-DD, default today)").pattern(DATE),
    field("by", "string", "who recorded it").max_len(60),
    field("source", "string", "where the record comes from").max_len(200),
];
pub const PROJECT_EDIT: &[Param] =
    project_fields![field("version", "integer", "the version you read; a stale one is a 409").required().at_least(0.0)];
pub const PROJECT_MOVE: &[Param] = &[
    field("version", "integer", "the version you read").required().at_least(0.0),
    field("to", "string", "the stage to move to").required().values(STAGES),
    field("date", "string", "the day of the move (YYYY-MM-DD, default today)").pattern(DATE),
    field("by", "string", "who moved it").max_len(60),
    field("reason", "string", "why (needed for back, drop and reopen)").max_len(500),
];
pub const EVENT_NEW: &[Param] = &[
    field("id", "string", "event id (default one is made)").max_len(60),
    field("name_zh", "string", "Chinese name").required().max_len(200),
    field("name_en", "string", "English name").max_len(200),
    field("kind", "string", "kind of event (default matchmaking)").values(&["fair", "matchmaking", "forum", "visit", "other"]),
    field("date", "string", "the day (YYYY-MM-DD)").required().pattern(DATE),
    field("city", "string", "where").max_len(60),
    field("theme", "string", "theme").max_len(200),
    field("organiser", "string", "organiser").max_len(200),
    field("regions", "array", "participating 板块 codes"),
];
pub const TARGETS_PUT: &[Param] = &[
    field("year", "integer", "the year").required().range(1990.0, 2100.0),
    field("items", "array", "[{scope: city|region|tier|cluster, key, metric: projects|amount, value (null removes)}]"),
];
pub const MARKET_POST: &[Param] = &[
    field("kind", "string", "supply (供给) or demand (需求)").required().values(&["supply", "demand"]),
    field("poster", "string", "who posts").required(),
    field("enterprise_id", "integer", "the poster's enterprise"),
    field("title", "string", "title").required(),
    field("description", "string", "what is offered or needed"),
    field("node", "string", "chain node id"),
    field("quantity", "string", "quantity, in words"),
    field("region_code", "string", "region code"),
    field("valid_until", "string", "valid until (YYYY-MM-DD)").pattern(DATE),
];
pub const MARKET_NODE: &[Param] = &[field("node", "string", "chain node id, or null to infer it from the post's words").required()];
pub const TICKET_NEW: &[Param] = &[
    field("category", "string", "request category (from the catalogue)").required().max_len(60),
    field("description", "string", "what the enterprise needs").required().max_len(4000),
    field("region_code", "string", "板块 code (default the enterprise's)").max_len(20),
    field("enterprise_id", "integer", "the enterprise (officers filing for one)"),
    field("attachments", "array", "[{name, size_bytes, mime}]"),
];
pub const TICKET_ACTION: &[Param] = &[
    field("version", "integer", "the version you read").required().at_least(0.0),
    field("action", "string", "the step").required().values(&[
        "accept",
        "return",
        "extend",
        "answer",
        "dispatch",
        "rate",
        "urge",
        "supervise",
    ]),
    field("reason", "string", "why (return, extend)").max_len(500),
    field("days", "integer", "days more (extend)").range(1.0, 30.0),
    field("text", "string", "the answer (answer)").max_len(4000),
    field("rating", "string", "the rating (rate)").values(&["satisfied", "basically_satisfied", "dissatisfied"]),
    field("comment", "string", "a comment (rate)").max_len(1000),
    field("department", "string", "the department to send it to (dispatch)").max_len(60),
    field("note", "string", "a note (urge, supervise)").max_len(500),
];
pub const CALENDAR_PUT: &[Param] = &[
    field("year", "integer", "the year").required().range(2000.0, 2100.0),
    field("entries", "array", "[{date (YYYY-MM-DD), kind: holiday|workday, name}]"),
];
pub const LOGIN: &[Param] = &[field("username", "string", "user name").required(), field("password", "string", "password").required()];
pub const PASSWORD_CHANGE: &[Param] = &[
    field("current", "string", "the current password").required(),
    field("new", "string", "the new password: at least 10 characters with letters and digits").required(),
];
/// The roles of accounts.
const ROLES: &[&str] = &["admin", "leader", "officer", "department", "enterprise"];
pub const USER_NEW: &[Param] = &[
    field("username", "string", "user name").required(),
    field("role", "string", "role").required().values(ROLES),
    field("display_name", "string", "name shown"),
    field("regions", "array", "板块 codes (officers)"),
    field("department", "string", "department (department staff)"),
    field("enterprise_id", "integer", "enterprise (enterprise users)"),
    field("active", "boolean", "false: the account is created unable to sign in"),
];
pub const USER_EDIT: &[Param] = &[
    field("display_name", "string", "name shown"),
    field("role", "string", "role").values(ROLES),
    field("regions", "array", "板块 codes (officers)"),
    field("department", "string", "department (department staff)"),
    field("enterprise_id", "integer", "enterprise (enterprise users)"),
    field("active", "boolean", "false: the account cannot sign in and its sessions end"),
];

fn params(list: &[&Param]) -> Value {
    Value::Array(
        list.iter()
            .map(|p| json!({"name": p.name, "in": p.location, "required": p.required, "description": p.description, "schema": p.schema()}))
            .collect(),
    )
}

/// A response in the shape of every error answer.
fn error_reply(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The schema of a JSON body of exactly these fields.
pub fn body_schema(fields: &[Param]) -> Value {
    let mut properties = serde_json::Map::new();
    for f in fields {
        let mut schema = f.schema();
        schema["description"] = json!(f.description);
        properties.insert(f.name.to_string(), schema);
    }
    let mut schema = json!({"type": "object", "properties": properties, "additionalProperties": false});
    let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name).collect();
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    if fields.is_empty() {
        schema["maxProperties"] = json!(0);
    }
    schema
}

/// The statuses every operation of a kind can give besides its own, with their meaning: added to each operation
/// from what the route table says of it (its audience, whether it writes, whether it is heavy).
fn common_replies(r: &Route) -> Vec<(u16, &'static str)> {
    let mut out = Vec::new();
    if !r.doc.params.is_empty() || r.doc.body.is_some() {
        out.push((400, "a parameter or field is invalid; `error.parameter` names it"));
    }
    if r.audience != Allow::Public {
        out.push((401, "not signed in (`login_required`)"));
        out.push((
            403,
            match r.audience {
                Allow::Roles(_) => {
                    "the account's role is not in `x-audience` (`forbidden`), the record is outside the caller's scope \
                     (`outside_scope`), a one-time password is still to be changed (`password_change_required`), or a \
                     write lacks the session's CSRF token (`csrf_failed`)"
                }
                _ => {
                    "a one-time password is still to be changed (`password_change_required`), the record is outside the \
                     caller's scope (`outside_scope`), or a write lacks the session's CSRF token (`csrf_failed`)"
                }
            },
        ));
    }
    out.push((408, "the request was not received or answered in time (`request_timeout`)"));
    if r.verb.writes() {
        out.push((413, "the request body is too large (`body_too_large`)"));
    }
    if r.heavy {
        out.push((429, "too many requests from this address or account (`too_many_requests`); `Retry-After` says when to try again"));
    }
    if r.path.starts_with("/api/v1/") {
        out.push((503, "a store or setting this server was started without, or the store is busy; try again later"));
    }
    out
}

/// The success answer's content.
fn ok_content(r: &Route) -> Option<Value> {
    let d = &r.doc;
    let schema = match d.ok_shape {
        Shape::None => None,
        Shape::Object => Some(json!({"type": "object"})),
        Shape::Array => Some(json!({"type": "array"})),
        Shape::Schema(name) => Some(json!({"$ref": format!("#/components/schemas/{name}")})),
    };
    let mut content = serde_json::Map::new();
    if let Some(schema) = schema {
        content.insert("application/json".into(), json!({"schema": schema}));
    }
    for media in d.ok_other {
        let schema = if media.starts_with("text/") || media.ends_with("toml") { json!({"type": "string"}) } else { json!({}) };
        content.insert((*media).into(), json!({"schema": schema}));
    }
    (!content.is_empty()).then_some(Value::Object(content))
}

/// One operation of the document, from its entry in the route table.
fn operation(r: &Route) -> Value {
    let d = &r.doc;
    let mut op = json!({"summary": d.summary, "x-audience": routes::audience_json(r.audience)});
    if !d.description.is_empty() {
        op["description"] = json!(d.description);
    }
    if r.heavy {
        op["x-rate-limited"] = json!(true);
    }
    let list: Vec<&Param> = d.params.iter().flat_map(|table| table.iter()).collect();
    if !list.is_empty() {
        op["parameters"] = params(&list);
    }
    match d.body {
        Some(Body::Json(fields)) => {
            op["requestBody"] = json!({"required": !fields.is_empty(), "content": {"application/json": {"schema": body_schema(fields)}}});
        }
        Some(Body::AnyObject) => {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object"}}}});
        }
        Some(Body::Toml) => {
            // The handler reads the text whatever the content type says.
            let text = json!({"schema": {"type": "string"}});
            op["requestBody"] = json!({"required": true, "content": {"application/toml": text, "text/plain": text}});
        }
        None => {}
    }
    let mut responses = serde_json::Map::new();
    let mut ok = json!({"description": d.ok.description});
    if let Some(content) = ok_content(r) {
        ok["content"] = content;
    }
    responses.insert(d.ok.status.to_string(), ok);
    for e in d.errors {
        responses.insert(e.status.to_string(), error_reply(e.description));
    }
    for (status, description) in common_replies(r) {
        responses.entry(status.to_string()).or_insert_with(|| error_reply(description));
    }
    if r.audience != Allow::Public {
        let schemes = if r.verb.writes() { json!([{"session": [], "csrf": []}]) } else { json!([{"session": []}]) };
        op["security"] = schemes;
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
            "schemas": {
                "Heat": answers::heat(),
                "Leaders": answers::leaders(),
                "EnterpriseSummary": answers::enterprise_summary(),
                "EnterprisePage": answers::enterprise_page(),
                "Enterprise": answers::enterprise(),
                "Search": answers::search(),
                "ProjectPage": answers::project_page(),
                "Tickets": answers::tickets(),
                "Error": {
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

/// The schemas of the answers whose shape is stable: their main properties with types. Answers may carry more
/// properties than these; the ones named are always there.
mod answers {
    use serde_json::{json, Value};

    /// An object with these required properties (each a schema).
    fn object(props: Value) -> Value {
        let required: Vec<String> = props.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        json!({"type": "object", "required": required, "properties": props})
    }
    fn list(items: Value) -> Value {
        json!({"type": "array", "items": items})
    }
    fn t(kind: &str) -> Value {
        json!({"type": kind})
    }
    fn maybe(kind: &str) -> Value {
        json!({"type": [kind, "null"]})
    }

    pub fn heat() -> Value {
        object(json!({
            "cells": list(object(json!({"key": t("string"), "count": t("integer"), "value": t("number")}))),
            "group": t("object"),
            "weight": t("string"),
        }))
    }

    pub fn leaders() -> Value {
        let neighbour = object(json!({"node": t("string"), "chain": t("string"), "count": t("integer"), "local": t("integer")}));
        list(object(json!({
            "row": t("integer"),
            "nodes": list(t("string")),
            "upstream": list(neighbour.clone()),
            "downstream": list(neighbour),
            "upstream_enterprises": t("integer"),
            "downstream_enterprises": t("integer"),
            "upstream_local": t("integer"),
            "downstream_local": t("integer"),
        })))
    }

    pub fn enterprise_summary() -> Value {
        object(json!({
            "id": t("integer"),
            "name": t("string"),
            "name_en": maybe("string"),
            "country": t("string"),
            "lat": t("number"),
            "lon": t("number"),
            "revenue": maybe("number"),
            "employees": maybe("integer"),
            "flags": t("object"),
            "nodes": t("array"),
            "region": t("object"),
            "synthetic": t("boolean"),
        }))
    }

    pub fn enterprise_page() -> Value {
        object(json!({
            "total": t("integer"),
            "offset": t("integer"),
            "limit": t("integer"),
            "sort": t("string"),
            "items": list(json!({"$ref": "#/components/schemas/EnterpriseSummary"})),
        }))
    }

    pub fn enterprise() -> Value {
        object(json!({
            "id": t("integer"),
            "name": t("string"),
            "name_en": maybe("string"),
            "uscc": maybe("string"),
            "country": t("string"),
            "lat": t("number"),
            "lon": t("number"),
            "revenue": maybe("number"),
            "employees": maybe("integer"),
            "flags": t("object"),
            "region": t("object"),
            "region_path": t("array"),
            "memberships": t("array"),
            "series": t("array"),
            "suppliers": t("array"),
            "customers": t("array"),
            "provenance": t("object"),
            "synthetic": t("boolean"),
        }))
    }

    pub fn search() -> Value {
        object(json!({
            "q": t("string"),
            "enterprises": list(json!({"$ref": "#/components/schemas/EnterpriseSummary"})),
            "parks": t("array"),
            "nodes": t("array"),
            "chains": t("array"),
            "places": t("array"),
        }))
    }

    pub fn project_page() -> Value {
        object(json!({
            "total": t("integer"),
            "amount": t("number"),
            "offset": t("integer"),
            "limit": t("integer"),
            "stages": list(object(json!({"stage": t("string"), "count": t("integer"), "amount": t("number")}))),
            "items": list(object(json!({
                "id": t("string"),
                "name": t("string"),
                "stage": t("string"),
                "version": t("integer"),
                "region": t("object"),
                "amount": maybe("number"),
                "synthetic": t("boolean"),
            }))),
        }))
    }

    pub fn tickets() -> Value {
        object(json!({"total": t("integer"), "items": list(t("object"))}))
    }
}
