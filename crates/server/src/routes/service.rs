//! The enterprise-service loop (企业诉求): requests filed by enterprises and officers, routed to departments,
//! answered and rated; its figures; and the settings it runs on — the catalogue of categories and departments, the
//! working-day calendar and the policies (惠企政策), which anyone may read and administrators replace.

use super::{
    get, post, put, Body, Reply, Route, ADMIN, BAD_TEXT, LOOKUP, PIPELINE_READERS, POSTERS, PUBLIC, READ, READERS, SIGNED_IN, WRITE,
};
use crate::auth::Allow;
use crate::openapi::{
    CALENDAR_PUT, ENTERPRISE_ID, POLICY_ID, POLICY_MATCHES, SETTINGS_CHECK, SETTINGS_FORMAT, TICKET_ACTION, TICKET_ID, TICKET_LIST,
    TICKET_NEW, YEAR,
};
use crate::service;
use axum::routing::on;
use chainscope_model::Role::{Admin, Enterprise, Leader, Officer};

/// What replacing a settings file answers.
const STORED: &str = "what was stored (or, with check, what would change)";
/// The catalogue cannot drop a department that still holds open requests.
const DEPARTMENT_IN_USE: Reply =
    Reply { status: 409, description: "the catalogue would remove a department that still holds open requests" };

pub(super) const ROUTES: &[Route] = &[
    get("/api/v1/service/catalogue", PUBLIC, |m| on(m, service::catalogue))
        .doc("request categories, departments and routing rules", "")
        .params(&[SETTINGS_FORMAT])
        .json("the catalogue (JSON, or the TOML text with format=toml)")
        .or(&["application/toml"]),
    put("/api/v1/service/catalogue", ADMIN, |m| on(m, service::put_catalogue))
        .doc(
            "replace the catalogue (administrators)",
            "The body is the catalogue as TOML (the format of data/xuzhou-343/service_catalogue.toml: [[department]], \
             [[category]], [[rule]]); it is checked whole before it replaces the old one.",
        )
        .params(&[SETTINGS_CHECK])
        .body(Body::Toml)
        .created(200, STORED)
        .errors(&[BAD_TEXT, DEPARTMENT_IN_USE]),
    get("/api/v1/service/dashboard", PIPELINE_READERS, |m| on(m, service::dashboard))
        .doc(
            "service dashboard",
            "Open, overdue (escalated), time to accept (working hours) and to close (working days), returns, reopenings \
             and satisfaction, by department and by 板块, over the requests the caller may see.",
        )
        .json("figures")
        .errors(READ),
    get("/api/v1/tickets", SIGNED_IN, |m| on(m, service::list))
        .doc(
            "enterprise requests (企业诉求)",
            "The requests the caller may see: an enterprise its own, a department those it holds or held, an officer \
             those of their 板块, leaders and administrators all.",
        )
        .params(&[TICKET_LIST])
        .schema("Tickets", "requests")
        .errors(READ),
    post("/api/v1/tickets", POSTERS, |m| on(m, service::create))
        .doc(
            "file a request",
            "JSON body: category, description, and optionally region_code, enterprise_id (officers), attachments [{name, \
             size_bytes, mime}]. Routed at once by category × 板块.",
        )
        .body(Body::Json(TICKET_NEW))
        .created(201, "the request")
        .errors(WRITE),
    get("/api/v1/tickets/todo", SIGNED_IN, |m| on(m, service::todo))
        .doc(
            "requests waiting for me (待办)",
            "Counts of the requests waiting for the caller's step: accept and answer (the department holding it), \
             dispatch (an officer of its 板块 or an administrator, after filing or a return), rate (its enterprise), urge \
             (an officer, overdue) and supervise (a leader, overdue); with how many of them are overdue.",
        )
        .json("{total, overdue, steps: {accept, answer, dispatch, rate, urge, supervise}}")
        .errors(READ),
    get("/api/v1/tickets/{id}", SIGNED_IN, |m| on(m, service::get))
        .doc("one request", "The request with every step, its deadline in working days, overdue and escalation.")
        .params(&[&[TICKET_ID]])
        .json("the request")
        .errors(LOOKUP),
    // Which step a role may take is the handler's to decide (the department holding it, its enterprise …).
    post("/api/v1/tickets/{id}/actions", SIGNED_IN, |m| on(m, service::act))
        .doc(
            "a step of the request",
            "JSON body: version and action: accept, return (reason), extend (reason, days; once, before the deadline), \
             answer (text) by the department holding it; dispatch (department) by an officer after a return; rate \
             (rating, comment) by the enterprise — dissatisfied sends it back; urge or supervise (note). 422 for a step \
             not allowed now.",
        )
        .params(&[&[TICKET_ID]])
        .body(Body::Json(TICKET_ACTION))
        .created(200, "the request")
        .errors(WRITE),
    get("/api/v1/calendar", PUBLIC, |m| on(m, service::calendar))
        .doc("working-day calendar", "Holidays and make-up working days that deadlines count with.")
        .params(&[YEAR])
        .json("entries")
        .errors(READ),
    put("/api/v1/calendar", ADMIN, |m| on(m, service::put_calendar))
        .doc(
            "set a year's calendar (administrators)",
            "JSON body: {year, entries: [{date, kind: holiday|workday, name}]}; make-up working days must fall on a \
             weekend.",
        )
        .body(Body::Json(CALENDAR_PUT))
        .created(200, "the year's entries")
        .errors(WRITE),
    get("/api/v1/policies", PUBLIC, |m| on(m, service::policies))
        .doc(
            "policies (惠企政策)",
            "Each with machine-readable eligibility, benefit, validity and whether it is granted without an application \
             (免申即享).",
        )
        .params(&[SETTINGS_FORMAT])
        .json("policies (JSON, or the TOML text with format=toml)")
        .or(&["application/toml"]),
    put("/api/v1/policies", ADMIN, |m| on(m, service::put_policies))
        .doc(
            "replace the policies (administrators)",
            "The body is the policies as TOML (the format of data/xuzhou-343/policies.toml); checked whole, including that \
             every cluster and node named exists.",
        )
        .params(&[SETTINGS_CHECK])
        .body(Body::Toml)
        .created(200, STORED)
        .errors(&[BAD_TEXT]),
    get("/api/v1/policies/{id}/matches", READERS, |m| on(m, service::policy_matches))
        .doc(
            "enterprises matching a policy",
            "Eligible enterprises (免申即享 first), then those possibly eligible, each with the reason for every criterion: \
             met, failed or unknown.",
        )
        .params(&[&[POLICY_ID], POLICY_MATCHES])
        .json("matches")
        .errors(LOOKUP),
    // An enterprise's user reads the policies for its own enterprise (the handler checks which).
    get("/api/v1/enterprises/{id}/policies", Allow::Roles(&[Admin, Leader, Officer, Enterprise]), |m| on(m, service::enterprise_policies))
        .doc("policies for an enterprise", "Every policy in force with the reason for each criterion.")
        .params(&[&[ENTERPRISE_ID]])
        .json("matches")
        .errors(LOOKUP),
];
