//! The public job catalog: the projection of publishable postings, its sync and its queries.

pub mod analysis;
pub mod expiry;
pub mod facets;
pub mod index;
pub mod indexer;
pub mod matching;
pub mod projection;
pub mod query;
pub mod reconcile;
pub mod salary;
pub mod search;
pub mod search_cache;
pub mod search_query;
pub mod site_queries;
pub mod sync;
pub mod views;
