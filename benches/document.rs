//! The response viewer's hot paths on a 20 MB JSON body (pretty and minified):
//! - first screen: re-indent just the head and tokenize 60 lines (target <= 50 ms after the last byte);
//! - whole document formatted and indexed in the background (target <= 400 ms);
//! - a scroll or jump: read a 60-line window anywhere and tokenize it (target <= 2 ms a frame).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use apix::core::format::document::{json_document, json_first_screen, SpillPolicy};
use apix::core::format::tokenize_json_line;
use apix::server::LargeDoc;

fn body(size: u64, pretty: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(size as usize);
    for chunk in LargeDoc::plan(size, pretty).chunks() {
        out.extend_from_slice(&chunk);
    }
    out
}

fn viewer(c: &mut Criterion) {
    let mut g = c.benchmark_group("viewer 20MB");
    g.sample_size(10);
    for (shape, pretty) in [("pretty", true), ("minified", false)] {
        let b = body(20_000_000, pretty);
        g.throughput(Throughput::Bytes(b.len() as u64));
        g.bench_with_input(BenchmarkId::new("first screen (60 lines, tokenized)", shape), &b, |bench, b| {
            bench.iter(|| {
                let lines = json_first_screen(b, 60);
                lines.iter().map(|l| tokenize_json_line(l).len()).sum::<usize>()
            })
        });
        g.bench_with_input(BenchmarkId::new("format and index whole document", shape), &b, |bench, b| {
            bench.iter(|| json_document(b, &SpillPolicy::in_memory()).map(|d| d.line_count()).unwrap_or(0))
        });
        let doc = json_document(&b, &SpillPolicy::in_memory()).expect("valid JSON");
        let total = doc.line_count();
        g.throughput(Throughput::Elements(60));
        g.bench_function(BenchmarkId::new("jump to a window (60 lines, tokenized)", shape), |bench| {
            let mut i = 0usize;
            bench.iter(|| {
                // Spread jumps over the document: start, middle, near the end.
                i = (i + 7_919_993) % total.saturating_sub(60).max(1);
                doc.lines(i, 60).iter().map(|l| tokenize_json_line(l).len()).sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, viewer);
criterion_main!(benches);
