//! Shared view pieces of the public pages. Components take plain data and never touch the database.

pub mod facets;
pub mod form;
pub mod format;
pub mod job_card;
pub mod pagination;
