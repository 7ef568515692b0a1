//! `GET|POST /jobs/{id}/apply` and `GET /jobs/{id}/apply/sent`: the application form, working
//! without JavaScript. A POST goes through the same intake as the JSON API. On a validation error
//! the form comes back (422) with everything typed except the file, a message beside each field
//! and a summary linking to them; on success 303 to the confirmation page; a duplicate gets a
//! friendly explanation.

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use uuid::Uuid;

use super::form_guard::{self, TokenCheck};
use super::{errors, job::gone_or_missing, query_pairs};
use crate::applications::intake::{
    self, ApplicationInput, IntakeContext, IntakeError, ResumeUpload,
};
use crate::applications::resume::{ACCEPT, MAX_RESUME_BYTES};
use crate::catalog::query::{self, JobDetail};
use crate::error::FieldErrors;
use crate::postings::model::{Question, QuestionType};
use crate::state::AppState;
use crate::web::components::form::{ErrorSummary, FieldMessage, SummaryItem, TextArea};
use crate::web::components::format;
use crate::web::components::job_card::Logo;
use crate::web::layout::{Document, Head, Section};
use crate::web::render;

/// Request body limit of the apply POST: the largest resume plus room for the text fields.
pub const BODY_LIMIT: usize = MAX_RESUME_BYTES + 512 * 1024;

/// What the person typed (never the file), by field name.
type Values = BTreeMap<String, String>;

/// The form's state for one render.
#[derive(Debug, Clone, Default)]
struct FormState {
    values: Values,
    errors: FieldErrors,
    token: String,
    /// A problem with the form as a whole (e.g. it expired).
    notice: Option<String>,
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
    let fresh_token = || form_guard::issue(&data_dir, job_id, now_secs());
    let parsed = match multipart {
        Ok(mp) => read_form(mp).await,
        Err(_) => Err(ReadError::NotMultipart),
    };
    let (values, resume) = match parsed {
        Ok(v) => v,
        Err(ReadError::TooLarge(values)) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "resume",
                "The file is larger than 10 MB. Attach a smaller file.",
            );
            let form = FormState {
                values,
                errors,
                token: fresh_token(),
                notice: None,
            };
            return render_form(&state, &uri, StatusCode::UNPROCESSABLE_ENTITY, job, form).await;
        }
        Err(ReadError::NotMultipart) => {
            let form = FormState {
                token: fresh_token(),
                notice: Some(
                    "Your application could not be read. Please fill in the form again.".into(),
                ),
                ..Default::default()
            };
            return render_form(&state, &uri, StatusCode::BAD_REQUEST, job, form).await;
        }
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
            let form = FormState {
                values,
                errors: FieldErrors::new(),
                token: fresh_token(),
                notice: Some(notice.into()),
            };
            return render_form(&state, &uri, StatusCode::UNPROCESSABLE_ENTITY, job, form).await;
        }
    };
    let honeypot = values
        .get(form_guard::HONEYPOT)
        .is_some_and(|v| !v.trim().is_empty());
    let mut ctx = IntakeContext::new(intake::Channel::Site, state.settings.public_url.clone());
    ctx.looks_like_bot = honeypot || seconds < form_guard::MIN_FILL_SECS;
    ctx.referrer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(500).collect());
    let input = to_input(&values, &job, resume);
    match intake::submit(&state.pool, job_id, input, ctx).await {
        Ok(_) => Redirect::to(&format!("/jobs/{job_id}/apply/sent")).into_response(),
        Err(IntakeError::Invalid(errors)) => {
            let form = FormState {
                values,
                errors,
                token: fresh_token(),
                notice: None,
            };
            render_form(&state, &uri, StatusCode::UNPROCESSABLE_ENTITY, job, form).await
        }
        Err(IntakeError::ResumeTooLarge) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "resume",
                "The file is larger than 10 MB. Attach a smaller file.",
            );
            let form = FormState {
                values,
                errors,
                token: fresh_token(),
                notice: None,
            };
            render_form(&state, &uri, StatusCode::UNPROCESSABLE_ENTITY, job, form).await
        }
        Err(IntakeError::UnsupportedResume(_)) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "resume",
                "Attach your resume as a PDF, DOC, DOCX, RTF or TXT file.",
            );
            let form = FormState {
                values,
                errors,
                token: fresh_token(),
                notice: None,
            };
            render_form(&state, &uri, StatusCode::UNPROCESSABLE_ENTITY, job, form).await
        }
        Err(IntakeError::Duplicate) => duplicate(&uri, job).await,
        Err(IntakeError::NotFound) => gone_or_missing(&state, job_id, &uri).await,
        Err(e) => errors::from_app_error(&uri, e.into()).await,
    }
}

