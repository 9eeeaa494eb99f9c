//! `prepare(def, context) -> Prepared`: everything resolved and checked before anything is sent. Errors here name
//! the variable, the field and the file, and nothing is spawned.

use std::path::{Path, PathBuf};

use base64::Engine;
use thiserror::Error;

use super::fields::display_path;
pub use super::fields::{request_fields, usages};
pub use super::options::*;

use crate::collection::{ApiKeyLocation, AuthDef, AwsAuth, Body, Collection, Environment, Folder, KeyValue, OAuth2Auth, RequestDef};
use crate::template::{DemoUrlFn, ResolveFailure, Resolver, Scope, TemplateError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartData {
    Text(String),
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedPart {
    pub name: String,
    pub data: PartData,
    pub content_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PreparedBody {
    #[default]
    Empty,
    Bytes(Vec<u8>),
    Multipart(Vec<PreparedPart>),
    File(PathBuf),
}

/// A request ready to send: every placeholder resolved, auth applied, options defaulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub method: String,
    pub url: url::Url,
    /// In order, repeats allowed; includes the auth header, if any.
    pub headers: Vec<(String, String)>,
    pub body: PreparedBody,
    pub options: SendOptions,
    /// Values that came from secret sources or credentials: masked wherever shown.
    pub secrets: Vec<String>,
    /// The request file, for history and messages.
    pub source: Option<PathBuf>,
    /// Where the effective auth came from: "request", "folder users", "collection", or None for no auth.
    pub auth_origin: Option<String>,
    /// Things worth saying that do not stop the send (e.g. a JSON body that does not parse).
    pub warnings: Vec<String>,
    /// Auth that needs send-time work; `core::auth::authorize` does it (and clears this) before `send`.
    pub pending_auth: Option<PendingAuth>,
    /// Names of the headers the auth scheme set (credentials: never sent to another origin on a redirect).
    pub credential_headers: Vec<String>,
    /// Names of the query parameters the auth scheme added (an API key in the URL).
    pub credential_query: Vec<String>,
    /// The variable the URL as written takes its host from (`{{base_url}}/…`): a wrong host is the environment's.
    pub host_variable: Option<String>,
}

/// Auth resolved from the files but not yet applied: a Digest challenge round trip, a SigV4 signature over the final
/// request, or an OAuth 2.0 token from the cache or a flow. Every field is resolved (no placeholders left).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingAuth {
    Digest {
        username: String,
        password: String,
    },
    Aws(AwsAuth),
    OAuth2 {
        config: OAuth2Auth,
        /// The collection root and environment: with the config they key the token cache.
        collection: Option<PathBuf>,
        environment: Option<String>,
    },
}

impl PendingAuth {
    pub fn type_name(&self) -> &'static str {
        match self {
            PendingAuth::Digest { .. } => "digest",
            PendingAuth::Aws(_) => "aws",
            PendingAuth::OAuth2 { .. } => "oauth2",
        }
    }
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PrepareError {
    #[error("{0}")]
    Template(Box<TemplateError>),
    #[error("invalid URL `{}`{}: {part}", crate::sanitize::excerpt(url, 200), in_file(file))]
    InvalidUrl { url: String, part: String, file: String },
    #[error("the request has {what}{}; apix sends at most {limit}", in_file(file))]
    TooMany { what: String, limit: String, file: String },
    #[error("header `{name}`{} is not valid: {reason}", in_file(file))]
    InvalidHeader { name: String, reason: String, file: String },
    #[error("the {what} file `{path}` does not exist (paths are relative to {base})")]
    MissingFile { what: String, path: String, base: String },
    #[error("{what} reads {} from outside collection {}, and this collection is not trusted to send files from outside its folder on this machine", path.display(), collection.display())]
    UntrustedFile { what: String, path: PathBuf, collection: PathBuf },
}

fn in_file(file: &str) -> String {
    if file.is_empty() {
        String::new()
    } else {
        format!(" in {file}")
    }
}

impl From<TemplateError> for PrepareError {
    fn from(e: TemplateError) -> Self {
        PrepareError::Template(Box::new(e))
    }
}

impl PrepareError {
    pub fn hint(&self) -> Option<String> {
        match self {
            PrepareError::Template(t) => t.hint(),
            PrepareError::InvalidUrl { .. } => {
                Some("a URL looks like https://host:port/path?query; check the variables that build it".into())
            }
            PrepareError::InvalidHeader { .. } => {
                Some("header names are letters, digits and -_ without spaces; values cannot contain line breaks".into())
            }
            PrepareError::MissingFile { .. } => None,
            PrepareError::UntrustedFile { collection, .. } => Some(format!(
                "if you trust this collection to send such files, allow it with `apix trust {}` (asked once per collection)",
                collection.display()
            )),
            PrepareError::TooMany { .. } => Some("check for a folder.toml or a generated file that adds far more than intended".into()),
        }
    }
}

/// A request carries at most this many headers (the HTTP library cannot hold more than 32,768; servers refuse far
/// fewer).
pub const MAX_HEADERS: usize = 1000;

/// The longest URL apix sends (the HTTP library's limit is just under 64 KB).
pub const MAX_URL_LEN: usize = 64_000;

/// What a request is prepared against.
#[derive(Clone, Default)]
pub struct PrepareContext<'a> {
    pub collection: Option<&'a Collection>,
    pub environment: Option<&'a Environment>,
    pub overrides: &'a [(String, String)],
    pub demo_url: Option<DemoUrlFn>,
    /// For a masked preview (`y` in the TUI, `apix export curl`): secrets that cannot be had stand as ••••••.
    pub masked_preview: bool,
    /// A run's secrets, looked up once for all its requests (None: looked up for each request).
    pub secrets: Option<crate::template::sources::SecretCache>,
    /// Which commands may run for `{{cmd.NAME}}` (None: the data dir's trust.json).
    pub trust: Option<crate::template::trust::TrustStore>,
}

