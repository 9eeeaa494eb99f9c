//! The HTTP engine against the real demo server on 127.0.0.1: body types, decoding, redirects, timings,
//! cancellation, and every failure class said in plain words.

mod common;

use std::time::Duration;

use apix::core::collection::{Body, KeyValue, Part};
use apix::core::http::{insight, send, HttpError, Progress, TimeoutPhase, TlsProblem};
use apix::server::DemoServer;
use common::*;
use tokio_util::sync::CancellationToken;

/// The phase of a timeout, or `None` for any other failure.
fn phase(e: &HttpError) -> Option<TimeoutPhase> {
    match e {
        HttpError::Timeout { phase, .. } => Some(*phase),
        _ => None,
    }
}

fn demo() -> DemoServer {
    DemoServer::start(0).expect("demo server")
}

#[tokio::test]
async fn json_body_is_sent_with_content_type_and_custom_headers_in_order() {
    let s = demo();
    let d = with_body(
        with_headers(
            req("POST", &format!("{}/echo", s.url())),
            &[("X-Tag", "one"), ("X-Tag", "two"), ("X-Other", "x")],
        ),
        Body::Json("{\"hello\": \"world\"}".into()),
    );
    let x = ok(&d).await;
    assert_eq!(x.response.status, 200);
    let echo = json(&x);
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["json"]["hello"], "world");
    assert_eq!(echo["content_type"], "application/json");
    let tags: Vec<&str> = echo["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[0] == "x-tag")
        .map(|h| h[1].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["one", "two"], "repeated headers are all sent, in order");
}

#[tokio::test]
async fn text_form_multipart_and_file_bodies() {
    let s = demo();
    let url = format!("{}/echo", s.url());
    let x = ok(&with_body(
        req("POST", &url),
        Body::Text {
            text: "héllo".into(),
            content_type: Some("text/csv".into()),
        },
    ))
    .await;
    assert_eq!(json(&x)["body"], "héllo");
    assert_eq!(json(&x)["content_type"], "text/csv");

    let form = Body::Form(vec![
        KeyValue::new("name", "Ada L"),
        KeyValue::new("lang", "en"),
        KeyValue::new("lang", "fr"),
        KeyValue {
            name: "off".into(),
            value: "x".into(),
            enabled: false,
        },
    ]);
    let echo = json(&ok(&with_body(req("POST", &url), form)).await);
    assert_eq!(echo["form"], serde_json::json!([["name", "Ada L"], ["lang", "en"], ["lang", "fr"]]));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "file part content").unwrap();
    std::fs::write(dir.path().join("raw.json"), "{\"raw\": true}").unwrap();
    let mut d = with_body(
        req("POST", &url),
        Body::Multipart(vec![
            Part {
                name: "bio".into(),
                value: Some("text part".into()),
                file: None,
                content_type: None,
                enabled: true,
            },
            Part {
                name: "notes".into(),
                value: None,
                file: Some("notes.txt".into()),
                content_type: None,
                enabled: true,
            },
        ]),
    );
    d.path = dir.path().join("req.toml");
    let echo = json(&ok(&d).await);
    let parts = echo["multipart"].as_array().expect("multipart parts");
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["name"], "bio");
    assert_eq!(parts[0]["text"], "text part");
    assert_eq!(parts[1]["filename"], "notes.txt");
    assert_eq!(parts[1]["text"], "file part content");

    let mut d = with_body(
        req("PUT", &url),
        Body::File {
            path: "raw.json".into(),
            content_type: None,
        },
    );
    d.path = dir.path().join("req.toml");
    let echo = json(&ok(&d).await);
    assert_eq!(echo["method"], "PUT");
    assert_eq!(echo["json"]["raw"], true);
    assert_eq!(echo["content_type"], "application/json", "guessed from the file extension");
}

#[tokio::test]
async fn custom_method_and_query_params() {
    let s = demo();
    let mut d = req("PURGE", &format!("{}/echo/cache?a=1", s.url()));
    d.query = vec![
        KeyValue::new("b", "two words"),
        KeyValue::new("b", "x"),
        KeyValue {
            name: "c".into(),
            value: "no".into(),
            enabled: false,
        },
    ];
    let echo = json(&ok(&d).await);
    assert_eq!(echo["method"], "PURGE");
    assert_eq!(echo["query"], serde_json::json!([["a", "1"], ["b", "two words"], ["b", "x"]]));
}

