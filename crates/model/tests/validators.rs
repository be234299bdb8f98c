//! Tests of the model's validators against an independent implementation (python-stdnum, see
//! `fixtures/make_id_fixtures.py`), properties of the check-character schemes, and edge cases of the value parsers,
//! stage histories and taxonomy lint.

use chainscope_model::error::ValidationError;
use chainscope_model::ids::{lei_check_digits, normalize_id, org_code_check_char, uscc_check_char, USCC_ALPHABET};
use chainscope_model::project::parse_stage_history;
use chainscope_model::region::{Region, RegionLevel, RegionRegistry};
use chainscope_model::taxonomy::normalize_industry_code;
use chainscope_model::values::{check_coordinates, looks_like_formula, neutralise_formula, parse_date, parse_flag, parse_money_wan};
use chainscope_model::{parse_lei, parse_uscc, Stage};
use chainscope_testkit::{machinery, region, registry, TaxonomyToml};
use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------------------------
// Fixtures generated with python-stdnum
// ---------------------------------------------------------------------------------------------------------------

const USCC_VALID: &str = include_str!("fixtures/uscc_valid.txt");
const USCC_INVALID: &str = include_str!("fixtures/uscc_invalid.txt");
const LEI_VALID: &str = include_str!("fixtures/lei_valid.txt");
const LEI_INVALID: &str = include_str!("fixtures/lei_invalid.txt");

/// Tab-separated data rows of a fixture, comments skipped.
fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(|l| l.split('\t').collect())
}

#[test]
fn fixtures_are_not_empty() {
    assert!(rows(USCC_VALID).count() >= 300);
    assert!(rows(USCC_INVALID).count() >= 300);
    assert!(rows(LEI_VALID).count() >= 300);
    assert!(rows(LEI_INVALID).count() >= 300);
}

#[test]
fn uscc_valid_fixture_agrees_with_stdnum_and_gb11714() {
    let mut flagged = 0;
    for r in rows(USCC_VALID) {
        let [value, norm, org, source] = r[..] else { panic!("bad fixture row {r:?}") };
        let u = parse_uscc(value).unwrap_or_else(|e| panic!("{value} ({source}) rejected: {e}"));
        assert_eq!(u.code, norm, "{value}");
        assert_eq!(u.org_code_ok, org == "1", "org_code_ok of {value}");
        // The generator used stdnum's calc_check_digit; ours must compute the same character.
        assert_eq!(uscc_check_char(&norm[..17]), Ok(norm.as_bytes()[17] as char), "{value}");
        flagged += usize::from(!u.org_code_ok);
    }
    assert!(flagged > 50, "the fixture should exercise codes that fail the organisation-code check");
}

#[test]
fn uscc_invalid_fixture_is_rejected_with_the_right_error() {
    for r in rows(USCC_INVALID) {
        let [value, reason] = r[..] else { panic!("bad fixture row {r:?}") };
        if reason == "letter_in_region" {
            continue; // see uscc_letter_in_region_positions_is_rejected
        }
        let e = parse_uscc(value).expect_err(value);
        assert_eq!(e.code(), "invalid_uscc", "{value}");
        match reason {
            "substitution" | "transposition" | "wrong_check" => {
                assert!(matches!(e, ValidationError::UsccCheck { .. }), "{value} ({reason}): {e:?}")
            }
            "length17" => assert_eq!(e, ValidationError::UsccLength(17), "{value}"),
            "length19" => assert_eq!(e, ValidationError::UsccLength(19), "{value}"),
            "forbidden_letter" => {
                assert!(matches!(e, ValidationError::UsccCharacter('I' | 'O' | 'Z' | 'S' | 'V')), "{value}: {e:?}")
            }
            other => panic!("unknown reason {other}"),
        }
    }
}

