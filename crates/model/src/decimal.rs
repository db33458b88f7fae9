//! Decimal text to `f64`, read exactly as `str::parse::<f64>` reads it (the
//! same grammar, the same correctly rounded value, bit for bit), without
//! core's 10 KB table of powers of five.
//!
//! **Why it exists:** the player's base module carried core's float parser
//! for the few places that read a number from text (a data value such as
//! `"12,5"`, a number in a filter). Its Eisel-Lemire table is 10,416 bytes
//! of random-looking `u64`s that gzip cannot shrink: about 10 KB of every
//! reader's download (`docs/facts.md`). Here the usual numbers (up to 15
//! significant digits, exponents within ±22) take Clinger's exact fast path;
//! every other number takes a first guess from `f64` arithmetic and is then
//! corrected one step at a time by comparing it, as big integers, with the
//! midpoints to its neighbours. That is slow (microseconds) and rare.
//! `scripts/build-player.sh` fails when the table is back in the base.
//!
//! The other way, [`Shortest`] and [`Fixed`] write an `f64` exactly as
//! `format!("{x}")` and `format!("{x:.n}")` do, without core's float
//! formatting (Grisu with Dragon's big numbers and its tables): the
//! shortest digits come from `zmij`, which serde_json brings into the base
//! anyway, and fixed digits are the exact value rounded half to even, as
//! core rounds. The base formats numbers with these only (CSS sizes, every
//! number a reader sees); `build-player.sh` fails when core's is back.

use std::cmp::Ordering;
use std::fmt;

/// Reads `text` as `str::parse::<f64>` does: an optional sign, then digits
/// with an optional decimal point and an optional exponent (`e` or `E`,
/// optional sign, digits), or `inf`, `infinity`, `nan` in any case. Nothing
/// else is allowed: no spaces, no `_`, no decimal comma. Values too large
/// for `f64` are infinite; too small, zero. `None` where `parse` errs.
///
/// ```
/// use twinstory_model::decimal::parse_f64;
/// assert_eq!(parse_f64("12.5"), Some(12.5));
/// assert_eq!(parse_f64("-.5e1"), Some(-5.0));
/// assert_eq!(parse_f64("0.30000000000000004"), Some(0.1 + 0.2));
/// assert_eq!(parse_f64("1e400"), Some(f64::INFINITY));
/// assert_eq!(parse_f64("12,5"), None);
/// assert_eq!(parse_f64(" 1"), None);
/// ```
pub fn parse_f64(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let (negative, rest) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let v = match Decimal::read(rest) {
        Some(d) => d.value(),
        None => special(rest)?,
    };
    Some(if negative { -v } else { v })
}

/// `inf`, `infinity` or `nan`, in any case.
fn special(b: &[u8]) -> Option<f64> {
    if b.eq_ignore_ascii_case(b"inf") || b.eq_ignore_ascii_case(b"infinity") {
        Some(f64::INFINITY)
    } else if b.eq_ignore_ascii_case(b"nan") {
        Some(f64::NAN)
    } else {
        None
    }
}

/// Significant digits kept; the rest only count as "more than zero". Enough:
/// a midpoint between two `f64`s has at most 767 significant digits, so a
/// number cut after 800 compares with it as the whole number does.
const MAX_DIGITS: usize = 800;

/// `digits × 10^exp`, the digits without leading zeros (none at all for 0).
struct Decimal {
    /// Digit values 0–9, most significant first.
    digits: Vec<u8>,
    /// Whether non-zero digits were cut after [`MAX_DIGITS`].
    truncated: bool,
    exp: i64,
}

