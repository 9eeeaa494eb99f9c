//! The response body viewer. Only the visible window is ever read from the document and styled: JSON with the
//! per-line tokenizer and the theme's colours, XML/HTML/YAML from the syntect window a background job prepared,
//! binary as a hex dump read from the body (or its spill file). Line numbers, horizontal scroll or wrap, and search
//! hits are applied here. Nothing on this path formats, parses or scans more than the screen.

use std::io::{Read, Seek, SeekFrom};

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

use crate::core::format::hex::HEX_BYTES_PER_LINE;
use crate::core::format::{hex_dump_line, hex_line_count, tokenize_json_line, BodyKind, StyledSpan};

use crate::core::http::ResponseRecord;
use crate::core::sanitize::{escape_char, is_unsafe};
use crate::core::template::MASK;
use crate::tui::action::Action;
use crate::tui::app::body::{BodyDoc, LiveDoc};
use crate::tui::app::titles::preamble_lines;
use crate::tui::app::{App, RequestState, Slot};
use crate::tui::keymap::Context;
use crate::tui::safe_text::para;

/// Lines longer than this are shown unstyled: tokenizing a multi-megabyte line per frame would stall drawing.
const MAX_STYLED_LINE: usize = 16 * 1024;

type Seg = (String, Style);

/// The segments as drawn: every secret the request carried (or cookie it got) masked wherever the body echoes it,
/// in any spelling the masker knows, and control, bidi and format characters made visible. Done here, on the
/// visible window only, so a 100 MB body never waits for masking; search hits keep their places because masking
/// and escaping come after the segments were cut at the hits. `masked` are byte ranges of the line the segments
/// cover, in order.
fn shown(segs: Vec<Seg>, masked: &[std::ops::Range<usize>]) -> Vec<Seg> {
    let mut out = Vec::with_capacity(segs.len());
    let mut at = 0;
    for (text, style) in segs {
        let start = at;
        at += text.len();
        let touched = masked.iter().any(|r| r.start < at && r.end > start);
        if !touched && !text.chars().any(is_unsafe) {
            out.push((text, style));
            continue;
        }
        let mut v = String::with_capacity(text.len() + 8);
        for (i, c) in text.char_indices() {
            let pos = start + i;
            if let Some(r) = masked.iter().find(|r| r.contains(&pos)) {
                if pos == r.start {
                    v.push_str(MASK);
                }
                continue;
            }
            if is_unsafe(c) {
                v.push_str(&escape_char(c));
            } else {
                v.push(c);
            }
        }
        if !v.is_empty() {
            out.push((v, style));
        }
    }
    out
}

/// The styled pieces of one body line.
fn segments(app: &App, kind: &BodyKind, line: &str, syntect: Option<&Vec<StyledSpan>>) -> Vec<Seg> {
    let base = app.shell.styles.base;
    if line.len() > MAX_STYLED_LINE {
        return vec![(line.to_string(), base)];
    }
    match (kind, app.shell.styles.json_colors(), syntect) {
        (BodyKind::Json, Some(colors), _) => tokenize_json_line(line)
            .into_iter()
            .filter_map(|t| {
                let text = line.get(t.range.clone())?;
                let mut style = base;
                if let Some(c) = app.shell.styles.rgb(colors.for_kind(t.kind)) {
                    style = style.fg(c);
                }
                if t.kind == crate::core::format::JsonTokenKind::Key && colors.key_bold {
                    style = style.add_modifier(Modifier::BOLD);
                }
                Some((text.to_string(), style))
            })
            .collect(),
        (_, _, Some(spans)) => spans
            .iter()
            .map(|sp| {
                let mut style = base;
                if let Some(c) = sp.fg.and_then(|c| app.shell.styles.rgb(c)) {
                    style = style.fg(c);
                }
                if sp.bold {
                    style = style.add_modifier(Modifier::BOLD);
                }
                if sp.italic {
                    style = style.add_modifier(Modifier::ITALIC);
                }
                (sp.text.clone(), style)
            })
            .collect(),
        _ => vec![(line.to_string(), base)],
    }
}

