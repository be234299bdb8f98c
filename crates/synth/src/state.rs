//! The compact memory of what has been emitted so far: a size-biased reservoir of earlier enterprises per node
//! (partners for supplier and customer links), a count of enterprises per (node, city) (a city's presence on a
//! node), and a pool of enterprises large enough to open branches. Memory is bounded by the reservoir sizes plus
//! one counter per distinct (node, city) pair.

use crate::rng::Rng;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Slots per node reservoir.
pub const RESERVOIR: usize = 512;
/// Slots in the pool of would-be parents.
pub const PARENT_POOL: usize = 8192;

/// An earlier enterprise, as remembered.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    /// Row number (the `n` of `syn:<n>`).
    pub row: u32,
    pub city: u32,
    pub employees: u32,
}

#[derive(Debug, Default)]
struct NodeReservoir {
    slots: Vec<Seen>,
    total_weight: f64,
}

/// A would-be parent group.
#[derive(Debug, Clone, Copy)]
pub struct Parent {
    pub row: u32,
    pub city: u32,
    pub node: u32,
    pub founded_year: i32,
    pub employees: u32,
    pub brand_seed: u64,
    pub chinese_brand: bool,
}

/// Multiply-xorshift hasher for integer keys (std's SipHash is needlessly slow here; order never leaks into
/// the output, so a fixed hasher keeps determinism).
#[derive(Default)]
pub struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    fn write_u64(&mut self, x: u64) {
        let z = (x ^ (x >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = z ^ (z >> 29);
    }
}

pub struct Memory {
    nodes: Vec<NodeReservoir>,
    presence: HashMap<u64, u32, BuildHasherDefault<IntHasher>>,
    n_cities: u64,
    parents: Vec<Parent>,
    parents_seen: u64,
}

/// How much an enterprise of this size counts in a reservoir: larger ones are kept more often.
fn size_weight(employees: u32) -> f64 {
    f64::from(employees.max(1)).sqrt()
}

impl Memory {
    pub fn new(n_nodes: usize, n_cities: usize) -> Self {
        Self {
            nodes: (0..n_nodes).map(|_| NodeReservoir::default()).collect(),
            presence: HashMap::default(),
            n_cities: n_cities as u64,
            parents: Vec::new(),
            parents_seen: 0,
        }
    }

    /// Remember an emitted enterprise on `node`.
    pub fn record(&mut self, rng: &mut Rng, node: usize, seen: Seen) {
        *self.presence.entry(node as u64 * self.n_cities + u64::from(seen.city)).or_insert(0) += 1;
        let r = &mut self.nodes[node];
        let w = size_weight(seen.employees);
        r.total_weight += w;
        if r.slots.len() < RESERVOIR {
            r.slots.push(seen);
        } else if rng.chance(RESERVOIR as f64 * w / r.total_weight) {
            let i = rng.index(RESERVOIR);
            r.slots[i] = seen;
        }
    }

    /// Enterprises seen on `node` in `city` so far.
    pub fn presence(&self, node: usize, city: usize) -> u32 {
        self.presence.get(&(node as u64 * self.n_cities + city as u64)).copied().unwrap_or(0)
    }

    /// A random remembered enterprise of `node`.
    pub fn sample(&self, rng: &mut Rng, node: usize) -> Option<Seen> {
        let slots = &self.nodes[node].slots;
        (!slots.is_empty()).then(|| slots[rng.index(slots.len())])
    }

    /// Offer a would-be parent to the pool (uniform reservoir over all offered).
    pub fn offer_parent(&mut self, rng: &mut Rng, p: Parent) {
        self.parents_seen += 1;
        if self.parents.len() < PARENT_POOL {
            self.parents.push(p);
        } else {
            let j = rng.below(self.parents_seen);
            if (j as usize) < PARENT_POOL {
                self.parents[j as usize] = p;
            }
        }
    }

    /// A parent for a new branch: the larger of two drawn, so big groups expand more.
    pub fn pick_parent(&self, rng: &mut Rng) -> Option<Parent> {
        if self.parents.len() < 16 {
            return None;
        }
        let a = self.parents[rng.index(self.parents.len())];
        let b = self.parents[rng.index(self.parents.len())];
        Some(if b.employees > a.employees { b } else { a })
    }
}
