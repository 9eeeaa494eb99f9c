//! One call for front ends: record a finished send if the config allows it, then apply retention.

use std::path::Path;
use std::time::Duration;

use super::config::HistoryConfig;
use super::entry::{NewEntry, RecordContext};
use super::error::HistoryError;
use super::store::HistoryStore;
use crate::http::{Exchange, HttpError, Prepared};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOutcome {
    /// Stored under this id; `pruned` older entries were dropped by retention.
    Recorded { id: i64, pruned: usize },
    /// History is off, globally or for this collection.
    Disabled,
    /// A cancelled send is not history.
    Cancelled,
}

/// Records a send in the database at `db` (usually [`super::store::default_db_path`]), opening it here. Blocking.
/// Sends of the CLI and the TUI record through `pipeline::Record`, which opens the database while the body downloads.
pub fn record_send(
    config: &HistoryConfig,
    db: &Path,
    prepared: &Prepared,
    outcome: Result<&Exchange, &HttpError>,
    ctx: &RecordContext,
) -> Result<RecordOutcome, HistoryError> {
    // Checked before opening the database: a send that is not recorded never touches it.
    if !config.records(ctx.collection_root) {
        return Ok(RecordOutcome::Disabled);
    }
    if matches!(outcome, Err(HttpError::Cancelled)) {
        return Ok(RecordOutcome::Cancelled);
    }
    let mut store = HistoryStore::open(db)?;
    record_in(&mut store, config, prepared, outcome, ctx, None)
}

/// Like [`record_send`] into a store opened beforehand (the pipeline opens it while the body downloads), with the
/// response body a [`super::tap::HistoryTap`] prepared as it arrived.
pub fn record_in(
    store: &mut HistoryStore,
    config: &HistoryConfig,
    prepared: &Prepared,
    outcome: Result<&Exchange, &HttpError>,
    ctx: &RecordContext,
    streamed: Option<super::tap::PackedBody>,
) -> Result<RecordOutcome, HistoryError> {
    if !config.records(ctx.collection_root) {
        return Ok(RecordOutcome::Disabled);
    }
    if matches!(outcome, Err(HttpError::Cancelled)) {
        return Ok(RecordOutcome::Cancelled);
    }
    let ctx = RecordContext {
        max_body_size: config.max_body_size,
        ..*ctx
    };
    let entry = NewEntry::from_send_with(prepared, outcome, &ctx, streamed);
    let id = store.record(&entry)?;
    let max_age = config.max_age_days.map(|d| Duration::from_secs(d.saturating_mul(86_400)));
    // Retention failing (a busy database, say) must not turn a recorded send into an error.
    let pruned = store.apply_retention(config.max_entries, max_age).unwrap_or(0);
    Ok(RecordOutcome::Recorded { id, pruned })
}
