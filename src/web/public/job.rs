//! `GET /jobs/{id}`: one job — sanitized description, salary when shown, location and remote
//! policy, company box, the apply action, and exactly one schema.org `JobPosting` in JSON-LD.
//! A job that is not public is a real 404 (410 when it expired).

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use leptos::prelude::*;
use serde_json::{Value, json};

use super::errors;
use crate::catalog::query::{self, JobDetail};
use crate::catalog::site_queries;
use crate::postings::model::{JobType, RemotePolicy, SalaryPeriod};
use crate::state::AppState;
use crate::web::components::format;
use crate::web::components::job_card::{Logo, salary_line};
use crate::web::layout::{Document, Head, Section, json_for_script};
use crate::web::render;

pub async fn handler(State(state): State<AppState>, Path(id): Path<String>, uri: Uri) -> Response {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return errors::job_not_found(&uri).await;
    };
    let job = match query::get_job(&state.pool, id).await {
        Ok(Some(job)) => job,
        Ok(None) => return gone_or_missing(&state, id, &uri).await,
        Err(e) => return errors::from_app_error(&uri, e.into()).await,
    };
    state.views.record(id);
    let base = state.settings.public_url.clone();
    let url = format!("{base}/jobs/{}", job.summary.id);
    let mut head = Head::new(
        format!("{} at {}", job.summary.title, job.summary.company.name),
        format::truncate_words(&meta_description(&job), 155),
    )
    .canonical(url.clone())
    .section(Section::Jobs);
    head.og_type = "article";
    head.og_image = job.company_profile.logo_url.clone();
    head.json_ld = Some(json_for_script(&job_posting_ld(&job, &url)));
    render::page(&uri, StatusCode::OK, move || {
        let job = job.clone();
        view! {
            <Document head=head.clone()>
                <JobView job=job/>
            </Document>
        }
    })
    .await
}

/// 410 for a job we know existed (expired), else 404.
pub async fn gone_or_missing(state: &AppState, id: uuid::Uuid, uri: &Uri) -> Response {
    match site_queries::is_expired(&state.pool, id).await {
        Ok(true) => errors::job_gone(uri).await,
        Ok(false) => errors::job_not_found(uri).await,
        Err(e) => errors::from_app_error(uri, e.into()).await,
    }
}

fn meta_description(job: &JobDetail) -> String {
    let s = &job.summary;
    let mut parts = vec![format!("{} is hiring a {}", s.company.name, s.title)];
    parts.push(format::location_line(&s.location, s.remote_policy));
    parts.push(s.job_type.label().to_string());
    if let Some(sal) = salary_line(s.salary.as_ref()) {
        parts.push(sal);
    }
    // The snippet (the description's first 300 characters) covers the 155 the page shows.
    format!("{}. {}", parts.join(" · "), s.snippet)
}

/// schema.org `employmentType` for a job type.
pub fn employment_type(t: JobType) -> &'static str {
    match t {
        JobType::FullTime => "FULL_TIME",
        JobType::PartTime => "PART_TIME",
        JobType::Contract => "CONTRACTOR",
        JobType::Internship => "INTERN",
        JobType::Temporary => "TEMPORARY",
    }
}

/// schema.org `unitText` for a salary period.
pub fn unit_text(p: SalaryPeriod) -> &'static str {
    match p {
        SalaryPeriod::Hour => "HOUR",
        SalaryPeriod::Day => "DAY",
        SalaryPeriod::Week => "WEEK",
        SalaryPeriod::Month => "MONTH",
        SalaryPeriod::Year => "YEAR",
    }
}

fn number(d: rust_decimal::Decimal) -> Value {
    use rust_decimal::prelude::ToPrimitive;
    let d = d.normalize();
    if d.fract().is_zero() {
        d.to_i64().map(Value::from).unwrap_or(Value::Null)
    } else {
        d.to_f64().map(Value::from).unwrap_or(Value::Null)
    }
}

/// A free-text location as a schema.org `PostalAddress`: the last comma-separated part is taken as
/// the country, the first as the locality.
fn postal_address(location: &str) -> Value {
    let parts: Vec<&str> = location
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut addr = json!({"@type": "PostalAddress"});
    match parts.as_slice() {
        [] => {}
        [one] => addr["addressLocality"] = json!(one),
        [first, .., last] => {
            addr["addressLocality"] = json!(first);
            addr["addressCountry"] = json!(last);
        }
    }
    addr
}

