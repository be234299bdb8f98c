//! Heat: enterprises aggregated into H3 cells (resolution 3–9) or administrative units, weighted by count,
//! revenue, employees or registered capital, under any combination of filters.

use crate::snapshot::{AdminLevel, Snapshot, NO_REGION, SYNTHETIC_BIT};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    #[default]
    Count,
    Revenue,
    Employees,
    Capital,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "level")]
pub enum Grouping {
    /// H3 cells at a resolution from 3 to 9.
    H3(u8),
    Admin(AdminLevel),
}

/// Which enterprises count. Empty lists mean "no restriction". Within one list the ids are alternatives (two chains:
/// either); the lists combine as AND (a chain and a node: that node of that chain), and an enterprise counts if it
/// is on any node of the resulting set. Every other criterion narrows further.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HeatFilter {
    #[serde(default)]
    pub tiers: Vec<String>,
    #[serde(default)]
    pub clusters: Vec<String>,
    #[serde(default)]
    pub chains: Vec<String>,
    #[serde(default)]
    pub nodes: Vec<String>,
    /// Only enterprises inside this region (any level, including zones' host counties).
    #[serde(default)]
    pub region: Option<String>,
    /// Only local (true) or only non-local (false) enterprises.
    #[serde(default)]
    pub local: Option<bool>,
    /// Employee count range, inclusive.
    #[serde(default)]
    pub employees_min: Option<u32>,
    #[serde(default)]
    pub employees_max: Option<u32>,
    #[serde(default)]
    pub founded_from: Option<u16>,
    #[serde(default)]
    pub founded_to: Option<u16>,
    /// Flags that must all be set: chain_leader, listed, srdi, high_tech.
    #[serde(default)]
    pub flags: Vec<String>,
    /// Only synthetic (true) or only real (false) records.
    #[serde(default)]
    pub synthetic: Option<bool>,
    /// Only enterprises inside this H3 cell (any resolution from 3 to 12), for drill-down into a heat cell.
    #[serde(default)]
    pub cell: Option<u64>,
}

#[derive(Debug, Error, PartialEq)]
pub enum HeatError {
    #[error("未知{} '{id}' / unknown {kind} '{id}'", crate::term_zh(kind))]
    Unknown { kind: &'static str, id: String },
    #[error("H3 分辨率 {0} 不在 3..=9 范围内 / H3 resolution {0} is outside 3..=9")]
    Resolution(u8),
    #[error("'{0:x}' 不是有效的 H3 单元索引 / '{0:x}' is not an H3 cell index")]
    Cell(u64),
}

impl HeatError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unknown { .. } => "unknown_filter_value",
            Self::Resolution(_) => "invalid_resolution",
            Self::Cell(_) => "invalid_cell",
        }
    }
    /// The parameter the error is about.
    pub fn parameter(&self) -> &'static str {
        match self {
            Self::Unknown { kind, .. } => kind,
            Self::Resolution(_) => "resolution",
            Self::Cell(_) => "cell",
        }
    }
}

/// One aggregated cell or unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeatCell {
    /// H3 cell index (hex string) or region code.
    pub key: String,
    pub count: u64,
    pub value: f64,
}

/// Where a compiled filter's candidate rows come from.
enum Rows {
    /// Every row.
    All,
    /// One node: its ascending row list, walked directly.
    Node(usize),
    /// Several nodes as a row bitmap (a row on more than one of them counts once).
    Bits(Vec<u64>),
}

/// A compiled filter: the node set as a row source, the rest as predicates.
struct Compiled {
    rows: Rows,
    /// No predicate beyond the node set: every candidate row counts.
    all_pass: bool,
    region: Option<Option<u32>>,
    region_level: AdminLevel,
    local: Option<bool>,
    emp: (u32, u32),
    founded: (u16, u16),
    flag_mask: u8,
    synthetic: Option<bool>,
    /// (cell, its resolution)
    cell: Option<(u64, u8)>,
}

