//! The embedded demo API, started on first use of `{{$demo}}` and kept for the life of the process, so the
//! bundled collection works offline with no setup.

use std::sync::{Arc, Mutex, OnceLock};

use crate::core::template::DemoUrlFn;
use crate::server::DemoServer;

static SERVER: OnceLock<Mutex<Option<DemoServer>>> = OnceLock::new();

/// A runtime of its own for the server, when `{{$demo}}` is resolved outside any (e.g. `apix auth status`).
static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

/// The URL of the running embedded server, if one was started.
pub fn running_url() -> Option<String> {
    SERVER.get()?.lock().ok()?.as_ref().map(|s| s.url())
}

/// Starts the server if needed (on the current tokio runtime, or on one of its own) and returns its URL.
pub fn ensure_started() -> Result<String, String> {
    let cell = SERVER.get_or_init(|| Mutex::new(None));
    let mut guard = cell.lock().map_err(|_| "the demo server state is unavailable".to_string())?;
    if let Some(s) = guard.as_ref() {
        return Ok(s.url());
    }
    let server = match tokio::runtime::Handle::try_current() {
        Ok(_) => DemoServer::start(0),
        Err(_) => {
            if RUNTIME.get().is_none() {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .thread_name("apix-demo")
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start a runtime for it: {e}"))?;
                let _ = RUNTIME.set(rt);
            }
            let rt = RUNTIME.get().ok_or_else(|| "its runtime did not start".to_string())?;
            let _in_runtime = rt.enter();
            DemoServer::start(0)
        }
    }
    .map_err(|e| e.to_string())?;
    let url = server.url();
    *guard = Some(server);
    Ok(url)
}

/// A `{{$demo}}` provider for templates.
pub fn provider() -> DemoUrlFn {
    Arc::new(ensure_started)
}
