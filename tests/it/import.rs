//! `careers jobs import` against a real PostgreSQL: line-numbered errors, tenant atomicity,
//! re-imports that update, `--create-tenants`, and catalog rows that follow the save path's rules.

use std::io::Write;

use crate::support::TestDb;
use careers::catalog::reconcile::{self, Options};
use careers::import::{self, Options as ImportOptions};
use careers::postings;
use careers::tenancy;
use sqlx::PgPool;
use uuid::Uuid;

const HEADER: &str = "tenant_slug,company_name,job_id,title,description,location,remote,job_type,category,salary_min,salary_max,currency,salary_period,show_salary,internal_only,published_at,expires_at,status";

fn csv_file(rows: &[&str]) -> tempfile_path::TempCsv {
    tempfile_path::TempCsv::new(&format!("{HEADER}\n{}\n", rows.join("\n")))
}

/// A CSV file under the system temp directory, removed on drop.
mod tempfile_path {
    use super::*;
    pub struct TempCsv(pub std::path::PathBuf);
    impl TempCsv {
        pub fn new(content: &str) -> Self {
            let path = std::env::temp_dir().join(format!("careers-import-{}.csv", Uuid::new_v4()));
            std::fs::File::create(&path)
                .unwrap()
                .write_all(content.as_bytes())
                .unwrap();
            TempCsv(path)
        }
    }
    impl Drop for TempCsv {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

async fn count(pool: &PgPool, sql: &str, slug: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn catalog_count(pool: &PgPool, slug: &str) -> i64 {
    count(
        pool,
        "SELECT count(*) FROM public.job_catalog WHERE company_slug = $1",
        slug,
    )
    .await
}

async fn postings_count(pool: &PgPool, slug: &str) -> i64 {
    let t = tenancy::require(pool, slug).await.unwrap();
    let mut ttx = t.begin(pool).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM job_postings")
        .fetch_one(&mut *ttx)
        .await
        .unwrap();
    ttx.rollback().await.unwrap();
    n
}

const A1: &str = "4b1f0c5e-2a1d-4c3b-9e8f-0123456789a1";
const A2: &str = "4b1f0c5e-2a1d-4c3b-9e8f-0123456789a2";

#[tokio::test]
async fn a_bad_row_is_reported_by_line_and_rejects_its_whole_tenant_while_others_go_in() {
    let db = TestDb::new().await;
    tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    tenancy::create(&db.pool, "globex", "Globex", &[])
        .await
        .unwrap();
    let file = csv_file(&[
        "acme,,,Backend Engineer,Builds things,Berlin,remote,full_time,Engineering,70000,90000,EUR,year,true,false,,,open",
        "globex,,,Designer,\"Multi\nline\",Paris,hybrid,full_time,Design,,,,,,,,,open",
        "globex,,,Analyst,x,Paris,onsite,weekly,Data,,,,,,,,,open",
        "globex,,,Writer,x,Paris,onsite,,,90,80,EUR,,,,,,open",
        "acme,,,Frontend Engineer,x,Berlin,on_site,contract,Engineering,,,,,,,,,draft",
    ]);
    let report = import::import_file(&db.pool, &file.0, &ImportOptions::default())
        .await
        .unwrap();
    // Line numbers count physical lines, including the quoted newline on line 3–4.
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![5, 6]);
    assert!(
        report.errors[0].message.contains("job_type"),
        "{}",
        report.errors[0]
    );
    assert!(
        report.errors[1].message.contains("salary_max"),
        "{}",
        report.errors[1]
    );
    assert!(report.errors[0].to_string().starts_with("line 5: "));
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].slug, "globex");
    assert!(report.has_errors());
    // globex: nothing, not even its good row. acme: both rows, one public.
    assert_eq!(postings_count(&db.pool, "globex").await, 0);
    assert_eq!(postings_count(&db.pool, "acme").await, 2);
    assert_eq!(catalog_count(&db.pool, "acme").await, 1);
    assert_eq!(report.totals().inserted, 2);
}

