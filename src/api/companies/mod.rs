//! `companies/` endpoints: the directory and one company.

pub mod detail;
pub mod list;
