//! A small in-process cache for the catalog's *aggregates* at scale: the unfiltered statistics
//! and facet counts that were sampled (`exact: false`). Result rows are never cached, so
//! visibility (publication and expiry instants) stays exact per request; an aggregate that is
//! already an estimate may be up to [`ttl`] old, which the API's `Cache-Control: max-age=30`
//! allows for the whole response anyway.
//!
//! `CAREERS_AGGREGATE_CACHE_SECS` sets the time to live (default 30; 0 turns the cache off, which
//! the benchmark uses to measure the uncached cost).

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex};
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
}

impl<V: Clone> TtlCache<V> {
    pub const fn new(ttl: fn() -> Duration) -> Self {
        TtlCache {
            entries: Mutex::new(BTreeMap::new()),
            ttl,
        }
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
