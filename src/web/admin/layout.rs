//! The admin page frame (navigation, signed-in user, sign-out form) inside the site's document
//! shell, plus the small form pieces every admin page shares: CSRF field, error summary, field
//! messages and textarea escaping.

use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::auth::AdminUser;
use crate::auth::csrf;
use crate::auth::roles::{Access, Role};
use crate::error::FieldErrors;
use crate::web::layout::{Document, Head};

/// The signed-in user as the navigation shows them.
#[derive(Debug, Clone)]
pub struct Nav {
    pub email: String,
    pub company: String,
    pub csrf: String,
    /// Which section is current (`dashboard`, `jobs`, `applications`, `career-page`, `team`,
    /// `audit`, `account`, `notifications`).
    pub current: &'static str,
    /// The member's role: the navigation shows only what it allows.
    pub role: Role,
}

impl Nav {
    pub fn new(admin: &AdminUser, current: &'static str) -> Self {
        Nav {
            email: admin.email.clone(),
            company: admin.tenant.name.clone(),
            csrf: admin.csrf.clone(),
            current,
            role: admin.role,
        }
    }
}

/// An admin page: the document shell, the admin stylesheet, navigation and a heading.
#[component]
pub fn AdminPage(title: String, nav: Option<Nav>, children: Children) -> impl IntoView {
    let head = Head {
        title: format!("{title} · Admin"),
        description: "Hiring admin".into(),
        canonical: None,
        noindex: true,
        extra_stylesheet: Some(crate::web::assets::ADMIN_STYLESHEET.url()),
        ..Default::default()
    };
    let nav_view = nav.map(|n| {
        let link = move |href: &'static str, key: &'static str, label: &'static str| {
            let current = (n.current == key).then_some("page");
            view! { <li><a href=href aria-current=current>{label}</a></li> }
        };
        let (staff, owner) = (n.role.may(Access::Staff), n.role.may(Access::Owner));
        view! {
            <nav class="admin-nav" aria-label="Admin">
                <span class="admin-company">{n.company.clone()}</span>
                <ul>
                    {link("/admin", "dashboard", "Dashboard")}
                    {staff.then(|| link("/admin/jobs", "jobs", "Jobs"))}
                    {link("/admin/applications", "applications", "Applications")}
                    {staff.then(|| link("/admin/career-page", "career-page", "Career page"))}
                    {owner.then(|| link("/admin/team", "team", "Team"))}
                    {owner.then(|| link("/admin/audit", "audit", "Audit log"))}
                </ul>
                <form method="post" action="/admin/logout" class="admin-logout">
                    <CsrfField token=n.csrf.clone()/>
                    <a class="admin-user" href="/admin/notifications"
                        aria-current=(n.current == "notifications").then_some("page")>"Notifications"</a>
                    <a class="admin-user" href="/admin/account"
                        aria-current=(n.current == "account").then_some("page")>{n.email.clone()}</a>
                    <button type="submit" class="secondary">"Sign out"</button>
                </form>
            </nav>
        }
    });
    view! {
        <Document head=head>
            <div class="admin container">
                {nav_view}
                <h1>{title}</h1>
                {children()}
            </div>
        </Document>
    }
}

/// The hidden synchronizer-token field every admin form carries.
#[component]
pub fn CsrfField(token: String) -> impl IntoView {
    view! { <input type="hidden" name=csrf::FIELD value=token/> }
}

/// "There is a problem" box at the top of a form, linking to each bad field, in the order the
/// fields appear on the form (`order`: field names, or name prefixes such as `questions`).
#[component]
pub fn ErrorSummary(
    errors: FieldErrors,
    #[prop(optional)] extra: Option<String>,
    #[prop(optional)] order: &'static [&'static str],
) -> impl IntoView {
    let extra = extra.filter(|e| !e.is_empty());
    if errors.is_empty() && extra.is_none() {
        return None;
    }
    let rank = |field: &str| {
        order
            .iter()
            .position(|o| field == *o || field.starts_with(&format!("{o}[")))
            .unwrap_or(order.len())
    };
    let mut entries: Vec<(&String, &Vec<String>)> = errors.0.iter().collect();
    entries.sort_by_key(|(field, _)| rank(field));
    let items = entries
        .into_iter()
        .flat_map(|(field, msgs)| {
            msgs.iter().map(move |m| {
                let href = format!("#{}", field_id(field));
                view! { <li><a href=href>{m.clone()}</a></li> }
            })
        })
        .collect_view();
    Some(view! {
        <div class="error-summary" role="alert" tabindex="-1">
            <h2>"There is a problem"</h2>
            {extra.map(|e| view! { <p>{e}</p> })}
            <ul>{items}</ul>
        </div>
    })
}

/// The element id of a form field (`questions[2]` → `questions-2`).
pub fn field_id(field: &str) -> String {
    field
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// The message beside a field, if it has one.
pub fn field_error(errors: &FieldErrors, field: &str) -> Option<impl IntoView + use<>> {
    errors.get(field).map(|m| {
        let id = format!("{}-error", field_id(field));
        view! { <p class="field-error" id=id>{m.to_string()}</p> }
    })
}

/// `aria-describedby` value for a field with an error.
pub fn described_by(errors: &FieldErrors, field: &str) -> Option<String> {
    errors
        .get(field)
        .map(|_| format!("{}-error", field_id(field)))
}

/// `aria-invalid` value for a field.
pub fn invalid(errors: &FieldErrors, field: &str) -> Option<&'static str> {
    errors.get(field).map(|_| "true")
}

/// Escapes text for a `<textarea>` body. Leptos 0.8 does not escape textarea children, so every
/// textarea in the admin goes through this (a description containing `</textarea><script>` must
/// stay text).
pub fn textarea_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// "1 application", "3 applications".
pub fn count_of(n: i64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A timestamp as HR reads it (UTC).
pub fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// An admin "not found" page (also what another tenant's ids get): the admin error page of a 404.
pub async fn not_found(uri: &Uri, nav: Option<Nav>) -> Response {
    let page = super::errors::ErrorPage::from_body(
        StatusCode::NOT_FOUND,
        &axum::http::HeaderMap::new(),
        b"",
        false,
    );
    super::errors::render(uri, page, nav).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textarea_text_cannot_close_the_textarea() {
        assert_eq!(
            textarea_text("</textarea><script>alert(1)</script> & more"),
            "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
        );
    }

    #[test]
    fn field_ids_are_html_safe() {
        assert_eq!(field_id("questions[2]"), "questions-2");
        assert_eq!(field_id("salary_min"), "salary-min");
    }
}
