//! The cookie jar from the command line (issue #9): `apix send FILE` keeps a session across runs, `apix cookies
//! list|clear`, `--no-cookies`, two processes at once; plus the smaller CLI items (`--timeout` named in its hint,
//! the redirect chain in `apix history show`).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use apix::server::DemoServer;

struct Env {
    _rt: tokio::runtime::Runtime,
    server: DemoServer,
    dirs: tempfile::TempDir,
    root: PathBuf,
}

fn env() -> Env {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async { DemoServer::start(0).unwrap() });
    let dirs = tempfile::tempdir().unwrap();
    let root = dirs.path().join("shop");
    std::fs::create_dir_all(root.join("environments")).unwrap();
    std::fs::write(root.join("collection.toml"), "name = \"shop\"\n").unwrap();
    std::fs::write(root.join("environments/local.toml"), format!("base_url = \"{}\"\n", server.url())).unwrap();
    for (file, path) in [
        ("login.toml", "/cookies/set?session=s3ss10n-value&theme=dark"),
        ("me.toml", "/cookies"),
        ("logout.toml", "/cookies/delete?session"),
    ] {
        std::fs::write(root.join(file), format!("url = \"{{{{base_url}}}}{path}\"\n")).unwrap();
    }
    Env {
        _rt: rt,
        server,
        dirs,
        root,
    }
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

    fn send(&self, file: &str, extra: &[&str]) -> serde_json::Value {
        let f = self.root.join(file);
        let mut args = vec!["send", f.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = self.apix(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)))
    }

    fn coll(&self) -> &str {
        self.root.to_str().unwrap()
    }
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn a_login_cookie_lasts_from_one_apix_send_to_the_next() {
    let e = env();
    // The cookie is set during a redirect chain (set → 302 → /cookies) and sent on the next hop.
    let v = e.send("login.toml", &[]);
    assert_eq!(v["cookies"]["session"], "s3ss10n-value");
    // The next process sends it too, from the jar in the data dir.
    let v = e.send("me.toml", &[]);
    assert_eq!(v["cookies"], serde_json::json!({"session": "s3ss10n-value", "theme": "dark"}));
    // --no-cookies leaves the jar out.
    let v = e.send("me.toml", &["--no-cookies"]);
    assert_eq!(v["cookies"], serde_json::json!({}));
    // Nothing was written into the collection; the jar is owner-only in the data dir.
    let in_collection: Vec<_> = common::all_files(&e.root)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert!(in_collection.is_empty(), "{in_collection:?}");

    // Listing masks values unless asked.
    let list = e.apix(&["cookies", "list", e.coll()]);
    let shown = text(&list);
    assert!(shown.contains("session=••••••") && !shown.contains("s3ss10n"), "{shown}");
    assert!(shown.contains("127.0.0.1/"), "{shown}");
    let revealed = text(&e.apix(&["cookies", "list", e.coll(), "--reveal"]));
    assert!(revealed.contains("session=s3ss10n-value"), "{revealed}");
    let json: serde_json::Value = serde_json::from_slice(&e.apix(&["cookies", "list", e.coll(), "--json"]).stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);

    // History never holds the value (sent as a Cookie header, echoed back in the body).
    for args in [vec!["history", "show", "2"], vec!["history", "show", "2", "--json"]] {
        let o = e.apix(&args);
        assert!(!text(&o).contains("s3ss10n"), "{}", text(&o));
    }

    // Deleting through the server, then clearing what is left.
    let v = e.send("logout.toml", &[]);
    assert_eq!(v["cookies"], serde_json::json!({"theme": "dark"}));
    let cleared = e.apix(&["cookies", "clear", e.coll()]);
    assert!(text(&cleared).contains("removed 1 cookie"), "{}", text(&cleared));
    assert_eq!(e.send("me.toml", &[])["cookies"], serde_json::json!({}));
}

#[test]
fn two_processes_at_once_keep_each_others_cookies() {
    let e = env();
    for i in 0..4 {
        std::fs::write(
            e.root.join(format!("set{i}.toml")),
            format!("url = \"{{{{base_url}}}}/cookies/set?c{i}=v{i}\"\n"),
        )
        .unwrap();
    }
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let (data, config, file) = (
                e.dirs.path().join("data2"),
                e.dirs.path().join("config"),
                e.root.join(format!("set{i}.toml")),
            );
            std::thread::spawn(move || {
                Command::new(env!("CARGO_BIN_EXE_apix"))
                    .args(["send", file.to_str().unwrap(), "--no-history"])
                    .env("APIX_DATA_DIR", data)
                    .env("APIX_CONFIG_DIR", config)
                    .output()
                    .unwrap()
            })
        })
        .collect();
    for h in handles {
        let o = h.join().unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(["cookies", "list", e.coll(), "--reveal"])
        .env("APIX_DATA_DIR", e.dirs.path().join("data2"))
        .output()
        .unwrap();
    let listed = text(&out);
    for i in 0..4 {
        assert!(listed.contains(&format!("c{i}=v{i}")), "cookie c{i} lost:\n{listed}");
    }
}

#[test]
fn the_timeout_hint_names_the_flag_and_history_shows_the_redirect_chain() {
    let e = env();
    let slow = format!("{}/delay?ms=3000", e.server.url());
    let out = e.apix(&["send", "GET", &slow, "--timeout", "300ms"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("Raise --timeout (now 300ms)"), "{}", text(&out));

    let hops = format!("{}/redirect/2", e.server.url());
    assert_eq!(e.apix(&["send", "GET", &hops]).status.code(), Some(0));
    let list = text(&e.apix(&["history", "--json", "--limit", "1"]));
    let id = serde_json::from_str::<serde_json::Value>(&list).unwrap()[0]["id"].as_i64().unwrap();
    let shown = text(&e.apix(&["history", "show", &id.to_string()]));
    assert!(
        shown.contains(&format!(
            "redirects: {hops} → 302 {}/redirect/1 → 302 {}/redirect/0",
            e.server.url(),
            e.server.url()
        )),
        "{shown}"
    );
}
