//! The embedded demo API: a small, deterministic HTTP server on 127.0.0.1 used by the sample
//! collection, the integration tests and the benchmarks.
//!
//! Errors are RFC 9457 `application/problem+json` documents. All state (users, rate-limit windows)
//! lives in the router, so each [`DemoServer`] starts fresh.

mod auth;
mod content;
mod cookies;
mod echo;
mod large;
mod misc;
mod oauth;
mod problem;
mod signed;
mod users;

use std::net::{Ipv4Addr, SocketAddr};

use axum::extract::{DefaultBodyLimit, FromRef, Request};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::oneshot;

pub use content::{crc32, tiny_png};
pub use large::LargeDoc;
pub use problem::{parse_size, Problem, PROBLEM_JSON};

/// Username accepted by `GET /auth/basic`.
pub const DEMO_BASIC_USER: &str = "demo";
/// Password accepted by `GET /auth/basic`.
pub const DEMO_BASIC_PASSWORD: &str = "apix-demo-password";
/// Token accepted by `GET /auth/bearer`.
pub const DEMO_BEARER_TOKEN: &str = "demo-token";
/// Key accepted by `GET /auth/apikey` (header `X-Api-Key` or query `api_key`).
pub const DEMO_API_KEY: &str = "demo-key";

/// OAuth 2.0 confidential client of the demo provider (`/oauth/*`).
pub const DEMO_CLIENT_ID: &str = "apix-demo-client";
pub const DEMO_CLIENT_SECRET: &str = "apix-demo-client-secret";
/// Public client (no secret) for the authorization-code and device flows.
pub const DEMO_PUBLIC_CLIENT_ID: &str = "apix-demo-public";
/// Credentials accepted by `/auth/aws` (region us-east-1, service `demo`).
pub const DEMO_AWS_ACCESS_KEY: &str = "AKIDAPIXDEMO";
pub const DEMO_AWS_SECRET_KEY: &str = "apix-demo-aws-secret";
pub const DEMO_AWS_REGION: &str = "us-east-1";
pub const DEMO_AWS_SERVICE: &str = "demo";

/// Router state; handlers extract the part they need via `FromRef`.
#[derive(Debug, Clone)]
struct AppState {
    users: users::Users,
    limits: auth::RateLimits,
}

impl FromRef<AppState> for users::Users {
    fn from_ref(state: &AppState) -> Self {
        state.users.clone()
    }
}

impl FromRef<AppState> for auth::RateLimits {
    fn from_ref(state: &AppState) -> Self {
        state.limits.clone()
    }
}

