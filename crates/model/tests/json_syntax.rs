//! `json_syntax::parse` against `serde_json::from_slice::<Value>`, the
//! parser it replaces in the player: the same values and the same errors
//! (message, line and column) on every JSON file of the repository and of
//! the shared data, on every cut and one-byte change of small documents, on
//! generated documents and numbers.
#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "tests: a failed step stops the test; the counts say what was compared"
)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use twinstory_model::json_syntax::parse;

/// The same value; two floats may differ in their last digits only, where
/// serde_json's own float algorithm is not correctly rounded (ours must be
/// core's correctly rounded value, which `numbers` checks).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_f64() != y.is_f64() || x.is_u64() != y.is_u64() {
                return false;
            }
            match (x.as_f64(), y.as_f64()) {
                (Some(p), Some(q)) if x.is_f64() => {
                    p.to_bits() == q.to_bits() || (p - q).abs() <= p.abs() * 1e-15
                }
                _ => x == y,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k, p), (l, q))| k == l && same(p, q))
        }
        _ => a == b,
    }
}

/// Compares both readers on one text; the result says which way it went.
fn check(text: &[u8], what: &str) -> bool {
    let ours = parse(text);
    let theirs = serde_json::from_slice::<Value>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(
            same(a, b),
            "{what}: values differ: {a} and {b} from {:?}",
            String::from_utf8_lossy(&text[..text.len().min(200)])
        ),
        // A number too large is placed at its end; serde_json places it
        // after the exponent's digit that passes `i32::MAX`, if there is one.
        (Err(a), Err(b)) if a.message == "number out of range" => {
            assert!(
                b.to_string().starts_with("number out of range at line"),
                "{what}: {b}"
            );
        }
        (Err(a), Err(b)) => assert_eq!(
            a.to_string(),
            b.to_string(),
            "{what}: {:?}",
            String::from_utf8_lossy(&text[..text.len().min(200)])
        ),
        _ => panic!(
            "{what}: ours {:?}, serde_json {:?} on {:?}",
            ours.as_ref().map(|_| "ok"),
            theirs.as_ref().map(|_| "ok").map_err(|e| e.to_string()),
            String::from_utf8_lossy(&text[..text.len().min(200)])
        ),
    }
    ours.is_ok()
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                json_files(&path, out);
            }
        } else if name.ends_with(".json") || name.ends_with(".geojson") {
            out.push(path);
        }
    }
}

#[test]
fn every_json_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    json_files(&root, &mut files);
    let repo = files.len();
    let shared = root.join("../shared/data");
    json_files(&shared, &mut files);
    if files.len() == repo {
        eprintln!("the shared data (../shared/data) is not on this machine: repository files only");
    }
    let (mut read, mut refused) = (0, 0);
    for path in &files {
        let text = std::fs::read(path).unwrap();
        if check(&text, &path.display().to_string()) {
            read += 1;
        } else {
            refused += 1;
        }
    }
    eprintln!("{read} files read, {refused} refused alike");
    assert!(
        read > 50,
        "too few JSON files found under {}",
        root.display()
    );
}

const DOCUMENTS: &[&str] = &[
    r#"{"title": "T", "steps": [{"id": "a", "view": {"center": [9.99, 53.55], "zoom": 11.5}}]}"#,
    r#"[1, -2, 0, -0, 1.5e3, 2E-2, 18446744073709551615, 18446744073709551616, -9223372036854775808, -9223372036854775809]"#,
    r#"{"s": "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00é", "e": "", "n": null, "t": true, "f": false}"#,
    "[[], {}, [[]], {\"a\": {}}]",
    " \t\n\r{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \n",
    r#"{"a": 1, "a": 2}"#,
];

/// Every cut and every one-byte change of small documents: the same
/// values, or the same message at the same place.
#[test]
fn cut_and_changed_documents() {
    let bytes: &[u8] = b" \n,:[]{}\"\\/-+.eE0123456789aflnrstu\x00\x1f\x7f\xc3\xe9\xff";
    let mut count = 0;
    for doc in DOCUMENTS {
        let doc = doc.as_bytes();
        assert!(check(doc, "document"));
        for cut in 0..doc.len() {
            check(&doc[..cut], "cut");
            let mut without = doc.to_vec();
            without.remove(cut);
            check(&without, "without a byte");
            for &b in bytes {
                let mut changed = doc.to_vec();
                changed[cut] = b;
                check(&changed, "changed");
                let mut longer = doc.to_vec();
                longer.insert(cut, b);
                check(&longer, "with a byte");
                count += 4;
            }
        }
    }
    eprintln!("{count} texts compared");
}

