//! `GET /companies/{slug}`: a company's career page — branding (logo, brand colour, tagline),
//! about text and its open jobs; also what `/` shows on a tenant's own domain. And
//! `GET /companies/{slug}/brand.css`, the company's brand colour as a stylesheet (the CSP allows
//! no inline styles).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

use super::{errors, query_pairs};
use crate::catalog::query::{self, CompanyProfile, JobPage, JobQuery};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::components::job_card::{JobCard, Logo};
use crate::web::components::pagination::Pagination;
use crate::web::layout::{Document, Head, Section};
use crate::web::render;

pub async fn handler(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    uri: Uri,
) -> Response {
    let company = match query::get_company(&state.pool, &slug).await {
        Ok(Some(c)) => c,
        Ok(None) => return errors::not_found(&uri).await,
        Err(e) => return errors::from_app_error(&uri, e.into()).await,
    };
    let canonical = format!("{}/companies/{}", state.settings.public_url, company.slug);
    render_company(&state, &uri, company, canonical).await
}

/// The career page of `company` (also used for `/` on the company's own domain).
pub async fn render_company(
    state: &AppState,
    uri: &Uri,
    company: CompanyProfile,
    canonical: String,
) -> Response {
    let mut pairs: Vec<(String, String)> = query_pairs(uri)
        .into_iter()
        .filter(|(k, _)| k == "page")
        .collect();
    pairs.push(("company".into(), company.slug.clone()));
    let query = match JobQuery::from_pairs(&pairs) {
        Ok(q) => q,
        Err(errs) => return errors::from_app_error(uri, AppError::Validation(errs)).await,
    };
    let jobs = match state.search.jobs(&state.pool, &query).await {
        Ok(j) => j,
        Err(e) => return errors::from_app_error(uri, e.into()).await,
    };
    let description = if company.tagline.is_empty() {
        format!(
            "Open jobs at {}. See the company's career page and apply.",
            company.name
        )
    } else {
        format!(
            "{} — {}. {} open jobs.",
            company.name, company.tagline, company.open_jobs
        )
    };
    let mut head = Head::new(format!("Careers at {}", company.name), description)
        .canonical(canonical)
        .section(Section::Companies);
    head.og_image = company.logo_url.clone();
    head.feed = Some(format!("/jobs/feed.xml?company={}", company.slug));
    if valid_color(company.brand_color.as_deref()).is_some() {
        head.extra_stylesheet = Some(format!("/companies/{}/brand.css", company.slug));
    }
    render::page(uri, StatusCode::OK, move || {
        let (company, jobs) = (company.clone(), jobs.clone());
        view! {
            <Document head=head.clone()>
                <CompanyView company=company jobs=jobs/>
            </Document>
        }
    })
    .await
}

/// `#rrggbb` colours only: anything else never reaches a stylesheet.
fn valid_color(c: Option<&str>) -> Option<&str> {
    c.filter(|c| {
        c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Black or white, whichever reads better on `hex` (WCAG relative luminance).
pub fn text_on(hex: &str) -> &'static str {
    let channel = |i: usize| {
        let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0) as f64 / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    // Contrast with white is 1.05 / (l + 0.05); with black (l + 0.05) / 0.05.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 {
        "#ffffff"
    } else {
        "#111827"
    }
}

pub async fn brand_css(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let company = query::get_company(&state.pool, &slug).await.ok().flatten();
    let Some(color) = company
        .as_ref()
        .and_then(|c| valid_color(c.brand_color.as_deref()))
    else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            "",
        )
            .into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        format!(
            ":root {{ --brand: {color}; --brand-fg: {}; }}\n",
            text_on(color)
        ),
    )
        .into_response()
}

#[component]
fn CompanyView(company: CompanyProfile, jobs: JobPage) -> impl IntoView {
    let now = chrono::Utc::now();
    let slug = company.slug.clone();
    let page_count = jobs.page_count();
    let href: Arc<dyn Fn(u32) -> String + Send + Sync> = Arc::new(move |n| {
        if n > 1 {
            format!("/companies/{slug}?page={n}")
        } else {
            format!("/companies/{slug}")
        }
    });
    let count = jobs.count;
    let empty = jobs.results.is_empty();
    let search_href = format!("/jobs?company={}", company.slug);
    view! {
        <section class="company-hero" aria-labelledby="company-name">
            <div class="company-band"></div>
            <div class="container company-hero-body">
                <Logo name=company.name.clone() url=company.logo_url.clone() large=true/>
                <div>
                    <h1 id="company-name">{company.name.clone()}</h1>
                    {(!company.tagline.is_empty()).then(|| view! { <p class="tagline">{company.tagline.clone()}</p> })}
                    {crate::web::components::format::http_url(company.website.as_deref()).map(|w| view! {
                        <p class="website"><a href=w rel="nofollow noopener">"Visit website"</a></p>
                    })}
                </div>
            </div>
        </section>
        <div class="container company-layout">
            <section aria-labelledby="open-jobs">
                <div class="section-head">
                    <h2 id="open-jobs">{match count { 1 => "1 open job".to_string(), n => format!("{n} open jobs") }}</h2>
                    {(count > 0).then(|| view! { <a href=search_href>"Filter these jobs"</a> })}
                </div>
                {if empty {
                    view! {
                        <div class="empty-state">
                            <h3>"No open jobs right now"</h3>
                            <p>"Check back soon, or "<a href="/jobs">"browse jobs at other companies"</a>"."</p>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <ul class="job-list">
                            {jobs.results.into_iter().map(|job| view! { <JobCard job=job now=now/> }).collect_view()}
                        </ul>
                        <Pagination page=jobs.page count=page_count href=href/>
                    }
                    .into_any()
                }}
            </section>
            <aside aria-labelledby="about-company">
                <div class="side-box">
                    <h2 id="about-company">{format!("About {}", company.name)}</h2>
                    {if company.description.is_empty() {
                        view! { <p class="muted">"This company has not written about itself yet."</p> }.into_any()
                    } else {
                        // Sanitized when HR saved it; cleaned again here because this is the only HTML a tenant writes
                        // that reaches a page outside the catalog path.
                        view! { <div class="prose" inner_html=crate::catalog::projection::sanitize_html(&company.description)></div> }.into_any()
                    }}
                </div>
            </aside>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brand_text_colour_keeps_contrast() {
        assert_eq!(text_on("#0f766e"), "#ffffff");
        assert_eq!(text_on("#fde047"), "#111827");
        assert_eq!(valid_color(Some("#12ab9F")), Some("#12ab9F"));
        assert_eq!(valid_color(Some("red;}body{display:none")), None);
    }
}
