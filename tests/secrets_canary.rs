//! A canary secret in `.env`, used by a request that is sent and saved: it must appear in no file the run writes
//! (collection files, data, config and cache dirs), and the saved file keeps the reference.

mod common;

use std::path::Path;
use std::process::Command;

use apix::core::collection::{load_collection, save_request, KeyValue};

#[test]
fn canary_from_dotenv_never_lands_in_a_written_file() {
    let canary = format!("canary-{}", uuid::Uuid::new_v4().simple());
    let tmp = tempfile::tempdir().unwrap();
    let coll = tmp.path().join("demo");
    common::copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/demo"), &coll);
    std::fs::write(coll.join(".env"), format!("DEMO_TOKEN={canary}\n")).unwrap();
    // A request that sends the secret in a header, the query and the body, to an endpoint that echoes it back.
    std::fs::write(
        coll.join("echo/secret-echo.toml"),
        "name = \"Secret echo\"\nmethod = \"POST\"\nurl = \"{{base_url}}/echo\"\n\n[query]\nkey = \"{{env.DEMO_TOKEN}}\"\n\n[headers]\nX-Token = \"{{env.DEMO_TOKEN}}\"\n\n[body]\njson = '{\"token\": \"{{env.DEMO_TOKEN}}\"}'\n\n[auth]\ntype = \"bearer\"\ntoken = \"{{env.DEMO_TOKEN}}\"\n",
    )
    .unwrap();
    let before: Vec<_> = common::all_files(tmp.path());
    let dirs = tempfile::tempdir().unwrap();
    for rel in ["echo/secret-echo.toml", "auth/bearer-from-env.toml"] {
        let out = Command::new(env!("CARGO_BIN_EXE_apix"))
            .args(["send", coll.join(rel).to_str().unwrap(), "--env", "local"])
            .env("APIX_DATA_DIR", dirs.path().join("data"))
            .env("APIX_CONFIG_DIR", dirs.path().join("config"))
            .env("APIX_CACHE_DIR", dirs.path().join("cache"))
            .env_remove("DEMO_TOKEN")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains(&canary), "no secret in messages");
    }
    // The echo really carried the secret (so the test would catch a leak).
    let out = Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(["send", coll.join("echo/secret-echo.toml").to_str().unwrap()])
        .env("APIX_DATA_DIR", dirs.path().join("data2"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&canary),
        "the echo shows the secret was sent"
    );

    // Edit and save the request through the core.
    let c = load_collection(&coll);
    let mut r = c.find_request(&coll.join("echo/secret-echo.toml")).unwrap().clone();
    r.headers.push(KeyValue::new("X-Extra", "1"));
    save_request(&r).unwrap();
    let saved = std::fs::read_to_string(coll.join("echo/secret-echo.toml")).unwrap();
    assert!(saved.contains("{{env.DEMO_TOKEN}}"), "the reference is kept: {saved}");

    let mut scanned = 0;
    for f in common::all_files(tmp.path()).into_iter().chain(common::all_files(dirs.path())) {
        if f == coll.join(".env") {
            continue;
        }
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
            "canary found in {}",
            f.display()
        );
        scanned += 1;
    }
    assert!(scanned + 1 >= before.len(), "scanned every file but .env");
}
