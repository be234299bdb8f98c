//! Enterprise names held in memory, for the search box. Every name, Chinese and English, lower-cased, sits in one
//! buffer; a search is one SIMD substring scan of it (`memchr::memmem`), whatever the text's length, so a
//! two-character text such as 徐工 costs the same few milliseconds as a long one — the store's trigram index has
//! nothing for texts under three characters and would read every name. The matches are ranked from the snapshot's
//! columns: the whole name, names starting with the text, local firms, chain leaders, revenue, employees, then id.
//!
//! The buffer costs about as much as the names (≈ 80 MB at a million enterprises). It is built at every reload, and
//! only while it fits `CHAINSCOPE_NAME_INDEX_MB` (default 1024); beyond that the search goes to the store.

use chainscope_engine::Snapshot;
use chainscope_store::Store;

/// Separates a row's Chinese and English names in the buffer; ends a row. Neither can be in a searched text (control
/// characters are refused at the gate), so no match spans two names.
const UNIT: u8 = 0x1f;
const END: u8 = b'\n';

pub struct NameIndex {
    /// `zh␟en\n` per row, lower-cased.
    text: Vec<u8>,
    /// Where each row's entry ends (the offset of its `\n`), ascending.
    ends: Vec<u32>,
    /// The store id of each row.
    ids: Vec<u32>,
    /// Each row's place when every enterprise is ranked by the search's tie-breaks (local, chain leader, revenue,
    /// employees, id), so that ranking a match is one integer comparison, whatever the number of matches.
    order: Vec<u32>,
}

/// Why the index was not built.
#[derive(Debug)]
pub enum NotBuilt {
    /// The names are more than the budget.
    TooLarge,
    Store(chainscope_store::StoreError),
}

impl NameIndex {
    /// Read every name from the store, unless they take more than `budget` bytes; the ranking figures come from the
    /// snapshot built from the same store.
    pub fn build(store: &dyn Store, budget: usize, snap: &Snapshot) -> Result<Self, NotBuilt> {
        let mut ix = NameIndex { text: Vec::new(), ends: Vec::new(), ids: Vec::new(), order: Vec::new() };
        let mut too_large = false;
        store
            .for_each_name(&mut |id, zh, en| {
                if too_large {
                    return;
                }
                let Ok(id) = u32::try_from(id) else { return };
                ix.push(id, zh, en);
                too_large = ix.text.len() > budget || ix.text.len() > u32::MAX as usize;
            })
            .map_err(NotBuilt::Store)?;
        if too_large {
            return Err(NotBuilt::TooLarge);
        }
        ix.text.shrink_to_fit();
        ix.ends.shrink_to_fit();
        ix.ids.shrink_to_fit();
        ix.rank_all(snap);
        Ok(ix)
    }

    /// Every row's place by local, chain leader, revenue, employees (each descending), then id.
    fn rank_all(&mut self, snap: &Snapshot) {
        let key = |i: usize| {
            let id = self.ids[i];
            let (local, leader, revenue, employees) = match snap.row_of_id(id) {
                Some(r) => {
                    let f = snap.row_flags(r);
                    let rev = snap.revenue[r];
                    (f.local, f.chain_leader, if rev.is_nan() { -1.0 } else { rev }, snap.employees[r])
                }
                None => (false, false, -1.0, 0),
            };
            (!local, !leader, std::cmp::Reverse(ordered(revenue)), std::cmp::Reverse(employees), id)
        };
        let mut by: Vec<u32> = (0..self.ids.len() as u32).collect();
        by.sort_by_cached_key(|&i| key(i as usize));
        self.order = vec![0; by.len()];
        for (place, &i) in by.iter().enumerate() {
            self.order[i as usize] = place as u32;
        }
    }

