//! Machine-readable public documents parsed as XML: the RSS feed (filtered like `/jobs`) and the
//! sitemap (a urlset with `lastmod`, or an index of shards when larger).

use crate::support::site::{get, seed};
use axum::http::StatusCode;
use careers::web::public::sitemap;

fn children<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    node.children().filter(|n| n.has_tag_name(name)).collect()
}

fn child_text<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.children()
        .find(|n| n.has_tag_name(name))
        .and_then(|n| n.text())
}

#[tokio::test]
async fn the_feed_is_rss_2_of_the_newest_matching_jobs() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let state = db.state();
    let res = get(&state, "/jobs/feed.xml?remote_policy=remote&utm_source=x").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.headers["content-type"],
        "application/rss+xml; charset=utf-8"
    );
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    let rss = doc.root_element();
    assert_eq!(rss.tag_name().name(), "rss");
    assert_eq!(rss.attribute("version"), Some("2.0"));
    let channel = children(rss, "channel")[0];
    assert_eq!(child_text(channel, "title"), Some("Remote jobs · Careers"));
    assert_eq!(
        child_text(channel, "link"),
        Some("http://127.0.0.1:3000/jobs?remote_policy=remote")
    );
    let items = children(channel, "item");
    assert_eq!(items.len(), 2);
    let links: Vec<&str> = items
        .iter()
        .map(|i| child_text(*i, "link").unwrap())
        .collect();
    assert!(links.contains(&format!("http://127.0.0.1:3000/jobs/{}", s.rust_remote).as_str()));
    for item in &items {
        assert!(
            chrono::DateTime::parse_from_rfc2822(child_text(*item, "pubDate").unwrap()).is_ok()
        );
        assert_eq!(child_text(*item, "guid"), child_text(*item, "link"));
    }
    let titles: Vec<&str> = items
        .iter()
        .map(|i| child_text(*i, "title").unwrap())
        .collect();
    assert!(
        titles.contains(&"Senior Rust Engineer at Acme Robotics"),
        "{titles:?}"
    );
    assert_eq!(
        get(&state, "/jobs/feed.xml?job_type=nope").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn hostile_text_in_the_feed_stays_well_formed_xml() {
    let db = crate::support::TestDb::new().await;
    let t = crate::support::site::tenant(&db.pool, "amp", "Smith & <Sons>", "").await;
    crate::support::site::posting(
        &db.pool,
        &t,
        careers::postings::model::PostingDraft {
            title: "C++ & \"Rust\" <dev> ]]>".into(),
            ..crate::support::site::draft("x")
        },
    )
    .await;
    let res = get(&db.state(), "/jobs/feed.xml").await;
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("item"))
        .and_then(|i| child_text(i, "title"));
    assert_eq!(title, Some("C++ & \"Rust\" <dev> ]]> at Smith & <Sons>"));
}

#[tokio::test]
async fn a_small_sitemap_lists_pages_companies_and_every_job_with_lastmod() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let res = get(&db.state(), "/sitemap.xml").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    let doc = roxmltree::Document::parse(&res.body).unwrap();
    let urlset = doc.root_element();
    assert_eq!(urlset.tag_name().name(), "urlset");
    assert_eq!(
        urlset.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let urls = children(urlset, "url");
    let locs: Vec<&str> = urls
        .iter()
        .map(|u| child_text(*u, "loc").unwrap())
        .collect();
    for expected in [
        "http://127.0.0.1:3000/",
        "http://127.0.0.1:3000/jobs",
        "http://127.0.0.1:3000/companies/acme",
    ] {
        assert!(locs.contains(&expected), "{expected} in {locs:?}");
    }
    let job_urls: Vec<_> = urls
        .iter()
        .filter(|u| child_text(**u, "loc").unwrap().contains("/jobs/"))
        .collect();
    assert_eq!(job_urls.len(), 4);
    for u in job_urls {
        chrono::DateTime::parse_from_rfc3339(child_text(*u, "lastmod").unwrap()).unwrap();
    }
    assert!(locs.contains(&format!("http://127.0.0.1:3000/jobs/{}", s.warehouse).as_str()));
}

#[tokio::test]
async fn a_large_sitemap_is_an_index_of_shards_that_together_hold_every_job_once() {
    let db = crate::support::TestDb::new().await;
    let search = db.search();
    seed(&db.pool).await;
    let base = "https://jobs.example.com";
    // Four jobs in shards of three: an index with the pages file and two job shards.
    let xml = sitemap::root_xml(&db.pool, &search, base, 3).await.unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let locs: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    assert_eq!(
        locs,
        vec![
            "https://jobs.example.com/sitemaps/pages.xml",
            "https://jobs.example.com/sitemaps/jobs-0.xml",
            "https://jobs.example.com/sitemaps/jobs-1.xml",
        ]
    );
    let mut all = Vec::new();
    for n in 0..2 {
        let shard = sitemap::shard_xml(&db.pool, &search, base, 3, n)
            .await
            .unwrap()
            .unwrap();
        let doc = roxmltree::Document::parse(&shard).unwrap();
        for url in doc.descendants().filter(|n| n.has_tag_name("url")) {
            all.push(child_text(url, "loc").unwrap().to_string());
            assert!(child_text(url, "lastmod").is_some());
        }
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(
        sitemap::shard_xml(&db.pool, &search, base, 3, 2)
            .await
            .unwrap()
            .is_none()
    );
    let pages = sitemap::pages_xml(&db.pool, base).await.unwrap();
    assert!(roxmltree::Document::parse(&pages).is_ok());
    // The routes answer too.
    assert_eq!(
        get(&db.state(), "/sitemaps/pages.xml").await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&db.state(), "/sitemaps/jobs-9.xml").await.status,
        StatusCode::NOT_FOUND
    );
}
