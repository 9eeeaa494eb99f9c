//! `collection.toml` / `folder.toml`: name, description, defaults (vars, headers, auth, options, order, commands).
#![no_main]

use std::path::Path;

use apix::core::collection::load::parse_defaults_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (_, diags) = parse_defaults_text(Path::new("fuzz/collection.toml"), &text);
    for d in &diags {
        let _ = d.to_string();
    }
});
