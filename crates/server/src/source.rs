//! Where the server's [`Data`] comes from: a store, read whole into the engine's snapshot, the statistics, the
//! parks, the pipeline and the service settings. [`load`] reads it once; [`StoreSource`] is the [`Source`] that
//! tells when the store changed and reads it again. The program that runs the server only says how to open the
//! store (and what to fall back on for settings a store made by an older version lacks).

use crate::state::{Data, Source};
use chainscope_engine::snapshot::RowIn;
use chainscope_engine::{event_stats, period_stats, Snapshot};
use chainscope_model::{RegionRegistry, Taxonomy};
use chainscope_store::Store;
use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Why the data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("store: {0}")]
    Store(#[from] chainscope_store::StoreError),
    /// A stored setting (service catalogue, working-day calendar, policies) does not parse.
    #[error("{what}: {detail}")]
    Setting { what: &'static str, detail: String },
    /// The snapshot addresses rows with 32 bits.
    #[error("enterprise row id {0} is beyond the snapshot's 32-bit range")]
    RowId(i64),
    /// The store could not be opened.
    #[error("cannot open the store: {0}")]
    Open(String),
}

impl LoadError {
    /// A stable code for logs and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Store(_) => "store_error",
            Self::Setting { .. } => "bad_setting",
            Self::RowId(_) => "row_id_out_of_range",
            Self::Open(_) => "store_open_failed",
        }
    }
}

/// What the store is read with: its taxonomy, the region registry and the home region.
#[derive(Clone)]
pub struct Context {
    pub taxonomy: Arc<Taxonomy>,
    pub regions: Arc<RegionRegistry>,
    pub home_region: String,
}

/// The settings a store made before they were stored falls back on (the embedded dataset's own files).
#[derive(Clone, Copy)]
pub struct Defaults {
    pub service_catalogue: &'static str,
    pub work_calendar: &'static str,
    pub policies: &'static str,
}

/// A token that differs after every write to the store: initialisation and the last change.
pub fn version_of(store: &dyn Store) -> Result<String, LoadError> {
    Ok(format!("{}|{}", store.meta("init_complete")?.unwrap_or_default(), store.meta("changed_at")?.unwrap_or_default()))
}

/// Everything the server answers from, read from an open store.
pub fn load(store: &dyn Store, cx: &Context, defaults: &Defaults) -> Result<Data, LoadError> {
    let version = version_of(store)?;
    let started = std::time::Instant::now();
    let snap = snapshot(store, cx)?;
    tracing::info!(
        enterprises = snap.len,
        seconds = started.elapsed().as_secs_f64(),
        mib = snap.column_bytes() as f64 / 1048576.0,
        "snapshot built"
    );
    let stats = stats(store, cx, &snap)?;
    let mut data = Data::new(snap, stats, RegionRegistry::new());
    data.regions = cx.regions.clone();
    data.version = version;
    data.parks = store.parks()?;
    data.hubs = store.hubs()?;
    data.projects = store.projects()?;
    data.events = store.events()?;
    data.targets = store.targets()?;
    data.service = Some(Arc::new(service_config(store, defaults)?));
    data.names = names(store, &data.snapshot);
    Ok(data)
}

/// The names in memory for the search, within `CHAINSCOPE_NAME_INDEX_MB` (default 1024); `None` (the store searches)
/// when they do not fit or cannot be read.
pub fn names(store: &dyn Store, snap: &Snapshot) -> Option<Arc<crate::names::NameIndex>> {
    let mb = std::env::var("CHAINSCOPE_NAME_INDEX_MB").ok().and_then(|v| v.parse::<usize>().ok()).unwrap_or(1024);
    let started = std::time::Instant::now();
    match crate::names::NameIndex::build(store, mb.saturating_mul(1 << 20), snap) {
        Ok(ix) => {
            tracing::info!(
                names = ix.len(),
                mib = ix.bytes() as f64 / 1048576.0,
                seconds = started.elapsed().as_secs_f64(),
                "name index built"
            );
            Some(Arc::new(ix))
        }
        Err(crate::names::NotBuilt::TooLarge) => {
            tracing::info!(budget_mib = mb, "the names exceed CHAINSCOPE_NAME_INDEX_MB: the store answers searches");
            None
        }
        Err(crate::names::NotBuilt::Store(e)) => {
            tracing::warn!("reading the names failed (the store answers searches): {e}");
            None
        }
    }
}