#[tokio::test]
async fn compressed_bodies_are_decoded_and_sizes_recorded() {
    let s = demo();
    for enc in ["gzip", "brotli", "zstd", "deflate"] {
        let x = ok(&req("GET", &format!("{}/{enc}", s.url()))).await;
        let v = json(&x);
        assert_eq!(v["compressed"], enc, "{enc}");
        assert_eq!(x.response.decoded_size, x.response.body.len() as u64);
        assert!(x.response.wire_size > 0);
        assert!(x.response.content_encoding.is_some());
    }
}

#[tokio::test]
async fn gzip_bomb_stops_at_the_cap() {
    let s = demo();
    let mut d = req("GET", &format!("{}/bomb?size=64MB", s.url()));
    d.options.max_body_size = Some(1_000_000);
    let e = exchange(&d).await.unwrap_err();
    assert_eq!(
        e,
        HttpError::BodyTooLarge {
            limit: 1_000_000,
            encoded: true
        }
    );
    assert!(e.to_string().contains("1.0 MB limit"), "{e}");
    assert!(e.hint().unwrap().contains("max_body_size"));
}

#[tokio::test]
async fn binary_and_invalid_utf8_bodies_are_kept_byte_exact() {
    let s = demo();
    let x = ok(&req("GET", &format!("{}/binary?size=4096", s.url()))).await;
    assert_eq!(x.response.body.len(), 4096);
    assert!(x.response.body.starts_with(b"\x89PNG\r\n\x1a\n"));
    let x = ok(&req("GET", &format!("{}/text/invalid-utf8", s.url()))).await;
    assert!(std::str::from_utf8(&x.response.body).is_err());
    assert!(x.response.body.windows(2).any(|w| w == [0xff, 0xfe]));
}

#[tokio::test]
async fn redirects_are_followed_and_the_chain_recorded() {
    let s = demo();
    let x = ok(&req("GET", &format!("{}/redirect/3", s.url()))).await;
    assert_eq!(x.response.status, 200);
    assert_eq!(x.response.redirects.len(), 3);
    assert!(x.response.redirects[0].from.ends_with("/redirect/3"));
    assert!(x.response.redirects[2].to.ends_with("/redirect/0"));
    assert!(x.response.final_url.ends_with("/redirect/0"));

    let mut d = req("GET", &format!("{}/redirect/3", s.url()));
    d.options.follow_redirects = Some(false);
    let x = ok(&d).await;
    assert_eq!(x.response.status, 302);
    assert!(x.response.header("location").unwrap().ends_with("/redirect/2"));
}

#[tokio::test]
async fn a_long_redirect_chain_is_shown_from_the_first_url() {
    let s = demo();
    let mut d = req("GET", &format!("{}/redirect/8", s.url()));
    d.options.max_redirects = Some(3);
    let e = exchange(&d).await.unwrap_err();
    let HttpError::TooManyRedirects { chain, is_loop, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(!is_loop);
    assert_eq!(
        chain.len(),
        5,
        "the URL requested, three redirects followed, and the one refused: {chain:?}"
    );
    assert!(chain[0].ends_with("/redirect/8"));
    assert!(e.hint().unwrap().contains("Raise `max_redirects`"));
}

#[tokio::test]
async fn redirect_loop_is_reported_with_its_chain() {
    let s = demo();
    let mut d = req("GET", &format!("{}/redirect-loop", s.url()));
    d.options.max_redirects = Some(4);
    match exchange(&d).await.unwrap_err() {
        e @ HttpError::TooManyRedirects { .. } => {
            let HttpError::TooManyRedirects { max, chain, is_loop } = &e else {
                unreachable!()
            };
            assert_eq!(*max, 4);
            assert!(*is_loop);
            assert!(chain.len() >= 5);
            assert!(e.to_string().starts_with("Redirect loop"));
            let hint = e.hint().unwrap();
            assert!(hint.contains("/redirect-loop/b"));
            // The chain starts at the URL requested, and the advice fits a loop (more redirects cannot help it).
            assert!(chain[0].ends_with("/redirect-loop"), "{chain:?}");
            assert!(hint.starts_with(&format!("Redirect chain: {}/redirect-loop → ", s.url())), "{hint}");
            assert!(hint.contains("will not help") && !hint.contains("Raise `max_redirects`"), "{hint}");
            assert_eq!(e.exit_code(), 6);
        }
        other => panic!("expected too many redirects, got {other:?}"),
    }
}

#[tokio::test]
async fn timings_are_present_and_consistent() {
    let s = demo();
    let url = s.url().replace("127.0.0.1", "localhost");
    let x = ok(&req("GET", &format!("{url}/users"))).await;
    let t = &x.response.timings;
    assert!(t.dns.is_some(), "a host name is looked up: {t:?}");
    assert!(t.connect.is_some());
    assert!(t.ttfb > Duration::ZERO);
    assert!(t.total >= t.ttfb);
    assert_eq!(t.total, t.ttfb + t.download);
    let x = ok(&req("GET", &format!("{}/users", s.url()))).await;
    assert!(x.response.timings.dns.is_none());
    assert!(
        x.response.timings.notes.iter().any(|n| n.contains("IP address")),
        "{:?}",
        x.response.timings.notes
    );
}

#[tokio::test]
async fn cancel_stops_a_slow_download_promptly() {
    let s = demo();
    let d = req("GET", &format!("{}/drip?bytes=100000&chunk=10&interval_ms=50", s.url()));
    let p = prep(&d);
    let cancel = CancellationToken::new();
    let (tx, mut rx) = tokio::sync::watch::channel(Progress::default());
    let task = tokio::spawn({
        let cancel = cancel.clone();
        async move { send(&p, cancel, Some(tx)).await }
    });
    // Wait until the body has started to arrive, then cancel.
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if rx.changed().await.is_err() {
                break;
            }
            if rx.borrow().headers_received {
                break;
            }
        }
    })
    .await
    .expect("headers arrive");
    cancel.cancel();
    let r = tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("cancel is prompt")
        .unwrap();
    assert_eq!(r.unwrap_err(), HttpError::Cancelled);
}

