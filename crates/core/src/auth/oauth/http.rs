//! The HTTP side of `oauth2`: its requests go through our reqwest client (the request's proxy, CA and TLS
//! settings apply), and the status and body of the last answer are kept so errors can say "returned 401".

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use oauth2::{ErrorResponseType, HttpRequest, HttpResponse, RequestTokenError, StandardErrorResponse};

use crate::auth::error::{AuthError, AuthErrorKind};
use crate::auth::net;
use crate::http::SendOptions;

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    last_status: Arc<Mutex<Option<u16>>>,
    /// The `error` code of the last answer, when it had one: tells a provider's `expired_token` from the one the
    /// `oauth2` crate makes up when its own polling deadline passes.
    last_error: Arc<Mutex<Option<String>>>,
    opts: SendOptions,
}

type Call = Pin<Box<dyn Future<Output = Result<HttpResponse, reqwest::Error>> + Send>>;

impl Http {
    pub fn new(opts: &SendOptions) -> Result<Http, AuthError> {
        Ok(Http {
            client: net::client(opts)?,
            last_status: Arc::default(),
            last_error: Arc::default(),
            opts: opts.clone(),
        })
    }

    /// A function `oauth2` can call (it implements `AsyncHttpClient` for such functions).
    pub fn caller(&self) -> impl Fn(HttpRequest) -> Call + '_ {
        move |req: HttpRequest| {
            let client = self.client.clone();
            let last = self.last_status.clone();
            let last_error = self.last_error.clone();
            Box::pin(async move {
                let (parts, body) = req.into_parts();
                let resp = client
                    .request(parts.method, parts.uri.to_string())
                    .headers(parts.headers)
                    .body(body)
                    .send()
                    .await?;
                let status = resp.status();
                if let Ok(mut l) = last.lock() {
                    *l = Some(status.as_u16());
                }
                let headers = resp.headers().clone();
                let bytes = resp.bytes().await?.to_vec();
                let code = serde_json::from_slice::<serde_json::Value>(&bytes)
                    .ok()
                    .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string));
                if let Ok(mut l) = last_error.lock() {
                    *l = code;
                }
                let mut out = HttpResponse::new(bytes);
                *out.status_mut() = status;
                *out.headers_mut() = headers;
                Ok(out)
            }) as Call
        }
    }

    fn status(&self) -> Option<u16> {
        self.last_status.lock().ok().and_then(|s| *s)
    }

    /// Says what went wrong at `step` (e.g. "token endpoint") and what to check.
    pub fn error<T>(
        &self,
        step: &str,
        url: &str,
        e: RequestTokenError<reqwest::Error, StandardErrorResponse<T>>,
        ctx: &ErrorContext,
    ) -> AuthError
    where
        T: ErrorResponseType + serde::Serialize + std::fmt::Display + 'static,
    {
        let status = self.status().map(|s| format!("{s} ")).unwrap_or_default();
        match e {
            RequestTokenError::ServerResponse(r) => {
                let code = serde_json::to_value(r.error())
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| "error".into());
                let said = self.last_error.lock().ok().and_then(|l| l.clone());
                if code == "expired_token" && said.as_deref() != Some("expired_token") {
                    // The provider never said so: the device code's lifetime ran out while apix polled.
                    return AuthError::new(
                        AuthErrorKind::Timeout,
                        "device authorization",
                        "was not approved in time: apix stopped waiting when the device code's lifetime ended",
                    )
                    .check("log in again and approve the code at the verification page before it expires");
                }
                let desc = r.error_description().map(|d| format!(" ({d})")).unwrap_or_default();
                let (kind, check) = advice(&code, ctx);
                AuthError::new(kind, step, format!("returned {status}{code}{desc}")).check(check)
            }
            RequestTokenError::Request(e) => net::network_error(step, url, &e, &self.opts),
            RequestTokenError::Parse(_, body) => {
                let text = String::from_utf8_lossy(&body);
                let shown: String = text.chars().take(200).collect();
                AuthError::new(
                    AuthErrorKind::Protocol,
                    step,
                    format!("returned {status}with a body that is not an OAuth 2.0 response: {shown}"),
                )
                .check(format!("check that {url} is the provider's {step}"))
            }
            RequestTokenError::Other(msg) => AuthError::new(
                AuthErrorKind::Protocol,
                step,
                format!("returned {status}an unexpected answer: {msg}"),
            )
            .check(format!("check that {url} is the provider's {step}")),
        }
    }
}

/// What an error message can point at.
pub struct ErrorContext {
    pub environment: Option<String>,
    pub grant: &'static str,
    /// True when the failing call was a refresh (an `invalid_grant` then means the refresh token is no longer good).
    pub refreshing: bool,
}

fn advice(code: &str, ctx: &ErrorContext) -> (AuthErrorKind, String) {
    let env = crate::auth::error::in_env(ctx.environment.as_deref());
    match code {
        "invalid_client" => (AuthErrorKind::Rejected, format!("check client_id and client_secret{env}")),
        "invalid_grant" if ctx.refreshing => (
            AuthErrorKind::Rejected,
            "the refresh token is no longer accepted; log in again (`apix auth login`)".into(),
        ),
        "invalid_grant" => (
            AuthErrorKind::Rejected,
            "the code or credentials were refused (expired or already used); start the login again".into(),
        ),
        "invalid_scope" => (AuthErrorKind::Rejected, format!("check `scopes` in [auth]{env}")),
        "unauthorized_client" | "unsupported_grant_type" => (
            AuthErrorKind::Rejected,
            format!("check that this client may use the {} grant at the provider", ctx.grant),
        ),
        "access_denied" => (
            AuthErrorKind::Denied,
            "the authorization was refused; approve it, or check the client's permissions".into(),
        ),
        "expired_token" => (
            AuthErrorKind::Timeout,
            "the device code expired before it was approved; log in again".into(),
        ),
        _ => (
            AuthErrorKind::Rejected,
            format!("check the [auth] settings{env} against the provider's documentation"),
        ),
    }
}
