//! `GET /sitemap.xml` and its shards: every public job with `lastmod`, plus the home page, the job
//! list and the company pages. Above [`SHARD_SIZE`] jobs `/sitemap.xml` is a sitemap index of
//! `/sitemaps/jobs-{n}.xml` shards and `/sitemaps/pages.xml`.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;

use super::feed::xml_escape;
use crate::catalog::query;
use crate::catalog::query::JobQuery;
use crate::catalog::search::{Search, SearchError};

/// The sitemap protocol's limit of URLs per file.
pub const SHARD_SIZE: u32 = 50_000;

const URLSET: &str = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";

fn url_entry(out: &mut String, loc: &str, lastmod: Option<chrono::DateTime<chrono::Utc>>) {
    out.push_str("<url><loc>");
    out.push_str(&xml_escape(loc));
    out.push_str("</loc>");
    if let Some(t) = lastmod {
        out.push_str("<lastmod>");
        out.push_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        out.push_str("</lastmod>");
    }
    out.push_str("</url>\n");
}

/// The home page, job list, company directory and every company page.
async fn push_pages(out: &mut String, pool: &PgPool, base: &str) -> sqlx::Result<()> {
    for path in ["/", "/jobs", "/companies"] {
        url_entry(out, &format!("{base}{path}"), None);
    }
    let mut page = 1;
    loop {
        let companies = query::list_companies(pool, page, 100).await?;
        for c in &companies.results {
            url_entry(out, &format!("{base}/companies/{}", c.slug), None);
        }
        if !companies.has_next() || page >= 1000 {
            break;
        }
        page += 1;
    }
    Ok(())
}

async fn push_jobs(
    out: &mut String,
    pool: &PgPool,
    base: &str,
    after: Option<uuid::Uuid>,
    limit: u32,
) -> sqlx::Result<()> {
    for e in query::sitemap_page(pool, after, limit).await? {
        url_entry(out, &format!("{base}/jobs/{}", e.job_id), Some(e.lastmod));
    }
    Ok(())
}

/// `/sitemap.xml`: one urlset while the jobs fit in `shard_size`, else an index of shards.
pub async fn root_xml(
    pool: &PgPool,
    search: &Search,
    base: &str,
    shard_size: u32,
) -> Result<String, SearchError> {
    let total = search.count(pool, &JobQuery::default()).await?;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // Pages and companies share the file with the jobs only while everything stays small.
    if total + 3 <= i64::from(shard_size) {
        out.push_str(URLSET);
        push_pages(&mut out, pool, base).await?;
        push_jobs(&mut out, pool, base, None, shard_size).await?;
        out.push_str("</urlset>\n");
        return Ok(out);
    }
    let shards = query::sitemap_shards(pool, total, shard_size).await?;
    out.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    out.push_str(&format!(
        "<sitemap><loc>{}</loc></sitemap>\n",
        xml_escape(&format!("{base}/sitemaps/pages.xml"))
    ));
    for n in 0..shards.len() {
        out.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            xml_escape(&format!("{base}/sitemaps/jobs-{n}.xml"))
        ));
    }
    out.push_str("</sitemapindex>\n");
    Ok(out)
}

/// `/sitemaps/jobs-{n}.xml`; `None` past the last shard.
pub async fn shard_xml(
    pool: &PgPool,
    search: &Search,
    base: &str,
    shard_size: u32,
    n: usize,
) -> Result<Option<String>, SearchError> {
    let total = search.count(pool, &JobQuery::default()).await?;
    let shards = query::sitemap_shards(pool, total, shard_size).await?;
    let Some(start) = shards.get(n) else {
        return Ok(None);
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(URLSET);
    push_jobs(&mut out, pool, base, *start, shard_size).await?;
    out.push_str("</urlset>\n");
    Ok(Some(out))
}

/// `/sitemaps/pages.xml`.
pub async fn pages_xml(pool: &PgPool, base: &str) -> sqlx::Result<String> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(URLSET);
    push_pages(&mut out, pool, base).await?;
    out.push_str("</urlset>\n");
    Ok(out)
}

fn xml_response(r: Result<Option<String>, SearchError>) -> Response {
    match r {
        Ok(Some(xml)) => (
            [
                (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            xml,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

pub async fn root(State(state): State<crate::state::AppState>) -> Response {
    xml_response(
        root_xml(
            &state.pool,
            &state.search,
            &state.settings.public_url,
            SHARD_SIZE,
        )
        .await
        .map(Some),
    )
}

/// `/sitemaps/{file}`: `pages.xml` or `jobs-{n}.xml`.
pub async fn file(
    State(state): State<crate::state::AppState>,
    Path(file): Path<String>,
) -> Response {
    let base = &state.settings.public_url;
    if file == "pages.xml" {
        return xml_response(
            pages_xml(&state.pool, base)
                .await
                .map(Some)
                .map_err(Into::into),
        );
    }
    let n = file
        .strip_prefix("jobs-")
        .and_then(|r| r.strip_suffix(".xml"))
        .and_then(|n| n.parse::<usize>().ok());
    match n {
        Some(n) => xml_response(shard_xml(&state.pool, &state.search, base, SHARD_SIZE, n).await),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
