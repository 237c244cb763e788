//! Downloading an audit log: streamed into any writer, its first bytes sniffed (an HTML page
//! or an API error body is named, not saved as evidence), within the byte limit.

use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::client::{Client, Ctx};
use super::error::{ApiError, AUDIT_LOG};
use super::text::truncate_chars;
use super::wire::{check_name, endpoint};
use crate::formats::sniff::{sniff_audit_log, NotAuditLog, Sniff, SNIFF_LIMIT};
use crate::net;
use crate::net::message::{html_description, json_message};
use serde_json::Value;

impl Client {
    /// Downloads an audit log into `sink`, chunk by chunk, exactly as sent. `progress` is
    /// called with the bytes received so far and the total when known. Returns the bytes
    /// written. Nothing is written when the answer is not an audit log; more than
    /// `max_bytes` is an error.
    pub async fn download_audit_log(
        &mut self,
        app: &str,
        id: &str,
        sink: &mut (impl AsyncWrite + Unpin),
        progress: &dyn Fn(u64, Option<u64>),
    ) -> Result<u64, ApiError> {
        self.download_audit_log_sized(app, id, None, sink, progress)
            .await
    }

    /// [`Client::download_audit_log`] with the size known from the run event
    /// (`audit_log_size`), for the progress when the answer has no `Content-Length`.
    pub async fn download_audit_log_sized(
        &mut self,
        app: &str,
        id: &str,
        size_hint: Option<u64>,
        sink: &mut (impl AsyncWrite + Unpin),
        progress: &dyn Fn(u64, Option<u64>),
    ) -> Result<u64, ApiError> {
        check_name("app name", app)?;
        check_name("audit log id", id)?;
        let url = endpoint(&self.api_base, &["v1", "apps", app, "audit_logs", id]);
        let res = self.api_get(&url, Ctx::AuditLog { app, id }).await?;
        let mut body = net::Body::new(res, &url, AUDIT_LOG, self.cfg.max_bytes, &self.net)?;
        let total = body.expected().or(size_hint);
        progress(0, total);

        let write_err = |source| ApiError::Io {
            what: "cannot write the audit log".into(),
            source,
        };
        let mut held: Vec<u8> = Vec::new();
        let mut decided = false;
        while let Some(chunk) = body.chunk(&self.redactor).await? {
            if decided {
                sink.write_all(&chunk).await.map_err(write_err)?;
            } else {
                held.extend_from_slice(&chunk);
                match sniff_audit_log(&held, false) {
                    Sniff::Undecided => {}
                    Sniff::AuditLog => {
                        decided = true;
                        sink.write_all(&held).await.map_err(write_err)?;
                        held = Vec::new();
                    }
                    Sniff::Not(why) => return Err(self.not_an_audit_log(&held, why)),
                }
            }
            progress(body.received(), total);
        }
        if !decided {
            match sniff_audit_log(&held, true) {
                Sniff::AuditLog | Sniff::Undecided => {
                    sink.write_all(&held).await.map_err(write_err)?;
                }
                Sniff::Not(why) => return Err(self.not_an_audit_log(&held, why)),
            }
        }
        sink.flush().await.map_err(write_err)?;
        Ok(body.received())
    }

    fn not_an_audit_log(&self, held: &[u8], why: NotAuditLog) -> ApiError {
        let detail = match why {
            NotAuditLog::Empty => "the body is empty".to_string(),
            NotAuditLog::OnlyBlank => "the body is only blank space".to_string(),
            NotAuditLog::TooMuchBlank => format!(
                "it starts with more than {} KiB of blank space",
                SNIFF_LIMIT >> 10
            ),
            NotAuditLog::Html(at) => {
                format!(
                    "it is {}",
                    html_description(&String::from_utf8_lossy(&held[at..]))
                )
            }
            NotAuditLog::JsonError(first) => format!(
                "it is a JSON error: '{}'",
                json_message(&Value::Object(first))
            ),
            NotAuditLog::Other(at) => {
                let head = &held[at..held.len().min(at + 4096)];
                let text = self.redactor.redact(String::from_utf8_lossy(head).trim());
                format!("it starts with '{}'", truncate_chars(text.trim(), 40))
            }
        };
        ApiError::NotAnAuditLog {
            detail: self.clean(&detail),
        }
    }

    // ----- authentication -------------------------------------------------------------
}