impl Decimal {
    /// `Digit* ['.' Digit*] [('e'|'E') ['+'|'-'] Digit+]`, at least one
    /// digit before the exponent, and nothing after it.
    fn read(b: &[u8]) -> Option<Decimal> {
        let mut d = Decimal {
            digits: Vec::new(),
            truncated: false,
            exp: 0,
        };
        let mut i = 0;
        let mut seen_digit = false;
        let mut after_point = false;
        while i < b.len() {
            let c = b[i];
            if c.is_ascii_digit() {
                seen_digit = true;
                if d.digits.is_empty() && c == b'0' {
                    // A leading zero: after the point it moves the exponent.
                    if after_point {
                        d.exp -= 1;
                    }
                } else if d.digits.len() < MAX_DIGITS {
                    d.digits.push(c - b'0');
                    if after_point {
                        d.exp -= 1;
                    }
                } else {
                    d.truncated |= c != b'0';
                    if !after_point {
                        d.exp += 1;
                    }
                }
            } else if c == b'.' && !after_point {
                after_point = true;
            } else {
                break;
            }
            i += 1;
        }
        if !seen_digit {
            return None;
        }
        if i < b.len() {
            if !matches!(b[i], b'e' | b'E') {
                return None;
            }
            i += 1;
            let negative = match b.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            let start = i;
            let mut e: i64 = 0;
            while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
                // Far beyond any exponent that matters, and far from overflow.
                e = (e * 10 + i64::from(c - b'0')).min(1 << 40);
                i += 1;
            }
            if i == start || i < b.len() {
                return None;
            }
            d.exp += if negative { -e } else { e };
        }
        Some(d)
    }

    /// The nearest `f64`, ties to even.
    fn value(&self) -> f64 {
        let n = self.digits.len() as i64;
        if n == 0 {
            return 0.0;
        }
        // The value is in [10^(exp+n-1), 10^(exp+n)).
        if self.exp + n - 1 > 308 {
            return f64::INFINITY; // ≥ 1e309
        }
        if self.exp + n <= -324 {
            return 0.0; // < 1e-324, below half the smallest subnormal
        }
        let exp = self.exp as i32; // within ±1200 after the checks above
                                   // Clinger's fast path: the digits and the power of ten are exact
                                   // `f64`s, so one correctly rounded operation gives the answer.
        if n <= 15 && !self.truncated && (-22..=22).contains(&exp) {
            let m = self.digits.iter().fold(0u64, |m, &d| m * 10 + u64::from(d)) as f64;
            let mut p = 1.0;
            for _ in 0..exp.unsigned_abs() {
                p *= 10.0; // exact up to 1e22
            }
            return if exp < 0 { m / p } else { m * p };
        }
        self.slow()
    }

    /// A first guess from the leading 19 digits, then steps of one unit in
    /// the last place until the value lies between the midpoints to both
    /// neighbours.
    fn slow(&self) -> f64 {
        let lead = self.digits.len().min(19);
        let m = self.digits[..lead]
            .iter()
            .fold(0u64, |m, &d| m * 10 + u64::from(d)) as f64;
        // Split the power so neither half over- or underflows.
        let e = (self.exp + (self.digits.len() - lead) as i64) as i32;
        let guess = m * 10f64.powi(e / 2) * 10f64.powi(e - e / 2);
        let mut x = if guess.is_finite() { guess } else { f64::MAX };
        let whole = Big::from_digits(&self.digits);
        // The guess is a few units off; the cap only guards against a hang.
        for _ in 0..4096 {
            let bits = x.to_bits();
            // Above the midpoint to the next one up (or on it, if x is odd).
            match self.cmp_midpoint(&whole, bits) {
                Ordering::Greater => {}
                Ordering::Equal if bits & 1 == 1 => {}
                _ => {
                    if bits == 0 {
                        return x;
                    }
                    // Below the midpoint to the next one down (or on it, if
                    // x is odd)?
                    match self.cmp_midpoint(&whole, bits - 1) {
                        Ordering::Less => {}
                        Ordering::Equal if bits & 1 == 1 => {}
                        _ => return x,
                    }
                    x = f64::from_bits(bits - 1);
                    continue;
                }
            }
            if x == f64::MAX {
                return f64::INFINITY;
            }
            x = f64::from_bits(bits + 1);
        }
        x
    }

    /// Compares the decimal with the midpoint between the finite, non-negative
    /// `f64` with these bits and the next one up.
    fn cmp_midpoint(&self, whole: &Big, bits: u64) -> Ordering {
        let (f, k) = decompose(bits);
        // value = digits · 10^exp against (2f + 1) · 2^(k − 1).
        let mut left = whole.clone();
        let mut right = Big::from_u64(2 * f + 1);
        if self.exp >= 0 {
            left.mul_pow10(self.exp as u32);
        } else {
            right.mul_pow10(self.exp.unsigned_abs() as u32);
        }
        if k > 0 {
            right.shl((k - 1) as u32);
        } else {
            left.shl((1 - k) as u32);
        }
        match left.cmp(&right) {
            Ordering::Equal if self.truncated => Ordering::Greater,
            o => o,
        }
    }
}

