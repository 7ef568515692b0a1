//! The public projection of a posting: what the catalog may show, computed by one pure function
//! used by the save path, the bulk import and the reconcile alike.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::postings::model::{JobType, Posting, Question, RemotePolicy, SalaryPeriod};

/// The company a catalog row is denormalised from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Company {
    pub tenant_id: Uuid,
    pub slug: String,
    pub name: String,
    pub active: bool,
}

/// The application form a candidate sees (public part of the posting).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)] // the column's default is `{}`: such a row reads as an empty form, not an error
pub struct ApplicationForm {
    pub require_resume: bool,
    pub require_cover_letter: bool,
    pub questions: Vec<Question>,
}

/// One `public.job_catalog` row, minus counters and bookkeeping.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CatalogEntry {
    pub job_id: Uuid,
    pub tenant_id: Uuid,
    pub company_slug: String,
    pub company_name: String,
    pub title: String,
    pub description_html: String,
    pub description_text: String,
    pub location: String,
    pub remote_policy: RemotePolicy,
    pub job_type: JobType,
    pub category: String,
    pub salary_min: Option<Decimal>,
    pub salary_max: Option<Decimal>,
    pub salary_currency: Option<String>,
    pub salary_period: Option<SalaryPeriod>,
    pub application_form: sqlx::types::Json<ApplicationForm>,
    pub published_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub posting_version: i64,
    pub posting_updated_at: DateTime<Utc>,
}

/// Columns of [`CatalogEntry`] in `public.job_catalog`.
pub const ENTRY_COLUMNS: &str = "job_id, tenant_id, company_slug, company_name, title, \
    description_html, description_text, location, remote_policy, job_type, category, salary_min, \
    salary_max, salary_currency, salary_period, application_form, published_at, expires_at, \
    posting_version, posting_updated_at";

/// The catalog row for `posting`, or `None` when it must not be public (not open, not on the
/// career page, internal, deleted, never published, or its company is not active).
pub fn project(posting: &Posting, company: &Company) -> Option<CatalogEntry> {
    if !company.active || !posting.is_publishable() {
        return None;
    }
    let published_at = posting.published_at?;
    let description_html = sanitize_description(&posting.description);
    let description_text = html_to_text(&description_html);
    // A hidden salary never leaves the tenant schema.
    let show =
        posting.show_salary && (posting.salary_min.is_some() || posting.salary_max.is_some());
    Some(CatalogEntry {
        job_id: posting.id,
        tenant_id: company.tenant_id,
        company_slug: company.slug.clone(),
        company_name: company.name.clone(),
        title: posting.title.clone(),
        description_html,
        description_text,
        location: posting.location.clone(),
        remote_policy: posting.remote_policy,
        job_type: posting.job_type,
        category: posting.category.clone(),
        salary_min: if show { posting.salary_min } else { None },
        salary_max: if show { posting.salary_max } else { None },
        salary_currency: if show {
            posting.salary_currency.clone()
        } else {
            None
        },
        salary_period: if show {
            Some(posting.salary_period)
        } else {
            None
        },
        application_form: sqlx::types::Json(ApplicationForm {
            require_resume: posting.require_resume,
            require_cover_letter: posting.require_cover_letter,
            questions: posting.questions.0.clone(),
        }),
        published_at,
        expires_at: posting.expires_at,
        posting_version: posting.version,
        posting_updated_at: posting.updated_at,
    })
}

