//! `chainscope serve` on the default dataset, on a real loopback port: the records behind the figures, profiles,
//! search, markers, complexity, compression, and the reload after an import while serving.

mod common;

use common::{Env, Server};
use serde_json::Value;
use std::time::{Duration, Instant};

fn count(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

fn sum_counts(cells: &Value) -> u64 {
    cells.as_array().expect("a list").iter().map(|c| count(&c["count"])).sum()
}

/// One server over one initialised default dataset for the read-only tests in this file.
fn default_server() -> (Env, Server) {
    let env = Env::new();
    env.ok(&["init"]);
    let server = Server::start(&env, &[]);
    (env, server)
}

#[test]
fn every_heat_figure_lists_exactly_the_records_it_counts() {
    let (_env, s) = default_server();
    // An H3 cell at resolution 7 and an administrative unit, each with a chain filter.
    let heat = s.json("/api/v1/heat?cluster=construction-machinery&res=7");
    let top = &heat["cells"][0];
    let cell = top["key"].as_str().expect("cell key");
    let list = s.json(&format!("/api/v1/enterprises?cluster=construction-machinery&cell={cell}&limit=500"));
    assert_eq!(count(&list["total"]), count(&top["count"]), "the list behind cell {cell}");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len() as u64, count(&top["count"]).min(500));
    // Largest revenue first, and every record is on a construction-machinery node.
    let revenues: Vec<f64> = items.iter().map(|i| i["revenue"].as_f64().unwrap_or(0.0)).collect();
    assert!(revenues.windows(2).all(|w| w[0] >= w[1]), "sorted by revenue: {revenues:?}");
    let taxonomy = s.json("/api/v1/taxonomy");
    let chains: Vec<&str> = taxonomy["chains"]
        .as_array()
        .expect("chains")
        .iter()
        .filter(|c| c["cluster"] == "construction-machinery")
        .filter_map(|c| c["id"].as_str())
        .collect();
    for i in items {
        let on_cluster = i["nodes"].as_array().expect("nodes").iter().any(|n| n["chain"].as_str().is_some_and(|c| chains.contains(&c)));
        assert!(on_cluster, "{} is not on a chain of {chains:?}", i["name"]);
    }

    let units = s.json("/api/v1/heat?group=admin&level=county&node=cm.hydraulics");
    for unit in units["cells"].as_array().expect("cells").iter().take(3) {
        let code = unit["key"].as_str().expect("code");
        let list = s.json(&format!("/api/v1/enterprises?node=cm.hydraulics&region={code}&limit=1"));
        assert_eq!(list["total"], unit["count"], "county {code}");
    }

    // Paging walks the same set without repeats.
    let a = s.json("/api/v1/enterprises?node=cm.hydraulics&limit=5&offset=0");
    let b = s.json("/api/v1/enterprises?node=cm.hydraulics&limit=5&offset=5");
    let ids = |v: &Value| v["items"].as_array().expect("items").iter().map(|i| count(&i["id"])).collect::<Vec<_>>();
    assert!(ids(&a).iter().all(|x| !ids(&b).contains(x)));

    // Bad parameters name themselves.
    for (path, param) in [
        ("/api/v1/enterprises?cell=zz", "cell"),
        ("/api/v1/enterprises?limit=0", "limit"),
        ("/api/v1/enterprises?sort=name", "sort"),
        ("/api/v1/enterprises?colour=red", "colour"),
    ] {
        let r = s.get(path);
        assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (400, Some(param)), "{path}");
    }
}

