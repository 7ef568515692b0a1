//! Tenancy against a real PostgreSQL: schema lifecycle, search_path isolation, migrations.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use crate::support::TestDb;
use careers::db::migrate;
use careers::tenancy::{self, SchemaName, TenantError, TenantTx};

async fn schema_exists(pool: &sqlx::PgPool, name: &str) -> bool {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn creating_a_tenant_makes_its_schema_tables_and_career_page() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme Corp", &["Jobs.Acme.com".into()])
        .await
        .unwrap();
    assert!(schema_exists(&db.pool, &t.schema_name).await);
    assert_eq!(t.schema_version, migrate::latest_tenant_version());
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
    )
    .bind(&t.schema_name)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    for want in [
        "applications",
        "candidates",
        "career_page",
        "job_postings",
        "resumes",
    ] {
        assert!(
            tables.iter().any(|t| t == want),
            "{want} missing from {tables:?}"
        );
    }
    let found = tenancy::for_host(&db.pool, "jobs.acme.com:443")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.slug, "acme");
    let list = careers::tenants::list(&db.pool).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].slug.as_str(),
            list[0].status.as_str(),
            list[0].open_jobs
        ),
        ("acme", "active", 0)
    );
}

#[tokio::test]
async fn bad_or_duplicate_slugs_are_refused_with_a_clear_message() {
    let db = TestDb::new().await;
    tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let err = tenancy::create(&db.pool, "acme", "Acme again", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, TenantError::SlugTaken(_)), "{err}");
    assert!(err.to_string().contains("already taken"));
    for bad in [
        "A",
        "Acme",
        "acme corp",
        "-acme",
        "x",
        "\"; DROP SCHEMA public; --",
    ] {
        let err = tenancy::create(&db.pool, bad, "X", &[]).await.unwrap_err();
        assert!(err.to_string().contains("slug"), "{bad}: {err}");
    }
    // A failed create leaves no stray schema behind.
    let schemas: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(schemas, 1);
}

#[tokio::test]
async fn a_failed_create_leaves_no_schema_and_no_row() {
    let db = TestDb::new().await;
    tenancy::create(&db.pool, "first", "First", &["jobs.example.com".into()])
        .await
        .unwrap();
    // The domain is taken, so the second create fails after inserting its row: all of it rolls back.
    let err = tenancy::create(&db.pool, "second", "Second", &["jobs.example.com".into()])
        .await
        .unwrap_err();
    assert!(matches!(err, TenantError::DomainTaken(_)), "{err}");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM public.tenants")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    let schemas: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(schemas, 1);
}

#[tokio::test]
async fn deleting_a_tenant_leaves_nothing_behind() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "gone", "Gone Inc", &["gone.example".into()])
        .await
        .unwrap();
    careers::auth::create_user(&db.pool, "gone", "hr@gone.example", "a long password")
        .await
        .unwrap();
    careers::tenants::delete(&db.pool, "gone").await.unwrap();
    assert!(!schema_exists(&db.pool, &t.schema_name).await);
    for table in [
        "tenants",
        "tenant_domains",
        "hr_users",
        "job_catalog",
        "company_profiles",
    ] {
        let col = if table == "tenants" {
            "id"
        } else {
            "tenant_id"
        };
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM public.{table} WHERE {col} = $1"
        ))
        .bind(t.id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(n, 0, "rows left in {table}");
    }
    let err = careers::tenants::delete(&db.pool, "gone")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("careers tenant list"), "{err}");
}

