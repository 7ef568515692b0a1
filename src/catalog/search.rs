//! The one search function behind the job list, the API, facets, the feeds and the embed (#12).
//!
//! A page takes its ids and counts from this process's search index ([`super::index`], kept
//! current by [`super::indexer`]), then reads its rows from the catalog with the visibility rule
//! applied in SQL: the index may be stale, never wrong. A job the catalog no longer shows is
//! dropped from the page, never rendered. Publication and expiry are also applied in the index
//! query (fast fields compared with the request's time), so counts need no sweep.
//!
//! Read-your-writes: with a page's rows, a request reads the catalog's last change number; when
//! the index it searched had not applied that change yet, it waits (at most [`FRESH_WAIT`]) for
//! the indexer to get there and answers again. A job saved before a request started is therefore
//! in its results, and a request costs one statement when nothing is pending.
//!
//! Ordering is total: every ordering ends with the job id. `page` is an offset into that order;
//! a `cursor` (the API's `next` links) is a keyset position in it, so walking `next` visits every
//! job that stays public exactly once, even while others are published or closed (for
//! `relevance`, as long as the scores stay put: a score depends on corpus statistics, which
//! publishing moves by a hair).

use std::collections::{BinaryHeap, HashMap};
use std::ops::Bound;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::Utc;
use sqlx::PgPool;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, Query, RangeQuery, TermSetQuery,
};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term};
use tokio::sync::watch;
use uuid::Uuid;

use super::facets::Dim;
use super::index::{Checkpoint, Fields, SearchIndex};
use super::matching;
use super::query::{JobPage, JobQuery, JobSummary, Ordering, SUMMARY_COLUMNS, SummaryRow, VISIBLE};
use super::salary::Rates;
use super::salary::{SalaryColumns, salary_at_least};
use super::search_cache::{Answer, SearchCache};
use super::search_query;

/// How long a request waits for this process's index to apply changes committed before it.
pub const FRESH_WAIT: Duration = Duration::from_secs(1);
/// How long a request waits for the first build of the index before answering 503.
pub const BUILD_WAIT: Duration = Duration::from_secs(5);
/// How long the rate table is reused before it is read again.
const RATES_TTL: Duration = Duration::from_secs(60);
/// Half-life, in days, of the recency boost of `relevance`.
const RECENCY_DAYS: f64 = 30.0;
/// The most the recency boost adds to a score (as a fraction of it): a strong match stays above
/// a weak one.
const RECENCY_WEIGHT: f64 = 0.2;

/// Why a search has no answer.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index is still being built for the first time.
    #[error("the search index is being built")]
    Building,
    /// `page` lies past the last page of the matches.
    #[error("page {page} is past the last page ({last})")]
    PastTheEnd { page: u32, last: u32 },
    /// `page` × `page_size` lies past the results page numbers reach (a cursor goes further).
    #[error("page numbers reach the first {window} results")]
    BeyondWindow { window: i64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Index(#[from] anyhow::Error),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.into())
    }
}

impl From<SearchError> for crate::error::AppError {
    fn from(e: SearchError) -> Self {
        use crate::error::AppError;
        match e {
            SearchError::Building => AppError::Unavailable {
                detail: "Search is starting up; try again in a few seconds.".into(),
                retry_after_secs: 5,
            },
            SearchError::PastTheEnd { page, last } => AppError::NotFoundBecause(format!(
                "Page {page} is past the last page ({last}) of these results."
            )),
            SearchError::BeyondWindow { window } => AppError::NotFoundBecause(format!(
                "Page numbers reach the first {window} results (`page` × `page_size`); narrow \
                 the search, or follow the `next` links, whose cursor goes anywhere."
            )),
            SearchError::Database(e) => e.into(),
            SearchError::Index(e) => AppError::Internal(e),
        }
    }
}

/// This process's search: its index, how far the index has followed the catalog, and the rate
/// table salary filters convert with.
pub struct Search {
    index: Arc<SearchIndex>,
    progress: watch::Sender<Option<Checkpoint>>,
    rates: RwLock<Option<(Instant, Arc<Rates>)>>,
    default_currency: String,
    pub(super) cache: SearchCache,
    /// The checkpoint the index was opened with; searches wait until the indexer has caught up
    /// from it (or built the index).
    initial: Option<Checkpoint>,
}

