//! `apix send` as a program sees it: raw body on stdout when piped, the rest on stderr, exit codes as xh/HTTPie.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use apix::server::DemoServer;

struct Env {
    _rt: tokio::runtime::Runtime,
    server: DemoServer,
    dirs: tempfile::TempDir,
}

fn env() -> Env {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async { DemoServer::start(0).unwrap() });
    Env {
        _rt: rt,
        server,
        dirs: tempfile::tempdir().unwrap(),
    }
}

fn demo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/demo").join(rel)
}

impl Env {
    fn apix(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_apix"))
            .args(args)
            .env("APIX_DATA_DIR", self.dirs.path().join("data"))
            .env("APIX_CONFIG_DIR", self.dirs.path().join("config"))
            .env("APIX_CACHE_DIR", self.dirs.path().join("cache"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    /// Sends a demo collection request against this test's server (environment `standalone` with base_url overridden).
    fn send_demo(&self, rel: &str, extra: &[&str]) -> Output {
        let file = demo_file(rel);
        let base = format!("base_url={}", self.server.url());
        let mut args = vec!["send", file.to_str().unwrap(), "--env", "standalone", "--var", &base];
        args.extend_from_slice(extra);
        self.apix(&args)
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn piped_output_is_the_raw_body_alone() {
    let e = env();
    let out = e.send_demo("users/get-user.toml", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is exactly the JSON body");
    assert_eq!(body["id"], 1);
    let err = text(&out.stderr);
    assert!(err.starts_with("HTTP/1.1 200 OK · "), "{err}");
    assert!(err.contains("application/json"), "{err}");

    let out = e.send_demo("users/get-user.toml", &["--include"]);
    assert!(text(&out.stderr).contains("content-type: application/json"));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("headers stay off stdout");
}

#[test]
fn embedded_demo_api_serves_the_local_environment() {
    let e = env();
    let file = demo_file("users/list-users.toml");
    let out = e.apix(&["send", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let users: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(users.as_array().is_some_and(|a| !a.is_empty()), "{users}");
}

#[test]
fn check_status_maps_classes_to_exit_codes() {
    let e = env();
    assert_eq!(
        e.send_demo("errors/not-found.toml", &[]).status.code(),
        Some(0),
        "without --check-status an HTTP error is not a failure"
    );
    assert_eq!(e.send_demo("errors/not-found.toml", &["--check-status"]).status.code(), Some(4));
    assert_eq!(e.send_demo("errors/server-error.toml", &["--check-status"]).status.code(), Some(5));
    assert_eq!(e.send_demo("redirects/no-follow.toml", &["--check-status"]).status.code(), Some(3));
    let out = e.send_demo("errors/too-many-requests.toml", &["--check-status"]);
    assert_eq!(out.status.code(), Some(4));
    let err = text(&out.stderr);
    assert!(err.contains("429 Too Many Requests"), "{err}");
    assert!(err.contains("Retry after 30 s"), "{err}");
    assert!(err.contains("problem+json: \"Too Many Requests\""), "{err}");
}

#[test]
fn failures_exit_with_their_codes_and_plain_words() {
    let e = env();
    let out = e.send_demo("errors/timeout.toml", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("Timed out waiting for the response headers"),
        "{}",
        text(&out.stderr)
    );
    let out = e.send_demo("redirects/loop.toml", &[]);
    assert_eq!(out.status.code(), Some(6));
    assert!(text(&out.stderr).contains("Redirect loop"));
    let out = e.apix(&["send", demo_file("errors/connection-refused.toml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("Connection refused by 127.0.0.1:9"), "{err}");
    assert!(err.contains("is the server running"), "{err}");
    // The URL is written out in the file: the hint does not send the reader to base_url or the environment.
    assert!(!err.contains("base_url") && !err.contains("environment"), "{err}");
    assert!(!err.contains("os error") && !err.contains("hyper"), "no raw cause chain: {err}");
}

#[test]
fn ad_hoc_requests_with_headers_and_json() {
    let e = env();
    let url = format!("{}/echo", e.server.url());
    let out = e.apix(&["send", "POST", &url, "X-Trace:abc", "--json", "{\"a\": 1}"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let echo: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["json"]["a"], 1);
    assert!(echo["headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h[0] == "x-trace" && h[1] == "abc"));
    // A bare URL means GET.
    let out = e.apix(&["send", &format!("{}/users/2", e.server.url())]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn output_file_receives_binary_body() {
    let e = env();
    let target = e.dirs.path().join("out.bin");
    let out = e.send_demo("bodies/binary.toml", &["--output", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let bytes = std::fs::read(&target).unwrap();
    assert_eq!(bytes.len(), 4096);
    assert!(bytes.starts_with(b"\x89PNG"));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("body saved to"));
}

#[test]
fn bad_invocations_are_explained() {
    let e = env();
    let out = e.apix(&["send", demo_file("users/get-user.toml").to_str().unwrap(), "--env", "nope"]);
    let err = text(&out.stderr);
    assert!(
        err.contains("no environment `nope`") && err.contains("available: local, standalone"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1));
    let out = e.apix(&["send", "--no-such-flag", "x"]);
    assert_eq!(out.status.code(), Some(1), "usage errors are not confused with timeouts (exit 2)");

    let out = e.apix(&["send", demo_file("users/get-user.toml").to_str().unwrap(), "--var", "nonsense"]);
    assert!(text(&out.stderr).contains("is not NAME=VALUE"));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("collection.toml"), "name = \"t\"\n").unwrap();
    std::fs::write(dir.path().join("r.toml"), "url = \"{{nowhere}}/x\"\n").unwrap();
    let out = e.apix(&["send", dir.path().join("r.toml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("unknown variable `nowhere` in url of"), "{err}");
    assert!(err.contains("no environment is selected"), "{err}");
}

#[test]
fn terminal_rendering_highlights_json_and_respects_no_color() {
    use apix::cli::output::body_for_terminal;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let x = rt.block_on(async {
        let s = DemoServer::start(0).unwrap();
        common::ok(&common::req("GET", &format!("{}/minified?size=2000", s.url()))).await
    });
    let plain = body_for_terminal(&x, false, &Default::default());
    assert!(
        plain.starts_with("{\n  \"items\": [\n"),
        "re-indented: {}",
        &plain[..80.min(plain.len())]
    );
    assert!(!plain.contains('\x1b'));
    let colored = body_for_terminal(&x, true, &Default::default());
    assert!(colored.contains("\x1b["), "highlighted");
    let invalid = rt.block_on(async {
        let s = DemoServer::start(0).unwrap();
        common::ok(&common::req("GET", &format!("{}/text/invalid-utf8", s.url()))).await
    });
    let shown = body_for_terminal(&invalid, false, &Default::default());
    assert!(shown.contains('\u{FFFD}') && shown.contains("invalid"), "{shown}");
}

#[test]
fn proxy_from_the_environment_is_used() {
    let e = env();
    let out = Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(["send", "http://nonexistent.invalid/echo/env-proxy"])
        .env("APIX_DATA_DIR", e.dirs.path().join("data"))
        .env("HTTP_PROXY", e.server.url())
        .env("http_proxy", e.server.url())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let echo: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(echo["path"], "/echo/env-proxy");
}

#[test]
fn large_piped_body_arrives_whole_while_memory_keeps_only_a_prefix() {
    let e = env();
    for extra in [&["--no-history"][..], &[][..]] {
        let url = format!("{}/large?size=12MB&shape=minified", e.server.url());
        let mut args = vec!["send"];
        args.extend_from_slice(extra);
        args.push(&url);
        let out = e.apix(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(out.stdout.len(), 12_000_000, "every byte reaches the pipe ({extra:?})");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("valid JSON, nothing lost or doubled");
    }
}