#[tokio::test]
async fn reimporting_the_same_job_id_updates_the_posting_and_bumps_its_version() {
    let db = TestDb::new().await;
    tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let first = csv_file(&[
        &format!(
            "acme,,{A1},Backend Engineer,v1,Berlin,remote,full_time,Engineering,70000,90000,EUR,year,true,false,2026-11-01T09:00:00Z,,open"
        ),
        &format!("acme,,{A2},Support Lead,v1,Berlin,on_site,full_time,Support,,,,,,,,,open"),
    ]);
    let r = import::import_file(&db.pool, &first.0, &ImportOptions::default())
        .await
        .unwrap();
    assert_eq!((r.totals().inserted, r.totals().updated), (2, 0));
    let second = csv_file(&[
        &format!(
            "acme,,{A1},Senior Backend Engineer,v2,Berlin,remote,full_time,Engineering,80000,95000,EUR,year,false,false,,,open"
        ),
        &format!("acme,,{A2},Support Lead,v2,Berlin,on_site,full_time,Support,,,,,,,,,closed"),
    ]);
    let r = import::import_file(&db.pool, &second.0, &ImportOptions::default())
        .await
        .unwrap();
    assert!(!r.has_errors());
    assert_eq!((r.totals().inserted, r.totals().updated), (0, 2));
    assert_eq!(postings_count(&db.pool, "acme").await, 2);

    let t = tenancy::require(&db.pool, "acme").await.unwrap();
    let mut ttx = t.begin(&db.pool).await.unwrap();
    let p = postings::db::get(&mut ttx, Uuid::parse_str(A1).unwrap())
        .await
        .unwrap()
        .unwrap();
    ttx.rollback().await.unwrap();
    assert_eq!(
        (p.title.as_str(), p.version),
        ("Senior Backend Engineer", 2)
    );
    // published_at is set once: the second file left it empty, the first publication stays.
    assert_eq!(
        p.published_at.unwrap().to_rfc3339(),
        "2026-11-01T09:00:00+00:00"
    );
    // The catalog follows: new title, salary now hidden, the closed posting gone.
    let row: (String, Option<rust_decimal::Decimal>, i64) = sqlx::query_as(
        "SELECT title, salary_min, posting_version FROM public.job_catalog WHERE job_id = $1",
    )
    .bind(p.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(row, ("Senior Backend Engineer".to_string(), None, 2));
    assert_eq!(catalog_count(&db.pool, "acme").await, 1);
}

#[tokio::test]
async fn create_tenants_creates_missing_companies_and_without_it_they_are_rejected() {
    let db = TestDb::new().await;
    let file = csv_file(&[
        "initech,Initech Inc,,Backend Engineer,x,Austin,remote,full_time,Engineering,,,,,,,,,open",
        "initech,,,QA Engineer,x,Austin,remote,full_time,Engineering,,,,,,,,,open",
        "hooli,,,Designer,x,Palo Alto,remote,full_time,Design,,,,,,,,,open",
    ]);
    let r = import::import_file(&db.pool, &file.0, &ImportOptions::default())
        .await
        .unwrap();
    assert_eq!(r.rejected.len(), 2);
    assert!(
        r.rejected
            .iter()
            .all(|x| x.reason.contains("--create-tenants"))
    );
    assert!(careers::tenants::list(&db.pool).await.unwrap().is_empty());

    let r = import::import_file(
        &db.pool,
        &file.0,
        &ImportOptions {
            create_tenants: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // hooli has no company_name anywhere: it cannot be created.
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].slug, "hooli");
    assert!(
        r.rejected[0].reason.contains("company_name"),
        "{}",
        r.rejected[0].reason
    );
    let t = tenancy::require(&db.pool, "initech").await.unwrap();
    assert_eq!(t.name, "Initech Inc");
    assert_eq!(r.tenants.len(), 1);
    assert!(r.tenants[0].created);
    assert_eq!(catalog_count(&db.pool, "initech").await, 2);
}

#[tokio::test]
async fn the_tenant_flag_fills_empty_slugs_and_refuses_others() {
    let db = TestDb::new().await;
    tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let path = std::env::temp_dir().join(format!("careers-import-{}.csv", Uuid::new_v4()));
    std::fs::write(
        &path,
        "title,location\nBackend Engineer,Berlin\nDesigner,Paris\n",
    )
    .unwrap();
    let opts = ImportOptions {
        tenant: Some("acme".into()),
        ..Default::default()
    };
    let r = import::import_file(&db.pool, &path, &opts).await.unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(!r.has_errors());
    assert_eq!(catalog_count(&db.pool, "acme").await, 2);
    let file = csv_file(&["globex,,,Designer,x,Paris,remote,full_time,Design,,,,,,,,,open"]);
    let r = import::import_file(&db.pool, &file.0, &opts).await.unwrap();
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].message.contains("--tenant"));
}

