//! Policy matching (惠企政策): which enterprises a policy is for, which policies an enterprise can use, and which
//! benefits it gets without applying (免申即享). Every criterion gives a reason, in Chinese and English.
//!
//! Conventions:
//! - A criterion is met, failed, or unknown when the enterprise record lacks the field it needs (no region, no
//!   founding date, no employee count …). Unknown is not a failure: an enterprise with no failed criterion and some
//!   unknown ones is "possibly eligible" ([`MatchStatus::Possible`]), never eligible.
//! - 免申即享: eligible (every criterion known and met) and the policy's `no_application` flag set.
//! - A policy not in force on `today` (outside `valid_from..=valid_to`) is still checked by [`check`], which marks it
//!   [`MatchStatus::Expired`] or [`MatchStatus::NotYetInForce`] with all its reasons; the listing functions leave
//!   such policies out.
//! - Flags (专精特新, 高新技术企业, 上市, 链主, local) are yes/no fields, so they are never unknown: a flag not set
//!   fails.
//! - Employees and revenue: the latest figure, or else the latest year of the series that has one.

use chainscope_model::policy::RequiredFlag;
use chainscope_model::taxonomy::normalize_industry_code;
use chainscope_model::{ClassVersion, Enterprise, Policy, SizeBand, Taxonomy};
use chrono::NaiveDate;
use serde::Serialize;

/// One eligibility test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// The policy is in force on the day.
    Validity,
    /// On a listed cluster or chain node.
    Chain,
    /// GB/T 4754 industry code.
    Industry,
    /// Size band by employees.
    Size,
    /// Region within a listed one.
    Region,
    Srdi,
    HighTech,
    Listed,
    ChainLeader,
    FoundedAfter,
    FoundedBefore,
    MinEmployees,
    MinRevenue,
    /// Located in the home city.
    Local,
}

impl Criterion {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Validity => "validity",
            Self::Chain => "chain",
            Self::Industry => "industry",
            Self::Size => "size",
            Self::Region => "region",
            Self::Srdi => "srdi",
            Self::HighTech => "high_tech",
            Self::Listed => "listed",
            Self::ChainLeader => "chain_leader",
            Self::FoundedAfter => "founded_after",
            Self::FoundedBefore => "founded_before",
            Self::MinEmployees => "min_employees",
            Self::MinRevenue => "min_revenue",
            Self::Local => "local",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Validity => "政策有效期",
            Self::Chain => "产业链",
            Self::Industry => "国民经济行业",
            Self::Size => "企业规模",
            Self::Region => "所在地区",
            Self::Srdi => "专精特新",
            Self::HighTech => "高新技术企业",
            Self::Listed => "上市企业",
            Self::ChainLeader => "链主企业",
            Self::FoundedAfter => "成立时间（起）",
            Self::FoundedBefore => "成立时间（止）",
            Self::MinEmployees => "从业人数",
            Self::MinRevenue => "营业收入",
            Self::Local => "本地企业",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Validity => "Policy in force",
            Self::Chain => "Industry chain",
            Self::Industry => "Industry code",
            Self::Size => "Size",
            Self::Region => "Region",
            Self::Srdi => "SRDI (专精特新)",
            Self::HighTech => "High-tech enterprise",
            Self::Listed => "Listed",
            Self::ChainLeader => "Chain leader",
            Self::FoundedAfter => "Founded on or after",
            Self::FoundedBefore => "Founded before",
            Self::MinEmployees => "Employees",
            Self::MinRevenue => "Revenue",
            Self::Local => "Local enterprise",
        }
    }
    fn of_flag(f: RequiredFlag) -> Self {
        match f {
            RequiredFlag::Srdi => Self::Srdi,
            RequiredFlag::HighTech => Self::HighTech,
            RequiredFlag::Listed => Self::Listed,
            RequiredFlag::ChainLeader => Self::ChainLeader,
        }
    }
}

/// The result of one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Met,
    Failed,
    /// The enterprise record lacks what the criterion needs.
    Unknown,
}

/// Why a criterion was met, failed or could not be decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub criterion: Criterion,
    /// Met (`outcome == Met`).
    pub ok: bool,
    pub outcome: Outcome,
    pub detail_zh: String,
    pub detail_en: String,
}

