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
                out.push(
                    Diagnostic::warning(&r.path, pos, format!("variable `{name}` (in {field}) is not defined in any environment, folder or the collection"))
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
        eprintln!("error: {} does not exist", dir.display());
        return 1;
    }
    let collections = load_workspace(dir);
    if collections.is_empty() {
        eprintln!(
            "error: no collection found in {} (a collection is a folder with a collection.toml)",
            dir.display()
        );
        eprintln!("  hint: create one with a collection.toml holding name = \"My API\"; see docs/collections.md");
        return 1;
    }
    let (mut errors, mut warnings, mut requests, mut broken) = (0, 0, 0, 0);
    for c in &collections {
        let mut diags = c.diagnostics.clone();
        diags.extend(undefined_variables(c));
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
            println!("{d}");
        }
    }
    println!(
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