struct Env<'r, 'a> {
    resolver: Resolver<'a>,
    ctx: &'r PrepareContext<'a>,
    def: &'r RequestDef,
    searched: Vec<String>,
}

impl Env<'_, '_> {
    fn resolve(&mut self, template: &str, field: &str) -> Result<String, PrepareError> {
        self.resolve_marked(template, field).map(|(s, _)| s)
    }

    fn resolve_marked(&mut self, template: &str, field: &str) -> Result<(String, bool), PrepareError> {
        self.resolver
            .resolve_marked(template)
            .map_err(|f| PrepareError::Template(Box::new(self.error(f, field, template))))
    }

    fn error(&self, failure: ResolveFailure, field: &str, template: &str) -> TemplateError {
        let mut e = TemplateError::new(failure, field);
        e.file = Some(display_path(self.ctx.collection, &self.def.path));
        if let ResolveFailure::Syntax { offset, .. } = &e.failure {
            e.position = syntax_position(&self.def.path, template, *offset);
        }
        e.environment = self.ctx.environment.map(|e| e.name.clone());
        e.searched = self.searched.clone();
        if let ResolveFailure::Unknown { name } = &e.failure {
            if let Some(c) = self.ctx.collection {
                // Every other use, including other fields of this same file; not the field being reported.
                let here = format!("{} ({field})", e.file.as_ref().map(|p| p.display().to_string()).unwrap_or_default());
                e.used_in = usages(c, name).into_iter().filter(|u| *u != here).collect();
            }
            let known = known_names(self.ctx);
            e.suggestion = crate::collection::diag::did_you_mean(name, known.iter().map(|s| s.as_str())).map(str::to_string);
        }
        e
    }
}

/// The file line:col of byte `offset` of `template`, found where the template is written in `path` (when written
/// as is, on one line up to the offset).
fn syntax_position(path: &Path, template: &str, offset: usize) -> Option<(usize, usize)> {
    let src = crate::collection::load::read_limited(path)?;
    let start = src.find(template)?;
    let before = template.get(..offset)?;
    if before.contains('\n') {
        return None;
    }
    let (line, col) = crate::collection::diag::line_col(&src, start);
    Some((line, col + before.chars().count()))
}

