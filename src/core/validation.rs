//! The one error every validation step returns: which field, and what to fix.

use std::fmt;

/// A rejected input. `field` is the request's own name for it (the first of
/// its aliases), so the message can point straight at what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Invalid {}

/// Unicode's bidirectional formatting characters (embeddings, overrides,
/// isolates and the implicit marks): invisible, they reorder what a reader
/// sees around them, so `moc.elgoog` can display as `google.com`.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_are_recognised_and_letters_are_not() {
        for c in ['\u{202E}', '\u{2066}', '\u{2069}', '\u{200F}', '\u{061C}'] {
            assert!(is_bidi_control(c), "{c:?}");
        }
        for c in ['a', 'ש', 'ع', '\u{200B}', ' '] {
            assert!(!is_bidi_control(c), "{c:?}");
        }
    }
}
