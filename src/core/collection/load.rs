//! Loading collections from disk. A broken file never stops the rest of the collection from loading: it is
//! listed as broken, with its diagnostics.

use std::fs;
use std::path::{Path, PathBuf};

use super::diag::Diagnostic;
use super::model::*;
use super::parse::{parse_defaults, parse_environment, parse_request, Ctx};

pub const COLLECTION_FILE: &str = "collection.toml";
pub const FOLDER_FILE: &str = "folder.toml";
pub const ENV_DIR: &str = "environments";

fn read_text(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Some(s),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
                diags.push(
                    Diagnostic::error(path, super::diag::line_col(&valid, offset), "the file is not valid UTF-8")
                        .with_hint("collection files are UTF-8 text; re-save it as UTF-8"),
                );
                None
            }
        },
        Err(e) => {
            diags.push(Diagnostic::error(path, (0, 0), format!("cannot read the file: {e}")));
            None
        }
    }
}

/// Loads the collection whose `collection.toml` is in `root`.
pub fn load_collection(root: &Path) -> Collection {
    let root = root.to_path_buf();
    let mut diags = Vec::new();
    let marker = root.join(COLLECTION_FILE);
    let dir_name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "collection".into());
    let mut name = dir_name.clone();
    let mut description = String::new();
    let mut defaults = Defaults::default();
    if let Some(src) = read_text(&marker, &mut diags) {
        let mut ctx = Ctx::new(&marker, &src);
        if let Some((n, d, defs)) = parse_defaults(&mut ctx) {
            if let Some(n) = n {
                name = n;
            }
            description = d;
            defaults = defs;
        }
        diags.extend(ctx.diags);
    }
    let mut tree = Folder {
        path: root.clone(),
        name: name.clone(),
        description: description.clone(),
        defaults,
        children: Vec::new(),
    };
    load_children(&mut tree, true, &mut diags);
    let environments = load_environments(&root.join(ENV_DIR), &mut diags);
    Collection {
        root,
        name,
        description,
        tree,
        environments,
        diagnostics: diags,
    }
}

fn load_environments(dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Environment> {
    let mut envs = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return envs;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(src) = read_text(&path, diags) {
            let mut ctx = Ctx::new(&path, &src);
            if let Some(env) = parse_environment(&mut ctx, &name) {
                envs.push(env);
            }
            diags.extend(ctx.diags);
        }
    }
    envs
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// True when `dir` holds at least one `.toml` file somewhere below it (folders of payloads are not shown).
fn has_toml(dir: &Path, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let Ok(entries) = fs::read_dir(dir) else { return false };
    entries.filter_map(|e| e.ok()).any(|e| {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if is_hidden(&name) {
            return false;
        }
        if p.is_dir() {
            has_toml(&p, depth + 1)
        } else {
            p.extension().is_some_and(|x| x == "toml")
        }
    })
}

fn load_children(folder: &mut Folder, is_root: bool, diags: &mut Vec<Diagnostic>) {
    let Ok(entries) = fs::read_dir(&folder.path) else {
        diags.push(Diagnostic::error(&folder.path, (0, 0), "cannot read this folder"));
        return;
    };
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if is_hidden(&name) {
            continue;
        }
        let path = e.path();
        if path.is_dir() {
            if is_root && name == ENV_DIR {
                continue;
            }
            // A nested collection is its own collection, not a folder of this one.
            if path.join(COLLECTION_FILE).exists() || !has_toml(&path, 0) {
                continue;
            }
            dirs.push((name, path));
        } else if path.extension().is_some_and(|x| x == "toml") && name != COLLECTION_FILE && name != FOLDER_FILE {
            files.push((name, path));
        }
    }
    dirs.sort();
    files.sort();
    let mut children: Vec<(String, Node)> = Vec::new();
    for (name, path) in dirs {
        let mut sub = Folder {
            path: path.clone(),
            name: name.clone(),
            ..Default::default()
        };
        let marker = path.join(FOLDER_FILE);
        if marker.exists() {
            if let Some(src) = read_text(&marker, diags) {
                let mut ctx = Ctx::new(&marker, &src);
                if let Some((n, d, defs)) = parse_defaults(&mut ctx) {
                    if let Some(n) = n {
                        sub.name = n;
                    }
                    sub.description = d;
                    sub.defaults = defs;
                }
                diags.extend(ctx.diags);
            }
        }
        load_children(&mut sub, false, diags);
        children.push((name, Node::Folder(sub)));
    }
    for (name, path) in files {
        let node = match read_text(&path, diags) {
            Some(src) => {
                let mut ctx = Ctx::new(&path, &src);
                let parsed = parse_request(&mut ctx);
                diags.extend(ctx.diags);
                match parsed {
                    Some(def) => Node::Request(def),
                    None => Node::Broken(path),
                }
            }
            None => Node::Broken(path),
        };
        children.push((name, node));
    }
    // Listed entries first, in the listed order; the rest keep folders-then-files alphabetical order.
    let order = &folder.defaults.order;
    if !order.is_empty() {
        children.sort_by_key(|(name, _)| order.iter().position(|o| o == name).unwrap_or(usize::MAX));
    }
    folder.children = children.into_iter().map(|(_, n)| n).collect();
}

/// Finds collections under `dir`: `dir` itself if it holds `collection.toml`, else every folder below it (up to
/// three levels) that does. Sorted by folder name.
pub fn find_collections(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        if dir.join(COLLECTION_FILE).is_file() {
            out.push(dir.to_path_buf());
            return;
        }
        if depth == 0 {
            return;
        }
        let Ok(entries) = fs::read_dir(dir) else { return };
        let mut subs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| !is_hidden(&e.file_name().to_string_lossy()) && e.path().is_dir())
            .map(|e| e.path())
            .collect();
        subs.sort();
        for s in subs {
            walk(&s, depth - 1, out);
        }
    }
    let mut out = Vec::new();
    walk(dir, 3, &mut out);
    out
}

/// Loads every collection under `dir` (see [`find_collections`]).
pub fn load_workspace(dir: &Path) -> Vec<Collection> {
    find_collections(dir).iter().map(|p| load_collection(p)).collect()
}

/// Finds the collection root for a request file by walking up to the nearest `collection.toml`.
pub fn collection_root_of(file: &Path) -> Option<PathBuf> {
    let abs = if file.is_absolute() {
        file.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(file)
    };
    abs.ancestors()
        .skip(1)
        .find(|d| d.join(COLLECTION_FILE).is_file())
        .map(Path::to_path_buf)
}
