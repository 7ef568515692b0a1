//! A tenant's team (#14): its members and their roles, invitations by email (a single-use link
//! that expires in [`INVITE_VALID_DAYS`]; only a SHA-256 of its token is stored), role changes and
//! deactivation (the member's sessions end at once). A tenant always keeps one active owner.
//! Changes run in the owner's tenant transaction, so the audit event commits with them.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::roles::Role;
use super::{HrUser, USER_COLUMNS, check_password_strength, normalize_email, password};
use crate::error::{FieldError, FieldErrors};
use crate::mail::{self, OutgoingMail};
use crate::tenancy::{Tenant, TenantTx};

/// How long an invitation link works.
pub const INVITE_VALID_DAYS: i32 = 7;

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A member as the team page lists them.
#[derive(Debug, Clone, FromRow)]
pub struct Member {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The tenant's members, owners first, then by email.
pub async fn members(ttx: &mut TenantTx, tenant_id: Uuid) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as::<_, Member>(
        "SELECT id, email, role, deactivated_at, last_login_at, created_at FROM public.hr_users
          WHERE tenant_id = $1
          ORDER BY deactivated_at IS NOT NULL,
                   array_position(ARRAY['owner', 'recruiter', 'hiring_manager'], role), email",
    )
    .bind(tenant_id)
    .fetch_all(&mut **ttx)
    .await
}

/// An invitation not yet accepted, revoked or expired.
#[derive(Debug, Clone, FromRow)]
pub struct PendingInvitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn pending_invitations(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
) -> sqlx::Result<Vec<PendingInvitation>> {
    sqlx::query_as::<_, PendingInvitation>(
        "SELECT id, email, role, created_at, expires_at FROM public.invitations
          WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
            AND expires_at > now()
          ORDER BY created_at DESC",
    )
    .bind(tenant_id)
    .fetch_all(&mut **ttx)
    .await
}

/// Invites `email` to the tenant as `role`: voids the address's earlier pending invitations
/// here and mails a new link (the mail goes through the outbox in the same transaction).
/// Refused, by field: a bad address, or one that already has an account.
pub async fn invite(
    ttx: &mut TenantTx,
    tenant: &Tenant,
    invited_by: Uuid,
    public_url: &str,
    email: &str,
    role: Role,
) -> Result<Result<Uuid, FieldError>, sqlx::Error> {
    let email = match normalize_email(email) {
        Ok(e) => e,
        Err(e) => return Ok(Err(e)),
    };
    let existing: Option<Uuid> =
        sqlx::query_scalar("SELECT tenant_id FROM public.hr_users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&mut **ttx)
            .await?;
    match existing {
        Some(t) if t == tenant.id => {
            return Ok(Err(FieldError::new(
                "email",
                format!("{email} is already a member of this team."),
            )));
        }
        Some(_) => {
            return Ok(Err(FieldError::new(
                "email",
                format!(
                    "{email} already has an account with another company on this platform; \
                     invite another address of theirs."
                ),
            )));
        }
        None => {}
    }
    sqlx::query(
        "UPDATE public.invitations SET revoked_at = now()
          WHERE tenant_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(tenant.id)
    .bind(&email)
    .execute(&mut **ttx)
    .await?;
    let token = hex::encode(rand::random::<[u8; 32]>());
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO public.invitations (id, token_hash, tenant_id, email, role, invited_by,
                                         expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7))",
    )
    .bind(id)
    .bind(digest(&token))
    .bind(tenant.id)
    .bind(&email)
    .bind(role)
    .bind(invited_by)
    .bind(INVITE_VALID_DAYS)
    .execute(&mut **ttx)
    .await?;
    let link = format!(
        "{}/admin/invite?token={token}",
        public_url.trim_end_matches('/')
    );
    let body = format!(
        "You are invited to join {company}'s hiring team as {role}.\n\n\
         {summary}\n\n\
         Accept and choose your password here:\n{link}\n\n\
         The link works once and expires in {INVITE_VALID_DAYS} days. If you did not expect \
         this invitation, ignore this mail.\n",
        company = tenant.name,
        role = role.label().to_lowercase(),
        summary = role.summary(),
    );
    mail::enqueue(
        ttx,
        &OutgoingMail {
            tenant_id: Some(tenant.id),
            to: email,
            subject: format!("Join {} on the hiring admin", tenant.name),
            body_text: body,
        },
    )
    .await?;
    Ok(Ok(id))
}

/// Revokes a pending invitation of the tenant; the address it was for, if there was one.
pub async fn revoke(ttx: &mut TenantTx, tenant_id: Uuid, id: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "UPDATE public.invitations SET revoked_at = now()
          WHERE id = $1 AND tenant_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL
      RETURNING email",
    )
    .bind(id)
    .bind(tenant_id)
    .fetch_optional(&mut **ttx)
    .await
}

/// What the acceptance page shows about a working invitation link.
#[derive(Debug, Clone, FromRow)]
pub struct Invitation {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub company: String,
    pub email: String,
    pub role: Role,
}

/// The invitation of `token`, if its link still works.
pub async fn invitation(pool: &PgPool, token: &str) -> sqlx::Result<Option<Invitation>> {
    sqlx::query_as::<_, Invitation>(
        "SELECT i.id, i.tenant_id, t.name AS company, i.email, i.role
           FROM public.invitations i JOIN public.tenants t ON t.id = i.tenant_id
          WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
            AND i.expires_at > now()",
    )
    .bind(digest(token))
    .fetch_optional(pool)
    .await
}

