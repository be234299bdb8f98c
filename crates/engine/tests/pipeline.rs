//! The project pipeline: the stage state machine, and the dashboard's statistics on hand-built cases whose figures
//! are worked out by hand in the comments (targets of zero, moves back, dropped projects, year boundaries).

mod common;

use chainscope_engine::pipeline::{dashboard, event_stats, period_stats, signed_as_of, standard_checklist};
use chainscope_model::{InvestmentBand, MoveError, MoveKind, Project, Stage, Target, TargetScope, TaskStatus};
use chainscope_testkit::xuzhou_343;
use common::{d, project};

fn target(year: i32, scope: TargetScope, key: &str, value: f64) -> Target {
    Target { year, scope, key: key.into(), metric: "projects".into(), value }
}

const TODAY: &str = "2030-01-01";

// ----------------------------------------------------------------------------------------------------------------
// State machine

#[test]
fn forward_moves_go_one_step_or_skip_only_optional_stages() {
    let today = d(TODAY);
    let mut p = project("a", "320302", Some("construction-machinery"), 1.0, &[(Stage::Lead, "2024-01-01")]);
    // 线索 → 在谈 skips the optional 接洽.
    assert_eq!(p.check_move(Stage::Negotiating, d("2024-01-02"), None, today), Ok(MoveKind::Forward));
    // 线索 → 签约 jumps over 在谈: refused, and the error lists what is allowed.
    match p.check_move(Stage::Signed, d("2024-01-02"), None, today) {
        Err(MoveError::NotAllowed { allowed, .. }) => {
            assert!(allowed.contains("contact") && allowed.contains("negotiating") && allowed.contains("dropped"), "{allowed}")
        }
        other => panic!("expected NotAllowed, got {other:?}"),
    }
    assert_eq!(p.check_move(Stage::Lead, d("2024-01-02"), None, today), Err(MoveError::SameStage("lead")));
    p.apply_move(Stage::Contact, d("2024-01-05"), Some("officer-1".into()), None, today).expect("contact");
    p.apply_move(Stage::Negotiating, d("2024-02-01"), None, None, today).expect("negotiating");
    p.apply_move(Stage::Signed, d("2024-03-01"), None, None, today).expect("signed");
    // 签约 → 开工 skips the optional 注册; 签约 → 投产 does not.
    assert!(p.check_move(Stage::Producing, d("2024-03-02"), None, today).is_err());
    p.apply_move(Stage::Started, d("2024-05-01"), None, None, today).expect("started");
    p.apply_move(Stage::Producing, d("2025-01-01"), None, None, today).expect("producing");
    assert_eq!(p.history.len(), 6);
    assert_eq!(p.history[1].by.as_deref(), Some("officer-1"));
    // 投产 is the end: no forward move, no drop.
    assert!(p.check_move(Stage::Dropped, d("2025-02-01"), Some("closed"), today).is_err());
}

#[test]
fn back_drop_and_reopen_need_a_reason_and_keep_the_history() {
    let today = d(TODAY);
    let mut p = project(
        "b",
        "320302",
        Some("construction-machinery"),
        1.0,
        &[(Stage::Lead, "2024-01-01"), (Stage::Negotiating, "2024-02-01"), (Stage::Signed, "2024-03-01")],
    );
    assert_eq!(p.back_target(), Some(Stage::Negotiating));
    assert_eq!(p.check_move(Stage::Negotiating, d("2024-04-01"), None, today), Err(MoveError::ReasonRequired));
    assert_eq!(p.check_move(Stage::Negotiating, d("2024-04-01"), Some("  "), today), Err(MoveError::ReasonRequired));
    // Back only to the previous stage, not further.
    assert!(matches!(p.check_move(Stage::Lead, d("2024-04-01"), Some("x"), today), Err(MoveError::NotAllowed { .. })));
    assert_eq!(p.apply_move(Stage::Negotiating, d("2024-04-01"), None, Some("签约方撤回".into()), today), Ok(MoveKind::Back));
    assert_eq!(p.history.len(), 4, "moving back appends, it never removes");
    // From 在谈 again, back goes to 线索 (the most recent lower stage).
    assert_eq!(p.back_target(), Some(Stage::Lead));
    assert_eq!(p.apply_move(Stage::Signed, d("2024-05-01"), None, None, today), Ok(MoveKind::Forward));
    assert_eq!(p.check_move(Stage::Dropped, d("2024-06-01"), None, today), Err(MoveError::ReasonRequired));
    assert_eq!(p.apply_move(Stage::Dropped, d("2024-06-01"), None, Some("投资方资金链断裂".into()), today), Ok(MoveKind::Drop));
    assert_eq!(p.drop_reason(), Some("投资方资金链断裂"));
    // A dropped project reopens only at the stage it was dropped from.
    assert!(p.check_move(Stage::Lead, d("2024-07-01"), Some("x"), today).is_err());
    assert_eq!(p.apply_move(Stage::Signed, d("2024-07-01"), None, Some("重新启动".into()), today), Ok(MoveKind::Reopen));
    assert_eq!(p.history.len(), 7);
    assert_eq!(p.stage, Stage::Signed);
}

