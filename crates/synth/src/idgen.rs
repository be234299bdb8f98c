//! Registry identifiers for generated rows. Each is a bijection of the row number (salted by the seed), so no two
//! rows share a USCC or an LEI, and each passes its check: GB 32100 (with a GB 11714 organisation code inside) and
//! ISO 17442.

use chainscope_model::ids::{lei_check_digits, org_code_check_char, uscc_check_char, USCC_ALPHABET};

const BASE31: u64 = 31;
const MUL: u64 = 1_000_003; // coprime to 2, 5 and 31

fn push_base(out: &mut String, mut x: u64, digits: usize, alphabet: &[u8]) {
    let base = alphabet.len() as u64;
    let start = out.len();
    for _ in 0..digits {
        out.push(alphabet[(x % base) as usize] as char);
        x /= base;
    }
    // Most significant first (not needed for uniqueness, but reads like a number).
    let tail: String = out[start..].chars().rev().collect();
    out.truncate(start);
    out.push_str(&tail);
}

/// A unified social credit code for row `n` registered in `region` (6 digits). Enterprises registered since
/// 2015 get the "MA…" organisation codes issued with USCCs; older ones a numeric-led legacy code.
pub fn uscc(n: u64, salt: u64, region: &str, modern: bool) -> Option<String> {
    if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let alphabet = USCC_ALPHABET.as_bytes();
    let mut body = String::with_capacity(8);
    if modern {
        let m = BASE31.pow(6);
        let x = (n % m).wrapping_mul(MUL).wrapping_add(salt % m) % m;
        body.push_str("MA");
        push_base(&mut body, x, 6, alphabet);
    } else {
        let m = 10 * BASE31.pow(7);
        let x = (u128::from(n % m) * u128::from(MUL) + u128::from(salt % m)) % u128::from(m);
        let x = x as u64;
        body.push((b'0' + (x % 10) as u8) as char);
        push_base(&mut body, x / 10, 7, alphabet);
    }
    let org_check = org_code_check_char(&body)?;
    let mut code = String::with_capacity(18);
    code.push_str("91");
    code.push_str(region);
    code.push_str(&body);
    code.push(org_check);
    let check = uscc_check_char(&code).ok()?;
    code.push(check);
    Some(code)
}

/// Prefixes of real LEI issuers (LOUs).
const LOU_PREFIXES: &[&str] = &["5493", "2138", "5299", "9845", "3912", "8945", "3157", "9695", "2549", "7245"];

/// An LEI for row `n`: issuer prefix, "00", 12 characters of entity part, ISO 7064 check digits.
pub fn lei(n: u64, salt: u64) -> String {
    const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mask = (1u64 << 62) - 1;
    let x = n.wrapping_add(salt).wrapping_mul(0x9E37_79B9_7F4A_7C15 | 1) & mask;
    let mut code = String::with_capacity(20);
    code.push_str(LOU_PREFIXES[(x % LOU_PREFIXES.len() as u64) as usize]);
    code.push_str("00");
    push_base(&mut code, x, 12, ALNUM);
    let check = lei_check_digits(&code);
    code.push_str(&check);
    code
}
