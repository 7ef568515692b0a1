//! Self-service password reset: "Forgot your password?" mails a single-use link that expires in
//! [`VALID_MINUTES`]; the answer is the same whether or not the address has an account. Only a
//! SHA-256 of the token is stored. Completing a reset sets the new password, lifts any lockout,
//! voids the user's other links and ends every session (the user's session epoch moves on).

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use super::{check_password_strength, normalize_email, password};
use crate::error::FieldError;
use crate::mail::{self, OutgoingMail};

/// How long a reset link works.
pub const VALID_MINUTES: i64 = 60;
/// Links mailed per account per hour at most (more requests get the same answer and no mail:
/// nobody can flood an inbox through the form).
pub const MAX_PER_HOUR: i64 = 3;

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Mails a reset link to `email` when it has an account (in one transaction with the link's
/// row); does nothing otherwise. `public_url` is the site's base URL.
pub async fn request(pool: &PgPool, public_url: &str, email: &str) -> anyhow::Result<()> {
    let Ok(email) = normalize_email(email) else {
        return Ok(());
    };
    let mut tx = pool.begin().await?;
    let user: Option<(Uuid, Uuid)> =
        // A deactivated member gets no link (and the answer is the same as for no account).
        sqlx::query_as(
            "SELECT id, tenant_id FROM public.hr_users
              WHERE email = $1 AND deactivated_at IS NULL FOR UPDATE",
        )
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((user_id, tenant_id)) = user else {
        return Ok(());
    };
    let recent: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM public.password_resets
          WHERE user_id = $1 AND created_at > now() - interval '1 hour'",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    if recent >= MAX_PER_HOUR {
        tracing::info!(user_id = %user_id, "password reset not mailed: hourly limit reached");
        return Ok(());
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    sqlx::query(
        "INSERT INTO public.password_resets (token_hash, user_id, expires_at)
         VALUES ($1, $2, now() + make_interval(mins => $3))",
    )
    .bind(digest(&token))
    .bind(user_id)
    .bind(VALID_MINUTES as i32)
    .execute(&mut *tx)
    .await?;
    let link = format!(
        "{}/admin/reset?token={token}",
        public_url.trim_end_matches('/')
    );
    let body = format!(
        "Someone (we hope you) asked to reset the password of your hiring admin account.\n\n\
         Choose a new password here:\n{link}\n\n\
         The link works once and expires in {VALID_MINUTES} minutes. Setting a new password signs \
         you out everywhere else.\n\n\
         If you did not ask for this, ignore this mail: your password stays as it is.\n"
    );
    mail::enqueue(
        &mut tx,
        &OutgoingMail {
            tenant_id: Some(tenant_id),
            to: email,
            subject: "Reset your password".into(),
            body_text: body,
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "password reset link mailed");
    Ok(())
}

/// Whether `token` is a link that still works.
pub async fn is_valid(pool: &PgPool, token: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM public.password_resets
                         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now())",
    )
    .bind(digest(token))
    .fetch_one(pool)
    .await
}

/// Why a reset was not completed.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("the link has expired or was already used")]
    Invalid,
    #[error("{}", .0.message)]
    Weak(FieldError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ResetError {
    fn from(e: sqlx::Error) -> Self {
        ResetError::Internal(e.into())
    }
}

/// Sets `new_password` for the user of `token` (used up by this, atomically); returns the user.
pub async fn complete(pool: &PgPool, token: &str, new_password: &str) -> Result<Uuid, ResetError> {
    check_password_strength(new_password).map_err(ResetError::Weak)?;
    if !is_valid(pool, token).await? {
        return Err(ResetError::Invalid);
    }
    let hash = password::hash(new_password.to_string()).await?;
    let mut tx = pool.begin().await?;
    let user: Option<Uuid> = sqlx::query_scalar(
        "UPDATE public.password_resets r SET used_at = now()
           FROM public.hr_users u
          WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now()
            AND u.id = r.user_id AND u.deactivated_at IS NULL
      RETURNING r.user_id",
    )
    .bind(digest(token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user_id) = user else {
        return Err(ResetError::Invalid);
    };
    sqlx::query(
        "UPDATE public.hr_users
            SET password_hash = $2, failed_logins = 0, locked_until = NULL,
                session_epoch = session_epoch + 1, updated_at = now()
          WHERE id = $1",
    )
    .bind(user_id)
    .bind(hash)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE public.password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "password reset: new password set, sessions ended");
    Ok(user_id)
}
