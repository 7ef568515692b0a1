//! `GET|POST /admin/jobs/new` and `GET|POST /admin/jobs/{id}`: create and edit a job with every
//! posting field (custom questions included: existing rows plus blank ones, each with a "remove"
//! box, so no JavaScript is needed), and the publish / close / reopen / archive / delete actions.
//! Every write goes through [`postings::save`], so the public catalog follows in the same
//! transaction. Bad input re-renders the form with 422, the values as typed and a message per field.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use super::layout::{
    AdminPage, CsrfField, ErrorSummary, Nav, count_of, described_by, field_error, field_id,
    invalid, not_found, textarea_text, when,
};
use crate::applications::pipeline;
use crate::auth::AdminUser;
use crate::catalog::projection::sanitize_description;
use crate::error::{AppError, FieldErrors};
use crate::postings::model::{
    JobType, Posting, PostingDraft, PostingStatus, Question, QuestionType, RemotePolicy,
    SalaryPeriod,
};
use crate::postings::{self, PostingChange, SaveError};
use crate::state::AppState;
use crate::web::render;

/// The form's fields in the order they appear, for the error summary.
const FIELD_ORDER: &[&str] = &[
    "title",
    "description",
    "location",
    "remote_policy",
    "job_type",
    "category",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "status",
    "published_at",
    "expires_at",
    "questions",
    "confirm",
];

/// Blank question rows offered below the existing ones.
const BLANK_QUESTION_ROWS: usize = 2;

/// One custom-question row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionRow {
    pub name: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    /// Choices of a select question, comma-separated.
    pub options: String,
}

/// The job form's values exactly as typed, so a refused form comes back unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFormValues {
    pub title: String,
    pub description: String,
    pub location: String,
    pub remote_policy: String,
    pub job_type: String,
    pub category: String,
    pub salary_min: String,
    pub salary_max: String,
    pub salary_currency: String,
    pub salary_period: String,
    pub show_salary: bool,
    pub status: String,
    pub published_on_career_page: bool,
    pub internal_only: bool,
    pub require_resume: bool,
    pub require_cover_letter: bool,
    pub published_at: String,
    pub expires_at: String,
    /// The stored times to the second (RFC 3339). The inputs show minutes; an unchanged input
    /// keeps the exact stored time instead of truncating it on every save.
    pub published_at_exact: String,
    pub expires_at_exact: String,
    pub questions: Vec<QuestionRow>,
    pub version: Option<i64>,
}

impl Default for JobFormValues {
    fn default() -> Self {
        JobFormValues::from_draft(&PostingDraft::default(), None)
    }
}

const DATETIME_FORMAT: &str = "%Y-%m-%dT%H:%M";

fn format_time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format(DATETIME_FORMAT).to_string())
        .unwrap_or_default()
}

impl JobFormValues {
    fn from_draft(d: &PostingDraft, version: Option<i64>) -> Self {
        JobFormValues {
            title: d.title.clone(),
            description: d.description.clone(),
            location: d.location.clone(),
            remote_policy: d.remote_policy.as_str().into(),
            job_type: d.job_type.as_str().into(),
            category: d.category.clone(),
            salary_min: d.salary_min.map(|v| v.to_string()).unwrap_or_default(),
            salary_max: d.salary_max.map(|v| v.to_string()).unwrap_or_default(),
            salary_currency: d.salary_currency.clone().unwrap_or_default(),
            salary_period: d.salary_period.as_str().into(),
            show_salary: d.show_salary,
            status: d.status.as_str().into(),
            published_on_career_page: d.published_on_career_page,
            internal_only: d.internal_only,
            require_resume: d.require_resume,
            require_cover_letter: d.require_cover_letter,
            published_at: format_time(d.published_at),
            expires_at: format_time(d.expires_at),
            published_at_exact: d.published_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            expires_at_exact: d.expires_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            questions: d
                .questions
                .iter()
                .map(|q| QuestionRow {
                    name: q.name.clone(),
                    label: q.label.clone(),
                    kind: q.kind.as_str().into(),
                    required: q.required,
                    options: q.options.join(", "),
                })
                .collect(),
            version,
        }
    }

