//! Fixtures of the public-site tests: a small catalog of companies and jobs created through the
//! real write paths (`tenancy::create`, `postings::save`), plus HTTP helpers for in-process requests.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use careers::postings::model::{
    JobType, PostingDraft, PostingStatus, Question, QuestionType, RemotePolicy, SalaryPeriod,
};
use careers::state::AppState;
use careers::tenancy::{self, Tenant};
use rust_decimal::Decimal;
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

/// Ids of the seeded jobs.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub acme: Tenant,
    pub globex: Tenant,
    /// Remote, requires a resume, has custom questions (Acme).
    pub rust_remote: Uuid,
    /// Hybrid, no resume required (Acme).
    pub designer: Uuid,
    /// On-site, salary hidden (Globex).
    pub warehouse: Uuid,
    /// Contract, part of Globex.
    pub data_contract: Uuid,
}

pub async fn tenant(pool: &PgPool, slug: &str, name: &str, tagline: &str) -> Tenant {
    let t = tenancy::create(pool, slug, name, &[]).await.unwrap();
    // Branding as HR would set it on the career page (the admin pages own that write path).
    sqlx::query(
        "UPDATE public.company_profiles
            SET tagline = $2, description_html = $3, website = $4, brand_color = $5
          WHERE tenant_id = $1",
    )
    .bind(t.id)
    .bind(tagline)
    .bind(format!(
        "<p>{name} builds things people love. We are a team of curious people.</p>"
    ))
    .bind(format!("https://{slug}.example.com"))
    .bind("#0f766e")
    .execute(pool)
    .await
    .unwrap();
    t
}

pub fn draft(title: &str) -> PostingDraft {
    PostingDraft {
        title: title.into(),
        description: format!(
            "## About the role\n\nAs our **{title}** you will work on interesting problems.\n\n\
             ## What you bring\n\n- Curiosity\n- Care for users\n- Clear writing"
        ),
        location: "Berlin, Germany".into(),
        remote_policy: RemotePolicy::Hybrid,
        job_type: JobType::FullTime,
        category: "Engineering".into(),
        salary_min: Some(Decimal::new(7_000_000, 2)),
        salary_max: Some(Decimal::new(9_000_000, 2)),
        salary_currency: Some("EUR".into()),
        salary_period: SalaryPeriod::Year,
        status: PostingStatus::Open,
        ..Default::default()
    }
}

// Not every test binary that includes this module uses both.
#[allow(unused_imports)]
pub use crate::support::{posting, set_status};

pub fn question(name: &str, label: &str, kind: QuestionType, required: bool) -> Question {
    Question {
        name: name.into(),
        label: label.into(),
        kind,
        required,
        options: if kind == QuestionType::Select {
            vec![
                "Less than 2 years".into(),
                "2 to 5 years".into(),
                "More than 5 years".into(),
            ]
        } else {
            vec![]
        },
    }
}

/// Two companies and four jobs.
pub async fn seed(pool: &PgPool) -> Seeded {
    let acme = tenant(
        pool,
        "acme",
        "Acme Robotics",
        "Robots that help people at work",
    )
    .await;
    let globex = tenant(
        pool,
        "globex",
        "Globex Logistics",
        "Moving the world's parcels",
    )
    .await;
    let rust_remote = posting(
        pool,
        &acme,
        PostingDraft {
            location: "Germany".into(),
            remote_policy: RemotePolicy::Remote,
            require_resume: true,
            questions: vec![
                question(
                    "q_years",
                    "How many years have you worked with Rust?",
                    QuestionType::Select,
                    true,
                ),
                question(
                    "q_why",
                    "Why do you want to join Acme?",
                    QuestionType::Textarea,
                    false,
                ),
            ],
            ..draft("Senior Rust Engineer")
        },
    )
    .await;
    let designer = posting(
        pool,
        &acme,
        PostingDraft {
            category: "Design".into(),
            salary_min: Some(Decimal::from(60_000)),
            salary_max: Some(Decimal::from(75_000)),
            ..draft("Product Designer")
        },
    )
    .await;
    let warehouse = posting(
        pool,
        &globex,
        PostingDraft {
            location: "Rotterdam, Netherlands".into(),
            remote_policy: RemotePolicy::OnSite,
            job_type: JobType::PartTime,
            category: "Operations".into(),
            show_salary: false,
            ..draft("Warehouse Team Lead")
        },
    )
    .await;
    let data_contract = posting(
        pool,
        &globex,
        PostingDraft {
            location: "Amsterdam, Netherlands".into(),
            remote_policy: RemotePolicy::Remote,
            job_type: JobType::Contract,
            category: "Data".into(),
            salary_min: Some(Decimal::from(600)),
            salary_max: Some(Decimal::from(800)),
            salary_period: SalaryPeriod::Day,
            ..draft("Data Engineer (contract)")
        },
    )
    .await;
    Seeded {
        acme,
        globex,
        rust_remote,
        designer,
        warehouse,
        data_contract,
    }
}

/// A response's status, headers and body text.
pub struct Page {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

pub async fn send(state: &AppState, req: Request<Body>) -> Page {
    let res = careers::server::router::build(state.clone())
        .oneshot(req)
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn get(state: &AppState, uri: &str) -> Page {
    send(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// Every `<script type="application/ld+json">` body of a page, parsed.
pub fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    doc.select(&sel)
        .map(|s| serde_json::from_str(&s.inner_html()).unwrap())
        .collect()
}

/// Text of the first element matching `css`.
pub fn text_of(html: &str, css: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_string())
}

/// Value of `attr` on the first element matching `css`.
pub fn attr_of(html: &str, css: &str, attr: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(attr).map(str::to_string))
}

pub fn count(html: &str, css: &str) -> usize {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel).count()
}

/// A `multipart/form-data` body: text fields, then an optional file `(field, filename, type, bytes)`.
pub fn multipart(
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &str, &[u8])>,
) -> (String, Vec<u8>) {
    let boundary = "----careers-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, filename, ctype, data)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {ctype}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A minimal PDF (the intake checks the content, not the name).
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// A form token as if the page had been served `secs_ago` seconds ago.
pub fn token(job: Uuid, secs_ago: i64) -> String {
    careers::web::public::form_guard::issue(
        &std::env::temp_dir(),
        job,
        chrono::Utc::now().timestamp() - secs_ago,
    )
}

/// POSTs the apply form of `job` as a same-origin browser would.
pub async fn post_apply(
    state: &AppState,
    job: Uuid,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &str, &[u8])>,
) -> Page {
    let (ctype, body) = multipart(fields, file);
    let req = Request::post(format!("/jobs/{job}/apply"))
        .header("content-type", ctype)
        .header("origin", "http://127.0.0.1:3000")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap();
    send(state, req).await
}

/// Emails of the applications stored in `tenant`'s schema.
pub async fn application_emails(pool: &PgPool, tenant: &Tenant) -> Vec<String> {
    let mut ttx = tenant.begin(pool).await.unwrap();
    let emails: Vec<String> = sqlx::query_scalar(
        "SELECT c.email FROM applications a JOIN candidates c ON c.id = a.candidate_id ORDER BY c.email",
    )
    .fetch_all(&mut *ttx)
    .await
    .unwrap();
    ttx.commit().await.unwrap();
    emails
}
