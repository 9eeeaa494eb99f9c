//! Themes: a small palette in a TOML file (`themes/*.toml`, or the config dir's `themes/`), from which every style
//! derives. Colour depth follows the terminal: truecolor when `COLORTERM` says so, 256 colours when `TERM` ends in
//! `256color` (tmux, ssh, macOS Terminal), the 16 ANSI colours otherwise, and none at all under `NO_COLOR`. With 16
//! colours or none, selection uses reverse video (a theme's grey selection would vanish), and methods and JSON take
//! fixed ANSI colours that stay apart; every state also has a symbol or a word.

use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use toml_edit::DocumentMut;

use crate::core::format::{json_theme_colors, JsonColors, Rgb};

const BUILTIN: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
];

pub const DEFAULT_THEME_NAME: &str = "dark";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    TrueColor,
    /// The xterm 256-colour palette (`TERM=*-256color` without `COLORTERM=truecolor`).
    Ansi256,
    Ansi16,
    NoColor,
}

impl ColorMode {
    /// From `NO_COLOR`, `COLORTERM` and `TERM`, as the conventions say.
    pub fn detect() -> ColorMode {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let colorterm = std::env::var("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        let term = std::env::var("TERM").unwrap_or_default().to_ascii_lowercase();
        ColorMode::from_env(no_color, &colorterm, &term)
    }

    pub fn from_env(no_color: bool, colorterm: &str, term: &str) -> ColorMode {
        if no_color {
            ColorMode::NoColor
        } else if colorterm == "truecolor" || colorterm == "24bit" {
            ColorMode::TrueColor
        } else if term.ends_with("256color") || term.ends_with("256") {
            ColorMode::Ansi256
        } else {
            ColorMode::Ansi16
        }
    }
}

/// The xterm 256-colour index nearest to `c`: the 6×6×6 cube or the 24-step grey ramp.
pub fn nearest_256(c: Rgb) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let level = |v: u8| {
        LEVELS
            .iter()
            .enumerate()
            .min_by_key(|(_, l)| (i32::from(**l) - i32::from(v)).abs())
            .map(|(i, _)| i as u8)
            .unwrap_or(0)
    };
    let (r, g, b) = (level(c.0), level(c.1), level(c.2));
    let cube = Rgb(LEVELS[r as usize], LEVELS[g as usize], LEVELS[b as usize]);
    let avg = (u16::from(c.0) + u16::from(c.1) + u16::from(c.2)) / 3;
    let step = (avg.saturating_sub(3) / 10).min(23) as u8;
    let grey_v = 8 + 10 * step;
    let grey = Rgb(grey_v, grey_v, grey_v);
    let dist = |a: Rgb| {
        let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
        d(a.0, c.0) + d(a.1, c.1) + d(a.2, c.2)
    };
    if dist(grey) < dist(cube) {
        232 + step
    } else {
        16 + 36 * r + 6 * g + b
    }
}

/// A palette entry: the terminal's default, an ANSI colour, or RGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaletteColor {
    Default,
    Ansi(Color),
    Rgb(Rgb),
}

const ANSI: [(&str, Color, Rgb); 16] = [
    ("black", Color::Black, Rgb(0, 0, 0)),
    ("red", Color::Red, Rgb(205, 0, 0)),
    ("green", Color::Green, Rgb(0, 205, 0)),
    ("yellow", Color::Yellow, Rgb(205, 205, 0)),
    ("blue", Color::Blue, Rgb(0, 0, 238)),
    ("magenta", Color::Magenta, Rgb(205, 0, 205)),
    ("cyan", Color::Cyan, Rgb(0, 205, 205)),
    ("gray", Color::Gray, Rgb(229, 229, 229)),
    ("dark-gray", Color::DarkGray, Rgb(127, 127, 127)),
    ("bright-red", Color::LightRed, Rgb(255, 0, 0)),
    ("bright-green", Color::LightGreen, Rgb(0, 255, 0)),
    ("bright-yellow", Color::LightYellow, Rgb(255, 255, 0)),
    ("bright-blue", Color::LightBlue, Rgb(92, 92, 255)),
    ("bright-magenta", Color::LightMagenta, Rgb(255, 0, 255)),
    ("bright-cyan", Color::LightCyan, Rgb(0, 255, 255)),
    ("white", Color::White, Rgb(255, 255, 255)),
];

