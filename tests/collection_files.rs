//! Collection files on disk: the sample collections load cleanly, and a folder of files broken on purpose
//! gives one precise message each (path:line:col, what, hint) while the rest still loads.

mod common;

use std::path::Path;

use apix::core::collection::{load_collection, load_workspace, Node};

#[test]
fn every_bundled_collection_loads_without_problems() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("collections");
    let collections = load_workspace(&root);
    assert!(collections.len() >= 4, "demo plus the public API samples");
    for c in &collections {
        assert!(c.diagnostics.is_empty(), "{}: {:#?}", c.name, c.diagnostics);
        assert!(!c.requests().is_empty(), "{} has requests", c.name);
        for r in c.requests() {
            assert!(!r.url.is_empty(), "{} has a url", r.path.display());
        }
        let warnings = apix::core::check::undefined_variables(c);
        assert!(warnings.is_empty(), "{}: {:#?}", c.name, warnings);
    }
    let demo = collections.iter().find(|c| c.name == "Demo API").expect("demo collection");
    assert!(demo.environment("local").is_some());
}

fn expected() -> Vec<(&'static str, &'static str, &'static str)> {
    // (file, line:col, message start)
    vec![
        ("syntax.toml", "1:", "invalid TOML"),
        ("conflict.toml", "2:1", "unresolved git merge conflict marker"),
        ("unknown-key.toml", "4:2", "unknown key `heders` in a request file"),
        ("wrong-type.toml", "2:7", "`url` must be a string, found an integer"),
        ("bad-auth.toml", "5:8", "unknown auth type \"beare\""),
        (
            "two-bodies.toml",
            "4:1",
            "[body] has 2 kinds (json, text); a request has exactly one",
        ),
        ("bad-duration.toml", "5:11", "`timeout` is not a duration"),
        ("no-url.toml", "1:1", "a request file needs a `url`"),
        ("bad-method.toml", "2:10", "\"GET USERS\" is not a valid HTTP method"),
        ("not-utf8.toml", "1:", "the file is not valid UTF-8"),
        ("sub/bad-entry.toml", "3:", "unknown key `enabld` in entry `X-A` of [headers]"),
        (
            "environments/bad.toml",
            "2:2",
            "variable `nested` must be a string, number or boolean",
        ),
    ]
}

#[test]
fn malformed_files_each_give_their_message_and_the_rest_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let c = load_collection(&root);
    for (file, pos, msg) in expected() {
        let path = root.join(file);
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.path == path)
            .unwrap_or_else(|| panic!("no diagnostic for {file}: {:#?}", c.diagnostics));
        let loc = format!("{}:{}", d.line, d.col);
        assert!(loc.starts_with(pos), "{file}: expected at {pos}, got {loc} ({})", d.message);
        assert!(d.message.starts_with(msg), "{file}: expected '{msg}', got '{}'", d.message);
        assert!(d.to_string().starts_with(&format!("{}:{loc}: error: ", path.display())), "{d}");
    }
    // Hints say how to fix it.
    let typo = c.diagnostics.iter().find(|d| d.path.ends_with("unknown-key.toml")).unwrap();
    assert!(typo.hint.as_deref().unwrap().contains("did you mean `headers`?"));
    let auth = c.diagnostics.iter().find(|d| d.path.ends_with("bad-auth.toml")).unwrap();
    assert!(auth.hint.as_deref().unwrap().contains("did you mean \"bearer\"?"));
    // The good file loads; broken ones are listed as broken.
    assert_eq!(c.requests().len(), 1);
    assert_eq!(c.requests()[0].name, "ok");
    let broken = c.tree.children.iter().filter(|n| matches!(n, Node::Broken(_))).count();
    assert_eq!(broken, 10);
    assert!(c.environments.is_empty(), "the broken environment is not loaded");
}

#[test]
fn check_command_prints_every_problem_and_fails() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apix"))
        .arg("check")
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for (file, _, msg) in expected() {
        assert!(stdout.contains(file) && stdout.contains(msg), "missing {file}: {msg}\n{stdout}");
    }
    assert!(stdout.contains("hint: did you mean `headers`?"));
    assert!(stdout.contains("12 errors"), "{stdout}");

    let ok = std::process::Command::new(env!("CARGO_BIN_EXE_apix"))
        .arg("check")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("collections"))
        .output()
        .unwrap();
    let ok_out = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{ok_out}");
    assert!(
        ok_out.contains("0 errors, 0 warnings"),
        "the bundled collections are clean: {ok_out}"
    );
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn apix(args: &[&str]) -> std::process::Output {
    let data = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_apix"))
        .args(args)
        .env("APIX_DATA_DIR", data.path())
        .output()
        .unwrap()
}

