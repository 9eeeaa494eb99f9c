//! Everything wrong with a collection that `apix check` reports and the TUI marks: what loading found, placeholders
//! that do not parse, variables defined nowhere, unknown dynamic values, variables that use each other in a cycle or
//! too deep, credentials written literally, and `order` entries that name no file.
//!
//! Linear in the size of the collection: variable chains are walked once (strongly connected components), and
//! positions come from one line index per file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::collection::diag::LineIndex;
use crate::collection::load::{COLLECTION_FILE, FOLDER_FILE};
use crate::collection::{Collection, Diagnostic, Environment, Folder, KeyValue, Node};
use crate::http::prepare::request_fields;
use crate::template::{parse, references, resolve::MAX_DEPTH};

const DYNAMIC: &[&str] = &["uuid", "timestamp", "isoTimestamp", "randomInt", "demo"];

/// Every problem in `c`, loading's own first.
pub fn check(c: &Collection) -> Vec<Diagnostic> {
    let mut files = Files::default();
    let mut out = c.diagnostics.clone();
    out.extend(syntax_errors(c, &mut files));
    out.extend(undefined_variables_in(c, &mut files));
    out.extend(variable_problems_in(c, &mut files));
    out.extend(crate::auth::literal::find(c));
    out.extend(order_problems(c, &mut files));
    out
}

/// File texts and their line indexes, read once.
#[derive(Default)]
struct Files {
    cache: HashMap<PathBuf, (String, LineIndex)>,
}

impl Files {
    /// The (line, col) of the first `needle` in `path`, or (0, 0).
    fn position(&mut self, path: &Path, needle: &str) -> (usize, usize) {
        self.position_any(path, &[needle])
    }

    fn position_any(&mut self, path: &Path, needles: &[&str]) -> (usize, usize) {
        let (src, index) = self.cache.entry(path.to_path_buf()).or_insert_with(|| {
            let src = crate::collection::load::read_limited(path).unwrap_or_default();
            let index = LineIndex::new(&src);
            (src, index)
        });
        needles
            .iter()
            .find_map(|n| src.find(n))
            .map(|off| index.line_col(src, off))
            .unwrap_or((0, 0))
    }
}

fn defaults_file(f: &Folder) -> PathBuf {
    if f.path.join(COLLECTION_FILE).is_file() {
        f.path.join(COLLECTION_FILE)
    } else {
        f.path.join(FOLDER_FILE)
    }
}

/// Every templated text of the collection: (file, field, text).
fn templated_texts(c: &Collection) -> Vec<(PathBuf, String, String)> {
    let mut texts = Vec::new();
    for r in c.requests() {
        for (field, text) in request_fields(r) {
            texts.push((r.path.clone(), field, text));
        }
    }
    fn walk(f: &Folder, out: &mut Vec<(PathBuf, String, String)>) {
        let file = defaults_file(f);
        for v in &f.defaults.vars {
            out.push((file.clone(), format!("variable {}", v.name), v.value.clone()));
        }
        for h in &f.defaults.headers {
            out.push((file.clone(), format!("header {}", h.name), h.value.clone()));
        }
        for (field, text) in f.defaults.auth.fields() {
            out.push((file.clone(), field.to_string(), text));
        }
        for child in &f.children {
            if let Node::Folder(sub) = child {
                walk(sub, out);
            }
        }
    }
    walk(&c.tree, &mut texts);
    for e in &c.environments {
        for v in &e.vars {
            texts.push((e.path.clone(), format!("variable {}", v.name), v.value.clone()));
        }
    }
    texts
}

/// Placeholders that do not parse (`{{ }}`, an unclosed `{{a`): `send` would refuse them, so `check` does too.
fn syntax_errors(c: &Collection, files: &mut Files) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, field, text) in templated_texts(c) {
        if let Err(e) = parse(&text) {
            let at = &text[e.offset..];
            let snippet: String = at.chars().take(24).collect();
            let (line, col) = files.position(&file, &text);
            // The placeholder's own column when the value is on one line as written.
            let pos = match (line, text[..e.offset].contains('\n')) {
                (0, _) | (_, true) => files.position(&file, &snippet),
                _ => (line, col + text[..e.offset].chars().count()),
            };
            out.push(
                Diagnostic::error(&file, pos, format!("{} (in {field})", e.message))
                    .with_hint("placeholders look like {{name}}; close every `{{` with `}}`"),
            );
        }
    }
    out
}