impl Search {
    /// A search over `index`, which has followed the catalog to `checkpoint` (`None`: it must be
    /// built first; searches wait for it).
    pub fn new(index: SearchIndex, checkpoint: Option<Checkpoint>, default_currency: &str) -> Self {
        Search {
            index: Arc::new(index),
            progress: watch::channel(None).0,
            initial: checkpoint,
            rates: RwLock::new(None),
            default_currency: default_currency.to_string(),
            cache: SearchCache::default(),
        }
    }

    /// A search over an index in memory, built by the indexer when it starts.
    pub fn in_memory(default_currency: &str) -> anyhow::Result<Self> {
        Ok(Self::new(SearchIndex::in_memory()?, None, default_currency))
    }

    /// The checkpoint the index was opened with (`None`: it must be built).
    pub fn initial(&self) -> Option<Checkpoint> {
        self.initial.clone()
    }

    /// The index.
    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// How far the index has followed the catalog; the indexer sends here.
    pub fn progress(&self) -> &watch::Sender<Option<Checkpoint>> {
        &self.progress
    }

    /// Whether the index has been built (searches can be answered).
    pub fn is_built(&self) -> bool {
        self.progress.borrow().is_some()
    }

    /// The currency salary filters use when a request names none.
    pub fn default_currency(&self) -> &str {
        &self.default_currency
    }

    /// Waits until the index exists (at most [`BUILD_WAIT`]); returns the last change it had
    /// applied then (the searcher taken afterwards holds at least that much).
    async fn built(&self) -> Result<i64, SearchError> {
        let mut rx = self.progress.subscribe();
        match tokio::time::timeout(BUILD_WAIT, rx.wait_for(Option::is_some)).await {
            Ok(Ok(c)) => Ok(c.as_ref().map_or(0, |c| c.seq)),
            _ => Err(SearchError::Building),
        }
    }

    /// Read-your-writes: `true` when an answer computed from an index at `seen` already holds
    /// every change up to `last` (the catalog's last change, read with the answer's rows); else
    /// waits (at most [`FRESH_WAIT`]) until the index has applied `last` and says `false`: the
    /// caller computes its answer once more (and keeps that one, however far the index got).
    pub(super) async fn fresh(&self, seen: i64, last: i64) -> bool {
        if last <= seen {
            return true;
        }
        let mut rx = self.progress.subscribe();
        let _ = tokio::time::timeout(
            FRESH_WAIT,
            rx.wait_for(|c| c.as_ref().is_some_and(|c| c.seq >= last)),
        )
        .await;
        false
    }

    async fn rates(&self, pool: &PgPool) -> Result<Arc<Rates>, SearchError> {
        if let Ok(r) = self.rates.read()
            && let Some((at, rates)) = r.as_ref()
            && at.elapsed() < RATES_TTL
        {
            return Ok(rates.clone());
        }
        let rates = Arc::new(Rates::load(pool).await?);
        if let Ok(mut w) = self.rates.write() {
            *w = Some((Instant::now(), rates.clone()));
        }
        Ok(rates)
    }

    /// Forgets the cached rate table (after `careers fx import` in this process, and in tests).
    pub fn forget_rates(&self) {
        if let Ok(mut w) = self.rates.write() {
            *w = None;
        }
    }
}

/// Everything one request's index queries need.
pub(super) struct Plan<'a> {
    /// The last change the index had applied when the plan was made.
    pub(super) seen: i64,
    pub(super) fields: Fields,
    pub(super) q: &'a JobQuery,
    pub(super) now: i64,
    pub(super) rates: Arc<Rates>,
    pub(super) currency: String,
    pub(super) text: Option<Box<dyn Query>>,
    pub(super) excluded: Vec<Box<dyn Query>>,
    /// The index as this request sees it (every query of the plan runs on it).
    pub(super) searcher: tantivy::Searcher,
    /// The index's locations the `location` filter names, found when a query first needs them
    /// (an answer from the cache does not).
    locations: std::sync::OnceLock<Vec<String>>,
}

