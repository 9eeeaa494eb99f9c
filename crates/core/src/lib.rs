//! The UI-free core: collection files, templating, the HTTP engine, response formatting.
//! Nothing below this module may import ratatui or crossterm (a test enforces it).

pub mod auth;
pub mod check;
pub mod collection;
pub mod cookies;
pub mod export;
pub mod format;
pub mod fsutil;
pub mod history;
pub mod http;
pub mod mask;
pub mod paths;
pub mod pipeline;
pub mod sanitize;
pub mod template;
pub mod units;

pub use units::{format_duration, format_size};