fn known_names(ctx: &PrepareContext) -> Vec<String> {
    let mut names: Vec<String> = ctx.overrides.iter().map(|(k, _)| k.clone()).collect();
    if let Some(e) = ctx.environment {
        names.extend(e.vars.iter().map(|v| v.name.clone()));
    }
    if let Some(c) = ctx.collection {
        fn walk(f: &Folder, out: &mut Vec<String>) {
            out.extend(f.defaults.vars.iter().map(|v| v.name.clone()));
            for c in &f.children {
                if let crate::collection::Node::Folder(sub) = c {
                    walk(sub, out);
                }
            }
        }
        walk(&c.tree, &mut names);
        for e in &c.environments {
            names.extend(e.vars.iter().map(|v| v.name.clone()));
        }
    }
    names.sort();
    names.dedup();
    names
}

fn merged_headers(chain: &[&Folder], def: &RequestDef) -> Vec<KeyValue> {
    let mut out: Vec<KeyValue> = Vec::new();
    let levels = chain.iter().map(|f| &f.defaults.headers).chain(std::iter::once(&def.headers));
    for level in levels {
        let names: Vec<String> = level.iter().filter(|h| h.enabled).map(|h| h.name.to_ascii_lowercase()).collect();
        out.retain(|h| !names.contains(&h.name.to_ascii_lowercase()));
        out.extend(level.iter().filter(|h| h.enabled).cloned());
    }
    out
}

/// The effective auth and where it comes from, walking request → folders (innermost first) → collection.
pub fn effective_auth<'d>(chain: &[&'d Folder], def: &'d RequestDef) -> (&'d AuthDef, Option<String>) {
    if def.auth != AuthDef::Inherit {
        return (&def.auth, Some("request".into()));
    }
    for (i, f) in chain.iter().enumerate().rev() {
        if f.defaults.auth != AuthDef::Inherit {
            let origin = if i == 0 {
                "collection".to_string()
            } else {
                format!("folder {}", f.name)
            };
            return (&f.defaults.auth, Some(origin));
        }
    }
    (&AuthDef::None, None)
}

fn url_problem(e: url::ParseError, raw: &str) -> String {
    use url::ParseError as P;
    if raw.trim().contains(char::is_whitespace) {
        return "it contains a space (write %20, or check the variables that build it)".into();
    }
    match e {
        P::RelativeUrlWithoutBase => {
            if raw.trim().is_empty() {
                "the URL is empty".into()
            } else {
                "it has no scheme: start it with http:// or https://".into()
            }
        }
        P::EmptyHost => "the host is empty".into(),
        P::InvalidPort => "the port is not a number from 1 to 65535".into(),
        P::InvalidIpv4Address => "the IPv4 address is not valid".into(),
        P::InvalidIpv6Address => "the IPv6 address is not valid".into(),
        P::InvalidDomainCharacter => {
            "the host contains a character that is not allowed in host names (a space or an unresolved placeholder?)".into()
        }
        P::IdnaError => "the host name is not a valid international domain name".into(),
        other => other.to_string(),
    }
}

