//! Fixtures of the engine's integration tests, on top of the workspace's shared ones (`chainscope_testkit`):
//! snapshots with Xuzhou as home, H3 cells as the snapshot stores them, dates, projects with a stage history. Each test file uses only some of them.
#![allow(dead_code)]

use chainscope_engine::Snapshot;
use chainscope_model::{Channel, Enterprise, Project, Provenance, RegionRegistry, Stage, StageEntry, Taxonomy};
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

/// A project in `region`, on `cluster` (or in another category), with a history of `stage@date` pairs.
pub fn project(id: &str, region: &str, cluster: Option<&str>, amount: f64, history: &[(Stage, &str)]) -> Project {
    let history: Vec<StageEntry> = history.iter().map(|(s, day)| StageEntry::new(*s, d(day))).collect();
    Project {
        id: id.into(),
        name: format!("项目 Project {id}"),
        investor: Some(format!("Investor {id}")),
        investor_id: None,
        cluster: cluster.map(str::to_string),
        node: None,
        other_category: if cluster.is_none() { Some("modern-service".into()) } else { None },
        region_code: region.into(),
        park_id: None,
        amount: Some(amount),
        amount_paid: None,
        jobs: None,
        channel: Channel::Chain,
        stage: history.last().map_or(Stage::Lead, |e| e.stage),
        history,
        event_id: None,
        officer: None,
        provenance: Provenance { source: "test".into(), as_of: None },
        synthetic: false,
        version: 1,
        start_deadline: None,
        checklist: vec![],
        documents: vec![],
        next_steps: vec![],
    }
}
