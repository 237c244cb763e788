//! Temporary files removed on SIGINT, SIGTERM, SIGHUP and SIGQUIT.
//!
//! Every temporary file of an atomic write is in [`LIVE`] from the moment it is created (the
//! file is made while the list is locked) until it is renamed or removed. On the first atomic
//! write a thread starts that waits for those signals; on one it removes every file in the
//! list, then lets the signal do what it does by default (end the process, killed by that
//! signal, as without auditty's handler) — unless the command handles SIGINT and SIGTERM
//! itself (`fetch` reports "interrupted; nothing was saved", status 1): then it only removes.
//! A signal that was ignored when auditty started (`nohup`, a background job) stays ignored.
//! The list stays locked while the process ends, so no write starts or commits after that.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// The temporary files now on disk, by the id their writer holds.
pub(crate) struct Live {
    files: Vec<(u64, PathBuf)>,
    next: u64,
}

static LIVE: Mutex<Live> = Mutex::new(Live {
    files: Vec::new(),
    next: 0,
});

/// Set once a command says it handles SIGINT and SIGTERM itself.
static CALLER_HANDLES_INTERRUPT: AtomicBool = AtomicBool::new(false);

static INSTALLED: OnceLock<()> = OnceLock::new();

impl Live {
    /// Adds `path` (just created while the list was locked); returns its id.
    pub(crate) fn add(&mut self, path: &Path) -> u64 {
        self.next += 1;
        self.files.push((self.next, path.to_path_buf()));
        self.next
    }

    /// Takes `id` out of the list; false if a signal has removed its file meanwhile.
    pub(crate) fn take(&mut self, id: u64) -> bool {
        match self.files.iter().position(|(i, _)| *i == id) {
            Some(at) => {
                self.files.swap_remove(at);
                true
            }
            None => false,
        }
    }
}

/// The list, locked.
pub(crate) fn live() -> MutexGuard<'static, Live> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts the signal thread (once), before the first temporary file is made.
pub(crate) fn watch(caller_handles_interrupt: bool) {
    if caller_handles_interrupt {
        CALLER_HANDLES_INTERRUPT.store(true, Ordering::SeqCst);
    }
    INSTALLED.get_or_init(install);
}

#[cfg(unix)]
fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let wanted: Vec<i32> = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
        .into_iter()
        .filter(|&s| !ignored(s))
        .collect();
    // The thread registers the handlers itself (so that none is left without a thread to
    // act on it) and says when it has.
    let (ready, registered) = std::sync::mpsc::sync_channel(1);
    let started = std::thread::Builder::new()
        .name("auditty-cleanup".into())
        .spawn(move || {
            let signals = signal_hook::iterator::Signals::new(&wanted);
            let _ = ready.send(());
            if let Ok(mut signals) = signals {
                for signal in signals.forever() {
                    on_signal(signal);
                }
            }
        });
    if started.is_ok() {
        let _ = registered.recv();
    }
}

#[cfg(not(unix))]
fn install() {}

/// Whether `signal` is ignored (SIG_IGN), as `nohup` and shells' background jobs leave them.
#[cfg(unix)]
fn ignored(signal: i32) -> bool {
    // SAFETY: a null `act` only reads the current disposition into `old`.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

#[cfg(unix)]
fn on_signal(signal: i32) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut live = live();
    for (_, path) in live.files.drain(..) {
        let _ = std::fs::remove_file(path);
    }
    if CALLER_HANDLES_INTERRUPT.load(Ordering::SeqCst) && matches!(signal, SIGINT | SIGTERM) {
        return;
    }
    // Keeps `live` locked: the process ends here, killed by `signal`.
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal);
}
