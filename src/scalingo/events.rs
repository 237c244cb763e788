//! Every event of an app over a window (deployments, restarts, scales, crashes, variable
//! changes, addons, collaborators… not only the `run` events that are sessions).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::client::Client;
use super::error::ApiError;
use super::wire::{check_name, next_page};
use crate::net;

/// An events page answer larger than this is refused.
const PAGE_LIMIT: usize = 64 << 20;

#[derive(Deserialize)]
struct When {
    created_at: Option<String>,
}

fn created_at(raw: &RawValue) -> Option<DateTime<Utc>> {
    let when: When = serde_json::from_str(raw.get()).ok()?;
    DateTime::parse_from_rfc3339(when.created_at?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

impl Client {
    /// The app's events of every type created from `start` to `end` (both in), in the order
    /// the API lists them (newest first), each as the API sent it. Events whose
    /// `created_at` cannot be read are kept (the reader says so). Pages are followed until
    /// one reaches back before `start` (the API lists newest first), or the last one.
    pub async fn events_between(
        &mut self,
        app: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Box<RawValue>>, ApiError> {
        check_name("app name", app)?;
        let per_page = self.cfg.page_size.max(1).to_string();
        let max_bytes = self.cfg.max_bytes;
        let mut kept = Vec::new();
        let mut held = 0u64;
        let mut page: u64 = 1;
        for _ in 0..self.cfg.max_pages.max(1) {
            let body = self
                .events_page_at(app, page, &per_page, PAGE_LIMIT)
                .await?;
            let Some(events) = body.events else { break };
            if events.is_empty() {
                break;
            }
            let mut crossed = false;
            for raw in events {
                let when = created_at(&raw);
                crossed |= when.is_some_and(|t| t < start);
                if when.is_some_and(|t| t < start || t > end) {
                    continue;
                }
                held += raw.get().len() as u64 + 1;
                if held > max_bytes {
                    return Err(ApiError::Net(net::Error::TooLarge {
                        what: format!("the events of app '{app}'"),
                        limit: max_bytes,
                    }));
                }
                kept.push(raw);
            }
            if crossed {
                break;
            }
            match next_page(&body.meta, page) {
                Some(next) => page = next,
                None => break,
            }
        }
        Ok(kept)
    }
}

/// The events as one JSON array: `[` … `]`, separated by `,`, each event byte for byte.
pub(crate) fn join_array(items: &[Box<RawValue>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.iter().map(|i| i.get().len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item.get().as_bytes());
    }
    out.push(b']');
    out
}

/// Every event of `app` (all types) created from `start` to `end`.
///
/// Returns exactly: a JSON array (`[` … `]`, `,` between, no other space) of the event
/// objects byte for byte as the API sent them, newest first as it lists them; `[]` when
/// there are none.
pub fn fetch_events(
    cfg: super::Config,
    app: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<u8>, ApiError> {
    super::logs::runtime()?.block_on(async {
        let mut client = Client::new(cfg).await?;
        let events = client.events_between(app, start, end).await?;
        Ok(join_array(&events))
    })
}
