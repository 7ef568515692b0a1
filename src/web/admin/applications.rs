//! `GET /admin/applications`: the tenant's applications with filters (job, stage, date range,
//! candidate name or email), sorting and pagination. A candidate is one person per email address;
//! the list shows how many applications each has.

use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::layout::{AdminPage, CsrfField, Nav, count_of, when};
use crate::applications::pipeline::{
    self, ApplicationPage, Filter, JobOption, PAGE_SIZE, Sort, Stage,
};
use crate::auth::AdminUser;
use crate::auth::roles::Access;
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;
use crate::web::render;

/// The query string as sent (kept for the form and the pagination links).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ListQuery {
    #[serde(default)]
    job: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
    /// `spam`: the applications kept aside as suspected spam.
    #[serde(default)]
    view: String,
    /// After a bulk move: how many moved, how many were skipped, and to which stage.
    #[serde(default)]
    moved: String,
    #[serde(default)]
    skipped: String,
    #[serde(default)]
    moved_to: String,
}

impl ListQuery {
    /// The filter, or a 400 naming every bad parameter.
    pub(super) fn filter(&self) -> Result<Filter, AppError> {
        let mut errs = FieldErrors::new();
        let opt = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
        let job_id = opt(&self.job).and_then(|j| {
            Uuid::parse_str(&j)
                .map_err(|_| errs.add("job", "not a job id"))
                .ok()
        });
        let stage = opt(&self.stage).and_then(|s| {
            Stage::parse(&s).or_else(|| {
                errs.add("stage", format!("use one of {}", Stage::expected()));
                None
            })
        });
        let mut date = |field: &str, v: &str| {
            opt(v).and_then(|d| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| errs.add(field, "use a date like 2026-11-30"))
                    .ok()
            })
        };
        let from = date("from", &self.from);
        let to = date("to", &self.to);
        let sort = opt(&self.sort).and_then(|s| {
            Sort::parse(&s).or_else(|| {
                errs.add("sort", format!("use one of {}", Sort::expected()));
                None
            })
        });
        let page = match opt(&self.page) {
            None => 1,
            Some(p) => match p.parse::<i64>() {
                Ok(n) if (1..=100_000).contains(&n) => n,
                _ => {
                    errs.add("page", "use a page number from 1");
                    1
                }
            },
        };
        errs.into_result()?;
        Ok(Filter {
            job_id,
            stage,
            from,
            to,
            q: opt(&self.q),
            sort,
            page,
            spam: self.view == "spam",
            within_jobs: None,
        })
    }

    /// The filter as a query string (empty values left out), on `page` when given.
    fn query_string(&self, page: Option<i64>) -> String {
        let page = page.map(|p| p.to_string()).unwrap_or_default();
        let pairs = [
            ("job", &self.job),
            ("stage", &self.stage),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
            ("sort", &self.sort),
            ("page", &page),
            ("view", &self.view),
        ];
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
            .finish()
    }

    fn with_page(&self, page: i64) -> String {
        format!("/admin/applications?{}", self.query_string(Some(page)))
    }

    /// The CSV export of the same filter (every page).
    fn export_link(&self) -> String {
        format!("/admin/applications/export?{}", self.query_string(None))
    }

    /// The message after a bulk move, if this page follows one.
    fn bulk_notice(&self) -> Option<String> {
        let moved: i64 = self.moved.parse().ok()?;
        let skipped: i64 = self.skipped.parse().unwrap_or(0);
        let to = Stage::parse(&self.moved_to)?;
        let mut text = format!(
            "{} moved to {}.",
            count_of(moved, "application"),
            to.label()
        );
        if skipped > 0 {
            text.push_str(&format!(
                " {} could not move (already there, further along, or rejected) and were left as they were.",
                count_of(skipped, "application")
            ));
        }
        Some(text)
    }
}

pub async fn list(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let mut filter = query.filter()?;
    let mut ttx = admin.begin(&state.pool).await?;
    let scope = admin.job_scope(&mut ttx).await?;
    filter.within_jobs = scope.limited().map(<[Uuid]>::to_vec);
    if filter.spam {
        // Spam is triaged by owners and recruiters.
        admin.require(Access::Staff)?;
    }
    let page = pipeline::list(&mut ttx, &filter).await?;
    let mut jobs = pipeline::job_options(&mut ttx).await?;
    jobs.retain(|j| scope.includes(j.id));
    let spam = if admin.may(Access::Staff) {
        pipeline::spam_count(&mut ttx).await?
    } else {
        0
    };
    ttx.commit().await?;
    let nav = Nav::new(&admin, "applications");
    let current = filter.page;
    Ok(render::page(&uri, StatusCode::OK, move || {
        view(
            nav.clone(),
            query.clone(),
            page.clone(),
            jobs.clone(),
            current,
            spam,
        )
    })
    .await)
}