    pub fn from_posting(p: &Posting) -> Self {
        Self::from_draft(&p.to_draft(), Some(p.version))
    }

    /// Reads a submitted form. Unchecked boxes are absent; question rows are `q{i}_*`, and rows
    /// marked "remove" or left blank are dropped.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let map: HashMap<&str, &str> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let text = |k: &str| map.get(k).map(|v| v.to_string()).unwrap_or_default();
        let checked = |k: &str| map.contains_key(k);
        let mut rows: BTreeMap<usize, HashMap<&str, &str>> = BTreeMap::new();
        for (k, v) in pairs {
            if let Some(rest) = k.strip_prefix('q')
                && let Some((idx, field)) = rest.split_once('_')
                && let Ok(i) = idx.parse::<usize>()
                && i < 100
            {
                rows.entry(i).or_default().insert(field, v.as_str());
            }
        }
        let questions = rows
            .into_values()
            .filter(|r| !r.contains_key("remove"))
            .map(|r| QuestionRow {
                name: r.get("name").unwrap_or(&"").to_string(),
                label: r.get("label").unwrap_or(&"").to_string(),
                kind: r.get("type").unwrap_or(&"text").to_string(),
                required: r.contains_key("required"),
                options: r.get("options").unwrap_or(&"").to_string(),
            })
            .filter(|q| !q.label.trim().is_empty() || !q.options.trim().is_empty())
            .collect();
        JobFormValues {
            title: text("title"),
            description: text("description"),
            location: text("location"),
            remote_policy: text("remote_policy"),
            job_type: text("job_type"),
            category: text("category"),
            salary_min: text("salary_min"),
            salary_max: text("salary_max"),
            salary_currency: text("salary_currency"),
            salary_period: text("salary_period"),
            show_salary: checked("show_salary"),
            status: text("status"),
            published_on_career_page: checked("published_on_career_page"),
            internal_only: checked("internal_only"),
            require_resume: checked("require_resume"),
            require_cover_letter: checked("require_cover_letter"),
            published_at: text("published_at"),
            expires_at: text("expires_at"),
            published_at_exact: text("published_at_exact"),
            expires_at_exact: text("expires_at_exact"),
            questions,
            version: map.get("version").and_then(|v| v.parse().ok()),
        }
    }

    /// Parses the typed values into a validated draft, or every problem keyed by field.
    pub fn to_draft(&self) -> Result<PostingDraft, FieldErrors> {
        let mut errs = FieldErrors::new();
        fn choice<T: Copy>(
            errs: &mut FieldErrors,
            field: &str,
            value: &str,
            parse: fn(&str) -> Option<T>,
            fallback: T,
        ) -> T {
            parse(value).unwrap_or_else(|| {
                errs.add(field, "Choose one of the options.");
                fallback
            })
        }
        let money = |errs: &mut FieldErrors, field: &str, v: &str| -> Option<Decimal> {
            let v = v.trim().replace([',', ' ', '_'], "");
            if v.is_empty() {
                return None;
            }
            Decimal::from_str(&v)
                .map_err(|_| errs.add(field, "Enter an amount such as 70000 or 70000.50."))
                .ok()
        };
        let time = |errs: &mut FieldErrors, field: &str, v: &str, exact: &str| {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            if let Ok(exact) = DateTime::parse_from_rfc3339(exact)
                && format_time(Some(exact.to_utc())) == v
            {
                return Some(exact.to_utc());
            }
            NaiveDateTime::parse_from_str(v, DATETIME_FORMAT)
                .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
                .map(|t| t.and_utc())
                .map_err(|_| errs.add(field, "Enter a date and time (UTC) like 2026-12-31T17:00."))
                .ok()
        };
        let questions = self
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| Question {
                name: q.name.trim().to_string(),
                label: q.label.clone(),
                kind: choice(
                    &mut errs,
                    &format!("questions[{i}]"),
                    &q.kind,
                    QuestionType::parse,
                    QuestionType::Text,
                ),
                required: q.required,
                options: q.options.split(',').map(str::to_string).collect(),
            })
            .collect();
        let draft = PostingDraft {
            id: None,
            title: self.title.clone(),
            description: self.description.clone(),
            location: self.location.clone(),
            remote_policy: choice(
                &mut errs,
                "remote_policy",
                &self.remote_policy,
                RemotePolicy::parse,
                RemotePolicy::OnSite,
            ),
            job_type: choice(
                &mut errs,
                "job_type",
                &self.job_type,
                JobType::parse,
                JobType::FullTime,
            ),
            category: self.category.clone(),
            salary_min: money(&mut errs, "salary_min", &self.salary_min),
            salary_max: money(&mut errs, "salary_max", &self.salary_max),
            salary_currency: Some(self.salary_currency.clone()),
            salary_period: choice(
                &mut errs,
                "salary_period",
                &self.salary_period,
                SalaryPeriod::parse,
                SalaryPeriod::Year,
            ),
            show_salary: self.show_salary,
            status: choice(
                &mut errs,
                "status",
                &self.status,
                PostingStatus::parse,
                PostingStatus::Draft,
            ),
            published_on_career_page: self.published_on_career_page,
            internal_only: self.internal_only,
            require_resume: self.require_resume,
            require_cover_letter: self.require_cover_letter,
            questions,
            published_at: time(
                &mut errs,
                "published_at",
                &self.published_at,
                &self.published_at_exact,
            ),
            expires_at: time(
                &mut errs,
                "expires_at",
                &self.expires_at,
                &self.expires_at_exact,
            ),
        };
        match draft.validate() {
            Ok(d) if errs.is_empty() => Ok(d),
            Ok(_) => Err(errs),
            Err(more) => {
                for (field, msgs) in more.0 {
                    // A parse message already explains the field; skip the follow-on one.
                    if errs.get(&field).is_none() {
                        for m in msgs {
                            errs.add(field.clone(), m);
                        }
                    }
                }
                Err(errs)
            }
        }
    }
}

