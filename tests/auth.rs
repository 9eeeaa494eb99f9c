//! Stored auth end to end on loopback against the demo server: Digest, AWS SigV4, OAuth 2.0 (client credentials,
//! authorization code with PKCE, device code, refresh after expiry), wrong secrets, a denied authorization, and
//! inheritance with override. Collections are real files in temp dirs; tokens go to a temp token dir.

mod auth_support;

use std::sync::Arc;
use std::time::Duration;

use apix::core::auth::{self, AuthErrorKind};
use apix::server::DemoServer;
use auth_support::{body, collection, write, Absent, Browser, Run};
use tokio_util::sync::CancellationToken;

const OAUTH_CC: &str = "[auth]\ntype = \"oauth2\"\ngrant = \"client_credentials\"\ntoken_url = \"{{base_url}}/oauth/token\"\nclient_id = \"{{client_id}}\"\nclient_secret = \"{{client_secret}}\"\nscopes = [\"read\", \"write\"]\n";

fn setup(server: &DemoServer, collection_toml: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = collection(dir.path(), &server.url(), collection_toml);
    (dir, root)
}

#[tokio::test]
async fn digest_and_aws_sign_at_send_time_and_wrong_secrets_are_refused() {
    let server = DemoServer::start(0).unwrap();
    let (dir, root) = setup(&server, "name = \"api\"\n");
    let digest = "[auth]\ntype = \"digest\"\nusername = \"demo\"\npassword = \"{{env.DEMO_PASSWORD}}\"\n";
    write(
        &root,
        "digest.toml",
        &format!("url = \"{{{{base_url}}}}/auth/digest?x=1\"\n{digest}"),
    );
    write(
        &root,
        "digest-md5.toml",
        &format!("url = \"{{{{base_url}}}}/auth/digest?algorithm=MD5\"\n{digest}"),
    );
    write(
        &root,
        "digest-wrong.toml",
        "url = \"{{base_url}}/auth/digest\"\n[auth]\ntype = \"digest\"\nusername = \"demo\"\npassword = \"{{env.WRONG_SECRET}}\"\n",
    );
    let aws = |secret: &str| {
        format!("method = \"POST\"\nurl = \"{{{{base_url}}}}/auth/aws?b=2&a=1\"\n[body]\njson = '{{\"signed\": true}}'\n[auth]\ntype = \"aws\"\naccess_key = \"AKIDAPIXDEMO\"\nsecret_key = \"{{{{env.{secret}}}}}\"\nsession_token = \"session-123\"\nregion = \"us-east-1\"\nservice = \"demo\"\n")
    };
    write(&root, "aws.toml", &aws("AWS_SECRET"));
    write(&root, "aws-wrong.toml", &aws("WRONG_SECRET"));
    let run = Run::new(&root, &dir.path().join("tokens"));

    for rel in ["digest.toml", "digest-md5.toml"] {
        let (p, x) = run.send(rel, None).await.unwrap();
        assert_eq!(x.response.status, 200, "{rel}: {}", body(&x));
        assert!(p.pending_auth.is_none());
        let auth = x.request.headers.iter().find(|(k, _)| k == "Authorization").unwrap();
        assert_eq!(auth.1, "Digest ••••••", "masked in the record");
    }
    let (_, x) = run.send("digest-wrong.toml", None).await.unwrap();
    assert_eq!(x.response.status, 401, "the server refuses a wrong password");

    let (p, x) = run.send("aws.toml", None).await.unwrap();
    assert_eq!(x.response.status, 200, "{}", body(&x));
    assert_eq!(
        body(&x)["signed_headers"],
        serde_json::json!(["content-type", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"])
    );
    assert!(p.secrets.contains(&"apix-demo-aws-secret".to_string()) && p.secrets.contains(&"session-123".to_string()));
    let (_, x) = run.send("aws-wrong.toml", None).await.unwrap();
    assert_eq!(x.response.status, 403);
    assert_eq!(body(&x)["code"], "SignatureDoesNotMatch");
}

#[tokio::test]
async fn client_credentials_cache_then_refresh_after_expiry() {
    let server = DemoServer::start(0).unwrap();
    let (dir, root) = setup(&server, "name = \"api\"\n");
    let short = OAUTH_CC.replace("/oauth/token", "/oauth/token?ttl=1");
    write(&root, "me.toml", &format!("url = \"{{{{base_url}}}}/oauth/protected\"\n{short}"));
    let run = Run::new(&root, &dir.path().join("tokens"));

    let (p, x) = run.send("me.toml", None).await.unwrap();
    assert_eq!(x.response.status, 200, "{}", body(&x));
    assert_eq!(body(&x)["scopes"], serde_json::json!(["read", "write"]));
    let ctx = run.ctx(None);
    // Token actions work on a freshly prepared request (authorize consumes `pending_auth`).
    let fresh = run.prepare("me.toml");
    let status = auth::token_status(&fresh, &ctx).expect("cached");
    assert!(status.refreshable && status.valid_until.is_some());
    assert!(status.summary().contains("scopes: read write"), "{}", status.summary());
    let first_token = p.headers.iter().find(|(k, _)| k == "Authorization").unwrap().1.clone();
    assert!(
        p.secrets.iter().any(|s| first_token.ends_with(s.as_str())),
        "the token is a secret of the prepared request"
    );

    let files: Vec<_> = std::fs::read_dir(dir.path().join("tokens")).unwrap().flatten().collect();
    assert_eq!(files.len(), 1, "one cache file per collection + environment + config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(files[0].metadata().unwrap().permissions().mode() & 0o777, 0o600);
    }
    let collection_text: String = ["collection.toml", "me.toml", "environments/staging.toml"]
        .iter()
        .map(|f| std::fs::read_to_string(root.join(f)).unwrap())
        .collect();
    assert!(
        !collection_text.contains(first_token.trim_start_matches("Bearer ")),
        "never in the collection"
    );

    // Wait for the 1-second token to expire (a condition, polled), then send again: refreshed first.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while auth::token_status(&fresh, &ctx).is_some_and(|s| s.fresh) {
        assert!(std::time::Instant::now() < deadline, "the token never expired");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (p2, x2) = run.send("me.toml", None).await.unwrap();
    assert_eq!(x2.response.status, 200, "the refreshed token is accepted: {}", body(&x2));
    let second = p2.headers.iter().find(|(k, _)| k == "Authorization").unwrap().1.clone();
    assert_ne!(first_token, second, "a new access token");

    // The old token expires at the provider too (its clock is finer than the cache's seconds), so the refresh
    // really mattered.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let old = reqwest::Client::new()
            .get(format!("{}/oauth/protected", server.url()))
            .header("Authorization", &first_token)
            .send()
            .await
            .unwrap();
        if old.status() == 401 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the old token never expired at the provider");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    assert!(auth::logout(&fresh, &ctx).unwrap(), "forget");
    assert!(auth::token_status(&fresh, &ctx).is_none());
}

#[tokio::test]
async fn wrong_client_secret_names_the_step_and_what_to_check() {
    let server = DemoServer::start(0).unwrap();
    let (dir, root) = setup(&server, "name = \"api\"\n");
    let wrong = OAUTH_CC.replace("{{client_secret}}", "{{env.WRONG_SECRET}}");
    write(&root, "me.toml", &format!("url = \"{{{{base_url}}}}/oauth/protected\"\n{wrong}"));
    let run = Run::new(&root, &dir.path().join("tokens"));
    let e = run.send("me.toml", None).await.unwrap_err();
    assert_eq!(e.kind, AuthErrorKind::Rejected);
    let msg = e.to_string();
    assert!(
        msg.starts_with("token endpoint returned 401 invalid_client")
            && msg.ends_with(": check client_id and client_secret in environment `staging`"),
        "{msg}"
    );
    assert!(!msg.contains("not-the-secret"), "the secret is not in the message");

    let refused = OAUTH_CC.replace("\"write\"", "\"forbidden\"");
    write(
        &root,
        "scope.toml",
        &format!("url = \"{{{{base_url}}}}/oauth/protected\"\n{refused}"),
    );
    let run = Run::new(&root, &dir.path().join("tokens"));
    let e = run.send("scope.toml", None).await.unwrap_err();
    assert!(
        e.to_string().contains("invalid_scope") && e.to_string().contains("check `scopes`"),
        "{e}"
    );
}

fn code_flow(server: &DemoServer, deny: bool) -> String {
    let q = if deny { "?decision=deny" } else { "" };
    let _ = server;
    format!(
        "url = \"{{{{base_url}}}}/oauth/protected\"\n[auth]\ntype = \"oauth2\"\ngrant = \"authorization_code\"\nauth_url = \"{{{{base_url}}}}/oauth/authorize{q}\"\ntoken_url = \"{{{{base_url}}}}/oauth/token\"\nclient_id = \"apix-demo-public\"\nscopes = [\"read\"]\n"
    )
}

#[tokio::test]
async fn authorization_code_with_pkce_by_redirect_or_paste_and_denied() {
    let server = DemoServer::start(0).unwrap();
    let (dir, root) = setup(&server, "name = \"api\"\n");
    write(&root, "code.toml", &code_flow(&server, false));
    write(&root, "denied.toml", &code_flow(&server, true));
    let run = Run::new(&root, &dir.path().join("tokens"));

    // Without a way to reach the user there is no token yet: say how to log in.
    let e = run.send("code.toml", None).await.unwrap_err();
    assert_eq!(e.kind, AuthErrorKind::NeedsLogin);
    assert!(e.to_string().contains("apix auth login"), "{e}");

    let browser = Browser::new(false);
    let (_, x) = run.send("code.toml", Some(browser.clone())).await.unwrap();
    assert_eq!(x.response.status, 200, "{}", body(&x));
    let url = browser.seen.lock().unwrap()[0].clone();
    assert!(
        url.contains("code_challenge_method=S256") && url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"),
        "{url}"
    );
    // The cached token serves the next send without the user.
    let (_, x) = run.send("code.toml", None).await.unwrap();
    assert_eq!(x.response.status, 200);

    // Over SSH: the user pastes the redirected URL.
    let p = run.prepare("code.toml");
    let pasted = Browser::new(true);
    let status = auth::login(&p, &run.ctx(Some(pasted.clone())), Default::default()).await.unwrap();
    assert!(status.fresh && status.refreshable);

    let e = run.send("denied.toml", Some(Browser::new(false))).await.unwrap_err();
    assert_eq!(e.kind, AuthErrorKind::Denied);
    assert!(e.to_string().starts_with("authorization was denied: access_denied"), "{e}");
}

#[tokio::test]
async fn a_redirect_that_never_comes_times_out_with_the_port() {
    let server = DemoServer::start(0).unwrap();
    let (dir, root) = setup(&server, "name = \"api\"\n");
    write(
        &root,
        "code.toml",
        &code_flow(&server, false).replace("scopes", "redirect_port = 0\nscopes"),
    );
    let run = Run::new(&root, &dir.path().join("tokens"));
    let mut p = run.prepare("code.toml");
    let mut ctx = run.ctx(Some(std::sync::Arc::new(Absent)));
    ctx.redirect_timeout = Duration::from_secs(1);
    let e = auth::authorize(&mut p, &ctx, Default::default()).await.unwrap_err();
    assert_eq!(e.kind, AuthErrorKind::Timeout);
    let msg = e.to_string();
    assert!(
        msg.starts_with("authorization redirect never arrived on 127.0.0.1:") && msg.contains("within 1 s"),
        "{msg}"
    );
}

#[tokio::test]
async fn device_flow_polls_until_approved() {
    let server = DemoServer::start(0).unwrap();
    let (dir, root) = setup(&server, "name = \"api\"\n");
    write(
        &root,
        "device.toml",
        "url = \"{{base_url}}/oauth/protected\"\n[auth]\ntype = \"oauth2\"\ngrant = \"device_code\"\ndevice_url = \"{{base_url}}/oauth/device\"\ntoken_url = \"{{base_url}}/oauth/token\"\nclient_id = \"apix-demo-public\"\nscopes = \"read profile\"\n",
    );
    let run = Run::new(&root, &dir.path().join("tokens"));
    let user = Browser::new(false);
    let (_, x) = run.send("device.toml", Some(user.clone())).await.unwrap();
    assert_eq!(x.response.status, 200, "{}", body(&x));
    assert_eq!(body(&x)["scopes"], serde_json::json!(["read", "profile"]));
    assert_eq!(user.seen.lock().unwrap().len(), 1, "the user code was shown once");
}

#[tokio::test]
async fn a_refused_refresh_token_is_forgotten_by_the_refresh_action() {
    let server = DemoServer::start(0).unwrap();
    let (dir, root) = setup(&server, "name = \"api\"\n");
    write(&root, "me.toml", &format!("url = \"{{{{base_url}}}}/oauth/protected\"\n{OAUTH_CC}"));
    let run = Run::new(&root, &dir.path().join("tokens"));
    run.send("me.toml", None).await.unwrap();
    // The provider no longer knows the refresh token (revoked, rotated elsewhere).
    let file = std::fs::read_dir(dir.path().join("tokens"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let mut token: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    token["refresh_token"] = "revoked-refresh-token".into();
    std::fs::write(&file, token.to_string()).unwrap();
    let p = run.prepare("me.toml");
    let ctx = run.ctx(None);
    assert!(auth::token_status(&p, &ctx).unwrap().refreshable);
    let e = auth::refresh(&p, &ctx, CancellationToken::new()).await.unwrap_err();
    assert_eq!(e.kind, AuthErrorKind::Rejected, "{e}");
    assert!(
        auth::token_status(&p, &ctx).is_none(),
        "the dead token is gone, not called refreshable"
    );
}

#[tokio::test]
async fn device_flow_that_nobody_approves_says_apix_stopped_waiting() {
    let server = DemoServer::start(0).unwrap();
    let (dir, root) = setup(&server, "name = \"api\"\n");
    write(
        &root,
        "device.toml",
        "url = \"{{base_url}}/oauth/protected\"\n[auth]\ntype = \"oauth2\"\ngrant = \"device_code\"\ndevice_url = \"{{base_url}}/oauth/device?expires_in=2\"\ntoken_url = \"{{base_url}}/oauth/token\"\nclient_id = \"apix-demo-public\"\n",
    );
    let run = Run::new(&root, &dir.path().join("tokens"));
    let e = run.send("device.toml", Some(Arc::new(Absent))).await.unwrap_err();
    assert_eq!(e.kind, AuthErrorKind::Timeout, "{e}");
    let msg = e.to_string();
    assert!(msg.contains("apix stopped waiting") && !msg.contains("returned 400"), "{msg}");
}

#[tokio::test]
async fn inheritance_collection_folder_request_with_override_and_none() {
    let server = DemoServer::start(0).unwrap();
    let (dir, root) = setup(&server, &format!("name = \"api\"\n{OAUTH_CC}"));
    write(&root, "me.toml", "url = \"{{base_url}}/oauth/protected\"\n");
    write(
        &root,
        "legacy/folder.toml",
        "[auth]\ntype = \"digest\"\nusername = \"demo\"\npassword = \"{{env.DEMO_PASSWORD}}\"\n",
    );
    write(
        &root,
        "legacy/inherits.toml",
        "url = \"{{base_url}}/auth/digest\"\n[auth]\ntype = \"inherit\"\n",
    );
    write(
        &root,
        "legacy/own.toml",
        "url = \"{{base_url}}/auth/bearer\"\n[auth]\ntype = \"bearer\"\ntoken = \"demo-token\"\n",
    );
    write(
        &root,
        "legacy/none.toml",
        "url = \"{{base_url}}/auth/digest\"\n[auth]\ntype = \"none\"\n",
    );
    let run = Run::new(&root, &dir.path().join("tokens"));

    let (p, x) = run.send("me.toml", None).await.unwrap();
    assert_eq!((p.auth_origin.as_deref(), x.response.status), (Some("collection"), 200));
    let (p, x) = run.send("legacy/inherits.toml", None).await.unwrap();
    assert_eq!((p.auth_origin.as_deref(), x.response.status), (Some("folder legacy"), 200));
    let (p, x) = run.send("legacy/own.toml", None).await.unwrap();
    assert_eq!((p.auth_origin.as_deref(), x.response.status), (Some("request"), 200));
    let (p, x) = run.send("legacy/none.toml", None).await.unwrap();
    assert_eq!((p.auth_origin.as_deref(), x.response.status), (None, 401));
    assert!(!p.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("authorization")));
}

#[tokio::test]
async fn sending_without_the_auth_step_is_an_error_not_a_silent_401() {
    let server = DemoServer::start(0).unwrap();
    let (dir, root) = setup(&server, "name = \"api\"\n");
    write(
        &root,
        "d.toml",
        "url = \"{{base_url}}/auth/digest\"\n[auth]\ntype = \"digest\"\nusername = \"demo\"\npassword = \"x\"\n",
    );
    let run = Run::new(&root, &dir.path().join("tokens"));
    let p = run.prepare("d.toml");
    let e = apix::core::http::send(&p, Default::default(), None).await.unwrap_err();
    assert!(e.to_string().contains("core::auth::authorize"), "{e}");
}

#[test]
fn new_auth_types_parse_strictly_and_save_round_trip() {
    use apix::core::collection::{create_request, load_collection, AuthDef, AwsAuth, ClientAuth, OAuth2Auth, OAuthGrant, RequestDef};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("api");
    write(&root, "collection.toml", "name = \"api\"\n[commands]\ntok = \"pass show x\"\n");
    write(&root, "typo.toml", "url = \"https://x\"\n[auth]\ntype = \"oauth2\"\ntoken_url = \"https://id/token\"\nclient_id = \"c\"\nclient_secert = \"{{env.S}}\"\n");
    write(
        &root,
        "grant.toml",
        "url = \"https://x\"\n[auth]\ntype = \"oauth2\"\ngrant = \"device\"\ntoken_url = \"https://id/token\"\nclient_id = \"c\"\n",
    );
    write(&root, "sub/folder.toml", "[commands]\nx = \"y\"\n");
    let c = load_collection(&root);
    let shown: Vec<String> = c.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        shown.iter().any(
            |d| d.contains("typo.toml:6:1: error: unknown key `client_secert` in [auth] of type oauth2")
                && d.contains("did you mean `client_secret`?")
        ),
        "{shown:#?}"
    );
    assert!(
        shown.iter().any(
            |d| d.contains("`grant` cannot be \"device\"") && d.contains("one of: client_credentials, authorization_code, device_code")
        ),
        "{shown:#?}"
    );
    assert!(
        shown.iter().any(|d| d.contains("unknown key `commands` in folder.toml")),
        "{shown:#?}"
    );
    assert_eq!(c.command("tok"), Some("pass show x"));

    let auths = [
        AuthDef::Digest {
            username: "u".into(),
            password: "{{env.P}}".into(),
        },
        AuthDef::Aws(AwsAuth {
            access_key: "{{env.AK}}".into(),
            secret_key: "{{env.SK}}".into(),
            session_token: Some("{{env.ST}}".into()),
            region: "eu-west-1".into(),
            service: "s3".into(),
        }),
        AuthDef::OAuth2(OAuth2Auth {
            grant: OAuthGrant::AuthorizationCode,
            token_url: "https://id/token".into(),
            auth_url: Some("https://id/authorize".into()),
            device_url: None,
            client_id: "{{client_id}}".into(),
            client_secret: Some("{{env.CS}}".into()),
            scopes: vec!["read".into(), "write".into()],
            redirect_port: Some(8910),
            client_auth: ClientAuth::Body,
        }),
    ];
    for (i, auth) in auths.into_iter().enumerate() {
        let path = root.join(format!("new-{i}.toml"));
        let mut def = RequestDef::new(path.clone(), format!("New {i}"));
        def.url = "https://x".into();
        def.auth = auth;
        create_request(&def).unwrap();
        let c = load_collection(&root);
        let loaded = c
            .find_request(&path)
            .unwrap_or_else(|| panic!("{}", std::fs::read_to_string(&path).unwrap()));
        assert_eq!(loaded, &def, "{}", std::fs::read_to_string(&path).unwrap());
    }
}
