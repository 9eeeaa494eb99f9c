//! `environments/NAME.toml`, then every variable of it resolved (chains, cycles, depth and size limits).
#![no_main]

use std::path::Path;

use apix::core::collection::load::parse_environment_text;
use apix::core::template::{Resolver, Scope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (env, diags) = parse_environment_text(Path::new("fuzz/environments/dev.toml"), "dev", &text);
    for d in &diags {
        let _ = d.to_string();
    }
    if let Some(env) = env {
        for v in env.vars.iter().take(64) {
            let mut r = Resolver::new(Scope {
                environment: Some(&env),
                ..Default::default()
            });
            let _ = r.resolve(&format!("{{{{{}}}}}", v.name));
        }
    }
});
