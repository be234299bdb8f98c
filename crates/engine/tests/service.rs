//! Enterprise-service tickets: the state machine, the working-day clock (weekends, national holidays, make-up
//! working days), overdue and escalation, and metrics on a hand-built set whose figures are worked out in comments.
//! Dates are checked against the State Council holiday notices in data/xuzhou-343/holidays.csv.

mod common;

use chainscope_engine::service::{
    self, deadline_for, escalation, is_overdue, late_answers, overdue_working_days, service_metrics, DayKind, Escalation, WorkCalendar,
    UNASSIGNED,
};
use chainscope_model::{Catalogue, Rating, Ticket, TicketError, TicketEventKind, TicketState};
use chrono::{NaiveDate, NaiveDateTime};
use common::d;

fn calendar() -> WorkCalendar {
    WorkCalendar::from_csv(include_str!("../../../data/xuzhou-343/holidays.csv")).expect("holidays.csv loads")
}

fn catalogue() -> Catalogue {
    Catalogue::from_toml(include_str!("../../../data/xuzhou-343/service_catalogue.toml")).expect("service_catalogue.toml loads")
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("datetime")
}

/// A ticket filed by enterprise 1 at `at`.
fn filed(id: &str, category: &str, region: &str, at: &str) -> Ticket {
    Ticket::file(id, 1, region, category, "企业诉求", vec![], t(at), "enterprise:1").expect("filed")
}

/// File, route by the catalogue and accept; returns the ticket.
fn accepted(id: &str, category: &str, region: &str, filed_at: &str, accepted_at: &str) -> Ticket {
    let (cat, cal) = (catalogue(), calendar());
    let mut tk = filed(id, category, region, filed_at);
    service::dispatch(&mut tk, &cat, None, t(filed_at), "desk").expect("dispatched");
    service::accept(&mut tk, &cat, &cal, t(accepted_at), "officer").expect("accepted");
    tk
}

// ---------------------------------------------------------------------------------------------------------------
// The calendar

#[test]
fn default_calendar_loads_and_round_trips() {
    let cal = calendar();
    assert!(cal.has_year(2024) && cal.has_year(2025) && cal.has_year(2026));
    assert!(!cal.has_year(2023));
    // 2025 Spring Festival: 01-28 (除夕) to 02-04 off; Sunday 01-26 and Saturday 02-08 worked.
    assert!(!cal.is_working_day(d("2025-01-28")));
    assert!(!cal.is_working_day(d("2025-02-04")));
    assert!(cal.is_working_day(d("2025-01-26")));
    assert!(cal.is_working_day(d("2025-02-08")));
    // 2024 除夕 (02-09, a Friday) was only "encouraged" off: a working day.
    assert!(cal.is_working_day(d("2024-02-09")));
    assert_eq!(cal.entry(d("2024-05-11")).map(|e| e.kind), Some(DayKind::Workday));
    let again = WorkCalendar::from_csv(&cal.to_csv()).expect("round trip");
    assert_eq!(again, cal);
}

#[test]
fn working_days_skip_a_weekend() {
    let cal = calendar();
    // Friday 2025-03-07: the next working day is Monday 03-10; five working days later is Friday 03-14.
    assert_eq!(cal.add_working_days(d("2025-03-07"), 1), d("2025-03-10"));
    assert_eq!(cal.add_working_days(d("2025-03-07"), 5), d("2025-03-14"));
    assert_eq!(cal.add_working_days(d("2025-03-07"), 0), d("2025-03-07"));
    // Starting on a Saturday: the start day never counts.
    assert_eq!(cal.add_working_days(d("2025-03-08"), 1), d("2025-03-10"));
    assert_eq!(cal.working_days_between(d("2025-03-07"), d("2025-03-10")), 1);
    assert_eq!(cal.working_days_between(d("2025-03-10"), d("2025-03-07")), -1);
    assert_eq!(cal.working_days_between(d("2025-03-07"), d("2025-03-07")), 0);
    assert_eq!(cal.working_days_between(d("2025-03-07"), d("2025-03-09")), 0);
    // Friday 16:00 to Monday 10:00: 8 hours of Friday and 10 of Monday.
    assert_eq!(cal.working_hours_between(t("2025-03-07 16:00"), t("2025-03-10 10:00")), 18.0);
    assert_eq!(cal.working_hours_between(t("2025-03-10 10:00"), t("2025-03-07 16:00")), 0.0);
}

