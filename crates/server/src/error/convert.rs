//! How the engine's and the model's errors become answers. Each arm names a variant, so a new kind of error in a
//! lower crate does not compile until it has its code here.

use super::{ApiError, Code};
use chainscope_engine::chain::ChainError;
use chainscope_engine::complexity::ComplexityError;
use chainscope_engine::relatedness::RelatednessError;
use chainscope_engine::service::CalendarError;
use chainscope_engine::siteplan::SiteError;
use chainscope_engine::targeting::TargetError;
use chainscope_engine::trends::TrendError;
use chainscope_engine::HeatError;
use chainscope_model::{CatalogueError, ItemProblem, MoveError, PolicyError, TicketError};

impl From<HeatError> for ApiError {
    fn from(e: HeatError) -> Self {
        let code = match e {
            HeatError::Unknown { .. } => Code::UnknownFilterValue,
            HeatError::Resolution(_) => Code::InvalidResolution,
            HeatError::Cell(_) => Code::InvalidCell,
        };
        code.param(e.parameter(), e.to_string())
    }
}

impl From<TrendError> for ApiError {
    fn from(e: TrendError) -> Self {
        let code = match e {
            TrendError::Unknown { .. } => Code::UnknownFilterValue,
            TrendError::InvalidRange { .. } => Code::InvalidYearRange,
            TrendError::YearOutOfSeries(_) => Code::YearOutOfSeries,
            TrendError::ZeroStart => Code::CagrZeroStart,
        };
        code.param(e.parameter(), e.to_string())
    }
}

impl From<ChainError> for ApiError {
    fn from(e: ChainError) -> Self {
        let code = match e {
            ChainError::UnknownChain(_) => Code::UnknownChain,
            ChainError::UnknownReference(_) => Code::UnknownReference,
            ChainError::ReferenceUnavailable { .. } => Code::ReferenceUnavailable,
        };
        code.param(e.parameter(), e.to_string())
    }
}

impl From<SiteError> for ApiError {
    fn from(e: SiteError) -> Self {
        let code = match e {
            SiteError::NoIndustry | SiteError::NoSpace => Code::MissingParameter,
            SiteError::UnknownNode(_) | SiteError::UnknownCluster(_) => Code::UnknownFilterValue,
            SiteError::OutOfRange(..) => Code::OutOfRange,
            SiteError::Weights(_) => Code::InvalidWeights,
            SiteError::Limit => Code::InvalidLimit,
        };
        code.param(e.parameter(), e.to_string())
    }
}

impl From<TargetError> for ApiError {
    fn from(e: TargetError) -> Self {
        let code = match e {
            TargetError::Filter(f) => return f.into(),
            TargetError::NoNodes => Code::MissingParameter,
            TargetError::Weights(_) => Code::InvalidWeights,
            TargetError::Limit => Code::InvalidLimit,
        };
        code.param(e.parameter(), e.to_string())
    }
}

fn complexity_code(e: &ComplexityError) -> Code {
    match e {
        ComplexityError::Shape { .. } => Code::ShapeMismatch,
        ComplexityError::DuplicateName { .. } => Code::DuplicateName,
        ComplexityError::DuplicatePair { .. } => Code::DuplicatePair,
        ComplexityError::InvalidValue { .. } => Code::InvalidValue,
        ComplexityError::InvalidThreshold(_) => Code::InvalidThreshold,
        ComplexityError::TooSmall { .. } => Code::TooSmall,
        ComplexityError::NoPresence { .. } => Code::NoPresence,
        ComplexityError::DegenerateEigenvalue { .. } => Code::DegenerateEigenvalue,
        ComplexityError::UndefinedSign => Code::UndefinedSign,
    }
}

impl From<RelatednessError> for ApiError {
    fn from(e: RelatednessError) -> Self {
        let code = match e {
            RelatednessError::Filter(f) => return f.into(),
            RelatednessError::Complexity(ref c) => complexity_code(c),
            RelatednessError::FocusMissing(_) => Code::FocusNotInMatrix,
        };
        code.param(e.parameter(), e.to_string())
    }
}

/// A stage change the pipeline refuses; the parameter is the field of the move to correct.
impl From<MoveError> for ApiError {
    fn from(e: MoveError) -> Self {
        let (code, field) = match e {
            MoveError::SameStage(_) => (Code::SameStage, "to"),
            MoveError::NotAllowed { .. } => (Code::MoveNotAllowed, "to"),
            MoveError::ReasonRequired => (Code::TransitionReasonRequired, "reason"),
            MoveError::DateBeforeLast { .. } => (Code::DateBeforeLastMove, "date"),
            MoveError::DateInFuture(_) => (Code::MoveDateInFuture, "date"),
        };
        code.param(field, e.to_string())
    }
}

