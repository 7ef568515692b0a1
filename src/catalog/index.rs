//! The search index (#12): a tantivy index of the visible-or-soon-visible catalog, derived from
//! `public.job_catalog` and rebuildable from it at any time. The catalog stays the single source
//! of truth: the index may be stale, never authoritative (a result page re-reads its rows from the
//! catalog with the visibility rule applied in SQL).
//!
//! The index lives in `<data dir>/search/v<SCHEMA_VERSION>/`; each commit records, as tantivy's
//! commit payload, how far it has followed the catalog's change sequence ([`Checkpoint`]). An
//! index that is missing, unreadable, or from another schema version is rebuilt.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use uuid::Uuid;

use super::analysis;

/// Bumped whenever the schema or the analysis changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 2;
/// Memory the writer buffers before it flushes a segment.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;
/// Catalog rows read per statement while rebuilding.
const REBUILD_BATCH: i64 = 5_000;

/// The index's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub job_id: Field,
    /// The job id's two halves as fast fields: the tie-break of every ordering.
    pub id_hi: Field,
    pub id_lo: Field,
    pub title: Field,
    pub title_exact: Field,
    pub company: Field,
    pub company_slug: Field,
    pub category: Field,
    pub category_key: Field,
    pub location: Field,
    /// The location as written (the `location` filter and facet).
    pub location_key: Field,
    pub description: Field,
    pub remote_policy: Field,
    pub job_type: Field,
    /// Unix seconds.
    pub published_at: Field,
    /// Unix seconds; `i64::MAX` for a job that never expires.
    pub expires_at: Field,
    /// The shown salary range, per year, in its own currency (absent when not shown).
    pub salary_low: Field,
    pub salary_high: Field,
    pub salary_currency: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyzer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let stemmed = text(analysis::STEMMED);
    let fields = Fields {
        job_id: b.add_text_field("job_id", STRING | STORED | FAST),
        id_hi: b.add_u64_field("id_hi", FAST),
        id_lo: b.add_u64_field("id_lo", FAST),
        title: b.add_text_field("title", stemmed.clone()),
        title_exact: b.add_text_field("title_exact", text(analysis::EXACT)),
        company: b.add_text_field("company", stemmed.clone()),
        company_slug: b.add_text_field("company_slug", STRING | FAST),
        category: b.add_text_field("category", stemmed.clone()),
        category_key: b.add_text_field("category_key", STRING | FAST),
        location: b.add_text_field("location", stemmed.clone()),
        location_key: b.add_text_field("location_key", STRING | FAST),
        description: b.add_text_field("description", stemmed),
        remote_policy: b.add_text_field("remote_policy", STRING | FAST),
        job_type: b.add_text_field("job_type", STRING | FAST),
        published_at: b.add_i64_field("published_at", INDEXED | FAST),
        expires_at: b.add_i64_field("expires_at", INDEXED | FAST),
        salary_low: b.add_f64_field("salary_low", FAST),
        salary_high: b.add_f64_field("salary_high", FAST),
        salary_currency: b.add_text_field("salary_currency", STRING | FAST),
    };
    (b.build(), fields)
}

/// How far an index has followed the catalog's change sequence: every change up to `seq` is
/// applied except the `gaps` (numbers handed out to transactions that had not committed when they
/// were read; see [`super::indexer`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub version: u32,
    pub seq: i64,
    #[serde(default)]
    pub gaps: Vec<Gap>,
    /// The database followed (`public.database_identity`): an index found beside another
    /// database is rebuilt.
    #[serde(default)]
    pub origin: String,
}

/// The identity of the database `pool` reaches.
pub async fn origin(pool: &PgPool) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT id::text FROM public.database_identity")
        .fetch_one(pool)
        .await
}

/// Change numbers `from..=to` not yet seen, pending until every transaction that was running when
/// they were noticed has ended: until the database's oldest running transaction id reaches
/// `xmax`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub from: i64,
    pub to: i64,
    pub xmax: i64,
}

/// One catalog row as the index reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CatalogDoc {
    pub job_id: Uuid,
    pub title: String,
    pub company_name: String,
    pub company_slug: String,
    pub category: String,
    pub location: String,
    pub description_text: String,
    pub remote_policy: String,
    pub job_type: String,
    pub published_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub salary_min: Option<rust_decimal::Decimal>,
    pub salary_max: Option<rust_decimal::Decimal>,
    pub salary_currency: Option<String>,
    pub salary_period: Option<String>,
}

const DOC_COLUMNS: &str = "job_id, title, company_name, company_slug, category, location, \
    description_text, remote_policy, job_type, published_at, expires_at, salary_min, salary_max, \
    salary_currency, salary_period::text AS salary_period";

/// A search index and its one writer.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    pub fields: Fields,
}

