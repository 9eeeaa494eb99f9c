//! Preparing a large response body for history while it downloads, so that recording it costs little after the
//! last byte.
//!
//! A history entry keeps the body masked, cut at `max_body_size`, zstd-compressed, and (for text) the first part of
//! it in the search index. Done after the last byte, that is ~30 ms for 10 MB: more than the whole transfer of a
//! 20 MB body from a fast server. The tap does it on a thread of its own as chunks arrive: what is left at the end is
//! one database write.
//!
//! Small bodies (up to [`LEARN_BODY_LIMIT`]) are left to the usual path after the send, because a small JSON body
//! may itself teach secrets (a token endpoint's `access_token`) that must be masked everywhere in it; the tap only
//! holds them until it knows the body is larger. A secret split between two chunks is still masked: see
//! [`StreamMasker`].

use std::sync::mpsc;

use bytes::Bytes;
use std::thread::JoinHandle;

use super::codec::CODEC_ZSTD;
use super::redact::{Redactor, LEARN_BODY_LIMIT};
use crate::http::{Prepared, ResponseHead};
use crate::mask::StreamMasker;

/// A response body already masked, cut and compressed, with its search text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackedBody {
    pub blob: Vec<u8>,
    pub codec: i64,
    /// The body's full size (before the cut).
    pub size: u64,
    pub truncated: bool,
    /// The masked text to index (empty for a binary body).
    pub index_text: String,
}

enum Piece {
    Data(Vec<Bytes>),
    /// The end; `cut` when the body went on past the cap (a secret's beginning at the very end is dropped).
    End {
        cut: bool,
    },
}

struct Worker {
    tx: mpsc::Sender<Piece>,
    handle: JoinHandle<std::io::Result<(Vec<u8>, String)>>,
}

/// Chunks are handed to the worker in batches of this size (fewer wake-ups, larger compressor writes).
const BATCH: usize = 256 << 10;

/// How much of a large body's text goes into the search index (its first part; bodies up to 1 MB are indexed
/// whole). Indexing costs ~15 ms per MB after the last byte, where it would show in every send.
pub const LARGE_INDEX_LIMIT: usize = 64 * 1024;

/// Feed it the response head and chunks (it is a `BodySink` part); `finish` gives the packed body of a large one.
pub struct HistoryTap {
    cap: u64,
    redactor: Redactor,
    content_type: Option<String>,
    json: bool,
    /// The start of the body, until it is known to be large.
    buffer: Vec<u8>,
    /// Pieces for the worker, handed over `BATCH` bytes at a time.
    batch: Vec<Bytes>,
    batch_len: usize,
    /// Bytes of the body seen (all of them, past the cap too).
    received: u64,
    worker: Option<Worker>,
    failed: bool,
}

impl HistoryTap {
    /// `cap` is the history's `max_body_size`.
    pub fn new(prepared: &Prepared, cap: u64) -> HistoryTap {
        let mut redactor = Redactor::new(&prepared.secrets);
        redactor.learn_url(prepared.url.as_str());
        redactor.learn_headers(&prepared.headers);
        if let crate::http::PreparedBody::Bytes(b) = &prepared.body {
            redactor.learn_body(b);
        }
        HistoryTap {
            cap: if cap == 0 { super::config::DEFAULT_MAX_BODY_SIZE } else { cap },
            redactor,
            content_type: None,
            json: false,
            buffer: Vec::new(),
            batch: Vec::new(),
            batch_len: 0,
            received: 0,
            worker: None,
            failed: false,
        }
    }

    pub fn head(&mut self, head: &ResponseHead<'_>) {
        self.redactor.learn_headers(head.headers);
        for s in head.secrets {
            self.redactor.add(s);
        }
        self.content_type = head.content_type.map(str::to_string);
    }

    pub fn chunk(&mut self, data: &[u8]) {
        if self.worker.is_none() {
            self.take(data, None);
        } else {
            self.take(data, Some(Bytes::copy_from_slice(data)));
        }
    }

