//! Facet counts from the search index (#12): each facet applies every filter of the query but its
//! own, counted exactly by string fast-field ordinals per segment; the facets whose own filter is
//! unset share one pass over the matches. Company, location and category list their top
//! [`FACET_TOP`]; company values carry the company's name.

use std::collections::HashMap;

use sqlx::PgPool;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::index::Fields;
use super::query::{FACET_TOP, FacetValue, Facets, JobQuery};
use super::search::{Search, SearchError, last_change};
use super::search_cache::Answer;

/// A facet dimension (each facet ignores its own filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dim {
    JobType,
    RemotePolicy,
    Company,
    Location,
    Category,
}

pub(super) const DIMS: [Dim; 5] = [
    Dim::JobType,
    Dim::RemotePolicy,
    Dim::Company,
    Dim::Location,
    Dim::Category,
];

impl Dim {
    pub(super) fn field(self, f: &Fields) -> tantivy::schema::Field {
        match self {
            Dim::JobType => f.job_type,
            Dim::RemotePolicy => f.remote_policy,
            Dim::Company => f.company_slug,
            Dim::Location => f.location_key,
            Dim::Category => f.category_key,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Dim::JobType => "job_type",
            Dim::RemotePolicy => "remote_policy",
            Dim::Company => "company_slug",
            Dim::Location => "location_key",
            Dim::Category => "category_key",
        }
    }

    /// Whether `q` filters on this dimension.
    pub(super) fn filtered(self, q: &JobQuery) -> bool {
        match self {
            Dim::JobType => !q.job_type.is_empty(),
            Dim::RemotePolicy => !q.remote_policy.is_empty(),
            Dim::Company => !q.company.is_empty(),
            Dim::Location => q.location.is_some(),
            Dim::Category => !q.category.is_empty(),
        }
    }
}

/// Counts the values of one string fast field among the matches.
struct ValueCounts {
    field: &'static str,
}

struct ValueCountsSegment {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl Collector for ValueCounts {
    type Fruit = HashMap<String, u64>;
    type Child = ValueCountsSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        seg: &SegmentReader,
    ) -> tantivy::Result<ValueCountsSegment> {
        let column = seg.fast_fields().str(self.field)?;
        let n = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(ValueCountsSegment {
            column,
            counts: vec![0; n],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<String, u64>>) -> tantivy::Result<Self::Fruit> {
        let mut out: HashMap<String, u64> = HashMap::new();
        for f in fruits {
            for (k, v) in f {
                *out.entry(k).or_default() += v;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for ValueCountsSegment {
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(c) = &self.column
            && let Some(ord) = c.ords().first(doc)
            && let Some(n) = self.counts.get_mut(ord as usize)
        {
            *n += 1;
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        if let Some(c) = &self.column {
            // One pass over the dictionary for every value seen (a lookup each costs a block
            // decode: thousands of companies per segment).
            let (ords, counts): (Vec<u64>, Vec<u64>) = self
                .counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(ord, n)| (ord as u64, *n))
                .unzip();
            let mut counts = counts.into_iter();
            let _ = c.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                if let (Some(n), Ok(value)) = (counts.next(), std::str::from_utf8(bytes)) {
                    out.insert(value.to_string(), n);
                }
            });
        }
        out
    }
}

/// Several collectors of one type in one pass.
struct Many<C>(Vec<C>);

impl<C: Collector> Collector for Many<C> {
    type Fruit = Vec<C::Fruit>;
    type Child = ManySegment<C::Child>;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        seg: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(ManySegment(
            self.0
                .iter()
                .map(|c| c.for_segment(ord, seg))
                .collect::<tantivy::Result<_>>()?,
        ))
    }

    fn requires_scoring(&self) -> bool {
        self.0.iter().any(Collector::requires_scoring)
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<<C::Child as SegmentCollector>::Fruit>>,
    ) -> tantivy::Result<Vec<C::Fruit>> {
        let mut by_collector: Vec<Vec<_>> = self.0.iter().map(|_| Vec::new()).collect();
        for segment in fruits {
            for (i, f) in segment.into_iter().enumerate() {
                by_collector[i].push(f);
            }
        }
        self.0
            .iter()
            .zip(by_collector)
            .map(|(c, f)| c.merge_fruits(f))
            .collect()
    }
}

struct ManySegment<S>(Vec<S>);

impl<S: SegmentCollector> SegmentCollector for ManySegment<S> {
    type Fruit = Vec<S::Fruit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        for c in &mut self.0 {
            c.collect(doc, score);
        }
    }

    fn harvest(self) -> Vec<S::Fruit> {
        self.0.into_iter().map(SegmentCollector::harvest).collect()
    }
}

impl Search {
    /// Facet counts of `q`'s matches: each facet applies every filter but its own; exact.
    /// Read-your-writes like [`Search::jobs`].
    pub async fn facets(&self, pool: &PgPool, q: &JobQuery) -> Result<Facets, SearchError> {
        let (facets, seen) = self.facets_once(pool, q).await?;
        if self.fresh(seen, last_change(pool).await?).await {
            return Ok(facets);
        }
        Ok(self.facets_once(pool, q).await?.0)
    }