#[test]
fn national_holiday_spanning_several_days() {
    let cal = calendar();
    // 2025 National Day and Mid-Autumn: 10-01 to 10-08 off; Saturday 10-11 worked.
    // From Tuesday 09-30: Thu 10-09 (1), Fri 10-10 (2), Sat 10-11 (3, make-up), Mon 10-13 (4).
    assert_eq!(cal.add_working_days(d("2025-09-30"), 1), d("2025-10-09"));
    assert_eq!(cal.add_working_days(d("2025-09-30"), 2), d("2025-10-10"));
    assert_eq!(cal.add_working_days(d("2025-09-30"), 3), d("2025-10-11"));
    assert_eq!(cal.add_working_days(d("2025-09-30"), 4), d("2025-10-13"));
    assert_eq!(cal.working_days_between(d("2025-09-30"), d("2025-10-08")), 0);
    // The same span on a calendar without holidays: Wed 10-01, Thu 10-02, Fri 10-03.
    assert_eq!(WorkCalendar::new().add_working_days(d("2025-09-30"), 3), d("2025-10-03"));
}

#[test]
fn make_up_working_days_count() {
    let cal = calendar();
    // Friday 2025-01-24: Sat 01-25 off, Sun 01-26 worked (1), Mon 01-27 (2), 01-28..02-04 off, Wed 02-05 (3).
    assert_eq!(cal.add_working_days(d("2025-01-24"), 1), d("2025-01-26"));
    assert_eq!(cal.add_working_days(d("2025-01-24"), 2), d("2025-01-27"));
    assert_eq!(cal.add_working_days(d("2025-01-24"), 3), d("2025-02-05"));
    // Friday 2025-02-07 → Saturday 02-08, a make-up working day.
    assert_eq!(cal.add_working_days(d("2025-02-07"), 1), d("2025-02-08"));
    // 2024: Saturday 05-11 worked after the May Day holiday.
    assert_eq!(cal.add_working_days(d("2024-05-10"), 1), d("2024-05-11"));
}

#[test]
fn calendar_edits_and_errors() {
    let mut cal = WorkCalendar::new();
    assert!(cal.is_working_day(d("2025-03-12")));
    assert_eq!(cal.add(d("2025-03-12"), DayKind::Holiday, "停电").expect("added"), None);
    assert!(!cal.is_working_day(d("2025-03-12")));
    assert_eq!(cal.remove(d("2025-03-12")).map(|e| e.name), Some("停电".into()));
    assert!(cal.is_working_day(d("2025-03-12")));
    // A make-up working day must fall on a weekend.
    assert_eq!(cal.add(d("2025-03-12"), DayKind::Workday, "x").unwrap_err().code(), "calendar_workday_not_weekend");
    cal.add(d("2025-03-15"), DayKind::Workday, "调休, 示例").expect("saturday");
    assert!(cal.is_working_day(d("2025-03-15")));
    // Names with commas survive the round trip.
    assert_eq!(WorkCalendar::from_csv(&cal.to_csv()).expect("round trip"), cal);

    let e = WorkCalendar::from_csv("# c\n2025-01-01,holiday,元旦\n2025-01-01,holiday,元旦\n").unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().starts_with("第 3 行：") && e.to_string().contains(" / line 3:")),
        ("calendar_duplicate_date", true)
    );
    assert_eq!(WorkCalendar::from_csv("2025-02-30,holiday,x").unwrap_err().code(), "calendar_bad_date");
    assert_eq!(WorkCalendar::from_csv("2025-02-03,off,x").unwrap_err().code(), "calendar_bad_kind");
    assert_eq!(WorkCalendar::from_csv("2025-02-03").unwrap_err().code(), "calendar_malformed");
}

// ---------------------------------------------------------------------------------------------------------------
// The catalogue