/// Variables used by requests but defined nowhere (no environment, folder or the collection defines them).
pub fn undefined_variables(c: &Collection) -> Vec<Diagnostic> {
    undefined_variables_in(c, &mut Files::default())
}

fn undefined_variables_in(c: &Collection, files: &mut Files) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let env_names: std::collections::HashSet<&str> = c.environments.iter().flat_map(|e| e.vars.iter().map(|v| v.name.as_str())).collect();
    for r in c.requests() {
        let chain = c.folder_chain(&r.path);
        let defined =
            |name: &str| env_names.contains(name) || chain.iter().any(|f: &&Folder| f.defaults.vars.iter().any(|v| v.name == name));
        let fields = request_fields(r);
        let mut seen: Vec<String> = Vec::new();
        for (field, text) in &fields {
            for name in references(text) {
                if seen.iter().any(|s| s == name) {
                    continue;
                }
                if let Some(cmd) = name.strip_prefix("cmd.").filter(|n| c.command(n).is_none()) {
                    seen.push(name.to_string());
                    out.push(
                        Diagnostic::warning(
                            &r.path,
                            files.position(&r.path, name),
                            format!("`{{{{cmd.{cmd}}}}}` (in {field}) has no command in [commands] of collection.toml"),
                        )
                        .with_hint(format!("add `{cmd} = \"...\"` under [commands] in collection.toml")),
                    );
                    continue;
                }
                if name.starts_with('$') || name.contains('.') || defined(name) {
                    continue;
                }
                seen.push(name.to_string());
                let pos = files.position_any(&r.path, &[&format!("{{{{{name}"), name]);
                // Name every field of this request that uses it, not just the first.
                let mut used: Vec<&str> = fields
                    .iter()
                    .filter(|(_, t)| references(t).contains(&name))
                    .map(|(f, _)| f.as_str())
                    .collect();
                used.dedup();
                out.push(
                    Diagnostic::warning(&r.path, pos, format!("variable `{name}` (in {}) is not defined in any environment, folder or the collection", used.join(", ")))
                        .with_hint(format!("add `{name} = \"...\"` to an environment file or to [vars] in collection.toml, or pass --var {name}=VALUE when sending")),
                );
            }
        }
    }
    out
}

/// Problems `send` would hit whatever the environment: unknown `{{$dynamic}}` values, and variables that refer to
/// each other in a cycle or more than [`MAX_DEPTH`] deep (checked for each environment, and with none).
pub fn variable_problems(c: &Collection) -> Vec<Diagnostic> {
    variable_problems_in(c, &mut Files::default())
}

fn variable_problems_in(c: &Collection, files: &mut Files) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen_dynamic: Vec<(PathBuf, String)> = Vec::new();
    for (file, field, text) in templated_texts(c) {
        for name in references(&text) {
            if let Some(d) = name.strip_prefix('$') {
                if !DYNAMIC.contains(&d) && !seen_dynamic.iter().any(|(f, n)| *f == file && n == d) {
                    seen_dynamic.push((file.clone(), d.to_string()));
                    out.push(
                        Diagnostic::error(
                            &file,
                            files.position(&file, &format!("${d}")),
                            format!("unknown dynamic value `${d}` (in {field})"),
                        )
                        .with_hint("available: $uuid, $timestamp, $isoTimestamp, $randomInt, $demo"),
                    );
                }
            }
        }
    }
    let mut shared: Vec<(PathBuf, &KeyValue)> = Vec::new();
    fn folder_vars<'a>(f: &'a Folder, out: &mut Vec<(PathBuf, &'a KeyValue)>) {
        let file = defaults_file(f);
        out.extend(f.defaults.vars.iter().map(|v| (file.clone(), v)));
        for child in &f.children {
            if let Node::Folder(sub) = child {
                folder_vars(sub, out);
            }
        }
    }
    folder_vars(&c.tree, &mut shared);
    let mut reported: Vec<Vec<String>> = Vec::new();
    let views: Vec<Option<&Environment>> = std::iter::once(None).chain(c.environments.iter().map(Some)).collect();
    for env in views {
        let mut defs: Vec<(String, String, PathBuf)> = shared.iter().map(|(f, v)| (v.name.clone(), v.value.clone(), f.clone())).collect();
        if let Some(e) = env {
            let names: std::collections::HashSet<&str> = e.vars.iter().map(|v| v.name.as_str()).collect();
            defs.retain(|(n, _, _)| !names.contains(n.as_str()));
            defs.extend(e.vars.iter().map(|v| (v.name.clone(), v.value.clone(), e.path.clone())));
        }
        let graph = Graph::new(&defs);
        let where_ = env.map(|e| format!(" with environment `{}`", e.name)).unwrap_or_default();
        for cycle in graph.cycles() {
            let mut key = cycle.clone();
            key.sort();
            if reported.contains(&key) {
                continue;
            }
            reported.push(key);
            let start = &cycle[0];
            let file = graph.file_of(start);
            let mut shown = cycle.clone();
            shown.push(start.clone());
            out.push(
                Diagnostic::error(
                    file,
                    files.position(file, &format!("{start} =")),
                    format!(
                        "variables refer to each other in a cycle{where_}: {}",
                        crate::template::error::chain_text(&shown)
                    ),
                )
                .with_hint("a variable cannot depend on itself; give one of them a plain value"),
            );
        }
        if let Some(chain) = graph.too_deep() {
            let mut key = vec![format!("deep:{}", chain[0])];
            key.sort();
            if !reported.contains(&key) {
                reported.push(key);
                let file = graph.file_of(&chain[0]);
                out.push(
                    Diagnostic::error(
                        file,
                        files.position(file, &format!("{} =", chain[0])),
                        format!(
                            "variables use each other more than {MAX_DEPTH} levels deep{where_}: {}",
                            crate::template::error::chain_text(&chain)
                        ),
                    )
                    .with_hint("give a variable in the middle of the chain a plain value"),
                );
            }
        }
    }
    out
}

