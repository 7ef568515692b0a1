//! The HR journey over a real socket, as a browser would drive it (the Playwright version lives in
//! `end2end/`): sign in, post and publish a job, find the candidate's application, download the
//! resume, move it to interview, add a note — and another tenant's HR sees none of it.

use crate::support::TestDb;
use crate::support::admin::*;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, HeaderMap, HeaderValue, ORIGIN};

fn csrf(html: &str) -> String {
    let re = regex::Regex::new(r#"name="_csrf" value="([0-9a-f]{64})""#).unwrap();
    re.captures(html).unwrap()[1].to_string()
}

fn browser(base: &str) -> reqwest::Client {
    let mut h = HeaderMap::new();
    h.insert(ORIGIN, HeaderValue::from_str(base).unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(h)
        .build()
        .unwrap()
}

async fn sign_in(client: &reqwest::Client, base: &str, email: &str) {
    let login = client.get(format!("{base}/admin")).send().await.unwrap();
    assert_eq!(
        login.url().path(),
        "/admin/login",
        "anonymous is sent to the login page"
    );
    let html = login.text().await.unwrap();
    let res = client
        .post(format!("{base}/admin/login"))
        .form(&[
            ("_csrf", csrf(&html).as_str()),
            ("email", email),
            ("password", PASSWORD),
            ("next", "/admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.url().path(), "/admin");
}

#[tokio::test]
async fn an_hr_user_posts_a_job_and_works_an_application_while_another_tenant_sees_nothing() {
    let db = TestDb::new().await;
    let acme = tenant_with_user(&db.pool, "acme").await;
    let globex = tenant_with_user(&db.pool, "globex").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = router(db.state());
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });

    let hr = browser(&base);
    sign_in(&hr, &base, &acme.email).await;

    // Post and publish a job.
    let form_html = hr
        .get(format!("{base}/admin/jobs/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = hr
        .post(format!("{base}/admin/jobs/new"))
        .form(&[
            ("_csrf", csrf(&form_html).as_str()),
            ("title", "Rocket Engineer"),
            ("description", "Build **rockets**."),
            ("location", "Berlin"),
            ("remote_policy", "hybrid"),
            ("job_type", "full_time"),
            ("salary_period", "year"),
            ("status", "draft"),
            ("published_on_career_page", "on"),
            ("action", "publish"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let job_id: uuid::Uuid = res
        .url()
        .path()
        .trim_start_matches("/admin/jobs/")
        .parse()
        .unwrap();
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("View the public listing")
    );
    let public: String =
        sqlx::query_scalar("SELECT title FROM public.job_catalog WHERE job_id = $1")
            .bind(job_id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        public, "Rocket Engineer",
        "the job is in the public catalog immediately"
    );

    // A candidate applies.
    let app_id = apply(
        &db.pool,
        &acme.tenant,
        job_id,
        "Ada",
        "Lovelace",
        "ada@x.example",
    )
    .await;

    // HR finds the application.
    let list = hr
        .get(format!("{base}/admin/applications?q=lovelace"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains(&format!("/admin/applications/{app_id}")));
    let detail = hr
        .get(format!("{base}/admin/applications/{app_id}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("Rocket Engineer") && detail.contains("ada@x.example"));

    // Downloads the resume.
    let resume = hr
        .get(format!("{base}/admin/applications/{app_id}/resume"))
        .send()
        .await
        .unwrap();
    assert_eq!(resume.status(), StatusCode::OK);
    assert!(
        resume.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(resume.bytes().await.unwrap().as_ref(), RESUME);

    // Moves it to interview and adds a note.
    let token = csrf(&detail);
    let res = hr
        .post(format!("{base}/admin/applications/{app_id}"))
        .form(&[
            ("_csrf", token.as_str()),
            ("action", "stage"),
            ("stage", "interview"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = hr
        .post(format!("{base}/admin/applications/{app_id}"))
        .form(&[
            ("_csrf", token.as_str()),
            ("action", "note"),
            ("note", "Great rocket skills"),
        ])
        .send()
        .await
        .unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains("moved from New to Interview"));
    assert!(page.contains("Great rocket skills"));

    // Globex's HR user sees none of it.
    let other = browser(&base);
    sign_in(&other, &base, &globex.email).await;
    let list = other
        .get(format!("{base}/admin/applications"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Lovelace"));
    let jobs = other
        .get(format!("{base}/admin/jobs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!jobs.contains("Rocket Engineer"));
    for path in [
        format!("/admin/applications/{app_id}"),
        format!("/admin/applications/{app_id}/resume"),
        format!("/admin/jobs/{job_id}"),
    ] {
        let res = other.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    server.abort();
}
