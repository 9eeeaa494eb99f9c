//! apix: a terminal API explorer.
//!
//! `core` holds everything a user's data goes through and has no UI dependency; `cli` and `tui` are thin
//! front ends over it; `server` is the embedded demo API used by the sample collection, tests and benchmarks.

pub mod cli;
pub mod embedded;
pub mod logging;
pub mod tui;

/// The core crate, under the name the front ends and tests use.
pub use apix_core as core;
/// The demo API crate.
pub use apix_demo_server as server;
