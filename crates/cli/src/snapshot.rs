//! Building the engine's snapshot from the store.

use crate::app::App;
use chainscope_engine::snapshot::RowIn;
use chainscope_engine::Snapshot;
use chainscope_model::{RegionRegistry, Taxonomy};
use chainscope_store::Store;
use std::sync::Arc;

/// Read the snapshot's columns of every enterprise once.
pub fn build(app: &App) -> anyhow::Result<Snapshot> {
    from_store(&app.store, app.taxonomy.clone(), &app.regions, &app.home_region)
}

/// The same from any store.
pub fn from_store(store: &dyn Store, taxonomy: Arc<Taxonomy>, regions: &RegionRegistry, home: &str) -> anyhow::Result<Snapshot> {
    // No count first: counting the enterprises is a scan of the table of its own (seconds at 10 million rows).
    // The columns grow as rows arrive and are trimmed to size at the end.
    let mut b = Snapshot::builder(taxonomy, home);
    let mut bad_id = None;
    store.for_each_snapshot_row(&mut |r| {
        let Ok(id) = u32::try_from(r.id) else {
            bad_id = Some(r.id);
            return;
        };
        let row = RowIn {
            id,
            h3: r.h3,
            region_code: r.region_code,
            revenue: r.revenue,
            employees: r.employees,
            capital: r.capital,
            founded: r.founded_year,
            flags: r.flags.bits(),
            synthetic: r.synthetic,
            growth: if r.series.is_empty() {
                f32::NAN
            } else {
                chainscope_model::enterprise::growth(r.series, None).map_or(f32::NAN, |g| g as f32)
            },
        };
        b.push_row(&row, r.node_ids(), regions);
    })?;
    if let Some(id) = bad_id {
        anyhow::bail!("enterprise row id {id} is beyond the snapshot's 32-bit range");
    }
    let mut snap = b.finish();
    trim(&mut snap);
    Ok(snap)
}

/// Give back the spare capacity the columns kept from growing.
fn trim(s: &mut Snapshot) {
    s.ids.shrink_to_fit();
    s.h3.shrink_to_fit();
    s.region.shrink_to_fit();
    s.revenue.shrink_to_fit();
    s.employees.shrink_to_fit();
    s.capital.shrink_to_fit();
    s.founded.shrink_to_fit();
    s.flags.shrink_to_fit();
    s.growth.shrink_to_fit();
}
