//! Searching a response body off the render path. A scan walks the document in blocks of lines and reports hits
//! in batches (`Message::SearchHits`), following a document that is still arriving; the view jumps to the first
//! match at or below the screen as soon as it is found, and n/N work on whatever was found so far. Small bodies are
//! scanned at once so the answer is there on Enter.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::body::LiveDoc;
use super::response::Responses;
use super::shell::Shell;
use super::slot::slot_text;
use super::viewer::{Hit, Search};
use crate::tui::events::Level;
use crate::tui::jobs::{JobCtx, JobKind};
use crate::tui::message::Message;
use crate::tui::text_input::TextArea;

const MAX_HITS: usize = 100_000;
/// Documents up to this many lines are scanned on the spot (a few milliseconds at most).
const INLINE_LINES: usize = 20_000;
const BLOCK: usize = 4096;
/// A batch of hits goes out at least this often while a scan runs.
const BATCH_EVERY: Duration = Duration::from_millis(50);

/// Smart case: case-insensitive unless the query has a capital letter.
struct Needle {
    bytes: Vec<u8>,
    sensitive: bool,
}

impl Needle {
    fn new(query: &str) -> Needle {
        let sensitive = query.chars().any(|c| c.is_uppercase());
        let bytes = if sensitive {
            query.as_bytes().to_vec()
        } else {
            query.to_lowercase().into_bytes()
        };
        Needle { bytes, sensitive }
    }

    /// Matches in one line, as byte ranges.
    fn find_in(&self, line: &str, n: usize, out: &mut Vec<Hit>) {
        let hay = line.as_bytes();
        let len = self.bytes.len();
        if len == 0 || len > hay.len() {
            return;
        }
        let eq = |a: u8, b: u8| if self.sensitive { a == b } else { a.to_ascii_lowercase() == b };
        let mut i = 0;
        while i + len <= hay.len() {
            if hay[i..i + len].iter().zip(&self.bytes).all(|(a, b)| eq(*a, *b)) {
                out.push(Hit {
                    line: n,
                    start: i,
                    end: i + len,
                });
                i += len;
            } else {
                i += 1;
            }
        }
    }
}

/// Scans lines `from..` of `doc`; returns the hits, where it stopped, and whether it hit the cap.
fn scan(doc: &LiveDoc, needle: &Needle, from: usize, max_lines: usize, room: usize) -> (Vec<Hit>, usize, bool) {
    let mut hits = Vec::new();
    let mut n = from;
    let lines = doc.lines(from, max_lines);
    for line in &lines {
        needle.find_in(line, n, &mut hits);
        n += 1;
        if hits.len() >= room {
            hits.truncate(room);
            return (hits, n, true);
        }
    }
    (hits, n, false)
}

/// The background scan: follows the document while it is still being built, reports batches of hits as it goes,
/// and stops when cancelled (Esc, a new search, a replaced job) or when the document is rebuilt. Its result is the
/// last batch (or a harmless tick when it stopped early).
fn scan_job(doc: Arc<LiveDoc>, query: String, id: u64, slot: u64, job: &JobCtx<Message>, cancels: &[CancellationToken]) -> Message {
    let needle = Needle::new(&query);
    let generation = doc.generation();
    let (mut next, mut found) = (0, 0);
    let mut batch = Vec::new();
    let mut last = Instant::now();
    loop {
        if cancels.iter().any(CancellationToken::is_cancelled) || doc.generation() != generation {
            return Message::Tick;
        }
        let done = doc.is_done();
        let total = doc.line_count();
        let mut capped = false;
        if next < total {
            let (hits, to, cap) = scan(&doc, &needle, next, BLOCK.min(total - next), MAX_HITS - found);
            found += hits.len();
            batch.extend(hits);
            if to == next {
                std::thread::sleep(Duration::from_millis(20));
            }
            next = to;
            capped = cap;
        } else if !done {
            // The document is still arriving: wait for more lines.
            std::thread::sleep(Duration::from_millis(20));
        }
        let finished = capped || (done && next >= total);
        if finished || (!batch.is_empty() && last.elapsed() >= BATCH_EVERY) {
            let msg = Message::SearchHits {
                id: slot,
                search: id,
                hits: std::mem::take(&mut batch),
                done: finished,
                capped,
            };
            if finished {
                return msg;
            }
            job.report(msg);
            last = Instant::now();
        }
    }
}

