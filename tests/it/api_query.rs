//! Catalog queries against a real PostgreSQL: filters, search, facets, detail, companies.

use crate::support::TestDb;
use crate::support::api::{open_draft, posting, set_status, tenant};
use careers::catalog::query::{self, JobQuery, Ordering};
use careers::postings::model::{JobType, PostingDraft, PostingStatus, RemotePolicy};
use chrono::{Duration, Utc};

fn q(list: &[(&str, &str)]) -> JobQuery {
    JobQuery::from_pairs(list).unwrap()
}

#[tokio::test]
async fn lists_only_visible_jobs_newest_first_with_filters_and_search() {
    let db = TestDb::new().await;
    let search = db.search();
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

    let page = search.jobs(&db.pool, &JobQuery::default()).await.unwrap();
    let ids: Vec<_> = page.results.iter().map(|j| j.id).collect();
    assert_eq!(ids, vec![remote, old]);
    assert_eq!((page.count, true), (2, true));
    assert!(page.results[1].salary.is_some() && page.results[0].salary.is_none());

    let oldest = search
        .jobs(&db.pool, &q(&[("ordering", "published_at")]))
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
        let mut page = search.jobs(&db.pool, &q(&params)).await.unwrap();
        let mut got: Vec<_> = page.results.drain(..).map(|j| j.id).collect();
        let mut want = expected.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{params:?}");
        assert_eq!(page.count, expected.len() as i64, "{params:?}");
    }
    let ranked = search
        .jobs(
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
    let search = db.search();
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
    let f = search
        .facets(&db.pool, &q(&[("company", "acme")]))
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

    let all = search.facets(&db.pool, &JobQuery::default()).await.unwrap();
    assert_eq!(all.category[0].count, 3);
    let stats = query::refresh_stats(&db.pool).await.unwrap();
    assert_eq!(stats.total, 3);
    let counted: i64 = all.company.iter().map(|c| c.count).sum();
    assert_eq!(counted, 3);
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
    let search = db.search();
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(posting(&db.pool, &acme, open_draft(&format!("Job {i}"))).await);
    }
    let newest = search
        .newest(&db.pool, &JobQuery::default(), 3)
        .await
        .unwrap();
    assert_eq!(newest.len(), 3);
    let starts = query::sitemap_shards(&db.pool, 5, 2).await.unwrap();
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
    assert_eq!(
        search.count(&db.pool, &JobQuery::default()).await.unwrap(),
        5
    );
}