/// The schema.org `JobPosting` of a job page (Google's job-posting structured data).
pub fn job_posting_ld(job: &JobDetail, url: &str) -> Value {
    let s = &job.summary;
    let mut org = json!({"@type": "Organization", "name": s.company.name});
    if let Some(w) = format::http_url(job.company_profile.website.as_deref()) {
        org["sameAs"] = json!(w);
    }
    if let Some(l) = format::http_url(job.company_profile.logo_url.as_deref()) {
        org["logo"] = json!(l);
    }
    let mut ld = json!({
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": s.title,
        "description": job.description_html,
        "datePosted": s.published_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "employmentType": employment_type(s.job_type),
        "hiringOrganization": org,
        "identifier": {"@type": "PropertyValue", "name": s.company.name, "value": s.id.to_string()},
        "directApply": true,
        "url": url,
    });
    if let Some(exp) = s.expires_at {
        ld["validThrough"] = json!(exp.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    if !s.category.is_empty() {
        ld["occupationalCategory"] = json!(s.category);
    }
    let location = s.location.trim();
    if s.remote_policy == RemotePolicy::Remote {
        ld["jobLocationType"] = json!("TELECOMMUTE");
        if !location.is_empty() {
            // For a remote job the location names where applicants may live.
            let country = location.rsplit(',').next().unwrap_or(location).trim();
            ld["applicantLocationRequirements"] = json!({"@type": "Country", "name": country});
        }
    } else if !location.is_empty() {
        ld["jobLocation"] = json!({"@type": "Place", "address": postal_address(location)});
    }
    if let Some(sal) = &s.salary {
        let mut value = json!({"@type": "QuantitativeValue", "unitText": unit_text(sal.period)});
        match (sal.min, sal.max) {
            (Some(a), Some(b)) if a == b => value["value"] = number(a),
            (a, b) => {
                if let Some(a) = a {
                    value["minValue"] = number(a);
                }
                if let Some(b) = b {
                    value["maxValue"] = number(b);
                }
            }
        }
        ld["baseSalary"] =
            json!({"@type": "MonetaryAmount", "currency": sal.currency, "value": value});
    }
    ld
}

/// `Posted today`, `Posted 3 days ago`, `Posted on 30 Sep 2026`.
fn posted_phrase(at: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    let ago = format::posted_ago(at, now);
    if ago.ends_with("ago") || !ago.starts_with(|c: char| c.is_ascii_digit()) {
        format!("Posted {}", ago.to_lowercase())
    } else {
        format!("Posted on {ago}")
    }
}

#[component]
fn JobView(job: JobDetail) -> impl IntoView {
    let s = job.summary.clone();
    let now = chrono::Utc::now();
    let apply_href = format!("/jobs/{}/apply", s.id);
    let apply_label = format!("Apply for {}", s.title);
    let salary = salary_line(s.salary.as_ref());
    let location = format::location_line(&s.location, s.remote_policy);
    let company_href = format!("/companies/{}", s.company.slug);
    let company_jobs = format!("/jobs?company={}", s.company.slug);
    let expires = s.expires_at.map(format::long_date);
    view! {
        <div class="container">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/jobs">"Jobs"</a></li>
                    <li><a href=company_href.clone()>{s.company.name.clone()}</a></li>
                    <li><span aria-current="page">{s.title.clone()}</span></li>
                </ol>
            </nav>
            <header class="job-header">
                <div class="job-header-top">
                    <Logo name=s.company.name.clone() url=job.company_profile.logo_url.clone()/>
                    <p class="company-name">
                        <a href=company_href.clone()>{s.company.name.clone()}</a>
                    </p>
                </div>
                <h1>{s.title.clone()}</h1>
                <ul class="job-meta" aria-label="Job details">
                    <li class="tag tag-location">{location.clone()}</li>
                    <li class="tag tag-type">{s.job_type.label()}</li>
                    {salary.clone().map(|v| view! { <li class="tag tag-salary">{v}</li> })}
                    <li class="tag tag-location">
                        <time datetime=s.published_at.to_rfc3339()>
                            {posted_phrase(s.published_at, now)}
                        </time>
                    </li>
                </ul>
                <div class="job-header-actions">
                    <a class="button button-large" href=apply_href.clone() aria-label=apply_label.clone()>
                        "Apply now"
                    </a>
                </div>
            </header>
            <div class="job-layout">
                <article aria-labelledby="about-role">
                    <h2 id="about-role" class="visually-hidden">"About the role"</h2>
                    <div class="prose" inner_html=job.description_html.clone()></div>
                    <div class="apply-bottom">
                        <p>{format!("Interested in the {} role?", s.title)}</p>
                        <a class="button" href=apply_href aria-label=apply_label>"Apply now"</a>
                    </div>
                </article>
                <aside aria-label="Job summary and company">
                    <section class="side-box" aria-labelledby="facts-heading">
                        <h2 id="facts-heading">"Job details"</h2>
                        <dl class="facts">
                            <div><dt>"Location"</dt><dd>{location}</dd></div>
                            <div><dt>"Job type"</dt><dd>{s.job_type.label()}</dd></div>
                            {salary.map(|v| view! { <div><dt>"Salary"</dt><dd>{v}</dd></div> })}
                            {(!s.category.is_empty())
                                .then(|| view! { <div><dt>"Category"</dt><dd>{s.category.clone()}</dd></div> })}
                            {expires.map(|d| view! { <div><dt>"Apply by"</dt><dd>{d}</dd></div> })}
                        </dl>
                    </section>
                    <section class="side-box" aria-labelledby="company-heading">
                        <div class="company-box-head">
                            <Logo name=s.company.name.clone() url=job.company_profile.logo_url.clone()/>
                            <h2 id="company-heading">{s.company.name.clone()}</h2>
                        </div>
                        <p>
                            <a href=company_href>{format!("About {}", s.company.name)}</a>
                        </p>
                        <p>
                            <a href=company_jobs>{format!("All jobs at {}", s.company.name)}</a>
                        </p>
                        {format::http_url(job.company_profile.website.as_deref()).map(|w| view! {
                            <p><a href=w rel="nofollow noopener">"Company website"</a></p>
                        })}
                    </section>
                </aside>
            </div>
        </div>
    }
    .into_any()
}