/// The nearest of the 16 ANSI colours (for terminals without truecolor).
pub fn nearest_ansi(c: Rgb) -> Color {
    let dist = |a: Rgb| {
        let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
        d(a.0, c.0) + d(a.1, c.1) + d(a.2, c.2)
    };
    ANSI.iter()
        .min_by_key(|(_, _, rgb)| dist(*rgb))
        .map(|(_, col, _)| *col)
        .unwrap_or(Color::Reset)
}

impl PaletteColor {
    pub fn parse(s: &str) -> Result<PaletteColor, String> {
        let t = s.trim().to_ascii_lowercase();
        if t == "default" || t == "reset" || t.is_empty() {
            return Ok(PaletteColor::Default);
        }
        if let Some(hex) = t.strip_prefix('#') {
            if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
                return Ok(PaletteColor::Rgb(Rgb(byte(0), byte(2), byte(4))));
            }
            return Err(format!("`{s}` is not a #rrggbb colour"));
        }
        let name = t.replace(['_', ' '], "-").replace("grey", "gray");
        ANSI.iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, c, _)| PaletteColor::Ansi(*c))
            .ok_or_else(|| format!("`{s}` is not a colour (use #rrggbb, an ANSI name like bright-blue, or default)"))
    }

    fn to_color(self, mode: ColorMode) -> Option<Color> {
        match (self, mode) {
            (_, ColorMode::NoColor) | (PaletteColor::Default, _) => None,
            (PaletteColor::Ansi(c), _) => Some(c),
            (PaletteColor::Rgb(rgb), ColorMode::TrueColor) => Some(Color::Rgb(rgb.0, rgb.1, rgb.2)),
            (PaletteColor::Rgb(rgb), ColorMode::Ansi256) => Some(Color::Indexed(nearest_256(rgb))),
            (PaletteColor::Rgb(rgb), ColorMode::Ansi16) => Some(nearest_ansi(rgb)),
        }
    }
}

/// The palette as written in a theme file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeSpec {
    pub name: String,
    pub syntax: String,
    pub bg: PaletteColor,
    pub fg: PaletteColor,
    pub accent: PaletteColor,
    pub muted: PaletteColor,
    pub success: PaletteColor,
    pub warning: PaletteColor,
    pub error: PaletteColor,
    pub info: PaletteColor,
    pub selection_bg: PaletteColor,
    pub selection_fg: PaletteColor,
    /// GET, POST, PUT, PATCH, DELETE, other.
    pub methods: [PaletteColor; 6],
}

impl ThemeSpec {
    /// Parses a theme file; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str) -> Result<ThemeSpec, String> {
        let doc: DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| format!("{origin}: not valid TOML: {}", e.message().trim()))?;
        let get = |table: &str, key: &str| -> Result<PaletteColor, String> {
            match doc.get(table).and_then(|t| t.get(key)) {
                None => Err(format!("{origin}: [{table}] {key} is missing")),
                Some(item) => match item.as_str() {
                    Some(s) => PaletteColor::parse(s).map_err(|e| format!("{origin}: [{table}] {key}: {e}")),
                    None => Err(format!("{origin}: [{table}] {key} must be a string such as \"#c0c5ce\"")),
                },
            }
        };
        let name = doc.get("name").and_then(|v| v.as_str()).unwrap_or("custom").to_string();
        let syntax = doc
            .get("syntax")
            .and_then(|v| v.as_str())
            .unwrap_or(crate::core::format::DEFAULT_THEME)
            .to_string();
        Ok(ThemeSpec {
            name,
            syntax,
            bg: get("palette", "bg")?,
            fg: get("palette", "fg")?,
            accent: get("palette", "accent")?,
            muted: get("palette", "muted")?,
            success: get("palette", "success")?,
            warning: get("palette", "warning")?,
            error: get("palette", "error")?,
            info: get("palette", "info")?,
            selection_bg: get("palette", "selection_bg")?,
            selection_fg: get("palette", "selection_fg")?,
            methods: [
                get("methods", "get")?,
                get("methods", "post")?,
                get("methods", "put")?,
                get("methods", "patch")?,
                get("methods", "delete")?,
                get("methods", "other")?,
            ],
        })
    }

    pub fn builtin(name: &str) -> Option<ThemeSpec> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        ThemeSpec::parse(text, name).ok()
    }

    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// Finds a theme by name: a path to a `.toml` file, the config dir's `themes/NAME.toml`, or a built-in one.
    /// On failure returns the default theme and a message saying why.
    pub fn load(name: &str, config_dir: &Path) -> (ThemeSpec, Option<String>) {
        let fallback = || ThemeSpec::builtin(DEFAULT_THEME_NAME).unwrap_or_else(ThemeSpec::minimal);
        let candidates: Vec<PathBuf> = if name.ends_with(".toml") {
            vec![PathBuf::from(name)]
        } else {
            vec![config_dir.join("themes").join(format!("{name}.toml"))]
        };
        for path in candidates {
            if let Ok(text) = std::fs::read_to_string(&path) {
                return match ThemeSpec::parse(&text, &path.display().to_string()) {
                    Ok(spec) => (spec, None),
                    Err(e) => (fallback(), Some(format!("{e}; using the {DEFAULT_THEME_NAME} theme"))),
                };
            }
        }
        match ThemeSpec::builtin(name) {
            Some(spec) => (spec, None),
            None => (
                fallback(),
                Some(format!(
                    "theme `{name}` not found; using {DEFAULT_THEME_NAME} (built in: {}; or put NAME.toml in {})",
                    ThemeSpec::builtin_names().join(", "),
                    config_dir.join("themes").display()
                )),
            ),
        }
    }

    /// Used only if the bundled themes were somehow unreadable: terminal defaults everywhere.
    fn minimal() -> ThemeSpec {
        let d = PaletteColor::Default;
        ThemeSpec {
            name: "minimal".into(),
            syntax: crate::core::format::DEFAULT_THEME.into(),
            bg: d,
            fg: d,
            accent: PaletteColor::Ansi(Color::Cyan),
            muted: PaletteColor::Ansi(Color::DarkGray),
            success: PaletteColor::Ansi(Color::Green),
            warning: PaletteColor::Ansi(Color::Yellow),
            error: PaletteColor::Ansi(Color::Red),
            info: PaletteColor::Ansi(Color::Cyan),
            selection_bg: PaletteColor::Ansi(Color::DarkGray),
            selection_fg: PaletteColor::Ansi(Color::White),
            methods: [d; 6],
        }
    }
}

