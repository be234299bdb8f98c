//! The enterprise-service loop over HTTP: a request filed by an enterprise, routed by the catalogue, accepted,
//! extended once, answered, rated 不满意 and sent back, answered again and closed; a return re-routed by an
//! officer; scopes; the working-day calendar; policy matches with their reasons.

mod common;

use common::{Env, Server, Session, TEST_PASSWORD};
use serde_json::{json, Value};

struct World {
    _env: Env,
    s: Server,
    admin: Session,
    officer: Session,
    nrp: Session,
    ndrc: Session,
    ent: Session,
    other_ent: Session,
    eid: i64,
}

/// The default data, with an enterprise user for a local enterprise in 铜山区 (320312), a second enterprise user,
/// staff of the natural-resources bureau (nrp) and the development and reform commission (ndrc), and an officer
/// for 铜山区.
fn world() -> World {
    let env = Env::new();
    env.ok(&["init"]);
    // A local enterprise in 320312, read straight from the store.
    use chainscope_store::prelude::*;
    let store = env.store();
    let mut pick: Vec<i64> = Vec::new();
    store
        .for_each_enterprise_with_id(&mut |id, e| {
            if pick.len() < 2 && e.flags.local && e.region_code.as_deref() == Some("320312") {
                pick.push(id);
            }
        })
        .expect("scan");
    drop(store);
    assert_eq!(pick.len(), 2, "two local enterprises in 320312");
    let (eid, other) = (pick[0], pick[1]);
    env.add_user("officer1", "officer", &["--regions", "320312"]);
    env.add_user("nrp1", "department", &["--department", "nrp"]);
    env.add_user("ndrc1", "department", &["--department", "ndrc"]);
    env.add_user("ent1", "enterprise", &["--enterprise", &eid.to_string()]);
    env.add_user("ent2", "enterprise", &["--enterprise", &other.to_string()]);
    let s = Server::start(&env, &[("CHAINSCOPE_TODAY", "2025-09-22")]);
    let login = |u: &str| s.login(u, TEST_PASSWORD);
    World {
        admin: login("admin"),
        officer: login("officer1"),
        nrp: login("nrp1"),
        ndrc: login("ndrc1"),
        ent: login("ent1"),
        other_ent: login("ent2"),
        eid,
        _env: env,
        s,
    }
}

fn act(w: &World, who: &Session, t: &Value, body: Value) -> common::Reply {
    let mut b = body;
    b["version"] = t["version"].clone();
    w.s.send_as(who, "POST", &format!("/api/v1/tickets/{}/actions", t["id"].as_str().expect("id")), &b)
}

/// The caller's to-do counts by step (`/tickets/todo`).
fn todo(w: &World, who: &Session, step: &str) -> u64 {
    let v = w.s.json_as(who, "/api/v1/tickets/todo");
    let steps = v["steps"].as_object().expect("steps");
    assert_eq!(v["total"].as_u64(), Some(steps.values().filter_map(Value::as_u64).sum()), "total = sum of the steps: {v}");
    steps[step].as_u64().expect("a count")
}

fn ok(r: common::Reply) -> Value {
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    r.json()
}