fn view(
    nav: Nav,
    query: ListQuery,
    page: ApplicationPage,
    jobs: Vec<JobOption>,
    current: i64,
    spam: i64,
) -> impl IntoView {
    let showing_spam = query.view == "spam";
    // Hiring managers read; selecting, moving and exporting are for owners and recruiters.
    let staff = nav.role.may(Access::Staff);
    let csrf = nav.csrf.clone();
    let notice = query.bulk_notice();
    let export = query.export_link();
    let spam_link = if showing_spam {
        Some(view! {
            <p class="notice" role="status">
                "Kept aside as suspected spam: not counted, no confirmation sent. Open one to restore it. "
                <a href="/admin/applications">"Back to all applications"</a>
            </p>
        }.into_any())
    } else {
        (spam > 0).then(|| {
            view! {
            <p><a href="/admin/applications?view=spam">{format!("Suspected spam ({spam})")}</a></p>
        }.into_any()
        })
    };
    let job_opts = jobs
        .into_iter()
        .map(|j| {
            let id = j.id.to_string();
            let sel = id == query.job;
            view! { <option value=id selected=sel>{j.title}</option> }
        })
        .collect_view();
    let stage_opts = Stage::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str() selected={s.as_str() == query.stage}>{s.label()}</option> })
        .collect_view();
    let sort_opts = Sort::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str() selected={s.as_str() == query.sort}>{s.label()}</option> })
        .collect_view();
    let pages = (page.total + PAGE_SIZE - 1) / PAGE_SIZE;
    let prev = (current > 1).then(|| query.with_page(current - 1));
    let next = (current < pages).then(|| query.with_page(current + 1));
    let body = if page.rows.is_empty() {
        view! { <p class="empty">"No applications match these filters."</p> }.into_any()
    } else {
        let rows = page
            .rows
            .into_iter()
            .map(|r| {
                let href = format!("/admin/applications/{}", r.id);
                // One candidate per email: the badge lists all of this person's applications.
                let more = (r.candidate_applications > 1).then(|| {
                    let all = format!(
                        "/admin/applications?{}",
                        url::form_urlencoded::Serializer::new(String::new())
                            .append_pair("q", &r.email)
                            .finish()
                    );
                    let label = count_of(r.candidate_applications, "application");
                    view! { <a class="badge" href=all>{label}</a> }
                });
                let stage_class = format!("badge stage-{}", r.stage.as_str());
                let pick_label = format!("Select {} {}", r.first_name, r.last_name);
                let pick = staff.then(|| view! {
                    <td class="pick" data-label="Select">
                        <input type="checkbox" name="id" value=r.id.to_string() form="bulk"
                            aria-label=pick_label.clone()/>
                    </td>
                });
                view! {
                    <tr>
                        {pick}
                        <td class="lead-cell"><a href=href>{format!("{} {}", r.first_name, r.last_name)}</a>{more}</td>
                        <td data-label="Email">{r.email}</td>
                        <td data-label="Job">{r.job_title}</td>
                        <td data-label="Stage"><span class=stage_class>{r.stage.label()}</span></td>
                        <td data-label="Applied">{when(r.created_at)}</td>
                    </tr>
                }
            })
            .collect_view();
        let bulk_opts = Stage::ALL
            .iter()
            .map(|s| {
                let value = format!("stage:{}", s.as_str());
                let label = if *s == Stage::Rejected {
                    "Reject".to_string()
                } else {
                    format!("Move to {}", s.label())
                };
                view! { <option value=value>{label}</option> }
            })
            .collect_view();
        let bulk = staff.then(|| {
            view! {
                <form method="post" action="/admin/applications/bulk" id="bulk" class="actions">
                    <CsrfField token=csrf.clone()/>
                    <label for="bulk-action">"With the selected"</label>
                    <select id="bulk-action" name="bulk">
                        {bulk_opts}
                        <option value="export">"Export as CSV"</option>
                    </select>
                    <button type="submit" class="secondary">"Apply"</button>
                </form>
            }
        });
        view! {
            {bulk}
            <table class="data">
                <thead><tr>
                    {staff.then(|| view! { <th scope="col"><span class="visually-hidden">"Select"</span></th> })}
                    <th scope="col">"Candidate"</th><th scope="col">"Email"</th>
                    <th scope="col">"Job"</th><th scope="col">"Stage"</th><th scope="col">"Applied"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <AdminPage title="Applications".to_string() nav=Some(nav)>
            {spam_link}
            <form method="get" action="/admin/applications" class="filters" role="search">
                {showing_spam.then(|| view! { <input type="hidden" name="view" value="spam"/> })}
                <div class="field">
                    <label for="job">"Job"</label>
                    <select id="job" name="job"><option value="">"All jobs"</option>{job_opts}</select>
                </div>
                <div class="field">
                    <label for="stage">"Stage"</label>
                    <select id="stage" name="stage"><option value="">"Any stage"</option>{stage_opts}</select>
                </div>
                <div class="field">
                    <label for="from">"Applied from"</label>
                    <input id="from" name="from" type="date" value=query.from.clone()/>
                </div>
                <div class="field">
                    <label for="to">"Applied until"</label>
                    <input id="to" name="to" type="date" value=query.to.clone()/>
                </div>
                <div class="field">
                    <label for="q">"Name or email"</label>
                    <input id="q" name="q" type="search" value=query.q.clone()/>
                </div>
                <div class="field">
                    <label for="sort">"Sort by"</label>
                    <select id="sort" name="sort">{sort_opts}</select>
                </div>
                <button type="submit" class="secondary">"Apply filters"</button>
            </form>
            {notice.map(|n| view! { <p class="flash" role="status">{n}</p> })}
            <p class="meta" role="status">
                {count_of(page.total, "application")}
                {(staff && page.total > 0).then(|| view! { " · "<a href=export>"Export these as CSV"</a> })}
            </p>
            {body}
            <nav class="pagination" aria-label="Pages">
                {prev.map(|h| view! { <a href=h rel="prev">"← Previous"</a> })}
                <span>{format!("Page {current} of {}", pages.max(1))}</span>
                {next.map(|h| view! { <a href=h rel="next">"Next →"</a> })}
            </nav>
        </AdminPage>
    }
}
