//! Fuzzy matching (nucleo) for the tree filter and the command palette: smart case, word-order independent.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

pub struct Fuzzy {
    matcher: Matcher,
    pattern: Pattern,
    empty: bool,
    buf: Vec<char>,
}

impl Fuzzy {
    pub fn new(query: &str) -> Fuzzy {
        Fuzzy {
            matcher: Matcher::new(Config::DEFAULT),
            pattern: Pattern::parse(query, CaseMatching::Smart, Normalization::Smart),
            empty: query.trim().is_empty(),
            buf: Vec::new(),
        }
    }

    /// A score (higher is better), or `None` when `haystack` does not match. Everything matches an empty query.
    pub fn score(&mut self, haystack: &str) -> Option<u32> {
        if self.empty {
            return Some(0);
        }
        self.pattern.score(Utf32Str::new(haystack, &mut self.buf), &mut self.matcher)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_fuzzily() {
        let mut f = Fuzzy::new("gusr");
        assert!(f.score("Demo API › users › Get user").is_some());
        assert!(f.score("Demo API › errors › Timeout").is_none());
        assert!(Fuzzy::new("").score("anything").is_some());
    }
}
