//! Signing in and out, one's own password and saved settings, the accounts administrators keep, the audit log,
//! and the table of who may call what (which the web app reads to show each role its views).

use super::{get, patch, post, put, Body, Reply, Route, ADMIN, BAD_FIELD, PUBLIC, READ, SIGNED_IN, WRITE};
use crate::auth;
use crate::openapi::{AUDIT, LOGIN, PASSWORD_CHANGE, USER_EDIT, USER_ID, USER_NEW};
use axum::routing::on;

/// What signing in can answer besides success.
const LOGIN_ERRORS: &[Reply] = &[
    BAD_FIELD,
    Reply { status: 401, description: "wrong username or password (`bad_credentials`)" },
    Reply { status: 403, description: "a sign-in posted from another site (`cross_origin`)" },
    Reply {
        status: 429,
        description: "too many attempts from this address, or 5 wrong passwords for this name from this address (held 15 \
                      minutes, for that address only, whether the name exists or not); `Retry-After` says when to try again",
    },
];

pub(super) const ROUTES: &[Route] = &[
    get("/api/v1/access", PUBLIC, |m| on(m, super::access_json))
        .doc(
            "who may call what",
            "The roles (`roles`) and, for every route (`routes`: method, path), its audience: \"public\", \"signed_in\" or \
             the list of roles allowed. The web app shows each role the views and navigation entries it may use from this.",
        )
        .json("{roles, routes: [{method, path, audience}]}"),
    post("/api/v1/auth/login", PUBLIC, |m| on(m, auth::login))
        .doc(
            "sign in",
            "JSON body: username, password. Sets the session cookie (HttpOnly, Secure, SameSite=Strict) and returns the \
             account and the CSRF token to send as X-CSRF-Token on every write. 401 wrong credentials (the same for an \
             unknown name); 429 after 5 wrong passwords for the name from this address (held 15 minutes for this \
             address only) or too many attempts from it, with Retry-After.",
        )
        .body(Body::Json(LOGIN))
        .created(200, "the account and CSRF token")
        .errors(LOGIN_ERRORS),
    post("/api/v1/auth/logout", SIGNED_IN, |m| on(m, auth::logout))
        .doc("sign out", "Ends this session.")
        .body(Body::Json(&[]))
        .created(200, "ok")
        .errors(WRITE),
    get("/api/v1/auth/me", PUBLIC, |m| on(m, auth::me))
        .doc("who is signed in", "The signed-in account and its CSRF token, or {\"account\": null}.")
        .json("the account or null"),
    post("/api/v1/auth/password", SIGNED_IN, |m| on(m, auth::change_password))
        .doc(
            "change one's password",
            "JSON body: current, new (at least 10 characters with letters and digits). Other sessions of the account end.",
        )
        .body(Body::Json(PASSWORD_CHANGE))
        .created(200, "the account")
        .errors(WRITE),
    get("/api/v1/auth/preferences", SIGNED_IN, |m| on(m, auth::preferences))
        .doc("the signed-in account's saved settings", "E.g. the lead weights chosen per preset; {} when none.")
        .json("a JSON object"),
    put("/api/v1/auth/preferences", SIGNED_IN, |m| on(m, auth::put_preferences))
        .doc("set one's saved settings", "A JSON object of at most 16 KiB, replacing the saved one.")
        .body(Body::AnyObject)
        .created(200, "the settings")
        .errors(WRITE),
    get("/api/v1/users", ADMIN, |m| on(m, auth::users)).doc("accounts (administrators)", "").json("{items}"),
    post("/api/v1/users", ADMIN, |m| on(m, auth::create_user))
        .doc(
            "add an account (administrators)",
            "JSON body: username, role (admin|leader|officer|department|enterprise), regions (officers), department \
             (department staff), enterprise_id (enterprise users), display_name. Returns a one-time password, once.",
        )
        .body(Body::Json(USER_NEW))
        .created(201, "the account and its one-time password")
        .errors(WRITE),
    patch("/api/v1/users/{id}", ADMIN, |m| on(m, auth::update_user))
        .doc("edit an account (administrators)", "JSON body: any of display_name, role, regions, department, enterprise_id, active.")
        .params(&[&[USER_ID]])
        .body(Body::Json(USER_EDIT))
        .created(200, "the account")
        .errors(WRITE),
    post("/api/v1/users/{id}/reset", ADMIN, |m| on(m, auth::reset_user))
        .doc("reset a password (administrators)", "A new one-time password, returned once; unlocks the account and ends its sessions.")
        .params(&[&[USER_ID]])
        .body(Body::Json(&[]))
        .created(200, "the account and its one-time password")
        .errors(WRITE),
    get("/api/v1/audit", ADMIN, |m| on(m, auth::audit_log))
        .doc("audit log (administrators)", "Logins, failures, lock-outs, account changes and every write, newest first.")
        .params(&[AUDIT])
        .json("audit lines")
        .errors(READ),
];
