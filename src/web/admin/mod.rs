//! HR admin pages (authenticated, tenant-scoped).

use axum::Router;

use crate::server::AppState;

/// The admin routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
