//! `GET /embed/jobs?…`: a compact, chrome-less job list for partner sites' iframes (same filters as
//! `/jobs`, e.g. `company=acme`). Links open the job in a new tab. Framing is allowed for `/embed/*`
//! by the security-headers middleware.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use leptos::prelude::*;

use super::{errors, query_pairs};
use crate::catalog::query::{JobPage, JobQuery};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::components::job_card::JobCard;
use crate::web::layout::{EmbedDocument, Head};
use crate::web::render;

pub async fn jobs(State(state): State<AppState>, uri: Uri) -> Response {
    let q = match JobQuery::from_pairs(&query_pairs(&uri)) {
        Ok(q) => q,
        Err(errs) => return errors::from_app_error(&uri, AppError::Validation(errs)).await,
    };
    let page = match state.search.jobs(&state.pool, &q).await {
        Ok(p) => p,
        Err(e) => return errors::from_app_error(&uri, e.into()).await,
    };
    let base = state.settings.public_url.clone();
    let qs = JobQuery {
        page: 1,
        ..q.clone()
    }
    .to_query_string(None);
    let all_href = if qs.is_empty() {
        format!("{base}/jobs")
    } else {
        format!("{base}/jobs?{qs}")
    };
    let head = Head::new("Open jobs", "Open jobs").noindex();
    let mut res = render::page(&uri, StatusCode::OK, move || {
        let (page, base, all_href) = (page.clone(), base.clone(), all_href.clone());
        view! {
            <EmbedDocument head=head.clone()>
                <EmbedList page=page base=base all_href=all_href/>
            </EmbedDocument>
        }
    })
    .await;
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    res
}

#[component]
fn EmbedList(page: JobPage, base: String, all_href: String) -> impl IntoView {
    let now = chrono::Utc::now();
    let count = page.count;
    let more = page.has_next();
    view! {
        {if page.results.is_empty() {
            view! {
                <div class="empty-state">
                    <p>"No open jobs match right now."</p>
                </div>
            }
            .into_any()
        } else {
            view! {
                <ul class="job-list">
                    {page
                        .results
                        .into_iter()
                        .map(|job| view! { <JobCard job=job now=now new_tab=true base_url=base.clone()/> })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
        <p class="embed-footer">
            <a href=all_href target="_blank" rel="noopener">
                {if more { format!("See all {count} jobs") } else { "Open the careers site".to_string() }}
                <span class="visually-hidden">" (opens in a new tab)"</span>
            </a>
        </p>
    }
    .into_any()
}