#[tokio::test]
async fn refused_port_is_said_plainly() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let e = exchange(&req("GET", &format!("http://127.0.0.1:{port}/"))).await.unwrap_err();
    assert_eq!(
        e,
        HttpError::Refused {
            host: "127.0.0.1".into(),
            port
        }
    );
    assert_eq!(e.to_string(), format!("Connection refused by 127.0.0.1:{port}"));
    assert!(e.hint().unwrap().contains("Is the server running"));
}

#[tokio::test]
async fn unresolvable_host_is_a_dns_failure() {
    let e = exchange(&req("GET", "http://nonexistent.invalid/")).await.unwrap_err();
    let HttpError::Dns { host, .. } = &e else {
        panic!("expected DNS failure, got {e:?}")
    };
    assert_eq!(host, "nonexistent.invalid");
    assert!(e.to_string().contains("`nonexistent.invalid` could not be resolved"));
    assert!(!e.to_string().contains("os error"), "no raw OS dump: {e}");
}

#[tokio::test]
async fn timeouts_name_their_phase() {
    let s = demo();
    let mut d = req("GET", &format!("{}/delay?ms=3000", s.url()));
    d.options.read_timeout = Some(Duration::from_millis(300));
    let e = exchange(&d).await.unwrap_err();
    assert_eq!(phase(&e), Some(TimeoutPhase::FirstByte), "{e:?}");
    assert!(e.to_string().starts_with("Timed out waiting for the response headers after"), "{e}");
    assert!(e.hint().unwrap().contains("read_timeout"));
    assert_eq!(e.exit_code(), 2);

    let mut d = req("GET", &format!("{}/drip?bytes=100&chunk=10&interval_ms=1000", s.url()));
    d.options.read_timeout = Some(Duration::from_millis(300));
    let e = exchange(&d).await.unwrap_err();
    assert_eq!(phase(&e), Some(TimeoutPhase::Body), "{e:?}");

    let mut d = req("GET", &format!("{}/drip?bytes=100&chunk=10&interval_ms=200", s.url()));
    d.options.timeout = Some(Duration::from_millis(500));
    let e = exchange(&d).await.unwrap_err();
    assert_eq!(phase(&e), Some(TimeoutPhase::Total), "{e:?}");
    assert!(e.hint().unwrap().contains("`timeout`"));
}

