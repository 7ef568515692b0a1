//! Catalog queries against a real PostgreSQL: filters, search, facets, detail, companies.
#![allow(clippy::unwrap_used)]

mod api_fixtures;
mod common;

use api_fixtures::{open_draft, posting, set_status, tenant};
use careers::catalog::query::{self, JobQuery, Ordering};
use careers::postings::model::{JobType, PostingDraft, PostingStatus, RemotePolicy};
use chrono::{Duration, Utc};
use common::TestDb;

fn q(list: &[(&str, &str)]) -> JobQuery {
    let pairs: Vec<(String, String)> = list
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    JobQuery::from_pairs(&pairs).unwrap()
}

#[tokio::test]
async fn lists_only_visible_jobs_newest_first_with_filters_and_search() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let globex = tenant(&db.pool, "globex", "Globex").await;
    let now = Utc::now();
    let old = posting(
        &db.pool,
        &acme,
        PostingDraft {
            published_at: Some(now - Duration::days(30)),
            ..open_draft("Rust Backend Engineer")
        },
    )
    .await;
    let remote = posting(
        &db.pool,
        &globex,
        PostingDraft {
            remote_policy: RemotePolicy::Remote,
            job_type: JobType::Contract,
            location: "Lisbon, Portugal".into(),
            category: "Design".into(),
            salary_min: None,
            salary_max: None,
            salary_currency: None,
            published_at: Some(now - Duration::days(1)),
            ..open_draft("Product Designer")
        },
    )
    .await;
    // Not visible: scheduled for later, expired, closed.
    posting(
        &db.pool,
        &acme,
        PostingDraft {
            published_at: Some(now + Duration::days(3)),
            ..open_draft("Future Job")
        },
    )
    .await;
    posting(
        &db.pool,
        &acme,
        PostingDraft {
            published_at: Some(now - Duration::days(10)),
            expires_at: Some(now - Duration::days(1)),
            ..open_draft("Expired Job")
        },
    )
    .await;
    let closed = posting(&db.pool, &acme, open_draft("Closed Job")).await;
    set_status(&db.pool, &acme, closed, PostingStatus::Closed).await;

    let page = query::search_jobs(&db.pool, &JobQuery::default())
        .await
        .unwrap();
    let ids: Vec<_> = page.results.iter().map(|j| j.id).collect();
    assert_eq!(ids, vec![remote, old]);
    assert_eq!((page.count, page.count_exact), (2, true));
    assert!(page.results[1].salary.is_some() && page.results[0].salary.is_none());

    let oldest = query::search_jobs(&db.pool, &q(&[("ordering", "published_at")]))
        .await
        .unwrap();
    assert_eq!(oldest.results[0].id, old);

    for (params, expected) in [
        (vec![("remote_policy", "remote")], vec![remote]),
        (
            vec![("remote_policy", "remote"), ("remote_policy", "hybrid")],
            vec![remote, old],
        ),
        (vec![("job_type", "full_time")], vec![old]),
        (vec![("company", "acme")], vec![old]),
        (vec![("location", "LISB")], vec![remote]),
        (vec![("location", "%")], vec![]),
        (vec![("category", "Design")], vec![remote]),
        (vec![("salary_min", "85000")], vec![old]),
        (vec![("salary_min", "95000")], vec![]),
        (vec![("posted_within_days", "7")], vec![remote]),
        (vec![("q", "rust")], vec![old]),
        (vec![("q", "designer or rust")], vec![old, remote]),
        (vec![("q", "engineer -rust")], vec![]),
        (vec![("q", "\"backend engineer\"")], vec![old]),
        (vec![("q", "acme")], vec![old]),
        (vec![("q", "'); DROP TABLE x; --")], vec![]),
        (vec![("q", "rust"), ("company", "globex")], vec![]),
    ] {
        let mut page = query::search_jobs(&db.pool, &q(&params)).await.unwrap();
        let mut got: Vec<_> = page.results.drain(..).map(|j| j.id).collect();
        let mut want = expected.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{params:?}");
        assert_eq!(page.count, expected.len() as i64, "{params:?}");
    }
    let ranked = query::search_jobs(
        &db.pool,
        &q(&[("q", "designer or rust"), ("ordering", "relevance")]),
    )
    .await
    .unwrap();
    assert_eq!(ranked.results.len(), 2);
    assert_eq!(q(&[("q", "x")]).effective_ordering(), Ordering::Relevance);
}

#[tokio::test]
async fn facets_apply_every_other_filter_but_not_their_own() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let globex = tenant(&db.pool, "globex", "Globex").await;
    posting(&db.pool, &acme, open_draft("A")).await;
    posting(
        &db.pool,
        &acme,
        PostingDraft {
            job_type: JobType::Contract,
            ..open_draft("B")
        },
    )
    .await;
    posting(
        &db.pool,
        &globex,
        PostingDraft {
            remote_policy: RemotePolicy::Remote,
            ..open_draft("C")
        },
    )
    .await;
    let f = query::facets(&db.pool, &q(&[("company", "acme")]))
        .await
        .unwrap();
    assert!(f.exact);
    // The company facet ignores the company filter…
    let companies: Vec<_> = f
        .company
        .iter()
        .map(|v| (v.value.as_str(), v.label.as_deref(), v.count))
        .collect();
    assert_eq!(
        companies,
        vec![
            ("acme", Some("Acme Corp"), 2),
            ("globex", Some("Globex"), 1)
        ]
    );
    // …while the others apply it.
    let types: Vec<_> = f
        .job_type
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(types, vec![("contract", 1), ("full_time", 1)]);
    let remote: Vec<_> = f
        .remote_policy
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(remote, vec![("hybrid", 2)]);
    assert_eq!(f.location[0].count, 2);

    let all = query::facets(&db.pool, &JobQuery::default()).await.unwrap();
    assert_eq!(all.category[0].count, 3);
    let stats = query::refresh_stats(&db.pool).await.unwrap();
    assert_eq!(stats.total, 3);
    assert_eq!(stats.facets.company, all.company);
}

