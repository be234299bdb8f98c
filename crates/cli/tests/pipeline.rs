//! The project pipeline over HTTP on the default dataset: the seed's figures computed from the records, the
//! report workbook read back, the stage machine with optimistic versioning, and bad input refused by field.

mod common;

use common::{Env, Server, Session, TEST_PASSWORD};
use serde_json::{json, Value};

/// The default data served, with an administrator (`a`) and an officer for 鼓楼区 (320302) and 泉山区 (320311).
fn server() -> (Env, Server, Session, Session) {
    let env = Env::new();
    env.ok(&["init"]);
    env.add_user("officer1", "officer", &["--regions", "320312,320303"]);
    env.add_user("dept1", "department", &["--department", "市自然资源和规划局"]);
    let server = Server::start(&env, &[("CHAINSCOPE_TODAY", "2026-11-28")]);
    let admin = server.login("admin", TEST_PASSWORD);
    let officer = server.login("officer1", TEST_PASSWORD);
    (env, server, admin, officer)
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn tiers(v: &Value) -> Vec<u64> {
    v.as_array().expect("tiers").iter().map(|t| t["count"].as_u64().expect("count")).collect()
}

#[test]
fn the_seed_figures_are_computed_from_the_records() {
    let (_env, s, a, _o) = server();
    // January–September 2022: 566 projects = 80.9% of the 700 task; 473 in 343 = 83.6%.
    let d = s.json_as(&a, "/api/v1/dashboard?month=2022-09");
    assert_eq!(d["through"], "2022-09-30");
    assert_eq!((f(&d["city"]["signed"]), f(&d["city"]["target_projects"])), (566.0, 700.0));
    assert_eq!(f(&d["city"]["completion_pct"]), 80.9);
    assert_eq!((f(&d["city"]["in_system"]), f(&d["city"]["in_system_pct"])), (473.0, 83.6));
    // The months add up to the year to date, and the league's 板块 add up to the city.
    let months: f64 = d["months"].as_array().expect("months").iter().map(|m| f(&m["signed"])).sum();
    assert_eq!(months, 566.0);
    let league: f64 = d["league"].as_array().expect("league").iter().map(|r| f(&r["progress"]["signed"])).sum();
    assert_eq!(league, 566.0);
    let tiers_sum: f64 = d["by_tier"].as_array().expect("tiers").iter().map(|t| f(&t["signed"])).sum();
    assert_eq!(tiers_sum, 473.0);

    // The 2022 fair: 43 signed; 39 in 343 = 90.7% (20 · 15 · 4); 4 others = 9.3%.
    let fair = s.json_as(&a, "/api/v1/events/fair-2022");
    assert_eq!((f(&fair["signed"]), f(&fair["in_system"]), f(&fair["in_system_pct"])), (43.0, 39.0, 90.7));
    assert_eq!(tiers(&fair["by_tier"]), vec![20, 15, 4]);
    assert_eq!((f(&fair["other"]), f(&fair["other_pct"])), (4.0, 9.3));
    assert_eq!(fair["projects"].as_array().expect("projects").iter().filter(|p| p["signed_on"].is_string()).count(), 43);
    // The year's dashboard shows the fair.
    let year = s.json_as(&a, "/api/v1/dashboard?year=2022");
    assert_eq!(year["through"], "2022-12-31");
    assert_eq!(year["fair"]["id"], "fair-2022");
    assert_eq!(f(&year["fair"]["signed"]), 43.0);

    // Hangzhou, 19 October 2022: 12 projects signed by 7 板块.
    let hz = s.json_as(&a, "/api/v1/events/hz-2022-10-19");
    assert_eq!((f(&hz["signed"]), f(&hz["signing_region_count"])), (12.0, 7.0));
    let names: Vec<&str> = hz["signing_regions"].as_array().expect("regions").iter().filter_map(|r| r["name_zh"].as_str()).collect();
    for expected in ["沛县", "铜山区", "鼓楼区"] {
        assert!(names.contains(&expected), "{expected} among {names:?}");
    }
}

#[test]
fn every_league_row_drills_down_to_its_projects() {
    let (_env, s, a, _o) = server();
    let d = s.json_as(&a, "/api/v1/dashboard?month=2022-09");
    // Overdue checklist items carry the catalogue's English name of their department where it knows the bureau.
    let tasks = d["overdue_tasks"].as_array().expect("overdue tasks");
    let land: Vec<&Value> = tasks.iter().filter(|o| o["department"].as_str().is_some_and(|x| x.contains("自然资源和规划局"))).collect();
    assert!(!land.is_empty(), "some land or planning items are overdue at 2022-09");
    assert!(land.iter().all(|o| o["department_en"] == "Xuzhou Natural Resources and Planning Bureau"), "{land:?}");
    for row in d["league"].as_array().expect("league").iter().take(4) {
        let code = row["progress"]["key"].as_str().expect("code");
        let list = s.json_as(&a, &format!("/api/v1/projects?region={code}&signed_from=2022-01-01&signed_to=2022-09-30&limit=1"));
        assert_eq!(f(&list["total"]), f(&row["progress"]["signed"]), "板块 {code}");
    }
    // Started, producing and dropped this year, and the stages on the day, open their projects too.
    for (stage, figure) in [("started", "started"), ("producing", "producing"), ("dropped", "dropped")] {
        let list = s.json_as(&a, &format!("/api/v1/projects?reached={stage}&reached_from=2022-01-01&reached_to=2022-09-30&limit=1"));
        assert_eq!(list["total"], d[figure], "{stage}");
    }
    for st in d["stages"].as_array().expect("stages") {
        let stage = st["stage"].as_str().expect("stage");
        let list = s.json_as(&a, &format!("/api/v1/projects?stage={stage}&stage_on=2022-09-30&limit=1"));
        assert_eq!(list["total"], st["count"], "stage {stage} on 2022-09-30");
    }
    // The board's stage counts add up to the table's total.
    let all = s.json_as(&a, "/api/v1/projects?limit=1");
    let stages: f64 = all["stages"].as_array().expect("stages").iter().map(|x| f(&x["count"])).sum();
    assert_eq!(stages, f(&all["total"]));
    let signed_only = s.json_as(&a, "/api/v1/projects?stage=signed&limit=1");
    let signed_stage = all["stages"].as_array().expect("stages").iter().find(|x| x["stage"] == "signed").expect("signed");
    assert_eq!(signed_only["total"], signed_stage["count"]);
}

#[test]
fn the_report_workbook_holds_the_dashboard_figures() {
    use calamine::{Data, Reader, Xlsx};
    let (_env, s, a, _o) = server();
    let dash = s.json_as(&a, "/api/v1/dashboard?through=2022-09-30");
    let r = s.get_as(&a, "/api/v1/reports?period=2022-Q3&format=xlsx");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(r.body.clone())).expect("an xlsx workbook");
    let names = book.sheet_names().clone();
    assert!(names.len() >= 6, "{names:?}");
    let summary = book.worksheet_range(&names[0]).expect("summary");
    let value = |label: &str| -> f64 {
        summary
            .rows()
            .find(|row| matches!(&row[0], Data::String(s) if s.starts_with(label)))
            .and_then(|row| match &row[1] {
                Data::Float(x) => Some(*x),
                Data::Int(x) => Some(*x as f64),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no figure {label}"))
    };
    assert_eq!(value("年初至今签约"), f(&dash["city"]["signed"]));
    assert_eq!(value("年度任务"), 700.0);
    assert_eq!(value("完成率"), 80.9);
    assert_eq!(value("年初至今343项目"), 473.0);
    assert_eq!(value("343占比"), 83.6);
    // The quarter's own figure equals July + August + September on the dashboard.
    let q3: f64 = dash["months"].as_array().expect("months")[6..9].iter().map(|m| f(&m["signed"])).sum();
    assert_eq!(value("本期签约"), q3);
    // The league sheet lists every 板块 in the dashboard's order with the same counts.
    let league = book.worksheet_range(&names[1]).expect("league");
    let rows: Vec<_> = league.rows().skip(1).collect();
    let dl = dash["league"].as_array().expect("league");
    assert_eq!(rows.len(), dl.len());
    for (row, d) in rows.iter().zip(dl) {
        assert_eq!(row[1], Data::String(d["progress"]["key"].as_str().expect("key").to_string()));
        assert_eq!(row[3], Data::Float(f(&d["progress"]["signed"])));
    }
    // A month's JSON report agrees with the dashboard's month.
    let sep = s.json_as(&a, "/api/v1/reports?period=2022-09");
    assert_eq!(f(&sep["in_period"]["signed"]), f(&dash["months"][8]["signed"]));
    assert_eq!(sep["year_to_date"]["city"], dash["city"]);
}

#[test]
fn a_project_moves_only_validly_and_no_edit_is_lost() {
    let (env, s, a, o) = server();
    let created = s.send_as(&o,
        "POST",
        "/api/v1/projects",
        &json!({"name": "测试年产5万台液压泵项目", "region_code": "320312", "cluster": "construction-machinery", "amount": 52000, "by": "officer1", "date": "2026-11-10"}),
    );
    assert_eq!(created.status, 201, "{}", common::text(&created.body));
    let p = created.json();
    let id = p["id"].as_str().expect("id").to_string();
    assert_eq!((p["stage"].as_str(), p["version"].as_i64(), p["band"].as_str()), (Some("lead"), Some(1), Some("3-10")));
    let url = format!("/api/v1/projects/{id}");
    let moves = format!("{url}/moves");

    // Forward one step.
    let r = s.send_as(&o, "POST", &moves, &json!({"version": 1, "to": "contact", "by": "officer1", "date": "2026-11-20"}));
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    assert_eq!(r.json()["version"], 2);
    // Jumping to 签约 is not a valid move; dropping needs a reason; a stale version is a conflict.
    let r = s.send_as(&o, "POST", &moves, &json!({"version": 2, "to": "signed"}));
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (422, Some("move_not_allowed")));
    let r = s.send_as(&o, "POST", &moves, &json!({"version": 2, "to": "dropped"}));
    assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (422, Some("reason")));
    let r = s.send_as(&o, "POST", &moves, &json!({"version": 1, "to": "negotiating"}));
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (409, Some("version_conflict")));
    let r = s.send_as(&o, "POST", &moves, &json!({"version": 2, "to": "negotiating", "date": "2026-11-19"}));
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (422, Some("date_before_last_move")));

    // Two officers edit version 2 at once: exactly one wins, the other is told.
    let results: Vec<u16> = std::thread::scope(|sc| {
        let a = sc.spawn(|| s.send_as(&o, "PATCH", &url, &json!({"version": 2, "amount": 60000, "by": "officer1"})).status);
        let b = sc.spawn(|| s.send_as(&o, "PATCH", &url, &json!({"version": 2, "jobs": 300, "by": "officer-b"})).status);
        vec![a.join().expect("a"), b.join().expect("b")]
    });
    let mut sorted = results.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![200, 409], "{results:?}");
    let now = s.json_as(&o, &url);
    assert_eq!(now["version"], 3);
    assert!(now["amount"] == 60000.0 || now["jobs"] == 300, "one edit applied: {now}");
    assert!(!(now["amount"] == 60000.0 && now["jobs"] == 300), "not both");

    // On to 签约: the standard checklist appears; tick the land item.
    for (v, to) in [(3, "negotiating"), (4, "signed")] {
        let r = s.send_as(&o, "POST", &moves, &json!({"version": v, "to": to, "by": "officer1"}));
        assert_eq!(r.status, 200, "{to}: {}", common::text(&r.body));
    }
    let signed = s.json_as(&o, &url);
    let mut checklist = signed["checklist"].as_array().expect("checklist").clone();
    assert_eq!(checklist.len(), 7);
    assert!(signed["blockers"].as_array().expect("blockers").iter().any(|b| b["title_zh"] == "土地供应（出让或租赁）"));
    let land = checklist.iter_mut().find(|t| t["kind"] == "land").expect("land");
    land["status"] = json!("done");
    // The land department ticks its own item; it may not touch another department's item.
    let dept = s.login("dept1", TEST_PASSWORD);
    let mut foreign = checklist.clone();
    let eia = foreign.iter_mut().find(|t| t["kind"] == "eia").expect("eia");
    eia["status"] = json!("done");
    let r = s.send_as(&dept, "PATCH", &url, &json!({"version": 5, "checklist": foreign}));
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (403, Some("outside_scope")));
    let r = s.send_as(&dept, "PATCH", &url, &json!({"version": 5, "amount": 1}));
    assert_eq!(r.status, 403);
    let r = s.send_as(&dept, "PATCH", &url, &json!({"version": 5, "checklist": checklist}));
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    let after = r.json();
    assert!(!after["blockers"].as_array().expect("blockers").iter().any(|b| b["title_zh"] == "土地供应（出让或租赁）"));
    assert_eq!(after["checklist"].as_array().expect("c").iter().find(|t| t["kind"] == "land").expect("land")["done_on"], "2026-11-28");

    // Moving back needs a reason, and every move stays in the history with who made it.
    let r = s.send_as(&o, "POST", &moves, &json!({"version": 6, "to": "negotiating", "reason": "投资方要求重新谈判", "by": "officer1"}));
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    let back = r.json();
    let history: Vec<(&str, Option<&str>)> =
        back["history"].as_array().expect("history").iter().map(|h| (h["stage"].as_str().expect("stage"), h["by"].as_str())).collect();
    let stages: Vec<&str> = history.iter().map(|h| h.0).collect();
    assert_eq!(stages, vec!["lead", "contact", "negotiating", "signed", "negotiating"]);
    assert!(history.iter().all(|h| h.1 == Some("officer1")), "{history:?}");
    // Seven versions, each logged and readable as it was.
    let log = back["log"].as_array().expect("log");
    assert_eq!(log.iter().map(|l| l["version"].as_i64().expect("v")).collect::<Vec<_>>(), (1..=7).collect::<Vec<_>>());
    assert!(log.iter().any(|l| l["actor"] == "dept1" && l["action"] == "checklist"));
    // The spreadsheet download carries every move with who made it and why, on a second sheet.
    {
        use calamine::{Data, Reader, Xlsx};
        let r = s.get_as(&o, &format!("/api/v1/projects?q={}&format=xlsx", "%E6%B5%8B%E8%AF%95%E5%B9%B4%E4%BA%A7"));
        assert_eq!(r.status, 200);
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(r.body.clone())).expect("an xlsx workbook");
        let names = book.sheet_names().clone();
        assert_eq!(names.len(), 2, "{names:?}");
        let moves = book.worksheet_range(&names[1]).expect("moves");
        let text = |d: &Data| match d {
            Data::String(x) => x.clone(),
            Data::Empty => String::new(),
            other => other.to_string(),
        };
        let rows: Vec<Vec<String>> = moves.rows().skip(1).filter(|r| text(&r[0]) == id).map(|r| r.iter().map(text).collect()).collect();
        assert_eq!(rows.len(), 5, "one row per move: {rows:?}");
        assert_eq!(rows.iter().map(|r| r[2].as_str()).collect::<Vec<_>>(), ["线索", "接洽", "在谈", "签约", "在谈"]);
        assert_eq!((rows[4][4].as_str(), rows[4][5].as_str()), ("officer1", "投资方要求重新谈判"), "{rows:?}");
        assert!(rows.iter().all(|r| r[4] == "officer1"));
        assert_eq!(rows[0][3], "2026-11-10");
    }
    // An officer of other 板块 may read but not write it; an anonymous caller may do neither.
    let r = s.send_as(&a, "POST", "/api/v1/projects", &json!({"name": "他区项目", "region_code": "320382"}));
    assert_eq!(r.status, 201);
    let other = r.json()["id"].as_str().expect("id").to_string();
    let r = s.send_as(&o, "PATCH", &format!("/api/v1/projects/{other}"), &json!({"version": 1, "amount": 5}));
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (403, Some("outside_scope")));
    let r = s.send_as(&o, "POST", "/api/v1/projects", &json!({"name": "越界", "region_code": "320382"}));
    assert_eq!(r.status, 403);
    let r = s.send_as(&o, "PATCH", &url, &json!({"version": 7, "region_code": "320382"}));
    assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (403, Some("region_code")));
    assert_eq!(s.get(&url).status, 401);
    let v1 = s.json_as(&o, &format!("{url}/versions/1"));
    assert_eq!((v1["stage"].as_str(), v1["amount"].as_f64()), (Some("lead"), Some(52000.0)));

    // The store agrees, and an export–import round trip keeps the checklist and who moved.
    env.ok(&["export", "--kind", "projects", env.file("p.csv").to_str().expect("path")]);
    env.ok(&["import", "--kind", "projects", env.file("p.csv").to_str().expect("path")]);
    use chainscope_store::prelude::*;
    let stored = env.store().project(&id).expect("read").expect("stored");
    assert_eq!(stored.checklist.len(), 7);
    assert_eq!(stored.history[4].reason.as_deref(), Some("投资方要求重新谈判"));
}

