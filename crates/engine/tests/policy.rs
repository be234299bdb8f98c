//! Policy matching: every criterion met, failed and unknown with its reason; unknown is not a failure; regions
//! within regions; industry-code prefixes with and without the section letter; founding-date bounds; 免申即享;
//! expired policies; and the default policy list.

mod common;

use chainscope_engine::policy::{check, matches_for_policy, no_application_grants, policies_for_enterprise, section_of};
use chainscope_engine::{Criterion, Match, MatchStatus, Outcome};
use chainscope_model::policy::check_policy_references;
use chainscope_model::taxonomy::MembershipSource;
use chainscope_model::{policies_from_toml, ClassVersion, Enterprise, Membership, Policy, RegionRegistry, YearFigure};
use chainscope_testkit::xuzhou_343;
use chrono::NaiveDate;
use common::d;

fn today() -> NaiveDate {
    d("2025-06-16")
}

/// Jiangsu, with Xuzhou (a district and the economic development zone) and Nanjing (a district).
fn regions() -> RegionRegistry {
    chainscope_testkit::registry(&["CN", "320000", "320300", "320302", "320371", "320100", "320102"])
}

/// A fully recorded local excavator maker in 鼓楼区: 3514, founded 2020-05-01, 150 employees (small), 5000万元.
fn maker() -> Enterprise {
    let mut e = Enterprise::new("ext:maker", "徐州某挖掘机有限公司");
    e.region_code = Some("320302".into());
    e.industry_code = Some("3514".into());
    e.founded = Some(d("2020-05-01"));
    e.employees = Some(150);
    e.revenue = Some(5000.0);
    e.flags.local = true;
    e.flags.srdi = true;
    e.memberships = vec![Membership { node: "cm.earthmoving".into(), source: MembershipSource::CodeRule, confidence: 0.9 }];
    e
}

/// A policy with only the given eligibility table (TOML body), in force throughout.
fn policy(eligibility: &str) -> Policy {
    let text = format!("[[policy]]\nid = \"p\"\nname_zh = \"测试政策\"\n[policy.eligibility]\n{eligibility}\n");
    policies_from_toml(&text).expect("policy").remove(0)
}

fn run(p: &Policy, e: &Enterprise) -> Match {
    let reg = regions();
    check(p, e, &xuzhou_343(), |c, a| reg.is_within(c, a), today())
}

/// The outcome of one criterion.
fn outcome(m: &Match, c: Criterion) -> Outcome {
    m.reasons.iter().find(|r| r.criterion == c).map(|r| r.outcome).unwrap_or_else(|| panic!("no reason for {c:?}"))
}

fn detail(m: &Match, c: Criterion) -> String {
    m.reasons.iter().find(|r| r.criterion == c).map(|r| format!("{} | {}", r.detail_zh, r.detail_en)).unwrap_or_default()
}

#[test]
fn default_policies_load_and_reference_the_taxonomy() {
    let list = policies_from_toml(include_str!("../../../data/xuzhou-343/policies.toml")).expect("policies.toml loads");
    assert!((6..=10).contains(&list.len()), "{} policies", list.len());
    check_policy_references(&list, &xuzhou_343()).expect("clusters and nodes exist");
    for p in &list {
        assert_eq!(p.example, p.name_zh.contains("示例"), "{}: examples say 示例 in their name, real rules do not", p.id);
        assert!(!p.issuer.is_empty() && !p.benefit_zh.is_empty() && !p.benefit_en.is_empty(), "{}", p.id);
    }
    let tax = list.iter().find(|p| p.id == "high-tech-cit-15").expect("the 15% rule");
    assert!(!tax.example && tax.source.as_deref().is_some_and(|s| s.contains("企业所得税法")));
    assert!(list.iter().any(|p| p.no_application));
    // An unknown cluster is caught against the taxonomy.
    let mut bad = list.clone();
    bad[0].eligibility.clusters.push("space".into());
    assert_eq!(check_policy_references(&bad, &xuzhou_343()).unwrap_err().code(), "policy_unknown_reference");
}

