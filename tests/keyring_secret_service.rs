//! `apix secret set` on a desktop session: the secret goes to the Secret Service (here GNOME Keyring on a private
//! session bus started for the test), which keeps it across reboots, and `apix secret set` says so. A secret stored
//! earlier in the kernel keyring (before the Secret Service was used) still resolves.

mod tools;

use std::io::Write;
use std::process::{Command, Stdio};

use apix::server::{DemoServer, DEMO_BEARER_TOKEN};

fn text(o: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn secrets_go_to_the_secret_service_and_old_kernel_keyring_secrets_still_resolve() {
    if !tools::require_tool("dbus-run-session", "--version") || !tools::require_tool("gnome-keyring-daemon", "--version") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async { DemoServer::start(0).unwrap() });
    let service = format!("apix-test-{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("collection.toml"), "name = \"k\"\n").unwrap();
    for (file, key) in [("ss.toml", "ss_token"), ("old.toml", "kernel_token")] {
        std::fs::write(
            dir.path().join(file),
            format!(
                "url = \"{}/auth/bearer\"\n\n[auth]\ntype = \"bearer\"\ntoken = \"{{{{keyring.{key}}}}}\"\n",
                server.url()
            ),
        )
        .unwrap();
    }
    let apix = env!("CARGO_BIN_EXE_apix");
    let base = |c: &mut Command| {
        c.env("APIX_KEYRING_SERVICE", &service)
            .env("APIX_DATA_DIR", dir.path().join("data"))
            .env("NO_COLOR", "1")
            .env("APIX_BIN", apix)
            .env("COLL", dir.path())
            .env("TOKEN", DEMO_BEARER_TOKEN);
    };

    // Before: a secret in the kernel keyring, stored with no session bus around.
    let mut c = Command::new(apix);
    base(&mut c);
    let mut child = c
        .args(["secret", "set", "kernel_token"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(DEMO_BEARER_TOKEN.as_bytes()).unwrap();
    let before = child.wait_with_output().unwrap();
    let kernel_ok = before.status.success();
    if !kernel_ok {
        eprintln!(
            "the kernel keyring is not available here ({}); that part is skipped",
            text(&before).trim()
        );
    }

    // In a desktop-like session: a session bus and an unlocked GNOME Keyring.
    let script = r#"
        set -e
        printf 'apix-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
        # The daemon claims its bus name a moment after it returns.
        i=0
        until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do
            i=$((i + 1)); [ $i -gt 100 ] && { echo "the keyring daemon never appeared on the bus"; exit 1; }
            sleep 0.05
        done
        printf '%s' "$TOKEN" | "$APIX_BIN" secret set ss_token
        "$APIX_BIN" send "$COLL/ss.toml" --no-history >/dev/null
        echo "ss send ok"
        if [ "$KERNEL_OK" = 1 ]; then
            "$APIX_BIN" send "$COLL/old.toml" --no-history >/dev/null
            echo "old send ok"
        fi
    "#;
    let mut c = Command::new("dbus-run-session");
    base(&mut c);
    let out = c
        .args(["--", "sh", "-c", script])
        .env("KERNEL_OK", if kernel_ok { "1" } else { "0" })
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("xdg"))
        .output()
        .unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("stored `ss_token` in the Secret Service") && said.contains("survives a reboot"),
        "apix says where the secret went: {said}"
    );
    assert!(said.contains("ss send ok"), "{said}");
    if kernel_ok {
        assert!(
            said.contains("old send ok"),
            "a kernel-keyring secret from before still resolves: {said}"
        );
    }

    // Outside that session the secret is not found: it is in the Secret Service, not the kernel keyring.
    let mut c = Command::new(apix);
    base(&mut c);
    let outside = c
        .args(["send", dir.path().join("ss.toml").to_str().unwrap(), "--no-history"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap();
    assert!(!outside.status.success(), "{}", text(&outside));
    assert!(text(&outside).contains("no secret `ss_token`"), "{}", text(&outside));
    if kernel_ok {
        let mut c = Command::new(apix);
        base(&mut c);
        let _ = c
            .args(["secret", "delete", "kernel_token"])
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .output();
    }
}
