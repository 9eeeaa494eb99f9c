//! Auth failures: each names the step that failed and what to check, e.g. "token endpoint returned 401
//! invalid_client: check client_id and client_secret in environment `staging`".

use std::fmt;

/// What kind of failure, for callers that react differently (e.g. offer `apix auth login` on `NeedsLogin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthErrorKind {
    /// The network failed during an auth step (connect, DNS, TLS, timeout).
    Network,
    /// The server refused the credentials (401, invalid_client, invalid_grant, a bad signature).
    Rejected,
    /// The user (or the provider on their behalf) said no.
    Denied,
    /// Waited too long: a redirect that never came, a device code that expired.
    Timeout,
    /// No usable token and no way to ask the user here: run `apix auth login`.
    NeedsLogin,
    /// The auth configuration cannot work as written.
    Config,
    /// The server answered something that does not follow the protocol.
    Protocol,
    /// The token cache or trust store could not be read or written.
    Storage,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    pub kind: AuthErrorKind,
    /// The failing step as the user knows it: "token endpoint", "authorization", "digest challenge".
    pub step: String,
    /// What happened, continuing the step: "returned 401 invalid_client".
    pub problem: String,
    /// What to check, said after a colon: "check client_id and client_secret in environment `staging`".
    pub check: Option<String>,
}

impl AuthError {
    pub fn new(kind: AuthErrorKind, step: impl Into<String>, problem: impl Into<String>) -> Self {
        AuthError {
            kind,
            step: step.into(),
            problem: problem.into(),
            check: None,
        }
    }

    pub fn check(mut self, check: impl Into<String>) -> Self {
        self.check = Some(check.into());
        self
    }

    pub fn cancelled() -> Self {
        AuthError::new(AuthErrorKind::Cancelled, "auth", "was cancelled")
    }

    /// Hides every secret value that might have slipped into the text (e.g. a provider echoing a parameter).
    pub fn masked(mut self, secrets: &[String]) -> Self {
        use crate::template::mask_secrets;
        self.problem = mask_secrets(&self.problem, secrets);
        self.check = self.check.map(|c| mask_secrets(&c, secrets));
        self
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.step, self.problem)?;
        if let Some(c) = &self.check {
            write!(f, ": {c}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {}

/// "in environment `staging`", or "" without one: appended to what-to-check sentences.
pub(crate) fn in_env(environment: Option<&str>) -> String {
    match environment {
        Some(e) => format!(" in environment `{e}`"),
        None => String::new(),
    }
}
