use super::*;
use crate::collection::{Environment, Folder, KeyValue};

fn folder(vars: &[(&str, &str)]) -> Folder {
    let mut f = Folder::default();
    f.defaults.vars = vars.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect();
    f
}

#[test]
fn precedence_is_overrides_then_environment_then_inner_folder_then_collection() {
    let root = folder(&[("a", "collection"), ("b", "collection"), ("c", "collection"), ("d", "collection")]);
    let sub = folder(&[("b", "folder"), ("c", "folder"), ("d", "folder")]);
    let env = Environment {
        name: "dev".into(),
        vars: vec![KeyValue::new("c", "env"), KeyValue::new("d", "env")],
        ..Default::default()
    };
    let overrides = vec![("d".to_string(), "override".to_string())];
    let mut r = Resolver::new(Scope {
        overrides: &overrides,
        environment: Some(&env),
        folders: vec![&root, &sub],
        ..Default::default()
    });
    assert_eq!(r.resolve("{{a}} {{b}} {{ c }} {{d}}").unwrap(), "collection folder env override");
}

#[test]
fn nested_values_resolve_and_cycles_are_reported() {
    let root = folder(&[
        ("host", "example.com"),
        ("base", "https://{{host}}/v1"),
        ("x", "{{y}}"),
        ("y", "{{z}}"),
        ("z", "{{x}}"),
    ]);
    let mut r = Resolver::new(Scope {
        folders: vec![&root],
        ..Default::default()
    });
    assert_eq!(r.resolve("{{base}}/users").unwrap(), "https://example.com/v1/users");
    match r.resolve("{{x}}") {
        Err(ResolveFailure::Cycle { chain }) => assert_eq!(chain, ["x", "y", "z", "x"]),
        other => panic!("expected a cycle, got {other:?}"),
    }
}

#[test]
fn dynamic_values() {
    let mut r = Resolver::new(Scope::default());
    let uuid = r.resolve("{{$uuid}}").unwrap();
    assert_eq!(uuid.len(), 36);
    assert_ne!(uuid, r.resolve("{{$uuid}}").unwrap(), "a fresh value each time");
    let ts: u64 = r.resolve("{{$timestamp}}").unwrap().parse().unwrap();
    assert!(ts > 1_700_000_000);
    let iso = r.resolve("{{$isoTimestamp}}").unwrap();
    assert!(iso.ends_with('Z') && iso.contains('T'), "{iso}");
    let n: u32 = r.resolve("{{$randomInt}}").unwrap().parse().unwrap();
    assert!(n < 1000);
    assert!(matches!(r.resolve("{{$nope}}"), Err(ResolveFailure::Dynamic { .. })));
    assert!(
        matches!(r.resolve("{{$demo}}"), Err(ResolveFailure::Dynamic { .. })),
        "no provider here"
    );
}

#[test]
fn env_secrets_come_from_process_then_dotenv_and_are_tracked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "APIX_TEST_FROM_DOTENV=dotenv-value-123\n").unwrap();
    let mut r = Resolver::new(Scope {
        collection_root: Some(dir.path()),
        ..Default::default()
    });
    let (v, secret) = r.resolve_marked("Bearer {{env.APIX_TEST_FROM_DOTENV}}").unwrap();
    assert_eq!(v, "Bearer dotenv-value-123");
    assert!(secret);
    assert_eq!(r.secrets(), ["dotenv-value-123"]);
    match r.resolve("{{env.APIX_TEST_SURELY_UNSET_VAR}}") {
        Err(ResolveFailure::MissingSecret { name, dotenv, .. }) => {
            assert_eq!(name, "APIX_TEST_SURELY_UNSET_VAR");
            assert_eq!(dotenv.unwrap(), dir.path().join(".env"));
        }
        other => panic!("{other:?}"),
    }
    // A variable whose value references a secret is itself secret.
    let root = folder(&[("auth", "{{env.APIX_TEST_FROM_DOTENV}}")]);
    let mut r = Resolver::new(Scope {
        collection_root: Some(dir.path()),
        folders: vec![&root],
        ..Default::default()
    });
    assert!(r.resolve_marked("{{auth}}").unwrap().1);
}

#[test]
fn masking_hides_every_secret_occurrence() {
    let masked = mask_secrets("token=abc123&again=abc123&k=abc", &["abc123".to_string(), "abc".to_string()]);
    assert_eq!(masked, format!("token={MASK}&again={MASK}&k={MASK}"));
}

#[test]
fn syntax_errors_and_unknowns() {
    let mut r = Resolver::new(Scope::default());
    assert!(matches!(r.resolve("x {{oops"), Err(ResolveFailure::Syntax { offset: 2, .. })));
    assert_eq!(r.resolve("{{missing}}"), Err(ResolveFailure::Unknown { name: "missing".into() }));
    // Outside a collection a command source cannot work (and nothing runs).
    assert!(matches!(r.resolve("{{cmd.x}}"), Err(ResolveFailure::SourceFailed { .. })));
    assert_eq!(r.resolve("no placeholders").unwrap(), "no placeholders");
}

#[test]
fn a_malformed_dotenv_line_is_named_when_a_secret_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "GOOD=1\nAPIX_TEST_BROKEN_TOKEN abc def\n").unwrap();
    let mut r = Resolver::new(Scope {
        collection_root: Some(dir.path()),
        ..Default::default()
    });
    let failure = r.resolve("{{env.APIX_TEST_BROKEN_TOKEN}}").unwrap_err();
    let e = crate::template::TemplateError::new(failure, "header X-Token");
    let hint = e.hint().unwrap();
    assert!(hint.contains(".env:2:") && hint.contains("APIX_TEST_BROKEN_TOKEN abc"), "{hint}");
}
