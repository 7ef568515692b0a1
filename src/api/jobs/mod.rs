//! `jobs/` endpoints: list and search, one job, apply.

pub mod apply;
pub mod detail;
pub mod list;
