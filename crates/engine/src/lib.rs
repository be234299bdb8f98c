//! Analytics over an in-memory snapshot: pure functions, no database, no HTTP.

pub mod chain;
pub mod complexity;
pub mod heat;
pub mod learn;
pub mod market;
pub mod near;
pub mod pipeline;
pub mod policy;
pub mod project_list;
pub mod relatedness;
pub mod service;
pub mod siteplan;
pub mod snapshot;
pub mod targeting;
pub mod trends;

pub use heat::{heat, markers, BBox, Grouping, HeatCell, HeatError, HeatFilter, Marker, Weight};
pub use pipeline::{
    dashboard, event_stats, pct1, period_stats, reached_as_of, signed_as_of, standard_checklist, target_of, Dashboard, EventStats,
    LeagueRow, MonthPoint, OverdueStart, OverdueTask, PeriodStats, Progress, TierSplit,
};
pub use policy::{matches_for_policy, no_application_grants, policies_for_enterprise, Criterion, Match, MatchStatus, Outcome, Reason};
pub use project_list::{ProjectFilter, ProjectSort};
pub use service::{
    deadline_for, service_metrics, CalendarEntry, CalendarError, DayKind, Escalation, ServiceMetrics, ServiceStats, WorkCalendar,
};
pub use snapshot::{AdminLevel, Snapshot, SnapshotBuilder};

/// The Chinese half of bilingual error messages names kinds with the model's words.
use chainscope_model::error::term_zh;
