//! New-application notifications for HR (#14). Intake only writes the application; this module,
//! run by the `notifications` task every minute per tenant, does the rest in one tenant
//! transaction, so a crash loses no notification and sends none twice:
//!
//! 1. **Fan-out**: each application not yet fanned out (`notified_at IS NULL`; suspected spam is
//!    skipped) is queued for every active member whose effective setting for its job is `each` or
//!    `digest`. The setting is the member's own for that job, else theirs for all jobs, else the
//!    default: `each` for the owners and recruiters on the job's team, `none` for everyone else.
//!    Hiring managers hear only of the jobs they are on.
//! 2. **Each**: a member's queued `each` notifications go out as one mail, at most one per
//!    [`EACH_EVERY_MINUTES`] per member (a burst of applications is one mail listing them).
//! 3. **Digest**: once a day, after [`DIGEST_HOUR`] UTC, one mail with the day's queued `digest`
//!    notifications.
//!
//! Mails go through the outbox ([`crate::mail::enqueue`]) and link to each application.

use chrono::{DateTime, Duration, Timelike, Utc};
use sqlx::FromRow;
use uuid::Uuid;

use crate::mail::{self, OutgoingMail};
use crate::tenancy::{Tenant, TenantTx};
use crate::text_enum;

/// At most one "new application" mail per member this often.
pub const EACH_EVERY_MINUTES: i64 = 5;
/// The daily digest goes out at this hour (UTC) or the first run after it.
pub const DIGEST_HOUR: u32 = 8;
/// Applications fanned out per tenant per run (the rest wait for the next minute).
const FAN_OUT_BATCH: i64 = 500;

text_enum! {
    /// How a member hears of new applications.
    pub enum Mode {
        Each => "each",
        Digest => "digest",
        None => "none",
    }
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Each => "An email per new application (at most one every 5 minutes)",
            Mode::Digest => "A daily digest",
            Mode::None => "No emails",
        }
    }
}

/// What one run did for a tenant.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub fanned_out: u64,
    pub mails: u64,
}

/// Fans out new applications and sends the mails that are due at `now`, in one transaction.
pub async fn run(
    ttx: &mut TenantTx,
    tenant: &Tenant,
    public_url: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Sent> {
    let fanned_out = fan_out(ttx, tenant.id).await?;
    let mut mails = 0;
    let each_before = now - Duration::minutes(EACH_EVERY_MINUTES);
    for user in due(ttx, Mode::Each, each_before).await? {
        mails += send(ttx, tenant, public_url, user, Mode::Each, now).await? as u64;
    }
    if now.hour() >= DIGEST_HOUR {
        let today = now
            .with_hour(DIGEST_HOUR)
            .and_then(|t| t.with_minute(0))
            .and_then(|t| t.with_second(0))
            .unwrap_or(now);
        for user in due(ttx, Mode::Digest, today).await? {
            mails += send(ttx, tenant, public_url, user, Mode::Digest, now).await? as u64;
        }
    }
    Ok(Sent { fanned_out, mails })
}

async fn fan_out(ttx: &mut TenantTx, tenant_id: Uuid) -> sqlx::Result<u64> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM applications WHERE notified_at IS NULL
          ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED",
    )
    .bind(FAN_OUT_BATCH)
    .fetch_all(&mut **ttx)
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    sqlx::query(
        "INSERT INTO pending_notifications (user_id, application_id, mode)
         SELECT u.id, a.id, m.mode
           FROM applications a
           JOIN public.hr_users u ON u.tenant_id = $2 AND u.deactivated_at IS NULL
           CROSS JOIN LATERAL (
                SELECT EXISTS (SELECT 1 FROM job_team t
                                WHERE t.job_id = a.job_id AND t.user_id = u.id) AS on_team
           ) team
           CROSS JOIN LATERAL (
                SELECT coalesce(
                    (SELECT s.mode FROM notification_settings s
                      WHERE s.user_id = u.id AND s.job_id = a.job_id),
                    (SELECT s.mode FROM notification_settings s
                      WHERE s.user_id = u.id AND s.job_id IS NULL),
                    CASE WHEN team.on_team AND u.role <> 'hiring_manager' THEN 'each'
                         ELSE 'none' END) AS mode
           ) m
          WHERE a.id = ANY($1) AND a.suspected_spam IS NULL AND m.mode <> 'none'
            AND (u.role <> 'hiring_manager' OR team.on_team)
         ON CONFLICT DO NOTHING",
    )
    .bind(&ids)
    .bind(tenant_id)
    .execute(&mut **ttx)
    .await?;
    sqlx::query("UPDATE applications SET notified_at = now() WHERE id = ANY($1)")
        .bind(&ids)
        .execute(&mut **ttx)
        .await?;
    Ok(ids.len() as u64)
}

/// Members with queued notifications of `mode` whose last such mail was before `before`.
async fn due(ttx: &mut TenantTx, mode: Mode, before: DateTime<Utc>) -> sqlx::Result<Vec<Uuid>> {
    let column = match mode {
        Mode::Digest => "last_digest_at",
        _ => "last_each_at",
    };
    sqlx::query_scalar(&format!(
        "SELECT DISTINCT p.user_id FROM pending_notifications p
           LEFT JOIN notification_state s ON s.user_id = p.user_id
          WHERE p.mode = $1 AND (s.{column} IS NULL OR s.{column} < $2)"
    ))
    .bind(mode)
    .bind(before)
    .fetch_all(&mut **ttx)
    .await
}

#[derive(Debug, FromRow)]
struct Line {
    application_id: Uuid,
    first_name: String,
    last_name: String,
    job_title: String,
    created_at: DateTime<Utc>,
}

