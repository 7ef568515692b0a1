//! Index answers reused while they cannot change (#12): a page's ids and count, or a query's
//! facets, keyed by the query and valid for one index generation (a commit of the indexer makes a
//! new one) and only until the next instant a job of the index becomes public or expires. Within
//! that window the same query over the same index has the same answer, so a cached answer is
//! never wrong. Rows are still read from the catalog on every request, with the visibility rule.
//!
//! Queries relative to the current time beyond publication and expiry (`posted_within_days`) are
//! not cached.

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::Searcher;

use super::query::Facets;
use super::search::Key;

/// Entries kept before the cache starts over.
const MAX_ENTRIES: usize = 10_000;

/// A cached answer.
#[derive(Clone)]
pub enum Answer {
    /// Matches and the page's positions.
    Page {
        count: u64,
        keys: Vec<Key>,
    },
    Facets(Facets),
}

#[derive(Default)]
struct State {
    generation: u64,
    /// The first instant (Unix seconds) after the generation's first use at which a job of it is
    /// published or expires; `i64::MIN` when not computed yet.
    until: i64,
    entries: HashMap<String, Answer>,
}

/// The cache of one process's index.
#[derive(Default)]
pub struct SearchCache {
    state: Mutex<State>,
}

impl SearchCache {
    /// The answer under `key` for `searcher`'s generation at `now`, if any.
    pub fn get(&self, searcher: &Searcher, now: i64, key: &str) -> Option<Answer> {
        let mut state = self.state.lock().ok()?;
        Self::current(&mut state, searcher, now);
        state.entries.get(key).cloned()
    }

    /// Keeps `answer` under `key` for `searcher`'s generation.
    pub fn put(&self, searcher: &Searcher, now: i64, key: String, answer: Answer) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        Self::current(&mut state, searcher, now);
        if state.entries.len() >= MAX_ENTRIES {
            state.entries.clear();
        }
        state.entries.insert(key, answer);
    }

    /// Starts over when the generation changed or its window ended.
    fn current(state: &mut State, searcher: &Searcher, now: i64) {
        let generation = searcher.generation().generation_id();
        if state.generation != generation || now >= state.until {
            state.entries.clear();
            state.generation = generation;
            state.until = next_instant(searcher, now);
        }
    }
}

/// The first publication or expiry time after `now` of any document (deleted ones included,
/// which only ends a window early).
fn next_instant(searcher: &Searcher, now: i64) -> i64 {
    let mut next = i64::MAX;
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        for field in ["published_at", "expires_at"] {
            let Ok(column) = ff.i64(field) else {
                // Unreadable: never cache this generation.
                return now;
            };
            for v in column.values.iter() {
                if v > now && v < next {
                    next = v;
                }
            }
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{FAST, INDEXED, Schema};
    use tantivy::{Index, TantivyDocument};

    fn index(times: &[(i64, i64)]) -> Index {
        let mut b = Schema::builder();
        let published = b.add_i64_field("published_at", INDEXED | FAST);
        let expires = b.add_i64_field("expires_at", INDEXED | FAST);
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (p, e) in times {
            let mut d = TantivyDocument::default();
            d.add_i64(published, *p);
            d.add_i64(expires, *e);
            w.add_document(d).unwrap();
        }
        w.commit().unwrap();
        index
    }

    #[test]
    fn an_answer_lives_until_the_next_publication_or_expiry_and_the_next_commit() {
        // One job public from 100 to 500, one published at 300.
        let index = index(&[(100, 500), (300, i64::MAX)]);
        let searcher = index.reader().unwrap().searcher();
        let cache = SearchCache::default();
        let answer = || Answer::Page {
            count: 1,
            keys: Vec::new(),
        };
        cache.put(&searcher, 200, "k".into(), answer());
        assert!(cache.get(&searcher, 299, "k").is_some());
        assert!(
            cache.get(&searcher, 300, "k").is_none(),
            "a job was published"
        );
        cache.put(&searcher, 300, "k".into(), answer());
        assert!(cache.get(&searcher, 499, "k").is_some());
        assert!(cache.get(&searcher, 500, "k").is_none(), "a job expired");
        // Another generation (a commit) starts over.
        cache.put(&searcher, 600, "k".into(), answer());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        w.add_document(TantivyDocument::default()).unwrap();
        w.commit().unwrap();
        let reader = index.reader().unwrap();
        reader.reload().unwrap();
        assert!(cache.get(&reader.searcher(), 600, "k").is_none());
    }
}