#[test]
fn default_policies_for_a_local_chain_leader() {
    let list = policies_from_toml(include_str!("../../../data/xuzhou-343/policies.toml")).expect("policies");
    let mut e = maker();
    e.region_code = Some("320371".into());
    e.employees = Some(5000);
    e.flags.chain_leader = true;
    let reg = regions();
    let got = policies_for_enterprise(&list, &e, &xuzhou_343(), |c, a| reg.is_within(c, a), today());
    // The expired 2023 subsidy is left out; 免申即享 comes first.
    assert!(got.iter().all(|m| m.policy_id != "tech-upgrade-2023"));
    assert!(got[0].no_application);
    let status = |id: &str| got.iter().find(|m| m.policy_id == id).map(|m| (m.status, m.no_application));
    assert_eq!(status("chain-leader-local-sourcing"), Some((MatchStatus::Eligible, true)));
    assert_eq!(status("zone-talent-housing"), Some((MatchStatus::Eligible, true)));
    assert_eq!(status("srdi-award"), Some((MatchStatus::Eligible, true)));
    assert_eq!(status("first-set-equipment"), Some((MatchStatus::Eligible, false)));
    assert_eq!(status("high-tech-cit-15"), Some((MatchStatus::NotEligible, false)));
    // Founded 2020, before the 2024 start of the new-establishment scheme.
    assert_eq!(status("cluster-new-establishment"), Some((MatchStatus::NotEligible, false)));
}

#[test]
fn open_policy_matches_everyone() {
    let p = policy("");
    let m = run(&p, &Enterprise::new("ext:bare", "某公司"));
    assert_eq!((m.status, m.eligible), (MatchStatus::Eligible, true));
    assert_eq!(m.reasons.len(), 1);
    assert_eq!((m.reasons[0].criterion, m.reasons[0].ok), (Criterion::Validity, true));
}

#[test]
fn chain_criterion() {
    let m = run(&policy("clusters = [\"construction-machinery\"]"), &maker());
    assert_eq!(outcome(&m, Criterion::Chain), Outcome::Met);
    assert!(detail(&m, Criterion::Chain).contains("工程机械"), "{}", detail(&m, Criterion::Chain));
    let m = run(&policy("nodes = [\"cm.earthmoving\"]"), &maker());
    assert_eq!(outcome(&m, Criterion::Chain), Outcome::Met);
    // Clusters and nodes together: any of them.
    let m = run(&policy("clusters = [\"health\"]\nnodes = [\"cm.earthmoving\"]"), &maker());
    assert_eq!(outcome(&m, Criterion::Chain), Outcome::Met);
    let m = run(&policy("nodes = [\"cm.hydraulics\"]"), &maker());
    assert_eq!((outcome(&m, Criterion::Chain), m.status), (Outcome::Failed, MatchStatus::NotEligible));
    // Untagged and no industry code: unknown. Untagged with a code: the tagger found nothing, so failed.
    let mut bare = maker();
    bare.memberships.clear();
    bare.industry_code = None;
    assert_eq!(outcome(&run(&policy("clusters = [\"construction-machinery\"]"), &bare), Criterion::Chain), Outcome::Unknown);
    bare.industry_code = Some("1711".into());
    assert_eq!(outcome(&run(&policy("clusters = [\"construction-machinery\"]"), &bare), Criterion::Chain), Outcome::Failed);
}

