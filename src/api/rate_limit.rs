//! A small per-client-IP token-bucket limiter for the public API: reads are generous, applications
//! strict. Limits come from the settings (0 = unlimited), so tests and benchmarks can lift them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Which budget a request draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Read,
    Apply,
}

/// Entries kept before idle (full) buckets are pruned.
const PRUNE_AT: usize = 50_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets keyed by (client IP, class).
#[derive(Debug)]
pub struct RateLimiter {
    reads_per_minute: u32,
    applies_per_minute: u32,
    buckets: Mutex<HashMap<(IpAddr, Class), Bucket>>,
}

impl RateLimiter {
    pub fn new(reads_per_minute: u32, applies_per_minute: u32) -> Self {
        RateLimiter {
            reads_per_minute,
            applies_per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip` in `class`: `Ok(())`, or `Err(seconds)` to wait.
    pub fn check(&self, ip: IpAddr, class: Class) -> Result<(), u64> {
        self.check_at(ip, class, Instant::now())
    }

    fn check_at(&self, ip: IpAddr, class: Class, now: Instant) -> Result<(), u64> {
        let per_minute = match class {
            Class::Read => self.reads_per_minute,
            Class::Apply => self.applies_per_minute,
        };
        if per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(per_minute);
        let rate = capacity / 60.0;
        // A poisoned lock only means another request panicked mid-update; the map is still usable.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > PRUNE_AT {
            buckets
                .retain(|_, b| now.duration_since(b.at).as_secs_f64() * rate + b.tokens < capacity);
        }
        let b = buckets.entry((ip, class)).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * rate).min(capacity);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn applies_are_limited_per_ip_and_refill_over_time() {
        let l = RateLimiter::new(600, 5);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(l.check_at(a, Class::Apply, t0).is_ok());
        }
        let wait = l.check_at(a, Class::Apply, t0).unwrap_err();
        assert!((1..=12).contains(&wait), "{wait}");
        assert!(
            l.check_at(b, Class::Apply, t0).is_ok(),
            "other IPs unaffected"
        );
        assert!(
            l.check_at(a, Class::Read, t0).is_ok(),
            "reads have their own budget"
        );
        assert!(
            l.check_at(a, Class::Apply, t0 + Duration::from_secs(12))
                .is_ok()
        );
    }

    #[test]
    fn zero_means_unlimited() {
        let l = RateLimiter::new(0, 0);
        let ip: IpAddr = "::1".parse().unwrap();
        for _ in 0..1000 {
            assert!(l.check(ip, Class::Apply).is_ok());
        }
    }
}