/// Resolves and checks `def` in `ctx`.
pub fn prepare(ctx: &PrepareContext, def: &RequestDef) -> Result<Prepared, PrepareError> {
    let chain: Vec<&Folder> = ctx.collection.map(|c| c.folder_chain(&def.path)).unwrap_or_default();
    let mut searched = Vec::new();
    if !ctx.overrides.is_empty() {
        searched.push("--var overrides".to_string());
    }
    if let Some(e) = ctx.environment {
        searched.push(format!("environment `{}`", e.name));
    }
    for (i, f) in chain.iter().enumerate().rev() {
        if i == 0 {
            searched.push("collection [vars]".into());
        } else {
            searched.push(format!("folder `{}`", f.name));
        }
    }
    let scope = Scope {
        overrides: ctx.overrides,
        environment: ctx.environment,
        folders: chain.clone(),
        collection_root: ctx.collection.map(|c| c.root.as_path()),
        demo_url: ctx.demo_url.clone(),
        trust: ctx.trust.clone().unwrap_or_default(),
        masked_preview: ctx.masked_preview,
        secrets: ctx.secrets.clone(),
    };
    let mut env = Env {
        resolver: Resolver::new(scope),
        ctx,
        def,
        searched,
    };
    let file_label = display_path(ctx.collection, &def.path).display().to_string();
    let base_dir = def.path.parent().map(Path::to_path_buf).unwrap_or_default();

    let raw_url = env.resolve(&def.url, "url")?;
    if raw_url.len() > MAX_URL_LEN {
        return Err(PrepareError::InvalidUrl {
            url: raw_url,
            part: format!(
                "it is longer than {} once its variables are filled in (servers commonly refuse past 8 KB); send large data in the body",
                crate::format_size(MAX_URL_LEN as u64)
            ),
            file: file_label,
        });
    }
    let mut url = url::Url::parse(raw_url.trim()).map_err(|e| PrepareError::InvalidUrl {
        url: raw_url.clone(),
        part: url_problem(e, &raw_url),
        file: file_label.clone(),
    })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(PrepareError::InvalidUrl {
            url: raw_url.clone(),
            part: format!("the scheme `{}` is not supported: use http:// or https://", url.scheme()),
            file: file_label,
        });
    }
    let mut secrets: Vec<String> = Vec::new();
    let enabled_query: Vec<&KeyValue> = def.query.iter().filter(|q| q.enabled).collect();
    if !enabled_query.is_empty() {
        let mut pairs = Vec::new();
        for q in enabled_query {
            let name = env.resolve(&q.name, &format!("query {}", q.name))?;
            let value = env.resolve(&q.value, &format!("query {}", q.name))?;
            pairs.push((name, value));
        }
        url.query_pairs_mut().extend_pairs(pairs);
    }

    let mut headers = Vec::new();
    let merged = merged_headers(&chain, def);
    if merged.len() > MAX_HEADERS {
        return Err(PrepareError::TooMany {
            what: format!("{} headers (the request's own and those it inherits)", merged.len()),
            limit: format!("{MAX_HEADERS} headers"),
            file: file_label,
        });
    }
    for h in merged {
        let name = env.resolve(&h.name, &format!("header {}", h.name))?;
        let value = env.resolve(&h.value, &format!("header {}", h.name))?;
        check_header(&name, &value, &file_label)?;
        headers.push((name, value));
    }

    let (auth, auth_origin) = effective_auth(&chain, def);
    let mut pending_auth = None;
    let mut credential_headers: Vec<String> = Vec::new();
    let mut credential_query: Vec<String> = Vec::new();
    let auth_origin = if matches!(auth, AuthDef::None) { None } else { auth_origin };
    match auth {
        AuthDef::Inherit | AuthDef::None => {}
        AuthDef::Basic { username, password } => {
            let u = env.resolve(username, "auth username")?;
            let p = env.resolve(password, "auth password")?;
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
            secrets.push(p);
            secrets.push(token.clone());
            set_header(&mut headers, "Authorization", format!("Basic {token}"));
            credential_headers.push("Authorization".into());
        }
        AuthDef::Bearer { token } => {
            let t = env.resolve(token, "auth token")?;
            secrets.push(t.clone());
            set_header(&mut headers, "Authorization", format!("Bearer {t}"));
            credential_headers.push("Authorization".into());
        }
        AuthDef::ApiKey { name, value, location } => {
            let n = env.resolve(name, "auth name")?;
            let v = env.resolve(value, "auth value")?;
            secrets.push(v.clone());
            match location {
                ApiKeyLocation::Header => {
                    check_header(&n, &v, &file_label)?;
                    set_header(&mut headers, &n, v);
                    credential_headers.push(n);
                }
                ApiKeyLocation::Query => {
                    url.query_pairs_mut().append_pair(&n, &v);
                    credential_query.push(n);
                }
            }
        }
        AuthDef::Digest { username, password } => {
            let username = env.resolve(username, "auth username")?;
            let password = env.resolve(password, "auth password")?;
            secrets.push(password.clone());
            pending_auth = Some(PendingAuth::Digest { username, password });
            credential_headers.push("Authorization".into());
        }
        AuthDef::Aws(a) => {
            let session_token = match &a.session_token {
                Some(t) => Some(env.resolve(t, "auth session_token")?),
                None => None,
            };
            let aws = AwsAuth {
                access_key: env.resolve(&a.access_key, "auth access_key")?,
                secret_key: env.resolve(&a.secret_key, "auth secret_key")?,
                session_token,
                region: env.resolve(&a.region, "auth region")?,
                service: env.resolve(&a.service, "auth service")?,
            };
            secrets.push(aws.secret_key.clone());
            secrets.extend(aws.session_token.clone());
            pending_auth = Some(PendingAuth::Aws(aws));
            credential_headers.extend(["Authorization".into(), "X-Amz-Security-Token".into()]);
        }
        AuthDef::OAuth2(o) => {
            let mut opt = |v: &Option<String>, field: &str| v.as_ref().map(|t| env.resolve(t, field)).transpose();
            let (auth_url, device_url) = (opt(&o.auth_url, "auth auth_url")?, opt(&o.device_url, "auth device_url")?);
            let client_secret = opt(&o.client_secret, "auth client_secret")?;
            let mut scopes = Vec::new();
            for sc in &o.scopes {
                scopes.extend(env.resolve(sc, "auth scopes")?.split_whitespace().map(str::to_string));
            }
            let config = OAuth2Auth {
                token_url: env.resolve(&o.token_url, "auth token_url")?,
                client_id: env.resolve(&o.client_id, "auth client_id")?,
                auth_url,
                device_url,
                client_secret,
                scopes,
                ..o.clone()
            };
            secrets.extend(config.client_secret.clone());
            if let Some(cs) = &config.client_secret {
                // Token endpoints get the client credentials as HTTP Basic, form-encoded first (RFC 6749 2.3.1): an
                // error that echoes the header must not show them either.
                let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                let b64 = base64::engine::general_purpose::STANDARD;
                secrets.push(b64.encode(format!("{}:{cs}", config.client_id)));
                secrets.push(b64.encode(format!("{}:{}", enc(&config.client_id), enc(cs))));
            }
            credential_headers.push("Authorization".into());
            pending_auth = Some(PendingAuth::OAuth2 {
                config,
                collection: ctx.collection.map(|c| c.root.clone()),
                environment: ctx.environment.map(|e| e.name.clone()),
            });
        }
    }

    let mut warnings = Vec::new();
    let body = match &def.body {
        Body::None => PreparedBody::Empty,
        Body::Json(j) => {
            let text = env.resolve(j, "body")?;
            if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text) {
                // serde's text ends with its own "at line L column C": keep only the reason.
                let reason = e.to_string();
                let reason = reason.split(" at line ").next().unwrap_or(&reason).to_string();
                warnings.push(format!(
                    "the JSON body does not parse at line {}, column {} ({reason}); sending it as written",
                    e.line(),
                    e.column()
                ));
            }
            default_header(&mut headers, "Content-Type", "application/json");
            PreparedBody::Bytes(text.into_bytes())
        }
        Body::Text { text, content_type } => {
            let text = env.resolve(text, "body")?;
            let ct = match content_type {
                Some(ct) => env.resolve(ct, "body content_type")?,
                None => "text/plain; charset=utf-8".to_string(),
            };
            default_header(&mut headers, "Content-Type", &ct);
            PreparedBody::Bytes(text.into_bytes())
        }
        Body::Form(fields) => {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            for f in fields.iter().filter(|f| f.enabled) {
                let n = env.resolve(&f.name, &format!("form field {}", f.name))?;
                let v = env.resolve(&f.value, &format!("form field {}", f.name))?;
                ser.append_pair(&n, &v);
            }
            default_header(&mut headers, "Content-Type", "application/x-www-form-urlencoded");
            PreparedBody::Bytes(ser.finish().into_bytes())
        }
        Body::Multipart(parts) => {
            let mut out = Vec::new();
            for p in parts.iter().filter(|p| p.enabled) {
                let field = format!("multipart part {}", p.name);
                let name = env.resolve(&p.name, &field)?;
                let data = match (&p.value, &p.file) {
                    (Some(v), _) => PartData::Text(env.resolve(v, &field)?),
                    (None, Some(f)) => {
                        let path = base_dir.join(env.resolve(f, &field)?);
                        if !path.is_file() {
                            return Err(PrepareError::MissingFile {
                                what: format!("multipart part `{name}`"),
                                path: f.clone(),
                                base: base_dir.display().to_string(),
                            });
                        }
                        check_outside(ctx, &path, &format!("multipart part `{name}`"))?;
                        PartData::File(path)
                    }
                    (None, None) => PartData::Text(String::new()),
                };
                let content_type = match &p.content_type {
                    Some(ct) => Some(env.resolve(ct, &field)?),
                    None => None,
                };
                out.push(PreparedPart { name, data, content_type });
            }
            PreparedBody::Multipart(out)
        }
        Body::File { path, content_type } => {
            let rel = env.resolve(path, "body file")?;
            let full = base_dir.join(&rel);
            if !full.is_file() {
                return Err(PrepareError::MissingFile {
                    what: "body".into(),
                    path: rel,
                    base: base_dir.display().to_string(),
                });
            }
            check_outside(ctx, &full, "the body")?;
            let ct = match content_type {
                Some(ct) => env.resolve(ct, "body content_type")?,
                None => guess_content_type(&full).to_string(),
            };
            default_header(&mut headers, "Content-Type", &ct);
            PreparedBody::File(full)
        }
    };

    let mut opts = def.options.clone();
    for f in chain.iter().skip(1).rev() {
        opts = opts.or(&f.defaults.options);
    }
    if let Some(e) = ctx.environment {
        opts = opts.or(&e.options);
    }
    if let Some(root) = chain.first() {
        opts = opts.or(&root.defaults.options);
    }
    let options_base = ctx.collection.map(|c| c.root.clone());
    let mut options = SendOptions::from_options(&opts, options_base.as_deref().or(Some(base_dir.as_path())));
    if let Some(p) = &options.proxy {
        options.proxy = Some(env.resolve(p, "options proxy")?);
    }

    if !options.verify_tls {
        let from = match ctx.environment {
            Some(e) if e.options.verify_tls == Some(false) => format!(" (environment `{}`)", e.name),
            _ => String::new(),
        };
        warnings.push(format!(
            "TLS certificate verification is OFF{from}: anyone on the network path could read or change this exchange"
        ));
    }
    secrets.extend(env.resolver.into_secrets());
    secrets.retain(|s| !s.is_empty());
    secrets.sort();
    secrets.dedup();
    Ok(Prepared {
        method: def.method.to_ascii_uppercase(),
        url,
        headers,
        body,
        options,
        secrets,
        source: (!def.path.as_os_str().is_empty()).then(|| def.path.clone()),
        auth_origin,
        warnings,
        pending_auth,
        credential_headers,
        credential_query,
        host_variable: crate::template::host_variable(&def.url),
    })
}

