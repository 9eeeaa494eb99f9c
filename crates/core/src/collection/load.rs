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

/// Collection files (requests, folders, environments, `collection.toml`) larger than this are not read.
pub const MAX_FILE_SIZE: u64 = 10_000_000;

/// Why a collection file could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadProblem {
    NotRegular,
    TooLarge(u64),
    NotUtf8 { line: usize, col: usize },
    Io(String),
}

/// Reads a regular file of at most [`MAX_FILE_SIZE`] as UTF-8 text. A device, FIFO or socket is never opened for
/// reading (a link to `/dev/zero` must not fill the memory, a FIFO must not hang).
pub fn read_capped(path: &Path) -> Result<String, ReadProblem> {
    use std::io::Read;
    let meta = fs::metadata(path).map_err(|e| ReadProblem::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(ReadProblem::NotRegular);
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(ReadProblem::TooLarge(meta.len()));
    }
    let f = fs::File::open(path).map_err(|e| ReadProblem::Io(e.to_string()))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow between the size check and the read.
    f.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadProblem::Io(e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(ReadProblem::TooLarge(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        let (line, col) = super::diag::line_col(&valid, offset);
        ReadProblem::NotUtf8 { line, col }
    })
}

/// [`read_capped`], or nothing: for callers that only want a file's text when it is a sane one.
pub fn read_limited(path: &Path) -> Option<String> {
    read_capped(path).ok()
}

fn read_text(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match read_capped(path) {
        Ok(s) => Some(s),
        Err(ReadProblem::NotUtf8 { line, col }) => {
            diags.push(
                Diagnostic::error(path, (line, col), "the file is not valid UTF-8")
                    .with_hint("collection files are UTF-8 text; re-save it as UTF-8"),
            );
            None
        }
        Err(ReadProblem::TooLarge(n)) => {
            diags.push(
                Diagnostic::error(
                    path,
                    (0, 0),
                    format!(
                        "the file is {}, larger than the {} apix reads for a collection file; it was not read",
                        crate::format_size(n),
                        crate::format_size(MAX_FILE_SIZE)
                    ),
                )
                .with_hint("keep large payloads in a body file (`[body] file = \"…\"`), not in the TOML"),
            );
            None
        }
        Err(ReadProblem::NotRegular) => {
            diags.push(Diagnostic::error(
                path,
                (0, 0),
                "is not a regular file (a device, pipe or socket); it was not read",
            ));
            None
        }
        Err(ReadProblem::Io(e)) => {
            diags.push(Diagnostic::error(path, (0, 0), format!("cannot read the file: {e}")));
            None
        }
    }
}

/// What a directory entry is, after the collection's link rules.
enum Kind {
    Dir(PathBuf),
    File,
    Skip,
}

/// Walks a collection folder by the link rules: a symbolic link is followed only when its target is a regular file
/// or folder inside the collection root, and a folder is loaded once (two links to `.` cannot make a loop); every
/// other link is skipped with a warning naming it and its target, and nothing that is not a regular file is read.
struct Walker {
    root: PathBuf,
    visited: std::collections::HashSet<PathBuf>,
}

impl Walker {
    fn new(root: &Path) -> Walker {
        let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut visited = std::collections::HashSet::new();
        visited.insert(root.clone());
        Walker { root, visited }
    }

    fn classify(&mut self, path: &Path, ft: fs::FileType, diags: &mut Vec<Diagnostic>) -> Kind {
        let skip = |diags: &mut Vec<Diagnostic>, why: String| {
            diags.push(
                Diagnostic::warning(path, (0, 0), why).with_hint("apix follows links only to files and folders inside the collection"),
            );
            Kind::Skip
        };
        if ft.is_symlink() {
            let shown = fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_else(|_| "?".into());
            let target = match fs::canonicalize(path) {
                Ok(t) => t,
                Err(_) => return skip(diags, format!("the link points to `{shown}`, which does not exist; skipped")),
            };
            if !target.starts_with(&self.root) {
                return skip(diags, format!("the link points outside the collection (`{shown}`); skipped"));
            }
            return match fs::metadata(&target) {
                Ok(m) if m.is_dir() => {
                    if self.visited.contains(&target) {
                        skip(
                            diags,
                            format!("the link leads back to a folder already loaded (`{shown}`); skipped"),
                        )
                    } else {
                        Kind::Dir(target)
                    }
                }
                Ok(m) if m.is_file() => Kind::File,
                _ => skip(diags, format!("the link points to `{shown}`, which is not a regular file; skipped")),
            };
        }
        if ft.is_dir() {
            let canon = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            if self.visited.contains(&canon) {
                return Kind::Skip;
            }
            return Kind::Dir(canon);
        }
        if ft.is_file() {
            return Kind::File;
        }
        if path.extension().is_some_and(|x| x == "toml") {
            return skip(diags, "is not a regular file (a device, pipe or socket); skipped".into());
        }
        Kind::Skip
    }

    /// True when `dir` holds at least one `.toml` file somewhere below it (folders of payloads are not shown).
    fn has_toml(&self, dir: &Path, depth: usize, seen: &mut std::collections::HashSet<PathBuf>) -> bool {
        if depth > 16 {
            return false;
        }
        let canon = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !canon.starts_with(&self.root) || !seen.insert(canon) {
            return false;
        }
        let Ok(entries) = fs::read_dir(dir) else { return false };
        entries.filter_map(|e| e.ok()).any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if is_hidden(&name) {
                return false;
            }
            let p = e.path();
            match fs::metadata(&p) {
                Ok(m) if m.is_dir() => self.has_toml(&p, depth + 1, seen),
                Ok(m) if m.is_file() => p.extension().is_some_and(|x| x == "toml"),
                _ => false,
            }
        })
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
    let mut walker = Walker::new(&root);
    load_children(&mut walker, &mut tree, 0, &mut diags);
    let environments = load_environments(&mut walker, &root.join(ENV_DIR), &mut diags);
    Collection {
        root,
        name,
        description,
        tree,
        environments,
        diagnostics: diags,
    }
}

