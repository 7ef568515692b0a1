//! Admin career page: saving writes the tenant's page and its public projection together, renames
//! the company everywhere, sanitizes the about text and versions the consent text.

use crate::support::TestDb;
use crate::support::admin::*;
use axum::http::StatusCode;
use careers::postings::model::PostingStatus;

#[derive(Debug, sqlx::FromRow)]
struct Profile {
    tagline: String,
    description_html: String,
    logo_url: Option<String>,
    website: Option<String>,
    brand_color: Option<String>,
    consent_text: String,
    consent_version: i32,
}

async fn profile(db: &TestDb, tenant: uuid::Uuid) -> Profile {
    sqlx::query_as(
        "SELECT tagline, description_html, logo_url, website, brand_color, consent_text,
                consent_version FROM public.company_profiles WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

fn form<'a>(name: &'a str, consent: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("tagline", "We make rockets"),
        ("about", "We are **small**.<script>alert(1)</script>"),
        ("logo_url", "https://acme.example/logo.png"),
        ("website", "https://acme.example"),
        ("brand_color", "#1D4ED8"),
        ("consent_text", consent),
    ]
}

#[tokio::test]
async fn saving_the_career_page_updates_the_public_profile_name_and_consent_version_at_once() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let job = create_job(&db.pool, &t.tenant, "Engineer", PostingStatus::Open).await;
    let c = sign_in(&app, &t.email).await;
    assert_eq!(profile(&db, t.tenant.id).await.consent_version, 1);

    let res = c
        .post("/admin/career-page", &form("Acme Rockets", "I agree, v2."))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let p = profile(&db, t.tenant.id).await;
    assert_eq!(p.tagline, "We make rockets");
    assert!(p.description_html.contains("<strong>small</strong>"));
    assert!(!p.description_html.contains("script"));
    assert_eq!(p.logo_url.as_deref(), Some("https://acme.example/logo.png"));
    assert_eq!(p.website.as_deref(), Some("https://acme.example"));
    assert_eq!(p.brand_color.as_deref(), Some("#1d4ed8"));
    assert_eq!(p.consent_text, "I agree, v2.");
    assert_eq!(p.consent_version, 2);
    let (tenant_name, catalog_name): (String, String) = sqlx::query_as(
        "SELECT t.name, c.company_name FROM public.tenants t
           JOIN public.job_catalog c ON c.tenant_id = t.id WHERE c.job_id = $1",
    )
    .bind(job)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        (tenant_name.as_str(), catalog_name.as_str()),
        ("Acme Rockets", "Acme Rockets")
    );
    let mut ttx = t.tenant.begin(&db.pool).await.unwrap();
    let (about, version): (String, i32) =
        sqlx::query_as("SELECT about, consent_version FROM career_page")
            .fetch_one(&mut *ttx)
            .await
            .unwrap();
    ttx.commit().await.unwrap();
    assert_eq!(
        about, "We are **small**.<script>alert(1)</script>",
        "the source is kept as written"
    );
    assert_eq!(version, 2);

    // Saving again with the same consent text keeps its version; a new text bumps it.
    c.post("/admin/career-page", &form("Acme Rockets", "I agree, v2."))
        .await;
    assert_eq!(profile(&db, t.tenant.id).await.consent_version, 2);
    c.post("/admin/career-page", &form("Acme Rockets", "I agree, v3."))
        .await;
    assert_eq!(profile(&db, t.tenant.id).await.consent_version, 3);

    let page = c.get("/admin/career-page?saved=1").await;
    assert!(page.body.contains("It is live now"));
    assert!(page.body.contains("consent text version 3"));
    assert!(
        page.body
            .contains("We are **small**.&lt;script&gt;alert(1)&lt;/script&gt;"),
        "textarea escaped"
    );
}

#[tokio::test]
async fn a_bad_colour_or_address_is_refused_with_422_and_the_form_kept() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let mut f = form("Acme", "");
    f.retain(|(k, _)| !matches!(*k, "brand_color" | "website"));
    f.extend([("brand_color", "blue"), ("website", "javascript:alert(1)")]);
    let res = c.post("/admin/career-page", &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["brand-color-error", "website-error", "consent-text-error"] {
        assert!(res.body.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(res.body.contains("value=\"blue\""));
    assert!(res.body.contains("value=\"We make rockets\""));
    let p = profile(&db, t.tenant.id).await;
    assert_eq!(p.consent_version, 1, "nothing saved");
    assert_eq!(p.tagline, "");
}