/// Overall result of a policy for an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    /// Every criterion known and met.
    Eligible,
    /// None failed, some unknown.
    Possible,
    /// At least one failed.
    NotEligible,
    /// The policy ended before the day.
    Expired,
    /// The policy starts after the day.
    NotYetInForce,
}

impl MatchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eligible => "eligible",
            Self::Possible => "possible",
            Self::NotEligible => "not_eligible",
            Self::Expired => "expired",
            Self::NotYetInForce => "not_yet_in_force",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Eligible => "符合",
            Self::Possible => "可能符合",
            Self::NotEligible => "不符合",
            Self::Expired => "已过期",
            Self::NotYetInForce => "尚未生效",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Eligible => "Eligible",
            Self::Possible => "Possibly eligible",
            Self::NotEligible => "Not eligible",
            Self::Expired => "Expired",
            Self::NotYetInForce => "Not yet in force",
        }
    }
}

/// A policy checked against an enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    pub policy_id: String,
    pub enterprise_key: String,
    pub status: MatchStatus,
    /// In force, and every criterion known and met.
    pub eligible: bool,
    /// 免申即享: eligible and the policy grants without an application.
    pub no_application: bool,
    /// One per criterion the policy sets, the validity check first.
    pub reasons: Vec<Reason>,
    /// Criteria the record could not decide.
    pub unknown: Vec<Criterion>,
    pub failed: Vec<Criterion>,
}

/// GB/T 4754 section (门类) of a 2-digit division (大类) in the given edition. The editions agree up to M (75); from
/// N on, 2017 inserted 79 土地管理业 and every later division moved up by one.
pub fn section_of(division: u32, version: ClassVersion) -> Option<char> {
    let table: &[(u32, u32, char)] = match version {
        ClassVersion::V2017 => &[
            (1, 5, 'A'),
            (6, 12, 'B'),
            (13, 43, 'C'),
            (44, 46, 'D'),
            (47, 50, 'E'),
            (51, 52, 'F'),
            (53, 60, 'G'),
            (61, 62, 'H'),
            (63, 65, 'I'),
            (66, 69, 'J'),
            (70, 70, 'K'),
            (71, 72, 'L'),
            (73, 75, 'M'),
            (76, 79, 'N'),
            (80, 82, 'O'),
            (83, 83, 'P'),
            (84, 85, 'Q'),
            (86, 90, 'R'),
            (91, 96, 'S'),
            (97, 97, 'T'),
        ],
        ClassVersion::V2011 => &[
            (1, 5, 'A'),
            (6, 12, 'B'),
            (13, 43, 'C'),
            (44, 46, 'D'),
            (47, 50, 'E'),
            (51, 52, 'F'),
            (53, 60, 'G'),
            (61, 62, 'H'),
            (63, 65, 'I'),
            (66, 69, 'J'),
            (70, 70, 'K'),
            (71, 72, 'L'),
            (73, 75, 'M'),
            (76, 78, 'N'),
            (79, 81, 'O'),
            (82, 82, 'P'),
            (83, 84, 'Q'),
            (85, 89, 'R'),
            (90, 95, 'S'),
            (96, 96, 'T'),
        ],
    };
    table.iter().find(|(lo, hi, _)| (*lo..=*hi).contains(&division)).map(|(_, _, c)| *c)
}

struct Eval {
    reasons: Vec<Reason>,
}

impl Eval {
    fn push(&mut self, criterion: Criterion, outcome: Outcome, detail_zh: String, detail_en: String) {
        self.reasons.push(Reason { criterion, ok: outcome == Outcome::Met, outcome, detail_zh, detail_en });
    }

    /// A criterion on a value the record may lack: unknown (with what is missing, in both languages) when it does,
    /// otherwise met or failed as `judge` says, with its explanation.
    fn on_record<T>(
        &mut self,
        criterion: Criterion,
        value: Option<T>,
        missing: (&str, &str),
        judge: impl FnOnce(T) -> (bool, String, String),
    ) {
        match value {
            None => self.push(criterion, Outcome::Unknown, missing.0.to_string(), missing.1.to_string()),
            Some(v) => {
                let (ok, zh, en) = judge(v);
                self.push(criterion, yes(ok), zh, en);
            }
        }
    }
}

const NO_FOUNDING_DATE: (&str, &str) = ("成立日期未登记", "founding date not on record");

fn yes(b: bool) -> Outcome {
    if b {
        Outcome::Met
    } else {
        Outcome::Failed
    }
}

