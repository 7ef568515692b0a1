//! `GET /robots.txt`: crawl everything public, skip forms, admin and the API; point to the sitemap.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::state::AppState;

pub async fn handler(State(state): State<AppState>) -> impl IntoResponse {
    let body = format!(
        "User-agent: *\n\
         Allow: /\n\
         Disallow: /admin/\n\
         Disallow: /api/\n\
         Disallow: /embed/\n\
         Disallow: /jobs/*/apply\n\
         \n\
         Sitemap: {}/sitemap.xml\n",
        state.settings.public_url
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}
