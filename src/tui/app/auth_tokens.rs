//! OAuth 2.0 tokens on the Auth tab: the cached token's status (read off the UI thread whenever the tab shows an
//! OAuth 2.0 request) and the fetch / refresh / forget actions, each a background task answering `TokenDone`.

use super::auth_state::AuthState;
use super::draft::{OpenRequest, RequestTab};
use super::shell::Shell;
use super::target::SendTarget;
use super::workspace::Workspace;
use crate::core::auth::{self, AuthError, AuthErrorKind};
use crate::core::pipeline::{Mode, SendError};
use crate::tui::events::AuthEvent;
use crate::tui::events::Level;
pub use crate::tui::events::{TokenAction, TokenView};
use crate::tui::jobs::JobKind;
use crate::tui::message::Message;

impl AuthState {
    /// Keeps the Auth tab's token status current for the open request (cheap when nothing changed).
    pub(super) fn upkeep(&mut self, ws: &Workspace, open: Option<&OpenRequest>, shell: &mut Shell) {
        let Some(open) = open else { return };
        if open.tab != RequestTab::Auth || auth_type(ws, open) != Some("oauth2") {
            return;
        }
        let path = open.draft.path.clone();
        let env = ws.env_name(open.collection).map(str::to_string);
        if self.tokens.get(&path).is_some_and(|(e, _)| *e == env) {
            return;
        }
        let target = SendTarget::of(ws, open);
        self.tokens.insert(path.clone(), (env.clone(), TokenView::Loading));
        let session = shell.session.clone();
        let key = shell.jobs.unique_key();
        shell.jobs.blocking((JobKind::TokenStatus, key), move |_| {
            let view = match target.prepare(&session, Mode::Send).map(|r| r.prepared) {
                Ok(p) if auth::oauth_of(&p).is_none() => TokenView::NotOAuth,
                Ok(p) => auth::token_status(&p, &session.auth)
                    .map(TokenView::Status)
                    .unwrap_or(TokenView::None),
                Err(SendError::Trust { .. }) => TokenView::Problem("a {{cmd.…}} source is not trusted yet: send once to be asked".into()),
                Err(e) => TokenView::Problem(e.to_string()),
            };
            Message::Auth(AuthEvent::Token { path, env, view })
        });
    }

    /// F / R / X: fetch a new token, refresh it, or forget it, for the open request.
    pub(super) fn token_action(&mut self, action: TokenAction, ws: &Workspace, open: Option<&OpenRequest>, shell: &mut Shell) {
        let Some(open) = open else {
            shell.notify(Level::Info, "Open a request whose auth is OAuth 2.0 first");
            return;
        };
        let path = open.draft.path.clone();
        if auth_type(ws, open) != Some("oauth2") {
            shell.notify(
                Level::Info,
                "Token actions apply to requests whose auth is OAuth 2.0 (type = \"oauth2\")",
            );
            return;
        }
        let target = SendTarget::of(ws, open);
        let session = shell.session.clone();
        let env = ws.env_name(open.collection).map(str::to_string);
        self.tokens.insert(path.clone(), (env, TokenView::Loading));
        shell.notify(
            Level::Info,
            match action {
                TokenAction::Fetch => "Fetching a new token…",
                TokenAction::Refresh => "Refreshing the token…",
                TokenAction::Forget => "Forgetting the cached token…",
            },
        );
        // One token action at a time: a new one cancels the one running.
        shell.jobs.spawn((JobKind::TokenAction, 0), move |job| async move {
            let (ctx, cancel) = (session.auth.clone(), job.cancel.clone());
            let prepared = tokio::task::spawn_blocking(move || target.prepare(&session, Mode::Send).map(|r| r.prepared)).await;
            let result = match prepared {
                Ok(Ok(p)) => match action {
                    TokenAction::Fetch => auth::login(&p, &ctx, cancel).await.map(Some),
                    TokenAction::Refresh => auth::refresh(&p, &ctx, cancel).await.map(Some),
                    TokenAction::Forget => {
                        let c = ctx.clone();
                        match tokio::task::spawn_blocking(move || auth::logout(&p, &c)).await {
                            Ok(r) => r.map(|_| None),
                            Err(_) => Err(AuthError::new(AuthErrorKind::Storage, "token cache", "could not be changed")),
                        }
                    }
                },
                Ok(Err(e)) => Err(AuthError::new(
                    AuthErrorKind::Config,
                    "request",
                    format!("could not be prepared: {e}"),
                )),
                Err(_) => Err(AuthError::new(AuthErrorKind::Config, "request", "could not be prepared")),
            };
            Message::Auth(AuthEvent::TokenDone { path, action, result })
        });
    }
}

/// The effective auth type of `open` ("oauth2", "digest", …), its folders' defaults included.
pub fn auth_type(ws: &Workspace, open: &OpenRequest) -> Option<&'static str> {
    let c = ws.collections.get(open.collection)?;
    let chain = c.folder_chain(&open.draft.path);
    Some(crate::core::http::prepare::effective_auth(&chain, &open.draft).0.type_name())
}
