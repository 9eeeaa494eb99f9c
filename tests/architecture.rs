//! Keeps the layering honest. Between crates the compiler does it (the core's manifest names no terminal, argument
//! parser or web framework, and no crate above it); inside each crate this test does: it computes which file imports
//! which from `use` lines and inline `crate::`/`super::`/`self::` paths (a child module naming an item of its parent
//! counts) and fails on any cycle, but for the few commented in `ALLOWED`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A few cycles are intrinsic to a design; each listed one is explained. At most three, of at most three files.
const ALLOWED: &[&[&str]] = &[];

fn dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let doc: toml_edit::DocumentMut = text.parse().unwrap();
    let mut names = Vec::new();
    let mut collect = |t: &dyn toml_edit::TableLike| names.extend(t.iter().map(|(k, _)| k.to_string()));
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(t) = doc.get(section).and_then(|i| i.as_table_like()) {
            collect(t);
        }
    }
    if let Some(targets) = doc.get("target").and_then(|t| t.as_table_like()) {
        for (_, target) in targets.iter() {
            for section in ["dependencies", "dev-dependencies"] {
                if let Some(t) = target.get(section).and_then(|i| i.as_table_like()) {
                    collect(t);
                }
            }
        }
    }
    names
}

#[test]
fn the_core_knows_no_terminal_no_argument_parser_and_no_server() {
    let core = dependencies(&root().join("crates/core/Cargo.toml"));
    for forbidden in ["ratatui", "crossterm", "clap", "axum", "apix", "apix-demo-server"] {
        assert!(!core.iter().any(|d| d == forbidden), "apix-core depends on {forbidden}");
    }
    let server = dependencies(&root().join("crates/demo-server/Cargo.toml"));
    for forbidden in ["ratatui", "crossterm", "clap", "apix"] {
        assert!(!server.iter().any(|d| d == forbidden), "the demo server depends on {forbidden}");
    }
    assert!(server.iter().any(|d| d == "apix-core"), "the demo server may use the core");
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A crate's modules: module path (`["http", "send"]`) → file.
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap();
        let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let last = parts.pop().unwrap();
        match last.as_str() {
            "lib.rs" | "main.rs" if parts.is_empty() => {
                if last == "main.rs" {
                    continue; // the binary's root is a crate of its own
                }
            }
            "mod.rs" => {}
            other => parts.push(other.trim_end_matches(".rs").to_string()),
        }
        out.insert(parts, f);
    }
    out
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths.
fn expand_use(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_string()];
    };
    let prefix = tree[..open].trim_end_matches("::").trim();
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(expand_use)
        .map(|p| {
            if p == "self" {
                prefix.to_string()
            } else {
                format!("{prefix}::{p}")
            }
        })
        .collect()
}

/// The module a path names, from the module `here`: the longest prefix that is a module of the crate.
fn target(path: &str, here: &[String], mods: &BTreeMap<Vec<String>, PathBuf>, children_of_here: &BTreeSet<String>) -> Option<Vec<String>> {
    let segs: Vec<&str> = path.split("::").map(str::trim).filter(|s| !s.is_empty()).collect();
    let (mut base, rest): (Vec<String>, &[&str]) = match segs.first().copied()? {
        "crate" => (Vec::new(), &segs[1..]),
        "self" => (here.to_vec(), &segs[1..]),
        "super" => {
            let mut b = here.to_vec();
            let mut i = 0;
            while segs.get(i) == Some(&"super") {
                b.pop();
                i += 1;
            }
            (b, &segs[i..])
        }
        first if children_of_here.contains(first) => (here.to_vec(), &segs[..]),
        _ => return None,
    };
    let mut best = mods.contains_key(&base).then(|| base.clone());
    for s in rest {
        base.push(s.to_string());
        if mods.contains_key(&base) {
            best = Some(base.clone());
        }
    }
    best
}

/// Names the crate root gives to other crates (`pub use apix_core as core;`): paths through them leave the crate.
fn external_aliases(src: &Path) -> BTreeSet<String> {
    let root = std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default();
    root.lines()
        .filter_map(|l| l.trim().strip_prefix("pub use ")?.strip_suffix(';').map(str::to_string))
        .filter_map(|u| {
            let (krate, alias) = u.split_once(" as ")?;
            (!krate.contains("::")).then(|| alias.trim().to_string())
        })
        .collect()
}