/// The checkpoint of an index's last commit, when it is one of this schema version.
fn checkpoint_of(index: &Index) -> Option<Checkpoint> {
    index
        .load_metas()
        .ok()
        .and_then(|m| m.payload)
        .and_then(|p| serde_json::from_str::<Checkpoint>(&p).ok())
        .filter(|c| c.version == SCHEMA_VERSION)
}

fn register_analyzers(index: &Index) {
    for (name, analyzer) in analysis::analyzers() {
        index.tokenizers().register(name, analyzer);
    }
}

/// Where the index of this schema version lives under `data_dir`.
pub fn directory(data_dir: &Path) -> PathBuf {
    data_dir.join("search").join(format!("v{SCHEMA_VERSION}"))
}

impl SearchIndex {
    /// Opens the index in `dir` with its checkpoint, or creates an empty one there (checkpoint
    /// `None`: it must be rebuilt) when it is missing, unreadable or has no usable checkpoint.
    pub fn open(dir: &Path) -> anyhow::Result<(Self, Option<Checkpoint>)> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let (schema, fields) = schema();
        let opened = Index::open_in_dir(dir)
            .ok()
            .filter(|i| i.schema() == schema);
        let (index, checkpoint) = match opened {
            Some(index) => {
                let checkpoint = checkpoint_of(&index);
                (index, checkpoint)
            }
            None => {
                // Whatever is there is not this index: start over.
                std::fs::remove_dir_all(dir)
                    .with_context(|| format!("clearing {}", dir.display()))?;
                std::fs::create_dir_all(dir)?;
                (Index::create_in_dir(dir, schema)?, None)
            }
        };
        Ok((Self::new(index, fields)?, checkpoint))
    }

    /// The documents and checkpoint of the index in `dir`, read without taking its writer (a
    /// running `serve` holds it); `None` when there is no usable index there.
    pub fn inspect(dir: &Path) -> anyhow::Result<Option<(u64, Checkpoint)>> {
        let (schema, _) = schema();
        let Some(index) = Index::open_in_dir(dir)
            .ok()
            .filter(|i| i.schema() == schema)
        else {
            return Ok(None);
        };
        register_analyzers(&index);
        let Some(checkpoint) = checkpoint_of(&index) else {
            return Ok(None);
        };
        let docs = index.reader()?.searcher().num_docs();
        Ok(Some((docs, checkpoint)))
    }

    /// An index in memory (tests, tools).
    pub fn in_memory() -> anyhow::Result<Self> {
        let (schema, fields) = schema();
        Self::new(Index::create_in_ram(schema), fields)
    }

    fn new(index: Index, fields: Fields) -> anyhow::Result<Self> {
        register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer(WRITER_MEMORY).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => anyhow::anyhow!(
                "the search index is in use by another process (a running `careers serve`?); \
                 stop it first, or let it rebuild: delete the index directory and restart it"
            ),
            e => e.into(),
        })?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    /// The underlying index (queries, schema).
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The reader of the last commit.
    pub fn reader(&self) -> &IndexReader {
        &self.reader
    }

    /// Documents in the last commit.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the last commit holds `job_id`.
    pub fn contains(&self, job_id: Uuid) -> anyhow::Result<bool> {
        let term = Term::from_field_text(self.fields.job_id, &job_id.to_string());
        let q = TermQuery::new(term, IndexRecordOption::Basic);
        Ok(self.reader.searcher().search(&q, &Count)? > 0)
    }

    fn writer(&self) -> anyhow::Result<std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>>> {
        self.writer
            .lock()
            .map_err(|_| anyhow::anyhow!("the index writer panicked"))
    }

    fn document(&self, d: &CatalogDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.job_id, d.job_id.to_string());
        let id = d.job_id.as_u128();
        doc.add_u64(f.id_hi, (id >> 64) as u64);
        doc.add_u64(f.id_lo, id as u64);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.title_exact, &d.title);
        doc.add_text(f.company, &d.company_name);
        doc.add_text(f.company_slug, &d.company_slug);
        doc.add_text(f.category, &d.category);
        doc.add_text(f.category_key, &d.category);
        doc.add_text(f.location, &d.location);
        doc.add_text(f.location_key, &d.location);
        doc.add_text(f.description, &d.description_text);
        doc.add_text(f.remote_policy, &d.remote_policy);
        doc.add_text(f.job_type, &d.job_type);
        doc.add_i64(f.published_at, d.published_at.timestamp());
        doc.add_i64(
            f.expires_at,
            d.expires_at.map_or(i64::MAX, |t| t.timestamp()),
        );
        if let (Some(currency), Some(period)) = (&d.salary_currency, &d.salary_period) {
            let per_year = super::salary::per_year(period);
            let low = d.salary_min.or(d.salary_max);
            let high = d.salary_max.or(d.salary_min);
            if let (Some(per_year), Some(low), Some(high)) = (per_year, low, high) {
                use rust_decimal::prelude::ToPrimitive;
                doc.add_f64(f.salary_low, low.to_f64().unwrap_or(0.0) * per_year);
                doc.add_f64(f.salary_high, high.to_f64().unwrap_or(0.0) * per_year);
                doc.add_text(f.salary_currency, currency.to_uppercase());
            }
        }
        doc
    }

    /// Makes the index hold exactly the catalog's current rows for `job_ids` (a job no longer in
    /// the catalog is removed). Not visible to searches before [`SearchIndex::commit`].
    pub async fn apply(&self, pool: &PgPool, job_ids: &[Uuid]) -> anyhow::Result<usize> {
        let rows: Vec<CatalogDoc> = sqlx::query_as(&format!(
            "SELECT {DOC_COLUMNS} FROM public.job_catalog WHERE job_id = ANY($1)"
        ))
        .bind(job_ids)
        .fetch_all(pool)
        .await
        .context("reading changed catalog rows")?;
        let writer = self.writer()?;
        for id in job_ids {
            writer.delete_term(Term::from_field_text(self.fields.job_id, &id.to_string()));
        }
        for row in &rows {
            writer.add_document(self.document(row))?;
        }
        Ok(rows.len())
    }

    /// Commits what was applied, recording `checkpoint`, and shows it to searches.
    pub fn commit(&self, checkpoint: &Checkpoint) -> anyhow::Result<()> {
        let payload = serde_json::to_string(&Checkpoint {
            version: SCHEMA_VERSION,
            ..checkpoint.clone()
        })?;
        {
            let mut writer = self.writer()?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Replaces the whole index with the catalog's rows; returns the checkpoint it committed (the
    /// change sequence as it stood before the scan: changes made during the scan are applied
    /// again afterwards, which is harmless).
    pub async fn rebuild(&self, pool: &PgPool) -> anyhow::Result<(Checkpoint, u64)> {
        let seq: i64 =
            sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM public.catalog_changes")
                .fetch_one(pool)
                .await
                .context("reading the change sequence")?;
        let origin = origin(pool)
            .await
            .context("reading the database identity")?;
        self.writer()?.delete_all_documents()?;
        let mut after = Uuid::nil();
        let mut total = 0_u64;
        loop {
            let rows: Vec<CatalogDoc> = sqlx::query_as(&format!(
                "SELECT {DOC_COLUMNS} FROM public.job_catalog WHERE job_id > $1
                  ORDER BY job_id LIMIT $2"
            ))
            .bind(after)
            .bind(REBUILD_BATCH)
            .fetch_all(pool)
            .await
            .context("reading the catalog")?;
            let Some(last) = rows.last() else { break };
            after = last.job_id;
            let writer = self.writer()?;
            for row in &rows {
                writer.add_document(self.document(row))?;
            }
            total += rows.len() as u64;
        }
        let checkpoint = Checkpoint {
            version: SCHEMA_VERSION,
            seq,
            gaps: Vec::new(),
            origin,
        };
        self.commit(&checkpoint)?;
        Ok((checkpoint, total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str) -> CatalogDoc {
        CatalogDoc {
            job_id: Uuid::now_v7(),
            title: title.into(),
            company_name: "Acme".into(),
            company_slug: "acme".into(),
            category: "Engineering".into(),
            location: "Berlin".into(),
            description_text: "Work with us.".into(),
            remote_policy: "remote".into(),
            job_type: "full_time".into(),
            published_at: Utc::now(),
            expires_at: None,
            salary_min: None,
            salary_max: None,
            salary_currency: None,
            salary_period: None,
        }
    }

    #[test]
    fn a_reopened_index_keeps_its_documents_and_checkpoint() {
        let dir = std::env::temp_dir().join(format!("careers-index-{}", Uuid::now_v7()));
        let d = doc("C++ Engineer");
        {
            let (index, checkpoint) = SearchIndex::open(&dir).unwrap();
            assert_eq!(checkpoint, None, "a new index must be built");
            index
                .writer()
                .unwrap()
                .add_document(index.document(&d))
                .unwrap();
            let c = Checkpoint {
                version: SCHEMA_VERSION,
                seq: 42,
                gaps: vec![Gap {
                    from: 40,
                    to: 41,
                    xmax: 900,
                }],
                origin: "test".into(),
            };
            index.commit(&c).unwrap();
            assert!(index.contains(d.job_id).unwrap());
        }
        let (index, checkpoint) = SearchIndex::open(&dir).unwrap();
        assert_eq!(index.num_docs(), 1);
        assert!(index.contains(d.job_id).unwrap());
        let c = checkpoint.unwrap();
        assert_eq!((c.seq, c.gaps.len()), (42, 1));
        drop(index);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_directory_holding_something_else_becomes_a_new_index() {
        let dir = std::env::temp_dir().join(format!("careers-index-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("meta.json"), b"{ not an index").unwrap();
        let (index, checkpoint) = SearchIndex::open(&dir).unwrap();
        assert_eq!(checkpoint, None);
        assert_eq!(index.num_docs(), 0);
        drop(index);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
