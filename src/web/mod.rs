//! Server-rendered pages (Leptos SSR, no hydration). Axum handlers load data through the domain
//! modules, then render a Leptos view with [`render::page`]; components never touch the database.

pub mod admin;
pub mod assets;
pub mod components;
pub mod layout;
pub mod public;
pub mod render;
