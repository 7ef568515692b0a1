//! `GET|POST /admin/login` and `POST /admin/logout`.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use leptos::prelude::*;
use serde::Deserialize;
use tower_sessions::Session;

use super::layout::{AdminPage, CsrfField};
use crate::auth::guard::{ClientIp, host_tenant, safe_next};
use crate::auth::limiter::LoginLimiter;
use crate::auth::login::{self, LoginOutcome};
use crate::auth::session::{self, SessionAuth};
use crate::auth::{AdminUser, csrf};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::render;

/// The one message for an unknown email or a wrong password.
/// What a deactivated member sees after typing their (right) password.
pub const DEACTIVATED: &str = "This account has been deactivated by an owner of your company. \
                               Ask them to reactivate it or to invite you again.";

pub const INVALID_LOGIN: &str = "That email and password do not match an account.";

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    /// `done` after a password reset.
    reset: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct LoginView {
    email: String,
    next: String,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
}

pub async fn show(
    session: Session,
    uri: Uri,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    if session::current(&session).await.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let v = LoginView {
        next: safe_next(q.next.as_deref()),
        csrf: csrf::token(&session).await?,
        notice: (q.reset.as_deref() == Some("done")).then(|| {
            "Your password was changed and every other session ended. Sign in with the new one."
                .to_string()
        }),
        ..Default::default()
    };
    Ok(render_form(&uri, StatusCode::OK, v).await)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<LoginLimiter>>,
    session: Session,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let host = host_tenant(&state.pool, &headers).await?.map(|t| t.id);
    let outcome = login::attempt(
        &state.pool,
        &limiter,
        &ip,
        &form.email,
        &form.password,
        host,
    )
    .await?;
    let next = safe_next(form.next.as_deref());
    let (status, error, retry) = match outcome {
        LoginOutcome::SignedIn(user) => {
            let auth = SessionAuth {
                user_id: user.id,
                tenant_id: user.tenant_id,
                epoch: user.session_epoch,
            };
            session::sign_in(&session, auth).await?;
            crate::audit::record_member(&state.pool, user.id, "member.signed_in").await?;
            tracing::info!(user_id = %user.id, tenant_id = %user.tenant_id, "admin signed in");
            return Ok(Redirect::to(&next).into_response());
        }
        LoginOutcome::Invalid => (StatusCode::UNAUTHORIZED, INVALID_LOGIN.to_string(), None),
        LoginOutcome::Deactivated => (StatusCode::FORBIDDEN, DEACTIVATED.to_string(), None),
        LoginOutcome::Locked {
            minutes,
            everywhere: false,
        } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-in attempts for this account from this device: it is locked \
                 for {minutes} minutes here (signing in elsewhere still works). To get in now, \
                 reset your password with \u{201c}Forgot your password?\u{201d} below."
            ),
            Some(minutes as u64 * 60),
        ),
        LoginOutcome::Locked {
            minutes,
            everywhere: true,
        } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-in attempts for this account from several places: it is \
                 locked for {minutes} minutes. To get in now, reset your password with \
                 \u{201c}Forgot your password?\u{201d} below (that lifts the lock), or ask your \
                 administrator."
            ),
            Some(minutes as u64 * 60),
        ),
        LoginOutcome::RateLimited { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-in attempts from your network. Try again in {} minutes.",
                retry_after_secs.div_ceil(60)
            ),
            Some(retry_after_secs),
        ),
    };
    let v = LoginView {
        email: form.email.trim().to_string(),
        next,
        csrf: csrf::token(&session).await?,
        error: Some(error),
        notice: None,
    };
    let mut res = render_form(&uri, status, v).await;
    if let Some(secs) = retry
        && let Ok(h) = HeaderValue::from_str(&secs.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, h);
    }
    Ok(res)
}

pub async fn logout(State(state): State<AppState>, admin: AdminUser) -> Result<Response, AppError> {
    crate::audit::record_member(&state.pool, admin.user_id, "member.signed_out").await?;
    session::sign_out(&admin.session).await?;
    Ok(Redirect::to("/admin/login").into_response())
}

async fn render_form(uri: &Uri, status: StatusCode, v: LoginView) -> Response {
    render::page(uri, status, move || {
        let v = v.clone();
        let described = v.error.as_ref().map(|_| "login-error");
        view! {
            <AdminPage title="Sign in".to_string() nav=None>
                <form method="post" action="/admin/login" class="admin-form login-form">
                    {v.error.clone().map(|e| view! {
                        <div class="error-summary" role="alert" id="login-error"><p>{e}</p></div>
                    })}
                    {v.notice.clone().map(|n| view! { <p class="flash" role="status">{n}</p> })}
                    <CsrfField token=v.csrf.clone()/>
                    <input type="hidden" name="next" value=v.next.clone()/>
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input id="email" name="email" type="email" autocomplete="username"
                            required=true value=v.email.clone() aria-describedby=described/>
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input id="password" name="password" type="password"
                            autocomplete="current-password" required=true/>
                    </div>
                    <button type="submit">"Sign in"</button>
                </form>
                <p><a href="/admin/forgot">"Forgot your password?"</a></p>
            </AdminPage>
        }
    })
    .await
}