/// One line per route: (method, path, what it does).
pub fn route_summary() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("GET", "/", "This index: every route of the demo API"),
        ("GET", "/users", "List users (?limit=N); X-Total-Count header"),
        (
            "POST",
            "/users",
            "Create a user from JSON {name, email, roles?, team?}; 201 + Location",
        ),
        ("GET", "/users/{id}", "Fetch one user"),
        ("PUT", "/users/{id}", "Replace a user (name and email required)"),
        ("PATCH", "/users/{id}", "Merge-patch a user (RFC 7396)"),
        ("DELETE", "/users/{id}", "Delete a user; 204"),
        ("ANY", "/echo", "Echo method, path, query, headers, body, form, multipart and JSON"),
        ("ANY", "/echo/{*rest}", "Same as /echo, for any sub-path"),
        (
            "GET",
            "/status/{code}",
            "Respond with that status (?body=plain, ?shape=error|message)",
        ),
        ("GET", "/delay", "Wait ?ms=N milliseconds (max 120000) before answering"),
        ("GET", "/drip", "Stream ?bytes=N of 'a' in ?chunk=C pieces every ?interval_ms=M"),
        (
            "GET",
            "/large",
            "Streamed JSON document of ?size=1MB|20MB|... (?shape=pretty|minified)",
        ),
        ("GET", "/minified", "Same as /large with shape=minified"),
        ("GET", "/gzip", "Small JSON document, Content-Encoding: gzip"),
        ("GET", "/brotli", "Small JSON document, Content-Encoding: br"),
        ("GET", "/zstd", "Small JSON document, Content-Encoding: zstd"),
        ("GET", "/deflate", "Small JSON document, Content-Encoding: deflate (zlib)"),
        ("GET", "/bomb", "Gzip-encoded zeros decoding to ?size=SIZE bytes (default 64MB)"),
        ("GET", "/binary", "?size=N bytes of octet-stream starting with the PNG magic"),
        ("GET", "/image.png", "A valid 3x2 pixel PNG image"),
        (
            "GET",
            "/text/invalid-utf8",
            "text/plain; charset=utf-8 containing invalid UTF-8 bytes",
        ),
        ("GET", "/text/latin1", "text/plain; charset=iso-8859-1"),
        ("GET", "/xml", "Small XML document"),
        ("GET", "/html", "Small HTML page"),
        ("GET", "/yaml", "Small YAML document"),
        ("GET", "/text", "Small plain-text document"),
        ("GET", "/redirect/{n}", "Chain of n 302 redirects ending in {\"redirected\": true}"),
        ("GET", "/redirect-to", "Redirect to ?url=U with ?status=301|302|303|307|308"),
        ("GET", "/redirect-loop", "Redirects to /redirect-loop/b, which redirects back"),
        ("GET", "/redirect-loop/b", "Second half of the redirect loop"),
        ("GET", "/auth/basic", "Requires Basic demo:apix-demo-password"),
        ("GET", "/auth/bearer", "Requires Authorization: Bearer demo-token"),
        ("GET", "/auth/apikey", "Requires X-Api-Key: demo-key or ?api_key=demo-key"),
        (
            "ANY",
            "/auth/digest",
            "Requires Digest demo:apix-demo-password (SHA-256; ?algorithm=MD5)",
        ),
        (
            "ANY",
            "/auth/aws",
            "Requires AWS SigV4 with AKIDAPIXDEMO / apix-demo-aws-secret, us-east-1, service demo",
        ),
        (
            "GET",
            "/oauth/authorize",
            "OAuth 2.0 authorization (PKCE S256); approves at once, ?decision=deny refuses",
        ),
        (
            "POST",
            "/oauth/token",
            "OAuth 2.0 token endpoint: client_credentials, authorization_code, refresh_token, device_code; ?ttl=N",
        ),
        ("POST", "/oauth/device", "OAuth 2.0 device authorization (RFC 8628)"),
        (
            "GET",
            "/oauth/device/verify",
            "Approve a device code: ?user_code=X (&decision=deny refuses)",
        ),
        ("GET", "/oauth/protected", "Requires a live access token from this provider"),
        (
            "GET",
            "/limited",
            "Rate limited to ?limit=N per ?window=S seconds (default 5 per 60)",
        ),
        ("POST", "/limited/reset", "Reset all rate-limit windows"),
        ("GET", "/headers/many", "?n=N X-Demo-N headers plus two Set-Cookie headers"),
        ("GET", "/cookies", "The cookies the request carried"),
        ("GET", "/cookies/set", "?name=value&... sets cookies, then redirects to /cookies"),
        ("GET", "/cookies/delete", "?name&... expires cookies, then redirects to /cookies"),
    ]
}

async fn index() -> Response {
    let routes: Vec<Value> = route_summary()
        .into_iter()
        .map(|(method, path, description)| json!({ "method": method, "path": path, "description": description }))
        .collect();
    problem::json_response(
        StatusCode::OK,
        &json!({
            "name": "apix demo API",
            "version": env!("CARGO_PKG_VERSION"),
            "routes": routes,
        }),
    )
}

async fn not_found(method: Method, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    Problem::not_found(format!("no route for {method} {path}; send GET / for the list of routes"))
        .with("path", path)
        .into_response()
}

async fn method_not_allowed(method: Method, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{path} does not support {method}; see the Allow header or GET / for the routes"),
    )
    .with("path", path)
    .into_response()
}

