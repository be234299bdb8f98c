//! Enterprise-service tickets in time: the working-day calendar (weekends, national holidays, make-up working
//! days), deadlines and escalation, the ticket steps that need the catalogue or the calendar, and metrics by
//! department and by 板块. Nothing here is stored: every figure is computed from the tickets.
//!
//! Conventions:
//! - The clock starts at 签收 (acceptance), not at filing: a ticket waiting to be dispatched or signed for has no
//!   deadline (that wait is measured separately, as dispatch-to-acceptance time and 退单 counts).
//! - The deadline is the n-th working day after the day of acceptance, n being the category's time limit; the day of
//!   acceptance itself never counts, whether or not it is a working day. Emergencies are due the same calendar day.
//! - A ticket is overdue once the deadline day has ended (from 00:00 the next day) while the department still owes an
//!   answer (state 办理). Answered and closed tickets are never overdue; a late answer is counted separately.
//! - One extension (延期) per ticket, with a reason, requested on or before the deadline day; it moves the deadline by
//!   N working days counted from the current deadline.
//! - 不满意 sends the ticket back (发回重办) and restarts the clock: the new deadline is the category's time limit
//!   counted from the day of the rating. The extension, once used, stays used.

use crate::pipeline::pct1;
use chainscope_model::{Catalogue, Category, CategoryKind, Rating, Ticket, TicketError, TicketEventKind, TicketState};
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// What a calendar entry makes of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 放假: a day off, usually a weekday of a national holiday.
    Holiday,
    /// 调休上班: a Saturday or Sunday that is a working day.
    Workday,
}

impl DayKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "holiday" | "放假" | "休" => Some(Self::Holiday),
            "workday" | "上班" | "班" => Some(Self::Workday),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Workday => "workday",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Holiday => "放假",
            Self::Workday => "调休上班",
        }
    }
}

/// One exception to the weekend rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday it belongs to, e.g. 春节.
    pub name: String,
}

/// Why a calendar file or edit was refused. `code()` is stable; `line` counts from 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    #[error("第 {line} 行：格式应为 'date,kind,name'（日期,类型,名称） / line {line}: expected 'date,kind,name'")]
    Malformed { line: usize },
    #[error("第 {line} 行：'{value}' 不是日期（请用 YYYY-MM-DD） / line {line}: '{value}' is not a date (use YYYY-MM-DD)")]
    Date { line: usize, value: String },
    #[error("第 {line} 行：'{value}' 不是有效的日期类型（请用 holiday 或 workday） / line {line}: '{value}' is not a day kind (use holiday or workday)")]
    Kind { line: usize, value: String },
    #[error("第 {line} 行：{date} 重复列出 / line {line}: {date} is listed twice")]
    Duplicate { line: usize, date: NaiveDate },
    #[error(
        "{date} 是工作日：只有周六或周日才能设为调休上班日 / {date} is a weekday: only a Saturday or Sunday can be a make-up working day"
    )]
    WorkdayNotWeekend { date: NaiveDate },
}

impl CalendarError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "calendar_malformed",
            Self::Date { .. } => "calendar_bad_date",
            Self::Kind { .. } => "calendar_bad_kind",
            Self::Duplicate { .. } => "calendar_duplicate_date",
            Self::WorkdayNotWeekend { .. } => "calendar_workday_not_weekend",
        }
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Working days: Monday to Friday, except listed holidays, plus listed make-up working weekend days (调休上班).
/// Without entries it is a plain Monday–Friday week.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    entries: BTreeMap<NaiveDate, (DayKind, String)>,
}

impl WorkCalendar {
    /// A calendar with weekends off and no holidays.
    pub fn new() -> Self {
        Self::default()
    }

