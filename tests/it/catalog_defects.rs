//! One test per catalog defect of the system this project replaces (DESIGN §1), against a real
//! PostgreSQL: each shows the defect cannot happen here.

use crate::support::TestDb;
use careers::catalog::projection::project;
use careers::catalog::reconcile::{self, Options};
use careers::catalog::sync;
use careers::postings::model::{Posting, PostingDraft, PostingStatus};
use careers::postings::{self, PostingChange, SaveError};
use careers::tenancy::{self, Tenant};
use chrono::{Duration, Utc};
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

fn draft(title: &str) -> PostingDraft {
    PostingDraft {
        title: title.into(),
        description: "We build **things**.".into(),
        location: "Berlin, Germany".into(),
        category: "Engineering".into(),
        salary_min: Some(Decimal::from(70_000)),
        salary_max: Some(Decimal::from(90_000)),
        salary_currency: Some("EUR".into()),
        status: PostingStatus::Open,
        ..Default::default()
    }
}

async fn save(pool: &PgPool, t: &Tenant, change: PostingChange) -> Result<Posting, SaveError> {
    let mut ttx = t.begin(pool).await.unwrap();
    let saved = postings::save(&mut ttx, t.id, change).await?;
    ttx.commit().await.unwrap();
    Ok(saved.posting)
}

async fn create(pool: &PgPool, t: &Tenant, d: PostingDraft) -> Posting {
    save(pool, t, PostingChange::Create(d)).await.unwrap()
}

async fn in_catalog(pool: &PgPool, id: Uuid) -> bool {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM public.job_catalog WHERE job_id = $1)")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn catalog_rows(pool: &PgPool, tenant: &Tenant) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM public.job_catalog WHERE tenant_id = $1")
        .bind(tenant.id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn reconcile_all(pool: &PgPool, dry_run: bool) -> reconcile::Report {
    let opts = Options {
        dry_run,
        ..Options::all("test")
    };
    reconcile::run(pool, &opts).await.unwrap()
}

#[tokio::test]
async fn closed_archived_deleted_and_draft_postings_are_never_in_the_catalog() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let draft_only = create(
        &db.pool,
        &t,
        PostingDraft {
            status: PostingStatus::Draft,
            ..draft("Draft")
        },
    )
    .await;
    assert!(!in_catalog(&db.pool, draft_only.id).await);

    for (status, title) in [
        (PostingStatus::Closed, "Closed"),
        (PostingStatus::Archived, "Archived"),
    ] {
        let p = create(&db.pool, &t, draft(title)).await;
        assert!(in_catalog(&db.pool, p.id).await, "open {title} is listed");
        save(
            &db.pool,
            &t,
            PostingChange::SetStatus {
                id: p.id,
                expected_version: Some(p.version),
                status,
            },
        )
        .await
        .unwrap();
        assert!(
            !in_catalog(&db.pool, p.id).await,
            "{title} left the catalog"
        );
    }

    let p = create(&db.pool, &t, draft("Deleted")).await;
    save(
        &db.pool,
        &t,
        PostingChange::Delete {
            id: p.id,
            expected_version: None,
        },
    )
    .await
    .unwrap();
    assert!(!in_catalog(&db.pool, p.id).await);
    assert_eq!(catalog_rows(&db.pool, &t).await, 0);
    // Nothing for a reconcile to find either: there were no ghosts to begin with.
    assert_eq!(reconcile_all(&db.pool, true).await.totals.total(), 0);
}

#[tokio::test]
async fn an_internal_only_posting_is_never_in_the_catalog() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let internal = create(
        &db.pool,
        &t,
        PostingDraft {
            internal_only: true,
            ..draft("Internal")
        },
    )
    .await;
    assert!(!in_catalog(&db.pool, internal.id).await);
    // A public posting turned internal leaves the catalog in the same save.
    let p = create(&db.pool, &t, draft("Public")).await;
    assert!(in_catalog(&db.pool, p.id).await);
    save(
        &db.pool,
        &t,
        PostingChange::Update {
            id: p.id,
            expected_version: Some(p.version),
            draft: PostingDraft {
                internal_only: true,
                ..p.to_draft()
            },
        },
    )
    .await
    .unwrap();
    assert!(!in_catalog(&db.pool, p.id).await);
    // And reconcile agrees: an internal posting is not missing from the catalog.
    assert_eq!(reconcile_all(&db.pool, true).await.totals.total(), 0);
}

