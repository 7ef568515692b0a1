//! Public pages: home, job search, job detail, apply, companies.

pub mod home;

use axum::Router;
use axum::routing::get;

use crate::server::AppState;

/// The public site's routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home::handler))
}
