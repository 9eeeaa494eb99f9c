use super::*;
use serde_json::{json, Value};

/// A small deterministic generator so the tests need no extra dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let pick = if depth > 4 { rng.below(5) } else { rng.below(8) };
    match pick {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.next() as i64 >> rng.below(64)),
        3 => json!((rng.below(2_000_000) as f64 - 1_000_000.0) / 64.0),
        4 => {
            let parts = ["plain", "é ü", "日本語", "emoji 😀", "quote \" back \\", "tab\tnl\n", "\u{1}", ""];
            Value::String(parts[rng.below(parts.len())].repeat(rng.below(3) + 1))
        }
        5 | 6 => {
            let mut map = serde_json::Map::new();
            for i in 0..rng.below(5) {
                map.insert(format!("k{i}_{}", rng.below(100)), random_value(rng, depth + 1));
            }
            Value::Object(map)
        }
        _ => Value::Array((0..rng.below(5)).map(|_| random_value(rng, depth + 1)).collect()),
    }
}

fn pretty(input: &[u8]) -> String {
    match reindent(input, 2) {
        Ok(out) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => panic!("{e} in {:?}", String::from_utf8_lossy(input)),
    }
}

/// Feeds `input` split at every position in `splits`.
fn reindent_split(input: &[u8], splits: &[usize]) -> Result<Vec<u8>, JsonSyntaxError> {
    let mut out = Vec::new();
    let mut r = Reindenter::new(2);
    let mut last = 0;
    for &s in splits {
        r.feed(&input[last..s], &mut out)?;
        last = s;
    }
    r.feed(&input[last..], &mut out)?;
    r.finish(&mut out)?;
    Ok(out)
}

#[test]
fn matches_serde_pretty_on_random_documents() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..300 {
        let v = random_value(&mut rng, 0);
        let expected = serde_json::to_string_pretty(&v).unwrap_or_default();
        let minified = serde_json::to_string(&v).unwrap_or_default();
        assert_eq!(pretty(minified.as_bytes()), expected);
        // Pretty input (and oddly spaced input) gives the same output.
        assert_eq!(pretty(expected.as_bytes()), expected);
        let spaced = expected.replace('\n', "\r\n\t ");
        assert_eq!(pretty(spaced.as_bytes()), expected);
    }
}

#[test]
fn fixed_documents() {
    let cases: &[(&str, &str)] = &[
        ("{}", "{}"),
        ("[ ]", "[]"),
        ("{\"a\":{},\"b\":[]}", "{\n  \"a\": {},\n  \"b\": []\n}"),
        (
            "[1,[2,[]],{\"x\":null}]",
            "[\n  1,\n  [\n    2,\n    []\n  ],\n  {\n    \"x\": null\n  }\n]",
        ),
        ("  \"top\"  ", "\"top\""),
        ("-0.5e+10", "-0.5e+10"),
        ("true", "true"),
        ("{\"s\":\"\\u00e9\\/\\\"\"}", "{\n  \"s\": \"\\u00e9\\/\\\"\"\n}"),
        ("\u{feff}[1]", "[\n  1\n]"),
    ];
    for (input, expected) in cases {
        assert_eq!(pretty(input.as_bytes()), *expected, "input {input:?}");
    }
    assert_eq!(
        reindent(b"[1,{\"a\":2}]", 4).ok(),
        Some(b"[\n    1,\n    {\n        \"a\": 2\n    }\n]".to_vec())
    );
    assert_eq!(reindent(b"[1,2]", 0).ok(), Some(b"[\n1,\n2\n]".to_vec()));
}

#[test]
fn any_split_gives_the_same_output() {
    let doc = "\u{feff}{\"k\u{e9}y\":[1.5e-3,-0,true,false,null,\"a\\u12Ab\\n日本😀\"],\"n\":{\"x\":12345}}";
    let bytes = doc.as_bytes();
    let whole = reindent(bytes, 2).ok();
    assert!(whole.is_some());
    for s in 0..=bytes.len() {
        assert_eq!(reindent_split(bytes, &[s]).ok(), whole, "split at {s}");
    }
    let every: Vec<usize> = (1..bytes.len()).collect();
    assert_eq!(reindent_split(bytes, &every).ok(), whole);
}

#[test]
fn error_positions_and_messages() {
    let e = json_error_position(b"{\"a\":1 \"b\":2}");
    let e = e.map(|e| (e.offset, e.line, e.column, e.to_string()));
    assert_eq!(
        e,
        Some((
            7,
            1,
            8,
            "invalid JSON at line 1, column 8: expected ',' or '}' after an object value".into()
        ))
    );
    let e = json_error_position(b"{\n  \"a\": [1,\n    2,,\n  ]\n}");
    assert_eq!(e.map(|e| (e.line, e.column)), Some((3, 7)));
    // Columns count characters, not bytes.
    let e = json_error_position("[\"日本\" x]".as_bytes());
    assert_eq!(e.map(|e| (e.line, e.column)), Some((1, 7)));
    let e = json_error_position(b"\xEF\xBB\xBF[1 2]");
    assert_eq!(e.map(|e| (e.offset, e.column)), Some((6, 4)));
}

