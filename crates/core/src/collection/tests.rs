//! Loading and saving round trips on real files in temp dirs.

use std::fs;
use std::path::Path;

use super::*;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(p, text).unwrap();
}

const GET_USER: &str = r#"# Fetch one user by id.
name = "Get user"   # shown in the tree
method = "GET"
url = "{{base_url}}/users/{{user_id}}"

[query]
fields = "id,name"   # keep it small
expand = { value = "team", enabled = false }

[headers]
# tracing
X-Request-Id = "{{$uuid}}"
Accept-Language = ["en", "fr"]

[options]
timeout = "10s"
"#;

fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "collection.toml", "name = \"Demo\"\n[vars]\nbase_url = \"http://x\"\n");
    write(dir.path(), "users/get-user.toml", GET_USER);
    write(dir.path(), "users/folder.toml", "order = [\"zeta.toml\"]\n");
    write(dir.path(), "users/alpha.toml", "url = \"http://a\"\n");
    write(dir.path(), "users/zeta.toml", "url = \"http://z\"\n");
    write(
        dir.path(),
        "environments/local.toml",
        "base_url = \"http://127.0.0.1:1\"\n[options]\nverify_tls = false\n",
    );
    write(dir.path(), "payloads/data.json", "{}");
    dir
}

#[test]
fn loads_model_with_repeats_disabled_entries_and_order() {
    let dir = sample();
    let c = load_collection(dir.path());
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    assert_eq!(c.name, "Demo");
    // payloads/ holds no .toml: it is not a folder of requests
    assert_eq!(c.tree.children.len(), 1);
    let Node::Folder(users) = &c.tree.children[0] else {
        panic!("users folder")
    };
    let names: Vec<String> = users
        .children
        .iter()
        .map(|n| n.path().file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["zeta.toml", "alpha.toml", "get-user.toml"],
        "order list first, then alphabetical"
    );
    let r = c.find_request(&dir.path().join("users/get-user.toml")).unwrap();
    assert_eq!(r.name, "Get user");
    assert_eq!(
        r.query[1],
        KeyValue {
            name: "expand".into(),
            value: "team".into(),
            enabled: false
        }
    );
    let langs: Vec<&str> = r
        .headers
        .iter()
        .filter(|h| h.name == "Accept-Language")
        .map(|h| h.value.as_str())
        .collect();
    assert_eq!(langs, ["en", "fr"]);
    assert_eq!(r.options.timeout, Some(std::time::Duration::from_secs(10)));
    assert_eq!(c.environments[0].options.verify_tls, Some(false));
    // a request without `name` is called by its file name
    assert_eq!(c.find_request(&dir.path().join("users/alpha.toml")).unwrap().name, "alpha");
}

#[test]
fn saving_an_edit_changes_only_that_line() {
    let dir = sample();
    let path = dir.path().join("users/get-user.toml");
    let c = load_collection(dir.path());
    let mut r = c.find_request(&path).unwrap().clone();
    r.headers.iter_mut().find(|h| h.name == "X-Request-Id").unwrap().value = "fixed-id".into();
    save_request(&r).unwrap();
    let after = fs::read_to_string(&path).unwrap();
    let before_lines: Vec<&str> = GET_USER.lines().collect();
    let after_lines: Vec<&str> = after.lines().collect();
    assert_eq!(before_lines.len(), after_lines.len());
    let changed: Vec<(usize, &str)> = after_lines
        .iter()
        .enumerate()
        .filter(|(i, l)| before_lines[*i] != **l)
        .map(|(i, l)| (i, *l))
        .collect();
    assert_eq!(changed, vec![(11, "X-Request-Id = \"fixed-id\"")]);
}

#[test]
fn saving_unchanged_request_is_byte_identical() {
    let dir = sample();
    let path = dir.path().join("users/get-user.toml");
    let r = load_collection(dir.path()).find_request(&path).unwrap().clone();
    save_request(&r).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), GET_USER);
}

#[test]
fn saving_keeps_comments_when_adding_removing_and_toggling() {
    let dir = sample();
    let path = dir.path().join("users/get-user.toml");
    let mut r = load_collection(dir.path()).find_request(&path).unwrap().clone();
    r.query[1].enabled = true; // expand now sent
    r.headers.retain(|h| h.name != "Accept-Language");
    r.headers.push(KeyValue::new("X-New", "1"));
    r.body = Body::Json("{\n  \"a\": 1\n}".into());
    save_request(&r).unwrap();
    let after = fs::read_to_string(&path).unwrap();
    assert!(
        after.starts_with("# Fetch one user by id.\nname = \"Get user\"   # shown in the tree\n"),
        "{after}"
    );
    assert!(after.contains("fields = \"id,name\"   # keep it small"), "{after}");
    assert!(after.contains("# tracing"), "{after}");
    assert!(after.contains("expand = \"team\""), "{after}");
    assert!(!after.contains("Accept-Language"), "{after}");
    let reloaded = load_collection(dir.path()).find_request(&path).unwrap().clone();
    assert_eq!(reloaded, r, "what was saved loads back the same");
    assert!(after.contains("json = '''"), "multi-line JSON is written as a block: {after}");
}

