//! `GET|POST /admin/forgot` (mail me a reset link), `GET|POST /admin/reset` (choose a new
//! password from that link; see [`crate::auth::reset`]) and `GET|POST /admin/account` (change
//! your password while signed in).

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;
use tower_sessions::Session;

use super::layout::{
    AdminPage, CsrfField, ErrorSummary, Nav, described_by, field_error, field_id, invalid,
};
use crate::auth::reset::{self, ResetError};
use crate::auth::session::{self, SessionAuth};
use crate::auth::{AdminUser, csrf};
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;
use crate::web::render;

/// What the forgot form always answers: the same whether or not the address has an account.
pub const SENT: &str = "If an account uses that address, we have sent it a link to choose a new \
                        password. The link works once and expires in 60 minutes. No mail? Check \
                        the spam folder, or ask your administrator.";

pub async fn forgot_form(session: Session, uri: Uri) -> Result<Response, AppError> {
    let token = csrf::token(&session).await?;
    Ok(render_forgot(&uri, StatusCode::OK, token, None).await)
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub async fn forgot_submit(
    State(state): State<AppState>,
    session: Session,
    uri: Uri,
    Form(form): Form<ForgotForm>,
) -> Result<Response, AppError> {
    if form.email.trim().is_empty() {
        let token = csrf::token(&session).await?;
        let error = "Enter the email address you sign in with.".to_string();
        return Ok(render_forgot(&uri, StatusCode::UNPROCESSABLE_ENTITY, token, Some(error)).await);
    }
    reset::request(&state.pool, &state.settings.public_url, &form.email)
        .await
        .map_err(AppError::Internal)?;
    Ok(message(&uri, StatusCode::OK, "Check your inbox", SENT).await)
}

#[derive(Debug, Deserialize)]
pub struct ResetQuery {
    token: Option<String>,
}

pub async fn reset_form(
    State(state): State<AppState>,
    session: Session,
    uri: Uri,
    Query(q): Query<ResetQuery>,
) -> Result<Response, AppError> {
    let Some(token) = q.token.filter(|t| !t.is_empty()) else {
        return Ok(message(
            &uri,
            StatusCode::OK,
            "Reset your password",
            "Open the link from the reset mail to choose a new password, or ask for a new link.",
        )
        .await);
    };
    if !reset::is_valid(&state.pool, &token).await? {
        return Ok(expired(&uri).await);
    }
    let csrf = csrf::token(&session).await?;
    Ok(render_reset(&uri, StatusCode::OK, csrf, token, None).await)
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn reset_submit(
    State(state): State<AppState>,
    session: Session,
    uri: Uri,
    Form(form): Form<ResetForm>,
) -> Result<Response, AppError> {
    let refuse = |error: String| async {
        let csrf = csrf::token(&session).await?;
        Ok::<_, AppError>(
            render_reset(
                &uri,
                StatusCode::UNPROCESSABLE_ENTITY,
                csrf,
                form.token.clone(),
                Some(error),
            )
            .await,
        )
    };
    if form.password != form.confirm {
        return refuse("The two passwords are not the same.".into()).await;
    }
    match reset::complete(&state.pool, &form.token, &form.password).await {
        Ok(user_id) => {
            crate::audit::record_member(&state.pool, user_id, "member.password_reset").await?;
            Ok(Redirect::to("/admin/login?reset=done").into_response())
        }
        Err(ResetError::Weak(e)) => refuse(e.message).await,
        Err(ResetError::Invalid) => Ok(expired(&uri).await),
        Err(ResetError::Internal(e)) => Err(AppError::Internal(e)),
    }
}

async fn expired(uri: &Uri) -> Response {
    message(
        uri,
        StatusCode::GONE,
        "This link no longer works",
        "Reset links work once and expire after 60 minutes. Ask for a new one below.",
    )
    .await
}

async fn message(
    uri: &Uri,
    status: StatusCode,
    title: &'static str,
    text: &'static str,
) -> Response {
    render::page(uri, status, move || {
        view! {
            <AdminPage title=title.to_string() nav=None>
                <p class="lead-text">{text}</p>
                <p><a href="/admin/forgot">"Ask for a new link"</a>" · "<a href="/admin/login">"Sign in"</a></p>
            </AdminPage>
        }
    })
    .await
}

async fn render_forgot(
    uri: &Uri,
    status: StatusCode,
    csrf: String,
    error: Option<String>,
) -> Response {
    render::page(uri, status, move || {
        let (csrf, error) = (csrf.clone(), error.clone());
        let described = error.as_ref().map(|_| "forgot-error");
        view! {
            <AdminPage title="Forgot your password?".to_string() nav=None>
                <form method="post" action="/admin/forgot" class="admin-form login-form">
                    {error.map(|e| view! {
                        <div class="error-summary" role="alert" id="forgot-error"><p>{e}</p></div>
                    })}
                    <p>"Enter the email address you sign in with. We will mail you a link to choose a new password."</p>
                    <CsrfField token=csrf/>
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input id="email" name="email" type="email" autocomplete="username"
                            required=true aria-describedby=described/>
                    </div>
                    <button type="submit">"Mail me a link"</button>
                </form>
                <p><a href="/admin/login">"Back to sign in"</a></p>
            </AdminPage>
        }
    })
    .await
}

async fn render_reset(
    uri: &Uri,
    status: StatusCode,
    csrf: String,
    token: String,
    error: Option<String>,
) -> Response {
    render::page(uri, status, move || {
        let (csrf, token, error) = (csrf.clone(), token.clone(), error.clone());
        let invalid = error.as_ref().map(|_| "true");
        let described = error.as_ref().map_or("password-hint", |_| "reset-error password-hint");
        view! {
            <AdminPage title="Choose a new password".to_string() nav=None>
                <form method="post" action="/admin/reset" class="admin-form login-form">
                    {error.map(|e| view! {
                        <div class="error-summary" role="alert" id="reset-error"><p>{e}</p></div>
                    })}
                    <CsrfField token=csrf/>
                    <input type="hidden" name="token" value=token/>
                    <div class="field">
                        <label for="password">"New password"</label>
                        <p class="hint" id="password-hint">{format!(
                            "At least {} characters. Setting it signs you out everywhere else.",
                            crate::auth::MIN_PASSWORD_LEN
                        )}</p>
                        <input id="password" name="password" type="password" autocomplete="new-password"
                            required=true minlength=crate::auth::MIN_PASSWORD_LEN.to_string()
                            aria-invalid=invalid aria-describedby=described/>
                    </div>
                    <div class="field">
                        <label for="confirm">"New password again"</label>
                        <input id="confirm" name="confirm" type="password" autocomplete="new-password"
                            required=true aria-invalid=invalid/>
                    </div>
                    <button type="submit">"Set the new password"</button>
                </form>
            </AdminPage>
        }
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    done: Option<String>,
}

/// `GET /admin/account`: the signed-in user's account, with the change-password form.
pub async fn account_form(
    admin: AdminUser,
    uri: Uri,
    Query(q): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let notice = (q.done.as_deref() == Some("password"))
        .then(|| "Your password was changed; every other session was signed out.".to_string());
    Ok(render_account(&uri, StatusCode::OK, &admin, FieldErrors::new(), notice).await)
}

#[derive(Debug, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/account`: a new password. This session stays signed in (under the user's new
/// session epoch); every other one ends.
pub async fn account_submit(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Form(form): Form<AccountForm>,
) -> Result<Response, AppError> {
    let changed = crate::auth::change_password(
        &state.pool,
        admin.user_id,
        &form.current,
        &form.password,
        &form.confirm,
    )
    .await
    .map_err(AppError::Internal)?;
    let epoch = match changed {
        Ok(epoch) => epoch,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(render_account(&uri, status, &admin, errors, None).await);
        }
    };
    let auth = SessionAuth {
        user_id: admin.user_id,
        tenant_id: admin.tenant.id,
        epoch,
    };
    session::sign_in(&admin.session, auth)
        .await
        .map_err(AppError::Internal)?;
    crate::audit::record_member(&state.pool, admin.user_id, "member.password_changed").await?;
    tracing::info!(user_id = %admin.user_id, "password changed; other sessions ended");
    Ok(Redirect::to("/admin/account?done=password").into_response())
}

async fn render_account(
    uri: &Uri,
    status: StatusCode,
    admin: &AdminUser,
    errors: FieldErrors,
    notice: Option<String>,
) -> Response {
    let nav = Nav::new(admin, "account");
    let email = admin.email.clone();
    render::page(uri, status, move || {
        let (nav, errors, notice, email) =
            (nav.clone(), errors.clone(), notice.clone(), email.clone());
        let csrf = nav.csrf.clone();
        view! {
            <AdminPage title="Your account".to_string() nav=Some(nav)>
                {notice.map(|n| view! { <p class="flash" role="status">{n}</p> })}
                <ErrorSummary errors=errors.clone()/>
                <p>"Signed in as "<strong>{email}</strong>"."</p>
                <form method="post" action="/admin/account" class="admin-form login-form">
                    <h2>"Change your password"</h2>
                    <CsrfField token=csrf/>
                    <div class="field">
                        <label for=field_id("current")>"Current password"</label>
                        <input id=field_id("current") name="current" type="password"
                            autocomplete="current-password" required=true
                            aria-invalid=invalid(&errors, "current")
                            aria-describedby=described_by(&errors, "current")/>
                        {field_error(&errors, "current")}
                    </div>
                    <div class="field">
                        <label for=field_id("password")>"New password"</label>
                        <p class="hint">{format!(
                            "At least {} characters. Changing it signs you out everywhere else.",
                            crate::auth::MIN_PASSWORD_LEN
                        )}</p>
                        <input id=field_id("password") name="password" type="password"
                            autocomplete="new-password" required=true
                            aria-invalid=invalid(&errors, "password")
                            aria-describedby=described_by(&errors, "password")/>
                        {field_error(&errors, "password")}
                    </div>
                    <div class="field">
                        <label for=field_id("confirm")>"New password again"</label>
                        <input id=field_id("confirm") name="confirm" type="password"
                            autocomplete="new-password" required=true
                            aria-invalid=invalid(&errors, "confirm")
                            aria-describedby=described_by(&errors, "confirm")/>
                        {field_error(&errors, "confirm")}
                    </div>
                    <button type="submit">"Change password"</button>
                </form>
            </AdminPage>
        }
    })
    .await
}
