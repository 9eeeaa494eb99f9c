//! The real binary in a real terminal (tmux): open, select, send, read, edit, save, quit; and the terminal is
//! restored after a normal quit, a panic and SIGTERM. Synchronisation is by polling `capture-pane` for text.
//! Skipped (with a message) only when tmux is not installed.

mod tools;
mod tui_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn have_tmux() -> bool {
    tools::require_tool("tmux", "-V")
}

static SESSION: AtomicUsize = AtomicUsize::new(0);

/// One tmux server of our own (its own socket), killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `apix DIR` in a 120×32 pane; after apix exits the pane prints its exit code and stays.
    fn start(dir: &Path, tmp: &Path, extra_env: &[(&str, &str)]) -> Tmux {
        let socket = format!("apix-e2e-{}-{}", std::process::id(), SESSION.fetch_add(1, Ordering::SeqCst));
        let mut env = format!(
            "APIX_CONFIG_DIR='{c}' APIX_DATA_DIR='{d}' APIX_CACHE_DIR='{k}' EDITOR=true",
            c = tmp.join("config").display(),
            d = tmp.join("data").display(),
            k = tmp.join("cache").display()
        );
        for (k, v) in extra_env {
            env.push_str(&format!(" {k}='{v}'"));
        }
        let script = format!(
            "{env} '{bin}' '{dir}'; echo \"APIX_EXIT=$?\"; sleep 600",
            bin = env!("CARGO_BIN_EXE_apix"),
            dir = dir.display()
        );
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "32",
                "sh",
                "-c",
                &script,
            ])
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Tmux { socket }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn capture(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Polls the screen until `pred` holds; fails with the last screen after 20 s.
    fn wait(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }

    fn alternate_screen_on(&self) -> bool {
        self.tmux(&["display-message", "-p", "#{alternate_on}"]).trim() == "1"
    }

    /// The pid of apix: the child of the pane's shell.
    fn apix_pid(&self) -> Option<u32> {
        let shell = self.tmux(&["display-message", "-p", "#{pane_pid}"]).trim().to_string();
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).ok()?;
        children.split_whitespace().next()?.parse().ok()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
    }
}

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tui_support::demo_workspace();
    let dir = tmp.path().join("collections");
    (tmp, dir)
}

#[test]
fn open_send_edit_save_quit() {
    if !have_tmux() {
        return;
    }
    let (tmp, dir) = workspace();
    let file = dir.join("demo/users/get-user.toml");
    let before = std::fs::read_to_string(&file).unwrap();
    let t = Tmux::start(&dir, tmp.path(), &[("APIX_LOG", "trace")]);
    t.wait_for("Collections [1]");
    assert!(t.alternate_screen_on());
    // Select a request through the filter and open it.
    t.text("/");
    t.text("get user");
    t.keys(&["Enter"]);
    t.wait_for("Demo API › users › Get user");
    // Send: the status and the formatted JSON appear.
    t.keys(&["C-r"]);
    let screen = t.wait("the response", |s| s.contains("200 OK") && s.contains("\"email\":"));
    assert!(screen.contains("demo API on 127.0.0.1:"), "{screen}");
    // Edit a header: add X-E2E: yes, then save.
    t.text("2");
    t.text("j");
    t.text("a");
    t.text("X-E2E");
    t.keys(&["Enter"]);
    t.text("yes");
    t.keys(&["Enter"]);
    t.wait_for("● 1 unsaved");
    t.keys(&["C-s"]);
    t.wait_for("Saved demo/users/get-user.toml");
    let after = std::fs::read_to_string(&file).unwrap();
    let added: Vec<&str> = after.lines().filter(|l| !before.lines().any(|b| b == *l)).collect();
    let removed: Vec<&str> = before.lines().filter(|l| !after.lines().any(|a| a == *l)).collect();
    assert_eq!(added, vec!["X-E2E = \"yes\""], "the file changed elsewhere:\n{after}");
    assert!(removed.is_empty(), "lines lost: {removed:?}");
    // Quit: the shell is back and apix exited cleanly.
    t.text("q");
    let screen = t.wait_for("APIX_EXIT=");
    assert!(screen.contains("APIX_EXIT=0"), "{screen}");
    assert!(!t.alternate_screen_on(), "still on the alternate screen");
    assert!(!screen.contains("Collections [1]"), "the UI is still visible:\n{screen}");
    assert!(!screen.contains("apix_core"), "a log line reached the terminal:\n{screen}");
    // The log (in the data dir the test set) has the session, at the most detailed level.
    let logs: String = tui_support::all_files(&tmp.path().join("data/logs"))
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    assert!(logs.contains("explorer started"), "{logs}");
    assert!(logs.contains("received status=200"), "{logs}");
    assert!(logs.contains("job started"), "{logs}");
}

#[test]
fn panic_restores_the_terminal() {
    if !have_tmux() {
        return;
    }
    let (tmp, dir) = workspace();
    let t = Tmux::start(&dir, tmp.path(), &[("APIX_TEST_PANIC", "1")]);
    let screen = t.wait_for("APIX_EXIT=");
    assert!(screen.contains("apix stopped because of a bug"), "{screen}");
    assert!(screen.contains("APIX_TEST_PANIC"), "{screen}");
    assert!(screen.contains("APIX_EXIT=101"), "{screen}");
    assert!(!t.alternate_screen_on(), "left on the alternate screen");
    // Raw mode is off: typed text echoes in the shell's line discipline again.
    assert!(!screen.contains("Collections [1]"), "{screen}");
}

#[test]
fn panic_in_a_background_task_restores_the_terminal() {
    if !have_tmux() {
        return;
    }
    let (tmp, dir) = workspace();
    // The panic happens in a `tokio::spawn`ed task on a runtime worker, not on the UI thread.
    let t = Tmux::start(&dir, tmp.path(), &[("APIX_TEST_PANIC", "task")]);
    let screen = t.wait_for("APIX_EXIT=");
    assert!(screen.contains("apix stopped because of a bug"), "{screen}");
    assert!(
        screen.contains("APIX_TEST_PANIC=task asked for a panic in a background task"),
        "{screen}"
    );
    assert!(screen.contains("APIX_EXIT=101"), "{screen}");
    assert!(!t.alternate_screen_on(), "left on the alternate screen");
    assert!(!screen.contains("Collections [1]"), "the UI is still visible:\n{screen}");
}

/// Sends `signal` to apix and checks it left with `code` and the terminal restored.
fn signal_restores_the_terminal(signal: &str, code: u32) {
    if !have_tmux() {
        return;
    }
    let (tmp, dir) = workspace();
    let t = Tmux::start(&dir, tmp.path(), &[]);
    t.wait_for("Collections [1]");
    let pid = t.apix_pid().expect("apix is running under the pane's shell");
    let status = Command::new("kill").args([signal, &pid.to_string()]).status().expect("kill runs");
    assert!(status.success());
    let screen = t.wait_for("APIX_EXIT=");
    assert!(screen.contains(&format!("APIX_EXIT={code}")), "{screen}");
    assert!(!t.alternate_screen_on());
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_restores_the_terminal("-TERM", 143);
}

#[test]
fn sighup_restores_the_terminal() {
    signal_restores_the_terminal("-HUP", 129);
}