    /// Read lines `date,kind,name` (kind `holiday` or `workday`). Blank lines, lines starting with `#` and a
    /// `date,kind,name` header are skipped; the name may be quoted and may then hold commas.
    pub fn from_csv(text: &str) -> Result<Self, CalendarError> {
        let mut cal = Self::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let l = raw.trim().trim_start_matches('\u{feff}');
            if l.is_empty() || l.starts_with('#') || l.replace(' ', "").eq_ignore_ascii_case("date,kind,name") {
                continue;
            }
            let (date, rest) = l.split_once(',').ok_or(CalendarError::Malformed { line })?;
            let (kind, name) = rest.split_once(',').unwrap_or((rest, ""));
            let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                .map_err(|_| CalendarError::Date { line, value: date.trim().to_string() })?;
            let kind = DayKind::parse(kind).ok_or_else(|| CalendarError::Kind { line, value: kind.trim().to_string() })?;
            if cal.entries.contains_key(&date) {
                return Err(CalendarError::Duplicate { line, date });
            }
            cal.add(date, kind, unquote(name.trim()))?;
        }
        Ok(cal)
    }

    /// Write the entries as CSV, a `date,kind,name` header first, oldest first. Comments are not kept.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("date,kind,name\n");
        for (d, (k, n)) in &self.entries {
            let name = if n.contains([',', '"']) { format!("\"{}\"", n.replace('"', "\"\"")) } else { n.clone() };
            out.push_str(&format!("{},{},{}\n", d.format("%Y-%m-%d"), k.as_str(), name));
        }
        out
    }

    /// Set what a date is, replacing any entry it had; returns the replaced entry. A make-up working day must be a
    /// Saturday or Sunday.
    pub fn add(&mut self, date: NaiveDate, kind: DayKind, name: impl Into<String>) -> Result<Option<CalendarEntry>, CalendarError> {
        if kind == DayKind::Workday && !is_weekend(date) {
            return Err(CalendarError::WorkdayNotWeekend { date });
        }
        Ok(self.entries.insert(date, (kind, name.into())).map(|(kind, name)| CalendarEntry { date, kind, name }))
    }

    /// Drop a date's entry, so that the weekend rule applies to it again; returns it if there was one.
    pub fn remove(&mut self, date: NaiveDate) -> Option<CalendarEntry> {
        self.entries.remove(&date).map(|(kind, name)| CalendarEntry { date, kind, name })
    }

    /// The entry for a date, if any.
    pub fn entry(&self, date: NaiveDate) -> Option<CalendarEntry> {
        self.entries.get(&date).map(|(kind, name)| CalendarEntry { date, kind: *kind, name: name.clone() })
    }

    /// All entries, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = CalendarEntry> + '_ {
        self.entries.iter().map(|(d, (k, n))| CalendarEntry { date: *d, kind: *k, name: n.clone() })
    }

    /// Whether the calendar has any entry in `year`: a year without one is almost certainly missing its holidays.
    pub fn has_year(&self, year: i32) -> bool {
        self.entries.keys().any(|d| d.year() == year)
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.entries.get(&d) {
            Some((DayKind::Holiday, _)) => false,
            Some((DayKind::Workday, _)) => true,
            None => !is_weekend(d),
        }
    }

    /// The n-th working day after `start` (`start` itself never counts; `n = 0` gives `start`).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            match d.succ_opt() {
                Some(next) => d = next,
                None => return d,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in `(a, b]`: 0 for the same day, 1 from a Friday to the next Monday in an ordinary week; negative
    /// when `b` is before `a`. `add_working_days(a, n)` is the first day `b` with `working_days_between(a, b) == n`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let n = lo.iter_days().skip(1).take_while(|d| *d <= hi).filter(|d| self.is_working_day(*d)).count() as i64;
        sign * n
    }

    /// Hours between two moments that fall on working days (each working day counts its full 24 hours; days off
    /// count nothing). 0 when `b` is not after `a`.
    pub fn working_hours_between(&self, a: NaiveDateTime, b: NaiveDateTime) -> f64 {
        if b <= a {
            return 0.0;
        }
        let mut hours = 0.0;
        for day in a.date().iter_days().take_while(|d| *d <= b.date()) {
            if !self.is_working_day(day) {
                continue;
            }
            let start = day.and_time(chrono::NaiveTime::MIN);
            let end = start + TimeDelta::days(1);
            let from = a.max(start);
            let to = b.min(end);
            if to > from {
                hours += (to - from).num_seconds() as f64 / 3600.0;
            }
        }
        hours
    }
}