/// Writes `x` as `format!("{x}")` does: the shortest digits that read back
/// as `x`, never with an exponent (`1e21` is `1000000000000000000000`),
/// `-` for negative numbers and `-0`, `inf`, `NaN`. Width, fill and sign
/// flags are not supported.
///
/// ```
/// use twinstory_model::decimal::Shortest;
/// assert_eq!(Shortest(0.1 + 0.2).to_string(), format!("{}", 0.1 + 0.2));
/// assert_eq!(Shortest(12.0).to_string(), "12");
/// assert_eq!(Shortest(1e21).to_string(), "1000000000000000000000");
/// assert_eq!(Shortest(-2.5e-7).to_string(), "-0.00000025");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Shortest(pub f64);

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(a) = sign_and_special(self.0, f)? else {
            return Ok(());
        };
        if a == 0.0 {
            return f.write_str("0");
        }
        // zmij writes `12.34`, `0.001234`, `12340000000.0` or `1.234e33`.
        let mut buffer = zmij::Buffer::new();
        let text = buffer.format_finite(a);
        let (mantissa, exp) = match text.split_once('e') {
            Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
            None => (text, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all = || int.bytes().chain(frac.bytes());
        let lead = all().take_while(|&d| d == b'0').count();
        let mut digits: Vec<u8> = all().skip(lead).collect();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        // The point comes after `point` of the digits (before them if ≤ 0).
        let point = int.len() as i64 - lead as i64 + exp;
        // Two shortest texts can be equally near: zmij takes the even one,
        // core the larger. The smaller one's last digit is never 0 (or a
        // shorter text would do), so adding one never carries.
        if digits.last().is_some_and(|d| d % 2 == 0) && halfway_above(a, &digits, point) {
            if let Some(last) = digits.last_mut() {
                *last += 1;
            }
        }
        write_digits(f, &digits, point)
    }
}

/// Writes `x` as `format!("{x:.n}")` does (`n` digits after the point): the
/// exact value rounded half to even, `-` for negative numbers and `-0`,
/// `inf`, `NaN`. Width, fill and sign flags are not supported.
///
/// ```
/// use twinstory_model::decimal::Fixed;
/// assert_eq!(Fixed(2.5, 0).to_string(), "2");
/// assert_eq!(Fixed(0.125, 2).to_string(), "0.12");
/// assert_eq!(Fixed(-0.001, 2).to_string(), "-0.00");
/// assert_eq!(Fixed(1234.5678, 1).to_string(), "1234.6");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Fixed(pub f64, pub usize);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(a) = sign_and_special(self.0, f)? else {
            return Ok(());
        };
        let n = self.1;
        let (m, k) = decompose(a.to_bits());
        // q = m · 2^k · 10^n, rounded half to even: in 128 bits for the
        // numbers a page writes (CSS sizes, shown values), else big.
        let mut digits = match fixed_small(m, k, n) {
            Some(q) => q.to_string().into_bytes(),
            None => {
                let mut q = Big::from_u64(m);
                q.mul_pow10(n as u32);
                if k >= 0 {
                    q.shl(k as u32);
                } else {
                    q.shr_round_even(k.unsigned_abs() as u32);
                }
                q.to_decimal()
            }
        };
        if digits.len() < n + 1 {
            digits.splice(0..0, std::iter::repeat_n(b'0', n + 1 - digits.len()));
        }
        // At least one digit before the point, so never `0.` in front.
        write_digits(f, &digits, (digits.len() - n) as i64)
    }
}

