//! The blocking entry points the commands and the player call (each runs its own
//! current-thread tokio runtime), and the `scalingo://APP/ID` source's syntax.

use std::cell::Cell;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;

use super::client::{Client, Session};
use super::config::Config;
use super::error::ApiError;

pub(super) use super::logs::runtime;

/// The app's one-off sessions, newest first, at most `limit`.
pub fn sessions(cfg: Config, app: &str, limit: Option<usize>) -> Result<Vec<Session>, ApiError> {
    runtime()?.block_on(async {
        let mut client = Client::new(cfg).await?;
        client.sessions(app, limit).await
    })
}

/// Downloads an audit log into memory (for the `scalingo://APP/ID` source). The buffer is
/// sized from `Content-Length` up front, so a large log is not copied while it grows.
pub fn fetch_to_memory(cfg: Config, app: &str, id: &str) -> Result<Vec<u8>, ApiError> {
    fetch_to_memory_with_progress(cfg, app, id, None, &|_, _| {})
}

/// [`fetch_to_memory`], calling `progress(bytes received, total when known)` as the bytes
/// arrive; `size_hint` (the run event's `audit_log_size`) is the total when the answer does
/// not say.
pub fn fetch_to_memory_with_progress(
    cfg: Config,
    app: &str,
    id: &str,
    size_hint: Option<u64>,
    progress: &dyn Fn(u64, Option<u64>),
) -> Result<Vec<u8>, ApiError> {
    runtime()?.block_on(async {
        // Never reserve more than the download may hold (the event's size is the server's word).
        let cap = cfg.max_bytes;
        let mut client = Client::new(cfg).await?;
        let size = Cell::new(None);
        let mut sink = SizedVec {
            bytes: Vec::new(),
            size: &size,
        };
        client
            .download_audit_log_sized(app, id, size_hint, &mut sink, &|done, total| {
                size.set(total.map(|t| t.min(cap)));
                progress(done, total);
            })
            .await?;
        Ok(sink.bytes)
    })
}

/// A `Vec` sink that reserves the announced size before its first write (up to 1 GiB, and
/// up to the download limit; a failed reservation just lets it grow as usual).
struct SizedVec<'a> {
    bytes: Vec<u8>,
    size: &'a Cell<Option<u64>>,
}

impl AsyncWrite for SizedVec<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.bytes.capacity() == 0 {
            if let Some(size) = this.size.get() {
                let wanted = usize::try_from(size.min(1 << 30)).unwrap_or(0);
                let _ = this.bytes.try_reserve_exact(wanted.max(buf.len()));
            }
        }
        this.bytes.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// `scalingo://APP/AUDIT_LOG_ID` → `(APP, AUDIT_LOG_ID)`; `None` for anything else.
pub fn parse_source_url(s: &str) -> Option<(String, String)> {
    const SCHEME: &str = "scalingo://";
    let head = s.get(..SCHEME.len())?;
    if !head.eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    let rest = &s[SCHEME.len()..];
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (app, id) = rest.split_once('/')?;
    if app.is_empty() || id.is_empty() || id.contains('/') {
        return None;
    }
    Some((app.to_string(), id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[test]
    fn source_urls() {
        assert_eq!(
            parse_source_url("scalingo://my-app/abcdef-1234"),
            Some(("my-app".into(), "abcdef-1234".into()))
        );
        assert_eq!(
            parse_source_url("Scalingo://my-app/abc/"),
            Some(("my-app".into(), "abc".into()))
        );
        for bad in [
            "scalingo://",
            "scalingo://app",
            "scalingo://app/",
            "scalingo:///id",
            "scalingo://app/a/b",
            "http://app/id",
            "app/id",
            "scal",
            "",
        ] {
            assert_eq!(parse_source_url(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn sized_vec_reserves_the_announced_size() {
        let size = Cell::new(Some(10_000));
        let mut sink = SizedVec {
            bytes: Vec::new(),
            size: &size,
        };
        sink.write_all(b"[1,2]").await.unwrap();
        assert!(sink.bytes.capacity() >= 10_000);
        assert_eq!(sink.bytes, b"[1,2]");
        let huge = Cell::new(Some(u64::MAX));
        let mut sink = SizedVec {
            bytes: Vec::new(),
            size: &huge,
        };
        sink.write_all(b"x").await.unwrap();
        assert_eq!(sink.bytes, b"x");
    }
}
