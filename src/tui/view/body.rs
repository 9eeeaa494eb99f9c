//! The response body viewer. Only visible lines are ever styled: JSON with the per-line tokenizer and the theme's
//! colours, XML/HTML/YAML from the syntect window the app prepared, binary as a hex dump. Line numbers, horizontal
//! scroll or wrap, and search hits are applied here.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

use crate::core::format::{hex_dump_line, tokenize_json_line, BodyKind, StyledSpan};
use crate::core::format_size;
use crate::tui::app::body::BodyDoc;
use crate::tui::app::{App, DoneState, Slot};

/// Lines longer than this are shown unstyled: tokenizing a multi-megabyte line per frame would stall drawing.
const MAX_STYLED_LINE: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preamble {
    pub text: String,
    pub warn: bool,
}

/// What is said above the body: the API's own error message, formatting notes, a binary summary.
pub fn preamble_lines(d: &DoneState) -> Vec<Preamble> {
    let mut out = Vec::new();
    let r = &d.exchange.response;
    if r.status >= 400 {
        out.push(Preamble {
            text: d.insight.meaning.clone(),
            warn: true,
        });
        if let Some(m) = &d.insight.api_message {
            out.push(Preamble {
                text: format!("{}: {}", m.source, m.text()),
                warn: true,
            });
        }
    }
    match &d.body {
        BodyDoc::Text(doc) => {
            if doc.pending {
                out.push(Preamble {
                    text: format!(
                        "Formatting {} in the background; shown as received until then…",
                        format_size(r.body.len() as u64)
                    ),
                    warn: false,
                });
            }
            if let Some(n) = &doc.note {
                out.push(Preamble {
                    text: n.clone(),
                    warn: true,
                });
            }
        }
        BodyDoc::Hex { kind } => {
            let ct = r.content_type.clone().unwrap_or_else(|| "no content type".into());
            out.push(Preamble {
                text: format!("{} · {} · {ct} · shown as hex", kind.label(), format_size(r.body.len() as u64)),
                warn: false,
            });
        }
        BodyDoc::Empty => {}
    }
    if !out.is_empty() {
        out.push(Preamble {
            text: String::new(),
            warn: false,
        });
    }
    out
}

type Seg = (String, Style);

/// The styled pieces of one body line.
fn segments(app: &App, kind: &BodyKind, line: &str, syntect: Option<&Vec<StyledSpan>>) -> Vec<Seg> {
    let base = app.styles.base;
    if line.len() > MAX_STYLED_LINE {
        return vec![(line.to_string(), base)];
    }
    match (kind, app.styles.json_colors(), syntect) {
        (BodyKind::Json, Some(colors), _) => tokenize_json_line(line)
            .into_iter()
            .filter_map(|t| {
                let text = line.get(t.range.clone())?;
                let mut style = base;
                if let Some(c) = app.styles.rgb(colors.for_kind(t.kind)) {
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
                if let Some(c) = sp.fg.and_then(|c| app.styles.rgb(c)) {
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
                Some((_, _, true)) => style.patch(app.styles.search_current),
                Some(_) => style.patch(app.styles.search_match),
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

pub fn draw(app: &App, slot: &Slot, d: &DoneState, frame: &mut Frame, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let s = &app.styles;
    let pre = preamble_lines(d);
    let body = &d.exchange.response.body;
    let (count, kind): (usize, BodyKind) = match &d.body {
        BodyDoc::Empty => (1, BodyKind::Text),
        BodyDoc::Text(doc) => (doc.line_count(), doc.kind.clone()),
        BodyDoc::Hex { kind } => (crate::core::format::hex_line_count(body.len()), kind.clone()),
    };
    let gutter = count.to_string().len().max(3) + 2;
    let text_w = (area.width as usize).saturating_sub(gutter);
    let search = slot.view.search.as_ref();
    let mut lines: Vec<Line> = Vec::new();
    let mut idx = slot.view.scroll;
    while lines.len() < area.height as usize {
        if idx < pre.len() {
            let p = &pre[idx];
            lines.push(Line::from(Span::styled(
                format!(" {}", p.text),
                super::response::level_style(app, p.warn),
            )));
            idx += 1;
            continue;
        }
        let n = idx - pre.len();
        if n >= count {
            break;
        }
        let number = Span::styled(format!("{:>w$} ", n + 1, w = gutter - 1), s.muted);
        let segs: Vec<Seg> = match &d.body {
            BodyDoc::Empty => vec![("(empty body)".to_string(), s.muted)],
            BodyDoc::Hex { .. } => vec![(hex_dump_line(body, n).unwrap_or_default(), s.base)],
            BodyDoc::Text(doc) => {
                let line = doc.line(n).unwrap_or("");
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
        if app.wrap {
            let rows = wrap_cols(&segs, text_w, area.height as usize - lines.len());
            for (k, row) in rows.into_iter().enumerate() {
                let lead = if k == 0 { number.clone() } else { Span::raw(" ".repeat(gutter)) };
                let mut spans = vec![lead];
                spans.extend(row);
                lines.push(Line::from(spans));
                if lines.len() >= area.height as usize {
                    break;
                }
            }
        } else {
            let mut spans = vec![number];
            spans.extend(slice_cols(&segs, slot.view.hscroll, text_w));
            lines.push(Line::from(spans));
        }
        idx += 1;
    }
    frame.render_widget(Paragraph::new(lines), area);
    if let Some(input) = &slot.view.search_input {
        let y = area.bottom().saturating_sub(1);
        let bar = Rect::new(area.x, y, area.width, 1);
        frame.render_widget(Paragraph::new(Span::styled(" / ", s.key)).style(s.selection), bar);
        input.render(frame, Rect::new(area.x + 3, y, area.width.saturating_sub(3), 1), s.selection, true);
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
