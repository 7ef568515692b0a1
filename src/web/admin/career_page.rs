//! `GET|POST /admin/career-page`: the company's display name, branding, about text and the
//! consent text the apply form shows. Saving writes the tenant's career page and its public
//! projection in one transaction, so the public company page reflects it at once.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use super::layout::{
    AdminPage, CsrfField, ErrorSummary, Nav, described_by, field_error, field_id, invalid,
    textarea_text, when,
};
use crate::auth::AdminUser;
use crate::catalog::projection::sanitize_description;
use crate::company::{self, CareerPage, CareerPageForm};
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;
use crate::web::render;

/// The form's fields in the order they appear, for the error summary.
const FIELD_ORDER: &[&str] = &[
    "name",
    "tagline",
    "about",
    "logo_url",
    "website",
    "brand_color",
    "consent_text",
];

#[derive(Debug, Clone)]
struct PageState {
    nav: Nav,
    slug: String,
    stored: CareerPage,
    form: CareerPageForm,
    errors: FieldErrors,
    saved: bool,
}

#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let mut ttx = admin.begin(&state.pool).await?;
    let stored = company::load(&mut ttx).await?;
    ttx.commit().await?;
    let page = PageState {
        nav: Nav::new(&admin, "career-page"),
        slug: admin.tenant.slug.clone(),
        form: CareerPageForm::from_page(&admin.tenant.name, &stored),
        stored,
        errors: FieldErrors::new(),
        saved: q.saved.is_some(),
    };
    Ok(render::page(&uri, StatusCode::OK, move || view(page.clone())).await)
}

pub async fn save(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Form(form): Form<CareerPageForm>,
) -> Result<Response, AppError> {
    let mut ttx = admin.begin(&state.pool).await?;
    match form.clone().validate() {
        Ok(valid) => {
            company::save(&mut ttx, &admin.tenant, &valid).await?;
            let page = crate::audit::Subject::CareerPage;
            let null = serde_json::Value::Null;
            crate::audit::record(&mut ttx, &(&admin).into(), "career_page.saved", page, null)
                .await?;
            ttx.commit().await?;
            Ok(Redirect::to("/admin/career-page?saved=1").into_response())
        }
        Err(errors) => {
            let stored = company::load(&mut ttx).await?;
            ttx.commit().await?;
            let page = PageState {
                nav: Nav::new(&admin, "career-page"),
                slug: admin.tenant.slug.clone(),
                stored,
                form,
                errors,
                saved: false,
            };
            Ok(
                render::page(&uri, StatusCode::UNPROCESSABLE_ENTITY, move || {
                    view(page.clone())
                })
                .await,
            )
        }
    }
}

fn input(
    label: &'static str,
    name: &'static str,
    value: String,
    kind: &'static str,
    hint: Option<&'static str>,
    e: &FieldErrors,
) -> impl IntoView + use<> {
    let id = field_id(name);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {field_error(e, name)}
            <input id=id name=name type=kind value=value aria-invalid=invalid(e, name)
                aria-describedby=described_by(e, name)/>
        </div>
    }
}

fn textarea(
    label: &'static str,
    name: &'static str,
    value: &str,
    rows: &'static str,
    hint: Option<&'static str>,
    e: &FieldErrors,
) -> impl IntoView + use<> {
    let id = field_id(name);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {field_error(e, name)}
            <textarea id=id name=name rows=rows aria-invalid=invalid(e, name)
                aria-describedby=described_by(e, name)>{textarea_text(value)}</textarea>
        </div>
    }
}

fn view(p: PageState) -> impl IntoView {
    let PageState {
        nav,
        slug,
        stored,
        form: f,
        errors: e,
        saved,
    } = p;
    let csrf = nav.csrf.clone();
    let public = format!("/companies/{slug}");
    let preview = sanitize_description(&stored.about);
    let summary =
        (!e.is_empty()).then(|| view! { <ErrorSummary errors=e.clone() order=FIELD_ORDER/> });
    view! {
        <AdminPage title="Career page".to_string() nav=Some(nav)>
            {saved.then(|| view! { <p class="flash" role="status">"The career page was saved. It is live now."</p> })}
            {summary}
            <p class="meta">"Public page: "<a href=public.clone()>{public.clone()}</a>
                {format!(" · consent text version {} · updated {}", stored.consent_version, when(stored.updated_at))}</p>
            <form method="post" action="/admin/career-page" class="admin-form" novalidate=true>
                <CsrfField token=csrf/>
                {input("Company name", "name", f.name.clone(), "text", Some("Shown on every job and on your career page."), &e)}
                {input("Tagline", "tagline", f.tagline.clone(), "text", None, &e)}
                {textarea("About the company", "about", &f.about, "10", Some("Markdown. Shown on your career page."), &e)}
                {input("Logo URL", "logo_url", f.logo_url.clone(), "url", Some("https://…, a square image works best."), &e)}
                {input("Website", "website", f.website.clone(), "url", None, &e)}
                {input("Brand colour", "brand_color", f.brand_color.clone(), "text", Some("# and six hex digits, e.g. #1d4ed8."), &e)}
                {textarea("Consent text", "consent_text", &f.consent_text, "5", Some("Candidates must agree to this to apply. Changing it starts a new version; each application records the version it was given."), &e)}
                <div class="form-actions"><button type="submit">"Save career page"</button></div>
            </form>
            <section class="preview" aria-labelledby="about-preview">
                <h2 id="about-preview">"About text as candidates see it"</h2>
                <div class="description" inner_html=preview></div>
            </section>
        </AdminPage>
    }
}