#[test]
fn dates_must_not_go_back_or_into_the_future() {
    let today = d("2024-06-30");
    let p = project("c", "320302", None, 1.0, &[(Stage::Lead, "2024-03-01")]);
    assert_eq!(
        p.check_move(Stage::Contact, d("2024-02-01"), None, today),
        Err(MoveError::DateBeforeLast { date: d("2024-02-01"), last: d("2024-03-01") })
    );
    assert_eq!(p.check_move(Stage::Contact, d("2024-07-01"), None, today), Err(MoveError::DateInFuture(d("2024-07-01"))));
    assert_eq!(p.check_move(Stage::Contact, d("2024-03-01"), None, today), Ok(MoveKind::Forward));
}

#[test]
fn a_signing_reversed_later_counts_only_while_it_stood() {
    let p = project(
        "d",
        "320302",
        Some("construction-machinery"),
        1.0,
        &[
            (Stage::Negotiating, "2024-01-10"),
            (Stage::Signed, "2024-02-10"),
            (Stage::Negotiating, "2024-03-10"),
            (Stage::Signed, "2024-04-10"),
        ],
    );
    assert_eq!(signed_as_of(&p, d("2024-01-31")), None);
    assert_eq!(signed_as_of(&p, d("2024-02-29")), Some(d("2024-02-10")));
    assert_eq!(signed_as_of(&p, d("2024-03-31")), None, "moved back in March");
    assert_eq!(signed_as_of(&p, d("2024-04-30")), Some(d("2024-04-10")), "re-signed in April counts from April");
    assert_eq!(p.signed_on(), Some(d("2024-04-10")));
    // Dropped after signing: still signed.
    let q = project("e", "320302", None, 1.0, &[(Stage::Signed, "2024-02-01"), (Stage::Dropped, "2024-05-01")]);
    assert_eq!(signed_as_of(&q, d("2024-12-31")), Some(d("2024-02-01")));
}

#[test]
fn size_bands_at_their_edges() {
    // Amounts are in 万元: 1亿 = 10,000万.
    assert_eq!(InvestmentBand::of(9_999.0), InvestmentBand::Under1);
    assert_eq!(InvestmentBand::of(10_000.0), InvestmentBand::From1To3);
    assert_eq!(InvestmentBand::of(30_000.0), InvestmentBand::From3To10);
    assert_eq!(InvestmentBand::of(199_999.0), InvestmentBand::From10To20);
    assert_eq!(InvestmentBand::of(200_000.0), InvestmentBand::From20To50);
    assert_eq!(InvestmentBand::of(500_000.0), InvestmentBand::Over50);
}

// ----------------------------------------------------------------------------------------------------------------
// Statistics

/// Three 板块: A (target 4), B (target 2), C (target 0), and D without any target.
fn league_case() -> (Vec<Project>, Vec<Target>) {
    let cm = Some("construction-machinery"); // advantage
    let ic = Some("ic-ict"); // emerging
    let projects = vec![
        // A: two signed in January, one in March (one of them outside the cluster system).
        project("a1", "A", cm, 10_000.0, &[(Stage::Signed, "2024-01-05")]),
        project("a2", "A", None, 20_000.0, &[(Stage::Signed, "2024-01-20")]),
        project("a3", "A", ic, 5_000.0, &[(Stage::Negotiating, "2023-11-01"), (Stage::Signed, "2024-03-02")]),
        // B: one in February, one signed in February but moved back in March.
        project("b1", "B", cm, 1_000.0, &[(Stage::Signed, "2024-02-01")]),
        project("b2", "B", ic, 1_000.0, &[(Stage::Signed, "2024-02-15"), (Stage::Negotiating, "2024-03-10")]),
        // C: target 0, one signed in March then dropped in March (still counted as signed, and as dropped).
        project("c1", "C", ic, 2_000.0, &[(Stage::Signed, "2024-03-03"), (Stage::Dropped, "2024-03-20")]),
        // D: no target, one signed.
        project("d1", "D", cm, 3_000.0, &[(Stage::Signed, "2024-03-04")]),
        // Signed the year before, started this year: not signed this year, but started this year.
        project("y1", "A", cm, 7_000.0, &[(Stage::Signed, "2023-12-20"), (Stage::Started, "2024-01-10")]),
        // A lead only.
        project("l1", "B", cm, 500.0, &[(Stage::Lead, "2024-01-02")]),
    ];
    let targets = vec![
        target(2024, TargetScope::City, "320300", 10.0),
        target(2024, TargetScope::Region, "A", 4.0),
        target(2024, TargetScope::Region, "B", 2.0),
        target(2024, TargetScope::Region, "C", 0.0),
        target(2024, TargetScope::Tier, "advantage", 5.0),
    ];
    (projects, targets)
}

