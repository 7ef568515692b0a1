//! Application intake: the one path by which a candidate's application (from the JSON API or the
//! HTML form) reaches the owning tenant's schema.
//!
//! The job is looked up in the public catalog and the tenant comes from that row, never from the
//! client. Then, in ONE transaction in the tenant's schema: find or create the candidate by
//! case-insensitive email, store the resume, create the application in the first stage with the
//! consent shown (text, version, time), answers, source and UTM data, record an event, bump the
//! catalog's application counter and queue the confirmation mail.

use std::collections::BTreeMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::idempotency;
use super::resume;
use super::validate::{Valid, validate};
use crate::catalog::projection::ApplicationForm;
use crate::catalog::query::VISIBLE;
use crate::error::{AppError, FieldErrors};
use crate::mail::{self, OutgoingMail};
use crate::tenancy::{SchemaName, TenantTx};

/// An uploaded resume as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeUpload {
    pub filename: String,
    pub data: Vec<u8>,
}

/// What a candidate submits. Text fields are raw; [`submit`] trims and validates them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ApplicationInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub cover_letter: Option<String>,
    pub linkedin_url: Option<String>,
    pub portfolio_url: Option<String>,
    pub consent: bool,
    /// Custom answers by question field name (`q_…`); checkboxes as `true`/`on`/`yes`/`1`.
    #[serde(skip)]
    pub answers: BTreeMap<String, String>,
    #[serde(skip)]
    pub resume: Option<ResumeUpload>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
}

/// Where an application comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Api,
    Site,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Api => "api",
            Channel::Site => "careers_site",
        }
    }
}

/// Request context the caller supplies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeContext {
    pub channel: Channel,
    /// `Referer` of the request, if any.
    pub referrer: Option<String>,
    /// Why the application looks like spam (the HTML form's honeypot was filled), if it does:
    /// it is stored kept aside — not counted, not mailed, listed apart until HR restores it —
    /// never dropped.
    pub suspected_spam: Option<String>,
    /// `Idempotency-Key` header: a retry with the same key returns the first receipt.
    pub idempotency_key: Option<String>,
    /// Absolute base URL for links in the confirmation mail.
    pub public_url: String,
}

impl IntakeContext {
    pub fn new(channel: Channel, public_url: impl Into<String>) -> Self {
        IntakeContext {
            channel,
            referrer: None,
            suspected_spam: None,
            idempotency_key: None,
            public_url: public_url.into(),
        }
    }
}

/// A received application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub application_id: Uuid,
    pub job_id: Uuid,
    pub job_title: String,
    pub company_name: String,
    /// Always true: every application answered is stored (suspected spam kept aside).
    pub stored: bool,
    /// True when this is the replay of an earlier request with the same idempotency key.
    #[serde(default)]
    pub replayed: bool,
}

/// Why an application was refused.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The job does not exist or is not public (closed, expired, not yet published).
    #[error("job not found")]
    NotFound,
    #[error("invalid application")]
    Invalid(FieldErrors),
    /// The same email already applied to this job.
    #[error("You have already applied for this job with this email address.")]
    Duplicate,
    #[error("The resume is larger than 10 MiB.")]
    ResumeTooLarge,
    #[error("{0}")]
    UnsupportedResume(String),
    /// The idempotency key was used before for a different request.
    #[error("This Idempotency-Key was already used for a different application.")]
    KeyReused,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for IntakeError {
    fn from(e: sqlx::Error) -> Self {
        IntakeError::Internal(e.into())
    }
}

impl From<IntakeError> for AppError {
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::NotFound => AppError::NotFound,
            IntakeError::Invalid(errs) => AppError::Validation(errs),
            IntakeError::Duplicate => AppError::Conflict(e.to_string()),
            IntakeError::KeyReused => AppError::Unprocessable(e.to_string()),
            IntakeError::ResumeTooLarge => AppError::PayloadTooLarge(e.to_string()),
            IntakeError::UnsupportedResume(m) => AppError::UnsupportedMediaType(m),
            IntakeError::Internal(e) => AppError::from(e),
        }
    }
}

