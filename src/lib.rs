//! careers — a multi-tenant public careers platform.
//!
//! A guided tour, outside in:
//! - [`cli`]: the `careers` command line; [`server`]: the HTTP server and its route table.
//! - [`web`]: server-rendered pages (Leptos SSR, no hydration).
//! - [`tenancy`]: tenants, their schemas (`t_<hex>`) and `TenantTx`, the tenant-scoped transaction.
//! - [`postings`]: job postings and their one save path; [`catalog`]: the public job catalog.
//! - [`auth`]: HR users, passwords, admin sessions, CSRF and the admin guard.
//! - [`applications`]: the HR pipeline over a tenant's applications; [`company`]: career page
//!   and the admin dashboard's tenant overview.
//! - [`db`]: pool, embedded PostgreSQL, migrations; [`config`]: settings; [`error`]: `AppError`.

pub mod api;
pub mod applications;
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod company;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod logging;
pub mod postings;
pub mod server;
pub mod tenancy;
pub mod text_enum;
pub mod web;
