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

use std::cmp::Ordering;

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
