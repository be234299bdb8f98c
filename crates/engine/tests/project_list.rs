//! The project table's query: each filter on hand-built projects, the orders, the counts by stage and a
//! department's work list.

mod common;

use chainscope_engine::project_list::{department_tasks, in_boards, select, stage_totals, ListContext, ProjectFilter, ProjectSort};
use chainscope_model::{InvestmentBand, Project, Stage, Task, TaskStatus};
use chainscope_testkit::{registry, xuzhou_343 as xuzhou_taxonomy};
use common::{d, project};

const TODAY: &str = "2024-06-30";

fn task(id: &str, department: &str, due: &str, status: TaskStatus) -> Task {
    Task {
        id: id.into(),
        kind: "other".into(),
        title_zh: id.into(),
        title_en: None,
        department: department.into(),
        due: Some(d(due)),
        status,
        done_on: None,
        blocks_start: false,
        note: None,
    }
}

/// Four projects: a signed machinery project in 鼓楼区, a lead in 铜山区, a started other-category project in the
/// development zone with an overdue checklist item, and a dropped one in 邳州市.
fn projects() -> Vec<Project> {
    let mut a =
        project("p-a", "320302", Some("construction-machinery"), 50_000.0, &[(Stage::Lead, "2024-01-05"), (Stage::Signed, "2024-03-01")]);
    a.event_id = Some("fair".into());
    a.officer = Some("wang".into());
    let b = project("p-b", "320312", Some("green-energy"), 800.0, &[(Stage::Lead, "2024-05-01")]);
    let mut c = project(
        "p-c",
        "320371",
        None,
        12_000.0,
        &[(Stage::Lead, "2023-10-01"), (Stage::Signed, "2023-12-01"), (Stage::Started, "2024-02-01")],
    );
    c.checklist =
        vec![task("t1", "自然资源和规划局", "2024-04-01", TaskStatus::Todo), task("t2", "生态环境局", "2024-12-01", TaskStatus::Doing)];
    let d_ =
        project("p-d", "320382", Some("construction-machinery"), 3_000.0, &[(Stage::Lead, "2024-02-01"), (Stage::Dropped, "2024-04-01")]);
    vec![a, b, c, d_]
}

fn same_name(dept: &str, t: &Task) -> bool {
    t.department == dept
}

fn ids(rows: &[&Project]) -> Vec<String> {
    rows.iter().map(|p| p.id.clone()).collect()
}

/// The ids a filter keeps, in the default order (latest move first).
fn kept(f: &ProjectFilter) -> Vec<String> {
    let tax = xuzhou_taxonomy();
    let regions = registry(&["CN", "320000", "320300", "320302", "320312", "320371", "320382"]);
    let cx = ListContext { taxonomy: &tax, regions: &regions, today: d(TODAY), department_of: &same_name };
    ids(&select(&projects(), f, ProjectSort::Recent, &cx))
}

#[test]
fn no_filter_keeps_everything_latest_move_first() {
    assert_eq!(kept(&ProjectFilter::default()), ["p-b", "p-d", "p-a", "p-c"]);
}

#[test]
fn stages_now_or_on_a_day_and_reached_within_a_period() {
    let signed = ProjectFilter { stages: vec![Stage::Signed], ..Default::default() };
    assert_eq!(kept(&signed), ["p-a"]);
    // On the last day of 2023, p-c was at 签约 and p-a was still a lead.
    let then = ProjectFilter { stages: vec![Stage::Signed], stage_on: Some(d("2023-12-31")), ..Default::default() };
    assert_eq!(kept(&then), ["p-c"]);
    let reached = ProjectFilter { reached: Some((Stage::Signed, d("2024-01-01"), d("2024-12-31"))), ..Default::default() };
    assert_eq!(kept(&reached), ["p-a"]);
}

#[test]
fn classes_tiers_and_other_categories() {
    assert_eq!(kept(&ProjectFilter { clusters: vec!["construction-machinery".into()], ..Default::default() }), ["p-d", "p-a"]);
    assert_eq!(kept(&ProjectFilter { tiers: vec!["advantage".into()], ..Default::default() }), ["p-b", "p-d", "p-a"]);
    assert_eq!(kept(&ProjectFilter { other: Some(true), ..Default::default() }), ["p-c"]);
    assert_eq!(kept(&ProjectFilter { other: Some(false), ..Default::default() }), ["p-b", "p-d", "p-a"]);
}

