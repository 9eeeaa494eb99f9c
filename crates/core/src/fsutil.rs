//! Atomic file writes: a crash or a full disk leaves the old file intact, never an empty or half-written one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `contents` to `path` through a temporary file in the same folder, fsyncs it, then renames it over the
/// target (atomic on POSIX filesystems). The folder is fsynced too so the rename itself survives a power loss.
///
/// Only regular files are replaced: a device, FIFO or socket (`/dev/null`, `/dev/stdout`, a named pipe) is written
/// through, and a symbolic link keeps being a link: the file it points to is replaced.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |file| file.write_all(contents))
}

/// Like [`write_atomic`], with the writing done by `fill`; if `fill` fails the target is untouched and the
/// temporary file is removed. Tests use this to simulate a failure half-way through a write.
pub fn write_atomic_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    write_target(path, None, fill)
}

/// Like [`write_atomic_with`], creating a new file readable by its owner only (tokens, cookies, history).
pub fn write_private_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    write_target(path, Some(0o600), fill)
}

/// What a user-named output path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A regular file (or nothing yet) at this path, after following symbolic links: replaced atomically.
    File(PathBuf),
    /// A device, FIFO or socket: written through, never replaced.
    Special,
}

/// Resolves `path` as a write target: follows symbolic links (to the file they name, existing or not).
pub fn resolve_target(path: &Path) -> io::Result<Target> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            Ok(meta) if meta.is_file() => return Ok(Target::File(current)),
            Ok(meta) if meta.is_dir() => {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    format!("{} is a folder", path.display()),
                ))
            }
            Ok(_) => return Ok(Target::Special),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Target::File(current)),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!("{} is a loop of symbolic links", path.display())))
}

fn write_target(path: &Path, mode: Option<u32>, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    match resolve_target(path)? {
        Target::Special => {
            let mut file = OpenOptions::new().write(true).open(path)?;
            fill(&mut file)?;
            file.flush()
        }
        Target::File(real) => replace_file(&real, mode, fill),
    }
}

fn replace_file(path: &Path, mode: Option<u32>, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    let tmp = dir.join(format!(".{name}.apix-tmp-{}", std::process::id()));
    let result = (|| {
        let mut o = OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if let Some(m) = mode {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(m);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut file = o.open(&tmp)?;
        if let Ok(meta) = fs::metadata(path) {
            // Keep the permissions of the file we replace (a 0600 file must not become world-readable).
            let _ = file.set_permissions(meta.permissions());
        }
        fill(&mut file)?;
        file.flush()?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates `dir` (and its parents) readable by its owner only when it is new.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Creates a new file (failing if it exists) readable and writable by its owner only: temporary copies of bodies,
/// which may hold anything a server sent.
pub fn create_private_new(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Removes the temporary files (`apix-body-PID-N.bin`, `apix-doc-PID-N.txt`) that processes no longer running left
/// in `dir` (a SIGKILL skips the cleanup that removes them). Returns how many went.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("apix-body-").or_else(|| name.strip_prefix("apix-doc-")) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && is_stale(pid, &e.path()) && fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Its process is gone (Linux: no `/proc/PID`); without `/proc`, once the file is a day old.
#[cfg(target_os = "linux")]
fn is_stale(pid: u32, _path: &Path) -> bool {
    !Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(not(target_os = "linux"))]
fn is_stale(_pid: u32, path: &Path) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > std::time::Duration::from_secs(86_400))
}

/// Opens (creating when missing, owner-only) a file for reading and writing, e.g. a lock file.
pub fn open_private(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        fs::write(&path, "old = 1\n").unwrap();
        write_atomic(&path, b"new = 2\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new = 2\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left behind");
    }

    #[test]
    fn failure_half_way_keeps_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        fs::write(&path, "old = 1\n").unwrap();
        let err = write_atomic_with(&path, |f| {
            f.write_all(b"new = ")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
        })
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        assert_eq!(fs::read_to_string(&path).unwrap(), "old = 1\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "temp file cleaned up");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn temp_files_of_dead_processes_are_removed_and_ours_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // A process id that is not running: a finished child's.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = dir.path().join(format!("apix-body-{dead}-0.bin"));
        let live = dir.path().join(format!("apix-doc-{}-0.txt", std::process::id()));
        let other = dir.path().join("notes.txt");
        fs::write(&stale, "x").unwrap();
        create_private_new(&live).unwrap();
        fs::write(&other, "x").unwrap();
        assert_eq!(remove_stale_temp_files(dir.path()), 1);
        assert!(!stale.exists() && live.exists() && other.exists());
        assert_eq!(fs::metadata(&live).unwrap().permissions().mode() & 0o777, 0o600);
        let sub = dir.path().join("bodies");
        create_private_dir(&sub).unwrap();
        assert_eq!(fs::metadata(&sub).unwrap().permissions().mode() & 0o777, 0o700);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_through_and_a_symlink_stays_a_link() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        // A FIFO: a reader on another thread gets the bytes, and the FIFO is still a FIFO afterwards.
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(&fifo).unwrap())
        };
        write_atomic(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        // A symlink: its target is replaced, the link stays.
        let target = dir.path().join("real.txt");
        fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        // /dev/null stays a device.
        write_atomic(Path::new("/dev/null"), b"discarded").unwrap();
        assert!(fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    }
}
