//! Preparing requests from a collection on disk: variable precedence across files, secrets from .env, and
//! errors that name the variable, the environment searched and every place using it.

mod common;

use std::fs;
use std::path::Path;

use apix::core::collection::load_collection;
use apix::core::http::{prepare, PrepareContext, PrepareError, PreparedBody};

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn sample() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("shop");
    write(&root, "collection.toml", "name = \"Shop\"\n[vars]\nbase_url = \"http://collection.example\"\nversion = \"v1\"\n[headers]\nAccept = \"application/json\"\nX-Client = \"apix\"\n[auth]\ntype = \"bearer\"\ntoken = \"{{env.SHOP_TOKEN}}\"\n");
    write(&root, ".env", "SHOP_TOKEN=tok-from-dotenv\n");
    write(
        &root,
        "environments/staging.toml",
        "base_url = \"https://staging.example\"\nuser_id = \"42\"\n",
    );
    write(&root, "environments/empty.toml", "other = \"x\"\n");
    write(&root, "orders/folder.toml", "[vars]\nversion = \"v2\"\n[headers]\nX-Client = \"orders-folder\"\n[auth]\ntype = \"apikey\"\nname = \"X-Api-Key\"\nvalue = \"{{env.SHOP_TOKEN}}\"\n");
    write(
        &root,
        "orders/get.toml",
        "name = \"Get order\"\nurl = \"{{base_url}}/{{version}}/orders/{{user_id}}\"\n[query]\nq = \"{{version}}\"\n",
    );
    write(
        &root,
        "orders/public.toml",
        "url = \"{{base_url}}/public\"\n[auth]\ntype = \"none\"\n",
    );
    write(&root, "users/get.toml", "url = \"{{base_url}}/{{version}}/users/{{user_id}}\"\n[headers]\nX-Client = \"request\"\n[body]\njson = '{\"id\": \"{{user_id}}\"}'\n");
    write(&root, "users/list.toml", "url = \"{{base_url}}/users?limit={{page_size}}\"\n");
    d
}

