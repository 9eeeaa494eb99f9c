//! `apix check [DIR]`: every problem in a collection tree, with file:line:col, non-zero exit if any error.

use std::path::Path;

use crate::core::collection::{load_workspace, Collection, Diagnostic, Folder, Node};
use crate::core::http::prepare::request_fields;
use crate::core::template::references;

/// Variables used by requests but defined nowhere (no environment, folder or collection defines them).
pub fn undefined_variables(c: &Collection) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in c.requests() {
        let chain = c.folder_chain(&r.path);
        let defined = |name: &str| {
            chain.iter().any(|f: &&Folder| f.defaults.vars.iter().any(|v| v.name == name))
                || c.environments.iter().any(|e| e.vars.iter().any(|v| v.name == name))
        };
        let src = std::fs::read_to_string(&r.path).unwrap_or_default();
        let mut seen = Vec::new();
        for (field, text) in request_fields(r) {
            for name in references(&text) {
                if let Some(cmd) = name
                    .strip_prefix("cmd.")
                    .filter(|n| c.command(n).is_none() && !seen.contains(&name.to_string()))
                {
                    seen.push(name.to_string());
                    out.push(
                        Diagnostic::warning(
                            &r.path,
                            (0, 0),
                            format!("`{{{{cmd.{cmd}}}}}` (in {field}) has no command in [commands] of collection.toml"),
                        )
                        .with_hint(format!("add `{cmd} = \"...\"` under [commands] in collection.toml")),
                    );
                }
                if name.starts_with('$')
                    || name.starts_with("env.")
                    || name.starts_with("keyring.")
                    || name.starts_with("cmd.")
                    || defined(name)
                    || seen.contains(&name.to_string())
                {
                    continue;
                }
                seen.push(name.to_string());
                let pos = src
                    .find(&format!("{{{{{name}"))
                    .or_else(|| src.find(name))
                    .map(|off| crate::core::collection::diag::line_col(&src, off))
                    .unwrap_or((0, 0));
                // Name every field of this request that uses it, not just the first.
                let fields: Vec<String> = request_fields(r)
                    .into_iter()
                    .filter(|(_, t)| references(t).contains(&name))
                    .map(|(f, _)| f)
                    .collect();
                let used = if fields.is_empty() { field.clone() } else { fields.join(", ") };
                out.push(
                    Diagnostic::warning(&r.path, pos, format!("variable `{name}` (in {used}) is not defined in any environment, folder or the collection"))
                        .with_hint(format!("add `{name} = \"...\"` to an environment file or to [vars] in collection.toml, or pass --var {name}=VALUE when sending")),
                );
            }
        }
    }
    out
}

fn count_requests(f: &Folder) -> (usize, usize) {
    f.children.iter().fold((0, 0), |(ok, broken), c| match c {
        Node::Request(_) => (ok + 1, broken),
        Node::Broken(_) => (ok, broken + 1),
        Node::Folder(sub) => {
            let (a, b) = count_requests(sub);
            (ok + a, broken + b)
        }
    })
}