#[test]
fn check_reports_cycles_unknown_dynamic_values_and_every_use_of_an_unknown_variable() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("c");
    write(&root, "collection.toml", "name = \"c\"\n[vars]\na = \"{{b}}\"\nb = \"{{a}}\"\n");
    write(&root, "environments/dev.toml", "x = \"{{$nope}}\"\n");
    write(&root, "r.toml", "url = \"http://x/{{foo}}\"\n[headers]\nX-F = \"{{foo}}\"\n");
    let out = apix(&["check", root.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("variables refer to each other in a cycle: a → b → a") || stdout.contains("cycle: b → a → b"),
        "{stdout}"
    );
    assert!(
        stdout.contains("collection.toml:3:1: error:"),
        "located at the definition: {stdout}"
    );
    assert!(stdout.contains("unknown dynamic value `$nope` (in variable x)"), "{stdout}");
    assert!(
        stdout.contains("variable `foo` (in url, header X-F)"),
        "every field using it: {stdout}"
    );

    // `send` names every other use too.
    let out = apix(&["send", root.join("r.toml").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown variable `foo` in url of c/r.toml"), "{stderr}");
    assert!(stderr.contains("also used in: c/r.toml (header X-F)"), "{stderr}");
}

#[test]
fn a_broken_environment_file_is_named_not_called_missing() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("c");
    write(&root, "collection.toml", "name = \"c\"\n");
    write(&root, "environments/dev.toml", "base_url = \"http://x\n");
    write(&root, "r.toml", "url = \"http://127.0.0.1:1/\"\n");
    let out = apix(&["send", root.join("r.toml").to_str().unwrap(), "--env", "dev"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("environment `dev` cannot be loaded"), "{stderr}");
    assert!(stderr.contains("environments/dev.toml:1:"), "{stderr}");
}

#[test]
fn a_rename_keeps_its_place_in_order_and_a_move_takes_it_out() {
    use apix::core::collection::{load_collection, move_path, Node};
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("api");
    let users = root.join("users");
    std::fs::create_dir_all(&users).unwrap();
    std::fs::create_dir_all(root.join("admin")).unwrap();
    std::fs::write(root.join("collection.toml"), "name = \"API\"\n").unwrap();
    std::fs::write(root.join("admin/folder.toml"), "name = \"Admin\"\n").unwrap();
    let folder = "# Users, in the order people use them\nname = \"Users\"\norder = [\"b.toml\", \"a.toml\", \"z.toml\"]  # b first\n";
    std::fs::write(users.join("folder.toml"), folder).unwrap();
    for f in ["a", "b", "z"] {
        std::fs::write(users.join(format!("{f}.toml")), format!("name = \"{f}\"\nurl = \"http://x/{f}\"\n")).unwrap();
    }
    // A rename: the entry keeps its place under the new name; nothing else in the file changes.
    move_path(&users.join("a.toml"), &users.join("c.toml")).unwrap();
    let after = std::fs::read_to_string(users.join("folder.toml")).unwrap();
    assert_eq!(after, folder.replace("\"a.toml\"", "\"c.toml\""));
    let names = |c: &apix::core::collection::Collection| -> Vec<String> {
        let Some(Node::Folder(f)) = c.tree.children.iter().find(|n| matches!(n, Node::Folder(f) if f.name == "Users")) else {
            return Vec::new();
        };
        f.children
            .iter()
            .filter_map(|n| match n {
                Node::Request(r) => Some(r.name.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        names(&load_collection(&root)),
        ["b", "a", "z"],
        "the renamed request kept its place"
    );
    // A move to another folder takes it out of this folder's order.
    move_path(&users.join("b.toml"), &root.join("admin/b.toml")).unwrap();
    let after = std::fs::read_to_string(users.join("folder.toml")).unwrap();
    assert!(after.contains("order = [\"c.toml\", \"z.toml\"]"), "{after}");
    assert!(after.starts_with("# Users, in the order people use them\n"), "{after}");
    // Nothing stale for `apix check` to report.
    let c = load_collection(&root);
    let stale: Vec<String> = apix::core::check::check(&c)
        .iter()
        .map(|d| d.to_string())
        .filter(|d| d.contains("`order`"))
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
}