#[tokio::test]
async fn a_hidden_salary_never_reaches_the_catalog() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let p = create(
        &db.pool,
        &t,
        PostingDraft {
            show_salary: false,
            ..draft("Quiet pay")
        },
    )
    .await;
    let row: (
        Option<Decimal>,
        Option<Decimal>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT salary_min, salary_max, salary_currency, salary_period
           FROM public.job_catalog WHERE job_id = $1",
    )
    .bind(p.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(row, (None, None, None, None));
    // Not in the searchable text either.
    let leaks: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM public.job_catalog
          WHERE job_id = $1 AND (description_text LIKE '%70000%' OR application_form::text LIKE '%70000%')",
    )
    .bind(p.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(leaks, 0);
    // Someone writes the salary into the catalog by hand: reconcile removes it again.
    sqlx::query("UPDATE public.job_catalog SET salary_min = 70000, salary_currency = 'EUR' WHERE job_id = $1")
        .bind(p.id)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(reconcile_all(&db.pool, false).await.totals.updated, 1);
    let min: Option<Decimal> =
        sqlx::query_scalar("SELECT salary_min FROM public.job_catalog WHERE job_id = $1")
            .bind(p.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(min, None);
}

#[tokio::test]
async fn an_expired_posting_disappears_at_its_expiry_instant_without_any_sync() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let published = Utc::now() - Duration::days(3);
    let expires = Utc::now() + Duration::hours(2);
    let p = create(
        &db.pool,
        &t,
        PostingDraft {
            published_at: Some(published),
            expires_at: Some(expires),
            ..draft("Expiring")
        },
    )
    .await;
    let gone_already = create(
        &db.pool,
        &t,
        PostingDraft {
            published_at: Some(published),
            expires_at: Some(Utc::now() - Duration::seconds(1)),
            ..draft("Expired a second ago")
        },
    )
    .await;
    let synced: (chrono::DateTime<Utc>, i64) = sqlx::query_as(
        "SELECT synced_at, posting_version FROM public.job_catalog WHERE job_id = $1",
    )
    .bind(p.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();

    let mut conn = db.pool.acquire().await.unwrap();
    // Both rows are stored; only the unexpired one is visible now.
    assert!(in_catalog(&db.pool, gone_already.id).await);
    assert_eq!(sync::visible_count(&mut conn, t.id).await.unwrap(), 1);
    // The rule is evaluated at each instant: visible up to the expiry, gone at it.
    let just_before = expires - Duration::milliseconds(1);
    assert_eq!(
        sync::visible_count_at(&mut conn, t.id, just_before)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sync::visible_count_at(&mut conn, t.id, expires)
            .await
            .unwrap(),
        0
    );
    // …and no sync wrote anything in between.
    let after: (chrono::DateTime<Utc>, i64) = sqlx::query_as(
        "SELECT synced_at, posting_version FROM public.job_catalog WHERE job_id = $1",
    )
    .bind(p.id)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(after, synced);
    // No visibility flag exists that a sync could have computed.
    let flag_columns: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = 'job_catalog'
            AND column_name IN ('is_visible', 'visible', 'is_expired', 'expired', 'active')",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(flag_columns, 0);
}

#[tokio::test]
async fn counters_survive_resyncs_and_reconcile() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let p = create(&db.pool, &t, draft("Counted")).await;
    sqlx::query(
        "UPDATE public.job_catalog SET view_count = 41, application_count = 3 WHERE job_id = $1",
    )
    .bind(p.id)
    .execute(&db.pool)
    .await
    .unwrap();
    // A save re-syncs the row…
    let p = save(
        &db.pool,
        &t,
        PostingChange::Update {
            id: p.id,
            expected_version: Some(p.version),
            draft: PostingDraft {
                title: "Counted, renamed".into(),
                ..p.to_draft()
            },
        },
    )
    .await
    .unwrap();
    // …a hand edit makes reconcile rewrite it, and a second reconcile runs clean.
    sqlx::query("UPDATE public.job_catalog SET title = 'tampered' WHERE job_id = $1")
        .bind(p.id)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(reconcile_all(&db.pool, false).await.totals.updated, 1);
    assert_eq!(reconcile_all(&db.pool, false).await.totals.total(), 0);
    // The import path re-syncs it too.
    let mut ttx = t.begin(&db.pool).await.unwrap();
    careers::import::db::write_postings(&mut ttx, t.id, &[p.to_draft()])
        .await
        .unwrap();
    ttx.commit().await.unwrap();
    let row: (String, i64, i64) = sqlx::query_as(
        "SELECT title, view_count, application_count FROM public.job_catalog WHERE job_id = $1",
    )
    .bind(p.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(row, ("Counted, renamed".to_string(), 41, 3));
}

#[tokio::test]
async fn suspending_a_tenant_hides_all_its_jobs_in_the_same_transaction_and_activating_restores_them()
 {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let other = tenancy::create(&db.pool, "other", "Other", &[])
        .await
        .unwrap();
    for i in 0..5 {
        create(&db.pool, &t, draft(&format!("Job {i}"))).await;
    }
    create(
        &db.pool,
        &t,
        PostingDraft {
            status: PostingStatus::Draft,
            ..draft("Draft")
        },
    )
    .await;
    create(&db.pool, &other, draft("Elsewhere")).await;
    assert_eq!(catalog_rows(&db.pool, &t).await, 5);

    assert!(
        careers::tenants::set_status(&db.pool, "acme", false)
            .await
            .unwrap()
    );
    // Gone the moment the status change committed: nothing deferred for a reconcile to finish.
    assert_eq!(catalog_rows(&db.pool, &t).await, 0);
    assert_eq!(catalog_rows(&db.pool, &other).await, 1);
    assert_eq!(reconcile_all(&db.pool, true).await.totals.total(), 0);
    // A save while suspended does not bring a job back.
    create(&db.pool, &t, draft("Saved while suspended")).await;
    assert_eq!(catalog_rows(&db.pool, &t).await, 0);

    assert!(
        careers::tenants::set_status(&db.pool, "acme", true)
            .await
            .unwrap()
    );
    assert_eq!(catalog_rows(&db.pool, &t).await, 6);
    assert_eq!(reconcile_all(&db.pool, true).await.totals.total(), 0);
}

#[tokio::test]
async fn an_out_of_order_stale_version_write_cannot_resurrect_or_overwrite() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let company = careers::catalog::projection::Company {
        tenant_id: t.id,
        slug: t.slug.clone(),
        name: t.name.clone(),
        active: true,
    };
    let v1 = create(&db.pool, &t, draft("Version one")).await;
    let v2 = save(
        &db.pool,
        &t,
        PostingChange::Update {
            id: v1.id,
            expected_version: Some(v1.version),
            draft: PostingDraft {
                title: "Version two".into(),
                ..v1.to_draft()
            },
        },
    )
    .await
    .unwrap();
    let stale = project(&v1, &company).unwrap();

    // A late write of version 1 does not overwrite version 2, and a late delete does not remove it.
    let mut ttx = t.begin(&db.pool).await.unwrap();
    assert_eq!(
        sync::upsert_entries(&mut ttx, std::slice::from_ref(&stale), false)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        sync::upsert_entries(&mut ttx, std::slice::from_ref(&stale), true)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        sync::delete_entries(&mut ttx, &[(v1.id, v1.version)])
            .await
            .unwrap(),
        0
    );
    ttx.commit().await.unwrap();
    let title: String =
        sqlx::query_scalar("SELECT title FROM public.job_catalog WHERE job_id = $1")
            .bind(v1.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(title, "Version two");

    // An editor holding version 1 is refused, and the catalog keeps version 2.
    let err = save(
        &db.pool,
        &t,
        PostingChange::Update {
            id: v1.id,
            expected_version: Some(v1.version),
            draft: v1.to_draft(),
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, SaveError::Stale { current } if current == v2.version),
        "{err}"
    );

    // Closed at version 3: a late write of version 2 cannot bring the row back.
    save(
        &db.pool,
        &t,
        PostingChange::SetStatus {
            id: v1.id,
            expected_version: Some(v2.version),
            status: PostingStatus::Closed,
        },
    )
    .await
    .unwrap();
    assert!(!in_catalog(&db.pool, v1.id).await);
    let late = project(&v2, &company).unwrap();
    let mut ttx = t.begin(&db.pool).await.unwrap();
    assert_eq!(
        sync::upsert_entries(&mut ttx, &[late], true).await.unwrap(),
        0
    );
    ttx.commit().await.unwrap();
    assert!(!in_catalog(&db.pool, v1.id).await);
}

#[tokio::test]
async fn a_save_whose_transaction_rolls_back_leaves_the_catalog_untouched() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let p = create(&db.pool, &t, draft("Original")).await;
    let before: (String, i64) =
        sqlx::query_as("SELECT title, posting_version FROM public.job_catalog WHERE job_id = $1")
            .bind(p.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();

    // An update, a close and a new posting, each rolled back after the save succeeded.
    let mut ttx = t.begin(&db.pool).await.unwrap();
    postings::save(
        &mut ttx,
        t.id,
        PostingChange::Update {
            id: p.id,
            expected_version: None,
            draft: PostingDraft {
                title: "Never committed".into(),
                ..p.to_draft()
            },
        },
    )
    .await
    .unwrap();
    postings::save(
        &mut ttx,
        t.id,
        PostingChange::SetStatus {
            id: p.id,
            expected_version: None,
            status: PostingStatus::Closed,
        },
    )
    .await
    .unwrap();
    let ghost = postings::save(&mut ttx, t.id, PostingChange::Create(draft("Ghost")))
        .await
        .unwrap();
    ttx.rollback().await.unwrap();

    let after: (String, i64) =
        sqlx::query_as("SELECT title, posting_version FROM public.job_catalog WHERE job_id = $1")
            .bind(p.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(after, before);
    assert!(!in_catalog(&db.pool, ghost.posting.id).await);
    assert_eq!(reconcile_all(&db.pool, true).await.totals.total(), 0);
}

#[tokio::test]
async fn reconcile_repairs_every_kind_of_manual_drift_and_then_reports_zero() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let healthy = tenancy::create(&db.pool, "healthy", "Healthy", &[])
        .await
        .unwrap();
    create(&db.pool, &healthy, draft("Fine")).await;
    let removed_by_hand = create(&db.pool, &t, draft("Row deleted by hand")).await;
    let edited_in_schema = create(&db.pool, &t, draft("Edited in its schema")).await;
    let closed_in_schema = create(&db.pool, &t, draft("Closed in its schema")).await;
    let tampered = create(&db.pool, &t, draft("Catalog edited by hand")).await;
    let untouched = create(&db.pool, &t, draft("Untouched")).await;
    let restored = create(&db.pool, &t, draft("Schema restored from a backup")).await;

    // 1. A catalog row deleted by hand.
    sqlx::query("DELETE FROM public.job_catalog WHERE job_id = $1")
        .bind(removed_by_hand.id)
        .execute(&db.pool)
        .await
        .unwrap();
    // 2. Postings updated directly in the tenant schema, bypassing the save path (no version bump).
    let schema = t.schema().quoted();
    sqlx::query(&format!(
        "UPDATE {schema}.job_postings SET title = 'Retitled behind our back' WHERE id = $1"
    ))
    .bind(edited_in_schema.id)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(&format!(
        "UPDATE {schema}.job_postings SET status = 'closed' WHERE id = $1"
    ))
    .bind(closed_in_schema.id)
    .execute(&db.pool)
    .await
    .unwrap();
    // 3. A catalog row for a posting that does not exist.
    let orphan = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO public.job_catalog (job_id, tenant_id, company_slug, company_name, title,
            description_html, description_text, remote_policy, job_type, published_at,
            posting_version, posting_updated_at)
         SELECT $1, tenant_id, company_slug, company_name, 'Orphan', description_html,
                description_text, remote_policy, job_type, published_at, 1, now()
           FROM public.job_catalog WHERE job_id = $2",
    )
    .bind(orphan)
    .bind(untouched.id)
    .execute(&db.pool)
    .await
    .unwrap();
    // 4. Catalog content edited by hand (same version).
    sqlx::query(
        "UPDATE public.job_catalog SET description_html = '<script>x</script>' WHERE job_id = $1",
    )
    .bind(tampered.id)
    .execute(&db.pool)
    .await
    .unwrap();

    // 5. A catalog row ahead of its posting (the tenant schema restored from an older backup).
    sqlx::query(
        "UPDATE public.job_catalog SET posting_version = posting_version + 5, title = 'Newer'
          WHERE job_id = $1",
    )
    .bind(restored.id)
    .execute(&db.pool)
    .await
    .unwrap();

    // A dry run counts every kind of drift and changes nothing.
    let dry = reconcile_all(&db.pool, true).await;
    let acme = |r: &reconcile::Report| {
        r.tenants
            .iter()
            .find(|x| x.slug == "acme")
            .unwrap()
            .outcome
            .clone()
            .unwrap()
    };
    let d = acme(&dry);
    assert_eq!(
        (d.inserted, d.updated, d.deleted, d.unchanged),
        (1, 3, 2, 1)
    );
    assert_eq!(reconcile_all(&db.pool, true).await.totals, dry.totals);

    let run = reconcile_all(&db.pool, false).await;
    assert_eq!(acme(&run), d);
    assert!(run.failures.is_empty());
    assert!(in_catalog(&db.pool, removed_by_hand.id).await);
    assert!(!in_catalog(&db.pool, closed_in_schema.id).await);
    assert!(!in_catalog(&db.pool, orphan).await);
    let titles: Vec<(String, String)> = sqlx::query_as(
        "SELECT title, description_html FROM public.job_catalog WHERE job_id = ANY($1) ORDER BY title",
    )
    .bind(vec![edited_in_schema.id, tampered.id])
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(titles[0].0, "Catalog edited by hand");
    assert!(!titles[0].1.contains("script"));
    assert_eq!(titles[1].0, "Retitled behind our back");
    let (title, version): (String, i64) =
        sqlx::query_as("SELECT title, posting_version FROM public.job_catalog WHERE job_id = $1")
            .bind(restored.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        (title.as_str(), version),
        ("Schema restored from a backup", restored.version)
    );

    let again = reconcile_all(&db.pool, false).await;
    assert_eq!(again.totals.total(), 0);
    assert_eq!(again.totals.unchanged, 6);

    // Every run is recorded, with the drifting tenant's detail.
    let runs = reconcile::recent_runs(&db.pool, reconcile::TASK, 10)
        .await
        .unwrap();
    assert_eq!(runs.len(), 4);
    assert_eq!(
        (runs[1].inserted, runs[1].updated, runs[1].deleted),
        (1, 3, 2)
    );
    assert!(
        runs.iter()
            .all(|r| r.finished_at.is_some() && r.tenants == 2)
    );
    assert_eq!(runs.iter().filter(|r| r.dry_run).count(), 2);
    let detail: Vec<(String, i32)> = sqlx::query_as(
        "SELECT t.slug, d.deleted FROM public.sync_run_tenants d
           JOIN public.tenants t ON t.id = d.tenant_id WHERE d.run_id = $1",
    )
    .bind(runs[1].id)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(detail, vec![("acme".to_string(), 2)]);
}

