//! Enterprises for tests: manual members of chain nodes, in a region or none.

use chainscope_model::{Enterprise, Membership, MembershipSource};

/// A manual membership of `node`, with full confidence.
pub fn manual(node: &str) -> Membership {
    Membership { node: node.into(), source: MembershipSource::Manual, confidence: 1.0 }
}

/// An enterprise in `region` (in Germany for "DE", else in China), a manual member of each of `nodes`; every other
/// field as `Enterprise::new` leaves it.
pub fn member(key: impl Into<String>, name: impl Into<String>, nodes: &[&str], region: Option<&str>) -> Enterprise {
    Enterprise {
        country: if region == Some("DE") { "DE".into() } else { "CN".into() },
        region_code: region.map(str::to_string),
        memberships: nodes.iter().map(|n| manual(n)).collect(),
        ..Enterprise::new(key, name)
    }
}