/// Every style the views use, derived once from a theme and a colour mode.
#[derive(Debug, Clone)]
pub struct Styles {
    pub mode: ColorMode,
    pub syntax_theme: String,
    pub base: Style,
    pub border: Style,
    pub border_focus: Style,
    pub title: Style,
    pub title_focus: Style,
    pub muted: Style,
    pub accent: Style,
    pub success: Style,
    pub warning: Style,
    pub error: Style,
    pub info: Style,
    pub selection: Style,
    /// The selected row of a pane that does not have focus.
    pub selection_dim: Style,
    pub key: Style,
    pub tab_active: Style,
    pub search_match: Style,
    pub search_current: Style,
    methods: [Style; 6],
    json: Option<JsonColors>,
}

impl Styles {
    pub fn new(spec: &ThemeSpec, mode: ColorMode) -> Styles {
        let fg_of = |c: PaletteColor| {
            let mut s = Style::new();
            if let Some(col) = c.to_color(mode) {
                s = s.fg(col);
            }
            s
        };
        let mut base = fg_of(spec.fg);
        if let Some(bg) = spec.bg.to_color(mode) {
            base = base.bg(bg);
        }
        let no_color = mode == ColorMode::NoColor;
        // With 16 colours a theme's selection grey falls to fg 7 / bg 0, which many terminals draw like the rest:
        // reverse video is seen everywhere.
        let few_colors = matches!(mode, ColorMode::NoColor | ColorMode::Ansi16);
        let mut selection = Style::new();
        match (spec.selection_bg.to_color(mode), spec.selection_fg.to_color(mode)) {
            (Some(bg), fg) if !few_colors => {
                selection = selection.bg(bg);
                if let Some(fg) = fg {
                    selection = selection.fg(fg);
                }
            }
            _ => selection = selection.add_modifier(Modifier::REVERSED),
        }
        let selection_dim = if few_colors {
            Style::new().add_modifier(Modifier::UNDERLINED)
        } else {
            selection.add_modifier(Modifier::DIM)
        };
        let bold = |s: Style| s.add_modifier(Modifier::BOLD);
        let methods = if mode == ColorMode::Ansi16 {
            // Fixed ANSI colours: the theme's shades would mostly fall to the same grey.
            [Color::Green, Color::Yellow, Color::Blue, Color::Magenta, Color::Red, Color::Cyan].map(|c| bold(Style::new().fg(c)))
        } else {
            spec.methods.map(|c| bold(fg_of(c)))
        };
        Styles {
            mode,
            syntax_theme: spec.syntax.clone(),
            base,
            border: fg_of(spec.muted),
            border_focus: bold(fg_of(spec.accent)),
            title: fg_of(spec.fg),
            title_focus: bold(fg_of(spec.accent)),
            muted: if no_color {
                Style::new().add_modifier(Modifier::DIM)
            } else {
                fg_of(spec.muted)
            },
            accent: fg_of(spec.accent),
            success: fg_of(spec.success),
            warning: fg_of(spec.warning),
            error: bold(fg_of(spec.error)),
            info: fg_of(spec.info),
            selection,
            selection_dim,
            key: bold(fg_of(spec.accent)),
            tab_active: bold(fg_of(spec.accent)).add_modifier(Modifier::UNDERLINED),
            search_match: if no_color {
                Style::new().add_modifier(Modifier::UNDERLINED)
            } else {
                Style::new().bg(Color::Yellow).fg(Color::Black)
            },
            search_current: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            methods,
            json: (!no_color).then(|| {
                let colors = json_theme_colors(&spec.syntax);
                if mode == ColorMode::Ansi16 {
                    ansi16_json(colors)
                } else {
                    colors
                }
            }),
        }
    }

