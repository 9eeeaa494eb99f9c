//! The HTTP engine.
//!
//! Lifecycle of one request: `prepare(ctx, def)` resolves templates, auth and options (errors name the variable and
//! field; nothing is spawned) → `send(prepared, cancel, progress)` runs on its own client with timing hooks, streams
//! and decodes the body under a size cap, and returns an [`Exchange`] or a classified [`HttpError`] → `insight`
//! explains the status (retry-after, rate limits, problem+json messages).

pub mod client;
pub mod error;
pub mod fields;
pub mod options;
pub mod prepare;
pub mod record;
pub mod redirect;
pub mod send;
pub(crate) mod spill;
pub mod status;
pub mod timing;

pub use client::ClientPool;
pub use error::{HttpError, TimeoutPhase, TlsProblem};
pub use prepare::{prepare, PendingAuth, PrepareContext, PrepareError, Prepared, PreparedBody, SendOptions};
pub use record::{Exchange, RedirectHop, ResponseRecord, SentRequest, SpilledBody, SPILL_HEAD};
pub use send::{send, send_pooled, send_with_sink, BodySink, ChunkSink, Progress, ResponseHead};
pub use status::{insight, StatusInsight};
pub use timing::Timings;
