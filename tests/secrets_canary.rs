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
            // The log, at its most detailed, is one of the files scanned below.
            .env("APIX_LOG_DIR", dirs.path().join("logs"))
            .env("APIX_LOG", "trace")
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
    // The log was written (and scanned above): both sends are in it.
    let logs: String = common::all_files(&dirs.path().join("logs"))
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    assert_eq!(
        logs.matches(" send method=POST").count() + logs.matches(" send method=GET").count(),
        2,
        "{logs}"
    );
    assert!(logs.contains("received status=200"), "{logs}");
}

/// Secrets from a trusted command, from an OAuth 2.0 flow, and from the OS keyring: none of them appears unmasked
/// in a file the run writes (history included), in messages, or in the record of what was sent. The token cache is
/// the one place a flow token is kept (owner-only, outside the collection), so it is left out of the scan.
#[tokio::test(flavor = "multi_thread")]
async fn canary_from_commands_flows_and_the_keyring_never_lands_in_a_written_file() {
    let canary = format!("canary-{}", uuid::Uuid::new_v4().simple());
    let server = apix::server::DemoServer::start(0).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let coll = tmp.path().join("api");
    let files = [
        (
            "collection.toml",
            "name = \"api\"\n[commands]\n# The command prints a secret it reads from its environment, as a password manager would.\ncanary = \"printf '%s' \\\"$APIX_TEST_CANARY\\\"\"\n".to_string(),
        ),
        ("environments/staging.toml", format!("base_url = \"{}\"\n", server.url())),
        (
            "cmd-echo.toml",
            "method = \"POST\"\nurl = \"{{base_url}}/echo\"\n[query]\nkey = \"{{cmd.canary}}\"\n[headers]\nX-Token = \"{{cmd.canary}}\"\n[body]\njson = '{\"token\": \"{{cmd.canary}}\"}'\n".to_string(),
        ),
        (
            "oauth-echo.toml",
            "url = \"{{base_url}}/echo\"\n[auth]\ntype = \"oauth2\"\ntoken_url = \"{{base_url}}/oauth/token\"\nclient_id = \"apix-demo-client\"\nclient_secret = \"{{cmd.client_secret}}\"\n".to_string(),
        ),
    ];
    for (rel, text) in &files {
        let p = coll.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    // The client secret also comes from a command.
    let toml = std::fs::read_to_string(coll.join("collection.toml")).unwrap() + "client_secret = \"printf apix-demo-client-secret\"\n";
    std::fs::write(coll.join("collection.toml"), toml).unwrap();
    let dirs = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_apix"))
            .args(args)
            .env("APIX_DATA_DIR", dirs.path().join("data"))
            .env("APIX_CONFIG_DIR", dirs.path().join("config"))
            .env("APIX_CACHE_DIR", dirs.path().join("cache"))
            .env("APIX_TEST_CANARY", &canary)
            .output()
            .unwrap()
    };
    let out = run(&["trust", coll.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut echoed = String::new();
    for rel in ["cmd-echo.toml", "oauth-echo.toml"] {
        let out = run(&["send", coll.join(rel).to_str().unwrap(), "-i"]);
        assert_eq!(out.status.code(), Some(0), "{rel}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains(&canary), "no secret in messages");
        echoed.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    assert!(echoed.contains(&canary), "the echo shows the command's secret was sent");

    // The flow's tokens, read from the cache (the one place they are kept).
    let token_dir = dirs.path().join("data/tokens");
    let mut flow_secrets = Vec::new();
    for f in common::all_files(&token_dir) {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        flow_secrets.push(v["access_token"].as_str().unwrap().to_string());
        flow_secrets.push(v["refresh_token"].as_str().unwrap().to_string());
    }
    assert_eq!(flow_secrets.len(), 2, "one cached token");
    assert!(echoed.contains(&flow_secrets[0]), "the echo shows the token was sent");

    // The keyring source, in process (a keyring entry is per login session).
    std::env::set_var("APIX_KEYRING_SERVICE", format!("apix-canary-{}", uuid::Uuid::new_v4().simple()));
    let keyring_canary = format!("kr-{canary}");
    if apix::core::template::sources::keyring_set("canary", &keyring_canary).is_ok() {
        std::fs::write(
            coll.join("kr-echo.toml"),
            "url = \"{{base_url}}/echo\"\n[headers]\nX-Key = \"{{keyring.canary}}\"\n",
        )
        .unwrap();
        let c = apix::core::collection::load_collection(&coll);
        let ctx = apix::core::http::PrepareContext {
            collection: Some(&c),
            environment: c.environment("staging"),
            ..Default::default()
        };
        let p = apix::core::http::prepare(&ctx, c.find_request(&coll.join("kr-echo.toml")).unwrap()).unwrap();
        let x = apix::core::http::send(&p, Default::default(), None).await.unwrap();
        assert!(String::from_utf8_lossy(&x.response.body).contains(&keyring_canary), "sent");
        assert!(
            !format!("{:?}", x.request).contains(&keyring_canary),
            "masked in the record of what was sent"
        );
        let _ = apix::core::template::sources::keyring_delete("canary");
    }

    let mut scanned = 0;
    for f in common::all_files(tmp.path()).into_iter().chain(common::all_files(dirs.path())) {
        if f.starts_with(&token_dir) {
            continue;
        }
        let bytes = std::fs::read(&f).unwrap();
        for secret in std::iter::once(&canary).chain(flow_secrets.iter()) {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a secret found in {}",
                f.display()
            );
        }
        scanned += 1;
    }
    assert!(scanned > files.len(), "collection files, trust store and history were scanned");
}