fn band_zh(b: SizeBand) -> &'static str {
    match b {
        SizeBand::Unknown => "未知",
        SizeBand::Micro => "微型",
        SizeBand::Small => "小型",
        SizeBand::Medium => "中型",
        SizeBand::Large => "大型",
    }
}

fn band_en(b: SizeBand) -> &'static str {
    match b {
        SizeBand::Unknown => "unknown",
        SizeBand::Micro => "micro",
        SizeBand::Small => "small",
        SizeBand::Medium => "medium",
        SizeBand::Large => "large",
    }
}

fn latest_employees(e: &Enterprise) -> Option<u32> {
    e.employees.or_else(|| e.series.iter().filter(|y| y.employees.is_some()).max_by_key(|y| y.year).and_then(|y| y.employees))
}

fn latest_revenue(e: &Enterprise) -> Option<f64> {
    e.revenue.or_else(|| e.series.iter().filter(|y| y.revenue.is_some()).max_by_key(|y| y.year).and_then(|y| y.revenue))
}

/// The industry criterion: any listed prefix matched.
fn industry(e: &Enterprise, patterns: &[String]) -> (Outcome, String, String) {
    let list = patterns.join(", ");
    let Some(raw) = e.industry_code.as_deref() else {
        return (Outcome::Unknown, "企业行业代码未登记".into(), "the enterprise's industry code is not on record".into());
    };
    let Ok(code) = normalize_industry_code(raw) else {
        return (Outcome::Unknown, format!("行业代码“{raw}”无法识别"), format!("industry code '{raw}' is not a GB/T 4754 code"));
    };
    let section = code.get(..2).and_then(|d| d.parse::<u32>().ok()).and_then(|d| section_of(d, e.industry_version));
    let mut best = Outcome::Failed;
    for p in patterns {
        let outcome = if p.len() == 1 {
            match (section, p.chars().next()) {
                (Some(s), Some(want)) => yes(s == want),
                _ => Outcome::Unknown,
            }
        } else if e.industry_version == ClassVersion::V2011 {
            // Digit codes of the two editions differ (3513 vs 3514): a 2011 code cannot be compared with a 2017 prefix.
            Outcome::Unknown
        } else if code.starts_with(p.as_str()) {
            Outcome::Met
        } else if p.starts_with(code.as_str()) {
            // The record is coarser than the policy (大类 35 on record, 3514 required).
            Outcome::Unknown
        } else {
            Outcome::Failed
        };
        match outcome {
            Outcome::Met => {
                let shown = format!("{}{code}", section.map(String::from).unwrap_or_default());
                return (Outcome::Met, format!("行业代码 {shown} 属于 {p}"), format!("industry code {shown} falls under {p}"));
            }
            Outcome::Unknown => best = Outcome::Unknown,
            Outcome::Failed => {}
        }
    }
    let edition = e.industry_version.as_str();
    if best == Outcome::Unknown {
        (
            Outcome::Unknown,
            format!("行业代码 {code}（GB/T 4754-{edition}）不足以判断是否属于 {list}"),
            format!("industry code {code} (GB/T 4754-{edition}) is not precise enough to tell whether it falls under {list}"),
        )
    } else {
        (Outcome::Failed, format!("行业代码 {code} 不属于 {list}"), format!("industry code {code} is not under {list}"))
    }
}

