//! `to_curl` against reality: the revealed command, run by `sh` with the real curl against the demo server's
//! `/echo`, carries what apix itself sends; and `apix export curl` keeps a `.env` secret out of its output unless
//! asked.

mod common;
mod tools;

use std::path::Path;
use std::process::Command;

use apix::core::collection::{AuthDef, Body, Part};
use apix::core::export::to_curl;
use apix::core::http::Prepared;
use apix::core::template::MASK;
use apix::server::DemoServer;
use common::*;
use serde_json::Value;

/// Method, path, query, body and headers of an echo, with what legitimately differs between clients left out
/// (User-Agent, Accept-Encoding) and multipart boundaries made equal.
fn comparable(echo: &Value) -> (String, String, Value, String, Vec<(String, String)>) {
    let headers = echo["headers"].as_array().cloned().unwrap_or_default();
    let pairs: Vec<(String, String)> = headers
        .iter()
        .map(|h| (h[0].as_str().unwrap_or("").to_string(), h[1].as_str().unwrap_or("").to_string()))
        .collect();
    let boundary = pairs
        .iter()
        .find(|(k, _)| k == "content-type")
        .and_then(|(_, v)| v.split_once("boundary=").map(|(_, b)| b.to_string()));
    let norm = |s: &str| match &boundary {
        Some(b) => s.replace(b.as_str(), "BOUNDARY"),
        None => s.to_string(),
    };
    let mut kept: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "user-agent" | "accept-encoding"))
        .filter(|(k, _)| boundary.is_none() || k != "content-length")
        .map(|(k, v)| (k.clone(), norm(v)))
        .collect();
    kept.sort();
    let body = echo
        .get("body_base64")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| norm(echo["body"].as_str().unwrap_or("")));
    (
        echo["method"].to_string(),
        echo["path"].to_string(),
        echo["query"].clone(),
        body,
        kept,
    )
}

