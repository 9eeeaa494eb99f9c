//! Secrets in every spelling, through every CLI output (issue #9): masked exports, failure lines, history rows and
//! search, echoed credentials on a terminal, token-endpoint errors; plus `-o` onto devices and pipes, and history
//! comparison of authenticated responses.

mod common;
mod hostile;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use hostile::{response, serve};

const CANARY: &str = "CanaryKey+/=ä 9";

struct Env {
    dirs: tempfile::TempDir,
    root: PathBuf,
}

fn collection(files: &[(&str, &str)]) -> Env {
    let dirs = tempfile::tempdir().unwrap();
    let root = dirs.path().join("coll");
    std::fs::create_dir_all(root.join("environments")).unwrap();
    std::fs::write(root.join("collection.toml"), "name = \"secrets\"\n").unwrap();
    std::fs::write(root.join(".env"), format!("APIX_CANARY=\"{CANARY}\"\nCLIENT_SECRET=\"{CANARY}\"\n")).unwrap();
    for (rel, text) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    Env { dirs, root }
}

impl Env {
    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_apix"));
        c.env("APIX_DATA_DIR", self.dirs.path().join("data"))
            .env("APIX_CONFIG_DIR", self.dirs.path().join("config"))
            .env("APIX_CACHE_DIR", self.dirs.path().join("cache"))
            .env("NO_COLOR", "1")
            .env_remove("APIX_CANARY");
        c
    }

    fn apix(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    fn file(&self, rel: &str) -> String {
        self.root.join(rel).display().to_string()
    }

    fn env_vars(&self) -> Vec<(String, String)> {
        vec![
            ("APIX_DATA_DIR".into(), self.dirs.path().join("data").display().to_string()),
            ("APIX_CONFIG_DIR".into(), self.dirs.path().join("config").display().to_string()),
            ("APIX_CACHE_DIR".into(), self.dirs.path().join("cache").display().to_string()),
            ("NO_COLOR".into(), "1".into()),
        ]
    }
}

/// Every spelling of the canary a serialiser might produce, and the parts that identify it.
fn leaks(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    ["canarykey", "canary%2bkey", "canarykey%2b", "canarykey+%2f", "q2fuyxj5s2v5"]
        .into_iter()
        .find(|needle| lower.contains(needle))
}

fn assert_clean(what: &str, text: &str) {
    if let Some(n) = leaks(text) {
        panic!("{what} shows the secret ({n}):\n{text}");
    }
}

fn out_text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn masked_export_and_the_failure_line_hide_percent_encoded_secrets() {
    let e = collection(&[(
        "refused.toml",
        "url = \"http://127.0.0.1:9/p/{{env.APIX_CANARY}}\"\n[auth]\ntype = \"apikey\"\nin = \"query\"\nname = \"api_key\"\nvalue = \"{{env.APIX_CANARY}}\"\n",
    )]);
    let export = e.apix(&["export", "curl", &e.file("refused.toml")]);
    assert_eq!(export.status.code(), Some(0), "{}", out_text(&export));
    let text = out_text(&export);
    assert!(text.contains("api_key=••••••"), "{text}");
    assert_clean("the masked export", &text);
    let sent = e.apix(&["send", &e.file("refused.toml")]);
    assert_eq!(sent.status.code(), Some(1));
    let text = out_text(&sent);
    assert!(text.contains("request: GET http://127.0.0.1:9/p/••••••?api_key=••••••"), "{text}");
    assert_clean("the failure line", &text);
}

/// A server that echoes the path and headers as ASCII-only JSON (`\u00e4`, `\/`), as many frameworks do.
fn ascii_echo() -> hostile::RawServer {
    serve(|seen| {
        let headers: Vec<String> = seen.head.lines().skip(1).filter(|l| !l.is_empty()).map(str::to_string).collect();
        let body = serde_json::json!({ "path": seen.path(), "headers": headers, "n": seen.n });
        let mut ascii = String::new();
        for c in body.to_string().chars() {
            match c {
                '/' => ascii.push_str("\\/"),
                c if (c as u32) > 0x7e => ascii.push_str(&format!("\\u{:04x}", c as u32)),
                c => ascii.push(c),
            }
        }
        response("200 OK", &[("Content-Type", "application/json")], ascii.as_bytes())
    })
}

