//! A prepared request as a POSIX-shell `curl` command.
//!
//! Every argument is single-quoted (`'` becomes `'\''`), one option per line joined with ` \`, so multi-line bodies
//! stay readable and the command pastes into sh, bash or zsh. Bodies a quoted string cannot carry (NUL bytes,
//! invalid UTF-8, control characters other than newline and tab) are piped in with `printf` octal escapes.
//! curl's own defaults are undone where they would change the request: its form Content-Type on a raw body,
//! `-X POST` forcing POST through redirects. Auth that curl cannot redo (AWS, OAuth 2.0) is named in a comment.

use crate::http::prepare::{guess_content_type, PartData};
use crate::http::record::{mask_credential, SENSITIVE_HEADERS};
use crate::http::{PendingAuth, Prepared, PreparedBody};
use crate::template::{mask_secrets, MASK};

/// The command for `p`; with `reveal_secrets = false` every secret and sensitive header value reads `••••••`.
pub fn to_curl(p: &Prepared, reveal_secrets: bool) -> String {
    let mask = |s: &str| {
        if reveal_secrets {
            s.to_string()
        } else {
            mask_secrets(s, &p.secrets)
        }
    };
    let mut comments = Vec::new();
    // Method and URL share the first line; every other option gets its own.
    let mut first: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut stdin_body: Option<Vec<u8>> = None;

    let has_body = !matches!(p.body, PreparedBody::Empty);
    let method = p.method.as_str();
    match method {
        "HEAD" if !has_body => first.push("--head".into()),
        // curl's defaults; an explicit `-X POST` would also keep POST through a 303 redirect.
        "GET" if !has_body => {}
        "POST" if has_body => {}
        m => first.push(format!("-X {}", quote_if_needed(m))),
    }
    first.push(quote(&url_text(p, reveal_secrets)));

    for (name, value) in &p.headers {
        let value = if reveal_secrets {
            value.clone()
        } else if SENSITIVE_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            mask_credential(value)
        } else {
            mask_secrets(value, &p.secrets)
        };
        // `-H 'Name:'` would remove the header; `Name;` is curl's spelling of an empty one.
        let h = if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {value}")
        };
        args.push(format!("-H {}", quote(&h)));
    }
    let has_header = |n: &str| p.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
    if has_header("accept-encoding") {
        args.push("--compressed".into());
    }
    if matches!(p.body, PreparedBody::Bytes(_) | PreparedBody::File(_)) && !has_header("content-type") {
        // curl would add `application/x-www-form-urlencoded`; apix sends none.
        args.push("-H 'Content-Type:'".into());
    }

    match &p.pending_auth {
        None => {}
        Some(PendingAuth::Digest { username, password }) => {
            args.push("--digest".into());
            args.push(format!("-u {}", quote(&format!("{}:{}", mask(username), mask(password)))));
        }
        Some(other @ PendingAuth::Aws(_)) => comments.push(format!("# auth: {} (signed at send time; not included)", other.type_name())),
        Some(other @ PendingAuth::OAuth2 { .. }) => {
            comments.push(format!("# auth: {} (token obtained at send time; not included)", other.type_name()))
        }
    }

    match &p.body {
        PreparedBody::Empty => {}
        PreparedBody::Bytes(b) => {
            let body = if reveal_secrets { b.clone() } else { mask_bytes(b, &p.secrets) };
            match std::str::from_utf8(&body) {
                Ok(text) if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
                    args.push(format!("--data-binary {}", quote(text)));
                }
                _ => {
                    args.push("--data-binary @-".into());
                    stdin_body = Some(body);
                }
            }
        }
        PreparedBody::File(path) => args.push(format!("--data-binary {}", quote(&format!("@{}", mask(&path.to_string_lossy()))))),
        PreparedBody::Multipart(parts) => {
            for part in parts {
                let name = mask(&part.name);
                match &part.data {
                    PartData::Text(t) if part.content_type.is_none() => {
                        // --form-string takes the value literally (no `@file`, `<file` or `;type=`).
                        args.push(format!("--form-string {}", quote(&format!("{name}={}", mask(t)))));
                    }
                    PartData::Text(t) => {
                        let ct = part.content_type.as_deref().unwrap_or_default();
                        args.push(format!("-F {}", quote(&format!("{name}={};type={ct}", form_quote(&mask(t))))));
                    }
                    PartData::File(path) => {
                        let ct = part.content_type.clone().unwrap_or_else(|| guess_content_type(path).to_string());
                        let file = form_quote(&mask(&path.to_string_lossy()));
                        args.push(format!("-F {}", quote(&format!("{name}=@{file};type={ct}"))));
                    }
                }
            }
        }
    }

    let o = &p.options;
    if o.follow_redirects {
        args.push("-L".into());
    }
    if !o.verify_tls {
        args.push("-k".into());
    }
    if let Some(px) = &o.proxy {
        args.push(format!("--proxy {}", quote(&mask(px))));
    }
    if let Some(ca) = &o.ca_file {
        args.push(format!("--cacert {}", quote(&mask(&ca.to_string_lossy()))));
    }

    let mut out = String::new();
    for c in comments {
        out.push_str(&c);
        out.push('\n');
    }
    if let Some(b) = &stdin_body {
        out.push_str(&format!("printf {} | ", printf_literal(b)));
    }
    out.push_str("curl ");
    out.push_str(&first.join(" "));
    for a in args {
        out.push_str(" \\\n  ");
        out.push_str(&a);
    }
    out.push('\n');
    out
}

