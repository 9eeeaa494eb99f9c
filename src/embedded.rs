//! The embedded demo API, started on first use of `{{$demo}}` and kept for the life of the process, so the
//! bundled collection works offline with no setup.

use std::sync::{Arc, Mutex, OnceLock};

use crate::core::template::DemoUrlFn;
use crate::server::DemoServer;

static SERVER: OnceLock<Mutex<Option<DemoServer>>> = OnceLock::new();

/// The URL of the running embedded server, if one was started.
pub fn running_url() -> Option<String> {
    SERVER.get()?.lock().ok()?.as_ref().map(|s| s.url())
}

/// Starts the server if needed (must be called inside a tokio runtime) and returns its URL.
pub fn ensure_started() -> Result<String, String> {
    let cell = SERVER.get_or_init(|| Mutex::new(None));
    let mut guard = cell.lock().map_err(|_| "the demo server state is unavailable".to_string())?;
    if let Some(s) = guard.as_ref() {
        return Ok(s.url());
    }
    let server = DemoServer::start(0).map_err(|e| e.to_string())?;
    let url = server.url();
    *guard = Some(server);
    Ok(url)
}

/// A `{{$demo}}` provider for templates.
pub fn provider() -> DemoUrlFn {
    Arc::new(ensure_started)
}
