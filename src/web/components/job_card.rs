//! A job in a list: title (the one link), company, location, type, remote policy, salary and age.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::format;
use crate::catalog::query::{JobSummary, Salary};
use crate::postings::model::RemotePolicy;

/// The shown salary of a job as one line, if any.
pub fn salary_line(salary: Option<&Salary>) -> Option<String> {
    salary.and_then(|s| format::salary_range(s.min, s.max, &s.currency, s.period))
}

/// One `<li>` job card. `new_tab` (embeds) opens the job in a new tab.
#[component]
pub fn JobCard(
    job: JobSummary,
    now: DateTime<Utc>,
    #[prop(default = 3)] heading_level: u8,
    #[prop(default = false)] new_tab: bool,
    #[prop(default = false)] show_snippet: bool,
    #[prop(default = String::new())] base_url: String,
) -> impl IntoView {
    let href = format!("{base_url}/jobs/{}", job.id);
    let title = job.title.clone();
    let link = move || {
        if new_tab {
            view! {
                <a href=href.clone() target="_blank" rel="noopener">
                    {title.clone()}
                    <span class="visually-hidden">" (opens in a new tab)"</span>
                </a>
            }
            .into_any()
        } else {
            view! { <a href=href.clone()>{title.clone()}</a> }.into_any()
        }
    };
    let heading = match heading_level {
        2 => view! { <h2>{link()}</h2> }.into_any(),
        _ => view! { <h3>{link()}</h3> }.into_any(),
    };
    let location = job.location.trim().to_string();
    let remote = (job.remote_policy != RemotePolicy::OnSite).then(|| job.remote_policy.label());
    let salary = salary_line(job.salary.as_ref());
    let initial = initials(&job.company.name);
    let snippet = (show_snippet && !job.snippet.is_empty())
        .then(|| format::truncate_words(&job.snippet, 160));
    view! {
        <li class="job-card">
            <div class="logo-fallback" aria-hidden="true">{initial}</div>
            <div class="job-body">
                {heading}
                <p class="job-company">{job.company.name.clone()}</p>
                <ul class="job-meta" aria-label="Details">
                    {(!location.is_empty())
                        .then(|| view! { <li class="tag tag-location">{location}</li> })}
                    {remote.map(|r| view! { <li class="tag tag-remote">{r}</li> })}
                    <li class="tag tag-type">{job.job_type.label()}</li>
                    {salary.map(|s| view! { <li class="tag tag-salary">{s}</li> })}
                </ul>
                {snippet.map(|s| view! { <p class="job-snippet">{s}</p> })}
            </div>
            <p class="job-posted">
                <time datetime=job.published_at.to_rfc3339()>
                    {format::posted_ago(job.published_at, now)}
                </time>
            </p>
        </li>
    }
}

/// Up to two initials of a company name, for the logo placeholder.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// A company logo with fixed dimensions (no layout shift), or its initials.
#[component]
pub fn Logo(
    name: String,
    url: Option<String>,
    #[prop(default = false)] large: bool,
) -> impl IntoView {
    let size = if large { "72" } else { "48" };
    let class = if large { "logo logo-lg" } else { "logo" };
    match url.filter(|u| u.starts_with("https://") || u.starts_with("http://") || u.starts_with('/')) {
        Some(src) => view! {
            <img class=class src=src alt=format!("{name} logo") width=size height=size loading="lazy"/>
        }
        .into_any(),
        None => {
            let class = if large { "logo-fallback logo-lg" } else { "logo-fallback" };
            view! { <div class=class aria-hidden="true">{initials(&name)}</div> }.into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_come_from_the_first_two_words() {
        assert_eq!(initials("Acme Corp"), "AC");
        assert_eq!(initials("globex"), "G");
        assert_eq!(initials("  (Big)  Data  Inc "), "BD");
    }
}
