//! Two processes writing at once, and processes killed with SIGKILL in the middle of writing: nothing committed
//! is lost and the database stays intact. The writers are real OS processes: this test binary re-run as a writer
//! (its `main` sees the writer's environment variables), and the `apix` binary itself for `apix send`.
//!
//! The file has its own `main` (`harness = false` in Cargo.toml) so that the writer is a mode of the binary, not a
//! test that passes by doing nothing.

mod history_common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use apix::core::history::{HistoryStore, Query};
use history_common::entry;

const CHILD_DB: &str = "APIX_HISTORY_TEST_CHILD_DB";
const CHILD_TAG: &str = "APIX_HISTORY_TEST_CHILD_TAG";
const CHILD_COUNT: &str = "APIX_HISTORY_TEST_CHILD_COUNT";
const CHILD_BIG: &str = "APIX_HISTORY_TEST_CHILD_BIG";

/// Random words: compress poorly and fill the full-text index, so that one entry is a long, many-page write.
fn random_words(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 16);
    while out.len() < bytes {
        for _ in 0..fastrand::usize(3..10) {
            out.push(fastrand::alphanumeric() as u8);
        }
        out.push(b' ');
    }
    out
}

/// The writer processes spawned below: this binary started with `CHILD_DB` set.
fn child_writer(db: std::ffi::OsString) {
    let tag = std::env::var(CHILD_TAG).unwrap_or_default();
    let count: u64 = std::env::var(CHILD_COUNT).ok().and_then(|c| c.parse().ok()).unwrap_or(0);
    let big = std::env::var(CHILD_BIG).is_ok_and(|v| v == "1");
    // Made once, so that the child spends its time writing, which is where the kills should land.
    let words = random_words(512 * 1024);
    let mut store = HistoryStore::open(Path::new(&db)).expect("child: open");
    let mut i = 0u64;
    while count == 0 || i < count {
        let body = if big {
            let mut b = format!("entry{i} ").into_bytes();
            b.extend_from_slice(&words);
            b
        } else {
            format!("{{\"writer\":\"{tag}\",\"n\":{i}}}").into_bytes()
        };
        let e = entry("POST", &format!("http://writer.test/{tag}/{i}"), 200, "text/plain", &body);
        println!("begin {i}");
        let id = store.record(&e).expect("child: record");
        // Printed only after the commit returned: every id printed must survive a kill.
        println!("committed {id} {}", body.len());
        i += 1;
    }
}

fn spawn_writer(db: &Path, tag: &str, count: u64, big: bool) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .env(CHILD_DB, db)
        .env(CHILD_TAG, tag)
        .env(CHILD_COUNT, count.to_string())
        .env(CHILD_BIG, if big { "1" } else { "0" })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn writer")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    /// The child is about to write an entry.
    Begin,
    /// The child's write of entry `id` (body of `size` bytes) returned.
    Committed { id: i64, size: usize },
}

/// The child's events, in order, as it prints them.
fn events(child: &mut Child) -> mpsc::Receiver<Event> {
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let mut parts = line.split_whitespace();
            let event = match (
                parts.next(),
                parts.next().and_then(|p| p.parse().ok()),
                parts.next().and_then(|p| p.parse().ok()),
            ) {
                (Some("begin"), _, _) => Event::Begin,
                (Some("committed"), Some(id), Some(size)) => Event::Committed { id, size },
                _ => continue,
            };
            if tx.send(event).is_err() {
                return;
            }
        }
    });
    rx
}

fn committed(events: impl IntoIterator<Item = Event>) -> Vec<(i64, usize)> {
    events
        .into_iter()
        .filter_map(|e| match e {
            Event::Committed { id, size } => Some((id, size)),
            Event::Begin => None,
        })
        .collect()
}

fn check_intact(db: &Path) {
    let s = HistoryStore::open(db).expect("open after the writers");
    assert_eq!(s.integrity_check().expect("integrity"), "ok");
    drop(s);
    let raw = rusqlite::Connection::open(db).expect("raw open");
    raw.execute("INSERT INTO entries_fts(entries_fts) VALUES('integrity-check')", [])
        .expect("full-text index intact");
    let (entries, bodies): (i64, i64) = raw
        .query_row("SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM bodies)", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("counts");
    assert_eq!(entries, bodies, "every entry has its bodies: no half-written entry");
}

fn two_processes_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("history.sqlite3");
    let per_writer = 150;
    let mut writers = [spawn_writer(&db, "a", per_writer, false), spawn_writer(&db, "b", per_writer, false)];
    let receivers: Vec<_> = writers.iter_mut().map(events).collect();
    for w in &mut writers {
        if let Err(stderr) = finish(w) {
            panic!("writer failed: {stderr}");
        }
    }
    let reported: usize = receivers.iter().map(|r| committed(r.iter()).len()).sum();
    assert_eq!(reported, 2 * per_writer as usize);
    check_intact(&db);
    let mut s = HistoryStore::open(&db).expect("open");
    let all = s
        .list(&Query {
            limit: 1000,
            ..Query::default()
        })
        .expect("list");
    assert_eq!(all.len(), 2 * per_writer as usize);
    for tag in ["a", "b"] {
        for i in 0..per_writer {
            let url = format!("http://writer.test/{tag}/{i}");
            assert!(all.iter().any(|e| e.url == url), "{url} is missing");
        }
    }
}

