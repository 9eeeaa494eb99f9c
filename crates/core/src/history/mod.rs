//! History: every send, recorded locally in SQLite, searchable and comparable.
//!
//! Lifecycle of one entry: the front end finishes a send → [`NewEntry::from_send`] redacts everything that could
//! carry a credential (see [`redact`]) and compresses the bodies under a cap → [`HistoryStore::record`] writes the
//! entry, its bodies and its full-text row in one `BEGIN IMMEDIATE` transaction → retention
//! ([`HistoryStore::apply_retention`]) drops the oldest entries past `max_entries`.
//! [`record_send`] does all of that for the CLI and the TUI in one call.
//!
//! Concurrency and crash safety come from SQLite itself: WAL journal, `synchronous = NORMAL` (a committed entry
//! survives a killed process; only a power cut can lose the last few), a busy timeout instead of failing when another
//! apix holds the write lock, and one transaction per entry, so a kill -9 leaves either the whole entry or none of it.
//!
//! Every call blocks on disk I/O: a UI must call the store from a background thread (`spawn_blocking`), never from its
//! render path. A [`HistoryStore`] is `Send`; open one per thread rather than sharing one.

mod codec;
mod config;
mod convert;
mod diff;
mod entry;
mod error;
mod identity;
mod load;
mod read;
mod record;
pub mod redact;
mod schema;
mod store;
mod tap;

pub use config::{HistoryConfig, CONFIG_FILE, DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_ENTRIES};
pub use diff::{diff_entries, fold_changes, json_type_name, BodyDiff, ChangeKind, Comparison, HeaderChange, JsonChange};
pub use entry::{Entry, NewEntry, RecordContext, Source, StoredBody, StoredHop, StoredRequest, StoredResponse, StoredTimings, Summary};
pub use error::HistoryError;
pub use identity::{fingerprint, RequestRef};
pub use read::Query;
pub use record::{record_in, record_send, RecordOutcome};
pub use schema::SCHEMA_VERSION;
pub use store::{default_db_path, HistoryStore, Prune, DB_FILE};
pub use tap::{HistoryTap, PackedBody};
