//! A raw HTTP/1.1 server on 127.0.0.1 for hostile and awkward answers that a well-behaved framework refuses to send
//! (an ESC in the reason phrase, JSON escaped as `\u00e4`, bodies that change between calls). Each connection gets
//! one response from the closure and is closed.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// What a request looked like to the server.
#[derive(Debug, Clone)]
pub struct Seen {
    pub head: String,
    pub body: Vec<u8>,
    /// How many requests came before this one.
    pub n: usize,
}

impl Seen {
    pub fn path(&self) -> &str {
        self.head.split_whitespace().nth(1).unwrap_or("/")
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

pub struct RawServer {
    pub port: u16,
}

impl RawServer {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Serves `respond(request)` → the whole raw response (status line, headers, body) on a thread of its own.
pub fn serve(respond: impl Fn(&Seen) -> Vec<u8> + Send + Sync + 'static) -> RawServer {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let respond = Arc::new(respond);
    let count = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let respond = respond.clone();
            let count = count.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap_or(0))
                    })
                    .unwrap_or(0);
                while buf.len() < head_end + len {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let seen = Seen {
                    head,
                    body: buf[head_end..].to_vec(),
                    n: count.fetch_add(1, Ordering::SeqCst),
                };
                let _ = stream.write_all(&respond(&seen));
                let _ = stream.flush();
            });
        }
    });
    RawServer { port }
}

/// A complete response with `Content-Length` and `Connection: close`.
pub fn response(status_line: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status_line}\r\n").into_bytes();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

/// Escape sequences a hostile server sends: set the title, write the clipboard (OSC 52), clear the screen, a C1
/// CSI, and a right-to-left override.
pub const PAYLOADS: &[&str] = &["\x1b]2;pwned\x07", "\x1b]52;c;cHduZWQ=\x07", "\x1b[2J", "\u{9b}31m", "\u{202e}"];

/// Whether `out` holds anything that acts on a terminal: ESC, a C1 control (raw or as UTF-8), BEL, or a bidi control.
pub fn acts_on_terminal(out: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(out);
    text.chars()
        .find(|c| {
            let n = *c as u32;
            (n < 0x20 && *c != '\n' && *c != '\t' && *c != '\r')
                || (0x7f..=0x9f).contains(&n)
                || (0x202a..=0x202e).contains(&n)
                || (0x2066..=0x2069).contains(&n)
        })
        .map(|c| format!("U+{:04X} in: {}", c as u32, text.escape_debug()))
}

/// Runs `args` of the apix binary on a pseudo-terminal (`script`), so stdout and stderr are TTYs; returns what the
/// terminal received.
pub fn on_terminal(args: &[&str], env: &[(&str, &str)]) -> Vec<u8> {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut cmd = quote(env!("CARGO_BIN_EXE_apix"));
    for a in args {
        cmd.push(' ');
        cmd.push_str(&quote(a));
    }
    let mut c = std::process::Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"]);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.env("TERM", "xterm-256color").output().expect("script (util-linux) runs");
    out.stdout
}
