//! The template language: the input split in two, variables defined by the first part (`name=value` lines), the
//! second resolved against them (cycles, depth, size caps), and the masker run over the result.
#![no_main]

use apix::core::collection::{Folder, KeyValue};
use apix::core::template::{parse, references, Resolver, Scope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (defs, template) = text.split_once("\n---\n").unwrap_or(("", &text));
    let _ = parse(template);
    let _ = references(template);
    let mut folder = Folder::default();
    for line in defs.lines().take(256) {
        if let Some((k, v)) = line.split_once('=') {
            folder.defaults.vars.push(KeyValue::new(k.trim(), v));
        }
    }
    let mut r = Resolver::new(Scope {
        folders: vec![&folder],
        ..Default::default()
    });
    if let Ok(out) = r.resolve(template) {
        let secrets: Vec<String> = folder.defaults.vars.iter().map(|v| v.value.clone()).collect();
        let _ = apix::core::mask::mask_secrets(&out, &secrets);
    }
});