#[test]
fn new_file_round_trips_every_body_kind_and_auth() {
    let dir = sample();
    let bodies = vec![
        Body::Json("{\"a\": [1, 2]}".into()),
        Body::Text {
            text: "hi\nthere".into(),
            content_type: Some("text/csv".into()),
        },
        Body::Form(vec![
            KeyValue::new("a", "1"),
            KeyValue::new("a", "2"),
            KeyValue {
                name: "b".into(),
                value: "x".into(),
                enabled: false,
            },
        ]),
        Body::Multipart(vec![
            Part {
                name: "bio".into(),
                value: Some("v".into()),
                file: None,
                content_type: None,
                enabled: true,
            },
            Part {
                name: "f".into(),
                value: None,
                file: Some("../payloads/data.json".into()),
                content_type: Some("application/json".into()),
                enabled: false,
            },
        ]),
        Body::File {
            path: "../payloads/data.json".into(),
            content_type: None,
        },
    ];
    let auths = [
        AuthDef::None,
        AuthDef::Basic {
            username: "u".into(),
            password: "{{env.P}}".into(),
        },
        AuthDef::Bearer { token: "{{env.T}}".into() },
        AuthDef::ApiKey {
            name: "key".into(),
            value: "{{env.K}}".into(),
            location: ApiKeyLocation::Query,
        },
        AuthDef::Inherit,
    ];
    for (i, (body, auth)) in bodies.into_iter().zip(auths).enumerate() {
        let path = dir.path().join(format!("users/new-{i}.toml"));
        let mut def = RequestDef::new(path.clone(), format!("New {i}"));
        def.method = "POST".into();
        def.url = "{{base_url}}/x".into();
        def.body = body;
        def.auth = auth;
        def.options.max_redirects = Some(3);
        def.options.read_timeout = Some(std::time::Duration::from_millis(1500));
        create_request(&def).unwrap();
        let c = load_collection(dir.path());
        let loaded = c
            .find_request(&path)
            .unwrap_or_else(|| panic!("{:?}\n{}", c.diagnostics, fs::read_to_string(&path).unwrap()));
        assert_eq!(loaded, &def, "{}", fs::read_to_string(&path).unwrap());
        assert!(create_request(&def).is_err(), "create refuses to overwrite");
    }
}

#[test]
fn moving_a_request_does_not_touch_siblings() {
    let dir = sample();
    let before_alpha = fs::read(dir.path().join("users/alpha.toml")).unwrap();
    move_path(&dir.path().join("users/zeta.toml"), &dir.path().join("admin/zeta.toml")).unwrap();
    assert_eq!(fs::read(dir.path().join("users/alpha.toml")).unwrap(), before_alpha);
    let c = load_collection(dir.path());
    assert!(c.find_request(&dir.path().join("admin/zeta.toml")).is_some());
    assert!(move_path(&dir.path().join("users/alpha.toml"), &dir.path().join("users/get-user.toml")).is_err());
    // Moves stay inside the collection, and a folder cannot go into itself.
    let root = dir.path();
    for outside in ["../../outside", "..", "users/../../x"] {
        let e = move_into(root, &root.join("users/alpha.toml"), outside).unwrap_err();
        assert!(matches!(e, SaveError::Outside { .. }), "{outside}: {e}");
    }
    assert!(root.join("users/alpha.toml").exists(), "nothing moved");
    let e = move_into(root, &root.join("users"), "users/deeper").unwrap_err();
    assert!(matches!(e, SaveError::IntoItself { .. }), "{e}");
    assert!(!root.join("users/deeper").exists(), "no empty folder left behind");
    let to = move_into(root, &root.join("users/alpha.toml"), "admin/").unwrap();
    assert_eq!(to, root.join("admin/alpha.toml"));
}

#[test]
fn duplicate_keeps_comments_and_renames() {
    let dir = sample();
    let c = load_collection(dir.path());
    let r = c.find_request(&dir.path().join("users/get-user.toml")).unwrap();
    let to = dir.path().join("users").join(file_name_for("Get user copy"));
    duplicate_request(r, &to, "Get user copy").unwrap();
    let text = fs::read_to_string(&to).unwrap();
    assert!(text.contains("# Fetch one user by id."));
    assert!(text.contains("name = \"Get user copy\""));
    assert_eq!(to.file_name().unwrap(), "get-user-copy.toml");
}