#[tokio::test]
async fn status_errors_are_explained_not_failures() {
    let s = demo();
    let x = ok(&req("GET", &format!("{}/status/429", s.url()))).await;
    assert_eq!(x.response.status_line(), "429 Too Many Requests");
    let i = insight(&x.response);
    assert_eq!(i.retry_after, Some(Duration::from_secs(30)));
    assert!(i.meaning.contains("rate-limiting"));
    assert!(i.meaning.contains("Retry after 30 s"));
    let m = i.api_message.expect("problem+json message");
    assert_eq!(m.source, "problem+json");
    assert_eq!(m.title.as_deref(), Some("Too Many Requests"));

    let x = ok(&req("GET", &format!("{}/status/400?shape=error", s.url()))).await;
    let m = insight(&x.response).api_message.expect("error body message");
    assert_eq!(m.source, "error body");
    assert!(!m.detail.unwrap().is_empty());

    let x = ok(&req("GET", &format!("{}/status/503?shape=message", s.url()))).await;
    assert!(insight(&x.response).api_message.is_some());

    let url = format!("{}/limited?limit=2&window=60", s.url());
    let first = ok(&req("GET", &url)).await;
    let rl = insight(&first.response).rate_limit.expect("rate limit headers");
    assert_eq!((rl.limit, rl.remaining), (Some(2), Some(1)));
    ok(&req("GET", &url)).await;
    let third = ok(&req("GET", &url)).await;
    assert_eq!(third.response.status, 429);
    assert!(insight(&third.response).retry_after.is_some());
}

#[tokio::test]
async fn large_body_of_100_mb_arrives_whole() {
    let s = demo();
    let x = ok(&req("GET", &format!("{}/large?size=100MB", s.url()))).await;
    assert_eq!(x.response.decoded_size, 100_000_000);
    assert_eq!(x.response.body.len(), 100_000_000);
    assert!(x.response.body.starts_with(b"{"));
}

#[tokio::test]
async fn plain_http_server_spoken_to_with_tls_is_not_tls() {
    let s = demo();
    let url = s.url().replace("http://", "https://");
    let e = exchange(&req("GET", &format!("{url}/users"))).await.unwrap_err();
    assert!(
        matches!(
            e,
            HttpError::Tls {
                problem: TlsProblem::NotTls,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.hint().unwrap().contains("http://"));
}

mod tls {
    use super::*;
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A one-route HTTPS server on 127.0.0.1 with a certificate for `names`, signed by a fresh CA.
    /// Returns (port, CA PEM).
    async fn https_server(names: &[&str]) -> (u16, String) {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);
        let cert = params.signed_by(&key, &issuer).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Ok(mut tls) = acceptor.accept(tcp).await {
                        let mut buf = [0u8; 4096];
                        let _ = tls.read(&mut buf).await;
                        let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"tls\":true}").await;
                        let _ = tls.shutdown().await;
                    }
                });
            }
        });
        (port, ca.pem())
    }

    #[tokio::test]
    async fn self_signed_certificate_is_untrusted_and_can_be_allowed() {
        let (port, ca_pem) = https_server(&["localhost"]).await;
        let url = format!("https://localhost:{port}/");
        let e = exchange(&req("GET", &url)).await.unwrap_err();
        assert!(
            matches!(
                e,
                HttpError::Tls {
                    problem: TlsProblem::UntrustedIssuer,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("not trusted"), "{e}");
        assert!(e.hint().unwrap().contains("ca_file"));

        let mut d = req("GET", &url);
        d.options.verify_tls = Some(false);
        assert_eq!(ok(&d).await.response.status, 200);

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca_pem).unwrap();
        let mut d = req("GET", &url);
        d.options.ca_file = Some(dir.path().join("ca.pem").display().to_string());
        let x = ok(&d).await;
        assert_eq!(x.response.status, 200);
        assert!(x.response.timings.notes.iter().any(|n| n.contains("TLS")));
    }

    #[tokio::test]
    async fn certificate_for_another_host_is_a_wrong_host() {
        let (port, ca_pem) = https_server(&["other.example"]).await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca_pem).unwrap();
        let mut d = req("GET", &format!("https://localhost:{port}/"));
        d.options.ca_file = Some(dir.path().join("ca.pem").display().to_string());
        let e = exchange(&d).await.unwrap_err();
        assert!(
            matches!(
                e,
                HttpError::Tls {
                    problem: TlsProblem::WrongHost,
                    ..
                }
            ),
            "{e:?}"
        );
    }
}

