use std::path::PathBuf;

use super::curl::quote;
use super::to_curl;
use crate::collection::{ApiKeyLocation, AuthDef, AwsAuth, RequestDef};
use crate::http::prepare::{PartData, PreparedPart};
use crate::http::{prepare, PendingAuth, PrepareContext, Prepared, PreparedBody, SendOptions};
use crate::template::MASK;

fn prepared(method: &str, url: &str) -> Prepared {
    Prepared {
        method: method.into(),
        url: url::Url::parse(url).unwrap(),
        headers: Vec::new(),
        body: PreparedBody::Empty,
        options: SendOptions::default(),
        secrets: Vec::new(),
        source: None,
        auth_origin: None,
        warnings: Vec::new(),
        pending_auth: None,
        credential_headers: Vec::new(),
        credential_query: Vec::new(),
        host_variable: None,
    }
}

fn with_auth(auth: AuthDef) -> Prepared {
    let mut def = RequestDef::new(PathBuf::from("r.toml"), "r");
    def.url = "http://example.test/x".into();
    def.auth = auth;
    let ctx = PrepareContext {
        collection: None,
        environment: None,
        overrides: &[],
        demo_url: None,
        masked_preview: false,
        secrets: None,
        trust: None,
    };
    prepare(&ctx, &def).unwrap()
}

/// What `sh` would make of a quoted word, for checking the escaping without a shell.
fn unquote(word: &str) -> String {
    let mut out = String::new();
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    out.push(c);
                }
            }
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

#[test]
fn quoting_survives_quotes_newlines_and_unicode() {
    for s in [
        "it's",
        "'",
        "''",
        "a'b'c",
        "line1\nline2\n",
        "naïve ✓ 日本",
        "$HOME `x` \\n \"q\"",
        "",
    ] {
        let q = quote(s);
        assert!(q.starts_with('\'') && q.ends_with('\''), "{q}");
        assert_eq!(unquote(&q), s, "round trip of {s:?} via {q}");
    }
    assert_eq!(quote("it's"), r"'it'\''s'");
}

#[test]
fn a_simple_get_is_just_the_url() {
    let mut p = prepared("GET", "http://example.test/a?b=c");
    p.options.follow_redirects = false;
    assert_eq!(to_curl(&p, false), "curl 'http://example.test/a?b=c'\n");
    p.options.follow_redirects = true;
    assert_eq!(to_curl(&p, false), "curl 'http://example.test/a?b=c' \\\n  -L\n");
}

#[test]
fn methods_headers_and_a_multi_line_body_stay_readable() {
    let mut p = prepared("PUT", "http://example.test/u/1");
    p.options.follow_redirects = false;
    p.headers = vec![
        ("Content-Type".into(), "application/json".into()),
        ("X-Quote".into(), "it's".into()),
        ("X-Empty".into(), "".into()),
    ];
    p.body = PreparedBody::Bytes(b"{\n  \"name\": \"O'Brien\",\n  \"city\": \"Z\xc3\xbcrich\"\n}".to_vec());
    let cmd = to_curl(&p, false);
    assert_eq!(
        cmd,
        "curl -X PUT 'http://example.test/u/1' \\\n  -H 'Content-Type: application/json' \\\n  -H 'X-Quote: it'\\''s' \\\n  -H 'X-Empty;' \\\n  --data-binary '{\n  \"name\": \"O'\\''Brien\",\n  \"city\": \"Zürich\"\n}'\n"
    );
    assert!(!cmd.contains("--compressed"));
}

#[test]
fn a_raw_body_without_content_type_keeps_curl_from_adding_one_and_compressed_follows_the_user() {
    let mut p = prepared("POST", "http://example.test/");
    p.body = PreparedBody::Bytes(b"x".to_vec());
    p.headers.push(("Accept-Encoding".into(), "gzip".into()));
    let cmd = to_curl(&p, false);
    assert!(cmd.contains("-H 'Content-Type:'"), "{cmd}");
    assert!(cmd.contains("--compressed"), "{cmd}");
    assert!(!cmd.contains("-X POST"), "POST is implied by the body: {cmd}");
}

#[test]
fn binary_bodies_are_piped_through_printf() {
    let mut p = prepared("POST", "http://example.test/");
    p.body = PreparedBody::Bytes(vec![b'-', 0, 0xff, b'%', b'\'', b'\\', b'\n', b'a']);
    let cmd = to_curl(&p, false);
    assert!(
        cmd.starts_with(r"printf '\055\000\377%%\047\\\na' | curl 'http://example.test/'"),
        "{cmd}"
    );
    assert!(cmd.contains("--data-binary @-"), "{cmd}");
}