/// Whether `path` (an existing file) lies outside the collection root, after following links.
pub fn is_outside(root: &Path, path: &Path) -> bool {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    !path.starts_with(root)
}

/// A collection sends a file from outside its own folder only once trusted to (as for its commands): a cloned
/// collection must not be able to mail `~/.ssh/id_rsa` to its own server.
fn check_outside(ctx: &PrepareContext, path: &Path, what: &str) -> Result<(), PrepareError> {
    let Some(c) = ctx.collection else { return Ok(()) };
    if !is_outside(&c.root, path) {
        return Ok(());
    }
    if crate::template::trust::TrustStore::default().is_trusted(&c.root, crate::template::trust::OUTSIDE_FILES) {
        return Ok(());
    }
    Err(PrepareError::UntrustedFile {
        what: what.to_string(),
        path: std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        collection: c.root.clone(),
    })
}

fn check_header(name: &str, value: &str, file: &str) -> Result<(), PrepareError> {
    if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(PrepareError::InvalidHeader {
            name: name.to_string(),
            reason: "the name contains characters not allowed in header names".into(),
            file: file.to_string(),
        });
    }
    if reqwest::header::HeaderValue::from_str(value).is_err() {
        return Err(PrepareError::InvalidHeader {
            name: name.to_string(),
            reason: "the value contains a line break, a control character or non-ASCII text (HTTP headers carry none of these)".into(),
            file: file.to_string(),
        });
    }
    Ok(())
}

fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers.push((name.to_string(), value));
}

fn default_header(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
        headers.push((name.to_string(), value.to_string()));
    }
}

pub fn guess_content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("html") | Some("htm") => "text/html",
        Some("txt") => "text/plain",
        Some("csv") => "text/csv",
        Some("yaml") | Some("yml") => "application/yaml",
        Some("png") => "image/png",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}