/// The paths a file names, each with the module it is named from (inline `mod x { … }` blocks, such as a file's
/// tests, are modules of their own: their `super` is the file).
fn named_paths(code: &str, here: &[String]) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    // Inline modules: (name, brace depth at which it opened).
    let mut inline: Vec<(String, i32)> = Vec::new();
    let mut depth = 0i32;
    let mut statement: Option<String> = None;
    for line in code.lines() {
        let t = line.trim_start();
        let scope: Vec<String> = here.iter().cloned().chain(inline.iter().map(|(n, _)| n.clone())).collect();
        // `mod name {` opens an inline module.
        let decl = t.trim_start_matches("pub ").trim_start_matches("pub(crate) ");
        if let Some(rest) = decl.strip_prefix("mod ") {
            if let Some(name) = rest.strip_suffix('{').map(str::trim) {
                inline.push((name.to_string(), depth));
            }
        }
        // `use` statements (possibly over several lines), at the start of a line.
        if statement.is_none() {
            if let Some(b) = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
                .iter()
                .find_map(|p| t.strip_prefix(p))
            {
                statement = Some(b.to_string());
            }
        } else if let Some(st) = statement.as_mut() {
            st.push_str(t);
        }
        if let Some(st) = statement.as_ref().filter(|st| st.contains(';')) {
            let tree = st.split(';').next().unwrap_or_default().to_string();
            out.extend(expand_use(&tree).into_iter().map(|p| (scope.clone(), p)));
            statement = None;
        } else if statement.is_none() {
            // Inline paths: crate::a::b, super::x, self::y.
            for kw in ["crate::", "super::", "self::"] {
                let mut from = 0;
                while let Some(i) = line[from..].find(kw).map(|i| i + from) {
                    let prev = line[..i].chars().last();
                    from = i + kw.len();
                    if prev.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                        continue;
                    }
                    let len = line[i..]
                        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                        .unwrap_or(line.len() - i);
                    out.push((scope.clone(), line[i..i + len].trim_end_matches(':').to_string()));
                }
            }
        }
        for c in line.chars() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if inline.last().is_some_and(|(_, d)| *d == depth) {
                        inline.pop();
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// File → files it imports, inside one crate.
fn graph(src: &Path) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mods = modules(src);
    let external = external_aliases(src);
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (here, file) in &mods {
        let text = std::fs::read_to_string(file).unwrap();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect();
        for (scope, p) in named_paths(&code, here) {
            if p.strip_prefix("crate::")
                .is_some_and(|r| external.contains(r.split("::").next().unwrap_or_default()))
            {
                continue;
            }
            let children: BTreeSet<String> = mods
                .keys()
                .filter(|k| k.len() == scope.len() + 1 && k.starts_with(&scope))
                .map(|k| k.last().cloned().unwrap_or_default())
                .collect();
            if let Some(t) = target(&p, &scope, &mods, &children) {
                let to = &mods[&t];
                if to != file {
                    edges.entry(file.clone()).or_default().insert(to.clone());
                }
            }
        }
    }
    edges
}

