//! A session's content in SQLite: its chunks ([`super::super::chunks`]) in `chunks`, each
//! one deflated blob (its pieces' times, where each starts, its text), and their words in
//! `chunk_words`, an FTS5 table that keeps no text of its own (`content=''`) and no word
//! positions (`detail=column`): the index holds each word once a chunk (a tenth of the
//! positions' size on real sessions), the text is kept once, compressed.
//!
//! A search asks FTS5 for the chunks that hold every word of the query, best first, and
//! reads them one at a time until it has its hits: the pieces in them that match (every
//! term in one piece, a phrase's words in order, checked here). Best is shortest: each chunk
//! keeps its number of words (`nwords`, version 3), and the chunks that hold every word of
//! a query are ranked by it, as PostgreSQL ranks them. That is the order bm25 gives without
//! positions (every matching chunk holds each term once as far as the index knows, so its
//! score depends on its length alone), without FTS5 computing a score for every match: for
//! a word in most chunks, that took 20 of a search's 50 ms.

use super::super::chunks::{self, Chunk};
use super::super::{words, Entry, Hit, In, Query};
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use rusqlite::types::{Type, Value};
use rusqlite::{params, OptionalExtension, Transaction};
use std::io::{Read, Write};

/// The tables of version 2 (version 3 adds `nwords` to `chunks`).
const SCHEMA: &str = "
    CREATE TABLE chunks (
        id INTEGER PRIMARY KEY,
        session INTEGER NOT NULL,
        kind TEXT NOT NULL,
        body BLOB NOT NULL
    );
    CREATE INDEX chunks_by_session ON chunks (session);
    CREATE VIRTUAL TABLE chunk_words USING fts5 (text, content = '', detail = column);";

/// The migration to version 2: the chunk tables made, and version 1's pieces (one FTS5 row
/// each, the text in the index) moved into them, session by session.
pub fn chunked_content(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(SCHEMA)?;
    {
        let mut st =
            tx.prepare("SELECT session, kind, t, text FROM content ORDER BY session, rowid")?;
        let mut rows = st.query([])?;
        let mut held: Option<(i64, Vec<Entry>)> = None;
        while let Some(r) = rows.next()? {
            let session: i64 = r.get(0)?;
            let entry = Entry {
                kind: In::parse(&r.get::<_, String>(1)?),
                t: r.get::<_, i64>(2)?.max(0) as u64,
                text: r.get(3)?,
            };
            match &mut held {
                Some((s, entries)) if *s == session => entries.push(entry),
                _ => {
                    if let Some((s, entries)) = held.take() {
                        insert_into(tx, s, &entries, false)?;
                    }
                    held = Some((session, vec![entry]));
                }
            }
        }
        if let Some((s, entries)) = held {
            insert_into(tx, s, &entries, false)?;
        }
    }
    tx.execute_batch("DROP TABLE content")
}

/// The migration to version 3: `chunks` made again with each chunk's number of words
/// (before its body, so that reading it does not read the body), the ids kept.
pub fn counted_chunks(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE chunks_v3 (
            id INTEGER PRIMARY KEY,
            session INTEGER NOT NULL,
            kind TEXT NOT NULL,
            nwords INTEGER NOT NULL,
            body BLOB NOT NULL
        );",
    )?;
    {
        let mut st = tx.prepare("SELECT id, session, kind, body FROM chunks ORDER BY id")?;
        let mut ins = tx.prepare(
            "INSERT INTO chunks_v3 (id, session, kind, nwords, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (id, session, kind): (i64, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let body: Vec<u8> = r.get(3)?;
            // a body that cannot be read counts as long: found last (and said damaged then)
            let nwords = decode(&body).map_or(i64::MAX, |(_, _, text)| words::count(&text) as i64);
            ins.execute(params![id, session, kind, nwords, body])?;
        }
    }
    tx.execute_batch(
        "DROP TABLE chunks;
        ALTER TABLE chunks_v3 RENAME TO chunks;
        CREATE INDEX chunks_by_session ON chunks (session);",
    )
}

/// A session's content, in the transaction that adds the session.
pub fn insert(tx: &Transaction<'_>, session: i64, content: &[Entry]) -> rusqlite::Result<()> {
    insert_into(tx, session, content, true)
}

/// [`insert`] into the tables of version 3 (`counted`), or of version 2 (the migration to
/// it, which the one to version 3 then follows).
fn insert_into(
    tx: &Transaction<'_>,
    session: i64,
    content: &[Entry],
    counted: bool,
) -> rusqlite::Result<()> {
    let mut ins = tx.prepare_cached(if counted {
        "INSERT INTO chunks (session, kind, body, nwords) VALUES (?1, ?2, ?3, ?4)"
    } else {
        "INSERT INTO chunks (session, kind, body) VALUES (?1, ?2, ?3)"
    })?;
    let mut words = tx.prepare_cached("INSERT INTO chunk_words (rowid, text) VALUES (?1, ?2)")?;
    for c in chunks::chunks(content, false) {
        let body = encode(&c);
        if counted {
            ins.execute(params![session, c.kind, body, words::count(&c.text) as i64])?;
        } else {
            ins.execute(params![session, c.kind, body])?;
        }
        let id = tx.last_insert_rowid();
        // a line between pieces: no word runs from one into the next
        let text: Vec<&str> = c.pieces().collect();
        words.execute(params![id, text.join("\n")])?;
    }
    Ok(())
}