#[test]
fn profiles_search_parks_regions_and_markers() {
    let (_env, s) = default_server();

    // Search: Chinese substring, English in any case, nodes by keyword, places, and no personal data.
    let hits = s.json("/api/v1/search?q=%E5%BE%90%E5%B7%A5"); // 徐工
    let xcmg =
        hits["enterprises"].as_array().expect("enterprises").iter().find(|e| e["name_en"].as_str().is_some_and(|n| n.contains("XCMG")));
    let xcmg = xcmg.expect("徐工 finds XCMG");
    // Best first: names starting with the text, local ones first (徐州徐工… only contains it).
    let first = &hits["enterprises"][0];
    assert!(first["name"].as_str().is_some_and(|n| n.starts_with("徐工")) && first["flags"]["local"] == true, "{first}");
    let sany = s.json("/api/v1/search?q=%E4%B8%89%E4%B8%80"); // 三一
    assert_eq!(sany["enterprises"][0]["name"], "三一重工股份有限公司", "{}", sany["enterprises"]);
    let en = s.json("/api/v1/search?q=xcmg");
    assert!(en["enterprises"].as_array().expect("list").iter().any(|e| e["id"] == xcmg["id"]), "case-insensitive English");
    let places = s.json("/api/v1/search?q=%E9%93%9C%E5%B1%B1"); // 铜山
    assert_eq!(places["places"][0]["code"], "320312", "铜山区 first: {}", places["places"]);
    let nodes = s.json("/api/v1/search?q=hydraulic");
    assert!(nodes["nodes"].as_array().expect("nodes").iter().any(|n| n["id"] == "cm.hydraulics"));
    assert_eq!(s.get("/api/v1/search").status, 400);

    // Enterprise profile: identity, nodes with names, partners resolved to their own profiles.
    let id = count(&xcmg["id"]);
    let p = s.json(&format!("/api/v1/enterprises/{id}"));
    assert_eq!(p["name"], xcmg["name"]);
    assert!(p["memberships"].as_array().expect("memberships").iter().all(|m| m["name_zh"].is_string()));
    assert!(p.get("legal_rep").is_none() && p.get("phone").is_none(), "no personal fields on a public route");
    assert_eq!(s.get("/api/v1/enterprises/999999999").status, 404);
    assert_eq!(s.get("/api/v1/enterprises/abc").status, 400);
    // A synthetic enterprise with suppliers: each resolved supplier's profile exists and has that name.
    let list = s.json("/api/v1/enterprises?cluster=construction-machinery&synthetic=true&sort=employees&limit=50");
    let mut checked = 0;
    for item in list["items"].as_array().expect("items") {
        let prof = s.json(&format!("/api/v1/enterprises/{}", item["id"]));
        for sup in prof["suppliers"].as_array().expect("suppliers") {
            if let Some(sid) = sup["id"].as_u64() {
                let other = s.json(&format!("/api/v1/enterprises/{sid}"));
                assert_eq!(other["name"], sup["name"]);
                checked += 1;
            }
        }
        if checked >= 3 {
            break;
        }
    }
    assert!(checked > 0, "some supplier links resolve");

    // Parks: filters, the profile's residents within its radius.
    let all = s.json("/api/v1/parks");
    let with_space = s.json("/api/v1/parks?has_space=true");
    assert!(count(&with_space["total"]) > 0 && count(&with_space["total"]) < count(&all["total"]));
    assert!(with_space["items"].as_array().expect("items").iter().all(|p| p["has_space"] == true));
    assert!(all["items"].as_array().expect("items").iter().all(|p| p.get("contact_phone").is_none()));
    let park = s.json("/api/v1/parks/park-xzedz");
    let res = &park["residents"];
    let km = res["radius_km"].as_f64().expect("radius");
    let (plat, plon) = (park["park"]["lat"].as_f64().expect("lat"), park["park"]["lon"].as_f64().expect("lon"));
    for e in res["top"].as_array().expect("top") {
        let (lat, lon) = (e["lat"].as_f64().expect("lat"), e["lon"].as_f64().expect("lon"));
        let d = 111.2 * ((lat - plat).powi(2) + ((lon - plon) * plat.to_radians().cos()).powi(2)).sqrt();
        assert!(d <= km + 0.1, "{} is {d:.2} km away, radius {km:.2}", e["name"]);
    }
    assert!(count(&res["total"]) > 0);
    let listed = s.json("/api/v1/enterprises?park=park-xzedz&limit=5");
    assert_eq!(listed["total"], res["total"], "the park's resident count lists its records");
    assert_eq!(s.get("/api/v1/parks/nope").status, 404);
    assert_eq!(s.get("/api/v1/parks?kind=castle").status, 400);
    assert!(count(&s.json("/api/v1/hubs")["total"]) >= 5);

    // Region profile: a retired code resolves to its successor; totals agree with the heat map.
    let r = s.json("/api/v1/regions/320304");
    assert_eq!((r["region"]["code"].as_str(), r["retired"].as_bool()), (Some("320302"), Some(true)));
    let counties = s.json("/api/v1/heat?group=admin&level=county");
    let gulou = counties["cells"].as_array().expect("cells").iter().find(|c| c["key"] == "320302").expect("鼓楼区");
    assert_eq!(r["enterprises"]["total"], gulou["count"]);
    let city = s.json("/api/v1/regions/320300");
    let kids: u64 = city["children"].as_array().expect("children").iter().map(|c| count(&c["enterprises"])).sum();
    assert!(kids > 0 && kids <= count(&city["enterprises"]["total"]));
    assert!(city["projects"].as_array().expect("projects").iter().map(|p| count(&p["count"])).sum::<u64>() > 1000);
    assert_eq!(s.get("/api/v1/regions/999999").status, 404);
    // Lists by region: a retired code stands for its successor; an unknown one is refused.
    let by_retired = s.json("/api/v1/enterprises?region=320304&limit=1");
    assert_eq!(by_retired["total"], r["enterprises"]["total"]);
    for bad in ["bogus", "320300,320312"] {
        assert_eq!(s.get(&format!("/api/v1/enterprises?region={bad}")).json()["error"]["parameter"], "region");
    }
    // Administrative heat cells carry their names.
    assert_eq!(gulou["name_zh"], "鼓楼区");
    // Newest first, undated last.
    let newest = s.json("/api/v1/enterprises?sort=founded&limit=500&cluster=construction-machinery");
    let years: Vec<i64> = newest["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["founded"].as_str().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok()).unwrap_or(0))
        .collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1] || w[1] == 0), "{years:?}");
    assert!(years[0] > 2000);

    // Markers over the whole world at zoom 3 count every located enterprise once.
    let heat = s.json("/api/v1/heat?res=3");
    let m = s.json("/api/v1/markers?bbox=-180,-90,180,90&zoom=3&limit=10000");
    assert_eq!(m["truncated"], false);
    assert_eq!(sum_counts(&m["markers"]), sum_counts(&heat["cells"]));
    // Zoomed into a street: single enterprises carry their id and name.
    let near = s.json(&format!("/api/v1/markers?bbox={},{},{},{}&zoom=16", plon - 0.05, plat - 0.05, plon + 0.05, plat + 0.05));
    let single = near["markers"].as_array().expect("markers").iter().find(|m| m["count"] == 1).expect("a single marker");
    assert!(single["id"].is_u64() && single["name"].is_string());
    assert_eq!(s.get("/api/v1/markers?bbox=1,2,3").json()["error"]["parameter"], "bbox");
}

