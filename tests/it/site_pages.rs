//! The public site's pages as rendered HTML: status codes, titles, meta, JSON-LD checked field by
//! field, 404/410, escaping of hostile job text, security headers and embedded assets.

use crate::support::site::{attr_of, count, get, json_ld, seed, text_of};
use axum::http::StatusCode;
use careers::postings::model::{JobType, PostingDraft, PostingStatus, RemotePolicy};
use chrono::{Duration, Utc};

#[tokio::test]
async fn the_home_page_lists_the_newest_jobs_and_the_companies_hiring() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let page = get(&db.state(), "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(count(&page.body, "main"), 1);
    assert_eq!(
        count(
            &page.body,
            "form[role=search][action='/jobs'] input[name=q]"
        ),
        1
    );
    assert_eq!(count(&page.body, ".job-card"), 4);
    assert!(
        page.body
            .contains(&format!("href=\"/jobs/{}\"", s.rust_remote))
    );
    assert!(page.body.contains("Acme Robotics") && page.body.contains("Globex Logistics"));
    assert_eq!(
        json_ld(&page.body).len(),
        0,
        "list pages carry no JobPosting"
    );
    assert_eq!(
        attr_of(&page.body, "link[rel=canonical]", "href").as_deref(),
        Some("http://127.0.0.1:3000/")
    );
    assert!(!page.body.contains("<script>"), "no inline script");
}

#[tokio::test]
async fn the_job_list_filters_counts_facets_and_drops_tracking_parameters_from_the_canonical() {
    let db = crate::support::TestDb::new().await;
    seed(&db.pool).await;
    let state = db.state();
    let page = get(
        &state,
        "/jobs?remote_policy=remote&utm_source=newsletter&fbclid=x",
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        text_of(&page.body, "title").unwrap(),
        "Remote jobs · Careers"
    );
    assert_eq!(text_of(&page.body, "#results-heading").unwrap(), "2 jobs");
    assert_eq!(count(&page.body, ".job-card"), 2);
    assert_eq!(
        attr_of(&page.body, "link[rel=canonical]", "href").as_deref(),
        Some("http://127.0.0.1:3000/jobs?remote_policy=remote")
    );
    // The facet form is a GET form with the remote box ticked and counts beside each value.
    assert_eq!(
        count(
            &page.body,
            "form[method=get] input[name=remote_policy][value=remote][checked]"
        ),
        1
    );
    assert_eq!(
        count(
            &page.body,
            "form[method=get] input[name=job_type][value=contract]"
        ),
        1
    );
    assert!(
        page.body.contains("aria-label=\"1 jobs\"") || page.body.contains("aria-label=\"2 jobs\"")
    );
    // Each active filter can be removed with one link.
    assert_eq!(
        attr_of(&page.body, ".active-filters .chip", "href").as_deref(),
        Some("/jobs")
    );
    assert_eq!(json_ld(&page.body).len(), 0);
}

#[tokio::test]
async fn an_empty_search_suggests_loosening_the_filters() {
    let db = crate::support::TestDb::new().await;
    seed(&db.pool).await;
    let page = get(&db.state(), "/jobs?q=astronaut&remote_policy=remote").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(count(&page.body, ".job-card"), 0);
    let empty = text_of(&page.body, ".empty-state").unwrap();
    assert!(empty.contains("No jobs match"), "{empty}");
    assert!(empty.contains("Remove “Remote”"), "{empty}");
}