fn unquote(s: &str) -> String {
    match s.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => s.to_string(),
    }
}

/// The last day to answer for a ticket of `category` whose clock starts at `start`: the category's time limit in
/// working days after the start day, or the start day itself for an emergency.
pub fn deadline_for(category: &Category, start: NaiveDateTime, cal: &WorkCalendar) -> NaiveDate {
    if category.kind == CategoryKind::Emergency || category.deadline_days == 0 {
        return start.date();
    }
    cal.add_working_days(start.date(), category.deadline_days)
}

fn category_of<'a>(ticket: &Ticket, catalogue: &'a Catalogue) -> Result<&'a Category, TicketError> {
    catalogue.category(&ticket.category).ok_or_else(|| TicketError::UnknownCategory(ticket.category.clone()))
}

/// 派单 by the catalogue: to `to` when given (a manual re-routing after 退单), else to the department the routing
/// rules give for the ticket's category and 板块. Returns the department id.
pub fn dispatch(
    ticket: &mut Ticket,
    catalogue: &Catalogue,
    to: Option<&str>,
    at: NaiveDateTime,
    actor: &str,
) -> Result<String, TicketError> {
    let dept = match to {
        Some(id) => catalogue.department(id).ok_or_else(|| TicketError::UnknownDepartment(id.to_string()))?,
        None => {
            category_of(ticket, catalogue)?;
            catalogue.route(&ticket.category, &ticket.region_code).ok_or_else(|| TicketError::UnknownCategory(ticket.category.clone()))?
        }
    };
    let id = dept.id.clone();
    ticket.dispatch(id.clone(), at, actor)?;
    Ok(id)
}

/// 签收 with the deadline computed from the category ([`deadline_for`]). Returns the deadline.
pub fn accept(
    ticket: &mut Ticket,
    catalogue: &Catalogue,
    cal: &WorkCalendar,
    at: NaiveDateTime,
    actor: &str,
) -> Result<NaiveDate, TicketError> {
    let deadline = deadline_for(category_of(ticket, catalogue)?, at, cal);
    ticket.accept(at, actor, deadline)?;
    Ok(deadline)
}

/// 延期: the one extension, `days` working days after the current deadline. Returns the new deadline.
pub fn extend(
    ticket: &mut Ticket,
    cal: &WorkCalendar,
    reason: &str,
    days: u32,
    at: NaiveDateTime,
    actor: &str,
) -> Result<NaiveDate, TicketError> {
    // The model checks state, reason and timing; without a deadline it refuses, so any date serves here.
    let current = ticket.deadline.unwrap_or(at.date());
    let new = cal.add_working_days(current, days);
    ticket.request_extension(reason, days, new, at, actor)?;
    Ok(new)
}

/// 评价: satisfied ratings close the ticket; 不满意 sends it back with the clock restarted from the rating day.
#[allow(clippy::too_many_arguments)]
pub fn rate(
    ticket: &mut Ticket,
    catalogue: &Catalogue,
    cal: &WorkCalendar,
    rating: Rating,
    comment: Option<String>,
    at: NaiveDateTime,
    actor: &str,
) -> Result<(), TicketError> {
    let redo = if rating == Rating::Dissatisfied { Some(deadline_for(category_of(ticket, catalogue)?, at, cal)) } else { None };
    ticket.rate(rating, comment, redo, at, actor)
}

/// Whether the department owes an answer and the deadline day has ended by `at`.
pub fn is_overdue(ticket: &Ticket, at: NaiveDateTime) -> bool {
    ticket.awaiting_answer() && ticket.deadline.is_some_and(|d| at.date() > d)
}

/// Working days after the deadline by `at` for an overdue ticket (0 when the deadline passed over a weekend only,
/// or when not overdue).
pub fn overdue_working_days(ticket: &Ticket, cal: &WorkCalendar, at: NaiveDateTime) -> i64 {
    match ticket.deadline {
        Some(d) if is_overdue(ticket, at) => cal.working_days_between(d, at.date()).max(0),
        _ => 0,
    }
}

/// Working days overdue beyond which an overdue ticket is escalated to 督办.
pub const SERIOUS_AFTER_WORKING_DAYS: i64 = 3;