/// All routes, with fresh state (three seeded users, no rate-limit windows).
pub fn router() -> Router {
    let state = AppState {
        users: users::Users::seeded(),
        limits: auth::RateLimits::default(),
    };
    let echo_route = || any(echo::echo).layer(DefaultBodyLimit::max(echo::ECHO_BODY_LIMIT));
    Router::new()
        .route("/", get(index))
        .route("/users", get(users::list).post(users::create))
        .route(
            "/users/{id}",
            get(users::get).put(users::replace).patch(users::patch).delete(users::delete),
        )
        .route("/echo", echo_route())
        .route("/echo/{*rest}", echo_route())
        .route("/status/{code}", get(misc::status))
        .route("/delay", get(misc::delay))
        .route("/drip", get(misc::drip))
        .route("/large", get(large::large))
        .route("/minified", get(large::minified))
        .route("/gzip", get(content::gzip))
        .route("/brotli", get(content::brotli))
        .route("/zstd", get(content::zstd))
        .route("/deflate", get(content::deflate))
        .route("/bomb", get(content::bomb))
        .route("/binary", get(content::binary))
        .route("/image.png", get(content::image_png))
        .route("/text/invalid-utf8", get(content::invalid_utf8))
        .route("/text/latin1", get(content::latin1))
        .route("/xml", get(content::xml))
        .route("/html", get(content::html))
        .route("/yaml", get(content::yaml))
        .route("/text", get(content::text))
        .route("/redirect/{n}", get(misc::redirect_n))
        .route("/redirect-to", any(misc::redirect_to))
        .route("/redirect-loop", get(misc::redirect_loop))
        .route("/redirect-loop/b", get(misc::redirect_loop_b))
        .route("/auth/basic", get(auth::basic))
        .route("/auth/bearer", get(auth::bearer))
        .route("/auth/apikey", get(auth::api_key))
        .route("/auth/digest", any(signed::digest))
        .route("/auth/aws", any(signed::aws))
        .route("/oauth/authorize", get(oauth::authorize))
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/device", post(oauth::device))
        .route("/oauth/device/verify", get(oauth::device_verify))
        .route("/oauth/protected", get(oauth::protected))
        .route("/limited", get(auth::limited))
        .route("/limited/reset", post(auth::limited_reset))
        .route("/headers/many", get(misc::many_headers))
        .route("/cookies", get(cookies::list))
        .route("/cookies/set", get(cookies::set))
        .route("/cookies/delete", get(cookies::delete))
        // Must come after the routes: it applies to the method routers registered so far.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(axum::Extension(signed::Nonces::default()))
        .layer(axum::Extension(oauth::Provider::default()))
        .with_state(state)
}

/// A running demo server; stops (gracefully) on [`DemoServer::shutdown`] or when dropped.
#[derive(Debug)]
pub struct DemoServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl DemoServer {
    /// Bind 127.0.0.1:port (0 = any free port) synchronously, so the port is known at once, then spawn
    /// the server on the current tokio runtime. Fails if called outside a runtime.
    pub fn start(port: u16) -> std::io::Result<DemoServer> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| std::io::Error::other(format!("DemoServer::start needs a tokio runtime: {e}")))?;
        let std_listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let (tx, rx) = oneshot::channel::<()>();
        runtime.spawn(async move {
            let serve = axum::serve(listener, router()).with_graceful_shutdown(async move {
                // Either an explicit shutdown or the sender being dropped stops the server.
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                eprintln!("apix demo server error: {e}");
            }
        });
        Ok(DemoServer { addr, shutdown: Some(tx) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting connections and let in-flight requests finish.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `apix demo-server --port N`: serve until Ctrl-C.
pub async fn run_foreground(port: u16) -> std::io::Result<()> {
    let server = DemoServer::start(port)?;
    println!("apix demo API listening on {} (Ctrl-C to stop)", server.url());
    tokio::signal::ctrl_c().await?;
    server.shutdown();
    Ok(())
}
