//! The in-process cache of the catalog's *aggregates* at scale: the unfiltered statistics, facet
//! counts that were sampled (`exact: false`) and the planner's estimates of large match counts
//! (`count_exact: false`). Result rows and exact counts are never cached, so visibility
//! (publication and expiry instants) stays exact per request; an aggregate that is already an
//! estimate may be up to the time to live old (`CAREERS_AGGREGATE_CACHE_SECS`, read in
//! [`crate::config`]), which the API's `Cache-Control: max-age=30` allows for the whole response.
//!
//! One [`Aggregates`] lives in the application state (so each database, e.g. each test's, has its
//! own); the caches are moka's, which also make one request compute a missing value while the
//! others asking for it meanwhile wait for that value (thirty-two identical facet samples on two
//! cores took 400 ms each when every request computed its own).

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::future::Cache;

use super::query::{CatalogStats, Facets};

/// Entries kept per cache.
const MAX_ENTRIES: u64 = 10_000;

/// A computed value and whether it may be reused.
#[derive(Clone)]
struct Kept<V> {
    value: V,
    keep: bool,
}

/// Entries live for the time to live when their computation said to keep them, else not at all
/// (requests already waiting for that computation still get its value).
struct KeepOrDrop(Duration);

impl<K, V> moka::Expiry<K, Kept<V>> for KeepOrDrop {
    fn expire_after_create(&self, _: &K, v: &Kept<V>, _: Instant) -> Option<Duration> {
        Some(if v.keep { self.0 } else { Duration::ZERO })
    }
}

/// One cache of values computed per key, single-flight; `None` when caching is off.
pub struct Aggregate<V: Clone + Send + Sync + 'static>(Option<Cache<String, Kept<V>>>);

impl<V: Clone + Send + Sync + 'static> Aggregate<V> {
    fn new(ttl: Duration) -> Self {
        Aggregate((!ttl.is_zero()).then(|| {
            Cache::builder()
                .max_capacity(MAX_ENTRIES)
                .expire_after(KeepOrDrop(ttl))
                .build()
        }))
    }

    /// The value under `key`, else `fill`'s (`(value, keep)`), kept for the time to live when
    /// `keep` is true. A key is computed by one request at a time; the others wait for it.
    pub async fn get_or_fill<F>(&self, key: String, fill: F) -> sqlx::Result<V>
    where
        F: Future<Output = sqlx::Result<(V, bool)>>,
    {
        let Some(cache) = &self.0 else {
            return fill.await.map(|(v, _)| v);
        };
        let init = async { fill.await.map(|(value, keep)| Kept { value, keep }) };
        cache
            .try_get_with(key, init)
            .await
            .map(|k| k.value)
            .map_err(|e| Arc::try_unwrap(e).unwrap_or_else(|shared| same_kind(&shared)))
    }
}

/// An error of the same kind as a shared one (waiters share the first computation's error), so
/// that "the database is unavailable" stays a 503 for every one of them.
fn same_kind(e: &sqlx::Error) -> sqlx::Error {
    match e {
        sqlx::Error::PoolTimedOut => sqlx::Error::PoolTimedOut,
        sqlx::Error::PoolClosed => sqlx::Error::PoolClosed,
        sqlx::Error::RowNotFound => sqlx::Error::RowNotFound,
        sqlx::Error::WorkerCrashed => sqlx::Error::WorkerCrashed,
        sqlx::Error::Io(io) => sqlx::Error::Io(std::io::Error::new(io.kind(), io.to_string())),
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

/// The catalog's aggregate caches, one set per application state.
pub struct Aggregates {
    /// Planner estimates of large match counts, by filter set.
    pub estimates: Aggregate<i64>,
    /// Sampled facet counts, by filter set.
    pub facets: Aggregate<Facets>,
    /// The unfiltered statistics of a large catalog (a small one is counted live, and must see
    /// every change at once).
    stats: Option<Cache<(), CatalogStats>>,
}

impl Aggregates {
    /// Caches whose entries live `ttl` (zero turns caching off).
    pub fn new(ttl: Duration) -> Self {
        Aggregates {
            estimates: Aggregate::new(ttl),
            facets: Aggregate::new(ttl),
            stats: (!ttl.is_zero()).then(|| Cache::builder().time_to_live(ttl).build()),
        }
    }

    /// The statistics remembered lately, if any.
    pub async fn stats(&self) -> Option<CatalogStats> {
        self.stats.as_ref()?.get(&()).await
    }

    /// Remembers `stats` (`keep`) or forgets what was remembered.
    pub async fn remember_stats(&self, stats: &CatalogStats, keep: bool) {
        if let Some(cache) = &self.stats {
            if keep {
                cache.insert((), stats.clone()).await;
            } else {
                cache.invalidate(&()).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn a_missing_value_is_computed_once_while_others_wait_for_it() {
        let c: Aggregate<u32> = Aggregate::new(Duration::from_secs(60));
        let calls = AtomicU32::new(0);
        let fill = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok((7, true))
        };
        let (a, b) = tokio::join!(
            c.get_or_fill("k".into(), fill()),
            c.get_or_fill("k".into(), fill())
        );
        assert_eq!((a.unwrap(), b.unwrap()), (7, 7));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(c.get_or_fill("k".into(), fill()).await.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "kept for its time to live");
    }

    /// `fill`s `value` under `key` (or returns what is kept there).
    async fn get(c: &Aggregate<u32>, key: &str, value: u32, keep: bool) -> u32 {
        c.get_or_fill(key.into(), async move { Ok((value, keep)) })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_value_its_computation_says_not_to_keep_is_not_kept() {
        let c: Aggregate<u32> = Aggregate::new(Duration::from_secs(60));
        assert_eq!(get(&c, "n", 1, false).await, 1);
        assert_eq!(get(&c, "n", 2, false).await, 2);
    }

    #[tokio::test]
    async fn a_zero_time_to_live_stores_nothing_and_errors_pass_through() {
        let c: Aggregate<u32> = Aggregate::new(Duration::ZERO);
        assert_eq!(get(&c, "a", 1, true).await, 1);
        assert_eq!(get(&c, "a", 2, true).await, 2);
        let kept: Aggregate<u32> = Aggregate::new(Duration::from_secs(60));
        let err = kept
            .get_or_fill("e".into(), async { Err(sqlx::Error::RowNotFound) })
            .await;
        assert!(matches!(err, Err(sqlx::Error::RowNotFound)));
    }
}
