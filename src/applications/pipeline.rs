//! The HR side of applications: list with filters, detail with history, stage moves and notes,
//! resume download, and per-job counts. Every function runs in the tenant's [`TenantTx`].

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::postings::model::Question;
use crate::tenancy::TenantTx;
use crate::text_enum;

text_enum! {
    /// Where an application is in the hiring pipeline.
    pub enum Stage {
        New => "new",
        Screening => "screening",
        Interview => "interview",
        Offer => "offer",
        Hired => "hired",
        Rejected => "rejected",
    }
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::New => "New",
            Stage::Screening => "Screening",
            Stage::Interview => "Interview",
            Stage::Offer => "Offer",
            Stage::Hired => "Hired",
            Stage::Rejected => "Rejected",
        }
    }

    /// Moves go forward along `new → screening → interview → offer → hired` (skipping steps is
    /// allowed), and any stage may be rejected. Nothing leaves `rejected`.
    pub fn can_move_to(self, to: Stage) -> bool {
        match (self, to) {
            (Stage::Rejected, _) => false,
            (_, Stage::Rejected) => true,
            (from, to) => to > from,
        }
    }

    /// The stages this one may move to, in pipeline order.
    pub fn next_stages(self) -> Vec<Stage> {
        Stage::ALL
            .iter()
            .copied()
            .filter(|s| self.can_move_to(*s))
            .collect()
    }
}

text_enum! {
    /// Orderings of the application list.
    pub enum Sort { Newest => "newest", Oldest => "oldest", Name => "name", Stage => "stage" }
}

impl Sort {
    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "Newest first",
            Sort::Oldest => "Oldest first",
            Sort::Name => "Candidate name",
            Sort::Stage => "Stage",
        }
    }
}

/// Rows per page of the application list.
pub const PAGE_SIZE: i64 = 25;

/// Filters of the application list (all optional).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub job_id: Option<Uuid>,
    pub stage: Option<Stage>,
    /// Applied on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Applied on or before this day (UTC).
    pub to: Option<NaiveDate>,
    /// Substring of the candidate's name or email.
    pub q: Option<String>,
    pub sort: Option<Sort>,
    /// From 1.
    pub page: i64,
    /// The applications kept aside as suspected spam instead of the others.
    pub spam: bool,
    /// Only these jobs' applications (a hiring manager's scope); `None`: every job.
    pub within_jobs: Option<Vec<Uuid>>,
}

/// One line of the application list.
#[derive(Debug, Clone, FromRow)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub job_id: Uuid,
    pub job_title: String,
    pub candidate_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub stage: Stage,
    pub created_at: DateTime<Utc>,
    /// How many applications this candidate (one per email) has in total.
    pub candidate_applications: i64,
}

/// A page of applications and the total matching the filter.
#[derive(Debug, Clone)]
pub struct ApplicationPage {
    pub rows: Vec<ApplicationRow>,
    pub total: i64,
}

fn like_pattern(q: &str) -> String {
    format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

fn push_filters(qb: &mut QueryBuilder<'_, Postgres>, f: &Filter) {
    qb.push(if f.spam {
        " WHERE a.suspected_spam IS NOT NULL"
    } else {
        " WHERE a.suspected_spam IS NULL"
    });
    if let Some(job) = f.job_id {
        qb.push(" AND a.job_id = ").push_bind(job);
    }
    if let Some(jobs) = &f.within_jobs {
        qb.push(" AND a.job_id = ANY(")
            .push_bind(jobs.clone())
            .push(")");
    }
    if let Some(stage) = f.stage {
        qb.push(" AND a.stage = ").push_bind(stage);
    }
    if let Some(from) = f.from {
        qb.push(" AND a.created_at >= ")
            .push_bind(from)
            .push("::date::timestamp AT TIME ZONE 'UTC'");
    }
    if let Some(to) = f.to {
        qb.push(" AND a.created_at < (")
            .push_bind(to)
            .push("::date + 1)::timestamp AT TIME ZONE 'UTC'");
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = like_pattern(q);
        qb.push(" AND ((c.first_name || ' ' || c.last_name) ILIKE ")
            .push_bind(p.clone())
            .push(" OR c.email ILIKE ")
            .push_bind(p)
            .push(")");
    }
}

/// The `ORDER BY` of the application list (every ordering total: ties by id).
fn order_by(sort: Option<Sort>) -> &'static str {
    match sort.unwrap_or(Sort::Newest) {
        Sort::Newest => " ORDER BY a.created_at DESC, a.id DESC",
        Sort::Oldest => " ORDER BY a.created_at ASC, a.id ASC",
        Sort::Name => " ORDER BY lower(c.last_name), lower(c.first_name), a.id",
        Sort::Stage => {
            " ORDER BY array_position(ARRAY['new','screening','interview','offer','hired',
                'rejected'], a.stage), a.created_at DESC, a.id"
        }
    }
}

