//! Collections cloned from somewhere else (issue #10): links to devices and loops, huge and deeply chained
//! variables, thousands of headers and keys. Every command stays bounded and says what it refused, in plain words.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Env {
    dirs: tempfile::TempDir,
    root: PathBuf,
}

fn collection(files: &[(&str, &str)]) -> Env {
    let dirs = tempfile::tempdir().unwrap();
    let root = dirs.path().join("cloned");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("collection.toml"), "name = \"cloned\"\n").unwrap();
    for (rel, text) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    Env { dirs, root }
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

    fn file(&self, rel: &str) -> String {
        self.root.join(rel).display().to_string()
    }
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[test]
fn links_to_devices_outside_files_and_loops_are_skipped_and_named() {
    let e = collection(&[
        ("get.toml", "url = \"http://127.0.0.1:9/\"\n"),
        ("sub/inner.toml", "url = \"http://127.0.0.1:9/x\"\n"),
    ]);
    symlink("/dev/zero", &e.root.join("evil.toml"));
    symlink(".", &e.root.join("a"));
    symlink(".", &e.root.join("b"));
    symlink("..", &e.root.join("up"));
    symlink("/etc/hostname", &e.root.join("outside.toml"));
    symlink("sub", &e.root.join("alias"));
    symlink("get.toml", &e.root.join("same.toml"));
    let out = e.apix(&["check", e.root.to_str().unwrap()]);
    let said = text(&out);
    assert!(
        said.contains("evil.toml: warning: the link points outside the collection (`/dev/zero`); skipped"),
        "{said}"
    );
    assert!(
        said.contains("a: warning: the link leads back to a folder already loaded (`.`)"),
        "{said}"
    );
    assert!(
        said.contains("up: warning: the link points outside the collection (`..`)"),
        "{said}"
    );
    assert!(
        said.contains("outside.toml: warning: the link points outside the collection"),
        "{said}"
    );
    // A link to a folder loaded under its own name is not loaded twice; one to a file inside is followed.
    assert!(
        said.contains("alias: warning: the link leads back to a folder already loaded"),
        "{said}"
    );
    assert!(said.contains("3 requests"), "get, sub/inner and same: {said}");
    // Sending another request of that collection is not held up either.
    let sent = e.apix(&["send", &e.file("get.toml")]);
    assert!(text(&sent).contains("Connection refused"), "{}", text(&sent));
}