#[tokio::test]
async fn imported_rows_follow_the_same_catalog_rules_as_the_save_path() {
    let db = TestDb::new().await;
    tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let file = csv_file(&[
        "acme,,,Open and public,**bold**<script>x</script>,Berlin,remote,full_time,Engineering,70000,90000,EUR,year,true,false,,,open",
        "acme,,,Hidden pay,x,Berlin,remote,full_time,Engineering,70000,90000,EUR,year,false,false,,,open",
        "acme,,,Internal,x,Berlin,remote,full_time,Engineering,,,,,,true,,,open",
        "acme,,,Draft,x,Berlin,remote,full_time,Engineering,,,,,,,,,draft",
        "acme,,,Closed,x,Berlin,remote,full_time,Engineering,,,,,,,,,closed",
        "acme,,,Archived,x,Berlin,remote,full_time,Engineering,,,,,,,,,archived",
        "acme,,,Expired,x,Berlin,remote,full_time,Engineering,,,,,,,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,open",
    ]);
    import::import_file(&db.pool, &file.0, &ImportOptions::default())
        .await
        .unwrap();
    let titles: Vec<(String, Option<rust_decimal::Decimal>, String)> = sqlx::query_as(
        "SELECT title, salary_min, description_html FROM public.job_catalog ORDER BY title",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let names: Vec<&str> = titles.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(names, vec!["Expired", "Hidden pay", "Open and public"]);
    assert_eq!(titles[1].1, None);
    assert!(titles[2].2.contains("<strong>bold</strong>") && !titles[2].2.contains("script"));
    // The reconcile computes the catalog with the save path's projection: it finds nothing to fix.
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
    assert_eq!(r.totals.unchanged, 3);
}

/// Tenant `acme` with one imported, published job whose id is `A1`.
async fn acme_publishing_a1(pool: &sqlx::PgPool) {
    tenancy::create(pool, "acme", "Acme", &[]).await.unwrap();
    let first = csv_file(&[&format!(
        "acme,,{A1},Backend Engineer,x,Berlin,remote,full_time,Engineering,,,,,,,,,open"
    )]);
    import::import_file(pool, &first.0, &ImportOptions::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_job_id_published_by_another_company_is_refused_with_its_line() {
    let db = TestDb::new().await;
    acme_publishing_a1(&db.pool).await;
    tenancy::create(&db.pool, "globex", "Globex", &[])
        .await
        .unwrap();
    let second = csv_file(&[
        "globex,,,Fine,x,Paris,remote,full_time,Design,,,,,,,,,open",
        &format!("globex,,{A1},Hijack,x,Paris,remote,full_time,Design,,,,,,,,,open"),
    ]);
    let r = import::import_file(&db.pool, &second.0, &ImportOptions::default())
        .await
        .unwrap();
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].line, 3);
    assert!(r.errors[0].message.contains("another company"));
    assert_eq!(postings_count(&db.pool, "globex").await, 0);
    let title: String =
        sqlx::query_scalar("SELECT title FROM public.job_catalog WHERE job_id = $1")
            .bind(Uuid::parse_str(A1).unwrap())
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(title, "Backend Engineer");
}

#[tokio::test]
async fn a_created_tenant_whose_rows_are_refused_is_not_left_behind_and_runs_are_recorded() {
    let db = TestDb::new().await;
    acme_publishing_a1(&db.pool).await;
    // A new company whose second row reuses acme's job id: nothing of it may remain.
    let second = csv_file(&[
        "newco,New Co,,Fine,x,Paris,remote,full_time,Design,,,,,,,,,open",
        &format!("newco,,{A1},Hijack,x,Paris,remote,full_time,Design,,,,,,,,,open"),
    ]);
    let r = import::import_file(
        &db.pool,
        &second.0,
        &ImportOptions {
            create_tenants: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(r.rejected.len(), 1, "{:?}", r.rejected);
    assert_eq!(r.errors[0].line, 3);
    assert!(
        tenancy::find_by_slug(&mut db.pool.acquire().await.unwrap(), "newco")
            .await
            .unwrap()
            .is_none(),
        "the refused tenant was created anyway"
    );
    let schemas: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(schemas, 1, "only acme's schema exists");

    // Both imports are in the run history, the second with its refused tenant.
    let runs: Vec<(String, i32, i32, serde_json::Value)> = sqlx::query_as(
        "SELECT task, tenants, inserted, failures FROM public.sync_runs
          WHERE task = 'import' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[0].1, runs[0].2), (1, 1));
    assert_eq!((runs[1].1, runs[1].2), (0, 0));
    assert_eq!(runs[1].3[0]["tenant"], "newco");
}
