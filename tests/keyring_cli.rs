//! `apix secret set` in one process, `{{keyring.NAME}}` resolved by another: the way people use it.

use std::io::Write;
use std::process::{Command, Stdio};

use apix::server::{DemoServer, DEMO_BEARER_TOKEN};

#[test]
fn a_secret_stored_by_one_process_is_read_by_the_next() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async { DemoServer::start(0).unwrap() });
    let service = format!("apix-test-{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("collection.toml"), "name = \"k\"\n").unwrap();
    std::fs::write(
        dir.path().join("me.toml"),
        format!(
            "url = \"{}/auth/bearer\"\n\n[auth]\ntype = \"bearer\"\ntoken = \"{{{{keyring.kr_token}}}}\"\n",
            server.url()
        ),
    )
    .unwrap();
    let apix = |args: &[&str], stdin: Option<&str>| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_apix"))
            .args(args)
            .env("APIX_KEYRING_SERVICE", &service)
            .env("APIX_DATA_DIR", dir.path().join("data"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        } else {
            drop(child.stdin.take());
        }
        child.wait_with_output().unwrap()
    };
    let set = apix(&["secret", "set", "kr_token"], Some(DEMO_BEARER_TOKEN));
    let set_err = String::from_utf8_lossy(&set.stderr).to_string();
    if set.status.code() != Some(0) && set_err.contains("not available") {
        println!("skipped: no kernel keyring on this machine ({set_err})");
        return;
    }
    assert_eq!(set.status.code(), Some(0), "{set_err}");
    let file = dir.path().join("me.toml");
    let sent = apix(&["send", file.to_str().unwrap()], None);
    assert_eq!(sent.status.code(), Some(0), "{}", String::from_utf8_lossy(&sent.stderr));
    assert!(
        String::from_utf8_lossy(&sent.stdout).contains("\"authenticated\":true"),
        "the keyring value was sent"
    );
    let deleted = apix(&["secret", "delete", "kr_token"], None);
    assert_eq!(deleted.status.code(), Some(0), "{}", String::from_utf8_lossy(&deleted.stderr));
    let after = apix(&["send", file.to_str().unwrap()], None);
    assert_eq!(after.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&after.stderr).contains("no secret `kr_token` in the OS keyring"));
}