impl Responses {
    /// Enter in the search field.
    pub(super) fn run_search(&mut self, current: Option<&Path>, shell: &mut Shell) {
        let query = match self.get_mut(current).and_then(|s| s.view.search_input.take()) {
            Some(input) => input.text(),
            None => return,
        };
        if query.is_empty() {
            // Enter on an empty field: the last search stays, n and N go on through it.
            return;
        }
        if let Some(old) = self.get_mut(current).and_then(|s| s.view.search.take()) {
            old.cancel.cancel();
        }
        let Some(doc) = self.get(current).and_then(slot_text).cloned() else {
            shell.notify(Level::Info, "Search works on text bodies");
            return;
        };
        let id = shell.next_id();
        let cancel = CancellationToken::new();
        let search = Search {
            query: query.clone(),
            hits: Vec::new(),
            current: 0,
            capped: false,
            id,
            running: true,
            jumped: false,
            cancel: cancel.clone(),
        };
        let Some(path) = current.map(Path::to_path_buf) else {
            return;
        };
        if let Some(slot) = self.slots.get_mut(&path) {
            slot.view.search = Some(search);
        }
        let Some(slot_id) = self.slots.get(&path).map(|s| s.id) else {
            return;
        };
        // A small finished body is searched on the spot; inline jobs (synchronous tests) cannot wait for a body
        // still arriving, so they search what is there.
        if doc.is_done() && doc.line_count() <= INLINE_LINES || shell.jobs.is_inline() {
            let (hits, _, capped) = scan(&doc, &Needle::new(&query), 0, usize::MAX, MAX_HITS);
            self.on_search_hits(current, slot_id, id, hits, true, capped, shell);
            return;
        }
        // The newest search of a body wins (the old one stops at its next block).
        shell.jobs.blocking((JobKind::Search, slot_id), move |job| {
            let cancel = cancel.clone();
            let job_cancel = job.cancel.clone();
            scan_job(doc, query, id, slot_id, job, &[cancel, job_cancel])
        });
    }

    /// The body was re-formatted: the old hits point at other lines.
    pub(super) fn run_search_again(&mut self, current: Option<&Path>, shell: &mut Shell) {
        let Some(query) = self.get(current).and_then(|s| s.view.search.as_ref()).map(|s| s.query.clone()) else {
            return;
        };
        if let Some(s) = self.get_mut(current) {
            s.view.search_input = Some(TextArea::single(&query));
        }
        self.run_search(current, shell);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_search_hits(
        &mut self,
        current: Option<&Path>,
        slot_id: u64,
        id: u64,
        hits: Vec<Hit>,
        done: bool,
        capped: bool,
        shell: &mut Shell,
    ) {
        let Some(path) = self.path_of(slot_id) else { return };
        let is_current = current == Some(path.as_path());
        let preamble = if is_current { self.preamble_len(current) } else { 0 };
        let Some(slot) = self.slots.get_mut(&path) else { return };
        let Some(search) = slot.view.search.as_mut().filter(|s| s.id == id) else {
            return;
        };
        search.hits.extend(hits);
        search.capped |= capped;
        search.running = !done;
        shell.redraw = true;
        let scroll = slot.view.scroll.saturating_sub(preamble);
        let mut jump = false;
        if !search.jumped {
            if let Some(i) = search.hits.iter().position(|h| h.line >= scroll) {
                search.current = i;
                search.jumped = true;
                jump = true;
            } else if done && !search.hits.is_empty() {
                search.current = 0;
                search.jumped = true;
                jump = true;
            }
        }
        let (count, query) = (search.hits.len(), search.query.clone());
        if !is_current {
            return;
        }
        if jump {
            self.step_search(current, shell, 0);
        } else if done && count == 0 {
            shell.notify(Level::Warning, format!("No match for `{query}`"));
        }
    }

    pub(super) fn step_search(&mut self, current: Option<&Path>, shell: &mut Shell, delta: isize) {
        let height = (shell.areas.response_body.height as usize).max(1);
        let preamble = self.preamble_len(current);
        let wrap = shell.wrap;
        let width = shell.areas.response_body.width.saturating_sub(8) as usize;
        let Some(slot) = self.get_mut(current) else { return };
        let Some(search) = slot.view.search.as_mut() else {
            shell.notify(Level::Info, "Press / to search the body");
            return;
        };
        if search.hits.is_empty() {
            if search.running {
                shell.notify(Level::Info, "Still searching…");
            }
            return;
        }
        let n = search.hits.len() as isize;
        search.current = (search.current as isize + delta).rem_euclid(n) as usize;
        let hit = search.hits[search.current];
        let more = if search.capped || search.running { "+" } else { "" };
        let (index, total) = (search.current + 1, search.hits.len());
        let line = hit.line + preamble;
        if line < slot.view.scroll || line >= slot.view.scroll + height {
            slot.view.scroll = line.saturating_sub(height / 3);
        }
        if !wrap && (hit.start < slot.view.hscroll || hit.start >= slot.view.hscroll + width.max(1)) {
            slot.view.hscroll = hit.start.saturating_sub(width / 3);
        }
        shell.notify(Level::Info, format!("Match {index} of {total}{more}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_is_smart_case() {
        let mut hits = Vec::new();
        Needle::new("alpha").find_in("Alpha beta alpha ALPHA", 0, &mut hits);
        assert_eq!(hits.len(), 3);
        hits.clear();
        Needle::new("ALPHA").find_in("Alpha beta alpha ALPHA", 4, &mut hits);
        assert_eq!(
            hits,
            vec![Hit {
                line: 4,
                start: 17,
                end: 22
            }]
        );
    }
}
