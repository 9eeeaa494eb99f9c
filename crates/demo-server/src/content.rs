//! Content-type and encoding fixtures: binary and PNG bodies, odd text encodings, XML/HTML/YAML/text
//! documents, compressed bodies and a gzip "bomb".

use std::sync::OnceLock;

use async_compression::tokio::bufread::{BrotliEncoder, DeflateEncoder, GzipEncoder, ZstdEncoder};
use axum::body::{Body, Bytes};
use axum::http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_util::io::{ReaderStream, StreamReader};

use super::problem::{Params, Problem};

/// Streamed bodies are produced in chunks of this size.
const CHUNK: usize = 64 * 1024;
/// `/binary` cap.
const BINARY_MAX: u64 = 1_000_000_000;
/// `/bomb` cap on the decoded size (it is generated lazily, so this only bounds CPU time).
const BOMB_MAX: u64 = 16_000_000_000;
const BOMB_DEFAULT: u64 = 64_000_000;
const PNG_MAGIC: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

fn with_type(mut response: Response, content_type: &'static str) -> Response {
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn typed_body(content_type: &'static str, body: impl Into<Body>) -> Response {
    with_type((StatusCode::OK, body.into()).into_response(), content_type)
}

/// A response streaming `len` bytes from `chunks`, with an exact `Content-Length`.
fn streamed(content_type: &'static str, len: u64, chunks: impl Iterator<Item = Bytes> + Send + 'static) -> Response {
    let stream = futures_util::stream::iter(chunks.map(Ok::<_, std::io::Error>));
    let mut response = typed_body(content_type, Body::from_stream(stream));
    response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(len));
    response
}

/// Deterministic pseudo-random bytes (xorshift64*), after the PNG magic.
struct BinaryChunks {
    remaining: u64,
    offset: u64,
    state: u64,
}

impl Iterator for BinaryChunks {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        if self.remaining == 0 {
            return None;
        }
        let n = self.remaining.min(CHUNK as u64) as usize;
        let mut buf = Vec::with_capacity(n);
        while buf.len() < n {
            if let Some(&b) = PNG_MAGIC.get(self.offset as usize) {
                buf.push(b);
            } else {
                self.state ^= self.state >> 12;
                self.state ^= self.state << 25;
                self.state ^= self.state >> 27;
                buf.push((self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8);
            }
            self.offset += 1;
        }
        self.remaining -= n as u64;
        Some(Bytes::from(buf))
    }
}

/// `GET /binary?size=N`: octet-stream starting with the PNG magic, then deterministic noise.
pub async fn binary(params: Params) -> Result<Response, Problem> {
    let size = params.size("size", 4096)?.min(BINARY_MAX);
    let chunks = BinaryChunks {
        remaining: size,
        offset: 0,
        state: 0x9E37_79B9_7F4A_7C15,
    };
    Ok(streamed("application/octet-stream", size, chunks))
}

/// CRC-32 (IEEE, as used by PNG and gzip), bitwise; only used on tiny inputs.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Adler-32 (zlib trailer).
pub fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A valid 3x2 RGB PNG (red, green, blue / white, black, grey), with a stored (uncompressed) zlib IDAT.
pub fn tiny_png() -> &'static [u8] {
    static PNG: OnceLock<Vec<u8>> = OnceLock::new();
    PNG.get_or_init(|| {
        let rows: [[u8; 9]; 2] = [[255, 0, 0, 0, 255, 0, 0, 0, 255], [255, 255, 255, 0, 0, 0, 128, 128, 128]];
        let mut raw = Vec::new();
        for row in rows {
            raw.push(0); // filter type: none
            raw.extend_from_slice(&row);
        }
        let mut zlib = vec![0x78, 0x01, 0x01]; // zlib header, then a final stored block
        let len = raw.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(&raw);
        zlib.extend_from_slice(&adler32(&raw).to_be_bytes());

        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&3u32.to_be_bytes());
        ihdr.extend_from_slice(&2u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, adaptive filter, no interlace

        let mut png = PNG_MAGIC.to_vec();
        png_chunk(&mut png, b"IHDR", &ihdr);
        png_chunk(&mut png, b"IDAT", &zlib);
        png_chunk(&mut png, b"IEND", &[]);
        png
    })
}

/// `GET /image.png`.
pub async fn image_png() -> Response {
    typed_body("image/png", Bytes::from_static(tiny_png()))
}

/// `GET /text/invalid-utf8`: declared UTF-8 but containing `\xe9`, `\xff\xfe`.
pub async fn invalid_utf8() -> Response {
    typed_body("text/plain; charset=utf-8", Bytes::from_static(b"caf\xe9 ok \xff\xfe end\n"))
}

/// `GET /text/latin1`: "café" in ISO-8859-1.
pub async fn latin1() -> Response {
    typed_body("text/plain; charset=iso-8859-1", Bytes::from_static(b"caf\xe9\n"))
}

