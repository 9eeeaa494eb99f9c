//! What a key can be bound to. Small and `Copy`: the keymap, the help overlay and the command palette all speak
//! in actions, and `config.toml` names them (`[keys] send = "ctrl-r"`).

/// Every command a person can give apix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    Palette,
    SwitchEnv,
    NextPane,
    PrevPane,
    FocusTree,
    FocusRequest,
    FocusResponse,
    Send,
    Cancel,
    Save,
    ReloadWorkspace,
    Up,
    Down,
    Left,
    Right,
    Top,
    Bottom,
    HalfPageDown,
    HalfPageUp,
    PageDown,
    PageUp,
    NextTab,
    PrevTab,
    Open,
    Filter,
    NewRequest,
    NewFolder,
    NewCollection,
    Rename,
    Duplicate,
    Delete,
    Move,
    EditUrl,
    EditMethod,
    AddRow,
    DeleteRow,
    ToggleRow,
    ExternalEditor,
    CycleKind,
    SwitchPartKind,
    Search,
    SearchNext,
    SearchPrev,
    ToggleWrap,
    ToggleDetail,
    ScrollLeft,
    ScrollRight,
    SaveBody,
    History,
    HistoryAll,
    FetchToken,
    RefreshToken,
    ForgetToken,
    StoreSecret,
    CopyCurl,
    CopyCurlSecrets,
    /// The cookie jar of the open request's collection and environment.
    Cookies,
    /// What `apix check` finds, listed.
    Problems,
}

impl Action {
    pub const ALL: [Action; 60] = [
        Action::Quit,
        Action::Help,
        Action::Palette,
        Action::SwitchEnv,
        Action::NextPane,
        Action::PrevPane,
        Action::FocusTree,
        Action::FocusRequest,
        Action::FocusResponse,
        Action::Send,
        Action::Cancel,
        Action::Save,
        Action::ReloadWorkspace,
        Action::Up,
        Action::Down,
        Action::Left,
        Action::Right,
        Action::Top,
        Action::Bottom,
        Action::HalfPageDown,
        Action::HalfPageUp,
        Action::PageDown,
        Action::PageUp,
        Action::NextTab,
        Action::PrevTab,
        Action::Open,
        Action::Filter,
        Action::NewRequest,
        Action::NewFolder,
        Action::NewCollection,
        Action::Rename,
        Action::Duplicate,
        Action::Delete,
        Action::Move,
        Action::EditUrl,
        Action::EditMethod,
        Action::AddRow,
        Action::DeleteRow,
        Action::ToggleRow,
        Action::ExternalEditor,
        Action::CycleKind,
        Action::SwitchPartKind,
        Action::Search,
        Action::SearchNext,
        Action::SearchPrev,
        Action::ToggleWrap,
        Action::ToggleDetail,
        Action::ScrollLeft,
        Action::ScrollRight,
        Action::SaveBody,
        Action::History,
        Action::HistoryAll,
        Action::FetchToken,
        Action::RefreshToken,
        Action::ForgetToken,
        Action::StoreSecret,
        Action::CopyCurl,
        Action::CopyCurlSecrets,
        Action::Cookies,
        Action::Problems,
    ];

