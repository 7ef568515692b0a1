//! Public pages: home, job search, job detail, apply, companies, feeds, sitemap, embeds; one file
//! per page, each handler thin (parse → one domain call → render).

pub mod errors;
pub mod home;
pub mod robots;

use axum::Router;
use axum::routing::get;

use crate::server::AppState;

/// The public site's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::handler))
        .route("/robots.txt", get(robots::handler))
}
