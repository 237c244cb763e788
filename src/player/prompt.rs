//! The prompt line: a search (`/`), a time (`t`) or a size (`r`) being typed.

use super::action::{Action, PromptKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
}

/// Longest text the prompt takes, in characters.
pub const MAX_LEN: usize = 256;

impl Prompt {
    /// An empty prompt of `kind` (Enter on an empty search repeats the last one, as in less).
    pub fn open(kind: PromptKind) -> Prompt {
        Prompt {
            kind,
            text: String::new(),
        }
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
        let mut p = Prompt::open(PromptKind::Search);
        assert_eq!(p.text, "");
        p.text = "err".into();
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
    }
}