/// Restyles the byte ranges of search hits on top of the syntax colours.
fn overlay(segs: Vec<Seg>, hits: &[(usize, usize, bool)], app: &App) -> Vec<Seg> {
    if hits.is_empty() {
        return segs;
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for (text, style) in segs {
        let start = offset;
        offset += text.len();
        let mut cuts: Vec<usize> = vec![0, text.len()];
        for (a, b, _) in hits {
            for p in [*a, *b] {
                if p > start && p < offset && text.is_char_boundary(p - start) {
                    cuts.push(p - start);
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let piece = &text[w[0]..w[1]];
            let abs = start + w[0];
            let hit = hits.iter().find(|(a, b, _)| abs >= *a && abs < *b);
            let st = match hit {
                Some((_, _, true)) => style.patch(app.shell.styles.search_current),
                Some(_) => style.patch(app.shell.styles.search_match),
                None => style,
            };
            out.push((piece.to_string(), st));
        }
    }
    out
}

/// Cuts display columns `skip..skip + width` out of the segments.
fn slice_cols(segs: &[Seg], skip: usize, width: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut col = 0;
    for (text, style) in segs {
        let mut piece = String::new();
        for c in text.chars() {
            let c = if c == '\t' { ' ' } else { c };
            let w = c.width().unwrap_or(0);
            if col >= skip && col + w <= skip + width {
                piece.push(c);
            }
            col += w;
            if col >= skip + width {
                break;
            }
        }
        if !piece.is_empty() {
            out.push(Span::styled(piece, *style));
        }
        if col >= skip + width {
            break;
        }
    }
    out
}

/// Breaks the segments into rows of `width` columns.
fn wrap_cols(segs: &[Seg], width: usize, max_rows: usize) -> Vec<Vec<Span<'static>>> {
    let width = width.max(1);
    let mut rows: Vec<Vec<Span>> = vec![Vec::new()];
    let mut col = 0;
    for (text, style) in segs {
        let mut piece = String::new();
        for c in text.chars() {
            let c = if c == '\t' { ' ' } else { c };
            let w = c.width().unwrap_or(0);
            if col + w > width {
                if !piece.is_empty() {
                    if let Some(r) = rows.last_mut() {
                        r.push(Span::styled(std::mem::take(&mut piece), *style));
                    }
                }
                if rows.len() >= max_rows {
                    return rows;
                }
                rows.push(Vec::new());
                col = 0;
            }
            piece.push(c);
            col += w;
        }
        if !piece.is_empty() {
            if let Some(r) = rows.last_mut() {
                r.push(Span::styled(piece, *style));
            }
        }
    }
    rows
}

/// `count` hex lines from line `first`, from memory or from the spill file (one read per frame).
fn hex_window(r: &ResponseRecord, first: usize, count: usize) -> Vec<String> {
    let Some(sp) = &r.spilled else {
        return (first..first + count).map_while(|n| hex_dump_line(&r.body, n)).collect();
    };
    let offset = (first * HEX_BYTES_PER_LINE) as u64;
    let mut buf = Vec::new();
    if let Ok(mut f) = std::fs::File::open(&sp.path) {
        if f.seek(SeekFrom::Start(offset)).is_ok() {
            let _ = f.take((count * HEX_BYTES_PER_LINE) as u64).read_to_end(&mut buf);
        }
    }
    // Dumped from a slice starting at 0: put back the real offset column.
    (0..count)
        .map_while(|i| hex_dump_line(&buf, i))
        .enumerate()
        .map(|(i, l)| format!("{:08x}{}", offset as usize + i * HEX_BYTES_PER_LINE, l.get(8..).unwrap_or("")))
        .collect()
}

/// What the viewer pages through.
enum Source<'a> {
    Empty,
    Text(&'a LiveDoc),
    Hex(&'a ResponseRecord),
}

/// The last row while the document is still arriving or formatting.
fn status_row(app: &App, slot: &Slot, doc: Option<&LiveDoc>) -> Option<String> {
    let doc = doc?;
    if let RequestState::Sending { .. } = &slot.state {
        return Some(format!(
            " … receiving: the first screen is readable and scrollable · {} cancels ",
            app.shell.keymap.label(Context::Response, Action::Cancel)
        ));
    }
    if doc.is_done() {
        return None;
    }
    Some(match doc.percent() {
        Some(p) => format!(" … formatting the rest in the background: {p}% "),
        None => " … formatting in the background ".to_string(),
    })
}

pub fn draw(app: &App, slot: &Slot, frame: &mut Frame, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let s = &app.shell.styles;
    let (pre, source) = match &slot.state {
        RequestState::Sending { body, .. } => (Vec::new(), Source::Text(body)),
        RequestState::Done(d) => (
            preamble_lines(d),
            match &d.body {
                BodyDoc::Empty => Source::Empty,
                BodyDoc::Text(doc) => Source::Text(doc),
                BodyDoc::Hex { .. } => Source::Hex(&d.exchange.response),
            },
        ),
        _ => return,
    };
    let (count, kind) = match &source {
        Source::Empty => (1, BodyKind::Text),
        Source::Text(doc) => (doc.line_count(), doc.kind()),
        Source::Hex(r) => (hex_line_count(r.decoded_size as usize), BodyKind::Text),
    };
    let height = area.height as usize;
    let scroll = slot.view.scroll;
    let first = scroll.saturating_sub(pre.len());
    let rows = height.saturating_sub(pre.len().saturating_sub(scroll));
    let window: Vec<String> = match &source {
        Source::Empty => vec!["(empty body)".to_string()],
        Source::Text(doc) => doc.lines(first, rows),
        Source::Hex(r) => hex_window(r, first, rows),
    };
    let gutter = count.to_string().len().max(3) + 2;
    let text_w = (area.width as usize).saturating_sub(gutter);
    let search = slot.view.search.as_ref();
    let mut lines: Vec<Line> = Vec::new();
    for p in pre.iter().skip(scroll).take(height) {
        lines.push(Line::from(Span::styled(
            format!(" {}", slot.masker.mask(&p.text)),
            super::widgets::level_style(app, p.warn),
        )));
    }
    for (k, line) in window.iter().enumerate() {
        if lines.len() >= height {
            break;
        }
        let n = first + k;
        let number = Span::styled(format!("{:>w$} ", n + 1, w = gutter - 1), s.muted);
        let segs: Vec<Seg> = match &source {
            Source::Empty => vec![(line.clone(), s.muted)],
            Source::Hex(_) => vec![(line.clone(), s.base)],
            Source::Text(_) => {
                let syn = slot
                    .view
                    .highlight
                    .as_ref()
                    .filter(|w| n >= w.start)
                    .and_then(|w| w.lines.get(n - w.start));
                let segs = segments(app, &kind, line, syn);
                let hits: Vec<(usize, usize, bool)> = search
                    .map(|sr| {
                        let first = sr.hits.partition_point(|h| h.line < n);
                        sr.hits[first..]
                            .iter()
                            .take_while(|h| h.line == n)
                            .enumerate()
                            .map(|(k, h)| (h.start, h.end, first + k == sr.current))
                            .collect()
                    })
                    .unwrap_or_default();
                overlay(segs, &hits, app)
            }
        };
        let segs = shown(segs, &slot.masker.find_all(line.as_bytes()));
        if app.shell.wrap {
            let rows = wrap_cols(&segs, text_w, height - lines.len());
            for (k, row) in rows.into_iter().enumerate() {
                let lead = if k == 0 { number.clone() } else { Span::raw(" ".repeat(gutter)) };
                let mut spans = vec![lead];
                spans.extend(row);
                lines.push(Line::from(spans));
                if lines.len() >= height {
                    break;
                }
            }
        } else {
            let mut spans = vec![number];
            spans.extend(slice_cols(&segs, slot.view.hscroll, text_w));
            lines.push(Line::from(spans));
        }
    }
    frame.render_widget(para(lines), area);
    let bottom = Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1);
    if let Some(input) = &slot.view.search_input {
        frame.render_widget(para(Span::styled(" / ", s.key)).style(s.selection), bottom);
        input.render(
            frame,
            Rect::new(area.x + 3, bottom.y, area.width.saturating_sub(3), 1),
            s.selection,
            true,
        );
    } else if let Some(text) = status_row(app, slot, if let Source::Text(d) = &source { Some(*d) } else { None }) {
        frame.render_widget(para(Span::styled(text, s.muted)).style(s.selection), bottom);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slicing_and_wrapping_count_columns() {
        let segs = vec![("abc".to_string(), Style::new()), ("défg".to_string(), Style::new())];
        let spans = slice_cols(&segs, 2, 3);
        let text: String = spans.iter().map(|s| s.content.to_string()).collect();
        assert_eq!(text, "cdé");
        let rows = wrap_cols(&segs, 3, 10);
        assert_eq!(rows.len(), 3);
    }
}
