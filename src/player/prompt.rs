//! The prompt line: a search (`/`) or a time (`t`) being typed.

use super::action::{Action, PromptKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
}

/// Longest text the prompt takes, in characters.
pub const MAX_LEN: usize = 256;

impl Prompt {
    /// A prompt of `kind`; a search starts with the `last` one.
    pub fn open(kind: PromptKind, last: Option<&str>) -> Prompt {
        let text = match (kind, last) {
            (PromptKind::Search, Some(s)) => s.to_string(),
            _ => String::new(),
        };
        Prompt { kind, text }
    }

    /// Edit the text (control characters are not taken).
    pub fn edit(&mut self, action: &Action) {
        match *action {
            Action::PromptInput(c)
                if !crate::render::escape::is_control(c) && self.text.chars().count() < MAX_LEN =>
            {
                self.text.push(c)
            }
            Action::PromptBackspace => {
                self.text.pop();
            }
            Action::PromptClear => self.text.clear(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_and_refuses_controls_and_overlong_text() {
        let mut p = Prompt::open(PromptKind::Search, Some("err"));
        assert_eq!(p.text, "err");
        p.edit(&Action::PromptInput('\u{1b}'));
        p.edit(&Action::PromptInput('o'));
        p.edit(&Action::PromptBackspace);
        p.edit(&Action::PromptInput('x'));
        assert_eq!(p.text, "errx");
        p.edit(&Action::PromptClear);
        for _ in 0..300 {
            p.edit(&Action::PromptInput('a'));
        }
        assert_eq!(p.text.chars().count(), MAX_LEN);
        assert_eq!(Prompt::open(PromptKind::Time, Some("err")).text, "");
    }
}
