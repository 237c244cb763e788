//! Pieces of a download that are no provider's: the SHA-256 of exactly the bytes written,
//! and the progress bar on stderr.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWrite;

/// A writer that shows `observe` exactly the bytes its inner writer accepts (a hash, a
/// streaming check of the format, …).
pub struct Observed<W, O> {
    inner: W,
    pub observer: O,
}

impl<W, O> Observed<W, O> {
    pub fn new(inner: W, observer: O) -> Self {
        Observed { inner, observer }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }

    pub fn into_parts(self) -> (W, O) {
        (self.inner, self.observer)
    }
}

/// What an [`Observed`] writer shows the bytes to.
pub trait Observe {
    fn observe(&mut self, bytes: &[u8]);
}

impl Observe for Sha256 {
    fn observe(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl<W: AsyncWrite + Unpin, O: Observe + Unpin> AsyncWrite for Observed<W, O> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                this.observer.observe(&buf[..n.min(buf.len())]);
                Poll::Ready(Ok(n))
            }
            other => other,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Hashes (SHA-256) exactly the bytes its inner writer accepts.
pub type HashingWriter<W> = Observed<W, Sha256>;

impl<W> Observed<W, Sha256> {
    pub fn hashing(inner: W) -> Self {
        Observed::new(inner, Sha256::new())
    }

    pub fn hex_digest(&self) -> String {
        use std::fmt::Write as _;
        self.observer
            .clone()
            .finalize()
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }
}

/// The download's progress bar on stderr (or nothing). Cleared when dropped.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(enabled: bool) -> Progress {
        let bar = enabled.then(|| {
            let style = ProgressStyle::with_template(
                "{spinner} {decimal_bytes} received ({decimal_bytes_per_sec})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                .with_style(style)
                .with_finish(ProgressFinish::AndClear)
        });
        Progress { bar }
    }

    pub fn update(&self, done: u64, total: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        if let Some(total) = total {
            if bar.length() != Some(total) {
                let style = ProgressStyle::with_template(
                    "{wide_bar} {decimal_bytes}/{decimal_total_bytes} ({decimal_bytes_per_sec}, {eta} left)",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar());
                bar.set_style(style);
                bar.set_length(total);
            }
        }
        bar.set_position(done);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Resolves when the user interrupts (Ctrl-C, or SIGTERM on Unix); never if the signals
/// cannot be watched.
pub async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let terminate = async {
            match signal(SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            r = tokio::signal::ctrl_c() => if r.is_err() { std::future::pending::<()>().await },
            () = terminate => {},
        }
    }
    #[cfg(not(unix))]
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn hashing_writer_hashes_what_it_writes() {
        let mut w = HashingWriter::hashing(Vec::new());
        w.write_all(b"ab").await.unwrap();
        w.write_all(b"c").await.unwrap();
        assert_eq!(
            w.hex_digest(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(w.into_inner(), b"abc");
    }
}