/// Renders an authored description (Markdown, which may contain limited HTML) to HTML that is safe
/// to embed: an allow-list of formatting tags, links forced to `rel="nofollow noopener"`.
pub fn sanitize_description(source: &str) -> String {
    let mut html = String::with_capacity(source.len() + source.len() / 4);
    let parser =
        pulldown_cmark::Parser::new_ext(source, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    pulldown_cmark::html::push_html(&mut html, parser);
    sanitize_html(&html)
}

/// Cleans HTML with the catalog's allow-list.
pub fn sanitize_html(html: &str) -> String {
    use std::collections::HashSet;
    let tags: HashSet<&str> = [
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "del",
        "a",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "code",
        "pre",
        "hr",
    ]
    .into_iter()
    .collect();
    ammonia::Builder::default()
        .tags(tags)
        .clean_content_tags(["script", "style"].into_iter().collect())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// Plain text of sanitized HTML, for search and meta descriptions.
pub fn html_to_text(html: &str) -> String {
    const INLINE: &[&str] = &["a", "b", "strong", "em", "i", "u", "s", "del", "code"];
    let mut out = String::with_capacity(html.len());
    let mut tag: Option<String> = None;
    for c in html.chars() {
        match (&mut tag, c) {
            (None, '<') => tag = Some(String::new()),
            (Some(t), '>') => {
                let name: String = t
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if !INLINE.contains(&name.to_ascii_lowercase().as_str()) {
                    out.push(' ');
                }
                tag = None;
            }
            (Some(t), c) => t.push(c),
            (None, c) => out.push(c),
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postings::model::PostingStatus;

    fn posting() -> Posting {
        let now = Utc::now();
        Posting {
            id: Uuid::new_v4(),
            title: "Backend Engineer".into(),
            description:
                "We build **things**.<script>alert(1)</script><img src=x onerror=alert(1)>".into(),
            location: "Berlin".into(),
            remote_policy: RemotePolicy::Hybrid,
            job_type: JobType::FullTime,
            category: "Engineering".into(),
            salary_min: Some(Decimal::new(7_000_000, 2)),
            salary_max: Some(Decimal::new(9_000_000, 2)),
            salary_currency: Some("EUR".into()),
            salary_period: SalaryPeriod::Year,
            show_salary: true,
            status: PostingStatus::Open,
            published_on_career_page: true,
            internal_only: false,
            require_resume: true,
            require_cover_letter: false,
            questions: sqlx::types::Json(vec![]),
            published_at: Some(now),
            expires_at: None,
            deleted_at: None,
            created_at: now,
            updated_at: now,
            version: 3,
        }
    }

    fn company(active: bool) -> Company {
        Company {
            tenant_id: Uuid::new_v4(),
            slug: "acme".into(),
            name: "Acme".into(),
            active,
        }
    }

    #[test]
    fn only_open_public_postings_of_active_companies_are_projected() {
        assert!(project(&posting(), &company(true)).is_some());
        assert!(project(&posting(), &company(false)).is_none());
        for status in [
            PostingStatus::Draft,
            PostingStatus::Closed,
            PostingStatus::Archived,
        ] {
            assert!(
                project(
                    &Posting {
                        status,
                        ..posting()
                    },
                    &company(true)
                )
                .is_none()
            );
        }
        assert!(
            project(
                &Posting {
                    internal_only: true,
                    ..posting()
                },
                &company(true)
            )
            .is_none()
        );
        assert!(
            project(
                &Posting {
                    published_on_career_page: false,
                    ..posting()
                },
                &company(true)
            )
            .is_none()
        );
        assert!(
            project(
                &Posting {
                    deleted_at: Some(Utc::now()),
                    ..posting()
                },
                &company(true)
            )
            .is_none()
        );
    }

    #[test]
    fn a_hidden_salary_is_not_projected() {
        let e = project(
            &Posting {
                show_salary: false,
                ..posting()
            },
            &company(true),
        )
        .unwrap();
        assert_eq!(
            (
                e.salary_min,
                e.salary_max,
                e.salary_currency,
                e.salary_period
            ),
            (None, None, None, None)
        );
        let e = project(&posting(), &company(true)).unwrap();
        assert_eq!(e.salary_min, Some(Decimal::new(7_000_000, 2)));
    }

    #[test]
    fn descriptions_are_sanitized_once_on_write() {
        let e = project(&posting(), &company(true)).unwrap();
        assert!(e.description_html.contains("<strong>things</strong>"));
        assert!(!e.description_html.contains("script"));
        assert!(!e.description_html.contains("onerror"));
        assert_eq!(e.description_text, "We build things.");
        let html = sanitize_description("[x](javascript:alert(1)) [y](https://ok.example)");
        assert!(!html.contains("javascript"));
        assert!(html.contains("rel=\"nofollow noopener noreferrer\""));
    }
}