#[test]
fn malformed_texts() {
    for text in [
        "",
        " ",
        "nul",
        "nulL",
        "tru",
        "[",
        "{",
        "[1",
        "[1,",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "{\"a\":1,",
        "{1:2}",
        "{\"a\" 1}",
        "[1 2]",
        "{\"a\":1 \"b\":2}",
        "01",
        "-",
        "-a",
        "1.",
        "1.e3",
        "1e",
        "1e+",
        "1e400",
        "-1e400",
        "1e-400",
        ".5",
        "+1",
        "NaN",
        "Infinity",
        "[1,]",
        "{\"a\":1,}",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"\\ud800\"",
        "\"\\ud800\\u0041\"",
        "\"\\udc00\"",
        "\"\\ud800x\"",
        "\"a\nb\"",
        "\"abc",
        "[] []",
        "1 x",
        "\u{feff}{}",
        "//",
        "[1]]",
        "{}}",
        "\"\u{e9}\"",
    ] {
        check(text.as_bytes(), "malformed");
    }
    check(b"\"\xff\"", "invalid UTF-8");
    check(b"\"\xc3\"", "cut UTF-8");
}

#[test]
fn depth_limit() {
    for depth in [1, 126, 127, 128, 129, 1000] {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let text = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            check(text.as_bytes(), &format!("depth {depth}"));
        }
    }
    assert!(parse(format!("{}{}", "[".repeat(127), "]".repeat(127)).as_bytes()).is_ok());
    assert!(parse(format!("{}{}", "[".repeat(128), "]".repeat(128)).as_bytes()).is_err());
}

/// A little random generator (the tests need no crate for it).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn number_text(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.below(2) == 0 {
        s.push('-');
    }
    let digits = 1 + rng.below(25);
    if rng.below(4) == 0 {
        s.push('0');
    } else {
        for i in 0..digits {
            s.push(char::from(
                b'0' + (rng.below(9) + u64::from(i > 0)) as u8 % 10,
            ));
        }
    }
    if rng.below(2) == 0 {
        s.push('.');
        for _ in 0..1 + rng.below(20) {
            s.push(char::from(b'0' + rng.below(10) as u8));
        }
    }
    if rng.below(3) == 0 {
        s.push(['e', 'E'][rng.below(2) as usize]);
        s.push_str(["", "+", "-"][rng.below(3) as usize]);
        let range = if rng.below(4) == 0 { 400 } else { 30 };
        s.push_str(&rng.below(range).to_string());
    }
    s
}

/// Numbers: integers as serde_json keeps them, every float the correctly
/// rounded value (`str::parse`), bit for bit.
#[test]
fn numbers() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..50_000 {
        let text = number_text(&mut rng);
        if !check(text.as_bytes(), "number") {
            continue;
        }
        let v = parse(text.as_bytes()).unwrap();
        let n = v.as_number().unwrap();
        if n.is_f64() {
            let want: f64 = text.parse().unwrap();
            assert_eq!(n.as_f64().unwrap().to_bits(), want.to_bits(), "{text}");
        } else if n.is_u64() {
            assert_eq!(n.as_u64().unwrap().to_string(), text);
        } else {
            assert_eq!(n.as_i64().unwrap().to_string(), text);
        }
    }
}

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 4 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => serde_json::from_str(&number_text(rng)).unwrap_or(Value::Null),
        3 | 4 => {
            let pool = [
                'a', 'Z', '"', '\\', '/', '\n', '\u{1}', '\u{1f}', 'é', 'ß', '€', '😀', ' ',
            ];
            let len = rng.below(12);
            Value::String(
                (0..len)
                    .map(|_| pool[rng.below(pool.len() as u64) as usize])
                    .collect(),
            )
        }
        5 => Value::Array(
            (0..rng.below(6))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(6))
                .map(|i| (format!("k{}", i % 4), random_value(rng, depth + 1)))
                .collect(),
        ),
    }
}

/// Generated documents, written compact and pretty by serde_json, read the
/// same by both.
#[test]
fn generated_documents() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..5_000 {
        let v = random_value(&mut rng, 0);
        for text in [
            serde_json::to_string(&v).unwrap(),
            serde_json::to_string_pretty(&v).unwrap(),
        ] {
            assert!(check(text.as_bytes(), "generated"));
            assert!(same(&parse(text.as_bytes()).unwrap(), &v), "{text}");
        }
    }
}