#[test]
fn region_includes_what_lies_inside_and_boards_are_an_officers_own() {
    assert_eq!(kept(&ProjectFilter { region: Some("320300".into()), ..Default::default() }), ["p-b", "p-d", "p-a", "p-c"]);
    assert_eq!(kept(&ProjectFilter { region: Some("320302".into()), ..Default::default() }), ["p-a"]);
    let mine = ProjectFilter { boards: Some(vec!["320302".into(), "320371".into()]), ..Default::default() };
    assert_eq!(kept(&mine), ["p-a", "p-c"]);
    let regions = registry(&["CN", "320000", "320300", "320302"]);
    assert!(in_boards(&regions, "320302", &["320300".into()]));
    assert!(!in_boards(&regions, "320300", &["320302".into()]));
}

#[test]
fn event_officer_band_and_text() {
    assert_eq!(kept(&ProjectFilter { event: Some("fair".into()), ..Default::default() }), ["p-a"]);
    assert_eq!(kept(&ProjectFilter { officer: Some("wang".into()), ..Default::default() }), ["p-a"]);
    let band = projects()[0].band().expect("a band for 5亿");
    assert_eq!(kept(&ProjectFilter { band: Some(band), ..Default::default() }), ["p-a"]);
    assert!(InvestmentBand::ALL.contains(&band));
    // Text is found in the name or the investor, or is the whole id.
    assert_eq!(kept(&ProjectFilter { text: Some("investor p-b".into()), ..Default::default() }), ["p-b"]);
    assert_eq!(kept(&ProjectFilter { text: Some("p-c".into()), ..Default::default() }), ["p-c"]);
    assert_eq!(kept(&ProjectFilter { text: Some("p-".into()), ..Default::default() }).len(), 4);
}

#[test]
fn signing_dates_and_lateness() {
    let f = ProjectFilter { signed_from: Some(d("2024-01-01")), ..Default::default() };
    assert_eq!(kept(&f), ["p-a"]);
    let f = ProjectFilter { signed_to: Some(d("2023-12-31")), ..Default::default() };
    assert_eq!(kept(&f), ["p-c"]);
    assert_eq!(kept(&ProjectFilter { overdue: Some(true), ..Default::default() }), ["p-c"]);
    assert_eq!(kept(&ProjectFilter { overdue: Some(false), ..Default::default() }), ["p-b", "p-d", "p-a"]);
}

#[test]
fn a_departments_work_list_counts_open_and_overdue_items() {
    let f = ProjectFilter { tasks_of: Some("自然资源和规划局".into()), ..Default::default() };
    assert_eq!(kept(&f), ["p-c"]);
    assert!(kept(&ProjectFilter { tasks_of: Some("住房和城乡建设局".into()), ..Default::default() }).is_empty());
    let ps = projects();
    assert_eq!(department_tasks(&ps[2], "生态环境局", d(TODAY), &same_name), (1, 0));
    assert_eq!(department_tasks(&ps[2], "自然资源和规划局", d(TODAY), &same_name), (1, 1));
}

#[test]
fn orders_and_counts_by_stage() {
    let ps = projects();
    let mut rows: Vec<&Project> = ps.iter().collect();
    chainscope_engine::project_list::sort_projects(&mut rows, ProjectSort::Amount);
    assert_eq!(ids(&rows), ["p-a", "p-c", "p-d", "p-b"]);
    chainscope_engine::project_list::sort_projects(&mut rows, ProjectSort::Signed);
    assert_eq!(ids(&rows), ["p-a", "p-c", "p-b", "p-d"]);
    chainscope_engine::project_list::sort_projects(&mut rows, ProjectSort::Name);
    assert_eq!(ids(&rows), ["p-a", "p-b", "p-c", "p-d"]);
    assert_eq!(ProjectSort::parse("signed"), Some(ProjectSort::Signed));
    assert_eq!(ProjectSort::parse("oldest"), None);
    let totals = stage_totals(&rows);
    assert_eq!(totals.get(&Stage::Signed), Some(&(1, 50_000.0)));
    assert_eq!(totals.get(&Stage::Lead), Some(&(1, 800.0)));
    assert_eq!(totals.values().map(|v| v.0).sum::<u64>(), 4);
}
