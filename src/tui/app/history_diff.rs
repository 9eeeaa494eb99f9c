//! The diff view's state: a comparison of two history entries turned into lines once, when it arrives, so that
//! drawing only slices them. Breaking changes come first, then status, headers and the body.

use serde_json::Value;

use super::history_state::HistoryView;
use crate::core::history::{fold_changes, BodyDiff, ChangeKind, Comparison};

/// What a line of the diff is, for its colour and its marker (readable without colour too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    Heading,
    Breaking,
    Added,
    Removed,
    Changed,
    Note,
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: DiffKind,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct DiffView {
    pub old_id: i64,
    pub new_id: i64,
    pub breaking: usize,
    pub lines: Vec<DiffLine>,
    pub scroll: usize,
    /// The history view to return to.
    pub back: Option<Box<HistoryView>>,
}

/// A JSON value in one short line.
fn short(v: Option<&Value>) -> String {
    let Some(v) = v else { return "nothing".into() };
    let text = v.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text
    }
}

fn line(kind: DiffKind, text: impl Into<String>) -> DiffLine {
    DiffLine { kind, text: text.into() }
}

/// Unified-diff lines past this many are cut (the note says so).
const MAX_TEXT_LINES: usize = 5_000;

pub fn diff_lines(c: &Comparison) -> Vec<DiffLine> {
    let mut out = Vec::new();
    if c.breaking.is_empty() {
        out.push(line(DiffKind::Heading, "No likely breaking change"));
    } else {
        out.push(line(DiffKind::Heading, format!("⚠ {} likely breaking change(s)", c.breaking.len())));
        for b in &c.breaking {
            out.push(line(DiffKind::Breaking, format!("  ⚠ {b}")));
        }
    }
    out.push(line(DiffKind::Plain, ""));
    let status = |s: Option<u16>| s.map(|s| s.to_string()).unwrap_or_else(|| "failed".into());
    match c.status {
        Some((a, b)) => out.push(line(DiffKind::Changed, format!("Status  {} → {}", status(a), status(b)))),
        None => out.push(line(DiffKind::Plain, "Status  unchanged")),
    }
    let (volatile, stable): (Vec<_>, Vec<_>) = c.headers.iter().partition(|h| h.volatile);
    out.push(line(DiffKind::Heading, format!("Headers ({} changed)", stable.len())));
    if stable.is_empty() {
        out.push(line(DiffKind::Plain, "  no change"));
    }
    for h in stable {
        out.push(match (&h.old, &h.new) {
            (None, Some(n)) => line(DiffKind::Added, format!("  + {}: {n}", h.name)),
            (Some(o), None) => line(DiffKind::Removed, format!("  - {}: {o}", h.name)),
            (o, n) => line(
                DiffKind::Changed,
                format!(
                    "  ~ {}: {} → {}",
                    h.name,
                    o.clone().unwrap_or_default(),
                    n.clone().unwrap_or_default()
                ),
            ),
        });
    }
    if !volatile.is_empty() {
        let names: Vec<&str> = volatile.iter().map(|h| h.name.as_str()).collect();
        out.push(line(DiffKind::Note, format!("  (changing on every call: {})", names.join(", "))));
    }
    out.push(line(DiffKind::Plain, ""));
    body_lines(&c.body, &mut out);
    if !c.notes.is_empty() {
        out.push(line(DiffKind::Plain, ""));
        for n in &c.notes {
            out.push(line(DiffKind::Note, format!("Note: {n}")));
        }
    }
    out
}

fn body_lines(body: &BodyDiff, out: &mut Vec<DiffLine>) {
    match body {
        BodyDiff::Same => out.push(line(DiffKind::Heading, "Body  unchanged")),
        BodyDiff::Binary { old_size, new_size } => out.push(line(
            DiffKind::Changed,
            format!(
                "Body  binary, differs ({} → {})",
                crate::core::format_size(*old_size),
                crate::core::format_size(*new_size)
            ),
        )),
        BodyDiff::Json { changes, .. } => {
            let folded = fold_changes(changes);
            out.push(line(DiffKind::Heading, format!("Body (JSON): {} change(s)", folded.len())));
            for (ch, n) in folded {
                let path = if n > 1 { ch.pattern() } else { ch.path.clone() };
                let times = if n > 1 { format!(" ({n}×)") } else { String::new() };
                let mark = if ch.breaking { "⚠ " } else { "" };
                let (kind, text) = match ch.kind {
                    ChangeKind::Added => (
                        DiffKind::Added,
                        format!("  + {mark}{path} added: {}{times}", short(ch.new.as_ref())),
                    ),
                    ChangeKind::Removed => (
                        DiffKind::Removed,
                        format!("  - {mark}{path} removed (was {}){times}", short(ch.old.as_ref())),
                    ),
                    ChangeKind::Changed => (
                        DiffKind::Changed,
                        format!("  ~ {mark}{path}: {} → {}{times}", short(ch.old.as_ref()), short(ch.new.as_ref())),
                    ),
                    ChangeKind::TypeChanged => (
                        DiffKind::Breaking,
                        format!(
                            "  ~ {mark}{path}: type {} → {} ({} → {}){times}",
                            crate::core::history::json_type_name(ch.old.as_ref()),
                            crate::core::history::json_type_name(ch.new.as_ref()),
                            short(ch.old.as_ref()),
                            short(ch.new.as_ref())
                        ),
                    ),
                };
                out.push(line(if ch.breaking { DiffKind::Breaking } else { kind }, text));
            }
        }
        BodyDiff::Text { unified, added, removed } => {
            out.push(line(DiffKind::Heading, format!("Body (text): +{added} −{removed} line(s)")));
            for l in unified.lines().take(MAX_TEXT_LINES) {
                let kind = if l.starts_with("+++") || l.starts_with("---") || l.starts_with("@@") {
                    DiffKind::Note
                } else if l.starts_with('+') {
                    DiffKind::Added
                } else if l.starts_with('-') {
                    DiffKind::Removed
                } else {
                    DiffKind::Plain
                };
                out.push(line(kind, format!("  {l}")));
            }
            if unified.lines().count() > MAX_TEXT_LINES {
                out.push(line(DiffKind::Note, format!("  … cut after {MAX_TEXT_LINES} lines")));
            }
        }
    }
}

impl DiffView {
    pub fn new(c: Comparison, back: Option<Box<HistoryView>>) -> DiffView {
        DiffView {
            old_id: c.old_id,
            new_id: c.new_id,
            breaking: c.breaking.len(),
            lines: diff_lines(&c),
            scroll: 0,
            back,
        }
    }
}
