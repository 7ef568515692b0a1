//! The per-tenant audit log: who did what and when in the admin (jobs saved and published, stage
//! moves, notes, scorecards, exports, resume downloads, sign-ins, password changes, team changes). Each event is written in
//! the same tenant transaction as the change it records, so a change and its record commit or
//! roll back together. Subjects are ids: the log copies no candidate personal data.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use uuid::Uuid;

use crate::tenancy::TenantTx;

/// Who acted.
#[derive(Debug, Clone)]
pub struct Who {
    pub user_id: Uuid,
    pub email: String,
}

impl From<&crate::auth::AdminUser> for Who {
    fn from(a: &crate::auth::AdminUser) -> Self {
        Who {
            user_id: a.user_id,
            email: a.email.clone(),
        }
    }
}

/// What an event is about.
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    Job(Uuid),
    Application(Uuid),
    Member(Uuid),
    Invitation(Uuid),
    CareerPage,
}

impl Subject {
    fn parts(self) -> (&'static str, Option<Uuid>) {
        match self {
            Subject::Job(id) => ("job", Some(id)),
            Subject::Application(id) => ("application", Some(id)),
            Subject::Member(id) => ("member", Some(id)),
            Subject::Invitation(id) => ("invitation", Some(id)),
            Subject::CareerPage => ("career_page", None),
        }
    }
}

/// Records `action` (e.g. `job.published`) in the caller's tenant transaction.
pub async fn record(
    ttx: &mut TenantTx,
    who: &Who,
    action: &str,
    subject: Subject,
    detail: Value,
) -> sqlx::Result<()> {
    let (kind, id) = subject.parts();
    sqlx::query(
        "INSERT INTO audit_events (id, actor_user_id, actor_email, action, subject_kind, subject_id,
                                   detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Uuid::now_v7())
    .bind(who.user_id)
    .bind(&who.email)
    .bind(action)
    .bind(kind)
    .bind(id)
    .bind(if detail.is_null() { serde_json::json!({}) } else { detail })
    .execute(&mut **ttx)
    .await?;
    Ok(())
}

/// Records `action` about the member `user_id` in their tenant's log, in a transaction of its
/// own (sign-ins and password resets, which have no tenant transaction open).
pub async fn record_member(pool: &sqlx::PgPool, user_id: Uuid, action: &str) -> sqlx::Result<()> {
    let row: Option<(Uuid, String)> =
        sqlx::query_as("SELECT tenant_id, email FROM public.hr_users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    let Some((tenant_id, email)) = row else {
        return Ok(());
    };
    let mut conn = pool.acquire().await?;
    let Some(tenant) = crate::tenancy::find_by_id(&mut conn, tenant_id).await? else {
        return Ok(());
    };
    drop(conn);
    let mut ttx = tenant.begin(pool).await?;
    let who = Who { user_id, email };
    record(
        &mut ttx,
        &who,
        action,
        Subject::Member(user_id),
        Value::Null,
    )
    .await?;
    ttx.commit().await
}

/// Events per page of the log.
pub const PAGE_SIZE: i64 = 50;

/// One event as the log page shows it.
#[derive(Debug, Clone, FromRow)]
pub struct Event {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_email: Option<String>,
    pub action: String,
    pub subject_kind: Option<String>,
    pub subject_id: Option<Uuid>,
    pub detail: Value,
}

/// The newest events before `before` (an event id; `None`: the newest), optionally of one
/// action; one more than a page, so the caller knows whether there is a next one.
pub async fn page(
    ttx: &mut TenantTx,
    before: Option<Uuid>,
    action: Option<&str>,
) -> sqlx::Result<Vec<Event>> {
    sqlx::query_as::<_, Event>(
        "SELECT id, at, actor_email, action, subject_kind, subject_id, detail FROM audit_events
          WHERE ($1::uuid IS NULL OR id < $1) AND ($2::text IS NULL OR action = $2)
          ORDER BY id DESC LIMIT $3",
    )
    .bind(before)
    .bind(action)
    .bind(PAGE_SIZE + 1)
    .fetch_all(&mut **ttx)
    .await
}

/// A person-readable line for an action.
pub fn describe(action: &str) -> &'static str {
    match action {
        "job.created" => "created a job",
        "job.saved" => "edited a job",
        "job.published" => "published a job",
        "job.reopened" => "reopened a job",
        "job.closed" => "closed a job",
        "job.archived" => "archived a job",
        "job.deleted" => "deleted a job",
        "application.stage_changed" => "moved an application",
        "application.note_added" => "added a note",
        "application.scored" => "saved a scorecard",
        "application.restored" => "restored an application kept aside as spam",
        "application.resume_downloaded" => "downloaded a resume",
        "applications.exported" => "exported applications as CSV",
        "career_page.saved" => "saved the career page",
        "member.signed_in" => "signed in",
        "member.signed_out" => "signed out",
        "member.password_changed" => "changed their password",
        "member.password_reset" => "reset their password by email",
        "member.invited" => "invited a member",
        "member.invitation_revoked" => "revoked an invitation",
        "member.joined" => "joined the team",
        "member.role_changed" => "changed a member's role",
        "member.deactivated" => "deactivated a member",
        "member.reactivated" => "reactivated a member",
        "job.team_changed" => "changed a job's hiring team",
        _ => "did something",
    }
}

/// The actions the log can be filtered by, in the order the filter lists them.
pub const ACTIONS: &[&str] = &[
    "job.created",
    "job.saved",
    "job.published",
    "job.reopened",
    "job.closed",
    "job.archived",
    "job.deleted",
    "application.stage_changed",
    "application.note_added",
    "application.scored",
    "application.restored",
    "application.resume_downloaded",
    "applications.exported",
    "career_page.saved",
    "member.signed_in",
    "member.signed_out",
    "member.password_changed",
    "member.password_reset",
    "member.invited",
    "member.invitation_revoked",
    "member.joined",
    "member.role_changed",
    "member.deactivated",
    "member.reactivated",
    "job.team_changed",
];
