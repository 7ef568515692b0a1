//! HR admin pages (authenticated, tenant-scoped). One file per page; [`table`] is the one list of
//! admin routes, which both builds the router and drives the isolation test, so a new route shows
//! up in that test the moment it exists.

pub mod application;
pub mod applications;
pub mod audit_log;
pub mod board;
pub mod bulk;
pub mod career_page;
pub mod dashboard;
pub mod errors;
pub mod job_form;
pub mod job_team;
pub mod jobs;
pub mod layout;
pub mod login;
pub mod notifications;
pub mod password;
pub mod team;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Extension, Router};
use leptos::prelude::*;

use crate::auth::limiter::LoginLimiter;
use crate::auth::{csrf, session};
use crate::error::AppError;
use crate::state::AppState;
use layout::AdminPage;

/// Who may use a route (the guard checks it against the member's role; see
/// [`crate::auth::roles`]).
pub use crate::auth::roles::Access;

/// One admin route: method, path template (`{id}` is a job or application id) and access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRoute {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

/// Every admin route with its handler.
fn table() -> Vec<(AdminRoute, MethodRouter<AppState>)> {
    use Access::{Anyone, Member, Owner, Staff};
    let r = |method: Method, path: &'static str, access: Access| AdminRoute {
        method,
        path,
        access,
    };
    vec![
        (r(Method::GET, "/admin/login", Anyone), get(login::show)),
        (r(Method::POST, "/admin/login", Anyone), post(login::submit)),
        (r(Method::GET, "/admin/audit", Owner), get(audit_log::show)),
        (
            r(Method::GET, "/admin/account", Member),
            get(password::account_form),
        ),
        (
            r(Method::POST, "/admin/account", Member),
            post(password::account_submit),
        ),
        (
            r(Method::GET, "/admin/forgot", Anyone),
            get(password::forgot_form),
        ),
        (
            r(Method::POST, "/admin/forgot", Anyone),
            post(password::forgot_submit),
        ),
        (
            r(Method::GET, "/admin/reset", Anyone),
            get(password::reset_form),
        ),
        (
            r(Method::POST, "/admin/reset", Anyone),
            post(password::reset_submit),
        ),
        (
            r(Method::GET, "/admin/notifications", Member),
            get(notifications::show),
        ),
        (
            r(Method::POST, "/admin/notifications", Member),
            post(notifications::save),
        ),
        (r(Method::GET, "/admin/team", Owner), get(team::show)),
        (r(Method::POST, "/admin/team", Owner), post(team::act)),
        (
            r(Method::GET, "/admin/invite", Anyone),
            get(team::invite_form),
        ),
        (
            r(Method::POST, "/admin/invite", Anyone),
            post(team::invite_accept),
        ),
        (
            r(Method::POST, "/admin/logout", Member),
            post(login::logout),
        ),
        (r(Method::GET, "/admin", Member), get(dashboard::show)),
        (r(Method::GET, "/admin/jobs", Staff), get(jobs::list)),
        (
            r(Method::GET, "/admin/jobs/new", Staff),
            get(job_form::new_form),
        ),
        (
            r(Method::POST, "/admin/jobs/new", Staff),
            post(job_form::create),
        ),
        (
            r(Method::GET, "/admin/jobs/{id}", Staff),
            get(job_form::edit_form),
        ),
        (
            r(Method::GET, "/admin/jobs/{id}/board", Staff),
            get(board::show),
        ),
        (
            r(Method::POST, "/admin/jobs/{id}", Staff),
            post(job_form::update),
        ),
        (
            r(Method::POST, "/admin/jobs/{id}/team", Staff),
            post(job_team::act),
        ),
        (
            r(Method::GET, "/admin/applications", Member),
            get(applications::list),
        ),
        (
            r(Method::GET, "/admin/applications/export", Staff),
            get(bulk::export),
        ),
        (
            r(Method::POST, "/admin/applications/bulk", Staff),
            post(bulk::act),
        ),
        (
            r(Method::GET, "/admin/applications/{id}", Member),
            get(application::show),
        ),
        (
            r(Method::POST, "/admin/applications/{id}", Member),
            post(application::act),
        ),
        (
            r(Method::GET, "/admin/applications/{id}/resume", Member),
            get(application::resume),
        ),
        (
            r(Method::GET, "/admin/career-page", Staff),
            get(career_page::show),
        ),
        (
            r(Method::POST, "/admin/career-page", Staff),
            post(career_page::save),
        ),
    ]
}

/// The admin routes, for tests and documentation.
pub fn route_list() -> Vec<AdminRoute> {
    table().into_iter().map(|(r, _)| r).collect()
}

/// The admin router: the routes of [`table`] behind CSRF protection and the session layer (which
/// only admin routes carry; the public site sets no cookies).
pub fn routes(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for (route, handler) in table() {
        // The guard reads the route's access level from the request.
        router = router.route(route.path, handler.layer(Extension(route.access)));
    }
    let store = session::store(state.pool.clone());
    router
        .layer(axum::middleware::from_fn(errors::pages))
        .layer(from_fn_with_state(state.clone(), protect))
        .layer(session::layer(store, state.settings.secure_cookies()))
        .layer(Extension(Arc::new(LoginLimiter::new())))
}

/// CSRF and origin checks ([`csrf::verify`]) in front of every admin route; a refusal is a 403
/// page for browsers and a problem+json for other clients.
async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let wants_html = errors::wants_html(req.headers());
    let uri = req.uri().clone();
    match csrf::verify(&state.settings.public_url, req).await {
        Ok(req) => next.run(req).await,
        Err(Err(e)) => e.into_response(),
        Err(Ok(refusal)) if wants_html => {
            crate::web::render::page(&uri, StatusCode::FORBIDDEN, move || {
                view! {
                    <AdminPage title="Request refused".to_string() nav=None>
                        <p>{refusal.message()}</p>
                        <p><a href="/admin">"Back to the admin"</a></p>
                    </AdminPage>
                }
            })
            .await
        }
        Err(Ok(refusal)) => AppError::Forbidden(refusal.message().to_string()).into_response(),
    }
}
