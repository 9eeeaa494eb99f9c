//! Printing an exchange or a failure for people (on a terminal) or for programs (piped).

use std::io::{IsTerminal, Write};

use crate::core::format::{self, BodyKind};
use crate::core::http::{insight, Exchange, HttpError};
use crate::core::mask::Masker;
use crate::core::sanitize::{visible, visible_line};
use crate::core::{format_duration, format_size};

/// Text from outside, for one line on a terminal: secrets masked, controls shown.
fn shown(m: &Masker, s: &str) -> String {
    visible_line(&m.mask(s)).into_owned()
}

/// Colours only on a terminal and only when NO_COLOR is unset.
pub fn use_color(stream_is_tty: bool) -> bool {
    stream_is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

struct Paint(bool);

impl Paint {
    fn code(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn status(&self, status: u16, s: &str) -> String {
        let code = match status {
            200..=299 => "1;32",
            300..=399 => "1;36",
            400..=499 => "1;33",
            _ => "1;31",
        };
        self.code(code, s)
    }
    fn dim(&self, s: &str) -> String {
        self.code("2", s)
    }
    fn bold(&self, s: &str) -> String {
        self.code("1", s)
    }
}

/// The summary line: `HTTP/1.1 200 OK · 38 ms · 1.2 KB · application/json`.
pub fn summary_line(x: &Exchange, color: bool) -> String {
    let p = Paint(color);
    let r = &x.response;
    let mut size = format_size(r.decoded_size);
    if r.content_encoding.is_some() {
        size.push_str(&format!(" ({} on the wire)", format_size(r.wire_size)));
    }
    format!(
        "{} {} {} {} {} {}{}",
        p.dim(&r.version),
        p.status(r.status, &r.status_line()),
        p.dim("·"),
        format_duration(r.timings.total),
        p.dim("·"),
        size,
        r.content_type
            .as_deref()
            .map(|c| format!(" {} {}", p.dim("·"), visible_line(c)))
            .unwrap_or_default()
    )
}

/// What the status means and what the API said (for errors), as lines.
pub fn explanation(x: &Exchange, color: bool, m: &Masker) -> Vec<String> {
    let p = Paint(color);
    let ins = insight(&x.response);
    let mut lines = Vec::new();
    if x.response.status >= 300 || ins.rate_limit.is_some() {
        lines.push(p.dim(&shown(m, &ins.meaning)));
    }
    if let Some(api) = &ins.api_message {
        lines.push(format!("{} {}", p.bold(&format!("{}:", api.source)), shown(m, &api.text())));
    }
    if !x.response.redirects.is_empty() {
        let mut chain = format!("redirects: {}", shown(m, &x.request.url));
        for h in &x.response.redirects {
            chain.push_str(&format!(" → {} {}", h.status, shown(m, &h.to)));
            if !h.followed {
                chain.push_str(" (not followed)");
            }
        }
        lines.push(p.dim(&chain));
        for h in x.response.redirects.iter().filter(|h| !h.dropped.is_empty()) {
            lines.push(p.dim(&format!(
                "  not sent to {} (another origin): {}",
                shown(m, &origin_of(&h.to)),
                h.dropped.join(", ")
            )));
        }
    }
    lines
}

fn origin_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| url.to_string())
}

pub fn headers_block(x: &Exchange, color: bool, m: &Masker) -> String {
    let p = Paint(color);
    let mut s = String::new();
    for (k, v) in &x.response.headers {
        s.push_str(&format!("{}: {}\n", p.code("36", &visible_line(k)), shown(m, v)));
    }
    s
}

/// The body for a person on a terminal: pretty, highlighted JSON; text decoded; binary summarised. Known secrets
/// are masked and control characters shown visibly (a pipe gets the bytes as they came instead).
pub fn body_for_terminal(x: &Exchange, color: bool, m: &Masker) -> String {
    let r = &x.response;
    if r.body.is_empty() {
        return String::new();
    }
    if let Some(sp) = &r.spilled {
        // The spill file goes when apix exits, so it is not named here.
        return Paint(color).dim(&format!(
            "(a {} body is too large to print on a terminal and was not kept: send again with --output FILE, or pipe it)\n",
            format_size(sp.len)
        ));
    }
    match format::sniff(r.content_type.as_deref(), &r.body) {
        BodyKind::Json => match format::reindent(&r.body, 2) {
            Ok(pretty) => {
                let pretty = String::from_utf8_lossy(&pretty);
                let pretty = visible(&m.mask(&pretty)).into_owned();
                let palette = if color {
                    format::AnsiPalette::default()
                } else {
                    format::AnsiPalette::none()
                };
                let mut out = format::highlight_json_ansi(&pretty, &palette);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                out
            }
            Err(e) => {
                let text = format::decode_text(&r.body, r.content_type.as_deref());
                format!(
                    "{}\n{}\n",
                    visible(&m.mask(text.text.trim_end())),
                    Paint(color).code("33", &format!("(shown as text: {e})"))
                )
            }
        },
        BodyKind::Binary(info) => Paint(color).dim(&format!(
            "(binary body: {}, {}; not shown on a terminal: use --output FILE or pipe it)\n",
            info.description,
            format_size(r.decoded_size)
        )),
        BodyKind::Image(img) => {
            let dims = match (img.width, img.height) {
                (Some(w), Some(h)) => format!(", {w}×{h}"),
                _ => String::new(),
            };
            Paint(color).dim(&format!(
                "({} image{dims}, {}; use --output FILE to save it)\n",
                img.format,
                format_size(r.decoded_size)
            ))
        }
        _ => {
            let text = format::decode_text(&r.body, r.content_type.as_deref());
            let mut out = visible(&m.mask(&text.text)).into_owned();
            if !out.ends_with('\n') {
                out.push('\n');
            }
            if text.replaced > 0 {
                out.push_str(&Paint(color).code(
                    "33",
                    &format!("({} invalid {} sequence(s) shown as �)\n", text.replaced, text.charset),
                ));
            }
            out
        }
    }
}

/// A failure in plain words: what, how to fix it, and where it happened.
pub fn print_http_error(e: &HttpError, hint: Option<String>, method: &str, url: &str, elapsed: std::time::Duration, m: &Masker) {
    let color = use_color(std::io::stderr().is_terminal());
    let p = Paint(color);
    let mut err = super::term::stderr();
    let _ = writeln!(err, "{} {}", p.code("1;31", "✖"), shown(m, &e.to_string()));
    if let Some(h) = hint {
        let _ = writeln!(err, "  {}", shown(m, &h));
    }
    let _ = writeln!(
        err,
        "  {}",
        p.dim(&format!(
            "request: {} {} · failed after {}",
            visible_line(method),
            shown(m, url),
            format_duration(elapsed)
        ))
    );
}
