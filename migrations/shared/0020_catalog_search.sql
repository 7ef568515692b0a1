-- Indexes and precomputed statistics for the public catalog queries (search, filters, facets) so
-- that no public request scans the catalog, even at a million rows.

-- Case-insensitive substring search on location (`location=berl`) through trigrams.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX job_catalog_location_trgm_idx
    ON public.job_catalog USING gin (location public.gin_trgm_ops);

-- Filters that can be selective, each keyed for newest-first walks.
CREATE INDEX job_catalog_company_idx
    ON public.job_catalog (company_slug, published_at DESC, job_id DESC);
CREATE INDEX job_catalog_category_idx
    ON public.job_catalog (category, published_at DESC, job_id DESC);

-- Salary orderings and the `salary_min` filter ("the shown range reaches it").
CREATE INDEX job_catalog_salary_max_idx
    ON public.job_catalog (salary_max DESC NULLS LAST, published_at DESC, job_id DESC);
CREATE INDEX job_catalog_salary_min_idx
    ON public.job_catalog (salary_min ASC NULLS LAST, published_at DESC, job_id DESC);
CREATE INDEX job_catalog_salary_reach_idx
    ON public.job_catalog ((coalesce(salary_max, salary_min)))
    WHERE salary_min IS NOT NULL OR salary_max IS NOT NULL;

-- Exact totals and facet counts of the unfiltered catalog, which a request cannot afford to
-- compute at scale. Refreshed by the scheduler (and lazily by a request when missing or old).
CREATE TABLE public.catalog_stats (
    id          integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    total       bigint NOT NULL,
    facets      jsonb NOT NULL,
    -- Where each 50,000-URL sitemap shard ends (job ids in id order).
    sitemap_bounds uuid[] NOT NULL DEFAULT '{}',
    computed_at timestamptz NOT NULL DEFAULT now()
);

-- The two low-cardinality filters together (job_type, then remote_policy), newest first, with
-- the expiry so counts under the cap are index-only.
CREATE INDEX job_catalog_kind_idx
    ON public.job_catalog (job_type, remote_policy, published_at DESC, job_id DESC)
    INCLUDE (expires_at);