impl Plan<'_> {
    /// The cache key of this plan's `what` (`None`: not cacheable: the answer depends on the time
    /// beyond publication and expiry). `page`: include the page's position.
    pub(super) fn cache_key(&self, what: &str, page: Option<&JobQuery>) -> Option<String> {
        if self.q.posted_within_days.is_some() {
            return None;
        }
        let position = page.map_or(String::new(), |p| {
            format!(
                "|{}|{}|{}",
                p.page,
                p.page_size,
                p.cursor.as_deref().unwrap_or("")
            )
        });
        Some(format!(
            "{what}|{}|{}|{}{position}",
            self.q.to_query_string(None),
            self.currency,
            self.rates.load,
        ))
    }

    /// The query of `q` without the filter of `skip`.
    pub(super) fn query(&self, skip: Option<Dim>) -> tantivy::Result<Box<dyn Query>> {
        let f = &self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let filter = |q: Box<dyn Query>| -> (Occur, Box<dyn Query>) {
            (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
        };
        let published_from = match self.q.posted_within_days {
            Some(days) => Bound::Included(Term::from_field_i64(
                f.published_at,
                self.now - i64::from(days) * 86_400,
            )),
            None => Bound::Unbounded,
        };
        must.push(filter(Box::new(RangeQuery::new(
            published_from,
            Bound::Included(Term::from_field_i64(f.published_at, self.now)),
        ))));
        must.push(filter(Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_i64(f.expires_at, self.now)),
            Bound::Unbounded,
        ))));
        if let Some(text) = &self.text {
            must.push((Occur::Must, text.box_clone()));
        }
        for x in &self.excluded {
            must.push((Occur::MustNot, x.box_clone()));
        }
        let q = self.q;
        let mut set = |dim: Dim, values: Vec<String>| {
            if skip != Some(dim) && dim.filtered(q) {
                let field = dim.field(f);
                let terms: Vec<Term> = values
                    .iter()
                    .map(|v| Term::from_field_text(field, v))
                    .collect();
                let inner: Box<dyn Query> = if terms.is_empty() {
                    Box::new(EmptyQuery)
                } else {
                    Box::new(TermSetQuery::new(terms))
                };
                must.push(filter(inner));
            }
        };
        set(
            Dim::JobType,
            q.job_type.iter().map(|t| t.as_str().to_string()).collect(),
        );
        set(
            Dim::RemotePolicy,
            q.remote_policy
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
        );
        set(Dim::Company, q.company.clone());
        set(Dim::Category, q.category.clone());
        if let Some(loc) = &q.location
            && skip != Some(Dim::Location)
        {
            let names = match self.locations.get() {
                Some(names) => names.clone(),
                None => {
                    let found = locations_containing(&self.searcher, f, loc)?;
                    self.locations.get_or_init(|| found).clone()
                }
            };
            set(Dim::Location, names);
        }
        if let Some(min) = q.salary_min {
            use rust_decimal::prelude::ToPrimitive;
            must.push(filter(salary_at_least(
                min.to_f64().unwrap_or(f64::MAX),
                self.rates.clone(),
                self.currency.clone(),
            )));
        }
        Ok(Box::new(BooleanQuery::new(must)))
    }
}

/// A job's position in an ordering: smaller comes first. `id` is the job id, inverted for the
/// orderings that list the newest id first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    a: i64,
    b: i64,
    id: u128,
}

impl Key {
    /// The cursor of a position: URL-safe text.
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(32);
        bytes.extend_from_slice(&self.a.to_be_bytes());
        bytes.extend_from_slice(&self.b.to_be_bytes());
        bytes.extend_from_slice(&self.id.to_be_bytes());
        hex::encode(bytes)
    }

    /// A position from its cursor.
    pub fn decode(cursor: &str) -> Option<Key> {
        let bytes = hex::decode(cursor).ok()?;
        if bytes.len() != 32 {
            return None;
        }
        Some(Key {
            a: i64::from_be_bytes(bytes[0..8].try_into().ok()?),
            b: i64::from_be_bytes(bytes[8..16].try_into().ok()?),
            id: u128::from_be_bytes(bytes[16..32].try_into().ok()?),
        })
    }

    fn job_id(&self, descending: bool) -> Uuid {
        Uuid::from_u128(if descending { !self.id } else { self.id })
    }
}

/// A boosted relevance score as the first part of its key (higher scores first, to 1e-4):
/// monotonic, so a bound on the score is a bound on the key.
fn boosted_key(boosted: f64) -> i64 {
    -((boosted * 10_000.0).round() as i64)
}

/// Money and scores as sortable integers: cents, and scores to 1e-4.
fn money(v: f64) -> i64 {
    (v * 100.0).round() as i64
}

/// Collects the first `k` jobs of an ordering after an optional cursor, and counts every match.
struct Ranked {
    ordering: Ordering,
    k: usize,
    after: Option<Key>,
    now: i64,
    rates: Arc<Rates>,
    currency: String,
}

