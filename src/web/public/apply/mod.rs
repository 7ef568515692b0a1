//! `GET|POST /jobs/{id}/apply` and `GET /jobs/{id}/apply/sent`: the application form, working
//! without JavaScript. A POST goes through the same intake as the JSON API. On a validation error
//! the form comes back (422) with everything typed except the file, a message beside each field
//! and a summary linking to them; on success 303 to the confirmation page; a duplicate gets a
//! friendly explanation.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use uuid::Uuid;

mod view;

use super::form_guard::{self, TokenCheck};
use super::{errors, job::gone_or_missing, query_pairs};
use crate::applications::intake::{
    self, ApplicationInput, IntakeContext, IntakeError, ResumeUpload,
};
use crate::applications::pending_resume;
use crate::apply_body::{self, Fields, ReadError, Refused, Values};
use crate::catalog::query::{self, JobDetail};
use crate::error::FieldErrors;
use crate::state::AppState;
use crate::web::layout::{Document, Head, Section};
use crate::web::render;
use view::ApplyView;

/// The form's state for one render.
#[derive(Debug, Clone, Default)]
struct FormState {
    values: Values,
    errors: FieldErrors,
    token: String,
    /// A problem with the form as a whole (e.g. it expired).
    notice: Option<String>,
    /// The resume sent with the last try, kept for this one.
    kept: Option<KeptResume>,
}

/// A resume kept from the form's last try: its signed reference (a hidden field), name and size.
#[derive(Debug, Clone)]
struct KeptResume {
    reference: String,
    filename: String,
    size: usize,
}

/// Keeps the resume of a try that comes back with an error, so the next try need not attach it
/// again (the one already kept is reused). `None` when there is none, or it cannot be kept (then
/// the form asks for the file again, as it says).
async fn keep_for_next_try(
    state: &AppState,
    job_id: Uuid,
    resume: Option<&ResumeUpload>,
    kept_id: Option<Uuid>,
) -> Option<KeptResume> {
    let resume = resume?;
    let id = match kept_id {
        Some(id) => id,
        None => match pending_resume::keep(&state.pool, job_id, resume).await {
            Ok(id) => id,
            Err(e) => {
                tracing::warn!(error = %crate::error::loggable(&e), "cannot keep a resume for the next try");
                return None;
            }
        },
    };
    Some(KeptResume {
        reference: form_guard::sign_kept_resume(&state.settings.data_dir, job_id, id),
        filename: resume.filename.clone(),
        size: resume.data.len(),
    })
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn load(state: &AppState, id: &str, uri: &Uri) -> Result<JobDetail, Response> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Err(errors::job_not_found(uri).await);
    };
    match query::get_job(&state.pool, id).await {
        Ok(Some(job)) => Ok(job),
        Ok(None) => Err(gone_or_missing(state, id, uri).await),
        Err(e) => Err(errors::from_app_error(uri, e.into()).await),
    }
}

/// `GET /jobs/{id}/apply`: an empty form. `utm_*` parameters of the link are carried along.
pub async fn show(State(state): State<AppState>, Path(id): Path<String>, uri: Uri) -> Response {
    let job = match load(&state, &id, &uri).await {
        Ok(j) => j,
        Err(r) => return r,
    };
    let values: Values = query_pairs(&uri)
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), "utm_source" | "utm_medium" | "utm_campaign"))
        .collect();
    let form = FormState {
        values,
        token: form_guard::issue(&state.settings.data_dir, job.summary.id, now_secs()),
        ..Default::default()
    };
    render_form(&state, &uri, StatusCode::OK, job, form).await
}

