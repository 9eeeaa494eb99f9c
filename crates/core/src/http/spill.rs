//! A body too large for memory, written to a temporary file as it arrives.

use std::sync::atomic::{AtomicU64, Ordering};

use super::record::{SpilledBody, SPILL_HEAD};

/// A body being written to a temporary file because it outgrew memory.
pub(crate) struct Spill {
    file: std::fs::File,
    pub(crate) path: std::path::PathBuf,
    head: Vec<u8>,
}

impl Spill {
    pub(crate) fn start(dir: &std::path::Path, so_far: &[u8]) -> std::io::Result<Spill> {
        static N: AtomicU64 = AtomicU64::new(0);
        crate::fsutil::create_private_dir(dir)?;
        #[cfg(unix)]
        {
            // A folder made by an older version may be world-readable.
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
        let path = dir.join(format!(
            "apix-body-{}-{}.bin",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let mut file = crate::fsutil::create_private_new(&path)?;
        if let Err(e) = std::io::Write::write_all(&mut file, so_far) {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        Ok(Spill {
            file,
            path,
            head: so_far[..so_far.len().min(SPILL_HEAD)].to_vec(),
        })
    }

    pub(crate) fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        std::io::Write::write_all(&mut self.file, chunk)
    }

    pub(crate) fn finish(mut self, len: u64) -> std::io::Result<(Vec<u8>, SpilledBody)> {
        std::io::Write::flush(&mut self.file)?;
        let path = std::mem::take(&mut self.path);
        let head = std::mem::take(&mut self.head);
        Ok((head, SpilledBody::new(path, len)))
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        // Not finished (an error or a cancel): remove the partial file.
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
