//! `GET|POST /admin/jobs/new` and `GET|POST /admin/jobs/{id}`: create and edit a job with every
//! posting field (custom questions included: existing rows plus blank ones, each with a "remove"
//! box, so no JavaScript is needed), and the publish / close / reopen / archive / delete actions.
//! Every write goes through [`postings::save`], so the public catalog follows in the same
//! transaction. Bad input re-renders the form with 422, the values as typed and a message per field.
//! The values live in `values.rs`, the markup in `view.rs`.

mod values;
mod view;

use crate::audit;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::layout::{Nav, not_found};
use crate::applications::pipeline;
use crate::auth::AdminUser;
use crate::catalog::projection::sanitize_description;
use crate::error::{AppError, FieldErrors};
use crate::postings::model::{Posting, PostingStatus};
use crate::postings::{self, PostingChange, SaveError};
use crate::state::AppState;
use crate::web::render;
pub use values::JobFormValues;
use view::form_view;

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
    /// The job's hiring team, and every active member (to add from).
    team: Vec<postings::team::TeamMember>,
    members: Vec<(Uuid, String, crate::auth::roles::Role)>,
}

impl Stored {
    fn new(p: &Posting, applications: i64) -> Self {
        Stored {
            team: Vec::new(),
            members: Vec::new(),
            id: p.id,
            status: p.status,
            version: p.version,
            public: p.is_publishable(),
            updated_at: p.updated_at,
            preview_html: sanitize_description(&p.description),
            applications,
        }
    }

    async fn load_team(
        &mut self,
        ttx: &mut crate::tenancy::TenantTx,
        tenant_id: Uuid,
    ) -> sqlx::Result<()> {
        self.team = postings::team::members(ttx, self.id).await?;
        self.members = crate::auth::team::active_members(ttx, tenant_id).await?;
        Ok(())
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
    if Action::of(&pairs) == Some(Action::Publish) {
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
            let detail = serde_json::json!({ "status": saved.posting.status.as_str() });
            let job = audit::Subject::Job(saved.posting.id);
            audit::record(&mut ttx, &(&admin).into(), "job.created", job, detail).await?;
            // Whoever posts a job is on its hiring team (and told of its applications).
            postings::team::add(&mut ttx, admin.tenant.id, saved.posting.id, admin.user_id).await?;
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
    let mut stored = Stored::new(
        &posting,
        stats.get(&id).map(|s| s.applications).unwrap_or(0),
    );
    stored.load_team(&mut ttx, admin.tenant.id).await?;
    ttx.commit().await?;
    let flash = q.done.as_deref().and_then(done_message).map(str::to_string);
    let page = FormPage {
        nav,
        stored: Some(stored),
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
        "team" => "The hiring team was changed.",
        _ => return None,
    })
}

/// What a job form's button asks for (`action=…`; a form without one saves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Save,
    Publish,
    Reopen,
    Close,
    Archive,
    Delete,
}

impl Action {
    fn of(pairs: &[(String, String)]) -> Option<Self> {
        let name = pairs
            .iter()
            .find(|(k, _)| k == "action")
            .map_or("save", |(_, v)| v.as_str());
        Some(match name {
            "save" => Action::Save,
            "publish" => Action::Publish,
            "reopen" => Action::Reopen,
            "close" => Action::Close,
            "archive" => Action::Archive,
            "delete" => Action::Delete,
            _ => return None,
        })
    }

    /// The status a status action moves the job to.
    fn status(self) -> Option<PostingStatus> {
        match self {
            Action::Publish | Action::Reopen => Some(PostingStatus::Open),
            Action::Close => Some(PostingStatus::Closed),
            Action::Archive => Some(PostingStatus::Archived),
            Action::Save | Action::Delete => None,
        }
    }

    /// The `done=` of the page shown after it (see [`done_message`]).
    fn done(self) -> &'static str {
        match self {
            Action::Save => "saved",
            Action::Publish => "published",
            Action::Reopen => "reopened",
            Action::Close => "closed",
            Action::Archive => "archived",
            Action::Delete => "deleted",
        }
    }
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
    let Some(act) = Action::of(&pairs) else {
        return Err(crate::error::invalid("action", "Unknown action."));
    };
    let expected_version = Some(version);
    let change = match act {
        Action::Save => match values.to_draft() {
            Ok(draft) => PostingChange::Update {
                id,
                expected_version,
                draft,
            },
            Err(errors) => {
                return refuse(&state, &admin, &uri, id, Some(values), errors, None).await;
            }
        },
        Action::Delete => {
            if !pairs.iter().any(|(k, v)| k == "confirm" && v == "yes") {
                let mut errors = FieldErrors::new();
                errors.add("confirm", "Tick the box to confirm the deletion.");
                return refuse(&state, &admin, &uri, id, None, errors, None).await;
            }
            PostingChange::Delete {
                id,
                expected_version,
            }
        }
        status_action => match status_action.status() {
            Some(status) => PostingChange::SetStatus {
                id,
                expected_version,
                status,
            },
            None => return Err(crate::error::invalid("action", "Unknown action.")),
        },
    };
    // A refused save shows what was typed; a refused action shows the stored job.
    let typed = (act == Action::Save).then_some(values);
    let mut ttx = admin.begin(&state.pool).await?;
    match postings::save(&mut ttx, admin.tenant.id, change).await {
        Ok(_) => {
            let action = format!("job.{}", act.done());
            let job = audit::Subject::Job(id);
            audit::record(
                &mut ttx,
                &(&admin).into(),
                &action,
                job,
                serde_json::Value::Null,
            )
            .await?;
            ttx.commit().await?;
            let to = if act == Action::Delete {
                "/admin/jobs?done=deleted".to_string()
            } else {
                format!("/admin/jobs/{id}?done={}", act.done())
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(SaveError::NotFound) => Ok(not_found(&uri, Some(nav)).await),
        Err(SaveError::Stale { current }) => {
            drop(ttx);
            let msg = Some(stale_message(current));
            refuse(&state, &admin, &uri, id, typed, FieldErrors::new(), msg).await
        }
        Err(SaveError::Invalid(errors)) => {
            drop(ttx);
            refuse(&state, &admin, &uri, id, typed, errors, None).await
        }
        Err(e) => Err(save_error(e)),
    }
}

/// Re-renders the edit page, 409 for a stale version, else 422: with what the person `typed`
/// (keeping the version they loaded: a stale form stays stale until reloaded), or from the stored
/// posting when an action was refused.
async fn refuse(
    state: &AppState,
    admin: &AdminUser,
    uri: &Uri,
    id: Uuid,
    typed: Option<JobFormValues>,
    errors: FieldErrors,
    problem: Option<String>,
) -> Result<Response, AppError> {
    let nav = Nav::new(admin, "jobs");
    let mut ttx = admin.begin(&state.pool).await?;
    let Some(posting) = postings::db::get(&mut ttx, id).await? else {
        return Ok(not_found(uri, Some(nav)).await);
    };
    let mut stored = Stored::new(&posting, 0);
    stored.load_team(&mut ttx, admin.tenant.id).await?;
    ttx.commit().await?;
    let status = if problem.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let values = match typed {
        Some(values) => {
            stored.version = values.version.unwrap_or(stored.version);
            values
        }
        None => JobFormValues::from_posting(&posting),
    };
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