#[test]
fn history_never_stores_a_secret_in_the_path_escaped_or_lower_cased() {
    let server = ascii_echo();
    let e = collection(&[
        (
            "path.toml",
            &format!(
                "url = \"{}/item/{{{{env.APIX_CANARY}}}}\"\n[headers]\nX-Key = \"{{{{env.APIX_CANARY}}}}\"\n",
                server.url()
            ),
        ),
        ("host.toml", "url = \"http://{{env.APIX_HOST}}.invalid/\"\n"),
    ]);
    let out = e.apix(&["send", &e.file("path.toml")]);
    assert_eq!(out.status.code(), Some(0), "{}", out_text(&out));
    // The echo carried it (so a leak would show): \u00e4 in the body.
    assert!(String::from_utf8_lossy(&out.stdout).contains("\\u00e4"), "{}", out_text(&out));
    let host = e
        .cmd()
        .args(["send", &e.file("host.toml")])
        .env("APIX_HOST", "CanaryKeyHost")
        .output()
        .unwrap();
    assert_ne!(host.status.code(), Some(0));
    assert_clean("the DNS failure", &out_text(&host));
    for args in [
        vec!["history"],
        vec!["history", "--search", "item"],
        vec!["history", "--json"],
        vec!["history", "show", "1"],
        vec!["history", "show", "1", "--json"],
        vec!["history", "show", "2"],
    ] {
        let o = e.apix(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", out_text(&o));
        assert_clean(&format!("apix {}", args.join(" ")), &out_text(&o));
    }
    for f in common::all_files(&e.dirs.path().join("data")) {
        let bytes = std::fs::read(&f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert_clean(&f.display().to_string(), &text);
    }
}

#[test]
fn token_endpoint_errors_hide_the_basic_encoded_client_credentials() {
    // A "token endpoint" that answers with the request's Authorization header in a non-OAuth body.
    let server = serve(|seen| {
        let auth = seen.header("authorization").unwrap_or_default();
        response(
            "400 Bad Request",
            &[("Content-Type", "text/plain")],
            format!("bad request, you sent {auth}").as_bytes(),
        )
    });
    let e = collection(&[(
        "me.toml",
        &format!(
            "url = \"{0}/me\"\n[auth]\ntype = \"oauth2\"\ngrant = \"client_credentials\"\ntoken_url = \"{0}/token\"\nclient_id = \"my client\"\nclient_secret = \"{{{{env.CLIENT_SECRET}}}}\"\n",
            server.url()
        ),
    )]);
    let out = e.apix(&["send", &e.file("me.toml")]);
    assert_ne!(out.status.code(), Some(0));
    let text = out_text(&out);
    assert!(text.contains("token endpoint"), "{text}");
    let b64 = base64::engine::general_purpose::STANDARD;
    for form in [
        b64.encode(format!("my client:{CANARY}")),
        b64.encode(format!("my+client:{}", "CanaryKey%2B%2F%3D%C3%A4+9")),
    ] {
        assert!(!text.contains(&form), "client credentials in the error: {text}");
    }
    assert!(text.contains("Basic ••••••") || text.contains("••••••"), "{text}");
}

#[test]
fn an_echoed_credential_is_masked_on_a_terminal_and_exact_in_a_pipe() {
    if !tools::require_tool("script", "--version") {
        return;
    }
    let server = ascii_echo();
    let e = collection(&[(
        "echo.toml",
        &format!(
            "url = \"{}/echo\"\n[auth]\ntype = \"bearer\"\ntoken = \"{{{{env.APIX_CANARY}}}}\"\n",
            server.url()
        ),
    )]);
    let vars = e.env_vars();
    let env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let shown = hostile::on_terminal(&["send", &e.file("echo.toml"), "--no-history"], &env);
    let text = String::from_utf8_lossy(&shown);
    assert!(text.contains("Bearer ••••••"), "{text}");
    assert_clean("the terminal", &text);
    // Piped, the body is the server's bytes.
    let piped = e.apix(&["send", &e.file("echo.toml"), "--no-history"]);
    assert!(String::from_utf8_lossy(&piped.stdout).contains("Bearer CanaryKey+\\/=\\u00e4 9"));
}

#[test]
fn history_diff_still_sees_a_breaking_change_between_authenticated_responses() {
    // The token comes back in every body; the second answer drops a field and changes a type.
    let server = serve(|seen| {
        let auth = seen.header("authorization").unwrap_or_default();
        let body = if seen.n == 0 {
            serde_json::json!({ "auth": auth, "id": 1, "name": "Ada" })
        } else {
            serde_json::json!({ "auth": auth, "id": "1" })
        };
        response("200 OK", &[("Content-Type", "application/json")], body.to_string().as_bytes())
    });
    let e = collection(&[(
        "me.toml",
        &format!(
            "url = \"{}/me\"\n[auth]\ntype = \"bearer\"\ntoken = \"{{{{env.APIX_CANARY}}}}\"\n",
            server.url()
        ),
    )]);
    for _ in 0..2 {
        let out = e.apix(&["send", &e.file("me.toml")]);
        assert_eq!(out.status.code(), Some(0), "{}", out_text(&out));
    }
    let shown = e.apix(&["history", "show", "1"]);
    assert!(
        !out_text(&shown).contains("stored cut"),
        "masking is not a cut: {}",
        out_text(&shown)
    );
    let diff = e.apix(&["history", "diff", "1", "2"]);
    let text = out_text(&diff);
    assert_eq!(diff.status.code(), Some(3), "a breaking change exits 3:\n{text}");
    assert!(text.contains("field $.name was removed") && text.contains("$.id"), "{text}");
    assert!(!text.contains("$.auth"), "the masked token is not a change: {text}");
    assert_clean("the diff", &text);
}

fn special_target_keeps_its_kind(e: &Env, server: &str, target: &Path) {
    let out = e.apix(&[
        "send",
        "GET",
        &format!("{server}/json"),
        "-o",
        target.to_str().unwrap(),
        "--no-history",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", out_text(&out));
}

#[test]
fn output_onto_devices_fifos_and_symlinks_writes_through() {
    use std::os::unix::fs::FileTypeExt;
    let server = serve(|_| response("200 OK", &[("Content-Type", "application/json")], br#"{"ok":true}"#));
    let e = collection(&[]);
    let dir = e.dirs.path();
    // /dev/null itself (the curl habit): still a character device afterwards.
    special_target_keeps_its_kind(&e, &server.url(), Path::new("/dev/null"));
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    // A FIFO made here: the reader gets the body; the FIFO stays a FIFO.
    let fifo = dir.join("body.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    special_target_keeps_its_kind(&e, &server.url(), &fifo);
    assert_eq!(reader.join().unwrap(), br#"{"ok":true}"#);
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    // A device node made here (root only: mknod needs it).
    let node = dir.join("null-node");
    let made = Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if made {
        special_target_keeps_its_kind(&e, &server.url(), &node);
        assert!(std::fs::symlink_metadata(&node).unwrap().file_type().is_char_device());
    } else {
        eprintln!("device-node case skipped: mknod needs root here");
    }
    // A symlink: the file it names is replaced, the link stays a link.
    let real = dir.join("real.json");
    std::fs::write(&real, "old").unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    special_target_keeps_its_kind(&e, &server.url(), &link);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&real).unwrap(), br#"{"ok":true}"#);
}
