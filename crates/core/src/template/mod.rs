//! Templating: `{{variables}}`, environments, secret references and dynamic values.

pub mod dotenv;
pub mod error;
pub mod parse;
pub mod resolve;
pub mod sources;
pub mod trust;

#[cfg(test)]
mod tests;

pub use error::TemplateError;
pub use parse::{parse, references, Segment};
pub use resolve::{mask_secrets, DemoUrlFn, ResolveFailure, Resolver, Scope, MASK};

/// The variable a URL as written takes its host from (`{{base_url}}/users` → `base_url`,
/// `https://api.{{region}}.x.com` → `region`): then the selected environment decides where the request goes, and a
/// wrong host is the environment's to fix. None for a literal host.
pub fn host_variable(url: &str) -> Option<String> {
    let rest = url.trim_start();
    let rest = rest.split_once("://").map(|(_, r)| r).unwrap_or(rest);
    // The authority ends at the first / ? # outside a {{…}}.
    let end = if rest.starts_with("{{") {
        rest.find("}}").map(|i| i + 2).unwrap_or(rest.len())
    } else {
        rest.find(['/', '?', '#']).unwrap_or(rest.len())
    };
    let authority = &rest[..end];
    let start = authority.find("{{")? + 2;
    let name = authority[start..].split("}}").next()?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod host_tests {
    use super::host_variable;

    #[test]
    fn a_host_from_a_variable_is_told_from_a_literal_one() {
        assert_eq!(host_variable("{{base_url}}/users").as_deref(), Some("base_url"));
        assert_eq!(host_variable("{{ api }}").as_deref(), Some("api"));
        assert_eq!(host_variable("https://api.{{region}}.example.com/x").as_deref(), Some("region"));
        assert_eq!(host_variable("http://127.0.0.1:9/"), None);
        assert_eq!(host_variable("https://example.com/users/{{id}}"), None);
    }
}
