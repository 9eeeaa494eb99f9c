//! Keys to actions, per context. Defaults live here; `config.toml` may override any action's keys. Text fields see
//! raw keys before the keymap does, so `q` typed into a URL is a letter, not a quit.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// A key with its modifiers, normalised so that `N` and `shift-n` compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyCombo {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyCombo {
    pub const fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        KeyCombo { code, mods }
    }

    pub const fn plain(c: char) -> Self {
        KeyCombo::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    pub const fn ctrl(c: char) -> Self {
        KeyCombo::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    pub const fn code(code: KeyCode) -> Self {
        KeyCombo::new(code, KeyModifiers::NONE)
    }

    pub fn from_event(ev: &KeyEvent) -> Self {
        let mut mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Char(c) => {
                // The shift is already in the character.
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeyCombo { code, mods }
    }

    /// Parses `ctrl-r`, `shift-tab`, `alt-enter`, `f5`, `?`, `N`, `space`, `pagedown`.
    pub fn parse(text: &str) -> Result<KeyCombo, String> {
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err("an empty key".into());
        }
        let mut mods = KeyModifiers::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break;
            }
            mods |= m;
            rest = &rest[len..];
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "delete" | "del" => KeyCode::Delete,
            "backspace" => KeyCode::Backspace,
            "insert" | "ins" => KeyCode::Insert,
            f if f.len() >= 2 && f.starts_with('f') && f[1..].chars().all(|c| c.is_ascii_digit()) => match f[1..].parse::<u8>() {
                Ok(n @ 1..=24) => KeyCode::F(n),
                _ => return Err(format!("`{text}`: function keys go from f1 to f24")),
            },
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return Err(format!("`{text}` is not a key (try names like ctrl-r, shift-tab, enter, f5, ?)")),
                }
            }
        };
        let probe = KeyEvent::new(code, mods);
        Ok(KeyCombo::from_event(&probe))
    }

    /// How the key is written in hints: `Ctrl-R`, `Shift-Tab`, `↑`, `?`.
    pub fn label(&self) -> String {
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift-");
        }
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Insert => "Ins".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        out.push_str(&key);
        out
    }
}

/// Where a binding applies. Pane contexts are looked up first, then `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    Tree,
    Request,
    Response,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Tree => "Collections",
            Context::Request => "Request",
            Context::Response => "Response",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Context, KeyCombo, Action)>,
}

