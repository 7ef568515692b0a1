//! One file per recurring task; each declares its `TASK` (and, unless configured, its cadence).

pub mod expiry_sweep;
pub mod reconcile;
