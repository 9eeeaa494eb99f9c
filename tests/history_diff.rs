//! Compare on real-world JSON: a GitHub issues list and a Stripe account (tests/fixtures/history/SOURCES.md), each
//! against a later version with a field removed and a type changed; and `apix history diff`'s exit codes.

mod history_common;

use std::path::{Path, PathBuf};
use std::process::Command;

use apix::core::history::{BodyDiff, ChangeKind, Comparison, HistoryStore, NewEntry};
use history_common::{entry, entry_with_headers};

fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/history").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn github(body: &str, headers: &str) -> NewEntry {
    let h: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&fixture(headers)).expect("headers json");
    let headers = h
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
        .collect();
    let url = "https://api.github.com/repos/octokit-fixture-org/paginate-issues/issues?per_page=3";
    entry_with_headers("GET", url, 200, "application/json; charset=utf-8", &fixture(body), headers)
}

fn stripe(body: &str) -> NewEntry {
    entry("GET", "https://api.stripe.com/v1/account", 200, "application/json", &fixture(body))
}

fn compare(a: NewEntry, b: NewEntry) -> Comparison {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = HistoryStore::open(&dir.path().join("history.sqlite3")).expect("open");
    let (ia, ib) = (s.record(&a).expect("record"), s.record(&b).expect("record"));
    s.diff(ia, ib).expect("diff")
}

fn json_changes(c: &Comparison) -> Vec<(String, ChangeKind, bool)> {
    match &c.body {
        BodyDiff::Json { changes, .. } => changes.iter().map(|ch| (ch.path.clone(), ch.kind, ch.breaking)).collect(),
        other => panic!("expected a JSON diff, got {other:?}"),
    }
}

#[test]
fn github_issues_with_a_removed_field_and_a_retyped_one_are_breaking() {
    let c = compare(
        github("github-issues-v1.json", "github-issues-v1.headers.json"),
        github("github-issues-v2.json", "github-issues-v2.headers.json"),
    );
    assert!(c.is_breaking());
    assert_eq!(
        c.breaking,
        vec![
            "field $[*].node_id was removed".to_string(),
            "field $[*].number changed type from number to string".to_string(),
        ]
    );
    let changes = json_changes(&c);
    for i in 0..3 {
        assert!(
            changes.contains(&(format!("$[{i}].node_id"), ChangeKind::Removed, true)),
            "{changes:?}"
        );
        assert!(
            changes.contains(&(format!("$[{i}].number"), ChangeKind::TypeChanged, true)),
            "{changes:?}"
        );
        assert!(
            changes.contains(&(format!("$[{i}].comments"), ChangeKind::Changed, false)),
            "{changes:?}"
        );
    }
    assert_eq!(changes.len(), 9, "nothing else differs: {changes:?}");
    assert_eq!(c.status, None);
    let headers: Vec<(&str, bool)> = c.headers.iter().map(|h| (h.name.as_str(), h.volatile)).collect();
    assert_eq!(headers, vec![("date", true), ("etag", true)]);
}

#[test]
fn stripe_account_with_a_removed_field_and_a_retyped_one_is_breaking() {
    let c = compare(stripe("stripe-account-v1.json"), stripe("stripe-account-v2.json"));
    assert_eq!(
        c.breaking,
        vec![
            "field $.business_type was removed".to_string(),
            "field $.created changed type from number to string".to_string(),
        ]
    );
    let changes = json_changes(&c);
    assert!(
        changes.contains(&("$.controller.fees".to_string(), ChangeKind::Added, false)),
        "{changes:?}"
    );
    assert_eq!(changes.len(), 3, "{changes:?}");
}

#[test]
fn added_fields_and_new_values_are_not_breaking() {
    let c = compare(
        github("github-issues-v1.json", "github-issues-v1.headers.json"),
        github("github-issues-v1-edited.json", "github-issues-v1.headers.json"),
    );
    assert!(!c.is_breaking(), "{:?}", c.breaking);
    let changes = json_changes(&c);
    assert!(changes.contains(&("$[0].pinned".to_string(), ChangeKind::Added, false)));
    assert!(changes.contains(&("$[2].title".to_string(), ChangeKind::Changed, false)));
    assert!(c.headers.is_empty());
}

