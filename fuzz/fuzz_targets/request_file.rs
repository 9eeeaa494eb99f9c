//! A request file as written by anyone: parse it, and if it parses, save it back (the comment-keeping writer) and
//! prepare it (every field resolved).
#![no_main]

use std::path::Path;

use apix::core::collection::load::parse_request_text;
use apix::core::http::{prepare, PrepareContext};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (parsed, diags) = parse_request_text(Path::new("fuzz/request.toml"), &text);
    for d in &diags {
        let _ = d.to_string();
    }
    if let Some(def) = parsed {
        let _ = apix::core::collection::save::render_request_update(&def);
        let _ = prepare(&PrepareContext::default(), &def);
    }
});
