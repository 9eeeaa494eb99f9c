//! Response formatting for display: content sniffing, charset decoding, a streaming JSON
//! re-indenter, a per-line JSON tokenizer, ANSI output, hex dumps and windowed syntect
//! highlighting.
//!
//! Bodies can be up to 100 MB, so nothing here builds a `serde_json::Value` for display, and
//! highlighting is always per visible line or window: the re-indenter runs at 150+ MB/s, while
//! syntect manages ~3 MB/s and must never see more than the screen.

pub mod ansi;
pub mod cache;
pub mod charset;
pub mod document;
pub mod hex;
pub mod highlight;
pub mod json;
pub mod kind;
mod magic;
pub mod sniff;
pub mod theme;
pub mod tokens;

pub use ansi::{highlight_json_ansi, AnsiPalette};
pub use cache::HighlightCache;
pub use cache::SyntaxHighlighter;
pub use charset::{content_type_charset, decode_text, DecodedText};
pub use hex::{hex_dump_line, hex_line_count};
pub use highlight::StyledSpan;
pub use json::{json_error_position, reindent, JsonSyntaxError, Reindenter};
pub use magic::{detect_magic, image_info};
pub use sniff::{media_type, sniff, BinaryInfo, BodyKind, ImageInfo};
pub use theme::{json_theme_colors, theme_names, JsonColors, Rgb, DEFAULT_THEME};
pub use tokens::{tokenize_json_line, JsonToken, JsonTokenKind};