#[test]
fn bad_input_is_refused_naming_the_field() {
    let (_env, s, a, _o) = server();
    let bad = |method: &str, path: &str, body: Value, status: u16, field: &str| {
        let r = s.send_as(&a, method, path, &body);
        assert_eq!(r.status, status, "{method} {path} {body}: {}", common::text(&r.body));
        assert_eq!(r.json()["error"]["parameter"], field, "{method} {path} {body}");
    };
    bad("POST", "/api/v1/projects", json!({}), 400, "body");
    bad("POST", "/api/v1/projects", json!({"region_code": "320312"}), 400, "name");
    bad("POST", "/api/v1/projects", json!({"name": "x", "region_code": "999999"}), 400, "region_code");
    bad("POST", "/api/v1/projects", json!({"name": "x", "region_code": "320312", "amount": -5}), 400, "amount");
    bad("POST", "/api/v1/projects", json!({"name": "x", "region_code": "320312", "amount": 1e12}), 400, "amount");
    bad("POST", "/api/v1/projects", json!({"name": "x", "region_code": "320312", "amount": "lots"}), 400, "amount");
    bad("POST", "/api/v1/projects", json!({"name": "x", "region_code": "320312", "colour": "red"}), 400, "colour");
    bad(
        "POST",
        "/api/v1/projects",
        json!({"name": "x", "region_code": "320312", "cluster": "steel", "other_category": "modern-service"}),
        400,
        "other_category",
    );
    bad("POST", "/api/v1/projects", json!({"name": "x", "region_code": "320312", "node": "no.such.node"}), 400, "node");
    bad("POST", "/api/v1/projects", json!({"name": "x", "region_code": "320312", "date": "2099-01-01"}), 400, "date");
    bad(
        "POST",
        "/api/v1/projects",
        json!({"name": "x", "region_code": "320312", "investor_enterprise_id": 999999999}),
        400,
        "investor_enterprise_id",
    );
    let v = s.json_as(&a, "/api/v1/projects/p-2022-0001")["version"].clone();
    bad("PATCH", "/api/v1/projects/p-2022-0001", json!({"amount": 1}), 400, "version");
    bad("PATCH", "/api/v1/projects/p-2022-0001", json!({"version": v, "stage": "signed"}), 400, "stage");
    bad("PATCH", "/api/v1/projects/p-2022-0001", json!({"version": v, "checklist": [{"title_zh": "x"}]}), 400, "checklist[0]");
    bad("PATCH", "/api/v1/projects/p-2022-0001", json!({"version": v, "amount_paid": 1e7}), 400, "amount_paid");
    bad(
        "PUT",
        "/api/v1/targets",
        json!({"year": 2027, "items": [{"scope": "region", "key": "320312", "metric": "projects", "value": -1}]}),
        400,
        "items[0]",
    );
    bad(
        "PUT",
        "/api/v1/targets",
        json!({"year": 2027, "items": [{"scope": "cluster", "key": "nonsense", "metric": "projects", "value": 3}]}),
        400,
        "items[0]",
    );
    for item in [
        json!({"scope": "region", "key": "110101", "metric": "projects", "value": 3}),
        json!({"scope": "region", "key": "320300", "metric": "projects", "value": 3}),
        json!({"scope": "city", "key": "foo", "metric": "projects", "value": 3}),
        json!({"scope": "region", "key": "320312", "metric": "projects", "value": 2.5}),
        json!({"scope": "region", "key": "320312", "metric": "projects", "value": "7"}),
    ] {
        bad("PUT", "/api/v1/targets", json!({"year": 2027, "items": [item]}), 400, "items[0]");
    }
    bad("POST", "/api/v1/events", json!({"name_zh": "对接会"}), 400, "date");
    for (path, field) in [
        ("/api/v1/dashboard?month=2022-13", "month"),
        ("/api/v1/dashboard?month=9999-12", "month"),
        ("/api/v1/dashboard?through=9999-12-31", "through"),
        ("/api/v1/reports?period=-1-Q1", "period"),
        ("/api/v1/reports?period=9999-12", "period"),
        ("/api/v1/reports?period=0", "period"),
        ("/api/v1/dashboard?through=yesterday", "through"),
        ("/api/v1/dashboard?year=2022&through=2021-05-01", "through"),
        ("/api/v1/reports?period=someday", "period"),
        ("/api/v1/reports", "period"),
        ("/api/v1/projects?stage=flying", "stage"),
        ("/api/v1/projects?band=huge", "band"),
        ("/api/v1/projects?colour=red", "colour"),
    ] {
        let r = s.get_as(&a, path);
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(r.json()["error"]["parameter"], field, "{path}");
    }
    let r = s.get_as(&a, "/api/v1/projects/no-such-project");
    assert_eq!(r.status, 404);
    let r = s.send_as(&a, "PATCH", "/api/v1/projects/no-such-project", &json!({"version": 1, "amount": 1}));
    assert_eq!(r.status, 404);
    // Nothing was written by any of the refused requests.
    assert_eq!(s.json_as(&a, "/api/v1/projects/p-2022-0001")["version"], v);
    // A valid target write is stored and read back.
    let r = s.send_as(
        &a,
        "PUT",
        "/api/v1/targets",
        &json!({"year": 2027, "items": [{"scope": "region", "key": "320312", "metric": "projects", "value": 90}]}),
    );
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    let t = s.json_as(&a, "/api/v1/targets?year=2027");
    assert_eq!(t["items"][0]["value"], 90.0);
    // A value of null removes a target; a refused row in the same request leaves it in place.
    let removal = json!({"scope": "region", "key": "320312", "metric": "projects", "value": null});
    let r = s.send_as(
        &a,
        "PUT",
        "/api/v1/targets",
        &json!({"year": 2027, "items": [removal, {"scope": "region", "key": "320312", "metric": "amount", "value": -5}]}),
    );
    assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (400, Some("items[1]")));
    assert_eq!(s.json_as(&a, "/api/v1/targets?year=2027")["items"].as_array().map(Vec::len), Some(1));
    let r = s.send_as(
        &a,
        "PUT",
        "/api/v1/targets",
        &json!({"year": 2027, "items": [removal, {"scope": "city", "key": "320300", "metric": "projects", "value": 800}]}),
    );
    assert_eq!(r.status, 200, "{}", common::text(&r.body));
    assert_eq!((r.json()["removed"].as_u64(), r.json()["written"]["inserted"].as_u64()), (Some(1), Some(1)));
    let t = s.json_as(&a, "/api/v1/targets?year=2027");
    let keys: Vec<&str> = t["items"].as_array().expect("items").iter().filter_map(|x| x["key"].as_str()).collect();
    assert_eq!(keys, ["320300"], "the 板块 target is gone, the city's is there");
    // The dashboard no longer counts against the removed target.
    let d = s.json_as(&a, "/api/v1/dashboard?year=2027");
    assert_eq!(d["city"]["target_projects"], 800.0);
    let row = d["league"].as_array().and_then(|rs| rs.iter().find(|x| x["progress"]["key"] == "320312")).cloned().unwrap_or(Value::Null);
    assert!(row.is_null() || row["progress"]["target_projects"].is_null(), "{row}");
    // Removing what is not there removes nothing.
    let r = s.send_as(&a, "PUT", "/api/v1/targets", &json!({"year": 2027, "items": [removal]}));
    assert_eq!((r.status, r.json()["removed"].as_u64()), (200, Some(0)));
}

