//! Loading a large collection: 5,000 requests in 300 folders (target: first interactive frame <= 150 ms, of which
//! loading is the bulk).

use std::fs;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};

/// Writes a collection of `folders` folders holding `requests` request files in all.
pub fn generate(root: &Path, folders: usize, requests: usize) {
    fs::create_dir_all(root.join("environments")).unwrap();
    fs::write(
        root.join("collection.toml"),
        "name = \"Big\"\n[vars]\nbase_url = \"http://127.0.0.1:1\"\n[headers]\nAccept = \"application/json\"\n",
    )
    .unwrap();
    fs::write(root.join("environments/local.toml"), "user_id = \"1\"\n").unwrap();
    for f in 0..folders {
        let dir = root.join(format!("area-{:02}/folder-{f:03}", f % 20));
        fs::create_dir_all(&dir).unwrap();
        if f.is_multiple_of(3) {
            fs::write(
                dir.join("folder.toml"),
                format!("name = \"Folder {f}\"\n[vars]\nversion = \"v{f}\"\n"),
            )
            .unwrap();
        }
    }
    for r in 0..requests {
        let f = r % folders;
        let dir = root.join(format!("area-{:02}/folder-{f:03}", f % 20));
        let text = format!(
            "# Request {r}\nname = \"Request {r}\"\nmethod = \"{}\"\nurl = \"{{{{base_url}}}}/items/{r}/{{{{user_id}}}}\"\n\n[query]\npage = \"1\"\nfields = \"id,name\"\n\n[headers]\nX-Request-Id = \"{{{{$uuid}}}}\"\nX-Trace = \"{r}\"\n\n[body]\njson = '{{ \"n\": {r} }}'\n",
            ["GET", "POST", "PUT", "DELETE"][r % 4]
        );
        fs::write(dir.join(format!("request-{r:05}.toml")), text).unwrap();
    }
}

fn load_big(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("big");
    generate(&root, 300, 5000);
    let mut g = c.benchmark_group("collection");
    g.sample_size(20);
    g.bench_function("load 5000 requests in 300 folders", |b| {
        b.iter(|| {
            let ws = apix::core::collection::load_workspace(dir.path());
            assert_eq!(ws[0].requests().len(), 5000);
            ws
        })
    });
    g.finish();
}

criterion_group!(benches, load_big);
criterion_main!(benches);
