//! `careers seed` and `serve --demo` against a real PostgreSQL: determinism, idempotence, and data
//! that goes through the same catalog rules as every other write.

use crate::support::TestDb;
use careers::catalog::reconcile::{self, Options};
use careers::seed::{self, Spec};
use chrono::{TimeZone, Utc};
use sqlx::PgPool;

fn spec(seed: u64) -> Spec {
    Spec {
        tenants: 4,
        jobs_per_tenant: 25,
        seed,
        anchor: Utc.with_ymd_and_hms(2026, 11, 29, 0, 0, 0).unwrap(),
    }
}

type CatalogLine = (
    uuid::Uuid,
    String,
    String,
    String,
    Option<rust_decimal::Decimal>,
    Option<String>,
    chrono::DateTime<Utc>,
    Option<chrono::DateTime<Utc>>,
);

async fn catalog(pool: &PgPool) -> Vec<CatalogLine> {
    sqlx::query_as(
        "SELECT job_id, company_slug, title, description_html, salary_max, salary_currency,
                published_at, expires_at
           FROM public.job_catalog ORDER BY job_id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_same_seed_writes_the_same_data_into_two_databases() {
    let (a, b) = (TestDb::new().await, TestDb::new().await);
    let ra = seed::run(&a.pool, &spec(42)).await.unwrap();
    let rb = seed::run(&b.pool, &spec(42)).await.unwrap();
    assert_eq!(
        (ra.tenants, ra.tenants_created, ra.counts.inserted),
        (4, 4, 100)
    );
    assert_eq!(ra.counts, rb.counts);
    let (ca, cb) = (catalog(&a.pool).await, catalog(&b.pool).await);
    assert!(ca.len() > 60 && ca.len() < 100, "{}", ca.len());
    assert_eq!(ca, cb);
    let slugs = |p: &PgPool| {
        let p = p.clone();
        async move {
            careers::tenants::list(&p)
                .await
                .unwrap()
                .into_iter()
                .map(|t| (t.slug, t.name))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(slugs(&a.pool).await, slugs(&b.pool).await);
}

#[tokio::test]
async fn seeding_again_updates_the_same_postings_and_leaves_no_drift() {
    let db = TestDb::new().await;
    seed::run(&db.pool, &spec(7)).await.unwrap();
    let before = catalog(&db.pool).await;
    let again = seed::run(&db.pool, &spec(7)).await.unwrap();
    assert_eq!(
        (
            again.tenants_created,
            again.counts.inserted,
            again.counts.updated
        ),
        (0, 0, 100)
    );
    assert_eq!(catalog(&db.pool).await, before);
    let r = reconcile::run(
        &db.pool,
        &Options {
            dry_run: true,
            ..Options::all("test")
        },
    )
    .await
    .unwrap();
    assert_eq!(r.totals.total(), 0);
    assert_eq!(r.totals.unchanged as usize, before.len());
    // Hidden salaries stay hidden, internal and non-open postings stay out.
    let leaks: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM public.job_catalog c WHERE c.salary_currency IS NULL AND c.salary_min IS NOT NULL",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(leaks, 0);
}

#[tokio::test]
async fn the_seed_csv_imports_to_the_same_catalog_as_seeding_directly() {
    let (direct, imported) = (TestDb::new().await, TestDb::new().await);
    seed::run(&direct.pool, &spec(9)).await.unwrap();
    let path = std::env::temp_dir().join(format!("careers-seed-{}.csv", uuid::Uuid::new_v4()));
    assert_eq!(seed::write_csv(&spec(9), &path).unwrap(), 100);
    let r = careers::import::import_file(
        &imported.pool,
        &path,
        &careers::import::Options {
            create_tenants: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(!r.has_errors(), "{:?}", r.errors);
    // The CSV format carries no application-form settings; everything public is identical.
    assert_eq!(catalog(&direct.pool).await, catalog(&imported.pool).await);
}

#[tokio::test]
async fn demo_mode_seeds_companies_jobs_and_working_hr_logins_only_into_an_empty_database() {
    let db = TestDb::new().await;
    let logins = careers::demo::seed_demo(&db.pool).await.unwrap().unwrap();
    assert_eq!(logins.len(), 5);
    let tenants = careers::tenants::list(&db.pool).await.unwrap();
    assert_eq!(tenants.len(), 5);
    assert!(tenants.iter().all(|t| t.open_jobs >= 3), "{tenants:?}");
    assert!(tenants.iter().any(|t| !t.domains.is_empty()));
    for l in &logins {
        let hash: String =
            sqlx::query_scalar("SELECT password_hash FROM public.hr_users WHERE email = $1")
                .bind(&l.email)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert!(careers::auth::password::verify(l.password.clone(), Some(hash)).await);
        assert!(l.password.len() >= careers::auth::MIN_PASSWORD_LEN);
    }
    let tagline: String = sqlx::query_scalar(
        "SELECT p.tagline FROM public.company_profiles p JOIN public.tenants t ON t.id = p.tenant_id
          WHERE t.slug = 'northwind'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(!tagline.is_empty());
    // A second start finds tenants and leaves everything alone.
    assert!(careers::demo::seed_demo(&db.pool).await.unwrap().is_none());
    assert_eq!(careers::tenants::list(&db.pool).await.unwrap().len(), 5);
}
