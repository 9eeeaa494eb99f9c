//! What the panes say about the state, as plain text: tab titles, the auth summary, the lines above a body. The
//! view draws them; the app uses the same for mouse hits and scroll limits, so the two never disagree.

use crate::core::collection::{Body, KeyValue};
use crate::core::format_size;
use crate::core::http::prepare::effective_auth;

use super::body::BodyDoc;
use super::draft::{OpenRequest, RequestTab};
use super::slot::{DoneState, RequestState};
use crate::core::collection::Collection;

/// The request pane's tabs for the open request (`collection`: the one it belongs to).
pub fn request_tab_titles(open: Option<&OpenRequest>, collection: Option<&Collection>) -> Vec<String> {
    let Some(open) = open else {
        return RequestTab::ALL.iter().map(|t| format!("{t:?}")).collect();
    };
    let d = &open.draft;
    let count = |rows: &[KeyValue]| {
        if rows.is_empty() {
            String::new()
        } else {
            format!(" ({})", rows.len())
        }
    };
    let body = match &d.body {
        Body::None => "Body".to_string(),
        b => format!("Body: {}", b.kind_name()),
    };
    vec![
        format!("Params{}", count(&d.query)),
        format!("Headers{}", count(&d.headers)),
        body,
        format!("Auth: {}", auth_summary(open, collection)),
        "Docs".to_string(),
    ]
}

/// "bearer ← collection", "basic", "none".
pub fn auth_summary(open: &OpenRequest, collection: Option<&Collection>) -> String {
    let Some(c) = collection else {
        return open.draft.auth.type_name().into();
    };
    let chain = c.folder_chain(&open.draft.path);
    let (auth, origin) = effective_auth(&chain, &open.draft);
    match origin.as_deref() {
        Some("request") | None => auth.type_name().into(),
        Some(o) => format!("{} ← {o}", auth.type_name()),
    }
}

/// The response pane's tabs for a send in `state`.
pub fn response_tab_titles(state: Option<&RequestState>) -> Vec<String> {
    let (headers, redirects) = match state {
        Some(RequestState::Done(d)) => (d.exchange.response.headers.len(), d.exchange.response.redirects.len()),
        _ => (0, 0),
    };
    let n = |c: usize| if c == 0 { String::new() } else { format!(" ({c})") };
    vec![
        "Body".into(),
        format!("Headers{}", n(headers)),
        "Timing".into(),
        format!("Redirects{}", n(redirects)),
    ]
}

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
            if let Some(n) = doc.note() {
                out.push(Preamble { text: n, warn: true });
            }
        }
        BodyDoc::Hex { kind } => {
            let ct = r.content_type.clone().unwrap_or_else(|| "no content type".into());
            let spilled = if r.spilled.is_some() { " from a temp file" } else { "" };
            out.push(Preamble {
                text: format!("{} · {} · {ct} · shown as hex{spilled}", kind.label(), format_size(r.decoded_size)),
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
