//! `apix check [DIR]`: every problem in a collection tree, with file:line:col, non-zero exit if any error.

use std::path::Path;

use crate::core::collection::{load_workspace, Folder, Node};
use crate::core::sanitize::visible;

/// At most this many problems are printed per collection; the rest are counted.
const MAX_SHOWN: usize = 200;

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
        let diags = crate::core::check::check(c);
        let (ok, bad) = count_requests(&c.tree);
        requests += ok;
        broken += bad;
        // Errors first, so that a flood of warnings cannot hide them past the cap.
        let mut shown: Vec<&crate::core::collection::Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        shown.extend(diags.iter().filter(|d| !d.is_error()));
        for d in &diags {
            if d.is_error() {
                errors += 1;
            } else {
                warnings += 1;
            }
        }
        for d in shown.iter().take(MAX_SHOWN) {
            // Key and variable names come from files someone else wrote: shown, never sent to the terminal raw.
            outln!("{}", visible(&d.to_string()));
        }
        if shown.len() > MAX_SHOWN {
            outln!(
                "… and {} more problems in {} (not shown)",
                shown.len() - MAX_SHOWN,
                visible(&c.root.display().to_string())
            );
        }
        let reads = crate::core::check::outside_reads(c);
        if !reads.is_empty() {
            outln!("{} reads from outside itself:", c.name);
            for r in reads.iter().take(MAX_SHOWN) {
                outln!("  {}, sent to {}", r.kind, r.sent_to.join(", "));
            }
            if reads.len() > MAX_SHOWN {
                outln!("  … and {} more", reads.len() - MAX_SHOWN);
            }
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