/// Strongly connected components with more than one file.
fn cycles(edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    let nodes: Vec<&PathBuf> = edges
        .keys()
        .chain(edges.values().flatten())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index_of: BTreeMap<&PathBuf, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let adj: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| edges.get(*n).map(|s| s.iter().map(|t| index_of[t]).collect()).unwrap_or_default())
        .collect();
    // Kosaraju: order by finish time, then walk the reversed graph.
    let n = nodes.len();
    let mut seen = vec![false; n];
    let mut order = Vec::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        let mut stack = vec![(s, 0usize)];
        seen[s] = true;
        while let Some((v, i)) = stack.pop() {
            if let Some(&w) = adj[v].get(i) {
                stack.push((v, i + 1));
                if !seen[w] {
                    seen[w] = true;
                    stack.push((w, 0));
                }
            } else {
                order.push(v);
            }
        }
    }
    let mut rev = vec![Vec::new(); n];
    for (v, ws) in adj.iter().enumerate() {
        for &w in ws {
            rev[w].push(v);
        }
    }
    let mut comp = vec![usize::MAX; n];
    let mut out = Vec::new();
    for &s in order.iter().rev() {
        if comp[s] != usize::MAX {
            continue;
        }
        let mut members = Vec::new();
        let mut stack = vec![s];
        comp[s] = s;
        while let Some(v) = stack.pop() {
            members.push(nodes[v].clone());
            for &w in &rev[v] {
                if comp[w] == usize::MAX {
                    comp[w] = s;
                    stack.push(w);
                }
            }
        }
        if members.len() > 1 {
            members.sort();
            out.push(members);
        }
    }
    out
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    assert!(ALLOWED.len() <= 3 && ALLOWED.iter().all(|c| c.len() <= 3));
    let mut report = Vec::new();
    for src in ["crates/core/src", "crates/demo-server/src", "src"] {
        let base = root().join(src);
        for cycle in cycles(&graph(&base)) {
            let names: Vec<String> = cycle
                .iter()
                .map(|p| p.strip_prefix(root()).unwrap().display().to_string())
                .collect();
            let allowed = ALLOWED.iter().any(|a| {
                let mut a: Vec<&str> = a.to_vec();
                a.sort();
                a == names.iter().map(String::as_str).collect::<Vec<_>>()
            });
            if !allowed {
                report.push(names.join(" ⇄ "));
            }
        }
    }
    assert!(report.is_empty(), "{} import cycle(s):\n{}", report.len(), report.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_its_use_trees() {
    assert_eq!(
        expand_use("crate::a::{b, c::{d, e as f}, self}"),
        ["crate::a::b", "crate::a::c::d", "crate::a::c::e", "crate::a"]
    );
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("m")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod m;\nmod z;\n").unwrap();
    std::fs::write(src.join("m/mod.rs"), "mod a;\nmod b;\npub use a::A;\npub struct P;\n").unwrap();
    std::fs::write(src.join("m/a.rs"), "use super::b::B;\npub struct A;\n").unwrap();
    // b names an item of its parent, which re-exports a, which imports b: a cycle of three.
    std::fs::write(src.join("m/b.rs"), "pub struct B(super::P);\n").unwrap();
    std::fs::write(src.join("z.rs"), "use crate::m::{a::A, b};\n").unwrap();
    let found = cycles(&graph(src));
    assert_eq!(found.len(), 1, "{found:?}");
    let names: Vec<String> = found[0]
        .iter()
        .map(|p| p.strip_prefix(src).unwrap().display().to_string())
        .collect();
    assert_eq!(names, ["m/a.rs", "m/b.rs", "m/mod.rs"]);
}

/// The TUI's router stays a router: `App` holds the workspace, focus, the panes' state and the shared Shell (at
/// most ~10 fields), and every `impl App` block is in `src/tui/app/mod.rs`; behaviour lives in the panes'
/// components (`Responses`, `OpenRequest`, `TreeState`, `HistoryState`, `AuthState`, the dialogs), which take the
/// Shell and what they read as arguments.
#[test]
fn the_app_is_a_router_with_few_fields_and_one_impl_block() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let home = src.join("tui/app/mod.rs");
    let mut elsewhere = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let blocks = text
            .lines()
            .filter(|l| {
                let l = l.trim_start();
                l.starts_with("impl App {") || l.starts_with("impl App{") || l.starts_with("impl<") && l.contains(" App ")
            })
            .count();
        if blocks > 0 && f != &home {
            elsewhere.push(f.strip_prefix(root()).unwrap_or(f).display().to_string());
        }
    }
    assert!(elsewhere.is_empty(), "impl App outside src/tui/app/mod.rs: {elsewhere:?}");

    let text = std::fs::read_to_string(&home).unwrap();
    let start = text.find("pub struct App {").expect("the App struct is defined in app/mod.rs");
    let body = &text[start..start + text[start..].find("\n}\n").unwrap()];
    let fields = body
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && l.contains(':'))
        .count();
    assert!(fields <= 10, "App has {fields} fields; keep pane state in the panes' components");
}
