//! Chainscope's domain model: regions, the cluster taxonomy, enterprises, parks, projects, and the validators
//! that guard them. No I/O here.

pub mod account;
pub mod enterprise;
pub mod error;
pub mod ids;
pub mod market;
pub mod park;
pub mod policy;
pub mod project;
pub mod region;
pub mod service;
pub mod taxonomy;
pub mod values;

pub use account::{Account, Role};
pub use enterprise::{CoordPrecision, Enterprise, Flags, Provenance, SizeBand, YearFigure, FINE_H3_RESOLUTION};
pub use error::{FieldError, ValidationError};
pub use ids::{parse_lei, parse_uscc, Uscc};
pub use market::{ItemKind, ItemProblem, MarketItem};
pub use park::{Hub, Park, ParkKind};
pub use policy::{check_policy_references, policies_from_toml, Eligibility, Policy, PolicyError, RequiredFlag};
pub use project::{
    Channel, DocumentRef, Event, InvestmentBand, MoveError, MoveKind, NextStep, Project, Stage, StageEntry, Target, TargetScope, Task,
    TaskStatus,
};
pub use region::{Region, RegionLevel, RegionRegistry};
pub use service::{
    AttachmentMeta, Catalogue, CatalogueError, Category, CategoryKind, Department, Rating, RoutingRule, Ticket, TicketError, TicketEvent,
    TicketEventKind, TicketState,
};
pub use taxonomy::{ClassVersion, Membership, MembershipSource, Position, Taxonomy};