#[test]
fn industry_code_prefixes_with_and_without_the_letter() {
    let e = maker(); // stored as "3514", GB/T 4754-2017
    let industry = |codes: &str, e: &Enterprise| outcome(&run(&policy(&format!("industry_codes = [{codes}]")), e), Criterion::Industry);
    // "C3514" in a policy is the same as "3514".
    assert_eq!(policy("industry_codes = [\"C3514\"]").eligibility.industry_codes, vec!["3514"]);
    assert_eq!(industry("\"C3514\"", &e), Outcome::Met);
    assert_eq!(industry("\"3514\"", &e), Outcome::Met);
    assert_eq!(industry("\"351\"", &e), Outcome::Met);
    assert_eq!(industry("\"35\"", &e), Outcome::Met);
    assert_eq!(industry("\"C35\"", &e), Outcome::Met);
    // The section letter alone: 35 is in C (13–43).
    assert_eq!(industry("\"C\"", &e), Outcome::Met);
    assert!(detail(&run(&policy("industry_codes = [\"C\"]"), &e), Criterion::Industry).contains("C3514"));
    assert_eq!(industry("\"G\"", &e), Outcome::Failed);
    assert_eq!(industry("\"3513\"", &e), Outcome::Failed);
    assert_eq!(industry("\"G\", \"3514\"", &e), Outcome::Met, "any of the list");
    // A record that keeps the letter matches the same way.
    let mut lettered = maker();
    lettered.industry_code = Some("C3514".into());
    assert_eq!(industry("\"3514\"", &lettered), Outcome::Met);
    // A coarser record (大类 35 only) cannot tell whether it is 3514: unknown, but it is 35.
    let mut coarse = maker();
    coarse.industry_code = Some("35".into());
    assert_eq!(industry("\"3514\"", &coarse), Outcome::Unknown);
    assert_eq!(industry("\"34\"", &coarse), Outcome::Failed);
    // A 2011-edition code is not compared digit by digit (3513 was construction machinery in 2011) …
    let mut old = maker();
    old.industry_code = Some("3513".into());
    old.industry_version = ClassVersion::V2011;
    assert_eq!(industry("\"3514\"", &old), Outcome::Unknown);
    // … but its section is known from the 2011 table.
    assert_eq!(industry("\"C\"", &old), Outcome::Met);
    // No code on record: unknown.
    let mut none = maker();
    none.industry_code = None;
    assert_eq!(industry("\"C\"", &none), Outcome::Unknown);
    // The editions differ from section N on: 79 is N (land management) in 2017, O (residents' services) in 2011.
    assert_eq!(section_of(79, ClassVersion::V2017), Some('N'));
    assert_eq!(section_of(79, ClassVersion::V2011), Some('O'));
    assert_eq!(section_of(97, ClassVersion::V2017), Some('T'));
    assert_eq!(section_of(97, ClassVersion::V2011), None);
    assert_eq!(section_of(13, ClassVersion::V2017), Some('C'));
    // Bad codes are refused when loading.
    let bad = policies_from_toml("[[policy]]\nid = \"x\"\nname_zh = \"x\"\n[policy.eligibility]\nindustry_codes = [\"Z12\"]\n");
    assert_eq!(bad.unwrap_err().code(), "policy_bad_industry_code");
}

#[test]
fn size_band_criterion() {
    // 150 employees: small (20–299).
    assert_eq!(outcome(&run(&policy("size_bands = [\"small\", \"medium\"]"), &maker()), Criterion::Size), Outcome::Met);
    let m = run(&policy("size_bands = [\"large\"]"), &maker());
    assert_eq!(outcome(&m, Criterion::Size), Outcome::Failed);
    assert!(detail(&m, Criterion::Size).contains("小型"));
    let mut e = maker();
    e.employees = None;
    assert_eq!(outcome(&run(&policy("size_bands = [\"small\"]"), &e), Criterion::Size), Outcome::Unknown);
}

