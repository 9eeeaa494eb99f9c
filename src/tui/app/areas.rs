//! Where each pane goes (the layout step's first half; `App::layout` then fits scroll positions to it). Wide terminals get the sidebar beside the request and response; narrow ones (< 100
//! columns) stack request over response and show the tree as a popup while it has focus.

use ratatui::layout::Rect;

use super::types::{Areas, Pane};

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;
pub const NARROW_BELOW: u16 = 100;

impl Areas {
    /// Where everything goes in a frame of `area` with `focus` on a pane.
    pub fn compute(area: Rect, focus: Pane) -> Areas {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return Areas {
                too_small: true,
                ..Areas::default()
            };
        }
        let main = Rect::new(area.x, area.y + 1, area.width, area.height - 2);
        let narrow = area.width < NARROW_BELOW;
        let (tree, right) = if narrow {
            let popup = (focus == Pane::Tree).then(|| Rect::new(main.x, main.y, main.width.min(52), main.height));
            (popup, main)
        } else {
            let w = (area.width * 27 / 100).clamp(26, 40);
            (
                Some(Rect::new(main.x, main.y, w, main.height)),
                Rect::new(main.x + w, main.y, main.width - w, main.height),
            )
        };
        // The focused pane gets more room; the request never gets less than its URL, tabs and a few rows.
        let share = if focus == Pane::Request { 55 } else { 38 };
        let req_h = (right.height * share / 100).max(7).min(right.height.saturating_sub(5));
        let request = Rect::new(right.x, right.y, right.width, req_h);
        let response = Rect::new(right.x, right.y + req_h, right.width, right.height - req_h);
        let inner = |r: Rect| Rect::new(r.x + 1, r.y + 1, r.width.saturating_sub(2), r.height.saturating_sub(2));
        let ri = inner(request);
        let si = inner(response);
        Areas {
            too_small: false,
            narrow,
            tree,
            request,
            response,
            request_tabs: Rect::new(ri.x, ri.y + 1, ri.width, 1.min(ri.height.saturating_sub(1))),
            request_body: Rect::new(ri.x, ri.y + 2, ri.width, ri.height.saturating_sub(2)),
            response_tabs: Rect::new(si.x, si.y, si.width, 1.min(si.height)),
            response_body: Rect::new(si.x, si.y + 1, si.width, si.height.saturating_sub(1)),
        }
    }
}