/// Why an invitation was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    #[error("the invitation has expired, was revoked or was already used")]
    Invalid,
    #[error("the password is not acceptable")]
    Fields(FieldErrors),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AcceptError {
    fn from(e: sqlx::Error) -> Self {
        AcceptError::Internal(e.into())
    }
}

/// Accepts the invitation of `token` with a password typed twice: creates the member with the
/// invitation's role and uses the link up (atomically: a link accepts once).
pub async fn accept(
    pool: &PgPool,
    token: &str,
    new_password: &str,
    confirm: &str,
) -> Result<HrUser, AcceptError> {
    let mut errors = FieldErrors::new();
    if let Err(e) = check_password_strength(new_password) {
        errors.add("password", e.message);
    } else if new_password != confirm {
        errors.add("confirm", "The two passwords are not the same.");
    }
    if !errors.is_empty() {
        return Err(AcceptError::Fields(errors));
    }
    if invitation(pool, token).await?.is_none() {
        return Err(AcceptError::Invalid);
    }
    let hash = password::hash(new_password.to_string()).await?;
    let mut tx = pool.begin().await?;
    let used: Option<(Uuid, String, Role)> = sqlx::query_as(
        "UPDATE public.invitations SET accepted_at = now()
          WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL
            AND expires_at > now()
      RETURNING tenant_id, email, role",
    )
    .bind(digest(token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((tenant_id, email, role)) = used else {
        return Err(AcceptError::Invalid);
    };
    let user = sqlx::query_as::<_, HrUser>(&format!(
        "INSERT INTO public.hr_users (id, tenant_id, email, password_hash, role)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (email) DO NOTHING
         RETURNING {USER_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(tenant_id)
    .bind(&email)
    .bind(hash)
    .bind(role)
    .fetch_optional(&mut *tx)
    .await?;
    // The address got an account some other way since the invitation was sent.
    let Some(user) = user else {
        return Err(AcceptError::Invalid);
    };
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "invitation accepted");
    Ok(user)
}

/// Why a member change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such member")]
    NotFound,
    #[error("The team needs at least one active owner: make someone else an owner first.")]
    LastOwner,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The member `id` of the tenant, locked for a change, and how many active owners the tenant has.
/// The member `id` of the tenant as it stands, locked for a change.
struct Locked {
    email: String,
    role: Role,
    active: bool,
    /// The tenant's active owners.
    owners: usize,
}

async fn locked_member(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Locked, ChangeError> {
    // Every member row of the tenant is locked in id order: two owners demoting each other at
    // once cannot both see the other as the remaining owner.
    let rows: Vec<(Uuid, String, Role, bool)> = sqlx::query_as(
        "SELECT id, email, role, deactivated_at IS NULL FROM public.hr_users
          WHERE tenant_id = $1 ORDER BY id FOR UPDATE",
    )
    .bind(tenant_id)
    .fetch_all(&mut **ttx)
    .await?;
    let owners = rows
        .iter()
        .filter(|(_, _, r, active)| *r == Role::Owner && *active)
        .count();
    let (_, email, role, active) = rows
        .into_iter()
        .find(|(m, ..)| *m == id)
        .ok_or(ChangeError::NotFound)?;
    Ok(Locked {
        email,
        role,
        active,
        owners,
    })
}

/// Gives member `id` the role `to`; returns their email and the role they had.
pub async fn change_role(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
    id: Uuid,
    to: Role,
) -> Result<(String, Role), ChangeError> {
    let m = locked_member(ttx, tenant_id, id).await?;
    if m.role == Role::Owner && to != Role::Owner && m.active && m.owners <= 1 {
        return Err(ChangeError::LastOwner);
    }
    sqlx::query(
        "UPDATE public.hr_users SET role = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(to)
    .execute(&mut **ttx)
    .await?;
    Ok((m.email, m.role))
}

/// Deactivates (`active: false`) or reactivates member `id`. Deactivating ends their sessions at
/// once and voids their password-reset links. The member's email when anything changed.
pub async fn set_active(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
    id: Uuid,
    active: bool,
) -> Result<Option<String>, ChangeError> {
    let m = locked_member(ttx, tenant_id, id).await?;
    if m.active == active {
        return Ok(None);
    }
    if !active && m.role == Role::Owner && m.owners <= 1 {
        return Err(ChangeError::LastOwner);
    }
    if active {
        sqlx::query(
            "UPDATE public.hr_users SET deactivated_at = NULL, updated_at = now()
              WHERE id = $1 AND tenant_id = $2",
        )
        .bind(id)
        .bind(tenant_id)
        .execute(&mut **ttx)
        .await?;
    } else {
        sqlx::query(
            "UPDATE public.hr_users
                SET deactivated_at = now(), session_epoch = session_epoch + 1, updated_at = now()
              WHERE id = $1 AND tenant_id = $2",
        )
        .bind(id)
        .bind(tenant_id)
        .execute(&mut **ttx)
        .await?;
        sqlx::query(
            "UPDATE public.password_resets SET used_at = now()
              WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(id)
        .execute(&mut **ttx)
        .await?;
    }
    Ok(Some(m.email))
}

/// The tenant's active members (for the job team picker), by email.
pub async fn active_members(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
) -> sqlx::Result<Vec<(Uuid, String, Role)>> {
    sqlx::query_as(
        "SELECT id, email, role FROM public.hr_users
          WHERE tenant_id = $1 AND deactivated_at IS NULL ORDER BY email",
    )
    .bind(tenant_id)
    .fetch_all(&mut **ttx)
    .await
}
