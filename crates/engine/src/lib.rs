//! Analytics over an in-memory snapshot: pure functions, no database, no HTTP.

pub mod chain;
pub mod complexity;
pub mod heat;
pub mod pipeline;
pub mod snapshot;
pub mod trends;

pub use heat::{heat, Grouping, HeatCell, HeatError, HeatFilter, Weight};
pub use pipeline::{event_stats, pct1, period_stats, EventStats, PeriodStats, TierSplit};
pub use snapshot::{AdminLevel, Snapshot, SnapshotBuilder};
