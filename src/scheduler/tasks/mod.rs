//! One file per recurring task; each declares its `TASK` (and, unless configured, its cadence).

pub mod catalog_changes_prune;
pub mod catalog_stats;
pub mod counters;
pub mod expiry_sweep;
pub mod notifications;
pub mod reconcile;
pub mod session_purge;
