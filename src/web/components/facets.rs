//! The facet sidebar: every filter of the job list in one GET form, with counts, collapsible on
//! phones through `<details>` (no script).

use leptos::prelude::*;

use crate::catalog::query::{FacetValue, Facets, JobQuery};
use crate::postings::model::{JobType, RemotePolicy};

/// A checkbox group for one facet.
fn group(
    exact: bool,
    legend: &'static str,
    name: &'static str,
    values: Vec<FacetValue>,
    selected: Vec<String>,
    label_of: impl Fn(&FacetValue) -> String,
) -> impl IntoView {
    // Selected values stay listed even when their count dropped to zero, so they can be unticked.
    let mut values = values;
    for s in &selected {
        if !values.iter().any(|v| &v.value == s) {
            values.push(FacetValue {
                value: s.clone(),
                label: None,
                count: 0,
            });
        }
    }
    (!values.is_empty()).then(|| {
        let items = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let id = format!("f-{name}-{i}");
                let checked = selected.contains(&v.value);
                let label = label_of(&v);
                view! {
                    <li>
                        <label for=id.clone()>
                            <input type="checkbox" id=id.clone() name=name value=v.value.clone() checked=checked/>
                            <span class="facet-label">{label}</span>
                            <span class="count" aria-label=if exact { format!("{} jobs", v.count) } else { format!("about {} jobs", v.count) }>
                                {if exact { v.count.to_string() } else { format!("~{}", v.count) }}
                            </span>
                        </label>
                    </li>
                }
            })
            .collect_view();
        view! {
            <fieldset class="facet">
                <legend>{legend}</legend>
                <ul>{items}</ul>
            </fieldset>
        }
        .into_any()
    })
}

/// The filter form of `/jobs` (GET, so every state is a link; works without JavaScript).
/// Currencies offered in the salary filter (the server's default and the query's are added).
const COMMON_CURRENCIES: &[&str] = &[
    "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "JPY", "INR",
];

#[component]
pub fn FacetForm(
    query: JobQuery,
    facets: Facets,
    action: String,
    /// The currency salaries are compared in when the query names none.
    default_currency: String,
) -> impl IntoView {
    let currency = query
        .salary_currency
        .clone()
        .unwrap_or(default_currency.clone());
    let mut currencies: Vec<String> = COMMON_CURRENCIES.iter().map(|c| c.to_string()).collect();
    for c in [&default_currency, &currency] {
        if !currencies.contains(c) {
            currencies.insert(0, c.clone());
        }
    }
    let remote_sel: Vec<String> = query
        .remote_policy
        .iter()
        .map(|r| r.as_str().to_string())
        .collect();
    let type_sel: Vec<String> = query
        .job_type
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    let active = query.has_filters();
    // Over a sample for broad searches (see catalog::query): shown as approximate.
    let exact = facets.exact;
    let ordering = query.ordering.map(|o| o.as_str().to_string());
    view! {
        <details class="filters">
            <summary>"Filters"</summary>
            <form class="filters-body" method="get" action=action role="search" aria-label="Filter jobs">
                <div class="facet field">
                    <label for="f-q">"Keywords"</label>
                    <input id="f-q" name="q" type="search" value=query.q.clone().unwrap_or_default()/>
                </div>
                <div class="facet field">
                    <label for="f-location">"Location"</label>
                    <input id="f-location" name="location" type="text" autocomplete="address-level2"
                        value=query.location.clone().unwrap_or_default()/>
                </div>
                {group(exact, "Remote", "remote_policy", facets.remote_policy, remote_sel, |v| {
                    RemotePolicy::parse(&v.value).map(|r| r.label().to_string()).unwrap_or_else(|| v.value.clone())
                })}
                {group(exact, "Job type", "job_type", facets.job_type, type_sel, |v| {
                    JobType::parse(&v.value).map(|t| t.label().to_string()).unwrap_or_else(|| v.value.clone())
                })}
                {group(exact, "Company", "company", facets.company, query.company.clone(), |v| {
                    v.label.clone().unwrap_or_else(|| v.value.clone())
                })}
                {group(exact, "Category", "category", facets.category.into_iter().filter(|v| !v.value.is_empty()).collect(), query.category.clone(), |v| v.value.clone())}
                <div class="facet field">
                    <label for="f-salary">"Minimum salary"</label>
                    <span class="hint" id="f-salary-hint">"Per year; hourly, daily and monthly pay is annualised and other currencies converted"</span>
                    <input id="f-salary" name="salary_min" type="number" min="0" step="1000" inputmode="numeric"
                        aria-describedby="f-salary-hint"
                        value=query.salary_min.map(|d| d.normalize().to_string()).unwrap_or_default()/>
                    <label for="f-currency">"Currency"</label>
                    <select id="f-currency" name="salary_currency">
                        {currencies
                            .into_iter()
                            .map(|c| {
                                let selected = c == currency;
                                view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="facet field">
                    <label for="f-posted">"Posted"</label>
                    <select id="f-posted" name="posted_within_days">
                        <option value="" selected=query.posted_within_days.is_none()>"Any time"</option>
                        {[(1u32, "Last 24 hours"), (7, "Last 7 days"), (30, "Last 30 days")]
                            .into_iter()
                            .map(|(d, label)| view! {
                                <option value=d.to_string() selected=query.posted_within_days == Some(d)>{label}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                {ordering.map(|o| view! { <input type="hidden" name="ordering" value=o/> })}
                <div class="filters-actions">
                    <button type="submit">"Apply filters"</button>
                    {active.then(|| view! { <a href="/jobs">"Clear all"</a> })}
                </div>
            </form>
        </details>
    }
    .into_any()
}