/// The URL with secrets masked, including a password written into it (`https://user:pass@host`).
fn url_text(p: &Prepared, reveal: bool) -> String {
    if reveal {
        return p.url.to_string();
    }
    const HOLE: &str = "apix-masked-password";
    let mut url = p.url.clone();
    if url.password().is_some() && url.set_password(Some(HOLE)).is_ok() {
        return mask_secrets(url.as_str(), &p.secrets).replace(HOLE, MASK);
    }
    mask_secrets(url.as_str(), &p.secrets)
}

/// Single-quotes `s` for a POSIX shell: everything inside is literal except `'`, written as `'\''`.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn quote_if_needed(s: &str) -> String {
    let plain = !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.,:/@%+=".contains(&b));
    if plain {
        s.to_string()
    } else {
        quote(s)
    }
}

/// A value inside a curl `-F` argument: double-quoted when it holds a character `-F` would parse (`;`, `,`, `"`).
fn form_quote(s: &str) -> String {
    if s.contains([';', ',', '"', '\\']) || s.starts_with(['@', '<']) {
        format!("\"{}\"", s.replace('\\', r"\\").replace('"', r#"\""#))
    } else {
        s.to_string()
    }
}

/// A printf format that prints exactly `data`: `%` and `\` escaped, anything not plain ASCII as octal.
fn printf_literal(data: &[u8]) -> String {
    let mut f = String::from("'");
    for (i, &b) in data.iter().enumerate() {
        match b {
            // A leading `-` would read as an option.
            b'-' if i == 0 => f.push_str(r"\055"),
            b'%' => f.push_str("%%"),
            b'\\' => f.push_str(r"\\"),
            b'\n' => f.push_str(r"\n"),
            b'\'' => f.push_str(r"\047"),
            0x20..=0x7e => f.push(b as char),
            _ => f.push_str(&format!("\\{b:03o}")),
        }
    }
    f.push('\'');
    f
}

/// `mask_secrets` for bytes that may not be UTF-8.
fn mask_bytes(data: &[u8], secrets: &[String]) -> Vec<u8> {
    if let Ok(text) = std::str::from_utf8(data) {
        return mask_secrets(text, secrets).into_bytes();
    }
    let mut sorted: Vec<&[u8]> = secrets.iter().map(|s| s.as_bytes()).filter(|s| s.len() >= 3).collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = data.to_vec();
    for s in sorted {
        let mut next = Vec::with_capacity(out.len());
        let mut i = 0;
        while i < out.len() {
            if out[i..].starts_with(s) {
                next.extend_from_slice(MASK.as_bytes());
                i += s.len();
            } else {
                next.push(out[i]);
                i += 1;
            }
        }
        out = next;
    }
    out
}