#[test]
fn region_within() {
    let p = policy("regions = [\"320300\"]");
    // A district of Xuzhou and the development zone are within the prefecture.
    assert_eq!(outcome(&run(&p, &maker()), Criterion::Region), Outcome::Met);
    let mut zone = maker();
    zone.region_code = Some("320371".into());
    assert_eq!(outcome(&run(&p, &zone), Criterion::Region), Outcome::Met);
    // A Nanjing district is not; it is within the province.
    let mut nanjing = maker();
    nanjing.region_code = Some("320102".into());
    assert_eq!(outcome(&run(&p, &nanjing), Criterion::Region), Outcome::Failed);
    assert_eq!(outcome(&run(&policy("regions = [\"320000\"]"), &nanjing), Criterion::Region), Outcome::Met);
    // A region listed exactly is within itself.
    assert_eq!(outcome(&run(&policy("regions = [\"320302\"]"), &maker()), Criterion::Region), Outcome::Met);
    let mut nowhere = maker();
    nowhere.region_code = None;
    assert_eq!(outcome(&run(&p, &nowhere), Criterion::Region), Outcome::Unknown);
}

#[test]
fn required_flags() {
    // The maker is 专精特新 but not a high-tech enterprise.
    let m = run(&policy("flags = [\"srdi\", \"high_tech\"]"), &maker());
    assert_eq!(outcome(&m, Criterion::Srdi), Outcome::Met);
    assert_eq!(outcome(&m, Criterion::HighTech), Outcome::Failed);
    assert!(detail(&m, Criterion::HighTech).contains("未登记为高新技术企业"));
    assert_eq!((m.status, m.failed.clone()), (MatchStatus::NotEligible, vec![Criterion::HighTech]));
    let mut e = maker();
    e.flags.high_tech = true;
    e.flags.listed = true;
    e.flags.chain_leader = true;
    let m = run(&policy("flags = [\"srdi\", \"high_tech\", \"listed\", \"chain_leader\"]"), &e);
    assert!(m.eligible);
    assert_eq!(m.reasons.len(), 5);
    // Chinese flag names are accepted; unknown names are refused with the policy and the name.
    assert_eq!(policy("flags = [\"专精特新\"]").eligibility.flags, policy("flags = [\"srdi\"]").eligibility.flags);
    let bad = policies_from_toml("[[policy]]\nid = \"x\"\nname_zh = \"x\"\n[policy.eligibility]\nflags = [\"unicorn\"]\n").unwrap_err();
    assert_eq!(bad.code(), "policy_unknown_flag");
    assert!(bad.to_string().contains("'x'") && bad.to_string().contains("unicorn"), "{bad}");
}

#[test]
fn founding_date_bounds() {
    // Founded 2020-05-01. founded_after is inclusive, founded_before is strict.
    let f = |elig: &str, c| outcome(&run(&policy(elig), &maker()), c);
    assert_eq!(f("founded_after = \"2020-05-01\"", Criterion::FoundedAfter), Outcome::Met);
    assert_eq!(f("founded_after = \"2020-05-02\"", Criterion::FoundedAfter), Outcome::Failed);
    assert_eq!(f("founded_before = \"2020-05-02\"", Criterion::FoundedBefore), Outcome::Met);
    assert_eq!(f("founded_before = \"2020-05-01\"", Criterion::FoundedBefore), Outcome::Failed);
    // Bare TOML dates work too.
    assert_eq!(f("founded_after = 2019-01-01\nfounded_before = 2021-01-01", Criterion::FoundedBefore), Outcome::Met);
    let mut e = maker();
    e.founded = None;
    let m = run(&policy("founded_after = \"2019-01-01\""), &e);
    assert_eq!((outcome(&m, Criterion::FoundedAfter), m.status), (Outcome::Unknown, MatchStatus::Possible));
    // Bad dates and reversed bounds are refused, naming the policy and field.
    let load = |elig: &str| policies_from_toml(&format!("[[policy]]\nid = \"q\"\nname_zh = \"q\"\n[policy.eligibility]\n{elig}\n"));
    let e = load("founded_after = \"2020-02-30\"").unwrap_err();
    assert_eq!(e.code(), "policy_bad_date");
    assert!(e.to_string().contains("'q'") && e.to_string().contains("founded_after"), "{e}");
    assert_eq!(load("founded_after = \"2021-01-01\"\nfounded_before = \"2020-01-01\"").unwrap_err().code(), "policy_date_order");
}