/// The service catalogue, working-day calendar and policies stored at initialisation (the defaults for a store
/// made before they existed).
pub fn service_config(store: &dyn Store, defaults: &Defaults) -> Result<crate::service::ServiceConfig, LoadError> {
    let text = |key: &str, default: &str| -> Result<String, LoadError> { Ok(store.meta(key)?.unwrap_or_else(|| default.to_string())) };
    let setting = |what: &'static str| move |e: &dyn std::fmt::Display| LoadError::Setting { what, detail: e.to_string() };
    let catalogue = chainscope_model::Catalogue::from_toml(&text("service_catalogue", defaults.service_catalogue)?)
        .map_err(|e| setting("service catalogue")(&e))?;
    let calendar = chainscope_engine::WorkCalendar::from_csv(&text("work_calendar", defaults.work_calendar)?)
        .map_err(|e| setting("working-day calendar")(&e))?;
    let policies = chainscope_model::policies_from_toml(&text("policies", defaults.policies)?).map_err(|e| setting("policies")(&e))?;
    Ok(crate::service::ServiceConfig { catalogue, calendar, policies })
}

/// Read the snapshot's columns of every enterprise once.
pub fn snapshot(store: &dyn Store, cx: &Context) -> Result<Snapshot, LoadError> {
    // No count first: counting the enterprises is a scan of the table of its own (seconds at 10 million rows).
    // The columns grow as rows arrive and are trimmed to size at the end.
    let mut b = Snapshot::builder(cx.taxonomy.clone(), &cx.home_region);
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
        b.push_row(&row, r.node_ids(), &cx.regions);
    })?;
    if let Some(id) = bad_id {
        return Err(LoadError::RowId(id));
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

/// The figures served at `/api/v1/stats` and printed by `chainscope stats`: counts by kind, by tier and cluster,
/// and the pipeline figures, all counted from records.
pub fn stats(store: &dyn Store, cx: &Context, snap: &Snapshot) -> Result<Value, LoadError> {
    let projects = store.projects()?;
    let events = store.events()?;
    let targets = store.targets()?;
    let tax = &*cx.taxonomy;

    // Enterprises per cluster (distinct), local ones, local leaders: from the snapshot's per-node row lists.
    let mut per_cluster: HashMap<String, [u64; 3]> = HashMap::new();
    let mut seen = vec![false; snap.len];
    for c in &tax.clusters {
        seen.iter_mut().for_each(|x| *x = false);
        let v = per_cluster.entry(c.id.clone()).or_default();
        for ch in tax.chains_of_cluster(&c.id) {
            for n in tax.nodes_of_chain(&ch.id) {
                let Some(i) = tax.node_idx(&n.id) else { continue };
                for &r in &snap.node_rows[i] {
                    let r = r as usize;
                    if std::mem::replace(&mut seen[r], true) {
                        continue;
                    }
                    let f = snap.row_flags(r);
                    v[0] += 1;
                    v[1] += u64::from(f.local);
                    v[2] += u64::from(f.chain_leader && f.local);
                }
            }
        }
    }
    let mut projects_per_cluster: HashMap<&str, u64> = HashMap::new();
    for p in &projects {
        if let Some(c) = &p.cluster {
            *projects_per_cluster.entry(c.as_str()).or_default() += 1;
        }
    }
    let mut tiers: Vec<_> = tax.tiers.iter().collect();
    tiers.sort_by_key(|t| t.order);
    let tiers_json: Vec<Value> = tiers
        .iter()
        .map(|t| {
            let mut clusters: Vec<_> = tax.clusters.iter().filter(|c| c.tier == t.id).collect();
            clusters.sort_by_key(|c| c.order);
            let cl: Vec<Value> = clusters
                .iter()
                .map(|c| {
                    let v = per_cluster.get(&c.id).copied().unwrap_or_default();
                    json!({
                        "id": c.id, "name_zh": c.name_zh, "name_en": c.name_en, "lead_department": c.lead_department,
                        "chains": tax.chains_of_cluster(&c.id).map(|ch| json!({"id": ch.id, "name_zh": ch.name_zh, "nodes": tax.nodes_of_chain(&ch.id).count()})).collect::<Vec<_>>(),
                        "enterprises": v[0], "local_enterprises": v[1], "local_chain_leaders": v[2],
                        "projects": projects_per_cluster.get(c.id.as_str()).copied().unwrap_or(0),
                    })
                })
                .collect();
            json!({"id": t.id, "name_zh": t.name_zh, "name_en": t.name_en, "clusters": cl})
        })
        .collect();

    // Per year: cumulative signed projects at each quarter's end against the annual task.
    let years: std::collections::BTreeSet<i32> = projects.iter().filter_map(|p| p.signed_on()).map(|d| d.year()).collect();
    let mut years_json = Vec::new();
    for y in years {
        let (Some(from), Some(end)) = (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31)) else { continue };
        let quarters: Vec<Value> = [(3, 31, "Q1"), (6, 30, "H1"), (9, 30, "Q1-Q3"), (12, 31, "full_year")]
            .iter()
            .filter_map(|(m, d, label)| {
                let to = NaiveDate::from_ymd_opt(y, *m, *d)?;
                let s = period_stats(&projects, tax, &targets, from, to);
                Some(json!({
                    "through": label, "to": to.to_string(), "signed": s.signed, "in_system": s.split.in_system,
                    "in_system_pct": s.in_system_pct, "completion_pct": s.completion_pct, "by_tier": s.split.by_tier,
                }))
            })
            .collect();
        let full = period_stats(&projects, tax, &targets, from, end);
        years_json.push(json!({"year": y, "target": full.annual_target, "cumulative": quarters}));
    }

    let mut events_sorted: Vec<_> = events.iter().collect();
    events_sorted.sort_by_key(|e| (e.date, e.id.clone()));
    let events_json: Vec<Value> = events_sorted
        .iter()
        .map(|e| {
            let s = event_stats(&projects, tax, &e.id);
            json!({
                "id": e.id, "name_zh": e.name_zh, "date": e.date.to_string(), "city": e.city, "kind": e.kind,
                "signed": s.signed, "in_system": s.split.in_system, "in_system_pct": s.in_system_pct,
                "by_tier": s.split.by_tier, "other": s.split.other, "other_pct": s.other_pct,
                "regions": s.regions.len(), "region_codes": s.regions, "synthetic": e.synthetic,
            })
        })
        .collect();

    let mut by_stage: BTreeMap<&str, u64> = BTreeMap::new();
    for p in &projects {
        *by_stage.entry(p.stage.as_str()).or_default() += 1;
    }
    Ok(json!({
        "dataset": store.meta("dataset")?,
        "home_region": cx.home_region,
        "demo_data": store.meta("demo_data")?.is_some(),
        "counts": store.counts()?,
        "taxonomy": {"tiers": tax.tiers.len(), "clusters": tax.clusters.len(), "chains": tax.chains.len(), "nodes": tax.nodes.len()},
        "tiers": tiers_json,
        "projects_by_stage": by_stage,
        "years": years_json,
        "events": events_json,
    }))
}

