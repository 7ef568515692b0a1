//! Shared view pieces of the public pages. Components take plain data and never touch the database.

pub mod form;
pub mod format;
pub mod pagination;