enum ReadError {
    TooLarge(Values),
    NotMultipart,
}

/// Reads the multipart body: text fields into `Values`, the `resume` file (if one was chosen).
async fn read_form(mut mp: Multipart) -> Result<(Values, Option<ResumeUpload>), ReadError> {
    let mut values = Values::new();
    let mut resume = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ReadError::TooLarge(values));
            }
            Err(_) => return Err(ReadError::NotMultipart),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "resume" {
            let filename = field.file_name().unwrap_or_default().to_string();
            match field.bytes().await {
                Ok(data) if data.len() > MAX_RESUME_BYTES => {
                    return Err(ReadError::TooLarge(values));
                }
                Ok(data) if !data.is_empty() => {
                    resume = Some(ResumeUpload {
                        filename,
                        data: data.to_vec(),
                    });
                }
                Ok(_) => {}
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(ReadError::TooLarge(values));
                }
                Err(_) => return Err(ReadError::NotMultipart),
            }
        } else if let Ok(text) = field.text().await {
            // Bounded by the body limit; a field repeated wins last, like a form post.
            values.insert(name, text);
        }
    }
    Ok((values, resume))
}

fn to_input(values: &Values, job: &JobDetail, resume: Option<ResumeUpload>) -> ApplicationInput {
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let opt = |k: &str| values.get(k).cloned().filter(|v| !v.trim().is_empty());
    let answers = job
        .application_form
        .questions
        .iter()
        .filter_map(|q| values.get(&q.name).map(|v| (q.name.clone(), v.clone())))
        .collect();
    ApplicationInput {
        first_name: get("first_name"),
        last_name: get("last_name"),
        email: get("email"),
        phone: opt("phone"),
        cover_letter: opt("cover_letter"),
        linkedin_url: opt("linkedin_url"),
        portfolio_url: opt("portfolio_url"),
        consent: values.contains_key("consent"),
        answers,
        resume,
        utm_source: opt("utm_source"),
        utm_medium: opt("utm_medium"),
        utm_campaign: opt("utm_campaign"),
    }
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

/// The order fields appear in, for the error summary.
fn field_order(job: &JobDetail) -> Vec<String> {
    let mut order: Vec<String> = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "linkedin_url",
        "portfolio_url",
        "resume",
        "cover_letter",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    order.extend(
        job.application_form
            .questions
            .iter()
            .map(|q| q.name.clone()),
    );
    order.push("consent".into());
    order
}

fn summary_items(job: &JobDetail, errors: &FieldErrors) -> Vec<SummaryItem> {
    let order = field_order(job);
    let mut items: Vec<SummaryItem> = order
        .iter()
        .filter_map(|f| {
            errors.get(f).map(|m| SummaryItem {
                input_id: f.clone(),
                message: m.to_string(),
            })
        })
        .collect();
    // Errors on fields the form does not show (e.g. utm_*) still get listed, linked to the top.
    for (field, msgs) in &errors.0 {
        if !order.contains(field) {
            items.push(SummaryItem {
                input_id: "apply-form".into(),
                message: format!("{field}: {}", msgs.join(" ")),
            });
        }
    }
    items
}

/// One text-like input with its label, hint and error.
#[allow(clippy::too_many_arguments)]
fn text_field(
    form: &FormState,
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    required: bool,
    hint: Option<&'static str>,
) -> AnyView {
    let error = form.errors.get(name).map(str::to_string);
    let value = form.values.get(name).cloned().unwrap_or_default();
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let described = [
        hint.map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let invalid = error.is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=name>
                {label}
                {(!required).then(|| view! { <span class="optional">" (optional)"</span> })}
            </label>
            {hint.map(|h| view! { <span class="hint" id=hint_id.clone()>{h}</span> })}
            <FieldMessage id=error_id message=error/>
            <input
                id=name
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=required
                aria-invalid=invalid.then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)
            />
        </div>
    }
    .into_any()
}

