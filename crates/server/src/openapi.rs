//! The OpenAPI 3.1 description of the API, built from the same parameter tables the handlers validate against,
//! so the document cannot drift from what the server accepts. (Response bodies are engine types, which stay free
//! of HTTP-documentation derives; they are described here in words and by their main fields.)

use serde_json::{json, Value};

/// One query or path parameter.
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

fn op(summary: &str, description: &str, params_list: Vec<&Param>, ok: &str, not_found: bool) -> Value {
    let mut responses = json!({
        "200": {"description": ok, "content": {"application/json": {"schema": {"type": "object"}}}},
        "400": {"description": "a parameter is invalid; `error.parameter` names it", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    });
    if not_found {
        responses["404"] =
            json!({"description": "no such record", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    }
    json!({"get": {"summary": summary, "description": description, "parameters": params(&params_list), "responses": responses}})
}

/// A write operation with a JSON body, its success status and the errors writes give.
fn write_op(summary: &str, description: &str, ok: &str, ok_desc: &str, path_params: &[&Param]) -> Value {
    let err = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let with = |d: &str| {
        let mut e = err.clone();
        e["description"] = json!(d);
        e
    };
    let mut responses = json!({
        "400": with("a field is invalid; `error.parameter` names it"),
        "404": with("no such record"),
        "409": with("version conflict: someone changed the record since you read it (or it already exists)"),
        "422": with("a stage move that is not allowed"),
    });
    responses[ok] = json!({"description": ok_desc});
    let method = if summary.starts_with("edit") {
        "patch"
    } else if summary.starts_with("set") {
        "put"
    } else {
        "post"
    };
    let mut o = json!({"summary": summary, "description": description,
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": responses});
    if !path_params.is_empty() {
        o["parameters"] = params(path_params);
    }
    json!({method: o})[method].clone()
}

/// The pipeline's paths (projects, events, targets, dashboard, reports).
fn pipeline_paths() -> Value {
    json!({
            "/api/v1/projects": {
                "get": op("project pipeline (招商项目库)", "Projects with filters, counts and amounts by stage (the board), a page of summaries; format=xlsx downloads every match.", PROJECT_LIST.iter().collect(), "{total, amount, stages, items}", false)["get"].clone(),
                "post": write_op("create a project", "JSON body: name, region_code (responsible 板块) required; investor or investor_enterprise_id (from a lead), cluster, node or other_category, park_id, amount, amount_paid (万元), jobs, channel, event_id, officer, start_deadline, stage (default lead), date, by. Unknown fields are refused.", "201", "the project", &[]),
            },
            "/api/v1/projects/{id}": {
                "get": op("project page", "The project with its dated and attributed moves, change log, checklist (全兜办) with overdue items (each with its department as the service catalogue knows it, department_id and department_en, and mine: whether it is the signed-in department's work), what blocks 开工, documents, next steps and the moves allowed now.", vec![&PROJECT_ID], "the project", true)["get"].clone(),
                "patch": write_op("edit a project", "JSON body: version (the one you read, required) and any editable field, including checklist, documents and next_steps as whole lists. A stale version gets 409 version_conflict; nothing is overwritten.", "200", "the project", &[&PROJECT_ID]),
            },
            "/api/v1/projects/{id}/moves": {"post": write_op("move a project to another stage", "JSON body: version, to, and optionally date (default today), by, reason. Allowed: forward to the next stage (接洽 and 注册 may be skipped), back to the previous stage, 终止 from any open stage, and reopening a dropped project; back, drop and reopen need a reason. 422 for a move that is not allowed, 409 for a stale version.", "200", "the project", &[&PROJECT_ID])},
            "/api/v1/projects/{id}/versions/{version}": op("a project as one write left it", "Every write is kept: read any logged version.", vec![&PROJECT_ID, &VERSION], "the project at that version", true),
            "/api/v1/events": {
                "get": op("events (活动)", "Matchmaking events and fairs with what was signed at each: count, 343 share, tier split, signing 板块.", YEAR.iter().collect(), "events", false)["get"].clone(),
                "post": write_op("record an event", "JSON body: name_zh, date required; id, name_en, kind (fair|matchmaking|forum|visit|other), city, theme, organiser, regions (participating 板块 codes).", "201", "the event", &[]),
            },
            "/api/v1/events/{id}": op("one event", "The event's statistics, computed from the projects attributed to it, and those projects.", vec![&EVENT_ID], "the event", true),
            "/api/v1/targets": {
                "get": op("annual targets", "Targets by year × scope (city, region, tier, cluster) × metric (projects, amount in 万元).", YEAR.iter().collect(), "targets", false)["get"].clone(),
                "put": write_op("set annual targets", "JSON body: {year, items: [{scope, key, metric, value}]}; a value of null removes that target; every row is checked before any is stored, and all are written in one transaction.", "200", "write counts and the number removed", &[]),
            },
            "/api/v1/dashboard": op("leadership dashboard", "Signed projects against the annual task for the city, each 板块, tier and cluster; 343 share; month by month; the 板块 league table with month-on-month change; size bands; stages; projects not started on time; overdue checklist items; the year's events.", DASHBOARD.iter().collect(), "the dashboard", false),
            "/api/v1/reports": {"get": {"summary": "monthly, quarterly or yearly report", "description": "What was signed in the period and the year to date at its end; format=xlsx gives a workbook (summary, league, tiers, clusters, months, projects, overdue) with the same figures.", "parameters": params(&REPORT.iter().collect::<Vec<_>>()), "responses": {"200": {"description": "the report (JSON or XLSX)"}, "400": {"description": "a parameter is invalid; `error.parameter` names it", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}}
    })
}

/// Sign-in, accounts and the audit log.
fn account_paths() -> Value {
    let uid = Param { name: "id", location: "path", kind: "integer", required: true, description: "account id", values: &[] };
    let limit = [q("limit", "integer", "lines to return, 1–5000 (default 200)")];
    json!({
        "/api/v1/auth/login": {"post": write_op("sign in", "JSON body: username, password. Sets the session cookie (HttpOnly, Secure, SameSite=Strict) and returns the account and the CSRF token to send as X-CSRF-Token on every write. 401 wrong credentials, 423 locked after 5 failures (15 minutes), 429 too many attempts from one address.", "200", "the account and CSRF token", &[])},
        "/api/v1/auth/logout": {"post": write_op("sign out", "Ends this session.", "200", "ok", &[])},
        "/api/v1/auth/me": {"get": {"summary": "who is signed in", "description": "The signed-in account and its CSRF token, or {\"account\": null}.", "responses": {"200": {"description": "the account or null"}}}},
        "/api/v1/auth/password": {"post": write_op("change one's password", "JSON body: current, new (at least 10 characters with letters and digits). Other sessions of the account end.", "200", "the account", &[])},
        "/api/v1/auth/preferences": {
            "get": {"summary": "the signed-in account's saved settings", "description": "E.g. the lead weights chosen per preset; {} when none.", "responses": {"200": {"description": "a JSON object"}}},
            "put": write_op("set one's saved settings", "A JSON object of at most 16 KiB, replacing the saved one.", "200", "the settings", &[]),
        },
        "/api/v1/users": {
            "get": {"summary": "accounts (administrators)", "responses": {"200": {"description": "accounts"}}},
            "post": write_op("add an account (administrators)", "JSON body: username, role (admin|leader|officer|department|enterprise), regions (officers), department (department staff), enterprise_id (enterprise users), display_name. Returns a one-time password, once.", "201", "the account and its one-time password", &[]),
        },
        "/api/v1/users/{id}": {"patch": write_op("edit an account (administrators)", "JSON body: any of display_name, role, regions, department, enterprise_id, active.", "200", "the account", &[&uid])},
        "/api/v1/users/{id}/reset": {"post": write_op("reset a password (administrators)", "A new one-time password, returned once; unlocks the account and ends its sessions.", "200", "the account and its one-time password", &[&uid])},
        "/api/v1/audit": op("audit log (administrators)", "Logins, failures, lock-outs, account changes and every write, newest first.", limit.iter().collect(), "audit lines", false),
    })
}

/// A write whose body is TOML text.
fn toml_op(summary: &str, description: &str) -> Value {
    let check = q("check", "boolean", "true: check the text and report what it would change; nothing is stored");
    json!({"summary": summary, "description": description,
        "parameters": params(&[&check]),
        "requestBody": {"required": true, "content": {"application/toml": {"schema": {"type": "string"}}}},
        "responses": {"200": {"description": "what was stored (or, with check, what would change)"},
            "400": {"description": "the text is invalid; the message says where", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "409": {"description": "the catalogue would remove a department that still holds open requests", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}})
}

/// The enterprise-service loop, the working-day calendar and policies.
fn service_paths() -> Value {
    let tid = Param { name: "id", location: "path", kind: "string", required: true, description: "request id", values: &[] };
    let pid = Param { name: "id", location: "path", kind: "string", required: true, description: "policy id", values: &[] };
    let eid = Param { name: "id", location: "path", kind: "integer", required: true, description: "enterprise id", values: &[] };
    let list = [
        q_enum("state", "request state", &["filed", "dispatched", "returned", "working", "answered", "closed"]),
        q("department", "string", "department id"),
        q("region", "string", "板块 code"),
        q("overdue", "boolean", "only requests past their deadline"),
        q("todo", "boolean", "only requests waiting for the caller's step (each item's waiting_for names it)"),
    ];
    let year = [q("year", "integer", "only this year")];
    let fmt = q_enum("format", "json (default) or toml (the text administrators edit)", &["json", "toml"]);
    let matches = [q("limit", "integer", "1–2000 (default 100)"), q("local", "boolean", "only local enterprises (default true)")];
    json!({
        "/api/v1/service/catalogue": {
            "get": {"summary": "request categories, departments and routing rules", "parameters": params(&[&fmt]), "responses": {"200": {"description": "the catalogue (JSON, or the TOML text with format=toml)"}}},
            "put": toml_op("replace the catalogue (administrators)", "The body is the catalogue as TOML (the format of data/xuzhou-343/service_catalogue.toml: [[department]], [[category]], [[rule]]); it is checked whole before it replaces the old one."),
        },
        "/api/v1/service/dashboard": op("service dashboard", "Open, overdue (escalated), time to accept (working hours) and to close (working days), returns, reopenings and satisfaction, by department and by 板块, over the requests the caller may see.", vec![], "figures", false),
        "/api/v1/tickets": {
            "get": op("enterprise requests (企业诉求)", "The requests the caller may see: an enterprise its own, a department those it holds or held, an officer those of their 板块, leaders and administrators all.", list.iter().collect(), "requests", false)["get"].clone(),
            "post": write_op("file a request", "JSON body: category, description, and optionally region_code, enterprise_id (officers), attachments [{name, size_bytes, mime}]. Routed at once by category × 板块.", "201", "the request", &[]),
        },
        "/api/v1/tickets/todo": op("requests waiting for me (待办)", "Counts of the requests waiting for the caller's step: accept and answer (the department holding it), dispatch (an officer of its 板块 or an administrator, after filing or a return), rate (its enterprise), urge (an officer, overdue) and supervise (a leader, overdue); with how many of them are overdue.", vec![], "{total, overdue, steps: {accept, answer, dispatch, rate, urge, supervise}}", false),
        "/api/v1/tickets/{id}": op("one request", "The request with every step, its deadline in working days, overdue and escalation.", vec![&tid], "the request", true),
        "/api/v1/tickets/{id}/actions": {"post": write_op("a step of the request", "JSON body: version and action: accept, return (reason), extend (reason, days; once, before the deadline), answer (text) by the department holding it; dispatch (department) by an officer after a return; rate (rating, comment) by the enterprise — dissatisfied sends it back; urge or supervise (note). 422 for a step not allowed now.", "200", "the request", &[&tid])},
        "/api/v1/calendar": {
            "get": op("working-day calendar", "Holidays and make-up working days that deadlines count with.", year.iter().collect(), "entries", false)["get"].clone(),
            "put": write_op("set a year's calendar (administrators)", "JSON body: {year, entries: [{date, kind: holiday|workday, name}]}; make-up working days must fall on a weekend.", "200", "the year's entries", &[]),
        },
        "/api/v1/policies": {
            "get": {"summary": "policies (惠企政策)", "description": "Each with machine-readable eligibility, benefit, validity and whether it is granted without an application (免申即享).", "parameters": params(&[&fmt]), "responses": {"200": {"description": "policies (JSON, or the TOML text with format=toml)"}}},
            "put": toml_op("replace the policies (administrators)", "The body is the policies as TOML (the format of data/xuzhou-343/policies.toml); checked whole, including that every cluster and node named exists."),
        },
        "/api/v1/policies/{id}/matches": op("enterprises matching a policy", "Eligible enterprises (免申即享 first), then those possibly eligible, each with the reason for every criterion: met, failed or unknown.", { let mut v = vec![&pid]; v.extend(matches.iter()); v }, "matches", true),
        "/api/v1/enterprises/{id}/policies": op("policies for an enterprise", "Every policy in force with the reason for each criterion.", vec![&eid], "matches", true),
    })
}

/// The whole document.
pub fn document() -> Value {
    let mut doc = base_document();
    for more in [pipeline_paths(), account_paths(), service_paths()] {
        if let (Some(paths), Value::Object(more)) = (doc.get_mut("paths").and_then(Value::as_object_mut), more) {
            paths.extend(more);
        }
    }
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
    let mut heat_params: Vec<&Param> = FILTERS.iter().collect();
    heat_params.extend(HEAT.iter());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Chainscope API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "产业链招商热力图 API / industry-chain investment heat map API. The map, chains, parks and carriers are public; leads, the pipeline, the dashboard and the supply–demand board need a signed-in account of a suitable role (401 when signed out, 403 when the role or its scope does not allow it). Sign in with POST /api/v1/auth/login; send the returned CSRF token as X-CSRF-Token on every write.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
        },
        "paths": {
            "/api/v1/health": {"get": {"summary": "liveness", "responses": {"200": {"description": "ok"}}}},
            "/api/v1/stats": {"get": {"summary": "counts by kind, tier and cluster; yearly progress; event results", "responses": {"200": {"description": "statistics"}}}},
            "/api/v1/taxonomy": {"get": {"summary": "tiers, clusters, chains and nodes with supply edges", "responses": {"200": {"description": "the taxonomy"}}}},
            "/api/v1/heat": op("heat map", "Enterprises aggregated into H3 cells or administrative units under filters. Cells: {key, count, value}.", heat_params, "cells sorted by value", false),
            "/api/v1/chains/{id}/strength": op("chain strength", "Per node: local counts, location quotients against the reference area, local leaders, class (missing/weak/present/strong) and the rule.", { let mut v = vec![&CHAIN_ID]; v.extend(STRENGTH.iter()); v }, "chain strength", true),
            "/api/v1/chains/{id}/leaders": op("local chain leaders and their neighbour nodes", "For each local chain leader: upstream and downstream nodes with worldwide and local counts.", vec![&CHAIN_ID], "leaders", true),
            "/api/v1/enterprises": op("records behind a figure", "Enterprises passing the heat filters (and `cell`), largest first, a page at a time: {total, items}.", { let mut v: Vec<&Param> = FILTERS.iter().collect(); v.extend(LIST.iter()); v }, "a page of enterprise summaries", false),
            "/api/v1/enterprises/{id}": op("enterprise profile", "Identity, location, chain nodes, yearly figures, suppliers and customers. Personal fields are not served.", vec![&ENTERPRISE_ID], "the enterprise", true),
            "/api/v1/markers": op("map markers", "Enterprises in a map view clustered by H3 cell at the zoom's resolution; single ones carry id and name.", { let mut v: Vec<&Param> = FILTERS.iter().collect(); v.extend(MARKERS.iter()); v }, "markers", false),
            "/api/v1/parks": op("parks and carrier platforms", "Parks, standard factories, incubators, maker spaces, accelerators and offices with space and prices.", PARKS.iter().collect(), "parks", false),
            "/api/v1/parks/{id}": op("park profile", "A park with its carriers and resident enterprises by node.", vec![&PARK_ID], "the park", true),
            "/api/v1/hubs": {"get": {"summary": "logistics hubs", "responses": {"200": {"description": "hubs"}}}},
            "/api/v1/regions/{code}": op("region profile", "Hierarchy, enterprises by cluster and node, leaders, parks, projects by stage, new establishments per year.", vec![&REGION_CODE], "the region", true),
            "/api/v1/search": op("search", "Enterprises, parks, nodes, chains and places whose names contain the text (Chinese or English). Enterprises come best first: the whole name, names starting with the text, local firms, chain leaders, then by revenue and employees.", SEARCH.iter().collect(), "hits by kind", false),
            "/api/v1/complexity": op("relatedness and complexity", "RCA, presence, proximity, density, ECI, PCI, COI and COG over the region × node matrix at the chosen level (filters restrict nodes and enterprises), digested for the focus region.", { let mut v: Vec<&Param> = FILTERS.iter().collect(); v.extend(COMPLEXITY.iter()); v }, "digest for the focus region", false),
            "/api/v1/leads": op("investment leads (沿链引商)", "Outside enterprises on the chosen tiers, clusters, chains or nodes ranked by a weighted mean of gap, supply, related, momentum, scale and affinity parts, each with its evidence; unknown parts are marked and take the candidates' mean. Officer route.", { let mut v: Vec<&Param> = FILTERS.iter().collect(); v.extend(LEADS.iter()); v }, "ranked leads", false),
            "/api/v1/siteplan": op("site plan (最优方案)", "Parks and carrier platforms ranked for a project by cluster fit, chain partners nearby, space, cost, logistics and talent, each part with its evidence; sites without space are marked and never first.", SITEPLAN.iter().collect(), "ranked sites", false),
            "/api/v1/market/items": {
                "get": op("supply and demand board", "Posted supply and demand items, newest first.", MARKET_LIST.iter().collect(), "items", false)["get"].clone(),
                "post": {"summary": "post a supply or demand item", "description": "JSON body: kind (supply|demand), poster, title, and optionally enterprise_id, description, node, quantity, region_code, valid_until (YYYY-MM-DD). Unknown fields are refused.",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["kind", "poster", "title"]}}}},
                    "responses": {"201": {"description": "the stored item"}, "400": {"description": "a field is invalid; `error.parameter` names it", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
            },
            "/api/v1/market/items/{id}": op("one supply or demand post", "The post with its node and region names.", vec![&ITEM_ID], "the post", true),
            "/api/v1/market/items/{id}/matches": op("matches for an item", "Posts of the opposite kind and enterprises on adjacent nodes, ranked by node adjacency, text similarity and distance, each with its reasons.", { let mut v = vec![&ITEM_ID]; v.extend(MARKET_MATCHES.iter()); v }, "matches", true),
            "/api/v1/trends": op("yearly trends", "New establishments and cumulative counts per year for a node or every node of a chain.", TRENDS.iter().collect(), "series", false),
        },
        "components": {"schemas": {"Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string", "description": "stable machine code, e.g. invalid_resolution"},
                "message": {"type": "string"},
                "parameter": {"type": ["string", "null"], "description": "the parameter at fault"}
            }}}
        }}}
    })
}
