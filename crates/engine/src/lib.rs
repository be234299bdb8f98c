//! Analytics over an in-memory snapshot: pure functions, no database, no HTTP.

pub mod pipeline;

pub use pipeline::{event_stats, pct1, period_stats, EventStats, PeriodStats, TierSplit};