/// One page of the tenant's applications matching `f`.
pub async fn list(ttx: &mut TenantTx, f: &Filter) -> sqlx::Result<ApplicationPage> {
    let mut count = QueryBuilder::<Postgres>::new(
        "SELECT count(*) FROM applications a JOIN candidates c ON c.id = a.candidate_id",
    );
    push_filters(&mut count, f);
    let total: i64 = count.build_query_scalar().fetch_one(&mut **ttx).await?;

    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT a.id, a.job_id, j.title AS job_title, a.candidate_id, c.first_name, c.last_name,
                c.email, a.stage, a.created_at, 1::bigint AS candidate_applications
           FROM applications a
           JOIN candidates c ON c.id = a.candidate_id
           JOIN job_postings j ON j.id = a.job_id",
    );
    push_filters(&mut qb, f);
    qb.push(order_by(f.sort));
    let page = f.page.max(1);
    qb.push(" LIMIT ")
        .push_bind(PAGE_SIZE)
        .push(" OFFSET ")
        .push_bind((page - 1) * PAGE_SIZE);
    let mut rows = qb
        .build_query_as::<ApplicationRow>()
        .fetch_all(&mut **ttx)
        .await?;
    // Counted for the page's candidates only, after paging: a per-row subquery would run for
    // every row the OFFSET skips too.
    let candidates: Vec<Uuid> = rows.iter().map(|r| r.candidate_id).collect();
    let counts: HashMap<Uuid, i64> = sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT candidate_id, count(*) FROM applications
          WHERE candidate_id = ANY($1) AND suspected_spam IS NULL GROUP BY candidate_id",
    )
    .bind(&candidates)
    .fetch_all(&mut **ttx)
    .await?
    .into_iter()
    .collect();
    for r in &mut rows {
        r.candidate_applications = counts.get(&r.candidate_id).copied().unwrap_or(1);
    }
    Ok(ApplicationPage { rows, total })
}

/// Everything HR sees about one application.
#[derive(Debug, Clone, FromRow)]
pub struct ApplicationDetail {
    pub id: Uuid,
    pub job_id: Uuid,
    pub job_title: String,
    pub job_questions: sqlx::types::Json<Vec<Question>>,
    pub candidate_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub linkedin_url: Option<String>,
    pub portfolio_url: Option<String>,
    pub stage: Stage,
    pub cover_letter: Option<String>,
    pub answers: sqlx::types::Json<serde_json::Value>,
    pub resume_id: Option<Uuid>,
    pub resume_filename: Option<String>,
    pub resume_size: Option<i32>,
    pub consent_text: String,
    pub consent_version: i32,
    pub consented_at: DateTime<Utc>,
    pub source: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub referrer: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Why it was kept aside as suspected spam, if it was.
    pub suspected_spam: Option<String>,
}

impl ApplicationDetail {
    /// The answers to the posting's custom questions as (label, answer) pairs, in question order;
    /// answers to questions removed since are listed after, under their field name.
    pub fn labelled_answers(&self) -> Vec<(String, String)> {
        let answers = self.answers.0.as_object().cloned().unwrap_or_default();
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for q in &self.job_questions.0 {
            if let Some(v) = answers.get(&q.name) {
                seen.insert(q.name.clone());
                out.push((q.label.clone(), answer_text(v)));
            }
        }
        for (k, v) in &answers {
            if !seen.contains(k) {
                out.push((k.clone(), answer_text(v)));
            }
        }
        out
    }
}

