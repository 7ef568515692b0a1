//! In-memory sliding-window counters for failed sign-ins: per client IP (one client trying many
//! accounts), per account and client (a client guessing one account is locked out of it, but only
//! that client: knowing someone's email does not lock them out), and per unknown email address
//! (unknown addresses reach the account ceiling exactly like real ones, whose ceiling is stored on
//! `public.hr_users`, so a lockout never reveals whether an account exists).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts on one account from one client, per window, before that client is locked out
/// of it.
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
/// Failed attempts on one account from all clients before the account locks for everyone.
pub const ACCOUNT_CEILING: usize = 50;
/// Failed attempts per window from one IP address before it must wait.
pub const MAX_FAILURES_PER_IP: usize = 20;
/// The window and lockout duration.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failure timestamps by key (`ip:…` or `email:…`).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Seconds until `key` may try again when it has `max` or more failures in the window.
    pub fn blocked_for(&self, key: &str, max: usize) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let q = map.get_mut(key)?;
        while q.front().is_some_and(|t| now.duration_since(*t) > WINDOW) {
            q.pop_front();
        }
        if q.len() >= max {
            let oldest = q.front().copied().unwrap_or(now);
            Some(
                WINDOW
                    .saturating_sub(now.duration_since(oldest))
                    .as_secs()
                    .max(1),
            )
        } else {
            None
        }
    }

    /// Records a failure for `key`.
    pub fn fail(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bound memory: forget everything when an attacker sprays many distinct keys.
        if map.len() > 100_000 {
            map.clear();
        }
        map.entry(key.to_string())
            .or_default()
            .push_back(Instant::now());
    }

    /// Forgets `key` (after a successful sign-in).
    pub fn clear(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_blocked_after_max_failures_and_cleared_on_success() {
        let l = LoginLimiter::new();
        for _ in 0..3 {
            assert!(l.blocked_for("ip:1", 3).is_none());
            l.fail("ip:1");
        }
        let wait = l.blocked_for("ip:1", 3).unwrap();
        assert!(wait > 0 && wait <= WINDOW.as_secs());
        assert!(l.blocked_for("ip:2", 3).is_none());
        l.clear("ip:1");
        assert!(l.blocked_for("ip:1", 3).is_none());
    }
}
