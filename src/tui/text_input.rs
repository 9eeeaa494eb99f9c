//! A small text editor for fields (single line) and bodies (multi-line): the keys people expect from a shell line
//! and a plain editor, nothing modal. Text fields see keys before the keymap does; what they do not use
//! (Ctrl-R, Ctrl-S, …) falls through to it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::tui::safe_text::para;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputOutcome {
    /// The key changed the text or the cursor.
    Handled,
    /// Enter in a single-line field.
    Commit,
    /// Esc: leave the field.
    Leave,
    /// Not a key for text fields; the keymap may use it.
    Ignored,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextArea {
    lines: Vec<String>,
    row: usize,
    /// Cursor column in chars.
    col: usize,
    multiline: bool,
    /// First visible line (multi-line).
    scroll: usize,
    height: usize,
}

fn byte_at(s: &str, char_idx: usize) -> usize {
    s.char_indices().nth(char_idx).map(|(i, _)| i).unwrap_or(s.len())
}

impl TextArea {
    pub fn single(text: &str) -> TextArea {
        let line: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
        let col = line.chars().count();
        TextArea {
            lines: vec![line],
            row: 0,
            col,
            multiline: false,
            scroll: 0,
            height: 1,
        }
    }

    pub fn multi(text: &str) -> TextArea {
        let mut lines: Vec<String> = text.split('\n').map(|l| l.trim_end_matches('\r').to_string()).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        TextArea {
            lines,
            row: 0,
            col: 0,
            multiline: true,
            scroll: 0,
            height: 10,
        }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// Tells the editor how many lines it shows, so the cursor stays visible.
    pub fn set_height(&mut self, height: usize) {
        self.height = height.max(1);
        self.keep_cursor_visible();
    }

    fn keep_cursor_visible(&mut self) {
        if self.row < self.scroll {
            self.scroll = self.row;
        } else if self.row >= self.scroll + self.height {
            self.scroll = self.row + 1 - self.height;
        }
    }

    fn line_len(&self) -> usize {
        self.lines.get(self.row).map(|l| l.chars().count()).unwrap_or(0)
    }

    fn current(&mut self) -> &mut String {
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        let row = self.row.min(self.lines.len() - 1);
        &mut self.lines[row]
    }

    pub fn insert_str(&mut self, text: &str) {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                if self.multiline {
                    self.newline();
                } else {
                    self.insert_char(' ');
                }
            }
            for c in part.chars().filter(|c| *c != '\r') {
                self.insert_char(if c == '\t' && !self.multiline { ' ' } else { c });
            }
        }
    }

    fn insert_char(&mut self, c: char) {
        let col = self.col;
        let line = self.current();
        let at = byte_at(line, col);
        line.insert(at, c);
        self.col += 1;
    }

    fn newline(&mut self) {
        let col = self.col;
        let line = self.current();
        let at = byte_at(line, col);
        let rest = line.split_off(at);
        // Keep the indentation of the line being split, as editors do.
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        self.row += 1;
        self.col = indent.chars().count();
        self.lines.insert(self.row, format!("{indent}{rest}"));
        self.keep_cursor_visible();
    }

    fn backspace(&mut self) {
        if self.col > 0 {
            let col = self.col;
            let line = self.current();
            let at = byte_at(line, col - 1);
            line.remove(at);
            self.col -= 1;
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.line_len();
            self.current().push_str(&line);
            self.keep_cursor_visible();
        }
    }

    fn delete(&mut self) {
        if self.col < self.line_len() {
            let col = self.col;
            let line = self.current();
            let at = byte_at(line, col);
            line.remove(at);
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.current().push_str(&next);
        }
    }

    fn delete_word_before(&mut self) {
        let chars: Vec<char> = self.lines.get(self.row).map(|l| l.chars().collect()).unwrap_or_default();
        let mut start = self.col.min(chars.len());
        while start > 0 && chars[start - 1] == ' ' {
            start -= 1;
        }
        while start > 0 && chars[start - 1] != ' ' {
            start -= 1;
        }
        let col = self.col;
        let line = self.current();
        let (a, b) = (byte_at(line, start), byte_at(line, col));
        line.replace_range(a..b, "");
        self.col = start;
    }

    fn move_vertical(&mut self, delta: isize) {
        let target = (self.row as isize + delta).clamp(0, self.lines.len().saturating_sub(1) as isize) as usize;
        self.row = target;
        self.col = self.col.min(self.line_len());
        self.keep_cursor_visible();
    }

    pub fn handle_key(&mut self, key: &KeyEvent) -> InputOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => return InputOutcome::Leave,
            KeyCode::Enter if key.modifiers.is_empty() || key.modifiers == KeyModifiers::SHIFT => {
                if self.multiline {
                    self.newline();
                } else {
                    return InputOutcome::Commit;
                }
            }
            KeyCode::Char(c) if !ctrl && !alt => self.insert_char(c),
            KeyCode::Char('a') if ctrl => self.col = 0,
            KeyCode::Char('e') if ctrl => self.col = self.line_len(),
            KeyCode::Char('w') if ctrl => self.delete_word_before(),
            KeyCode::Char('h') if ctrl => self.backspace(),
            KeyCode::Char('k') if ctrl => {
                let col = self.col;
                let line = self.current();
                let at = byte_at(line, col);
                line.truncate(at);
            }
            KeyCode::Char('u') if ctrl && !self.multiline => {
                let col = self.col;
                let line = self.current();
                let at = byte_at(line, col);
                line.replace_range(..at, "");
                self.col = 0;
            }
            KeyCode::Backspace if alt || ctrl => self.delete_word_before(),
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Left => {
                if self.col > 0 {
                    self.col -= 1;
                } else if self.multiline && self.row > 0 {
                    self.row -= 1;
                    self.col = self.line_len();
                    self.keep_cursor_visible();
                }
            }
            KeyCode::Right => {
                if self.col < self.line_len() {
                    self.col += 1;
                } else if self.multiline && self.row + 1 < self.lines.len() {
                    self.row += 1;
                    self.col = 0;
                    self.keep_cursor_visible();
                }
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.line_len(),
            KeyCode::Up if self.multiline => self.move_vertical(-1),
            KeyCode::Down if self.multiline => self.move_vertical(1),
            KeyCode::PageUp if self.multiline => self.move_vertical(-(self.height as isize)),
            KeyCode::PageDown if self.multiline => self.move_vertical(self.height as isize),
            KeyCode::Tab if self.multiline => self.insert_str("  "),
            _ => return InputOutcome::Ignored,
        }
        InputOutcome::Handled
    }

    /// Draws the visible part and places the terminal cursor when `focused`.
    pub fn render(&self, frame: &mut Frame, area: Rect, style: Style, focused: bool) {
        if area.is_empty() {
            return;
        }
        let width = area.width as usize;
        if !self.multiline {
            let line = self.lines.first().map(String::as_str).unwrap_or("");
            let before: String = line.chars().take(self.col).collect();
            let cursor_x = before.width();
            // Scroll horizontally so the cursor stays inside the field.
            let skip_width = cursor_x.saturating_sub(width.saturating_sub(1));
            let mut skipped = 0;
            let mut visible = String::new();
            for c in line.chars() {
                let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                if skipped < skip_width {
                    skipped += w;
                    continue;
                }
                visible.push(c);
            }
            frame.render_widget(para(Line::from(Span::styled(visible, style))), area);
            if focused {
                let x = area.x + (cursor_x - skipped.min(cursor_x)).min(width.saturating_sub(1)) as u16;
                frame.set_cursor_position(Position::new(x, area.y));
            }
            return;
        }
        let lines: Vec<Line> = self
            .lines
            .iter()
            .skip(self.scroll)
            .take(area.height as usize)
            .map(|l| Line::from(Span::styled(l.clone(), style)))
            .collect();
        frame.render_widget(para(lines), area);
        if focused && self.row >= self.scroll && self.row < self.scroll + area.height as usize {
            let before: String = self
                .lines
                .get(self.row)
                .map(|l| l.chars().take(self.col).collect())
                .unwrap_or_default();
            let x = area.x + (before.width()).min(width.saturating_sub(1)) as u16;
            frame.set_cursor_position(Position::new(x, area.y + (self.row - self.scroll) as u16));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn single_line_editing() {
        let mut t = TextArea::single("héllo");
        t.handle_key(&key(KeyCode::Backspace));
        t.handle_key(&key(KeyCode::Home));
        t.handle_key(&key(KeyCode::Char('>')));
        assert_eq!(t.text(), ">héll");
        assert_eq!(t.handle_key(&key(KeyCode::Enter)), InputOutcome::Commit);
        t.handle_key(&KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(t.text(), "héll");
        assert_eq!(
            t.handle_key(&KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            InputOutcome::Ignored
        );
    }

    #[test]
    fn multi_line_editing_keeps_indent() {
        let mut t = TextArea::multi("{\n  \"a\": 1\n}");
        t.handle_key(&key(KeyCode::Down));
        t.handle_key(&key(KeyCode::End));
        t.handle_key(&key(KeyCode::Char(',')));
        t.handle_key(&key(KeyCode::Enter));
        t.insert_str("\"b\": 2");
        assert_eq!(t.text(), "{\n  \"a\": 1,\n  \"b\": 2\n}");
        t.handle_key(&key(KeyCode::Home));
        t.handle_key(&key(KeyCode::Backspace));
        assert_eq!(t.lines().len(), 3);
    }
}
