//! Benchmarks for response formatting: `cargo bench --bench format`.
//!
//! The re-indenter must keep up with 100 MB bodies (target > 150 MB/s on minified input);
//! tokenizing and highlighting are per visible window and must stay well under a frame.

use std::hint::black_box;
use std::time::Duration;

use apix::core::format::{json_error_position, reindent, tokenize_json_line, BodyKind, HighlightCache, Reindenter, DEFAULT_THEME};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const TARGET_BYTES: usize = 20 * 1024 * 1024;

/// One realistic API record (~400 bytes minified) with escapes, unicode and nesting.
fn record(i: usize, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(
        out,
        r#"{{"id":{i},"uuid":"5f1c{i:08x}-9a2b-4c3d-8e4f-{i:012x}","name":"User {i}","email":"user{i}@example.com","active":{},"score":{}.{:03},"balance":-{}e-2,"tags":["alpha","beta","gamma"],"address":{{"street":"{} Main St","city":"Zürich","zip":"80{:02}","geo":[47.3769,8.5417]}},"bio":"Likes \"quotes\", back\\slashes,\ttabs and 日本語 ✓","manager":null,"roles":[],"meta":{{}}}}"#,
        !i.is_multiple_of(3),
        i % 100,
        i % 1000,
        i * 7,
        i % 500,
        i % 100,
    );
}

/// A minified JSON array of records of at least `target` bytes.
fn minified_json(target: usize) -> Vec<u8> {
    let mut s = String::with_capacity(target + 1024);
    s.push('[');
    let mut i = 0;
    while s.len() < target {
        if i > 0 {
            s.push(',');
        }
        record(i, &mut s);
        i += 1;
    }
    s.push(']');
    s.into_bytes()
}

fn yaml_lines(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| match i % 6 {
            0 => format!("- id: {i}"),
            1 => format!("  name: \"User {i}\"  # display name"),
            2 => "  tags: [alpha, beta, 'gamma']".to_string(),
            3 => "  description: |".to_string(),
            4 => format!("    Multi-line text for entry {i}, with: colons"),
            _ => format!("  score: {}.5", i % 97),
        })
        .collect()
}

fn bench_reindent(c: &mut Criterion) {
    let minified = minified_json(TARGET_BYTES);
    // Scale the record count so the pretty document is also ~20 MB.
    let sample = minified_json(1024 * 1024);
    let ratio = reindent(&sample, 2).map_or(1.5, |p| p.len() as f64 / sample.len() as f64);
    let pretty = reindent(&minified_json((TARGET_BYTES as f64 / ratio) as usize), 2).unwrap_or_default();
    assert!(!pretty.is_empty(), "generated JSON must be valid");

    let mut group = c.benchmark_group("reindent");
    for (name, input) in [("minified_20MB", &minified), ("pretty_20MB", &pretty)] {
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(name, |b| b.iter(|| reindent(black_box(input), 2).map(|o| o.len())));
    }
    group.throughput(Throughput::Bytes(minified.len() as u64));
    group.bench_function("minified_20MB_in_64KiB_chunks", |b| {
        let mut out = Vec::with_capacity(minified.len() * 2);
        b.iter(|| {
            out.clear();
            let mut r = Reindenter::new(2);
            for chunk in minified.chunks(64 * 1024) {
                r.feed(black_box(chunk), &mut out)?;
            }
            r.finish(&mut out).map(|()| out.len())
        })
    });
    group.bench_function("validate_only_minified_20MB", |b| {
        b.iter(|| json_error_position(black_box(&minified)))
    });
    group.finish();
}

fn bench_tokenize(c: &mut Criterion) {
    let pretty = reindent(&minified_json(256 * 1024), 2).unwrap_or_default();
    let text = String::from_utf8(pretty).unwrap_or_default();
    let window: Vec<&str> = text.lines().skip(1000).take(60).collect();
    let bytes: usize = window.iter().map(|l| l.len()).sum();
    let mut group = c.benchmark_group("tokenize_json_line");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("60_line_window", |b| {
        b.iter(|| window.iter().map(|line| tokenize_json_line(black_box(line)).len()).sum::<usize>())
    });
    group.finish();
}

fn bench_highlight(c: &mut Criterion) {
    let lines = yaml_lines(12_000);
    let get = |i: usize| lines.get(i).cloned();
    let mut group = c.benchmark_group("highlight_yaml");
    let mut warm = HighlightCache::new(&BodyKind::Yaml, DEFAULT_THEME);
    black_box(warm.window(&get, 10_000, 60));
    // Resuming from the checkpoint at line 9,984 (set_theme drops the per-line memo).
    group.bench_function("window_60_at_10000_from_checkpoint", |b| {
        b.iter(|| {
            warm.set_theme(DEFAULT_THEME);
            warm.window(&get, black_box(10_000), 60).len()
        })
    });
    // Redrawing the same window, and scrolling by one line, reuse the per-line memo.
    group.bench_function("window_60_at_10000_redraw", |b| {
        b.iter(|| warm.window(&get, black_box(10_000), 60).len())
    });
    let mut offset = 0;
    group.bench_function("window_60_scroll_by_one_line", |b| {
        b.iter(|| {
            // Each step reveals one line never highlighted before (the memo is dropped on wrap).
            offset = (offset + 1) % 1_500;
            if offset == 0 {
                warm.set_theme(DEFAULT_THEME);
            }
            warm.window(&get, black_box(offset), 60).len()
        })
    });
    group.bench_function("window_60_at_10000_cold", |b| {
        b.iter(|| {
            let mut cold = HighlightCache::new(&BodyKind::Yaml, DEFAULT_THEME);
            cold.window(&get, black_box(10_000), 60).len()
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_reindent, bench_tokenize, bench_highlight
}
criterion_main!(benches);
