//! The integration tests: one binary (the crate is linked once), one module per area, all against
//! a real PostgreSQL (`DATABASE_URL`, else a cluster the harness starts itself; see [`support`]).
//! The browser journeys (`browser_*`) run the real `careers` binary and drive Debian's Chromium.
//!
//! Run one area with a filter: `cargo test --test it admin_isolation::`.

// Tests may panic on the unexpected: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// Each support helper is used by some of the modules.
#![allow(dead_code)]

mod support;

mod admin_applications;
mod admin_audit;
mod admin_auth;
mod admin_board;
mod admin_bulk;
mod admin_career_page;
mod admin_errors;
mod admin_isolation;
mod admin_jobs;
mod admin_journey;
mod admin_notifications;
mod admin_password;
mod admin_team;
mod api_apply;
mod api_bad_input;
mod api_contract;
mod api_query;
mod browser_admin;
mod browser_public;
mod catalog_changes;
mod catalog_defects;
mod catalog_views;
mod faults;
mod import;
mod intake;
mod intake_mail;
mod mail_smtp;
mod privacy_logs;
mod scheduler;
mod search_index;
mod search_paging;
mod search_relevance;
mod seed;
mod site_apply;
mod site_feeds;
mod site_pages;
mod tenancy;
