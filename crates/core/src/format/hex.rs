//! `hexdump -C`-style lines, produced one at a time so a viewer renders only what is visible.

use std::fmt::Write;

/// Bytes shown per line.
pub const HEX_BYTES_PER_LINE: usize = 16;

/// Number of lines needed to dump `len` bytes.
pub fn hex_line_count(len: usize) -> usize {
    len.div_ceil(HEX_BYTES_PER_LINE)
}

/// Line `line` of the dump, e.g.
/// `00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|`,
/// or `None` past the end. A short last line is padded so the text column stays aligned.
pub fn hex_dump_line(body: &[u8], line: usize) -> Option<String> {
    let start = line.checked_mul(HEX_BYTES_PER_LINE)?;
    if start >= body.len() {
        return None;
    }
    let bytes = &body[start..body.len().min(start + HEX_BYTES_PER_LINE)];
    let mut out = String::with_capacity(80);
    let _ = write!(out, "{start:08x} ");
    for i in 0..HEX_BYTES_PER_LINE {
        if i == 8 {
            out.push(' ');
        }
        match bytes.get(i) {
            Some(b) => {
                let _ = write!(out, " {b:02x}");
            }
            None => out.push_str("   "),
        }
    }
    out.push_str("  |");
    out.extend(
        bytes
            .iter()
            .map(|&b| if b.is_ascii_graphic() || b == b' ' { char::from(b) } else { '.' }),
    );
    out.push('|');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_hexdump() {
        let body = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x02\x80hello";
        assert_eq!(
            hex_dump_line(body, 0).as_deref(),
            Some("00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|")
        );
        assert_eq!(
            hex_dump_line(body, 1).as_deref(),
            Some("00000010  00 00 02 80 68 65 6c 6c  6f                       |....hello|")
        );
        assert_eq!(hex_dump_line(body, 2), None);
        assert_eq!(hex_dump_line(body, usize::MAX), None);
        assert_eq!(hex_dump_line(b"", 0), None);
    }

    #[test]
    fn line_counts() {
        assert_eq!(hex_line_count(0), 0);
        assert_eq!(hex_line_count(1), 1);
        assert_eq!(hex_line_count(16), 1);
        assert_eq!(hex_line_count(17), 2);
        let body: Vec<u8> = (0..=255).collect();
        for line in 0..hex_line_count(body.len()) {
            let text = hex_dump_line(&body, line).unwrap_or_default();
            assert_eq!(text.len(), 78, "{text}");
        }
    }
}