/// GB 32100 positions 3–8 are the registering authority's GB/T 2260 code, six digits (facts.md, Validators), and
/// `Uscc::registration_region` returns them as a region code. python-stdnum rejects a letter there
/// (InvalidFormat); `parse_uscc` only checks the alphabet and the check character.
#[test]
fn uscc_letter_in_region_positions_is_rejected() {
    let accepted: Vec<&str> =
        rows(USCC_INVALID).filter(|r| r[1] == "letter_in_region").map(|r| r[0]).filter(|v| parse_uscc(v).is_ok()).collect();
    assert!(
        accepted.is_empty(),
        "{} codes with a letter in the GB/T 2260 positions were accepted, e.g. {:?}",
        accepted.len(),
        accepted.iter().take(3).collect::<Vec<_>>()
    );
}

#[test]
fn lei_valid_fixture_agrees_with_stdnum() {
    for r in rows(LEI_VALID) {
        let [value, norm, source, _base] = r[..] else { panic!("bad fixture row {r:?}") };
        assert_eq!(parse_lei(value).as_deref(), Ok(norm), "{value} ({source})");
        if source != "substitution-undetected" {
            assert_eq!(lei_check_digits(&norm[..18]), &norm[18..], "{value}");
        }
    }
}

/// A letter counts as two decimal digits in ISO 7064 mod 97-10, so a digit↔letter substitution is not a
/// single-digit change and is not always detected. The fixture holds such pairs; both codes verify.
#[test]
fn lei_cross_class_substitution_can_go_undetected() {
    let pairs: Vec<(&str, &str)> = rows(LEI_VALID).filter(|r| r[2] == "substitution-undetected").map(|r| (r[0], r[3])).collect();
    assert!(!pairs.is_empty());
    for (mutant, base) in pairs {
        assert_eq!(mutant.chars().zip(base.chars()).filter(|(a, b)| a != b).count(), 1);
        assert!(parse_lei(mutant).is_ok() && parse_lei(base).is_ok(), "{mutant} / {base}");
    }
}

#[test]
fn lei_invalid_fixture_is_rejected() {
    for r in rows(LEI_INVALID) {
        let [value, reason, _stdnum] = r[..] else { panic!("bad fixture row {r:?}") };
        if reason == "letter_in_check_digits" {
            continue; // see lei_check_digits_must_be_digits
        }
        let e = parse_lei(value).expect_err(value);
        assert_eq!(e.code(), "invalid_lei", "{value}");
        match reason {
            "substitution" | "transposition" => {
                assert!(matches!(e, ValidationError::LeiCheck | ValidationError::LeiCharacter(_)), "{value}: {e:?}")
            }
            "length19" => assert_eq!(e, ValidationError::LeiLength(19), "{value}"),
            "length21" => assert_eq!(e, ValidationError::LeiLength(21), "{value}"),
            "bad_character" => assert!(matches!(e, ValidationError::LeiCharacter(_)), "{value}: {e:?}"),
            other => panic!("unknown reason {other}"),
        }
    }
}

/// ISO 17442: characters 19–20 are two check *digits*. python-stdnum does not check this (nor the length);
/// `parse_lei` does check the length but accepts letters in 19–20 whenever mod 97 happens to be 1.
#[test]
fn lei_check_digits_must_be_digits() {
    let accepted: Vec<&str> =
        rows(LEI_INVALID).filter(|r| r[1] == "letter_in_check_digits").map(|r| r[0]).filter(|v| parse_lei(v).is_ok()).collect();
    assert!(
        accepted.is_empty(),
        "{} LEIs with a letter in the check digits were accepted, e.g. {:?}",
        accepted.len(),
        accepted.iter().take(3).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

const LEI_ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// 17 characters from the alphabet, with digits in positions 3–8 (the GB/T 2260 region code).
fn uscc_body() -> impl Strategy<Value = String> {
    prop::collection::vec(0..31usize, 17).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(
                |(pos, i)| {
                    if (2..8).contains(&pos) {
                        USCC_ALPHABET.as_bytes()[i % 10] as char
                    } else {
                        USCC_ALPHABET.as_bytes()[i] as char
                    }
                },
            )
            .collect()
    })
}

fn lei_prefix() -> impl Strategy<Value = String> {
    prop::collection::vec(0..36usize, 18).prop_map(|v| v.into_iter().map(|i| LEI_ALPHABET.as_bytes()[i] as char).collect())
}

