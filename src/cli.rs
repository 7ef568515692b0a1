//! The `careers` command line: argument definitions and one function per subcommand.

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::catalog::reconcile;
use crate::config::Settings;
use crate::db::{Database, migrate};
use crate::server;
use crate::state::AppState;
use crate::{auth, import, scheduler, seed, tenancy};

#[derive(Debug, Parser)]
#[command(
    name = "careers",
    version,
    about = "Multi-tenant public careers platform"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, start the scheduler and serve HTTP.
    Serve(ServeArgs),
    /// Apply shared migrations, then tenant migrations for every tenant that is behind.
    Migrate,
    /// Manage tenants (companies).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage HR users.
    #[command(subcommand)]
    User(UserCommand),
    /// Job postings in bulk.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Reconcile the public catalog with every tenant's postings now; prints the drift repaired.
    SyncCatalog(SyncCatalogArgs),
    /// Generate deterministic synthetic tenants and jobs (for demos and benchmarks).
    Seed(SeedArgs),
    /// The search index under the data directory (derived from the catalog; rebuildable).
    #[command(subcommand)]
    SearchIndex(SearchIndexCommand),
    /// Reference exchange rates salary filters convert with.
    #[command(subcommand)]
    Fx(FxCommand),
}

#[derive(Debug, Subcommand)]
pub enum FxCommand {
    /// Import the ECB's reference-rates CSV (eurofxref.csv, or eurofxref-hist.csv: its newest
    /// day); an older file never replaces a newer rate.
    Import {
        /// The CSV file.
        file: PathBuf,
    },
    /// The stored rates (units per euro) and their dates.
    List,
}

#[derive(Debug, Subcommand)]
pub enum SearchIndexCommand {
    /// Rebuild the index from the catalog; prints the documents and the change it is current to.
    Rebuild,
    /// Documents, the last change applied, changes pending and how old the oldest is.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Import postings from a CSV file (see the README for the columns).
    Import {
        /// The CSV file (UTF-8, header row).
        file: PathBuf,
        /// Import into this tenant: fills empty tenant_slug cells and refuses other slugs.
        #[arg(long, value_name = "SLUG")]
        tenant: Option<String>,
        /// Create tenants that do not exist yet, named by the company_name column.
        #[arg(long)]
        create_tenants: bool,
    },
}

#[derive(Debug, Args)]
pub struct SyncCatalogArgs {
    /// Only this tenant.
    #[arg(long, value_name = "SLUG")]
    pub tenant: Option<String>,
    /// Report the drift without repairing it.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Number of tenants (companies).
    #[arg(long, default_value_t = 10)]
    pub tenants: usize,
    /// Postings per tenant.
    #[arg(long, default_value_t = 20)]
    pub jobs_per_tenant: usize,
    /// Random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the data as an import CSV to this file instead of into the database.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Listen address (default: CAREERS_ADDR or 127.0.0.1:3000).
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<SocketAddr>,
    /// Seed demo tenants, jobs and HR users when the database has no tenants; print the logins.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant with its schema and career page; prints its id.
    Create {
        slug: String,
        #[arg(long)]
        name: String,
        /// A host name that serves this tenant's career page (repeatable).
        #[arg(long = "domain", value_name = "HOST")]
        domains: Vec<String>,
    },
    /// List tenants: slug, name, status, open jobs.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Suspend a tenant: its jobs leave the public catalog at once.
    Suspend { slug: String },
    /// Reactivate a suspended tenant: its publishable jobs return to the catalog.
    Activate { slug: String },
    /// Delete a tenant, its schema and every public row of it.
    Delete {
        slug: String,
        /// Confirm the deletion (it cannot be undone).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an HR user of a tenant; the password is read from standard input.
    Create { slug: String, email: String },
    /// Set a new password for an HR user (read from standard input) and lift any lockout.
    ResetPassword { slug: String, email: String },
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate => with_db(None, |db| Box::pin(migrate_cmd(db))).await,
        Command::Tenant(cmd) => with_db(None, |db| Box::pin(tenant_cmd(db, cmd))).await,
        Command::User(cmd) => with_db(None, |db| Box::pin(user_cmd(db, cmd))).await,
        Command::Jobs(cmd) => with_db(None, |db| Box::pin(jobs_cmd(db, cmd))).await,
        Command::SyncCatalog(args) => with_db(None, |db| Box::pin(sync_catalog(db, args))).await,
        Command::SearchIndex(cmd) => {
            let data_dir = Settings::from_env(None)?.data_dir;
            with_db(None, move |db| {
                Box::pin(search_index_cmd(db, data_dir, cmd))
            })
            .await
        }
        Command::Fx(cmd) => with_db(None, |db| Box::pin(fx_cmd(db, cmd))).await,
        Command::Seed(args) => match &args.csv {
            // Writing a CSV needs no database.
            Some(path) => seed_csv(&args, path),
            None => with_db(None, |db| Box::pin(seed_cmd(db, args))).await,
        },
    }
}

type CmdFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + 'a>>;

/// Connects (starting the embedded database if needed), migrates, runs `f`, then closes —
/// stopping the embedded database only if this process started it.
async fn with_db(
    addr: Option<SocketAddr>,
    f: impl for<'a> FnOnce(&'a Database) -> CmdFuture<'a>,
) -> anyhow::Result<()> {
    let settings = Settings::from_env(addr)?;
    let db = Database::connect(&settings).await?;
    let result = async {
        migrate::run_shared(&db.pool).await?;
        f(&db).await
    }
    .await;
    db.close().await?;
    result
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let settings = Settings::from_env(args.addr)?;
    let db = Database::connect(&settings).await?;
    let result = async {
        migrate_all(&db, false).await?;
        if args.demo {
            crate::demo::seed_if_empty(&db.pool, &settings).await?;
        }
        let dir = crate::catalog::index::directory(&settings.data_dir);
        let (index, checkpoint) = crate::catalog::index::SearchIndex::open(&dir)
            .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
        let search =
            crate::catalog::search::Search::new(index, checkpoint, &settings.default_currency);
        crate::tenancy::limit_tenant_share(
            settings.limits.tenant_connections,
            settings.limits.db_acquire,
        );
        crate::web::public::form_guard::load_shared_secret(&db.pool, &settings.data_dir)
            .await
            .context("cannot load the apply form's shared secret")?;
        let requests = db.request_pool(&settings).await?;
        let state = AppState::with_search(requests.clone(), db.pool.clone(), settings, search);
        let loops = scheduler::Scheduler::new(state.clone()).start()?;
        let search = state.start_search();
        let mail = tokio::spawn(crate::mail::run_sender(
            state.background.clone(),
            state.settings.clone(),
        ));
        // The scheduler, the indexer and the mail sender stop as soon as the shutdown starts, not
        // after the drain.
        let served = server::serve(state, move || {
            search.abort();
            mail.abort();
            for l in loops {
                l.abort();
            }
        })
        .await;
        requests.close().await;
        served
    }
    .await;
    db.close().await?;
    result
}

async fn migrate_all(db: &Database, verbose: bool) -> anyhow::Result<()> {
    let shared = migrate::run_shared(&db.pool).await?;
    let tenants = migrate::run_tenants(&db.pool, |m| {
        if verbose {
            println!(
                "tenant {}: migrated from version {} to {}",
                m.slug, m.from, m.to
            );
        }
    })
    .await?;
    if verbose {
        if shared == 0 && tenants.is_empty() {
            println!(
                "Everything is up to date (schema version {}).",
                migrate::latest_tenant_version()
            );
        } else {
            println!(
                "Applied {shared} shared migration(s); migrated {} tenant schema(s).",
                tenants.len()
            );
        }
    } else {
        tracing::info!(shared, tenants = tenants.len(), "migrations applied");
    }
    Ok(())
}

async fn migrate_cmd(db: &Database) -> anyhow::Result<()> {
    migrate_all(db, true).await
}

async fn tenant_cmd(db: &Database, cmd: TenantCommand) -> anyhow::Result<()> {
    let pool = &db.pool;
    match cmd {
        TenantCommand::Create {
            slug,
            name,
            domains,
        } => {
            let t = tenancy::create(pool, &slug, &name, &domains).await?;
            println!("{}", t.id);
        }
        TenantCommand::List { json } => {
            let tenants = crate::tenants::list(pool).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&tenants)?);
            } else if tenants.is_empty() {
                println!(
                    "No tenants yet. Create one with `careers tenant create SLUG --name NAME`."
                );
            } else {
                let w = tenants
                    .iter()
                    .map(|t| t.slug.len())
                    .max()
                    .unwrap_or(4)
                    .max(4);
                let n = tenants
                    .iter()
                    .map(|t| t.name.chars().count())
                    .max()
                    .unwrap_or(4)
                    .max(4);
                println!(
                    "{:<w$}  {:<n$}  {:<9}  {:>9}  DOMAINS",
                    "SLUG", "NAME", "STATUS", "OPEN JOBS"
                );
                for t in tenants {
                    println!(
                        "{:<w$}  {:<n$}  {:<9}  {:>9}  {}",
                        t.slug,
                        t.name,
                        t.status,
                        t.open_jobs,
                        t.domains.join(", ")
                    );
                }
            }
        }
        TenantCommand::Suspend { slug } => {
            let changed = crate::tenants::set_status(pool, &slug, false).await?;
            println!(
                "{}",
                if changed {
                    format!("Suspended {slug}; its jobs left the public catalog.")
                } else {
                    format!("{slug} was already suspended.")
                }
            );
        }
        TenantCommand::Activate { slug } => {
            let changed = crate::tenants::set_status(pool, &slug, true).await?;
            println!(
                "{}",
                if changed {
                    format!("Activated {slug}; its open jobs are public again.")
                } else {
                    format!("{slug} was already active.")
                }
            );
        }
        TenantCommand::Delete { slug, yes } => {
            if !yes {
                bail!(
                    "deleting tenant `{slug}` drops its schema and all its data; add --yes to confirm"
                );
            }
            crate::tenants::delete(pool, &slug).await?;
            println!("Deleted tenant {slug}.");
        }
    }
    Ok(())
}

