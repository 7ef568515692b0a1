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
    /// The index generation the entries belong to (`None` before the first use).
    generation: Option<u64>,
    /// Every publication and expiry instant (Unix seconds) of the generation after its first
    /// use, sorted: read once per generation, so a window's end is a binary search. `None`:
    /// unreadable, nothing is kept.
    instants: Option<Vec<i64>>,
    /// The current window: from the later of the generation's first use and the last of
    /// `instants` at or before now, to the next of `instants`.
    from: i64,
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
        if !Self::current(&mut state, searcher, now) {
            return None;
        }
        state.entries.get(key).cloned()
    }

    /// Keeps `answer` under `key` for `searcher`'s generation.
    pub fn put(&self, searcher: &Searcher, now: i64, key: String, answer: Answer) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if !Self::current(&mut state, searcher, now) || state.instants.is_none() {
            return;
        }
        if state.entries.len() >= MAX_ENTRIES {
            state.entries.clear();
        }
        state.entries.insert(key, answer);
    }

    /// Starts over when the generation changed or its window ended; `false` when `now` lies
    /// before the window (a request that read the clock before another opened it).
    fn current(state: &mut State, searcher: &Searcher, now: i64) -> bool {
        let generation = searcher.generation().generation_id();
        if state.generation != Some(generation) {
            state.generation = Some(generation);
            state.instants = instants_after(searcher, now);
            state.entries.clear();
            // The first window opens at this first use: `instants` holds nothing earlier.
            state.from = now;
            state.until = now;
        }
        if now >= state.until {
            state.entries.clear();
            let instants = state.instants.as_deref().unwrap_or_default();
            let next = instants.partition_point(|t| *t <= now);
            state.from = next
                .checked_sub(1)
                .map_or(i64::MIN, |i| instants[i])
                .max(state.until);
            state.until = instants.get(next).copied().unwrap_or(i64::MAX);
        }
        now >= state.from
    }
}

/// The publication and expiry times after `now` of every document (deleted ones included,
/// which only end a window early), sorted and deduplicated; `None` when a column is unreadable.
fn instants_after(searcher: &Searcher, now: i64) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        for field in ["published_at", "expires_at"] {
            let column = ff.i64(field).ok()?;
            out.extend(column.values.iter().filter(|v| *v > now && *v < i64::MAX));
        }
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
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
        assert!(
            cache.get(&searcher, 150, "k").is_none(),
            "before the generation's first use: its instants start after it"
        );
        assert!(cache.get(&searcher, 299, "k").is_some());
        assert!(
            cache.get(&searcher, 300, "k").is_none(),
            "a job was published"
        );
        cache.put(&searcher, 300, "k".into(), answer());
        assert!(cache.get(&searcher, 499, "k").is_some());
        assert!(cache.get(&searcher, 500, "k").is_none(), "a job expired");
        cache.put(&searcher, 500, "k".into(), answer());
        assert!(
            cache.get(&searcher, 499, "k").is_none(),
            "a request that read the clock before the window opened"
        );
        assert!(cache.get(&searcher, 10_000, "k").is_some(), "nothing ahead");
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