pub fn run(dir: &Path) -> i32 {
    if !dir.exists() {
        errln!("error: {} does not exist", dir.display());
        return 1;
    }
    let collections = load_workspace(dir);
    if collections.is_empty() {
        errln!(
            "error: no collection found in {} (a collection is a folder with a collection.toml)",
            dir.display()
        );
        errln!("  hint: create one with a collection.toml holding name = \"My API\"; see docs/collections.md");
        return 1;
    }
    let (mut errors, mut warnings, mut requests, mut broken) = (0, 0, 0, 0);
    for c in &collections {
        let mut diags = c.diagnostics.clone();
        diags.extend(undefined_variables(c));
        diags.extend(variable_problems(c));
        diags.extend(crate::core::auth::literal::find(c));
        let (ok, bad) = count_requests(&c.tree);
        requests += ok;
        broken += bad;
        for d in &diags {
            if d.is_error() {
                errors += 1;
            } else {
                warnings += 1;
            }
            outln!("{d}");
        }
    }
    outln!(
        "checked {} collection{}, {} request{}: {} broken file{}, {errors} error{}, {warnings} warning{}",
        collections.len(),
        plural(collections.len()),
        requests,
        plural(requests),
        broken,
        plural(broken),
        plural(errors),
        plural(warnings)
    );
    i32::from(errors > 0)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

const DYNAMIC: &[&str] = &["uuid", "timestamp", "isoTimestamp", "randomInt", "demo"];

fn position_of(path: &std::path::Path, needle: &str) -> (usize, usize) {
    let src = std::fs::read_to_string(path).unwrap_or_default();
    src.find(needle)
        .map(|off| crate::core::collection::diag::line_col(&src, off))
        .unwrap_or((0, 0))
}

/// Problems `send` would hit whatever the environment: unknown `{{$dynamic}}` values, and variables that refer to
/// each other in a cycle (checked for each environment, and with none).
pub fn variable_problems(c: &Collection) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Every templated text with the file it lives in.
    let mut texts: Vec<(std::path::PathBuf, String, String)> = Vec::new();
    for r in c.requests() {
        for (field, text) in request_fields(r) {
            texts.push((r.path.clone(), field, text));
        }
    }
    fn folder_vars<'a>(f: &'a Folder, out: &mut Vec<(std::path::PathBuf, &'a crate::core::collection::KeyValue)>) {
        let file = if f.path.join(crate::core::collection::load::COLLECTION_FILE).is_file() {
            f.path.join(crate::core::collection::load::COLLECTION_FILE)
        } else {
            f.path.join(crate::core::collection::load::FOLDER_FILE)
        };
        out.extend(f.defaults.vars.iter().map(|v| (file.clone(), v)));
        for child in &f.children {
            if let Node::Folder(sub) = child {
                folder_vars(sub, out);
            }
        }
    }
    let mut shared = Vec::new();
    folder_vars(&c.tree, &mut shared);
    for (file, v) in &shared {
        texts.push((file.clone(), format!("variable {}", v.name), v.value.clone()));
    }
    for e in &c.environments {
        for v in &e.vars {
            texts.push((e.path.clone(), format!("variable {}", v.name), v.value.clone()));
        }
    }
    let mut seen_dynamic = Vec::new();
    for (file, field, text) in &texts {
        for name in references(text) {
            if let Some(d) = name.strip_prefix('$') {
                if !DYNAMIC.contains(&d) && !seen_dynamic.contains(&(file.clone(), d.to_string())) {
                    seen_dynamic.push((file.clone(), d.to_string()));
                    out.push(
                        Diagnostic::error(
                            file,
                            position_of(file, &format!("${d}")),
                            format!("unknown dynamic value `${d}` (in {field})"),
                        )
                        .with_hint("available: $uuid, $timestamp, $isoTimestamp, $randomInt, $demo"),
                    );
                }
            }
        }
    }
    // Cycles, per environment (and with none): the graph of plain variables and the variables their values use.
    let mut reported: Vec<Vec<String>> = Vec::new();
    let views: Vec<Option<&crate::core::collection::Environment>> = std::iter::once(None).chain(c.environments.iter().map(Some)).collect();
    for env in views {
        let mut defs: Vec<(String, String, std::path::PathBuf)> =
            shared.iter().map(|(f, v)| (v.name.clone(), v.value.clone(), f.clone())).collect();
        if let Some(e) = env {
            for v in &e.vars {
                defs.retain(|(n, _, _)| *n != v.name);
                defs.push((v.name.clone(), v.value.clone(), e.path.clone()));
            }
        }
        let refs_of = |name: &str| -> Vec<String> {
            defs.iter()
                .filter(|(n, _, _)| n == name)
                .flat_map(|(_, v, _)| {
                    references(v)
                        .into_iter()
                        .filter(|r| !r.contains('.') && !r.starts_with('$'))
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        for (start, _, file) in &defs {
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            while let Some((node, path)) = stack.pop() {
                for next in refs_of(&node) {
                    if next == *start {
                        let mut cycle = path.clone();
                        cycle.push(next.clone());
                        let mut key = path.clone();
                        key.sort();
                        if !reported.contains(&key) {
                            reported.push(key);
                            let where_ = env.map(|e| format!(" with environment `{}`", e.name)).unwrap_or_default();
                            out.push(
                                Diagnostic::error(
                                    file,
                                    position_of(file, &format!("{start} =")),
                                    format!("variables refer to each other in a cycle{where_}: {}", cycle.join(" → ")),
                                )
                                .with_hint("a variable cannot depend on itself; give one of them a plain value"),
                            );
                        }
                    } else if !path.contains(&next) && path.len() < 64 {
                        let mut p = path.clone();
                        p.push(next.clone());
                        stack.push((next, p));
                    }
                }
            }
        }
    }
    out
}
