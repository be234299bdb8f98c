//! First-run initialisation: opening a data directory creates its store from the embedded default dataset (or,
//! for a city that brings its own data, only the taxonomy and regions).

use crate::app::{self, App, STORE_FILE};
use crate::dataset;
use crate::import::{self, Input, Kind, Options};
use anyhow::bail;
use chainscope_model::{RegionRegistry, Taxonomy};
use chainscope_store::prelude::*;
use std::path::Path;
use std::sync::Arc;

/// What first-run initialisation loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitMode {
    /// Taxonomy, regions, parks, hubs, anchors, synthetic population and demo pipeline.
    Default,
    /// Taxonomy and regions only, for a city that imports its own data.
    Empty,
}

/// Open the data directory, initialising it from the embedded dataset on first use.
pub fn open(data_dir: &Path, quiet: bool) -> anyhow::Result<App> {
    let path = data_dir.join(STORE_FILE);
    let mut app = App::from_store(app::open_store(&path)?)?;
    if app.store.meta("init_complete")?.is_none() {
        let started = std::time::Instant::now();
        if !quiet {
            eprintln!(
                "首次运行：正在从内置数据集创建数据库 / first run: creating the store from the embedded dataset in {}",
                data_dir.display()
            );
        }
        initialise(&mut app, InitMode::Default)?;
        if !quiet {
            eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
        }
    }
    Ok(app)
}

/// For validation only: the existing store if there is one, otherwise an in-memory store holding the embedded
/// taxonomy and regions, so that `check` never creates or changes files.
pub fn open_for_check(data_dir: &Path) -> anyhow::Result<App> {
    let path = data_dir.join(STORE_FILE);
    if path.exists() {
        return open(data_dir, true);
    }
    let mut app = App::from_store(app::scratch_store()?)?;
    initialise(&mut app, InitMode::Empty)?;
    Ok(app)
}

/// Load the embedded dataset. Every step is an idempotent upsert, so an interrupted initialisation is simply
/// run again on the next start; `init_complete` is written last.
pub fn initialise(app: &mut App, mode: InitMode) -> anyhow::Result<()> {
    let meta = dataset::dataset_meta()?;
    let taxonomy = Taxonomy::from_toml(dataset::TAXONOMY.text).map_err(|e| anyhow::anyhow!("embedded taxonomy: {e}"))?;
    app.store.set_taxonomy_toml(dataset::TAXONOMY.text)?;
    app.taxonomy = Arc::new(taxonomy);
    app.store.set_meta("dataset", &meta.id)?;
    app.store.set_meta("dataset_name_zh", &meta.name_zh)?;
    app.store.set_meta("dataset_name_en", &meta.name_en)?;
    app.store.set_meta("home_region", &meta.home_region)?;
    if let Some(d) = &meta.as_of {
        app.store.set_meta("dataset_as_of", d)?;
    }
    app.home_region = meta.home_region.clone();
    let reference = dataset::reference_regions()?;
    app.store.upsert_regions(&reference)?;
    let mut registry = RegionRegistry::new();
    for r in reference {
        registry.insert(r);
    }
    app.regions = Arc::new(registry);
    load_embedded(app, Kind::Regions, &dataset::ZONES)?;
    // The service catalogue, the working-day calendar and the policies: settings an administrator may change.
    app.store.set_meta("service_catalogue", dataset::SERVICE_CATALOGUE.text)?;
    app.store.set_meta("work_calendar", dataset::HOLIDAYS.text)?;
    app.store.set_meta("policies", dataset::POLICIES.text)?;
    if mode == InitMode::Default {
        load_embedded(app, Kind::Hubs, &dataset::HUBS)?;
        load_embedded(app, Kind::Parks, &dataset::PARKS)?;
        load_embedded(app, Kind::Enterprises, &dataset::ENTERPRISES)?;
        let synthetic = crate::generate::default_population(app, &meta)?;
        load_text(app, Kind::Enterprises, "synthetic-population.csv", &synthetic)?;
        load_embedded(app, Kind::Events, &dataset::EVENTS)?;
        load_embedded(app, Kind::Projects, &dataset::PROJECTS)?;
        load_embedded(app, Kind::Targets, &dataset::TARGETS)?;
        let day = app.store.projects()?.iter().filter_map(|p| p.history.last().map(|e| e.date)).max();
        if let Some(day) = day {
            crate::generate::demo_checklists(app, day)?;
        }
        app.store.set_meta("demo_data", "1")?;
    }
    app.store.set_meta("init_mode", if mode == InitMode::Default { "default" } else { "empty" })?;
    app.store.set_meta("init_complete", &chrono::Utc::now().to_rfc3339())?;
    Ok(())
}

fn load_embedded(app: &mut App, kind: Kind, file: &dataset::EmbeddedFile) -> anyhow::Result<()> {
    load_text(app, kind, file.name, file.text)
}

fn load_text(app: &mut App, kind: Kind, name: &str, text: &str) -> anyhow::Result<()> {
    let report = import::run(app, kind, Input::Text { name, text }, &Options::default())?;
    if !report.committed || report.rejected_count > 0 {
        let first: Vec<String> = report
            .rejected
            .iter()
            .take(5)
            .flat_map(|r| r.issues.iter().map(|i| format!("line {} {} [{}] {}", i.line, i.field, i.code, i.message)))
            .collect();
        bail!("the embedded file {name} has {} invalid rows: {}", report.rejected_count, first.join("; "));
    }
    Ok(())
}