/// How urgent an open ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Escalation {
    /// 0: not overdue (or no deadline yet).
    OnTime,
    /// 1: overdue by up to [`SERIOUS_AFTER_WORKING_DAYS`] working days (催办).
    Overdue,
    /// 2: overdue by more (督办).
    Serious,
}

impl Escalation {
    pub fn level(self) -> u8 {
        match self {
            Self::OnTime => 0,
            Self::Overdue => 1,
            Self::Serious => 2,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::OnTime => "正常",
            Self::Overdue => "超期",
            Self::Serious => "严重超期",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::OnTime => "On time",
            Self::Overdue => "Overdue",
            Self::Serious => "Seriously overdue",
        }
    }
}

/// The escalation level of a ticket at `at`.
pub fn escalation(ticket: &Ticket, cal: &WorkCalendar, at: NaiveDateTime) -> Escalation {
    if !is_overdue(ticket, at) {
        Escalation::OnTime
    } else if overdue_working_days(ticket, cal, at) > SERIOUS_AFTER_WORKING_DAYS {
        Escalation::Serious
    } else {
        Escalation::Overdue
    }
}

/// Answers given after the deadline in force when they were given (a reopened ticket can be late twice).
pub fn late_answers(ticket: &Ticket) -> usize {
    let mut deadline = None;
    let mut late = 0;
    for e in &ticket.events {
        if e.deadline.is_some() {
            deadline = e.deadline;
        }
        if e.kind == TicketEventKind::Answered && deadline.is_some_and(|d| e.at.date() > d) {
            late += 1;
        }
    }
    late
}

/// Key under which tickets without a department (filed, or returned and not yet re-dispatched) are counted.
pub const UNASSIGNED: &str = "unassigned";

/// Service figures for one group of tickets (all, one department, one 板块).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServiceStats {
    /// Tickets in the group: by department, those the department holds now (or last held, when closed).
    pub tickets: u64,
    /// Not closed.
    pub open: u64,
    /// Awaiting an answer past the deadline day.
    pub overdue: u64,
    /// Overdue by more than [`SERIOUS_AFTER_WORKING_DAYS`] working days.
    pub serious: u64,
    /// 派单 received (a re-dispatch counts again).
    pub dispatches: u64,
    /// 退单 made.
    pub returns: u64,
    /// returns / dispatches, % to one decimal.
    pub return_rate_pct: Option<f64>,
    /// 签收 made.
    pub acceptances: u64,
    /// Mean working hours from a 派单 to its 签收, to one decimal.
    pub avg_accept_hours: Option<f64>,
    pub closed: u64,
    /// Mean working days (working hours / 24) from filing to 办结 of the closed tickets, to one decimal.
    pub avg_close_days: Option<f64>,
    /// Answers given after the deadline.
    pub late_answers: u64,
    /// 不满意 ratings (each sent the ticket back: 发回重办).
    pub reopened: u64,
    /// Every rating given, including those that sent a ticket back.
    pub ratings: u64,
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub dissatisfied: u64,
    pub satisfied_pct: Option<f64>,
    pub basically_satisfied_pct: Option<f64>,
    pub dissatisfied_pct: Option<f64>,
    #[serde(skip)]
    accept_hours_sum: f64,
    #[serde(skip)]
    close_days_sum: f64,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl ServiceStats {
    fn finish(&mut self) {
        self.return_rate_pct = pct1(self.returns as f64, self.dispatches as f64);
        self.avg_accept_hours = (self.acceptances > 0).then(|| round1(self.accept_hours_sum / self.acceptances as f64));
        self.avg_close_days = (self.closed > 0).then(|| round1(self.close_days_sum / self.closed as f64));
        let r = self.ratings as f64;
        self.satisfied_pct = pct1(self.satisfied as f64, r);
        self.basically_satisfied_pct = pct1(self.basically_satisfied as f64, r);
        self.dissatisfied_pct = pct1(self.dissatisfied as f64, r);
    }
}