#[test]
fn secrets_are_masked_in_url_headers_and_body_unless_revealed() {
    let mut p = prepared("POST", "http://user:hunter2@example.test/x?key=s3cr3t-q");
    p.headers = vec![("X-Token".into(), "pre-s3cr3t-h".into()), ("Cookie".into(), "sid=plain".into())];
    p.body = PreparedBody::Bytes(br#"{"token": "s3cr3t-b"}"#.to_vec());
    p.secrets = vec!["s3cr3t-q".into(), "s3cr3t-h".into(), "s3cr3t-b".into()];
    let masked = to_curl(&p, false);
    for s in ["s3cr3t", "hunter2", "sid=plain"] {
        assert!(!masked.contains(s), "{s} leaked: {masked}");
    }
    assert!(masked.contains(&format!("user:{MASK}@example.test/x?key={MASK}")), "{masked}");
    assert!(masked.contains(&format!("X-Token: pre-{MASK}")), "{masked}");
    assert!(masked.contains(&format!("Cookie: {MASK}")), "{masked}");
    assert!(masked.contains(&format!(r#"{{"token": "{MASK}"}}"#)), "{masked}");

    let revealed = to_curl(&p, true);
    for s in ["s3cr3t-q", "s3cr3t-h", "s3cr3t-b", "hunter2", "sid=plain"] {
        assert!(revealed.contains(s), "{s} missing: {revealed}");
    }
    assert!(!revealed.contains(MASK));
}

#[test]
fn basic_bearer_and_api_key_auth_are_masked_keeping_the_scheme() {
    let basic = to_curl(
        &with_auth(AuthDef::Basic {
            username: "demo".into(),
            password: "pa55word".into(),
        }),
        false,
    );
    assert!(basic.contains(&format!("-H 'Authorization: Basic {MASK}'")), "{basic}");
    let bearer = with_auth(AuthDef::Bearer {
        token: "tok-123456".into(),
    });
    assert!(to_curl(&bearer, false).contains(&format!("-H 'Authorization: Bearer {MASK}'")));
    assert!(to_curl(&bearer, true).contains("-H 'Authorization: Bearer tok-123456'"));
    let header = to_curl(
        &with_auth(AuthDef::ApiKey {
            name: "X-Custom-Key".into(),
            value: "k-987654".into(),
            location: ApiKeyLocation::Header,
        }),
        false,
    );
    assert!(header.contains(&format!("-H 'X-Custom-Key: {MASK}'")), "{header}");
    let query = to_curl(
        &with_auth(AuthDef::ApiKey {
            name: "api_key".into(),
            value: "k-987654".into(),
            location: ApiKeyLocation::Query,
        }),
        false,
    );
    assert!(query.contains(&format!("?api_key={MASK}'")), "{query}");
}

#[test]
fn send_time_auth_is_a_comment_or_curls_own_digest() {
    let mut p = prepared("GET", "http://example.test/");
    p.secrets = vec!["aws-secret-key".into()];
    p.pending_auth = Some(PendingAuth::Aws(AwsAuth {
        access_key: "AKIA".into(),
        secret_key: "aws-secret-key".into(),
        session_token: None,
        region: "eu-west-1".into(),
        service: "s3".into(),
    }));
    let cmd = to_curl(&p, true);
    assert!(cmd.starts_with("# auth: aws (signed at send time; not included)\ncurl "), "{cmd}");
    assert!(!cmd.contains("aws-secret-key"), "nothing of the AWS auth is written: {cmd}");

    p.secrets = vec!["dig-pass".into()];
    p.pending_auth = Some(PendingAuth::Digest {
        username: "demo".into(),
        password: "dig-pass".into(),
    });
    assert!(to_curl(&p, false).contains(&format!("--digest \\\n  -u 'demo:{MASK}'")));
    assert!(to_curl(&p, true).contains("-u 'demo:dig-pass'"));
}

#[test]
fn multipart_and_file_bodies() {
    let mut p = prepared("POST", "http://example.test/");
    p.options.follow_redirects = false;
    p.secrets = vec!["part-secret".into()];
    p.body = PreparedBody::Multipart(vec![
        PreparedPart {
            name: "bio".into(),
            data: PartData::Text("@not-a-file; it's".into()),
            content_type: None,
        },
        PreparedPart {
            name: "tok".into(),
            data: PartData::Text("part-secret".into()),
            content_type: Some("text/plain".into()),
        },
        PreparedPart {
            name: "doc".into(),
            data: PartData::File("/tmp/a b;c.json".into()),
            content_type: None,
        },
    ]);
    let cmd = to_curl(&p, false);
    assert!(cmd.contains(r"--form-string 'bio=@not-a-file; it'\''s'"), "{cmd}");
    assert!(cmd.contains(&format!("-F 'tok={MASK};type=text/plain'")), "{cmd}");
    assert!(cmd.contains(r#"-F 'doc=@"/tmp/a b;c.json";type=application/json'"#), "{cmd}");
    assert!(!cmd.contains("Content-Type:"), "curl sets the multipart type: {cmd}");
    assert!(to_curl(&p, true).contains("-F 'tok=part-secret;type=text/plain'"));

    p.body = PreparedBody::File("/data/it's.bin".into());
    p.method = "PUT".into();
    let cmd = to_curl(&p, false);
    assert!(cmd.contains(r"--data-binary '@/data/it'\''s.bin'"), "{cmd}");
    assert!(cmd.starts_with("curl -X PUT "), "{cmd}");
}
