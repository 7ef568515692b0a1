//! `GET /jobs`: cross-tenant search with the JSON list's query parameters, facet counts in a GET
//! form, active-filter chips, result count, sort menu, pagination and an empty state.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use leptos::prelude::*;

use super::{errors, query_pairs};
use crate::catalog::query::{Facets, JobPage, JobQuery, Ordering};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::components::facets::FacetForm;
use crate::web::components::job_card::JobCard;
use crate::web::components::pagination::Pagination;
use crate::web::layout::{Document, Head, Section};
use crate::web::render;

pub async fn handler(State(state): State<AppState>, uri: Uri) -> Response {
    let query = match JobQuery::from_pairs(&query_pairs(&uri)) {
        Ok(q) => q,
        Err(errs) => return errors::from_app_error(&uri, AppError::Validation(errs)).await,
    };
    let loaded = tokio::try_join!(
        state.search.jobs(&state.pool, &query),
        state.search.facets(&state.pool, &query)
    );
    let (page, facets) = match loaded {
        Ok(r) => r,
        Err(e) => return errors::from_app_error(&uri, e.into()).await,
    };
    let base = state.settings.public_url.clone();
    let head = head(&base, &query, &page);
    let currency = state.search.default_currency().to_string();
    render::page(&uri, StatusCode::OK, move || {
        let (query, page, facets) = (query.clone(), page.clone(), facets.clone());
        let currency = currency.clone();
        view! {
            <Document head=head.clone()>
                <JobsView query=query page=page facets=facets currency=currency/>
            </Document>
        }
    })
    .await
}

/// A human title for a search: `“rust” jobs`, `Remote jobs`, `Jobs at acme`…
pub fn title_for(q: &JobQuery) -> String {
    let mut words = Vec::new();
    if q.remote_policy.len() == 1 {
        words.push(q.remote_policy[0].label().to_string());
    }
    if let Some(text) = &q.q {
        words.push(format!("“{text}”"));
    }
    let mut title = if words.is_empty() {
        "Jobs".to_string()
    } else {
        format!("{} jobs", words.join(" "))
    };
    if let Some(loc) = &q.location {
        title.push_str(&format!(" in {loc}"));
    }
    title
}

fn head(base: &str, q: &JobQuery, page: &JobPage) -> Head {
    let mut title = title_for(q);
    if q.page > 1 {
        title.push_str(&format!(" – page {}", q.page));
    }
    let qs = q.to_query_string(Some(q.page));
    let canonical = if qs.is_empty() {
        format!("{base}/jobs")
    } else {
        format!("{base}/jobs?{qs}")
    };
    let feed_qs = JobQuery {
        page: 1,
        ordering: None,
        ..q.clone()
    }
    .to_query_string(None);
    let mut head = Head::new(
        title,
        format!(
            "{} open jobs. Filter by location, remote work, job type, company and salary, and apply in minutes.",
            count_text(page)
        ),
    )
    .canonical(canonical)
    .section(Section::Jobs);
    head.feed = Some(if feed_qs.is_empty() {
        "/jobs/feed.xml".to_string()
    } else {
        format!("/jobs/feed.xml?{feed_qs}")
    });
    // Filtered combinations are endless: let search engines index the plain list only.
    head.noindex = q.has_filters();
    head
}

fn count_text(page: &JobPage) -> String {
    let n = crate::web::components::format::group_thousands(page.count.into());
    // Large filtered counts are the planner's estimate (see catalog::query).
    if page.count_exact {
        n
    } else {
        format!("About {n}")
    }
}

/// One removable filter: its label and the link without it.
struct Chip {
    label: String,
    href: String,
}

fn chips(q: &JobQuery, facets: &Facets) -> Vec<Chip> {
    let link = |q2: JobQuery| {
        let qs = JobQuery { page: 1, ..q2 }.to_query_string(None);
        if qs.is_empty() {
            "/jobs".to_string()
        } else {
            format!("/jobs?{qs}")
        }
    };
    let mut out = Vec::new();
    if let Some(t) = &q.q {
        out.push(Chip {
            label: format!("“{t}”"),
            href: link(JobQuery {
                q: None,
                ..q.clone()
            }),
        });
    }
    if let Some(l) = &q.location {
        out.push(Chip {
            label: format!("In {l}"),
            href: link(JobQuery {
                location: None,
                ..q.clone()
            }),
        });
    }
    for r in &q.remote_policy {
        let mut q2 = q.clone();
        q2.remote_policy.retain(|x| x != r);
        out.push(Chip {
            label: r.label().to_string(),
            href: link(q2),
        });
    }
    for t in &q.job_type {
        let mut q2 = q.clone();
        q2.job_type.retain(|x| x != t);
        out.push(Chip {
            label: t.label().to_string(),
            href: link(q2),
        });
    }
    for c in &q.company {
        let mut q2 = q.clone();
        q2.company.retain(|x| x != c);
        let label = facets
            .company
            .iter()
            .find(|f| &f.value == c)
            .and_then(|f| f.label.clone())
            .unwrap_or_else(|| c.clone());
        out.push(Chip {
            label: format!("At {label}"),
            href: link(q2),
        });
    }
    for c in &q.category {
        let mut q2 = q.clone();
        q2.category.retain(|x| x != c);
        out.push(Chip {
            label: c.clone(),
            href: link(q2),
        });
    }
    if let Some(s) = q.salary_min {
        out.push(Chip {
            label: format!(
                "Salary from {}{} a year",
                crate::web::components::format::group_thousands(s),
                q.salary_currency
                    .as_deref()
                    .map(|c| format!(" {c}"))
                    .unwrap_or_default()
            ),
            href: link(JobQuery {
                salary_min: None,
                salary_currency: None,
                ..q.clone()
            }),
        });
    }
    if let Some(d) = q.posted_within_days {
        out.push(Chip {
            label: format!("Posted within {d} days"),
            href: link(JobQuery {
                posted_within_days: None,
                ..q.clone()
            }),
        });
    }
    out
}

