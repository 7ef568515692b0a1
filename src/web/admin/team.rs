//! `GET|POST /admin/team` (owners: members, roles, deactivation, invitations; see
//! [`crate::auth::team`]) and `GET|POST /admin/invite` (anyone with an invitation link: choose a
//! password and join).

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::layout::{
    AdminPage, CsrfField, ErrorSummary, Nav, described_by, field_error, field_id, invalid, when,
};
use crate::audit::{self, Subject};
use crate::auth::roles::Role;
use crate::auth::session::{self, SessionAuth};
use crate::auth::team::{self, AcceptError, ChangeError, Invitation, Member, PendingInvitation};
use crate::auth::{AdminUser, csrf};
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;
use crate::web::render;

#[derive(Debug, Deserialize)]
pub struct TeamQuery {
    #[serde(default)]
    done: String,
}

pub async fn show(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Query(q): Query<TeamQuery>,
) -> Result<Response, AppError> {
    let notice = match q.done.as_str() {
        "invited" => Some("Invitation sent. The link works once, for 7 days."),
        "role" => Some("Role changed. It applies from the member's next click."),
        "deactivated" => Some("Member deactivated: they were signed out everywhere."),
        "reactivated" => Some("Member reactivated: they can sign in again."),
        "revoked" => Some("Invitation revoked: its link no longer works."),
        _ => None,
    };
    render_team(
        &state,
        &admin,
        &uri,
        StatusCode::OK,
        FieldErrors::new(),
        Default::default(),
        notice.map(str::to_string),
    )
    .await
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    /// The member or invitation acted on.
    #[serde(default)]
    id: String,
}

pub async fn act(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Form(form): Form<TeamForm>,
) -> Result<Response, AppError> {
    let role = || {
        Role::parse(form.role.trim()).ok_or_else(|| {
            crate::error::invalid("role", format!("use one of {}", Role::expected()))
        })
    };
    let id = || {
        Uuid::parse_str(form.id.trim()).map_err(|_| crate::error::invalid("id", "not a member id"))
    };
    let who: audit::Who = (&admin).into();
    let mut ttx = admin.begin(&state.pool).await?;
    let done = match form.action.as_str() {
        "invite" => {
            let role = role()?;
            let invited = team::invite(
                &mut ttx,
                &admin.tenant,
                admin.user_id,
                &state.settings.public_url,
                &form.email,
                role,
            )
            .await?;
            match invited {
                Ok(id) => {
                    let email = crate::auth::normalize_email(&form.email).unwrap_or_default();
                    let detail = json!({ "member": email, "role": role.as_str() });
                    audit::record(
                        &mut ttx,
                        &who,
                        "member.invited",
                        Subject::Invitation(id),
                        detail,
                    )
                    .await?;
                    "invited"
                }
                Err(e) => {
                    drop(ttx);
                    let mut errors = FieldErrors::new();
                    errors.add(e.field.clone(), e.message);
                    let status = StatusCode::UNPROCESSABLE_ENTITY;
                    return render_team(&state, &admin, &uri, status, errors, form, None).await;
                }
            }
        }
        "revoke" => {
            let id = id()?;
            let Some(email) = team::revoke(&mut ttx, admin.tenant.id, id).await? else {
                return Err(AppError::NotFound);
            };
            let detail = json!({ "member": email });
            let subject = Subject::Invitation(id);
            audit::record(&mut ttx, &who, "member.invitation_revoked", subject, detail).await?;
            "revoked"
        }
        "role" => {
            let (id, to) = (id()?, role()?);
            let (email, from) = team::change_role(&mut ttx, admin.tenant.id, id, to)
                .await
                .map_err(change_error)?;
            let detail = json!({ "member": email, "from": from.as_str(), "to": to.as_str() });
            audit::record(
                &mut ttx,
                &who,
                "member.role_changed",
                Subject::Member(id),
                detail,
            )
            .await?;
            "role"
        }
        a @ ("deactivate" | "reactivate") => {
            let id = id()?;
            let active = a == "reactivate";
            if let Some(email) = team::set_active(&mut ttx, admin.tenant.id, id, active)
                .await
                .map_err(change_error)?
            {
                let action = if active {
                    "member.reactivated"
                } else {
                    "member.deactivated"
                };
                let detail = json!({ "member": email });
                audit::record(&mut ttx, &who, action, Subject::Member(id), detail).await?;
            }
            if active { "reactivated" } else { "deactivated" }
        }
        _ => {
            return Err(crate::error::invalid(
                "action",
                "use invite, revoke, role, deactivate or reactivate",
            ));
        }
    };
    ttx.commit().await?;
    // An owner who demoted or deactivated themselves has no team page any more.
    let own_change = form.id.trim() == admin.user_id.to_string() && done != "reactivated";
    let to = if own_change {
        "/admin".to_string()
    } else {
        format!("/admin/team?done={done}")
    };
    Ok(Redirect::to(&to).into_response())
}

fn change_error(e: ChangeError) -> AppError {
    match e {
        ChangeError::NotFound => AppError::NotFound,
        e @ ChangeError::LastOwner => AppError::Conflict(e.to_string()),
        ChangeError::Db(e) => e.into(),
    }
}

