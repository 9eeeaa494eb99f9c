//! Nothing a server or a cloned file sends reaches the terminal raw (issue #10): a loopback server sends escape
//! sequences (title, OSC 52 clipboard, clear screen, C1 CSI, a bidi override) in bodies of every content type, in
//! problem+json and error bodies, in headers; a collection carries them in key, variable and method names. Every
//! CLI output on a real pseudo-terminal is checked for ESC, C1 and bidi controls; piped bodies stay byte-exact.

mod hostile;
mod tools;

use std::path::PathBuf;
use std::process::{Command, Output};

use hostile::{acts_on_terminal, on_terminal, response, serve, PAYLOADS};

struct Env {
    dirs: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dirs: tempfile::tempdir().unwrap(),
        }
    }

    fn vars(&self) -> Vec<(String, String)> {
        vec![
            ("APIX_DATA_DIR".into(), self.dirs.path().join("data").display().to_string()),
            ("APIX_CONFIG_DIR".into(), self.dirs.path().join("config").display().to_string()),
            ("APIX_CACHE_DIR".into(), self.dirs.path().join("cache").display().to_string()),
            ("NO_COLOR".into(), "1".into()),
        ]
    }

    /// What a person sees: stdout and stderr on a pseudo-terminal.
    fn tty(&self, args: &[&str]) -> Vec<u8> {
        let vars = self.vars();
        let env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        on_terminal(args, &env)
    }

    fn piped(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_apix"));
        for (k, v) in self.vars() {
            c.env(k, v);
        }
        c.args(args).output().unwrap()
    }
}

fn assert_safe(what: &str, out: &[u8]) {
    if let Some(found) = acts_on_terminal(out) {
        panic!("{what}: {found}");
    }
}

/// The payloads as JSON escapes (what a JSON body carries), joined.
fn json_payloads() -> String {
    serde_json::to_string(&PAYLOADS.concat()).unwrap()
}

fn hostile_server() -> hostile::RawServer {
    serve(|seen| {
        let raw = PAYLOADS.concat();
        let path = seen.path().to_string();
        match path.as_str() {
            "/text" => response("200 OK", &[("Content-Type", "text/plain")], raw.as_bytes()),
            "/html" => response("200 OK", &[("Content-Type", "text/html")], format!("<p>{raw}</p>").as_bytes()),
            "/none" => response("200 OK", &[], raw.as_bytes()),
            "/json" => response(
                "200 OK",
                &[("Content-Type", "application/json")],
                format!("{{\"title\":{},\"n\":1}}", json_payloads()).as_bytes(),
            ),
            "/broken-json" => response(
                "200 OK",
                &[("Content-Type", "application/json")],
                format!("{{\"a\": \"{raw}").as_bytes(),
            ),
            "/problem" => response(
                "400 Bad Request",
                &[("Content-Type", "application/problem+json")],
                format!("{{\"title\":{0},\"detail\":{0},\"status\":400}}", json_payloads()).as_bytes(),
            ),
            "/error-body" => response(
                "500 Internal Server Error",
                &[("Content-Type", "application/json")],
                format!("{{\"error\":{{\"message\":{}}}}}", json_payloads()).as_bytes(),
            ),
            // UTF-8 C1 and bidi controls are valid header bytes (obs-text) to HTTP parsers.
            "/header" => response(
                "200 OK",
                &[("Content-Type", "text/plain"), ("X-Evil", "a\u{9b}31m b\u{202e}c \u{2066}d")],
                b"ok",
            ),
            "/reason" => {
                let mut r = b"HTTP/1.1 200 O\x1b]2;pwned\x07K\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".to_vec();
                r.shrink_to_fit();
                r
            }
            _ => response("404 Not Found", &[], b""),
        }
    })
}

#[test]
fn bodies_errors_and_headers_from_a_hostile_server_never_reach_the_terminal_raw() {
    if !tools::require_tool("script", "--version") {
        return;
    }
    let s = hostile_server();
    let e = Env::new();
    for path in [
        "/text",
        "/html",
        "/none",
        "/json",
        "/broken-json",
        "/problem",
        "/error-body",
        "/header",
        "/reason",
    ] {
        let url = format!("{}{path}", s.url());
        let shown = e.tty(&["send", "GET", &url, "-i"]);
        assert_safe(&format!("apix send {path} on a terminal"), &shown);
        let text = String::from_utf8_lossy(&shown);
        if path != "/reason" && path != "/header" {
            assert!(
                text.contains("\\x1b]2;pwned") || text.contains("\\u{202e}") || text.contains("\\u001b"),
                "{path}: shown visibly:\n{text}"
            );
        }
        if path == "/header" {
            assert!(text.contains("a\\x9b31m b\\u{202e}c \\u{2066}d"), "{text}");
        }
        if path == "/reason" {
            assert!(text.contains("not valid HTTP: its status line is malformed"), "{text}");
        }
    }
    // Piped, the body is exactly what the server sent.
    let piped = e.piped(&["send", "GET", &format!("{}/text", s.url()), "--no-history"]);
    assert_eq!(piped.stdout, PAYLOADS.concat().as_bytes());
    // History shows and compares the stored entries safely too.
    for args in [
        vec!["history"],
        vec!["history", "show", "1"],
        vec!["history", "show", "4"],
        vec!["history", "diff", "1", "2"],
        vec!["history", "diff", "4", "5"],
    ] {
        let shown = e.tty(&args);
        assert_safe(&format!("apix {}", args.join(" ")), &shown);
    }
}

#[test]
fn a_hostile_collection_cannot_act_on_the_terminal_through_diagnostics() {
    if !tools::require_tool("script", "--version") {
        return;
    }
    let e = Env::new();
    let root: PathBuf = e.dirs.path().join("evil");
    std::fs::create_dir_all(root.join("environments")).unwrap();
    std::fs::write(root.join("collection.toml"), "name = \"evil\\u001b]2;pwned\\u0007\"\n").unwrap();
    std::fs::write(
        root.join("key.toml"),
        "url = \"http://127.0.0.1:9/\"\n\"\\u001b]2;pwned\\u0007\" = 1\n\"\\u001b]52;c;cHduZWQ=\\u0007\" = 2\n",
    )
    .unwrap();
    std::fs::write(root.join("var.toml"), "url = \"http://127.0.0.1:9/{{x\\u001b[2Jy}}\"\n").unwrap();
    std::fs::write(
        root.join("method.toml"),
        "method = \"GE\\u001b]2;pwned\\u0007T\"\nurl = \"http://127.0.0.1:9/\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("bidi.toml"),
        "name = \"moc.\\u202elive\"\nurl = \"http://127.0.0.1:9/\"\n",
    )
    .unwrap();
    std::fs::write(root.join("environments/local.toml"), "\"\\u001b[2J\" = \"x\"\n").unwrap();
    let shown = e.tty(&["check", root.to_str().unwrap()]);
    assert_safe("apix check", &shown);
    assert!(
        String::from_utf8_lossy(&shown).contains("\\x1b]2;pwned"),
        "{}",
        String::from_utf8_lossy(&shown)
    );
    for f in ["key.toml", "var.toml", "method.toml", "bidi.toml"] {
        let file = root.join(f);
        let shown = e.tty(&["send", file.to_str().unwrap(), "--env", "local"]);
        assert_safe(&format!("apix send {f}"), &shown);
        let shown = e.tty(&["export", "curl", file.to_str().unwrap(), "--env", "local"]);
        assert_safe(&format!("apix export curl {f}"), &shown);
    }
}
