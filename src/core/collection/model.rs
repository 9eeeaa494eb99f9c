//! The collection model: what the files say, and nothing about what the app is doing right now.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::diag::Diagnostic;

/// One header, query parameter or form field. Repeats are separate entries with the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub name: String,
    pub value: String,
    /// A disabled entry is kept in the file but not sent.
    pub enabled: bool,
}

impl KeyValue {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        KeyValue {
            name: name.into(),
            value: value.into(),
            enabled: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Body {
    #[default]
    None,
    /// JSON text as written (templated before sending).
    Json(String),
    Text {
        text: String,
        content_type: Option<String>,
    },
    Form(Vec<KeyValue>),
    Multipart(Vec<Part>),
    /// A file sent as the raw body; relative paths are relative to the request file.
    File {
        path: String,
        content_type: Option<String>,
    },
}

impl Body {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Body::None => "none",
            Body::Json(_) => "json",
            Body::Text { .. } => "text",
            Body::Form(_) => "form",
            Body::Multipart(_) => "multipart",
            Body::File { .. } => "file",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    /// Exactly one of `value` and `file` is set.
    pub value: Option<String>,
    pub file: Option<String>,
    pub content_type: Option<String>,
    pub enabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiKeyLocation {
    #[default]
    Header,
    Query,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AuthDef {
    /// Use the auth of the enclosing folder or collection.
    #[default]
    Inherit,
    /// Send no credentials, even if a parent has some.
    None,
    Basic {
        username: String,
        password: String,
    },
    Bearer {
        token: String,
    },
    ApiKey {
        name: String,
        value: String,
        location: ApiKeyLocation,
    },
}

impl AuthDef {
    pub fn type_name(&self) -> &'static str {
        match self {
            AuthDef::Inherit => "inherit",
            AuthDef::None => "none",
            AuthDef::Basic { .. } => "basic",
            AuthDef::Bearer { .. } => "bearer",
            AuthDef::ApiKey { .. } => "apikey",
        }
    }
}

/// Request options; every field is optional so that levels (request, folder, environment, collection) merge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    pub timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    pub read_timeout: Option<Duration>,
    pub follow_redirects: Option<bool>,
    pub max_redirects: Option<u32>,
    pub proxy: Option<String>,
    pub ca_file: Option<String>,
    pub verify_tls: Option<bool>,
    pub max_body_size: Option<u64>,
}

impl Options {
    /// Fills every unset field of `self` from `parent`.
    pub fn or(&self, parent: &Options) -> Options {
        Options {
            timeout: self.timeout.or(parent.timeout),
            connect_timeout: self.connect_timeout.or(parent.connect_timeout),
            read_timeout: self.read_timeout.or(parent.read_timeout),
            follow_redirects: self.follow_redirects.or(parent.follow_redirects),
            max_redirects: self.max_redirects.or(parent.max_redirects),
            proxy: self.proxy.clone().or_else(|| parent.proxy.clone()),
            ca_file: self.ca_file.clone().or_else(|| parent.ca_file.clone()),
            verify_tls: self.verify_tls.or(parent.verify_tls),
            max_body_size: self.max_body_size.or(parent.max_body_size),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestDef {
    /// The file; its name on disk is the request's identity.
    pub path: PathBuf,
    pub name: String,
    pub method: String,
    pub url: String,
    pub description: String,
    pub query: Vec<KeyValue>,
    pub headers: Vec<KeyValue>,
    pub body: Body,
    pub auth: AuthDef,
    pub options: Options,
}

impl RequestDef {
    /// A request with the defaults a new file gets.
    pub fn new(path: PathBuf, name: impl Into<String>) -> Self {
        RequestDef {
            path,
            name: name.into(),
            method: "GET".into(),
            ..Default::default()
        }
    }
}

/// What a `folder.toml` (or the root `collection.toml`) contributes to the requests below it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Defaults {
    pub vars: Vec<KeyValue>,
    pub headers: Vec<KeyValue>,
    pub auth: AuthDef,
    pub options: Options,
    /// Entry names (file or folder names) listed first, in this order.
    pub order: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Folder {
    pub path: PathBuf,
    pub name: String,
    pub description: String,
    pub defaults: Defaults,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Folder(Folder),
    Request(RequestDef),
    /// A request file that could not be loaded; its problems are in the collection's diagnostics.
    Broken(PathBuf),
}

impl Node {
    pub fn path(&self) -> &Path {
        match self {
            Node::Folder(f) => &f.path,
            Node::Request(r) => &r.path,
            Node::Broken(p) => p,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Environment {
    pub name: String,
    pub path: PathBuf,
    pub vars: Vec<KeyValue>,
    /// `[options]` in the environment file: TLS verification, CA file, proxy, timeouts for this environment.
    pub options: Options,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Collection {
    /// The folder holding `collection.toml`.
    pub root: PathBuf,
    pub name: String,
    pub description: String,
    /// The root folder: `collection.toml`'s defaults and the top-level requests and folders.
    pub tree: Folder,
    pub environments: Vec<Environment>,
    /// Every problem found while loading, errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Collection {
    pub fn defaults(&self) -> &Defaults {
        &self.tree.defaults
    }

    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// All requests, depth first in display order.
    pub fn requests(&self) -> Vec<&RequestDef> {
        fn walk<'a>(f: &'a Folder, out: &mut Vec<&'a RequestDef>) {
            for c in &f.children {
                match c {
                    Node::Request(r) => out.push(r),
                    Node::Folder(sub) => walk(sub, out),
                    Node::Broken(_) => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.tree, &mut out);
        out
    }

    /// The folders from the root down to the one containing `path` (root first).
    pub fn folder_chain(&self, path: &Path) -> Vec<&Folder> {
        let mut chain = vec![&self.tree];
        let mut current = &self.tree;
        loop {
            let next = current.children.iter().find_map(|c| match c {
                Node::Folder(f) if path.starts_with(&f.path) && path != f.path => Some(f),
                _ => None,
            });
            match next {
                Some(f) => {
                    chain.push(f);
                    current = f;
                }
                None => return chain,
            }
        }
    }

    pub fn find_request(&self, path: &Path) -> Option<&RequestDef> {
        self.requests().into_iter().find(|r| r.path == path)
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
}
