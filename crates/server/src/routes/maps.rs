//! The public side: liveness and statistics, the taxonomy, the heat map and its records, chains, parks, regions,
//! search, relatedness and site plans. Anyone may call these; personal fields are never in their answers.

use super::{get, Route, LOOKUP, PUBLIC, READ};
use crate::openapi::{
    CHAIN_ID, COMPLEXITY, ENTERPRISE_ID, FILTERS, HEAT, LIST, MARKERS, PARKS, PARK_ID, REGION_CODE, SEARCH, SITEPLAN, STRENGTH, TRENDS,
};
use crate::{api, records, siteplan};
use axum::routing::on;

pub(super) const ROUTES: &[Route] = &[
    get("/summary", PUBLIC, |m| on(m, crate::summary::index))
        .doc("summary page", "A bilingual HTML page with the counts by kind, tier and cluster.")
        .answers(200, "an HTML page")
        .or(&["text/html"]),
    get("/api/openapi.json", PUBLIC, |m| on(m, crate::openapi_json))
        .cached()
        .doc("this document", "The OpenAPI 3.1 description of the API, built from the server's route table.")
        .json("the OpenAPI document"),
    get("/api/v1/health", PUBLIC, |m| on(m, crate::summary::health))
        .doc("liveness", "")
        .json("status, version, data version and cache figures"),
    get("/api/v1/stats", PUBLIC, |m| on(m, crate::summary::stats))
        .cached()
        .doc("counts by kind, tier and cluster; yearly progress; event results", "")
        .json("statistics"),
    get("/api/v1/taxonomy", PUBLIC, |m| on(m, api::taxonomy))
        .cached()
        .doc("tiers, clusters, chains and nodes with supply edges", "")
        .json("the taxonomy"),
    get("/api/v1/heat", PUBLIC, |m| on(m, api::heat_map))
        .cached()
        .heavy()
        .doc("heat map", "Enterprises aggregated into H3 cells or administrative units under filters. Cells: {key, count, value}.")
        .params(&[FILTERS, HEAT])
        .schema("Heat", "cells sorted by value (csv and geojson downloads with format=)")
        .or(&["text/csv", "application/geo+json"])
        .errors(READ),
    get("/api/v1/chains/{id}/strength", PUBLIC, |m| on(m, api::strength))
        .cached()
        .doc(
            "chain strength",
            "Per node: local counts, location quotients against the reference area, local leaders, class \
             (missing/weak/present/strong) and the rule.",
        )
        .params(&[&[CHAIN_ID], STRENGTH])
        .json("chain strength")
        .errors(LOOKUP),
    get("/api/v1/chains/{id}/leaders", PUBLIC, |m| on(m, api::leaders))
        .cached()
        .doc(
            "local chain leaders and their neighbour nodes",
            "For each local chain leader: upstream and downstream nodes with worldwide and local counts.",
        )
        .params(&[&[CHAIN_ID]])
        .schema("Leaders", "one entry per local chain leader")
        .errors(LOOKUP),
    get("/api/v1/trends", PUBLIC, |m| on(m, api::trends))
        .cached()
        .doc("yearly trends", "New establishments and cumulative counts per year for a node or every node of a chain.")
        .params(&[TRENDS])
        .json("series")
        .errors(READ),
    get("/api/v1/enterprises", PUBLIC, |m| on(m, records::list))
        .cached()
        .heavy()
        .doc(
            "records behind a figure",
            "Enterprises passing the heat filters (and `cell`), largest first, a page at a time: {total, items}.",
        )
        .params(&[FILTERS, LIST])
        .schema("EnterprisePage", "a page of enterprise summaries")
        .errors(READ),
    get("/api/v1/enterprises/{id}", PUBLIC, |m| on(m, records::enterprise))
        .cached()
        .doc(
            "enterprise profile",
            "Identity, location, chain nodes, yearly figures, suppliers and customers. Personal fields are not served.",
        )
        .params(&[&[ENTERPRISE_ID]])
        .schema("Enterprise", "the enterprise")
        .errors(LOOKUP),
    get("/api/v1/markers", PUBLIC, |m| on(m, records::map_markers))
        .cached()
        .heavy()
        .doc("map markers", "Enterprises in a map view clustered by H3 cell at the zoom's resolution; single ones carry id and name.")
        .params(&[FILTERS, MARKERS])
        .json("markers")
        .errors(READ),
    get("/api/v1/parks", PUBLIC, |m| on(m, records::parks))
        .cached()
        .doc(
            "parks and carrier platforms",
            "Parks, standard factories, incubators, maker spaces, accelerators and offices with space and prices.",
        )
        .params(&[PARKS])
        .json("parks")
        .errors(READ),
    get("/api/v1/parks/{id}", PUBLIC, |m| on(m, records::park))
        .doc("park profile", "A park with its carriers and resident enterprises by node.")
        .params(&[&[PARK_ID]])
        .json("the park")
        .errors(LOOKUP),
    get("/api/v1/hubs", PUBLIC, |m| on(m, records::hubs)).cached().doc("logistics hubs", "").json("{total, items}"),
    get("/api/v1/regions/{code}", PUBLIC, |m| on(m, records::region))
        .cached()
        .doc(
            "region profile",
            "Hierarchy, enterprises by cluster and node, leaders, parks, projects by stage, new establishments per year.",
        )
        .params(&[&[REGION_CODE]])
        .json("the region")
        .errors(LOOKUP),
    get("/api/v1/search", PUBLIC, |m| on(m, records::search))
        .cached()
        .heavy()
        .doc(
            "search",
            "Enterprises, parks, nodes, chains and places whose names contain the text (Chinese or English). Enterprises \
             come best first: the whole name, names starting with the text, local firms, chain leaders, then by revenue and \
             employees.",
        )
        .params(&[SEARCH])
        .schema("Search", "hits by kind")
        .errors(READ),
    get("/api/v1/complexity", PUBLIC, |m| on(m, api::complexity))
        .cached()
        .heavy()
        .doc(
            "relatedness and complexity",
            "RCA, presence, proximity, density, ECI, PCI, COI and COG over the region × node matrix at the chosen level \
             (filters restrict nodes and enterprises), digested for the focus region.",
        )
        .params(&[FILTERS, COMPLEXITY])
        .json("digest for the focus region")
        .errors(READ),
    get("/api/v1/siteplan", PUBLIC, |m| on(m, siteplan::siteplan))
        .cached()
        .heavy()
        .doc(
            "site plan (最优方案)",
            "Parks and carrier platforms ranked for a project by cluster fit, chain partners nearby, space, cost, logistics \
             and talent, each part with its evidence; sites without space are marked and never first.",
        )
        .params(&[SITEPLAN])
        .json("ranked sites")
        .errors(READ),
];
