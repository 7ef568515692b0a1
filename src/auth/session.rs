//! Admin sessions: tower-sessions over the PostgreSQL store, the cookie policy, and what a signed-in
//! session holds (the user and the tenant it is bound to).

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use uuid::Uuid;

/// Name of the admin session cookie.
pub const COOKIE_NAME: &str = "careers_admin";

/// Idle time after which a session ends (a working day).
pub const INACTIVITY: tower_sessions::cookie::time::Duration =
    tower_sessions::cookie::time::Duration::hours(8);

const AUTH_KEY: &str = "auth";
pub(crate) const CSRF_KEY: &str = "csrf";

/// What a signed-in session holds: the user and the tenant it is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAuth {
    pub user_id: Uuid,
    pub tenant_id: Uuid,
    /// The user's session epoch at sign-in: the session ends when the user's moves on.
    #[serde(default)]
    pub epoch: i32,
}

/// The session store over the application's pool (its table lives in its own `tower_sessions`
/// schema, created by the shared migrations and by [`PostgresStore::migrate`]).
pub fn store(pool: PgPool) -> PostgresStore {
    PostgresStore::new(pool)
}

/// The session layer for the admin routes: HttpOnly, SameSite=Lax, `Secure` when the public URL is
/// https, scoped to `/admin`, expiring after [`INACTIVITY`] without a request. Every request
/// re-saves the session so the inactivity window slides.
pub fn layer(store: PostgresStore, secure: bool) -> SessionManagerLayer<PostgresStore> {
    SessionManagerLayer::new(store)
        .with_name(COOKIE_NAME)
        .with_path("/admin")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(INACTIVITY))
}

/// The signed-in user of `session`, if any. A session the store cannot read counts as signed out.
pub async fn current(session: &Session) -> Option<SessionAuth> {
    match session.get::<SessionAuth>(AUTH_KEY).await {
        Ok(auth) => auth,
        Err(e) => {
            tracing::warn!(error = %crate::error::loggable(&e), "unreadable admin session; treating it as signed out");
            None
        }
    }
}

/// Signs `auth` in: a new session id (so a session id planted before login is worthless), the
/// user and tenant, and a fresh CSRF token.
pub async fn sign_in(session: &Session, auth: SessionAuth) -> anyhow::Result<()> {
    session.cycle_id().await?;
    session.insert(AUTH_KEY, auth).await?;
    session.insert(CSRF_KEY, super::csrf::new_token()).await?;
    Ok(())
}

/// Deletes sessions past their expiry (for the scheduler; expired sessions are never honoured
/// anyway, this only reclaims their rows).
pub async fn delete_expired(pool: &PgPool) -> anyhow::Result<()> {
    use tower_sessions::ExpiredDeletion;
    store(pool.clone())
        .delete_expired()
        .await
        .map_err(|e| anyhow::anyhow!("deleting expired admin sessions: {e}"))
}

/// Ends the session: its row is deleted and the cookie removed.
pub async fn sign_out(session: &Session) -> anyhow::Result<()> {
    session.flush().await?;
    Ok(())
}