    fn push(&mut self, id: u32, zh: &str, en: Option<&str>) {
        let clean = |s: &str| s.to_lowercase().replace(['\n', '\u{1f}'], " ");
        self.text.extend_from_slice(clean(zh).as_bytes());
        self.text.push(UNIT);
        self.text.extend_from_slice(clean(en.unwrap_or("")).as_bytes());
        self.text.push(END);
        self.ends.push((self.text.len() - 1) as u32);
        self.ids.push(id);
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.text.capacity() + (self.ends.capacity() + self.ids.capacity() + self.order.capacity()) * 4
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The Chinese and English names of entry `i` (lower-cased).
    fn names(&self, i: usize) -> (&[u8], &[u8]) {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize + 1 };
        let entry = &self.text[start..self.ends[i] as usize];
        match memchr::memchr(UNIT, entry) {
            Some(at) => (&entry[..at], &entry[at + 1..]),
            None => (entry, &[]),
        }
    }

    /// The ids of the `limit` best enterprises whose names contain `query`, best first, and how many match in all:
    /// the whole name, then names starting with the text, then the order of [`NameIndex::rank_all`].
    pub fn search(&self, query: &str, limit: usize) -> (Vec<i64>, usize) {
        let needle = query.trim().to_lowercase();
        if needle.is_empty() || limit == 0 || needle.bytes().any(|b| b == UNIT || b == END) {
            return (Vec::new(), 0);
        }
        let n = needle.as_bytes();
        // Every entry with a match, once, keyed: whole name and prefix above, the place below (places are unique,
        // so keys are too).
        let mut keyed: Vec<(u64, u32)> = Vec::new();
        let mut i = 0usize;
        let mut next_start = 0usize;
        for at in memchr::memmem::find_iter(&self.text, n) {
            if at < next_start {
                continue; // a second match in an entry already taken
            }
            // The entry holding `at`: matches come in order, so step forward a little, else search the rest.
            let mut steps = 0;
            while i < self.ends.len() && (self.ends[i] as usize) < at && steps < 8 {
                i += 1;
                steps += 1;
            }
            if i < self.ends.len() && (self.ends[i] as usize) < at {
                i += self.ends[i..].partition_point(|&e| (e as usize) < at);
            }
            if i >= self.ends.len() {
                break;
            }
            let (zh, en) = self.names(i);
            let whole = zh == n || en == n;
            let starts = zh.starts_with(n) || en.starts_with(n);
            keyed.push(((u64::from(!whole) << 33) | (u64::from(!starts) << 32) | u64::from(self.order[i]), i as u32));
            next_start = self.ends[i] as usize + 1;
        }
        let total = keyed.len();
        if keyed.len() > limit {
            keyed.select_nth_unstable(limit - 1);
            keyed.truncate(limit);
        }
        keyed.sort_unstable();
        (keyed.into_iter().map(|(_, i)| i64::from(self.ids[i as usize])).collect(), total)
    }
}

/// An `f32` that orders totally (NaN is never passed: missing revenue is -1).
fn ordered(x: f32) -> i64 {
    let b = x.to_bits() as i32;
    // A negative's other bits grow with its magnitude: flip them so that the bit patterns order like the numbers.
    i64::from(if b < 0 { b ^ i32::MAX } else { b })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_order_by_their_bits() {
        let xs = [-5.0f32, -1.0, -0.5, 0.0, 0.5, 1.0, 1000.0, 1e9];
        let keys: Vec<i64> = xs.iter().map(|&x| ordered(x)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    }

    #[test]
    fn entries_split_into_their_two_names() {
        let mut ix = NameIndex { text: Vec::new(), ends: Vec::new(), ids: Vec::new(), order: Vec::new() };
        ix.push(1, "徐工液压", Some("XCMG Hydraulics"));
        ix.push(2, "三一重工", None);
        assert_eq!(ix.names(0), ("徐工液压".as_bytes(), "xcmg hydraulics".as_bytes()));
        assert_eq!(ix.names(1), ("三一重工".as_bytes(), "".as_bytes()));
    }
}