fn defaults() -> Vec<(Context, KeyCombo, Action)> {
    use Context::*;
    use KeyCode as K;
    let c = KeyCombo::code;
    let p = KeyCombo::plain;
    let ctrl = KeyCombo::ctrl;
    vec![
        (Global, p('q'), Action::Quit),
        (Global, ctrl('c'), Action::Quit),
        (Global, p('?'), Action::Help),
        (Global, ctrl('p'), Action::Palette),
        (Global, ctrl('e'), Action::SwitchEnv),
        (Global, c(K::Tab), Action::NextPane),
        (Global, c(K::BackTab), Action::PrevPane),
        (Global, p('1'), Action::FocusTree),
        (Global, p('2'), Action::FocusRequest),
        (Global, p('3'), Action::FocusResponse),
        (Global, ctrl('r'), Action::Send),
        (
            Global,
            KeyCombo::new(K::Enter, crossterm::event::KeyModifiers::CONTROL),
            Action::Send,
        ),
        // Many terminals send Ctrl-Enter as a line feed, which reads as Ctrl-J.
        (Global, ctrl('j'), Action::Send),
        (Global, c(K::Esc), Action::Cancel),
        (Global, ctrl('s'), Action::Save),
        (Global, ctrl('l'), Action::ReloadWorkspace),
        (Global, ctrl('h'), Action::History),
        (Global, c(K::Up), Action::Up),
        (Global, p('k'), Action::Up),
        (Global, c(K::Down), Action::Down),
        (Global, p('j'), Action::Down),
        (Global, c(K::Left), Action::Left),
        (Global, p('h'), Action::Left),
        (Global, c(K::Right), Action::Right),
        (Global, p('l'), Action::Right),
        (Global, p('g'), Action::Top),
        (Global, c(K::Home), Action::Top),
        (Global, p('G'), Action::Bottom),
        (Global, c(K::End), Action::Bottom),
        (Global, ctrl('d'), Action::HalfPageDown),
        (Global, ctrl('u'), Action::HalfPageUp),
        (Global, c(K::PageDown), Action::PageDown),
        (Global, c(K::PageUp), Action::PageUp),
        (Global, p(']'), Action::NextTab),
        (Global, p('['), Action::PrevTab),
        (Global, c(K::Enter), Action::Open),
        (Tree, p('/'), Action::Filter),
        (Tree, p('f'), Action::Filter),
        (Tree, p('n'), Action::NewRequest),
        (Tree, p('N'), Action::NewFolder),
        (Tree, p('r'), Action::Rename),
        (Tree, p('c'), Action::Duplicate),
        (Tree, p('d'), Action::Delete),
        (Tree, c(K::Delete), Action::Delete),
        (Tree, p('m'), Action::Move),
        (Tree, p('p'), Action::Problems),
        (Tree, p(' '), Action::Open),
        (Request, p('u'), Action::EditUrl),
        (Request, p('m'), Action::EditMethod),
        (Request, p('a'), Action::AddRow),
        (Request, p('x'), Action::DeleteRow),
        (Request, p('d'), Action::DeleteRow),
        (Request, c(K::Delete), Action::DeleteRow),
        (Request, p(' '), Action::ToggleRow),
        (Request, p('e'), Action::ExternalEditor),
        (Tree, p('e'), Action::ExternalEditor),
        (Request, p('t'), Action::CycleKind),
        (Request, p('f'), Action::SwitchPartKind),
        (Request, p('F'), Action::FetchToken),
        (Request, p('R'), Action::RefreshToken),
        (Request, p('X'), Action::ForgetToken),
        (Request, p('y'), Action::CopyCurl),
        (Request, p('Y'), Action::CopyCurlSecrets),
        (Response, p('/'), Action::Search),
        (Response, p('n'), Action::SearchNext),
        (Response, p('N'), Action::SearchPrev),
        (Response, p('w'), Action::ToggleWrap),
        (Response, p('d'), Action::ToggleDetail),
        (Response, p('s'), Action::SaveBody),
        (Response, p('c'), Action::Cookies),
        (Response, p('<'), Action::ScrollLeft),
        (Response, p('H'), Action::ScrollLeft),
        (Response, p('>'), Action::ScrollRight),
        (Response, p('L'), Action::ScrollRight),
    ]
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap { bindings: defaults() }
    }
}