#[test]
fn default_catalogue_loads_and_routes() {
    let cat = catalogue();
    assert!(cat.categories.len() >= 10);
    let route = |c, r| cat.route(c, r).map(|d| d.id.clone());
    // Land in the development zones goes to the zone's management committee, elsewhere to the city bureau.
    assert_eq!(route("land", "320371").as_deref(), Some("zone-jk"));
    assert_eq!(route("land", "Z320312GX").as_deref(), Some("zone-gx"));
    assert_eq!(route("land", "Z320311GW").as_deref(), Some("zone-gw"));
    assert_eq!(route("land", "320302").as_deref(), Some("nrp"));
    assert_eq!(route("eia", "320371").as_deref(), Some("eco"));
    let emergency = cat.category("emergency").expect("emergency");
    assert_eq!(emergency.deadline_days, 0);
    assert!(cat.categories.iter().all(|c| c.deadline_days <= 25));
    assert!(cat.category("policy").is_some_and(|c| c.deadline_days <= 5));
    assert!(cat.category("complaint").is_some_and(|c| c.deadline_days <= 15));

    let bad = include_str!("../../../data/xuzhou-343/service_catalogue.toml").replace("category = \"logistics\"", "category = \"freight\"");
    let e = Catalogue::from_toml(&bad).unwrap_err();
    assert_eq!(e.code(), "catalogue_unknown_category");
    assert!(e.to_string().contains("freight"), "{e}");
}

// ---------------------------------------------------------------------------------------------------------------
// The state machine

#[test]
fn full_flow_is_timestamped_and_history_only_grows() {
    let (cat, cal) = (catalogue(), calendar());
    let mut tk = filed("T1", "policy", "320302", "2025-03-03 09:00");
    let mut seen = tk.events.len();
    let mut grew = |tk: &Ticket| {
        assert_eq!(tk.events.len(), seen + 1, "one event per step");
        seen = tk.events.len();
    };
    assert_eq!(service::dispatch(&mut tk, &cat, None, t("2025-03-03 10:00"), "desk").expect("routed"), "miit");
    grew(&tk);
    // Accepted Monday 03-03: 5 working days → Monday 03-10.
    assert_eq!(service::accept(&mut tk, &cat, &cal, t("2025-03-03 14:00"), "officer").expect("accepted"), d("2025-03-10"));
    grew(&tk);
    assert_eq!(tk.state, TicketState::Working);
    tk.urge(false, Some("请加快".into()), t("2025-03-04 09:00"), "enterprise:1").expect("urged");
    grew(&tk);
    tk.answer("已答复政策口径", t("2025-03-05 10:00"), "officer").expect("answered");
    grew(&tk);
    service::rate(&mut tk, &cat, &cal, Rating::Satisfied, None, t("2025-03-06 10:00"), "enterprise:1").expect("rated");
    grew(&tk);
    assert_eq!(tk.state, TicketState::Closed);
    assert_eq!(tk.closed_at(), Some(t("2025-03-06 10:00")));
    let kinds: Vec<_> = tk.events.iter().map(|e| e.kind).collect();
    use TicketEventKind as K;
    assert_eq!(kinds, vec![K::Filed, K::Dispatched, K::Accepted, K::Urged, K::Answered, K::Rated]);
    assert!(tk.events.windows(2).all(|w| w[0].at <= w[1].at), "timestamps never go back");
    assert_eq!(tk.events.last().map(|e| e.state), Some(TicketState::Closed));
    // Nothing more can happen to a closed ticket.
    assert_eq!(tk.urge(true, None, t("2025-03-07 10:00"), "supervisor").unwrap_err().code(), "invalid_transition");
    assert_eq!(tk.answer("x", t("2025-03-07 10:00"), "officer").unwrap_err().code(), "invalid_transition");
    assert_eq!(tk.events.len(), 6);
}

