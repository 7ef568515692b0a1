//! `POST /admin/jobs/{id}/team`: add a member to a job's hiring team or take them off
//! ([`crate::postings::team`]); the team is listed on the job's edit page
//! ([`team_section`]).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

use super::layout::{CsrfField, Nav, not_found};
use crate::audit::{self, Subject};
use crate::auth::AdminUser;
use crate::auth::roles::Role;
use crate::error::{AppError, invalid};
use crate::postings::team::{self, TeamMember};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    user: String,
}

pub async fn act(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Path(id): Path<String>,
    Form(form): Form<TeamForm>,
) -> Result<Response, AppError> {
    let nav = || Some(Nav::new(&admin, "jobs"));
    let Ok(job_id) = Uuid::parse_str(&id) else {
        return Ok(not_found(&uri, nav()).await);
    };
    let mut ttx = admin.begin(&state.pool).await?;
    if !team::job_exists(&mut ttx, job_id).await? {
        return Ok(not_found(&uri, nav()).await);
    }
    let user = Uuid::parse_str(form.user.trim())
        .map_err(|_| invalid("user", "Choose a member of the team."))?;
    let email = match form.action.as_str() {
        "add" => team::add(&mut ttx, admin.tenant.id, job_id, user)
            .await?
            .ok_or_else(|| {
                AppError::Unprocessable(
                    "There is no active member of this team with that id.".into(),
                )
            })?,
        "remove" => match team::remove(&mut ttx, job_id, user).await? {
            Some(email) => email,
            None => {
                let msg = "That member is not on this job's team.";
                return Err(AppError::Unprocessable(msg.into()));
            }
        },
        _ => return Err(invalid("action", "use add or remove")),
    };
    let detail = serde_json::json!({ "member": email, "change": form.action });
    audit::record(
        &mut ttx,
        &(&admin).into(),
        "job.team_changed",
        Subject::Job(job_id),
        detail,
    )
    .await?;
    ttx.commit().await?;
    Ok(Redirect::to(&format!("/admin/jobs/{job_id}?done=team#team")).into_response())
}

/// The edit page's "Hiring team" section: who is on the job, a remove button each, and a form
/// to add any other active member.
pub fn team_section(
    job_id: Uuid,
    csrf: String,
    on_team: Vec<TeamMember>,
    everyone: Vec<(Uuid, String, Role)>,
) -> impl IntoView {
    let action = format!("/admin/jobs/{job_id}/team");
    let listed = if on_team.is_empty() {
        view! { <p class="empty">"Nobody is on this job's team yet: hiring managers see only the jobs they are on."</p> }
            .into_any()
    } else {
        let items = on_team
            .iter()
            .map(|m| {
                let label = format!("Remove {} from the team", m.email);
                view! {
                    <li>
                        <form method="post" action=action.clone() class="inline">
                            <CsrfField token=csrf.clone()/>
                            <input type="hidden" name="action" value="remove"/>
                            <input type="hidden" name="user" value=m.user_id.to_string()/>
                            {m.email.clone()}" "<span class="badge">{m.role.label()}</span>
                            <button type="submit" class="secondary" aria-label=label>"Remove"</button>
                        </form>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="team-list">{items}</ul> }.into_any()
    };
    let others: Vec<_> = everyone
        .into_iter()
        .filter(|(id, ..)| !on_team.iter().any(|m| m.user_id == *id))
        .collect();
    let add = (!others.is_empty()).then(|| {
        let options = others
            .into_iter()
            .map(|(id, email, role)| {
                view! { <option value=id.to_string()>{format!("{email} ({})", role.label())}</option> }
            })
            .collect_view();
        view! {
            <form method="post" action=action.clone() class="filters">
                <CsrfField token=csrf.clone()/>
                <input type="hidden" name="action" value="add"/>
                <div class="field">
                    <label for="team-user">"Add a member"</label>
                    <select id="team-user" name="user">{options}</select>
                </div>
                <button type="submit" class="secondary">"Add to the team"</button>
            </form>
        }
    });
    view! {
        <section id="team" aria-labelledby="team-heading">
            <h2 id="team-heading">"Hiring team"</h2>
            {listed}
            {add}
        </section>
    }
}