#[test]
fn status_media_type_and_plain_text_changes() {
    let ok = github("github-issues-v1.json", "github-issues-v1.headers.json");
    let html = br#"<html><body><h1>502 Bad Gateway</h1><p>upstream timed out</p></body></html>"#;
    let down = entry("GET", "https://api.github.com/x", 502, "text/html", html);
    let c = compare(ok, down.clone());
    assert_eq!(c.status, Some((Some(200), Some(502))));
    assert!(c.breaking.iter().any(|b| b == "status went from 200 to 502"), "{:?}", c.breaking);
    assert!(c
        .breaking
        .iter()
        .any(|b| b.contains("media type changed from application/json to text/html")));
    assert!(c.breaking.iter().any(|b| b == "the body is no longer JSON"));

    let page = |text: &str| entry("GET", "https://www.test/", 200, "text/html", text.as_bytes());
    let c = compare(
        page("<p>one</p>\n<p>two</p>\n<p>three</p>\n"),
        page("<p>one</p>\n<p>2</p>\n<p>three</p>\n"),
    );
    assert!(!c.is_breaking());
    match &c.body {
        BodyDiff::Text { unified, added, removed } => {
            assert_eq!((*added, *removed), (1, 1));
            assert!(unified.contains("-<p>two</p>") && unified.contains("+<p>2</p>"), "{unified}");
        }
        other => panic!("expected a text diff, got {other:?}"),
    }
    // A failed send after a good one is breaking too.
    let mut failed = entry("GET", "https://www.test/", 200, "text/html", b"");
    failed.response = None;
    failed.error = Some("Connection refused".into());
    let c = compare(page("<p>one</p>"), failed);
    assert_eq!(c.breaking, vec!["status was 200, now the send fails".to_string()]);
}

/// A data dir whose history holds: #1 GitHub v1, #2 GitHub v2 (breaking), #3 GitHub v1 edited (not breaking).
fn cli_data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("data dir");
    let mut s = HistoryStore::open(&dir.path().join("history.sqlite3")).expect("open");
    s.record(&github("github-issues-v1.json", "github-issues-v1.headers.json"))
        .expect("record");
    s.record(&github("github-issues-v2.json", "github-issues-v2.headers.json"))
        .expect("record");
    s.record(&github("github-issues-v1-edited.json", "github-issues-v1.headers.json"))
        .expect("record");
    dir
}

fn apix(data: &Path, args: &[&str]) -> (i32, String, String) {
    let config: PathBuf = data.join("config");
    let out = Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(args)
        .env("APIX_DATA_DIR", data)
        .env("APIX_CONFIG_DIR", config)
        .env("NO_COLOR", "1")
        .output()
        .expect("run apix");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn history_diff_exits_non_zero_on_breaking_changes() {
    let data = cli_data_dir();
    let (code, out, err) = apix(data.path(), &["history", "diff", "1", "2"]);
    assert_eq!(code, 3, "breaking: {out}{err}");
    assert!(out.contains("- $[*].node_id removed (3×)"), "{out}");
    assert!(out.contains("! $[*].number: 13 → \"13\" (type changed) (3×)"), "{out}");
    assert!(out.contains("likely breaking changes:"), "{out}");

    let (code, out, _) = apix(data.path(), &["history", "diff", "1", "3"]);
    assert_eq!(code, 0, "not breaking: {out}");
    assert!(out.contains("no likely breaking change"), "{out}");

    let (code, out, _) = apix(data.path(), &["history", "diff", "1", "2", "--json"]);
    assert_eq!(code, 3);
    let v: serde_json::Value = serde_json::from_str(&out).expect("diff --json is JSON");
    assert_eq!(v["breaking"].as_array().map(Vec::len), Some(2), "{v}");

    let (code, _, err) = apix(data.path(), &["history", "diff", "1", "99"]);
    assert_eq!(code, 1, "unknown id is trouble, not a difference");
    assert!(err.contains("#99 does not exist"), "{err}");
}

#[test]
fn history_list_show_search_and_prune_from_the_command_line() {
    let data = cli_data_dir();
    let (code, out, _) = apix(data.path(), &["history"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("#3 ") && lines[2].starts_with("#1 "), "{out}");

    let (_, out, _) = apix(data.path(), &["history", "--search", "(edited)", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON list");
    assert_eq!(
        v.as_array().map(|a| a.iter().map(|e| e["id"].as_i64()).collect::<Vec<_>>()),
        Some(vec![Some(3)])
    );

    let (code, out, _) = apix(data.path(), &["history", "show", "2"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("GET https://api.github.com/repos/octokit-fixture-org/paginate-issues/issues?per_page=3"),
        "{out}"
    );
    assert!(out.contains("HTTP/1.1 200"), "{out}");

    let (code, out, _) = apix(data.path(), &["history", "show", "2", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON entry");
    assert_eq!(v["response"]["status"], 200);

    let (code, out, _) = apix(data.path(), &["history", "prune", "--keep", "1"]);
    assert_eq!((code, out.trim()), (0, "removed 2 entries (1 left)"));
    let (code, _, err) = apix(data.path(), &["history", "prune"]);
    assert_eq!(code, 1, "--keep or --older-than is required: {err}");
}