struct RankedSegment {
    ordering: Ordering,
    k: usize,
    after: Option<Key>,
    now: i64,
    id_hi: Column<u64>,
    id_lo: Column<u64>,
    published: Column<i64>,
    salary: Option<SalaryColumns>,
    heap: BinaryHeap<Key>,
    count: u64,
}

impl Collector for Ranked {
    type Fruit = (u64, Vec<Key>);
    type Child = RankedSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        seg: &SegmentReader,
    ) -> tantivy::Result<RankedSegment> {
        let ff = seg.fast_fields();
        let salary = matches!(
            self.ordering,
            Ordering::SalaryMaxDesc | Ordering::SalaryMinAsc
        )
        .then(|| SalaryColumns::open(seg, &self.rates, &self.currency))
        .transpose()?;
        Ok(RankedSegment {
            ordering: self.ordering,
            k: self.k,
            after: self.after,
            now: self.now,
            id_hi: ff.u64("id_hi")?,
            id_lo: ff.u64("id_lo")?,
            published: ff.i64("published_at")?,
            salary,
            heap: BinaryHeap::with_capacity(self.k + 1),
            count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.ordering == Ordering::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<(u64, Vec<Key>)>) -> tantivy::Result<(u64, Vec<Key>)> {
        let mut count = 0;
        let mut keys = Vec::new();
        for (n, k) in fruits {
            count += n;
            keys.extend(k);
        }
        keys.sort_unstable();
        keys.truncate(self.k);
        Ok((count, keys))
    }
}

impl RankedSegment {
    /// The first part of a match's key, and the publication time it read.
    fn primary(&self, doc: DocId, score: Score) -> (i64, i64) {
        let published = self.published.first(doc).unwrap_or(0);
        let a = match self.ordering {
            Ordering::Newest => -published,
            Ordering::Oldest => published,
            Ordering::SalaryMaxDesc => self
                .salary
                .as_ref()
                .and_then(|s| s.high(doc))
                .map_or(i64::MAX, |v| -money(v)),
            Ordering::SalaryMinAsc => self
                .salary
                .as_ref()
                .and_then(|s| s.low(doc))
                .map_or(i64::MAX, money),
            Ordering::Relevance => {
                let age_days = ((self.now - published).max(0) as f64) / 86_400.0;
                let recency = (-age_days * std::f64::consts::LN_2 / RECENCY_DAYS).exp();
                boosted_key(f64::from(score) * (1.0 + RECENCY_WEIGHT * recency))
            }
        };
        (a, published)
    }

    /// The whole key of a match from its `primary` part: reads the id.
    fn key(&self, doc: DocId, a: i64, published: i64) -> Key {
        let hi = self.id_hi.first(doc).unwrap_or(0);
        let lo = self.id_lo.first(doc).unwrap_or(0);
        let id = (u128::from(hi) << 64) | u128::from(lo);
        match self.ordering {
            Ordering::Newest => Key { a, b: 0, id: !id },
            Ordering::Oldest => Key { a, b: 0, id },
            _ => Key {
                a,
                b: -published,
                id: !id,
            },
        }
    }
}

/// Whether a relevance score can still reach a key of `worst` or better: at full recency, with
/// a margin for rounding. No column read; this rejects most matches of a broad term.
fn may_reach(score: Score, worst: i64) -> bool {
    f64::from(score) * ((1.0 + RECENCY_WEIGHT) * 10_000.0) >= -(worst as f64) - 1.0
}

impl SegmentCollector for RankedSegment {
    type Fruit = (u64, Vec<Key>);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        if self.k == 0 {
            return;
        }
        // Once the heap is full, a match worse than its worst is skipped as soon as that is
        // known: from the score alone, then from the key's first part, before the id is read.
        let worst = if self.heap.len() >= self.k {
            self.heap.peek().map(|w| w.a)
        } else {
            None
        };
        if let Some(w) = worst
            && self.ordering == Ordering::Relevance
            && !may_reach(score, w)
        {
            return;
        }
        let (a, published) = self.primary(doc, score);
        if worst.is_some_and(|w| a > w) {
            return;
        }
        let key = self.key(doc, a, published);
        if self.after.is_some_and(|after| key <= after) {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(key);
        } else if self.heap.peek().is_some_and(|worst| key < *worst) {
            self.heap.pop();
            self.heap.push(key);
        }
    }

    fn harvest(self) -> (u64, Vec<Key>) {
        (self.count, self.heap.into_vec())
    }
}

