//! What the player can be asked to do ([`Action`]), and the small words the state, the keys
//! and the drawing share: the [`Mode`] keys are read in, the [`Panel`]s, the [`PromptKind`]s,
//! how the player [`Ended`]. Every input becomes an `Action` in [`super::keys`]; the state
//! changes only in `App::update(Action)`.

/// Everything the player can be asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    TogglePlay,
    /// Move by a presentation time, in milliseconds.
    SeekBy(i64),
    /// Go to a fraction of the recording (0.0 to 1.0).
    SeekFraction(f64),
    /// Move by a fraction of the recording.
    SeekFractionBy(f64),
    /// One event back (-1) or forward (+1); pauses.
    Step(i8),
    /// Previous / next command, marker or context entry inside the session.
    PrevStop,
    NextStop,
    Start,
    End,
    SpeedUp,
    SpeedDown,
    SpeedReset,
    OpenPrompt(PromptKind),
    PromptInput(char),
    PromptBackspace,
    PromptClear,
    PromptSubmit,
    PromptCancel,
    SearchNext,
    SearchPrev,
    /// Open a side panel, or close it if it is the one open.
    TogglePanel(Panel),
    ToggleHelp,
    /// Esc: close the help, else a panel, else forget the search, else (in a player opened
    /// from the session picker) go back to the list.
    Close,
    PanelMove(i32),
    PanelSelect,
    /// Pan a cropped screen by columns, rows.
    Pan(i32, i32),
    /// Keep the cursor in view again.
    Follow,
    /// Scroll back into the scrollback by lines (positive: further back), or by pages.
    ScrollBack(i32),
    ScrollPage(i32),
    /// `s`: save the screen shown as text and HTML.
    Save,
    /// Let go of the mouse (the terminal selects text as usual), or take it back.
    ToggleMouse,
    /// `z`: the compact layout (no frame; the bar and the status over the screen briefly).
    ToggleCompact,
    Mouse(Mouse),
    Resize(u16, u16),
    /// Time passed.
    Tick,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mouse {
    Down(u16, u16),
    Drag(u16, u16),
    Up,
    /// At column, row: scroll by columns, rows.
    Scroll(u16, u16, i32, i32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    Time,
    /// The recorded screen's size, `COLSxROWS`: the replay re-runs at it.
    Size,
}

/// The side panels; each is implemented in its own file under [`super::panels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Commands,
    Hits,
    Context,
}

/// How the player ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `q`, Ctrl-C: the program ends.
    Quit,
    /// Esc with nothing open, in a player opened from the session picker: back to the list.
    Back,
}

/// What keys mean now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Help,
    Prompt,
    Panel,
}