/// An action a request's state does not allow.
impl From<TicketError> for ApiError {
    fn from(e: TicketError) -> Self {
        let code = match e {
            TicketError::InvalidTransition { .. } => Code::InvalidTransition,
            TicketError::ReasonRequired => Code::TransitionReasonRequired,
            TicketError::Missing(_) => Code::MissingValue,
            TicketError::ExtensionUsed => Code::ExtensionUsed,
            TicketError::ExtensionAfterDeadline { .. } => Code::ExtensionAfterDeadline,
            TicketError::ExtensionDays => Code::InvalidExtensionDays,
            TicketError::DeadlineNotLater { .. } => Code::DeadlineNotLater,
            TicketError::DeadlineBeforeStart { .. } => Code::DeadlineBeforeStart,
            TicketError::NoDeadline => Code::NoDeadline,
            TicketError::NotAnswered(_) => Code::NotAnswered,
            TicketError::RedoDeadlineRequired => Code::RedoDeadlineRequired,
            TicketError::TimeBeforeLast { .. } => Code::TimeBeforeLastEvent,
            TicketError::UnknownCategory(_) => Code::TicketUnknownCategory,
            TicketError::UnknownDepartment(_) => Code::UnknownDepartment,
        };
        code.msg(e.to_string())
    }
}

/// A service catalogue that does not check out; the whole upload is the parameter.
impl From<CatalogueError> for ApiError {
    fn from(e: CatalogueError) -> Self {
        let code = match e {
            CatalogueError::Parse(_) => Code::CatalogueParse,
            CatalogueError::Duplicate { .. } => Code::CatalogueDuplicateId,
            CatalogueError::UnknownCategory { .. } => Code::CatalogueUnknownCategory,
            CatalogueError::UnknownDepartment { .. } => Code::CatalogueUnknownDepartment,
            CatalogueError::ZeroDeadline(_) => Code::CatalogueZeroDeadline,
            CatalogueError::EmergencyDeadline { .. } => Code::CatalogueEmergencyDeadline,
            CatalogueError::DuplicateRule { .. } => Code::CatalogueDuplicateRule,
            CatalogueError::Missing { .. } => Code::CatalogueMissingValue,
        };
        code.param("body", e.to_string())
    }
}

/// Policies that do not check out; the whole upload is the parameter.
impl From<PolicyError> for ApiError {
    fn from(e: PolicyError) -> Self {
        let code = match e {
            PolicyError::Parse(_) => Code::PolicyParse,
            PolicyError::Duplicate(_) => Code::PolicyDuplicateId,
            PolicyError::Missing { .. } => Code::PolicyMissingValue,
            PolicyError::Date { .. } => Code::PolicyBadDate,
            PolicyError::DateOrder { .. } => Code::PolicyDateOrder,
            PolicyError::UnknownFlag { .. } => Code::PolicyUnknownFlag,
            PolicyError::SizeBand { .. } => Code::PolicyBadSizeBand,
            PolicyError::IndustryCode { .. } => Code::PolicyBadIndustryCode,
            PolicyError::Negative { .. } => Code::PolicyNegativeValue,
            PolicyError::UnknownReference { .. } => Code::PolicyUnknownReference,
        };
        code.param("body", e.to_string())
    }
}

/// A work-calendar entry that does not check out (the caller names the entry with [`ApiError::at`]).
impl From<CalendarError> for ApiError {
    fn from(e: CalendarError) -> Self {
        let code = match e {
            CalendarError::Malformed { .. } => Code::CalendarMalformed,
            CalendarError::Date { .. } => Code::CalendarBadDate,
            CalendarError::Kind { .. } => Code::CalendarBadKind,
            CalendarError::Duplicate { .. } => Code::CalendarDuplicateDate,
            CalendarError::WorkdayNotWeekend { .. } => Code::CalendarWorkdayNotWeekend,
        };
        code.msg(e.to_string())
    }
}

/// A market item that does not check out. The model names its problems by code string; one it does not name here
/// is answered as an invalid value.
impl From<ItemProblem> for ApiError {
    fn from(p: ItemProblem) -> Self {
        let code = match p.code {
            "missing" => Code::Missing,
            "too_long" => Code::TooLong,
            "in_the_past" => Code::InThePast,
            _ => Code::InvalidValue,
        };
        code.param(p.field, p.message)
    }
}