/// Check every criterion of `policy` for `enterprise` on `today`. `is_within(code, ancestor)` says whether a region
/// code lies within (or is) another, e.g. `|c, a| registry.is_within(c, a)`.
pub fn check<W>(policy: &Policy, enterprise: &Enterprise, taxonomy: &Taxonomy, is_within: W, today: NaiveDate) -> Match
where
    W: Fn(&str, &str) -> bool,
{
    let el = &policy.eligibility;
    let mut ev = Eval { reasons: Vec::new() };
    let e = enterprise;

    // Validity first.
    let status_in_force = if policy.valid_from.is_some_and(|d| today < d) {
        Some(MatchStatus::NotYetInForce)
    } else if policy.valid_to.is_some_and(|d| today > d) {
        Some(MatchStatus::Expired)
    } else {
        None
    };
    let span = |d: Option<NaiveDate>| d.map_or_else(|| "…".to_string(), |d| d.to_string());
    let (from, to) = (span(policy.valid_from), span(policy.valid_to));
    match status_in_force {
        None => ev.push(Criterion::Validity, Outcome::Met, format!("政策有效期 {from} 至 {to}"), format!("in force {from} to {to}")),
        Some(MatchStatus::Expired) => {
            ev.push(Criterion::Validity, Outcome::Failed, format!("政策已于 {to} 到期"), format!("the policy expired on {to}"))
        }
        Some(_) => ev.push(
            Criterion::Validity,
            Outcome::Failed,
            format!("政策自 {from} 起施行，尚未生效"),
            format!("the policy takes effect on {from}"),
        ),
    }

    if !el.clusters.is_empty() || !el.nodes.is_empty() {
        let mut wanted: Vec<&str> = el.clusters.iter().map(String::as_str).collect();
        wanted.extend(el.nodes.iter().map(String::as_str));
        let list = wanted.join(", ");
        let hit = e.memberships.iter().find_map(|m| {
            if el.nodes.iter().any(|n| n == &m.node) {
                return Some(taxonomy.node(&m.node).map_or_else(|| m.node.clone(), |n| n.name_zh.clone()));
            }
            let c = taxonomy.cluster_of_node(&m.node)?;
            el.clusters.iter().any(|id| id == &c.id).then(|| c.name_zh.clone())
        });
        match hit {
            Some(name) => ev.push(Criterion::Chain, Outcome::Met, format!("属于{name}"), format!("on the chain: {name}")),
            None if e.memberships.is_empty() && e.industry_code.is_none() => ev.push(
                Criterion::Chain,
                Outcome::Unknown,
                "企业未标注产业链节点，也无行业代码".into(),
                "the enterprise has no chain-node tags and no industry code".into(),
            ),
            None => ev.push(Criterion::Chain, Outcome::Failed, format!("不属于 {list}"), format!("not on {list}")),
        }
    }

    if !el.industry_codes.is_empty() {
        let (o, zh, en) = industry(e, &el.industry_codes);
        ev.push(Criterion::Industry, o, zh, en);
    }

    if !el.size_bands.is_empty() {
        let list_zh = el.size_bands.iter().map(|b| band_zh(*b)).collect::<Vec<_>>().join("、");
        let list_en = el.size_bands.iter().map(|b| band_en(*b)).collect::<Vec<_>>().join(", ");
        match e.size_band() {
            SizeBand::Unknown => ev.push(
                Criterion::Size,
                Outcome::Unknown,
                "从业人数未登记，规模未知".into(),
                "employees not on record: size unknown".into(),
            ),
            b => ev.push(
                Criterion::Size,
                yes(el.size_bands.contains(&b)),
                format!("企业规模为{}，要求{list_zh}", band_zh(b)),
                format!("size is {}, required {list_en}", band_en(b)),
            ),
        }
    }

    if !el.regions.is_empty() {
        let list = el.regions.join(", ");
        match e.region_code.as_deref() {
            None => ev.push(Criterion::Region, Outcome::Unknown, "所在地区未登记".into(), "region not on record".into()),
            Some(code) => match el.regions.iter().find(|r| is_within(code, r)) {
                Some(r) => {
                    ev.push(Criterion::Region, Outcome::Met, format!("地区 {code} 位于 {r} 内"), format!("region {code} is within {r}"))
                }
                None => ev.push(
                    Criterion::Region,
                    Outcome::Failed,
                    format!("地区 {code} 不在 {list} 内"),
                    format!("region {code} is not within {list}"),
                ),
            },
        }
    }

    for f in &el.flags {
        let set = f.is_set(&e.flags);
        let (zh, en) = if set {
            (format!("已认定为{}", f.label_zh()), format!("is a {}", f.label_en()))
        } else {
            (format!("未登记为{}", f.label_zh()), format!("not recorded as a {}", f.label_en()))
        };
        ev.push(Criterion::of_flag(*f), yes(set), zh, en);
    }

    if let Some(after) = el.founded_after {
        ev.on_record(Criterion::FoundedAfter, e.founded, NO_FOUNDING_DATE, |f| {
            (f >= after, format!("成立于 {f}，要求 {after} 及以后"), format!("founded {f}, required on or after {after}"))
        });
    }
    if let Some(before) = el.founded_before {
        ev.on_record(Criterion::FoundedBefore, e.founded, NO_FOUNDING_DATE, |f| {
            (f < before, format!("成立于 {f}，要求早于 {before}"), format!("founded {f}, required before {before}"))
        });
    }

    if let Some(min) = el.min_employees {
        ev.on_record(Criterion::MinEmployees, latest_employees(e), ("从业人数未登记", "employees not on record"), |n| {
            (n >= min, format!("从业人数 {n} 人，要求不少于 {min} 人"), format!("{n} employees, at least {min} required"))
        });
    }
    if let Some(min) = el.min_revenue {
        ev.on_record(Criterion::MinRevenue, latest_revenue(e), ("营业收入未登记", "revenue not on record"), |r| {
            (r >= min, format!("营业收入 {r} 万元，要求不少于 {min} 万元"), format!("revenue {r} (10k yuan), at least {min} required"))
        });
    }

    if el.local_only {
        let (zh, en) = if e.flags.local { ("本地企业", "local enterprise") } else { ("非本地企业", "not a local enterprise") };
        ev.push(Criterion::Local, yes(e.flags.local), zh.into(), en.into());
    }

    let criteria = ev.reasons.iter().filter(|r| r.criterion != Criterion::Validity);
    let failed: Vec<Criterion> = criteria.clone().filter(|r| r.outcome == Outcome::Failed).map(|r| r.criterion).collect();
    let unknown: Vec<Criterion> = criteria.filter(|r| r.outcome == Outcome::Unknown).map(|r| r.criterion).collect();
    let status = status_in_force.unwrap_or(if !failed.is_empty() {
        MatchStatus::NotEligible
    } else if !unknown.is_empty() {
        MatchStatus::Possible
    } else {
        MatchStatus::Eligible
    });
    let eligible = status == MatchStatus::Eligible;
    Match {
        policy_id: policy.id.clone(),
        enterprise_key: e.key.clone(),
        status,
        eligible,
        no_application: eligible && policy.no_application,
        reasons: ev.reasons,
        unknown,
        failed,
    }
}

