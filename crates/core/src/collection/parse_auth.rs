//! `[auth]` tables: one strict key list per type, so a typo (`client_secert`) is an error with a hint rather than
//! a request sent without credentials.

use toml_edit::{Item, TableLike, Value};

use super::ctx::{as_table_like, check_keys, get_string, type_name, Ctx};
use super::diag::did_you_mean;
use super::model::*;

pub(crate) const AUTH_TYPES: [&str; 8] = ["inherit", "none", "basic", "bearer", "apikey", "digest", "aws", "oauth2"];

const OAUTH_KEYS: &[&str] = &[
    "type",
    "grant",
    "token_url",
    "auth_url",
    "device_url",
    "client_id",
    "client_secret",
    "scopes",
    "redirect_port",
    "client_auth",
];

struct Fields<'t> {
    table: &'t dyn TableLike,
    item: &'t Item,
    kind: String,
}

impl Fields<'_> {
    /// A key the type cannot do without; reports it when missing.
    fn required(&self, ctx: &mut Ctx, key: &str) -> String {
        match get_string(ctx, self.table, key) {
            Some(v) => v,
            None => {
                if self.table.get(key).is_none() {
                    ctx.error(
                        self.item.span(),
                        format!("auth type `{}` needs `{key}`", self.kind),
                        Some(format!("add {key} = \"...\" (use {{{{env.NAME}}}} for secrets)")),
                    );
                }
                String::new()
            }
        }
    }

    fn optional(&self, ctx: &mut Ctx, key: &str) -> Option<String> {
        get_string(ctx, self.table, key)
    }

    /// One of `choices` (by its file spelling), defaulting to the first.
    fn choice<T: Copy>(&self, ctx: &mut Ctx, key: &str, choices: &[(&str, T)]) -> T {
        let Some(text) = get_string(ctx, self.table, key) else {
            return choices[0].1;
        };
        if let Some((_, v)) = choices.iter().find(|(name, _)| *name == text) {
            return *v;
        }
        let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
        let span = self.table.get(key).and_then(|i| i.span());
        let hint = match did_you_mean(&text, names.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"? one of: {}", names.join(", ")),
            None => format!("one of: {}", names.join(", ")),
        };
        ctx.error(span, format!("`{key}` cannot be \"{text}\""), Some(hint));
        choices[0].1
    }
}

pub(crate) fn parse_auth(ctx: &mut Ctx, item: &Item) -> AuthDef {
    let Some(t) = as_table_like(ctx, item, "auth") else {
        return AuthDef::Inherit;
    };
    let Some(kind) = get_string(ctx, t, "type") else {
        if t.get("type").is_none() {
            ctx.error(
                item.span(),
                "[auth] needs a `type`",
                Some(format!("one of: {}", AUTH_TYPES.join(", "))),
            );
        }
        return AuthDef::Inherit;
    };
    let f = Fields {
        table: t,
        item,
        kind: kind.clone(),
    };
    let keys = |ctx: &mut Ctx, allowed: &[&str]| check_keys(ctx, t, allowed, &format!("[auth] of type {kind}"));
    match kind.as_str() {
        "inherit" => {
            keys(ctx, &["type"]);
            AuthDef::Inherit
        }
        "none" => {
            keys(ctx, &["type"]);
            AuthDef::None
        }
        "basic" | "digest" => {
            keys(ctx, &["type", "username", "password"]);
            let username = f.required(ctx, "username");
            let password = f.optional(ctx, "password").unwrap_or_default();
            if kind == "basic" {
                AuthDef::Basic { username, password }
            } else {
                AuthDef::Digest { username, password }
            }
        }
        "bearer" => {
            keys(ctx, &["type", "token"]);
            AuthDef::Bearer {
                token: f.required(ctx, "token"),
            }
        }
        "apikey" => {
            keys(ctx, &["type", "name", "value", "in"]);
            let name = f.required(ctx, "name");
            let value = f.required(ctx, "value");
            let location = f.choice(ctx, "in", &[("header", ApiKeyLocation::Header), ("query", ApiKeyLocation::Query)]);
            AuthDef::ApiKey { name, value, location }
        }
        "aws" => {
            keys(ctx, &["type", "access_key", "secret_key", "session_token", "region", "service"]);
            AuthDef::Aws(AwsAuth {
                access_key: f.required(ctx, "access_key"),
                secret_key: f.required(ctx, "secret_key"),
                session_token: f.optional(ctx, "session_token"),
                region: f.required(ctx, "region"),
                service: f.required(ctx, "service"),
            })
        }
        "oauth2" => {
            keys(ctx, OAUTH_KEYS);
            parse_oauth2(ctx, &f)
        }
        other => {
            let span = t.get("type").and_then(|i| i.span());
            let hint = match did_you_mean(other, AUTH_TYPES) {
                Some(s) => format!("did you mean \"{s}\"? supported: {}", AUTH_TYPES.join(", ")),
                None => format!("supported: {}", AUTH_TYPES.join(", ")),
            };
            ctx.error(span, format!("unknown auth type \"{other}\""), Some(hint));
            AuthDef::Inherit
        }
    }
}

fn parse_oauth2(ctx: &mut Ctx, f: &Fields) -> AuthDef {
    let grant = f.choice(ctx, "grant", &OAuthGrant::ALL);
    let mut o = OAuth2Auth {
        grant,
        token_url: f.required(ctx, "token_url"),
        auth_url: f.optional(ctx, "auth_url"),
        device_url: f.optional(ctx, "device_url"),
        client_id: f.required(ctx, "client_id"),
        client_secret: f.optional(ctx, "client_secret"),
        scopes: parse_scopes(ctx, f.table),
        redirect_port: None,
        client_auth: f.choice(ctx, "client_auth", &[("basic", ClientAuth::Basic), ("body", ClientAuth::Body)]),
    };
    match grant {
        OAuthGrant::AuthorizationCode if o.auth_url.is_none() => {
            f.required(ctx, "auth_url");
        }
        OAuthGrant::DeviceCode if o.device_url.is_none() => {
            f.required(ctx, "device_url");
        }
        _ => {}
    }
    if let Some(item) = f.table.get("redirect_port") {
        match item.as_integer() {
            Some(n) if (0..=65535).contains(&n) => o.redirect_port = (n != 0).then_some(n as u16),
            _ => ctx.error(
                item.span(),
                format!("`redirect_port` must be a port number from 1 to 65535, found {}", type_name(item)),
                Some("write redirect_port = 8910 (the port registered with the provider for http://127.0.0.1:PORT/callback)".into()),
            ),
        }
    }
    AuthDef::OAuth2(o)
}

/// `scopes = ["read", "write"]`, or one space-separated string as providers print them.
fn parse_scopes(ctx: &mut Ctx, t: &dyn TableLike) -> Vec<String> {
    let Some(item) = t.get("scopes") else {
        return Vec::new();
    };
    match item.as_value() {
        Some(Value::String(s)) => s.value().split_whitespace().map(str::to_string).collect(),
        Some(Value::Array(arr)) if arr.iter().all(|v| v.as_str().is_some()) => {
            arr.iter().filter_map(|v| v.as_str()).map(str::to_string).collect()
        }
        _ => {
            ctx.error(
                item.span(),
                format!("`scopes` must be a list of strings, found {}", type_name(item)),
                Some("write scopes = [\"read\", \"write\"]".into()),
            );
            Vec::new()
        }
    }
}
