//! `careers seed`: deterministic, realistic synthetic tenants and postings, written through the
//! same batch path as the CSV import (or written out as an import CSV with `--csv`).
//!
//! Determinism: every tenant's data comes from its own `StdRng` seeded with `(seed, index)`, so the
//! same seed gives the same companies, ids and postings, and tenants can be generated in any order
//! or in parallel. Times are offsets from an anchor (the start of the current UTC day by default),
//! so published dates stay "within the last 60 days" whenever the seed runs.

pub mod data;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Duration as Span, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use sqlx::PgPool;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::import::{self, BatchCounts};
use crate::postings::model::{JobType, PostingDraft, PostingStatus, RemotePolicy, SalaryPeriod};
use data::{CATEGORIES, CITIES, City};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub tenants: usize,
    pub jobs_per_tenant: usize,
    pub seed: u64,
    /// Times are offsets back (and forward, for expiries) from here.
    pub anchor: DateTime<Utc>,
}

impl Spec {
    /// A spec anchored at the start of the current UTC day.
    pub fn new(tenants: usize, jobs_per_tenant: usize, seed: u64) -> Self {
        let now = Utc::now();
        let anchor = now
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .map_or(now, |d| d.and_utc());
        Spec {
            tenants,
            jobs_per_tenant,
            seed,
            anchor,
        }
    }
}

/// One generated tenant: its slug, company name and postings.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedTenant {
    pub slug: String,
    pub name: String,
    pub postings: Vec<PostingDraft>,
}

/// The RNG of tenant `index` under `seed`.
fn tenant_rng(seed: u64, index: usize) -> StdRng {
    // SplitMix64-style mixing so neighbouring indexes get unrelated streams.
    let mut z = seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    StdRng::seed_from_u64(z ^ (z >> 31))
}

/// Generates tenant `index` of `spec`. Pure and deterministic.
pub fn tenant(spec: &Spec, index: usize) -> SeedTenant {
    let mut rng = tenant_rng(spec.seed, index);
    let a = data::NAME_A[rng.random_range(0..data::NAME_A.len())];
    let b = data::NAME_B[rng.random_range(0..data::NAME_B.len())];
    let name = format!("{a} {b}");
    let slug = format!("{}-{}-{}", a.to_lowercase(), b.to_lowercase(), index + 1);
    let home = &CITIES[rng.random_range(0..CITIES.len())];
    let postings = (0..spec.jobs_per_tenant)
        .map(|_| posting(&mut rng, spec.anchor, &name, home))
        .collect();
    SeedTenant {
        slug,
        name,
        postings,
    }
}

/// One realistic posting: mostly in the company's home city, sometimes elsewhere.
pub fn posting(
    rng: &mut StdRng,
    anchor: DateTime<Utc>,
    company: &str,
    home: &City,
) -> PostingDraft {
    let cat = &CATEGORIES[rng.random_range(0..CATEGORIES.len())];
    let (level, level_pay) = data::LEVELS[rng.random_range(0..data::LEVELS.len())];
    let role = cat.roles[rng.random_range(0..cat.roles.len())];
    let city = if rng.random_bool(0.7) {
        home
    } else {
        &CITIES[rng.random_range(0..CITIES.len())]
    };
    let remote_policy = pick(
        rng,
        &[
            (RemotePolicy::OnSite, 50),
            (RemotePolicy::Hybrid, 32),
            (RemotePolicy::Remote, 18),
        ],
    );
    let job_type = pick(
        rng,
        &[
            (JobType::FullTime, 76),
            (JobType::PartTime, 8),
            (JobType::Contract, 9),
            (JobType::Internship, 4),
            (JobType::Temporary, 3),
        ],
    );
    let status = pick(
        rng,
        &[
            (PostingStatus::Open, 86),
            (PostingStatus::Draft, 5),
            (PostingStatus::Closed, 6),
            (PostingStatus::Archived, 3),
        ],
    );
    let level = if job_type == JobType::Internship {
        ""
    } else {
        level
    };
    let title = if job_type == JobType::Internship {
        format!("{role} Intern")
    } else {
        format!("{level}{role}")
    };
    let location = match remote_policy {
        RemotePolicy::Remote => format!("Remote, {}", city.country),
        _ => format!("{}, {}", city.city, city.country),
    };

    let annual = city.median * cat.pay * level_pay * rng.random_range(0.9..1.1);
    let (period, per) = match job_type {
        JobType::PartTime | JobType::Temporary => (SalaryPeriod::Hour, 1.0 / 1_900.0),
        JobType::Internship => (SalaryPeriod::Month, 0.45 / 12.0),
        JobType::Contract if rng.random_bool(0.6) => (SalaryPeriod::Day, 1.4 / 220.0),
        _ => (SalaryPeriod::Year, 1.0),
    };
    let mid = annual * per;
    let step = if mid >= 10_000.0 {
        1_000.0
    } else if mid >= 1_000.0 {
        50.0
    } else {
        1.0
    };
    let round = |v: f64| Decimal::from((v / step).round() as i64 * step as i64);
    let (min, max) = (round(mid * 0.88), round(mid * 1.12));
    let has_salary = rng.random_bool(0.9);

    let published_at = anchor - Span::seconds(rng.random_range(3_600..60 * 86_400));
    let expires_at = if rng.random_bool(0.3) {
        // Mostly ahead; a few already passed (hidden at query time, closed by the sweep).
        Some(if rng.random_bool(0.15) {
            anchor - Span::seconds(rng.random_range(60..10 * 86_400))
        } else {
            anchor + Span::seconds(rng.random_range(3 * 86_400..45 * 86_400))
        })
    } else {
        None
    }
    .filter(|e| *e > published_at);

    PostingDraft {
        id: Some(uuid_from(rng)),
        description: description(rng, company, cat, &title),
        title,
        location,
        remote_policy,
        job_type,
        category: cat.name.to_string(),
        salary_min: has_salary.then_some(min),
        salary_max: has_salary.then_some(max.max(min)),
        salary_currency: has_salary.then(|| city.currency.to_string()),
        salary_period: period,
        show_salary: rng.random_bool(0.8),
        status,
        published_on_career_page: true,
        internal_only: rng.random_bool(0.05),
        require_resume: rng.random_bool(0.6),
        require_cover_letter: rng.random_bool(0.15),
        questions: Vec::new(),
        published_at: (status != PostingStatus::Draft).then_some(published_at),
        expires_at,
    }
}

