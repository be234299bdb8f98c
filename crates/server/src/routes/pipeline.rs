//! The project pipeline (招商项目库): projects and their moves, events, annual targets, the leadership dashboard and
//! reports. Officers and administrators write; leadership reads; department staff read the projects whose checklist
//! items are their department's work.

use super::{get, patch, post, put, Body, Route, ADMIN, BAD_PARAMETER, LOOKUP, PIPELINE_READERS, READ, READERS, WRITE, WRITERS, XLSX};
use crate::auth::Allow;
use crate::openapi::{
    DASHBOARD, EVENT_ID, EVENT_NEW, PROJECT_EDIT, PROJECT_ID, PROJECT_LIST, PROJECT_MOVE, PROJECT_NEW, REPORT, TARGETS_PUT, VERSION, YEAR,
};
use crate::pipeline;
use axum::routing::on;
use chainscope_model::Role::{Admin, Department, Officer};

pub(super) const ROUTES: &[Route] = &[
    get("/api/v1/projects", PIPELINE_READERS, |m| on(m, pipeline::projects::list))
        .doc(
            "project pipeline (招商项目库)",
            "Projects with filters, counts and amounts by stage (the board), a page of summaries; format=xlsx downloads \
             every match.",
        )
        .params(&[PROJECT_LIST])
        .schema("ProjectPage", "{total, amount, stages, items}")
        .or(&[XLSX])
        .errors(READ),
    post("/api/v1/projects", WRITERS, |m| on(m, pipeline::projects::create))
        .doc(
            "create a project",
            "JSON body: name, region_code (responsible 板块) required; investor or investor_enterprise_id (from a lead), \
             cluster, node or other_category, park_id, amount, amount_paid (万元), jobs, channel, event_id, officer, \
             start_deadline, stage (default lead), date, by. Unknown fields are refused.",
        )
        .body(Body::Json(PROJECT_NEW))
        .created(201, "the project")
        .errors(WRITE),
    get("/api/v1/projects/{id}", PIPELINE_READERS, |m| on(m, pipeline::projects::get))
        .doc(
            "project page",
            "The project with its dated and attributed moves, change log, checklist (全兜办) with overdue items (each with \
             its department as the service catalogue knows it, department_id and department_en, and mine: whether it is \
             the signed-in department's work), what blocks 开工, documents, next steps and the moves allowed now.",
        )
        .params(&[&[PROJECT_ID]])
        .json("the project")
        .errors(LOOKUP),
    // Department staff edit the checklist items of their department (the handler checks which).
    patch("/api/v1/projects/{id}", Allow::Roles(&[Admin, Officer, Department]), |m| on(m, pipeline::projects::patch))
        .doc(
            "edit a project",
            "JSON body: version (the one you read, required) and any editable field, including checklist, documents and \
             next_steps as whole lists. A stale version gets 409 version_conflict; nothing is overwritten.",
        )
        .params(&[&[PROJECT_ID]])
        .body(Body::Json(PROJECT_EDIT))
        .created(200, "the project")
        .errors(WRITE),
    post("/api/v1/projects/{id}/moves", WRITERS, |m| on(m, pipeline::projects::move_stage))
        .doc(
            "move a project to another stage",
            "JSON body: version, to, and optionally date (default today), by, reason. Allowed: forward to the next stage \
             (接洽 and 注册 may be skipped), back to the previous stage, 终止 from any open stage, and reopening a dropped \
             project; back, drop and reopen need a reason. 422 for a move that is not allowed, 409 for a stale version.",
        )
        .params(&[&[PROJECT_ID]])
        .body(Body::Json(PROJECT_MOVE))
        .created(200, "the project")
        .errors(WRITE),
    get("/api/v1/projects/{id}/versions/{version}", READERS, |m| on(m, pipeline::projects::version))
        .doc("a project as one write left it", "Every write is kept: read any logged version.")
        .params(&[&[PROJECT_ID, VERSION]])
        .json("the project at that version")
        .errors(LOOKUP),
    get("/api/v1/events", READERS, |m| on(m, pipeline::events::events))
        .doc("events (活动)", "Matchmaking events and fairs with what was signed at each: count, 343 share, tier split, signing 板块.")
        .params(&[YEAR])
        .json("events")
        .errors(READ),
    post("/api/v1/events", WRITERS, |m| on(m, pipeline::events::create_event))
        .doc(
            "record an event",
            "JSON body: name_zh, date required; id, name_en, kind (fair|matchmaking|forum|visit|other), city, theme, \
             organiser, regions (participating 板块 codes).",
        )
        .body(Body::Json(EVENT_NEW))
        .created(201, "the event")
        .errors(WRITE),
    get("/api/v1/events/{id}", READERS, |m| on(m, pipeline::events::event))
        .doc("one event", "The event's statistics, computed from the projects attributed to it, and those projects.")
        .params(&[&[EVENT_ID]])
        .json("the event")
        .errors(LOOKUP),
    get("/api/v1/targets", READERS, |m| on(m, pipeline::targets::targets))
        .doc("annual targets", "Targets by year × scope (city, region, tier, cluster) × metric (projects, amount in 万元).")
        .params(&[YEAR])
        .json("targets")
        .errors(READ),
    put("/api/v1/targets", ADMIN, |m| on(m, pipeline::targets::put_targets))
        .doc(
            "set annual targets",
            "JSON body: {year, items: [{scope, key, metric, value}]}; a value of null removes that target; every row is \
             checked before any is stored, and all are written in one transaction.",
        )
        .body(Body::Json(TARGETS_PUT))
        .created(200, "write counts and the number removed")
        .errors(WRITE),
    get("/api/v1/dashboard", READERS, |m| on(m, pipeline::dashboard::dashboard))
        .doc(
            "leadership dashboard",
            "Signed projects against the annual task for the city, each 板块, tier and cluster; 343 share; month by month; \
             the 板块 league table with month-on-month change; size bands; stages; projects not started on time; overdue \
             checklist items; the year's events.",
        )
        .params(&[DASHBOARD])
        .json("the dashboard")
        .errors(READ),
    get("/api/v1/reports", READERS, |m| on(m, pipeline::reports::report))
        .doc(
            "monthly, quarterly or yearly report",
            "What was signed in the period and the year to date at its end; format=xlsx gives a workbook (summary, league, \
             tiers, clusters, months, projects, overdue) with the same figures.",
        )
        .params(&[REPORT])
        .json("the report (JSON, or XLSX with format=xlsx)")
        .or(&[XLSX])
        .errors(&[BAD_PARAMETER]),
];
