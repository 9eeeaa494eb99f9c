//! No secret reaches the history database: canaries sent for real to the demo server are looked for in the raw
//! bytes of the database, its WAL and its shared-memory file, and in every stored field.

mod history_common;

use apix::core::history::{record_send, HistoryConfig, HistoryStore, Query, RecordContext, RecordOutcome};
use apix::server::DemoServer;
use history_common::{load, prepare_and_send, raw_hits, request, temp_tree};

const ENV_TOKEN: &str = "bearer-canary-Hx81qZ";
const ENV_BODY: &str = "body-canary-Rt52vB";
const QUERY_KEY: &str = "query-canary-Kw39pL";
const COOKIE: &str = "cookie-canary-Zp47mN";
const PASSWORD: &str = "password-canary-Lm56cD";
const HEADER_KEY: &str = "header-canary-Qa63sF";
const CANARIES: &[&str] = &[ENV_TOKEN, ENV_BODY, QUERY_KEY, COOKIE, PASSWORD, HEADER_KEY];
/// Sent next to the canaries, not secret: proves the scan looks where the data is.
const VISIBLE: &str = "visible-marker-Jd28";

fn canary_collection() -> tempfile::TempDir {
    temp_tree(&[
        ("collection.toml", "name = \"Canary\"\n"),
        (".env", &format!("CANARY_TOKEN={ENV_TOKEN}\nCANARY_BODY={ENV_BODY}\n")),
        (
            "canary.toml",
            &format!(
                r#"method = "POST"
url = "{{{{base_url}}}}/echo/canary"

[query]
api_key = "{QUERY_KEY}"
visible = "{VISIBLE}"

[headers]
Cookie = "theme=dark; session={COOKIE}"
X-Api-Key = "{HEADER_KEY}"

[auth]
type = "bearer"
token = "{{{{env.CANARY_TOKEN}}}}"

[body]
json = '''{{"user": "ada", "note": "{{{{env.CANARY_BODY}}}}", "password": "{PASSWORD}", "visible": "{VISIBLE}"}}'''
"#
            ),
        ),
    ])
}