/// Enterprises that may use `policy`, best first: eligible, then possibly eligible with fewer unknown criteria first;
/// ties by enterprise key. Empty when the policy is not in force on `today`.
pub fn matches_for_policy<'a, I, W>(policy: &Policy, enterprises: I, taxonomy: &Taxonomy, is_within: W, today: NaiveDate) -> Vec<Match>
where
    I: IntoIterator<Item = &'a Enterprise>,
    W: Fn(&str, &str) -> bool,
{
    if !policy.in_force(today) {
        return Vec::new();
    }
    let mut out: Vec<Match> = enterprises
        .into_iter()
        .map(|e| check(policy, e, taxonomy, &is_within, today))
        .filter(|m| matches!(m.status, MatchStatus::Eligible | MatchStatus::Possible))
        .collect();
    out.sort_by(|a, b| (a.status, a.unknown.len(), &a.enterprise_key).cmp(&(b.status, b.unknown.len(), &b.enterprise_key)));
    out
}

/// Every policy in force on `today`, checked for `enterprise` with its reasons: 免申即享 first, then eligible,
/// possibly eligible and not eligible; ties keep the order of `policies`.
pub fn policies_for_enterprise<W>(
    policies: &[Policy],
    enterprise: &Enterprise,
    taxonomy: &Taxonomy,
    is_within: W,
    today: NaiveDate,
) -> Vec<Match>
where
    W: Fn(&str, &str) -> bool,
{
    let mut out: Vec<Match> =
        policies.iter().filter(|p| p.in_force(today)).map(|p| check(p, enterprise, taxonomy, &is_within, today)).collect();
    out.sort_by_key(|m| (!m.no_application, m.status));
    out
}

/// 免申即享 grants: every (policy, enterprise) pair where the policy is in force, grants without an application, and
/// the enterprise is eligible. Ordered by policy (in the given order), then enterprise key.
pub fn no_application_grants<W>(
    policies: &[Policy],
    enterprises: &[Enterprise],
    taxonomy: &Taxonomy,
    is_within: W,
    today: NaiveDate,
) -> Vec<Match>
where
    W: Fn(&str, &str) -> bool,
{
    policies
        .iter()
        .filter(|p| p.no_application)
        .flat_map(|p| matches_for_policy(p, enterprises, taxonomy, &is_within, today).into_iter().filter(|m| m.no_application))
        .collect()
}
