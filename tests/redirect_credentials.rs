//! Credentials stay with their origin on redirects (issue #9): two demo servers on loopback, the second on another
//! port acting as the other origin. Each test asserts that the canary never reaches it, in any header or the URL.

mod common;

use apix::core::collection::{ApiKeyLocation, AuthDef, KeyValue};
use apix::core::cookies::CookieJar;
use apix::core::http::{prepare, send, PrepareContext};
use apix::server::DemoServer;
use common::*;
use tokio_util::sync::CancellationToken;

const CANARY: &str = "CANARY-k3y+/=9";

fn demo() -> DemoServer {
    DemoServer::start(0).expect("demo server")
}

/// `A/redirect-to?url=B/echo...`: a redirect from the first server to the other one.
fn cross(a: &DemoServer, b: &DemoServer, tail: &str, status: u16) -> String {
    let target = format!("{}/echo{tail}", b.url());
    let enc: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    format!("{}/redirect-to?status={status}&url={enc}", a.url())
}

/// The echoed request as text: headers, query and path, for "the canary is nowhere".
fn echoed(x: &apix::core::http::Exchange) -> String {
    String::from_utf8_lossy(&x.response.body).into_owned()
}

fn echoed_header(x: &apix::core::http::Exchange, name: &str) -> Option<String> {
    let v = json(x);
    v["headers"]
        .as_array()?
        .iter()
        .find(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .and_then(|h| h[1].as_str().map(str::to_string))
}

#[tokio::test]
async fn api_key_header_is_not_sent_to_another_origin() {
    let (a, b) = (demo(), demo());
    let mut d = req("GET", &cross(&a, &b, "", 302));
    d.auth = AuthDef::ApiKey {
        name: "X-Api-Key".into(),
        value: CANARY.into(),
        location: ApiKeyLocation::Header,
    };
    d.headers.push(KeyValue::new("Cookie", "session=CANARY-cookie-1"));
    d.headers.push(KeyValue::new("X-Trace", "plain-value"));
    let x = ok(&d).await;
    assert!(x.response.final_url.starts_with(&b.url()), "followed to the other origin");
    let body = echoed(&x);
    assert!(!body.contains("CANARY"), "a credential reached the other origin: {body}");
    assert_eq!(
        echoed_header(&x, "x-trace").as_deref(),
        Some("plain-value"),
        "ordinary headers still go"
    );
    assert_eq!(echoed_header(&x, "referer"), None, "no Referer is added");
    let hop = &x.response.redirects[0];
    assert!(hop.dropped.iter().any(|h| h == "X-Api-Key"), "{:?}", hop.dropped);
    assert!(hop.dropped.iter().any(|h| h == "Cookie"), "{:?}", hop.dropped);
}

#[tokio::test]
async fn every_auth_scheme_header_is_dropped_cross_origin_and_kept_same_origin() {
    let (a, b) = (demo(), demo());
    for auth in [
        AuthDef::Bearer { token: CANARY.into() },
        AuthDef::Basic {
            username: "ada".into(),
            password: CANARY.into(),
        },
    ] {
        let mut d = req("GET", &cross(&a, &b, "", 307));
        d.auth = auth.clone();
        let x = ok(&d).await;
        assert_eq!(echoed_header(&x, "authorization"), None, "{auth:?}");
        // The same redirect within one origin keeps the credential.
        let mut d = req("GET", &cross(&a, &a, "", 307));
        d.auth = auth.clone();
        let x = ok(&d).await;
        assert!(echoed_header(&x, "authorization").is_some(), "same origin keeps {auth:?}");
        assert!(x.response.redirects[0].dropped.is_empty());
    }
    // A header whose value came from a secret source is a credential too.
    std::env::set_var("APIX_TEST_REDIRECT_SECRET", CANARY);
    let d = with_headers(
        req("GET", &cross(&a, &b, "", 302)),
        &[("X-Custom-Auth", "{{env.APIX_TEST_REDIRECT_SECRET}}")],
    );
    let x = ok(&d).await;
    assert!(!echoed(&x).contains("CANARY"), "{}", echoed(&x));
    assert_eq!(x.response.redirects[0].dropped, ["X-Custom-Auth"]);
}

#[tokio::test]
async fn api_key_in_the_query_leaks_neither_through_referer_nor_the_next_url() {
    let (a, b) = (demo(), demo());
    let mut d = req("GET", &cross(&a, &b, &format!("?page=2&api_key={}", urlenc(CANARY)), 302));
    d.auth = AuthDef::ApiKey {
        name: "api_key".into(),
        value: CANARY.into(),
        location: ApiKeyLocation::Query,
    };
    let x = ok(&d).await;
    let body = echoed(&x);
    assert!(!body.contains("CANARY") && !body.contains("CANARY-k3y%2B"), "{body}");
    assert_eq!(echoed_header(&x, "referer"), None);
    assert!(
        x.response.final_url.contains("page=2"),
        "other parameters stay: {}",
        x.response.final_url
    );
    assert!(x.response.redirects[0].dropped.iter().any(|d| d == "query api_key"));
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn post_becomes_get_on_303_and_keeps_its_body_on_307() {
    let s = demo();
    let mut d = req("POST", &format!("{}/redirect-to?status=303&url=/echo", s.url()));
    d.body = apix::core::collection::Body::Json(r#"{"a":1}"#.into());
    let x = ok(&d).await;
    let v = json(&x);
    assert_eq!(v["method"], "GET");
    assert_eq!(echoed_header(&x, "content-type"), None, "the body's headers went with it");
    d.url = format!("{}/redirect-to?status=307&url=/echo", s.url());
    let v = json(&ok(&d).await);
    assert_eq!(v["method"], "POST");
    assert_eq!(v["json"]["a"], 1);
}

#[tokio::test]
async fn cookies_set_during_a_redirect_reach_the_next_hop_and_the_next_send() {
    let s = demo();
    let dir = tempfile::tempdir().unwrap();
    let coll = tempfile::tempdir().unwrap();
    // Without a jar (an ad hoc send), cookies still live through one redirect chain.
    let x = ok(&req("GET", &format!("{}/cookies/set?a=1&b=two", s.url()))).await;
    assert_eq!(json(&x)["cookies"], serde_json::json!({"a": "1", "b": "two"}));
    assert!(x.secrets.iter().any(|v| v == "two"), "cookie values are secrets: {:?}", x.secrets);
    // With a collection's jar they last across sends, and are stored outside the collection.
    let jar = CookieJar::open(dir.path(), coll.path(), Some("dev")).unwrap();
    let send_with = |url: String, jar: std::sync::Arc<CookieJar>| async move {
        let mut p = prepare(&PrepareContext::default(), &req("GET", &url)).unwrap();
        p.options.cookie_jar = Some(jar);
        send(&p, CancellationToken::new(), None).await.unwrap()
    };
    send_with(format!("{}/cookies/set?session=s3ss10n", s.url()), jar.clone()).await;
    let again = CookieJar::open(dir.path(), coll.path(), Some("dev")).unwrap();
    let x = send_with(format!("{}/cookies", s.url()), again).await;
    assert_eq!(json(&x)["cookies"]["session"], "s3ss10n");
    assert!(all_files(coll.path()).is_empty(), "nothing written into the collection");
    // The jar's cookies are not sent to another origin (RFC 6265: host-only cookie of 127.0.0.1 — another port
    // is the same host, so they do go; a different host name does not).
    let other = DemoServer::start(0).unwrap();
    let x = send_with(format!("{}/cookies", other.url().replace("127.0.0.1", "localhost")), jar.clone()).await;
    assert_eq!(json(&x)["cookies"], serde_json::json!({}));
    // Expiring deletes.
    let x = send_with(format!("{}/cookies/delete?session", s.url()), jar).await;
    assert_eq!(json(&x)["cookies"], serde_json::json!({}));
}

#[tokio::test]
async fn cookies_can_be_turned_off() {
    let s = demo();
    let mut d = req("GET", &format!("{}/cookies/set?a=1", s.url()));
    d.options.cookies = Some(false);
    let x = ok(&d).await;
    assert_eq!(json(&x)["cookies"], serde_json::json!({}));
}