/// The catalog locations (as written) containing `needle`, case-insensitively: the `location`
/// filter.
fn locations_containing(
    searcher: &tantivy::Searcher,
    f: &Fields,
    needle: &str,
) -> tantivy::Result<Vec<String>> {
    let needle = needle.to_lowercase();
    let mut out = std::collections::BTreeSet::new();
    for seg in searcher.segment_readers() {
        let inverted = seg.inverted_index(f.location_key)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            if let Ok(loc) = std::str::from_utf8(terms.key())
                && loc.to_lowercase().contains(&needle)
            {
                out.insert(loc.to_string());
            }
        }
    }
    Ok(out.into_iter().collect())
}

impl Search {
    pub(super) async fn plan<'a>(
        &self,
        pool: &PgPool,
        q: &'a JobQuery,
    ) -> Result<Plan<'a>, SearchError> {
        let seen = self.built().await?;
        let rates = if q.salary_min.is_some()
            || matches!(
                q.effective_ordering(),
                Ordering::SalaryMaxDesc | Ordering::SalaryMinAsc
            ) {
            self.rates(pool).await?
        } else {
            Arc::new(Rates::default())
        };
        let fields = self.index.fields;
        let parsed = q.q.as_deref().map(search_query::parse).unwrap_or_default();
        Ok(Plan {
            searcher: self.index.reader().searcher(),
            locations: std::sync::OnceLock::new(),
            seen,
            fields,
            q,
            now: Utc::now().timestamp(),
            rates,
            currency: q
                .salary_currency
                .clone()
                .unwrap_or_else(|| self.default_currency.clone()),
            text: matching::text_query(&fields, &parsed),
            excluded: matching::exclusions(&fields, &parsed),
        })
    }

    /// One page of the jobs matching `q`, in its ordering (see the module for paging), holding
    /// every change committed before the request (see [`Search::fresh`]).
    pub async fn jobs(&self, pool: &PgPool, q: &JobQuery) -> Result<JobPage, SearchError> {
        let (page, seen, last) = self.jobs_once(pool, q).await?;
        if self.fresh(seen, last).await {
            return page;
        }
        self.jobs_once(pool, q).await?.0
    }

    /// A page (or why there is none) with the index position it was computed at and the
    /// catalog's last change read with its rows.
    async fn jobs_once(
        &self,
        pool: &PgPool,
        q: &JobQuery,
    ) -> Result<(Result<JobPage, SearchError>, i64, i64), SearchError> {
        let plan = self.plan(pool, q).await?;
        let ordering = if plan.text.is_none() && q.effective_ordering() == Ordering::Relevance {
            Ordering::Newest
        } else {
            q.effective_ordering()
        };
        let after = q.cursor.as_deref().and_then(Key::decode);
        let offset = if after.is_some() {
            0
        } else {
            (q.page.saturating_sub(1) as usize) * q.page_size as usize
        };
        let size = q.page_size as usize;
        if after.is_none() && offset as i64 >= super::query::MATCH_CAP {
            let last = last_change(pool).await?;
            let beyond = SearchError::BeyondWindow {
                window: super::query::MATCH_CAP,
            };
            return Ok((Err(beyond), plan.seen, last));
        }
        let searcher = &plan.searcher;
        let key = plan.cache_key("jobs", Some(q));
        let cached = key
            .as_ref()
            .and_then(|k| self.cache.get(searcher, plan.now, k));
        let (count, keys) = match cached {
            Some(Answer::Page { count, keys }) => (count, keys),
            _ => {
                let found = searcher.search(
                    plan.query(None)?.as_ref(),
                    &Ranked {
                        ordering,
                        k: offset + size,
                        after,
                        now: plan.now,
                        rates: plan.rates.clone(),
                        currency: plan.currency.clone(),
                    },
                )?;
                if let Some(k) = key {
                    self.cache.put(
                        searcher,
                        plan.now,
                        k,
                        Answer::Page {
                            count: found.0,
                            keys: found.1.clone(),
                        },
                    );
                }
                found
            }
        };
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        let page_keys: Vec<Key> = keys.into_iter().skip(offset).collect();
        let last_page = u32::try_from((count + size as i64 - 1) / size as i64)
            .unwrap_or(u32::MAX)
            .max(1);
        if q.page > 1 && page_keys.is_empty() && after.is_none() {
            let last = last_change(pool).await?;
            let past = SearchError::PastTheEnd {
                page: q.page,
                last: last_page,
            };
            return Ok((Err(past), plan.seen, last));
        }
        let descending = ordering != Ordering::Oldest;
        let ids: Vec<Uuid> = page_keys.iter().map(|k| k.job_id(descending)).collect();
        let (results, last) = hydrate(pool, &ids).await?;
        let seen = if after.is_some() {
            // Unknown how many came before the cursor: the page number says.
            i64::from(q.page.saturating_sub(1)) * size as i64 + page_keys.len() as i64
        } else {
            (offset + page_keys.len()) as i64
        };
        let next_cursor = (page_keys.len() == size && seen < count)
            .then(|| page_keys.last().map(Key::encode))
            .flatten();
        let page = JobPage {
            count,
            count_exact: true,
            results,
            page: q.page,
            page_size: q.page_size,
            window: super::query::MATCH_CAP,
            next_cursor,
        };
        Ok((Ok(page), plan.seen, last))
    }

    /// How many jobs match `q`.
    pub async fn count(&self, pool: &PgPool, q: &JobQuery) -> Result<i64, SearchError> {
        let mut n = 0;
        for attempt in 0..2 {
            let plan = self.plan(pool, q).await?;
            n = plan
                .searcher
                .search(plan.query(None)?.as_ref(), &tantivy::collector::Count)?;
            if attempt == 1 || self.fresh(plan.seen, last_change(pool).await?).await {
                break;
            }
        }
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// The newest `limit` jobs matching `q` (feeds, the home page).
    pub async fn newest(
        &self,
        pool: &PgPool,
        q: &JobQuery,
        limit: u32,
    ) -> Result<Vec<JobSummary>, SearchError> {
        let q = JobQuery {
            ordering: Some(Ordering::Newest),
            page: 1,
            page_size: limit.clamp(1, super::query::MAX_PAGE_SIZE),
            cursor: None,
            ..q.clone()
        };
        Ok(self.jobs(pool, &q).await?.results)
    }
}

