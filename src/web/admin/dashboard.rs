//! `GET /admin`: the dashboard — open jobs, applications of the last 7 days by stage, jobs closing
//! soon, and this tenant's last catalog reconcile.

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use leptos::prelude::*;

use super::layout::{AdminPage, Nav, count_of, when};
use crate::applications::pipeline::{self, JobOption, Stage};
use crate::auth::AdminUser;
use crate::auth::guard::JobScope;
use crate::company::overview::{self, ClosingJob, ReconcileResult};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::render;

/// How far ahead "closing soon" looks.
const CLOSING_DAYS: i32 = 14;

pub async fn show(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
) -> Result<Response, AppError> {
    let mut ttx = admin.begin(&state.pool).await?;
    if let JobScope::Only(mine) = admin.job_scope(&mut ttx).await? {
        // A hiring manager: the jobs they are on, and their applications.
        let stats = pipeline::job_stats(&mut ttx, admin.tenant.id).await?;
        let jobs: Vec<(JobOption, i64)> = pipeline::job_options(&mut ttx)
            .await?
            .into_iter()
            .filter(|j| mine.contains(&j.id))
            .map(|j| {
                let n = stats.get(&j.id).map_or(0, |s| s.applications);
                (j, n)
            })
            .collect();
        ttx.commit().await?;
        let nav = Nav::new(&admin, "dashboard");
        return Ok(render::page(&uri, StatusCode::OK, move || {
            reviewer_view(nav.clone(), jobs.clone())
        })
        .await);
    }
    let open = overview::open_jobs(&mut ttx).await?;
    let by_stage = pipeline::recent_by_stage(&mut ttx, 7).await?;
    let closing = overview::closing_soon(&mut ttx, CLOSING_DAYS).await?;
    let reconcile = overview::last_reconcile(&mut ttx, admin.tenant.id).await?;
    ttx.commit().await?;
    let nav = Nav::new(&admin, "dashboard");
    Ok(render::page(&uri, StatusCode::OK, move || {
        view(
            nav.clone(),
            open,
            by_stage.clone(),
            closing.clone(),
            reconcile.clone(),
        )
    })
    .await)
}

/// A hiring manager's dashboard: their jobs, each with its applications.
fn reviewer_view(nav: Nav, jobs: Vec<(JobOption, i64)>) -> impl IntoView {
    let body = if jobs.is_empty() {
        view! { <p class="empty">"You are not on any job's hiring team yet. A recruiter or owner adds you from the job's page."</p> }
            .into_any()
    } else {
        let items = jobs
            .into_iter()
            .map(|(j, n)| {
                let href = format!("/admin/applications?job={}", j.id);
                view! { <li><a href=href>{j.title}</a>{format!(" — {}", count_of(n, "application"))}</li> }
            })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    view! {
        <AdminPage title="Dashboard".to_string() nav=Some(nav)>
            <section class="card">
                <h2>"Your jobs"</h2>
                {body}
            </section>
        </AdminPage>
    }
}

fn view(
    nav: Nav,
    open: i64,
    by_stage: Vec<(Stage, i64)>,
    closing: Vec<ClosingJob>,
    reconcile: Option<ReconcileResult>,
) -> impl IntoView {
    let total: i64 = by_stage.iter().map(|(_, n)| n).sum();
    let stages = by_stage
        .into_iter()
        .map(|(s, n)| {
            let href = format!("/admin/applications?stage={}", s.as_str());
            view! { <tr><th scope="row"><a href=href>{s.label()}</a></th><td class="num">{n}</td></tr> }
        })
        .collect_view();
    let closing_view = if closing.is_empty() {
        view! { <p class="muted">"No open job expires in the next 14 days."</p> }.into_any()
    } else {
        let items = closing
            .into_iter()
            .map(|j| {
                let href = format!("/admin/jobs/{}", j.id);
                let closes = format!(" — closes {}", when(j.expires_at));
                view! { <li><a href=href>{j.title}</a>{closes}</li> }
            })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    let reconcile_view = match reconcile {
        None => {
            view! { <p class="muted">"The catalog has not been reconciled yet."</p> }.into_any()
        }
        Some(r) => {
            let outcome = match &r.error {
                Some(e) => format!("failed: {e}"),
                None if r.inserted + r.updated + r.deleted == 0 => {
                    "in sync: nothing to repair".to_string()
                }
                None => format!(
                    "repaired {} inserted, {} updated, {} deleted",
                    r.inserted, r.updated, r.deleted
                ),
            };
            let dry = if r.dry_run { " (dry run)" } else { "" };
            let text = format!(
                "Run #{} at {}{dry}: {outcome} ({} unchanged).",
                r.run_id,
                when(r.started_at),
                r.unchanged
            );
            view! { <p>{text}</p> }.into_any()
        }
    };
    view! {
        <AdminPage title="Dashboard".to_string() nav=Some(nav)>
            <div class="cards">
                <section class="card">
                    <h2>"Open jobs"</h2>
                    <p class="big-number">{open}</p>
                    <p><a href="/admin/jobs?status=open">"See open jobs"</a>" · "
                       <a href="/admin/jobs/new">"Post a job"</a></p>
                </section>
                <section class="card">
                    <h2>"Applications, last 7 days"</h2>
                    <p class="big-number">{total}</p>
                    <table class="compact">
                        <caption class="visually-hidden">"Applications of the last 7 days by stage"</caption>
                        <tbody>{stages}</tbody>
                    </table>
                </section>
                <section class="card">
                    <h2>"Closing soon"</h2>
                    {closing_view}
                </section>
                <section class="card">
                    <h2>"Public catalog"</h2>
                    {reconcile_view}
                </section>
            </div>
        </AdminPage>
    }
}