#[test]
fn values_merge_across_layers_with_auth_and_headers_inherited() {
    let d = sample();
    let c = load_collection(&d.path().join("shop"));
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    let env = c.environment("staging");
    let overrides = vec![("user_id".to_string(), "7".to_string())];
    let ctx = PrepareContext {
        collection: Some(&c),
        environment: env,
        overrides: &overrides,
        demo_url: None,
        masked_preview: false,
        secrets: None,
        trust: None,
    };

    let get = c.find_request(&d.path().join("shop/orders/get.toml")).unwrap();
    let p = prepare(&ctx, get).unwrap();
    assert_eq!(
        p.url.as_str(),
        "https://staging.example/v2/orders/7?q=v2",
        "override > env > folder > collection"
    );
    assert_eq!(p.auth_origin.as_deref(), Some("folder orders"));
    let h = |name: &str| {
        p.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(h("X-Api-Key"), ["tok-from-dotenv"]);
    assert_eq!(h("X-Client"), ["orders-folder"], "the folder's header replaces the collection's");
    assert_eq!(h("Accept"), ["application/json"]);
    assert!(
        h("Authorization").is_empty(),
        "the folder's API key replaces the collection's bearer"
    );
    assert!(p.secrets.contains(&"tok-from-dotenv".to_string()));

    let users = c.find_request(&d.path().join("shop/users/get.toml")).unwrap();
    let p = prepare(&ctx, users).unwrap();
    assert_eq!(p.auth_origin.as_deref(), Some("collection"));
    let auth: Vec<&str> = p
        .headers
        .iter()
        .filter(|(k, _)| k == "Authorization")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(auth, ["Bearer tok-from-dotenv"]);
    assert!(p.headers.contains(&("X-Client".into(), "request".into())));
    assert_eq!(p.body, PreparedBody::Bytes(b"{\"id\": \"7\"}".to_vec()));
    assert!(p.headers.contains(&("Content-Type".into(), "application/json".into())));

    let public = c.find_request(&d.path().join("shop/orders/public.toml")).unwrap();
    let p = prepare(&ctx, public).unwrap();
    assert_eq!(p.auth_origin, None);
    assert!(!p.headers.iter().any(|(k, _)| k == "Authorization" || k == "X-Api-Key"));
}

#[test]
fn unknown_variable_names_variable_environment_and_every_use() {
    let d = sample();
    let c = load_collection(&d.path().join("shop"));
    let ctx = PrepareContext {
        collection: Some(&c),
        environment: c.environment("empty"),
        overrides: &[],
        demo_url: None,
        masked_preview: false,
        secrets: None,
        trust: None,
    };
    let get = c.find_request(&d.path().join("shop/orders/get.toml")).unwrap();
    let e = prepare(&ctx, get).unwrap_err();
    let PrepareError::Template(t) = &e else { panic!("{e:?}") };
    assert_eq!(t.variable(), Some("user_id"));
    let msg = e.to_string();
    assert!(
        msg.starts_with("unknown variable `user_id` in url of shop/orders/get.toml"),
        "{msg}"
    );
    assert!(
        msg.contains("environment `empty`") && msg.contains("folder `orders`") && msg.contains("collection [vars]"),
        "{msg}"
    );
    let hint = e.hint().unwrap();
    assert!(hint.contains("environments/empty.toml"), "{hint}");
    assert!(
        hint.contains("shop/users/get.toml (url)") && hint.contains("shop/users/get.toml (body)"),
        "every other use: {hint}"
    );

    let list = c.find_request(&d.path().join("shop/users/list.toml")).unwrap();
    let ctx = PrepareContext {
        collection: Some(&c),
        environment: c.environment("staging"),
        overrides: &[],
        demo_url: None,
        masked_preview: false,
        secrets: None,
        trust: None,
    };
    let e = prepare(&ctx, list).unwrap_err();
    assert!(e.to_string().contains("`page_size`"), "{e}");
}

#[test]
fn missing_secret_says_where_to_put_it() {
    let d = sample();
    fs::remove_file(d.path().join("shop/.env")).unwrap();
    let c = load_collection(&d.path().join("shop"));
    let ctx = PrepareContext {
        collection: Some(&c),
        environment: c.environment("staging"),
        overrides: &[],
        demo_url: None,
        masked_preview: false,
        secrets: None,
        trust: None,
    };
    let get = c.find_request(&d.path().join("shop/users/get.toml")).unwrap();
    let e = prepare(&ctx, get).unwrap_err();
    assert_eq!(
        e.to_string(),
        "secret `env.SHOP_TOKEN` used in auth token of shop/users/get.toml is not set"
    );
    assert!(e.hint().unwrap().contains("SHOP_TOKEN=..."), "{:?}", e.hint());
    assert!(e.hint().unwrap().contains(".env"));
}

#[test]
fn invalid_urls_say_which_part() {
    let cases = [
        ("", "the URL is empty"),
        ("example.com/x", "it has no scheme"),
        ("http://host:99999/", "the port is not a number"),
        ("http://:8080/x", "the host is empty"),
        ("ftp://example.com/", "the scheme `ftp` is not supported"),
        ("http://exa mple.com/", "it contains a space"),
    ];
    for (url, part) in cases {
        let e = prepare(&PrepareContext::default(), &common::req("GET", url)).unwrap_err();
        assert!(matches!(e, PrepareError::InvalidUrl { .. }), "{url}: {e:?}");
        assert!(e.to_string().contains(part), "{url}: {e}");
    }
}

#[test]
fn bad_header_and_missing_body_file_are_caught_before_sending() {
    let d = common::with_headers(common::req("GET", "http://x/"), &[("Bad Header", "v")]);
    let e = prepare(&PrepareContext::default(), &d).unwrap_err();
    assert!(e.to_string().contains("header `Bad Header`"), "{e}");
    let mut d = common::req("POST", "http://x/");
    d.body = apix::core::collection::Body::File {
        path: "missing.bin".into(),
        content_type: None,
    };
    let e = prepare(&PrepareContext::default(), &d).unwrap_err();
    assert!(e.to_string().contains("missing.bin"), "{e}");
}