/// What the edit page knows about the stored posting.
#[derive(Debug, Clone)]
struct Stored {
    id: Uuid,
    status: PostingStatus,
    version: i64,
    public: bool,
    updated_at: DateTime<Utc>,
    preview_html: String,
    applications: i64,
}

impl Stored {
    fn new(p: &Posting, applications: i64) -> Self {
        Stored {
            id: p.id,
            status: p.status,
            version: p.version,
            public: p.is_publishable(),
            updated_at: p.updated_at,
            preview_html: sanitize_description(&p.description),
            applications,
        }
    }
}

#[derive(Debug, Clone)]
struct FormPage {
    nav: Nav,
    stored: Option<Stored>,
    values: JobFormValues,
    errors: FieldErrors,
    /// A message above the form (e.g. "changed since you opened it").
    problem: Option<String>,
    flash: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn new_form(admin: AdminUser, uri: Uri) -> Response {
    let page = FormPage {
        nav: Nav::new(&admin, "jobs"),
        stored: None,
        values: JobFormValues::default(),
        errors: FieldErrors::new(),
        problem: None,
        flash: None,
    };
    render_page(&uri, StatusCode::OK, page).await
}

pub async fn create(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut values = JobFormValues::from_pairs(&pairs);
    if action(&pairs) == "publish" {
        values.status = PostingStatus::Open.as_str().into();
    }
    let refused = |values: JobFormValues, errors: FieldErrors| FormPage {
        nav: Nav::new(&admin, "jobs"),
        stored: None,
        values,
        errors,
        problem: None,
        flash: None,
    };
    let draft = match values.to_draft() {
        Ok(d) => d,
        Err(errors) => {
            return Ok(render_page(
                &uri,
                StatusCode::UNPROCESSABLE_ENTITY,
                refused(values, errors),
            )
            .await);
        }
    };
    let mut ttx = admin.begin(&state.pool).await?;
    match postings::save(&mut ttx, admin.tenant.id, PostingChange::Create(draft)).await {
        Ok(saved) => {
            ttx.commit().await?;
            let to = format!("/admin/jobs/{}?done=created", saved.posting.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(SaveError::Invalid(errors)) => Ok(render_page(
            &uri,
            StatusCode::UNPROCESSABLE_ENTITY,
            refused(values, errors),
        )
        .await),
        Err(e) => Err(save_error(e)),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let nav = Nav::new(&admin, "jobs");
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(&uri, Some(nav)).await);
    };
    let mut ttx = admin.begin(&state.pool).await?;
    let Some(posting) = postings::db::get(&mut ttx, id).await? else {
        return Ok(not_found(&uri, Some(nav)).await);
    };
    let stats = pipeline::job_stats(&mut ttx, admin.tenant.id).await?;
    ttx.commit().await?;
    let apps = stats.get(&id).map(|s| s.applications).unwrap_or(0);
    let flash = q.done.as_deref().and_then(done_message).map(str::to_string);
    let page = FormPage {
        nav,
        stored: Some(Stored::new(&posting, apps)),
        values: JobFormValues::from_posting(&posting),
        errors: FieldErrors::new(),
        problem: None,
        flash,
    };
    Ok(render_page(&uri, StatusCode::OK, page).await)
}

fn done_message(done: &str) -> Option<&'static str> {
    Some(match done {
        "created" => "The job was created.",
        "saved" => "Your changes were saved.",
        "published" => "The job is published.",
        "closed" => "The job is closed to new applications.",
        "reopened" => "The job is open again.",
        "archived" => "The job is archived.",
        _ => return None,
    })
}

fn action(pairs: &[(String, String)]) -> &str {
    pairs
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.as_str())
        .unwrap_or("save")
}