fn load_environments(walker: &mut Walker, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Environment> {
    let mut envs = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return envs;
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    for e in entries.filter_map(|e| e.ok()) {
        let path = e.path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        if let Kind::File = walker.classify(&path, ft, diags) {
            paths.push(path);
        }
    }
    paths.sort();
    for path in paths {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(env) = load_environment(&path, &name, diags) {
            envs.push(env);
        }
    }
    envs
}

fn load_environment(path: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Option<Environment> {
    let src = read_text(path, diags)?;
    let mut ctx = Ctx::new(path, &src);
    let env = parse_environment(&mut ctx, name);
    diags.extend(ctx.diags);
    env
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// Folders nested deeper than this are not loaded (said once, with the folder where it stops).
pub const MAX_FOLDER_DEPTH: usize = 64;

fn load_children(walker: &mut Walker, folder: &mut Folder, depth: usize, diags: &mut Vec<Diagnostic>) {
    let is_root = depth == 0;
    if depth > MAX_FOLDER_DEPTH {
        diags.push(Diagnostic::warning(
            &folder.path,
            (0, 0),
            format!("folders nested more than {MAX_FOLDER_DEPTH} levels deep are not loaded; this one and those below it are left out"),
        ));
        return;
    }
    let Ok(entries) = fs::read_dir(&folder.path) else {
        diags.push(Diagnostic::error(&folder.path, (0, 0), "cannot read this folder"));
        return;
    };
    // Real entries before links, so that a folder is listed under its own name when a link also leads to it.
    let mut listed: Vec<(String, PathBuf, fs::FileType)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_string_lossy().into_owned(), e.path(), e.file_type().ok()?)))
        .collect();
    listed.sort_by(|a, b| (a.2.is_symlink(), &a.0).cmp(&(b.2.is_symlink(), &b.0)));
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for (name, path, ft) in listed {
        if is_hidden(&name) || (is_root && name == ENV_DIR) {
            continue;
        }
        match walker.classify(&path, ft, diags) {
            Kind::Dir(canon) => {
                // A nested collection is its own collection, not a folder of this one.
                if path.join(COLLECTION_FILE).exists() || !walker.has_toml(&path, 0, &mut Default::default()) {
                    continue;
                }
                walker.visited.insert(canon);
                dirs.push((name, path));
            }
            Kind::File if path.extension().is_some_and(|x| x == "toml") && name != COLLECTION_FILE && name != FOLDER_FILE => {
                files.push((name, path));
            }
            _ => {}
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
        load_children(walker, &mut sub, depth + 1, diags);
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

/// Parses the text of a request file (as if read from `path`): the request, or nothing when the file is broken, and
/// every diagnostic. What loading does for one file, without the disk (fuzzing, editors).
pub fn parse_request_text(path: &Path, src: &str) -> (Option<RequestDef>, Vec<Diagnostic>) {
    let mut ctx = Ctx::new(path, src);
    let parsed = parse_request(&mut ctx);
    (parsed, ctx.diags)
}

/// Parses the text of a `collection.toml` or `folder.toml`: its name, description and defaults, with diagnostics.
pub fn parse_defaults_text(path: &Path, src: &str) -> (Option<super::parse::ParsedDefaults>, Vec<Diagnostic>) {
    let mut ctx = Ctx::new(path, src);
    let parsed = parse_defaults(&mut ctx);
    (parsed, ctx.diags)
}

/// Parses the text of an environment file named `name`.
pub fn parse_environment_text(path: &Path, name: &str, src: &str) -> (Option<Environment>, Vec<Diagnostic>) {
    let mut ctx = Ctx::new(path, src);
    let parsed = parse_environment(&mut ctx, name);
    (parsed, ctx.diags)
}

/// Loads what sending one request needs, without walking the rest of the tree: `collection.toml`, the environments,
/// the `folder.toml` of each folder between the root and the request, and the request file. `apix send FILE` uses it
/// (a collection of 10,000 folders costs nothing more than one of ten).
pub fn load_for_request(root: &Path, file: &Path) -> Collection {
    let root_path = root.to_path_buf();
    let mut diags = Vec::new();
    let marker = root.join(COLLECTION_FILE);
    let mut name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "collection".into());
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
    let mut walker = Walker::new(root);
    let environments = load_environments(&mut walker, &root.join(ENV_DIR), &mut diags);
    // The folders from the root down to the request, each with only the next step as its child.
    let rel = file.strip_prefix(root).unwrap_or(file);
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut at = root.to_path_buf();
    if let Some(parent) = rel.parent() {
        for part in parent.components() {
            at = at.join(part);
            dirs.push(at.clone());
        }
    }
    let request = match read_text(file, &mut diags) {
        Some(src) => {
            let mut ctx = Ctx::new(file, &src);
            let parsed = parse_request(&mut ctx);
            diags.extend(ctx.diags);
            match parsed {
                Some(def) => Node::Request(def),
                None => Node::Broken(file.to_path_buf()),
            }
        }
        None => Node::Broken(file.to_path_buf()),
    };
    let mut child = request;
    for dir in dirs.iter().rev() {
        let mut sub = Folder {
            path: dir.clone(),
            name: dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            ..Default::default()
        };
        let marker = dir.join(FOLDER_FILE);
        if marker.exists() {
            if let Some(src) = read_text(&marker, &mut diags) {
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
        sub.children = vec![child];
        child = Node::Folder(sub);
    }
    let tree = Folder {
        path: root_path.clone(),
        name: name.clone(),
        description: description.clone(),
        defaults,
        children: vec![child],
    };
    Collection {
        root: root_path,
        name,
        description,
        tree,
        environments,
        diagnostics: diags,
    }
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
