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
    /// HTTP Digest (RFC 7616): a challenge round trip at send time.
    Digest {
        username: String,
        password: String,
    },
    /// AWS Signature Version 4, computed at send time over the final request.
    Aws(AwsAuth),
    /// OAuth 2.0: the token comes from a flow and is cached in the data dir, never in the collection.
    OAuth2(OAuth2Auth),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AwsAuth {
    pub access_key: String,
    pub secret_key: String,
    /// For temporary credentials (STS); sent as `X-Amz-Security-Token`.
    pub session_token: Option<String>,
    pub region: String,
    pub service: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OAuthGrant {
    #[default]
    ClientCredentials,
    /// Authorization code with PKCE: a browser (or a pasted URL) and a loopback redirect.
    AuthorizationCode,
    /// Device authorization (RFC 8628): the user enters a code on another device.
    DeviceCode,
}

impl OAuthGrant {
    pub const ALL: [(&'static str, OAuthGrant); 3] = [
        ("client_credentials", OAuthGrant::ClientCredentials),
        ("authorization_code", OAuthGrant::AuthorizationCode),
        ("device_code", OAuthGrant::DeviceCode),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OAuthGrant::ClientCredentials => "client_credentials",
            OAuthGrant::AuthorizationCode => "authorization_code",
            OAuthGrant::DeviceCode => "device_code",
        }
    }
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// HTTP Basic with client_id:client_secret (RFC 6749's recommended way).
    #[default]
    Basic,
    /// client_id and client_secret in the form body.
    Body,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OAuth2Auth {
    pub grant: OAuthGrant,
    pub token_url: String,
    /// Needed for `authorization_code`.
    pub auth_url: Option<String>,
    /// Needed for `device_code`.
    pub device_url: Option<String>,
    pub client_id: String,
    /// Empty for public clients.
    pub client_secret: Option<String>,
    pub scopes: Vec<String>,
    /// Loopback port for the redirect (`authorization_code`); a free one when unset.
    pub redirect_port: Option<u16>,
    pub client_auth: ClientAuth,
}

impl AuthDef {
    pub fn type_name(&self) -> &'static str {
        match self {
            AuthDef::Inherit => "inherit",
            AuthDef::None => "none",
            AuthDef::Basic { .. } => "basic",
            AuthDef::Bearer { .. } => "bearer",
            AuthDef::ApiKey { .. } => "apikey",
            AuthDef::Digest { .. } => "digest",
            AuthDef::Aws(_) => "aws",
            AuthDef::OAuth2(_) => "oauth2",
        }
    }

    /// Every templated field: (field name as errors show it, template).
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut f = Vec::new();
        match self {
            AuthDef::Inherit | AuthDef::None => {}
            AuthDef::Basic { username, password } | AuthDef::Digest { username, password } => {
                f.push(("auth username", username.clone()));
                f.push(("auth password", password.clone()));
            }
            AuthDef::Bearer { token } => f.push(("auth token", token.clone())),
            AuthDef::ApiKey { name, value, .. } => {
                f.push(("auth name", name.clone()));
                f.push(("auth value", value.clone()));
            }
            AuthDef::Aws(a) => {
                f.push(("auth access_key", a.access_key.clone()));
                f.push(("auth secret_key", a.secret_key.clone()));
                if let Some(t) = &a.session_token {
                    f.push(("auth session_token", t.clone()));
                }
                f.push(("auth region", a.region.clone()));
                f.push(("auth service", a.service.clone()));
            }
            AuthDef::OAuth2(o) => {
                f.push(("auth token_url", o.token_url.clone()));
                if let Some(u) = &o.auth_url {
                    f.push(("auth auth_url", u.clone()));
                }
                if let Some(u) = &o.device_url {
                    f.push(("auth device_url", u.clone()));
                }
                f.push(("auth client_id", o.client_id.clone()));
                if let Some(s) = &o.client_secret {
                    f.push(("auth client_secret", s.clone()));
                }
                for s in &o.scopes {
                    f.push(("auth scopes", s.clone()));
                }
            }
        }
        f
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
    /// Use the collection's cookie jar (default true).
    pub cookies: Option<bool>,
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
            cookies: self.cookies.or(parent.cookies),
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
    /// `[commands]` of `collection.toml`: secret name → shell command, for `{{cmd.NAME}}` (run only once trusted).
    pub commands: Vec<KeyValue>,
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

    /// The environment used when none is chosen: the only one, else one called `local`, else none.
    pub fn default_environment(&self) -> Option<&Environment> {
        if self.environments.len() == 1 {
            return self.environments.first();
        }
        self.environment("local")
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

    /// The command declared for `{{cmd.NAME}}` in `collection.toml`'s `[commands]`.
    pub fn command(&self, name: &str) -> Option<&str> {
        self.tree
            .defaults
            .commands
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value.as_str())
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
}