#[test]
fn only_valid_moves_are_accepted() {
    let (cat, cal) = (catalogue(), calendar());
    let mut tk = filed("T1", "policy", "320302", "2025-03-03 09:00");
    let at = t("2025-03-03 10:00");
    let code = |r: Result<(), TicketError>| r.unwrap_err().code();
    assert_eq!(code(tk.accept(at, "o", d("2025-03-10"))), "invalid_transition");
    assert_eq!(code(tk.answer("x", at, "o")), "invalid_transition");
    assert_eq!(code(tk.return_to_dispatch("wrong", at, "o")), "invalid_transition");
    assert_eq!(code(tk.request_extension("r", 2, d("2025-03-12"), at, "o")), "invalid_transition");
    assert_eq!(code(tk.rate(Rating::Satisfied, None, None, at, "e")), "not_answered");
    assert_eq!(code(tk.close_unrated("unreachable", at, "o")), "not_answered");
    assert_eq!(tk.events.len(), 1, "refused steps leave no trace");

    // A step dated before the last one is refused.
    assert_eq!(service::dispatch(&mut tk, &cat, None, t("2025-03-03 08:00"), "desk").unwrap_err().code(), "time_before_last_event");
    service::dispatch(&mut tk, &cat, None, at, "desk").expect("dispatched");
    assert_eq!(code(tk.dispatch("nrp", at, "desk")), "invalid_transition");
    service::accept(&mut tk, &cat, &cal, at, "officer").expect("accepted");
    assert_eq!(code(tk.accept(at, "o", d("2025-03-10"))), "invalid_transition");
    assert_eq!(code(tk.return_to_dispatch("late return", at, "o")), "invalid_transition", "no 退单 after 签收");
    assert_eq!(code(tk.answer("  ", at, "o")), "missing_value");
    tk.answer("答复", at, "o").expect("answered");
    assert_eq!(code(tk.rate(Rating::Dissatisfied, None, None, at, "e")), "redo_deadline_required");
    // An unknown category cannot be routed or accepted.
    let mut odd = filed("T2", "astrology", "320302", "2025-03-03 09:00");
    assert_eq!(service::dispatch(&mut odd, &cat, None, at, "desk").unwrap_err().code(), "unknown_category");
    assert_eq!(Ticket::file("T3", 1, "320302", "policy", " ", vec![], at, "e").unwrap_err().code(), "missing_value");
}

#[test]
fn return_needs_a_reason_and_goes_back_to_dispatch() {
    let cat = catalogue();
    let mut tk = filed("T1", "land", "320371", "2025-03-03 09:00");
    assert_eq!(service::dispatch(&mut tk, &cat, None, t("2025-03-03 09:30"), "desk").expect("routed"), "zone-jk");
    assert_eq!(tk.return_to_dispatch("  ", t("2025-03-04 09:30"), "zone").unwrap_err().code(), "reason_required");
    tk.return_to_dispatch("地块属铜山区，不属本区", t("2025-03-04 09:30"), "zone").expect("returned");
    assert_eq!((tk.state, tk.department.as_deref(), tk.returns()), (TicketState::Returned, None, 1));
    let ret = tk.events.last().expect("event");
    assert_eq!((ret.kind, ret.department.as_deref()), (TicketEventKind::Returned, Some("zone-jk")));
    assert_eq!(ret.note.as_deref(), Some("地块属铜山区，不属本区"));
    // A returned ticket is not being worked on: it must be dispatched again.
    assert_eq!(tk.answer("x", t("2025-03-04 10:00"), "o").unwrap_err().code(), "invalid_transition");
    assert_eq!(service::dispatch(&mut tk, &cat, Some("nowhere"), t("2025-03-04 10:00"), "desk").unwrap_err().code(), "unknown_department");
    service::dispatch(&mut tk, &cat, Some("nrp"), t("2025-03-04 10:00"), "desk").expect("re-routed");
    assert_eq!((tk.state, tk.department.as_deref(), tk.dispatches()), (TicketState::Dispatched, Some("nrp"), 2));
    // It may bounce again; every return is counted.
    tk.return_to_dispatch("请补充材料", t("2025-03-04 11:00"), "nrp").expect("returned again");
    assert_eq!(tk.returns(), 2);
}