/// A chunk's body: the number of pieces, their times, where each starts, then the text;
/// deflated.
fn encode(c: &Chunk) -> Vec<u8> {
    let mut raw = Vec::with_capacity(4 + c.times.len() * 12 + c.text.len());
    raw.extend((c.times.len() as u32).to_le_bytes());
    for t in &c.times {
        raw.extend(t.to_le_bytes());
    }
    for s in &c.starts {
        raw.extend(s.to_le_bytes());
    }
    raw.extend(c.text.as_bytes());
    let mut z = DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&raw).expect("writing to memory");
    z.finish().expect("writing to memory")
}

/// A chunk's body read back (`None`: not one this auditty wrote, a damaged archive).
fn decode(body: &[u8]) -> Option<(Vec<i64>, Vec<i32>, String)> {
    let mut raw = Vec::new();
    DeflateDecoder::new(body).read_to_end(&mut raw).ok()?;
    let n = u32::from_le_bytes(raw.get(..4)?.try_into().ok()?) as usize;
    let times_end = n.checked_mul(8)?.checked_add(4)?;
    let starts_end = n.checked_mul(4)?.checked_add(times_end)?;
    let times = raw.get(4..times_end)?.chunks_exact(8);
    let times = times.map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")));
    let starts = raw.get(times_end..starts_end)?.chunks_exact(4);
    let starts = starts.map(|b| i32::from_le_bytes(b.try_into().expect("4 bytes")));
    let (times, starts) = (times.collect(), starts.collect());
    let text = String::from_utf8(raw.get(starts_end..)?.to_vec()).ok()?;
    Some((times, starts, text))
}

/// Hits, best first, at most `limit`: `conds` and `values` are the sessions' filter (on the
/// alias `s`) and the scope (on `c`); `cols` the session's columns, `row` how to read them.
pub fn search(
    conn: &rusqlite::Connection,
    query: &Query,
    conds: &[String],
    values: Vec<Value>,
    cols: &str,
    row: fn(&rusqlite::Row<'_>, usize) -> rusqlite::Result<super::super::SessionMeta>,
    limit: usize,
) -> rusqlite::Result<Vec<Hit>> {
    let mut all = vec!["chunk_words MATCH ?".to_string()];
    all.extend(conds.iter().cloned());
    let mut bound = vec![Value::Text(query.to_fts5_words())];
    bound.extend(values);
    // the matching chunks' ids, best first, each session's best before any second best
    // (no chunk's body read to rank them)
    let sql = format!(
        "SELECT id, round FROM (\
             SELECT c.id AS id, c.nwords AS r, s.created_ns AS created, \
                 row_number() OVER (PARTITION BY c.session ORDER BY c.nwords, c.id) \
                     AS round \
             FROM chunk_words JOIN chunks c ON c.id = chunk_words.rowid \
                 JOIN sessions s ON s.id = c.session \
             WHERE {}) \
         ORDER BY round, r, created DESC, id",
        all.join(" AND ")
    );
    let mut ids = conn.prepare(&sql)?;
    let mut ids = ids.query(rusqlite::params_from_iter(bound))?;
    let mut chunk = conn.prepare(&format!(
        "SELECT c.kind, c.body, {cols} FROM chunks c JOIN sessions s ON s.id = c.session \
         WHERE c.id = ?1"
    ))?;
    let mut gather = chunks::Gather::new(limit);
    while let Some(r) = ids.next()? {
        let (id, round): (i64, i64) = (r.get(0)?, r.get(1)?);
        if !gather.wants(round) {
            break;
        }
        let found = chunk
            .query_row([id], |r| {
                let body: Vec<u8> = r.get(1)?;
                let (times, starts, text) = decode(&body).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        1,
                        Type::Blob,
                        format!("the content of chunk {id} is damaged").into(),
                    )
                })?;
                let kind = In::parse(&r.get::<_, String>(0)?);
                let session = row(r, 2)?;
                Ok(chunks::hits(&times, &starts, &text, query, limit)
                    .into_iter()
                    .map(|(t, snippet)| Hit {
                        session: session.clone(),
                        kind,
                        t,
                        snippet,
                    })
                    .collect::<Vec<_>>())
            })
            .optional()?;
        gather.add(found.into_iter().flatten());
    }
    Ok(gather.hits())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_reads_back_as_written() {
        let c = Chunk {
            kind: "output",
            times: vec![5, 1 << 40, -1],
            starts: vec![0, 3, 9],
            text: "ab\u{e9}cdefghij".into(),
            ..Chunk::default()
        };
        assert_eq!(
            decode(&encode(&c)),
            Some((c.times.clone(), c.starts.clone(), c.text.clone()))
        );
        for bad in [&b""[..], b"\x00\x01", &encode(&c)[..5]] {
            assert_eq!(decode(bad), None);
        }
    }
}
