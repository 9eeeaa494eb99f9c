//! Secret sources besides `{{env.NAME}}`: `{{keyring.NAME}}` (the OS keyring through the `keyring` crate) and
//! `{{cmd.NAME}}` (the output of a command declared in `collection.toml`'s `[commands]`, e.g. a password manager).
//! A command runs only once the user has trusted it for this collection (see `trust`), and its output is kept in
//! memory for a few minutes so a password manager is not asked at every send.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The keyring "service" apix stores under (tests point it elsewhere with `APIX_KEYRING_SERVICE`).
pub fn keyring_service() -> String {
    std::env::var("APIX_KEYRING_SERVICE")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "apix".into())
}

/// A failure to get a secret, in plain words with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub message: String,
    pub hint: String,
}

/// Where a stored secret is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyringStore {
    /// The desktop's Secret Service (GNOME Keyring, KWallet) over the session bus: kept across reboots.
    SecretService,
    /// The Linux kernel keyring (headless machines, containers): kept until reboot.
    KernelKeyring,
    /// The platform's keychain (macOS Keychain, Windows Credential Manager).
    Platform,
}

impl KeyringStore {
    /// Where, and whether it survives a reboot, in plain words.
    pub fn describe(self) -> &'static str {
        match self {
            KeyringStore::SecretService => "the Secret Service (GNOME Keyring or KWallet); it survives a reboot",
            KeyringStore::KernelKeyring => {
                "the kernel keyring (no Secret Service on this session bus); it lasts until the machine restarts"
            }
            KeyringStore::Platform => "the OS keychain; it survives a reboot",
        }
    }
}

fn keyring_error(name: &str, e: keyring::Error) -> SourceError {
    match e {
        keyring::Error::NoEntry => SourceError {
            message: format!("there is no secret `{name}` in the OS keyring"),
            hint: format!("store it with `apix secret set {name}` (or from the TUI), or use {{{{env.{name}}}}} and a .env file"),
        },
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => SourceError {
            message: format!("the OS keyring is not available here ({e})"),
            hint: format!("use {{{{env.{name}}}}} with the variable exported or in the collection's .env file instead"),
        },
        other => SourceError {
            message: format!("the OS keyring refused secret `{name}`: {other}"),
            hint: "check the name (letters, digits, - _ .) and that the keyring is unlocked".into(),
        },
    }
}