/// Waits for a writer; its stderr, when it failed.
fn finish(child: &mut Child) -> Result<(), String> {
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
    }
    match child.wait() {
        Ok(s) if s.success() => Ok(()),
        _ => Err(stderr),
    }
}

#[cfg(unix)]
fn kill_9_in_the_middle_of_writes_loses_and_corrupts_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("history.sqlite3");
    let mut all: Vec<(i64, usize)> = Vec::new();
    let mut killed_mid_write = 0;
    let rounds = 6;
    for round in 0..rounds {
        let mut child = spawn_writer(&db, &format!("r{round}"), 0, true);
        let rx = events(&mut child);
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = Vec::new();
        while committed(seen.iter().copied()).len() < 3 {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(e) => seen.push(e),
                Err(_) => {
                    let _ = child.kill();
                    panic!("round {round}: the writer did not commit 3 entries in 60 s");
                }
            }
        }
        // Land the kill at a random point of the next write (each takes tens of milliseconds).
        std::thread::sleep(Duration::from_millis(fastrand::u64(2..20)));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        // Events printed just before the kill still count.
        seen.extend(rx.iter());
        if seen.last() == Some(&Event::Begin) {
            killed_mid_write += 1;
        }
        all.extend(committed(seen));

        check_intact(&db);
        let s = HistoryStore::open(&db).expect("open");
        for (id, size) in &all {
            let e = s
                .get(*id)
                .unwrap_or_else(|err| panic!("round {round}: committed entry #{id} lost: {err}"));
            assert_eq!(e.response.as_ref().map(|r| r.body.bytes.len()), Some(*size), "entry #{id} body");
        }
        assert_eq!(
            s.count().expect("count") as usize,
            all.len(),
            "round {round}: no entry beyond the committed ones"
        );
    }
    eprintln!(
        "{killed_mid_write} of {rounds} kills landed inside a write; {} entries committed",
        all.len()
    );
    assert!(killed_mid_write > 0, "no kill landed inside a write in {rounds} rounds");
}

fn two_apix_send_processes_at_once_record_every_send() {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(two_apix_sends());
}

async fn two_apix_sends() {
    let server = apix::server::DemoServer::start(0).expect("demo server");
    let data = tempfile::tempdir().expect("data dir");
    let config = tempfile::tempdir().expect("config dir");
    let per_lane = 8;
    let lanes: Vec<_> = ["left", "right"]
        .into_iter()
        .map(|lane| {
            let (url, data, config) = (server.url(), data.path().to_path_buf(), config.path().to_path_buf());
            tokio::task::spawn_blocking(move || {
                for i in 0..per_lane {
                    let out = Command::new(env!("CARGO_BIN_EXE_apix"))
                        .args(["send", "GET", &format!("{url}/echo?lane={lane}&i={i}")])
                        .env("APIX_DATA_DIR", &data)
                        .env("APIX_CONFIG_DIR", &config)
                        .env("NO_COLOR", "1")
                        .output()
                        .expect("run apix send");
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    assert!(out.status.success(), "apix send failed: {stderr}");
                    assert!(!stderr.contains("not saved to history"), "{stderr}");
                }
            })
        })
        .collect();
    for lane in lanes {
        lane.await.expect("lane");
    }
    let db = data.path().join("history.sqlite3");
    check_intact(&db);
    let mut s = HistoryStore::open(&db).expect("open");
    let all = s
        .list(&Query {
            limit: 100,
            ..Query::default()
        })
        .expect("list");
    assert_eq!(all.len(), 2 * per_lane);
    for lane in ["left", "right"] {
        for i in 0..per_lane {
            let want = format!("/echo?lane={lane}&i={i}");
            let hit = all
                .iter()
                .find(|e| e.url.ends_with(&want))
                .unwrap_or_else(|| panic!("{want} missing"));
            assert_eq!(hit.status, Some(200));
        }
    }
}

fn main() {
    if let Some(db) = std::env::var_os(CHILD_DB) {
        child_writer(db);
        return;
    }
    let tests: [(&str, fn()); 3] = [
        (
            "two_processes_writing_at_once_lose_nothing",
            two_processes_writing_at_once_lose_nothing,
        ),
        (
            "kill_9_in_the_middle_of_writes_loses_and_corrupts_nothing",
            kill_9_in_the_middle_of_writes_loses_and_corrupts_nothing,
        ),
        (
            "two_apix_send_processes_at_once_record_every_send",
            two_apix_send_processes_at_once_record_every_send,
        ),
    ];
    // `cargo test -- NAME` filters as libtest does (by substring); other libtest flags are accepted and ignored.
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let mut failed = Vec::new();
    let mut ran = 0;
    for (name, test) in tests {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        ran += 1;
        println!("test {name} ...");
        if std::panic::catch_unwind(test).is_err() {
            println!("test {name} ... FAILED");
            failed.push(name);
        } else {
            println!("test {name} ... ok");
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        ran - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(101);
    }
}