#[tokio::test]
async fn connect_timeout_when_the_server_never_accepts() {
    // A listener with a backlog of 1 that never accepts: once the queue is full, new connections hang in SYN.
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = sock.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        if let Ok(Ok(c)) = tokio::time::timeout(Duration::from_millis(200), tokio::net::TcpStream::connect(addr)).await {
            fillers.push(c);
        }
    }
    let mut d = req("GET", &format!("http://{addr}/"));
    d.options.connect_timeout = Some(Duration::from_millis(300));
    let e = exchange(&d).await.unwrap_err();
    assert_eq!(phase(&e), Some(TimeoutPhase::Connect), "{e:?}");
    assert!(e.to_string().starts_with("Timed out while connecting after"), "{e}");
    assert!(e.hint().unwrap().contains("connect_timeout"));
    drop(listener);
}

#[tokio::test]
async fn tls_verification_off_is_said_loudly() {
    let mut d = req("GET", "https://localhost:1/");
    d.options.verify_tls = Some(false);
    let p = prep(&d);
    assert!(
        p.warnings.iter().any(|w| w.contains("TLS certificate verification is OFF")),
        "{:?}",
        p.warnings
    );
}

#[tokio::test]
async fn proxy_from_options_carries_the_request() {
    // The demo server routes by path, so it can stand in for an HTTP proxy: the request for an unresolvable host
    // only succeeds if it really went through the proxy.
    let s = demo();
    let mut d = req("GET", "http://nonexistent.invalid/echo/via-proxy");
    d.options.proxy = Some(s.url());
    let x = ok(&d).await;
    assert_eq!(json(&x)["path"], "/echo/via-proxy");
}

#[tokio::test]
async fn body_that_does_not_match_its_encoding_is_a_decode_failure() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        if let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 2048];
            let _ = sock.read(&mut buf).await;
            let body = b"this is not gzip at all";
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(body).await;
        }
    });
    let e = exchange(&req("GET", &format!("http://{addr}/"))).await.unwrap_err();
    assert!(matches!(&e, HttpError::Decode { encoding, .. } if encoding == "gzip"), "{e:?}");
    assert!(e.to_string().starts_with("The response body could not be decoded (gzip)"), "{e}");
    assert!(e.hint().unwrap().contains("Accept-Encoding: identity"));
}

#[tokio::test]
async fn body_over_the_memory_cap_spills_to_a_file_and_reads_back_whole() {
    let s = demo();
    let dir = tempfile::tempdir().unwrap();
    let mut p = prep(&req("GET", &format!("{}/large?size=5MB", s.url())));
    p.options.spill_above = 1_000_000;
    p.options.spill_dir = Some(dir.path().to_path_buf());
    let x = send(&p, CancellationToken::new(), None).await.unwrap();
    let spilled = x.response.spilled.clone().expect("spilled to a file");
    assert_eq!(spilled.len, 5_000_000);
    assert_eq!(x.response.decoded_size, 5_000_000);
    assert_eq!(std::fs::metadata(&spilled.path).unwrap().len(), 5_000_000);
    assert!(
        !x.response.body.is_empty() && x.response.body.len() <= apix::core::http::SPILL_HEAD,
        "only the head stays in memory"
    );
    let full = x.response.full_body().unwrap();
    assert_eq!(&full[..x.response.body.len()], &x.response.body[..]);
    serde_json::from_slice::<serde_json::Value>(&full).expect("the whole body, intact");
    let path = spilled.path.clone();
    drop(spilled);
    drop(x);
    assert!(!path.exists(), "the temporary file goes with the last copy of the record");

    // Cancelled mid-download: no partial file is left behind.
    let mut p = prep(&req("GET", &format!("{}/drip?bytes=3000000&chunk=100000&interval_ms=20", s.url())));
    p.options.spill_above = 200_000;
    p.options.spill_dir = Some(dir.path().to_path_buf());
    let cancel = CancellationToken::new();
    let (tx, mut rx) = tokio::sync::watch::channel(Progress::default());
    let task = tokio::spawn({
        let cancel = cancel.clone();
        async move { send(&p, cancel, Some(tx)).await }
    });
    tokio::time::timeout(Duration::from_secs(10), async {
        while rx.changed().await.is_ok() {
            if rx.borrow().decoded > 500_000 {
                break;
            }
        }
    })
    .await
    .expect("part of the body arrives");
    cancel.cancel();
    assert_eq!(task.await.unwrap().unwrap_err(), HttpError::Cancelled);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no partial spill file left");
}
