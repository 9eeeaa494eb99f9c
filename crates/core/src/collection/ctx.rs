//! The parsing context of one collection file (its path, text and diagnostics, positions at line:col) and the
//! small TOML helpers every parser of the collection format shares.

use std::ops::Range;
use std::path::Path;

use toml_edit::{Document, Item, TableLike, Value};

use super::diag::{did_you_mean, Diagnostic, LineIndex};

pub(crate) struct Ctx<'a> {
    pub path: &'a Path,
    pub src: &'a str,
    pub diags: Vec<Diagnostic>,
    /// Built on the first diagnostic: a file with thousands of problems is not rescanned for each.
    lines: Option<LineIndex>,
}

impl<'a> Ctx<'a> {
    pub fn new(path: &'a Path, src: &'a str) -> Self {
        Ctx {
            path,
            src,
            diags: Vec::new(),
            lines: None,
        }
    }

    fn pos(&mut self, span: Option<Range<usize>>) -> (usize, usize) {
        match span {
            Some(s) => {
                let src = self.src;
                self.lines.get_or_insert_with(|| LineIndex::new(src)).line_col(src, s.start)
            }
            None => (1, 1),
        }
    }

    pub(crate) fn error(&mut self, span: Option<Range<usize>>, msg: impl Into<String>, hint: Option<String>) {
        let mut d = Diagnostic::error(self.path, self.pos(span), msg);
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        self.diags.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.is_error())
    }
}

/// Parses TOML, reporting git conflict markers and syntax errors with their position.
pub(crate) fn parse_toml(ctx: &mut Ctx) -> Option<Document<String>> {
    for (i, line) in ctx.src.lines().enumerate() {
        if line.starts_with("<<<<<<<") || line.starts_with(">>>>>>>") || line == "=======" {
            ctx.diags.push(
                Diagnostic::error(ctx.path, (i + 1, 1), "unresolved git merge conflict marker")
                    .with_hint("resolve the conflict (keep one side, delete the <<<<<<< ======= >>>>>>> lines), then reload"),
            );
            return None;
        }
    }
    match Document::parse(ctx.src.to_string()) {
        Ok(doc) => Some(doc),
        Err(e) => {
            let msg = e.message().trim().trim_end_matches('.').to_string();
            let msg = if msg.is_empty() {
                "invalid TOML".to_string()
            } else {
                format!("invalid TOML: {msg}")
            };
            ctx.error(
                e.span(),
                msg,
                Some("check quoting and brackets near this position; multi-line text goes in '''triple quotes'''".into()),
            );
            None
        }
    }
}

pub(crate) fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(Value::String(_)) => "a string",
        Item::Value(Value::Integer(_)) => "an integer",
        Item::Value(Value::Float(_)) => "a number",
        Item::Value(Value::Boolean(_)) => "a boolean",
        Item::Value(Value::Datetime(_)) => "a date",
        Item::Value(Value::Array(_)) => "an array",
        Item::Value(Value::InlineTable(_)) => "an inline table",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
    }
}

/// Reports every key of `table` not in `allowed`, suggesting the closest allowed key.
pub(crate) fn check_keys(ctx: &mut Ctx, table: &dyn TableLike, allowed: &[&str], what: &str) {
    for (k, _) in table.iter() {
        if allowed.contains(&k) {
            continue;
        }
        let span = table.key(k).and_then(|key| key.span());
        let hint = match did_you_mean(k, allowed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? {what} accepts: {}", allowed.join(", ")),
            None => format!("{what} accepts: {}", allowed.join(", ")),
        };
        ctx.error(span, format!("unknown key `{k}` in {what}"), Some(hint));
    }
}

pub(crate) fn get_string(ctx: &mut Ctx, table: &dyn TableLike, key: &str) -> Option<String> {
    let item = table.get(key)?;
    match item.as_str() {
        Some(s) => Some(s.to_string()),
        None => {
            ctx.error(
                item.span(),
                format!("`{key}` must be a string, found {}", type_name(item)),
                Some(format!("write {key} = \"...\"")),
            );
            None
        }
    }
}

pub(crate) fn get_bool(ctx: &mut Ctx, table: &dyn TableLike, key: &str) -> Option<bool> {
    let item = table.get(key)?;
    match item.as_bool() {
        Some(b) => Some(b),
        None => {
            ctx.error(
                item.span(),
                format!("`{key}` must be true or false, found {}", type_name(item)),
                None,
            );
            None
        }
    }
}

/// A scalar written as a string, number or boolean, as text (so `limit = 10` works in a query table).
pub(crate) fn scalar_text(item: &Item) -> Option<String> {
    match item.as_value()? {
        Value::String(s) => Some(s.value().clone()),
        Value::Integer(i) => Some(i.value().to_string()),
        Value::Float(f) => Some(f.value().to_string()),
        Value::Boolean(b) => Some(b.value().to_string()),
        _ => None,
    }
}

pub(crate) fn as_table_like<'d>(ctx: &mut Ctx, item: &'d Item, what: &str) -> Option<&'d dyn TableLike> {
    match item.as_table_like() {
        Some(t) => Some(t),
        None => {
            ctx.error(
                item.span(),
                format!("`{what}` must be a table, found {}", type_name(item)),
                Some(format!("write it as a [{what}] section")),
            );
            None
        }
    }
}
