//! `GET /`: the landing page — search box, newest jobs, companies hiring. On a tenant's own domain
//! (`tenancy::for_host`) it is that company's career page instead.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use leptos::prelude::*;

use super::{company, errors};
use crate::catalog::query::{self, CompanyProfile, JobQuery, JobSummary};
use crate::error::AppError;
use crate::postings::model::RemotePolicy;
use crate::state::AppState;
use crate::tenancy;
use crate::web::components::format::group_thousands;
use crate::web::components::job_card::JobCard;
use crate::web::layout::{Document, Head};
use crate::web::render;

use super::companies::CompanyGrid;

pub async fn handler(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    if let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok())
        && let Ok(Some(tenant)) = tenancy::for_host(&state.pool, host).await
    {
        return match query::get_company_by_tenant(&state.pool, tenant.id).await {
            Ok(Some(c)) => {
                let canonical = format!("{}/companies/{}", state.settings.public_url, c.slug);
                company::render_company(&state, &uri, c, canonical).await
            }
            Ok(None) => errors::not_found(&uri).await,
            Err(e) => errors::from_app_error(&uri, e.into()).await,
        };
    }
    let all = JobQuery::default();
    let loaded = tokio::try_join!(
        async {
            state
                .search
                .newest(&state.pool, &all, 8)
                .await
                .map_err(AppError::from)
        },
        async {
            query::list_companies(&state.pool, 1, 100)
                .await
                .map_err(AppError::from)
        },
        async {
            state
                .search
                .count(&state.pool, &all)
                .await
                .map_err(AppError::from)
        },
    );
    let (newest, companies, total) = match loaded {
        Ok(r) => r,
        Err(e) => return errors::from_app_error(&uri, e).await,
    };
    let mut hiring: Vec<CompanyProfile> = companies
        .results
        .into_iter()
        .filter(|c| c.open_jobs > 0)
        .collect();
    hiring.sort_by(|a, b| {
        b.open_jobs
            .cmp(&a.open_jobs)
            .then_with(|| a.name.cmp(&b.name))
    });
    hiring.truncate(8);
    let company_count = companies.count;
    let mut head = Head::new(
        "",
        format!(
            "Search {} open jobs at {} companies. Filter by location, remote work and salary, and apply in minutes.",
            group_thousands(total.into()),
            company_count
        ),
    )
    .canonical(format!("{}/", state.settings.public_url));
    head.feed = Some("/jobs/feed.xml".into());
    render::page(&uri, StatusCode::OK, move || {
        let (newest, hiring) = (newest.clone(), hiring.clone());
        view! {
            <Document head=head.clone()>
                <HomeView newest=newest hiring=hiring total=total companies=company_count/>
            </Document>
        }
    })
    .await
}

#[component]
fn HomeView(
    newest: Vec<JobSummary>,
    hiring: Vec<CompanyProfile>,
    total: i64,
    companies: i64,
) -> impl IntoView {
    let now = chrono::Utc::now();
    let remote_href = format!("/jobs?remote_policy={}", RemotePolicy::Remote.as_str());
    view! {
        <section class="hero" aria-labelledby="hero-title">
            <div class="container">
                <h1 id="hero-title">"Find a job you will love"</h1>
                <p class="lead">"Every open position from every company hiring here, in one search. No account needed to apply."</p>
                <form class="hero-card search" method="get" action="/jobs" role="search" aria-label="Search jobs">
                    <div class="search-grid">
                        <div class="field">
                            <label for="q">"Job title, skill or company"</label>
                            <input id="q" name="q" type="search" placeholder="e.g. engineer, design, Acme"/>
                        </div>
                        <div class="field">
                            <label for="location">"Location"</label>
                            <input id="location" name="location" type="text" autocomplete="address-level2" placeholder="City or country"/>
                        </div>
                        <button type="submit" class="button-large">"Search jobs"</button>
                    </div>
                </form>
                <ul class="hero-stats">
                    <li><strong>{group_thousands(total.into())}</strong>" open jobs"</li>
                    <li><strong>{companies}</strong>" companies"</li>
                </ul>
                <ul class="quick-links" aria-label="Popular searches">
                    <li><a href=remote_href>"Remote jobs"</a></li>
                    <li><a href="/jobs?job_type=part_time">"Part-time"</a></li>
                    <li><a href="/jobs?job_type=internship">"Internships"</a></li>
                    <li><a href="/jobs?posted_within_days=7">"Posted this week"</a></li>
                </ul>
            </div>
        </section>
        <div class="container">
            <section class="section" aria-labelledby="newest-title">
                <div class="section-head">
                    <h2 id="newest-title">"Newest jobs"</h2>
                    <a href="/jobs">"See all jobs →"</a>
                </div>
                {if newest.is_empty() {
                    view! { <div class="empty-state"><p>"No open jobs yet. Please check back soon."</p></div> }.into_any()
                } else {
                    view! {
                        <ul class="job-list">
                            {newest.into_iter().map(|job| view! { <JobCard job=job now=now/> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </section>
            {(!hiring.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="hiring-title">
                    <div class="section-head">
                        <h2 id="hiring-title">"Companies hiring now"</h2>
                        <a href="/companies">"All companies →"</a>
                    </div>
                    <CompanyGrid companies=hiring/>
                </section>
            })}
        </div>
    }
    .into_any()
}