#[test]
fn minimum_employees_and_revenue() {
    let f = |elig: &str, e: &Enterprise, c| outcome(&run(&policy(elig), e), c);
    assert_eq!(f("min_employees = 150", &maker(), Criterion::MinEmployees), Outcome::Met);
    assert_eq!(f("min_employees = 151", &maker(), Criterion::MinEmployees), Outcome::Failed);
    assert_eq!(f("min_revenue = 5000.0", &maker(), Criterion::MinRevenue), Outcome::Met);
    assert_eq!(f("min_revenue = 8000", &maker(), Criterion::MinRevenue), Outcome::Failed);
    // Without a latest figure the newest year of the series that has one is used.
    let mut e = maker();
    e.employees = None;
    e.revenue = None;
    e.series = vec![
        YearFigure { year: 2022, revenue: Some(9000.0), employees: Some(400) },
        YearFigure { year: 2023, revenue: None, employees: Some(120) },
    ];
    assert_eq!(f("min_employees = 101", &e, Criterion::MinEmployees), Outcome::Met);
    assert_eq!(f("min_revenue = 8000", &e, Criterion::MinRevenue), Outcome::Met);
    e.series.clear();
    assert_eq!(f("min_employees = 101", &e, Criterion::MinEmployees), Outcome::Unknown);
    assert_eq!(f("min_revenue = 1", &e, Criterion::MinRevenue), Outcome::Unknown);
}

#[test]
fn local_only() {
    assert_eq!(outcome(&run(&policy("local_only = true"), &maker()), Criterion::Local), Outcome::Met);
    let mut e = maker();
    e.flags.local = false;
    assert_eq!(outcome(&run(&policy("local_only = true"), &e), Criterion::Local), Outcome::Failed);
}

#[test]
fn unknown_is_reported_but_is_not_a_failure() {
    let p = policy("regions = [\"320300\"]\nflags = [\"srdi\"]\nmin_employees = 100");
    let mut e = maker();
    e.region_code = None;
    e.employees = None;
    let m = run(&p, &e);
    // Nothing failed, two criteria unknown: possibly eligible, not eligible.
    assert_eq!((m.status, m.eligible, m.no_application), (MatchStatus::Possible, false, false));
    assert_eq!(m.unknown, vec![Criterion::Region, Criterion::MinEmployees]);
    assert!(m.failed.is_empty());
    // Every criterion gives a reason: validity, region, srdi, employees.
    assert_eq!(m.reasons.len(), 4);
    assert!(m.reasons.iter().filter(|r| r.outcome == Outcome::Unknown).all(|r| !r.ok));
    // One failure makes it not eligible, whatever is unknown.
    e.flags.srdi = false;
    let m = run(&p, &e);
    assert_eq!((m.status, m.failed.clone(), m.unknown.len()), (MatchStatus::NotEligible, vec![Criterion::Srdi], 2));
}

const LISTING: &str = r#"
[[policy]]
id = "free"
name_zh = "示例 免申即享"
no_application = true
[policy.eligibility]
flags = ["srdi"]

[[policy]]
id = "free-but-unsure"
name_zh = "示例 免申即享（需人数）"
no_application = true
[policy.eligibility]
min_employees = 10

[[policy]]
id = "apply"
name_zh = "示例 申报类"
[policy.eligibility]
regions = ["320300"]

[[policy]]
id = "not-for-you"
name_zh = "示例 不符合"
[policy.eligibility]
flags = ["listed"]

[[policy]]
id = "old"
name_zh = "示例 已到期"
valid_from = "2022-01-01"
valid_to = "2023-12-31"
no_application = true

[[policy]]
id = "future"
name_zh = "示例 未生效"
valid_from = "2030-01-01"
"#;