/// Plain variables and the plain variables their values use.
struct Graph<'a> {
    names: Vec<&'a str>,
    files: Vec<&'a Path>,
    edges: Vec<Vec<usize>>,
}

impl<'a> Graph<'a> {
    fn new(defs: &'a [(String, String, PathBuf)]) -> Graph<'a> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut names = Vec::new();
        let mut files = Vec::new();
        for (n, _, f) in defs {
            if !index.contains_key(n.as_str()) {
                index.insert(n, names.len());
                names.push(n.as_str());
                files.push(f.as_path());
            }
        }
        let mut edges = vec![Vec::new(); names.len()];
        for (n, v, _) in defs {
            let from = index[n.as_str()];
            for r in references(v) {
                if let Some(&to) = index.get(r) {
                    if !edges[from].contains(&to) {
                        edges[from].push(to);
                    }
                }
            }
        }
        Graph { names, files, edges }
    }

    fn file_of(&self, name: &str) -> &'a Path {
        self.names
            .iter()
            .position(|n| *n == name)
            .map(|i| self.files[i])
            .unwrap_or(Path::new(""))
    }

    /// Strongly connected components with more than one member, or one that uses itself (Tarjan, iterative).
    fn cycles(&self) -> Vec<Vec<String>> {
        let n = self.names.len();
        let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
        let mut stack = Vec::new();
        let mut next = 0;
        let mut out = Vec::new();
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            let mut work: Vec<(usize, usize)> = vec![(root, 0)];
            while let Some(&mut (v, ref mut i)) = work.last_mut() {
                if *i == 0 && index[v] == usize::MAX {
                    index[v] = next;
                    low[v] = next;
                    next += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if let Some(&w) = self.edges[v].get(*i) {
                    *i += 1;
                    if index[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if comp.len() > 1 || self.edges[v].contains(&v) {
                        comp.reverse();
                        out.push(comp.into_iter().map(|i| self.names[i].to_string()).collect());
                    }
                }
            }
        }
        out
    }

    /// A chain of uses longer than [`MAX_DEPTH`], if there is one (cycles aside).
    fn too_deep(&self) -> Option<Vec<String>> {
        let n = self.names.len();
        // Longest path from each variable, by an iterative depth-first walk; a back edge (cycle) counts as 0.
        let mut depth: Vec<Option<usize>> = vec![None; n];
        let mut next_of: Vec<Option<usize>> = vec![None; n];
        let mut visiting = vec![false; n];
        for root in 0..n {
            if depth[root].is_some() {
                continue;
            }
            let mut work: Vec<(usize, usize)> = vec![(root, 0)];
            visiting[root] = true;
            while let Some(&mut (v, ref mut i)) = work.last_mut() {
                if let Some(&w) = self.edges[v].get(*i) {
                    *i += 1;
                    if depth[w].is_none() && !visiting[w] {
                        visiting[w] = true;
                        work.push((w, 0));
                    }
                    continue;
                }
                let best = self.edges[v].iter().filter_map(|&w| depth[w].map(|d| (d + 1, w))).max();
                depth[v] = Some(best.map(|(d, _)| d).unwrap_or(0));
                next_of[v] = best.map(|(_, w)| w);
                visiting[v] = false;
                work.pop();
            }
        }
        let (start, d) = depth
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.map(|d| (i, d)))
            .max_by_key(|(_, d)| *d)?;
        if d < MAX_DEPTH {
            return None;
        }
        let mut chain = vec![self.names[start].to_string()];
        let mut at = start;
        while let Some(w) = next_of[at] {
            chain.push(self.names[w].to_string());
            at = w;
        }
        Some(chain)
    }
}

