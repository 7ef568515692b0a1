//! `GET /admin/audit`: the tenant's audit log, newest first, filterable by action, paged by a
//! cursor (`before`: the last event id of the previous page).

use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

use super::layout::{AdminPage, Nav, when};
use crate::audit::{self, ACTIONS, Event, PAGE_SIZE};
use crate::auth::AdminUser;
use crate::error::{AppError, invalid};
use crate::state::AppState;
use crate::web::render;

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    before: String,
}

pub async fn show(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let action = Some(q.action.trim()).filter(|a| !a.is_empty());
    if let Some(a) = action
        && !ACTIONS.contains(&a)
    {
        return Err(invalid(
            "action",
            format!("use one of {}", ACTIONS.join(", ")),
        ));
    }
    let before = match Some(q.before.trim()).filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(Uuid::parse_str(b).map_err(|_| invalid("before", "not an event id"))?),
    };
    let mut ttx = admin.begin(&state.pool).await?;
    let mut events = audit::page(&mut ttx, before, action).await?;
    ttx.commit().await?;
    let more = events.len() as i64 > PAGE_SIZE;
    events.truncate(PAGE_SIZE as usize);
    let next = more.then(|| {
        let last = events.last().map(|e| e.id.to_string()).unwrap_or_default();
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("action", action.unwrap_or(""))
            .append_pair("before", &last)
            .finish();
        format!("/admin/audit?{qs}")
    });
    let nav = Nav::new(&admin, "audit");
    let selected = action.unwrap_or("").to_string();
    Ok(render::page(&uri, StatusCode::OK, move || {
        log_view(nav.clone(), selected.clone(), events.clone(), next.clone())
    })
    .await)
}

fn subject_link(e: &Event) -> Option<impl IntoView + use<>> {
    let id = e.subject_id?;
    let (href, label) = match e.subject_kind.as_deref()? {
        "job" => (format!("/admin/jobs/{id}"), "the job"),
        "application" => (format!("/admin/applications/{id}"), "the application"),
        _ => return None,
    };
    Some(view! { " · "<a href=href>{label}</a> })
}

fn detail_text(e: &Event) -> Option<String> {
    let base = change_text(e);
    // Team changes name the member (staff, not candidates).
    match (e.detail["member"].as_str(), base) {
        (Some(m), Some(b)) => Some(format!("{m}: {b}")),
        (Some(m), None) => Some(m.to_string()),
        (None, b) => b,
    }
}

fn change_text(e: &Event) -> Option<String> {
    let d = &e.detail;
    match (d["from"].as_str(), d["to"].as_str()) {
        (Some(from), Some(to)) => Some(format!(
            "{from} → {to}{}",
            if d["bulk"].as_bool() == Some(true) {
                " (bulk)"
            } else {
                ""
            }
        )),
        _ => d["rows"]
            .as_u64()
            .map(|n| format!("{n} rows"))
            .or_else(|| d["rating"].as_i64().map(|r| format!("rated {r} of 5")))
            .or_else(|| d["role"].as_str().map(|r| format!("as {r}"))),
    }
}

fn log_view(nav: Nav, selected: String, events: Vec<Event>, next: Option<String>) -> impl IntoView {
    let options = ACTIONS
        .iter()
        .map(|a| {
            let sel = *a == selected;
            view! { <option value=*a selected=sel>{audit::describe(a)}</option> }
        })
        .collect_view();
    let body = if events.is_empty() {
        view! { <p class="empty">"Nothing recorded yet."</p> }.into_any()
    } else {
        let rows = events
            .iter()
            .map(|e| {
                let who = e.actor_email.clone().unwrap_or_else(|| "the system".into());
                view! {
                    <tr>
                        <td class="lead-cell">{when(e.at)}</td>
                        <td data-label="Who">{who}</td>
                        <td data-label="What">{audit::describe(&e.action)}{subject_link(e)}</td>
                        <td data-label="Detail">{detail_text(e)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data">
                <thead><tr>
                    <th scope="col">"When"</th><th scope="col">"Who"</th>
                    <th scope="col">"What"</th><th scope="col">"Detail"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <AdminPage title="Audit log".to_string() nav=Some(nav)>
            <p class="meta">"Who did what in this company's admin, newest first. Candidates appear by id only."</p>
            <form method="get" action="/admin/audit" class="filters">
                <div class="field">
                    <label for="action">"Action"</label>
                    <select id="action" name="action"><option value="">"Everything"</option>{options}</select>
                </div>
                <button type="submit" class="secondary">"Show"</button>
            </form>
            {body}
            <nav class="pagination" aria-label="Pages">
                {next.map(|h| view! { <a href=h rel="next">"Older →"</a> })}
            </nav>
        </AdminPage>
    }
}
