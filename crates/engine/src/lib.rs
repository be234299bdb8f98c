//! Analytics over an in-memory snapshot: pure functions, no database, no HTTP.

pub mod chain;
pub mod complexity;
pub mod heat;
pub mod market;
pub mod near;
pub mod pipeline;
pub mod relatedness;
pub mod siteplan;
pub mod snapshot;
pub mod targeting;
pub mod trends;

pub use heat::{heat, markers, BBox, Grouping, HeatCell, HeatError, HeatFilter, Marker, Weight};
pub use pipeline::{event_stats, pct1, period_stats, EventStats, PeriodStats, TierSplit};
pub use snapshot::{AdminLevel, Snapshot, SnapshotBuilder};