/// `order` entries in `collection.toml` or `folder.toml` that name no file or folder.
fn order_problems(c: &Collection, files: &mut Files) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    fn walk(f: &Folder, files: &mut Files, out: &mut Vec<Diagnostic>) {
        let file = defaults_file(f);
        for name in &f.defaults.order {
            if !f.path.join(name).exists() {
                out.push(
                    Diagnostic::warning(
                        &file,
                        files.position(&file, &format!("\"{name}\"")),
                        format!("`order` names `{name}`, which is not in this folder"),
                    )
                    .with_hint("remove it from `order`, or restore the file (a rename updates `order` when done in apix)"),
                );
            }
        }
        for child in &f.children {
            if let Node::Folder(sub) = child {
                walk(sub, files, out);
            }
        }
    }
    walk(&c.tree, files, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs(pairs: &[(&str, &str)]) -> Vec<(String, String, PathBuf)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string(), PathBuf::from("c.toml")))
            .collect()
    }

    #[test]
    fn cycles_and_deep_chains_are_found_without_recursion() {
        let d = defs(&[
            ("a", "{{b}}"),
            ("b", "{{c}}"),
            ("c", "{{a}}"),
            ("self", "x{{self}}"),
            ("ok", "{{a}}"),
        ]);
        let g = Graph::new(&d);
        let mut cycles = g.cycles();
        cycles.sort();
        assert_eq!(cycles, vec![vec!["a", "b", "c"], vec!["self"]]);
        // A chain of 10,000 variables: found at once, without recursion.
        let chain: Vec<(String, String)> = (0..10_000).map(|i| (format!("v{i}"), format!("{{{{v{}}}}}", i + 1))).collect();
        let d: Vec<(String, String, PathBuf)> = chain.iter().map(|(n, v)| (n.clone(), v.clone(), PathBuf::new())).collect();
        let g = Graph::new(&d);
        assert!(g.cycles().is_empty());
        let deep = g.too_deep().expect("too deep");
        assert_eq!(deep.len(), 10_000);
    }
}

/// Something a collection reads from outside itself, and where it sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideRead {
    pub kind: OutsideKind,
    /// The hosts (as `host:port`, or the URL as written when it cannot be resolved) of the requests that use it.
    pub sent_to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum OutsideKind {
    /// `{{env.NAME}}`: the process environment (or the collection's `.env`).
    EnvVar(String),
    /// `{{keyring.NAME}}`.
    Keyring(String),
    /// `{{cmd.NAME}}` and the command it runs.
    Command { name: String, command: String },
    /// A body or multipart file outside the collection folder.
    File(PathBuf),
}

impl std::fmt::Display for OutsideKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutsideKind::EnvVar(n) => write!(f, "environment variable {n}"),
            OutsideKind::Keyring(n) => write!(f, "keyring secret {n}"),
            OutsideKind::Command { name, command } => write!(f, "command `{command}` (for {{{{cmd.{name}}}}})"),
            OutsideKind::File(p) => write!(f, "file {}", p.display()),
        }
    }
}

