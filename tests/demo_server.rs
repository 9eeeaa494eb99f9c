//! Integration tests for the embedded demo API, over real HTTP on 127.0.0.1.

use std::io::Read;

use apix::server::{DemoServer, DEMO_API_KEY, DEMO_BASIC_PASSWORD, DEMO_BASIC_USER, DEMO_BEARER_TOKEN};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};

fn client() -> Client {
    Client::builder().build().expect("client")
}

async fn json_of(resp: Response) -> Value {
    let bytes = resp.bytes().await.expect("body");
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}

fn header<'a>(resp: &'a Response, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("missing header {name}"))
        .to_str()
        .expect("ascii header")
}

/// Assert an RFC 9457 problem response and return its document.
async fn problem(resp: Response, status: u16) -> Value {
    assert_eq!(resp.status().as_u16(), status);
    assert_eq!(header(&resp, "content-type"), "application/problem+json");
    let doc = json_of(resp).await;
    assert_eq!(doc["status"], status);
    for key in ["type", "title", "detail"] {
        assert!(doc[key].is_string(), "problem without {key}: {doc}");
    }
    doc
}

async fn send_json(c: &Client, method: Method, url: String, body: &str) -> Response {
    c.request(method, url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn start_outside_runtime_fails_and_url_is_loopback() {
    let err = std::thread::spawn(|| DemoServer::start(0).map(|_| ())).join().expect("thread");
    assert!(err.is_err());

    let server = DemoServer::start(0).expect("start");
    assert!(server.addr().ip().is_loopback());
    assert_eq!(server.url(), format!("http://127.0.0.1:{}", server.addr().port()));
    let index = json_of(client().get(server.url()).send().await.unwrap()).await;
    let routes = index["routes"].as_array().expect("routes");
    assert_eq!(routes.len(), apix::server::route_summary().len());
    server.shutdown();
}

#[tokio::test]
async fn every_listed_get_route_exists_and_unknown_is_404() {
    let server = DemoServer::start(0).unwrap();
    let c = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for (method, path, _) in apix::server::route_summary() {
        if method != "GET" {
            continue;
        }
        let path = path.replace("{code}", "200").replace("{n}", "0").replace("{id}", "1");
        let url = format!("{}{path}?ms=0&size=100&bytes=3&interval_ms=0&url=/", server.url());
        let resp = c.get(url).send().await.unwrap();
        assert_ne!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert_ne!(resp.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
    let doc = problem(c.get(format!("{}/nope/x", server.url())).send().await.unwrap(), 404).await;
    assert!(doc["detail"].as_str().unwrap().contains("/nope/x"));
    assert!(doc["detail"].as_str().unwrap().contains("GET /"));
    problem(c.delete(server.url()).send().await.unwrap(), 405).await;
}

#[tokio::test]
async fn users_crud_round_trip() {
    let server = DemoServer::start(0).unwrap();
    let (c, base) = (client(), server.url());

    let list = json_of(c.get(format!("{base}/users")).send().await.unwrap()).await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert!(list[0]["roles"].is_array() && list[0]["team"].is_object());
    let limited = json_of(c.get(format!("{base}/users?limit=2")).send().await.unwrap()).await;
    assert_eq!(limited.as_array().unwrap().len(), 2);

    let body = r#"{"name":"Edsger","email":"ed@example.com","roles":["dev"]}"#;
    let resp = send_json(&c, Method::POST, format!("{base}/users"), body).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let location = header(&resp, "location").to_owned();
    assert_eq!(location, "/users/4");
    let created = json_of(resp).await;
    assert_eq!(created["id"], 4);

    let fetched = json_of(c.get(format!("{base}{location}")).send().await.unwrap()).await;
    assert_eq!(fetched, created);

    let patch = r#"{"team":{"name":"Algorithms"},"roles":null}"#;
    let patched = json_of(send_json(&c, Method::PATCH, format!("{base}{location}"), patch).await).await;
    assert_eq!(patched["team"], json!({"name": "Algorithms"}));
    assert!(patched.get("roles").is_none());
    assert_eq!(patched["name"], "Edsger");

    let put = r#"{"name":"E. W. Dijkstra","email":"ewd@example.com"}"#;
    let replaced = json_of(send_json(&c, Method::PUT, format!("{base}{location}"), put).await).await;
    assert_eq!(replaced, json!({"id": 4, "name": "E. W. Dijkstra", "email": "ewd@example.com"}));

    let resp = c.delete(format!("{base}{location}")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    problem(c.get(format!("{base}{location}")).send().await.unwrap(), 404).await;
    problem(c.delete(format!("{base}{location}")).send().await.unwrap(), 404).await;
    problem(c.get(format!("{base}/users/abc")).send().await.unwrap(), 400).await;

    let missing = r#"{"name":"No Email"}"#;
    let doc = problem(send_json(&c, Method::POST, format!("{base}/users"), missing).await, 422).await;
    assert_eq!(doc["field"], "email");
    assert!(doc["detail"].as_str().unwrap().contains("email"));

    let broken = "{\n  \"name\": \"x\",\n  oops\n}";
    let doc = problem(send_json(&c, Method::POST, format!("{base}/users"), broken).await, 400).await;
    assert_eq!(doc["line"], 3);
    assert!(doc["column"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn echo_reflects_custom_method_headers_query_and_json() {
    let server = DemoServer::start(0).unwrap();
    let c = client();
    let purge = Method::from_bytes(b"PURGE").unwrap();
    let resp = c
        .request(purge, format!("{}/echo/a/b?x=1&y=2&x=3", server.url()))
        .header("x-multi", "one")
        .header("x-other", "o")
        .header("content-type", "application/json")
        .header("x-multi", "two")
        .body(r#"{"hello":"world"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let doc = json_of(resp).await;
    assert_eq!(doc["method"], "PURGE");
    assert_eq!(doc["path"], "/echo/a/b");
    assert_eq!(doc["query"], json!([["x", "1"], ["y", "2"], ["x", "3"]]));
    let multi: Vec<&Value> = doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[0] == "x-multi")
        .map(|h| &h[1])
        .collect();
    assert_eq!(multi, [&json!("one"), &json!("two")]);
    assert_eq!(doc["json"], json!({"hello": "world"}));
    assert_eq!(doc["body_size"], 17);
    assert_eq!(doc["content_type"], "application/json");
    assert!(doc.get("body_base64").is_none());

    let resp = c
        .post(format!("{}/echo", server.url()))
        .body(vec![0xff, 0xfe, b'a'])
        .send()
        .await
        .unwrap();
    let doc = json_of(resp).await;
    assert_eq!(doc["body_base64"], "//5h");
    assert_eq!(doc["body_size"], 3);
}

#[tokio::test]
async fn echo_parses_form_and_multipart() {
    let server = DemoServer::start(0).unwrap();
    let c = client();
    let doc = json_of(
        c.post(format!("{}/echo", server.url()))
            .form(&[("a", "1"), ("b", "two words"), ("a", "3")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(doc["form"], json!([["a", "1"], ["b", "two words"], ["a", "3"]]));

    let file = reqwest::multipart::Part::bytes(b"file body".to_vec())
        .file_name("notes.txt")
        .mime_str("text/plain")
        .unwrap();
    let binary = reqwest::multipart::Part::bytes(vec![0u8, 0xff, 0x80]).file_name("blob.bin");
    let form = reqwest::multipart::Form::new()
        .text("field", "value")
        .part("upload", file)
        .part("blob", binary);
    let doc = json_of(c.put(format!("{}/echo", server.url())).multipart(form).send().await.unwrap()).await;
    let parts = doc["multipart"].as_array().expect("multipart parts");
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0]["name"], "field");
    assert_eq!(parts[0]["text"], "value");
    assert_eq!(parts[1]["filename"], "notes.txt");
    assert_eq!(parts[1]["content_type"], "text/plain");
    assert_eq!(parts[1]["size"], 9);
    assert_eq!(parts[1]["text"], "file body");
    assert_eq!(parts[2]["size"], 3);
    assert!(parts[2].get("text").is_none());
}

#[tokio::test]
async fn status_codes_and_shapes() {
    let server = DemoServer::start(0).unwrap();
    let (c, base) = (client(), server.url());
    let doc = problem(c.get(format!("{base}/status/418")).send().await.unwrap(), 418).await;
    assert_eq!(doc["title"], "I'm a teapot");

    let resp = c.get(format!("{base}/status/429")).send().await.unwrap();
    assert_eq!(header(&resp, "retry-after"), "30");
    let doc = problem(resp, 429).await;
    assert_eq!(doc["title"], "Too Many Requests");

    let resp = c.get(format!("{base}/status/503?body=plain")).send().await.unwrap();
    assert_eq!(resp.status(), 503);
    assert!(header(&resp, "content-type").starts_with("text/plain"));
    assert_eq!(resp.text().await.unwrap(), "503 Service Unavailable\n");

    let resp = c.get(format!("{base}/status/500?shape=error")).send().await.unwrap();
    assert_eq!(
        json_of(resp).await,
        json!({"error": {"message": "Internal Server Error", "code": 500}})
    );
    let resp = c.get(format!("{base}/status/404?shape=message")).send().await.unwrap();
    assert_eq!(json_of(resp).await, json!({"message": "Not Found"}));

    let no_redirect = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = no_redirect.get(format!("{base}/status/301")).send().await.unwrap();
    assert_eq!(resp.status(), 301);
    assert_eq!(header(&resp, "location"), "/echo");
    let resp = c.get(format!("{base}/status/204")).send().await.unwrap();
    assert_eq!(resp.status(), 204);

    for bad in ["600", "99", "abc", "100"] {
        problem(c.get(format!("{base}/status/{bad}")).send().await.unwrap(), 400).await;
    }
}

#[tokio::test]
async fn delay_and_drip() {
    let server = DemoServer::start(0).unwrap();
    let (c, base) = (client(), server.url());
    let doc = json_of(c.get(format!("{base}/delay?ms=20")).send().await.unwrap()).await;
    assert_eq!(doc, json!({"delayed_ms": 20}));
    problem(c.get(format!("{base}/delay?ms=999999")).send().await.unwrap(), 400).await;

    let resp = c.get(format!("{base}/drip?bytes=25&chunk=10&interval_ms=5")).send().await.unwrap();
    assert_eq!(header(&resp, "content-length"), "25");
    assert_eq!(resp.bytes().await.unwrap(), "a".repeat(25).as_bytes());
}

async fn check_large(base: &str, path: &str, pretty: bool) {
    let resp = client().get(format!("{base}{path}")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let declared: usize = header(&resp, "content-length").parse().unwrap();
    let body = resp.bytes().await.unwrap();
    assert_eq!(body.len(), declared);
    assert!(body.len().abs_diff(1_000_000) <= 10_000, "size {}", body.len());
    let doc: Value = serde_json::from_slice(&body).expect("valid JSON");
    let items = doc["items"].as_array().unwrap();
    assert_eq!(doc["count"], items.len());
    assert_eq!(items[1]["name"], "item 1");
    assert_eq!(items[0]["nested"]["text"], "unicode é ✓ \"quoted\"");
    // Byte-for-byte what serde_json would produce for the same document.
    let again = if pretty {
        serde_json::to_string_pretty(&doc).unwrap()
    } else {
        serde_json::to_string(&doc).unwrap()
    };
    assert!(again.as_bytes() == body.as_ref(), "{path}: differs from serde_json output");
    assert_eq!(body.contains(&b'\n'), pretty);
}

#[tokio::test]
async fn large_documents_pretty_and_minified() {
    let server = DemoServer::start(0).unwrap();
    let base = server.url();
    check_large(&base, "/large?size=1MB&shape=pretty", true).await;
    check_large(&base, "/large?size=1000KB&shape=minified", false).await;
    check_large(&base, "/minified?size=1000000", false).await;
    let small = client().get(format!("{base}/large?size=1000")).send().await.unwrap();
    assert_eq!(small.bytes().await.unwrap().len(), 1000);
    problem(client().get(format!("{base}/large?size=lots")).send().await.unwrap(), 400).await;
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data).read_to_end(&mut out).expect("gzip");
    out
}

#[tokio::test]
async fn compressed_bodies() {
    let server = DemoServer::start(0).unwrap();
    let (c, base) = (client(), server.url());
    let resp = c.get(format!("{base}/gzip")).send().await.unwrap();
    assert_eq!(header(&resp, "content-encoding"), "gzip");
    let doc: Value = serde_json::from_slice(&gunzip(&resp.bytes().await.unwrap())).unwrap();
    assert_eq!(doc["compressed"], "gzip");

    let resp = c.get(format!("{base}/deflate")).send().await.unwrap();
    assert_eq!(header(&resp, "content-encoding"), "deflate");
    let mut plain = Vec::new();
    flate2::read::ZlibDecoder::new(resp.bytes().await.unwrap().as_ref())
        .read_to_end(&mut plain)
        .expect("zlib");
    assert_eq!(serde_json::from_slice::<Value>(&plain).unwrap()["compressed"], "deflate");

    for (path, coding) in [("brotli", "br"), ("zstd", "zstd")] {
        let resp = c.get(format!("{base}/{path}")).send().await.unwrap();
        assert_eq!(header(&resp, "content-encoding"), coding);
        assert!(!resp.bytes().await.unwrap().is_empty());
    }

    let resp = c.get(format!("{base}/bomb?size=1MB")).send().await.unwrap();
    assert_eq!(header(&resp, "content-encoding"), "gzip");
    let compressed = resp.bytes().await.unwrap();
    assert!(compressed.len() < 20_000);
    let plain = gunzip(&compressed);
    assert_eq!(plain.len(), 1_000_000);
    assert!(plain.iter().all(|&b| b == 0));
}

#[tokio::test]
async fn binary_png_and_text_encodings() {
    let server = DemoServer::start(0).unwrap();
    let (c, base) = (client(), server.url());
    let resp = c.get(format!("{base}/binary?size=100000")).send().await.unwrap();
    assert_eq!(header(&resp, "content-type"), "application/octet-stream");
    let body = resp.bytes().await.unwrap();
    assert_eq!(body.len(), 100_000);
    assert_eq!(&body[..8], b"\x89PNG\r\n\x1a\n");
    let again = c.get(format!("{base}/binary?size=100000")).send().await.unwrap();
    assert_eq!(again.bytes().await.unwrap(), body, "deterministic");

    let resp = c.get(format!("{base}/image.png")).send().await.unwrap();
    assert_eq!(header(&resp, "content-type"), "image/png");
    let png = resp.bytes().await.unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    // IHDR CRC matches, and the IDAT's zlib stream inflates to 2 rows of 1 + 3*3 bytes.
    let crc = u32::from_be_bytes(png[29..33].try_into().unwrap());
    assert_eq!(crc, apix::server::crc32(&png[12..29]));
    assert_eq!(&png[37..41], b"IDAT");
    let idat_len = u32::from_be_bytes(png[33..37].try_into().unwrap()) as usize;
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&png[41..41 + idat_len])
        .read_to_end(&mut raw)
        .unwrap();
    assert_eq!(raw.len(), 20);
    assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");

    let resp = c.get(format!("{base}/text/invalid-utf8")).send().await.unwrap();
    assert_eq!(header(&resp, "content-type"), "text/plain; charset=utf-8");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"caf\xe9 ok \xff\xfe end\n");
    let resp = c.get(format!("{base}/text/latin1")).send().await.unwrap();
    assert_eq!(header(&resp, "content-type"), "text/plain; charset=iso-8859-1");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"caf\xe9\n");
    for (path, ty) in [
        ("xml", "application/xml"),
        ("html", "text/html"),
        ("yaml", "application/yaml"),
        ("text", "text/plain"),
    ] {
        let resp = c.get(format!("{base}/{path}")).send().await.unwrap();
        assert!(header(&resp, "content-type").starts_with(ty), "{path}");
    }
}

#[tokio::test]
async fn redirects() {
    let server = DemoServer::start(0).unwrap();
    let (c, base) = (client(), server.url());
    let resp = c.get(format!("{base}/redirect/3")).send().await.unwrap();
    assert_eq!(resp.url().path(), "/redirect/0");
    assert_eq!(json_of(resp).await, json!({"redirected": true}));

    let resp = c.get(format!("{base}/redirect-to?url=/users/1&status=307")).send().await.unwrap();
    assert_eq!(resp.url().path(), "/users/1");
    assert_eq!(json_of(resp).await["id"], 1);
    problem(c.get(format!("{base}/redirect-to?url=/x&status=305")).send().await.unwrap(), 400).await;
    problem(c.get(format!("{base}/redirect-to")).send().await.unwrap(), 400).await;

    let err = c.get(format!("{base}/redirect-loop")).send().await.unwrap_err();
    assert!(err.is_redirect(), "{err}");
}

#[tokio::test]
async fn auth_schemes() {
    let server = DemoServer::start(0).unwrap();
    let (c, base) = (client(), server.url());

    let ok = c
        .get(format!("{base}/auth/basic"))
        .basic_auth(DEMO_BASIC_USER, Some(DEMO_BASIC_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(ok).await, json!({"authenticated": true, "scheme": "basic"}));
    let bad = c
        .get(format!("{base}/auth/basic"))
        .basic_auth(DEMO_BASIC_USER, Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&bad, "www-authenticate"), "Basic realm=\"apix demo\"");
    problem(bad, 401).await;
    let bad = c
        .get(format!("{base}/auth/basic"))
        .header("authorization", "Basic %%%")
        .send()
        .await
        .unwrap();
    problem(bad, 401).await;

    let ok = c
        .get(format!("{base}/auth/bearer"))
        .bearer_auth(DEMO_BEARER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(ok).await["scheme"], "bearer");
    let bad = c.get(format!("{base}/auth/bearer")).send().await.unwrap();
    assert!(header(&bad, "www-authenticate").starts_with("Bearer"));
    problem(bad, 401).await;

    let ok = c
        .get(format!("{base}/auth/apikey"))
        .header("x-api-key", DEMO_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(ok).await["scheme"], "apikey");
    let ok = c.get(format!("{base}/auth/apikey?api_key={DEMO_API_KEY}")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    problem(
        c.get(format!("{base}/auth/apikey"))
            .header("x-api-key", "nope")
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
}

#[tokio::test]
async fn rate_limit_exhaustion_and_reset() {
    let server = DemoServer::start(0).unwrap();
    let (c, base) = (client(), server.url());
    let url = format!("{base}/limited?limit=2&window=60");
    for remaining in ["1", "0"] {
        let resp = c.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(header(&resp, "x-ratelimit-limit"), "2");
        assert_eq!(header(&resp, "x-ratelimit-remaining"), remaining);
        assert_eq!(header(&resp, "ratelimit-policy"), "2;w=60");
    }
    let resp = c.get(&url).send().await.unwrap();
    let retry: u64 = header(&resp, "retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(header(&resp, "x-ratelimit-reset"), retry.to_string());
    let doc = problem(resp, 429).await;
    assert_eq!(doc["title"], "Too Many Requests");

    // A different (limit, window) key has its own counter.
    assert_eq!(c.get(format!("{base}/limited")).send().await.unwrap().status(), 200);
    let resp = c.post(format!("{base}/limited/reset")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(c.get(&url).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn many_headers_and_cookies() {
    let server = DemoServer::start(0).unwrap();
    let resp = client().get(format!("{}/headers/many?n=30", server.url())).send().await.unwrap();
    assert_eq!(header(&resp, "x-demo-1"), "value 1");
    assert_eq!(header(&resp, "x-demo-30"), "value 30");
    assert!(resp.headers().get("x-demo-31").is_none());
    assert_eq!(resp.headers().get_all("set-cookie").iter().count(), 2);
}

#[test]
fn large_doc_plan_is_exact() {
    use apix::server::LargeDoc;
    for pretty in [false, true] {
        let min = LargeDoc::plan(0, pretty).byte_len();
        for target in (0..4000).step_by(37).chain([65_536, 123_457, 300_001]) {
            let doc = LargeDoc::plan(target, pretty);
            let body: Vec<u8> = doc.chunks().flat_map(|c| c.to_vec()).collect();
            assert_eq!(body.len() as u64, doc.byte_len());
            if target >= min {
                assert_eq!(doc.byte_len(), target, "pretty={pretty}");
            }
            let parsed: Value = serde_json::from_slice(&body).expect("valid JSON");
            assert_eq!(parsed["count"], doc.items());
        }
    }
}

#[tokio::test]
async fn shutdown_stops_accepting() {
    let server = DemoServer::start(0).unwrap();
    let addr = server.addr();
    server.shutdown();
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(refused, "server still accepting after shutdown");
}