/// The node indices a filter's tiers, clusters, chains and nodes name, in index order (unknown ids are errors).
/// Within one list the ids are alternatives; the lists combine as AND: chain `cm` and node `cm.hydraulics` is that
/// one node, a chain and a node of another chain is no node at all.
pub fn chosen_nodes(s: &Snapshot, f: &HeatFilter) -> Result<Vec<usize>, HeatError> {
    let t = &s.taxonomy;
    let unknown = |kind: &'static str, id: &String| HeatError::Unknown { kind, id: id.clone() };
    for id in &f.tiers {
        t.tier(id).ok_or_else(|| unknown("tier", id))?;
    }
    for id in &f.clusters {
        t.cluster(id).ok_or_else(|| unknown("cluster", id))?;
    }
    for id in &f.chains {
        t.chain(id).ok_or_else(|| unknown("chain", id))?;
    }
    for id in &f.nodes {
        t.node_idx(id).ok_or_else(|| unknown("node", id))?;
    }
    Ok((0..t.nodes.len())
        .filter(|&i| {
            let n = &t.nodes[i];
            let cluster = t.cluster_of_node(&n.id);
            (f.nodes.is_empty() || f.nodes.contains(&n.id))
                && (f.chains.is_empty() || f.chains.contains(&n.chain))
                && (f.clusters.is_empty() || cluster.is_some_and(|c| f.clusters.contains(&c.id)))
                && (f.tiers.is_empty() || cluster.is_some_and(|c| f.tiers.contains(&c.tier)))
        })
        .collect())
}

fn compile(s: &Snapshot, f: &HeatFilter) -> Result<Compiled, HeatError> {
    let any_chain_filter = !(f.tiers.is_empty() && f.clusters.is_empty() && f.chains.is_empty() && f.nodes.is_empty());
    let mut nodes = chosen_nodes(s, f)?;
    nodes.sort_unstable();
    nodes.dedup();
    let rows = match nodes[..] {
        _ if !any_chain_filter => Rows::All,
        [n] => Rows::Node(n),
        _ => {
            let mut bits = vec![0u64; s.len.div_ceil(64)];
            for n in nodes {
                for &r in &s.node_rows[n] {
                    bits[r as usize / 64] |= 1 << (r % 64);
                }
            }
            Rows::Bits(bits)
        }
    };
    let mut flag_mask = 0u8;
    for fl in &f.flags {
        flag_mask |= match fl.as_str() {
            "chain_leader" => 1,
            "listed" => 2,
            "srdi" => 4,
            "high_tech" => 8,
            other => return Err(HeatError::Unknown { kind: "flag", id: other.to_string() }),
        };
    }
    // A region filter matches an entry whose ancestor at the filter region's own level is that region.
    let (region, region_level) = match &f.region {
        None => (None, AdminLevel::County),
        Some(code) => {
            let idx = s.regions.get(code);
            let level = idx
                .and_then(|i| (0..4).rev().find(|&l| s.regions.levels[i as usize][l] == Some(i)))
                .map(|l| [AdminLevel::Country, AdminLevel::Province, AdminLevel::Prefecture, AdminLevel::County][l])
                .unwrap_or(AdminLevel::County);
            (Some(idx), level)
        }
    };
    let cell = match f.cell {
        None => None,
        Some(c) => {
            let res = h3o::CellIndex::try_from(c).map_err(|_| HeatError::Cell(c))?.resolution() as u8;
            Some((c, res))
        }
    };
    let emp = (f.employees_min.unwrap_or(0), f.employees_max.unwrap_or(u32::MAX));
    let founded = (f.founded_from.unwrap_or(0), f.founded_to.unwrap_or(u16::MAX));
    let all_pass = region.is_none()
        && f.local.is_none()
        && emp == (0, u32::MAX)
        && founded == (0, u16::MAX)
        && flag_mask == 0
        && f.synthetic.is_none()
        && cell.is_none();
    Ok(Compiled { rows, all_pass, region, region_level, local: f.local, emp, founded, flag_mask, synthetic: f.synthetic, cell })
}

