//! Shared helpers of the admin integration tests: tenants with a signed-in HR user, requests
//! driven in-process through the real router, and applications written straight into a tenant's
//! tables (the public intake module lives elsewhere).

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, Response, StatusCode, header};
use careers::postings::model::{PostingDraft, PostingStatus};
use careers::postings::{self, PostingChange};
use careers::state::AppState;
use careers::tenancy::{self, Tenant};
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery";
pub const ORIGIN: &str = "http://127.0.0.1:3000";

/// A response with its body read.
pub struct Page {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }

    /// The first CSRF token in the page.
    pub fn csrf(&self) -> String {
        let re = regex::Regex::new(r#"name="_csrf" value="([0-9a-f]{64})""#).unwrap();
        re.captures(&self.body)
            .unwrap_or_else(|| panic!("no csrf token in {}", self.body))[1]
            .to_string()
    }

    /// `name=value` of the session cookie this response sets, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("careers_admin="))
            .map(|c| c.split(';').next().unwrap().to_string())
    }
}

pub async fn send(app: &Router, req: Request<Body>) -> Page {
    let res: Response<Body> = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

pub fn form_body(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// A request builder with an optional cookie.
pub fn get_req(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(path).header(header::HOST, "127.0.0.1:3000");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).unwrap()
}

pub fn post_req(path: &str, cookie: Option<&str>, pairs: &[(&str, &str)]) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(form_body(pairs))).unwrap()
}

/// A tenant with one HR user.
pub struct TenantUser {
    pub tenant: Tenant,
    pub email: String,
}

pub async fn tenant_with_user(pool: &PgPool, slug: &str) -> TenantUser {
    let tenant = tenancy::create(pool, slug, &format!("{slug} Corp"), &[])
        .await
        .unwrap();
    let email = format!("hr@{slug}.example");
    careers::auth::create_user(pool, slug, &email, PASSWORD)
        .await
        .unwrap();
    TenantUser { tenant, email }
}

/// Adds a member with `role` to the tenant of `owner` (password [`PASSWORD`]); their email.
pub async fn member(pool: &PgPool, owner: &TenantUser, role: &str) -> String {
    let email = format!("{role}@{}.example", owner.tenant.slug);
    careers::auth::create_user(pool, &owner.tenant.slug, &email, PASSWORD)
        .await
        .unwrap();
    sqlx::query("UPDATE public.hr_users SET role = $2 WHERE email = $1")
        .bind(&email)
        .bind(role)
        .execute(pool)
        .await
        .unwrap();
    email
}

/// The id of the HR user with `email`.
pub async fn user_id(pool: &PgPool, email: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM public.hr_users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A signed-in admin client.
pub struct Client {
    pub app: Router,
    pub cookie: String,
    pub csrf: String,
}

impl Client {
    pub async fn get(&self, path: &str) -> Page {
        send(&self.app, get_req(path, Some(&self.cookie))).await
    }

    /// POSTs a form with the session's CSRF token.
    pub async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(pairs);
        send(&self.app, post_req(path, Some(&self.cookie), &all)).await
    }
}

/// Signs in through the login form and returns the client.
pub async fn sign_in(app: &Router, email: &str) -> Client {
    let form = send(app, get_req("/admin/login", None)).await;
    assert_eq!(form.status, StatusCode::OK);
    let pre = form
        .session_cookie()
        .expect("login form sets a session cookie");
    let res = send(
        app,
        post_req(
            "/admin/login",
            Some(&pre),
            &[
                ("_csrf", &form.csrf()),
                ("email", email),
                ("password", PASSWORD),
            ],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let cookie = res.session_cookie().expect("login sets the session cookie");
    let dash = send(app, get_req("/admin", Some(&cookie))).await;
    assert_eq!(dash.status, StatusCode::OK, "{}", dash.body);
    Client {
        app: app.clone(),
        cookie,
        csrf: dash.csrf(),
    }
}

pub fn router(state: AppState) -> Router {
    careers::server::router::build(state)
}

/// Creates a job through the one save path.
pub async fn create_job(
    pool: &PgPool,
    tenant: &Tenant,
    title: &str,
    status: PostingStatus,
) -> Uuid {
    let mut ttx = tenant.begin(pool).await.unwrap();
    let saved = postings::save(
        &mut ttx,
        tenant.id,
        PostingChange::Create(PostingDraft {
            title: title.into(),
            description: "Build things.".into(),
            location: "Berlin".into(),
            status,
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    ttx.commit().await.unwrap();
    saved.posting.id
}

/// An application as intake would store it: candidate (one per email, case-insensitive), resume,
/// application in stage `new` with consent and UTM data, and its `received` event.
pub async fn apply(
    pool: &PgPool,
    tenant: &Tenant,
    job_id: Uuid,
    first: &str,
    last: &str,
    email: &str,
) -> Uuid {
    let mut ttx = tenant.begin(pool).await.unwrap();
    let candidate: Uuid = sqlx::query_scalar(
        "INSERT INTO candidates (id, email, first_name, last_name, phone)
         VALUES ($1, $2, $3, $4, '+49 30 1234')
         ON CONFLICT (lower(email)) DO UPDATE SET updated_at = now() RETURNING id",
    )
    .bind(Uuid::now_v7())
    .bind(email)
    .bind(first)
    .bind(last)
    .fetch_one(&mut *ttx)
    .await
    .unwrap();
    let resume = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO resumes (id, filename, content_type, size_bytes, sha256, data)
         VALUES ($1, $2, 'application/pdf', $3, 'x', $4)",
    )
    .bind(resume)
    .bind(format!("{last} CV.pdf"))
    .bind(RESUME.len() as i32)
    .bind(RESUME)
    .execute(&mut *ttx)
    .await
    .unwrap();
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO applications (id, job_id, candidate_id, cover_letter, answers, resume_id,
             consent_text, consent_version, consented_at, source, utm_source, utm_medium,
             utm_campaign)
         VALUES ($1, $2, $3, 'I love <b>building</b> things.', '{\"q_why\": \"Because\"}', $4,
             'I agree to the processing.', 1, now(), 'career_site', 'newsletter', 'email',
             'autumn')",
    )
    .bind(id)
    .bind(job_id)
    .bind(candidate)
    .bind(resume)
    .execute(&mut *ttx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO application_events (id, application_id, kind, to_stage)
         VALUES ($1, $2, 'received', 'new')",
    )
    .bind(Uuid::now_v7())
    .bind(id)
    .execute(&mut *ttx)
    .await
    .unwrap();
    ttx.commit().await.unwrap();
    id
}

pub const RESUME: &[u8] = b"%PDF-1.4\n% test resume\n";

/// Posts `pairs` to an anonymous admin form at `path` (fetching its CSRF token from `form_path`).
pub async fn post_form(app: &Router, form_path: &str, path: &str, pairs: &[(&str, &str)]) -> Page {
    let form = send(app, get_req(form_path, None)).await;
    assert_eq!(form.status, StatusCode::OK, "{form_path}: {}", form.body);
    let cookie = form.session_cookie().unwrap();
    let csrf = form.csrf();
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(pairs);
    send(app, post_req(path, Some(&cookie), &all)).await
}

/// The bodies of the outbox's mails to `to`, oldest first.
pub async fn mails_to(pool: &PgPool, to: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT body_text FROM public.mail_outbox WHERE to_address = $1 ORDER BY created_at",
    )
    .bind(to)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The hex token after `prefix` (e.g. `/admin/reset?token=`) in a mail.
pub fn link_token(mail: &str, prefix: &str) -> String {
    let at = mail.find(prefix).expect("the mail has the link") + prefix.len();
    mail[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}
