//! The Auth tab's editable fields, for every scheme: what each row shows, how typed text goes back into the
//! draft, the rows that are choices (Enter picks the next one), and `t`'s cycle through the auth types.
//!
//! Rows are named by their label, not their position: OAuth 2.0 shows `auth_url` only for the authorization code
//! grant (or when the file sets it), so positions move while labels stay.

use crate::core::collection::{ApiKeyLocation, AuthDef, AwsAuth, ClientAuth, OAuth2Auth, OAuthGrant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFieldKind {
    /// Shown as written (templates picked out).
    Text,
    /// Shown masked unless it is a `{{reference}}`.
    Secret,
    /// One of a few values: Enter picks the next.
    Choice,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthField {
    pub label: &'static str,
    pub value: String,
    pub kind: AuthFieldKind,
    /// Shown (muted) in place of an empty value.
    pub when_empty: &'static str,
}

fn field(label: &'static str, value: &str, kind: AuthFieldKind, when_empty: &'static str) -> AuthField {
    AuthField {
        label,
        value: value.to_string(),
        kind,
        when_empty,
    }
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// The rows of `auth` (none for inherit and none).
pub fn auth_fields(auth: &AuthDef) -> Vec<AuthField> {
    use AuthFieldKind::{Choice, Secret, Text};
    match auth {
        AuthDef::Inherit | AuthDef::None => Vec::new(),
        AuthDef::Basic { username, password } | AuthDef::Digest { username, password } => {
            vec![field("username", username, Text, ""), field("password", password, Secret, "")]
        }
        AuthDef::Bearer { token } => vec![field("token", token, Secret, "")],
        AuthDef::ApiKey { name, value, location } => vec![
            field("name", name, Text, ""),
            field("value", value, Secret, ""),
            field("in", location_name(*location), Choice, ""),
        ],
        AuthDef::Aws(a) => vec![
            field("access_key", &a.access_key, Secret, ""),
            field("secret_key", &a.secret_key, Secret, ""),
            field("session_token", opt(&a.session_token), Secret, "(none: long-term keys)"),
            field("region", &a.region, Text, "(e.g. us-east-1)"),
            field("service", &a.service, Text, "(e.g. s3, execute-api)"),
        ],
        AuthDef::OAuth2(o) => {
            let mut f = vec![
                field("grant", o.grant.as_str(), Choice, ""),
                field("token_url", &o.token_url, Text, ""),
            ];
            if o.grant == OAuthGrant::AuthorizationCode || o.auth_url.is_some() {
                f.push(field("auth_url", opt(&o.auth_url), Text, "(needed for authorization_code)"));
            }
            if o.grant == OAuthGrant::DeviceCode || o.device_url.is_some() {
                f.push(field("device_url", opt(&o.device_url), Text, "(needed for device_code)"));
            }
            f.push(field("client_id", &o.client_id, Text, ""));
            f.push(field("client_secret", opt(&o.client_secret), Secret, "(none: a public client)"));
            f.push(field("scopes", &o.scopes.join(" "), Text, "(none; separate several with spaces)"));
            if o.grant == OAuthGrant::AuthorizationCode || o.redirect_port.is_some() {
                let port = o.redirect_port.map(|p| p.to_string()).unwrap_or_default();
                f.push(field("redirect_port", &port, Text, "(any free port)"));
            }
            f.push(field("client_auth", client_auth_name(o.client_auth), Choice, ""));
            f
        }
    }
}

fn location_name(l: ApiKeyLocation) -> &'static str {
    match l {
        ApiKeyLocation::Header => "header",
        ApiKeyLocation::Query => "query",
    }
}

fn client_auth_name(c: ClientAuth) -> &'static str {
    match c {
        ClientAuth::Basic => "basic",
        ClientAuth::Body => "body",
    }
}

/// What is wrong with `text` as a redirect port, in plain words (None: it is a port, or empty for any free one).
pub fn port_problem(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() || t.parse::<u16>().is_ok_and(|p| p > 0) {
        return None;
    }
    Some(format!(
        "redirect_port must be a whole number from 1 to 65535 (leave it empty for any free port); `{t}` is not"
    ))
}

/// Writes the text of row `label` into `auth`. Optional values stay `Some("")` while typed (see `tidy_auth`);
/// a redirect port changes only when the text is a valid port.
pub fn set_auth_field(auth: &mut AuthDef, label: &str, text: String) {
    match auth {
        AuthDef::Basic { username, password } | AuthDef::Digest { username, password } => match label {
            "username" => *username = text,
            "password" => *password = text,
            _ => {}
        },
        AuthDef::Bearer { token } if label == "token" => *token = text,
        AuthDef::ApiKey { name, value, .. } => match label {
            "name" => *name = text,
            "value" => *value = text,
            _ => {}
        },
        AuthDef::Aws(a) => match label {
            "access_key" => a.access_key = text,
            "secret_key" => a.secret_key = text,
            "session_token" => a.session_token = Some(text),
            "region" => a.region = text,
            "service" => a.service = text,
            _ => {}
        },
        AuthDef::OAuth2(o) => match label {
            "token_url" => o.token_url = text,
            "auth_url" => o.auth_url = Some(text),
            "device_url" => o.device_url = Some(text),
            "client_id" => o.client_id = text,
            "client_secret" => o.client_secret = Some(text),
            "scopes" => o.scopes = text.split_whitespace().map(str::to_string).collect(),
            "redirect_port" if port_problem(&text).is_none() => o.redirect_port = text.trim().parse().ok(),
            _ => {}
        },
        _ => {}
    }
}

/// After a field is left: optional values left empty are unset, so the file does not gain `key = ""`.
pub fn tidy_auth(auth: &mut AuthDef) {
    let unset_empty = |v: &mut Option<String>| {
        if v.as_deref().is_some_and(str::is_empty) {
            *v = None;
        }
    };
    match auth {
        AuthDef::Aws(a) => unset_empty(&mut a.session_token),
        AuthDef::OAuth2(o) => {
            unset_empty(&mut o.auth_url);
            unset_empty(&mut o.device_url);
            unset_empty(&mut o.client_secret);
        }
        _ => {}
    }
}

/// Enter on a choice row: the next value. False when `label` is not a choice of `auth`.
pub fn cycle_choice(auth: &mut AuthDef, label: &str) -> bool {
    match (auth, label) {
        (AuthDef::ApiKey { location, .. }, "in") => {
            *location = match location {
                ApiKeyLocation::Header => ApiKeyLocation::Query,
                ApiKeyLocation::Query => ApiKeyLocation::Header,
            };
        }
        (AuthDef::OAuth2(o), "grant") => {
            let all = OAuthGrant::ALL;
            let i = all.iter().position(|(_, g)| *g == o.grant).unwrap_or(0);
            o.grant = all[(i + 1) % all.len()].1;
        }
        (AuthDef::OAuth2(o), "client_auth") => {
            o.client_auth = match o.client_auth {
                ClientAuth::Basic => ClientAuth::Body,
                ClientAuth::Body => ClientAuth::Basic,
            };
        }
        _ => return false,
    }
    true
}

/// `t` in the Auth tab: the next type. Coming back to the type the file has brings its values back.
pub fn next_auth(auth: &AuthDef, original: &AuthDef) -> AuthDef {
    let next = match auth {
        AuthDef::Inherit => AuthDef::None,
        AuthDef::None => AuthDef::Basic {
            username: String::new(),
            password: String::new(),
        },
        AuthDef::Basic { .. } => AuthDef::Bearer { token: String::new() },
        AuthDef::Bearer { .. } => AuthDef::ApiKey {
            name: "X-API-Key".into(),
            value: String::new(),
            location: ApiKeyLocation::Header,
        },
        AuthDef::ApiKey { .. } => AuthDef::Digest {
            username: String::new(),
            password: String::new(),
        },
        AuthDef::Digest { .. } => AuthDef::Aws(AwsAuth::default()),
        AuthDef::Aws(_) => AuthDef::OAuth2(OAuth2Auth::default()),
        AuthDef::OAuth2(_) => AuthDef::Inherit,
    };
    if next.type_name() == original.type_name() {
        original.clone()
    } else {
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_rows_follow_the_grant_and_edit_by_label() {
        let mut auth = AuthDef::OAuth2(OAuth2Auth::default());
        let labels = |a: &AuthDef| auth_fields(a).iter().map(|f| f.label).collect::<Vec<_>>();
        assert!(!labels(&auth).contains(&"auth_url"));
        assert!(cycle_choice(&mut auth, "grant"));
        assert!(labels(&auth).contains(&"auth_url") && labels(&auth).contains(&"redirect_port"));
        set_auth_field(&mut auth, "scopes", " read  write ".into());
        set_auth_field(&mut auth, "redirect_port", "80x".into());
        set_auth_field(&mut auth, "auth_url", String::new());
        tidy_auth(&mut auth);
        let AuthDef::OAuth2(o) = &auth else { unreachable!() };
        assert_eq!(o.scopes, ["read", "write"]);
        assert_eq!((o.redirect_port, &o.auth_url), (None, &None));
        assert!(port_problem("80x").is_some_and(|p| p.contains("1 to 65535")));
        assert!(port_problem("0").is_some() && port_problem("8080").is_none() && port_problem(" ").is_none());
    }

    #[test]
    fn the_type_cycle_reaches_every_scheme_and_restores_the_files_values() {
        let original = AuthDef::Bearer { token: "{{env.T}}".into() };
        let mut a = AuthDef::Inherit;
        let mut seen = Vec::new();
        for _ in 0..8 {
            a = next_auth(&a, &original);
            seen.push(a.type_name());
        }
        assert_eq!(seen, ["none", "basic", "bearer", "apikey", "digest", "aws", "oauth2", "inherit"]);
        assert_eq!(
            next_auth(
                &AuthDef::Basic {
                    username: String::new(),
                    password: String::new()
                },
                &original
            ),
            original
        );
    }
}
