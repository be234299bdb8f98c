//! Accounts and roles over HTTP: every route × every role allowed or refused as the server's route table says
//! (served at `/api/v1/access`), with a few audiences written out here so a wrong table entry cannot pass unseen;
//! scoped writes, and the security properties (session fixation, CSRF, lock-out, throttling, injection, no
//! personal data for anonymous callers, the audit log).

mod common;

use common::{Env, Server, Session, TEST_PASSWORD};
use serde_json::{json, Value};

/// Roles by letter: p = anonymous public, a = admin, l = leader, o = officer (320312), d = department, e = enterprise.
const ROLES: &str = "paldoe";

/// A concrete request for every route of the table: route pattern, method, a path with real ids, a body for writes.
/// Who is allowed comes from the server's table; a reply that passes the role check may still be refused later (400,
/// 404, 409, 422): that counts as allowed; refusal is exactly 401 (signed out) or 403 (another role).
const REQUESTS: &[(&str, &str, &str, &str)] = &[
    ("/api/v1/health", "GET", "/api/v1/health", ""),
    ("/api/v1/stats", "GET", "/api/v1/stats", ""),
    ("/api/openapi.json", "GET", "/api/openapi.json", ""),
    ("/api/v1/taxonomy", "GET", "/api/v1/taxonomy", ""),
    ("/api/v1/heat", "GET", "/api/v1/heat?res=5", ""),
    ("/api/v1/chains/{id}/strength", "GET", "/api/v1/chains/cm/strength", ""),
    ("/api/v1/chains/{id}/leaders", "GET", "/api/v1/chains/cm/leaders", ""),
    ("/api/v1/trends", "GET", "/api/v1/trends?chain=cm", ""),
    ("/api/v1/enterprises", "GET", "/api/v1/enterprises?limit=1", ""),
    ("/api/v1/enterprises/{id}", "GET", "/api/v1/enterprises/1", ""),
    ("/api/v1/markers", "GET", "/api/v1/markers?bbox=117,34,118,35&zoom=9", ""),
    ("/api/v1/parks", "GET", "/api/v1/parks", ""),
    ("/api/v1/parks/{id}", "GET", "/api/v1/parks/park-xzedz", ""),
    ("/api/v1/hubs", "GET", "/api/v1/hubs", ""),
    ("/api/v1/regions/{code}", "GET", "/api/v1/regions/320312", ""),
    ("/api/v1/search", "GET", "/api/v1/search?q=徐工", ""),
    ("/api/v1/complexity", "GET", "/api/v1/complexity?level=province", ""),
    ("/api/v1/siteplan", "GET", "/api/v1/siteplan?cluster=construction-machinery&floor_m2=1000", ""),
    ("/api/v1/leads", "GET", "/api/v1/leads?chain=cm&limit=1", ""),
    ("/api/v1/market/items", "GET", "/api/v1/market/items", ""),
    ("/api/v1/market/items", "POST", "/api/v1/market/items", r#"{"kind":"nonsense"}"#),
    ("/api/v1/market/items/{id}", "GET", "/api/v1/market/items/999999", ""),
    ("/api/v1/market/items/{id}", "PATCH", "/api/v1/market/items/999999", r#"{"node":null}"#),
    ("/api/v1/market/items/{id}/matches", "GET", "/api/v1/market/items/999999/matches", ""),
    ("/api/v1/projects", "GET", "/api/v1/projects?limit=1", ""),
    ("/api/v1/projects", "POST", "/api/v1/projects", r#"{"name":""}"#),
    ("/api/v1/projects/{id}", "GET", "/api/v1/projects/p-2022-0001", ""),
    ("/api/v1/projects/{id}", "PATCH", "/api/v1/projects/MATRIX", r#"{"version":-1}"#),
    ("/api/v1/projects/{id}/moves", "POST", "/api/v1/projects/MATRIX/moves", r#"{"version":-1,"to":"contact"}"#),
    ("/api/v1/projects/{id}/versions/{version}", "GET", "/api/v1/projects/p-2022-0001/versions/1", ""),
    ("/api/v1/events", "GET", "/api/v1/events", ""),
    ("/api/v1/events", "POST", "/api/v1/events", r#"{"name_zh":""}"#),
    ("/api/v1/events/{id}", "GET", "/api/v1/events/fair-2022", ""),
    ("/api/v1/targets", "GET", "/api/v1/targets", ""),
    ("/api/v1/targets", "PUT", "/api/v1/targets", r#"{"year":1}"#),
    ("/api/v1/dashboard", "GET", "/api/v1/dashboard", ""),
    ("/api/v1/reports", "GET", "/api/v1/reports?period=2022-09", ""),
    ("/api/v1/service/catalogue", "GET", "/api/v1/service/catalogue", ""),
    ("/api/v1/service/catalogue", "PUT", "/api/v1/service/catalogue", r#""""#),
    ("/api/v1/service/dashboard", "GET", "/api/v1/service/dashboard", ""),
    ("/api/v1/tickets", "GET", "/api/v1/tickets", ""),
    ("/api/v1/tickets", "POST", "/api/v1/tickets", r#"{"category":""}"#),
    ("/api/v1/tickets/todo", "GET", "/api/v1/tickets/todo", ""),
    ("/api/v1/tickets/{id}", "GET", "/api/v1/tickets/none", ""),
    ("/api/v1/tickets/{id}/actions", "POST", "/api/v1/tickets/none/actions", r#"{"version":1,"action":"accept"}"#),
    ("/api/v1/calendar", "GET", "/api/v1/calendar?year=2025", ""),
    ("/api/v1/calendar", "PUT", "/api/v1/calendar", r#"{"year":1}"#),
    ("/api/v1/policies", "GET", "/api/v1/policies", ""),
    ("/api/v1/policies", "PUT", "/api/v1/policies", r#""""#),
    ("/api/v1/policies/{id}/matches", "GET", "/api/v1/policies/none/matches", ""),
    ("/api/v1/enterprises/{id}/policies", "GET", "/api/v1/enterprises/1/policies", ""),
    ("/api/v1/auth/login", "POST", "/api/v1/auth/login", r#"{"username":"nobody"}"#),
    ("/api/v1/auth/me", "GET", "/api/v1/auth/me", ""),
    ("/api/v1/auth/password", "POST", "/api/v1/auth/password", r#"{}"#),
    ("/api/v1/auth/preferences", "GET", "/api/v1/auth/preferences", ""),
    ("/api/v1/auth/preferences", "PUT", "/api/v1/auth/preferences", r#"[]"#),
    ("/api/v1/users", "GET", "/api/v1/users", ""),
    ("/api/v1/users", "POST", "/api/v1/users", r#"{"username":"x"}"#),
    ("/api/v1/users/{id}", "PATCH", "/api/v1/users/999999", r#"{"active":true}"#),
    ("/api/v1/users/{id}/reset", "POST", "/api/v1/users/999999/reset", ""),
    ("/api/v1/audit", "GET", "/api/v1/audit?limit=5", ""),
    ("/api/v1/access", "GET", "/api/v1/access", ""),
    ("/summary", "GET", "/summary", ""),
    // Logout is checked on its own below (it ends the session).
];

/// Audiences written out independently of the server's table: the public map and its records, and the
/// administrators' own routes. If the table said otherwise, the matrix would follow it; these would not.
const KNOWN: &[(&str, &str, &str)] = &[
    ("GET", "/api/v1/health", "paldoe"),
    ("GET", "/api/v1/heat", "paldoe"),
    ("GET", "/api/v1/markers", "paldoe"),
    ("GET", "/api/v1/search", "paldoe"),
    ("GET", "/api/v1/parks", "paldoe"),
    ("GET", "/api/v1/parks/{id}", "paldoe"),
    ("GET", "/api/v1/access", "paldoe"),
    ("GET", "/api/v1/users", "a"),
    ("POST", "/api/v1/users", "a"),
    ("PATCH", "/api/v1/users/{id}", "a"),
    ("POST", "/api/v1/users/{id}/reset", "a"),
    ("GET", "/api/v1/audit", "a"),
];

/// The letters of the roles an audience (`"public"`, `"signed_in"` or a list of roles) lets in.
fn letters(audience: &Value) -> String {
    match audience {
        Value::String(s) if s == "public" => ROLES.to_string(),
        Value::String(s) if s == "signed_in" => "aldoe".to_string(),
        Value::Array(roles) => {
            let names: Vec<&str> = roles.iter().filter_map(Value::as_str).collect();
            [('a', "admin"), ('l', "leader"), ('o', "officer"), ('d', "department"), ('e', "enterprise")]
                .iter()
                .filter(|(_, n)| names.contains(n))
                .map(|(c, _)| *c)
                .collect()
        }
        other => panic!("unknown audience {other}"),
    }
}

struct World {
    env: Env,
    server: Server,
    sessions: Vec<(char, Session)>,
}

fn world() -> World {
    let env = Env::new();
    env.ok(&["init"]);
    env.add_user("leader1", "leader", &[]);
    env.add_user("officer1", "officer", &["--regions", "320312"]);
    env.add_user("dept1", "department", &["--department", "市自然资源和规划局"]);
    env.add_user("ent1", "enterprise", &["--enterprise", "1"]);
    let server = Server::start(&env, &[]);
    let sessions = [('a', "admin"), ('l', "leader1"), ('o', "officer1"), ('d', "dept1"), ('e', "ent1")]
        .into_iter()
        .map(|(c, u)| (c, server.login(u, TEST_PASSWORD)))
        .collect();
    World { env, server, sessions }
}

impl World {
    fn as_(&self, role: char) -> &Session {
        &self.sessions.iter().find(|(c, _)| *c == role).expect("role").1
    }
}

#[test]
fn every_route_answers_every_role_as_the_table_says() {
    let w = world();
    let s = &w.server;
    // Who may call what, as the server serves it to the web app (and the guard applies it).
    let access = s.get("/api/v1/access").json();
    let table: Vec<(String, String, String)> = access["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .map(|r| {
            let method = r["method"].as_str().expect("method").to_string();
            (method, r["path"].as_str().expect("path").to_string(), letters(&r["audience"]))
        })
        .collect();
    assert_eq!(access["roles"], json!(["admin", "leader", "officer", "department", "enterprise"]));
    // The served table is the server's table.
    let own: Vec<(String, String)> = chainscope_server::routes::table().map(|r| (r.verb.as_str().into(), r.path.into())).collect();
    let served: Vec<(String, String)> = table.iter().map(|(m, p, _)| (m.clone(), p.clone())).collect();
    assert_eq!(served, own);
    // Every route of the table has a concrete request here, and every request here is a route of the table.
    for (method, path, _) in &table {
        if path == "/api/v1/auth/logout" {
            continue;
        }
        assert!(REQUESTS.iter().any(|m| m.0 == path && m.1 == method), "{method} {path} has no request in this test");
    }
    let allowed_by = |pattern: &str, method: &str| {
        table
            .iter()
            .find(|(m, p, _)| p == pattern && m == method)
            .map(|r| r.2.clone())
            .unwrap_or_else(|| panic!("{method} {pattern} is not in the table"))
    };
    // The audiences written out here agree with the table.
    for (method, pattern, letters) in KNOWN {
        assert_eq!(allowed_by(pattern, method), *letters, "{method} {pattern}");
    }
    // A project in the officer's 板块, for the write rows.
    let r = s.send_as(w.as_('a'), "POST", "/api/v1/projects", &json!({"name": "矩阵测试项目", "region_code": "320312"}));
    assert_eq!(r.status, 201, "{}", common::text(&r.body));
    let pid = r.json()["id"].as_str().expect("id").to_string();
    let mut failures = Vec::new();
    let mut checked = Vec::new();
    for (pattern, method, path, body) in REQUESTS {
        let allowed = allowed_by(pattern, method);
        let path = path.replace("MATRIX", &pid);
        let body: Option<Value> = if body.is_empty() { None } else { Some(serde_json::from_str(body).expect("body")) };
        for role in ROLES.chars() {
            let reply = if role == 'p' {
                s.raw(method, &path, &[], body.as_ref())
            } else {
                let who = w.as_(role);
                s.raw(method, &path, &[("Cookie", &who.cookie), ("X-CSRF-Token", &who.csrf)], body.as_ref())
            };
            let refused = matches!(reply.status, 401 | 403);
            let expected_refusal = if role == 'p' { 401 } else { 403 };
            let ok = if allowed.contains(role) { !refused } else { reply.status == expected_refusal };
            if !ok {
                failures.push(format!("{method} {pattern} as {role}: {} {}", reply.status, common::text(&reply.body)));
            }
        }
        checked.push((*method, *pattern));
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    // The written-out audiences were tried against the server itself, not only read from the table.
    for (method, pattern, _) in KNOWN {
        assert!(checked.contains(&(*method, *pattern)), "{method} {pattern} is requested");
    }

    // Logout ends the session: the same cookie is anonymous afterwards.
    let leader = w.as_('l');
    assert_eq!(s.send_as(leader, "POST", "/api/v1/auth/logout", &json!({})).status, 200);
    assert_eq!(s.get_as(leader, "/api/v1/dashboard").status, 401);
    assert_eq!(s.get_as(leader, "/api/v1/auth/me").json()["account"], Value::Null);
}

#[test]
fn scopes_hold_across_板块_and_enterprises() {
    let w = world();
    let s = &w.server;
    let (admin, officer, ent) = (w.as_('a'), w.as_('o'), w.as_('e'));
    let mine = s.send_as(officer, "POST", "/api/v1/projects", &json!({"name": "本区项目", "region_code": "320312"}));
    assert_eq!(mine.status, 201, "{}", common::text(&mine.body));
    assert_eq!(mine.json()["history"][0]["by"], "officer1", "the account is recorded, whatever the body says");
    let other = s.send_as(admin, "POST", "/api/v1/projects", &json!({"name": "他区项目", "region_code": "320303"}));
    let other_id = other.json()["id"].as_str().expect("id").to_string();
    let r = s.send_as(officer, "POST", &format!("/api/v1/projects/{other_id}/moves"), &json!({"version": 1, "to": "contact"}));
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (403, Some("outside_scope")));
    // Reading across 板块 is allowed (the dashboard compares them), writing is not.
    assert_eq!(s.get_as(officer, &format!("/api/v1/projects/{other_id}")).status, 200);
    // An enterprise posts for itself only.
    let post = |eid: Option<i64>| {
        let mut b = json!({"kind": "demand", "poster": "采购部", "title": "采购回转支承"});
        if let Some(e) = eid {
            b["enterprise_id"] = json!(e);
        }
        s.send_as(ent, "POST", "/api/v1/market/items", &b)
    };
    let r = post(Some(2));
    assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (403, Some("enterprise_id")));
    let r = post(None);
    assert_eq!(r.status, 201, "{}", common::text(&r.body));
    assert_eq!(r.json()["enterprise_id"], 1, "posted for its own enterprise");
    // It corrects its own post's node, not another's; an officer corrects any.
    let own = r.json()["id"].as_i64().expect("id");
    let r = s.send_as(ent, "PATCH", &format!("/api/v1/market/items/{own}"), &json!({"node": "cm.slewing-bearing"}));
    assert_eq!((r.status, r.json()["node"]["id"].as_str()), (200, Some("cm.slewing-bearing")), "{}", common::text(&r.body));
    let theirs = s.send_as(officer, "POST", "/api/v1/market/items", &json!({"kind": "supply", "poster": "某厂", "title": "供应液压油缸"}));
    let theirs = theirs.json()["id"].as_i64().expect("id");
    let r = s.send_as(ent, "PATCH", &format!("/api/v1/market/items/{theirs}"), &json!({"node": "cm.hydraulics"}));
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (403, Some("outside_scope")));
    let r = s.send_as(officer, "PATCH", &format!("/api/v1/market/items/{theirs}"), &json!({"node": "cm.hydraulics"}));
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    let r = s.send_as(officer, "PATCH", &format!("/api/v1/market/items/{theirs}"), &json!({"node": "cm.nope"}));
    assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (400, Some("node")));
    let r = s.send_as(officer, "PATCH", &format!("/api/v1/market/items/{theirs}"), &json!({"title": "x"}));
    assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (400, Some("title")));
    assert_eq!(
        s.json_as(officer, &format!("/api/v1/market/items/{theirs}"))["node"]["id"],
        "cm.hydraulics",
        "the bad edits changed nothing"
    );
}

#[test]
fn each_account_keeps_its_own_preferences() {
    let w = world();
    let s = &w.server;
    let (o, l) = (w.as_('o'), w.as_('l'));
    assert_eq!(s.json_as(o, "/api/v1/auth/preferences"), json!({}));
    let prefs = json!({"leads_weights": {"gap_filling": {"gap": 5, "supply": 2}}});
    assert_eq!(s.send_as(o, "PUT", "/api/v1/auth/preferences", &prefs).status, 200);
    assert_eq!(s.json_as(o, "/api/v1/auth/preferences"), prefs);
    assert_eq!(s.json_as(l, "/api/v1/auth/preferences"), json!({}), "another account's are its own");
    let big = json!({"x": "y".repeat(20_000)});
    assert_eq!(s.send_as(o, "PUT", "/api/v1/auth/preferences", &big).status, 400);
    assert_eq!(s.send_as(o, "PUT", "/api/v1/auth/preferences", &json!([1, 2])).status, 400);
    assert_eq!(s.json_as(o, "/api/v1/auth/preferences"), prefs, "a refused write changes nothing");
}

#[test]
fn sessions_resist_fixation_and_cross_site_requests() {
    let w = world();
    let s = &w.server;
    // A token planted before sign-in is not the session afterwards, and is worth nothing.
    let planted = "ab".repeat(32);
    let r = s.raw(
        "POST",
        "/api/v1/auth/login",
        &[("Cookie", &format!("cs_session={planted}"))],
        Some(&json!({"username": "officer1", "password": TEST_PASSWORD})),
    );
    assert_eq!(r.status, 200);
    let cookie = r.header("set-cookie").expect("cookie").to_string();
    assert!(!cookie.contains(&planted));
    for flag in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    let me = s.get_with("/api/v1/auth/me", &[("Cookie", &format!("cs_session={planted}"))]).json();
    assert_eq!(me["account"], Value::Null);
    // Writes need the session's CSRF token.
    let o = w.as_('o');
    let body = json!({"name": "CSRF", "region_code": "320312"});
    let r = s.raw("POST", "/api/v1/projects", &[("Cookie", &o.cookie)], Some(&body));
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (403, Some("csrf_failed")));
    let r = s.raw("POST", "/api/v1/projects", &[("Cookie", &o.cookie), ("X-CSRF-Token", &"0".repeat(64))], Some(&body));
    assert_eq!(r.status, 403);
    // Another officer's CSRF token does not fit this session.
    let r = s.raw("POST", "/api/v1/projects", &[("Cookie", &o.cookie), ("X-CSRF-Token", &w.as_('a').csrf)], Some(&body));
    assert_eq!(r.status, 403);
    // A login posted from another site is refused.
    let r = s.raw(
        "POST",
        "/api/v1/auth/login",
        &[("Origin", "http://evil.example")],
        Some(&json!({"username": "admin", "password": TEST_PASSWORD})),
    );
    assert_eq!(r.status, 403);
}

#[test]
fn repeated_wrong_passwords_hold_the_name_for_that_address_until_an_admin_resets_it() {
    let w = world();
    let s = &w.server;
    let attempt = |name: &str, pw: &str| s.send("POST", "/api/v1/auth/login", &json!({"username": name, "password": pw}));
    for _ in 0..5 {
        assert_eq!(attempt("leader1", "wrong-password-1").status, 401);
        assert_eq!(attempt("nobody-here", "wrong-password-1").status, 401);
    }
    // Held for this address: the same answer for a name that exists and one that does not.
    let r = attempt("leader1", TEST_PASSWORD);
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (429, Some("too_many_attempts")));
    let secs = r.json()["error"]["retry_after_seconds"].as_u64().expect("retry_after_seconds");
    assert!((800..=900).contains(&secs), "{secs}");
    let unknown = attempt("nobody-here", "wrong-password-1");
    assert_eq!((unknown.status, unknown.json()["error"]["code"].as_str()), (429, Some("too_many_attempts")));
    // The administrator resets: a one-time password, which must be changed before anything else.
    let users = s.json_as(w.as_('a'), "/api/v1/users");
    let uid =
        users["items"].as_array().expect("users").iter().find(|u| u["username"] == "leader1").expect("leader1")["id"].as_i64().expect("id");
    let reset = s.send_as(w.as_('a'), "POST", &format!("/api/v1/users/{uid}/reset"), &json!({}));
    assert_eq!(reset.status, 200);
    let otp = reset.json()["one_time_password"].as_str().expect("otp").to_string();
    let session = s.login("leader1", &otp);
    let r = s.get_as(&session, "/api/v1/dashboard");
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (403, Some("password_change_required")));
    let weak = s.send_as(&session, "POST", "/api/v1/auth/password", &json!({"current": otp, "new": "short"}));
    assert_eq!((weak.status, weak.json()["error"]["parameter"].as_str()), (400, Some("new")));
    let ok = s.send_as(&session, "POST", "/api/v1/auth/password", &json!({"current": otp, "new": "Another-password-77"}));
    assert_eq!(ok.status, 200, "{}", common::text(&ok.body));
    assert_eq!(s.get_as(&session, "/api/v1/dashboard").status, 200);
    // The audit log has the failures, the lock, the reset and the change.
    let audit = s.json_as(w.as_('a'), "/api/v1/audit?limit=50");
    let actions: Vec<&str> = audit["items"].as_array().expect("audit").iter().filter_map(|e| e["action"].as_str()).collect();
    for a in ["login_failed", "login_held", "password_reset", "password_changed", "login"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    let writes = audit["items"].as_array().expect("audit").iter().filter(|e| e["action"] == "POST" && e["actor"] == "admin").count();
    assert!(writes >= 1, "the reset is audited as a write");
    // A write's audit line says what it asked to change; a password never appears in the log.
    let r = s.send_as(
        w.as_('a'),
        "PUT",
        "/api/v1/targets",
        &json!({"year": 2031, "items": [{"scope": "region", "key": "320312", "metric": "projects", "value": 77}]}),
    );
    assert_eq!(r.status, 200);
    let audit = s.json_as(w.as_('a'), "/api/v1/audit?limit=5");
    let put = audit["items"].as_array().expect("audit").iter().find(|e| e["action"] == "PUT").expect("the PUT is audited");
    assert_eq!(put["target"], "/api/v1/targets");
    assert!(put["detail"].as_str().is_some_and(|d| d.starts_with("200") && d.contains("\"value\":77")), "{put}");
    let everything = common::text(&s.get_as(w.as_('a'), "/api/v1/audit?limit=5000").body);
    assert!(!everything.contains("Another-password-77") && !everything.contains(TEST_PASSWORD), "no password in the audit log");
}

#[test]
fn one_address_cannot_guess_passwords_quickly() {
    let env = Env::new();
    env.ok(&["init", "--empty"]);
    let s = Server::start(&env, &[]);
    let mut statuses = Vec::new();
    for i in 0..22 {
        statuses.push(s.send("POST", "/api/v1/auth/login", &json!({"username": format!("user{i}"), "password": "guess-1234567"})).status);
    }
    assert!(statuses[..20].iter().all(|&c| c == 401), "{statuses:?}");
    assert_eq!(statuses[21], 429);
}

#[test]
fn behind_a_trusted_proxy_each_caller_has_its_own_allowance() {
    let env = Env::new();
    env.ok(&["init", "--empty"]);
    let guess = |s: &Server, from: &str, i: usize| {
        s.raw(
            "POST",
            "/api/v1/auth/login",
            &[("X-Forwarded-For", from)],
            Some(&json!({"username": format!("user{i}"), "password": "guess-1234567"})),
        )
        .status
    };
    // The tests connect from 127.0.0.1, which plays the proxy here.
    let s = Server::start(&env, &[("CHAINSCOPE_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")]);
    let first: Vec<u16> = (0..21).map(|i| guess(&s, "203.0.113.7", i)).collect();
    assert!(first[..20].iter().all(|&c| c == 401), "{first:?}");
    assert_eq!(first[20], 429, "the guessing address is throttled");
    assert_eq!(guess(&s, "203.0.113.8", 0), 401, "another caller behind the same proxy is not");
    // A forged entry to the left of what the proxy appended does not help the guesser.
    assert_eq!(guess(&s, "198.51.100.1, 203.0.113.7", 0), 429);
    drop(s);

    // Without trusted proxies the header means nothing: one allowance for the connecting address.
    let s = Server::start(&env, &[]);
    let all: Vec<u16> = (0..21).map(|i| guess(&s, &format!("203.0.113.{i}"), i)).collect();
    assert_eq!(all[20], 429, "{all:?}");

    // A wrong list stops the server at start with the entry named.
    let out = env.run(&["serve", "--port", "0", "--trusted-proxy", "10.0.0.0/40"]);
    assert!(!out.status.success());
    assert!(common::text(&out.stderr).contains("10.0.0.0/40"), "{}", common::text(&out.stderr));
}

#[test]
fn the_session_cookie_is_secure_where_browsers_can_keep_it() {
    let env = Env::new();
    env.ok(&["init", "--empty"]);
    env.add_user("officer1", "officer", &["--regions", "320312"]);
    let cookie = |s: &Server, headers: &[(&str, &str)]| {
        let r = s.raw("POST", "/api/v1/auth/login", headers, Some(&json!({"username": "officer1", "password": TEST_PASSWORD})));
        assert_eq!(r.status, 200, "{}", common::text(&r.body));
        let c = r.header("set-cookie").expect("a cookie").to_string();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict"), "{c}");
        c.contains("Secure")
    };
    // auto (the default): Secure on localhost; not on a plain-HTTP intranet address, where the browser would drop it;
    // a forwarded https is believed only from a trusted proxy.
    let s = Server::start(&env, &[]);
    assert!(cookie(&s, &[("Host", "localhost:8343")]));
    assert!(cookie(&s, &[("Host", "127.0.0.1:8343")]));
    assert!(!cookie(&s, &[("Host", "10.20.30.40:8343")]));
    assert!(!cookie(&s, &[("Host", "chainscope.xz.gov.cn"), ("X-Forwarded-Proto", "https")]), "not from a trusted proxy");
    let host = ("Host", "10.20.30.40:8343");
    let r = s.raw("POST", "/api/v1/auth/login", &[host], Some(&json!({"username": "officer1", "password": TEST_PASSWORD})));
    let session = r.header("set-cookie").and_then(|c| c.split(';').next()).expect("cookie").to_string();
    let csrf = r.json()["csrf"].as_str().expect("csrf").to_string();
    let out = s.raw("POST", "/api/v1/auth/logout", &[host, ("Cookie", &session), ("X-CSRF-Token", &csrf)], None);
    assert_eq!(out.status, 200, "{}", common::text(&out.body));
    let cleared = out.header("set-cookie").unwrap_or_default();
    assert!(cleared.contains("Max-Age=0") && !cleared.contains("Secure"), "logout clears the same cookie: {cleared}");
    drop(s);
    let s = Server::start(&env, &[("CHAINSCOPE_TRUSTED_PROXIES", "127.0.0.1")]);
    assert!(cookie(&s, &[("Host", "chainscope.xz.gov.cn"), ("X-Forwarded-Proto", "https")]), "HTTPS through the proxy");
    assert!(!cookie(&s, &[("Host", "chainscope.xz.gov.cn"), ("X-Forwarded-Proto", "http")]));
    drop(s);
    let s = Server::start(&env, &[("CHAINSCOPE_COOKIE_SECURE", "always")]);
    assert!(cookie(&s, &[("Host", "10.20.30.40:8343")]));
    drop(s);
    let s = Server::start(&env, &[("CHAINSCOPE_COOKIE_SECURE", "never")]);
    assert!(!cookie(&s, &[("Host", "localhost:8343")]));
    drop(s);
    let out = env.run(&["serve", "--port", "0", "--cookie-secure", "sometimes"]);
    assert!(!out.status.success() && common::text(&out.stderr).contains("sometimes"), "{}", common::text(&out.stderr));
}

#[test]
fn hostile_text_is_stored_as_text_and_personal_data_stays_private() {
    let w = world();
    let s = &w.server;
    let a = w.as_('a');
    // SQL in a login name is just a wrong name.
    let r = s.send("POST", "/api/v1/auth/login", &json!({"username": "admin' OR '1'='1", "password": "x' OR '1'='1"}));
    assert_eq!(r.status, 401);
    // SQL and script in every text field of a project are stored verbatim and served as JSON strings.
    let nasty = "<script>alert('x')</script>'); DROP TABLE project;--";
    let r = s.send_as(
        a,
        "POST",
        "/api/v1/projects",
        &json!({"name": nasty, "investor": nasty, "region_code": "320312", "officer": nasty, "next_steps": [{"text": nasty}], "documents": [{"name": nasty}]}),
    );
    assert_eq!(r.status, 201, "{}", common::text(&r.body));
    let p = r.json();
    for f in ["name", "investor", "officer"] {
        assert_eq!(p[f], nasty, "{f}");
    }
    assert_eq!(p["next_steps"][0]["text"], nasty);
    let found = s.json_as(a, "/api/v1/projects?q=DROP%20TABLE");
    assert_eq!(found["total"], 1);
    assert!(s.json_as(a, "/api/v1/projects?limit=1")["total"].as_u64().expect("total") > 6000, "the table is intact");
    // A carrier with a contact person: the contact is for signed-in officers, never for anonymous callers.
    let csv = w.env.file("carrier.csv");
    std::fs::write(
        &csv,
        "id,kind,name_zh,park_id,region_code,lat,lon,floor_area_m2,floor_available_m2,contact_name,contact_phone,source\n\
         test-carrier,standard_factory,测试标准厂房,park-xzedz,320371,34.28,117.30,10000,2000,张三,13800000000,test\n",
    )
    .expect("write");
    w.env.ok(&["import", "--kind", "parks", csv.to_str().expect("path")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let anon = loop {
        let r = s.get("/api/v1/parks/park-xzedz");
        if r.status == 200 && common::text(&r.body).contains("test-carrier") {
            break r;
        }
        assert!(std::time::Instant::now() < deadline, "the imported carrier appears");
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    let text = common::text(&anon.body);
    assert!(!text.contains("13800000000") && !text.contains("张三"), "no contact for anonymous callers");
    let officer = common::text(&s.get_as(w.as_('o'), "/api/v1/parks/park-xzedz").body);
    assert!(officer.contains("13800000000"), "officers see the contact");
    // No anonymous response of the public routes carries a phone number or a legal representative.
    for path in ["/api/v1/parks", "/api/v1/enterprises?limit=50", "/api/v1/enterprises/1", "/api/v1/search?q=徐州"] {
        let body = common::text(&s.get(path).body);
        assert!(!body.contains("13800000000") && !body.contains("legal_rep") && !body.contains("\"phone\""), "{path}");
    }
}
