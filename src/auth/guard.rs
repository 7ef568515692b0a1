//! `AdminUser`: the extractor every admin handler takes. It exists only for a live session whose
//! user still exists and is active, whose tenant is the one the session was bound to, whose role
//! has the [`Access`] the route declares (the route table puts it in the request), and — on a
//! tenant's own domain — whose tenant owns that domain. Tenant data is reachable only through it
//! ([`AdminUser::begin`]), so a handler without the guard has no way to touch a tenant. Actions
//! that need more than their route ([`AdminUser::require`]) and hiring managers' job scope
//! ([`AdminUser::job_scope`], [`AdminUser::may_read_job`]) are checked here too: the role checks
//! live in this file and [`super::roles`].

use std::sync::{Arc, OnceLock};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use tower_sessions::Session;
use uuid::Uuid;

use super::login::load_user;
use super::roles::{Access, Role};
use super::session::{self, SessionAuth};
use crate::error::AppError;
use crate::tenancy::{self, Tenant, TenantTx};

/// A signed-in HR user and their tenant.
#[derive(Clone)]
pub struct AdminUser {
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    pub tenant: Tenant,
    /// The session's CSRF token, for every form the page renders.
    pub csrf: String,
    pub session: Session,
}

/// Which jobs' applications a member sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobScope {
    All,
    /// A hiring manager: the jobs they are on.
    Only(Vec<Uuid>),
}

impl JobScope {
    pub fn includes(&self, job_id: Uuid) -> bool {
        match self {
            JobScope::All => true,
            JobScope::Only(jobs) => jobs.contains(&job_id),
        }
    }

    /// The jobs, when limited (for a query's `job_id = ANY(...)`).
    pub fn limited(&self) -> Option<&[Uuid]> {
        match self {
            JobScope::All => None,
            JobScope::Only(jobs) => Some(jobs),
        }
    }
}

impl AdminUser {
    /// A transaction scoped to this user's tenant — the only way admin code reaches tenant data.
    pub async fn begin(&self, pool: &PgPool) -> sqlx::Result<TenantTx> {
        self.tenant.begin(pool).await
    }

    /// Whether this member's role may use something needing `access`.
    pub fn may(&self, access: Access) -> bool {
        self.role.may(access)
    }

    /// Refuses (403, saying who may) an action this member's role does not allow.
    pub fn require(&self, access: Access) -> Result<(), AppError> {
        if self.may(access) {
            Ok(())
        } else {
            Err(AppError::Forbidden(refusal(self.role, access)))
        }
    }

    /// The jobs whose applications this member sees.
    pub async fn job_scope(&self, ttx: &mut TenantTx) -> sqlx::Result<JobScope> {
        if self.role.sees_every_job() {
            return Ok(JobScope::All);
        }
        let jobs = sqlx::query_scalar("SELECT job_id FROM job_team WHERE user_id = $1")
            .bind(self.user_id)
            .fetch_all(&mut **ttx)
            .await?;
        Ok(JobScope::Only(jobs))
    }

    /// Whether this member sees the applications of `job_id` (a job outside a hiring manager's
    /// scope answers like one that does not exist).
    pub async fn may_read_job(&self, ttx: &mut TenantTx, job_id: Uuid) -> sqlx::Result<bool> {
        if self.role.sees_every_job() {
            return Ok(true);
        }
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM job_team WHERE job_id = $1 AND user_id = $2)",
        )
        .bind(job_id)
        .bind(self.user_id)
        .fetch_one(&mut **ttx)
        .await
    }
}

impl AdminUser {
    /// Whether this member may read application `id` (a hiring manager: one of their jobs');
    /// `true` for everyone else, whether or not it exists.
    pub async fn may_read_application(&self, ttx: &mut TenantTx, id: Uuid) -> sqlx::Result<bool> {
        if self.role.sees_every_job() {
            return Ok(true);
        }
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM applications a JOIN job_team t ON t.job_id = a.job_id
                             WHERE a.id = $1 AND t.user_id = $2)",
        )
        .bind(id)
        .bind(self.user_id)
        .fetch_one(&mut **ttx)
        .await
    }
}

/// What a member is told when their role does not allow something.
pub fn refusal(role: Role, access: Access) -> String {
    format!(
        "Your role ({}) does not allow this: only {} can. An owner can change your role on the \
         Team page.",
        role.label(),
        access.who()
    )
}

/// Where the guard leaves the signed-in user for a layer that renders a page after the handler
/// (the admin error pages show the user's navigation): put in the request's extensions by that
/// layer, filled by the guard.
#[derive(Clone, Default)]
pub struct SignedInSlot(Arc<OnceLock<AdminUser>>);

impl SignedInSlot {
    /// The user the guard admitted on this request, if it ran and admitted one.
    pub fn get(&self) -> Option<&AdminUser> {
        self.0.get()
    }
}

