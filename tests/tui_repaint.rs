//! After `$EDITOR` the whole screen is drawn again, not only what changed: the editor drew over every cell, and on a
//! real terminal the cursor-position query that `Terminal::clear` starts with can fail right after it (the screen
//! stayed blank but for the changed cells). The real event loop runs on a backend that plays both parts: the
//! editor's leftovers (`▓` in every cell) and a failing cursor query.

mod tui_support;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use apix::tui::app::Pane;
use apix::tui::event_loop::{self, Host};
use apix::tui::App;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::Terminal;
use tui_support::Harness;

const LEFTOVER: &str = "▓";

/// A test backend whose screen an editor can scribble on.
struct Screen {
    inner: TestBackend,
    /// Set by the host while "the editor ran": the next call finds the screen covered and the cursor unknown.
    edited: Arc<AtomicBool>,
}

impl Screen {
    fn scribble_if_edited(&mut self) -> bool {
        if !self.edited.swap(false, Ordering::SeqCst) {
            return false;
        }
        let size = self.inner.size().unwrap_or_default();
        let cell = Cell::new(LEFTOVER);
        let cells: Vec<(u16, u16, Cell)> = (0..size.height)
            .flat_map(|y| (0..size.width).map(move |x| (x, y)))
            .map(|(x, y)| (x, y, cell.clone()))
            .collect();
        let _ = self.inner.draw(cells.iter().map(|(x, y, c)| (*x, *y, c)));
        true
    }

    fn cells_left_over(&self) -> usize {
        self.inner.buffer().content().iter().filter(|c| c.symbol() == LEFTOVER).count()
    }
}

impl Backend for Screen {
    type Error = std::io::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.scribble_if_edited();
        let _ = self.inner.draw(content);
        Ok(())
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        let _ = self.inner.hide_cursor();
        Ok(())
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        let _ = self.inner.show_cursor();
        Ok(())
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        if self.scribble_if_edited() {
            return Err(std::io::Error::other("the terminal did not report the cursor position"));
        }
        Ok(self.inner.get_cursor_position().unwrap_or_default())
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        let _ = self.inner.set_cursor_position(position);
        Ok(())
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        let _ = self.inner.clear();
        Ok(())
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.scribble_if_edited();
        let _ = self.inner.clear_region(clear_type);
        Ok(())
    }

    fn size(&self) -> Result<Size, Self::Error> {
        Ok(self.inner.size().unwrap_or_default())
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        Ok(self.inner.window_size().unwrap_or(WindowSize {
            columns_rows: Size::new(0, 0),
            pixels: Size::new(0, 0),
        }))
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

struct EditorHost {
    keys: VecDeque<KeyEvent>,
    edited: Arc<AtomicBool>,
    edits: usize,
}

impl Host for EditorHost {
    async fn next_event(&mut self) -> Option<std::io::Result<Event>> {
        match self.keys.pop_front() {
            Some(k) => Some(Ok(Event::Key(k))),
            None => std::future::pending().await,
        }
    }

    fn edit(&mut self, text: &str, _extension: &str) -> Result<Result<String, String>, String> {
        self.edits += 1;
        self.edited.store(true, Ordering::SeqCst);
        Ok(Ok(text.replace("Ada Lovelace", "Grace Hopper")))
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_screen_is_drawn_again_after_the_editor() {
    let mut h = Harness::new(None);
    h.open("create user");
    h.app.set_focus(Pane::Request);
    let edited = Arc::new(AtomicBool::new(false));
    let backend = Screen {
        inner: TestBackend::new(100, 30),
        edited: edited.clone(),
    };
    let mut term = Terminal::new(backend).unwrap();
    let mut host = EditorHost {
        // e: the body in $EDITOR; then quit and discard the edit when asked.
        keys: [key(KeyCode::Char('e')), key(KeyCode::Char('q')), key(KeyCode::Char('d'))].into(),
        edited,
        edits: 0,
    };
    let app: &mut App = &mut h.app;
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        event_loop::run(app, &mut term, &mut h.rx, &mut host),
    )
    .await;
    assert!(matches!(outcome, Ok(Ok(()))), "{outcome:?}");
    assert_eq!(host.edits, 1);
    let screen = term.backend();
    assert_eq!(
        screen.cells_left_over(),
        0,
        "cells the editor left were not drawn again:\n{}",
        screen.inner
    );
    assert!(format!("{}", screen.inner).contains("Collections"), "{}", screen.inner);
}