#[test]
fn one_extension_with_a_reason_before_the_deadline() {
    let (cat, cal) = (catalogue(), calendar());
    // Policy enquiry accepted Monday 2025-03-03 → due Monday 03-10.
    let mut tk = accepted("T1", "policy", "320302", "2025-03-03 09:00", "2025-03-03 10:00");
    assert_eq!(tk.deadline, Some(d("2025-03-10")));
    let code = |r: Result<NaiveDate, TicketError>| r.unwrap_err().code();
    assert_eq!(code(service::extend(&mut tk, &cal, "", 3, t("2025-03-05 10:00"), "officer")), "reason_required");
    assert_eq!(code(service::extend(&mut tk, &cal, "需现场核查", 0, t("2025-03-05 10:00"), "officer")), "invalid_extension_days");
    // Too late: the deadline day has ended.
    let mut late = tk.clone();
    assert_eq!(code(service::extend(&mut late, &cal, "需现场核查", 3, t("2025-03-11 08:00"), "officer")), "extension_after_deadline");
    // On the deadline day itself it is still allowed: 3 working days after Monday 03-10 → Thursday 03-13.
    assert_eq!(service::extend(&mut tk, &cal, "需现场核查", 3, t("2025-03-10 17:00"), "officer").expect("extended"), d("2025-03-13"));
    assert!(tk.extended);
    let ev = tk.events.last().expect("event");
    assert_eq!((ev.kind, ev.days, ev.deadline), (TicketEventKind::Extended, Some(3), Some(d("2025-03-13"))));
    assert_eq!(code(service::extend(&mut tk, &cal, "再延", 2, t("2025-03-11 10:00"), "officer")), "extension_used");
    // Even after 发回重办 the one extension stays used.
    tk.answer("答复", t("2025-03-12 10:00"), "officer").expect("answered");
    service::rate(&mut tk, &cat, &cal, Rating::Dissatisfied, None, t("2025-03-12 12:00"), "enterprise:1").expect("sent back");
    assert_eq!(code(service::extend(&mut tk, &cal, "再延", 2, t("2025-03-13 10:00"), "officer")), "extension_used");
}

#[test]
fn extension_crosses_a_national_holiday() {
    let cal = calendar();
    // Policy enquiry accepted Wednesday 2025-09-24: Thu 25 (1), Fri 26 (2), Sun 28 make-up (3), Mon 29 (4),
    // Tue 30 (5) → due Tuesday 09-30.
    let mut tk = accepted("T1", "policy", "320302", "2025-09-24 09:00", "2025-09-24 10:00");
    assert_eq!(tk.deadline, Some(d("2025-09-30")));
    // Extended by 3 on 09-30: 10-01..10-08 off, Thu 10-09 (1), Fri 10-10 (2), Sat 10-11 make-up (3).
    assert_eq!(service::extend(&mut tk, &cal, "节前无法完成会商", 3, t("2025-09-30 16:00"), "officer").expect("extended"), d("2025-10-11"));
    assert!(!is_overdue(&tk, t("2025-10-11 23:59")));
    assert!(is_overdue(&tk, t("2025-10-12 00:00")));
}

#[test]
fn dissatisfied_sends_the_ticket_back() {
    let (cat, cal) = (catalogue(), calendar());
    // Complaint (15 working days) accepted Monday 2025-03-03.
    let mut tk = accepted("T1", "complaint", "320302", "2025-03-03 09:00", "2025-03-03 12:00");
    assert_eq!(tk.deadline, Some(d("2025-03-24")));
    tk.answer("已协调", t("2025-03-10 10:00"), "officer").expect("answered");
    service::rate(&mut tk, &cat, &cal, Rating::Dissatisfied, Some("问题未解决".into()), t("2025-03-11 10:00"), "enterprise:1")
        .expect("sent back");
    // 发回重办: working again, the clock restarted from Tuesday 03-11: 15 working days → Tuesday 04-01.
    assert_eq!((tk.state, tk.reopens(), tk.rating), (TicketState::Working, 1, Some(Rating::Dissatisfied)));
    assert_eq!(tk.deadline, Some(d("2025-04-01")));
    assert_eq!(tk.events.last().and_then(|e| e.note.as_deref()), Some("问题未解决"));
    tk.answer("已再次协调解决", t("2025-03-14 10:00"), "officer").expect("answered again");
    service::rate(&mut tk, &cat, &cal, Rating::BasicallySatisfied, None, t("2025-03-17 10:00"), "enterprise:1").expect("closed");
    assert_eq!((tk.state, tk.rating, tk.reopens()), (TicketState::Closed, Some(Rating::BasicallySatisfied), 1));
}

