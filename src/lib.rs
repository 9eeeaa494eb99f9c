//! apix: a terminal API explorer.
//!
//! `core` holds everything a user's data goes through and has no UI dependency; `cli` and `tui` are thin
//! front ends over it; `server` is the embedded demo API used by the sample collection, tests and benchmarks.

pub mod cli;
pub mod core;
pub mod embedded;
pub mod server;
pub mod tui;