#[tokio::test]
async fn detail_and_companies_show_public_profile_data_only_for_public_jobs() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let hidden = tenant(&db.pool, "hidden", "Hidden Inc").await;
    let id = posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let job = query::get_job(&db.pool, id).await.unwrap().unwrap();
    assert_eq!(job.summary.title, "Backend Engineer");
    assert_eq!(job.tenant_id, acme.id);
    assert!(job.description_html.contains("<strong>"));
    assert_eq!(job.consent_text, careers::tenancy::DEFAULT_CONSENT_TEXT);
    assert!(
        query::get_job(&db.pool, uuid::Uuid::new_v4())
            .await
            .unwrap()
            .is_none()
    );

    careers::tenancy::set_status(&db.pool, "hidden", false)
        .await
        .unwrap();
    let page = query::list_companies(&db.pool, 1, 20).await.unwrap();
    assert_eq!(page.count, 1);
    assert_eq!(
        (page.results[0].slug.as_str(), page.results[0].open_jobs),
        ("acme", 1)
    );
    assert!(
        query::get_company(&db.pool, "hidden")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        query::get_company(&db.pool, "acme")
            .await
            .unwrap()
            .unwrap()
            .open_jobs,
        1
    );
    let _ = hidden;

    set_status(&db.pool, &acme, id, PostingStatus::Closed).await;
    assert!(query::get_job(&db.pool, id).await.unwrap().is_none());
    assert_eq!(
        query::get_company(&db.pool, "acme")
            .await
            .unwrap()
            .unwrap()
            .open_jobs,
        0
    );
}

#[tokio::test]
async fn feed_and_sitemap_helpers_page_through_visible_jobs() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(posting(&db.pool, &acme, open_draft(&format!("Job {i}"))).await);
    }
    let newest = query::newest(&db.pool, &JobQuery::default(), 3)
        .await
        .unwrap();
    assert_eq!(newest.len(), 3);
    let starts = query::sitemap_shards(&db.pool, 2).await.unwrap();
    assert_eq!(starts.len(), 3);
    let mut seen = Vec::new();
    for start in &starts {
        seen.extend(
            query::sitemap_page(&db.pool, *start, 2)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.job_id),
        );
    }
    ids.sort();
    assert_eq!(seen, ids);
    assert_eq!(query::visible_count(&db.pool).await.unwrap(), 5);
}

#[tokio::test]
async fn relevance_lists_title_matches_first_then_other_matches_newest_first_across_pages() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let now = Utc::now();
    let post = async |title: &str, description: &str, days_ago: i64| {
        posting(
            &db.pool,
            &acme,
            PostingDraft {
                description: description.into(),
                published_at: Some(now - Duration::days(days_ago)),
                ..open_draft(title)
            },
        )
        .await
    };
    let old_title = post("Rust Engineer", "Systems work.", 20).await;
    let new_title = post("Senior Rust Developer", "Systems work.", 10).await;
    let newest_mention = post("Platform Developer", "We write Rust daily.", 1).await;
    let older_mention = post("Backend Developer", "Some Rust, mostly Go.", 5).await;
    post("Designer", "Figma.", 2).await;

    let ids = |page: &query::JobPage| page.results.iter().map(|j| j.id).collect::<Vec<_>>();
    let ranked = query::search_jobs(&db.pool, &q(&[("q", "rust")]))
        .await
        .unwrap();
    assert_eq!(
        ids(&ranked),
        vec![new_title, old_title, newest_mention, older_mention]
    );
    assert_eq!((ranked.count, ranked.count_exact), (4, true));

    // The same order holds page by page, including a page that starts past the title tier.
    let mut paged = Vec::new();
    for page in 1..=4 {
        let p = query::search_jobs(
            &db.pool,
            &q(&[
                ("q", "rust"),
                ("page_size", "1"),
                ("page", &page.to_string()),
            ]),
        )
        .await
        .unwrap();
        assert_eq!(p.count, 4, "page {page}");
        paged.extend(ids(&p));
    }
    assert_eq!(paged, ids(&ranked));
    let third = query::search_jobs(
        &db.pool,
        &q(&[("q", "rust"), ("page_size", "2"), ("page", "2")]),
    )
    .await
    .unwrap();
    assert_eq!(ids(&third), vec![newest_mention, older_mention]);

    // Newest first ignores the tiers; a negated term applies to both tiers.
    let newest = query::search_jobs(
        &db.pool,
        &q(&[("q", "rust"), ("ordering", "-published_at")]),
    )
    .await
    .unwrap();
    assert_eq!(
        ids(&newest),
        vec![newest_mention, older_mention, new_title, old_title]
    );
    let negated = query::search_jobs(&db.pool, &q(&[("q", "rust -go")]))
        .await
        .unwrap();
    assert_eq!(ids(&negated), vec![new_title, old_title, newest_mention]);
}

#[test]
fn term_queries_page_through_fewer_results_than_lists() {
    assert_eq!(q(&[]).window(), query::MATCH_CAP);
    assert_eq!(q(&[("q", "x")]).window(), query::SEARCH_CAP);
    let deep = (query::SEARCH_CAP / 20 + 1).to_string();
    assert!(JobQuery::from_pairs(&[("page".into(), deep.clone())]).is_ok());
    let errs =
        JobQuery::from_pairs(&[("q".into(), "x".into()), ("page".into(), deep)]).unwrap_err();
    assert!(errs.get("page").is_some());
}