#[test]
fn no_application_listing_and_order() {
    let list = policies_from_toml(LISTING).expect("listing");
    let reg = regions();
    let within = |c: &str, a: &str| reg.is_within(c, a);
    let mut e = maker();
    e.employees = None;
    let got = policies_for_enterprise(&list, &e, &xuzhou_343(), within, today());
    let order: Vec<(&str, MatchStatus, bool)> = got.iter().map(|m| (m.policy_id.as_str(), m.status, m.no_application)).collect();
    assert_eq!(
        order,
        vec![
            ("free", MatchStatus::Eligible, true),
            ("apply", MatchStatus::Eligible, false),
            // 免申即享 needs every criterion known: an unknown head count makes it "possible", to be applied for.
            ("free-but-unsure", MatchStatus::Possible, false),
            ("not-for-you", MatchStatus::NotEligible, false),
        ]
    );
    // Across enterprises: only the eligible pairs of no-application policies are granted.
    let mut other = maker();
    other.key = "ext:other".into();
    other.flags.srdi = false;
    let grants = no_application_grants(&list, &[e, other], &xuzhou_343(), within, today());
    let pairs: Vec<(&str, &str)> = grants.iter().map(|m| (m.policy_id.as_str(), m.enterprise_key.as_str())).collect();
    // ext:maker: srdi, head count unknown → only "free"; ext:other: not srdi, 150 employees on record → only
    // "free-but-unsure".
    assert_eq!(pairs, vec![("free", "ext:maker"), ("free-but-unsure", "ext:other")]);
}

#[test]
fn expired_and_future_policies() {
    let list = policies_from_toml(LISTING).expect("listing");
    let old = list.iter().find(|p| p.id == "old").expect("old");
    let future = list.iter().find(|p| p.id == "future").expect("future");
    // check() still explains them, marked and never eligible.
    let m = run(old, &maker());
    assert_eq!((m.status, m.eligible, m.no_application), (MatchStatus::Expired, false, false));
    assert_eq!((m.reasons[0].criterion, m.reasons[0].outcome), (Criterion::Validity, Outcome::Failed));
    assert!(m.reasons[0].detail_zh.contains("2023-12-31"));
    assert_eq!(run(future, &maker()).status, MatchStatus::NotYetInForce);
    // The listings leave them out.
    let reg = regions();
    let within = |c: &str, a: &str| reg.is_within(c, a);
    assert!(matches_for_policy(old, [&maker()], &xuzhou_343(), within, today()).is_empty());
    // On its last day it is still in force.
    assert_eq!(matches_for_policy(old, [&maker()], &xuzhou_343(), within, d("2023-12-31")).len(), 1);
    let got = policies_for_enterprise(&list, &maker(), &xuzhou_343(), within, today());
    assert!(got.iter().all(|m| m.policy_id != "old" && m.policy_id != "future"));
}

#[test]
fn matches_for_policy_are_ranked() {
    let p = policy("regions = [\"320300\"]\nmin_employees = 100\nflags = [\"srdi\"]");
    let mut a = maker(); // eligible
    a.key = "ext:a".into();
    let mut b = maker(); // one unknown
    b.key = "ext:b".into();
    b.employees = None;
    let mut c = maker(); // two unknown
    c.key = "ext:c".into();
    c.employees = None;
    c.region_code = None;
    let mut x = maker(); // fails
    x.key = "ext:x".into();
    x.flags.srdi = false;
    let mut z = maker(); // eligible, sorts after a
    z.key = "ext:z".into();
    let reg = regions();
    let enterprises = [c, x, z, b, a];
    let got = matches_for_policy(&p, &enterprises, &xuzhou_343(), |c, a| reg.is_within(c, a), today());
    let keys: Vec<&str> = got.iter().map(|m| m.enterprise_key.as_str()).collect();
    assert_eq!(keys, vec!["ext:a", "ext:z", "ext:b", "ext:c"]);
    assert_eq!(got.iter().map(|m| m.unknown.len()).collect::<Vec<_>>(), vec![0, 0, 1, 2]);
}
