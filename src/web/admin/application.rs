//! `GET|POST /admin/applications/{id}` (detail; move stage, add note) and
//! `GET /admin/applications/{id}/resume` (download as an attachment).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

use super::layout::{AdminPage, CsrfField, Nav, count_of, not_found, textarea_text, when};
use crate::applications::pipeline::{
    self, Actor, ApplicationDetail, Event, PipelineError, Scorecard, SiblingApplication, Stage,
};
use crate::audit;
use crate::auth::AdminUser;
use crate::auth::roles::Access;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::render;

#[derive(Debug, Clone)]
struct DetailPage {
    nav: Nav,
    app: ApplicationDetail,
    events: Vec<Event>,
    others: Vec<SiblingApplication>,
    scorecards: Vec<Scorecard>,
    /// The signed-in reviewer (their own scorecard fills the form).
    me: Uuid,
    /// Whether they may move the application (owners and recruiters).
    staff: bool,
    note: String,
    error: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    render_detail(
        &state,
        &admin,
        &uri,
        &id,
        StatusCode::OK,
        String::new(),
        None,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct ActForm {
    action: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    note: String,
    /// `board`: come back to the job's pipeline board after a move.
    #[serde(default)]
    back: String,
    /// A scorecard's rating (1–5) and notes.
    #[serde(default)]
    rating: String,
    #[serde(default)]
    notes: String,
}

pub async fn act(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Path(id): Path<String>,
    Form(form): Form<ActForm>,
) -> Result<Response, AppError> {
    let Ok(app_id) = Uuid::parse_str(&id) else {
        return Ok(not_found(&uri, Some(Nav::new(&admin, "applications"))).await);
    };
    let actor = Actor {
        user_id: admin.user_id,
        email: admin.email.clone(),
    };
    // Notes and scorecards are every reviewer's; moving and restoring are the staff's.
    if matches!(form.action.as_str(), "stage" | "restore") {
        admin.require(Access::Staff)?;
    }
    let mut ttx = admin.begin(&state.pool).await?;
    if !admin.may_read_application(&mut ttx, app_id).await? {
        return Ok(not_found(&uri, Some(Nav::new(&admin, "applications"))).await);
    }
    let mut detail = serde_json::Value::Null;
    let result = match form.action.as_str() {
        "stage" => match Stage::parse(&form.stage) {
            Some(to) => pipeline::move_stage(&mut ttx, app_id, to, &actor)
                .await
                .map(|from| {
                    detail = serde_json::json!({ "from": from.as_str(), "to": to.as_str() });
                }),
            None => {
                return Err(crate::error::invalid(
                    "stage",
                    format!("use one of {}", Stage::expected()),
                ));
            }
        },
        "note" => pipeline::add_note(&mut ttx, app_id, &form.note, &actor).await,
        "scorecard" => {
            let Ok(rating) = form.rating.trim().parse::<i16>() else {
                return Err(crate::error::invalid(
                    "rating",
                    "Choose a rating from 1 to 5.",
                ));
            };
            detail = serde_json::json!({ "rating": rating });
            pipeline::save_scorecard(&mut ttx, app_id, rating, &form.notes, &actor).await
        }
        "restore" => pipeline::restore(
            &mut ttx,
            &admin.tenant,
            app_id,
            &actor,
            &state.settings.public_url,
        )
        .await
        .map(|_| ()),
        _ => {
            return Err(crate::error::invalid(
                "action",
                "use stage, note, scorecard or restore",
            ));
        }
    };
    match result {
        Ok(()) => {
            let action = match form.action.as_str() {
                "stage" => "application.stage_changed",
                "note" => "application.note_added",
                "scorecard" => "application.scored",
                _ => "application.restored",
            };
            let subject = audit::Subject::Application(app_id);
            audit::record(&mut ttx, &(&admin).into(), action, subject, detail).await?;
            let board = match form.back.as_str() {
                "board" => pipeline::job_of(&mut ttx, app_id).await?,
                _ => None,
            };
            let to = match board {
                Some(job) => format!("/admin/jobs/{job}/board#card-{app_id}"),
                None => format!("/admin/applications/{app_id}"),
            };
            ttx.commit().await?;
            Ok(Redirect::to(&to).into_response())
        }
        Err(PipelineError::NotFound) => {
            Ok(not_found(&uri, Some(Nav::new(&admin, "applications"))).await)
        }
        Err(e @ (PipelineError::InvalidMove { .. } | PipelineError::InvalidNote(_))) => {
            drop(ttx);
            let msg = match e {
                PipelineError::InvalidMove { from, to } => format!(
                    "An application in {} cannot move to {}.",
                    from.label(),
                    to.label()
                ),
                other => other.to_string(),
            };
            render_detail(
                &state,
                &admin,
                &uri,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form.note,
                Some(msg),
            )
            .await
        }
        Err(PipelineError::Db(e)) => Err(e.into()),
    }
}

async fn render_detail(
    state: &AppState,
    admin: &AdminUser,
    uri: &Uri,
    id: &str,
    status: StatusCode,
    note: String,
    error: Option<String>,
) -> Result<Response, AppError> {
    let nav = Nav::new(admin, "applications");
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(not_found(uri, Some(nav)).await);
    };
    let mut ttx = admin.begin(&state.pool).await?;
    if !admin.may_read_application(&mut ttx, id).await? {
        return Ok(not_found(uri, Some(nav)).await);
    }
    let Some(app) = pipeline::get(&mut ttx, id).await? else {
        return Ok(not_found(uri, Some(nav)).await);
    };
    let events = pipeline::events(&mut ttx, id).await?;
    let scope = admin.job_scope(&mut ttx).await?;
    let mut others = pipeline::other_applications(&mut ttx, app.candidate_id, id).await?;
    others.retain(|o| scope.includes(o.job_id));
    let scorecards = pipeline::scorecards(&mut ttx, id).await?;
    ttx.commit().await?;
    let page = DetailPage {
        nav,
        app,
        events,
        others,
        scorecards,
        me: admin.user_id,
        staff: admin.may(Access::Staff),
        note,
        error,
    };
    Ok(render::page(uri, status, move || view(page.clone())).await)
}

pub async fn resume(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let nav = Nav::new(&admin, "applications");
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(&uri, Some(nav)).await);
    };
    let mut ttx = admin.begin(&state.pool).await?;
    if !admin.may_read_application(&mut ttx, id).await? {
        return Ok(not_found(&uri, Some(nav)).await);
    }
    let file = pipeline::resume(&mut ttx, id).await?;
    if file.is_some() {
        let subject = audit::Subject::Application(id);
        let action = "application.resume_downloaded";
        audit::record(
            &mut ttx,
            &(&admin).into(),
            action,
            subject,
            serde_json::Value::Null,
        )
        .await?;
    }
    ttx.commit().await?;
    let Some(file) = file else {
        return Ok(not_found(&uri, Some(nav)).await);
    };
    let mut res = file.data.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, safe_content_type(&file.content_type));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&file.filename)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// Only the resume types intake accepts keep their type (served as intake names it, e.g. text