    /// The facets and the index position they were counted at.
    async fn facets_once(&self, pool: &PgPool, q: &JobQuery) -> Result<(Facets, i64), SearchError> {
        let plan = self.plan(pool, q).await?;
        let searcher = &plan.searcher;
        let key = plan.cache_key("facets", None);
        if let Some(Answer::Facets(f)) = key
            .as_ref()
            .and_then(|k| self.cache.get(searcher, plan.now, k))
        {
            return Ok((f, plan.seen));
        }
        let mut counts: HashMap<&'static str, HashMap<String, u64>> = HashMap::new();
        // Facets whose own filter is unset share one pass over the matches.
        let shared: Vec<Dim> = DIMS.into_iter().filter(|d| !d.filtered(q)).collect();
        if !shared.is_empty() {
            let collectors: Vec<ValueCounts> = shared
                .iter()
                .map(|d| ValueCounts { field: d.name() })
                .collect();
            let fruits = searcher.search(plan.query(None)?.as_ref(), &Many(collectors))?;
            for (d, f) in shared.iter().zip(fruits) {
                counts.insert(d.name(), f);
            }
        }
        for d in DIMS.into_iter().filter(|d| d.filtered(q)) {
            let f = searcher.search(
                plan.query(Some(d))?.as_ref(),
                &ValueCounts { field: d.name() },
            )?;
            counts.insert(d.name(), f);
        }
        let mut take = |d: Dim, top: Option<usize>| -> Vec<FacetValue> {
            let mut v: Vec<FacetValue> = counts
                .remove(d.name())
                .unwrap_or_default()
                .into_iter()
                .map(|(value, n)| FacetValue {
                    value,
                    label: None,
                    count: i64::try_from(n).unwrap_or(i64::MAX),
                })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            if let Some(top) = top {
                v.truncate(top);
            }
            v
        };
        let mut out = Facets {
            job_type: take(Dim::JobType, None),
            remote_policy: take(Dim::RemotePolicy, None),
            company: take(Dim::Company, Some(FACET_TOP)),
            location: take(Dim::Location, Some(FACET_TOP)),
            category: take(Dim::Category, Some(FACET_TOP)),
            exact: true,
        };
        let slugs: Vec<String> = out.company.iter().map(|c| c.value.clone()).collect();
        if !slugs.is_empty() {
            let names: HashMap<String, String> =
                sqlx::query_as("SELECT slug, name FROM public.tenants WHERE slug = ANY($1)")
                    .bind(&slugs)
                    .fetch_all(pool)
                    .await?
                    .into_iter()
                    .collect();
            for c in &mut out.company {
                c.label = Some(
                    names
                        .get(&c.value)
                        .cloned()
                        .unwrap_or_else(|| c.value.clone()),
                );
            }
        }
        if let Some(k) = key {
            self.cache
                .put(searcher, plan.now, k, Answer::Facets(out.clone()));
        }
        Ok((out, plan.seen))
    }
}
