//! A session set up for a run of many sends (`Session::for_run`, for `apix run` and evaluations): connections are
//! kept alive between requests to one host (counted on a real loopback server), per-send timing stays the send's
//! own and says when a connection was reused, and a command secret runs once for the whole run. A plain session
//! (the TUI, `apix send`) opens a connection per send and looks secrets up each time.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use apix::core::collection::{load_collection, Collection};
use apix::core::pipeline::{Hooks, Mode, Session, Target};
use apix::core::template::trust::TrustStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// An HTTP/1.1 server on loopback that keeps connections alive and counts how many it accepted.
async fn keep_alive_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = sock.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    // GET requests only: each ends at the blank line.
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        buf.drain(..end + 4);
                        let reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n{\"ok\":true}";
                        if sock.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, accepted)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A collection whose request carries `{{cmd.token}}`; the command appends a line to `counter` each time it runs.
fn collection(dir: &Path, base: &str) -> Collection {
    let root = dir.join("api");
    let counter = dir.join("counter");
    let command = format!("echo run >> {} && printf run-token", counter.display());
    write(
        &root.join("collection.toml"),
        &format!("name = \"api\"\n[vars]\nbase_url = \"{base}\"\n[commands]\ntoken = \"{command}\"\n"),
    );
    write(
        &root.join("get.toml"),
        "url = \"{{base_url}}/items\"\n[headers]\nX-Token = \"{{cmd.token}}\"\n",
    );
    load_collection(&root)
}

async fn send_three(session: &Session, c: &Collection) -> Vec<apix::core::http::Exchange> {
    let def = c.find_request(&c.root.join("get.toml")).unwrap();
    let target = Target {
        collection: Some(c),
        environment: None,
        overrides: &[],
        def,
    };
    let mut out = Vec::new();
    for _ in 0..3 {
        // The process-wide memo of command outputs is forgotten each time: only the run's own cache may help.
        apix::core::template::sources::forget_command_outputs();
        let ready = session.prepare(&target, Mode::Send, &mut |_| Some(true)).unwrap();
        let sent = session
            .send(
                ready,
                Hooks {
                    cancel: Default::default(),
                    progress: None,
                    sink: None,
                },
            )
            .await;
        // The token went out (the exchange's record masks it).
        let token = sent.prepared.headers.iter().find(|(n, _)| n == "X-Token").map(|(_, v)| v.clone());
        assert_eq!(token.as_deref(), Some("run-token"));
        let x = sent.result.unwrap();
        assert_eq!(x.response.status, 200);
        out.push(x);
    }
    out
}

fn plain_session(dir: &Path) -> Session {
    let mut s = Session::default();
    s.cookie_dir = None;
    s.trust = TrustStore {
        path: dir.join("trust.json"),
    };
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_keeps_connections_alive_and_looks_secrets_up_once() {
    let dir = tempfile::tempdir().unwrap();
    let (url, accepted) = keep_alive_server().await;
    let c = collection(dir.path(), &url);
    let counter = dir.path().join("counter");

    let run = plain_session(dir.path()).for_run();
    let sent = send_three(&run, &c).await;
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "three sends of a run over one kept-alive connection"
    );
    assert!(
        sent[0].response.timings.connect.is_some(),
        "the first send connected: {:?}",
        sent[0].response.timings
    );
    for later in &sent[1..] {
        assert!(later.response.timings.connect.is_none(), "{:?}", later.response.timings);
        assert!(
            later.response.timings.notes.iter().any(|n| n.contains("connection reused")),
            "a reused connection is said: {:?}",
            later.response.timings.notes
        );
        assert!(later.response.timings.total < std::time::Duration::from_secs(5));
    }
    let runs = std::fs::read_to_string(&counter).unwrap();
    assert_eq!(runs.lines().count(), 1, "the command ran once for the run: {runs:?}");
    assert_eq!(run.secrets.as_ref().map(|s| s.len()), Some(1));
    assert_eq!(run.pool.as_ref().map(|p| p.clients()), Some(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_session_connects_per_send_and_looks_secrets_up_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let (url, accepted) = keep_alive_server().await;
    let c = collection(dir.path(), &url);
    let counter = dir.path().join("counter");

    let single = plain_session(dir.path());
    let sent = send_three(&single, &c).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 3, "each send its own connection, its own timings");
    for x in &sent {
        assert!(x.response.timings.connect.is_some(), "{:?}", x.response.timings);
        assert!(
            !x.response.timings.notes.iter().any(|n| n.contains("reused")),
            "{:?}",
            x.response.timings.notes
        );
    }
    let runs = std::fs::read_to_string(&counter).unwrap();
    assert_eq!(runs.lines().count(), 3, "{runs:?}");
}
