//! `GET /jobs/feed.xml`: RSS 2.0 of the newest 50 jobs matching the same query parameters as
//! `/jobs`.

use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::query_pairs;
use crate::catalog::query::{JobQuery, JobSummary};
use crate::state::AppState;
use crate::web::components::format;
use crate::web::components::job_card::salary_line;

/// Items in one feed.
pub const FEED_SIZE: u32 = 50;

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

pub async fn handler(State(state): State<AppState>, uri: Uri) -> Response {
    let q = match JobQuery::from_pairs(&query_pairs(&uri)) {
        Ok(q) => q,
        Err(errs) => {
            let names: Vec<&str> = errs.0.keys().map(String::as_str).collect();
            return (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("Invalid value for: {}.\n", names.join(", ")),
            )
                .into_response();
        }
    };
    let jobs = match state.search.newest(&state.pool, &q, FEED_SIZE).await {
        Ok(j) => j,
        Err(e) => return crate::error::AppError::from(e).into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        rss(&state.settings.public_url, &q, &jobs),
    )
        .into_response()
}

/// The RSS document for `jobs` found by `q`.
pub fn rss(base: &str, q: &JobQuery, jobs: &[JobSummary]) -> String {
    let qs = JobQuery {
        page: 1,
        ordering: None,
        ..q.clone()
    }
    .to_query_string(None);
    let (list, this) = if qs.is_empty() {
        (format!("{base}/jobs"), format!("{base}/jobs/feed.xml"))
    } else {
        (
            format!("{base}/jobs?{qs}"),
            format!("{base}/jobs/feed.xml?{qs}"),
        )
    };
    let title = super::jobs::title_for(q);
    let built = jobs
        .iter()
        .map(|j| j.published_at)
        .max()
        .unwrap_or_else(chrono::Utc::now);
    let mut out = String::with_capacity(1024 + jobs.len() * 600);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    out.push_str(&format!(
        "<title>{} · Careers</title>\n",
        xml_escape(&title)
    ));
    out.push_str(&format!("<link>{}</link>\n", xml_escape(&list)));
    out.push_str(&format!(
        "<description>{}</description>\n",
        xml_escape(&format!("The newest {title} on Careers."))
    ));
    out.push_str("<language>en</language>\n");
    out.push_str(&format!(
        "<lastBuildDate>{}</lastBuildDate>\n",
        built.to_rfc2822()
    ));
    out.push_str(&format!(
        "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        xml_escape(&this)
    ));
    for j in jobs {
        let url = format!("{base}/jobs/{}", j.id);
        let mut summary = vec![
            j.company.name.clone(),
            format::location_line(&j.location, j.remote_policy),
            j.job_type.label().to_string(),
        ];
        if let Some(s) = salary_line(j.salary.as_ref()) {
            summary.push(s);
        }
        let description = format!("{}. {}", summary.join(" · "), j.snippet);
        out.push_str("<item>\n");
        out.push_str(&format!(
            "<title>{}</title>\n",
            xml_escape(&format!("{} at {}", j.title, j.company.name))
        ));
        out.push_str(&format!(
            "<link>{url}</link>\n<guid isPermaLink=\"true\">{url}</guid>\n"
        ));
        out.push_str(&format!(
            "<pubDate>{}</pubDate>\n",
            j.published_at.to_rfc2822()
        ));
        out.push_str(&format!(
            "<description>{}</description>\n",
            xml_escape(&description)
        ));
        if !j.category.is_empty() {
            out.push_str(&format!(
                "<category>{}</category>\n",
                xml_escape(&j.category)
            ));
        }
        out.push_str("</item>\n");
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_control_characters_dropped() {
        assert_eq!(xml_escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }
}
