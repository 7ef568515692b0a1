//! Public pages: home, job search, job detail, apply, companies, feeds, sitemap, embeds; one file
//! per page, each handler thin (parse → one domain call → render).

pub mod apply;
pub mod companies;
pub mod company;
pub mod embed;
pub mod errors;
pub mod feed;
pub mod form_guard;
pub mod home;
pub mod job;
pub mod jobs;
pub mod robots;
pub mod sitemap;

use axum::Router;
use axum::http::Uri;
use axum::routing::get;

use crate::state::AppState;

/// The public site's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::handler))
        .route("/jobs", get(jobs::handler))
        .route("/jobs/feed.xml", get(feed::handler))
        .route("/jobs/{id}", get(job::handler))
        .route(
            "/jobs/{id}/apply",
            get(apply::show)
                .post(apply::submit)
                .layer(apply::body_limit()),
        )
        .route("/jobs/{id}/apply/sent", get(apply::sent))
        .route("/companies", get(companies::handler))
        .route("/companies/{slug}", get(company::handler))
        .route("/companies/{slug}/brand.css", get(company::brand_css))
        .route("/robots.txt", get(robots::handler))
        .route("/sitemap.xml", get(sitemap::root))
        .route("/sitemaps/{file}", get(sitemap::file))
        .route("/embed/jobs", get(embed::jobs))
}

/// The request's query string as decoded pairs (repeated keys kept, in order).
pub fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}
