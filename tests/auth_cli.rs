//! The auth commands through the real binary: `apix check` literal-credential warnings, the trust prompt for
//! `{{cmd.NAME}}` sources, `apix trust`, `apix auth login|status|logout`, and the OS keyring source.

mod auth_support;

use std::path::Path;
use std::process::{Command, Output};

use apix::core::collection::load_collection;
use apix::core::http::PrepareContext;
use apix::server::DemoServer;
use auth_support::{collection, write};

fn apix(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(args)
        .env("APIX_DATA_DIR", data)
        .env("APIX_CONFIG_DIR", data.join("config"))
        .env("APIX_CACHE_DIR", data.join("cache"))
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn check_warns_about_literal_credentials_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("api");
    write(
        &root,
        "collection.toml",
        "name = \"api\"\n[auth]\ntype = \"bearer\"\ntoken = \"{{env.TOKEN}}\"\n",
    );
    write(
        &root,
        "environments/prod.toml",
        "base_url = \"https://x\"\nclient_secret = \"s3cr3t-value\"\n",
    );
    write(
        &root,
        "leak.toml",
        "url = \"{{base_url}}/x\"\n\n[headers]\nAuthorization = \"Bearer abcdefghijklmnopqrstuvwxyz\"\n",
    );
    let out = apix(dir.path(), &["check", dir.path().to_str().unwrap()]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "warnings do not fail the check: {t}");
    assert!(
        t.contains("environments/prod.toml:2:17: warning: `client_secret` holds a credential written literally"),
        "{t}"
    );
    assert!(t.contains("leak.toml:4:17: warning: `headers.Authorization`"), "{t}");
    assert!(!t.contains("collection.toml:"), "a reference is fine: {t}");
}

fn cmd_collection(dir: &Path, base: &str, command: &str) -> std::path::PathBuf {
    let root = collection(dir, base, &format!("name = \"api\"\n[commands]\ntoken = \"{command}\"\n"));
    write(
        &root,
        "bearer.toml",
        "url = \"{{base_url}}/auth/bearer\"\n[auth]\ntype = \"bearer\"\ntoken = \"{{cmd.token}}\"\n",
    );
    root
}