fn answer_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "Yes".into(),
        serde_json::Value::Bool(false) => "No".into(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Array(items) => {
            items.iter().map(answer_text).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

pub async fn get(ttx: &mut TenantTx, id: Uuid) -> sqlx::Result<Option<ApplicationDetail>> {
    sqlx::query_as::<_, ApplicationDetail>(
        "SELECT a.id, a.job_id, j.title AS job_title, j.questions AS job_questions,
                a.candidate_id, c.first_name, c.last_name, c.email, c.phone, c.linkedin_url,
                c.portfolio_url, a.stage, a.cover_letter, a.answers, a.resume_id,
                r.filename AS resume_filename, r.size_bytes AS resume_size, a.consent_text,
                a.consent_version, a.consented_at, a.source, a.utm_source, a.utm_medium,
                a.utm_campaign, a.referrer, a.created_at, a.suspected_spam
           FROM applications a
           JOIN candidates c ON c.id = a.candidate_id
           JOIN job_postings j ON j.id = a.job_id
      LEFT JOIN resumes r ON r.id = a.resume_id
          WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **ttx)
    .await
}

/// An entry in an application's history.
#[derive(Debug, Clone, FromRow)]
pub struct Event {
    pub id: Uuid,
    pub kind: String,
    pub from_stage: Option<Stage>,
    pub to_stage: Option<Stage>,
    pub note: Option<String>,
    pub actor_email: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The history of an application, oldest first.
pub async fn events(ttx: &mut TenantTx, application_id: Uuid) -> sqlx::Result<Vec<Event>> {
    sqlx::query_as::<_, Event>(
        "SELECT id, kind, from_stage, to_stage, note, actor_email, created_at
           FROM application_events WHERE application_id = $1 ORDER BY created_at, id",
    )
    .bind(application_id)
    .fetch_all(&mut **ttx)
    .await
}

/// Another application of the same candidate.
#[derive(Debug, Clone, FromRow)]
pub struct SiblingApplication {
    pub id: Uuid,
    pub job_id: Uuid,
    pub job_title: String,
    pub stage: Stage,
    pub created_at: DateTime<Utc>,
}

/// The candidate's other applications (one candidate per email address).
pub async fn other_applications(
    ttx: &mut TenantTx,
    candidate_id: Uuid,
    except: Uuid,
) -> sqlx::Result<Vec<SiblingApplication>> {
    sqlx::query_as::<_, SiblingApplication>(
        "SELECT a.id, a.job_id, j.title AS job_title, a.stage, a.created_at
           FROM applications a JOIN job_postings j ON j.id = a.job_id
          WHERE a.candidate_id = $1 AND a.id <> $2
          ORDER BY a.created_at DESC",
    )
    .bind(candidate_id)
    .bind(except)
    .fetch_all(&mut **ttx)
    .await
}

/// Who did something, recorded by value (no foreign key crosses into the public schema).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub email: String,
}

/// Why a pipeline change was refused.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("application not found")]
    NotFound,
    #[error("an application in stage {from} cannot move to {to}")]
    InvalidMove { from: Stage, to: Stage },
    #[error("{0}")]
    InvalidNote(&'static str),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Moves an application to `to` and records who did it. Returns the previous stage.
pub async fn move_stage(
    ttx: &mut TenantTx,
    id: Uuid,
    to: Stage,
    actor: &Actor,
) -> Result<Stage, PipelineError> {
    let from: Stage = sqlx::query_scalar("SELECT stage FROM applications WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut **ttx)
        .await?
        .ok_or(PipelineError::NotFound)?;
    if !from.can_move_to(to) {
        return Err(PipelineError::InvalidMove { from, to });
    }
    sqlx::query("UPDATE applications SET stage = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(to)
        .execute(&mut **ttx)
        .await?;
    insert_event(ttx, id, "stage_changed", Some(from), Some(to), None, actor).await?;
    Ok(from)
}

/// How many applications are kept aside as suspected spam.
pub async fn spam_count(ttx: &mut TenantTx) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM applications WHERE suspected_spam IS NOT NULL")
        .fetch_one(&mut **ttx)
        .await
}

/// Restores an application kept aside as suspected spam: it joins the others, counts on the
/// job's public counter and its candidate gets the confirmation mail (through the outbox, in this
/// transaction). False when it was not kept aside (already restored, or never spam).
pub async fn restore(
    ttx: &mut TenantTx,
    tenant: &crate::tenancy::Tenant,
    id: Uuid,
    actor: &Actor,
    public_url: &str,
) -> Result<bool, PipelineError> {
    let restored: Option<(Uuid, String, String, String)> = sqlx::query_as(
        "UPDATE applications a SET suspected_spam = NULL, notified_at = NULL, updated_at = now()
           FROM candidates c, job_postings j
          WHERE a.id = $1 AND a.suspected_spam IS NOT NULL
            AND c.id = a.candidate_id AND j.id = a.job_id
      RETURNING a.job_id, c.email, c.first_name, j.title",
    )
    .bind(id)
    .fetch_optional(&mut **ttx)
    .await?;
    let Some((job_id, email, first_name, title)) = restored else {
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM applications WHERE id = $1)")
                .bind(id)
                .fetch_one(&mut **ttx)
                .await?;
        return if exists {
            Ok(false)
        } else {
            Err(PipelineError::NotFound)
        };
    };
    sqlx::query(
        "UPDATE public.job_catalog SET application_count = application_count + 1
          WHERE job_id = $1 AND tenant_id = $2",
    )
    .bind(job_id)
    .bind(tenant.id)
    .execute(&mut **ttx)
    .await?;
    insert_event(ttx, id, "restored", None, None, None, actor).await?;
    let mail = crate::applications::intake::confirmation(
        tenant.id,
        &email,
        &first_name,
        &title,
        &tenant.name,
        job_id,
        public_url,
    );
    crate::mail::enqueue(ttx, &mail).await?;
    Ok(true)
}

/// Largest internal note.
pub const MAX_NOTE_CHARS: usize = 5000;

/// Adds an internal note to an application.
pub async fn add_note(
    ttx: &mut TenantTx,
    id: Uuid,
    note: &str,
    actor: &Actor,
) -> Result<(), PipelineError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(PipelineError::InvalidNote("Write a note first."));
    }
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(PipelineError::InvalidNote(
            "A note must be at most 5,000 characters.",
        ));
    }
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM applications WHERE id = $1)")
            .bind(id)
            .fetch_one(&mut **ttx)
            .await?;
    if !exists {
        return Err(PipelineError::NotFound);
    }
    insert_event(ttx, id, "note", None, None, Some(note), actor).await?;
    Ok(())
}

