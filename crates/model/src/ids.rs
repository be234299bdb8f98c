//! Registry identifiers: 统一社会信用代码 (GB 32100-2015) and LEI (ISO 17442).

use crate::error::ValidationError;
use unicode_normalization::UnicodeNormalization;

/// The 31 characters of GB 32100-2015; a character's value is its index.
pub const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// NFKC-normalise, trim and upper-case an identifier as typed (full-width letters and digits become ASCII).
pub fn normalize_id(raw: &str) -> String {
    // Fast path: already plain upper-case ASCII letters and digits.
    if raw.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        return raw.to_string();
    }
    raw.nfkc().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()
}

/// Value of each ASCII byte in [`USCC_ALPHABET`], or 0xFF.
const USCC_VALUES: [u8; 128] = {
    let mut t = [0xFFu8; 128];
    let a = USCC_ALPHABET.as_bytes();
    let mut i = 0;
    while i < a.len() {
        t[a[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn uscc_value(c: char) -> Option<u32> {
    match USCC_VALUES.get(c as usize) {
        Some(&v) if v != 0xFF => Some(v as u32),
        _ => None,
    }
}

/// A unified social credit code whose own check character verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uscc {
    /// The normalised 18 characters.
    pub code: String,
    /// Whether the embedded organisation code (positions 9–17) passes GB 11714. Some legacy and
    /// individual-business codes do not: they are flagged, not rejected.
    pub org_code_ok: bool,
}

impl Uscc {
    /// Registering authority (position 1), e.g. '9' = market regulation.
    pub fn authority(&self) -> char {
        self.code.chars().next().unwrap_or('0')
    }
    /// The registering authority's GB/T 2260 code (positions 3–8).
    pub fn registration_region(&self) -> &str {
        &self.code[2..8]
    }
}

/// Compute the GB 32100 check character for the first 17 characters.
pub fn uscc_check_char(first17: &str) -> Result<char, ValidationError> {
    let mut sum = 0u32;
    let mut n = 0usize;
    for (c, w) in first17.chars().zip(USCC_WEIGHTS) {
        sum += uscc_value(c).ok_or(ValidationError::UsccCharacter(c))? * w;
        n += 1;
    }
    if n != 17 || first17.chars().count() != 17 {
        return Err(ValidationError::UsccLength(first17.chars().count() + 1));
    }
    let idx = (31 - sum % 31) % 31;
    Ok(USCC_ALPHABET.as_bytes()[idx as usize] as char)
}

/// GB 11714 check character for the 8 body characters of an organisation code.
pub fn org_code_check_char(body8: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut n = 0;
    for (c, w) in body8.chars().zip(ORG_WEIGHTS) {
        let v = c.to_digit(36)?;
        sum += v * w;
        n += 1;
    }
    if n != 8 {
        return None;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10)?,
    })
}

/// Validate a unified social credit code after NFKC normalisation and upper-casing.
pub fn parse_uscc(raw: &str) -> Result<Uscc, ValidationError> {
    let code = normalize_id(raw);
    if code.is_empty() {
        return Err(ValidationError::Missing);
    }
    let len = code.chars().count();
    if len != 18 {
        return Err(ValidationError::UsccLength(len));
    }
    if let Some(bad) = code.chars().find(|c| uscc_value(*c).is_none()) {
        return Err(ValidationError::UsccCharacter(bad));
    }
    // Positions 3–8 are the registering authority's GB/T 2260 code: digits only.
    if let Some(bad) = code[2..8].chars().find(|c| !c.is_ascii_digit()) {
        return Err(ValidationError::UsccCharacter(bad));
    }
    let expected = uscc_check_char(&code[..17])?;
    let found = code.as_bytes()[17] as char;
    if expected != found {
        return Err(ValidationError::UsccCheck { expected, found });
    }
    let org_code_ok = org_code_check_char(&code[8..16]) == Some(code.as_bytes()[16] as char);
    Ok(Uscc { code, org_code_ok })
}

/// Validate an LEI (ISO 17442): 20 alphanumerics, mod 97-10 over the whole code equals 1.
pub fn parse_lei(raw: &str) -> Result<String, ValidationError> {
    let code = normalize_id(raw);
    if code.is_empty() {
        return Err(ValidationError::Missing);
    }
    let len = code.chars().count();
    if len != 20 {
        return Err(ValidationError::LeiLength(len));
    }
    if let Some(bad) = code.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(ValidationError::LeiCharacter(bad));
    }
    // The last two characters are check digits.
    if let Some(bad) = code[18..].chars().find(|c| !c.is_ascii_digit()) {
        return Err(ValidationError::LeiCharacter(bad));
    }
    if mod97(&code) != 1 {
        return Err(ValidationError::LeiCheck);
    }
    Ok(code)
}

/// ISO 7064 mod 97-10 remainder of an alphanumeric string (letters count as 10..35).
fn mod97(s: &str) -> u32 {
    let mut r: u32 = 0;
    for c in s.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        r = if v >= 10 { (r * 100 + v) % 97 } else { (r * 10 + v) % 97 };
    }
    r
}

/// Check digits for an 18-character LEI prefix (used by the generator and tests).
pub fn lei_check_digits(prefix18: &str) -> String {
    let r = mod97(&format!("{prefix18}00"));
    format!("{:02}", 98 - r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_example_passes_both_checks() {
        let u = parse_uscc("91350100M000100Y43").expect("valid");
        assert!(u.org_code_ok);
        assert_eq!(u.registration_region(), "350100");
    }

    #[test]
    fn full_width_and_lower_case_are_normalised() {
        let u = parse_uscc(" ９１３５０１００m０００１００y４３ ").expect("valid after NFKC");
        assert_eq!(u.code, "91350100M000100Y43");
    }

    #[test]
    fn wrong_check_character_is_named() {
        let e = parse_uscc("91350100M000100Y44").unwrap_err();
        assert_eq!(e, ValidationError::UsccCheck { expected: '3', found: '4' });
        assert_eq!(e.code(), "invalid_uscc");
    }

    #[test]
    fn forbidden_letters_are_rejected() {
        for bad in ['I', 'O', 'Z', 'S', 'V'] {
            let s = format!("9135010{bad}M000100Y43");
            assert_eq!(parse_uscc(&s).unwrap_err(), ValidationError::UsccCharacter(bad));
        }
    }

    #[test]
    fn lei_examples() {
        // Published LEIs.
        for ok in ["5493001KJTIIGC8Y1R12", "HWUPKR0MPOU8FGXBT394", "7LTWFZYICNSX8D621K86"] {
            parse_lei(ok).expect(ok);
        }
        assert_eq!(parse_lei("5493001KJTIIGC8Y1R13").unwrap_err(), ValidationError::LeiCheck);
        assert_eq!(lei_check_digits("5493001KJTIIGC8Y1R"), "12");
    }
}
