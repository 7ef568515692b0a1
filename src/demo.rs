//! `serve --demo`: a few demo tenants with jobs and one HR user each, when the database is empty.

use rand::SeedableRng;
use rand::distr::{Alphanumeric, SampleString};
use rand::rngs::StdRng;
use sqlx::PgPool;

use crate::config::Settings;
use crate::seed::{self, CareerPage, data::CITIES};
use crate::{auth, import, tenancy};

struct DemoCompany {
    slug: &'static str,
    name: &'static str,
    domain: Option<&'static str>,
    city: &'static str,
    tagline: &'static str,
    about: &'static str,
    website: &'static str,
    brand_color: &'static str,
}

const COMPANIES: &[DemoCompany] = &[
    DemoCompany {
        slug: "northwind",
        name: "Northwind Robotics",
        domain: Some("careers.northwind.localhost"),
        city: "Berlin",
        tagline: "Robots that help people build things",
        about: "Northwind builds collaborative robots for small factories.\n\n\
                We are 120 people in Berlin and Munich, and we ship hardware and software every week.",
        website: "https://northwind.example",
        brand_color: "#1f6feb",
    },
    DemoCompany {
        slug: "bluefin",
        name: "Bluefin Health",
        domain: None,
        city: "London",
        tagline: "Primary care, without the waiting room",
        about: "Bluefin runs a digital clinic used by 400,000 patients.\n\n\
                Our clinicians and engineers work side by side.",
        website: "https://bluefin.example",
        brand_color: "#0f766e",
    },
    DemoCompany {
        slug: "lumen",
        name: "Lumen Studio",
        domain: None,
        city: "Amsterdam",
        tagline: "Design and games from Amsterdam",
        about: "Lumen is an independent studio making calm, beautiful games.\n\n\
                We are small on purpose.",
        website: "https://lumen.example",
        brand_color: "#b45309",
    },
    DemoCompany {
        slug: "tidewater",
        name: "Tidewater Energy",
        domain: None,
        city: "Toronto",
        tagline: "Storage for a renewable grid",
        about: "Tidewater designs and operates battery storage for utilities across North America.",
        website: "https://tidewater.example",
        brand_color: "#4338ca",
    },
    DemoCompany {
        slug: "papercrane",
        name: "Papercrane Books",
        domain: None,
        city: "Melbourne",
        tagline: "An independent publisher for curious readers",
        about: "Papercrane publishes forty titles a year, in print and as audiobooks.",
        website: "https://papercrane.example",
        brand_color: "#be123c",
    },
];

const JOBS_PER_COMPANY: usize = 10;

/// An HR login created for a demo tenant.
#[derive(Debug, Clone)]
pub struct Login {
    pub company: &'static str,
    pub slug: &'static str,
    pub email: String,
    pub password: String,
    pub domain: Option<&'static str>,
}

/// Seeds demo data when there are no tenants yet and prints the HR logins.
pub async fn seed_if_empty(pool: &PgPool, settings: &Settings) -> anyhow::Result<()> {
    let Some(logins) = seed_demo(pool).await? else {
        tracing::info!("demo: the database already has tenants; not seeding");
        return Ok(());
    };
    println!();
    println!(
        "Demo data is ready: {} companies with {JOBS_PER_COMPANY} jobs each.",
        COMPANIES.len()
    );
    println!("Sign in as HR at {}/admin/login with:", settings.public_url);
    for l in &logins {
        let port = settings.addr.port();
        let extra = l
            .domain
            .map(|d| format!("   (career page also on http://{d}:{port}/)"))
            .unwrap_or_default();
        println!(
            "  {:<20} {:<28} password: {}{extra}",
            l.company, l.email, l.password
        );
    }
    println!("These passwords are shown only once.");
    println!();
    Ok(())
}

/// Creates the demo companies, their career pages, jobs and HR users; `None` when the database
/// already has tenants (nothing is touched then).
pub async fn seed_demo(pool: &PgPool) -> anyhow::Result<Option<Vec<Login>>> {
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM public.tenants")
        .fetch_one(pool)
        .await?;
    if count > 0 {
        return Ok(None);
    }
    let anchor = chrono::Utc::now();
    let mut logins = Vec::new();
    for (i, c) in COMPANIES.iter().enumerate() {
        let domains: Vec<String> = c.domain.iter().map(|d| d.to_string()).collect();
        let tenant = tenancy::create(pool, c.slug, c.name, &domains).await?;
        let mut ttx = tenant.begin(pool).await?;
        seed::set_career_page(
            &mut ttx,
            tenant.id,
            &CareerPage {
                tagline: c.tagline,
                about: c.about,
                website: c.website,
                brand_color: c.brand_color,
            },
        )
        .await?;
        ttx.commit().await?;

        let home = CITIES
            .iter()
            .find(|x| x.city == c.city)
            .unwrap_or(&CITIES[0]);
        let mut rng = StdRng::seed_from_u64(2026 + i as u64);
        let drafts: Vec<_> = (0..JOBS_PER_COMPANY)
            .map(|_| seed::posting(&mut rng, anchor, c.name, home))
            .collect();
        import::write_tenant(pool, c.slug, None, &drafts).await?;

        let email = format!("hr@{}.example", c.slug);
        let password = Alphanumeric.sample_string(&mut rand::rng(), 16);
        auth::create_user(pool, c.slug, &email, &password).await?;
        logins.push(Login {
            company: c.name,
            slug: c.slug,
            email,
            password,
            domain: c.domain,
        });
    }
    Ok(Some(logins))
}