/// The catalog's last change number (0 before the first).
pub(super) async fn last_change(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM public.catalog_changes")
        .fetch_one(pool)
        .await
}

#[derive(sqlx::FromRow)]
struct HydratedRow {
    #[sqlx(flatten)]
    row: SummaryRow,
    last_change: i64,
}

/// The catalog rows of `ids` that are public right now, in the order of `ids`, and the catalog's
/// last change, read in the same statement.
async fn hydrate(pool: &PgPool, ids: &[Uuid]) -> sqlx::Result<(Vec<JobSummary>, i64)> {
    if ids.is_empty() {
        return Ok((Vec::new(), last_change(pool).await?));
    }
    let rows: Vec<HydratedRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS},
                (SELECT coalesce(max(seq), 0) FROM public.catalog_changes) AS last_change
           FROM public.job_catalog c WHERE c.job_id = ANY($1) AND {VISIBLE}"
    ))
    .bind(ids)
    .fetch_all(pool)
    .await?;
    let Some(last) = rows.first().map(|r| r.last_change) else {
        // Every row gone from the catalog since the index was read.
        return Ok((Vec::new(), last_change(pool).await?));
    };
    let mut by_id: HashMap<Uuid, JobSummary> = rows
        .into_iter()
        .map(|r| {
            let s = JobSummary::from(r.row);
            (s.id, s)
        })
        .collect();
    Ok((ids.iter().filter_map(|id| by_id.remove(id)).collect(), last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let k = Key {
            a: -5,
            b: i64::MAX,
            id: u128::MAX - 7,
        };
        assert_eq!(Key::decode(&k.encode()), Some(k));
        assert_eq!(Key::decode("not a cursor"), None);
        assert_eq!(Key::decode(""), None);
    }

    #[test]
    fn newest_ids_sort_first_among_equal_keys() {
        let older = Uuid::from_u128(1);
        let newer = Uuid::from_u128(2);
        let a = Key {
            a: 0,
            b: 0,
            id: !older.as_u128(),
        };
        let b = Key {
            a: 0,
            b: 0,
            id: !newer.as_u128(),
        };
        assert!(b < a);
        assert_eq!(a.job_id(true), older);
    }
}
