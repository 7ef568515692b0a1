//! Password sign-in for HR users: one generic failure for unknown email and wrong password (with
//! the same Argon2 cost either way), per-account lockout stored on the user row, and per-IP and
//! per-email failure windows ([`super::limiter`]).

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::limiter::{
    ACCOUNT_CEILING, LoginLimiter, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP,
};
use super::{HrUser, USER_COLUMNS, normalize_email, password};

/// How long an account stays locked after too many failures.
pub const LOCKOUT_MINUTES: i64 = 15;

/// The result of a sign-in attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    SignedIn(HrUser),
    /// Unknown email or wrong password (deliberately indistinguishable).
    Invalid,
    /// Too many failures for this account (or email address): from this client, or from
    /// everywhere (the account's ceiling).
    Locked {
        minutes: i64,
        everywhere: bool,
    },
    /// The right password of a member an owner has deactivated (said only to whoever knows the
    /// password).
    Deactivated,
    /// Too many failures from this client.
    RateLimited {
        retry_after_secs: u64,
    },
}

/// One sign-in attempt from `ip`. `host_tenant` is the tenant whose own domain the request came
/// to, if any: there, only that tenant's users may sign in.
pub async fn attempt(
    pool: &PgPool,
    limiter: &LoginLimiter,
    ip: &str,
    email: &str,
    pw: &str,
    host_tenant: Option<Uuid>,
) -> anyhow::Result<LoginOutcome> {
    let ip_key = format!("ip:{ip}");
    if let Some(secs) = limiter.blocked_for(&ip_key, MAX_FAILURES_PER_IP) {
        return Ok(LoginOutcome::RateLimited {
            retry_after_secs: secs,
        });
    }
    let email = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
    let email_key = format!("email:{email}");
    let user = find_by_email(pool, &email).await?;
    // This client's failures on this account; the epoch in the key makes a password change
    // lift the lock.
    let epoch = user.as_ref().map_or(0, |u| u.session_epoch);
    let pair_key = format!("pair:{epoch}:{ip}:{email}");
    let here = limiter
        .blocked_for(&pair_key, MAX_FAILURES_PER_ACCOUNT)
        .is_some();
    // The account's ceiling: known accounts on their row, unknown addresses in memory alike.
    let everywhere = match &user {
        Some(u) => u.locked_until.is_some_and(|t| t > Utc::now()),
        None => limiter.blocked_for(&email_key, ACCOUNT_CEILING).is_some(),
    };
    let locked = here || everywhere;
    // Verify even when the answer is already known, so every path costs one Argon2 verification.
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = password::verify(pw.to_string(), if locked { None } else { hash }).await;
    if locked {
        return Ok(LoginOutcome::Locked {
            minutes: LOCKOUT_MINUTES,
            everywhere,
        });
    }
    match user {
        Some(u) if ok && host_tenant.is_none_or(|t| t == u.tenant_id) => {
            if u.deactivated_at.is_some() {
                limiter.clear(&pair_key);
                return Ok(LoginOutcome::Deactivated);
            }
            record_success(pool, u.id).await?;
            limiter.clear(&pair_key);
            Ok(LoginOutcome::SignedIn(u))
        }
        Some(_) if ok => {
            // Right password on another tenant's domain: refuse like a wrong password, without
            // counting it against the account.
            limiter.fail(&ip_key);
            Ok(LoginOutcome::Invalid)
        }
        user => {
            limiter.fail(&ip_key);
            limiter.fail(&pair_key);
            let user_id = user.as_ref().map(|u| u.id);
            let everywhere = match user {
                Some(u) => {
                    let locked = record_failure(pool, u.id).await?.is_some();
                    if locked {
                        // The account id only: never the email address, the password or the
                        // client's IP address (personal data).
                        tracing::warn!(user_id = %u.id, "admin account locked after failed sign-ins from several clients");
                    }
                    locked
                }
                None => {
                    limiter.fail(&email_key);
                    limiter.blocked_for(&email_key, ACCOUNT_CEILING).is_some()
                }
            };
            let here = limiter
                .blocked_for(&pair_key, MAX_FAILURES_PER_ACCOUNT)
                .is_some();
            if let Some(user_id) = user_id.filter(|_| here && !everywhere) {
                // The account id only, as above.
                tracing::warn!(user_id = %user_id, "admin account locked for one client after failed sign-ins");
            }
            Ok(if here || everywhere {
                LoginOutcome::Locked {
                    minutes: LOCKOUT_MINUTES,
                    everywhere,
                }
            } else {
                LoginOutcome::Invalid
            })
        }
    }
}

async fn find_by_email(pool: &PgPool, email: &str) -> sqlx::Result<Option<HrUser>> {
    sqlx::query_as::<_, HrUser>(&format!(
        "SELECT {USER_COLUMNS} FROM public.hr_users WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(pool)
    .await
}

async fn record_success(pool: &PgPool, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE public.hr_users SET failed_logins = 0, locked_until = NULL, last_login_at = now()
          WHERE id = $1",
    )
    .bind(user_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Counts a failure; locks the account for everyone when it reaches the ceiling. Returns the lock end when the
/// account is now locked.
async fn record_failure(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar(
        "UPDATE public.hr_users
            SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
                locked_until = CASE WHEN failed_logins + 1 >= $2
                                    THEN now() + make_interval(mins => $3) ELSE NULL END,
                updated_at = now()
          WHERE id = $1
      RETURNING locked_until",
    )
    .bind(user_id)
    .bind(ACCOUNT_CEILING as i32)
    .bind(LOCKOUT_MINUTES as i32)
    .fetch_one(pool)
    .await
}

/// A signed-in user's identity for pages (email and tenant), loaded fresh on every request so a
/// deleted user is signed out at once.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub email: String,
    pub session_epoch: i32,
    pub role: super::roles::Role,
}

/// The user of a session, if they exist and are active (a deactivated member is signed out).
pub async fn load_user(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as::<_, UserRow>(
        "SELECT id, tenant_id, email, session_epoch, role FROM public.hr_users
          WHERE id = $1 AND deactivated_at IS NULL",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await
}