#[tokio::test]
async fn an_invalid_parameter_is_a_400_page_that_names_it() {
    let db = crate::support::TestDb::new().await;
    let page = get(&db.state(), "/jobs?page_size=1000&ordering=bogus").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let text = text_of(&page.body, "main").unwrap();
    assert!(
        text.contains("page_size") && text.contains("ordering"),
        "{text}"
    );
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn pagination_links_keep_the_filters() {
    let db = crate::support::TestDb::new().await;
    seed(&db.pool).await;
    let page = get(&db.state(), "/jobs?page_size=1&job_type=full_time").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(count(&page.body, ".job-card"), 1);
    assert_eq!(
        attr_of(&page.body, ".pagination a[rel=next]", "href").as_deref(),
        Some("/jobs?job_type=full_time&page=2&page_size=1")
    );
    let second = get(&db.state(), "/jobs?job_type=full_time&page=2&page_size=1").await;
    assert_eq!(count(&second.body, ".job-card"), 1);
    assert_eq!(count(&second.body, ".pagination a[rel=prev]"), 1);
}

#[tokio::test]
async fn a_job_page_carries_one_job_posting_that_meets_googles_requirements() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let page = get(&db.state(), &format!("/jobs/{}", s.rust_remote)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(text_of(&page.body, "h1").unwrap(), "Senior Rust Engineer");
    assert_eq!(
        text_of(&page.body, "title").unwrap(),
        "Senior Rust Engineer at Acme Robotics · Careers"
    );
    assert_eq!(
        attr_of(
            &page.body,
            "a[aria-label='Apply for Senior Rust Engineer']",
            "href"
        )
        .unwrap(),
        format!("/jobs/{}/apply", s.rust_remote)
    );
    assert!(
        page.body.contains("<h2>About the role</h2>"),
        "sanitized description HTML"
    );
    assert!(page.body.contains("€70,000 – €90,000 per year"));
    assert_eq!(
        attr_of(&page.body, "meta[property='og:type']", "content").as_deref(),
        Some("article")
    );
    let ld = json_ld(&page.body);
    assert_eq!(ld.len(), 1, "exactly one JSON-LD block");
    let j = &ld[0];
    assert_eq!(j["@context"], "https://schema.org/");
    assert_eq!(j["@type"], "JobPosting");
    assert_eq!(j["title"], "Senior Rust Engineer");
    assert!(
        j["description"]
            .as_str()
            .unwrap()
            .contains("<strong>Senior Rust Engineer</strong>")
    );
    let posted = chrono::DateTime::parse_from_rfc3339(j["datePosted"].as_str().unwrap()).unwrap();
    assert!((Utc::now() - posted.with_timezone(&Utc)).num_minutes() < 5);
    assert_eq!(j["employmentType"], "FULL_TIME");
    assert_eq!(j["hiringOrganization"]["@type"], "Organization");
    assert_eq!(j["hiringOrganization"]["name"], "Acme Robotics");
    assert_eq!(
        j["hiringOrganization"]["sameAs"],
        "https://acme.example.com"
    );
    assert_eq!(j["jobLocationType"], "TELECOMMUTE");
    assert_eq!(j["applicantLocationRequirements"]["@type"], "Country");
    assert_eq!(j["applicantLocationRequirements"]["name"], "Germany");
    assert!(
        j.get("jobLocation").is_none(),
        "remote: no physical location"
    );
    assert!(j.get("validThrough").is_none(), "no expiry set");
    assert_eq!(j["baseSalary"]["@type"], "MonetaryAmount");
    assert_eq!(j["baseSalary"]["currency"], "EUR");
    assert_eq!(j["baseSalary"]["value"]["@type"], "QuantitativeValue");
    assert_eq!(j["baseSalary"]["value"]["minValue"], 70000);
    assert_eq!(j["baseSalary"]["value"]["maxValue"], 90000);
    assert_eq!(j["baseSalary"]["value"]["unitText"], "YEAR");
    assert_eq!(
        j["url"],
        format!("http://127.0.0.1:3000/jobs/{}", s.rust_remote)
    );
}

#[tokio::test]
async fn on_site_jobs_have_a_place_hidden_salaries_stay_hidden_and_expiry_is_valid_through() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let page = get(&db.state(), &format!("/jobs/{}", s.warehouse)).await;
    let j = &json_ld(&page.body)[0];
    assert_eq!(j["employmentType"], "PART_TIME");
    assert_eq!(j["jobLocation"]["@type"], "Place");
    assert_eq!(j["jobLocation"]["address"]["addressLocality"], "Rotterdam");
    assert_eq!(j["jobLocation"]["address"]["addressCountry"], "Netherlands");
    assert!(
        j.get("jobLocationType").is_none(),
        "TELECOMMUTE only for remote jobs"
    );
    assert!(j.get("baseSalary").is_none(), "salary not shown");
    assert!(
        !page.body.contains("€70,000"),
        "hidden salary leaked into the page"
    );

    let expires = Utc::now() + Duration::days(30);
    let id = crate::support::site::posting(
        &db.pool,
        &s.globex,
        PostingDraft {
            job_type: JobType::Internship,
            remote_policy: RemotePolicy::Hybrid,
            expires_at: Some(expires),
            ..crate::support::site::draft("Summer Intern")
        },
    )
    .await;
    let page = get(&db.state(), &format!("/jobs/{id}")).await;
    let j = &json_ld(&page.body)[0];
    assert_eq!(j["employmentType"], "INTERN");
    let valid = chrono::DateTime::parse_from_rfc3339(j["validThrough"].as_str().unwrap()).unwrap();
    assert!((valid.with_timezone(&Utc) - expires).num_seconds().abs() <= 1);
    let contract = get(&db.state(), &format!("/jobs/{}", s.data_contract)).await;
    let j = &json_ld(&contract.body)[0];
    assert_eq!(j["employmentType"], "CONTRACTOR");
    assert_eq!(j["baseSalary"]["value"]["unitText"], "DAY");
}

