//! `chainscope serve`: how the server opens the data directory. Reading the store into the server's data, and
//! reloading it when the store records a change (`changed_at`, written by every import), is the server's own
//! (`chainscope_server::source`); this module only says where the store is and what the embedded defaults are.

use crate::app::App;
use crate::{dataset, init};
use chainscope_server::source::{Context, Defaults, StoreSource};
use chainscope_server::Data;
use std::path::PathBuf;

/// The embedded dataset's settings, for a store made before they were stored.
pub const DEFAULTS: Defaults = Defaults {
    service_catalogue: dataset::SERVICE_CATALOGUE.text,
    work_calendar: dataset::HOLIDAYS.text,
    policies: dataset::POLICIES.text,
};

/// What the store of an open data directory is read with.
pub fn context(app: &App) -> Context {
    Context { taxonomy: app.taxonomy.clone(), regions: app.regions.clone(), home_region: app.home_region.clone() }
}

/// Everything the server needs, read from an open data directory.
pub fn load(app: &App, quiet: bool) -> anyhow::Result<Data> {
    let started = std::time::Instant::now();
    let data = chainscope_server::source::load(&app.store, &context(app), &DEFAULTS)?;
    if !quiet {
        eprintln!(
            "snapshot: {} enterprises in {:.2} s, {:.1} MiB",
            data.snapshot.len,
            started.elapsed().as_secs_f64(),
            data.snapshot.column_bytes() as f64 / 1048576.0
        );
    }
    Ok(data)
}

/// The data directory as the server's source: opened anew (initialised if needed) for every reload.
pub fn source(data_dir: PathBuf) -> anyhow::Result<StoreSource> {
    let open = move || -> Result<(Box<dyn chainscope_store::Store>, Context), String> {
        let app = init::open(&data_dir, true).map_err(|e| format!("{e:#}"))?;
        let cx = context(&app);
        Ok((Box::new(app.store), cx))
    };
    Ok(StoreSource::new(Box::new(open), DEFAULTS)?)
}
