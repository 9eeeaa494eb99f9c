//! What a send is about: the request and where it resolves ([`Target`]), how ([`Mode`]), and, once prepared, the
//! owned [`Ready`] that can cross to the thread that sends it.

use std::path::PathBuf;

use crate::collection::{Collection, RequestDef};
use crate::http::Prepared;

/// What to send: a request definition, with the collection and environment it is resolved in and `--var` style
/// overrides. An ad hoc request has no collection (and a definition with an empty path).
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub collection: Option<&'a Collection>,
    /// The environment's name (it must be one of the collection's).
    pub environment: Option<&'a str>,
    pub overrides: &'a [(String, String)],
    pub def: &'a RequestDef,
}

/// How placeholders resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// For sending: every secret must resolve.
    #[default]
    Send,
    /// For a masked export or a preview: a secret that is unset, cannot be read or needs trust shows as `••••••`
    /// instead of stopping (nothing is asked, no command runs).
    MaskedPreview,
}

/// Where a send came from, owned (for history and the cookie jar).
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub root: Option<PathBuf>,
    pub environment: Option<String>,
    /// The definition sent (None for an ad hoc request).
    pub def: Option<RequestDef>,
}

/// A prepared request and where it came from: everything [`Session::send`] needs, owned (it can cross threads).
#[derive(Debug, Clone)]
pub struct Ready {
    pub prepared: Prepared,
    pub place: Place,
}
