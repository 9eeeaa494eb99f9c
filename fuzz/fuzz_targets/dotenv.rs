//! A collection's `.env` file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = apix::core::template::dotenv::parse_text(&text);
});