fn with_char(s: &str, i: usize, c: char) -> String {
    s.chars().enumerate().map(|(j, x)| if j == i { c } else { x }).collect()
}

fn full_width(c: char) -> char {
    if c.is_ascii_graphic() {
        char::from_u32(c as u32 + 0xFEE0).unwrap()
    } else {
        c
    }
}

/// Xuzhou's and Fuzhou's districts (two 鼓楼区), the 市辖区 aggregate, Tongshan county merged into Tongshan district
/// in 2010, and two regions each other's parent.
fn small_registry() -> RegionRegistry {
    let mut reg = registry(&["CN", "320000", "320300", "320301", "320302", "350000", "350100", "350102"]);
    reg.insert(Region { valid_to: NaiveDate::from_ymd_opt(2010, 9, 30), successor: Some("320312".into()), ..region("320323") });
    reg.insert(region("320312"));
    // A cycle in the parent links must not hang or panic the resolver.
    reg.insert(Region::new("999998", "环甲", RegionLevel::County, Some("999999"), "CN"));
    reg.insert(Region::new("999999", "环乙", RegionLevel::County, Some("999998"), "CN"));
    reg
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// (a) Appending the check character gives a valid code, and every single substitution by another alphabet
    /// character, in any of the 18 positions, is detected: the weights 3^(i-1) mod 31 are all non-zero modulo the
    /// prime 31, so a change d·w (0 < |d| < 31) of the weighted sum is never ≡ 0.
    #[test]
    fn uscc_check_char_detects_every_single_substitution(body in uscc_body()) {
        let check = uscc_check_char(&body).unwrap();
        let code = format!("{body}{check}");
        let u = parse_uscc(&code).unwrap();
        prop_assert_eq!(&u.code, &code);
        prop_assert_eq!(u.org_code_ok, org_code_check_char(&code[8..16]) == Some(code.as_bytes()[16] as char));
        for i in 0..18 {
            for c in USCC_ALPHABET.chars().filter(|&c| c != code.as_bytes()[i] as char) {
                let bad = with_char(&code, i, c);
                let e = parse_uscc(&bad);
                if (2..8).contains(&i) && !c.is_ascii_digit() {
                    // A letter in the region code is refused before the check character is computed.
                    prop_assert!(matches!(e, Err(ValidationError::UsccCharacter(_))), "{} accepted ({:?})", bad, e);
                } else {
                    prop_assert!(matches!(e, Err(ValidationError::UsccCheck { .. })), "{} accepted ({:?})", bad, e);
                }
            }
        }
        // Adjacent transpositions within the first 17 are detected too (difference (a−b)·w·(1−3) mod 31 ≠ 0).
        for i in 0..16 {
            let b = code.as_bytes();
            if b[i] != b[i + 1] {
                let mut t = b.to_vec();
                t.swap(i, i + 1);
                prop_assert!(parse_uscc(std::str::from_utf8(&t).unwrap()).is_err());
            }
        }
    }

    /// (b) Lower-case and full-width (NFKC) spellings, with spaces, parse to the same code.
    #[test]
    fn uscc_spelling_variants_normalise(body in uscc_body(), mask in prop::collection::vec(0..4u8, 18)) {
        let code = format!("{body}{}", uscc_check_char(&body).unwrap());
        let expected = parse_uscc(&code).unwrap();
        prop_assert_eq!(parse_uscc(&code.to_lowercase()), Ok(expected.clone()));
        let fw: String = code.chars().map(full_width).collect();
        prop_assert_eq!(parse_uscc(&fw), Ok(expected.clone()));
        let mixed: String = code
            .chars()
            .zip(&mask)
            .map(|(c, m)| match m {
                0 => c.to_string(),
                1 => c.to_ascii_lowercase().to_string(),
                2 => full_width(c.to_ascii_lowercase()).to_string(),
                _ => format!("{}\u{3000}", full_width(c)),
            })
            .collect();
        prop_assert_eq!(parse_uscc(&format!(" {mixed}\t")), Ok(expected));
    }

    /// (c) Any 18-character prefix plus its check digits verifies. Substitutions within a class (digit→digit,
    /// letter→letter) are always detected: they change the decimal expansion by d·10^k with 0 < |d| < 97, and 97 is
    /// prime to 10. Digit↔letter substitutions change the expansion's length and are NOT always detected (see
    /// `lei_cross_class_substitution_can_go_undetected`), so they are only required not to panic.
    #[test]
    fn lei_check_digits_detect_same_class_substitutions(prefix in lei_prefix()) {
        let code = format!("{prefix}{}", lei_check_digits(&prefix));
        prop_assert_eq!(parse_lei(&code), Ok(code.clone()));
        prop_assert_eq!(parse_lei(&code.to_lowercase()), Ok(code.clone()));
        for i in 0..20 {
            let orig = code.as_bytes()[i] as char;
            for c in LEI_ALPHABET.chars().filter(|&c| c != orig) {
                let bad = with_char(&code, i, c);
                let r = parse_lei(&bad);
                if i >= 18 && !c.is_ascii_digit() {
                    prop_assert_eq!(r, Err(ValidationError::LeiCharacter(c)), "{}", bad);
                } else if c.is_ascii_digit() == orig.is_ascii_digit() {
                    prop_assert_eq!(r, Err(ValidationError::LeiCheck), "{}", bad);
                }
            }
        }
    }

    /// (d) parse_date never panics, and round-trips YYYY-MM-DD (and the other separators) for valid dates.
    #[test]
    fn parse_date_never_panics(s in any::<String>()) {
        let _ = parse_date(&s);
    }

    #[test]
    fn parse_date_never_panics_on_date_like_text(s in "[0-9０-９年月日./ T:-]{0,24}") {
        if let Ok(d) = parse_date(&s) {
            prop_assert!((1800..=2100).contains(&d.year()));
        }
    }

    #[test]
    fn parse_date_round_trips(days in 0i64..109_572) {
        // 1800-01-01 ..= 2100-12-31
        let d = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap() + chrono::Days::new(days as u64);
        let iso = d.format("%Y-%m-%d").to_string();
        prop_assert_eq!(parse_date(&iso), Ok(d));
        prop_assert_eq!(parse_date(&d.format("%Y/%m/%d").to_string()), Ok(d));
        prop_assert_eq!(parse_date(&d.format("%Y.%-m.%-d").to_string()), Ok(d));
        prop_assert_eq!(parse_date(&d.format("%Y年%m月%d日").to_string()), Ok(d));
        prop_assert_eq!(parse_date(&format!("{iso}T08:30:00")), Ok(d));
        prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()).map(|x| x.format("%Y-%m-%d").to_string()), Ok(iso));
    }

    /// (e) parse_money_wan never panics and is non-negative when it succeeds.
    #[test]
    fn parse_money_wan_never_panics(s in any::<String>()) {
        if let Ok(v) = parse_money_wan(&s) {
            prop_assert!(v >= 0.0, "{:?} -> {}", s, v);
        }
    }

    #[test]
    fn parse_money_wan_non_negative_on_amounts(
        s in "[-+]?[0-9０-９,，. ]{0,12}(亿|万|千)?元?(人民币|美元|欧元|港元|日元|USD|CNY|RMB)?",
    ) {
        if let Ok(v) = parse_money_wan(&s) {
            prop_assert!(v >= 0.0 && v.is_finite(), "{:?} -> {}", s, v);
        }
    }

    /// (f) normalize_industry_code never panics and returns 2–4 ASCII digits.
    #[test]
    fn normalize_industry_code_returns_two_to_four_digits(s in prop_oneof![any::<String>(), "[A-Za-z]{0,2}[0-9]{0,6}( .*)?"]) {
        if let Ok(c) = normalize_industry_code(&s) {
            prop_assert!((2..=4).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()), "{:?} -> {:?}", s, c);
        }
    }

    /// (g) resolve_names never panics, whether the names are arbitrary or mixes of known ones.
    #[test]
    fn resolve_names_never_panics(
        a in any::<String>(),
        b in any::<String>(),
        c in any::<String>(),
        picks in prop::collection::vec(0..14usize, 3),
    ) {
        let reg = small_registry();
        let _ = reg.resolve_names(&a, &b, &c);
        let names = ["江苏省", "江苏", "徐州市", "徐州", "鼓楼区", "福建", "福州", "铜山县", "铜山", "市辖区", "环甲", "环乙", "", " 区 "];
        let r = reg.resolve_names(names[picks[0]], names[picks[1]], names[picks[2]]);
        if let Some(r) = r {
            prop_assert!(reg.get(&r.code).is_some());
        }
        let _ = reg.resolve_names(&format!("{a}省"), &format!("{}市", names[picks[1]]), &c);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Unit tests: identifiers
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn uscc_facts_example() {
    let u = parse_uscc("91350100M000100Y43").unwrap();
    assert!(u.org_code_ok);
    assert_eq!(u.authority(), '9');
    assert_eq!(u.registration_region(), "350100");
    assert_eq!(uscc_check_char("91350100M000100Y4"), Ok('3'));
    assert_eq!(org_code_check_char("M000100Y"), Some('4'));
}

#[test]
fn uscc_wrong_lengths_and_empty() {
    assert_eq!(parse_uscc("91350100M000100Y4"), Err(ValidationError::UsccLength(17)));
    assert_eq!(parse_uscc("91350100M000100Y433"), Err(ValidationError::UsccLength(19)));
    assert_eq!(parse_uscc(""), Err(ValidationError::Missing));
    assert_eq!(parse_uscc(" \t\u{3000} "), Err(ValidationError::Missing));
    assert_eq!(parse_uscc("").unwrap_err().code(), "missing");
    assert_eq!(parse_uscc("9135").unwrap_err().code(), "invalid_uscc");
    // uscc_check_char reports the length of the code the body would make.
    assert_eq!(uscc_check_char("91350100M000100Y"), Err(ValidationError::UsccLength(17)));
    assert_eq!(uscc_check_char("91350100M000100Y43"), Err(ValidationError::UsccLength(19)));
    assert_eq!(uscc_check_char("91350100M000100I4"), Err(ValidationError::UsccCharacter('I')));
}

#[test]
fn uscc_internal_spaces_are_normalised() {
    for spelled in
        ["9135 0100 M000 100Y 43", "91 350100 M000100Y4 3", "91350100\tM000100Y43\n", "91350100\u{a0}M000100Y43", "913501００Ｍ000100Y43"]
    {
        assert_eq!(parse_uscc(spelled).map(|u| u.code).as_deref(), Ok("91350100M000100Y43"), "{spelled:?}");
    }
    assert_eq!(normalize_id(" ｍ ０ "), "M0");
    // Hyphens are not separators for parse_uscc (python-stdnum strips them).
    assert!(parse_uscc("91-350100-M000100Y43").is_err());
}

#[test]
fn uscc_legacy_code_failing_org_check_is_flagged_not_dropped() {
    // Same organisation-code body as the facts.md example, but a wrong GB 11714 check character ('5' for '4'),
    // with a correct GB 32100 check character computed for that body.
    let body = "91350100M000100Y5";
    assert_ne!(org_code_check_char("M000100Y"), Some('5'));
    let code = format!("{body}{}", uscc_check_char(body).unwrap());
    let u = parse_uscc(&code).expect("passes the main check");
    assert!(!u.org_code_ok);
    assert_eq!(u.code, code);
    // Organisation-code check characters 'X' (10) and '0' (11).
    let mut seen_x = false;
    let mut seen_0 = false;
    for n in 0..2000u32 {
        let body8 = format!("{n:08}");
        match org_code_check_char(&body8) {
            Some('X') => seen_x = true,
            Some('0') => seen_0 = true,
            Some(c) => assert!(c.is_ascii_digit() && c != '0'),
            None => panic!("{body8}"),
        }
    }
    assert!(seen_x && seen_0);
    assert_eq!(org_code_check_char("M000100"), None);
    assert_eq!(org_code_check_char("M000-00Y"), None);
}

#[test]
fn uscc_letter_authority_codes_are_accepted() {
    // GB 32100 has letter authority codes ('N' agriculture, 'Y' other); python-stdnum rejects them.
    let body = "N2320312MA1XXXXX4";
    let code = format!("{body}{}", uscc_check_char(body).unwrap());
    assert_eq!(parse_uscc(&code).unwrap().authority(), 'N');
}

#[test]
fn lei_edge_cases() {
    assert_eq!(parse_lei(""), Err(ValidationError::Missing));
    assert_eq!(parse_lei("5493001KJTIIGC8Y1R1"), Err(ValidationError::LeiLength(19)));
    assert_eq!(parse_lei(" 5493 001k jtii gc8y 1r12 ").as_deref(), Ok("5493001KJTIIGC8Y1R12"));
    assert_eq!(parse_lei("５４９３００１ＫＪＴＩＩＧＣ８Ｙ１Ｒ１２").as_deref(), Ok("5493001KJTIIGC8Y1R12"));
    assert_eq!(parse_lei("5493001KJTIIGC8Y1R-2"), Err(ValidationError::LeiCharacter('-')));
    assert_eq!(parse_lei("5493001KJTIIGC8Y1RÄ2"), Err(ValidationError::LeiCharacter('Ä')));
    assert_eq!(lei_check_digits("000000000000000000"), "98");
}

// ---------------------------------------------------------------------------------------------------------------
// Unit tests: values
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn flag_variants() {
    for t in ["1", "true", "TRUE", " yes ", "Y", "y", "是", "t", "T", "√"] {
        assert_eq!(parse_flag(t), Ok(true), "{t:?}");
    }
    for f in ["0", "false", "False", "NO", "n", "否", "f", "", "  "] {
        assert_eq!(parse_flag(f), Ok(false), "{f:?}");
    }
    for bad in ["2", "yes!", "×", "有", "ok"] {
        let e = parse_flag(bad).unwrap_err();
        assert_eq!(e.code(), "invalid_flag", "{bad:?}");
    }
    assert_eq!(parse_flag(" Maybe "), Err(ValidationError::Flag("maybe".into())));
}

#[test]
fn coordinate_boundaries() {
    for (lat, lon) in [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0), (-0.0, -0.0), (34.26, 117.18)] {
        assert_eq!(check_coordinates(lat, lon), Ok(()), "{lat},{lon}");
    }
    assert!(matches!(check_coordinates(90.000001, 0.0), Err(ValidationError::Latitude(_))));
    assert!(matches!(check_coordinates(-90.000001, 0.0), Err(ValidationError::Latitude(_))));
    assert!(matches!(check_coordinates(0.0, 180.000001), Err(ValidationError::Longitude(_))));
    assert!(matches!(check_coordinates(0.0, -180.000001), Err(ValidationError::Longitude(_))));
    assert!(matches!(check_coordinates(f64::NAN, 0.0), Err(ValidationError::Latitude(_))));
    assert!(matches!(check_coordinates(0.0, f64::NAN), Err(ValidationError::Longitude(_))));
    assert!(matches!(check_coordinates(f64::INFINITY, 0.0), Err(ValidationError::Latitude(_))));
    assert!(matches!(check_coordinates(0.0, f64::NEG_INFINITY), Err(ValidationError::Longitude(_))));
    // Latitude is checked first.
    assert!(matches!(check_coordinates(f64::NAN, f64::NAN), Err(ValidationError::Latitude(_))));
    assert_eq!(check_coordinates(91.0, 0.0).unwrap_err().code(), "invalid_coordinate");
}

