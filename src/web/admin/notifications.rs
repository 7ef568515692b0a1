//! `GET|POST /admin/notifications`: how the signed-in member hears of new applications — for all
//! jobs and per job: an email per application (batched), a daily digest, or none
//! ([`crate::applications::notify`]).

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

use super::layout::{AdminPage, CsrfField, Nav};
use crate::applications::notify::{self, Mode};
use crate::applications::pipeline::{self, JobOption};
use crate::auth::AdminUser;
use crate::error::{AppError, invalid};
use crate::state::AppState;
use crate::web::render;

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn show(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut ttx = admin.begin(&state.pool).await?;
    let settings = notify::settings(&mut ttx, admin.user_id).await?;
    let scope = admin.job_scope(&mut ttx).await?;
    let mut jobs = pipeline::job_options(&mut ttx).await?;
    jobs.retain(|j| scope.includes(j.id));
    let on_team: Vec<Uuid> = sqlx::query_scalar("SELECT job_id FROM job_team WHERE user_id = $1")
        .bind(admin.user_id)
        .fetch_all(&mut *ttx)
        .await?;
    ttx.commit().await?;
    let nav = Nav::new(&admin, "notifications");
    let saved = (q.done == "saved").then_some("Saved.");
    let recruits = admin.role.sees_every_job();
    // Each job with what applies to it when the member has chosen nothing.
    let jobs: Vec<(JobOption, Mode)> = jobs
        .into_iter()
        .map(|j| {
            let default = if recruits && on_team.contains(&j.id) {
                Mode::Each
            } else {
                Mode::None
            };
            (j, default)
        })
        .collect();
    Ok(render::page(&uri, StatusCode::OK, move || {
        page_view(nav.clone(), settings.clone(), jobs.clone(), saved)
    })
    .await)
}

#[derive(Debug, Deserialize)]
pub struct SetForm {
    /// Empty: all jobs.
    #[serde(default)]
    job: String,
    /// `each`, `digest`, `none`, or `default` (no setting of one's own).
    #[serde(default)]
    mode: String,
}

pub async fn save(
    State(state): State<AppState>,
    admin: AdminUser,
    Form(form): Form<SetForm>,
) -> Result<Response, AppError> {
    let mode = match form.mode.trim() {
        "default" => None,
        m => Some(Mode::parse(m).ok_or_else(|| {
            invalid(
                "mode",
                format!("use default or one of {}", Mode::expected()),
            )
        })?),
    };
    let job = match form.job.trim() {
        "" => None,
        j => Some(Uuid::parse_str(j).map_err(|_| invalid("job", "not a job id"))?),
    };
    let mut ttx = admin.begin(&state.pool).await?;
    if let Some(job) = job
        && !(admin.may_read_job(&mut ttx, job).await?
            && crate::postings::team::job_exists(&mut ttx, job).await?)
    {
        return Err(AppError::NotFound);
    }
    notify::set(&mut ttx, admin.user_id, job, mode).await?;
    ttx.commit().await?;
    Ok(Redirect::to("/admin/notifications?done=saved").into_response())
}

fn mode_select(
    id: String,
    label: String,
    current: Option<Mode>,
    default: Option<Mode>,
) -> impl IntoView {
    let default_label = match default {
        Some(d) => format!("Default ({})", d.label().to_lowercase()),
        None => "Same as for all jobs".to_string(),
    };
    let options = Mode::ALL
        .iter()
        .map(|m| view! { <option value=m.as_str() selected={current == Some(*m)}>{m.label()}</option> })
        .collect_view();
    view! {
        <label for=id.clone() class="visually-hidden">{label}</label>
        <select id=id name="mode">
            <option value="default" selected=current.is_none()>{default_label}</option>
            {options}
        </select>
    }
}

fn page_view(
    nav: Nav,
    settings: notify::Settings,
    jobs: Vec<(JobOption, Mode)>,
    saved: Option<&'static str>,
) -> impl IntoView {
    let csrf = nav.csrf.clone();
    let rows = jobs
        .into_iter()
        .map(|(j, default)| {
            let current = settings
                .per_job
                .iter()
                .find(|(id, _)| *id == j.id)
                .map(|(_, m)| *m);
            let default = settings.all_jobs.is_none().then_some(default);
            let label = format!("Notifications for {}", j.title);
            view! {
                <tr>
                    <td class="lead-cell">{j.title.clone()}</td>
                    <td data-label="Emails">
                        <form method="post" action="/admin/notifications" class="inline">
                            <CsrfField token=csrf.clone()/>
                            <input type="hidden" name="job" value=j.id.to_string()/>
                            {mode_select(format!("mode-{}", j.id), label, current, default)}
                            <button type="submit" class="secondary">"Save"</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AdminPage title="Notifications".to_string() nav=Some(nav)>
            {saved.map(|s| view! { <p class="flash" role="status">{s}</p> })}
            <p>"How you hear of new applications. Without a choice of your own, the owners and recruiters on a job's hiring team get an email per application, at most one every 5 minutes; daily digests go out at 08:00 UTC."</p>
            <form method="post" action="/admin/notifications" class="filters">
                <CsrfField token=csrf.clone()/>
                <input type="hidden" name="job" value=""/>
                <div class="field">
                    <span>"For all jobs"</span>
                    {mode_select("mode-all".into(), "Notifications for all jobs".into(), settings.all_jobs, Some(Mode::None)).into_any()}
                </div>
                <button type="submit">"Save"</button>
            </form>
            <h2>"Per job (overrides the above)"</h2>
            <table class="data">
                <thead><tr><th scope="col">"Job"</th><th scope="col">"Emails"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </AdminPage>
    }
}