/// The message for a refused stale write.
pub fn stale_message(current: i64) -> String {
    format!(
        "This job was changed by someone else since you opened it (it is now at version \
         {current}). Your changes were not saved. Open the job again to see the latest version, \
         then re-apply your edits."
    )
}

pub async fn update(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let nav = Nav::new(&admin, "jobs");
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(&uri, Some(nav)).await);
    };
    let values = JobFormValues::from_pairs(&pairs);
    let Some(version) = values.version else {
        return Err(crate::error::invalid(
            "version",
            "The form is missing the job's version; reload the page.",
        ));
    };
    let act = action(&pairs).to_string();
    let (change, done) = match act.as_str() {
        "save" => match values.to_draft() {
            Ok(draft) => (
                PostingChange::Update {
                    id,
                    expected_version: Some(version),
                    draft,
                },
                "saved",
            ),
            Err(errors) => {
                return refuse(&state, &admin, &uri, id, values, errors, None).await;
            }
        },
        "delete" => {
            if !pairs.iter().any(|(k, v)| k == "confirm" && v == "yes") {
                let mut errors = FieldErrors::new();
                errors.add("confirm", "Tick the box to confirm the deletion.");
                return refuse_current(&state, &admin, &uri, id, errors, None).await;
            }
            (
                PostingChange::Delete {
                    id,
                    expected_version: Some(version),
                },
                "deleted",
            )
        }
        other => {
            let (status, done) = match other {
                "publish" => (PostingStatus::Open, "published"),
                "reopen" => (PostingStatus::Open, "reopened"),
                "close" => (PostingStatus::Closed, "closed"),
                "archive" => (PostingStatus::Archived, "archived"),
                _ => return Err(crate::error::invalid("action", "Unknown action.")),
            };
            (
                PostingChange::SetStatus {
                    id,
                    expected_version: Some(version),
                    status,
                },
                done,
            )
        }
    };
    let mut ttx = admin.begin(&state.pool).await?;
    match postings::save(&mut ttx, admin.tenant.id, change).await {
        Ok(_) => {
            ttx.commit().await?;
            let to = if done == "deleted" {
                "/admin/jobs?done=deleted".to_string()
            } else {
                format!("/admin/jobs/{id}?done={done}")
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(SaveError::NotFound) => Ok(not_found(&uri, Some(nav)).await),
        Err(SaveError::Stale { current }) => {
            drop(ttx);
            let msg = Some(stale_message(current));
            if act == "save" {
                refuse(&state, &admin, &uri, id, values, FieldErrors::new(), msg).await
            } else {
                refuse_current(&state, &admin, &uri, id, FieldErrors::new(), msg).await
            }
        }
        Err(SaveError::Invalid(errors)) => {
            drop(ttx);
            if act == "save" {
                refuse(&state, &admin, &uri, id, values, errors, None).await
            } else {
                refuse_current(&state, &admin, &uri, id, errors, None).await
            }
        }
        Err(e) => Err(save_error(e)),
    }
}

/// Re-renders the edit form with what the person typed: 409 for a stale version, else 422.
async fn refuse(
    state: &AppState,
    admin: &AdminUser,
    uri: &Uri,
    id: Uuid,
    values: JobFormValues,
    errors: FieldErrors,
    problem: Option<String>,
) -> Result<Response, AppError> {
    let nav = Nav::new(admin, "jobs");
    let mut ttx = admin.begin(&state.pool).await?;
    let Some(posting) = postings::db::get(&mut ttx, id).await? else {
        return Ok(not_found(uri, Some(nav)).await);
    };
    ttx.commit().await?;
    let status = if problem.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut stored = Stored::new(&posting, 0);
    // Keep the version the person loaded: a stale form must stay stale until reloaded.
    stored.version = values.version.unwrap_or(stored.version);
    let page = FormPage {
        nav,
        stored: Some(stored),
        values,
        errors,
        problem,
        flash: None,
    };
    Ok(render_page(uri, status, page).await)
}

/// Re-renders the edit page from the stored posting (an action was refused).
async fn refuse_current(
    state: &AppState,
    admin: &AdminUser,
    uri: &Uri,
    id: Uuid,
    errors: FieldErrors,
    problem: Option<String>,
) -> Result<Response, AppError> {
    let nav = Nav::new(admin, "jobs");
    let mut ttx = admin.begin(&state.pool).await?;
    let Some(posting) = postings::db::get(&mut ttx, id).await? else {
        return Ok(not_found(uri, Some(nav)).await);
    };
    ttx.commit().await?;
    let status = if problem.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FormPage {
        nav,
        stored: Some(Stored::new(&posting, 0)),
        values: JobFormValues::from_posting(&posting),
        errors,
        problem,
        flash: None,
    };
    Ok(render_page(uri, status, page).await)
}

fn save_error(e: SaveError) -> AppError {
    match e {
        SaveError::NotFound => AppError::NotFound,
        SaveError::Invalid(errs) => AppError::Validation(errs),
        SaveError::Stale { current } => AppError::Conflict(stale_message(current)),
        SaveError::DuplicateId(id) => AppError::Conflict(format!("job {id} already exists")),
        SaveError::Db(e) => e.into(),
    }
}

async fn render_page(uri: &Uri, status: StatusCode, page: FormPage) -> Response {
    render::page(uri, status, move || form_view(page.clone())).await
}

fn text_input(
    label: &'static str,
    name: &'static str,
    value: String,
    errors: &FieldErrors,
    kind: &'static str,
    hint: Option<&'static str>,
) -> impl IntoView + use<> {
    let id = field_id(name);
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let described = match (described_by(errors, name), hint_id.clone()) {
        (Some(e), Some(h)) => Some(format!("{e} {h}")),
        (e, h) => e.or(h),
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {field_error(errors, name)}
            <input id=id name=name type=kind value=value aria-invalid=invalid(errors, name)
                aria-describedby=described/>
        </div>
    }
}

fn select_input(
    label: &'static str,
    name: &'static str,
    options: Vec<(&'static str, &'static str)>,
    selected: String,
    errors: &FieldErrors,
) -> impl IntoView + use<> {
    let id = field_id(name);
    let opts = options
        .into_iter()
        .map(|(v, l)| view! { <option value=v selected={v == selected}>{l}</option> })
        .collect_view();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {field_error(errors, name)}
            <select id=id name=name aria-invalid=invalid(errors, name)
                aria-describedby=described_by(errors, name)>{opts}</select>
        </div>
    }
}