impl Keymap {
    /// The defaults with `overrides` applied: each named action gets exactly the keys given, in the contexts where
    /// it was bound by default. Returns the problems found (unknown action names, unparsable keys).
    pub fn with_overrides(overrides: &[(String, Vec<String>)]) -> (Keymap, Vec<String>) {
        let mut map = Keymap::default();
        let mut problems = Vec::new();
        for (name, keys) in overrides {
            let Some(action) = Action::from_name(name) else {
                let known: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                let suggestion = crate::core::collection::diag::did_you_mean(name, known.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                problems.push(format!("[keys] `{name}` is not an action{suggestion}"));
                continue;
            };
            let mut combos = Vec::new();
            for k in keys {
                match KeyCombo::parse(k) {
                    Ok(c) => combos.push(c),
                    Err(e) => problems.push(format!("[keys] {name}: {e}")),
                }
            }
            if combos.is_empty() {
                continue;
            }
            let mut contexts: Vec<Context> = map.bindings.iter().filter(|(_, _, a)| *a == action).map(|(c, _, _)| *c).collect();
            contexts.dedup();
            if contexts.is_empty() {
                contexts.push(Context::Global);
            }
            map.bindings.retain(|(_, _, a)| *a != action);
            for ctx in contexts {
                for combo in &combos {
                    // The new key wins over whatever it meant before in that context.
                    map.bindings.retain(|(c, k, _)| !(*c == ctx && k == combo));
                    map.bindings.push((ctx, *combo, action));
                }
            }
        }
        (map, problems)
    }

    pub fn lookup(&self, ctx: Context, key: KeyCombo) -> Option<Action> {
        let find = |c: Context| self.bindings.iter().find(|(bc, k, _)| *bc == c && *k == key).map(|(_, _, a)| *a);
        if ctx != Context::Global {
            if let Some(a) = find(ctx) {
                return Some(a);
            }
        }
        find(Context::Global)
    }

    /// The pane an action belongs to, if it is bound only in a pane (the palette focuses it before running it).
    pub fn home_context(&self, action: Action) -> Option<Context> {
        self.bindings
            .iter()
            .find(|(c, _, a)| *a == action && *c != Context::Global)
            .map(|(c, _, _)| *c)
    }

    pub fn keys_for(&self, ctx: Context, action: Action) -> Vec<KeyCombo> {
        let mut keys: Vec<KeyCombo> = self
            .bindings
            .iter()
            .filter(|(c, _, a)| *a == action && (*c == ctx || *c == Context::Global))
            .map(|(_, k, _)| *k)
            .collect();
        keys.dedup();
        keys
    }

    /// The first key for `action` in `ctx`, as a label ("Ctrl-R"), or an empty string if unbound.
    pub fn label(&self, ctx: Context, action: Action) -> String {
        self.keys_for(ctx, action).first().map(|k| k.label()).unwrap_or_default()
    }

    /// Every action bound in `ctx` (not counting global ones), with all its keys, in binding order.
    pub fn bindings_in(&self, ctx: Context) -> Vec<(Vec<KeyCombo>, Action)> {
        let mut out: Vec<(Vec<KeyCombo>, Action)> = Vec::new();
        for (c, k, a) in &self.bindings {
            if *c != ctx {
                continue;
            }
            match out.iter_mut().find(|(_, oa)| oa == a) {
                Some((keys, _)) => keys.push(*k),
                None => out.push((vec![*k], *a)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_labels_keys() {
        assert_eq!(KeyCombo::parse("ctrl-r").map(|k| k.label()), Ok("Ctrl-R".to_string()));
        assert_eq!(KeyCombo::parse("shift-tab").map(|k| k.code), Ok(KeyCode::BackTab));
        assert_eq!(KeyCombo::parse("N"), Ok(KeyCombo::plain('N')));
        assert_eq!(KeyCombo::parse("?"), Ok(KeyCombo::plain('?')));
        assert_eq!(KeyCombo::parse("f5").map(|k| k.code), Ok(KeyCode::F(5)));
        assert_eq!(KeyCombo::parse("ctrl--"), Ok(KeyCombo::ctrl('-')));
        assert!(KeyCombo::parse("hyper-x").is_err());
    }

    #[test]
    fn shifted_letters_match_their_binding() {
        let ev = KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT);
        assert_eq!(KeyCombo::from_event(&ev), KeyCombo::plain('N'));
    }

    #[test]
    fn overrides_replace_keys_and_report_problems() {
        let (map, problems) = Keymap::with_overrides(&[
            ("send".into(), vec!["f5".into()]),
            ("sned".into(), vec!["f6".into()]),
            ("save".into(), vec!["hyper-s".into()]),
        ]);
        assert_eq!(map.lookup(Context::Tree, KeyCombo::code(KeyCode::F(5))), Some(Action::Send));
        assert_eq!(map.lookup(Context::Tree, KeyCombo::ctrl('r')), None);
        assert_eq!(map.lookup(Context::Tree, KeyCombo::ctrl('s')), Some(Action::Save));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("did you mean `send`"), "{problems:?}");
    }

    #[test]
    fn pane_bindings_win_over_global_ones() {
        let map = Keymap::default();
        assert_eq!(map.lookup(Context::Response, KeyCombo::plain('n')), Some(Action::SearchNext));
        assert_eq!(map.lookup(Context::Tree, KeyCombo::plain('n')), Some(Action::NewRequest));
        assert_eq!(map.lookup(Context::Tree, KeyCombo::plain('j')), Some(Action::Down));
    }
}