/// Why a request has no admin user.
#[derive(Debug)]
pub enum Rejection {
    /// Not signed in: pages go to the login form, JSON clients get 401.
    Anonymous {
        next: String,
        wants_json: bool,
    },
    /// Signed in, but the route needs more than the member's role allows: 403.
    Forbidden(Role, Access),
    Internal(AppError),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Forbidden(role, access) => {
                AppError::Forbidden(refusal(role, access)).into_response()
            }
            Rejection::Anonymous {
                wants_json: true, ..
            } => AppError::Unauthorized.into_response(),
            Rejection::Anonymous { next, .. } => {
                let location = format!(
                    "/admin/login?{}",
                    url::form_urlencoded::Serializer::new(String::new())
                        .append_pair("next", &next)
                        .finish()
                );
                let mut res = StatusCode::SEE_OTHER.into_response();
                if let Ok(v) = HeaderValue::from_str(&location) {
                    res.headers_mut().insert(header::LOCATION, v);
                }
                res
            }
            Rejection::Internal(e) => e.into_response(),
        }
    }
}

/// Any state the pool can be taken from (the guard needs nothing else).
impl<S> FromRequestParts<S> for AdminUser
where
    S: Send + Sync,
    PgPool: axum::extract::FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let pool = <PgPool as axum::extract::FromRef<S>>::from_ref(state);
        let anonymous = || Rejection::Anonymous {
            next: next_target(parts),
            wants_json: wants_json(parts),
        };
        let Some(session) = parts.extensions.get::<Session>().cloned() else {
            return Err(Rejection::Internal(AppError::Internal(anyhow::anyhow!(
                "admin route without the session layer"
            ))));
        };
        let Some(auth) = session::current(&session).await else {
            return Err(anonymous());
        };
        let internal = |e: sqlx::Error| Rejection::Internal(e.into());
        let user = load_user(&pool, auth.user_id).await.map_err(internal)?;
        // Bound to its tenant, and signed in since the user's last password change.
        let Some(user) =
            user.filter(|u| u.tenant_id == auth.tenant_id && u.session_epoch == auth.epoch)
        else {
            return Err(anonymous());
        };
        if !host_allows(&pool, parts, auth).await.map_err(internal)? {
            return Err(anonymous());
        }
        let mut conn = pool.acquire().await.map_err(internal)?;
        let Some(tenant) = tenancy::find_by_id(&mut conn, auth.tenant_id)
            .await
            .map_err(internal)?
        else {
            return Err(anonymous());
        };
        let csrf = super::csrf::token(&session)
            .await
            .map_err(Rejection::Internal)?;
        let admin = AdminUser {
            user_id: user.id,
            email: user.email,
            role: user.role,
            tenant,
            csrf,
            session,
        };
        if let Some(slot) = parts.extensions.get::<SignedInSlot>() {
            let _ = slot.0.set(admin.clone());
        }
        // The route's own requirement, which the route table attached to the request.
        let Some(access) = parts.extensions.get::<Access>().copied() else {
            return Err(Rejection::Internal(AppError::Internal(anyhow::anyhow!(
                "admin route without its access level in the route table"
            ))));
        };
        if !admin.may(access) {
            return Err(Rejection::Forbidden(admin.role, access));
        }
        Ok(admin)
    }
}

/// On a tenant's own domain only that tenant's sessions count.
async fn host_allows(pool: &PgPool, parts: &Parts, auth: SessionAuth) -> sqlx::Result<bool> {
    let Some(host) = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(true);
    };
    Ok(match tenancy::for_host(pool, host).await? {
        Some(t) => t.id == auth.tenant_id,
        None => true,
    })
}

/// Where to return after signing in: this page for GETs, the page's path otherwise.
fn next_target(parts: &Parts) -> String {
    if parts.method == axum::http::Method::GET {
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/admin".into())
    } else {
        parts.uri.path().to_string()
    }
}

/// Whether the client asked for JSON rather than a page.
fn wants_json(parts: &Parts) -> bool {
    let accept = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (accept.contains("application/json") || accept.contains("+json"))
        && !accept.contains("text/html")
}

/// A safe post-login destination: an admin path on this site, never another host.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/admin")
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/admin".to_string(),
    }
}

/// The client's IP address ([`crate::server::client_ip`]: the socket peer, or what a trusted
/// proxy forwarded; "unknown" in in-process tests, which run without connect info).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = crate::server::client_ip::of(&parts.extensions);
        Ok(ClientIp(if ip.is_unspecified() {
            "unknown".into()
        } else {
            ip.to_string()
        }))
    }
}

/// The tenant whose own domain the request was sent to, if any.
pub async fn host_tenant(
    pool: &PgPool,
    headers: &axum::http::HeaderMap,
) -> sqlx::Result<Option<Tenant>> {
    match headers.get(header::HOST).and_then(|v| v.to_str().ok()) {
        Some(host) => tenancy::for_host(pool, host).await,
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admin_paths_are_followed_after_login() {
        assert_eq!(
            safe_next(Some("/admin/jobs?status=open")),
            "/admin/jobs?status=open"
        );
        assert_eq!(safe_next(Some("https://evil.example/admin")), "/admin");
        assert_eq!(safe_next(Some("//evil.example")), "/admin");
        assert_eq!(safe_next(Some("/jobs")), "/admin");
        assert_eq!(safe_next(None), "/admin");
    }
}
