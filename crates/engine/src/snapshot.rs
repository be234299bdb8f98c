//! The in-memory columnar snapshot of all enterprises that every analytic reads. Plain `Vec` columns, regions
//! dictionary-coded, and per-node row lists; no names or text (drill-down fetches records from the store by row
//! id). About 48 bytes per enterprise plus its node memberships.

use chainscope_model::{Enterprise, Flags, RegionLevel, RegionRegistry, Taxonomy};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Flag bit for synthetic records, beside the model's [`Flags`] bits.
pub const SYNTHETIC_BIT: u8 = 1 << 7;

/// Regions seen in the data, with their ancestors at each administrative level precomputed.
#[derive(Debug, Default, Clone)]
pub struct RegionDict {
    pub codes: Vec<String>,
    index: FxHashMap<String, u32>,
    /// For each entry: the code of its country, province, prefecture and county (or zone), if any.
    pub levels: Vec<[Option<u32>; 4]>,
}

/// Administrative levels a heat map can group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminLevel {
    Country,
    Province,
    Prefecture,
    /// County-level division or zone (板块).
    County,
}

impl AdminLevel {
    fn slot(self) -> usize {
        match self {
            Self::Country => 0,
            Self::Province => 1,
            Self::Prefecture => 2,
            Self::County => 3,
        }
    }
}

impl RegionDict {
    fn intern(&mut self, code: &str, regions: &RegionRegistry) -> u32 {
        if let Some(&i) = self.index.get(code) {
            return i;
        }
        let i = self.codes.len() as u32;
        self.codes.push(code.to_string());
        self.index.insert(code.to_string(), i);
        self.levels.push([None; 4]);
        let mut levels = [None; 4];
        let current = regions.current_code(code).to_string();
        let chain: Vec<(String, RegionLevel)> = regions.ancestors(&current).map(|r| (r.code.clone(), r.level)).collect();
        for (c, level) in chain {
            let slot = match level {
                RegionLevel::Country => 0,
                RegionLevel::Province => 1,
                RegionLevel::Prefecture => 2,
                RegionLevel::County | RegionLevel::Zone => 3,
                RegionLevel::Aggregate => continue,
            };
            if levels[slot].is_none() {
                levels[slot] = Some(if c == code { i } else { self.intern(&c, regions) });
            }
        }
        // A Chinese region's country is CN even when the registry has no CN parent link.
        if levels[0].is_none() {
            if let Some(country) = regions.country_of(code).map(str::to_string) {
                if country != code {
                    levels[0] = Some(self.intern(&country, regions));
                } else {
                    levels[0] = Some(i);
                }
            }
        }
        self.levels[i as usize] = levels;
        i
    }

    pub fn get(&self, code: &str) -> Option<u32> {
        self.index.get(code).copied()
    }

    /// The group an entry falls in at `level`.
    pub fn at(&self, idx: u32, level: AdminLevel) -> Option<u32> {
        self.levels.get(idx as usize).and_then(|l| l[level.slot()])
    }
}

/// Immutable columns over all enterprises. Build once, share behind an `Arc`, rebuild after writes.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub taxonomy: Arc<Taxonomy>,
    pub home_region: String,
    /// Store row order: the n-th enterprise read.
    pub len: usize,
    /// The store's row id of each row, ascending (drill-down fetches records by it).
    pub ids: Vec<u32>,
    /// Fine H3 cell (resolution 12) or 0 when unlocated.
    pub h3: Vec<u64>,
    /// Region dictionary index, `u32::MAX` when unknown.
    pub region: Vec<u32>,
    pub revenue: Vec<f32>,
    pub employees: Vec<u32>,
    pub capital: Vec<f32>,
    /// Founding year, 0 when unknown.
    pub founded: Vec<u16>,
    /// Yearly growth of revenue (else employees) over the last reported years, NaN when unknown
    /// (see [`chainscope_model::enterprise::growth`]).
    pub growth: Vec<f32>,
    /// [`Flags`] bits plus [`SYNTHETIC_BIT`].
    pub flags: Vec<u8>,
    /// For each taxonomy node (by index): the rows on it, ascending.
    pub node_rows: Vec<Vec<u32>>,
    pub regions: RegionDict,
}

pub const NO_REGION: u32 = u32::MAX;

