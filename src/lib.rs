//! careers — a multi-tenant public careers platform.
//!
//! A guided tour, outside in:
//! - [`cli`]: the `careers` command line; [`server`]: the HTTP server and its route table.
//! - [`web`]: server-rendered pages (Leptos SSR, no hydration).
//! - [`tenancy`]: tenants, their schemas (`t_<hex>`) and `TenantTx`, the tenant-scoped transaction.
//! - [`postings`]: job postings and their one save path; [`catalog`]: the public job catalog.
//! - [`applications`]: application intake into the owning tenant's schema; [`mail`]: the outbox.
//! - [`api`]: the public JSON API and its OpenAPI document.
//! - [`auth`]: HR users and passwords.
//! - [`db`]: pool, embedded PostgreSQL, migrations; [`config`]: settings; [`error`]: `AppError`.

pub mod api;
pub mod applications;
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod logging;
pub mod mail;
pub mod postings;
pub mod server;
pub mod tenancy;
pub mod text_enum;
pub mod web;
