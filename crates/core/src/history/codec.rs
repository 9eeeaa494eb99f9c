//! How stored bodies are compressed: small ones raw, others zstd; inflating never past a limit.

use std::io::Read;

/// Codecs of stored bodies.
pub const CODEC_RAW: i64 = 0;
pub const CODEC_ZSTD: i64 = 1;

/// Small bodies are stored as they are: compression would not pay for its header.
const COMPRESS_FROM: usize = 512;

pub(crate) fn pack(bytes: &[u8]) -> (Vec<u8>, i64) {
    if bytes.len() >= COMPRESS_FROM {
        if let Ok(z) = zstd::bulk::compress(bytes, 1) {
            if z.len() < bytes.len() {
                return (z, CODEC_ZSTD);
            }
        }
    }
    (bytes.to_vec(), CODEC_RAW)
}

/// Inflates a stored body, never past `limit` bytes (a damaged row must not eat the memory).
pub(crate) fn unpack(blob: &[u8], codec: i64, limit: u64) -> Result<Vec<u8>, String> {
    match codec {
        CODEC_RAW => Ok(blob.to_vec()),
        CODEC_ZSTD => {
            let mut out = Vec::new();
            let decoder = zstd::stream::read::Decoder::new(blob).map_err(|e| e.to_string())?;
            decoder
                .take(limit.saturating_add(1))
                .read_to_end(&mut out)
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
        other => Err(format!("unknown body codec {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips_and_skips_small_bodies() {
        let small = b"{\"ok\":true}".to_vec();
        assert_eq!(pack(&small), (small.clone(), CODEC_RAW));
        let big = "abc".repeat(1000).into_bytes();
        let (z, codec) = pack(&big);
        assert_eq!(codec, CODEC_ZSTD);
        assert!(z.len() < big.len() / 10);
        assert_eq!(unpack(&z, codec, big.len() as u64).unwrap(), big);
        assert_eq!(unpack(&z, codec, 10).unwrap().len(), 11, "inflation stops past the limit");
        assert!(unpack(b"junk", CODEC_ZSTD, 100).is_err());
    }
}
