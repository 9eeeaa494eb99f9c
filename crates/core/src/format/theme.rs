//! syntect's bundled syntaxes and themes, loaded once on first use, and theme colours for the
//! fast JSON tokenizer so JSON and syntect-highlighted bodies look alike.

use std::str::FromStr;
use std::sync::OnceLock;

use syntect::highlighting::{Color, FontStyle, Highlighter, Theme, ThemeSet};
use syntect::parsing::{ScopeStack, SyntaxSet};

use super::tokens::JsonTokenKind;

/// Used when a requested theme does not exist.
pub const DEFAULT_THEME: &str = "base16-ocean.dark";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl From<Color> for Rgb {
    fn from(c: Color) -> Self {
        Rgb(c.r, c.g, c.b)
    }
}

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
static THEMES: OnceLock<ThemeSet> = OnceLock::new();
static EMPTY_THEME: OnceLock<Theme> = OnceLock::new();

/// Loading takes tens of milliseconds, so it happens on first use and is shared process-wide.
pub(crate) fn syntax_set() -> &'static SyntaxSet {
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn theme_set() -> &'static ThemeSet {
    THEMES.get_or_init(ThemeSet::load_defaults)
}

/// The named theme, or [`DEFAULT_THEME`] if there is no such theme.
pub(crate) fn theme(name: &str) -> &'static Theme {
    let themes = &theme_set().themes;
    themes
        .get(name)
        .or_else(|| themes.get(DEFAULT_THEME))
        .unwrap_or_else(|| EMPTY_THEME.get_or_init(Theme::default))
}

/// Names of the bundled themes, sorted.
pub fn theme_names() -> Vec<String> {
    theme_set().themes.keys().cloned().collect()
}

/// Colours for [`JsonTokenKind`]s taken from a syntect theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonColors {
    pub key: Rgb,
    pub key_bold: bool,
    pub string: Rgb,
    pub number: Rgb,
    pub boolean: Rgb,
    pub null: Rgb,
    pub punct: Rgb,
    /// The theme's default text colour (whitespace, unrecognised text).
    pub plain: Rgb,
    pub background: Option<Rgb>,
}

impl JsonColors {
    pub fn for_kind(&self, kind: JsonTokenKind) -> Rgb {
        match kind {
            JsonTokenKind::Key => self.key,
            JsonTokenKind::String => self.string,
            JsonTokenKind::Number => self.number,
            JsonTokenKind::Bool => self.boolean,
            JsonTokenKind::Null => self.null,
            JsonTokenKind::Punct => self.punct,
            JsonTokenKind::Whitespace | JsonTokenKind::Other => self.plain,
        }
    }
}

/// Resolves each token kind through the theme's scope rules. For each kind the first candidate
/// scope that the theme colours differently from plain text wins.
pub fn json_theme_colors(theme_name: &str) -> JsonColors {
    let theme = theme(theme_name);
    let highlighter = Highlighter::new(theme);
    let default = highlighter.get_default();
    let plain = Rgb::from(default.foreground);
    let pick = |candidates: &[&str]| {
        candidates
            .iter()
            .filter_map(|s| ScopeStack::from_str(s).ok())
            .map(|stack| highlighter.style_for_stack(stack.as_slice()))
            .find(|style| style.foreground != default.foreground)
            .unwrap_or(default)
    };
    let key = pick(&[
        "source.json meta.mapping.key.json support.type.property-name.json",
        "source.json meta.mapping.key.json entity.name.tag.json",
        "source.json meta.mapping.key.json string.quoted.double.json",
    ]);
    JsonColors {
        key: key.foreground.into(),
        key_bold: key.font_style.contains(FontStyle::BOLD),
        string: pick(&["source.json string.quoted.double.json"]).foreground.into(),
        number: pick(&["source.json constant.numeric.json"]).foreground.into(),
        boolean: pick(&["source.json constant.language.boolean.json"]).foreground.into(),
        null: pick(&["source.json constant.language.null.json"]).foreground.into(),
        punct: pick(&[
            "source.json punctuation.separator.mapping.key-value.json",
            "source.json punctuation.section.mapping.begin.json",
            "source.json punctuation",
        ])
        .foreground
        .into(),
        plain,
        background: theme.settings.background.map(Rgb::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_are_listed_and_unknown_names_fall_back() {
        let names = theme_names();
        assert!(names.iter().any(|n| n == DEFAULT_THEME));
        assert!(names.len() > 3);
        assert!(std::ptr::eq(theme("no such theme"), theme(DEFAULT_THEME)));
        assert_eq!(json_theme_colors("no such theme"), json_theme_colors(DEFAULT_THEME));
    }

    #[test]
    fn json_colours_are_distinct_where_the_theme_says_so() {
        for name in theme_names() {
            let c = json_theme_colors(&name);
            assert_ne!(c.string, c.plain, "{name}: strings should be coloured");
            assert_ne!(c.number, c.plain, "{name}: numbers should be coloured");
            assert_eq!(c.for_kind(JsonTokenKind::Whitespace), c.plain);
        }
        let c = json_theme_colors(DEFAULT_THEME);
        assert_ne!(c.key, c.string, "base16-ocean.dark colours property names");
    }
}