#[tokio::test]
async fn a_tenant_tx_never_leaks_its_search_path_to_the_next_borrower() {
    let db = TestDb::with_pool_size(1).await;
    let a = tenancy::create(&db.pool, "tenant-a", "A", &[])
        .await
        .unwrap();
    let b = tenancy::create(&db.pool, "tenant-b", "B", &[])
        .await
        .unwrap();
    for (t, rollback) in [(&a, false), (&b, true), (&a, true), (&b, false)] {
        let mut tx = t.begin(&db.pool).await.unwrap();
        let path: String = sqlx::query_scalar("SELECT current_setting('search_path')")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(path, t.schema().quoted());
        // Unqualified names resolve inside this tenant only.
        let schema: String = sqlx::query_scalar("SELECT table_schema::text FROM information_schema.tables WHERE table_name = 'job_postings' AND table_schema = current_schema()")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(schema, t.schema_name);
        if rollback {
            tx.rollback().await.unwrap()
        } else {
            tx.commit().await.unwrap()
        }
        // Same (only) pooled connection, outside any tenant transaction.
        let path: String = sqlx::query_scalar("SELECT current_setting('search_path')")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(path, "\"$user\", public");
        let err = sqlx::query("SELECT 1 FROM job_postings")
            .execute(&db.pool)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}

#[tokio::test]
async fn hostile_schema_names_never_reach_sql() {
    let db = TestDb::new().await;
    for bad in [
        "\"; DROP SCHEMA public; --",
        "pg_catalog",
        "public",
        "T_ABC",
        &format!("t_{}", "a".repeat(64)),
    ] {
        assert!(SchemaName::parse(bad).is_err(), "{bad}");
    }
    // The only way in is a parsed name; a TenantTx over a schema that does not exist sees nothing
    // (public is never on its path).
    let ghost = SchemaName::for_tenant(uuid::Uuid::new_v4());
    let mut tx = TenantTx::begin(&db.pool, &ghost).await.unwrap();
    let err = sqlx::query("SELECT 1 FROM tenants")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
}

#[tokio::test]
async fn migrate_is_idempotent_and_catches_up_tenants_that_are_behind() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    assert_eq!(migrate::run_shared(&db.pool).await.unwrap(), 0);
    assert!(
        migrate::run_tenants(&db.pool, |_| {})
            .await
            .unwrap()
            .is_empty()
    );
    // Pretend the tenant is one version behind with the latest migration's objects missing:
    // recreate the tenant's schema at version 0.
    sqlx::raw_sql(&format!(
        "DROP SCHEMA {} CASCADE; CREATE SCHEMA {};",
        t.schema().quoted(),
        t.schema().quoted()
    ))
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE public.tenants SET schema_version = 0 WHERE id = $1")
        .bind(t.id)
        .execute(&db.pool)
        .await
        .unwrap();
    let done = migrate::run_tenants(&db.pool, |_| {}).await.unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(
        (done[0].from, done[0].to),
        (0, migrate::latest_tenant_version())
    );
    assert!(
        migrate::run_tenants(&db.pool, |_| {})
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn no_foreign_key_crosses_between_public_and_tenant_schemas() {
    let db = TestDb::new().await;
    tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    tenancy::create(&db.pool, "globex", "Globex", &[])
        .await
        .unwrap();
    let crossing: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.conname::text, src.nspname::text, dst.nspname::text
           FROM pg_constraint c
           JOIN pg_class sc ON sc.oid = c.conrelid JOIN pg_namespace src ON src.oid = sc.relnamespace
           JOIN pg_class dc ON dc.oid = c.confrelid JOIN pg_namespace dst ON dst.oid = dc.relnamespace
          WHERE c.contype = 'f' AND src.nspname <> dst.nspname",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(
        crossing.is_empty(),
        "cross-schema foreign keys: {crossing:?}"
    );
    let fks: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_constraint WHERE contype = 'f'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(fks > 0, "the query must see the foreign keys that do exist");
}

#[tokio::test]
async fn no_table_name_exists_in_both_public_and_a_tenant_schema() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let shared: Vec<String> = sqlx::query_scalar(
        "SELECT a.table_name::text FROM information_schema.tables a
           JOIN information_schema.tables b ON a.table_name = b.table_name
          WHERE a.table_schema = 'public' AND b.table_schema = $1",
    )
    .bind(&t.schema_name)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(shared.is_empty(), "{shared:?}");
}