#[test]
fn a_request_goes_round_the_loop_and_every_step_is_kept() {
    let w = world();
    let (accept0, answer0) = (todo(&w, &w.nrp, "accept"), todo(&w, &w.nrp, "answer"));
    assert_eq!(todo(&w, &w.ent, "rate"), 0);
    let filed = w.s.send_as(&w.ent, "POST", "/api/v1/tickets", &json!({"category": "land", "description": "扩建厂房需新增用地20亩，请协调供地", "attachments": [{"name": "规划图.pdf", "size_bytes": 120000, "mime": "application/pdf"}]}));
    assert_eq!(filed.status, 201, "{}", common::text(&filed.body));
    let t = filed.json();
    // Routed at once by the catalogue: land in 铜山区 goes to the natural-resources bureau.
    assert_eq!(
        (t["state"].as_str(), t["department"].as_str(), t["enterprise_id"].as_i64()),
        (Some("dispatched"), Some("nrp"), Some(w.eid))
    );
    assert_eq!(t["region"]["code"], "320312");
    // An enterprise cannot move its request to another 板块 (it would hide it from its own officer).
    let moved =
        w.s.send_as(&w.ent, "POST", "/api/v1/tickets", &json!({"category": "land", "description": "换个板块", "region_code": "320382"}));
    assert_eq!((moved.status, moved.json()["error"]["code"].as_str()), (403, Some("outside_scope")), "{}", common::text(&moved.body));
    assert_eq!(moved.json()["error"]["parameter"], "region_code");
    // It waits for the bureau's 签收, and for no one else's step.
    assert_eq!(todo(&w, &w.nrp, "accept"), accept0 + 1);
    let mine = w.s.json_as(&w.nrp, "/api/v1/tickets?todo=true");
    let item = mine["items"].as_array().expect("items").iter().find(|x| x["id"] == t["id"]).expect("in the bureau's to-do list");
    assert_eq!(item["waiting_for"], "accept");
    assert!(w.s.json_as(&w.ndrc, "/api/v1/tickets?todo=true")["items"].as_array().expect("items").iter().all(|x| x["id"] != t["id"]));
    // Another department may not take it; another enterprise may not see it.
    assert_eq!(act(&w, &w.ndrc, &t, json!({"action": "accept"})).status, 403);
    assert_eq!(w.s.get_as(&w.other_ent, &format!("/api/v1/tickets/{}", t["id"].as_str().expect("id"))).status, 403);
    // 签收 on Monday 22 September 2025: 20 working days after it, with the National Day holiday (1–8 October)
    // skipped and the make-up working days of Sunday 28 September and Saturday 11 October counted: 23–26 Sep (4),
    // 28–30 Sep (7), 9–11 Oct (10), 13–17 Oct (15), 20–24 Oct (20) → Friday 24 October.
    let t = ok(act(&w, &w.nrp, &t, json!({"action": "accept"})));
    assert_eq!((t["state"].as_str(), t["deadline"].as_str()), (Some("working"), Some("2025-10-24")));
    assert_eq!((t["today"].as_str(), t["working_days_left"].as_i64()), (Some("2025-09-22"), Some(20)));
    // One extension, with a reason; a second is refused.
    assert_eq!(act(&w, &w.nrp, &t, json!({"action": "extend", "days": 5})).status, 400);
    let t = ok(act(&w, &w.nrp, &t, json!({"action": "extend", "reason": "需报市政府审议", "days": 5})));
    // Five more working days: 27–31 October.
    assert_eq!(t["deadline"], "2025-10-31");
    let again = act(&w, &w.nrp, &t, json!({"action": "extend", "reason": "再延", "days": 2}));
    assert_eq!((again.status, again.json()["error"]["code"].as_str()), (422, Some("extension_used")));
    // A stale version is a conflict.
    let mut stale = t.clone();
    stale["version"] = json!(1);
    assert_eq!(act(&w, &w.nrp, &stale, json!({"action": "answer", "text": "x"})).status, 409);
    assert_eq!((todo(&w, &w.nrp, "accept"), todo(&w, &w.nrp, "answer")), (accept0, answer0 + 1), "accepted: now to answer");
    let t = ok(act(&w, &w.nrp, &t, json!({"action": "answer", "text": "已列入年度供地计划"})));
    assert_eq!(t["state"], "answered");
    assert_eq!(
        (todo(&w, &w.nrp, "answer"), todo(&w, &w.ent, "rate"), todo(&w, &w.other_ent, "rate")),
        (answer0, 1, 0),
        "answered: the enterprise rates"
    );
    // The enterprise is not satisfied: back to the department, counted as reopened.
    assert_eq!(act(&w, &w.nrp, &t, json!({"action": "rate", "rating": "satisfied"})).status, 403, "departments do not rate themselves");
    let t = ok(act(&w, &w.ent, &t, json!({"action": "rate", "rating": "dissatisfied", "comment": "没有明确时间"})));
    assert_eq!((t["state"].as_str(), t["reopens"].as_u64()), (Some("working"), Some(1)));
    assert_eq!((todo(&w, &w.nrp, "answer"), todo(&w, &w.ent, "rate")), (answer0 + 1, 0), "sent back: to answer again");
    let t = ok(act(&w, &w.nrp, &t, json!({"action": "answer", "text": "10月底前完成挂牌出让"})));
    let t = ok(act(&w, &w.ent, &t, json!({"action": "rate", "rating": "satisfied"})));
    assert_eq!(t["state"], "closed");
    assert_eq!((todo(&w, &w.nrp, "answer"), todo(&w, &w.ent, "rate")), (answer0, 0), "closed: waits for no one");
    let kinds: Vec<&str> = t["events"].as_array().expect("events").iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, vec!["filed", "dispatched", "accepted", "extended", "answered", "rated", "answered", "rated"]);
    let actors: Vec<&str> = t["events"].as_array().expect("events").iter().filter_map(|e| e["actor"].as_str()).collect();
    assert_eq!(actors, vec!["ent1", "routing", "nrp1", "nrp1", "nrp1", "ent1", "nrp1", "ent1"]);
    // The dashboard counts it for the department and the 板块.
    let d = w.s.json_as(&w.admin, "/api/v1/service/dashboard");
    let nrp = d["by_department"].as_array().expect("departments").iter().find(|x| x["id"] == "nrp").expect("nrp");
    assert_eq!(
        (nrp["stats"]["closed"].as_u64(), nrp["stats"]["reopened"].as_u64(), nrp["stats"]["satisfied"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    let region = d["by_region"].as_array().expect("regions").iter().find(|x| x["code"] == "320312").expect("320312");
    assert_eq!(region["stats"]["tickets"], 1);
    // The department sees its dashboard; the enterprise sees only its own requests.
    assert_eq!(w.s.json_as(&w.ent, "/api/v1/tickets")["total"], 1);
    assert_eq!(w.s.json_as(&w.other_ent, "/api/v1/tickets")["total"], 0);
}

#[test]
fn one_department_account_works_its_requests_and_its_checklist_items() {
    let w = world();
    // A signed demo project with the standard checklist: the land item belongs to 市自然资源和规划局, which the
    // catalogue calls nrp (徐州市自然资源和规划局).
    let list = w.s.json_as(&w.admin, "/api/v1/projects?stage=signed&limit=1");
    let id = list["items"][0]["id"].as_str().expect("a signed project").to_string();
    let p = w.s.json_as(&w.admin, &format!("/api/v1/projects/{id}"));
    let mut checklist = p["checklist"].as_array().expect("checklist").clone();
    let land = checklist.iter_mut().find(|t| t["kind"] == "land").expect("land item");
    land["note"] = json!("已完成土地组卷");
    let r = w.s.send_as(&w.nrp, "PATCH", &format!("/api/v1/projects/{id}"), &json!({"version": p["version"], "checklist": checklist}));
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    // …but not another bureau's item.
    let p = r.json();
    let mut checklist = p["checklist"].as_array().expect("checklist").clone();
    let eia = checklist.iter_mut().find(|t| t["kind"] == "eia").expect("eia item");
    eia["note"] = json!("x");
    let r = w.s.send_as(&w.nrp, "PATCH", &format!("/api/v1/projects/{id}"), &json!({"version": p["version"], "checklist": checklist}));
    assert_eq!(r.status, 403);

    // The bureau's own work list: projects with open items of nrp, by id or by name, each with its counts.
    let by_id = w.s.json_as(&w.nrp, "/api/v1/projects?tasks_of=nrp&limit=10000");
    let by_name = w.s.json_as(
        &w.nrp,
        "/api/v1/projects?tasks_of=%E5%B8%82%E8%87%AA%E7%84%B6%E8%B5%84%E6%BA%90%E5%92%8C%E8%A7%84%E5%88%92%E5%B1%80&limit=10000",
    );
    let ids =
        |v: &Value| v["items"].as_array().expect("items").iter().filter_map(|x| x["id"].as_str().map(str::to_string)).collect::<Vec<_>>();
    assert!(by_id["total"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(ids(&by_id), ids(&by_name), "市自然资源和规划局 is nrp");
    // The answer's sums cover every row (the navigation's count), and paging does not change them.
    let sum = |k: &str| by_id["items"].as_array().expect("items").iter().filter_map(|x| x["tasks_of"][k].as_u64()).sum::<u64>();
    assert_eq!((by_id["tasks_of"]["open"].as_u64(), by_id["tasks_of"]["overdue"].as_u64()), (Some(sum("open")), Some(sum("overdue"))));
    let page1 = w.s.json_as(&w.nrp, "/api/v1/projects?tasks_of=nrp&limit=1");
    assert_eq!(page1["tasks_of"], by_id["tasks_of"], "sums over the whole list, not the page");
    assert!(w.s.json_as(&w.nrp, "/api/v1/projects?limit=1").get("tasks_of").is_none(), "no sums without tasks_of");
    for x in by_id["items"].as_array().expect("items").iter().take(20) {
        let open = x["tasks_of"]["open"].as_u64().expect("open count");
        let pid = x["id"].as_str().expect("id");
        let full = w.s.json_as(&w.nrp, &format!("/api/v1/projects/{pid}"));
        let mine = full["checklist"]
            .as_array()
            .expect("checklist")
            .iter()
            .filter(|t| {
                t["department"].as_str().is_some_and(|d| d.contains("自然资源和规划局"))
                    && matches!(t["status"].as_str(), Some("todo" | "doing"))
            })
            .count() as u64;
        assert!(open >= 1 && open == mine, "{pid}: {open} open items of nrp, the project has {mine}");
        // Each item names its bureau as the catalogue knows it, and says whether it is the caller's: the account
        // names the bureau by id (nrp), the items by name (市自然资源和规划局).
        for t in full["checklist"].as_array().expect("checklist") {
            let ours = t["department"].as_str().is_some_and(|d| d.contains("自然资源和规划局"));
            assert_eq!(t["mine"], ours, "{pid}: {t}");
            if ours {
                assert_eq!(
                    (t["department_id"].as_str(), t["department_en"].as_str()),
                    (Some("nrp"), Some("Xuzhou Natural Resources and Planning Bureau"))
                );
            }
        }
        assert!(x["tasks_of"]["overdue"].as_u64().is_some_and(|o| o <= open));
    }
    // For anyone but department staff nothing is theirs.
    let as_admin = w.s.json_as(&w.admin, &format!("/api/v1/projects/{id}"));
    assert!(as_admin["checklist"].as_array().expect("checklist").iter().all(|t| t["mine"] == false));
    // Its land item done: the project leaves the list when nothing else of nrp is open.
    let p = w.s.json_as(&w.admin, &format!("/api/v1/projects/{id}"));
    let mut checklist = p["checklist"].as_array().expect("checklist").clone();
    let nrp_items = |c: &Vec<Value>| {
        c.iter().filter(|t| t["department"].as_str().is_some_and(|d| d.contains("自然资源和规划局"))).cloned().collect::<Vec<Value>>()
    };
    let had_open = nrp_items(&checklist).iter().any(|t| matches!(t["status"].as_str(), Some("todo" | "doing")));
    assert_eq!(ids(&by_id).contains(&id), had_open, "listed exactly when an nrp item is open");
    for t in checklist.iter_mut().filter(|t| t["department"].as_str().is_some_and(|d| d.contains("自然资源和规划局"))) {
        t["status"] = json!(if had_open { "done" } else { "todo" });
    }
    let r = w.s.send_as(&w.nrp, "PATCH", &format!("/api/v1/projects/{id}"), &json!({"version": p["version"], "checklist": checklist}));
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    let after = w.s.json_as(&w.nrp, "/api/v1/projects?tasks_of=nrp&limit=10000");
    assert_eq!(ids(&after).contains(&id), !had_open, "{id} leaves the list when its nrp items are done, joins it when one opens");
    let r = w.s.get_as(&w.nrp, "/api/v1/projects?tasks_of=&limit=1");
    assert_eq!(r.status, 200, "an empty tasks_of is no filter");
}

#[test]
fn administrators_edit_the_catalogue_and_the_policies_as_text() {
    let w = world();
    let text = common::text(&w.s.get("/api/v1/service/catalogue?format=toml").body);
    assert!(text.contains("[[category]]"), "the stored TOML");
    // Route land in 铜山区 to the high-tech zone's committee from now on.
    let edited = format!("{text}\n[[rule]]\ncategory = \"land\"\nregion = \"320312\"\ndepartment = \"zone-gx\"\n");
    let put =
        |who: &Session, path: &str, body: &str| w.s.raw_text("PUT", path, &[("Cookie", &who.cookie), ("X-CSRF-Token", &who.csrf)], body);
    assert_eq!(put(&w.officer, "/api/v1/service/catalogue", &edited).status, 403);
    let bad = put(&w.admin, "/api/v1/service/catalogue", "[[category]]\nid = \"x\"\n");
    assert_eq!((bad.status, bad.json()["error"]["parameter"].as_str()), (400, Some("body")));
    let r = put(&w.admin, "/api/v1/service/catalogue", &edited);
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    let t = w.s.send_as(&w.ent, "POST", "/api/v1/tickets", &json!({"category": "land", "description": "新增用地"})).json();
    assert_eq!(t["department"], "zone-gx", "routed by the new rule");
    assert!(common::text(&w.s.get("/api/v1/service/catalogue?format=toml").body).contains("zone-gx\""), "stored");
    // Policies: a policy naming an unknown node is refused whole; a valid edit replaces the list.
    let policies = common::text(&w.s.get("/api/v1/policies?format=toml").body);
    let broken = policies.replacen(
        "[[policy]]",
        "[[policy]]\nid = \"broken\"\nname_zh = \"坏\"\neligibility = { nodes = [\"no.such.node\"] }\n\n[[policy]]",
        1,
    );
    assert_eq!(put(&w.admin, "/api/v1/policies", &broken).status, 400);
    let before = w.s.json("/api/v1/policies")["items"].as_array().map(Vec::len);
    let r = put(&w.admin, "/api/v1/policies", &policies);
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    assert_eq!(w.s.json("/api/v1/policies")["items"].as_array().map(Vec::len), before);
    // A check stores nothing and says which ids would come and go.
    let one_less = policies.replacen("[[policy]]", "[[policy]]\nid = \"e2e-new\"\nname_zh = \"新政策\"\n\n[[policy]]", 1);
    let r = put(&w.admin, "/api/v1/policies?check=true", &one_less);
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    assert_eq!((r.json()["check"].as_bool(), r.json()["changes"]["added"].clone()), (Some(true), json!(["e2e-new"])));
    assert_eq!(w.s.json("/api/v1/policies")["items"].as_array().map(Vec::len), before, "nothing stored by a check");
    // The catalogue without a department that holds an open request: the check warns, the save is refused.
    let current = common::text(&w.s.get("/api/v1/service/catalogue?format=toml").body);
    let with_temp = format!("{current}\n[[department]]\nid = \"temp\"\nname_zh = \"临时部门\"\n");
    let r = put(&w.admin, "/api/v1/service/catalogue?check=true", &with_temp);
    assert_eq!(r.json()["changes"]["departments_added"], json!(["temp"]));
    assert!(w.s.json("/api/v1/service/catalogue")["departments"].as_array().expect("departments").iter().all(|d| d["id"] != "temp"));
    assert_eq!(put(&w.admin, "/api/v1/service/catalogue", &with_temp).status, 200);
    let t = w.s.send_as(&w.ent, "POST", "/api/v1/tickets", &json!({"category": "land", "description": "再次用地"})).json();
    // An administrator may take any department's step.
    let t = ok(act(&w, &w.admin, &t, json!({"action": "return", "reason": "请改派"})));
    let t = ok(act(&w, &w.officer, &t, json!({"action": "dispatch", "department": "temp"})));
    assert_eq!(t["department"], "temp");
    let r = put(&w.admin, "/api/v1/service/catalogue?check=true", &current);
    assert_eq!(r.json()["changes"]["open_requests_held_by_removed"], json!([{"department": "temp", "open": 1}]));
    let r = put(&w.admin, "/api/v1/service/catalogue", &current);
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (409, Some("department_in_use")));
    assert!(r.json()["error"]["message"].as_str().is_some_and(|m| m.contains("temp (1)")));
    assert!(
        w.s.json("/api/v1/service/catalogue")["departments"].as_array().expect("departments").iter().any(|d| d["id"] == "temp"),
        "kept"
    );
}

#[test]
fn a_returned_request_is_re_routed_and_the_return_counted() {
    let w = world();
    let t =
        w.s.send_as(
            &w.officer,
            "POST",
            "/api/v1/tickets",
            &json!({"category": "utilities", "description": "新厂区双回路供电接入", "enterprise_id": w.eid}),
        )
        .json();
    assert_eq!(t["department"], "ndrc");
    assert_eq!(act(&w, &w.ndrc, &t, json!({"action": "return"})).json()["error"]["parameter"], "reason");
    let t = ok(act(&w, &w.ndrc, &t, json!({"action": "return", "reason": "供电接入属供电公司与工信部门"})));
    assert_eq!((t["state"].as_str(), t["returns"].as_u64()), (Some("returned"), Some(1)));
    let dispatch0 = todo(&w, &w.officer, "dispatch");
    assert!(dispatch0 >= 1, "the return waits for the officer of its 板块");
    assert!(w.s.json_as(&w.officer, "/api/v1/tickets?todo=true")["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|x| x["id"] == t["id"] && x["waiting_for"] == "dispatch"));
    // Only an officer of the 板块 (or an administrator) re-routes.
    assert_eq!(act(&w, &w.ent, &t, json!({"action": "dispatch", "department": "miit"})).status, 403);
    assert_eq!(act(&w, &w.officer, &t, json!({"action": "dispatch", "department": "nowhere"})).status, 422);
    let t = ok(act(&w, &w.officer, &t, json!({"action": "dispatch", "department": "miit"})));
    assert_eq!((t["state"].as_str(), t["department"].as_str()), (Some("dispatched"), Some("miit")));
    assert_eq!(todo(&w, &w.officer, "dispatch"), dispatch0 - 1, "re-routed: off the officer's list");
    // Overdue requests of the 板块 wait for the officer's 催办.
    let late = w.s.json_as(&w.officer, "/api/v1/tickets?overdue=true")["total"].as_u64();
    assert_eq!(Some(todo(&w, &w.officer, "urge")), late);
    // The officer urges; the urge is recorded without changing the state.
    let t = ok(act(&w, &w.officer, &t, json!({"action": "urge", "note": "请尽快签收"})));
    assert_eq!(t["state"], "dispatched");
    let d = w.s.json_as(&w.admin, "/api/v1/service/dashboard");
    let ndrc = d["by_department"].as_array().expect("departments").iter().find(|x| x["id"] == "ndrc").expect("ndrc");
    assert_eq!((ndrc["stats"]["dispatches"].as_u64(), ndrc["stats"]["returns"].as_u64()), (Some(1), Some(1)));
    // Bad requests name the field.
    for (body, field) in [
        (json!({"description": "x", "enterprise_id": w.eid}), "category"),
        (json!({"category": "nope", "description": "x", "enterprise_id": w.eid}), "category"),
        (json!({"category": "land", "enterprise_id": w.eid}), "description"),
        (json!({"category": "land", "description": "x"}), "enterprise_id"),
        (json!({"category": "land", "description": "x", "enterprise_id": w.eid, "region_code": "320382"}), "region_code"),
        (json!({"category": "land", "description": "x", "enterprise_id": w.eid, "colour": "red"}), "colour"),
    ] {
        let r = w.s.send_as(&w.officer, "POST", "/api/v1/tickets", &body);
        assert!(matches!(r.status, 400 | 403), "{body}: {}", r.status);
        assert_eq!(r.json()["error"]["parameter"], field, "{body}");
    }
}

#[test]
fn the_calendar_is_edited_by_the_administrator_and_policies_match_with_reasons() {
    let w = world();
    let cal = w.s.json("/api/v1/calendar?year=2025");
    let entries = cal["entries"].as_array().expect("entries");
    assert!(entries.iter().any(|e| e["date"] == "2025-10-01" && e["kind"] == "holiday"));
    assert!(entries.iter().any(|e| e["date"] == "2025-09-28" && e["kind"] == "workday"));
    // A bad entry changes nothing.
    let r = w.s.send_as(
        &w.admin,
        "PUT",
        "/api/v1/calendar",
        &json!({"year": 2027, "entries": [{"date": "2027-02-30", "kind": "holiday", "name": "x"}]}),
    );
    assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (400, Some("entries[0]")));
    let r = w.s.send_as(
        &w.admin,
        "PUT",
        "/api/v1/calendar",
        &json!({"year": 2027, "entries": [{"date": "2027-03-02", "kind": "workday", "name": "x"}]}),
    );
    assert_eq!(r.status, 400, "a make-up working day must be a weekend day");
    let r = w.s.send_as(
        &w.admin,
        "PUT",
        "/api/v1/calendar",
        &json!({"year": 2027, "entries": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}),
    );
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    assert_eq!(w.s.json("/api/v1/calendar?year=2027")["entries"].as_array().map(Vec::len), Some(1));
    assert!(w.s.json("/api/v1/calendar?year=2025")["entries"].as_array().expect("2025").len() > 10, "other years kept");
    assert_eq!(w.s.send_as(&w.officer, "PUT", "/api/v1/calendar", &json!({"year": 2027, "entries": []})).status, 403);

    // Policies: the list is public; matches give a reason per criterion, 免申即享 first.
    let list = w.s.json("/api/v1/policies");
    let srdi = list["items"].as_array().expect("policies").iter().find(|p| p["id"] == "srdi-award").expect("srdi-award");
    assert_eq!(srdi["no_application"], true);
    let m = w.s.json_as(&w.officer, "/api/v1/policies/srdi-award/matches?limit=50");
    let items = m["items"].as_array().expect("matches");
    assert!(!items.is_empty(), "some local 专精特新 enterprises qualify");
    let first = &items[0];
    assert_eq!(first["eligible"], true);
    assert!(first["enterprise_id"].is_i64(), "a match links to its enterprise");
    assert_eq!(first["no_application"], true);
    assert!(first["reasons"].as_array().expect("reasons").iter().all(|r| r["detail_zh"].is_string() && r["outcome"].is_string()));
    // Eligible ones come before merely possible ones.
    let statuses: Vec<&str> = items.iter().filter_map(|i| i["status"].as_str()).collect();
    let first_possible = statuses.iter().position(|s| *s == "possible").unwrap_or(statuses.len());
    assert!(statuses[..first_possible].iter().all(|s| *s == "eligible"), "{statuses:?}");
    // An enterprise sees its own policies, not another's.
    let own = w.s.json_as(&w.ent, &format!("/api/v1/enterprises/{}/policies", w.eid));
    assert!(own["items"].as_array().expect("items").iter().all(|i| i["reasons"].is_array()));
    assert_eq!(w.s.get_as(&w.ent, "/api/v1/enterprises/1/policies").status, if w.eid == 1 { 200 } else { 403 });
    assert_eq!(w.s.get("/api/v1/policies/srdi-award/matches").status, 401);
}