#[tokio::test]
async fn a_job_that_is_not_public_is_a_real_404_and_an_expired_one_is_410() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let state = db.state();
    crate::support::site::set_status(&db.pool, &s.acme, s.designer, PostingStatus::Closed).await;
    let closed = get(&state, &format!("/jobs/{}", s.designer)).await;
    assert_eq!(closed.status, StatusCode::NOT_FOUND);
    assert_eq!(json_ld(&closed.body).len(), 0);
    assert_eq!(
        attr_of(&closed.body, "meta[name=robots]", "content").as_deref(),
        Some("noindex")
    );
    let apply = get(&state, &format!("/jobs/{}/apply", s.designer)).await;
    assert_eq!(apply.status, StatusCode::NOT_FOUND);

    assert_eq!(
        get(&state, "/jobs/not-a-uuid").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&state, &format!("/jobs/{}", uuid::Uuid::new_v4()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let now = Utc::now();
    let expired = crate::support::site::posting(
        &db.pool,
        &s.acme,
        PostingDraft {
            published_at: Some(now - Duration::days(40)),
            expires_at: Some(now - Duration::days(1)),
            ..crate::support::site::draft("Old Role")
        },
    )
    .await;
    let gone = get(&state, &format!("/jobs/{expired}")).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(
        text_of(&gone.body, "h1")
            .unwrap()
            .contains("no longer available")
    );
    assert_eq!(
        get(&state, "/no/such/page").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn hostile_job_and_company_text_is_escaped_everywhere() {
    let db = crate::support::TestDb::new().await;
    let evil = crate::support::site::tenant(
        &db.pool,
        "evil",
        "Evil <script>alert(1)</script> Inc",
        "\"><img src=x onerror=alert(2)>",
    )
    .await;
    let id = crate::support::site::posting(
        &db.pool,
        &evil,
        PostingDraft {
            title: "</title><script>alert(3)</script>".into(),
            description:
                "Hi<script>alert(4)</script><img src=x onerror=alert(5)> **bold** </script>".into(),
            location: "\"><svg onload=alert(6)>".into(),
            category: "<b>cat</b>".into(),
            ..crate::support::site::draft("x")
        },
    )
    .await;
    sqlx::query(
        "UPDATE public.company_profiles SET website = 'javascript:alert(7)' WHERE tenant_id = $1",
    )
    .bind(evil.id)
    .execute(&db.pool)
    .await
    .unwrap();
    let state = db.state();
    for path in [
        "/".to_string(),
        "/jobs".to_string(),
        format!("/jobs/{id}"),
        format!("/jobs/{id}/apply"),
        "/companies".to_string(),
        "/companies/evil".to_string(),
        "/embed/jobs".to_string(),
    ] {
        let page = get(&state, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        // Escaped text may mention `onerror`; what must not exist is an element built from it.
        for needle in [
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<b>cat</b>",
            "</title><script>",
        ] {
            assert!(!page.body.contains(needle), "{path} contains {needle}");
        }
        assert_eq!(
            count(&page.body, "[onerror], [onload], svg, b"),
            0,
            "{path}"
        );
        assert_eq!(
            count(
                &page.body,
                "script:not([type='application/ld+json']):not([src])"
            ),
            0,
            "{path} has an inline script"
        );
        assert_eq!(count(&page.body, "title"), 1, "{path}");
        assert_eq!(count(&page.body, "a[href^='javascript']"), 0, "{path}");
    }
    let job = get(&state, &format!("/jobs/{id}")).await;
    assert!(
        job.body.contains("<strong>bold</strong>"),
        "sanitized formatting survives"
    );
    // The JSON-LD block cannot be closed early and still parses to the original title.
    let ld = json_ld(&job.body);
    assert_eq!(ld.len(), 1);
    assert_eq!(ld[0]["title"], "</title><script>alert(3)</script>");
    assert!(!job.body.contains("</script><script>"));
}

#[tokio::test]
async fn company_pages_show_branding_and_open_jobs_and_unknown_companies_are_404() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let state = db.state();
    let page = get(&state, "/companies/acme").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(text_of(&page.body, "h1").unwrap(), "Acme Robotics");
    assert_eq!(
        text_of(&page.body, ".tagline").unwrap(),
        "Robots that help people at work"
    );
    assert_eq!(count(&page.body, ".job-card"), 2);
    assert!(page.body.contains(&format!("/jobs/{}", s.designer)));
    assert_eq!(
        attr_of(
            &page.body,
            "link[rel=stylesheet][href='/companies/acme/brand.css']",
            "href"
        )
        .as_deref(),
        Some("/companies/acme/brand.css")
    );
    let css = get(&state, "/companies/acme/brand.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.body.contains("--brand: #0f766e") && css.body.contains("--brand-fg: #ffffff"));
    let dir = get(&state, "/companies").await;
    assert_eq!(count(&dir.body, ".company-card"), 2);
    assert_eq!(
        get(&state, "/companies/nope").await.status,
        StatusCode::NOT_FOUND
    );
    careers::tenants::set_status(&db.pool, "globex", false)
        .await
        .unwrap();
    assert_eq!(
        get(&state, "/companies/globex").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_tenants_own_domain_shows_its_career_page_at_the_root() {
    let db = crate::support::TestDb::new().await;
    let t = careers::tenancy::create(
        &db.pool,
        "initech",
        "Initech",
        &["jobs.initech.test".into()],
    )
    .await
    .unwrap();
    crate::support::site::posting(
        &db.pool,
        &t,
        crate::support::site::draft("TPS Report Analyst"),
    )
    .await;
    let req = axum::http::Request::get("/")
        .header("host", "jobs.initech.test")
        .body(axum::body::Body::empty())
        .unwrap();
    let page = crate::support::site::send(&db.state(), req).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(text_of(&page.body, "h1").unwrap(), "Initech");
    assert!(page.body.contains("TPS Report Analyst"));
}

#[tokio::test]
async fn pages_deny_framing_but_embeds_allow_it_and_link_out_in_a_new_tab() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let state = db.state();
    let page = get(&state, "/jobs").await;
    assert_eq!(page.headers["x-frame-options"], "DENY");
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert!(page.headers.contains_key("referrer-policy"));

    let embed = get(&state, "/embed/jobs?company=acme").await;
    assert_eq!(embed.status, StatusCode::OK);
    assert!(!embed.headers.contains_key("x-frame-options"));
    let csp = embed.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors *"), "{csp}");
    assert_eq!(count(&embed.body, ".site-header"), 0, "no site chrome");
    assert_eq!(count(&embed.body, ".job-card"), 2);
    let link = format!("a[href='http://127.0.0.1:3000/jobs/{}']", s.rust_remote);
    assert_eq!(
        attr_of(&embed.body, &link, "target").as_deref(),
        Some("_blank")
    );
    assert_eq!(
        attr_of(&embed.body, &link, "rel").as_deref(),
        Some("noopener")
    );
    assert_eq!(count(&embed.body, "script[src^='/embed.js']"), 1);
}

#[tokio::test]
async fn assets_are_served_from_the_binary_with_types_and_cache_headers() {
    let db = crate::support::TestDb::new().await;
    let state = db.state();
    let home = get(&state, "/").await;
    let css_href = attr_of(&home.body, "link[rel=stylesheet]", "href").unwrap();
    assert!(css_href.starts_with("/style/main.css?v="), "{css_href}");
    let css = get(&state, &css_href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    assert!(
        css.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(css.body.contains(":focus-visible"));
    let etag = css.headers["etag"].to_str().unwrap().to_string();
    let req = axum::http::Request::get("/style/main.css")
        .header("if-none-match", &etag)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(
        crate::support::site::send(&state, req).await.status,
        StatusCode::NOT_MODIFIED
    );
    let js = get(&state, "/embed.js").await;
    assert_eq!(js.headers["content-type"], "text/javascript; charset=utf-8");
    assert!(js.body.contains("postMessage"));
    assert_eq!(
        get(&state, "/favicon.svg").await.headers["content-type"],
        "image/svg+xml"
    );
    let robots = get(&state, "/robots.txt").await;
    assert_eq!(robots.status, StatusCode::OK);
    assert!(
        robots
            .body
            .contains("Sitemap: http://127.0.0.1:3000/sitemap.xml")
    );
    assert!(robots.body.contains("Disallow: /admin/"));
}
