//! HR users and their passwords (Argon2id), and the admin's security: sessions ([`session`]),
//! sign-in with lockout ([`login`], [`limiter`]), CSRF ([`csrf`]) and the guard ([`guard`]).

pub mod csrf;
pub mod guard;
pub mod limiter;
pub mod login;
pub mod password;
pub mod reset;
pub mod roles;
pub mod session;
pub mod team;

pub use guard::AdminUser;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::FieldError;
use crate::tenancy::{self, TenantError};

/// An HR user of one tenant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HrUser {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    /// Sessions signed in under another epoch are over (a password change moves it on).
    pub session_epoch: i32,
    pub role: roles::Role,
    /// Set when an owner deactivated the member: they cannot sign in.
    pub deactivated_at: Option<DateTime<Utc>>,
}

pub const USER_COLUMNS: &str = "id, tenant_id, email, password_hash, failed_logins, locked_until, \
                                session_epoch, role, deactivated_at";

/// Minimum password length (NIST SP 800-63B recommends at least 8; we ask for 10).
pub const MIN_PASSWORD_LEN: usize = 10;

/// Normalises and checks an email address (lowercase, one `@`, a dot in the domain).
pub fn normalize_email(email: &str) -> Result<String, FieldError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(FieldError::new(
            "email",
            "Enter an email address like name@example.com.",
        ))
    }
}

pub fn check_password_strength(password: &str) -> Result<(), FieldError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(FieldError::new(
            "password",
            format!("The password must be at least {MIN_PASSWORD_LEN} characters long."),
        ));
    }
    if password.len() > 1024 {
        return Err(FieldError::new(
            "password",
            "The password must be at most 1024 bytes.",
        ));
    }
    Ok(())
}

/// Creates an HR user for the tenant `slug`, an owner (the CLI's `careers user create`; owners
/// invite everyone else from the team page).
pub async fn create_user(
    pool: &PgPool,
    slug: &str,
    email: &str,
    password: &str,
) -> Result<HrUser, TenantError> {
    let tenant = tenancy::require(pool, slug).await?;
    let email = normalize_email(email).map_err(TenantError::Invalid)?;
    check_password_strength(password).map_err(TenantError::Invalid)?;
    let hash = password::hash(password.to_string()).await?;
    let r = sqlx::query_as::<_, HrUser>(&format!(
        "INSERT INTO public.hr_users (id, tenant_id, email, password_hash) VALUES ($1, $2, $3, $4)
         RETURNING {USER_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(tenant.id)
    .bind(&email)
    .bind(hash)
    .fetch_one(pool)
    .await;
    match r {
        Err(e) if tenancy::is_unique_violation(&e) => Err(TenantError::Invalid(FieldError::new(
            "email",
            format!("a user with the email {email} already exists"),
        ))),
        r => Ok(r?),
    }
}

/// A signed-in user's own password change: `current` must be right, `new` strong enough and
/// typed twice alike (else the errors, by field: `current`, `password`, `confirm`). Lifts any
/// lockout and moves the session epoch on (ending every session); returns the new epoch.
pub async fn change_password(
    pool: &PgPool,
    user_id: Uuid,
    current: &str,
    new: &str,
    confirm: &str,
) -> anyhow::Result<Result<i32, crate::error::FieldErrors>> {
    let hash: Option<String> =
        sqlx::query_scalar("SELECT password_hash FROM public.hr_users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    let mut errors = crate::error::FieldErrors::new();
    if !password::verify(current.to_string(), hash).await {
        errors.add("current", "That is not your current password.");
    }
    if let Err(e) = check_password_strength(new) {
        errors.add("password", e.message);
    } else if new != confirm {
        errors.add("confirm", "The two new passwords are not the same.");
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let new_hash = password::hash(new.to_string()).await?;
    let epoch: i32 = sqlx::query_scalar(
        "UPDATE public.hr_users SET password_hash = $2, session_epoch = session_epoch + 1,
                failed_logins = 0, locked_until = NULL, updated_at = now()
          WHERE id = $1
      RETURNING session_epoch",
    )
    .bind(user_id)
    .bind(new_hash)
    .fetch_one(pool)
    .await?;
    Ok(Ok(epoch))
}

/// Sets a new password for an existing user of tenant `slug`, clears any lockout and ends the
/// user's sessions.
pub async fn reset_password(
    pool: &PgPool,
    slug: &str,
    email: &str,
    password: &str,
) -> Result<(), TenantError> {
    let tenant = tenancy::require(pool, slug).await?;
    let email = normalize_email(email).map_err(TenantError::Invalid)?;
    check_password_strength(password).map_err(TenantError::Invalid)?;
    let hash = password::hash(password.to_string()).await?;
    let r = sqlx::query(
        "UPDATE public.hr_users SET password_hash = $3, failed_logins = 0, locked_until = NULL,
                session_epoch = session_epoch + 1, updated_at = now()
          WHERE tenant_id = $1 AND email = $2",
    )
    .bind(tenant.id)
    .bind(&email)
    .bind(hash)
    .execute(pool)
    .await?;
    if r.rows_affected() == 0 {
        return Err(TenantError::Invalid(FieldError::new(
            "email",
            format!("tenant `{slug}` has no user {email} (create one with `careers user create`)"),
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email(" Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_password_strength("short").is_err());
        assert!(check_password_strength("long enough pass").is_ok());
    }
}