impl Compiled {
    #[inline]
    fn keep(&self, s: &Snapshot, r: usize) -> bool {
        let fl = s.flags[r];
        if fl & self.flag_mask != self.flag_mask {
            return false;
        }
        if let Some(local) = self.local {
            if (fl & 16 != 0) != local {
                return false;
            }
        }
        if let Some(syn) = self.synthetic {
            if (fl & SYNTHETIC_BIT != 0) != syn {
                return false;
            }
        }
        let e = s.employees[r];
        if e < self.emp.0 || e > self.emp.1 {
            return false;
        }
        let y = s.founded[r];
        if (self.founded.0 > 0 || self.founded.1 < u16::MAX) && (y == 0 || y < self.founded.0 || y > self.founded.1) {
            return false;
        }
        if let Some((cell, res)) = self.cell {
            let h = s.h3[r];
            if h == 0 || h3_parent(h, res) != cell {
                return false;
            }
        }
        if let Some(region) = self.region {
            let Some(want) = region else { return false };
            let reg = s.region[r];
            if reg == NO_REGION || s.regions.at(reg, self.region_level) != Some(want) {
                return false;
            }
        }
        true
    }

    fn for_each(&self, s: &Snapshot, f: impl FnMut(usize)) {
        self.for_each_in(s, 0..s.len, f);
    }

    /// The passing rows within `range`, ascending.
    fn for_each_in(&self, s: &Snapshot, range: Range<usize>, mut f: impl FnMut(usize)) {
        // Without predicates every candidate counts: the loops then touch only the columns `f` reads.
        match &self.rows {
            Rows::All if self.all_pass => range.for_each(f),
            Rows::All => range.filter(|&r| self.keep(s, r)).for_each(f),
            Rows::Node(n) if self.all_pass => node_rows_in(s, *n, range).iter().for_each(|&r| f(r as usize)),
            Rows::Node(n) => node_rows_in(s, *n, range).iter().map(|&r| r as usize).filter(|&r| self.keep(s, r)).for_each(f),
            Rows::Bits(bits) => {
                let end = range.end.min(bits.len() * 64);
                for (w, &word) in bits.iter().enumerate().take(end.div_ceil(64)).skip(range.start / 64) {
                    let mut b = word;
                    if w == range.start / 64 {
                        b &= !0u64 << (range.start % 64);
                    }
                    if w == end / 64 {
                        b &= (1u64 << (end % 64)) - 1;
                    }
                    while b != 0 {
                        let r = w * 64 + b.trailing_zeros() as usize;
                        b &= b - 1;
                        if self.all_pass || self.keep(s, r) {
                            f(r);
                        }
                    }
                }
            }
        }
    }