#[test]
fn complexity_digest_for_the_home_city_matches_the_command_line() {
    let (env, s) = default_server();
    let d = s.json("/api/v1/complexity?level=prefecture");
    assert_eq!(d["focus"], "320300");
    assert_eq!(d["node_views"].as_array().map(Vec::len), Some(163), "every node");
    let rank = count(&d["eci_rank"]);
    assert!(rank >= 1 && rank as usize <= d["regions"].as_u64().unwrap_or(0) as usize);
    // The same matrix through the command line gives the same RCA and ECI for Xuzhou.
    let cli = env.json(&["complexity", "--level", "prefecture", "--json"]);
    let eci = cli["eci"]["320300"].as_f64().expect("eci");
    assert!((eci - d["eci"].as_f64().expect("eci")).abs() < 1e-9);
    for v in d["node_views"].as_array().expect("views").iter().take(20) {
        let node = v["node"].as_str().expect("node");
        let (a, b) = (cli["rca"]["320300"][node].as_f64(), v["rca"].as_f64());
        assert!(a.zip(b).is_none_or(|(a, b)| (a - b).abs() < 1e-9), "{node}: {a:?} vs {b:?}");
    }
    // Present nodes come first, ordered by RCA.
    let views = d["node_views"].as_array().expect("views");
    let present: Vec<&Value> = views.iter().take_while(|v| v["present"] == true).collect();
    assert!(!present.is_empty() && views.iter().skip(present.len()).all(|v| v["present"] == false));
    let r = s.get("/api/v1/complexity?level=county");
    assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (400, Some("focus")), "Xuzhou is no county");
    assert_eq!(s.json("/api/v1/complexity?level=county&focus=320312")["focus"], "320312");
    assert_eq!(s.get("/api/v1/complexity?level=galaxy").json()["error"]["parameter"], "level");
}

