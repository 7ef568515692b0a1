//! Catalog queries against a real PostgreSQL: filters, search, facets, detail, companies.

use crate::support::TestDb;
use crate::support::api::{open_draft, posting, set_status, tenant};
use careers::catalog::query::{self, JobQuery, Ordering};
use careers::postings::model::{JobType, PostingDraft, PostingStatus, RemotePolicy};
use chrono::{Duration, Utc};

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
    let agg = db.aggregates();
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

    let page = query::search_jobs(&db.pool, &agg, &JobQuery::default())
        .await
        .unwrap();
    let ids: Vec<_> = page.results.iter().map(|j| j.id).collect();
    assert_eq!(ids, vec![remote, old]);
    assert_eq!((page.count, page.count_exact), (2, true));
    assert!(page.results[1].salary.is_some() && page.results[0].salary.is_none());

    let oldest = query::search_jobs(&db.pool, &agg, &q(&[("ordering", "published_at")]))
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
        let mut page = query::search_jobs(&db.pool, &agg, &q(&params))
            .await
            .unwrap();
        let mut got: Vec<_> = page.results.drain(..).map(|j| j.id).collect();
        let mut want = expected.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{params:?}");
        assert_eq!(page.count, expected.len() as i64, "{params:?}");
    }
    let ranked = query::search_jobs(
        &db.pool,
        &agg,
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
    let agg = db.aggregates();
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
    let f = query::facets(&db.pool, &agg, &q(&[("company", "acme")]))
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

    let all = query::facets(&db.pool, &agg, &JobQuery::default())
        .await
        .unwrap();
    assert_eq!(all.category[0].count, 3);
    let stats = query::refresh_stats(&db.pool, &agg).await.unwrap();
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

    careers::tenants::set_status(&db.pool, "hidden", false)
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
    let agg = db.aggregates();
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(posting(&db.pool, &acme, open_draft(&format!("Job {i}"))).await);
    }
    let newest = query::newest(&db.pool, &JobQuery::default(), 3)
        .await
        .unwrap();
    assert_eq!(newest.len(), 3);
    let starts = query::sitemap_shards(&db.pool, &agg, 2).await.unwrap();
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
    assert_eq!(query::visible_count(&db.pool, &agg).await.unwrap(), 5);
}

#[tokio::test]
async fn relevance_lists_title_matches_first_then_other_matches_newest_first_across_pages() {
    let db = TestDb::new().await;
    let agg = db.aggregates();
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
    let ranked = query::search_jobs(&db.pool, &agg, &q(&[("q", "rust")]))
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
            &agg,
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
        &agg,
        &q(&[("q", "rust"), ("page_size", "2"), ("page", "2")]),
    )
    .await
    .unwrap();
    assert_eq!(ids(&third), vec![newest_mention, older_mention]);

    // Newest first ignores the tiers; a negated term applies to both tiers.
    let newest = query::search_jobs(
        &db.pool,
        &agg,
        &q(&[("q", "rust"), ("ordering", "-published_at")]),
    )
    .await
    .unwrap();
    assert_eq!(
        ids(&newest),
        vec![newest_mention, older_mention, new_title, old_title]
    );
    let negated = query::search_jobs(&db.pool, &agg, &q(&[("q", "rust -go")]))
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

#[tokio::test]
async fn location_filters_match_every_location_containing_the_text_including_new_and_changed_ones()
{
    let db = TestDb::new().await;
    let agg = db.aggregates();
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let at = async |title: &str, location: &str, remote_policy: RemotePolicy| {
        posting(
            &db.pool,
            &acme,
            PostingDraft {
                location: location.into(),
                remote_policy,
                ..open_draft(title)
            },
        )
        .await
    };
    let berlin = at("Backend Engineer", "Berlin, Germany", RemotePolicy::Hybrid).await;
    let mitte = at("Cook", "berlin-Mitte", RemotePolicy::OnSite).await;
    let remote = at("Writer", "Remote, Germany", RemotePolicy::Remote).await;

    let found = async |params: &[(&str, &str)]| {
        let page = query::search_jobs(&db.pool, &agg, &q(params))
            .await
            .unwrap();
        let mut ids: Vec<_> = page.results.iter().map(|j| j.id).collect();
        ids.sort();
        assert_eq!(page.count, ids.len() as i64, "{params:?}");
        ids
    };
    let sorted = |mut v: Vec<uuid::Uuid>| {
        v.sort();
        v
    };
    // A case-insensitive substring of several distinct locations.
    assert_eq!(
        found(&[("location", "BERL")]).await,
        sorted(vec![berlin, mitte])
    );
    assert_eq!(
        found(&[("location", "germany")]).await,
        sorted(vec![berlin, remote])
    );
    assert_eq!(
        found(&[("location", "berl"), ("remote_policy", "hybrid")]).await,
        vec![berlin]
    );
    // The other filters narrow a location to nothing; a location no job names matches nothing.
    assert_eq!(
        found(&[
            ("location", "remote"),
            ("remote_policy", "hybrid"),
            ("job_type", "full_time")
        ])
        .await,
        Vec::<uuid::Uuid>::new()
    );
    assert_eq!(
        found(&[("location", "nowhere")]).await,
        Vec::<uuid::Uuid>::new()
    );
    assert_eq!(
        query::count_jobs(&db.pool, &agg, &q(&[("location", "nowhere")]))
            .await
            .unwrap(),
        (0, true)
    );
    let facets = query::facets(&db.pool, &agg, &q(&[("location", "mitte")]))
        .await
        .unwrap();
    assert_eq!(facets.remote_policy.len(), 1);
    assert_eq!(facets.remote_policy[0].value, "on_site");
    assert_eq!(facets.location.len(), 3, "a facet ignores its own filter");

    // A location first named by a new job, or by a changed catalog row, is found at once.
    let zurich = at("Baker", "Zürich, Switzerland", RemotePolicy::OnSite).await;
    assert_eq!(found(&[("location", "zürich")]).await, vec![zurich]);
    sqlx::query("UPDATE public.job_catalog SET location = 'Porto, Portugal' WHERE job_id = $1")
        .bind(remote)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(found(&[("location", "porto")]).await, vec![remote]);
    assert_eq!(
        found(&[("location", "remote")]).await,
        Vec::<uuid::Uuid>::new()
    );

    // A text that names more locations than are resolved one by one still filters exactly.
    let many = (0..=query::LOCATION_VALUES_CAP)
        .map(|i| format!("Town {i:03}"))
        .collect::<Vec<_>>();
    sqlx::query("INSERT INTO public.catalog_locations SELECT unnest($1::text[])")
        .bind(&many)
        .execute(&db.pool)
        .await
        .unwrap();
    let town = at("Farmer", "Town 042", RemotePolicy::OnSite).await;
    let wide = q(&[("location", "town")]);
    let resolved = query::resolve_location(&db.pool, &wide).await.unwrap();
    assert_eq!(resolved.location_in, None);
    assert_eq!(found(&[("location", "town")]).await, vec![town]);
    assert_eq!(
        query::facets(&db.pool, &agg, &wide).await.unwrap().category[0].count,
        1
    );
}