#[test]
fn dashboard_counts_by_hand() {
    let tax = xuzhou_343();
    let (projects, targets) = league_case();
    let dash = dashboard(&projects, &tax, &targets, d("2024-03-31"), d(TODAY));
    // Signed in 2024 as known on 31 March: a1 a2 a3 b1 c1 d1 = 6 (b2 was moved back; y1 signed in 2023).
    assert_eq!(dash.city.signed, 6);
    assert_eq!(dash.city.target_projects, Some(10.0));
    assert_eq!(dash.city.completion_pct, Some(60.0));
    // In the system: all but a2 = 5 of 6 = 83.3%.
    assert_eq!(dash.city.in_system, 5);
    assert_eq!(dash.city.in_system_pct, Some(83.3));
    assert_eq!(dash.split.other, 1);
    assert_eq!(dash.other_pct, Some(16.7));
    assert_eq!(dash.city.amount, 10_000.0 + 20_000.0 + 5_000.0 + 1_000.0 + 2_000.0 + 3_000.0);
    // Tiers: advantage a1 b1 d1 = 3 of target 5 = 60%; emerging a3 c1 = 2, no target.
    let adv = dash.by_tier.iter().find(|t| t.key == "advantage").expect("advantage");
    assert_eq!((adv.signed, adv.completion_pct), (3, Some(60.0)));
    let em = dash.by_tier.iter().find(|t| t.key == "emerging").expect("emerging");
    assert_eq!((em.signed, em.completion_pct), (2, None));
    // Started this year: y1. Dropped this year: c1.
    assert_eq!((dash.started, dash.dropped), (1, 1));
    // Months: Jan 2 (a1 a2), Feb 1 (b1; b2's February signing was reversed), Mar 3 (a3 c1 d1).
    let m: Vec<(u64, u64)> = dash.months.iter().map(|m| (m.signed, m.cumulative)).collect();
    assert_eq!(m, vec![(2, 2), (1, 3), (3, 6)]);
    assert_eq!(dash.months[2].completion_pct, Some(60.0));
    assert_eq!(dash.months[0].started, 1);
}

#[test]
fn league_table_ranks_by_completion_with_month_on_month_change() {
    let tax = xuzhou_343();
    let (projects, targets) = league_case();
    let dash = dashboard(&projects, &tax, &targets, d("2024-03-31"), d(TODAY));
    let rows: Vec<(&str, u32, Option<f64>)> =
        dash.league.iter().map(|r| (r.progress.key.as_str(), r.rank, r.progress.completion_pct)).collect();
    // A: 3/4 = 75%; B: 1/2 = 50%; C: target 0 → no completion; D: no target. C and D rank after, by count (1
    // each), then amount (D 3,000 > C 2,000).
    assert_eq!(rows, vec![("A", 1, Some(75.0)), ("B", 2, Some(50.0)), ("D", 3, None), ("C", 4, None)]);
    // End of February: A 2/4 = 50%, B 2/2 = 100% (b2 still signed then) → B first, A second.
    let a = &dash.league[0];
    assert_eq!((a.prev_rank, a.prev_completion_pct, a.rank_change, a.completion_change), (Some(2), Some(50.0), Some(1), Some(25.0)));
    let b = &dash.league[1];
    assert_eq!((b.prev_rank, b.prev_completion_pct, b.rank_change, b.completion_change), (Some(1), Some(100.0), Some(-1), Some(-50.0)));
    // A target of zero never divides.
    let c = &dash.league[3];
    assert_eq!((c.progress.signed, c.progress.target_projects, c.progress.completion_pct), (1, Some(0.0), None));
    // January: no previous month.
    let jan = dashboard(&projects, &tax, &targets, d("2024-01-31"), d(TODAY));
    assert!(jan.league.iter().all(|r| r.prev_rank.is_none() && r.completion_change.is_none()));
}