/// `POST /jobs/{id}/apply`.
pub async fn submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    axum::Extension(client): axum::Extension<crate::server::client_ip::ClientAddr>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    if !form_guard::same_origin(&headers, &state.settings.public_url) {
        return errors::page(
            &uri,
            StatusCode::FORBIDDEN,
            "Form not accepted".into(),
            "This application was sent from another website, so we did not accept it. Please \
             apply from the job's page on this site."
                .into(),
        )
        .await;
    }
    let job = match load(&state, &id, &uri).await {
        Ok(j) => j,
        Err(r) => return r,
    };
    let job_id = job.summary.id;
    let data_dir = state.settings.data_dir.clone();
    // Every way back to the form: what was typed, one message (beside a field or over the form).
    // The form keeps the time it was first served (the sent token's, when genuine): the fill-time
    // rule measures the person's whole visit, so fixing one field and sending again is never
    // "too fast".
    let again = |values: Values, error: Option<(&str, &str)>, notice: Option<&str>| {
        let mut errors = FieldErrors::new();
        if let Some((field, message)) = error {
            errors.add(field, message);
        }
        let now = now_secs();
        let served = values
            .get(form_guard::TOKEN)
            .and_then(|t| match form_guard::check(&data_dir, job_id, t, now) {
                TokenCheck::Valid { seconds } => Some(now - seconds),
                _ => None,
            })
            .unwrap_or(now);
        FormState {
            values,
            errors,
            token: form_guard::issue(&data_dir, job_id, served),
            notice: notice.map(str::to_string),
            kept: None,
        }
    };
    let read = match multipart {
        Ok(mp) => apply_body::read_multipart(mp).await,
        Err(_) => Err(Refused {
            error: ReadError::Malformed(String::new()),
            values: Values::new(),
        }),
    };
    let Fields { values, resume } = match read {
        Ok(fields) => fields,
        Err(Refused { error, values }) => {
            let (status, form) = match error {
                ReadError::TooLarge => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    again(values, Some(("resume", TOO_LARGE)), None),
                ),
                ReadError::FieldTooLong(name) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    again(values, Some((&name, "This is too long. Shorten it.")), None),
                ),
                ReadError::NotText(name) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    again(
                        values,
                        Some((&name, "This could not be read as text.")),
                        None,
                    ),
                ),
                ReadError::Malformed(_) => (
                    StatusCode::BAD_REQUEST,
                    again(
                        Values::new(),
                        None,
                        Some("Your application could not be read. Please fill in the form again."),
                    ),
                ),
            };
            return render_form(&state, &uri, status, job, form).await;
        }
    };
    // The resume: a file sent now, else the one kept from the last try (when its reference is
    // genuine for this job and it is still kept).
    let kept_ref = values
        .get(form_guard::KEPT_RESUME)
        .and_then(|r| form_guard::check_kept_resume(&data_dir, job_id, r));
    let (resume, kept_id) = match (resume, kept_ref) {
        (Some(r), _) => (Some(r), None),
        (None, Some(id)) => match pending_resume::find(&state.pool, job_id, id).await {
            Ok(Some(r)) => (Some(r), Some(id)),
            Ok(None) => (None, None),
            Err(e) => return errors::from_app_error(&uri, e.into()).await,
        },
        (None, None) => (None, None),
    };
    let sent_token = values.get(form_guard::TOKEN).cloned().unwrap_or_default();
    let seconds = match form_guard::check(&data_dir, job_id, &sent_token, now_secs()) {
        TokenCheck::Valid { seconds } => seconds,
        check => {
            let notice = if check == TokenCheck::Expired {
                "This form was open for a long time and has expired. Check your answers, attach your resume again and send it."
            } else {
                "We could not verify this form. Check your answers, attach your resume again and send it."
            };
            let mut form = again(values, None, Some(notice));
            form.kept = keep_for_next_try(&state, job_id, resume.as_ref(), kept_id).await;
            return render_form(&state, &uri, StatusCode::UNPROCESSABLE_ENTITY, job, form).await;
        }
    };
    // The form counts against the same per-address apply limit as the API (else the API's limit
    // could be bypassed through it); a person over it keeps everything they typed.
    if let Err(secs) = state
        .api_limits
        .check(client.0, crate::api::rate_limit::Class::Apply)
    {
        let notice = format!(
            "Too many applications were sent from your network in the last minute. Wait {secs} \
             seconds, then press Send again."
        );
        let mut form = again(values, None, Some(&notice));
        form.kept = keep_for_next_try(&state, job_id, resume.as_ref(), kept_id).await;
        let mut res = render_form(&state, &uri, StatusCode::TOO_MANY_REQUESTS, job, form).await;
        res.headers_mut()
            .insert(header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
        return res;
    }
    let honeypot = values
        .get(form_guard::HONEYPOT)
        .is_some_and(|v| !v.trim().is_empty());
    if !honeypot && seconds < form_guard::MIN_FILL_SECS {
        // Sent faster than a person fills a form (an autofill, a double click): nothing is
        // dropped behind a fake success — the person confirms, and the confirmation counts.
        let mut form = again(
            values,
            None,
            Some("Please check your application, then press Send once more to confirm it."),
        );
        form.kept = keep_for_next_try(&state, job_id, resume.as_ref(), kept_id).await;
        form.token = form_guard::issue(&data_dir, job_id, now_secs() - form_guard::MIN_FILL_SECS);
        return render_form(&state, &uri, StatusCode::OK, job, form).await;
    }
    let mut ctx = IntakeContext::new(intake::Channel::Site, state.settings.public_url.clone());
    // A filled honeypot: stored kept aside for HR to judge, answered like any application.
    ctx.suspected_spam = honeypot.then(|| "honeypot".to_string());
    ctx.referrer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(500).collect());
    let input = to_input(&values, &job, resume.clone());
    let (field_error, values) = match intake::submit(&state.pool, job_id, input, ctx).await {
        Ok(_) => {
            if let Some(id) = kept_id
                && let Err(e) = pending_resume::forget(&state.pool, id).await
            {
                // Pruned within a day anyway.
                tracing::warn!(error = %crate::error::loggable(&e), "cannot forget a kept resume");
            }
            return Redirect::to(&format!("/jobs/{job_id}/apply/sent")).into_response();
        }
        Err(IntakeError::Invalid(errors)) => {
            let kept = match errors.get("resume") {
                Some(_) => None,
                None => keep_for_next_try(&state, job_id, resume.as_ref(), kept_id).await,
            };
            let form = FormState {
                errors,
                kept,
                ..again(values, None, None)
            };
            return render_form(&state, &uri, StatusCode::UNPROCESSABLE_ENTITY, job, form).await;
        }
        Err(IntakeError::ResumeTooLarge) => (TOO_LARGE, values),
        Err(IntakeError::UnsupportedResume(_)) => (
            "Attach your resume as a PDF, DOC, DOCX, RTF or TXT file.",
            values,
        ),
        Err(IntakeError::Duplicate) => return duplicate(&uri, job).await,
        Err(IntakeError::NotFound) => return gone_or_missing(&state, job_id, &uri).await,
        Err(e) => return errors::from_app_error(&uri, e.into()).await,
    };
    let form = again(values, Some(("resume", field_error)), None);
    render_form(&state, &uri, StatusCode::UNPROCESSABLE_ENTITY, job, form).await
}

