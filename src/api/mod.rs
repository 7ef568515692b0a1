//! The public JSON API (`/api/v1/careers/`) for partner sites.

use axum::Router;

use crate::server::AppState;

/// The JSON API routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
