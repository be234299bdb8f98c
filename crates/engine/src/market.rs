//! Supply–demand matching (供需对接): how well a counterpart answers a posted item, from three parts with reasons —
//! chain adjacency (their nodes along supply edges), text similarity (Chinese and English), and distance.

use chainscope_model::{ItemKind, Taxonomy};
use serde::Serialize;

/// Weights of adjacency, text and distance.
pub const WEIGHTS: [f64; 3] = [0.5, 0.3, 0.2];

/// How a counterpart's node relates to the item's node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The same node.
    SameNode,
    /// The counterpart's node supplies the item's node (a supplier for a demand).
    Upstream,
    /// The item's node supplies the counterpart's node (a customer for a supply).
    Downstream,
    /// Another node of the same chain.
    SameChain,
    Unrelated,
}

/// Adjacency in 0..=1: for a demand, suppliers of the node (same node or upstream) fit best; for a supply, its
/// customers (downstream) fit best, then makers of the same thing.
pub fn adjacency(t: &Taxonomy, kind: ItemKind, item_node: &str, other_node: &str) -> (f64, Relation) {
    let (Some(a), Some(b)) = (t.node(item_node), t.node(other_node)) else { return (0.0, Relation::Unrelated) };
    let rel = if a.id == b.id {
        Relation::SameNode
    } else if b.supplies.iter().any(|x| x == &a.id) {
        Relation::Upstream
    } else if a.supplies.iter().any(|x| x == &b.id) {
        Relation::Downstream
    } else if a.chain == b.chain {
        Relation::SameChain
    } else {
        Relation::Unrelated
    };
    let v = match (kind, rel) {
        (ItemKind::Demand, Relation::SameNode) => 1.0,
        (ItemKind::Demand, Relation::Upstream) => 0.8,
        (ItemKind::Supply, Relation::Downstream) => 1.0,
        (ItemKind::Supply, Relation::SameNode) => 0.6,
        (_, Relation::SameChain) => 0.3,
        (ItemKind::Demand, Relation::Downstream) | (ItemKind::Supply, Relation::Upstream) => 0.2,
        _ => 0.0,
    };
    (v, rel)
}

/// Tokens of a text: Chinese as overlapping character pairs (no word segmentation needed, so 回转支承 matches
/// 回转支承轴承), Latin words lower-cased (three letters or more), digits as words.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut han: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush_han = |han: &mut Vec<char>, out: &mut Vec<String>| {
        if han.len() == 1 {
            out.push(han[0].to_string());
        }
        for w in han.windows(2) {
            out.push(w.iter().collect());
        }
        han.clear();
    };
    let flush_word = |word: &mut String, out: &mut Vec<String>| {
        if word.chars().count() >= 3 || word.chars().all(|c| c.is_ascii_digit()) && !word.is_empty() {
            out.push(std::mem::take(word));
        }
        word.clear();
    };
    for c in text.chars() {
        if ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c) {
            flush_word(&mut word, &mut out);
            han.push(c);
        } else if c.is_alphanumeric() {
            flush_han(&mut han, &mut out);
            word.extend(c.to_lowercase());
        } else {
            flush_han(&mut han, &mut out);
            flush_word(&mut word, &mut out);
        }
    }
    flush_han(&mut han, &mut out);
    flush_word(&mut word, &mut out);
    out.sort();
    out.dedup();
    out
}

/// Share of the item's tokens found in the other text (0..=1), and the shared tokens.
pub fn text_similarity(item: &[String], other: &[String]) -> (f64, Vec<String>) {
    if item.is_empty() {
        return (0.0, Vec::new());
    }
    let shared: Vec<String> = item.iter().filter(|t| other.binary_search(t).is_ok()).cloned().collect();
    (shared.len() as f64 / item.len() as f64, shared)
}

/// Nearness in 0..=1 from a distance in km: 1 / (1 + d / 100 km).
pub fn nearness(km: f64) -> f64 {
    1.0 / (1.0 + km / 100.0)
}

/// The weighted score (0..=100) of the three parts; an unknown part counts ½ and lowers `known`.
pub fn score(parts: [Option<f64>; 3]) -> (f64, f64) {
    let (mut s, mut known) = (0.0, 0.0);
    for i in 0..3 {
        s += WEIGHTS[i] * parts[i].unwrap_or(0.5);
        if parts[i].is_some() {
            known += WEIGHTS[i];
        }
    }
    (100.0 * s, known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_pairs_and_latin_words() {
        assert_eq!(tokens("回转支承 Slewing-Bearings, 2000"), ["2000", "bearings", "slewing", "回转", "支承", "转支"]);
        assert_eq!(tokens("轴"), ["轴"]);
        let (sim, shared) = text_similarity(&tokens("回转支承"), &tokens("大型回转支承轴承"));
        assert!((sim - 1.0).abs() < 1e-12 && shared.len() == 3);
        assert_eq!(text_similarity(&[], &tokens("x")).0, 0.0);
    }

    #[test]
    fn adjacency_follows_the_supply_edges() {
        // Hydraulics supply excavators; leasing is on the same chain with no edge to hydraulics.
        let t = chainscope_testkit::machinery().node("cm.lease", "cm", "租赁", "downstream", &[]).taxonomy();
        // An excavator maker needing hydraulics: hydraulics makers fit best.
        assert_eq!(adjacency(&t, ItemKind::Demand, "cm.hyd", "cm.hyd"), (1.0, Relation::SameNode));
        assert_eq!(adjacency(&t, ItemKind::Demand, "cm.exc", "cm.hyd"), (0.8, Relation::Upstream));
        // A hydraulics maker offering its parts: excavator makers (customers) fit best.
        assert_eq!(adjacency(&t, ItemKind::Supply, "cm.hyd", "cm.exc"), (1.0, Relation::Downstream));
        assert_eq!(adjacency(&t, ItemKind::Supply, "cm.hyd", "cm.lease").1, Relation::SameChain);
        assert_eq!(adjacency(&t, ItemKind::Supply, "cm.hyd", "nope"), (0.0, Relation::Unrelated));
        let (s, known) = score([Some(1.0), None, Some(1.0)]);
        assert!((s - 85.0).abs() < 1e-9 && (known - 0.7).abs() < 1e-12);
    }
}