pub async fn xml() -> Response {
    typed_body(
        "application/xml; charset=utf-8",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<users>\n  <user id=\"1\">\n    <name>Ada Lovelace</name>\n    <email>ada@example.com</email>\n  </user>\n  <user id=\"2\">\n    <name>Grace Hopper</name>\n    <email>grace@example.com</email>\n  </user>\n</users>\n",
    )
}

pub async fn html() -> Response {
    typed_body(
        "text/html; charset=utf-8",
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>apix demo</title></head>\n<body>\n  <h1>apix demo API</h1>\n  <p>Try <a href=\"/users\">/users</a> or <a href=\"/echo\">/echo</a>.</p>\n</body>\n</html>\n",
    )
}

pub async fn yaml() -> Response {
    typed_body(
        "application/yaml; charset=utf-8",
        "users:\n  - id: 1\n    name: Ada Lovelace\n    roles: [admin, dev]\n  - id: 2\n    name: Grace Hopper\n    roles: [dev]\ncount: 2\n",
    )
}

pub async fn text() -> Response {
    typed_body(
        "text/plain; charset=utf-8",
        "Hello from the apix demo API.\nThis is plain text, with unicode: é ✓.\n",
    )
}

/// Read an encoder to the end (small in-memory documents only).
async fn encode_all(mut encoder: impl AsyncRead + Unpin) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    encoder.read_to_end(&mut out).await?;
    Ok(out)
}

/// Compress `data` with the given HTTP content coding. `deflate` means zlib-wrapped deflate (RFC 9110
/// §8.4.1.2); the zlib header and Adler-32 trailer are added by hand around a raw deflate stream.
pub async fn compress(coding: &str, data: &[u8]) -> std::io::Result<Vec<u8>> {
    match coding {
        "gzip" => encode_all(GzipEncoder::new(data)).await,
        "br" => encode_all(BrotliEncoder::new(data)).await,
        "zstd" => encode_all(ZstdEncoder::new(data)).await,
        "deflate" => {
            let mut out = vec![0x78, 0x9C];
            out.extend(encode_all(DeflateEncoder::new(data)).await?);
            out.extend_from_slice(&adler32(data).to_be_bytes());
            Ok(out)
        }
        other => Err(std::io::Error::other(format!("unknown coding {other}"))),
    }
}

/// A small JSON document compressed with `coding`, whatever the request's `Accept-Encoding`.
async fn compressed(name: &'static str, coding: &'static str) -> Response {
    let doc = json!({
        "compressed": name,
        "content_encoding": coding,
        "message": "This body was sent compressed regardless of Accept-Encoding.",
        "items": [
            {"id": 1, "name": "alpha"},
            {"id": 2, "name": "beta"},
            {"id": 3, "name": "gamma"}
        ]
    });
    match compress(coding, doc.to_string().as_bytes()).await {
        Ok(body) => {
            let mut response = typed_body("application/json", body);
            response.headers_mut().insert(CONTENT_ENCODING, HeaderValue::from_static(coding));
            response
        }
        Err(e) => Problem::new(StatusCode::INTERNAL_SERVER_ERROR, format!("compression failed: {e}")).into_response(),
    }
}

pub async fn gzip() -> Response {
    compressed("gzip", "gzip").await
}

pub async fn brotli() -> Response {
    compressed("brotli", "br").await
}

pub async fn zstd() -> Response {
    compressed("zstd", "zstd").await
}

pub async fn deflate() -> Response {
    compressed("deflate", "deflate").await
}

/// `GET /bomb?size=SIZE&type=json`: gzip-encoded zeros decoding to SIZE bytes (default 64MB), compressed
/// on the fly so neither the plain nor the compressed body is ever held in memory; `type=json` labels it
/// `application/json` (as a hostile server would).
pub async fn bomb(params: Params) -> Result<Response, Problem> {
    static ZEROS: [u8; CHUNK] = [0; CHUNK];
    let size = params.size("size", BOMB_DEFAULT)?.min(BOMB_MAX);
    let zeros = (0..size.div_ceil(CHUNK as u64)).map(move |i| {
        let n = (size - i * CHUNK as u64).min(CHUNK as u64) as usize;
        Ok::<_, std::io::Error>(Bytes::from_static(&ZEROS[..n]))
    });
    let reader = StreamReader::new(futures_util::stream::iter(zeros));
    let encoded = ReaderStream::with_capacity(GzipEncoder::new(reader), CHUNK);
    let ct = if params.get("type") == Some("json") {
        "application/json"
    } else {
        "text/plain"
    };
    let mut response = typed_body(ct, Body::from_stream(encoded));
    let headers = response.headers_mut();
    headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    headers.insert("x-decoded-size", HeaderValue::from(size));
    Ok(response)
}