#[test]
fn rejects_invalid_documents() {
    let bad: &[&[u8]] = &[
        b"",
        b"   ",
        b"{",
        b"[1,",
        b"[1,]",
        b"{\"a\":1,}",
        b"{\"a\" 1}",
        b"{1:2}",
        b"[01]",
        b"[1.]",
        b"[.5]",
        b"[1e]",
        b"[1e+]",
        b"[-]",
        b"[+1]",
        b"[tru]",
        b"[nul]",
        b"[True]",
        b"\"abc",
        b"\"a\\x\"",
        b"\"\\u12G4\"",
        b"\"tab\there\"",
        b"\"\xff\"",
        b"\"\xe6\x97\"",
        b"\"\xed\xa0\x80\"",
        b"[1] x",
        b"1 2",
        b"{} {}",
        b"[1}",
        b"{]",
        b"\xEF\xBB",
        b"\xEF\xBBx",
        b"-",
        b"[NaN]",
        b"'a'",
    ];
    for input in bad {
        assert!(reindent(input, 2).is_err(), "accepted {:?}", String::from_utf8_lossy(input));
        assert!(serde_json::from_slice::<Value>(input).is_err() || input.starts_with(b"\xEF"));
    }
    // Any depth is valid JSON and shown; the indentation stops growing, so the output stays linear in the input.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let out = reindent(deep.as_bytes(), 2).expect("deep but valid");
    assert!(out.len() < 2 * 100_000 * (2 + MAX_INDENT_DEPTH * 2), "{} bytes", out.len());
}

#[test]
fn errors_are_sticky() {
    let mut r = Reindenter::new(2);
    let mut out = Vec::new();
    let first = r.feed(b"[1 x", &mut out).err();
    assert!(first.is_some());
    assert_eq!(r.feed(b"]", &mut out).err(), first);
    assert_eq!(r.finish(&mut out).err(), first);
}

const SAMPLE: &str = r#"{"id":12,"name":"Ünïcødé 😀","tags":["a","b\n"],"price":-12.5e-3,"ok":true,"none":null,"nested":{"list":[1,2,{"x":[]}],"empty":{}}}"#;

/// Mutations never panic, and validity agrees with serde_json.
#[test]
fn agrees_with_serde_on_mutations() {
    let replacements: &[u8] = b"{}[],:\" \\0159.eE+-tfnlrx\x01\n\xc3\xa9\xff";
    let base = SAMPLE.as_bytes();
    let mut rng = Rng(42);
    for pos in 0..base.len() {
        for &b in replacements {
            let mut doc = base.to_vec();
            doc[pos] = b;
            check_against_serde(&doc);
            doc.insert(rng.below(doc.len()), replacements[rng.below(replacements.len())]);
            check_against_serde(&doc);
        }
        let mut removed = base.to_vec();
        removed.remove(pos);
        check_against_serde(&removed);
    }
}

fn check_against_serde(doc: &[u8]) {
    let ours = reindent(doc, 2);
    let theirs = serde_json::from_slice::<Value>(doc);
    // serde_json also rejects numbers that overflow f64; a validator need not.
    if theirs.as_ref().is_err_and(|e| e.to_string().contains("out of range")) {
        return;
    }
    assert_eq!(
        ours.is_ok(),
        theirs.is_ok(),
        "disagree on {:?}: {ours:?}",
        String::from_utf8_lossy(doc)
    );
    if let Some(e) = ours.err() {
        assert!(e.offset <= doc.len() as u64);
    }
}

#[test]
fn truncations_and_random_bytes_never_panic() {
    let base = SAMPLE.as_bytes();
    for len in 0..base.len() {
        assert!(reindent(&base[..len], 2).is_err());
        assert!(reindent_split(base, &[len]).is_ok());
    }
    let mut rng = Rng(7);
    for _ in 0..3000 {
        let mut doc = base.to_vec();
        for _ in 0..rng.below(4) + 1 {
            let p = rng.below(doc.len());
            doc[p] = rng.next() as u8;
        }
        let split = rng.below(doc.len() + 1);
        let _ = reindent_split(&doc, &[split]);
        let _ = json_error_position(&doc);
        let cut = rng.below(doc.len() + 1);
        let _ = reindent(&doc[..cut], 3);
    }
    let noise: Vec<u8> = (0..4096).map(|_| rng.next() as u8).collect();
    assert!(reindent(&noise, 2).is_err());
}

#[test]
fn large_strings_and_numbers_stream() {
    let long = "x".repeat(100_000);
    let doc = format!("[\"{long}\",{}]", "9".repeat(50_000));
    let splits: Vec<usize> = (1..doc.len()).step_by(997).collect();
    let out = reindent_split(doc.as_bytes(), &splits);
    assert_eq!(out.map(|o| o.len()).ok(), Some(doc.len() + 7));
}