/// Looks in the Secret Service first, then the kernel keyring (where secrets stored before the Secret Service was
/// used still are).
pub fn keyring_get(name: &str) -> Result<String, SourceError> {
    let mut first_error = None;
    for store in stores::all() {
        match stores::get(store, name) {
            Ok(v) => return Ok(v),
            Err(keyring::Error::NoEntry) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(v) = session::get(name) {
        return Ok(v);
    }
    Err(keyring_error(name, first_error.unwrap_or(keyring::Error::NoEntry)))
}

/// Stores in the first store that takes it (the Secret Service where a session bus offers one) and says which.
pub fn keyring_set(name: &str, value: &str) -> Result<KeyringStore, SourceError> {
    let mut last_error = None;
    for store in stores::all() {
        match stores::set(store, name, value) {
            Ok(()) => {
                if store == KeyringStore::KernelKeyring {
                    // Also (re)write the user-keyring copy readable by this user's other processes, for machines
                    // where keyring-rs's session keyring is not shared between processes.
                    let _ = session::set(name, value);
                }
                return Ok(store);
            }
            Err(e) => last_error = Some(e),
        }
    }
    if session::set(name, value).is_ok() {
        return Ok(KeyringStore::KernelKeyring);
    }
    Err(match last_error {
        Some(keyring::Error::NoEntry) | None => SourceError {
            message: "the OS keyring is not available here (it refused to store the secret)".into(),
            hint: format!("use {{{{env.{name}}}}} with the variable exported or in the collection's .env file instead"),
        },
        Some(other) => keyring_error(name, other),
    })
}

/// Deletes a stored secret from every store; false when there was none.
pub fn keyring_delete(name: &str) -> Result<bool, SourceError> {
    let mut any = session::delete(name);
    let mut failure = None;
    for store in stores::all() {
        match stores::delete(store, name) {
            Ok(()) => any = true,
            Err(keyring::Error::NoEntry) => {}
            Err(e) => failure = Some(e),
        }
    }
    match (any, failure) {
        (false, Some(e)) => Err(keyring_error(name, e)),
        (any, _) => Ok(any),
    }
}

/// The stores apix uses, in lookup order, each call bounded in time (a D-Bus peer that never answers must not hang a
/// send).
mod stores {
    use std::time::Duration;

    use super::{keyring_service, KeyringStore};

    const CALL_TIMEOUT: Duration = Duration::from_secs(10);

    fn bounded<T: Send + 'static>(f: impl FnOnce() -> keyring::Result<T> + Send + 'static) -> keyring::Result<T> {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(CALL_TIMEOUT).unwrap_or_else(|_| {
            Err(keyring::Error::PlatformFailure(
                format!("no answer within {} s", CALL_TIMEOUT.as_secs()).into(),
            ))
        })
    }

    #[cfg(target_os = "linux")]
    pub fn all() -> Vec<KeyringStore> {
        let mut v = Vec::new();
        if session_bus_likely() {
            v.push(KeyringStore::SecretService);
        }
        v.push(KeyringStore::KernelKeyring);
        v
    }

    #[cfg(not(target_os = "linux"))]
    pub fn all() -> Vec<KeyringStore> {
        vec![KeyringStore::Platform]
    }

    /// A session bus is there to ask (its address is set, or the systemd per-user socket exists).
    #[cfg(target_os = "linux")]
    fn session_bus_likely() -> bool {
        use std::os::unix::fs::MetadataExt;
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty()) {
            return true;
        }
        std::fs::metadata("/proc/self")
            .map(|m| std::path::Path::new(&format!("/run/user/{}/bus", m.uid())).exists())
            .unwrap_or(false)
    }

    fn entry(store: KeyringStore, name: &str) -> keyring::Result<keyring::Entry> {
        let service = keyring_service();
        match store {
            #[cfg(target_os = "linux")]
            KeyringStore::SecretService => {
                let c = keyring::secret_service::SsCredential::new_with_target(None, &service, name)?;
                Ok(keyring::Entry::new_with_credential(Box::new(c)))
            }
            #[cfg(target_os = "linux")]
            KeyringStore::KernelKeyring => {
                let c = keyring::keyutils::KeyutilsCredential::new_with_target(None, &service, name)?;
                Ok(keyring::Entry::new_with_credential(Box::new(c)))
            }
            _ => keyring::Entry::new(&service, name),
        }
    }

    pub fn get(store: KeyringStore, name: &str) -> keyring::Result<String> {
        let name = name.to_string();
        bounded(move || entry(store, &name)?.get_password())
    }

    pub fn set(store: KeyringStore, name: &str, value: &str) -> keyring::Result<()> {
        let (name, value) = (name.to_string(), value.to_string());
        bounded(move || entry(store, &name)?.set_password(&value))
    }

    pub fn delete(store: KeyringStore, name: &str) -> keyring::Result<()> {
        let name = name.to_string();
        bounded(move || entry(store, &name)?.delete_credential())
    }
}

/// Linux: the kernel's user keyring, under keyring-rs's own key description, for machines (containers, SSH
/// sessions, CI) where keyring-rs's session-keyring store is not shared between processes. Keys last until reboot.
#[cfg(target_os = "linux")]
mod session {
    use linux_keyutils::{KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};

    fn description(name: &str) -> String {
        format!("keyring-rs:{name}@{}", super::keyring_service())
    }

    /// The user keyring first: every process of this user shares it, whatever session (terminal, tmux, CI step)
    /// it runs in; then the session keyring, where earlier versions stored keys.
    fn rings() -> Vec<KeyRing> {
        // Keys are readable by their "possessor": a process possesses what its session keyring links to. Where a
        // process starts with a fresh session keyring (containers, some SSH and CI set-ups), link the user keyring
        // into it so that keys stored by an earlier apix process can be found and read.
        if let Ok(session) = KeyRing::from_special_id(KeyRingIdentifier::Session, true) {
            let _ = session.link_keyring_id(KeyRingIdentifier::User);
        }
        [KeyRingIdentifier::User, KeyRingIdentifier::Session]
            .into_iter()
            .filter_map(|id| KeyRing::from_special_id(id, false).ok())
            .collect()
    }

    pub fn get(name: &str) -> Option<String> {
        rings().into_iter().find_map(|ring| {
            let key = ring.search(&description(name)).ok()?;
            String::from_utf8(key.read_to_vec().ok()?).ok()
        })
    }

    pub fn set(name: &str, value: &str) -> Result<(), ()> {
        let ring = rings().into_iter().next().ok_or(())?;
        let key = ring.add_key(&description(name), value.as_bytes()).map_err(|_| ())?;
        // By default only a process that "possesses" the key (through its session) may read it; let this user's other
        // processes read it too (nobody else: no group or world rights).
        let owner = Permission::VIEW | Permission::READ | Permission::SEARCH | Permission::WRITE | Permission::SETATTR;
        let _ = key.set_perms(KeyPermissionsBuilder::builder().posessor(Permission::ALL).user(owner).build());
        Ok(())
    }

