//! File signatures ("magic bytes") and image header parsing. Every read is bounds-checked:
//! truncated or hostile bodies yield `None` dimensions, never a panic.

use super::kind::{BinaryInfo, BodyKind, ImageInfo};

/// Signatures at offset 0 that identify non-image binary formats.
const BINARY_SIGNATURES: &[(&[u8], &str, &str)] = &[
    (b"%PDF-", "application/pdf", "PDF document"),
    (b"PK\x03\x04", "application/zip", "ZIP archive"),
    (b"PK\x05\x06", "application/zip", "ZIP archive (empty)"),
    (b"\x1f\x8b", "application/gzip", "gzip-compressed data"),
    (b"\x28\xb5\x2f\xfd", "application/zstd", "Zstandard-compressed data"),
    (b"\xfd7zXZ\x00", "application/x-xz", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed", "7-Zip archive"),
    (b"\x00asm", "application/wasm", "WebAssembly module"),
    (b"\x7fELF", "application/x-elf", "ELF executable"),
    (b"SQLite format 3\x00", "application/vnd.sqlite3", "SQLite database"),
    (b"OggS", "audio/ogg", "Ogg media"),
    (b"ID3", "audio/mpeg", "MP3 audio"),
    (b"wOFF", "font/woff", "WOFF font"),
    (b"wOF2", "font/woff2", "WOFF2 font"),
];

/// Identifies `body` by its leading bytes, if it has a known signature.
pub fn detect_magic(body: &[u8]) -> Option<BodyKind> {
    if let Some(image) = image_info(body) {
        return Some(BodyKind::Image(image));
    }
    for (sig, mime, description) in BINARY_SIGNATURES {
        if body.starts_with(sig) {
            return Some(BodyKind::Binary(BinaryInfo { mime, description }));
        }
    }
    if body.len() >= 12 && &body[4..8] == b"ftyp" {
        return Some(BodyKind::Binary(BinaryInfo {
            mime: "video/mp4",
            description: "MP4/QuickTime media",
        }));
    }
    if body.len() >= 12 && body.starts_with(b"RIFF") && &body[8..12] == b"WAVE" {
        return Some(BodyKind::Binary(BinaryInfo {
            mime: "audio/wav",
            description: "WAV audio",
        }));
    }
    None
}

/// Recognises an image by its signature and reads its dimensions from the header if present.
pub fn image_info(body: &[u8]) -> Option<ImageInfo> {
    let (format, dims) = if body.starts_with(b"\x89PNG\r\n\x1a\n") {
        ("PNG", png_size(body))
    } else if body.starts_with(b"\xff\xd8\xff") {
        ("JPEG", jpeg_size(body))
    } else if body.starts_with(b"GIF87a") || body.starts_with(b"GIF89a") {
        ("GIF", le16(body, 6).zip(le16(body, 8)))
    } else if body.len() >= 12 && body.starts_with(b"RIFF") && &body[8..12] == b"WEBP" {
        ("WebP", webp_size(body))
    } else if is_bmp(body) {
        ("BMP", bmp_size(body))
    } else if body.len() >= 12 && &body[4..8] == b"ftyp" && matches!(&body[8..12], b"avif" | b"avis") {
        ("AVIF", None)
    } else if body.starts_with(b"II*\x00") || body.starts_with(b"MM\x00*") {
        ("TIFF", None)
    } else if body.len() >= 6 && body.starts_with(b"\x00\x00\x01\x00") && le16(body, 4)? > 0 {
        ("ICO", None)
    } else {
        return None;
    };
    Some(ImageInfo {
        format,
        width: dims.map(|d| d.0),
        height: dims.map(|d| d.1),
    })
}

fn bytes<const N: usize>(body: &[u8], at: usize) -> Option<[u8; N]> {
    body.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn le16(body: &[u8], at: usize) -> Option<u32> {
    bytes::<2>(body, at).map(|b| u32::from(u16::from_le_bytes(b)))
}

fn be16(body: &[u8], at: usize) -> Option<u32> {
    bytes::<2>(body, at).map(|b| u32::from(u16::from_be_bytes(b)))
}

fn le24(body: &[u8], at: usize) -> Option<u32> {
    bytes::<3>(body, at).map(|b| u32::from_le_bytes([b[0], b[1], b[2], 0]))
}

fn png_size(body: &[u8]) -> Option<(u32, u32)> {
    if body.get(12..16)? != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes::<4>(body, 16)?);
    let h = u32::from_be_bytes(bytes::<4>(body, 20)?);
    Some((w, h))
}

/// Walks JPEG segments up to the first start-of-frame marker, which holds the dimensions.
fn jpeg_size(body: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    loop {
        // Markers are 0xFF followed by a code; extra 0xFF bytes are padding.
        if *body.get(i)? != 0xFF {
            return None;
        }
        while *body.get(i)? == 0xFF {
            i += 1;
        }
        let marker = *body.get(i)?;
        i += 1;
        match marker {
            0xD0..=0xD7 | 0x01 => continue,
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let len = be16(body, i)? as usize;
        if len < 2 {
            return None;
        }
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let h = be16(body, i + 3)?;
            let w = be16(body, i + 5)?;
            return Some((w, h));
        }
        i += len;
    }
}

fn webp_size(body: &[u8]) -> Option<(u32, u32)> {
    match body.get(12..16)? {
        b"VP8 " => {
            if body.get(23..26)? != b"\x9d\x01\x2a" {
                return None;
            }
            Some((le16(body, 26)? & 0x3FFF, le16(body, 28)? & 0x3FFF))
        }
        b"VP8L" => {
            if *body.get(20)? != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes(bytes::<4>(body, 21)?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Some((le24(body, 24)? + 1, le24(body, 27)? + 1)),
        _ => None,
    }
}

fn is_bmp(body: &[u8]) -> bool {
    // "BM" alone is too weak (plain text can start with it): check the DIB header size too.
    body.starts_with(b"BM")
        && bytes::<4>(body, 14)
            .map(u32::from_le_bytes)
            .is_some_and(|n| matches!(n, 12 | 40 | 52 | 56 | 64 | 108 | 124))
}

fn bmp_size(body: &[u8]) -> Option<(u32, u32)> {
    if u32::from_le_bytes(bytes::<4>(body, 14)?) == 12 {
        return Some((le16(body, 18)?, le16(body, 20)?));
    }
    let w = i32::from_le_bytes(bytes::<4>(body, 18)?);
    let h = i32::from_le_bytes(bytes::<4>(body, 22)?);
    Some((w.unsigned_abs(), h.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(b"\x08\x06\x00\x00\x00");
        b
    }

    fn jpeg(w: u16, h: u16) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        b.extend_from_slice(b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00");
        b.extend_from_slice(&[0xFF, 0xFF, 0xC2, 0x00, 0x11, 0x08]);
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
        b
    }

    fn webp(chunk: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut b = b"RIFF\x00\x00\x00\x00WEBP".to_vec();
        b.extend_from_slice(chunk);
        b.extend_from_slice(&(data.len() as u32).to_le_bytes());
        b.extend_from_slice(data);
        b
    }

    fn dims(body: &[u8]) -> Option<(&'static str, Option<u32>, Option<u32>)> {
        image_info(body).map(|i| (i.format, i.width, i.height))
    }

    #[test]
    fn image_dimensions() {
        assert_eq!(dims(&png(640, 480)), Some(("PNG", Some(640), Some(480))));
        assert_eq!(dims(&jpeg(1920, 1080)), Some(("JPEG", Some(1920), Some(1080))));
        assert_eq!(dims(b"GIF89a\x20\x03\x58\x02\x00"), Some(("GIF", Some(800), Some(600))));
        let vp8 = webp(b"VP8 ", &[0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]);
        assert_eq!(dims(&vp8), Some(("WebP", Some(320), Some(240))));
        // VP8L: width-1 = 99, height-1 = 49 packed in 14-bit fields.
        let bits: u32 = 99 | (49 << 14);
        let mut l = vec![0x2F];
        l.extend_from_slice(&bits.to_le_bytes());
        assert_eq!(dims(&webp(b"VP8L", &l)), Some(("WebP", Some(100), Some(50))));
        let x = [0x10, 0, 0, 0, 0xFF, 0x03, 0x00, 0xFF, 0x01, 0x00];
        assert_eq!(dims(&webp(b"VP8X", &x)), Some(("WebP", Some(1024), Some(512))));
        let mut bmp = b"BM\x00\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00".to_vec();
        bmp.extend_from_slice(&3i32.to_le_bytes());
        bmp.extend_from_slice(&(-2i32).to_le_bytes());
        assert_eq!(dims(&bmp), Some(("BMP", Some(3), Some(2))));
        assert_eq!(dims(b"BMW is a car"), None);
    }

    #[test]
    fn binary_signatures() {
        let kind = |b: &[u8]| match detect_magic(b) {
            Some(BodyKind::Binary(info)) => Some(info.mime),
            _ => None,
        };
        assert_eq!(kind(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(kind(b"PK\x03\x04rest"), Some("application/zip"));
        assert_eq!(kind(b"\x1f\x8b\x08\x00"), Some("application/gzip"));
        assert_eq!(kind(b"\x28\xb5\x2f\xfd\x00"), Some("application/zstd"));
        assert_eq!(kind(b"\x00asm\x01\x00\x00\x00"), Some("application/wasm"));
        assert_eq!(kind(b"\x7fELF\x02\x01"), Some("application/x-elf"));
        assert_eq!(kind(b"{\"a\":1}"), None);
    }

    #[test]
    fn truncated_headers_never_panic() {
        let samples = [
            png(1, 1),
            jpeg(2, 2),
            webp(b"VP8 ", &[0; 10]),
            webp(b"VP8L", &[0x2F, 1, 2, 3, 4]),
            webp(b"VP8X", &[0; 10]),
        ];
        for s in &samples {
            for len in 0..=s.len() {
                let _ = detect_magic(&s[..len]);
            }
        }
        // A JPEG whose segments have bogus lengths, and one made only of padding.
        let _ = image_info(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00]);
        let _ = image_info(&[0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF]);
        assert_eq!(dims(&[0xFF, 0xD8, 0xFF, 0xFF, 0xFF]), Some(("JPEG", None, None)));
    }
}