fn question_field(form: &FormState, q: Question) -> AnyView {
    let error = form.errors.get(&q.name).map(str::to_string);
    let value = form.values.get(&q.name).cloned().unwrap_or_default();
    let error_id = format!("{}-error", q.name);
    let invalid = error.is_some();
    let described = invalid.then(|| error_id.clone());
    let optional = (!q.required).then(|| view! { <span class="optional">" (optional)"</span> });
    let control = match q.kind {
        QuestionType::Textarea => view! {
            <label for=q.name.clone()>{q.label.clone()}{optional}</label>
            <FieldMessage id=error_id message=error/>
            <TextArea id=q.name.clone() name=q.name.clone() value=value rows=5 required=q.required
                described_by=described.clone().unwrap_or_default() invalid=invalid/>
        }
        .into_any(),
        QuestionType::Select => {
            let options = q.options.clone();
            view! {
                <label for=q.name.clone()>{q.label.clone()}{optional}</label>
                <FieldMessage id=error_id message=error/>
                <select id=q.name.clone() name=q.name.clone() required=q.required
                    aria-invalid=invalid.then_some("true") aria-describedby=described>
                    <option value="" selected=value.is_empty()>"Choose…"</option>
                    {options
                        .into_iter()
                        .map(|o| {
                            let selected = o == value;
                            let label = o.clone();
                            view! { <option value=o selected=selected>{label}</option> }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
        QuestionType::Checkbox => {
            let checked = !value.is_empty();
            view! {
                <FieldMessage id=error_id message=error/>
                <div class="checkbox-field">
                    <input type="checkbox" id=q.name.clone() name=q.name.clone() value="on" checked=checked
                        required=q.required aria-invalid=invalid.then_some("true") aria-describedby=described/>
                    <label for=q.name.clone()>{q.label.clone()}{optional}</label>
                </div>
            }
            .into_any()
        }
        QuestionType::Text | QuestionType::Url => {
            let kind = if q.kind == QuestionType::Url {
                "url"
            } else {
                "text"
            };
            view! {
                <label for=q.name.clone()>{q.label.clone()}{optional}</label>
                <FieldMessage id=error_id message=error/>
                <input id=q.name.clone() name=q.name.clone() type=kind value=value required=q.required
                    aria-invalid=invalid.then_some("true") aria-describedby=described/>
            }
            .into_any()
        }
    };
    view! { <div class="field" class:field-invalid=invalid>{control}</div> }.into_any()
}

#[component]
fn ApplyView(job: JobDetail, form: FormState) -> impl IntoView {
    let s = job.summary.clone();
    let items = summary_items(&job, &form.errors);
    let has_errors = !items.is_empty();
    let action = format!("/jobs/{}/apply", s.id);
    let job_href = format!("/jobs/{}", s.id);
    let req_resume = job.application_form.require_resume;
    let req_cover = job.application_form.require_cover_letter;
    let resume_error = form.errors.get("resume").map(str::to_string);
    let cover_error = form.errors.get("cover_letter").map(str::to_string);
    let consent_error = form.errors.get("consent").map(str::to_string);
    let cover_value = form.values.get("cover_letter").cloned().unwrap_or_default();
    let consent_checked = form.values.contains_key("consent");
    let questions = job.application_form.questions.clone();
    let hidden: Vec<(String, String)> = ["utm_source", "utm_medium", "utm_campaign"]
        .iter()
        .filter_map(|k| form.values.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    let resume_described = match &resume_error {
        Some(_) => "resume-hint resume-error",
        None => "resume-hint",
    };
    let file_was_sent = has_errors && !form.errors.0.contains_key("resume") && req_resume;
    view! {
        <div class="container narrow form-page">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <ol>
                    <li><a href="/jobs">"Jobs"</a></li>
                    <li><a href=job_href.clone()>{s.title.clone()}</a></li>
                    <li><span aria-current="page">"Apply"</span></li>
                </ol>
            </nav>
            <div class="apply-summary">
                <Logo name=s.company.name.clone() url=job.company_profile.logo_url.clone()/>
                <div>
                    <h1>{format!("Apply for {}", s.title)}</h1>
                    <p>
                        {s.company.name.clone()}
                        " · "
                        {format::location_line(&s.location, s.remote_policy)}
                    </p>
                </div>
            </div>
            {form.notice.clone().map(|n| view! {
                <div class="notice" role="alert" id="form-notice" tabindex="-1" autofocus=true>
                    <h2>"Please send the form again"</h2>
                    <p>{n}</p>
                </div>
            })}
            {has_errors.then(|| view! { <ErrorSummary items=items/> })}
            // `novalidate`: the server's messages (beside each field, listed in the summary) replace
            // the browser's bubbles, so every browser and assistive technology gets the same ones.
            <form
                id="apply-form"
                class="form-card"
                method="post"
                action=action
                enctype="multipart/form-data"
                novalidate=true
            >
                <input type="hidden" name=form_guard::TOKEN value=form.token.clone()/>
                {hidden.into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v/> }).collect_view()}
                <div class="hp-field" aria-hidden="true">
                    <label for="referral_code">"Leave this field empty"</label>
                    <input id="referral_code" name=form_guard::HONEYPOT type="text" tabindex="-1" autocomplete="off"/>
                </div>
                <fieldset class="form-section">
                    <legend>"About you"</legend>
                    <div class="field-row">
                        {text_field(&form, "first_name", "First name", "text", "given-name", true, None)}
                        {text_field(&form, "last_name", "Last name", "text", "family-name", true, None)}
                    </div>
                    {text_field(&form, "email", "Email address", "email", "email", true,
                        Some("We will only use this to contact you about your application."))}
                    {text_field(&form, "phone", "Phone number", "tel", "tel", false, None)}
                    {text_field(&form, "linkedin_url", "LinkedIn profile", "url", "url", false,
                        Some("The full address, like https://www.linkedin.com/in/your-name"))}
                    {text_field(&form, "portfolio_url", "Portfolio or website", "url", "url", false, None)}
                </fieldset>
                <fieldset class="form-section">
                    <legend>"Your experience"</legend>
                    <div class="field" class:field-invalid=resume_error.is_some()>
                        <label for="resume">
                            "Resume or CV"
                            {(!req_resume).then(|| view! { <span class="optional">" (optional)"</span> })}
                        </label>
                        <span class="hint" id="resume-hint">
                            "PDF, DOC, DOCX, RTF or TXT, up to 10 MB."
                            {file_was_sent.then_some(" For your security, files are not kept when the form comes back: please attach it again.")}
                        </span>
                        <FieldMessage id="resume-error".to_string() message=resume_error.clone()/>
                        <input
                            id="resume"
                            name="resume"
                            type="file"
                            accept=ACCEPT
                            required=req_resume
                            aria-invalid=resume_error.is_some().then_some("true")
                            aria-describedby=resume_described
                        />
                    </div>
                    <div class="field" class:field-invalid=cover_error.is_some()>
                        <label for="cover_letter">
                            "Cover letter"
                            {(!req_cover).then(|| view! { <span class="optional">" (optional)"</span> })}
                        </label>
                        <FieldMessage id="cover_letter-error".to_string() message=cover_error.clone()/>
                        <TextArea
                            id="cover_letter".to_string()
                            name="cover_letter".to_string()
                            value=cover_value
                            rows=8
                            required=req_cover
                            maxlength=20000
                            described_by=if cover_error.is_some() { "cover_letter-error".to_string() } else { String::new() }
                            invalid=cover_error.is_some()
                        />
                    </div>
                </fieldset>
                {(!questions.is_empty()).then(|| view! {
                    <fieldset class="form-section">
                        <legend>"Questions from the company"</legend>
                        {questions.into_iter().map(|q| question_field(&form, q)).collect_view()}
                    </fieldset>
                })}
                <fieldset class="form-section">
                    <legend>"Your data"</legend>
                    <p class="consent-text" id="consent-text">{job.consent_text.clone()}</p>
                    <div class="field" class:field-invalid=consent_error.is_some()>
                        <FieldMessage id="consent-error".to_string() message=consent_error.clone()/>
                        <div class="checkbox-field">
                            <input
                                type="checkbox"
                                id="consent"
                                name="consent"
                                value="yes"
                                checked=consent_checked
                                required=true
                                aria-invalid=consent_error.is_some().then_some("true")
                                aria-describedby=if consent_error.is_some() { "consent-text consent-error" } else { "consent-text" }
                            />
                            <label for="consent">
                                {format!("I agree to {} processing my application as described above.", s.company.name)}
                            </label>
                        </div>
                    </div>
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="button-large">"Send application"</button>
                    <a href=job_href>"Back to the job"</a>
                </div>
            </form>
        </div>
    }
    .into_any()
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
    DefaultBodyLimit::max(BODY_LIMIT)
}