/// How [`StoreSource`] opens the store anew for a reload, with the context to read it by.
pub type Opener = dyn Fn() -> Result<(Box<dyn Store>, Context), String> + Send + Sync;

/// The store as the server's [`Source`]: a connection kept open for the cheap version check, and a fresh one
/// opened for every reload (so that a reload also picks up a new taxonomy or region table).
pub struct StoreSource {
    open: Box<Opener>,
    probe: Mutex<Box<dyn Store>>,
    defaults: Defaults,
}

impl StoreSource {
    /// `open` is called once now (its store becomes the version probe) and again on every reload.
    pub fn new(open: Box<Opener>, defaults: Defaults) -> Result<Self, LoadError> {
        let (probe, _) = open().map_err(LoadError::Open)?;
        Ok(Self { open, probe: Mutex::new(probe), defaults })
    }
}

impl Source for StoreSource {
    fn version(&self) -> Result<String, String> {
        let guard = self.probe.lock().map_err(|_| "the version probe is poisoned".to_string())?;
        version_of(&**guard).map_err(|e| e.to_string())
    }

    fn load(&self) -> Result<Data, String> {
        let (store, cx) = (self.open)()?;
        load(&*store, &cx, &self.defaults).map_err(|e| format!("{e} [{}]", e.code()))
    }
}
