//! Fixtures shared by the workspace's tests, so that each crate's tests describe their worlds in the same words
//! instead of each keeping its own copy: taxonomies written entry by entry ([`TaxonomyToml`], the small
//! construction-machinery chain [`machinery`], the real 343 taxonomy), regions drawn from one table ([`region`],
//! [`registry`]) and enterprises that are manual members of chain nodes ([`member`]).
//!
//! A dev-dependency only; it depends on the model and nothing else, so any crate above the model can use it.

mod enterprises;
mod regions;
mod taxonomy;

pub use enterprises::{manual, member};
pub use regions::{located, region, registry, registry_of};
pub use taxonomy::{machinery, xuzhou_343, TaxonomyToml};
