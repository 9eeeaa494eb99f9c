//! AWS Signature Version 4, written here (HMAC-SHA256 from `hmac` + `sha2`) rather than with `aws-sigv4`: that
//! crate pulls in the smithy runtime (and asks for a newer compiler than ours), while the algorithm is ~150 lines
//! and is checked below against AWS's published test vectors.
//!
//! Signed: `host`, `content-type` when present, and every `x-amz-*` header (date, content hash, session token).
//! The payload hash is sent as `x-amz-content-sha256` (S3 requires it; other services accept it). Multipart bodies
//! are built by the HTTP client at send time, so they are signed as `UNSIGNED-PAYLOAD`.

use std::time::SystemTime;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::collection::AwsAuth;
use crate::http::{Prepared, PreparedBody};

use super::error::{AuthError, AuthErrorKind};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return Vec::new(),
    };
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
}

/// Percent-encodes everything but the unreserved characters `A-Za-z0-9-_.~` (and `/` when `keep_slash`).
pub fn aws_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The canonical URI: S3 signs the path as sent; every other service signs it URI-encoded once more.
pub fn canonical_path(wire_path: &str, service: &str) -> String {
    let path = if wire_path.is_empty() { "/" } else { wire_path };
    let decoded = |seg: &str| percent_decode(seg);
    let once: String = path
        .split('/')
        .map(|seg| aws_encode(&decoded(seg), false))
        .collect::<Vec<_>>()
        .join("/");
    if service == "s3" {
        once
    } else {
        aws_encode(&once, true)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Query parameters decoded, re-encoded the AWS way, sorted by name then value.
pub fn canonical_query(url: &url::Url) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (aws_encode(&k, false), aws_encode(&v, false)))
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// (canonical request, signed header list) for headers given as (lower-case name, value).
pub fn canonical_request(
    method: &str,
    url: &url::Url,
    headers: &[(String, String)],
    payload_hash: &str,
    service: &str,
) -> (String, String) {
    let mut hs: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect();
    hs.sort();
    let signed = hs.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(";");
    let canon_headers: String = hs.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let req = format!(
        "{method}\n{}\n{}\n{canon_headers}\n{signed}\n{payload_hash}",
        canonical_path(url.path(), service),
        canonical_query(url)
    );
    (req, signed)
}

/// The signature for a canonical request at `amz_date` (`YYYYMMDDTHHMMSSZ`).
pub fn signature(canonical: &str, amz_date: &str, secret: &str, region: &str, service: &str) -> String {
    let date = amz_date.get(..8).unwrap_or(amz_date);
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let to_sign = format!("{ALGORITHM}\n{amz_date}\n{scope}\n{}", sha256_hex(canonical.as_bytes()));
    hex::encode(hmac_sha256(&signing_key(secret, date, region, service), to_sign.as_bytes()))
}

/// `20150830T123600Z` for a time.
pub fn amz_date(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string().replace(['-', ':'], "")
}

/// The `Host` header value as the HTTP client will send it (the port only when it is not the scheme's default).
pub fn host_header(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// Signs `prepared` as it is now (URL, headers, body) with the current time.
pub async fn authorize(prepared: &mut Prepared, aws: &AwsAuth) -> Result<(), AuthError> {
    let payload_hash = match &prepared.body {
        PreparedBody::Empty => sha256_hex(b""),
        PreparedBody::Bytes(b) => sha256_hex(b),
        PreparedBody::File(p) => {
            let data = tokio::fs::read(p).await.map_err(|e| {
                AuthError::new(
                    AuthErrorKind::Config,
                    "aws signing",
                    format!("cannot read the body file {}: {e}", p.display()),
                )
            })?;
            sha256_hex(&data)
        }
        PreparedBody::Multipart(_) => UNSIGNED_PAYLOAD.to_string(),
    };
    if aws.access_key.trim().is_empty() || aws.secret_key.trim().is_empty() {
        return Err(
            AuthError::new(AuthErrorKind::Config, "aws signing", "has an empty access_key or secret_key")
                .check("check the references in [auth] and that the secrets they name are set"),
        );
    }
    sign_prepared(prepared, aws, &payload_hash, SystemTime::now());
    Ok(())
}

fn sign_prepared(prepared: &mut Prepared, aws: &AwsAuth, payload_hash: &str, now: SystemTime) {
    let date = amz_date(now);
    let drop = |n: &str| {
        let n = n.to_ascii_lowercase();
        n == "authorization" || n == "x-amz-date" || n == "x-amz-content-sha256" || n == "x-amz-security-token"
    };
    prepared.headers.retain(|(n, _)| !drop(n));
    prepared.headers.push(("X-Amz-Date".into(), date.clone()));
    prepared.headers.push(("X-Amz-Content-Sha256".into(), payload_hash.to_string()));
    if let Some(t) = &aws.session_token {
        prepared.headers.push(("X-Amz-Security-Token".into(), t.clone()));
    }
    let mut to_sign = vec![("host".to_string(), host_header(&prepared.url))];
    for (k, v) in &prepared.headers {
        let lk = k.to_ascii_lowercase();
        if lk == "content-type" || lk.starts_with("x-amz-") {
            to_sign.push((lk, v.clone()));
        }
    }
    let (canonical, signed) = canonical_request(&prepared.method, &prepared.url, &to_sign, payload_hash, &aws.service);
    let sig = signature(&canonical, &date, &aws.secret_key, &aws.region, &aws.service);
    let day = date.get(..8).unwrap_or_default();
    prepared.headers.push((
        "Authorization".into(),
        format!(
            "{ALGORITHM} Credential={}/{day}/{}/{}/aws4_request, SignedHeaders={signed}, Signature={sig}",
            aws.access_key, aws.region, aws.service
        ),
    ));
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 …` header (for the demo server's check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    pub access_key: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let rest = value.trim().strip_prefix(ALGORITHM)?.trim();
    let mut cred = None;
    let mut signed = None;
    let mut sig = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => cred = Some(v.to_string()),
            "SignedHeaders" => signed = Some(v.split(';').map(str::to_string).collect()),
            "Signature" => sig = Some(v.to_string()),
            _ => {}
        }
    }
    let cred = cred?;
    let mut c = cred.split('/');
    let (access_key, date, region, service) = (c.next()?, c.next()?, c.next()?, c.next()?);
    (c.next()? == "aws4_request").then(|| ParsedAuthorization {
        access_key: access_key.to_string(),
        date: date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        signed_headers: signed.unwrap_or_default(),
        signature: sig.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const DATE: &str = "20150830T123600Z";

    fn suite(method: &str, url: &str, extra: &[(&str, &str)], body: &[u8]) -> String {
        let url = url::Url::parse(url).unwrap();
        let mut hs = vec![
            ("host".to_string(), host_header(&url)),
            ("x-amz-date".to_string(), DATE.to_string()),
        ];
        hs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let (canon, _) = canonical_request(method, &url, &hs, &sha256_hex(body), "service");
        signature(&canon, DATE, SECRET, "us-east-1", "service")
    }

    /// AWS's SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30 vectors).
    #[test]
    fn matches_the_aws_test_suite() {
        assert_eq!(
            suite("GET", "https://example.amazonaws.com/", &[], b""),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            "get-vanilla"
        );
        assert_eq!(
            suite("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", &[], b""),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
            "get-vanilla-query-order-key-case"
        );
        assert_eq!(
            suite("POST", "https://example.amazonaws.com/", &[], b""),
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
            "post-vanilla"
        );
        assert_eq!(
            suite(
                "POST",
                "https://example.amazonaws.com/",
                &[("content-type", "application/x-www-form-urlencoded")],
                b"Param1=value1"
            ),
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            "post-x-www-form-urlencoded"
        );
    }

    /// The S3 GetObject example of the S3 API reference (signing with x-amz-content-sha256 and a range header).
    #[test]
    fn matches_the_s3_get_object_example() {
        let url = url::Url::parse("https://examplebucket.s3.amazonaws.com/test.txt").unwrap();
        let empty = sha256_hex(b"");
        let hs: Vec<(String, String)> = [
            ("host", "examplebucket.s3.amazonaws.com"),
            ("range", "bytes=0-9"),
            ("x-amz-content-sha256", empty.as_str()),
            ("x-amz-date", "20130524T000000Z"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (canon, signed) = canonical_request("GET", &url, &hs, &empty, "s3");
        assert_eq!(signed, "host;range;x-amz-content-sha256;x-amz-date");
        assert_eq!(
            sha256_hex(canon.as_bytes()),
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
        );
        assert_eq!(
            // The S3 reference uses its own example key (`/bPxR` where the test suite has `+bPxR`).
            signature(
                &canon,
                "20130524T000000Z",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "us-east-1",
                "s3"
            ),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn paths_are_encoded_once_for_s3_and_twice_elsewhere() {
        assert_eq!(canonical_path("/a%20b/c", "s3"), "/a%20b/c");
        assert_eq!(canonical_path("/a%20b/c", "execute-api"), "/a%2520b/c");
        assert_eq!(canonical_path("", "s3"), "/");
        assert_eq!(
            amz_date(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_440_938_160)),
            DATE
        );
    }

    #[test]
    fn parses_its_own_header() {
        let p = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/demo/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
        )
        .unwrap();
        assert_eq!(p.region, "us-east-1");
        assert_eq!(p.signed_headers, vec!["host", "x-amz-date"]);
        assert!(parse_authorization("Bearer x").is_none());
    }
}