/// with its charset); anything else downloads as bytes.
fn safe_content_type(stored: &str) -> HeaderValue {
    match crate::applications::resume::ResumeKind::from_content_type(stored) {
        Some(kind) => HeaderValue::from_static(kind.content_type()),
        None => HeaderValue::from_static("application/octet-stream"),
    }
}

/// What RFC 5987 `ext-value`s percent-encode: everything but its `attr-char`s.
const RFC5987_ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment` with an ASCII fallback name and the exact name in RFC 5987 form.
pub fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ascii = if ascii.trim().is_empty() {
        "resume".to_string()
    } else {
        ascii
    };
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(filename, RFC5987_ESCAPED)
    )
}

fn row(label: &'static str, value: Option<String>) -> impl IntoView {
    value
        .filter(|v| !v.is_empty())
        .map(|v| view! { <dt>{label}</dt><dd>{v}</dd> })
}

fn view(page: DetailPage) -> impl IntoView {
    let DetailPage {
        nav,
        app,
        events,
        others,
        scorecards,
        me,
        staff,
        note,
        error,
    } = page;
    let csrf = nav.csrf.clone();
    let action = format!("/admin/applications/{}", app.id);
    let name = format!("{} {}", app.first_name, app.last_name);
    let stage_class = format!("badge stage-{}", app.stage.as_str());
    let moves = app.stage.next_stages();
    let stage_form = (staff && !moves.is_empty()).then(|| {
        let opts = moves
            .into_iter()
            .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
            .collect_view();
        view! {
            <form method="post" action=action.clone() class="inline">
                <CsrfField token=csrf.clone()/>
                <input type="hidden" name="action" value="stage"/>
                <label for="stage">"Move to"</label>
                <select id="stage" name="stage">{opts}</select>
                <button type="submit">"Move"</button>
            </form>
        }
    });
    let answers = app.labelled_answers();
    let answers_view = (!answers.is_empty()).then(|| {
        let items = answers
            .into_iter()
            .map(|(q, a)| view! { <dt>{q}</dt><dd class="prewrap">{a}</dd> })
            .collect_view();
        view! { <section><h2>"Answers"</h2><dl>{items}</dl></section> }
    });
    let resume = app.resume_id.map(|_| {
        let href = format!("/admin/applications/{}/resume", app.id);
        let label = format!(
            "Download {} ({} KB)",
            app.resume_filename
                .clone()
                .unwrap_or_else(|| "resume".into()),
            (app.resume_size.unwrap_or(0).max(0) as u32).div_ceil(1024)
        );
        view! { <p><a class="button secondary" href=href download="">{label}</a></p> }
    });
    let history = events
        .into_iter()
        .map(|e| {
            let who = e
                .actor_email
                .clone()
                .unwrap_or_else(|| "the candidate".into());
            let what = match e.kind.as_str() {
                "stage_changed" => format!(
                    "moved from {} to {}",
                    e.from_stage.map(Stage::label).unwrap_or("?"),
                    e.to_stage.map(Stage::label).unwrap_or("?")
                ),
                "received" => "application received".to_string(),
                "restored" => "restored it from suspected spam".to_string(),
                "scored" => "saved a scorecard".to_string(),
                _ => "added a note".to_string(),
            };
            let note = e
                .note
                .clone()
                .map(|n| view! { <blockquote class="prewrap">{n}</blockquote> });
            view! {
                <li><time>{when(e.created_at)}</time>" — "<strong>{who}</strong>{format!(" {what}")}{note}</li>
            }
        })
        .collect_view();
    let others_view = (!others.is_empty()).then(|| {
        let items = others
            .into_iter()
            .map(|o| {
                let href = format!("/admin/applications/{}", o.id);
                let rest = format!(" — {}, {}", o.stage.label(), when(o.created_at));
                view! { <li><a href=href>{o.job_title}</a>{rest}</li> }
            })
            .collect_view();
        view! {
            <section>
                <h2>"Other applications by this candidate"</h2>
                <ul>{items}</ul>
            </section>
        }
    });
    // Kept aside as suspected spam: say why, and offer the one action that matters.
    let spam_view = app.suspected_spam.clone().filter(|_| staff).map(|reason| {
        let why = match reason.as_str() {
            "honeypot" => "its form filled in a field that is hidden from people".to_string(),
            other => other.to_string(),
        };
        view! {
            <div class="notice" role="status">
                <p>{format!("Kept aside as suspected spam: {why}. It is not counted and the candidate was not sent a confirmation.")}</p>
                <form method="post" action=action.clone() class="inline">
                    <CsrfField token=csrf.clone()/>
                    <input type="hidden" name="action" value="restore"/>
                    <button type="submit">"Not spam: restore it"</button>
                </form>
            </div>
        }
    });
    let job_href = staff.then(|| format!("/admin/jobs/{}", app.job_id));
    let source = [
        ("Source", app.source.clone()),
        ("UTM source", app.utm_source.clone()),
        ("UTM medium", app.utm_medium.clone()),
        ("UTM campaign", app.utm_campaign.clone()),
        ("Referrer", app.referrer.clone()),
    ];
    let has_source = source
        .iter()
        .any(|(_, v)| v.as_deref().is_some_and(|v| !v.is_empty()));
    let source_view = source.into_iter().map(|(l, v)| row(l, v)).collect_view();
    view! {
        <AdminPage title=name nav=Some(nav)>
            {error.map(|e| view! { <div class="error-summary" role="alert"><p>{e}</p></div> })}
            {spam_view}
            <p class="meta">"Applied for "<a href=job_href>{app.job_title.clone()}</a>
                {format!(" on {} · ", when(app.created_at))}<span class=stage_class>{app.stage.label()}</span></p>
            {stage_form}
            <div class="columns">
                <div>
                    <section>
                        <h2>"Contact"</h2>
                        <dl>
                            <dt>"Email"</dt><dd><a href=format!("mailto:{}", app.email)>{app.email.clone()}</a></dd>
                            {row("Phone", app.phone.clone())}
                            {row("LinkedIn", app.linkedin_url.clone())}
                            {row("Portfolio", app.portfolio_url.clone())}
                        </dl>
                        {resume}
                    </section>
                    {answers_view}
                    {app.cover_letter.clone().filter(|c| !c.is_empty()).map(|c| view! {
                        <section><h2>"Cover letter"</h2><p class="prewrap">{c}</p></section>
                    })}
                    <section>
                        <h2>"Consent"</h2>
                        <p>{format!("Agreed on {} to version {}:", when(app.consented_at), app.consent_version)}</p>
                        <blockquote class="prewrap">{app.consent_text.clone()}</blockquote>
                    </section>
                    {has_source.then(|| view! { <section><h2>"Source"</h2><dl>{source_view}</dl></section> })}
                    {others_view}
                </div>
                <div>
                    <section>
                        <h2>"History"</h2>
                        <ol class="history">{history}</ol>
                    </section>
                    {scorecard_view(&scorecards, me, &action, &csrf)}
                    <section>
                        <h2>"Add a note"</h2>
                        <form method="post" action=action.clone() class="admin-form">
                            <CsrfField token=csrf.clone()/>
                            <input type="hidden" name="action" value="note"/>
                            <div class="field">
                                <label for="note">"Internal note (candidates never see it)"</label>
                                <textarea id="note" name="note" rows="4">{textarea_text(&note)}</textarea>
                            </div>
                            <button type="submit">"Add note"</button>
                        </form>
                    </section>
                </div>
            </div>
        </AdminPage>
    }
}

/// The scorecards (average, each reviewer's) and the signed-in reviewer's own form.
fn scorecard_view(
    cards: &[Scorecard],
    me: Uuid,
    action: &str,
    csrf: &str,
) -> impl IntoView + use<> {
    let mine = cards.iter().find(|c| c.reviewer_id == me);
    let average = (!cards.is_empty()).then(|| {
        let avg = cards.iter().map(|c| f64::from(c.rating)).sum::<f64>() / cards.len() as f64;
        format!(
            "Average {avg:.1} of 5 from {}",
            count_of(cards.len() as i64, "reviewer")
        )
    });
    let list = cards
        .iter()
        .map(|c| {
            let notes = (!c.notes.is_empty())
                .then(|| view! { <blockquote class="prewrap">{c.notes.clone()}</blockquote> });
            view! {
                <li><strong>{c.reviewer_email.clone()}</strong>
                    {format!(": {} of 5 · {}", c.rating, when(c.updated_at))}{notes}</li>
            }
        })
        .collect_view();
    let current = mine.map_or(0, |c| c.rating);
    let options = (1..=5)
        .map(|r: i16| {
            let label = format!(
                "{r} — {}",
                ["", "poor", "weak", "mixed", "good", "excellent"][r as usize]
            );
            view! { <option value=r.to_string() selected={r == current}>{label}</option> }
        })
        .collect_view();
    let notes = mine.map(|c| c.notes.clone()).unwrap_or_default();
    let rating_label = if mine.is_some() {
        "Your rating"
    } else {
        "Your rating (you have not scored yet)"
    };
    let (action, csrf) = (action.to_string(), csrf.to_string());
    view! {
        <section>
            <h2>"Scorecards"</h2>
            {average.map(|a| view! { <p class="meta">{a}</p> })}
            <ul class="history">{list}</ul>
            <form method="post" action=action class="admin-form">
                <CsrfField token=csrf/>
                <input type="hidden" name="action" value="scorecard"/>
                <div class="field">
                    <label for="rating">{rating_label}</label>
                    <select id="rating" name="rating" required=true>
                        {(current == 0).then(|| view! { <option value="">"Choose…"</option> })}
                        {options}
                    </select>
                </div>
                <div class="field">
                    <label for="notes">"Your notes (candidates never see them)"</label>
                    <textarea id="notes" name="notes" rows="3">{textarea_text(&notes)}</textarea>
                </div>
                <button type="submit" class="secondary">"Save scorecard"</button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_resume_type_downloads_with_its_type() {
        assert_eq!(
            safe_content_type("text/plain; charset=utf-8"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(safe_content_type("text/plain"), "text/plain; charset=utf-8");
        assert_eq!(safe_content_type("application/pdf"), "application/pdf");
        assert_eq!(safe_content_type("text/rtf"), "application/rtf");
        assert_eq!(safe_content_type("text/html"), "application/octet-stream");
    }

    #[test]
    fn download_names_cannot_break_the_header() {
        let d = content_disposition("cv \"final\".pdf\r\nX: y");
        assert!(d.starts_with("attachment; filename=\"cv _final_.pdf__X_ y\""));
        assert!(!d.contains('\r') && !d.contains('\n'));
        assert!(
            content_disposition("Lebenslauf-Müller.pdf")
                .contains("filename*=UTF-8''Lebenslauf-M%C3%BCller.pdf")
        );
    }
}