async fn round_trip(p: &Prepared) {
    let sent = apix::core::http::send(p, tokio_util::sync::CancellationToken::new(), None)
        .await
        .expect("apix sends");
    let by_apix: Value = serde_json::from_slice(&sent.response.body).expect("echo JSON");
    let cmd = to_curl(p, true);
    let home = tempfile::tempdir().unwrap();
    let out = tokio::task::spawn_blocking({
        let cmd = cmd.clone();
        let home = home.path().to_path_buf();
        // No ~/.curlrc may change the request.
        move || {
            Command::new("sh")
                .arg("-c")
                .arg(&cmd)
                .env("CURL_HOME", &home)
                .env("HOME", &home)
                .output()
        }
    })
    .await
    .unwrap()
    .expect("sh runs");
    assert!(out.status.success(), "{cmd}\nfailed: {}", String::from_utf8_lossy(&out.stderr));
    let by_curl: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{cmd}\nnot JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(comparable(&by_curl), comparable(&by_apix), "the command:\n{cmd}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_revealed_command_sends_what_apix_sends() {
    if !tools::require_tool("curl", "--version") {
        return;
    }
    let s = DemoServer::start(0).unwrap();
    let url = format!("{}/echo/it's?q=a%20b&x='y'", s.url());

    let mut d = with_body(
        with_headers(
            req("PUT", &url),
            &[
                ("X-Quote", r#"it's "q" $HOME `id` \n"#),
                ("X-Empty", ""),
                ("X-Tag", "1"),
                ("X-Tag", "2"),
            ],
        ),
        Body::Json("{\n  \"name\": \"O'Brien\",\n  \"city\": \"Zürich ✓\",\n  \"cmd\": \"$(rm -rf /)\"\n}\n".into()),
    );
    d.auth = AuthDef::Bearer {
        token: "tok-'secret'".into(),
    };
    round_trip(&prep(&d)).await;

    // A body no quoted string can carry: piped through printf.
    let binary = with_body(
        req("POST", &url),
        Body::Text {
            text: "-a\u{1}b\r\n%s\\0 'q' ü".into(),
            content_type: Some("application/octet-stream".into()),
        },
    );
    round_trip(&prep(&binary)).await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("it's; notes.txt");
    std::fs::write(&file, "line one\nline two\n").unwrap();
    let part = |name: &str, value: Option<&str>, file: Option<&Path>, ct: Option<&str>| Part {
        name: name.into(),
        value: value.map(str::to_string),
        file: file.map(|f| f.to_string_lossy().into_owned()),
        content_type: ct.map(str::to_string),
        enabled: true,
    };
    let multipart = with_body(
        req("POST", &url),
        Body::Multipart(vec![
            part("bio", Some("@not-a-file; it's, \"quoted\""), None, None),
            part("meta", Some("{\"a\": 1}"), None, Some("application/json")),
            part("notes", None, Some(&file), None),
        ]),
    );
    round_trip(&prep(&multipart)).await;

    let mut file_body = with_body(
        req("PATCH", &url),
        Body::File {
            path: file.to_string_lossy().into_owned(),
            content_type: None,
        },
    );
    file_body.options.follow_redirects = Some(false);
    round_trip(&prep(&file_body)).await;
}

#[test]
fn export_masks_a_dotenv_secret_unless_asked() {
    let canary = format!("canary-{}", uuid::Uuid::new_v4().simple());
    let tmp = tempfile::tempdir().unwrap();
    let coll = tmp.path().join("demo");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/demo"), &coll);
    std::fs::write(coll.join(".env"), format!("DEMO_TOKEN={canary}\n")).unwrap();
    std::fs::write(
        coll.join("echo/secret-echo.toml"),
        "name = \"Secret echo\"\nmethod = \"POST\"\nurl = \"{{base_url}}/echo\"\n\n[query]\nkey = \"{{env.DEMO_TOKEN}}\"\n\n[headers]\nX-Token = \"{{env.DEMO_TOKEN}}\"\n\n[body]\njson = '{\"token\": \"{{env.DEMO_TOKEN}}\"}'\n",
    )
    .unwrap();
    let export = |rel: &str, extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_apix"))
            .args(["export", "curl", coll.join(rel).to_str().unwrap()])
            .args(extra)
            .env("APIX_DATA_DIR", tmp.path().join("data"))
            .env("APIX_CONFIG_DIR", tmp.path().join("config"))
            .env_remove("DEMO_TOKEN")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for rel in ["echo/secret-echo.toml", "auth/bearer-from-env.toml"] {
        let (stdout, stderr) = export(rel, &[]);
        assert!(stdout.starts_with("curl "), "{stdout}");
        assert!(
            !stdout.contains(&canary) && !stderr.contains(&canary),
            "masked by default:\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains(MASK), "{stdout}");
        let (stdout, _) = export(rel, &["--reveal-secrets", "--env", "standalone"]);
        assert!(stdout.contains(&canary), "revealed on request:\n{stdout}");
        assert!(stdout.contains("'http://127.0.0.1:8787/"), "{stdout}");
    }
    let (stdout, _) = export("echo/secret-echo.toml", &["--var", "base_url=http://example.test"]);
    assert!(stdout.contains("'http://example.test/echo?key="), "{stdout}");
}

#[test]
fn a_masked_export_does_not_need_the_secret_to_be_set() {
    let tmp = tempfile::tempdir().unwrap();
    let coll = tmp.path().join("demo");
    std::fs::create_dir_all(&coll).unwrap();
    std::fs::write(coll.join("collection.toml"), "name = \"d\"\n").unwrap();
    std::fs::write(
        coll.join("r.toml"),
        "url = \"http://127.0.0.1:1/x\"\n\n[auth]\ntype = \"bearer\"\ntoken = \"{{env.APIX_SURELY_UNSET_TOKEN}}\"\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args: Vec<String> = vec!["export".into(), "curl".into(), coll.join("r.toml").to_str().unwrap().to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        std::process::Command::new(env!("CARGO_BIN_EXE_apix"))
            .args(&args)
            .env("APIX_DATA_DIR", tmp.path().join("data"))
            .env_remove("APIX_SURELY_UNSET_TOKEN")
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Authorization: Bearer ••••••"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run(&["--reveal-secrets"]);
    assert_eq!(out.status.code(), Some(1), "revealing needs the real value");
    assert!(String::from_utf8_lossy(&out.stderr).contains("APIX_SURELY_UNSET_TOKEN"));
}
