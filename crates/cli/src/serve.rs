//! `chainscope serve`: the data the server answers from, read from the data directory, and reloaded when the
//! store records a change (`changed_at`, written by every import).

use crate::app::App;
use crate::{init, snapshot, stats};
use chainscope_server::{Data, Source};
use chainscope_store::{PipelineStore, RecordStore, Store};
use std::path::PathBuf;
use std::sync::Mutex;

pub struct DirSource {
    data_dir: PathBuf,
    /// A connection kept open for the cheap version check.
    probe: Mutex<crate::app::Backend>,
}

impl DirSource {
    pub fn new(data_dir: PathBuf) -> anyhow::Result<Self> {
        let probe = crate::app::open_store(&data_dir.join(crate::app::STORE_FILE))?;
        Ok(Self { data_dir, probe: Mutex::new(probe) })
    }
}

fn version_of(store: &dyn Store) -> anyhow::Result<String> {
    Ok(format!("{}|{}", store.meta("init_complete")?.unwrap_or_default(), store.meta("changed_at")?.unwrap_or_default()))
}

/// Everything the server needs, read from an open data directory.
pub fn load(app: &App, quiet: bool) -> anyhow::Result<Data> {
    let version = version_of(&app.store)?;
    let t = std::time::Instant::now();
    let snap = snapshot::build(app)?;
    if !quiet {
        eprintln!(
            "snapshot: {} enterprises in {:.2} s, {:.1} MiB",
            snap.len,
            t.elapsed().as_secs_f64(),
            snap.column_bytes() as f64 / 1048576.0
        );
    }
    let stats = stats::compute(app, &snap)?;
    let mut data = Data::new(snap, stats, chainscope_model::RegionRegistry::new());
    data.regions = app.regions.clone();
    data.version = version;
    data.parks = app.store.parks()?;
    data.hubs = app.store.hubs()?;
    data.projects = app.store.projects()?;
    data.events = app.store.events()?;
    data.targets = app.store.targets()?;
    data.service = Some(std::sync::Arc::new(service_config(app)?));
    Ok(data)
}

/// The service catalogue, working-day calendar and policies stored at initialisation (the embedded defaults for a
/// store made before they existed).
fn service_config(app: &App) -> anyhow::Result<chainscope_server::service::ServiceConfig> {
    use crate::dataset;
    let text = |key: &str, default: &str| -> anyhow::Result<String> { Ok(app.store.meta(key)?.unwrap_or_else(|| default.to_string())) };
    let catalogue = chainscope_model::Catalogue::from_toml(&text("service_catalogue", dataset::SERVICE_CATALOGUE.text)?)
        .map_err(|e| anyhow::anyhow!("service catalogue: {e}"))?;
    let calendar = chainscope_engine::WorkCalendar::from_csv(&text("work_calendar", dataset::HOLIDAYS.text)?)
        .map_err(|e| anyhow::anyhow!("working-day calendar: {e}"))?;
    let policies =
        chainscope_model::policies_from_toml(&text("policies", dataset::POLICIES.text)?).map_err(|e| anyhow::anyhow!("policies: {e}"))?;
    Ok(chainscope_server::service::ServiceConfig { catalogue, calendar, policies })
}

impl Source for DirSource {
    fn version(&self) -> Result<String, String> {
        let guard = self.probe.lock().map_err(|_| "the version probe is poisoned".to_string())?;
        version_of(&*guard).map_err(|e| format!("{e:#}"))
    }

    fn load(&self) -> Result<Data, String> {
        let app = init::open(&self.data_dir, true).map_err(|e| format!("{e:#}"))?;
        load(&app, true).map_err(|e| format!("{e:#}"))
    }
}
