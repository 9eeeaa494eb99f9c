//! `config.toml`: the TUI's settings and `[history]`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = apix::tui::config::Config::parse(&text, "config.toml");
    let _ = apix::core::history::HistoryConfig::parse(&text, "config.toml");
});