async fn user_cmd(db: &Database, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create { slug, email } => {
            tenancy::require(&db.pool, &slug).await?;
            let password = read_password()?;
            let user = auth::create_user(&db.pool, &slug, &email, &password).await?;
            println!("Created HR user {} for {slug}.", user.email);
        }
        UserCommand::ResetPassword { slug, email } => {
            tenancy::require(&db.pool, &slug).await?;
            let password = read_password()?;
            auth::reset_password(&db.pool, &slug, &email, &password).await?;
            println!("Password updated for {email}.");
        }
    }
    Ok(())
}

/// Reads a password from standard input (first line). On a terminal it prompts without echo
/// (rpassword turns echo off and restores it, also when the read is interrupted).
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let password = if stdin.is_terminal() {
        rpassword::prompt_password(format!(
            "Password (at least {} characters): ",
            auth::MIN_PASSWORD_LEN
        ))
        .context("cannot read the password from the terminal")?
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if password.is_empty() {
        bail!(
            "no password given: pipe it on standard input, e.g. `echo 'a long secret' | careers user create acme hr@acme.com`"
        );
    }
    Ok(password)
}

async fn search_index_cmd(
    db: &Database,
    data_dir: PathBuf,
    cmd: SearchIndexCommand,
) -> anyhow::Result<()> {
    use crate::catalog::{index, indexer};
    let dir = index::directory(&data_dir);
    let mut out = std::io::stdout().lock();
    match cmd {
        SearchIndexCommand::Rebuild => {
            let (idx, _) = index::SearchIndex::open(&dir)?;
            let started = std::time::Instant::now();
            let (checkpoint, docs) = idx.rebuild(&db.pool).await?;
            writeln!(
                out,
                "rebuilt {}: {docs} documents, current to change {}, in {:.1}s",
                dir.display(),
                checkpoint.seq,
                started.elapsed().as_secs_f64()
            )?;
        }
        SearchIndexCommand::Status => match index::SearchIndex::inspect(&dir)? {
            None => writeln!(
                out,
                "{}: no usable index (missing, unreadable or of another version); \
                 `careers search-index rebuild` builds it",
                dir.display()
            )?,
            Some((docs, c)) => {
                let (pending, age) = indexer::lag(&db.pool, &c).await?;
                writeln!(out, "index:        {}", dir.display())?;
                writeln!(out, "documents:    {docs}")?;
                writeln!(out, "last change:  {}", c.seq)?;
                writeln!(out, "open gaps:    {}", c.gaps.len())?;
                writeln!(
                    out,
                    "pending:      {pending} change(s), oldest {age:.1}s old"
                )?;
            }
        },
    }
    Ok(())
}

async fn fx_cmd(db: &Database, cmd: FxCommand) -> anyhow::Result<()> {
    use crate::catalog::salary;
    let mut out = std::io::stdout().lock();
    match cmd {
        FxCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let sheet = salary::parse_ecb_csv(&text)
                .with_context(|| format!("{} is not an ECB reference-rates CSV", file.display()))?;
            let changed = salary::import(&db.pool, &sheet).await?;
            writeln!(
                out,
                "{} rates of {} read, {changed} stored (servers use them within a minute)",
                sheet.rates.len(),
                sheet.date
            )?;
        }
        FxCommand::List => {
            let rates = salary::list(&db.pool).await?;
            if rates.is_empty() {
                writeln!(
                    out,
                    "no rates: salary filters compare only salaries in the requested currency; \
                     `careers fx import eurofxref.csv` adds the ECB's"
                )?;
            }
            for (currency, per_eur, date) in rates {
                writeln!(out, "{currency}  {per_eur:>14}  per EUR  ({date})")?;
            }
        }
    }
    Ok(())
}

