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
            json!({"description": "no such chain", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    }
    json!({"get": {"summary": summary, "description": description, "parameters": params(&params_list), "responses": responses}})
}

/// The whole document.
pub fn document() -> Value {
    let mut heat_params: Vec<&Param> = FILTERS.iter().collect();
    heat_params.extend(HEAT.iter());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Chainscope API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "产业链招商热力图 API / industry-chain investment heat map API. All routes under /api/v1 are public in this version.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
        },
        "paths": {
            "/api/v1/health": {"get": {"summary": "liveness", "responses": {"200": {"description": "ok"}}}},
            "/api/v1/stats": {"get": {"summary": "counts by kind, tier and cluster; yearly progress; event results", "responses": {"200": {"description": "statistics"}}}},
            "/api/v1/taxonomy": {"get": {"summary": "tiers, clusters, chains and nodes with supply edges", "responses": {"200": {"description": "the taxonomy"}}}},
            "/api/v1/heat": op("heat map", "Enterprises aggregated into H3 cells or administrative units under filters. Cells: {key, count, value}.", heat_params, "cells sorted by value", false),
            "/api/v1/chains/{id}/strength": op("chain strength", "Per node: local counts, location quotients against the reference area, local leaders, class (missing/weak/present/strong) and the rule.", { let mut v = vec![&CHAIN_ID]; v.extend(STRENGTH.iter()); v }, "chain strength", true),
            "/api/v1/chains/{id}/leaders": op("local chain leaders and their neighbour nodes", "For each local chain leader: upstream and downstream nodes with worldwide and local counts.", vec![&CHAIN_ID], "leaders", true),
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