#[test]
fn an_officer_narrows_the_pipeline_to_their_own_boards() {
    let (_env, s, a, o) = server();
    let total = |who: &Session, q: &str| s.json_as(who, &format!("/api/v1/projects?limit=1{q}"))["total"].as_u64().expect("total");
    // officer1 works 320312 and 320303: mine = the two 板块 together, late ones included.
    for extra in ["", "&overdue=true", "&stage=signed"] {
        let both = total(&o, &format!("&region=320312{extra}")) + total(&o, &format!("&region=320303{extra}"));
        assert_eq!(total(&o, &format!("&mine=true{extra}")), both, "mine{extra}");
    }
    assert!(total(&o, "&mine=true") < total(&o, ""), "narrower than the whole pipeline");
    // For other roles mine does not narrow.
    assert_eq!(total(&a, "&mine=true"), total(&a, ""));
    assert_eq!(s.get_as(&o, "/api/v1/projects?mine=perhaps").status, 400);
}

#[test]
fn a_lead_becomes_a_project_once() {
    let (_env, s, a, _o) = server();
    let leads = s.json_as(&a, "/api/v1/leads?cluster=construction-machinery&limit=1");
    let lead = &leads["leads"][0];
    let eid = lead["id"].as_i64().expect("enterprise id");
    let body = json!({"name": "引进项目", "investor_enterprise_id": eid, "region_code": "320312", "cluster": "construction-machinery", "channel": "chain", "by": "officer-a"});
    let r = s.send_as(&a, "POST", "/api/v1/projects", &body);
    assert_eq!(r.status, 201, "{}", common::text(&r.body));
    assert_eq!(r.json()["investor"], lead["name"]);
    let again = s.send_as(&a, "POST", "/api/v1/projects", &body);
    assert_eq!((again.status, again.json()["error"]["code"].as_str()), (409, Some("already_in_pipeline")));
}
