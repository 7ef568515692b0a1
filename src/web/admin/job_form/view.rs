//! The job form's markup: every posting field, the custom question rows, and the action forms.

use leptos::prelude::*;

use super::values::{BLANK_QUESTION_ROWS, FIELD_ORDER, JobFormValues, QuestionRow};
use super::{FormPage, Stored};
use crate::error::FieldErrors;
use crate::postings::model::{JobType, PostingStatus, QuestionType, RemotePolicy, SalaryPeriod};
use crate::web::admin::layout::{
    AdminPage, CsrfField, ErrorSummary, count_of, described_by, field_error, field_id, invalid,
    textarea_text, when,
};

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

pub(super) fn form_view(page: FormPage) -> impl IntoView {
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
        let board = format!("/admin/jobs/{}/board", s.id);
        view! {
            <p class="meta">
                <span class=format!("badge status-{}", s.status.as_str())>{s.status.label()}</span>
                {format!(" · version {} · updated {} · ", s.version, when(s.updated_at))}
                <a href=apps>{count_of(s.applications, "application")}</a>
                " · "<a href=board>"Pipeline board"</a>
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
    let team = stored.as_ref().map(|s| {
        super::super::job_team::team_section(s.id, csrf.clone(), s.team.clone(), s.members.clone())
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
            {team}
            {preview}
        </AdminPage>
    }
}