    pub fn delete(name: &str) -> bool {
        let mut any = false;
        for ring in rings() {
            if let Ok(key) = ring.search(&description(name)) {
                any |= key.invalidate().is_ok();
            }
        }
        any
    }
}

#[cfg(not(target_os = "linux"))]
mod session {
    pub fn get(_: &str) -> Option<String> {
        None
    }
    pub fn set(_: &str, _: &str) -> Result<(), ()> {
        Err(())
    }
    pub fn delete(_: &str) -> bool {
        false
    }
}

pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Secrets looked up once per run: a session that sends many requests (`apix run`, an evaluation) reads each
/// keyring entry and runs each command once, whatever the process-wide memo of command outputs says. Values stay in
/// this process's memory only, and go with the session.
#[derive(Clone, Default)]
pub struct SecretCache(std::sync::Arc<Mutex<HashMap<String, String>>>);

impl SecretCache {
    /// The value under `key`, looked up with `lookup` the first time (a failed lookup is not kept).
    pub fn get_or(&self, key: &str, lookup: impl FnOnce() -> Result<String, SourceError>) -> Result<String, SourceError> {
        if let Some(v) = self.0.lock().ok().and_then(|m| m.get(key).cloned()) {
            return Ok(v);
        }
        let value = lookup()?;
        if let Ok(mut m) = self.0.lock() {
            m.insert(key.to_string(), value.clone());
        }
        Ok(value)
    }

    /// How many secrets were looked up so far.
    pub fn len(&self) -> usize {
        self.0.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
const MEMO_TTL: Duration = Duration::from_secs(300);

type Memo = HashMap<(PathBuf, String), (String, Instant)>;
static MEMO: Mutex<Option<Memo>> = Mutex::new(None);

/// Forgets every remembered command output (e.g. after the user changes a password).
pub fn forget_command_outputs() {
    if let Ok(mut m) = MEMO.lock() {
        *m = None;
    }
}

/// Runs `command` (through the shell, in the collection folder) and returns its standard output without the final
/// line break. The caller checks trust first.
pub fn run_command(root: &Path, name: &str, command: &str) -> Result<String, SourceError> {
    let key = (root.to_path_buf(), command.to_string());
    if let Ok(m) = MEMO.lock() {
        if let Some((v, at)) = m.as_ref().and_then(|m| m.get(&key)) {
            if at.elapsed() < MEMO_TTL {
                return Ok(v.clone());
            }
        }
    }
    let value = run_uncached(root, name, command)?;
    if let Ok(mut m) = MEMO.lock() {
        m.get_or_insert_with(HashMap::new).insert(key, (value.clone(), Instant::now()));
    }
    Ok(value)
}

fn run_uncached(root: &Path, name: &str, command: &str) -> Result<String, SourceError> {
    let fail = |message: String, hint: &str| SourceError {
        message,
        hint: hint.to_string(),
    };
    let mut cmd = if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.arg("/C").arg(command);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    let mut child = cmd
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            fail(
                format!("command `{command}` for secret `cmd.{name}` could not start: {e}"),
                "check the command in [commands] of collection.toml",
            )
        })?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > COMMAND_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(
                    format!(
                        "command `{command}` for secret `cmd.{name}` did not finish within {} s",
                        COMMAND_TIMEOUT.as_secs()
                    ),
                    "run it in a terminal to see whether it waits for input (a locked password manager?)",
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(fail(format!("command `{command}` for secret `cmd.{name}` failed: {e}"), "")),
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if !status.success() {
        let first = String::from_utf8_lossy(&err)
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>();
        let code = status.code().map(|c| c.to_string()).unwrap_or_else(|| "a signal".into());
        let said = if first.is_empty() { String::new() } else { format!(": {first}") };
        return Err(fail(
            format!("command `{command}` for secret `cmd.{name}` exited with {code}{said}"),
            "run the command in a terminal to check it prints the secret (e.g. is the password manager unlocked?)",
        ));
    }
    let text = String::from_utf8_lossy(&out).trim_end_matches(['\n', '\r']).to_string();
    if text.is_empty() {
        return Err(fail(
            format!("command `{command}` for secret `cmd.{name}` printed nothing"),
            "the command must print the secret on standard output",
        ));
    }
    Ok(text)
}