/// Everything the requests of `c` read from outside the collection (environment variables, keyring secrets,
/// commands, files outside its folder), each with the hosts it is sent to, as the default environment resolves them.
/// Variables are followed through folder, collection and environment values (`token = "{{env.API_TOKEN}}"`).
pub fn outside_reads(c: &Collection) -> Vec<OutsideRead> {
    use crate::collection::Body;
    let env = c.default_environment();
    let mut found: std::collections::BTreeMap<OutsideKind, Vec<String>> = std::collections::BTreeMap::new();
    for r in c.requests() {
        let chain = c.folder_chain(&r.path);
        let host = request_host(c, env, r);
        let value_of = |name: &str| -> Option<String> {
            env.and_then(|e| e.vars.iter().rev().find(|v| v.enabled && v.name == name).map(|v| v.value.clone()))
                .or_else(|| {
                    chain.iter().rev().find_map(|f| {
                        f.defaults
                            .vars
                            .iter()
                            .rev()
                            .find(|v| v.enabled && v.name == name)
                            .map(|v| v.value.clone())
                    })
                })
        };
        let mut texts: Vec<String> = request_fields(r).into_iter().map(|(_, t)| t).collect();
        for f in &chain {
            texts.extend(f.defaults.headers.iter().flat_map(|h| [h.name.clone(), h.value.clone()]));
            texts.extend(f.defaults.auth.fields().into_iter().map(|(_, v)| v));
        }
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut queue = texts;
        let mut steps = 0;
        while let Some(text) = queue.pop() {
            steps += 1;
            if steps > 10_000 {
                break;
            }
            for name in references(&text) {
                if !seen.insert(name.to_string()) {
                    continue;
                }
                let kind = if let Some(n) = name.strip_prefix("env.") {
                    Some(OutsideKind::EnvVar(n.to_string()))
                } else if let Some(n) = name.strip_prefix("keyring.") {
                    Some(OutsideKind::Keyring(n.to_string()))
                } else if let Some(n) = name.strip_prefix("cmd.") {
                    c.command(n).map(|cmd| OutsideKind::Command {
                        name: n.to_string(),
                        command: cmd.to_string(),
                    })
                } else {
                    if !name.starts_with('$') {
                        queue.extend(value_of(name));
                    }
                    None
                };
                if let Some(k) = kind {
                    let hosts = found.entry(k).or_default();
                    if !hosts.contains(&host) {
                        hosts.push(host.clone());
                    }
                }
            }
        }
        let base = r.path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut files: Vec<&str> = Vec::new();
        match &r.body {
            Body::File { path, .. } => files.push(path),
            Body::Multipart(parts) => files.extend(parts.iter().filter_map(|p| p.file.as_deref())),
            _ => {}
        }
        for f in files.into_iter().filter(|f| !f.contains("{{")) {
            let full = base.join(f);
            if full.exists() && crate::http::prepare::is_outside(&c.root, &full) {
                let full = std::fs::canonicalize(&full).unwrap_or(full);
                let hosts = found.entry(OutsideKind::File(full)).or_default();
                if !hosts.contains(&host) {
                    hosts.push(host.clone());
                }
            }
        }
    }
    found.into_iter().map(|(kind, sent_to)| OutsideRead { kind, sent_to }).collect()
}

/// Where a request goes, as `host:port` when its URL resolves without secrets, else the URL as written.
fn request_host(c: &Collection, env: Option<&Environment>, r: &crate::collection::RequestDef) -> String {
    use crate::template::{Resolver, Scope};
    let folders = c.folder_chain(&r.path);
    // Resolving must not run a command or ask the keyring: look at what the URL uses first.
    let value_of = |name: &str| -> Option<String> {
        env.and_then(|e| e.vars.iter().rev().find(|v| v.enabled && v.name == name).map(|v| v.value.clone()))
            .or_else(|| {
                folders.iter().rev().find_map(|f| {
                    f.defaults
                        .vars
                        .iter()
                        .rev()
                        .find(|v| v.enabled && v.name == name)
                        .map(|v| v.value.clone())
                })
            })
    };
    let mut queue = vec![r.url.clone()];
    let mut uses_sources = false;
    let mut steps = 0;
    while let Some(text) = queue.pop() {
        steps += 1;
        if steps > 1000 {
            uses_sources = true;
            break;
        }
        for name in references(&text) {
            if name.starts_with("cmd.") || name.starts_with("keyring.") {
                uses_sources = true;
            } else if !name.contains('.') && !name.starts_with('$') {
                queue.extend(value_of(name));
            }
        }
    }
    let url = if uses_sources {
        None
    } else {
        Resolver::new(Scope {
            environment: env,
            folders: folders.clone(),
            ..Default::default()
        })
        .resolve(&r.url)
        .ok()
    };
    match url.as_deref().and_then(|u| url::Url::parse(u.trim()).ok()) {
        Some(u) => match (u.host_str(), u.port_or_known_default()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => r.url.clone(),
        },
        None => r.url.clone(),
    }
}