#[test]
fn text_is_compressed_for_clients_that_accept_gzip() {
    let (_env, s) = default_server();
    let plain = s.get("/geo/xuzhou_districts.geojson");
    let gz = s.get_with("/geo/xuzhou_districts.geojson", &[("Accept-Encoding", "gzip")]);
    assert_eq!((plain.status, gz.status), (200, 200));
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert!(plain.header("content-encoding").is_none());
    assert!(gz.body.len() * 3 < plain.body.len(), "{} → {} bytes", plain.body.len(), gz.body.len());
    assert_eq!(s.get_with("/api/v1/taxonomy", &[("Accept-Encoding", "gzip")]).header("content-encoding"), Some("gzip"));
}

#[test]
fn an_import_while_serving_is_visible_without_a_restart() {
    let env = Env::new();
    env.ok(&["init"]);
    let s = Server::start(&env, &[("CHAINSCOPE_REFRESH_MS", "100")]);
    let before = s.json("/api/v1/health");
    let n0 = count(&before["enterprises"]);
    assert!(s.json("/api/v1/search?q=%E6%B5%8B%E8%AF%95%E6%B6%B2%E5%8E%8B")["enterprises"].as_array().expect("list").is_empty());
    let file = env.fixture("enterprises_valid.csv");
    env.ok(&["import", "--kind", "enterprises", &file]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let after = loop {
        let h = s.json("/api/v1/health");
        if h["data_version"] != before["data_version"] {
            break h;
        }
        assert!(Instant::now() < deadline, "the server did not reload within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(count(&after["enterprises"]) > n0);
    assert_eq!(count(&s.json("/api/v1/stats")["counts"]["enterprises"]), count(&after["enterprises"]));
    // The new record is searchable and its figures are in the heat map.
    let hits = s.json("/api/v1/search?q=%E6%B5%8B%E8%AF%95%E6%B6%B2%E5%8E%8B"); // 测试液压
    assert_eq!(hits["enterprises"].as_array().map(Vec::len), Some(1), "{hits}");
}

#[test]
fn leads_rank_outside_enterprises_with_their_evidence_and_refuse_bad_requests() {
    let (_env, s) = default_server();
    let o = s.login("admin", common::TEST_PASSWORD);
    // Leads are for signed-in officers.
    assert_eq!(s.get("/api/v1/leads?chain=cm&limit=5").status, 401);
    let r = s.json_as(&o, "/api/v1/leads?chain=cm&limit=20");
    let leads = r["leads"].as_array().expect("leads");
    assert_eq!(leads.len(), 20);
    let scores: Vec<f64> = leads.iter().map(|l| l["score"].as_f64().expect("score")).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
    for l in leads {
        let p = s.json(&format!("/api/v1/enterprises/{}", l["id"]));
        assert_eq!(p["flags"]["local"], false, "{} is local", p["name"]);
        assert!(p["memberships"].as_array().expect("nodes").iter().any(|m| m["chain"] == "cm"));
        // The score is the weighted mean of the parts' used values.
        let (mut num, mut den) = (0.0, 0.0);
        for part in ["gap", "supply", "related", "momentum", "scale", "affinity"] {
            let x = &l["parts"][part];
            num += x["weight"].as_f64().expect("weight") * x["used"].as_f64().expect("used");
            den += x["weight"].as_f64().expect("weight");
            assert_eq!(x["known"], x["value"].is_number(), "{part}");
        }
        assert!((100.0 * num / den - l["score"].as_f64().expect("score")).abs() < 1e-6);
        // The supply part names its chain leaders: local leaders on a node next to the lead's.
        let ev = &l["parts"]["supply"]["evidence"];
        let named = ev["leaders"].as_array().expect("leaders named");
        assert_eq!(named.len() as u64, count(&ev["local_leaders_adjacent"]).min(5), "{ev}");
        for leader in named {
            let e = s.json(&format!("/api/v1/enterprises/{}", leader["id"]));
            assert_eq!((e["flags"]["local"].as_bool(), e["flags"]["chain_leader"].as_bool()), (Some(true), Some(true)), "{leader}");
            assert_eq!(leader["name"], e["name"]);
            assert!(e["memberships"].as_array().expect("nodes").iter().any(|m| m["node"] == leader["node"]), "{leader}: on its node");
        }
    }
    // Chain and node together are that node, in the list and in the export alike.
    let hyd = s.json_as(&o, "/api/v1/leads?chain=cm&node=cm.hydraulics&limit=50");
    assert!(hyd["leads"].as_array().expect("leads").iter().all(|l| l["node"]["id"] == "cm.hydraulics"), "only hydraulics");
    let alone = s.json_as(&o, "/api/v1/leads?node=cm.hydraulics&limit=50");
    assert_eq!(hyd["candidates"], alone["candidates"]);
    let list = |q: &str| count(&s.json(&format!("/api/v1/enterprises?{q}&limit=1"))["total"]);
    assert_eq!(list("chain=cm&node=cm.hydraulics"), list("node=cm.hydraulics"));
    assert!(list("chain=cm") > list("node=cm.hydraulics"));
    // Presets and custom weights change the order; scale-only puts the largest first.
    let big = s.json_as(&o, "/api/v1/leads?chain=cm&limit=5&w_gap=0&w_supply=0&w_related=0&w_momentum=0&w_affinity=0&w_scale=1");
    assert_eq!(big["preset"], "custom");
    let top_scale = big["leads"][0]["parts"]["scale"]["used"].as_f64().expect("scale");
    assert!(big["leads"].as_array().expect("leads").iter().all(|l| l["parts"]["scale"]["used"].as_f64().unwrap_or(0.0) <= top_scale));
    // Download as XLSX: a zip archive.
    let x = s.get_as(&o, "/api/v1/leads?chain=cm&limit=10&format=xlsx");
    assert_eq!(x.status, 200);
    assert!(x.body.starts_with(b"PK"), "an XLSX file");
    // Bad input: a clear 4xx naming the parameter, never a 500.
    for (path, param) in [
        ("/api/v1/leads", "node"),
        ("/api/v1/leads?node=cm.nope", "node"),
        ("/api/v1/leads?chain=cm&w_gap=-1", "w_gap"),
        ("/api/v1/leads?chain=cm&preset=magic", "preset"),
        ("/api/v1/leads?chain=cm&limit=0", "limit"),
        ("/api/v1/leads?chain=cm&w_gap=0&w_supply=0&w_related=0&w_momentum=0&w_scale=0&w_affinity=0", "weights"),
        ("/api/v1/leads?chain=cm&format=pdf", "format"),
    ] {
        let r = s.get_as(&o, path);
        assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (400, Some(param)), "{path}: {}", String::from_utf8_lossy(&r.body));
    }
}

#[test]
fn learned_leads_use_weights_fitted_on_the_citys_past_and_say_how() {
    let (_env, s) = default_server();
    let o = s.login("admin", common::TEST_PASSWORD);
    let r = s.json_as(&o, "/api/v1/leads?chain=cm&limit=10&preset=learned");
    assert_eq!((r["preset"].as_str(), r["base_preset"].as_str()), (Some("learned"), Some("learned")));
    let l = &r["learned"];
    // The demo data has enough past arrivals to fit on: the method, the count and the windows are given.
    assert_eq!(l["method"], "logistic_l2", "{l}");
    assert!(count(&l["arrivals"]) >= count(&l["min_arrivals"]) && count(&l["min_arrivals"]) == 20, "{l}");
    let windows = l["windows"].as_array().expect("windows");
    assert_eq!(windows.len(), 5);
    assert_eq!(windows.iter().map(|w| count(&w["arrivals"])).sum::<u64>(), count(&l["arrivals"]));
    // The ranking uses exactly the learned weights, the largest of them 10.
    assert_eq!(r["weights"], l["weights"]);
    assert_eq!(r["preset_weights"], l["weights"]);
    let ws: Vec<f64> =
        ["gap", "supply", "related", "momentum", "scale", "affinity"].iter().map(|p| l["weights"][p].as_f64().expect("weight")).collect();
    assert_eq!(ws.iter().copied().fold(0.0, f64::max), 10.0);
    for lead in r["leads"].as_array().expect("leads") {
        assert_eq!(lead["parts"]["scale"]["weight"], l["weights"]["scale"]);
    }
    // Fitted once per data version: the second answer gives the same fit; overrides apply on top of it.
    let again = s.json_as(&o, "/api/v1/leads?chain=cm&limit=10&preset=learned&w_gap=7");
    assert_eq!(again["learned"], r["learned"]);
    assert_eq!((again["preset"].as_str(), again["weights"]["gap"].as_f64()), (Some("custom"), Some(7.0)));
    // Other presets carry no fit.
    assert!(s.json_as(&o, "/api/v1/leads?chain=cm&limit=1&preset=big_anchors")["learned"].is_null());
}

#[test]
fn site_plans_rank_parks_with_space_first_and_refuse_bad_requests() {
    let (_env, s) = default_server();
    let r = s.json(
        "/api/v1/siteplan?node=cm.hydraulics&floor_m2=2000&building=standard_factory&budget_yuan_m2=20&logistics=rail_freight,sea_rail",
    );
    let sites = r["sites"].as_array().expect("sites");
    assert!(sites.len() >= 3);
    assert_eq!(sites[0]["no_space"], false, "never first without space");
    let first_full = sites.iter().position(|x| x["no_space"] == true).unwrap_or(sites.len());
    assert!(sites[first_full..].iter().all(|x| x["no_space"] == true), "all sites without space come last");
    assert!(sites.iter().all(|x| x["park"]["kind"] == "standard_factory"));
    // Land is asked: carrier buildings have none to offer, so they are marked and come after the parks.
    let land = s.json("/api/v1/siteplan?node=cm.crane&land_ha=5");
    let land_sites = land["sites"].as_array().expect("sites");
    assert_eq!(land_sites[0]["park"]["kind"], "park");
    assert!(land_sites.iter().filter(|x| x["park"]["kind"] != "park").all(|x| x["no_space"] == true));
    assert!(r["sea_rail_routes"].as_array().is_some_and(|v| !v.is_empty()), "sea–rail routes and their savings travel with the plan");
    let hubs = &sites[0]["parts"]["logistics"]["evidence"]["hubs"];
    assert!(hubs.as_array().is_some_and(|h| !h.is_empty() && h[0]["distance_km"].as_f64().is_some()));
    for (path, param) in [
        ("/api/v1/siteplan?floor_m2=100", "node"),
        ("/api/v1/siteplan?node=cm.hydraulics", "land_ha"),
        ("/api/v1/siteplan?node=cm.hydraulics&land_ha=-3", "land_ha"),
        ("/api/v1/siteplan?node=cm.hydraulics&floor_m2=100&budget_yuan_m2=1e12", "budget_yuan_m2"),
        ("/api/v1/siteplan?node=cm.hydraulics&floor_m2=100&building=castle", "building"),
        ("/api/v1/siteplan?node=cm.hydraulics&floor_m2=100&logistics=teleport", "logistics"),
        ("/api/v1/siteplan?node=cm.nope&floor_m2=100", "node"),
    ] {
        let r = s.get(path);
        assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (400, Some(param)), "{path}: {}", String::from_utf8_lossy(&r.body));
    }
}

#[test]
fn supply_and_demand_posts_match_counterparts_with_reasons() {
    let (_env, s) = default_server();
    let o = s.login("admin", common::TEST_PASSWORD);
    let post = |body: &str| -> common::Reply {
        let v: Value = serde_json::from_str(body).unwrap_or(Value::String(body.to_string()));
        if v.is_object() {
            s.send_as(&o, "POST", "/api/v1/market/items", &v)
        } else {
            // Not JSON: send the text as it is.
            s.raw_text("POST", "/api/v1/market/items", &[("Cookie", &o.cookie), ("X-CSRF-Token", &o.csrf)], body)
        }
    };
    let demand = post(
        r#"{"kind":"demand","poster":"徐州某主机厂","title":"采购回转支承 slewing bearings","node":"cm.slewing-bearing","region_code":"320300","quantity":"2000 套/年","valid_until":"2099-12-31"}"#,
    );
    assert_eq!(demand.status, 201, "{}", String::from_utf8_lossy(&demand.body));
    let id = count(&demand.json()["id"]);
    let supply = post(r#"{"kind":"supply","poster":"某轴承厂","title":"大型回转支承","node":"cm.slewing-bearing","region_code":"320312"}"#);
    assert_eq!(supply.status, 201);
    let board = s.json_as(&o, "/api/v1/market/items?kind=demand");
    assert!(board["items"].as_array().expect("items").iter().any(|i| count(&i["id"]) == id));
    let m = s.json_as(&o, &format!("/api/v1/market/items/{id}/matches?limit=200"));
    let matches = m["matches"].as_array().expect("matches");
    assert!(!matches.is_empty());
    let scores: Vec<f64> = matches.iter().map(|x| x["score"].as_f64().expect("score")).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    // The posted supply is found, and says why (same node, shared words).
    let sup = matches.iter().find(|x| x["type"] == "item").expect("the supply post matches");
    assert_eq!(sup["relation"], "same_node");
    assert!(sup["why_zh"].as_str().is_some_and(|w| w.contains("回转")), "{sup}");
    // Enterprises offered are on the node or upstream of it.
    for x in matches.iter().filter(|x| x["type"] == "enterprise") {
        assert!(matches!(x["relation"].as_str(), Some("same_node" | "upstream")), "{x}");
    }
    // Bad posts: a clear 400 naming the field; nothing stored.
    for (body, field) in [
        (r#"{"kind":"barter","poster":"x","title":"y"}"#, "kind"),
        (r#"{"kind":"demand","poster":"x","title":"  "}"#, "title"),
        (r#"{"kind":"demand","poster":"x","titel":"y"}"#, "titel"),
        (r#"{"kind":"demand","poster":"x","title":"y","node":"cm.nope"}"#, "node"),
        (r#"{"kind":"demand","poster":"x","title":"y","valid_until":"2001-01-01"}"#, "valid_until"),
        (r#"{"kind":"demand","poster":"x","title":"y","enterprise_id":999999999}"#, "enterprise_id"),
        (r#"not json"#, "body"),
        (r#"{"kind":"demand","poster":"x","title":"y","quantity":5}"#, "quantity"),
        (r#"{"kind":"demand","title":"y"}"#, "poster"),
    ] {
        let r = post(body);
        assert_eq!((r.status, r.json()["error"]["parameter"].as_str()), (400, Some(field)), "{body}: {}", String::from_utf8_lossy(&r.body));
    }
    // A demand that names no node: what it buys (the title) is inferred, not what it is for (the description), and
    // the makers of it come first, with reasons in whole words.
    let hyd = post(
        r#"{"kind":"demand","poster":"徐州某主机厂","title":"采购工程机械液压油缸及多路阀，年需求5000套","description":"用于装载机、挖掘机配套","region_code":"320300"}"#,
    );
    assert_eq!(hyd.status, 201, "{}", String::from_utf8_lossy(&hyd.body));
    assert_eq!(hyd.json()["synthetic"], false, "a post by an account is never demo data");
    let m = s.json_as(&o, &format!("/api/v1/market/items/{}/matches?limit=20", count(&hyd.json()["id"])));
    assert_eq!(m["nodes"], serde_json::json!(["cm.hydraulics"]), "{}", m["nodes"]);
    let firms: Vec<&Value> = m["matches"].as_array().expect("matches").iter().filter(|x| x["type"] == "enterprise").collect();
    assert!(firms.len() >= 10, "{}", firms.len());
    for x in &firms[..10] {
        assert!(matches!(x["relation"].as_str(), Some("same_node" | "upstream")), "{x}");
        let why = x["why_zh"].as_str().unwrap_or("");
        for fragment in ["掘机", "载机", "压油", "油缸及"] {
            assert!(!why.contains(&format!("、{fragment}")) && !why.contains(&format!("：{fragment}")), "a fragment in the reasons: {why}");
        }
    }
    assert!(firms.iter().any(|x| x["why_zh"].as_str().is_some_and(|w| w.contains("液压"))), "a whole term is quoted");
    assert_eq!(count(&s.json_as(&o, "/api/v1/market/items?active=false")["total"]), 3, "only the valid posts are stored");
    assert_eq!(s.get_as(&o, "/api/v1/market/items/999/matches").status, 404);
    assert_eq!(s.json_as(&o, &format!("/api/v1/market/items/{id}"))["title"], "采购回转支承 slewing bearings");
}