#[test]
fn a_year_boundary_splits_signing_and_start() {
    let tax = xuzhou_343();
    let (projects, targets) = league_case();
    let y2023 = dashboard(&projects, &tax, &targets, d("2023-12-31"), d(TODAY));
    // y1 was signed on 20 December 2023; a3 was only negotiating.
    assert_eq!(y2023.city.signed, 1);
    assert_eq!(y2023.project_ids, vec!["y1".to_string()]);
    assert_eq!(y2023.city.target_projects, None, "no 2023 targets");
    assert_eq!(y2023.city.completion_pct, None);
    assert_eq!(y2023.started, 0);
    // The 2024 figures do not count y1 as signed, and a period spanning the boundary counts it once.
    let span = period_stats(&projects, &tax, &targets, d("2023-12-01"), d("2024-01-31"));
    assert_eq!(span.signed, 3, "y1, a1, a2");
}

#[test]
fn closed_periods_do_not_change_when_later_moves_are_recorded() {
    let tax = xuzhou_343();
    let (mut projects, targets) = league_case();
    let before = period_stats(&projects, &tax, &targets, d("2024-01-01"), d("2024-01-31"));
    // Later, a1 falls through in May.
    let today = d(TODAY);
    let a1 = projects.iter_mut().find(|p| p.id == "a1").expect("a1");
    a1.apply_move(Stage::Negotiating, d("2024-05-01"), None, Some("撤约".into()), today).expect("back");
    let after = period_stats(&projects, &tax, &targets, d("2024-01-01"), d("2024-01-31"));
    assert_eq!(before.signed, after.signed);
    // …but the year to date at the end of May no longer counts it.
    let may = dashboard(&projects, &tax, &targets, d("2024-05-31"), today);
    assert!(!may.project_ids.contains(&"a1".to_string()));
}

#[test]
fn signed_projects_not_started_in_time_are_flagged() {
    let tax = xuzhou_343();
    let mut late = project("s1", "A", Some("construction-machinery"), 1.0, &[(Stage::Signed, "2024-01-01")]);
    late.checklist = standard_checklist(d("2024-01-01"));
    late.checklist[1].status = TaskStatus::Done; // land
    let mut agreed = project("s2", "A", Some("construction-machinery"), 1.0, &[(Stage::Signed, "2024-01-01")]);
    agreed.start_deadline = Some(d("2024-12-31"));
    let started = project("s3", "A", Some("construction-machinery"), 1.0, &[(Stage::Signed, "2024-01-01"), (Stage::Started, "2024-03-01")]);
    let projects = vec![late, agreed, started];
    let dash = dashboard(&projects, &tax, &[], d("2024-09-30"), d("2024-09-30"));
    // s1: 180 days after 1 January 2024 is 29 June; 93 days over on 30 September. s2's agreed deadline is later.
    assert_eq!(dash.overdue_starts.len(), 1);
    let o = &dash.overdue_starts[0];
    assert_eq!((o.id.as_str(), o.due, o.agreed, o.days_over), ("s1", d("2024-06-29"), false, 93));
    // Open blocking items: every blocking item but the land one (done).
    assert_eq!(o.blockers.len(), 5);
    assert!(!o.blockers.iter().any(|b| b.contains("土地")));
    // Overdue checklist items on 30 September: open items due before then (registration at +30 d is not blocking but
    // is due and open too).
    let overdue: Vec<&str> = dash.overdue_tasks.iter().map(|t| t.task_id.as_str()).collect();
    assert!(overdue.contains(&"t1") && !overdue.contains(&"t2"), "{overdue:?}");
    assert!(dash.overdue_tasks.iter().all(|t| t.project_id == "s1"));
}

#[test]
fn event_statistics_count_only_signed_projects_of_the_event() {
    let tax = xuzhou_343();
    let mut ps = vec![
        project("e1", "A", Some("construction-machinery"), 1.0, &[(Stage::Signed, "2024-05-01")]),
        project("e2", "B", Some("ic-ict"), 1.0, &[(Stage::Signed, "2024-05-01"), (Stage::Dropped, "2024-09-01")]),
        project("e3", "B", None, 1.0, &[(Stage::Signed, "2024-05-01")]),
        project("e4", "C", Some("ic-ict"), 1.0, &[(Stage::Negotiating, "2024-05-01")]),
    ];
    for p in &mut ps {
        p.event_id = Some("ev".into());
    }
    let s = event_stats(&ps, &tax, "ev");
    // e4 did not sign; e2 signed and was later dropped: still signed at the event.
    assert_eq!(s.signed, 3);
    assert_eq!(s.split.in_system, 2);
    assert_eq!(s.in_system_pct, Some(66.7));
    assert_eq!(s.other_pct, Some(33.3));
    assert_eq!(s.regions.len(), 2);
}
