//! A small in-process cache for the catalog's *aggregates* at scale: the unfiltered statistics,
//! facet counts that were sampled (`exact: false`) and the planner's estimates of large match
//! counts (`count_exact: false`). Result rows and exact counts are never cached, so
//! visibility (publication and expiry instants) stays exact per request; an aggregate that is
//! already an estimate may be up to [`ttl`] old, which the API's `Cache-Control: max-age=30`
//! allows for the whole response anyway.
//!
//! `CAREERS_AGGREGATE_CACHE_SECS` sets the time to live (default 30; 0 turns the cache off, which
//! the benchmark uses to measure the uncached cost).

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// Entries kept per cache; beyond, expired entries are dropped, then everything.
const MAX_ENTRIES: usize = 10_000;

/// How long an aggregate may be reused.
pub fn ttl() -> Duration {
    static TTL: LazyLock<Duration> = LazyLock::new(|| {
        let secs = std::env::var("CAREERS_AGGREGATE_CACHE_SECS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(30);
        Duration::from_secs(secs)
    });
    *TTL
}

/// A map from key to value that forgets values older than its time to live.
pub struct TtlCache<V> {
    entries: Mutex<BTreeMap<String, (Instant, V)>>,
    ttl: fn() -> Duration,
    /// Per key being computed, a lock its computation holds ([`TtlCache::get_or_fill`]).
    filling: Mutex<BTreeMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl<V: Clone> TtlCache<V> {
    pub const fn new(ttl: fn() -> Duration) -> Self {
        TtlCache {
            entries: Mutex::new(BTreeMap::new()),
            ttl,
            filling: Mutex::new(BTreeMap::new()),
        }
    }

    /// The value under `key`, else `fill`'s, kept when `fill` says so. A key is computed by one
    /// request at a time: others missing it meanwhile wait for that value instead of all
    /// computing it at once (thirty-two identical facet samples on two cores took 400 ms each).
    pub async fn get_or_fill<E, F, Fut>(&self, key: String, fill: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(V, bool), E>>,
    {
        if let Some(v) = self.get(&key) {
            return Ok(v);
        }
        if (self.ttl)().is_zero() {
            return fill().await.map(|(v, _)| v);
        }
        let lock = {
            let mut filling = self.filling.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(filling.entry(key.clone()).or_default())
        };
        let _computing = lock.lock().await;
        if let Some(v) = self.get(&key) {
            return Ok(v);
        }
        let result = fill().await;
        if let Ok((v, true)) = &result {
            self.put(key.clone(), v.clone());
        }
        self.filling
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
        result.map(|(v, _)| v)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, (Instant, V)>> {
        // A panic while holding the lock cannot leave the map inconsistent.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value stored under `key` if it is younger than the time to live.
    pub fn get(&self, key: &str) -> Option<V> {
        let ttl = (self.ttl)();
        if ttl.is_zero() {
            return None;
        }
        let map = self.lock();
        map.get(key)
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, key: String, value: V) {
        let ttl = (self.ttl)();
        if ttl.is_zero() {
            return;
        }
        let mut map = self.lock();
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, (at, _)| at.elapsed() < ttl);
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
        }
        map.insert(key, (Instant::now(), value));
    }

    /// Forgets `key` (after the value was recomputed elsewhere).
    pub fn remove(&self, key: &str) {
        self.lock().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long() -> Duration {
        Duration::from_secs(60)
    }

    fn off() -> Duration {
        Duration::ZERO
    }

    #[test]
    fn keeps_values_for_their_time_to_live_and_forgets_on_request() {
        let c: TtlCache<u32> = TtlCache::new(long);
        assert_eq!(c.get("a"), None);
        c.put("a".into(), 1);
        assert_eq!(c.get("a"), Some(1));
        c.remove("a");
        assert_eq!(c.get("a"), None);
    }

    #[test]
    fn a_zero_time_to_live_stores_nothing() {
        let c: TtlCache<u32> = TtlCache::new(off);
        c.put("a".into(), 1);
        assert_eq!(c.get("a"), None);
    }

    #[tokio::test]
    async fn a_missing_value_is_computed_once_while_others_wait_for_it() {
        static C: TtlCache<u32> = TtlCache::new(long);
        let calls = std::sync::atomic::AtomicU32::new(0);
        let fill = || async {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>((7, true))
        };
        let (a, b) = tokio::join!(
            C.get_or_fill("k".into(), fill),
            C.get_or_fill("k".into(), fill)
        );
        assert_eq!((a, b), (Ok(7), Ok(7)));
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        // A value its computation says not to keep is not kept.
        let kept = C.get_or_fill("n".into(), || async { Ok::<_, ()>((1, false)) });
        assert_eq!(kept.await, Ok(1));
        assert_eq!(C.get("n"), None);
    }

    #[test]
    fn stays_bounded() {
        let c: TtlCache<usize> = TtlCache::new(long);
        for i in 0..=MAX_ENTRIES {
            c.put(i.to_string(), i);
        }
        assert!(c.lock().len() <= MAX_ENTRIES);
        assert_eq!(c.get(&MAX_ENTRIES.to_string()), Some(MAX_ENTRIES));
    }
}
