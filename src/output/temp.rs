//! The temporary files of atomic writes: their one naming scheme, and removing the ones a
//! killed auditty left behind.
//!
//! `.NAME.auditty-PID-RANDOM.tmp`, beside the target `NAME` (cut to 200 bytes, so that the
//! temporary name still fits in 255): PID is the writing process, RANDOM six letters or digits.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::Path;

/// Bytes of the target's name kept in a temporary file's name.
const STEM_MAX: usize = 200;
/// Between the name and the PID.
const MARK: &str = ".auditty-";
pub(crate) const SUFFIX: &str = ".tmp";
pub(crate) const RANDOM_LEN: usize = 6;

/// `.NAME.auditty-PID-`: what a temporary file's name starts with.
pub(crate) fn prefix(name: &OsStr, pid: u32) -> OsString {
    let mut s = OsString::from(".");
    s.push(stem(name));
    s.push(format!("{MARK}{pid}-"));
    s
}

fn stem(name: &OsStr) -> OsString {
    let bytes = name.as_encoded_bytes();
    if bytes.len() <= STEM_MAX {
        return name.to_os_string();
    }
    let mut end = STEM_MAX;
    // Not in the middle of a UTF-8 character.
    while end > 0 && bytes[end] & 0xc0 == 0x80 {
        end -= 1;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        OsStr::from_bytes(&bytes[..end]).to_os_string()
    }
    #[cfg(not(unix))]
    {
        let s = name.to_string_lossy();
        let mut end = end.min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        OsString::from(&s[..end])
    }
}

/// The PID in `file`'s name if it is a temporary file of ours for the target `name`: today's
/// scheme, or the two that earlier versions used (`.NAME.PID.N.tmp` for exports,
/// `.NAME.partial-PID[-N]` for `fetch`).
pub(crate) fn pid_of(file: &OsStr, name: &OsStr) -> Option<u32> {
    let file = file.as_encoded_bytes();
    let rest = file.strip_prefix(b".")?;
    let now = stem(name);
    if let Some(rest) = rest
        .strip_prefix(now.as_encoded_bytes())
        .and_then(|r| r.strip_prefix(MARK.as_bytes()))
    {
        let rest = rest.strip_suffix(SUFFIX.as_bytes())?;
        let (pid, random) = split_once(rest, b'-')?;
        let random_ok = random.len() == RANDOM_LEN && random.iter().all(u8::is_ascii_alphanumeric);
        return random_ok.then(|| number(pid)).flatten();
    }
    let rest = rest
        .strip_prefix(name.as_encoded_bytes())?
        .strip_prefix(b".")?;
    if let Some(partial) = rest.strip_prefix(b"partial-") {
        return match split_once(partial, b'-') {
            Some((pid, n)) => number(n).and(number(pid)),
            None => number(partial),
        };
    }
    let (pid, n) = split_once(rest.strip_suffix(SUFFIX.as_bytes())?, b'.')?;
    number(n).and(number(pid))
}

fn split_once(s: &[u8], at: u8) -> Option<(&[u8], &[u8])> {
    let i = s.iter().position(|&b| b == at)?;
    Some((&s[..i], &s[i + 1..]))
}

fn number(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Removes, from `dir`, the temporary files for `name` whose process is gone (killed with
/// SIGKILL, or by a power cut). Best effort: a folder that cannot be read is left alone.
pub(crate) fn remove_stale(dir: &Path, name: &OsStr) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = pid_of(&file, name) else {
            continue;
        };
        if pid == me || alive(pid) {
            continue;
        }
        let path = entry.path();
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Whether process `pid` exists (when in doubt, yes).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if pid <= 0 {
            return true;
        }
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pid(file: &str, name: &str) -> Option<u32> {
        pid_of(OsStr::new(file), OsStr::new(name))
    }

    #[test]
    fn names_of_ours() {
        let p = prefix(OsStr::new("out.cast"), 42);
        assert_eq!(p, ".out.cast.auditty-42-");
        assert_eq!(pid(".out.cast.auditty-42-aZ09xy.tmp", "out.cast"), Some(42));
        assert_eq!(pid(".out.cast.42.0.tmp", "out.cast"), Some(42));
        assert_eq!(pid(".out.cast.partial-42", "out.cast"), Some(42));
        assert_eq!(pid(".out.cast.partial-42-3", "out.cast"), Some(42));
        for not_ours in [
            "out.cast",
            ".out.cast.auditty-42-aZ09x.tmp",
            ".out.cast.auditty-42-aZ09xy",
            ".out.cast.auditty--aZ09xy.tmp",
            ".out.cast.auditty-4x-aZ09xy.tmp",
            ".out.cast.auditty-42-aZ-9xy.tmp",
            ".other.auditty-42-aZ09xy.tmp",
            ".out.cast.swp",
            ".out.cast.42.tmp",
            ".out.cast.partial-",
            ".out.cast.partial-42-",
            ".out.cast.x.0.tmp",
        ] {
            assert_eq!(pid(not_ours, "out.cast"), None, "{not_ours}");
        }
    }

    #[test]
    fn long_names_are_cut_on_a_character() {
        let long = "é".repeat(150); // 300 bytes
        let p = prefix(OsStr::new(&long), 7);
        let s = p.to_str().expect("still UTF-8");
        assert!(s.len() <= 1 + STEM_MAX + MARK.len() + 2);
        let file = format!("{s}abcdef.tmp");
        assert_eq!(pid(&file, &long), Some(7));
    }

    #[cfg(unix)]
    #[test]
    fn only_dead_processes_lose_their_files() {
        let dir = tempfile::tempdir().unwrap();
        // A process that has ended: its PID is free (until reused, which is unlikely here).
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let me = std::process::id();
        let names = [
            format!(".x.json.auditty-{dead}-abcdef.tmp"),
            format!(".x.json.partial-{dead}"),
            format!(".x.json.auditty-{me}-abcdef.tmp"),
            format!(".y.json.auditty-{dead}-abcdef.tmp"),
            "x.json".to_string(),
        ];
        for n in &names {
            fs::write(dir.path().join(n), b"").unwrap();
        }
        remove_stale(dir.path(), OsStr::new("x.json"));
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        let mut want = names[2..].to_vec();
        want.sort();
        assert_eq!(left, want);
    }
}
