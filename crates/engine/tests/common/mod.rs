//! Fixtures of the engine's integration tests, on top of the workspace's shared ones (`chainscope_testkit`):
//! snapshots with Xuzhou as home, H3 cells as the snapshot stores them, dates. Each test file uses only some of them.
#![allow(dead_code)]

use chainscope_engine::Snapshot;
use chainscope_model::{Enterprise, RegionRegistry, Taxonomy};
use chrono::NaiveDate;
use std::sync::Arc;

/// The home region of every test snapshot: Xuzhou.
pub const HOME: &str = "320300";

/// The finest H3 cell (resolution 12) of a point, as the snapshot stores it.
pub fn cell(lat: f64, lon: f64) -> u64 {
    u64::from(h3o::LatLng::new(lat, lon).expect("coords").to_cell(h3o::Resolution::Twelve))
}

/// A snapshot of `es` on `taxonomy`, with Xuzhou as home.
pub fn snapshot(taxonomy: Arc<Taxonomy>, es: &[Enterprise], reg: &RegionRegistry) -> Snapshot {
    let mut b = Snapshot::builder(taxonomy, HOME);
    b.reserve(es.len());
    for e in es {
        b.push(e, reg);
    }
    b.finish()
}

/// A date written `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}