#[component]
fn JobsView(query: JobQuery, page: JobPage, facets: Facets, currency: String) -> impl IntoView {
    let now = chrono::Utc::now();
    let title = title_for(&query);
    let chips = chips(&query, &facets);
    let count = count_text(&page);
    let result_word = if page.count == 1 { "job" } else { "jobs" };
    let page_count = page.page_count();
    let q_for_links = query.clone();
    let href: Arc<dyn Fn(u32) -> String + Send + Sync> = Arc::new(move |n| {
        let qs = q_for_links.to_query_string(Some(n));
        if qs.is_empty() {
            "/jobs".to_string()
        } else {
            format!("/jobs?{qs}")
        }
    });
    let empty = page.results.is_empty();
    let chip_suggestions: Vec<(String, String)> = chips
        .iter()
        .map(|c| (c.label.clone(), c.href.clone()))
        .collect();
    view! {
        <div class="container">
            <header class="page-head">
                <h1>{title}</h1>
                <p class="muted">"Every open position from every company hiring here."</p>
            </header>
            <div class="results-layout">
                <aside aria-label="Filters">
                    <FacetForm query=query.clone() facets=facets action="/jobs".to_string() default_currency=currency/>
                </aside>
                <section aria-labelledby="results-heading">
                    <div class="results-toolbar">
                        <h2 id="results-heading" class="result-count" aria-live="polite">
                            {format!("{count} {result_word}")}
                        </h2>
                        <SortForm query=query.clone()/>
                    </div>
                    {(!chips.is_empty())
                        .then(|| {
                            view! {
                                <ul class="active-filters" aria-label="Active filters">
                                    {chips
                                        .into_iter()
                                        .map(|c| {
                                            view! {
                                                <li>
                                                    <a class="chip" href=c.href>
                                                        {c.label.clone()}
                                                        <span class="visually-hidden">" — remove filter"</span>
                                                        <span aria-hidden="true">"×"</span>
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                    <li class="clear-all"><a href="/jobs">"Clear all"</a></li>
                                </ul>
                            }
                        })}
                    {if empty {
                        view! { <EmptyState suggestions=chip_suggestions/> }.into_any()
                    } else {
                        view! {
                            <ul class="job-list">
                                {page
                                    .results
                                    .into_iter()
                                    .map(|job| view! { <JobCard job=job now=now show_snippet=true/> })
                                    .collect_view()}
                            </ul>
                            <Pagination page=page.page count=page_count href=href/>
                        }
                        .into_any()
                    }}
                </section>
            </div>
        </div>
    }
    .into_any()
}

/// Sort menu: a tiny GET form carrying the other parameters as hidden inputs.
#[component]
fn SortForm(query: JobQuery) -> impl IntoView {
    let current = query.effective_ordering();
    let hidden: Vec<(String, String)> = JobQuery {
        ordering: None,
        ..query.clone()
    }
    .to_pairs(None);
    let options: Vec<Ordering> = Ordering::ALL
        .iter()
        .copied()
        .filter(|o| *o != Ordering::Relevance || query.q.is_some())
        .collect();
    view! {
        <form class="sort-form" method="get" action="/jobs">
            {hidden
                .into_iter()
                .map(|(k, v)| view! { <input type="hidden" name=k value=v/> })
                .collect_view()}
            <label for="sort">"Sort by"</label>
            <select id="sort" name="ordering">
                {options
                    .into_iter()
                    .map(|o| {
                        view! {
                            <option value=o.as_str() selected=o == current>
                                {o.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="button-secondary">"Sort"</button>
        </form>
    }
    .into_any()
}

#[component]
fn EmptyState(suggestions: Vec<(String, String)>) -> impl IntoView {
    view! {
        <div class="empty-state">
            <h2>"No jobs match your search"</h2>
            {if suggestions.is_empty() {
                view! { <p>"There are no open jobs right now. Please check back soon."</p> }.into_any()
            } else {
                view! {
                    <p>"Try loosening your filters:"</p>
                    <ul>
                        {suggestions
                            .into_iter()
                            .map(|(label, href)| {
                                view! {
                                    <li>
                                        <a href=href>{format!("Remove “{label}”")}</a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p><a class="button" href="/jobs">"See all jobs"</a></p>
                }
                .into_any()
            }}
        </div>
    }
}