    /// The same in batches, for loops that look ahead: the whole range or a slice of a node's row list when no
    /// predicate applies, otherwise chunks of the passing rows.
    fn for_each_batch(&self, s: &Snapshot, range: Range<usize>, mut f: impl FnMut(Batch<'_>)) {
        match &self.rows {
            Rows::All if self.all_pass => f(Batch::Range(range)),
            Rows::Node(n) if self.all_pass => f(Batch::List(node_rows_in(s, *n, range))),
            _ => {
                const CHUNK: usize = 4096;
                let mut buf = Vec::with_capacity(CHUNK);
                self.for_each_in(s, range, |r| {
                    buf.push(r as u32);
                    if buf.len() == CHUNK {
                        f(Batch::List(&buf));
                        buf.clear();
                    }
                });
                if !buf.is_empty() {
                    f(Batch::List(&buf));
                }
            }
        }
    }

    /// How many rows the node set allows (an upper bound of the passing rows).
    fn candidates(&self, s: &Snapshot) -> usize {
        match &self.rows {
            Rows::All => s.len,
            Rows::Node(n) => s.node_rows[*n].len(),
            Rows::Bits(bits) => bits.iter().map(|w| w.count_ones() as usize).sum(),
        }
    }

    /// A row that splits the candidates about in half (for two threads).
    fn midpoint(&self, s: &Snapshot) -> usize {
        match &self.rows {
            Rows::Node(n) => s.node_rows[*n].get(s.node_rows[*n].len() / 2).map_or(s.len, |&r| r as usize),
            _ => s.len / 2,
        }
    }
}

/// The rows of node `n` within `range`.
fn node_rows_in(s: &Snapshot, n: usize, range: Range<usize>) -> &[u32] {
    let list = &s.node_rows[n];
    let lo = list.partition_point(|&r| (r as usize) < range.start);
    let hi = list.partition_point(|&r| (r as usize) < range.end);
    &list[lo..hi.max(lo)]
}

/// Rows handed over together: a range of rows, or ascending row numbers.
enum Batch<'a> {
    Range(Range<usize>),
    List(&'a [u32]),
}

fn weight_of(s: &Snapshot, w: Weight, r: usize) -> f64 {
    match w {
        Weight::Count => 1.0,
        Weight::Revenue => s.revenue[r] as f64,
        Weight::Employees => s.employees[r] as f64,
        Weight::Capital => s.capital[r] as f64,
    }
}

/// Parent of a fine cell at a coarser resolution, by bit arithmetic: set the resolution field and mark the finer
/// digits unused (7).
#[inline]
pub fn h3_parent(cell: u64, res: u8) -> u64 {
    const RES_SHIFT: u64 = 52;
    const RES_MASK: u64 = 0xf << RES_SHIFT;
    let cur = ((cell & RES_MASK) >> RES_SHIFT) as u8;
    if res >= cur {
        return cell;
    }
    let mut c = (cell & !RES_MASK) | ((res as u64) << RES_SHIFT);
    // Digits res+1..=15 occupy 3 bits each from the least significant end.
    let unused_bits = 3 * (15 - res as u64);
    c |= (1u64 << unused_bits) - 1;
    c
}

/// Hint the processor to fetch `x` into the cache; nothing else happens.
#[inline(always)]
#[allow(unsafe_code)] // the workspace's one unsafe call: a prefetch hint (see the SAFETY note)
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that reads no value and cannot fault; the pointer comes from a reference.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(x as *const T as *const i8)
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// An empty slot of [`CellTable`] (no compact key reaches 2³¹).
const FREE: u32 = u32::MAX;

/// Count and weight sum per H3 cell at one resolution. A cell of resolution ≤ 8 is held as the 31 or fewer bits
/// that tell such cells apart (base cell and digits), with its count, in 8-byte slots of an open-addressing table
/// (linear probing, Fibonacci hashing) small enough to stay in cache with a hundred thousand cells; anything else
/// (resolution 9, an index that is not a plain cell) goes to a general map.
struct CellTable {
    res: u8,
    /// Bits below the resolution's last digit: all ones in a cell index.
    low: u32,
    compact: bool,
    slots: Vec<[u32; 2]>,
    /// Weight sums by slot; empty when counting only.
    sums: Vec<f64>,
    weighted: bool,
    shift: u32,
    len: usize,
    other: FxHashMap<u64, (u64, f64)>,
}

impl CellTable {
    fn new(res: u8, weighted: bool, expected_rows: usize) -> Self {
        // Room for a cell per four rows (up to a quarter million cells) before growing.
        let bits = (expected_rows / 4).clamp(1 << 10, 1 << 18).next_power_of_two().trailing_zeros();
        let mut t = Self {
            res,
            low: 3 * (15 - res as u32),
            compact: res <= 8,
            slots: Vec::new(),
            sums: Vec::new(),
            weighted,
            shift: 0,
            len: 0,
            other: FxHashMap::default(),
        };
        t.alloc(bits);
        t
    }

    fn alloc(&mut self, bits: u32) {
        self.slots = vec![[FREE, 0]; 1 << bits];
        self.sums = if self.weighted { vec![0.0; 1 << bits] } else { Vec::new() };
        self.shift = 32 - bits;
    }

    /// The compact key of a cell index, if it is a plain cell (mode 1) of resolution `res` and keys are `compact`.
    #[inline(always)]
    fn compact_key(compact: bool, res: u8, low: u32, cell: u64) -> Option<u32> {
        let ones = (1u64 << low) - 1;
        (compact && cell >> 52 == 0x80 | res as u64 && cell & ones == ones).then(|| ((cell & ((1 << 52) - 1)) >> low) as u32)
    }

    fn expand(&self, key: u32) -> u64 {
        ((0x80 | self.res as u64) << 52) | ((key as u64) << self.low) | ((1u64 << self.low) - 1)
    }

