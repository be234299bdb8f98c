//! Chainscope's domain model: regions, the cluster taxonomy, enterprises, parks, projects, and the validators
//! that guard them. No I/O here.

pub mod enterprise;
pub mod error;
pub mod ids;
pub mod market;
pub mod park;
pub mod project;
pub mod region;
pub mod taxonomy;
pub mod values;

pub use enterprise::{CoordPrecision, Enterprise, Flags, Provenance, SizeBand, YearFigure, FINE_H3_RESOLUTION};
pub use error::{FieldError, ValidationError};
pub use ids::{parse_lei, parse_uscc, Uscc};
pub use market::{ItemKind, ItemProblem, MarketItem};
pub use park::{Hub, Park, ParkKind};
pub use project::{
    Channel, DocumentRef, Event, InvestmentBand, MoveError, MoveKind, NextStep, Project, Stage, StageEntry, Target, TargetScope, Task,
    TaskStatus,
};
pub use region::{Region, RegionLevel, RegionRegistry};
pub use taxonomy::{ClassVersion, Membership, MembershipSource, Position, Taxonomy};