    /// Like [`HistoryTap::chunk`] for a piece that can be kept without copying.
    pub fn chunk_bytes(&mut self, data: &Bytes) {
        self.take(data, Some(data.clone()));
    }

    fn take(&mut self, data: &[u8], owned: Option<Bytes>) {
        let before = self.received;
        self.received += data.len() as u64;
        // Only what history keeps goes further.
        let room = usize::try_from(self.cap.saturating_sub(before)).unwrap_or(usize::MAX);
        let keep = data.len().min(room);
        if keep == 0 || self.failed {
            return;
        }
        if self.worker.is_none() {
            self.buffer.extend_from_slice(&data[..keep]);
            if self.buffer.len() > LEARN_BODY_LIMIT {
                self.start();
            }
            return;
        }
        let piece = match owned {
            Some(b) => b.slice(..keep),
            None => Bytes::copy_from_slice(&data[..keep]),
        };
        self.batch_len += piece.len();
        self.batch.push(piece);
        if self.batch_len >= BATCH {
            self.hand_over();
        }
    }

    fn hand_over(&mut self) {
        let Some(w) = &self.worker else { return };
        self.batch_len = 0;
        if w.tx.send(Piece::Data(std::mem::take(&mut self.batch))).is_err() {
            self.failed = true;
        }
    }

    fn start(&mut self) {
        let first = std::mem::take(&mut self.buffer);
        let kind = crate::format::sniff(self.content_type.as_deref(), &first);
        self.json = matches!(kind, crate::format::BodyKind::Json);
        let text = kind.is_text();
        let mut masker = StreamMasker::new(self.redactor.masker().clone(), self.json);
        let (tx, rx) = mpsc::channel::<Piece>();
        let _ = tx.send(Piece::Data(vec![Bytes::from(first)]));
        let handle = std::thread::spawn(move || {
            // Each batch becomes its own zstd frame (a decoder reads concatenated frames as one stream): the
            // one-shot compressor takes zstd's fastest path, where a streaming encoder keeps re-reading its window.
            let mut zc = zstd::bulk::Compressor::new(1)?;
            let mut blob = Vec::new();
            let mut index: Vec<u8> = Vec::new();
            let mut out = Vec::with_capacity(BATCH + (64 << 10));
            let mut write = |out: &mut Vec<u8>, blob: &mut Vec<u8>| -> std::io::Result<()> {
                if out.is_empty() {
                    return Ok(());
                }
                if text && index.len() < LARGE_INDEX_LIMIT {
                    let take = (LARGE_INDEX_LIMIT - index.len()).min(out.len());
                    index.extend_from_slice(&out[..take]);
                }
                blob.extend_from_slice(&zc.compress(out)?);
                out.clear();
                Ok(())
            };
            for piece in rx {
                match piece {
                    Piece::Data(pieces) => {
                        for p in pieces {
                            masker.feed(&p, &mut out);
                        }
                    }
                    Piece::End { cut } => {
                        if cut {
                            masker.finish_cut(&mut out);
                        } else {
                            masker.finish(&mut out);
                        }
                        write(&mut out, &mut blob)?;
                        break;
                    }
                }
                write(&mut out, &mut blob)?;
            }
            Ok((blob, String::from_utf8_lossy(&index).into_owned()))
        });
        self.worker = Some(Worker { tx, handle });
    }