fn assert_no_canary(db: &std::path::Path, store: &HistoryStore, id: i64) {
    for c in CANARIES {
        assert_eq!(raw_hits(db, c), Vec::<String>::new(), "canary {c} found in the raw database files");
    }
    let stored = format!("{:?}", store.get(id).expect("entry"));
    for c in CANARIES {
        assert!(!stored.contains(c), "canary {c} found in the stored entry: {stored}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canaries_never_reach_the_database_files() {
    let server = DemoServer::start(0).expect("demo server");
    let coll = canary_collection();
    let c = load(coll.path());
    let def = request(&c, "canary.toml").clone();
    let (prepared, result) = prepare_and_send(&c, &def, &server.url()).await;
    let x = result.expect("send");
    // The echo proves every canary went out on the wire and came back in the response body.
    let echoed = String::from_utf8_lossy(&x.response.body).into_owned();
    for canary in CANARIES {
        assert!(echoed.contains(canary), "{canary} was not sent: {echoed}");
    }

    let data = tempfile::tempdir().expect("data dir");
    let db = data.path().join("history.sqlite3");
    // A second connection stays open so that the WAL is not checkpointed away before the scan.
    let watcher = HistoryStore::open(&db).expect("open");
    let ctx = RecordContext {
        collection_root: Some(&c.root),
        request: Some(&def),
        environment: Some("local"),
        max_body_size: 0,
    };
    let outcome = record_send(&HistoryConfig::default(), &db, &prepared, Ok(&x), &ctx).expect("record");
    let RecordOutcome::Recorded { id, .. } = outcome else {
        panic!("not recorded: {outcome:?}")
    };

    let wal = std::fs::metadata(format!("{}-wal", db.display())).map(|m| m.len()).unwrap_or(0);
    assert!(wal > 0, "the entry should still be in the WAL file");
    assert!(
        !raw_hits(&db, VISIBLE).is_empty(),
        "the visible marker must be found in the raw files"
    );
    assert_no_canary(&db, &watcher, id);

    let e = watcher.get(id).expect("entry");
    assert!(
        e.request.url.contains(VISIBLE) && e.request.url.contains("api_key=••••••"),
        "{}",
        e.request.url
    );
    let auth = e
        .request
        .headers
        .iter()
        .find(|(k, _)| k == "Authorization")
        .map(|(_, v)| v.as_str());
    assert_eq!(auth, Some("Bearer ••••••"));
    let body = String::from_utf8_lossy(&e.request.body.as_ref().expect("request body").bytes).into_owned();
    assert!(body.contains(VISIBLE) && body.contains("\"user\": \"ada\""), "{body}");
    let resp = e.response.as_ref().expect("response");
    assert!(
        String::from_utf8_lossy(&resp.body.bytes).contains(VISIBLE),
        "the response body is stored"
    );
    assert_eq!(e.source.request_path.as_deref(), Some("canary.toml"));
    assert_eq!(e.source.environment.as_deref(), Some("local"));

    // Searching for a canary finds nothing; searching for the marker finds the entry.
    let mut store = HistoryStore::open(&db).expect("open");
    for canary in CANARIES {
        assert!(store.search(canary, 10).expect("search").is_empty(), "{canary} is searchable");
    }
    assert_eq!(store.search(VISIBLE, 10).expect("search").len(), 1);
    drop(watcher);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_send_is_recorded_without_its_secrets() {
    // A port nobody listens on: the send fails with "connection refused".
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let coll = canary_collection();
    let c = load(coll.path());
    let def = request(&c, "canary.toml").clone();
    let (prepared, result) = prepare_and_send(&c, &def, &format!("http://127.0.0.1:{port}")).await;
    let err = result.expect_err("the send must fail");

    let data = tempfile::tempdir().expect("data dir");
    let db = data.path().join("history.sqlite3");
    let watcher = HistoryStore::open(&db).expect("open");
    let ctx = RecordContext {
        collection_root: Some(&c.root),
        request: Some(&def),
        ..RecordContext::default()
    };
    let outcome = record_send(&HistoryConfig::default(), &db, &prepared, Err(&err), &ctx).expect("record");
    let RecordOutcome::Recorded { id, .. } = outcome else {
        panic!("not recorded: {outcome:?}")
    };
    assert_no_canary(&db, &watcher, id);
    let e = watcher.get(id).expect("entry");
    assert!(e.response.is_none());
    assert!(e.error.as_deref().is_some_and(|m| m.contains("refused")), "{:?}", e.error);
}

#[test]
fn opted_out_collections_and_disabled_history_record_nothing() {
    let coll = canary_collection();
    let c = load(coll.path());
    let def = request(&c, "canary.toml").clone();
    let data = tempfile::tempdir().expect("data dir");
    let db = data.path().join("history.sqlite3");
    let text = format!("[history.collections]\n{:?} = false\n", c.root.display().to_string());
    let (config, warnings) = HistoryConfig::parse(&text, "config.toml");
    assert!(warnings.is_empty(), "{warnings:?}");
    let overrides = vec![("base_url".to_string(), "http://127.0.0.1:9".to_string())];
    let ctx = apix::core::http::PrepareContext {
        collection: Some(&c),
        overrides: &overrides,
        ..Default::default()
    };
    let prepared = apix::core::http::prepare(&ctx, &def).expect("prepare");
    let err = apix::core::http::HttpError::Cancelled;
    let rctx = RecordContext {
        collection_root: Some(&c.root),
        request: Some(&def),
        ..RecordContext::default()
    };
    assert_eq!(
        record_send(&config, &db, &prepared, Err(&err), &rctx).expect("record"),
        RecordOutcome::Disabled
    );
    let on = HistoryConfig::default();
    assert_eq!(
        record_send(&on, &db, &prepared, Err(&err), &rctx).expect("record"),
        RecordOutcome::Cancelled
    );
    assert!(!db.exists(), "nothing was written, not even an empty database");
    let refused = apix::core::http::HttpError::Refused {
        host: "127.0.0.1".into(),
        port: 9,
    };
    assert!(matches!(
        record_send(&on, &db, &prepared, Err(&refused), &rctx),
        Ok(RecordOutcome::Recorded { .. })
    ));
    let mut store = HistoryStore::open(&db).expect("open");
    assert_eq!(store.list(&Query::default()).expect("list").len(), 1);
}
