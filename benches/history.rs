//! History list and search latency at 100,000 entries: `cargo bench --bench history`.
//!
//! The database is built once per run in a temp dir (realistic entries: 200 requests over 4 collections, JSON
//! bodies of about 1 KB, ten headers each), then each query is measured on it. Target: under 50 ms each.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use apix::core::history::{HistoryStore, NewEntry, Query, RequestRef, StoredBody, StoredRequest, StoredResponse, StoredTimings};
use criterion::{criterion_group, criterion_main, Criterion};

const ENTRIES: usize = 100_000;
const REQUESTS: usize = 200;
/// One entry in this many carries the rare word.
const RARE_EVERY: usize = 10_000;

const WORDS: &[&str] = &[
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "xray",
    "yankee",
    "zulu",
    "invoice",
    "customer",
    "pending",
    "settled",
    "refund",
    "shipment",
    "warehouse",
    "basel",
    "zurich",
    "geneva",
    "order",
    "cart",
    "session",
    "profile",
];

fn request_ref(r: usize) -> RequestRef {
    RequestRef {
        collection: PathBuf::from(format!("/home/dev/apis/collection-{}", r % 4)),
        path: format!("folder-{}/request-{r}.toml", r % 10),
        fingerprint: Some(format!("{r:016x}")),
    }
}

fn body(i: usize) -> Vec<u8> {
    let w = |k: usize| WORDS[(i.wrapping_mul(2_654_435_761) >> k) % WORDS.len()];
    let mut items = Vec::new();
    for n in 0..6 {
        items.push(format!(
            r#"{{"id":{},"status":"{}","note":"{} {} {}","amount":{}.{:02},"email":"user{}@example.com"}}"#,
            i * 10 + n,
            w(n),
            w(n + 3),
            w(n + 7),
            w(n + 11),
            (i * 7 + n) % 10_000,
            n * 13 % 100,
            (i + n) % 5000
        ));
    }
    let rare = if i.is_multiple_of(RARE_EVERY) { ",\"flag\":\"quasar\"" } else { "" };
    format!(r#"{{"page":{},"data":[{}]{rare}}}"#, i % 50, items.join(",")).into_bytes()
}

fn make_entry(i: usize) -> NewEntry {
    let r = i % REQUESTS;
    let rr = request_ref(r);
    let url = format!("https://api{}.example.com/v1/resource-{r}/items?page={}", r % 4, i % 50);
    let body = body(i);
    let mut headers: Vec<(String, String)> = vec![
        ("content-type".into(), "application/json".into()),
        ("date".into(), format!("Mon, 01 Jan 2024 00:{:02}:{:02} GMT", i / 60 % 60, i % 60)),
        ("etag".into(), format!("\"{i:032x}\"")),
        ("x-request-id".into(), format!("req-{i:08}")),
        ("cache-control".into(), "private, max-age=60".into()),
    ];
    headers.extend((0..5).map(|k| (format!("x-meta-{k}"), WORDS[(i + k) % WORDS.len()].to_string())));
    NewEntry {
        created_ms: 1_700_000_000_000 + i as i64 * 1000,
        source: apix::core::history::Source {
            collection: Some(rr.collection.display().to_string()),
            request_path: Some(rr.path.clone()),
            fingerprint: rr.fingerprint.clone(),
            request_name: Some(format!("Request {r}")),
            environment: Some("staging".into()),
        },
        request: StoredRequest {
            method: "GET".into(),
            url: url.clone(),
            headers: vec![
                ("Accept".into(), "application/json".into()),
                ("Authorization".into(), "Bearer ••••••".into()),
            ],
            body_kind: "none".into(),
            body: None,
            body_note: None,
        },
        response: Some(StoredResponse {
            status: if i.is_multiple_of(17) { 404 } else { 200 },
            reason: "OK".into(),
            version: "HTTP/1.1".into(),
            headers,
            body: StoredBody {
                size: body.len() as u64,
                bytes: body,
                truncated: false,
            },
            content_type: Some("application/json".into()),
            final_url: url,
            ..StoredResponse::default()
        }),
        error: None,
        timings: StoredTimings {
            total_us: 20_000 + (i % 5000) as u64,
            ..StoredTimings::default()
        },
    }
}

fn build(path: &std::path::Path) -> HistoryStore {
    let started = Instant::now();
    let mut store = HistoryStore::open(path).expect("open");
    for chunk in (0..ENTRIES).collect::<Vec<_>>().chunks(2000) {
        let batch: Vec<NewEntry> = chunk.iter().map(|i| make_entry(*i)).collect();
        store.record_batch(&batch).expect("record");
    }
    let size: u64 = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum();
    eprintln!(
        "history bench: built {ENTRIES} entries in {:.1} s, {:.0} MB on disk",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );
    store
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = build(&dir.path().join("history.sqlite3"));
    let one_request = request_ref(42);

    let mut g = c.benchmark_group("history_100k");
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("list newest 50", |b| {
        b.iter(|| {
            black_box(
                store
                    .list(&Query {
                        limit: 50,
                        ..Query::default()
                    })
                    .expect("list"),
            )
        })
    });
    g.bench_function("list one request, newest 50", |b| {
        b.iter(|| {
            let q = Query {
                request: Some(one_request.clone()),
                limit: 50,
                ..Query::default()
            };
            black_box(store.list(&q).expect("list"))
        })
    });
    g.bench_function("list page 1000 back (before id)", |b| {
        b.iter(|| {
            let q = Query {
                limit: 50,
                before: Some(50_000),
                ..Query::default()
            };
            black_box(store.list(&q).expect("list"))
        })
    });
    g.bench_function("search rare word (10 hits)", |b| {
        b.iter(|| black_box(store.search("quasar", 50).expect("search")))
    });
    g.bench_function("search common word (every entry)", |b| {
        b.iter(|| black_box(store.search("example", 50).expect("search")))
    });
    g.bench_function("search two words", |b| {
        b.iter(|| black_box(store.search("zurich settled", 50).expect("search")))
    });
    g.bench_function("search URL fragment", |b| {
        b.iter(|| black_box(store.search("resource-42/items", 50).expect("search")))
    });
    g.bench_function("search within one request", |b| {
        b.iter(|| {
            let q = Query {
                request: Some(one_request.clone()),
                search: Some("invoice".into()),
                limit: 50,
                ..Query::default()
            };
            black_box(store.list(&q).expect("search"))
        })
    });
    g.bench_function("get one entry", |b| b.iter(|| black_box(store.get(73_421).expect("get"))));
    g.finish();
    // Sanity: the queries above return what they claim.
    assert_eq!(store.search("quasar", 50).expect("search").len(), ENTRIES / RARE_EVERY);
    assert_eq!(store.search("example", 50).expect("search").len(), 50);
}

criterion_group!(history, benches);
criterion_main!(history);
