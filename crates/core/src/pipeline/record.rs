//! The history side of a send: the database opens on its own thread while the body downloads, a large body is
//! masked and packed by a [`HistoryTap`](crate::history::HistoryTap) as it arrives, and after the last byte only the
//! write is left; the front end runs it when that suits it.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use super::target::Place;
use crate::history::{record_in, HistoryConfig, HistoryError, HistoryStore, PackedBody, RecordContext, RecordOutcome};
use crate::http::{Exchange, HttpError, Prepared};

/// One send waiting to be written to history.
#[derive(Debug)]
pub struct Record {
    config: Arc<HistoryConfig>,
    db: PathBuf,
    place: Place,
    store: Option<JoinHandle<Result<HistoryStore, HistoryError>>>,
    pub(super) streamed: Option<PackedBody>,
    outcome: Option<(Prepared, Result<Exchange, HttpError>)>,
}

impl Record {
    /// Starts opening the database at once.
    pub(super) fn start(config: Arc<HistoryConfig>, db: PathBuf, place: Place) -> Record {
        let open = db.clone();
        let store = std::thread::Builder::new()
            .name("history-open".into())
            .spawn(move || HistoryStore::open(&open))
            .ok();
        Record {
            config,
            db,
            place,
            store,
            streamed: None,
            outcome: None,
        }
    }

    pub(super) fn max_body_size(&self) -> u64 {
        self.config.max_body_size
    }

    pub(super) fn with_outcome(self, prepared: &Prepared, outcome: Result<Exchange, HttpError>) -> Record {
        Record {
            outcome: Some((prepared.clone(), outcome)),
            ..self
        }
    }

    /// The request file this record is for (None for an ad hoc request).
    pub fn request_path(&self) -> Option<&std::path::Path> {
        self.place.def.as_ref().map(|d| d.path.as_path())
    }

    /// Writes the record (and applies retention). Blocking.
    pub fn write(self) -> Result<RecordOutcome, HistoryError> {
        let Some((prepared, outcome)) = &self.outcome else {
            return Ok(RecordOutcome::Disabled);
        };
        let opened = match self.store {
            Some(handle) => handle.join().unwrap_or_else(|_| {
                Err(HistoryError::Sqlite {
                    path: self.db.clone(),
                    detail: "the thread opening it stopped".into(),
                })
            }),
            None => HistoryStore::open(&self.db),
        };
        let mut store = opened?;
        let ctx = RecordContext {
            collection_root: self.place.root.as_deref(),
            request: self.place.def.as_ref(),
            environment: self.place.environment.as_deref(),
            max_body_size: self.config.max_body_size,
        };
        record_in(&mut store, &self.config, prepared, outcome.as_ref(), &ctx, self.streamed)
    }
}