    /// The packed body, when the body was large enough to be streamed (else `None`: record it the usual way).
    pub fn finish(mut self) -> Option<PackedBody> {
        if self.worker.is_some() && !self.batch.is_empty() {
            self.hand_over();
        }
        let worker = self.worker.take()?;
        let _ = worker.tx.send(Piece::End {
            cut: self.received > self.cap,
        });
        drop(worker.tx);
        let (blob, index_text) = worker.handle.join().ok()?.ok()?;
        if self.failed {
            return None;
        }
        Some(PackedBody {
            blob,
            codec: CODEC_ZSTD,
            size: self.received,
            truncated: self.received > self.cap,
            index_text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::codec::unpack;
    use crate::http::{prepare, PrepareContext};
    use crate::mask::MASK;

    fn prepared(secret: &str) -> Prepared {
        let mut def = crate::collection::RequestDef::new(std::path::PathBuf::new(), "t");
        def.url = "http://example.test/".into();
        let mut p = prepare(&PrepareContext::default(), &def).unwrap();
        p.secrets.push(secret.to_string());
        p
    }

    fn big_json(secret_forms: &[&str], size: usize) -> Vec<u8> {
        let mut s = String::from("[");
        let mut i = 0;
        while s.len() < size {
            let form = secret_forms[i % secret_forms.len()];
            s.push_str(&format!(r#"{{"i":{i},"token":"Bearer {form}","word":"w{i}"}},"#));
            i += 1;
        }
        s.push_str("{}]");
        s.into_bytes()
    }

    fn run(tap_cap: u64, body: &[u8], piece: usize, secret: &str) -> PackedBody {
        let p = prepared(secret);
        let mut tap = HistoryTap::new(&p, tap_cap);
        tap.head(&ResponseHead {
            status: 200,
            headers: &[("Content-Type".into(), "application/json".into())],
            content_type: Some("application/json"),
            total: None,
            secrets: &[],
        });
        for (n, c) in body.chunks(piece).enumerate() {
            // Alternate the two ways chunks arrive: borrowed (copied) and owned (kept as they are).
            if n % 2 == 0 {
                tap.chunk(c);
            } else {
                tap.chunk_bytes(&Bytes::copy_from_slice(c));
            }
        }
        tap.finish().expect("a body over 1 MB is streamed")
    }

    #[test]
    fn a_large_body_is_masked_in_every_spelling_even_split_between_chunks() {
        let secret = "S3cret-tok/en+ä";
        let body = big_json(&["S3cret-tok\\/en+\\u00e4", "S3cret-tok/en+ä", "x"], (1 << 20) + 300_000);
        for piece in [7, 4096, 65_536] {
            let packed = run(10 << 20, &body, piece, secret);
            let stored = unpack(&packed.blob, packed.codec, 20 << 20).unwrap();
            let text = String::from_utf8_lossy(&stored);
            assert!(
                !text.contains("S3cret") && !text.to_lowercase().contains("s3cret"),
                "pieces of {piece}"
            );
            assert!(text.contains(&format!("Bearer {MASK}")));
            // Masked with the JSON kept valid, the same as the whole-body path.
            let v: serde_json::Value = serde_json::from_slice(&stored).expect("still JSON");
            assert_eq!(v[1]["token"], format!("Bearer {MASK}"));
            assert!(!packed.truncated && packed.size == body.len() as u64);
            assert!(packed.index_text.len() <= LARGE_INDEX_LIMIT && packed.index_text.contains("w0"));
        }
    }

    #[test]
    fn a_body_past_the_cap_is_cut_there_and_small_ones_are_left_to_the_usual_path() {
        let secret = "CUT-SECRET-123456";
        let body = big_json(&[secret], 3 << 20);
        // Cut in the middle of an occurrence of the secret: no beginning of it is kept.
        let at = body.windows(secret.len()).position(|w| w == secret.as_bytes()).unwrap() + (2 << 20);
        let cap = body.windows(secret.len()).skip(at).position(|w| w == secret.as_bytes()).unwrap() + at + 5;
        let packed = run(cap as u64, &body, 65_536, secret);
        assert!(packed.truncated && packed.size == body.len() as u64);
        let stored = unpack(&packed.blob, packed.codec, 20 << 20).unwrap();
        assert!(
            !String::from_utf8_lossy(&stored).contains("CUT-S"),
            "no beginning of the secret at the cut"
        );
        // Small: not streamed.
        let p = prepared(secret);
        let mut tap = HistoryTap::new(&p, 10 << 20);
        tap.chunk(&big_json(&[secret], 100_000));
        assert!(tap.finish().is_none());
    }
}