#[tokio::test]
async fn relevance_lists_title_matches_first_then_other_matches_newest_first_across_pages() {
    let db = TestDb::new().await;
    let search = db.search();
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
    let ranked = search.jobs(&db.pool, &q(&[("q", "rust")])).await.unwrap();
    // Title matches outrank mentions in the description, whatever their age; BM25 decides
    // within each (the shorter title, where the word weighs more, first).
    assert_eq!(
        ids(&ranked),
        vec![old_title, new_title, newest_mention, older_mention]
    );
    assert_eq!(ranked.count, 4);

    // The same order holds page by page, including a page that starts past the title tier.
    let mut paged = Vec::new();
    for page in 1..=4 {
        let p = search
            .jobs(
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
    let third = search
        .jobs(
            &db.pool,
            &q(&[("q", "rust"), ("page_size", "2"), ("page", "2")]),
        )
        .await
        .unwrap();
    assert_eq!(ids(&third), vec![newest_mention, older_mention]);
    // A cursor continues exactly where its page ended.
    let first = search
        .jobs(&db.pool, &q(&[("q", "rust"), ("page_size", "2")]))
        .await
        .unwrap();
    let cursor = first.next_cursor.clone().unwrap();
    let next = search
        .jobs(
            &db.pool,
            &q(&[
                ("q", "rust"),
                ("page_size", "2"),
                ("cursor", &cursor),
                ("page", "2"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(ids(&next), ids(&third));
    assert_eq!(next.next_cursor, None, "the last page has no next");
    // A page past the end is refused, not an empty 200.
    assert!(matches!(
        search
            .jobs(
                &db.pool,
                &q(&[("q", "rust"), ("page_size", "2"), ("page", "3")])
            )
            .await,
        Err(careers::catalog::search::SearchError::PastTheEnd { page: 3, last: 2 })
    ));

    // Newest first ignores the tiers; a negated term applies to both tiers.
    let newest = search
        .jobs(
            &db.pool,
            &q(&[("q", "rust"), ("ordering", "-published_at")]),
        )
        .await
        .unwrap();
    assert_eq!(
        ids(&newest),
        vec![newest_mention, older_mention, new_title, old_title]
    );
    let negated = search
        .jobs(&db.pool, &q(&[("q", "rust -go")]))
        .await
        .unwrap();
    assert_eq!(ids(&negated), vec![old_title, new_title, newest_mention]);
}

#[test]
fn page_numbers_reach_the_window_and_cursors_go_further() {
    assert_eq!(q(&[("q", "x")]).window(), query::MATCH_CAP);
    let deep = (query::MATCH_CAP / 20 + 1).to_string();
    // Parsed either way; the search answers a deep page without a cursor with a 404
    // (`api_bad_input::a_page_beyond_the_pageable_window_is_a_404_that_says_why`).
    let cursor = "0".repeat(64);
    assert!(JobQuery::from_pairs(&[("page", deep.clone())]).is_ok());
    assert!(JobQuery::from_pairs(&[("page", deep), ("cursor", cursor)]).is_ok());
}

#[tokio::test]
async fn location_filters_match_every_location_containing_the_text_including_new_and_changed_ones()
{
    let db = TestDb::new().await;
    let search = db.search();
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
        let page = search.jobs(&db.pool, &q(params)).await.unwrap();
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
        search
            .count(&db.pool, &q(&[("location", "nowhere")]))
            .await
            .unwrap(),
        0
    );
    let facets = search
        .facets(&db.pool, &q(&[("location", "mitte")]))
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

    // A text that names many locations filters exactly.
    let mut towns = Vec::new();
    for i in 0..15 {
        towns.push(at("Farmer", &format!("Town {i:03}"), RemotePolicy::OnSite).await);
    }
    let wide = q(&[("location", "town")]);
    assert_eq!(found(&[("location", "town")]).await, sorted(towns.clone()));
    assert_eq!(
        search.facets(&db.pool, &wide).await.unwrap().category[0].count,
        15
    );
}

#[tokio::test]
async fn every_ordering_is_total_and_pages_and_cursors_list_each_match_once() {
    let db = TestDb::new().await;
    let search = db.search();
    careers::seed::run(&db.pool, &careers::seed::Spec::new(4, 400, 3))
        .await
        .unwrap();
    db.caught_up(&search).await;
    for params in [
        vec![],
        vec![("q", "engineer")],
        vec![("q", "manager"), ("ordering", "-published_at")],
        vec![("ordering", "published_at")],
        vec![("ordering", "-salary_max")],
        vec![("ordering", "salary_min"), ("remote_policy", "remote")],
    ] {
        let all = search.count(&db.pool, &q(&params)).await.unwrap();
        assert!(all > 40, "{params:?} matches {all}");
        // By page number.
        let mut by_page = Vec::new();
        let mut page = 1;
        loop {
            let mut p = params.clone();
            let n = page.to_string();
            p.extend([("page_size", "17"), ("page", n.as_str())]);
            let got = search.jobs(&db.pool, &q(&p)).await.unwrap();
            by_page.extend(got.results.iter().map(|j| j.id));
            if !got.has_next() {
                break;
            }
            page += 1;
        }
        // By cursor.
        let mut by_cursor = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut p = params.clone();
            p.push(("page_size", "17"));
            if let Some(c) = &cursor {
                p.push(("cursor", c.as_str()));
            }
            let got = search.jobs(&db.pool, &q(&p)).await.unwrap();
            assert_eq!(got.count, all, "{params:?}");
            by_cursor.extend(got.results.iter().map(|j| j.id));
            match got.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(by_page.len() as i64, all, "{params:?}");
        assert_eq!(by_page, by_cursor, "{params:?}");
        let mut unique = by_page.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            by_page.len(),
            "{params:?}: a job listed twice"
        );
    }
}

#[tokio::test]
async fn salary_filters_and_orderings_compare_yearly_amounts_in_one_currency() {
    use careers::catalog::salary;
    use careers::postings::model::SalaryPeriod;
    use rust_decimal::Decimal;
    let db = TestDb::new().await;
    let search = db.search();
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let paid = async |title: &str, amount: i64, currency: &str, period: SalaryPeriod| {
        posting(
            &db.pool,
            &acme,
            PostingDraft {
                salary_min: Some(Decimal::from(amount)),
                salary_max: Some(Decimal::from(amount)),
                salary_currency: Some(currency.into()),
                salary_period: period,
                ..open_draft(title)
            },
        )
        .await
    };
    let eur_year = paid("Yearly", 60_000, "EUR", SalaryPeriod::Year).await; // 60,000 EUR
    let eur_day = paid("Daily", 259, "EUR", SalaryPeriod::Day).await; // 67,340 EUR
    let usd_hour = paid("Hourly", 50, "USD", SalaryPeriod::Hour).await; // 104,000 USD = 83,200 EUR
    let krw_hour = paid("Won", 20_000, "KRW", SalaryPeriod::Hour).await; // 41.6M KRW = 27,733 EUR
    let aed_year = paid("Dirham", 363_000, "AED", SalaryPeriod::Year).await; // no rate
    let sheet =
        salary::parse_ecb_csv("Date, USD, KRW, \n03 December 2026, 1.2500, 1500.00, \n").unwrap();
    assert_eq!(salary::import(&db.pool, &sheet).await.unwrap(), 2);
    search.forget_rates();

    let found = async |params: &[(&str, &str)]| {
        search
            .jobs(&db.pool, &q(params))
            .await
            .unwrap()
            .results
            .iter()
            .map(|j| j.id)
            .collect::<Vec<_>>()
    };
    let mut low = found(&[("salary_min", "300")]).await;
    low.sort();
    let mut want = vec![eur_year, eur_day, usd_hour, krw_hour];
    want.sort();
    assert_eq!(
        low, want,
        "KRW 20,000 an hour is not 300 a year; AED has no rate"
    );
    assert_eq!(
        found(&[("salary_min", "65000"), ("ordering", "-salary_max")]).await,
        vec![usd_hour, eur_day]
    );
    assert_eq!(
        found(&[("salary_min", "100000"), ("salary_currency", "usd")]).await,
        vec![usd_hour]
    );
    // Orderings use the same converted yearly value; a salary that cannot be converted is last.
    assert_eq!(
        found(&[("ordering", "-salary_max")]).await,
        vec![usd_hour, eur_day, eur_year, krw_hour, aed_year]
    );
    assert_eq!(
        found(&[("ordering", "salary_min"), ("salary_currency", "AED")]).await,
        vec![aed_year, krw_hour, usd_hour, eur_day, eur_year],
        "in AED only the AED salary converts; the others follow, newest first"
    );
    // An older sheet never replaces newer rates.
    let old = salary::parse_ecb_csv("Date,USD\n2026-01-02,9.99\n").unwrap();
    assert_eq!(salary::import(&db.pool, &old).await.unwrap(), 0);
    // The site shows the salary as posted.
    let page = search.jobs(&db.pool, &q(&[("q", "won")])).await.unwrap();
    let s = page.results[0].salary.as_ref().unwrap();
    assert_eq!((s.currency.as_str(), s.period), ("KRW", SalaryPeriod::Hour));
}