/// Service figures at a moment, overall, by department and by 板块.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceMetrics {
    pub at: NaiveDateTime,
    pub total: ServiceStats,
    /// Department id (or [`UNASSIGNED`]) → figures. Ticket counts go to the department holding the ticket; dispatch,
    /// return and acceptance figures to the department each dispatch went to; ratings and late answers to the
    /// department that answered.
    pub by_department: BTreeMap<String, ServiceStats>,
    /// 板块 (the ticket's region code) → figures.
    pub by_region: BTreeMap<String, ServiceStats>,
}

/// Compute the figures for `tickets` as at `at` (used for open and overdue; every recorded event is counted).
pub fn service_metrics(tickets: &[Ticket], cal: &WorkCalendar, at: NaiveDateTime) -> ServiceMetrics {
    let mut total = ServiceStats::default();
    let mut by_dept: BTreeMap<String, ServiceStats> = BTreeMap::new();
    let mut by_region: BTreeMap<String, ServiceStats> = BTreeMap::new();
    for t in tickets {
        let holder = t.department.clone().or_else(|| last_department(t)).unwrap_or_else(|| UNASSIGNED.to_string());
        let region = t.region_code.clone();
        // Ticket-level figures: to the total, the holding department and the 板块.
        let overdue = is_overdue(t, at);
        let serious = escalation(t, cal, at) == Escalation::Serious;
        let close_days = t.closed_at().map(|c| cal.working_hours_between(t.filed_at, c) / 24.0);
        for s in [&mut total, by_dept.entry(holder).or_default(), by_region.entry(region.clone()).or_default()] {
            s.tickets += 1;
            s.open += t.state.is_open() as u64;
            s.overdue += overdue as u64;
            s.serious += serious as u64;
            if let Some(days) = close_days {
                s.closed += 1;
                s.close_days_sum += days;
            }
        }
        // Event-level figures: to the department concerned by each event.
        let mut dispatched_at: Option<NaiveDateTime> = None;
        let mut deadline = None;
        for e in &t.events {
            if e.deadline.is_some() {
                deadline = e.deadline;
            }
            let bump: fn(&mut ServiceStats, f64) = match e.kind {
                TicketEventKind::Dispatched => {
                    dispatched_at = Some(e.at);
                    |s, _| s.dispatches += 1
                }
                TicketEventKind::Returned => |s, _| s.returns += 1,
                TicketEventKind::Accepted => |s, hours| {
                    s.acceptances += 1;
                    s.accept_hours_sum += hours;
                },
                TicketEventKind::Answered if deadline.is_some_and(|d| e.at.date() > d) => |s, _| s.late_answers += 1,
                TicketEventKind::Rated => match e.rating {
                    Some(Rating::Satisfied) => |s, _| {
                        s.ratings += 1;
                        s.satisfied += 1;
                    },
                    Some(Rating::BasicallySatisfied) => |s, _| {
                        s.ratings += 1;
                        s.basically_satisfied += 1;
                    },
                    Some(Rating::Dissatisfied) => |s, _| {
                        s.ratings += 1;
                        s.dissatisfied += 1;
                        s.reopened += 1;
                    },
                    None => continue,
                },
                _ => continue,
            };
            let hours = match (e.kind, dispatched_at) {
                (TicketEventKind::Accepted, Some(d)) => cal.working_hours_between(d, e.at),
                _ => 0.0,
            };
            let dept = e.department.clone().unwrap_or_else(|| UNASSIGNED.to_string());
            for s in [&mut total, by_dept.entry(dept).or_default(), by_region.entry(region.clone()).or_default()] {
                bump(s, hours);
            }
        }
    }
    total.finish();
    by_dept.values_mut().for_each(ServiceStats::finish);
    by_region.values_mut().for_each(ServiceStats::finish);
    ServiceMetrics { at, total, by_department: by_dept, by_region }
}

/// The department that last held a ticket now without one (a returned ticket is counted as unassigned, so this
/// only matters for data where a closed ticket lost its department).
fn last_department(t: &Ticket) -> Option<String> {
    if t.state == TicketState::Returned || t.state == TicketState::Filed {
        return None;
    }
    t.events.iter().rev().find_map(|e| e.department.clone())
}