fn checkbox(label: &'static str, name: &'static str, checked: bool) -> impl IntoView + use<> {
    let id = field_id(name);
    view! {
        <div class="field check">
            <input id=id.clone() name=name type="checkbox" value="on" checked=checked/>
            <label for=id>{label}</label>
        </div>
    }
}

fn question_rows(values: &JobFormValues, errors: &FieldErrors) -> impl IntoView + use<> {
    let existing = values.questions.len();
    let rows = values
        .questions
        .iter()
        .cloned()
        .chain(std::iter::repeat_n(QuestionRow::default(), BLANK_QUESTION_ROWS))
        .enumerate()
        .map(|(i, q)| {
            let field = format!("questions[{i}]");
            let err = errors.get(&field).map(str::to_string);
            let row_id = field_id(&field);
            let n = |f: &str| format!("q{i}_{f}");
            let kind = if q.kind.is_empty() { "text".to_string() } else { q.kind.clone() };
            let kinds = QuestionType::ALL
                .iter()
                .map(|t| {
                    let label = match t {
                        QuestionType::Text => "Short text",
                        QuestionType::Textarea => "Long text",
                        QuestionType::Select => "Choice",
                        QuestionType::Checkbox => "Yes/no box",
                        QuestionType::Url => "Web address",
                    };
                    view! { <option value=t.as_str() selected={t.as_str() == kind}>{label}</option> }
                })
                .collect_view();
            let legend = if i < existing {
                format!("Question {}", i + 1)
            } else {
                "New question (leave empty to skip)".to_string()
            };
            view! {
                <fieldset class="question" id=row_id.clone()>
                    <legend>{legend}</legend>
                    {err.map(|e| view! { <p class="field-error">{e}</p> })}
                    <input type="hidden" name=n("name") value=q.name.clone()/>
                    <div class="field">
                        <label for=format!("{row_id}-label")>"Question"</label>
                        <input id=format!("{row_id}-label") name=n("label") value=q.label.clone()/>
                    </div>
                    <div class="field">
                        <label for=format!("{row_id}-type")>"Answer type"</label>
                        <select id=format!("{row_id}-type") name=n("type")>{kinds}</select>
                    </div>
                    <div class="field">
                        <label for=format!("{row_id}-options")>"Choices (comma-separated, for a choice question)"</label>
                        <input id=format!("{row_id}-options") name=n("options") value=q.options.clone()/>
                    </div>
                    <div class="field check">
                        <input id=format!("{row_id}-required") type="checkbox" name=n("required")
                            value="on" checked=q.required/>
                        <label for=format!("{row_id}-required")>"Required"</label>
                    </div>
                    {(i < existing).then(|| view! {
                        <div class="field check">
                            <input id=format!("{row_id}-remove") type="checkbox" name=n("remove") value="on"/>
                            <label for=format!("{row_id}-remove")>"Remove this question"</label>
                        </div>
                    })}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <fieldset class="questions" id="questions">
            <legend>"Application questions"</legend>
            {field_error(errors, "questions")}
            {rows}
        </fieldset>
    }
}

fn action_forms(stored: &Stored, csrf: &str) -> impl IntoView + use<> {
    let action_url = format!("/admin/jobs/{}", stored.id);
    let button = |value: &'static str, label: &'static str| {
        let action_url = action_url.clone();
        let csrf = csrf.to_string();
        let version = stored.version.to_string();
        view! {
            <form method="post" action=action_url class="inline">
                <CsrfField token=csrf/>
                <input type="hidden" name="version" value=version/>
                <button type="submit" name="action" value=value class="secondary">{label}</button>
            </form>
        }
    };
    let buttons = match stored.status {
        PostingStatus::Draft => vec![button("publish", "Publish"), button("archive", "Archive")],
        PostingStatus::Open => vec![button("close", "Close"), button("archive", "Archive")],
        PostingStatus::Closed => vec![button("reopen", "Reopen"), button("archive", "Archive")],
        PostingStatus::Archived => vec![button("reopen", "Reopen")],
    };
    let version = stored.version.to_string();
    view! {
        <section class="actions" aria-label="Job actions">
            {buttons.collect_view()}
            <form method="post" action=action_url.clone() class="inline danger-zone">
                <CsrfField token=csrf.to_string()/>
                <input type="hidden" name="version" value=version/>
                <input type="checkbox" id="confirm" name="confirm" value="yes" required=true/>
                <label for="confirm">"I want to delete this job"</label>
                <button type="submit" name="action" value="delete" class="danger">"Delete"</button>
            </form>
        </section>
    }
}

fn form_view(page: FormPage) -> impl IntoView {
    let FormPage {
        nav,
        stored,
        values: v,
        errors: e,
        problem,
        flash,
    } = page;
    let csrf = nav.csrf.clone();
    let title = match &stored {
        Some(_) => format!("Edit job: {}", v.title),
        None => "Post a job".to_string(),
    };
    let action_url = stored
        .as_ref()
        .map(|s| format!("/admin/jobs/{}", s.id))
        .unwrap_or_else(|| "/admin/jobs/new".into());
    let version = stored.as_ref().map(|s| s.version.to_string());
    let enum_opts = |all: Vec<(&'static str, &'static str)>| all;
    let remote = enum_opts(
        RemotePolicy::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
    );
    let types = enum_opts(
        JobType::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
    );
    let periods = enum_opts(
        SalaryPeriod::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
    );
    let statuses = enum_opts(
        PostingStatus::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
    );
    let summary = view! {
        <ErrorSummary errors=e.clone() extra=problem.clone().unwrap_or_default() order=FIELD_ORDER/>
    };
    let summary = (!e.is_empty() || problem.is_some()).then_some(summary);
    let info = stored.as_ref().map(|s| {
        let public = s.public.then(|| {
            let href = format!("/jobs/{}", s.id);
            view! { " · "<a href=href>"View the public listing"</a> }
        });
        let apps = format!("/admin/applications?job={}", s.id);
        view! {
            <p class="meta">
                <span class=format!("badge status-{}", s.status.as_str())>{s.status.label()}</span>
                {format!(" · version {} · updated {} · ", s.version, when(s.updated_at))}
                <a href=apps>{count_of(s.applications, "application")}</a>
                {public}
            </p>
        }
    });
    let actions = stored.as_ref().map(|s| action_forms(s, &csrf));
    let preview = stored.as_ref().map(|s| {
        let html = s.preview_html.clone();
        view! {
            <section class="preview" aria-labelledby="preview-heading">
                <h2 id="preview-heading">"Description preview (as candidates see it)"</h2>
                <div class="description" inner_html=html></div>
            </section>
        }
    });
    let submit = if stored.is_some() {
        view! { <button type="submit" name="action" value="save">"Save changes"</button> }
            .into_any()
    } else {
        view! {
            <button type="submit" name="action" value="save">"Save"</button>
            " "
            <button type="submit" name="action" value="publish" class="secondary">"Save and publish"</button>
        }
        .into_any()
    };
    view! {
        <AdminPage title=title nav=Some(nav)>
            {flash.map(|f| view! { <p class="flash" role="status">{f}</p> })}
            {summary}
            {info}
            {actions}
            <form method="post" action=action_url class="admin-form job-form" novalidate=true>
                <CsrfField token=csrf.clone()/>
                {version.map(|v| view! { <input type="hidden" name="version" value=v/> })}
                <input type="hidden" name="published_at_exact" value=v.published_at_exact.clone()/>
                <input type="hidden" name="expires_at_exact" value=v.expires_at_exact.clone()/>
                <fieldset>
                    <legend>"The job"</legend>
                    {text_input("Title", "title", v.title.clone(), &e, "text", None)}
                    <div class="field">
                        <label for="description">"Description"</label>
                        <p class="hint" id="description-hint">"Markdown: **bold**, *italic*, lists with -, links as [text](https://…)."</p>
                        {field_error(&e, "description")}
                        <textarea id="description" name="description" rows="14"
                            aria-invalid=invalid(&e, "description")
                            aria-describedby="description-hint">{textarea_text(&v.description)}</textarea>
                    </div>
                    {text_input("Location", "location", v.location.clone(), &e, "text", Some("City and country, e.g. Berlin, Germany."))}
                    {select_input("Workplace", "remote_policy", remote, v.remote_policy.clone(), &e)}
                    {select_input("Employment type", "job_type", types, v.job_type.clone(), &e)}
                    {text_input("Category", "category", v.category.clone(), &e, "text", Some("e.g. Engineering, Sales."))}
                </fieldset>
                <fieldset>
                    <legend>"Salary"</legend>
                    {text_input("Minimum", "salary_min", v.salary_min.clone(), &e, "text", None)}
                    {text_input("Maximum", "salary_max", v.salary_max.clone(), &e, "text", None)}
                    {text_input("Currency", "salary_currency", v.salary_currency.clone(), &e, "text", Some("Three letters, e.g. EUR."))}
                    {select_input("Period", "salary_period", periods, v.salary_period.clone(), &e)}
                    {checkbox("Show the salary to candidates", "show_salary", v.show_salary)}
                </fieldset>
                <fieldset>
                    <legend>"Publishing"</legend>
                    {select_input("Status", "status", statuses, v.status.clone(), &e)}
                    {checkbox("List on the public career page and job board", "published_on_career_page", v.published_on_career_page)}
                    {checkbox("Internal only (never public)", "internal_only", v.internal_only)}
                    {text_input("Publish from (UTC, optional)", "published_at", v.published_at.clone(), &e, "datetime-local", Some("Empty: when the job is first opened."))}
                    {text_input("Expires (UTC, optional)", "expires_at", v.expires_at.clone(), &e, "datetime-local", None)}
                </fieldset>
                <fieldset>
                    <legend>"Application form"</legend>
                    {checkbox("Require a resume", "require_resume", v.require_resume)}
                    {checkbox("Require a cover letter", "require_cover_letter", v.require_cover_letter)}
                </fieldset>
                {question_rows(&v, &e)}
                <div class="form-actions">{submit}" "<a href="/admin/jobs">"Cancel"</a></div>
            </form>
            {preview}
        </AdminPage>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn question_rows_are_read_kept_removed_and_blank_ones_skipped() {
        let v = JobFormValues::from_pairs(&pairs(&[
            ("title", "Dev"),
            ("remote_policy", "remote"),
            ("job_type", "full_time"),
            ("salary_period", "year"),
            ("status", "draft"),
            ("q0_name", "q_a"),
            ("q0_label", "Why us?"),
            ("q0_type", "textarea"),
            ("q0_required", "on"),
            ("q1_name", "q_b"),
            ("q1_label", "Old"),
            ("q1_remove", "on"),
            ("q2_label", ""),
            ("q2_type", "text"),
            ("q3_label", "Stack?"),
            ("q3_type", "select"),
            ("q3_options", "Rust, Go"),
        ]));
        assert_eq!(v.questions.len(), 2);
        assert!(v.questions[0].required);
        let d = v.to_draft().unwrap();
        assert_eq!(d.questions[1].options, vec!["Rust", "Go"]);
        assert!(d.questions[1].name.starts_with("q_"));
    }

    #[test]
    fn an_unchanged_time_keeps_its_seconds_and_a_changed_one_is_taken_as_typed() {
        let base = [
            ("title", "Dev"),
            ("remote_policy", "remote"),
            ("job_type", "full_time"),
            ("salary_period", "year"),
            ("status", "open"),
            ("published_at_exact", "2026-11-20T10:00:42+00:00"),
        ];
        let mut same = base.to_vec();
        same.push(("published_at", "2026-11-20T10:00"));
        let d = JobFormValues::from_pairs(&pairs(&same)).to_draft().unwrap();
        assert_eq!(
            d.published_at.unwrap().to_rfc3339(),
            "2026-11-20T10:00:42+00:00"
        );
        let mut changed = base.to_vec();
        changed.push(("published_at", "2026-11-21T09:30"));
        let d = JobFormValues::from_pairs(&pairs(&changed))
            .to_draft()
            .unwrap();
        assert_eq!(
            d.published_at.unwrap().to_rfc3339(),
            "2026-11-21T09:30:00+00:00"
        );
    }

    #[test]
    fn unparsable_values_are_reported_per_field() {
        let v = JobFormValues::from_pairs(&pairs(&[
            ("title", ""),
            ("salary_min", "lots"),
            ("expires_at", "tomorrow"),
            ("remote_policy", "moon"),
            ("job_type", "full_time"),
            ("salary_period", "year"),
            ("status", "draft"),
        ]));
        let errs = v.to_draft().unwrap_err();
        for f in ["title", "salary_min", "expires_at", "remote_policy"] {
            assert!(errs.get(f).is_some(), "{f}: {errs:?}");
        }
    }
}