#[tokio::test]
async fn twenty_concurrent_writers_on_the_same_and_different_postings_leave_zero_drift() {
    let db = TestDb::with_pool_size(24).await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let shared = create(&db.pool, &t, draft("Shared")).await;
    let mut own = Vec::new();
    for i in 0..10 {
        own.push(create(&db.pool, &t, draft(&format!("Own {i}"))).await);
    }
    let writers = (0..20).map(|i| {
        let pool = db.pool.clone();
        let t = t.clone();
        let target = if i % 2 == 0 {
            shared.clone()
        } else {
            own[i / 2].clone()
        };
        async move {
            for round in 0..5 {
                let mut ttx = t.begin(&pool).await.unwrap();
                // Alternate edits, closes and reopens so rows come and go under contention.
                let change = match (i + round) % 3 {
                    0 => PostingChange::Update {
                        id: target.id,
                        expected_version: None,
                        draft: PostingDraft {
                            title: format!("Writer {i} round {round}"),
                            show_salary: round % 2 == 0,
                            ..target.to_draft()
                        },
                    },
                    1 => PostingChange::SetStatus {
                        id: target.id,
                        expected_version: None,
                        status: PostingStatus::Closed,
                    },
                    _ => PostingChange::SetStatus {
                        id: target.id,
                        expected_version: None,
                        status: PostingStatus::Open,
                    },
                };
                postings::save(&mut ttx, t.id, change).await.unwrap();
                ttx.commit().await.unwrap();
            }
        }
    });
    // A reconcile runs alongside the writers.
    let pool = db.pool.clone();
    let (_, during) = tokio::join!(futures::future::join_all(writers), async move {
        reconcile::run(&pool, &Options::all("test")).await.unwrap()
    });
    assert!(during.failures.is_empty());

    let after = reconcile_all(&db.pool, true).await;
    assert_eq!(after.totals.total(), 0, "{:?}", after.totals);
    // The shared posting's row, if any, holds its latest version.
    let mut ttx = t.begin(&db.pool).await.unwrap();
    let latest = postings::db::get(&mut ttx, shared.id)
        .await
        .unwrap()
        .unwrap();
    ttx.rollback().await.unwrap();
    assert_eq!(latest.version, shared.version + 50);
    let row: Option<i64> =
        sqlx::query_scalar("SELECT posting_version FROM public.job_catalog WHERE job_id = $1")
            .bind(shared.id)
            .fetch_optional(&db.pool)
            .await
            .unwrap();
    match latest.status {
        PostingStatus::Open => assert_eq!(row, Some(latest.version)),
        _ => assert_eq!(row, None),
    }
}
