//! In-memory users CRUD (`/users`, `/users/{id}`), seeded with three users per server instance.
//!
//! Users are stored as JSON objects so clients can add arbitrary fields; only `name` and `email`
//! are validated. `id` is server-assigned and immutable (an `id` in a request body is ignored).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::problem::{json_response, parse_path_num, path_param, Params, Problem};

/// Shared user store; one per router so every `DemoServer` starts from the same seed.
#[derive(Debug, Clone)]
pub struct Users(Arc<Mutex<UserStore>>);

#[derive(Debug)]
pub struct UserStore {
    next_id: u64,
    users: BTreeMap<u64, Map<String, Value>>,
}

impl Users {
    pub fn seeded() -> Self {
        let seed = [
            ("Ada Lovelace", "ada@example.com", json!(["admin", "dev"]), 1, "Analytical Engines"),
            ("Grace Hopper", "grace@example.com", json!(["dev"]), 2, "Compilers"),
            ("Alan Turing", "alan@example.com", json!(["viewer"]), 3, "Codebreakers"),
        ];
        let mut users = BTreeMap::new();
        for (i, (name, email, roles, team_id, team)) in seed.into_iter().enumerate() {
            let id = i as u64 + 1;
            let fields = json!({ "name": name, "email": email, "roles": roles,
                                 "team": { "id": team_id, "name": team } });
            if let Value::Object(fields) = fields {
                users.insert(id, with_id(id, fields));
            }
        }
        Users(Arc::new(Mutex::new(UserStore { next_id: 4, users })))
    }