#[test]
fn oversized_files_and_fifos_are_refused_without_reading_them() {
    let e = collection(&[]);
    let big = format!("url = \"http://x/\"\n# {}\n", "x".repeat(11_000_000));
    std::fs::write(e.root.join("big.toml"), big).unwrap();
    assert!(Command::new("mkfifo").arg(e.root.join("pipe.toml")).status().unwrap().success());
    let out = e.apix(&["check", e.root.to_str().unwrap()]);
    let said = text(&out);
    assert!(
        said.contains("big.toml: error: the file is 11.0 MB, larger than the 10.0 MB apix reads"),
        "{said}"
    );
    assert!(
        said.contains("pipe.toml: warning: is not a regular file (a device, pipe or socket); skipped"),
        "{said}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn variables_that_double_or_chain_deeply_are_refused_in_plain_words() {
    // Each variable repeats the previous one twice: 2^40 bytes if expanded naively.
    let mut vars = String::from("[vars]\nv0 = \"ab\"\n");
    for i in 1..=40 {
        vars.push_str(&format!("v{i} = \"{{{{v{}}}}}{{{{v{}}}}}\"\n", i - 1, i - 1));
    }
    // And a chain of 10,000 variables, each using the next.
    for i in 0..10_000 {
        vars.push_str(&format!("c{i} = \"{{{{c{}}}}}\"\n", i + 1));
    }
    vars.push_str("c10000 = \"end\"\n");
    let e = collection(&[
        ("collection.toml", &format!("name = \"vars\"\n{vars}")),
        ("double.toml", "url = \"http://127.0.0.1:9/{{v40}}\"\n"),
        ("small.toml", "url = \"http://127.0.0.1:9/{{v10}}\"\n"),
        ("chain.toml", "url = \"http://127.0.0.1:9/{{c0}}\"\n"),
    ]);
    let out = e.apix(&["send", &e.file("double.toml")]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        said.contains("the value grows past 1.0 MB when its variables are filled in"),
        "{said}"
    );
    assert!(said.contains("v40 → v39 → v38"), "the chain is named: {said}");
    // A value that doubles a few times is fine (and fast: memoised).
    let ok = e.apix(&["send", &e.file("small.toml")]);
    assert!(text(&ok).contains("Connection refused"), "{}", text(&ok));
    let deep = e.apix(&["send", &e.file("chain.toml")]);
    let said = text(&deep);
    assert_eq!(deep.status.code(), Some(1), "{said}");
    assert!(
        said.contains("variables use each other more than 64 levels deep: c0 → c1 → c2 → …"),
        "{said}"
    );
    let check = e.apix(&["check", e.root.to_str().unwrap()]);
    assert!(
        text(&check).contains("variables use each other more than 64 levels deep: c0 → c1 → c2"),
        "{}",
        text(&check)
    );
}

#[test]
fn thousands_of_headers_and_unknown_keys_are_bounded() {
    let mut headers = String::from("url = \"http://127.0.0.1:9/\"\n[headers]\n");
    for i in 0..40_000 {
        headers.push_str(&format!("X-H{i} = \"v\"\n"));
    }
    let mut keys = String::from("url = \"http://127.0.0.1:9/\"\n");
    for i in 0..32_000 {
        keys.push_str(&format!("unknown_{i} = 1\n"));
    }
    let huge = format!("url = \"http://127.0.0.1:9/{}\"\n", "a".repeat(70_000));
    let e = collection(&[("many-headers.toml", &headers), ("many-keys.toml", &keys), ("long-url.toml", &huge)]);
    let out = e.apix(&["send", &e.file("many-headers.toml")]);
    assert!(
        text(&out).contains("the request has 40000 headers (the request's own and those it inherits)"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("apix sends at most 1000 headers"));
    let out = e.apix(&["send", &e.file("long-url.toml")]);
    let said = text(&out);
    assert!(
        said.contains("it is longer than 64.0 KB once its variables are filled in"),
        "{said}"
    );
    assert!(said.len() < 2_000, "the URL is quoted, not repeated whole ({} bytes)", said.len());
    let out = e.apix(&["check", e.root.to_str().unwrap()]);
    let said = text(&out);
    assert!(
        said.contains("and 31800 more problems"),
        "printed problems are capped: {}",
        &said[said.len().saturating_sub(500)..]
    );
    assert!(
        said.contains("many-keys.toml:2:1: error: unknown key `unknown_0`"),
        "{}",
        &said[..2000.min(said.len())]
    );
}

#[test]
fn check_and_send_agree_on_placeholders_and_every_documented_field_is_templated() {
    let e = collection(&[
        ("empty.toml", "url = \"http://127.0.0.1:9/{{ }}\"\n"),
        ("unclosed.toml", "url = \"http://127.0.0.1:9/\"\n[headers]\nX-A = \"{{a\"\n"),
        ("environments/local.toml", "ct = \"application/vnd.apix+json\"\n"),
    ]);
    let out = e.apix(&["check", e.root.to_str().unwrap()]);
    let said = text(&out);
    assert!(said.contains("empty.toml:1:27: error: empty placeholder `{{}}` (in url)"), "{said}");
    assert!(
        said.contains("unclosed.toml:3:8: error: `{{` is never closed with `}}` (in header X-A)"),
        "{said}"
    );
    for f in ["empty.toml", "unclosed.toml"] {
        let sent = e.apix(&["send", &e.file(f)]);
        assert_eq!(sent.status.code(), Some(1), "send refuses what check refuses: {}", text(&sent));
    }
    // content_type is templated (it was sent as `{{ct}}`).
    let server = {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let s = rt.block_on(async { apix::server::DemoServer::start(0).unwrap() });
        (rt, s)
    };
    std::fs::write(
        e.root.join("ct.toml"),
        format!(
            "method = \"POST\"\nurl = \"{}/echo\"\n[body]\ntext = \"hi\"\ncontent_type = \"{{{{ct}}}}\"\n",
            server.1.url()
        ),
    )
    .unwrap();
    let sent = e.apix(&["send", &e.file("ct.toml"), "--env", "local"]);
    let v: serde_json::Value = serde_json::from_slice(&sent.stdout).unwrap_or_else(|_| panic!("{}", text(&sent)));
    let ct = v["headers"].as_array().unwrap().iter().find(|h| h[0] == "content-type").unwrap()[1].clone();
    assert_eq!(ct, "application/vnd.apix+json");
}

#[test]
fn auth_status_on_the_bundled_demo_needs_no_runtime_of_its_own() {
    let dirs = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/demo/auth/oauth-client-credentials.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(["auth", "status", demo.to_str().unwrap(), "--env", "local"])
        .env("APIX_DATA_DIR", dirs.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("no token cached"), "{}", text(&out));
}

#[test]
fn files_outside_the_collection_need_trust_and_check_lists_what_leaves() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async { apix::server::DemoServer::start(0).unwrap() });
    let e = collection(&[
        ("environments/local.toml", &format!("base_url = \"{}\"\ntoken = \"{{{{env.APIX_TEST_OUTSIDE_TOKEN}}}}\"\n", server.url())),
        (
            "upload.toml",
            "method = \"POST\"\nurl = \"{{base_url}}/echo\"\n[headers]\nX-Token = \"{{token}}\"\n[body]\nfile = \"../outside-secret.txt\"\n",
        ),
        ("inside.toml", "method = \"POST\"\nurl = \"{{base_url}}/echo\"\n[body]\nfile = \"payload.txt\"\n"),
        ("payload.txt", "inside payload"),
    ]);
    std::fs::write(e.dirs.path().join("outside-secret.txt"), "the user's private file").unwrap();
    let send = |file: &str| {
        Command::new(env!("CARGO_BIN_EXE_apix"))
            .args(["send", &e.file(file), "--env", "local", "--no-history"])
            .env("APIX_DATA_DIR", e.dirs.path().join("data"))
            .env("APIX_TEST_OUTSIDE_TOKEN", "tok")
            .output()
            .unwrap()
    };
    // A file inside the collection is sent as before.
    assert!(String::from_utf8_lossy(&send("inside.toml").stdout).contains("inside payload"));
    // One outside is not, until the collection is trusted (no terminal: the error says how).
    let out = send("upload.toml");
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("outside-secret.txt from outside collection") && said.contains("apix trust"),
        "{said}"
    );
    assert!(!said.contains("private file"));
    // check says what leaves the collection, and for which host.
    let check = text(&e.apix(&["check", e.root.to_str().unwrap()]));
    let host = server.url().trim_start_matches("http://").to_string();
    assert!(
        check.contains(&format!("environment variable APIX_TEST_OUTSIDE_TOKEN, sent to {host}")),
        "{check}"
    );
    assert!(check.contains("outside-secret.txt, sent to") && check.contains(&host), "{check}");
    let trusted = Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(["trust", e.root.to_str().unwrap(), "--yes"])
        .env("APIX_DATA_DIR", e.dirs.path().join("data"))
        .output()
        .unwrap();
    assert!(
        text(&trusted).contains("trusted to send files from outside its folder"),
        "{}",
        text(&trusted)
    );
    assert!(String::from_utf8_lossy(&send("upload.toml").stdout).contains("the user's private file"));
}