#[test]
fn urge_and_supervise_do_not_change_state() {
    let mut tk = filed("T1", "policy", "320302", "2025-03-03 09:00");
    tk.urge(false, None, t("2025-03-03 10:00"), "enterprise:1").expect("urged");
    assert_eq!(tk.state, TicketState::Filed);
    let mut tk = accepted("T2", "policy", "320302", "2025-03-03 09:00", "2025-03-03 10:00");
    tk.urge(true, Some("市督查室督办".into()), t("2025-03-12 09:00"), "supervisor").expect("supervised");
    assert_eq!(tk.state, TicketState::Working);
    assert_eq!(tk.events.last().map(|e| (e.kind, e.state)), Some((TicketEventKind::Supervised, TicketState::Working)));
    assert_eq!(tk.urges(), 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Deadlines, overdue, escalation

#[test]
fn emergency_is_due_the_same_day_even_on_a_weekend() {
    let (cat, cal) = (catalogue(), calendar());
    let emergency = cat.category("emergency").expect("emergency");
    assert_eq!(deadline_for(emergency, t("2025-03-08 10:00"), &cal), d("2025-03-08"));
    let tk = accepted("T1", "emergency", "320302", "2025-03-08 09:00", "2025-03-08 10:00");
    assert_eq!(tk.deadline, Some(d("2025-03-08")));
    assert!(!is_overdue(&tk, t("2025-03-08 23:59")));
    assert!(is_overdue(&tk, t("2025-03-09 00:00")));
}

#[test]
fn overdue_and_escalation_levels() {
    let cal = calendar();
    // Policy enquiry accepted Monday 2025-03-03 → due Monday 03-10.
    let mut tk = accepted("T1", "policy", "320302", "2025-03-03 09:00", "2025-03-03 10:00");
    let level = |tk: &Ticket, at: &str| escalation(tk, &cal, t(at)).level();
    assert_eq!(level(&tk, "2025-03-10 23:59"), 0, "on time through the deadline day");
    assert_eq!(level(&tk, "2025-03-11 09:00"), 1, "overdue from the next day");
    assert_eq!(overdue_working_days(&tk, &cal, t("2025-03-13 09:00")), 3);
    assert_eq!(level(&tk, "2025-03-13 09:00"), 1, "3 working days over: still level 1");
    assert_eq!(escalation(&tk, &cal, t("2025-03-14 09:00")), Escalation::Serious, "4 working days over");
    // Answered late: no longer overdue, but the late answer is counted.
    tk.answer("迟到的答复", t("2025-03-14 10:00"), "officer").expect("answered");
    assert!(!is_overdue(&tk, t("2025-03-20 09:00")));
    assert_eq!(late_answers(&tk), 1);

    // Due on a Friday and looked at on Saturday: overdue, but 0 working days over → level 1.
    let tk = accepted("T2", "policy", "320302", "2025-03-07 09:00", "2025-03-07 10:00");
    // Friday 03-07 + 5 working days → Friday 03-14.
    assert_eq!(tk.deadline, Some(d("2025-03-14")));
    assert_eq!(overdue_working_days(&tk, &cal, t("2025-03-15 10:00")), 0);
    assert_eq!(escalation(&tk, &cal, t("2025-03-15 10:00")), Escalation::Overdue);
    // A dispatched ticket has no clock yet.
    let mut waiting = filed("T3", "policy", "320302", "2025-03-03 09:00");
    service::dispatch(&mut waiting, &catalogue(), None, t("2025-03-03 09:00"), "desk").expect("dispatched");
    assert_eq!(escalation(&waiting, &cal, t("2025-06-01 09:00")), Escalation::OnTime);
}

// ---------------------------------------------------------------------------------------------------------------
// Metrics

/// Five tickets in March 2025 (no holidays that month), looked at on Thursday 2025-03-20 12:00.
fn march_set() -> Vec<Ticket> {
    let (cat, cal) = (catalogue(), calendar());
    // T1 policy, 320302 → miit. Dispatched Mon 03-03 10:00, accepted 14:00 (4 working hours), due 03-10, answered
    // 03-05, rated satisfied Thu 03-06 10:00. Filing (Mon 09:00) to closing: 15 + 24 + 24 + 10 = 73 working hours.
    let mut t1 = filed("T1", "policy", "320302", "2025-03-03 09:00");
    service::dispatch(&mut t1, &cat, None, t("2025-03-03 10:00"), "desk").expect("t1");
    service::accept(&mut t1, &cat, &cal, t("2025-03-03 14:00"), "miit").expect("t1");
    t1.answer("答复", t("2025-03-05 10:00"), "miit").expect("t1");
    service::rate(&mut t1, &cat, &cal, Rating::Satisfied, None, t("2025-03-06 10:00"), "enterprise:1").expect("t1");

    // T2 land, 320371 → zone-jk at 09:30, returned Tue 03-04 09:30, re-dispatched to nrp 10:00, accepted Fri 03-07
    // 16:00: 14 + 24 + 24 + 16 = 78 working hours. Due 20 working days later, across 清明 (04-04..06) → Mon 04-07.
    let mut t2 = filed("T2", "land", "320371", "2025-03-03 09:00");
    service::dispatch(&mut t2, &cat, None, t("2025-03-03 09:30"), "desk").expect("t2");
    t2.return_to_dispatch("地块不在本区", t("2025-03-04 09:30"), "zone-jk").expect("t2");
    service::dispatch(&mut t2, &cat, Some("nrp"), t("2025-03-04 10:00"), "desk").expect("t2");
    service::accept(&mut t2, &cat, &cal, t("2025-03-07 16:00"), "nrp").expect("t2");
    assert_eq!(t2.deadline, Some(d("2025-04-07")));

    // T3 complaint, 320302 → ndrc, dispatched and accepted Mon 03-03 09:00 → 12:00 (3 hours). Answered 03-10,
    // rated dissatisfied 03-11 (发回重办), answered again 03-14, rated basically satisfied Mon 03-17 10:00.
    // Filing to closing: 15 (03-03) + 4 × 24 (03-04..07) + 5 × 24 (03-10..14) + 10 (03-17) = 241 working hours.
    let mut t3 = filed("T3", "complaint", "320302", "2025-03-03 09:00");
    service::dispatch(&mut t3, &cat, None, t("2025-03-03 09:00"), "desk").expect("t3");
    service::accept(&mut t3, &cat, &cal, t("2025-03-03 12:00"), "ndrc").expect("t3");
    t3.answer("答复", t("2025-03-10 10:00"), "ndrc").expect("t3");
    service::rate(&mut t3, &cat, &cal, Rating::Dissatisfied, None, t("2025-03-11 10:00"), "enterprise:1").expect("t3");
    t3.answer("再答复", t("2025-03-14 10:00"), "ndrc").expect("t3");
    service::rate(&mut t3, &cat, &cal, Rating::BasicallySatisfied, None, t("2025-03-17 10:00"), "enterprise:1").expect("t3");

    // T4 policy, 320311 → miit, dispatched Mon 03-03 09:00, accepted Tue 03-04 09:00 (24 hours), due Tue 03-11,
    // never answered: on 03-20 it is 7 working days over (12, 13, 14, 17, 18, 19, 20) → serious.
    let mut t4 = filed("T4", "policy", "320311", "2025-03-03 09:00");
    service::dispatch(&mut t4, &cat, None, t("2025-03-03 09:00"), "desk").expect("t4");
    service::accept(&mut t4, &cat, &cal, t("2025-03-04 09:00"), "miit").expect("t4");

    // T5 policy, 320302, filed Wed 03-19 and not yet dispatched: unassigned.
    let t5 = filed("T5", "policy", "320302", "2025-03-19 09:00");
    vec![t1, t2, t3, t4, t5]
}

#[test]
fn metrics_on_a_hand_built_set() {
    let cal = calendar();
    let m = service_metrics(&march_set(), &cal, t("2025-03-20 12:00"));

    let all = &m.total;
    // Open: T2, T4 (working) and T5 (filed); closed: T1 and T3. Overdue: T4 only, and seriously.
    assert_eq!((all.tickets, all.open, all.closed, all.overdue, all.serious), (5, 3, 2, 1, 1));
    // Dispatches: T1 1, T2 2, T3 1, T4 1 = 5; one return → 20.0 %.
    assert_eq!((all.dispatches, all.returns, all.return_rate_pct), (5, 1, Some(20.0)));
    // Acceptances: 4 + 78 + 3 + 24 = 109 hours over 4 → 27.25 → 27.3.
    assert_eq!((all.acceptances, all.avg_accept_hours), (4, Some(27.3)));
    // Closing: (73 + 241) / 24 / 2 = 6.54 working days → 6.5.
    assert_eq!(all.avg_close_days, Some(6.5));
    // Ratings: T1 satisfied, T3 dissatisfied then basically satisfied → one third each; one reopening.
    assert_eq!((all.ratings, all.satisfied, all.basically_satisfied, all.dissatisfied, all.reopened), (3, 1, 1, 1, 1));
    assert_eq!((all.satisfied_pct, all.basically_satisfied_pct, all.dissatisfied_pct), (Some(33.3), Some(33.3), Some(33.3)));
    assert_eq!(all.late_answers, 0);

    let dept = |id: &str| m.by_department.get(id).unwrap_or_else(|| panic!("department {id}"));
    // miit holds T1 (closed) and T4 (overdue): accept times 4 and 24 → 14.0 h; T1 closed in 73 h → 3.0 days.
    let miit = dept("miit");
    assert_eq!((miit.tickets, miit.open, miit.overdue, miit.serious, miit.closed), (2, 1, 1, 1, 1));
    assert_eq!((miit.dispatches, miit.returns, miit.return_rate_pct, miit.avg_accept_hours), (2, 0, Some(0.0), Some(14.0)));
    assert_eq!((miit.avg_close_days, miit.satisfied_pct), (Some(3.0), Some(100.0)));
    // zone-jk received T2 once and returned it: it holds no ticket, its return rate is 100 %.
    let zone = dept("zone-jk");
    assert_eq!((zone.tickets, zone.dispatches, zone.returns, zone.return_rate_pct, zone.acceptances), (0, 1, 1, Some(100.0), 0));
    assert_eq!(zone.avg_accept_hours, None);
    // nrp holds T2, accepted after 78 h.
    let nrp = dept("nrp");
    assert_eq!((nrp.tickets, nrp.open, nrp.dispatches, nrp.returns, nrp.avg_accept_hours), (1, 1, 1, 0, Some(78.0)));
    // ndrc: T3, reopened once, two ratings (50 % dissatisfied), closed in 241 h → 10.0 days.
    let ndrc = dept("ndrc");
    assert_eq!((ndrc.tickets, ndrc.closed, ndrc.reopened, ndrc.ratings, ndrc.dissatisfied_pct), (1, 1, 1, 2, Some(50.0)));
    assert_eq!((ndrc.avg_accept_hours, ndrc.avg_close_days), (Some(3.0), Some(10.0)));
    // T5 waits unassigned.
    let un = dept(UNASSIGNED);
    assert_eq!((un.tickets, un.open, un.dispatches), (1, 1, 0));
    assert_eq!(m.by_department.len(), 5);

    // By 板块: 320302 has T1, T3, T5; 320371 has T2 (2 dispatches, 1 return → 50 %); 320311 has T4 (overdue).
    let region = |code: &str| m.by_region.get(code).unwrap_or_else(|| panic!("region {code}"));
    let gl = region("320302");
    assert_eq!((gl.tickets, gl.open, gl.closed, gl.ratings, gl.overdue), (3, 1, 2, 3, 0));
    let zone = region("320371");
    assert_eq!((zone.tickets, zone.dispatches, zone.returns, zone.return_rate_pct), (1, 2, 1, Some(50.0)));
    let qs = region("320311");
    assert_eq!((qs.tickets, qs.overdue, qs.serious), (1, 1, 1));
    assert_eq!(m.by_region.len(), 3);

    // Metrics are computed, not stored: an empty set gives empty figures.
    let empty = service_metrics(&[], &cal, t("2025-03-20 12:00"));
    assert_eq!((empty.total.tickets, empty.total.return_rate_pct, empty.total.avg_accept_hours), (0, None, None));
}
