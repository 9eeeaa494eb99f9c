//! External tools some tests drive (tmux, curl). `.ci/run` installs them; under CI (the `CI` variable set) a missing
//! tool fails the test instead of skipping it, so a green run always means the test ran.
#![allow(dead_code)]

use std::process::Command;

/// Whether `program` runs (`program version_arg` succeeds). When it does not: under CI, panics; elsewhere prints
/// why the test is skipped and returns false.
pub fn require_tool(program: &str, version_arg: &str) -> bool {
    let ok = Command::new(program).arg(version_arg).output().is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("{program} is required under CI (.ci/run installs it) but does not run here");
        }
        eprintln!("skipped: {program} is not installed (the CI script installs it)");
    }
    ok
}