/// The job as the intake needs it.
#[derive(Debug, sqlx::FromRow)]
struct JobRow {
    tenant_id: Uuid,
    schema_name: String,
    title: String,
    company_name: String,
    application_form: sqlx::types::Json<ApplicationForm>,
    consent_text: Option<String>,
    consent_version: Option<i32>,
}

async fn find_job(pool: &PgPool, job_id: Uuid) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as(&format!(
        "SELECT c.tenant_id, t.schema_name, c.title, c.company_name, c.application_form,
                p.consent_text, p.consent_version
           FROM public.job_catalog c
           JOIN public.tenants t ON t.id = c.tenant_id AND t.status = 'active'
           LEFT JOIN public.company_profiles p ON p.tenant_id = c.tenant_id
          WHERE c.job_id = $1 AND {VISIBLE}"
    ))
    .bind(job_id)
    .fetch_optional(pool)
    .await
}

/// Receives an application for the public job `job_id`.
pub async fn submit(
    pool: &PgPool,
    job_id: Uuid,
    input: ApplicationInput,
    ctx: IntakeContext,
) -> Result<Receipt, IntakeError> {
    let job = find_job(pool, job_id).await?.ok_or(IntakeError::NotFound)?;
    let key = ctx
        .idempotency_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    if let Some(k) = key
        && (k.len() > 200 || k.chars().any(|c| c.is_control()))
    {
        let mut errs = FieldErrors::new();
        errs.add(
            "Idempotency-Key",
            "Use at most 200 printable characters (a UUID is ideal).",
        );
        return Err(IntakeError::Invalid(errs));
    }
    let hash = idempotency::request_hash(job_id, &input);
    if let Some(k) = key
        && let Some(r) = idempotency::replay(pool, job_id, k, &hash).await?
    {
        return Ok(r);
    }
    let valid = validate(&input, &job.application_form.0)?;
    let schema = SchemaName::parse(&job.schema_name)
        .map_err(|e| IntakeError::Internal(anyhow::anyhow!("tenant schema: {e}")))?;
    let mut ttx = TenantTx::begin(pool, &schema).await?;
    // The key is claimed before anything else is written: a concurrent request with the same key
    // waits here until this transaction ends, then answers with this one's receipt.
    if let Some(k) = key
        && !idempotency::claim(&mut ttx, job_id, k, &hash).await?
    {
        ttx.rollback().await?;
        return idempotency::replay(pool, job_id, k, &hash)
            .await?
            .ok_or_else(|| IntakeError::Internal(anyhow::anyhow!("idempotency row vanished")));
    }
    let receipt = store(&mut ttx, job_id, &job, &valid, &ctx).await?;
    if let Some(k) = key {
        idempotency::record(&mut ttx, job_id, k, &receipt).await?;
    }
    ttx.commit().await?;
    Ok(receipt)
}

