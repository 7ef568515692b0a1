//! `GET /companies`: the directory of companies hiring here.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use leptos::prelude::*;

use super::{errors, query_pairs};
use crate::catalog::query::{self, CompanyPage, CompanyProfile};
use crate::error::FieldErrors;
use crate::state::AppState;
use crate::web::components::job_card::Logo;
use crate::web::components::pagination::Pagination;
use crate::web::layout::{Document, Head, Section};
use crate::web::render;

const PAGE_SIZE: u32 = 24;

pub async fn handler(State(state): State<AppState>, uri: Uri) -> Response {
    let page = match query_pairs(&uri).iter().find(|(k, _)| k == "page") {
        None => 1,
        Some((_, v)) => match v.parse::<u32>() {
            Ok(p) if (1..=10_000).contains(&p) => p,
            _ => {
                let mut errs = FieldErrors::new();
                errs.add("page", "Must be a whole number from 1.");
                return errors::from_app_error(&uri, errs.into()).await;
            }
        },
    };
    let companies = match query::list_companies(&state.pool, page, PAGE_SIZE).await {
        Ok(c) => c,
        Err(e) => return errors::from_app_error(&uri, e.into()).await,
    };
    let canonical = if page > 1 {
        format!("{}/companies?page={page}", state.settings.public_url)
    } else {
        format!("{}/companies", state.settings.public_url)
    };
    let head = Head::new(
        "Companies hiring",
        format!(
            "{} companies are hiring. See their open jobs and career pages.",
            companies.count
        ),
    )
    .canonical(canonical)
    .section(Section::Companies);
    render::page(&uri, StatusCode::OK, move || {
        let companies = companies.clone();
        view! {
            <Document head=head.clone()>
                <CompaniesView companies=companies/>
            </Document>
        }
    })
    .await
}

/// A grid of company cards.
#[component]
pub fn CompanyGrid(companies: Vec<CompanyProfile>) -> impl IntoView {
    view! {
        <ul class="company-grid">
            {companies
                .into_iter()
                .map(|c| {
                    let jobs = match c.open_jobs {
                        0 => "No open jobs right now".to_string(),
                        1 => "1 open job".to_string(),
                        n => format!("{n} open jobs"),
                    };
                    view! {
                        <li>
                            <div class="company-card">
                                <Logo name=c.name.clone() url=c.logo_url.clone()/>
                                <div>
                                    <h3><a href=format!("/companies/{}", c.slug)>{c.name.clone()}</a></h3>
                                    {(!c.tagline.is_empty()).then(|| view! { <p class="tagline">{c.tagline.clone()}</p> })}
                                    <p>{jobs}</p>
                                </div>
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn CompaniesView(companies: CompanyPage) -> impl IntoView {
    let page_count = u32::try_from(
        (companies.count + i64::from(companies.page_size) - 1)
            / i64::from(companies.page_size.max(1)),
    )
    .unwrap_or(1);
    let href: Arc<dyn Fn(u32) -> String + Send + Sync> = Arc::new(|n| {
        if n > 1 {
            format!("/companies?page={n}")
        } else {
            "/companies".to_string()
        }
    });
    let empty = companies.results.is_empty();
    view! {
        <div class="container">
            <header class="page-head">
                <h1>"Companies hiring"</h1>
                <p class="muted">{format!("{} companies use this site to hire.", companies.count)}</p>
            </header>
            {if empty {
                view! {
                    <div class="empty-state">
                        <h2>"No companies yet"</h2>
                        <p>"Companies will appear here as soon as they start hiring."</p>
                    </div>
                }
                .into_any()
            } else {
                view! { <CompanyGrid companies=companies.results/> }.into_any()
            }}
            <Pagination page=companies.page count=page_count href=href/>
        </div>
    }
    .into_any()
}