    #[inline]
    fn slot(&self, key: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B9) >> self.shift) as usize
    }

    /// The slot holding `key`, taken if it was free.
    #[inline(always)]
    fn place(&mut self, key: u32) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        loop {
            let k = self.slots[i][0];
            if k == key {
                return i;
            }
            if k == FREE {
                self.slots[i][0] = key;
                self.len += 1;
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Add `count` rows of weight sum `w` (if `W`eighted) to the cell with compact key `key`.
    #[inline(always)]
    fn add_key<const W: bool>(&mut self, key: u32, count: u32, w: f64) {
        // At most three quarters full, so that probes stay short.
        if self.len * 4 >= self.slots.len() * 3 {
            self.grow();
        }
        let i = self.place(key);
        self.slots[i][1] += count;
        if W {
            self.sums[i] += w;
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let (slots, sums) = (std::mem::take(&mut self.slots), std::mem::take(&mut self.sums));
        self.alloc((slots.len() * 2).trailing_zeros());
        self.len = 0;
        for (j, &[key, count]) in slots.iter().enumerate().filter(|(_, s)| s[0] != FREE) {
            let i = self.place(key);
            self.slots[i][1] = count;
            if self.weighted {
                self.sums[i] = sums[j];
            }
        }
    }

    /// Add a batch of rows. Each row's cell key is worked out a few rows ahead and its slot (and, for scattered
    /// rows, the cell column itself further ahead) fetched early, so that cache misses overlap instead of queueing.
    fn add<const W: bool>(&mut self, s: &Snapshot, batch: Batch<'_>, weight: Weight) {
        match batch {
            Batch::Range(range) => self.add_rows::<W, false>(s, range.len(), |j| range.start + j, weight),
            Batch::List(rows) => self.add_rows::<W, true>(s, rows.len(), |j| rows[j] as usize, weight),
        }
    }

    #[inline(always)]
    fn add_rows<const W: bool, const SCATTERED: bool>(&mut self, s: &Snapshot, n: usize, row: impl Fn(usize) -> usize, weight: Weight) {
        const AHEAD: usize = 16;
        /// Ring entries that are no compact key: an unlocated row, and a cell for the general map.
        const UNLOCATED: u32 = FREE;
        const GENERAL: u32 = FREE - 1;
        let h3 = &s.h3[..];
        let (res, low, compact) = (self.res, self.low, self.compact);
        let key_of = |fine: u64| match fine {
            0 => UNLOCATED,
            _ => Self::compact_key(compact, res, low, h3_parent(fine, res)).unwrap_or(GENERAL),
        };
        let mut ring = [UNLOCATED; AHEAD];
        for (j, k) in ring.iter_mut().enumerate().take(n) {
            *k = key_of(h3[row(j)]);
        }
        for j in 0..n {
            let key = ring[j % AHEAD];
            if j + AHEAD < n {
                if SCATTERED && j + 2 * AHEAD < n {
                    prefetch(&h3[row(j + 2 * AHEAD)]);
                }
                let next = key_of(h3[row(j + AHEAD)]);
                ring[j % AHEAD] = next;
                if next < GENERAL {
                    prefetch(&self.slots[self.slot(next)]);
                }
            }
            let r = row(j);
            let w = if W { weight_of(s, weight, r) } else { 1.0 };
            match key {
                UNLOCATED => {}
                GENERAL => {
                    let e = self.other.entry(h3_parent(h3[r], res)).or_default();
                    e.0 += 1;
                    e.1 += w;
                }
                _ => self.add_key::<W>(key, 1, w),
            }
        }
    }

    /// Fold another table's counts into this one (counts only: sums would depend on the order of addition).
    fn merge_counts(&mut self, other: CellTable) {
        for &[key, count] in other.slots.iter().filter(|s| s[0] != FREE) {
            self.add_key::<false>(key, count, 0.0);
        }
        for (cell, (n, w)) in other.other {
            let e = self.other.entry(cell).or_default();
            e.0 += n;
            e.1 += w;
        }
    }

    /// (cell, count, value) of every cell; the value of a count is the count.
    fn into_groups(self) -> Vec<(u64, u64, f64)> {
        let mut out = Vec::with_capacity(self.len + self.other.len());
        for (i, &[key, count]) in self.slots.iter().enumerate().filter(|(_, s)| s[0] != FREE) {
            out.push((self.expand(key), count as u64, if self.weighted { self.sums[i] } else { count as f64 }));
        }
        out.extend(self.other.iter().map(|(&cell, &(n, w))| (cell, n, if self.weighted { w } else { n as f64 })));
        out
    }
}

/// Processors this process may use (looked up once).
fn processors() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Counts by H3 cell. Large unweighted queries are split between two threads (integer counts add up the same in any
/// order; weighted sums are added in row order, on one thread, so that they never change in the last digit).
fn heat_h3(s: &Snapshot, c: &Compiled, res: u8, weight: Weight) -> Vec<(u64, u64, f64)> {
    const PARALLEL_FROM: usize = 400_000;
    let weighted = weight != Weight::Count;
    let candidates = c.candidates(s);
    let run = |range: Range<usize>, expected: usize| {
        let mut t = CellTable::new(res, weighted, expected);
        match weighted {
            true => c.for_each_batch(s, range, |b| t.add::<true>(s, b, weight)),
            false => c.for_each_batch(s, range, |b| t.add::<false>(s, b, weight)),
        }
        t
    };
    if weighted || candidates < PARALLEL_FROM || processors() < 2 {
        return run(0..s.len, candidates).into_groups();
    }
    let mid = c.midpoint(s);
    let (mut a, b) = std::thread::scope(|scope| {
        let second = scope.spawn(|| run(mid..s.len, candidates / 2));
        let first = run(0..mid, candidates / 2);
        (first, second.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    });
    a.merge_counts(b);
    a.into_groups()
}

/// How many hex digits `x` is written with.
#[inline]
fn hex_digits(x: u64) -> u32 {
    ((67 - x.leading_zeros()) / 4).max(1)
}

/// `x` in lower-case hex, as `format!("{x:x}")` writes it.
fn hex(x: u64) -> String {
    let n = hex_digits(x) as usize;
    let mut out = String::with_capacity(n);
    for i in (0..n).rev() {
        out.push(char::from(b"0123456789abcdef"[(x >> (4 * i)) as usize & 15]));
    }
    out
}

/// A float's bits mapped so that unsigned order is [`f64::total_cmp`] order, and back.
fn ordered(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

fn unordered(o: u64) -> f64 {
    f64::from_bits(if o >> 63 == 1 { o & !(1 << 63) } else { !o })
}

/// Outputs from this many cells on are sorted and written by two threads.
const PARALLEL_OUTPUT_FROM: usize = 32_768;

/// Sort ascending: a least-significant-digit radix sort over the bytes that differ between keys (for cells of one
/// resolution and small counts, 6 or 7 of the 16), a few linear passes where a comparison sort takes several times
/// longer.
fn sort_keys(keys: &mut Vec<u128>) {
    if keys.len() < 256 {
        keys.sort_unstable();
        return;
    }
    let (mut any, mut all) = (0u128, !0u128);
    for &k in keys.iter() {
        any |= k;
        all &= k;
    }
    let varying = any ^ all;
    let mut spare = vec![0u128; keys.len()];
    for shift in (0..128).step_by(8).filter(|&sh| (varying >> sh) & 0xff != 0) {
        let mut at = [0usize; 256];
        for &k in keys.iter() {
            at[(k >> shift) as usize & 0xff] += 1;
        }
        let mut sum = 0;
        for a in at.iter_mut() {
            (*a, sum) = (sum, sum + *a);
        }
        for &k in keys.iter() {
            let d = (k >> shift) as usize & 0xff;
            spare[at[d]] = k;
            at[d] += 1;
        }
        std::mem::swap(keys, &mut spare);
    }
}

/// `make` applied to every item, on two threads when there are many.
fn map_items<T: Sync, U: Send>(items: &[T], make: impl Fn(&T) -> U + Sync) -> Vec<U> {
    if items.len() < PARALLEL_OUTPUT_FROM || processors() < 2 {
        return items.iter().map(&make).collect();
    }
    let (a, b) = items.split_at(items.len() / 2);
    let (mut first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| b.iter().map(&make).collect::<Vec<_>>());
        (a.iter().map(&make).collect::<Vec<_>>(), second.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    });
    first.extend(second);
    first
}

/// H3 cells heaviest first, then by key as text.
fn cells_out(mut groups: Vec<(u64, u64, f64)>, counted: bool) -> Vec<HeatCell> {
    let uniform = groups.first().is_some_and(|first| groups.iter().all(|g| hex_digits(g.0) == hex_digits(first.0)));
    if counted && uniform {
        // Keys of one length sort as text the way they sort as numbers (always so for cells of one resolution), and
        // a count is its own value: (value descending, cell) packed in one integer is all there is to sort.
        let mut keys: Vec<u128> = groups.iter().map(|g| ((!ordered(g.2) as u128) << 64) | g.0 as u128).collect();
        drop(groups);
        sort_keys(&mut keys);
        return map_items(&keys, |&k| {
            let value = unordered(!((k >> 64) as u64));
            HeatCell { key: hex(k as u64), count: value as u64, value }
        });
    }
    if uniform {
        groups.sort_unstable_by_key(|g| ((!ordered(g.2) as u128) << 64) | g.0 as u128);
    } else {
        groups.sort_unstable_by(|a, b| b.2.total_cmp(&a.2).then_with(|| hex(a.0).cmp(&hex(b.0))));
    }
    map_items(&groups, |&(k, count, value)| HeatCell { key: hex(k), count, value })
}

/// Count and weight sum per administrative unit, in dense arrays indexed by unit.
struct UnitTally {
    /// For each region dictionary entry, and one more for "no region": the slot of its unit at the level asked,
    /// or the spare last slot.
    unit: Vec<u32>,
    counts: Vec<u64>,
    sums: Vec<f64>,
}

impl UnitTally {
    /// Add one row, branch-free: rows without a unit land in the spare slot.
    #[inline(always)]
    fn add_row<const W: bool>(&mut self, s: &Snapshot, r: usize, weight: Weight) {
        let spare = self.unit.len() - 1;
        let u = self.unit[(s.region[r] as usize).min(spare)] as usize;
        self.counts[u] += 1;
        if W {
            self.sums[u] += weight_of(s, weight, r);
        }
    }

    fn add<const W: bool>(&mut self, s: &Snapshot, batch: Batch<'_>, weight: Weight) {
        match batch {
            Batch::Range(range) => range.for_each(|r| self.add_row::<W>(s, r, weight)),
            Batch::List(rows) => rows.iter().for_each(|&r| self.add_row::<W>(s, r as usize, weight)),
        }
    }
}

/// Counts by administrative unit: each dictionary entry's unit at `level` is looked up once, then rows are counted
/// in dense arrays.
fn heat_admin(s: &Snapshot, c: &Compiled, level: AdminLevel, weight: Weight) -> Vec<(u64, u64, f64)> {
    let n = s.regions.codes.len();
    let weighted = weight != Weight::Count;
    let mut t = UnitTally {
        unit: (0..n as u32).map(|i| s.regions.at(i, level).unwrap_or(n as u32)).chain([n as u32]).collect(),
        counts: vec![0; n + 1],
        sums: vec![0.0; if weighted { n + 1 } else { 0 }],
    };
    match weighted {
        true => c.for_each_batch(s, 0..s.len, |b| t.add::<true>(s, b, weight)),
        false => c.for_each_batch(s, 0..s.len, |b| t.add::<false>(s, b, weight)),
    }
    let value = |u: usize| if weighted { t.sums[u] } else { t.counts[u] as f64 };
    (0..n).filter(|&u| t.counts[u] > 0).map(|u| (u as u64, t.counts[u], value(u))).collect()
}

/// Aggregate the filtered enterprises.
pub fn heat(s: &Snapshot, filter: &HeatFilter, group: Grouping, weight: Weight) -> Result<Vec<HeatCell>, HeatError> {
    let c = compile(s, filter)?;
    Ok(match group {
        Grouping::H3(res) if !(3..=9).contains(&res) => return Err(HeatError::Resolution(res)),
        Grouping::H3(res) => cells_out(heat_h3(s, &c, res, weight), weight == Weight::Count),
        Grouping::Admin(level) => {
            let mut groups = heat_admin(s, &c, level, weight);
            // Heaviest first, then by code.
            let codes = &s.regions.codes;
            groups.sort_unstable_by(|a, b| b.2.total_cmp(&a.2).then_with(|| codes[a.0 as usize].cmp(&codes[b.0 as usize])));
            groups.into_iter().map(|(k, count, value)| HeatCell { key: codes[k as usize].clone(), count, value }).collect()
        }
    })
}

/// Rows that pass a filter (for drill-down: "click a cell and see the records it counts").
pub fn rows(s: &Snapshot, filter: &HeatFilter) -> Result<Vec<u32>, HeatError> {
    let c = compile(s, filter)?;
    let mut out = Vec::new();
    c.for_each(s, |r| out.push(r as u32));
    Ok(out)
}

/// The boundary of an H3 cell as (lat, lon) vertices, for GeoJSON output.
pub fn cell_boundary(cell: u64) -> Option<Vec<(f64, f64)>> {
    let c = h3o::CellIndex::try_from(cell).ok()?;
    Some(c.boundary().iter().map(|ll| (ll.lat(), ll.lng())).collect())
}

/// A map marker: one enterprise (with its row) or a cluster of several, never overlapping others at the zoom it
/// was asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Marker {
    pub lat: f64,
    pub lon: f64,
    pub count: u64,
    /// The H3 cell the cluster covers (hex), to zoom in or list its records.
    pub cell: String,
    /// For a single enterprise: its snapshot row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
}

/// Bounding box in degrees: west, south, east, north.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl BBox {
    fn contains(&self, lat: f64, lon: f64) -> bool {
        lat >= self.south && lat <= self.north && lon >= self.west && lon <= self.east
    }
}

/// The H3 resolution whose cells are a comfortable marker spacing at a web-map zoom level (cells roughly 40–80 px
/// across), from 3 (zoomed out) to 12 (street level, one marker per enterprise location).
pub fn marker_resolution(zoom: f64) -> u8 {
    // Each H3 resolution step shrinks edge length by about √7 ≈ 2.65×, each zoom step halves the scale.
    let res = ((zoom - 3.0) * std::f64::consts::LN_2 / 7f64.sqrt().ln()).floor() as i64 + 3;
    res.clamp(3, 12) as u8
}

/// Enterprises inside `bbox` as markers: grouped by H3 cell at the zoom's resolution, each group placed at its
/// cell's centre. Groups of one carry their row so the client can open the record. At most `limit`
/// markers (the heaviest) are returned; `truncated` says whether some were left out.
pub fn markers(s: &Snapshot, filter: &HeatFilter, bbox: BBox, zoom: f64, limit: usize) -> Result<(Vec<Marker>, bool), HeatError> {
    let c = compile(s, filter)?;
    let res = marker_resolution(zoom);
    // Positions are per fine cell; computing each once per distinct cell keeps this cheap.
    let mut centre: FxHashMap<u64, Option<(f64, f64)>> = FxHashMap::default();
    let mut acc: FxHashMap<u64, (u64, f64, f64, u32)> = FxHashMap::default();
    c.for_each(s, |r| {
        let h = s.h3[r];
        if h == 0 {
            return;
        }
        let pos = *centre.entry(h).or_insert_with(|| {
            h3o::CellIndex::try_from(h).ok().map(|c| {
                let ll = h3o::LatLng::from(c);
                (ll.lat(), ll.lng())
            })
        });
        let Some((lat, lon)) = pos else { return };
        if !bbox.contains(lat, lon) {
            return;
        }
        let e = acc.entry(h3_parent(h, res)).or_insert((0, 0.0, 0.0, r as u32));
        e.0 += 1;
        e.1 += lat;
        e.2 += lon;
    });
    let mut out: Vec<Marker> = acc
        .into_iter()
        .map(|(cell, (n, lat, lon, row))| {
            // A group sits at its cell's centre, so neighbouring groups keep the grid's spacing; a single
            // enterprise sits where it is.
            let centre = (n > 1).then(|| h3o::CellIndex::try_from(cell).ok().map(h3o::LatLng::from)).flatten();
            let (lat, lon) = centre.map_or((lat / n as f64, lon / n as f64), |c| (c.lat(), c.lng()));
            Marker { lat, lon, count: n, cell: format!("{cell:x}"), row: (n == 1).then_some(row) }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.cell.cmp(&b.cell)));
    let truncated = out.len() > limit;
    out.truncate(limit);
    Ok((out, truncated))
}
