//! careers — a multi-tenant public careers platform.
//!
//! A guided tour, outside in:
//! - [`cli`]: the `careers` command line; [`server`]: the HTTP server and its route table;
//!   [`state`]: the application state handlers share.
//! - [`web`]: server-rendered pages (Leptos SSR, no hydration).
//! - [`tenancy`]: tenants, their schemas (`t_<hex>`) and `TenantTx`, the tenant-scoped transaction;
//!   [`tenants`]: the tenant lifecycle the catalog follows (above both).
//! - [`postings`]: job postings and their one save path; [`catalog`]: the public job catalog.
//! - [`applications`]: intake into the owning tenant's schema and the HR pipeline, fed by
//!   [`apply_body`] (the one reader of application bodies); [`mail`]: outbox.
//! - [`api`]: the public JSON API and its OpenAPI document.
//! - [`auth`]: HR users, passwords, admin sessions, CSRF and the admin guard.
//! - [`company`]: the career page and the admin dashboard's tenant overview.
//! - [`scheduler`]: the in-process cron scheduler (reconcile, expiry sweep, …), one file per task.
//! - [`import`]: `careers jobs import` (CSV); [`seed`]: deterministic synthetic data; [`demo`].
//! - [`db`]: pool, embedded PostgreSQL, migrations; [`config`]: settings; [`error`]: `AppError`, loggable errors;
//!   [`metrics`]: the Prometheus registry; [`http_cache`]: ETags.

pub mod api;
pub mod applications;
pub mod apply_body;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod company;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod http_cache;
pub mod import;
pub mod logging;
pub mod mail;
pub mod metrics;
pub mod postings;
pub mod scheduler;
pub mod seed;
pub mod server;
pub mod state;
pub mod tenancy;
pub mod tenants;
pub mod text_enum;
pub mod web;