impl Snapshot {
    pub fn builder(taxonomy: Arc<Taxonomy>, home_region: &str) -> SnapshotBuilder {
        let nodes = taxonomy.nodes.len();
        SnapshotBuilder {
            snap: Snapshot {
                taxonomy,
                home_region: home_region.to_string(),
                len: 0,
                ids: Vec::new(),
                h3: Vec::new(),
                region: Vec::new(),
                revenue: Vec::new(),
                employees: Vec::new(),
                capital: Vec::new(),
                founded: Vec::new(),
                growth: Vec::new(),
                flags: Vec::new(),
                node_rows: vec![Vec::new(); nodes],
                regions: RegionDict::default(),
            },
        }
    }

    /// Bytes held by the columns (not counting the small dictionaries).
    pub fn column_bytes(&self) -> usize {
        self.ids.capacity() * 4
            + self.h3.capacity() * 8
            + self.region.capacity() * 4
            + self.revenue.capacity() * 4
            + self.employees.capacity() * 4
            + self.capital.capacity() * 4
            + self.founded.capacity() * 2
            + self.growth.capacity() * 4
            + self.flags.capacity()
            + self.node_rows.iter().map(|v| v.capacity() * 4 + 24).sum::<usize>()
    }

    /// The row holding store id `id`.
    pub fn row_of_id(&self, id: u32) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }

    pub fn row_flags(&self, row: usize) -> Flags {
        Flags::from_bits(self.flags[row] & !SYNTHETIC_BIT)
    }
}

/// The columns of one enterprise as the builder takes them.
#[derive(Debug, Clone, Copy)]
pub struct RowIn<'a> {
    pub id: u32,
    pub h3: u64,
    pub region_code: Option<&'a str>,
    pub revenue: f64,
    pub employees: u32,
    pub capital: f64,
    pub founded: u16,
    /// [`Flags`] bits.
    pub flags: u8,
    pub synthetic: bool,
    /// NaN when unknown.
    pub growth: f32,
}

pub struct SnapshotBuilder {
    snap: Snapshot,
}

impl SnapshotBuilder {
    pub fn reserve(&mut self, n: usize) {
        let s = &mut self.snap;
        s.ids.reserve_exact(n);
        s.h3.reserve_exact(n);
        s.region.reserve_exact(n);
        s.revenue.reserve_exact(n);
        s.employees.reserve_exact(n);
        s.capital.reserve_exact(n);
        s.founded.reserve_exact(n);
        s.growth.reserve_exact(n);
        s.flags.reserve_exact(n);
    }

    /// Append a full record (tests and small data); its id is its position, counting from 1.
    pub fn push(&mut self, e: &Enterprise, regions: &RegionRegistry) {
        let row = RowIn {
            id: self.snap.len as u32 + 1,
            h3: e.h3.unwrap_or(0),
            region_code: e.region_code.as_deref(),
            revenue: e.revenue.unwrap_or(0.0),
            employees: e.employees.unwrap_or(0),
            capital: e.registered_capital.unwrap_or(0.0),
            founded: e.founded.map(|d| chrono::Datelike::year(&d).clamp(0, u16::MAX as i32) as u16).unwrap_or(0),
            flags: e.flags.bits(),
            synthetic: e.synthetic,
            growth: chainscope_model::enterprise::growth(&e.series, None).map_or(f32::NAN, |g| g as f32),
        };
        self.push_row(&row, e.memberships.iter().map(|m| m.node.as_str()), regions);
    }

    /// Append one row read from the store. Rows must come in ascending id order.
    pub fn push_row<'n>(&mut self, r: &RowIn<'_>, nodes: impl Iterator<Item = &'n str>, regions: &RegionRegistry) {
        let s = &mut self.snap;
        let row = s.len as u32;
        s.len += 1;
        s.ids.push(r.id);
        s.h3.push(r.h3);
        let region = match r.region_code {
            Some(code) => s.regions.intern(code, regions),
            None => NO_REGION,
        };
        s.region.push(region);
        s.revenue.push(r.revenue as f32);
        s.employees.push(r.employees);
        s.capital.push(r.capital as f32);
        s.founded.push(r.founded);
        s.growth.push(r.growth);
        s.flags.push(r.flags | if r.synthetic { SYNTHETIC_BIT } else { 0 });
        for node in nodes {
            if let Some(n) = s.taxonomy.node_idx(node) {
                let list = &mut s.node_rows[n];
                if list.last() != Some(&row) {
                    list.push(row);
                }
            }
        }
    }

    pub fn finish(mut self) -> Snapshot {
        for v in &mut self.snap.node_rows {
            v.shrink_to_fit();
        }
        self.snap
    }
}