/// The message for a resume over the limit.
const TOO_LARGE: &str = "The file is larger than 10 MB. Attach a smaller file.";

/// The application a form post makes: its fields as the API reads them, answers only to the
/// job's own questions.
fn to_input(values: &Values, job: &JobDetail, resume: Option<ResumeUpload>) -> ApplicationInput {
    let mut input = Fields {
        values: values.clone(),
        resume,
    }
    .into_input();
    input.answers.retain(|name, _| {
        job.application_form
            .questions
            .iter()
            .any(|q| &q.name == name)
    });
    input
}

async fn render_form(
    state: &AppState,
    uri: &Uri,
    status: StatusCode,
    job: JobDetail,
    form: FormState,
) -> Response {
    let prefix = if form.errors.is_empty() && form.notice.is_none() {
        ""
    } else {
        "Error: "
    };
    let head = Head::new(
        format!(
            "{prefix}Apply for {} at {}",
            job.summary.title, job.summary.company.name
        ),
        format!(
            "Apply for the {} role at {}.",
            job.summary.title, job.summary.company.name
        ),
    )
    .canonical(format!(
        "{}/jobs/{}/apply",
        state.settings.public_url, job.summary.id
    ))
    .noindex()
    .section(Section::Jobs);
    render::page(uri, status, move || {
        let (job, form) = (job.clone(), form.clone());
        view! {
            <Document head=head.clone()>
                <ApplyView job=job form=form/>
            </Document>
        }
    })
    .await
}

/// The friendly answer to a second application with the same email.
async fn duplicate(uri: &Uri, job: JobDetail) -> Response {
    let head = Head::new(
        "You have already applied",
        "You have already applied for this job.",
    )
    .noindex();
    render::page(uri, StatusCode::CONFLICT, move || {
        let s = job.summary.clone();
        view! {
            <Document head=head.clone()>
                <div class="container narrow confirmation">
                    <div class="check" aria-hidden="true">"i"</div>
                    <h1>"You have already applied for this job"</h1>
                    <p class="lead">
                        {format!("{} already has an application from this email address for the {} role, so we did not send it twice.", s.company.name, s.title)}
                    </p>
                    <p>"If something has changed, reply to the confirmation email you received, and the hiring team will update your application."</p>
                    <p>
                        <a class="button" href=format!("/jobs?company={}", s.company.slug)>
                            {format!("Other jobs at {}", s.company.name)}
                        </a>
                    </p>
                </div>
            </Document>
        }
    })
    .await
}

/// `GET /jobs/{id}/apply/sent`: the confirmation after a successful application.
pub async fn sent(State(state): State<AppState>, Path(id): Path<String>, uri: Uri) -> Response {
    let job = match Uuid::parse_str(&id) {
        Ok(id) => query::get_job(&state.pool, id).await.ok().flatten(),
        Err(_) => return errors::not_found(&uri).await,
    };
    let head = Head::new("Application sent", "Your application has been sent.").noindex();
    render::page(&uri, StatusCode::OK, move || {
        let (title, company, slug) = match &job {
            Some(j) => (
                format!("Your application for {} has been sent", j.summary.title),
                j.summary.company.name.clone(),
                Some(j.summary.company.slug.clone()),
            ),
            None => ("Your application has been sent".to_string(), "The company".to_string(), None),
        };
        view! {
            <Document head=head.clone()>
                <div class="container narrow confirmation" role="status">
                    <div class="check" aria-hidden="true">"✓"</div>
                    <h1>{title}</h1>
                    <p class="lead">{format!("{company} has received your application.")}</p>
                    <div class="next-steps">
                        <h2>"What happens next"</h2>
                        <ul>
                            <li>"We have sent a confirmation to your email address."</li>
                            <li>"The hiring team reviews every application and will contact you about the next steps."</li>
                        </ul>
                    </div>
                    <p>
                        <a class="button" href="/jobs">"Find more jobs"</a>
                        {slug.map(|s| view! {
                            " "
                            <a class="button button-secondary" href=format!("/companies/{s}")>{format!("More about {company}")}</a>
                        })}
                    </p>
                </div>
            </Document>
        }
    })
    .await
}

/// The body limit layer of the POST route.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(apply_body::BODY_LIMIT)
}