/// Mails `user` their queued notifications of `mode` and removes them; whether a mail went out
/// (a member deactivated since gets none, and their queue is dropped).
async fn send(
    ttx: &mut TenantTx,
    tenant: &Tenant,
    public_url: &str,
    user: Uuid,
    mode: Mode,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let lines = sqlx::query_as::<_, Line>(
        "DELETE FROM pending_notifications p USING applications a, candidates c, job_postings j
          WHERE p.user_id = $1 AND p.mode = $2 AND a.id = p.application_id
            AND c.id = a.candidate_id AND j.id = a.job_id
      RETURNING a.id AS application_id, c.first_name, c.last_name, j.title AS job_title,
                a.created_at",
    )
    .bind(user)
    .bind(mode)
    .fetch_all(&mut **ttx)
    .await?;
    let to: Option<String> = sqlx::query_scalar(
        "SELECT email FROM public.hr_users WHERE id = $1 AND deactivated_at IS NULL",
    )
    .bind(user)
    .fetch_optional(&mut **ttx)
    .await?;
    let Some(to) = to.filter(|_| !lines.is_empty()) else {
        return Ok(false);
    };
    let mut lines = lines;
    lines.sort_by_key(|l| l.created_at);
    let base = public_url.trim_end_matches('/');
    let subject = match (mode, lines.as_slice()) {
        (Mode::Each, [one]) => format!(
            "New application: {} {} for {}",
            one.first_name, one.last_name, one.job_title
        ),
        (Mode::Digest, _) => format!("{}: {} new applications today", tenant.name, lines.len()),
        _ => format!("{} new applications at {}", lines.len(), tenant.name),
    };
    let mut body = String::new();
    for l in &lines {
        body.push_str(&format!(
            "{} {} applied for {} ({} UTC)\n{base}/admin/applications/{}\n\n",
            l.first_name,
            l.last_name,
            l.job_title,
            l.created_at.format("%Y-%m-%d %H:%M"),
            l.application_id
        ));
    }
    body.push_str(&format!(
        "You get these mails because of your notification settings:\n{base}/admin/notifications\n"
    ));
    mail::enqueue(
        ttx,
        &OutgoingMail {
            tenant_id: Some(tenant.id),
            to,
            subject,
            body_text: body,
        },
    )
    .await?;
    let column = match mode {
        Mode::Digest => "last_digest_at",
        _ => "last_each_at",
    };
    sqlx::query(&format!(
        "INSERT INTO notification_state (user_id, {column}) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET {column} = EXCLUDED.{column}"
    ))
    .bind(user)
    .bind(now)
    .execute(&mut **ttx)
    .await?;
    Ok(true)
}

/// A member's settings: for all jobs (`None` when unset) and per job.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub all_jobs: Option<Mode>,
    pub per_job: Vec<(Uuid, Mode)>,
}

pub async fn settings(ttx: &mut TenantTx, user: Uuid) -> sqlx::Result<Settings> {
    let rows: Vec<(Option<Uuid>, Mode)> =
        sqlx::query_as("SELECT job_id, mode FROM notification_settings WHERE user_id = $1")
            .bind(user)
            .fetch_all(&mut **ttx)
            .await?;
    let mut s = Settings::default();
    for (job, mode) in rows {
        match job {
            None => s.all_jobs = Some(mode),
            Some(j) => s.per_job.push((j, mode)),
        }
    }
    Ok(s)
}

/// Sets (or with `None` clears, back to the default) `user`'s mode for `job` (`None`: all jobs).
pub async fn set(
    ttx: &mut TenantTx,
    user: Uuid,
    job: Option<Uuid>,
    mode: Option<Mode>,
) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM notification_settings
          WHERE user_id = $1 AND job_id IS NOT DISTINCT FROM $2",
    )
    .bind(user)
    .bind(job)
    .execute(&mut **ttx)
    .await?;
    if let Some(mode) = mode {
        sqlx::query(
            "INSERT INTO notification_settings (user_id, job_id, mode) VALUES ($1, $2, $3)",
        )
        .bind(user)
        .bind(job)
        .bind(mode)
        .execute(&mut **ttx)
        .await?;
    }
    Ok(())
}

/// One run over every tenant with active members (each in its own transaction: one tenant's
/// failure is logged and skipped, the others still get their mails).
pub async fn run_all(
    pool: &sqlx::PgPool,
    public_url: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<(usize, Sent, Vec<String>)> {
    let tenants = sqlx::query_as::<_, Tenant>(
        "SELECT id, slug, name, status, schema_name, schema_version, created_at
           FROM public.tenants t
          WHERE EXISTS (SELECT 1 FROM public.hr_users u
                         WHERE u.tenant_id = t.id AND u.deactivated_at IS NULL)
          ORDER BY slug",
    )
    .fetch_all(pool)
    .await?;
    let mut total = Sent::default();
    let mut failed = Vec::new();
    for tenant in &tenants {
        let result = async {
            let mut ttx = tenant.begin(pool).await?;
            let sent = run(&mut ttx, tenant, public_url, now).await?;
            ttx.commit().await?;
            Ok::<_, sqlx::Error>(sent)
        }
        .await;
        match result {
            Ok(s) => {
                total.fanned_out += s.fanned_out;
                total.mails += s.mails;
            }
            Err(e) => {
                tracing::warn!(tenant = %tenant.slug, error = %crate::error::loggable(&e), "notifications failed for tenant");
                failed.push(tenant.slug.clone());
            }
        }
    }
    Ok((tenants.len(), total, failed))
}