async fn insert_event(
    ttx: &mut TenantTx,
    application_id: Uuid,
    kind: &str,
    from: Option<Stage>,
    to: Option<Stage>,
    note: Option<&str>,
    actor: &Actor,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO application_events
            (id, application_id, kind, from_stage, to_stage, note, actor_user_id, actor_email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::now_v7())
    .bind(application_id)
    .bind(kind)
    .bind(from)
    .bind(to)
    .bind(note)
    .bind(actor.user_id)
    .bind(&actor.email)
    .execute(&mut **ttx)
    .await?;
    Ok(())
}

/// A stored resume file.
#[derive(Debug, Clone, FromRow)]
pub struct ResumeFile {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// The resume attached to application `id`, if any.
pub async fn resume(ttx: &mut TenantTx, application_id: Uuid) -> sqlx::Result<Option<ResumeFile>> {
    sqlx::query_as::<_, ResumeFile>(
        "SELECT r.filename, r.content_type, r.data
           FROM applications a JOIN resumes r ON r.id = a.resume_id
          WHERE a.id = $1",
    )
    .bind(application_id)
    .fetch_optional(&mut **ttx)
    .await
}

/// Applications and public page views of one job.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobStats {
    pub applications: i64,
    pub views: i64,
}

/// Per-job application counts (from the tenant's applications) and views (from the catalog's
/// counter, which only public jobs have).
pub async fn job_stats(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
) -> sqlx::Result<HashMap<Uuid, JobStats>> {
    let counts: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT job_id, count(*) FROM applications WHERE suspected_spam IS NULL GROUP BY job_id",
    )
    .fetch_all(&mut **ttx)
    .await?;
    let views: Vec<(Uuid, i64)> =
        sqlx::query_as("SELECT job_id, view_count FROM public.job_catalog WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_all(&mut **ttx)
            .await?;
    let mut out: HashMap<Uuid, JobStats> = HashMap::new();
    for (id, n) in counts {
        out.entry(id).or_default().applications = n;
    }
    for (id, n) in views {
        out.entry(id).or_default().views = n;
    }
    Ok(out)
}

/// A job to filter applications by.
#[derive(Debug, Clone, FromRow)]
pub struct JobOption {
    pub id: Uuid,
    pub title: String,
}

