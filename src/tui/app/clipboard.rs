//! Where `y` copies to: the system clipboard through an OSC 52 sequence on the terminal, or a buffer in tests.

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine;

/// Where OSC 52 sequences go: the terminal in the app, a buffer in tests.
#[derive(Debug, Clone, Default)]
pub enum ClipboardSink {
    #[default]
    Terminal,
    Buffer(Arc<Mutex<Vec<u8>>>),
}

impl ClipboardSink {
    pub(super) fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            ClipboardSink::Terminal => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)?;
                out.flush()
            }
            ClipboardSink::Buffer(buf) => {
                buf.lock()
                    .map_err(|_| std::io::Error::other("clipboard buffer poisoned"))?
                    .extend_from_slice(bytes);
                Ok(())
            }
        }
    }
}

/// The OSC 52 sequence that sets the system clipboard to `text`.
pub fn osc52(text: &str) -> Vec<u8> {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text)).into_bytes()
}
