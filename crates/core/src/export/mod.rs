//! Requests written out in foreign formats (one module per format). Exports mask every secret unless the caller
//! asks to reveal them, as everywhere else apix shows a request.

pub mod curl;

pub use curl::to_curl;

#[cfg(test)]
mod tests;