/// The writes, in the tenant's transaction.
async fn store(
    ttx: &mut TenantTx,
    job_id: Uuid,
    job: &JobRow,
    v: &Valid,
    ctx: &IntakeContext,
) -> Result<Receipt, IntakeError> {
    // Re-check visibility and take the row lock while bumping the counter: a job closed since the
    // lookup refuses the application, and concurrent applies to one job queue here briefly.
    // Suspected spam is not counted (the row is still locked and the job re-checked).
    let spam = ctx.suspected_spam.is_some();
    let bumped = sqlx::query(&format!(
        "UPDATE public.job_catalog c SET application_count = c.application_count + $3
          WHERE c.job_id = $1 AND c.tenant_id = $2 AND {VISIBLE}"
    ))
    .bind(job_id)
    .bind(job.tenant_id)
    .bind(if spam { 0_i64 } else { 1 })
    .execute(&mut **ttx)
    .await?
    .rows_affected();
    if bumped == 0 {
        return Err(IntakeError::NotFound);
    }
    let candidate_id: Uuid = sqlx::query_scalar(
        "INSERT INTO candidates (id, email, first_name, last_name, phone, linkedin_url, portfolio_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT ((lower(email))) DO UPDATE SET
             first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
             phone = coalesce(EXCLUDED.phone, candidates.phone),
             linkedin_url = coalesce(EXCLUDED.linkedin_url, candidates.linkedin_url),
             portfolio_url = coalesce(EXCLUDED.portfolio_url, candidates.portfolio_url),
             updated_at = now()
         RETURNING id",
    )
    .bind(Uuid::now_v7())
    .bind(&v.email)
    .bind(&v.first_name)
    .bind(&v.last_name)
    .bind(&v.phone)
    .bind(&v.linkedin_url)
    .bind(&v.portfolio_url)
    .fetch_one(&mut **ttx)
    .await?;
    let already: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM applications WHERE job_id = $1 AND candidate_id = $2)",
    )
    .bind(job_id)
    .bind(candidate_id)
    .fetch_one(&mut **ttx)
    .await?;
    if already {
        return Err(IntakeError::Duplicate);
    }
    let resume_id = match &v.resume {
        None => None,
        Some((kind, filename, data)) => {
            let id = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO resumes (id, filename, content_type, size_bytes, sha256, data)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(filename)
            .bind(kind.content_type())
            .bind(i32::try_from(data.len()).unwrap_or(i32::MAX))
            .bind(resume::sha256_hex(data))
            .bind(data.as_slice())
            .execute(&mut **ttx)
            .await?;
            Some(id)
        }
    };
    let application_id = Uuid::now_v7();
    let consent_text = job
        .consent_text
        .clone()
        .unwrap_or_else(|| crate::tenancy::DEFAULT_CONSENT_TEXT.to_string());
    let inserted = sqlx::query(
        "INSERT INTO applications (id, job_id, candidate_id, stage, cover_letter, answers,
             resume_id, consent_text, consent_version, consented_at, source, utm_source,
             utm_medium, utm_campaign, referrer, suspected_spam)
         VALUES ($1, $2, $3, 'new', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(application_id)
    .bind(job_id)
    .bind(candidate_id)
    .bind(&v.cover_letter)
    .bind(sqlx::types::Json(&v.answers))
    .bind(resume_id)
    .bind(&consent_text)
    .bind(job.consent_version.unwrap_or(1))
    .bind(Utc::now())
    .bind(ctx.channel.as_str())
    .bind(&v.utm_source)
    .bind(&v.utm_medium)
    .bind(&v.utm_campaign)
    .bind(
        ctx.referrer
            .as_deref()
            .map(|r| r.chars().take(1000).collect::<String>()),
    )
    .bind(&ctx.suspected_spam)
    .execute(&mut **ttx)
    .await;
    match inserted {
        // A concurrent application by the same person won the race.
        Err(e) if crate::tenancy::is_unique_violation(&e) => return Err(IntakeError::Duplicate),
        r => {
            r?;
        }
    }
    sqlx::query(
        "INSERT INTO application_events (id, application_id, kind, to_stage)
         VALUES ($1, $2, 'received', 'new')",
    )
    .bind(Uuid::now_v7())
    .bind(application_id)
    .execute(&mut **ttx)
    .await?;
    // Suspected spam gets no mail (it would go to whatever address a bot typed); restoring it
    // sends the confirmation then.
    if !spam {
        mail::enqueue(
            ttx,
            &confirmation(
                job.tenant_id,
                &v.email,
                &v.first_name,
                &job.title,
                &job.company_name,
                job_id,
                &ctx.public_url,
            ),
        )
        .await?;
    }
    Ok(Receipt {
        application_id,
        job_id,
        job_title: job.title.clone(),
        company_name: job.company_name.clone(),
        stored: true,
        replayed: false,
    })
}

/// The candidate's confirmation mail (sent when the application is stored, or when HR restores
/// one kept aside as suspected spam).
pub fn confirmation(
    tenant_id: Uuid,
    to: &str,
    first_name: &str,
    title: &str,
    company: &str,
    job_id: Uuid,
    public_url: &str,
) -> OutgoingMail {
    OutgoingMail {
        tenant_id: Some(tenant_id),
        to: to.to_string(),
        subject: format!("Your application: {title} at {company}"),
        body_text: format!(
            "Hello {first_name},\n\n\
             thank you for applying for {title} at {company}. We have received your application \
             and the hiring team will review it. You will hear from them directly.\n\n\
             The job: {public_url}/jobs/{job_id}\n\n\
             This message was sent because this address was used to apply. If that was not you, \
             you can ignore it.\n"
        ),
    }
}