#[test]
fn formula_detection_and_neutralisation() {
    for f in ["=SUM(A1)", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1", "-", "+", "=", "-inf", "+NaN"] {
        assert!(looks_like_formula(f), "{f:?}");
        assert_eq!(neutralise_formula(f), format!("'{f}"), "{f:?}");
    }
    // Signed numbers are numbers, not formulas to defuse.
    for n in ["-12.5", "+3", "-1,000", "-0", "+1e5"] {
        assert!(looks_like_formula(n));
        assert_eq!(neutralise_formula(n), n, "{n:?}");
    }
    for plain in ["", "徐工集团", " =1", "1+1", "'=1", "＝SUM(A1)"] {
        assert!(!looks_like_formula(plain), "{plain:?}");
        assert_eq!(neutralise_formula(plain), plain);
    }
    assert!(matches!(neutralise_formula("徐工"), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn date_edge_cases() {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    assert_eq!(parse_date(""), Err(ValidationError::Missing));
    assert_eq!(parse_date("  "), Err(ValidationError::Missing));
    assert_eq!(parse_date("2024-02-29"), Ok(d(2024, 2, 29)));
    assert!(parse_date("2023-02-29").is_err());
    assert!(parse_date("1799-12-31").is_err());
    assert_eq!(parse_date("2100-12-31"), Ok(d(2100, 12, 31)));
    assert!(parse_date("2101-01-01").is_err());
    assert_eq!(parse_date("2022年11月").unwrap(), d(2022, 11, 1));
    assert!(parse_date("0").is_err());
    assert!(parse_date("NaN").is_err());
    assert!(parse_date("inf").is_err());
    assert_eq!(parse_date("1").unwrap(), d(1899, 12, 31));
    assert_eq!(parse_date("yesterday").unwrap_err().code(), "invalid_date");
}

#[test]
fn money_edge_cases() {
    assert_eq!(parse_money_wan(""), Err(ValidationError::Missing));
    assert_eq!(parse_money_wan("5千元"), Ok(0.5));
    assert_eq!(parse_money_wan("１，０００万元"), Ok(1000.0));
    assert_eq!(parse_money_wan("10 亿元 人民币"), Ok(100_000.0));
    assert_eq!(parse_money_wan("50万澳元").unwrap_err().code(), "invalid_number");
    assert_eq!(parse_money_wan("1e3").unwrap_err().code(), "invalid_number");
}

/// A long digit string times the 亿 scale overflows to infinity, and the infinite amount is returned as Ok:
/// `parse_number` rejects non-finite numbers but `parse_money_wan` does not re-check after scaling.
#[test]
fn money_is_finite_when_ok() {
    let raw = format!("1{}亿元", "0".repeat(305)); // 1e305 亿 = 1e309 万元
    let r = parse_money_wan(&raw);
    assert!(r.as_ref().map_or(true, |v| v.is_finite()), "parse_money_wan(\"1e305亿元\" spelled out) = {r:?}");
}

#[test]
fn industry_code_edge_cases() {
    assert_eq!(normalize_industry_code("35").as_deref(), Ok("35"));
    assert_eq!(normalize_industry_code("C351").as_deref(), Ok("351"));
    assert_eq!(normalize_industry_code(" c3514 ").as_deref(), Ok("3514"));
    assert_eq!(normalize_industry_code("3510").as_deref(), Ok("3510"));
    assert!(normalize_industry_code("C").is_err());
    assert!(normalize_industry_code("3").is_err());
    assert!(normalize_industry_code("35140").is_err());
    assert!(normalize_industry_code("35a4").is_err());
    assert!(normalize_industry_code("３５１４").is_err());
    assert_eq!(normalize_industry_code("").unwrap_err().code(), "invalid_industry_code");
}

// ---------------------------------------------------------------------------------------------------------------
// Unit tests: stage history
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn stage_history_edge_cases() {
    // Several moves on the same day are allowed.
    let h = parse_stage_history("lead@2022-03-04;negotiating@2022-03-04;signed@2022-03-04").unwrap();
    assert_eq!(h.iter().map(|e| e.stage).collect::<Vec<_>>(), [Stage::Lead, Stage::Negotiating, Stage::Signed]);
    // Dropped is terminal, even on the same day and even for another "dropped".
    assert!(parse_stage_history("signed@2022-03-04;dropped@2022-03-04").is_ok());
    assert_eq!(
        parse_stage_history("signed@2022-03-04;dropped@2022-03-05;started@2022-03-05").unwrap_err(),
        ValidationError::Malformed("started@2022-03-05".into())
    );
    assert!(parse_stage_history("dropped@2022-03-04;dropped@2022-03-05").is_err());
    // Dates never go backwards.
    assert!(parse_stage_history("lead@2022-03-05;contact@2022-03-04").is_err());
    // Empty and separator-only histories are empty; whitespace and trailing separators are tolerated.
    assert_eq!(parse_stage_history(""), Ok(vec![]));
    assert_eq!(parse_stage_history(" ; ;"), Ok(vec![]));
    let h = parse_stage_history(" 线索 @ 2022/1/2 ; 在谈@2022年2月3日; ").unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].stage, Stage::Negotiating);
    assert_eq!(h[1].date, NaiveDate::from_ymd_opt(2022, 2, 3).unwrap());
    // Malformed parts name the problem.
    assert_eq!(parse_stage_history("lead").unwrap_err().code(), "malformed");
    assert_eq!(parse_stage_history("lead@").unwrap_err(), ValidationError::Missing);
    assert_eq!(parse_stage_history("won@2022-01-01").unwrap_err().code(), "unknown_value");
    assert_eq!(parse_stage_history("lead@2022-13-01").unwrap_err().code(), "invalid_date");
    for s in Stage::ALL {
        assert_eq!(Stage::parse(s.as_str()), Ok(s));
        assert_eq!(Stage::parse(s.label_zh()), Ok(s));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Unit tests: taxonomy lint
// ---------------------------------------------------------------------------------------------------------------

/// The machinery chain with steel upstream of hydraulics, an island node with no edge (unless `island_supplies`
/// names one) and a cluster without a chain.
fn lint_taxonomy(island_supplies: &[&str]) -> TaxonomyToml {
    machinery().meta("lint").cluster("empty", "advantage", "无链集群").node("cm.steel", "cm", "钢材", "upstream", &["cm.hyd"]).node(
        "cm.island",
        "cm",
        "孤立节点",
        "service",
        island_supplies,
    )
}

#[test]
fn lint_reports_disconnected_node_and_cluster_without_chain() {
    let t = lint_taxonomy(&[]).taxonomy();
    let lint = t.lint(2);
    assert_eq!(
        lint,
        vec![
            "chain 'cm': node 'cm.island' is not connected to the rest of the chain".to_string(),
            "cluster 'empty' has no chain".to_string(),
        ]
    );
    // With a higher minimum the small chain is reported too.
    assert!(t.lint(5).iter().any(|m| m == "chain 'cm' has 4 nodes (< 5)"));
    // Connecting the island by an edge in either direction clears the warning.
    assert_eq!(lint_taxonomy(&["cm.exc"]).taxonomy().lint(2), vec!["cluster 'empty' has no chain".to_string()]);
}

#[test]
fn lint_edge_to_another_chain_does_not_connect() {
    let t = lint_taxonomy(&[]).chain("other", "empty", "另一条链").node("o.a", "other", "甲", "upstream", &["cm.island"]).taxonomy();
    let lint = t.lint(1);
    assert!(lint.iter().any(|m| m.contains("'cm.island' is not connected")), "{lint:?}");
    assert!(!lint.iter().any(|m| m.contains("no chain")), "{lint:?}");
}

#[test]
fn rule_errors_say_the_rule_in_chinese_and_english_under_the_stable_code() {
    use chainscope_model::account::Account;
    let e = Account::check_password("short1").expect_err("too short");
    assert_eq!(e.code(), "malformed");
    let text = e.to_string();
    assert!(text.starts_with("密码至少 10 个字符") && text.contains(" / a password needs at least 10 characters"), "{text}");
    let e = Account::check_username("a b").expect_err("a space");
    assert_eq!(e.code(), "malformed");
    assert!(e.to_string().starts_with("用户名 'a b' 应为") && !e.to_string().contains("格式不正确"), "{e}");
}