fn pick<T: Copy>(rng: &mut StdRng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|w| w.1).sum();
    let mut n = rng.random_range(0..total);
    for (v, w) in weighted {
        if n < *w {
            return *v;
        }
        n -= w;
    }
    weighted[0].0
}

fn some<'a>(rng: &mut StdRng, items: &[&'a str], n: usize) -> Vec<&'a str> {
    let mut v = items.to_vec();
    v.shuffle(rng);
    v.truncate(n);
    v
}

/// A multi-paragraph Markdown description.
fn description(rng: &mut StdRng, company: &str, cat: &data::Category, title: &str) -> String {
    let intro = some(rng, data::INTROS, 2).join(" ");
    let duties = some(rng, cat.duties, 3.min(cat.duties.len()));
    let skills = some(rng, cat.skills, 3.min(cat.skills.len()));
    let benefits = some(rng, data::BENEFITS, 4);
    let list = |v: &[&str]| {
        v.iter()
            .map(|s| format!("- {}{}", s[..1].to_uppercase(), &s[1..]))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "**{company}** is hiring a {title} for its {} team. {intro}\n\n\
         ## What you will do\n\n{}\n\n\
         ## What we are looking for\n\n{}\n\n\
         ## What we offer\n\n{}\n\n\
         We welcome applications from people of every background. If you are unsure whether you \
         meet every requirement, apply anyway.",
        cat.name.to_lowercase(),
        list(&duties),
        list(&skills),
        list(&benefits),
    )
}

/// What a seed run wrote.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub tenants: usize,
    pub tenants_created: usize,
    pub counts: BatchCounts,
    pub duration: Duration,
}

/// Tenants written at once.
pub const CONCURRENCY: usize = 4;

/// Writes `spec` into the database: creates missing tenants and upserts their postings through the
/// import's batch path (re-running with the same seed updates the same postings).
pub async fn run(pool: &PgPool, spec: &Spec) -> anyhow::Result<Report> {
    let started = Instant::now();
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut set = JoinSet::new();
    let mut report = Report::default();
    let mut collect = |r: Result<
        Result<import::TenantDone, import::WriteError>,
        tokio::task::JoinError,
    >|
     -> anyhow::Result<()> {
        let done = r
            .context("seed task panicked")?
            .context("seeding a tenant")?;
        report.tenants += 1;
        report.tenants_created += usize::from(done.created);
        report.counts.add(&done.counts);
        Ok(())
    };
    for index in 0..spec.tenants {
        let permit = permits.clone().acquire_owned().await?;
        let pool = pool.clone();
        let spec = *spec;
        set.spawn(async move {
            let _permit = permit;
            let t = tenant(&spec, index);
            import::write_tenant(&pool, &t.slug, Some(&t.name), &t.postings).await
        });
        while let Some(r) = set.try_join_next() {
            collect(r)?;
        }
    }
    while let Some(r) = set.join_next().await {
        collect(r)?;
    }
    import::record_run(
        pool,
        "seed",
        report.tenants,
        &report.counts,
        Vec::new(),
        started,
    )
    .await?;
    report.duration = started.elapsed();
    Ok(report)
}