    /// The name used in `config.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Palette => "palette",
            Action::SwitchEnv => "switch_env",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::FocusTree => "focus_tree",
            Action::FocusRequest => "focus_request",
            Action::FocusResponse => "focus_response",
            Action::Send => "send",
            Action::Cancel => "cancel",
            Action::Save => "save",
            Action::ReloadWorkspace => "reload",
            Action::Up => "up",
            Action::Down => "down",
            Action::Left => "left",
            Action::Right => "right",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::HalfPageDown => "half_page_down",
            Action::HalfPageUp => "half_page_up",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::NextTab => "next_tab",
            Action::PrevTab => "prev_tab",
            Action::Open => "open",
            Action::Filter => "filter",
            Action::NewRequest => "new_request",
            Action::NewFolder => "new_folder",
            Action::NewCollection => "new_collection",
            Action::Rename => "rename",
            Action::Duplicate => "duplicate",
            Action::Delete => "delete",
            Action::Move => "move",
            Action::EditUrl => "edit_url",
            Action::EditMethod => "edit_method",
            Action::AddRow => "add_row",
            Action::DeleteRow => "delete_row",
            Action::ToggleRow => "toggle_row",
            Action::ExternalEditor => "external_editor",
            Action::CycleKind => "cycle_kind",
            Action::SwitchPartKind => "switch_part_kind",
            Action::Search => "search",
            Action::SearchNext => "search_next",
            Action::SearchPrev => "search_prev",
            Action::ToggleWrap => "toggle_wrap",
            Action::ToggleDetail => "toggle_detail",
            Action::ScrollLeft => "scroll_left",
            Action::ScrollRight => "scroll_right",
            Action::SaveBody => "save_body",
            Action::History => "history",
            Action::Cookies => "cookies",
            Action::Problems => "problems",
            Action::HistoryAll => "history_all",
            Action::FetchToken => "fetch_token",
            Action::RefreshToken => "refresh_token",
            Action::ForgetToken => "forget_token",
            Action::StoreSecret => "store_secret",
            Action::CopyCurl => "copy_curl",
            Action::CopyCurlSecrets => "copy_curl_secrets",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// What it does, for the help overlay and the palette.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "Quit apix",
            Action::Help => "Show the keys of this pane",
            Action::Palette => "Command palette: run an action or jump to a request",
            Action::SwitchEnv => "Switch environment",
            Action::NextPane => "Focus the next pane",
            Action::PrevPane => "Focus the previous pane",
            Action::FocusTree => "Focus the collections tree",
            Action::FocusRequest => "Focus the request",
            Action::FocusResponse => "Focus the response",
            Action::Send => "Send the request",
            Action::Cancel => "Cancel the send, or leave a field",
            Action::Save => "Save the request to its file",
            Action::ReloadWorkspace => "Reload collections from disk and redraw the whole screen",
            Action::Up => "Move up",
            Action::Down => "Move down",
            Action::Left => "Collapse / previous tab",
            Action::Right => "Expand / next tab",
            Action::Top => "Go to the top",
            Action::Bottom => "Go to the bottom",
            Action::HalfPageDown => "Half a page down",
            Action::HalfPageUp => "Half a page up",
            Action::PageDown => "Page down",
            Action::PageUp => "Page up",
            Action::NextTab => "Next tab",
            Action::PrevTab => "Previous tab",
            Action::Open => "Open / edit the selected item",
            Action::Filter => "Filter requests by name (fuzzy)",
            Action::NewRequest => "New request in this folder",
            Action::NewFolder => "New folder here",
            Action::NewCollection => "New collection… (a folder with collection.toml, an environment, .gitignore)",
            Action::Rename => "Rename the selected request or folder",
            Action::Duplicate => "Duplicate the selected request",
            Action::Delete => "Delete the selected request or folder",
            Action::Move => "Move the selected request or folder",
            Action::EditUrl => "Edit the URL",
            Action::EditMethod => "Edit the method",
            Action::AddRow => "Add a row",
            Action::DeleteRow => "Delete the selected row",
            Action::ToggleRow => "Enable / disable the selected row",
            Action::ExternalEditor => "Open in $EDITOR (the body; in the tree, the selected file)",
            Action::CycleKind => "Change the body kind / auth type",
            Action::SwitchPartKind => "Switch a multipart part between a value and a file",
            Action::Search => "Search the response body",
            Action::SearchNext => "Next match",
            Action::SearchPrev => "Previous match",
            Action::ToggleWrap => "Wrap long lines on/off",
            Action::ToggleDetail => "Show / hide the error in full (each cause, what to do)",
            Action::ScrollLeft => "Scroll left",
            Action::ScrollRight => "Scroll right",
            Action::SaveBody => "Save the response body to a file",
            Action::History => "History of this request (again: all requests)",
            Action::Cookies => "Cookies of this collection and environment (view, clear)",
            Action::Problems => "Problems in the collection files, as apix check finds them",
            Action::HistoryAll => "History of all requests",
            Action::FetchToken => "Fetch a new OAuth 2.0 token",
            Action::RefreshToken => "Refresh the OAuth 2.0 token",
            Action::ForgetToken => "Forget the cached OAuth 2.0 token",
            Action::StoreSecret => "Store a secret in the keyring",
            Action::CopyCurl => "Copy as curl, credentials masked",
            Action::CopyCurlSecrets => "Copy as curl with credentials (asks first)",
        }
    }

    /// Actions worth offering in the command palette (movement keys are not).
    pub fn in_palette(self) -> bool {
        !matches!(
            self,
            Action::Up
                | Action::Down
                | Action::Left
                | Action::Right
                | Action::Top
                | Action::Bottom
                | Action::HalfPageDown
                | Action::HalfPageUp
                | Action::PageDown
                | Action::PageUp
                | Action::Open
                | Action::Cancel
                | Action::Palette
                | Action::ScrollLeft
                | Action::ScrollRight
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
        }
    }
}
