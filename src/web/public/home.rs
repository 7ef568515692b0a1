//! `GET /`: the landing page.

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use leptos::prelude::*;

use crate::server::AppState;
use crate::web::layout::{Document, Head};
use crate::web::render;

pub async fn handler(State(state): State<AppState>, uri: Uri) -> Response {
    let head = Head::new("", "Search open jobs at every company hiring here.")
        .canonical(format!("{}/", state.settings.public_url));
    render::page(&uri, StatusCode::OK, move || {
        let head = head.clone();
        view! {
            <Document head=head>
                <section class="hero">
                    <h1>"Find your next job"</h1>
                    <form class="search" method="get" action="/jobs" role="search">
                        <label for="q">"Job title, skill or company"</label>
                        <input id="q" name="q" type="search" autocomplete="off"/>
                        <button type="submit">"Search jobs"</button>
                    </form>
                </section>
            </Document>
        }
    })
    .await
}