/// `m · 2^k · 10^n` rounded half to even when it can be worked out in 128
/// bits (`k < 0`, `n ≤ 9`) and fits 64.
fn fixed_small(m: u64, k: i64, n: usize) -> Option<u64> {
    if k >= 0 || n > 9 {
        return None;
    }
    let p = u128::from(m) * 10u128.pow(n as u32); // < 2^83
    let s = k.unsigned_abs();
    if s >= 100 {
        return Some(0); // below 2^-17: rounds to 0, never a tie
    }
    let q = p >> s;
    let rem = p & ((1u128 << s) - 1);
    let half = 1u128 << (s - 1);
    let up = rem > half || (rem == half && q & 1 == 1);
    u64::try_from(q + u128::from(up)).ok()
}

/// Whether `a` lies exactly halfway between `digits` (with the point after
/// `point` of them) and the next text of as many digits.
fn halfway_above(a: f64, digits: &[u8], point: i64) -> bool {
    let (m, k) = decompose(a.to_bits());
    let decimals = digits.len() as i64 - point;
    // 2 · m · 2^k · 10^decimals against 2 · digits + 1.
    let mut left = Big::from_u64(2 * m);
    let values: Vec<u8> = digits.iter().map(|d| d - b'0').collect();
    let mut right = Big::from_digits(&values);
    right.mul_small(2);
    right.add_small(1);
    if k >= 0 {
        left.shl(k as u32);
    } else {
        right.shl(k.unsigned_abs() as u32);
    }
    if decimals >= 0 {
        left.mul_pow10(decimals as u32);
    } else {
        right.mul_pow10(decimals.unsigned_abs() as u32);
    }
    left.cmp(&right) == Ordering::Equal
}

/// Writes `-` for a negative `x` (and `-0`), then `inf` or `NaN` for those;
/// `Some(|x|)` when digits are to follow.
fn sign_and_special(x: f64, f: &mut fmt::Formatter<'_>) -> Result<Option<f64>, fmt::Error> {
    if x.is_nan() {
        f.write_str("NaN")?;
        return Ok(None);
    }
    if x.is_sign_negative() {
        f.write_str("-")?;
    }
    if x.is_infinite() {
        f.write_str("inf")?;
        return Ok(None);
    }
    Ok(Some(x.abs()))
}

/// Writes ASCII `digits` with the point after `point` of them: `0.00ddd`,
/// `dd.ddd` or `ddd000` (the digits as given, zeros included).
fn write_digits(f: &mut fmt::Formatter<'_>, digits: &[u8], point: i64) -> fmt::Result {
    fn text(d: &[u8]) -> Result<&str, fmt::Error> {
        std::str::from_utf8(d).map_err(|_| fmt::Error)
    }
    let zeros = |f: &mut fmt::Formatter<'_>, n: i64| (0..n).try_for_each(|_| f.write_str("0"));
    if point <= 0 {
        f.write_str("0.")?;
        zeros(f, -point)?;
        f.write_str(text(digits)?)
    } else if point as usize >= digits.len() {
        f.write_str(text(digits)?)?;
        zeros(f, point - digits.len() as i64)
    } else {
        let (int, frac) = digits.split_at(point as usize);
        f.write_str(text(int)?)?;
        f.write_str(".")?;
        f.write_str(text(frac)?)
    }
}

/// A finite, non-negative `f64`'s bits as `f · 2^k` (`f` with its hidden bit).
fn decompose(bits: u64) -> (u64, i64) {
    let field = (bits >> 52) as i64;
    let fraction = bits & ((1 << 52) - 1);
    if field == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), field - 1075)
    }
}

