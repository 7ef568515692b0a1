//! The application form's markup: standard fields, the posting's questions, consent, and an
//! error summary that links to each field in the order they appear.

use leptos::prelude::*;

use super::FormState;
use crate::applications::resume::ACCEPT;
use crate::apply_body;
use crate::catalog::query::JobDetail;
use crate::error::FieldErrors;
use crate::postings::model::{Question, QuestionType};
use crate::web::components::form::{ErrorSummary, FieldMessage, SummaryItem, TextArea};
use crate::web::components::format;
use crate::web::components::job_card::Logo;
use crate::web::public::form_guard;

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
pub(super) fn ApplyView(job: JobDetail, form: FormState) -> impl IntoView {
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
    let consent_checked = form
        .values
        .get("consent")
        .is_some_and(|v| apply_body::truthy(v));
    let questions = job.application_form.questions.clone();
    let hidden: Vec<(String, String)> = ["utm_source", "utm_medium", "utm_campaign"]
        .iter()
        .filter_map(|k| form.values.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    let resume_described = match &resume_error {
        Some(_) => "resume-hint resume-error",
        None => "resume-hint",
    };
    let kept = form.kept.clone();
    let file_was_sent =
        has_errors && !form.errors.0.contains_key("resume") && req_resume && kept.is_none();
    let kept_hint = kept.as_ref().map(|k| {
        format!(
            " Attached from your last try: {} ({} KB). Choose another file only to replace it.",
            k.filename,
            k.size.div_ceil(1024)
        )
    });
    let kept_field = kept.as_ref().map(|k| {
        view! { <input type="hidden" name="resume_kept" value=k.reference.clone()/> }
    });
    let resume_required = req_resume && kept.is_none();
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
                            {file_was_sent.then_some(" Please attach it again.")}
                            {kept_hint}
                        </span>
                        {kept_field}
                        <FieldMessage id="resume-error".to_string() message=resume_error.clone()/>
                        <input
                            id="resume"
                            name="resume"
                            type="file"
                            accept=ACCEPT
                            required=resume_required
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