#[tokio::test(flavor = "multi_thread")]
async fn command_sources_run_only_once_trusted() {
    let server = DemoServer::start(0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let root = cmd_collection(dir.path(), &server.url(), "printf demo-token");
    let file = root.join("bearer.toml");
    let file = file.to_str().unwrap();

    // No terminal: refuse, and say how to trust.
    let out = apix(&data, &["send", file, "--env", "staging"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("needs the command `printf demo-token`") && t.contains("is not trusted"),
        "{t}"
    );
    assert!(t.contains("apix trust"), "{t}");

    let out = apix(&data, &["trust", root.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(std::fs::read_to_string(data.join("trust.json"))
        .unwrap()
        .contains("printf demo-token"));
    let out = apix(&data, &["send", file, "--env", "staging"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"authenticated\":true"));

    // A changed command (e.g. from a git pull) is not trusted.
    write(
        &root,
        "collection.toml",
        "name = \"api\"\n[commands]\ntoken = \"printf demo-token; echo pwned >&2\"\n",
    );
    let out = apix(&data, &["send", file, "--env", "staging"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    let out = apix(&data, &["trust", root.to_str().unwrap(), "--revoke"]);
    assert!(text(&out).contains("forgot 1 trusted command"), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_trust_prompt_asks_once_and_remembers_the_answer() {
    let server = DemoServer::start(0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The trust store lives in the data dir; this test binary points it at a temp dir.
    std::env::set_var("APIX_DATA_DIR", dir.path().join("data"));
    let root = cmd_collection(dir.path(), &server.url(), "printf demo-token");
    let c = load_collection(&root);
    let def = c.find_request(&root.join("bearer.toml")).unwrap();
    let session = apix::core::pipeline::Session::default();
    let target = apix::core::pipeline::Target {
        collection: Some(&c),
        environment: Some("staging"),
        overrides: &[],
        def,
    };
    let send = apix::core::pipeline::Mode::Send;
    let mut asked = Vec::new();
    let e = session
        .prepare(&target, send, &mut |q| {
            asked.push(q.question());
            Some(false)
        })
        .unwrap_err();
    assert!(e.to_string().contains("not trusted"), "{e}");
    assert!(matches!(e, apix::core::pipeline::SendError::Trust { declined: true, .. }), "{e:?}");
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].starts_with("Collection ") && asked[0].ends_with("wants to run `printf demo-token` to get secret token. Trust it? [y/N] "),
        "{}",
        asked[0]
    );
    // Nobody to ask (no terminal): not trusted, and not declined either; the fix names `apix trust`.
    let e = session.prepare(&target, send, &mut |_| None).unwrap_err();
    assert!(matches!(e, apix::core::pipeline::SendError::Trust { declined: false, .. }), "{e:?}");
    assert!(e.fix().unwrap().text().contains("apix trust"), "{:?}", e.fix());
    // A masked preview neither asks nor runs the command: the secret shows masked.
    let masked = session
        .prepare(&target, apix::core::pipeline::Mode::MaskedPreview, &mut |_| {
            panic!("a preview asked")
        })
        .unwrap();
    assert!(
        masked
            .prepared
            .headers
            .contains(&("Authorization".into(), format!("Bearer {}", apix::core::template::MASK))),
        "{:?}",
        masked.prepared.headers
    );

    let p = session.prepare(&target, send, &mut |_| Some(true)).unwrap().prepared;
    assert!(p.headers.contains(&("Authorization".into(), "Bearer demo-token".into())));
    assert!(p.secrets.contains(&"demo-token".to_string()), "command output is a secret");
    // Remembered: no question the second time.
    let again = session.prepare(&target, send, &mut |_| panic!("asked twice"));
    assert!(again.is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_login_status_logout_from_the_cli() {
    let server = DemoServer::start(0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let root = collection(
        dir.path(),
        &server.url(),
        "name = \"api\"\n[auth]\ntype = \"oauth2\"\ngrant = \"client_credentials\"\ntoken_url = \"{{base_url}}/oauth/token\"\nclient_id = \"{{client_id}}\"\nclient_secret = \"{{client_secret}}\"\nscopes = [\"read\"]\n",
    );
    write(&root, "me.toml", "url = \"{{base_url}}/oauth/protected\"\n");
    let file = root.join("me.toml");
    let file = file.to_str().unwrap();

    let status = apix(&data, &["auth", "status", file]);
    assert!(text(&status).contains("no token cached"), "{}", text(&status));
    let login = apix(&data, &["auth", "login", file]);
    let t = text(&login);
    assert_eq!(login.status.code(), Some(0), "{t}");
    assert!(
        t.contains("token obtained (environment `staging`): valid until") && t.contains("scopes: read"),
        "{t}"
    );
    let send = apix(&data, &["send", file]);
    assert_eq!(send.status.code(), Some(0), "{}", text(&send));
    let status = apix(&data, &["auth", "status", file]);
    assert!(
        text(&status).contains("oauth2 client_credentials (environment `staging`): valid until"),
        "{}",
        text(&status)
    );
    let refresh = apix(&data, &["auth", "refresh", file]);
    assert!(text(&refresh).contains("token refreshed"), "{}", text(&refresh));
    let logout = apix(&data, &["auth", "logout", file]);
    assert!(text(&logout).contains("forgot the cached token"), "{}", text(&logout));
    // Tokens never reach the output.
    for o in [&login, &status, &refresh, &logout] {
        assert!(!text(o).contains("at-"), "{}", text(o));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keyring_secrets_are_resolved_and_masked() {
    let server = DemoServer::start(0).unwrap();
    std::env::set_var("APIX_KEYRING_SERVICE", format!("apix-test-{}", uuid::Uuid::new_v4().simple()));
    if let Err(e) = apix::core::template::sources::keyring_set("demo_token", "demo-token") {
        eprintln!("the OS keyring is not available on this machine, skipping: {}", e.message);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = collection(dir.path(), &server.url(), "name = \"api\"\n");
    write(
        &root,
        "kr.toml",
        "url = \"{{base_url}}/auth/bearer\"\n[auth]\ntype = \"bearer\"\ntoken = \"{{keyring.demo_token}}\"\n",
    );
    let run = auth_support::Run::new(&root, &dir.path().join("tokens"));
    let (p, x) = run.send("kr.toml", None).await.unwrap();
    assert_eq!(x.response.status, 200);
    assert!(p.secrets.contains(&"demo-token".to_string()));
    assert!(!format!("{:?}", x.request).contains("demo-token"), "masked in the record");
    assert!(apix::core::template::sources::keyring_delete("demo_token").unwrap());
    let c = load_collection(&root);
    let ctx = PrepareContext {
        collection: Some(&c),
        environment: c.environment("staging"),
        ..Default::default()
    };
    let e = apix::core::http::prepare(&ctx, c.find_request(&root.join("kr.toml")).unwrap()).unwrap_err();
    assert!(e.to_string().contains("no secret `demo_token` in the OS keyring"), "{e}");
    assert!(e.hint().unwrap_or_default().contains("apix secret set demo_token"));
}