    /// The style of a method badge.
    pub fn method(&self, method: &str) -> Style {
        let i = match method.to_ascii_uppercase().as_str() {
            "GET" => 0,
            "POST" => 1,
            "PUT" => 2,
            "PATCH" => 3,
            "DELETE" => 4,
            _ => 5,
        };
        self.methods[i]
    }

    /// Status colour by class: 2xx success, 3xx info, 4xx warning, 5xx error.
    pub fn status(&self, code: u16) -> Style {
        match code {
            200..=299 => self.success.add_modifier(Modifier::BOLD),
            300..=399 => self.info.add_modifier(Modifier::BOLD),
            400..=499 => self.warning.add_modifier(Modifier::BOLD),
            _ => self.error,
        }
    }

    /// An RGB colour from a syntax theme, in this terminal's colour depth (`None` under NO_COLOR).
    pub fn rgb(&self, c: Rgb) -> Option<Color> {
        PaletteColor::Rgb(c).to_color(self.mode)
    }

    pub fn json_colors(&self) -> Option<&JsonColors> {
        self.json.as_ref()
    }
}

/// JSON in 16 colours: keys, strings, numbers, booleans and null each in an ANSI colour of its own (the values
/// are the ANSI palette's, so they map onto those colours exactly); punctuation stays the theme's.
fn ansi16_json(mut c: JsonColors) -> JsonColors {
    c.key = Rgb(0, 205, 205);
    c.string = Rgb(0, 205, 0);
    c.number = Rgb(205, 205, 0);
    c.boolean = Rgb(205, 0, 205);
    c.null = Rgb(205, 0, 0);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_themes_parse() {
        for name in ThemeSpec::builtin_names() {
            let spec = ThemeSpec::builtin(name);
            assert!(spec.is_some(), "theme {name} does not parse");
        }
    }

    #[test]
    fn unknown_theme_falls_back_with_a_message() {
        let (spec, msg) = ThemeSpec::load("nope", Path::new("/nonexistent"));
        assert_eq!(spec.name, "dark");
        assert!(msg.unwrap_or_default().contains("theme `nope` not found"));
    }

    #[test]
    fn bad_colour_is_named() {
        let text = include_str!("../../themes/dark.toml").replace("#a3be8c", "#zzzzzz");
        let err = ThemeSpec::parse(&text, "x.toml").err().unwrap_or_default();
        assert!(err.contains("x.toml: [palette] success"), "{err}");
    }

    #[test]
    fn colour_modes() {
        assert_eq!(ColorMode::from_env(true, "truecolor", "xterm-256color"), ColorMode::NoColor);
        assert_eq!(ColorMode::from_env(false, "24bit", "xterm"), ColorMode::TrueColor);
        assert_eq!(ColorMode::from_env(false, "", "xterm-256color"), ColorMode::Ansi256);
        assert_eq!(ColorMode::from_env(false, "", "screen-256color"), ColorMode::Ansi256);
        assert_eq!(ColorMode::from_env(false, "", "xterm"), ColorMode::Ansi16);
        assert_eq!(nearest_256(Rgb(255, 0, 0)), 196);
        assert_eq!(nearest_256(Rgb(128, 128, 128)), 244);
        assert_eq!(nearest_256(Rgb(0, 0, 0)), 16);
        assert_eq!(nearest_ansi(Rgb(250, 10, 10)), Color::LightRed);
        let spec = ThemeSpec::builtin("dark").unwrap_or_else(ThemeSpec::minimal);
        let styles = Styles::new(&spec, ColorMode::NoColor);
        assert_eq!(styles.base.fg, None);
        assert!(styles.selection.add_modifier.contains(Modifier::REVERSED));
    }
}