async fn sync_catalog(db: &Database, args: SyncCatalogArgs) -> anyhow::Result<()> {
    let opts = reconcile::Options {
        tenant: args.tenant,
        dry_run: args.dry_run,
        trigger: "cli".into(),
        concurrency: reconcile::DEFAULT_CONCURRENCY,
    };
    let report = reconcile::run(&db.pool, &opts).await?;
    let w = report
        .tenants
        .iter()
        .map(|t| t.slug.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(
        out,
        "{:<w$}  {:>9}  {:>9}  {:>9}  {:>9}",
        "TENANT", "INSERTED", "UPDATED", "DELETED", "UNCHANGED"
    )?;
    for t in &report.tenants {
        match &t.outcome {
            Ok(d) => writeln!(
                out,
                "{:<w$}  {:>9}  {:>9}  {:>9}  {:>9}",
                t.slug, d.inserted, d.updated, d.deleted, d.unchanged
            )?,
            Err(e) => writeln!(out, "{:<w$}  FAILED: {e}", t.slug)?,
        }
    }
    let d = report.totals;
    writeln!(
        out,
        "{:<w$}  {:>9}  {:>9}  {:>9}  {:>9}",
        "TOTAL", d.inserted, d.updated, d.deleted, d.unchanged
    )?;
    let verb = if report.dry_run {
        "found (dry run, nothing changed)"
    } else {
        "repaired"
    };
    writeln!(
        out,
        "{} tenant(s), drift {verb}: {} row(s), in {:.1}s (run {}).",
        report.tenants.len(),
        d.total(),
        report.duration.as_secs_f64(),
        report.run_id
    )?;
    out.flush()?;
    if !report.failures.is_empty() {
        bail!(
            "{} tenant(s) could not be reconciled: {}",
            report.failures.len(),
            report
                .failures
                .iter()
                .map(|f| f.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

async fn jobs_cmd(db: &Database, cmd: JobsCommand) -> anyhow::Result<()> {
    match cmd {
        JobsCommand::Import {
            file,
            tenant,
            create_tenants,
        } => {
            if let Some(slug) = &tenant
                && !create_tenants
            {
                tenancy::require(&db.pool, slug).await?;
            }
            let opts = import::Options {
                tenant,
                create_tenants,
            };
            let report = import::import_file(&db.pool, &file, &opts).await?;
            for e in &report.errors {
                eprintln!("{}: {e}", file.display());
            }
            for r in &report.rejected {
                eprintln!("tenant {}: rejected: {}", r.slug, r.reason);
            }
            let t = report.totals();
            let created = report.tenants.iter().filter(|d| d.created).count();
            println!(
                "Imported {} posting(s) ({} new, {} updated) for {} tenant(s) ({created} created) \
                 from {} row(s) in {:.1}s; catalog: {} published, {} removed.",
                t.inserted + t.updated,
                t.inserted,
                t.updated,
                report.tenants.len(),
                report.rows,
                report.duration.as_secs_f64(),
                t.catalog_upserted,
                t.catalog_deleted,
            );
            if report.has_errors() {
                bail!(
                    "{} bad row(s); {} tenant(s) rejected whole (see above)",
                    report.errors.len(),
                    report.rejected.len()
                );
            }
        }
    }
    Ok(())
}

async fn seed_cmd(db: &Database, args: SeedArgs) -> anyhow::Result<()> {
    let spec = seed::Spec::new(args.tenants, args.jobs_per_tenant, args.seed);
    let r = seed::run(&db.pool, &spec).await?;
    println!(
        "Seeded {} tenant(s) ({} created) with {} posting(s) ({} new, {} updated) in {:.1}s; \
         catalog: {} published.",
        r.tenants,
        r.tenants_created,
        r.counts.inserted + r.counts.updated,
        r.counts.inserted,
        r.counts.updated,
        r.duration.as_secs_f64(),
        r.counts.catalog_upserted
    );
    Ok(())
}

fn seed_csv(args: &SeedArgs, path: &std::path::Path) -> anyhow::Result<()> {
    let spec = seed::Spec::new(args.tenants, args.jobs_per_tenant, args.seed);
    let rows = seed::write_csv(&spec, path)?;
    println!(
        "Wrote {rows} row(s) for {} tenant(s) to {}; import with `careers jobs import {} --create-tenants`.",
        args.tenants,
        path.display(),
        path.display()
    );
    Ok(())
}