/// An unsigned big integer, 32-bit limbs, least significant first.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        Big(vec![v as u32, (v >> 32) as u32])
    }

    fn from_digits(digits: &[u8]) -> Big {
        let mut b = Big(Vec::new());
        for chunk in digits.chunks(9) {
            b.mul_small(10u32.pow(chunk.len() as u32));
            let v = chunk.iter().fold(0u32, |v, &d| v * 10 + u32::from(d));
            b.add_small(v);
        }
        b
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn add_small(&mut self, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            if carry == 0 {
                return;
            }
            let v = u64::from(*limb) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut n: u32) {
        while n >= 9 {
            self.mul_small(1_000_000_000);
            n -= 9;
        }
        self.mul_small(10u32.pow(n));
    }

    fn shl(&mut self, n: u32) {
        let (words, bits) = ((n / 32) as usize, n % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let v = (*limb << bits) | carry;
                carry = *limb >> (32 - bits);
                *limb = v;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, words));
    }

    /// `self / 2^n`, rounded half to even.
    fn shr_round_even(&mut self, n: u32) {
        let bit = |v: &[u32], i: u32| {
            v.get((i / 32) as usize)
                .is_some_and(|l| (l >> (i % 32)) & 1 == 1)
        };
        let half = n > 0 && bit(&self.0, n - 1);
        let below = n > 1 && {
            let (words, bits) = (((n - 1) / 32) as usize, (n - 1) % 32);
            self.0.iter().take(words).any(|&l| l != 0)
                || self
                    .0
                    .get(words)
                    .is_some_and(|l| l & ((1u32 << bits) - 1) != 0)
        };
        let (words, bits) = ((n / 32) as usize, n % 32);
        if words >= self.0.len() {
            self.0.clear();
        } else {
            self.0.drain(..words);
            if bits > 0 {
                for i in 0..self.0.len() {
                    let high = self.0.get(i + 1).map_or(0, |h| h << (32 - bits));
                    self.0[i] = (self.0[i] >> bits) | high;
                }
            }
        }
        if half && (below || bit(&self.0, 0)) {
            self.add_small(1);
        }
    }

    /// The number's decimal digits, ASCII (`0` for zero).
    fn to_decimal(&self) -> Vec<u8> {
        let mut v = self.0.clone();
        let mut chunks = Vec::new(); // base 10^9, least significant first
        while v.iter().any(|&l| l != 0) {
            let mut rem = 0u64;
            for limb in v.iter_mut().rev() {
                let cur = (rem << 32) | u64::from(*limb);
                *limb = (cur / 1_000_000_000) as u32;
                rem = cur % 1_000_000_000;
            }
            chunks.push(rem as u32);
        }
        let mut out = Vec::new();
        for (i, c) in chunks.iter().rev().enumerate() {
            let mut d = [0u8; 9];
            let mut c = *c;
            for slot in d.iter_mut().rev() {
                *slot = b'0' + (c % 10) as u8;
                c /= 10;
            }
            let skip = if i == 0 {
                d.iter().take_while(|&&b| b == b'0').count()
            } else {
                0
            };
            out.extend_from_slice(&d[skip..]);
        }
        if out.is_empty() {
            out.push(b'0');
        }
        out
    }

    fn cmp(&self, other: &Big) -> Ordering {
        let trim = |v: &[u32]| v.len() - v.iter().rev().take_while(|&&l| l == 0).count();
        let (a, b) = (&self.0[..trim(&self.0)], &other.0[..trim(&other.0)]);
        a.len()
            .cmp(&b.len())
            .then_with(|| a.iter().rev().cmp(b.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_f64;

    /// Same result as core's parser, bit for bit (any NaN for NaN).
    fn check(s: &str) {
        let want = s.parse::<f64>().ok();
        let got = parse_f64(s);
        let same = match (want, got) {
            (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (None, None) => true,
            _ => false,
        };
        assert!(same, "{s:?}: core reads {want:?}, parse_f64 {got:?}");
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn every_short_text_over_the_grammar_alphabet() {
        // All texts up to five characters from these: the grammar's corners
        // (".", "e", signs in each place, "1.e5", "+.5", "e5", "1e") and
        // that nothing else is taken.
        let alphabet = ['0', '1', '9', '.', 'e', 'E', '+', '-', ' ', '_', ','];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for t in &texts {
                check(t);
                for c in alphabet {
                    next.push(format!("{t}{c}"));
                }
            }
            texts = next;
        }
        texts.iter().for_each(|t| check(t));
    }

    #[test]
    fn words_and_limits() {
        for s in [
            "inf", "-inf", "+Infinity", "INFINITY", "NaN", "-nan", "nAn", "infinit", "infinityy",
            "in", "na", "1.7976931348623157e308", "1.7976931348623158e308",
            "1.7976931348623159e308", "1.797693134862315807e308", "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174" ,
            "5e-324", "4.9406564584124654e-324", "2.4703282292062327e-324",
            "2.4703282292062328e-324", "2.47032822920623272e-324", "1e-324", "3e-324",
            "2.2250738585072011e-308", "2.2250738585072014e-308", "2.225073858507201136057409796709131975934819546351645648e-308",
            "0.1", "0.2", "0.3", "1e23", "9007199254740993", "9007199254740992.5",
            "9007199254740993.0000000000000000000000000000001",
            "8.98846567431158e307", "1e22", "1e-22", "123456789012345678901234567890",
            "0.000000000000000000000000000000000000000000001", "00000000000000000001.5",
            "1e999999999999999999999", "1e-999999999999999999999", "0e999999999999999999",
            "0.0000e-5", "-0", "-0.0e0", "7.", ".7", "1.e5", "1.E-5", "12,5", "1 ", " 1",
            "0x10", "1e+-5", "1_000", "+", "-", ".", "e5", "1e", "1e+", "++1", "--1",
        ] {
            check(s);
        }
    }

    #[test]
    fn long_texts_across_the_range() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..60_000 {
            let n = 1 + rng.below(30) as usize;
            let mut s: String = (0..n)
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect();
            if rng.below(3) == 0 {
                let at = rng.below(n as u64 + 1) as usize;
                s.insert(at, '.');
            }
            let e = rng.below(700) as i64 - 350;
            if rng.below(4) > 0 {
                s = format!("{s}e{e}");
            }
            check(&s);
        }
    }

    #[test]
    fn numbers_of_16_to_19_digits() {
        // Data's long decimals (a rate, a coordinate written with every
        // digit) and big integers, which are midpoints when odd above 2^53.
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for _ in 0..20_000 {
            let digits = 16 + rng.below(4) as u32;
            let w = 10u64.pow(digits - 1) + rng.below(9 * 10u64.pow(digits - 1));
            let e = rng.below(61) as i64 - 30;
            check(&format!("{w}e{e}"));
            let text = w.to_string();
            let at = rng.below(text.len() as u64) as usize;
            check(&format!("{}.{}", &text[..at], &text[at..]));
            check(&format!("{}", (1u64 << 53) + 2 * rng.below(1 << 62) + 1));
        }
    }

    #[test]
    fn midpoints_and_their_neighbours() {
        // The hardest texts: exactly halfway between two f64s (ties to even),
        // and a hair above or below, written out in full.
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for round in 0..3_000 {
            let bits = match round % 3 {
                0 => rng.below(0x7fe0_0000_0000_0000),
                1 => rng.below(1 << 53), // subnormals and the smallest normals
                _ => 0x4330_0000_0000_0000 + rng.below(1 << 40), // near 2^52
            };
            let x = f64::from_bits(bits);
            let mid = exact_decimal_midpoint(x);
            check(&mid);
            check(&format!("{mid}1"));
            check(&shortened(&mid));
            check(&a_hair_above(&mid));
            check(&format!("{x:e}"));
            check(&format!("{x:.17e}"));
        }
    }

    #[test]
    fn shortest_and_fixed_write_what_core_writes() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.125,
            0.375,
            1e21,
            1e22,
            1e-7,
            123456789.0,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            9007199254740993.0,
            0.3,
            2.0f64.powi(60),
            1234.5678,
            0.045,
            0.055,
        ];
        for _ in 0..40_000 {
            values.push(f64::from_bits(rng.next()));
            // Numbers as data has them: a few digits, some halves.
            let digits = (rng.below(1_000_000) as f64) / 10f64.powi(rng.below(7) as i32);
            values.push(if rng.below(2) == 0 { digits } else { -digits });
            values.push((rng.below(4000) as f64 - 2000.0) / 8.0);
        }
        for x in values {
            assert_eq!(super::Shortest(x).to_string(), format!("{x}"), "{x:e}");
            for n in [0, 1, 2, 3, 4, 6, 17, 20] {
                assert_eq!(
                    super::Fixed(x, n).to_string(),
                    format!("{x:.n$}"),
                    "{x:e} .{n}"
                );
            }
        }
    }

    /// The exact decimal text of the midpoint between a finite `a` and the
    /// next `f64` up.
    fn exact_decimal_midpoint(a: f64) -> String {
        // (a + next) / 2 = (2·fa + 1)·2^(k−1) where a = fa·2^k; with k − 1 < 0
        // it is (2fa + 1)·5^(1−k) / 10^(1−k).
        let (f, k) = super::decompose(a.to_bits());
        let mut digits = vec![0u32]; // base 1e9, least significant first
        let set = |v: &mut Vec<u32>, m: u64| {
            v.clear();
            v.push((m % 1_000_000_000) as u32);
            v.push((m / 1_000_000_000 % 1_000_000_000) as u32);
            v.push((m / 1_000_000_000_000_000_000) as u32);
        };
        set(&mut digits, 2 * f + 1);
        let mul = |v: &mut Vec<u32>, m: u64| {
            let mut carry = 0u64;
            for d in v.iter_mut() {
                let t = u64::from(*d) * m + carry;
                *d = (t % 1_000_000_000) as u32;
                carry = t / 1_000_000_000;
            }
            while carry > 0 {
                v.push((carry % 1_000_000_000) as u32);
                carry /= 1_000_000_000;
            }
        };
        let shift = k - 1;
        if shift >= 0 {
            for _ in 0..shift {
                mul(&mut digits, 2);
            }
        } else {
            for _ in 0..-shift {
                mul(&mut digits, 5);
            }
        }
        let mut s = String::new();
        for (i, d) in digits.iter().rev().enumerate() {
            if i == 0 {
                s.push_str(&d.to_string());
            } else {
                s.push_str(&format!("{d:09}"));
            }
        }
        if shift < 0 {
            format!("{s}e{shift}")
        } else {
            s
        }
    }

    /// The text with 60 zeros and a 1 after its last digit: for midpoints
    /// near the subnormals (some 750 digits) the 1 is past the digits kept,
    /// so only "non-zero digits were cut" says the text is above the
    /// midpoint.
    fn a_hair_above(s: &str) -> String {
        let (m, e) = s.split_once('e').unwrap_or((s, "0"));
        let e: i64 = e.parse().unwrap_or(0);
        format!("{m}{}1e{}", "0".repeat(60), e - 61)
    }

    /// The text with its last significant digit dropped (a hair below, or
    /// the same when that digit was 0).
    fn shortened(s: &str) -> String {
        match s.split_once('e') {
            Some((m, e)) if m.len() > 1 => {
                let e: i64 = e.parse().unwrap_or(0);
                format!("{}e{}", &m[..m.len() - 1], e + 1)
            }
            _ => s.to_string(),
        }
    }
}
