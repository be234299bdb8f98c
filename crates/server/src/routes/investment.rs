//! Investment work: ranked leads for officers and leadership, and the supply–demand board where officers and
//! enterprises post and every signed-in account reads.

use super::{get, patch, post, Body, Route, BAD_FIELD, LOOKUP, NOT_FOUND, POSTERS, READ, READERS, SIGNED_IN, XLSX};
use crate::openapi::{FILTERS, ITEM_ID, LEADS, MARKET_LIST, MARKET_MATCHES, MARKET_NODE, MARKET_POST};
use crate::{leads, market};
use axum::routing::on;

pub(super) const ROUTES: &[Route] = &[
    get("/api/v1/leads", READERS, |m| on(m, leads::leads))
        .doc(
            "investment leads (沿链引商)",
            "Outside enterprises on the chosen tiers, clusters, chains or nodes ranked by a weighted mean of gap, supply, \
             related, momentum, scale and affinity parts, each with its evidence; unknown parts are marked and take the \
             candidates' mean. Officer route.",
        )
        .params(&[FILTERS, LEADS])
        .json("ranked leads")
        .or(&[XLSX])
        .errors(READ),
    get("/api/v1/market/items", SIGNED_IN, |m| on(m, market::items))
        .doc("supply and demand board", "Posted supply and demand items, newest first.")
        .params(&[MARKET_LIST])
        .json("items")
        .errors(READ),
    post("/api/v1/market/items", POSTERS, |m| on(m, market::post))
        .doc(
            "post a supply or demand item",
            "JSON body: kind (supply|demand), poster, title, and optionally enterprise_id, description, node, quantity, \
             region_code, valid_until (YYYY-MM-DD). Unknown fields are refused.",
        )
        .body(Body::Json(MARKET_POST))
        .created(201, "the stored item")
        .errors(&[BAD_FIELD]),
    get("/api/v1/market/items/{id}", SIGNED_IN, |m| on(m, market::item))
        .doc("one supply or demand post", "The post with its node and region names.")
        .params(&[&[ITEM_ID]])
        .json("the post")
        .errors(LOOKUP),
    patch("/api/v1/market/items/{id}", POSTERS, |m| on(m, market::set_node))
        .doc(
            "correct a post's node",
            "JSON body: node (a node id, or null to let the post's words decide). Officers and administrators correct any \
             post; an enterprise account its own enterprise's.",
        )
        .params(&[&[ITEM_ID]])
        .body(Body::Json(MARKET_NODE))
        .json("the post")
        .errors(&[BAD_FIELD, NOT_FOUND]),
    get("/api/v1/market/items/{id}/matches", SIGNED_IN, |m| on(m, market::matches))
        .doc(
            "matches for an item",
            "Posts of the opposite kind and enterprises on adjacent nodes, ranked by node adjacency, text similarity and \
             distance, each with its reasons.",
        )
        .params(&[&[ITEM_ID], MARKET_MATCHES])
        .json("matches")
        .errors(LOOKUP),
];