/// Writes `spec` as an import CSV (DESIGN §7) instead of into the database, e.g. to benchmark
/// `careers jobs import --create-tenants` on exactly the data `seed` would write.
pub fn write_csv(spec: &Spec, path: &Path) -> anyhow::Result<u64> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    w.write_record(crate::import::parse::COLUMNS)?;
    let mut rows = 0;
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    let dec = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
    for index in 0..spec.tenants {
        let t = tenant(spec, index);
        for p in &t.postings {
            w.write_record([
                t.slug.as_str(),
                &t.name,
                &p.id.map(|i| i.to_string()).unwrap_or_default(),
                &p.title,
                &p.description,
                &p.location,
                p.remote_policy.as_str(),
                p.job_type.as_str(),
                &p.category,
                &dec(p.salary_min),
                &dec(p.salary_max),
                p.salary_currency.as_deref().unwrap_or(""),
                p.salary_period.as_str(),
                if p.show_salary { "true" } else { "false" },
                if p.internal_only { "true" } else { "false" },
                &time(p.published_at),
                &time(p.expires_at),
                p.status.as_str(),
            ])?;
            rows += 1;
        }
    }
    w.flush()?;
    Ok(rows)
}

/// Branding for a tenant's career page.
#[derive(Debug, Clone)]
pub struct CareerPage<'a> {
    pub tagline: &'a str,
    /// Markdown.
    pub about: &'a str,
    pub website: &'a str,
    pub brand_color: &'a str,
}

/// Sets a tenant's career page and its public profile in the same transaction.
pub async fn set_career_page(
    ttx: &mut crate::tenancy::TenantTx,
    tenant_id: Uuid,
    page: &CareerPage<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE career_page SET tagline = $1, about = $2, website = $3, brand_color = $4,
                updated_at = now()",
    )
    .bind(page.tagline)
    .bind(page.about)
    .bind(page.website)
    .bind(page.brand_color)
    .execute(&mut **ttx)
    .await?;
    sqlx::query(
        "UPDATE public.company_profiles
            SET tagline = $2, description_html = $3, website = $4, brand_color = $5,
                updated_at = now()
          WHERE tenant_id = $1",
    )
    .bind(tenant_id)
    .bind(page.tagline)
    .bind(crate::catalog::projection::sanitize_description(page.about))
    .bind(page.website)
    .bind(page.brand_color)
    .execute(&mut **ttx)
    .await?;
    Ok(())
}

/// A random v4 id from `rng` (deterministic under a seeded RNG).
pub fn uuid_from(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn spec(seed: u64) -> Spec {
        Spec {
            tenants: 3,
            jobs_per_tenant: 50,
            seed,
            anchor: Utc.with_ymd_and_hms(2026, 11, 29, 0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_data_and_another_seed_does_not() {
        let a: Vec<_> = (0..3).map(|i| tenant(&spec(7), i)).collect();
        let b: Vec<_> = (0..3).map(|i| tenant(&spec(7), i)).collect();
        let c: Vec<_> = (0..3).map(|i| tenant(&spec(8), i)).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn generated_postings_are_valid_and_varied() {
        let s = spec(1);
        let all: Vec<PostingDraft> = (0..3).flat_map(|i| tenant(&s, i).postings).collect();
        for p in &all {
            assert!(p.clone().validate().is_ok(), "{p:?}");
            assert!(p.description.matches("\n\n").count() >= 3);
            if let Some(t) = p.published_at {
                assert!(t < s.anchor && t > s.anchor - Span::days(61));
            }
        }
        let open = all
            .iter()
            .filter(|p| p.status == PostingStatus::Open)
            .count();
        assert!(open > all.len() * 3 / 4, "{open}");
        assert!(all.iter().any(|p| p.status != PostingStatus::Open));
        assert!(all.iter().any(|p| !p.show_salary));
        assert!(all.iter().any(|p| p.expires_at.is_some()));
        assert!(all.iter().any(|p| p.remote_policy == RemotePolicy::Remote));
        let currencies: std::collections::HashSet<_> = all
            .iter()
            .filter_map(|p| p.salary_currency.clone())
            .collect();
        assert!(currencies.len() >= 2, "{currencies:?}");
    }

    #[test]
    fn slugs_are_valid_and_unique() {
        let s = Spec {
            tenants: 500,
            jobs_per_tenant: 0,
            ..spec(3)
        };
        let slugs: std::collections::HashSet<_> = (0..500).map(|i| tenant(&s, i).slug).collect();
        assert_eq!(slugs.len(), 500);
        for slug in &slugs {
            assert!(crate::tenancy::Slug::parse(slug).is_ok(), "{slug}");
        }
    }
}