/// The job ids matching `term`, in the relevance rule's order, straight from the catalog.
async fn ranked_by_rule(pool: &sqlx::PgPool, term: &str) -> Vec<uuid::Uuid> {
    sqlx::query_scalar(&format!(
        "SELECT c.job_id FROM public.job_catalog c
          WHERE {} AND c.search @@ websearch_to_tsquery('english', $1)
          ORDER BY (to_tsvector('english', c.title) @@ websearch_to_tsquery('english', $1)) DESC,
                   c.published_at DESC, c.job_id DESC",
        query::VISIBLE
    ))
    .bind(term)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn relevance_pages_follow_the_ranking_rule_for_common_terms_and_rare_ones() {
    let db = TestDb::new().await;
    let agg = db.aggregates();
    careers::seed::run(&db.pool, &careers::seed::Spec::new(4, 500, 3))
        .await
        .unwrap();
    sqlx::query("ANALYZE public.job_catalog")
        .execute(&db.pool)
        .await
        .unwrap();
    // Words by the number of visible jobs they match, with the number matching in the title.
    let words: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT s.word, s.ndoc::bigint,
                (SELECT count(*) FROM public.job_catalog c WHERE {0}
                    AND to_tsvector('english', c.title) @@ websearch_to_tsquery('english', s.word))
           FROM ts_stat('SELECT c.search FROM public.job_catalog c WHERE {0}') s
          WHERE s.word ~ '^[a-z]+$'
          ORDER BY s.ndoc DESC, s.word",
        query::VISIBLE.replace('\'', "''")
    ))
    .fetch_all(&db.pool)
    .await
    .unwrap();
    // (Other matches beyond REST_CAP are not paged through; stay below it.)
    let pick = |range: std::ops::RangeInclusive<i64>| {
        words
            .iter()
            .find(|(_, n, titles)| {
                range.contains(n) && *titles > 0 && *titles + 20 < *n && *n - *titles < 1_000
            })
            .unwrap_or_else(|| panic!("the seed has a word matching {range:?} jobs"))
            .0
            .clone()
    };
    // A word only jobs older than the newest thousand use (the seed publishes within 60 days).
    let old = tenant(&db.pool, "oldco", "Old Co").await;
    for (i, (title, description)) in [
        ("Zyzzyva Keeper", "Care for insects."),
        ("Gardener", "Some zyzzyva work."),
        ("Zyzzyva Researcher", "Field work."),
        ("Cook", "Lunch for the zyzzyva team."),
    ]
    .into_iter()
    .enumerate()
    {
        posting(
            &db.pool,
            &old,
            PostingDraft {
                description: description.into(),
                published_at: Some(Utc::now() - Duration::days(100 + i as i64)),
                ..open_draft(title)
            },
        )
        .await;
    }
    // Words the newest jobs use are paged tier by tier (newest-first walks, then the indexes),
    // one they do not use from its whole match set: all list exactly the rule's order, page after
    // page.
    for term in [pick(500..=2_000), pick(20..=400), "zyzzyva".to_string()] {
        let expected = ranked_by_rule(&db.pool, &term).await;
        let mut listed = Vec::new();
        let mut page = 1;
        loop {
            let size = if term == "zyzzyva" { "3" } else { "100" };
            let p = query::search_jobs(
                &db.pool,
                &agg,
                &q(&[
                    ("q", &term),
                    ("page_size", size),
                    ("page", &page.to_string()),
                ]),
            )
            .await
            .unwrap();
            if p.count_exact {
                assert_eq!(p.count, expected.len() as i64, "{term}");
            }
            listed.extend(p.results.iter().map(|j| j.id));
            if !p.has_next() {
                break;
            }
            page += 1;
        }
        assert_eq!(listed, expected, "{term}");
    }
    assert_eq!(ranked_by_rule(&db.pool, "zyzzyva").await.len(), 4);
}