#[derive(Debug, Clone)]
struct TeamPage {
    nav: Nav,
    me: Uuid,
    members: Vec<Member>,
    invitations: Vec<PendingInvitation>,
    errors: FieldErrors,
    form: TeamForm,
    notice: Option<String>,
}

async fn render_team(
    state: &AppState,
    admin: &AdminUser,
    uri: &Uri,
    status: StatusCode,
    errors: FieldErrors,
    form: TeamForm,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let mut ttx = admin.begin(&state.pool).await?;
    let members = team::members(&mut ttx, admin.tenant.id).await?;
    let invitations = team::pending_invitations(&mut ttx, admin.tenant.id).await?;
    ttx.commit().await?;
    let page = TeamPage {
        nav: Nav::new(admin, "team"),
        me: admin.user_id,
        members,
        invitations,
        errors,
        form,
        notice,
    };
    Ok(render::page(uri, status, move || team_view(page.clone())).await)
}

fn role_options(selected: Role) -> impl IntoView {
    Role::ALL
        .iter()
        .map(|r| view! { <option value=r.as_str() selected={*r == selected}>{r.label()}</option> })
        .collect_view()
}

fn team_view(p: TeamPage) -> impl IntoView {
    let csrf = p.nav.csrf.clone();
    let members = p
        .members
        .iter()
        .map(|m| {
            let id = m.id.to_string();
            let active = m.deactivated_at.is_none();
            let you = (m.id == p.me).then_some(view! { <span class="badge">"you"</span> });
            let status = match m.deactivated_at {
                None => view! { <span class="badge status-open">"Active"</span> }.into_any(),
                Some(_) => view! { <span class="badge status-closed">"Deactivated"</span> }.into_any(),
            };
            let last = m.last_login_at.map_or_else(|| "never".to_string(), when);
            let role_label = format!("Role of {}", m.email);
            let toggle = if active { ("deactivate", "Deactivate", "danger") } else { ("reactivate", "Reactivate", "secondary") };
            view! {
                <tr>
                    <td class="lead-cell">{m.email.clone()}{you}</td>
                    <td data-label="Role">
                        <form method="post" action="/admin/team" class="inline">
                            <CsrfField token=csrf.clone()/>
                            <input type="hidden" name="action" value="role"/>
                            <input type="hidden" name="id" value=id.clone()/>
                            <select name="role" aria-label=role_label>{role_options(m.role)}</select>
                            <button type="submit" class="secondary">"Change"</button>
                        </form>
                    </td>
                    <td data-label="Status">{status}</td>
                    <td data-label="Last sign-in">{last}</td>
                    <td data-label="Access">
                        <form method="post" action="/admin/team" class="inline">
                            <CsrfField token=csrf.clone()/>
                            <input type="hidden" name="action" value=toggle.0/>
                            <input type="hidden" name="id" value=id/>
                            <button type="submit" class=toggle.2>{toggle.1}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let invitations = if p.invitations.is_empty() {
        view! { <p class="empty">"No invitation is waiting."</p> }.into_any()
    } else {
        let rows = p
            .invitations
            .iter()
            .map(|i| {
                view! {
                    <tr>
                        <td class="lead-cell">{i.email.clone()}</td>
                        <td data-label="Role">{i.role.label()}</td>
                        <td data-label="Sent">{when(i.created_at)}</td>
                        <td data-label="Expires">{when(i.expires_at)}</td>
                        <td data-label="">
                            <form method="post" action="/admin/team" class="inline">
                                <CsrfField token=csrf.clone()/>
                                <input type="hidden" name="action" value="revoke"/>
                                <input type="hidden" name="id" value=i.id.to_string()/>
                                <button type="submit" class="secondary">"Revoke"</button>
                            </form>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data">
                <thead><tr>
                    <th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Sent"</th>
                    <th scope="col">"Expires"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let errors = p.errors.clone();
    let invite_role = Role::parse(&p.form.role).unwrap_or(Role::Recruiter);
    let roles_help = Role::ALL
        .iter()
        .map(|r| view! { <li><strong>{r.label()}</strong>": "{r.summary()}</li> })
        .collect_view();
    view! {
        <AdminPage title="Team".to_string() nav=Some(p.nav.clone())>
            {p.notice.map(|n| view! { <p class="flash" role="status">{n}</p> })}
            <ErrorSummary errors=errors.clone()/>
            <table class="data">
                <thead><tr>
                    <th scope="col">"Member"</th><th scope="col">"Role"</th><th scope="col">"Status"</th>
                    <th scope="col">"Last sign-in"</th><th scope="col">"Access"</th>
                </tr></thead>
                <tbody>{members}</tbody>
            </table>
            <h2>"Invite someone"</h2>
            <form method="post" action="/admin/team" class="admin-form filters">
                <CsrfField token=csrf.clone()/>
                <input type="hidden" name="action" value="invite"/>
                <div class="field">
                    <label for=field_id("email")>"Email"</label>
                    <input id=field_id("email") name="email" type="email" required=true
                        value=p.form.email.clone() autocomplete="off"
                        aria-invalid=invalid(&errors, "email")
                        aria-describedby=described_by(&errors, "email")/>
                    {field_error(&errors, "email")}
                </div>
                <div class="field">
                    <label for=field_id("role")>"Role"</label>
                    <select id=field_id("role") name="role">{role_options(invite_role)}</select>
                </div>
                <button type="submit">"Send invitation"</button>
            </form>
            <ul class="meta">{roles_help}</ul>
            <h2>"Waiting invitations"</h2>
            {invitations}
        </AdminPage>
    }
}

#[derive(Debug, Deserialize)]
pub struct InviteQuery {
    token: Option<String>,
}

/// `GET /admin/invite?token=…`: the invitation and the choose-a-password form.
pub async fn invite_form(
    State(state): State<AppState>,
    session: Session,
    uri: Uri,
    Query(q): Query<InviteQuery>,
) -> Result<Response, AppError> {
    let Some(token) = q.token.filter(|t| !t.is_empty()) else {
        return Ok(unusable(&uri, StatusCode::OK).await);
    };
    let Some(inv) = team::invitation(&state.pool, &token).await? else {
        return Ok(unusable(&uri, StatusCode::GONE).await);
    };
    let csrf = csrf::token(&session).await?;
    Ok(render_accept(&uri, StatusCode::OK, csrf, token, inv, FieldErrors::new()).await)
}

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/invite`: joins the team and signs the new member in.
pub async fn invite_accept(
    State(state): State<AppState>,
    session: Session,
    uri: Uri,
    Form(form): Form<AcceptForm>,
) -> Result<Response, AppError> {
    match team::accept(&state.pool, &form.token, &form.password, &form.confirm).await {
        Ok(user) => {
            let auth = SessionAuth {
                user_id: user.id,
                tenant_id: user.tenant_id,
                epoch: user.session_epoch,
            };
            session::sign_in(&session, auth)
                .await
                .map_err(AppError::Internal)?;
            audit::record_member(&state.pool, user.id, "member.joined").await?;
            Ok(Redirect::to("/admin").into_response())
        }
        Err(AcceptError::Fields(errors)) => {
            let Some(inv) = team::invitation(&state.pool, &form.token).await? else {
                return Ok(unusable(&uri, StatusCode::GONE).await);
            };
            let csrf = csrf::token(&session).await?;
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(render_accept(&uri, status, csrf, form.token, inv, errors).await)
        }
        Err(AcceptError::Invalid) => Ok(unusable(&uri, StatusCode::GONE).await),
        Err(AcceptError::Internal(e)) => Err(AppError::Internal(e)),
    }
}

async fn unusable(uri: &Uri, status: StatusCode) -> Response {
    render::page(uri, status, move || {
        view! {
            <AdminPage title="This invitation no longer works".to_string() nav=None>
                <p class="lead-text">"Invitation links work once and expire after 7 days; an owner may also have revoked it. Ask the person who invited you to send a new one."</p>
                <p><a href="/admin/login">"Sign in"</a></p>
            </AdminPage>
        }
    })
    .await
}

async fn render_accept(
    uri: &Uri,
    status: StatusCode,
    csrf: String,
    token: String,
    inv: Invitation,
    errors: FieldErrors,
) -> Response {
    render::page(uri, status, move || {
        let (csrf, token, inv, errors) = (csrf.clone(), token.clone(), inv.clone(), errors.clone());
        view! {
            <AdminPage title=format!("Join {}", inv.company) nav=None>
                <form method="post" action="/admin/invite" class="admin-form login-form">
                    <ErrorSummary errors=errors.clone()/>
                    <p>"You are invited as "<strong>{inv.role.label().to_lowercase()}</strong>": "{inv.role.summary()}</p>
                    <CsrfField token=csrf/>
                    <input type="hidden" name="token" value=token/>
                    <div class="field">
                        <label for="invite-email">"Email"</label>
                        <input id="invite-email" type="email" value=inv.email.clone() readonly=true
                            autocomplete="username"/>
                    </div>
                    <div class="field">
                        <label for=field_id("password")>"Choose a password"</label>
                        <p class="hint">{format!("At least {} characters.", crate::auth::MIN_PASSWORD_LEN)}</p>
                        <input id=field_id("password") name="password" type="password"
                            autocomplete="new-password" required=true
                            minlength=crate::auth::MIN_PASSWORD_LEN.to_string()
                            aria-invalid=invalid(&errors, "password")
                            aria-describedby=described_by(&errors, "password")/>
                        {field_error(&errors, "password")}
                    </div>
                    <div class="field">
                        <label for=field_id("confirm")>"Password again"</label>
                        <input id=field_id("confirm") name="confirm" type="password"
                            autocomplete="new-password" required=true
                            aria-invalid=invalid(&errors, "confirm")
                            aria-describedby=described_by(&errors, "confirm")/>
                        {field_error(&errors, "confirm")}
                    </div>
                    <button type="submit">"Join the team"</button>
                </form>
            </AdminPage>
        }
    })
    .await
}