    /// Lock the store; a poisoned lock (a panicking handler) still yields the data.
    fn lock(&self) -> MutexGuard<'_, UserStore> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `id` first, then the other fields in the order the client sent them.
fn with_id(id: u64, fields: Map<String, Value>) -> Map<String, Value> {
    let mut user = Map::new();
    user.insert("id".into(), id.into());
    user.extend(fields.into_iter().filter(|(k, _)| k != "id"));
    user
}

fn user_id(path: Result<Path<String>, PathRejection>) -> Result<u64, Problem> {
    parse_path_num(&path_param(path)?, "id")
}

fn not_found(id: u64) -> Problem {
    Problem::not_found(format!("no user with id {id}")).with("id", id)
}

/// Parse a request body as a JSON object; syntax errors carry serde_json's line/column.
fn json_object(body: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, Problem> {
    let body = body.map_err(|e| Problem::new(e.status(), e.body_text()))?;
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(validation(
            "body",
            format!("request body must be a JSON object, got {}", type_name(&other)),
        )),
        Err(e) => Err(Problem::bad_request(format!("invalid JSON in request body: {e}"))
            .typed("invalid-json", "Invalid JSON")
            .with("line", e.line())
            .with("column", e.column())),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn validation(field: &str, detail: String) -> Problem {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
        .typed("validation-error", "Validation failed")
        .with("field", field)
}

/// `name` and `email` must be non-empty strings (email with an `@`); `roles`, if present, an array of
/// strings; `team`, if present, an object or null.
fn validate(user: &Map<String, Value>) -> Result<(), Problem> {
    for field in ["name", "email"] {
        match user.get(field) {
            None | Some(Value::Null) => return Err(validation(field, format!("missing required field `{field}`"))),
            Some(Value::String(s)) if s.trim().is_empty() => return Err(validation(field, format!("field `{field}` must not be empty"))),
            Some(Value::String(_)) => {}
            Some(other) => {
                return Err(validation(
                    field,
                    format!("field `{field}` must be a string, got {}", type_name(other)),
                ))
            }
        }
    }
    if let Some(Value::String(email)) = user.get("email") {
        if !email.contains('@') {
            return Err(validation("email", format!("field `email` must contain `@`, got `{email}`")));
        }
    }
    if let Some(roles) = user.get("roles") {
        let ok = roles.as_array().is_some_and(|r| r.iter().all(Value::is_string));
        if !ok {
            return Err(validation("roles", "field `roles` must be an array of strings".into()));
        }
    }
    if let Some(team) = user.get("team") {
        if !(team.is_object() || team.is_null()) {
            return Err(validation("team", "field `team` must be an object or null".into()));
        }
    }
    Ok(())
}

/// RFC 7396 JSON merge patch: `null` removes a key, objects merge recursively, anything else replaces.
fn merge_patch(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (key, value) in patch {
        match value {
            Value::Null => {
                target.remove(&key);
            }
            Value::Object(inner) => {
                let entry = target.entry(key).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                if let Value::Object(existing) = entry {
                    merge_patch(existing, inner);
                }
            }
            other => {
                target.insert(key, other);
            }
        }
    }
}

/// `GET /users?limit=N`: all users (or the first N) as a JSON array, with `X-Total-Count`.
pub async fn list(State(users): State<Users>, params: Params) -> Response {
    let limit = match params.num("limit", usize::MAX, 0, usize::MAX) {
        Ok(limit) => limit,
        Err(problem) => return problem.into_response(),
    };
    let store = users.lock();
    let total = store.users.len();
    let list: Vec<Value> = store.users.values().take(limit).cloned().map(Value::Object).collect();
    drop(store);
    let mut response = json_response(StatusCode::OK, &Value::Array(list));
    response.headers_mut().insert("x-total-count", HeaderValue::from(total));
    response
}

/// `POST /users`: 201 with `Location: /users/{id}` and the stored user.
pub async fn create(State(users): State<Users>, body: Result<Bytes, BytesRejection>) -> Response {
    let result = (|| {
        let fields = json_object(body)?;
        validate(&fields)?;
        let mut store = users.lock();
        let id = store.next_id;
        store.next_id += 1;
        let user = with_id(id, fields);
        store.users.insert(id, user.clone());
        Ok::<_, Problem>((id, user))
    })();
    match result {
        Ok((id, user)) => {
            let mut response = json_response(StatusCode::CREATED, &Value::Object(user));
            if let Ok(location) = HeaderValue::from_str(&format!("/users/{id}")) {
                response.headers_mut().insert(LOCATION, location);
            }
            response
        }
        Err(problem) => problem.into_response(),
    }
}

/// `GET /users/{id}`.
pub async fn get(State(users): State<Users>, path: Result<Path<String>, PathRejection>) -> Result<Response, Problem> {
    let id = user_id(path)?;
    let user = users.lock().users.get(&id).cloned().ok_or_else(|| not_found(id))?;
    Ok(json_response(StatusCode::OK, &Value::Object(user)))
}

/// `PUT /users/{id}`: full replacement (name and email required); 404 for unknown ids (no upsert).
pub async fn replace(
    State(users): State<Users>,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let id = user_id(path)?;
    let fields = json_object(body)?;
    validate(&fields)?;
    let mut store = users.lock();
    let slot = store.users.get_mut(&id).ok_or_else(|| not_found(id))?;
    *slot = with_id(id, fields);
    Ok(json_response(StatusCode::OK, &Value::Object(slot.clone())))
}

/// `PATCH /users/{id}`: JSON merge patch; the result must still be a valid user.
pub async fn patch(
    State(users): State<Users>,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let id = user_id(path)?;
    let mut patch = json_object(body)?;
    patch.remove("id");
    let mut store = users.lock();
    let slot = store.users.get_mut(&id).ok_or_else(|| not_found(id))?;
    let mut merged = slot.clone();
    merge_patch(&mut merged, patch);
    validate(&merged)?;
    *slot = merged;
    Ok(json_response(StatusCode::OK, &Value::Object(slot.clone())))
}

/// `DELETE /users/{id}`: 204 on success.
pub async fn delete(State(users): State<Users>, path: Result<Path<String>, PathRejection>) -> Result<StatusCode, Problem> {
    let id = user_id(path)?;
    match users.lock().users.remove(&id) {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(not_found(id)),
    }
}
