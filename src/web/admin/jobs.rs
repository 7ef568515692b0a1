//! `GET /admin/jobs`: the tenant's jobs with a status filter, title search, applications and views.

use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

use super::layout::{AdminPage, Nav, when};
use crate::applications::pipeline::{self, JobStats};
use crate::auth::AdminUser;
use crate::error::{AppError, invalid};
use crate::postings::{self, model::Posting, model::PostingStatus};
use crate::state::AppState;
use crate::web::render;

#[derive(Debug, Deserialize)]
pub struct JobsQuery {
    status: Option<String>,
    q: Option<String>,
    done: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Query(query): Query<JobsQuery>,
) -> Result<Response, AppError> {
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(PostingStatus::parse(s).ok_or_else(|| {
            invalid(
                "status",
                format!("use one of {}", PostingStatus::expected()),
            )
        })?),
    };
    let q = query.q.clone().unwrap_or_default().trim().to_string();
    let mut ttx = admin.begin(&state.pool).await?;
    let jobs =
        postings::db::list_for_admin(&mut ttx, status, (!q.is_empty()).then_some(q.as_str()))
            .await?;
    let stats = pipeline::job_stats(&mut ttx, admin.tenant.id).await?;
    ttx.commit().await?;
    let rows: Vec<(Posting, JobStats)> = jobs
        .into_iter()
        .map(|p| {
            let s = stats.get(&p.id).copied().unwrap_or_default();
            (p, s)
        })
        .collect();
    let nav = Nav::new(&admin, "jobs");
    let flash = (query.done.as_deref() == Some("deleted")).then_some("The job was deleted.");
    Ok(render::page(&uri, StatusCode::OK, move || {
        view(nav.clone(), rows.clone(), status, q.clone(), flash)
    })
    .await)
}

fn view(
    nav: Nav,
    rows: Vec<(Posting, JobStats)>,
    status: Option<PostingStatus>,
    q: String,
    flash: Option<&'static str>,
) -> impl IntoView {
    let options = PostingStatus::ALL
        .iter()
        .map(|s| {
            view! { <option value=s.as_str() selected={status == Some(*s)}>{s.label()}</option> }
        })
        .collect_view();
    let body = if rows.is_empty() {
        view! { <p class="empty">"No jobs match. "<a href="/admin/jobs/new">"Post a job"</a></p> }
            .into_any()
    } else {
        let trs = rows
            .into_iter()
            .map(|(p, s)| {
                let href = format!("/admin/jobs/{}", p.id);
                let apps = format!("/admin/applications?job={}", p.id);
                let badge = format!("badge status-{}", p.status.as_str());
                view! {
                    <tr>
                        <td class="lead-cell"><a href=href>{p.title.clone()}</a>
                            {p.internal_only.then_some(view! { <span class="badge">"Internal"</span> })}</td>
                        <td data-label="Status"><span class=badge>{p.status.label()}</span></td>
                        <td data-label="Location">{p.location.clone()}</td>
                        <td class="num" data-label="Applications"><a href=apps>{s.applications}</a></td>
                        <td class="num" data-label="Views">{s.views}</td>
                        <td data-label="Updated">{when(p.updated_at)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data">
                <thead><tr>
                    <th scope="col">"Title"</th><th scope="col">"Status"</th>
                    <th scope="col">"Location"</th><th scope="col" class="num">"Applications"</th>
                    <th scope="col" class="num">"Views"</th><th scope="col">"Updated"</th>
                </tr></thead>
                <tbody>{trs}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <AdminPage title="Jobs".to_string() nav=Some(nav)>
            {flash.map(|f| view! { <p class="flash" role="status">{f}</p> })}
            <div class="toolbar">
                <form method="get" action="/admin/jobs" class="filters" role="search">
                    <div class="field">
                        <label for="status">"Status"</label>
                        <select id="status" name="status">
                            <option value="">"Any status"</option>
                            {options}
                        </select>
                    </div>
                    <div class="field">
                        <label for="q">"Title contains"</label>
                        <input id="q" name="q" type="search" value=q/>
                    </div>
                    <button type="submit" class="secondary">"Filter"</button>
                </form>
                <a class="button" href="/admin/jobs/new">"Post a job"</a>
            </div>
            {body}
        </AdminPage>
    }
}