/// Every job that has applications or is not deleted, for the list's job filter.
pub async fn job_options(ttx: &mut TenantTx) -> sqlx::Result<Vec<JobOption>> {
    sqlx::query_as::<_, JobOption>(
        "SELECT j.id, j.title FROM job_postings j
          WHERE j.deleted_at IS NULL OR EXISTS (SELECT 1 FROM applications a WHERE a.job_id = j.id)
          ORDER BY lower(j.title), j.id",
    )
    .fetch_all(&mut **ttx)
    .await
}

/// Applications received in the last `days` days, by stage (every stage listed, zeros included).
pub async fn recent_by_stage(ttx: &mut TenantTx, days: i32) -> sqlx::Result<Vec<(Stage, i64)>> {
    let rows: Vec<(Stage, i64)> = sqlx::query_as(
        "SELECT stage, count(*) FROM applications
          WHERE created_at >= now() - make_interval(days => $1) AND suspected_spam IS NULL
          GROUP BY stage",
    )
    .bind(days)
    .fetch_all(&mut **ttx)
    .await?;
    let counts: HashMap<Stage, i64> = rows.into_iter().collect();
    Ok(Stage::ALL
        .iter()
        .map(|s| (*s, counts.get(s).copied().unwrap_or(0)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_move_forward_or_to_rejected() {
        assert!(Stage::New.can_move_to(Stage::Screening));
        assert!(Stage::New.can_move_to(Stage::Interview));
        assert!(Stage::Offer.can_move_to(Stage::Hired));
        assert!(Stage::Interview.can_move_to(Stage::Rejected));
        assert!(Stage::Hired.can_move_to(Stage::Rejected));
        assert!(!Stage::Interview.can_move_to(Stage::Screening));
        assert!(!Stage::New.can_move_to(Stage::New));
        assert!(!Stage::Rejected.can_move_to(Stage::New));
        assert_eq!(
            Stage::Offer.next_stages(),
            vec![Stage::Hired, Stage::Rejected]
        );
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}

/// The job an application belongs to.
pub async fn job_of(ttx: &mut TenantTx, application_id: Uuid) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar("SELECT job_id FROM applications WHERE id = $1")
        .bind(application_id)
        .fetch_optional(&mut **ttx)
        .await
}

/// Cards shown per board column; the rest are a link to the filtered list.
pub const BOARD_COLUMN_CARDS: i64 = 50;

/// One card of a job's pipeline board.
#[derive(Debug, Clone, FromRow)]
pub struct BoardCard {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub stage: Stage,
    pub created_at: DateTime<Utc>,
    /// The average scorecard rating, if anyone scored it.
    pub rating: Option<f64>,
}

/// One column of the board: a stage, how many applications are in it, and the newest cards.
#[derive(Debug, Clone)]
pub struct BoardColumn {
    pub stage: Stage,
    pub total: i64,
    pub cards: Vec<BoardCard>,
}

/// The pipeline board of `job_id`: every stage in pipeline order (empty ones too), each with its
/// exact count and its newest [`BOARD_COLUMN_CARDS`] applications (suspected spam kept out).
pub async fn board(ttx: &mut TenantTx, job_id: Uuid) -> sqlx::Result<Vec<BoardColumn>> {
    let counts: HashMap<Stage, i64> = sqlx::query_as::<_, (Stage, i64)>(
        "SELECT stage, count(*) FROM applications
          WHERE job_id = $1 AND suspected_spam IS NULL GROUP BY stage",
    )
    .bind(job_id)
    .fetch_all(&mut **ttx)
    .await?
    .into_iter()
    .collect();
    let cards = sqlx::query_as::<_, BoardCard>(
        "SELECT r.id, r.first_name, r.last_name, r.stage, r.created_at,
                (SELECT avg(s.rating)::float8 FROM scorecards s WHERE s.application_id = r.id)
                    AS rating
           FROM (SELECT a.id, c.first_name, c.last_name, a.stage, a.created_at,
                        row_number() OVER (PARTITION BY a.stage
                                           ORDER BY a.created_at DESC, a.id DESC) AS n
                   FROM applications a JOIN candidates c ON c.id = a.candidate_id
                  WHERE a.job_id = $1 AND a.suspected_spam IS NULL) r
          WHERE r.n <= $2
          ORDER BY r.created_at DESC, r.id DESC",
    )
    .bind(job_id)
    .bind(BOARD_COLUMN_CARDS)
    .fetch_all(&mut **ttx)
    .await?;
    Ok(Stage::ALL
        .iter()
        .map(|stage| BoardColumn {
            stage: *stage,
            total: counts.get(stage).copied().unwrap_or(0),
            cards: cards
                .iter()
                .filter(|c| c.stage == *stage)
                .cloned()
                .collect(),
        })
        .collect())
}

/// Most rows one CSV export holds (a bigger selection is refused with a message, never cut).
pub const EXPORT_MAX_ROWS: i64 = 50_000;

/// One application as the CSV export lists it.
#[derive(Debug, Clone, FromRow)]
pub struct ExportRow {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub job_id: Uuid,
    pub job_title: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub stage: Stage,
}

/// Every application matching `f` (its paging ignored), or only those of `ids` when given, in
/// the filter's order; `None` when more than [`EXPORT_MAX_ROWS`] match.
pub async fn export(
    ttx: &mut TenantTx,
    f: &Filter,
    ids: Option<&[Uuid]>,
) -> sqlx::Result<Option<Vec<ExportRow>>> {
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT a.id, a.created_at, a.job_id, j.title AS job_title, c.first_name, c.last_name,
                c.email, c.phone, a.stage
           FROM applications a
           JOIN candidates c ON c.id = a.candidate_id
           JOIN job_postings j ON j.id = a.job_id",
    );
    push_filters(&mut qb, f);
    if let Some(ids) = ids {
        qb.push(" AND a.id = ANY(")
            .push_bind(ids.to_vec())
            .push(")");
    }
    qb.push(order_by(f.sort));
    qb.push(" LIMIT ").push_bind(EXPORT_MAX_ROWS + 1);
    let rows = qb
        .build_query_as::<ExportRow>()
        .fetch_all(&mut **ttx)
        .await?;
    Ok((rows.len() as i64 <= EXPORT_MAX_ROWS).then_some(rows))
}

/// One reviewer's scorecard of an application.
#[derive(Debug, Clone, FromRow)]
pub struct Scorecard {
    pub reviewer_id: Uuid,
    pub reviewer_email: String,
    pub rating: i16,
    pub notes: String,
    pub updated_at: DateTime<Utc>,
}

/// Saves `actor`'s scorecard of application `id` (rating 1–5, notes up to 5,000 characters),
/// replacing their earlier one; recorded in the history as "scored".
pub async fn save_scorecard(
    ttx: &mut TenantTx,
    id: Uuid,
    rating: i16,
    notes: &str,
    actor: &Actor,
) -> Result<(), PipelineError> {
    if !(1..=5).contains(&rating) {
        return Err(PipelineError::InvalidNote("Choose a rating from 1 to 5."));
    }
    let notes = notes.trim();
    if notes.chars().count() > MAX_NOTE_CHARS {
        return Err(PipelineError::InvalidNote(
            "Scorecard notes must be at most 5,000 characters.",
        ));
    }
    let saved = sqlx::query(
        "INSERT INTO scorecards (application_id, reviewer_id, reviewer_email, rating, notes)
         SELECT id, $2, $3, $4, $5 FROM applications WHERE id = $1
         ON CONFLICT (application_id, reviewer_id)
         DO UPDATE SET rating = EXCLUDED.rating, notes = EXCLUDED.notes,
                       reviewer_email = EXCLUDED.reviewer_email, updated_at = now()",
    )
    .bind(id)
    .bind(actor.user_id)
    .bind(&actor.email)
    .bind(rating)
    .bind(notes)
    .execute(&mut **ttx)
    .await?;
    if saved.rows_affected() == 0 {
        return Err(PipelineError::NotFound);
    }
    insert_event(ttx, id, "scored", None, None, None, actor).await?;
    Ok(())
}

/// The scorecards of application `id`, newest first.
pub async fn scorecards(ttx: &mut TenantTx, id: Uuid) -> sqlx::Result<Vec<Scorecard>> {
    sqlx::query_as::<_, Scorecard>(
        "SELECT reviewer_id, reviewer_email, rating, notes, updated_at FROM scorecards
          WHERE application_id = $1 ORDER BY updated_at DESC",
    )
    .bind(id)
    .fetch_all(&mut **ttx)
    .await
}
