-- The public, cross-tenant job catalog: a projection of every publishable posting, written in the
-- same transaction as the posting itself. Only public-safe fields live here.
CREATE TABLE public.job_catalog (
    job_id            uuid PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    company_slug      text NOT NULL,
    company_name      text NOT NULL,
    title             text NOT NULL,
    description_html  text NOT NULL,
    description_text  text NOT NULL,
    location          text NOT NULL DEFAULT '',
    remote_policy     text NOT NULL CHECK (remote_policy IN ('on_site', 'hybrid', 'remote')),
    job_type          text NOT NULL
                      CHECK (job_type IN ('full_time', 'part_time', 'contract', 'internship', 'temporary')),
    category          text NOT NULL DEFAULT '',
    salary_min        numeric(14, 2),
    salary_max        numeric(14, 2),
    salary_currency   text,
    salary_period     text,
    application_form  jsonb NOT NULL DEFAULT '{}'::jsonb,
    published_at      timestamptz NOT NULL,
    expires_at        timestamptz,
    posting_version   bigint NOT NULL,
    posting_updated_at timestamptz NOT NULL,
    synced_at         timestamptz NOT NULL DEFAULT now(),
    -- Counters are owned by the catalog: a sync never writes them.
    view_count        bigint NOT NULL DEFAULT 0,
    application_count bigint NOT NULL DEFAULT 0,
    search            tsvector GENERATED ALWAYS AS (
                          setweight(to_tsvector('english', title), 'A')
                          || setweight(to_tsvector('english', company_name), 'B')
                          || setweight(to_tsvector('english', location), 'B')
                          || setweight(to_tsvector('english', left(description_text, 20000)), 'C')
                      ) STORED,
    CHECK (salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max)
);
CREATE INDEX job_catalog_newest_idx ON public.job_catalog (published_at DESC, job_id DESC);
CREATE INDEX job_catalog_tenant_idx ON public.job_catalog (tenant_id, published_at DESC);
CREATE INDEX job_catalog_search_idx ON public.job_catalog USING gin (search);
CREATE INDEX job_catalog_expires_idx ON public.job_catalog (expires_at) WHERE expires_at IS NOT NULL;

-- Public projection of each tenant's career page (branding and consent text shown to candidates).
CREATE TABLE public.company_profiles (
    tenant_id        uuid PRIMARY KEY REFERENCES public.tenants (id) ON DELETE CASCADE,
    tagline          text NOT NULL DEFAULT '',
    description_html text NOT NULL DEFAULT '',
    logo_url         text,
    website          text,
    brand_color      text,
    consent_text     text NOT NULL,
    consent_version  integer NOT NULL DEFAULT 1,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One row per reconcile (or other scheduled task) run, with per-tenant detail.
CREATE TABLE public.sync_runs (
    id          bigserial PRIMARY KEY,
    task        text NOT NULL,
    trigger     text NOT NULL,
    dry_run     boolean NOT NULL DEFAULT false,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    tenants     integer NOT NULL DEFAULT 0,
    inserted    integer NOT NULL DEFAULT 0,
    updated     integer NOT NULL DEFAULT 0,
    deleted     integer NOT NULL DEFAULT 0,
    unchanged   integer NOT NULL DEFAULT 0,
    failures    jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX sync_runs_task_idx ON public.sync_runs (task, started_at DESC);

CREATE TABLE public.sync_run_tenants (
    run_id    bigint NOT NULL REFERENCES public.sync_runs (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    inserted  integer NOT NULL DEFAULT 0,
    updated   integer NOT NULL DEFAULT 0,
    deleted   integer NOT NULL DEFAULT 0,
    unchanged integer NOT NULL DEFAULT 0,
    error     text,
    PRIMARY KEY (run_id, tenant_id)
);
CREATE INDEX sync_run_tenants_tenant_idx ON public.sync_run_tenants (tenant_id, run_id DESC);

-- A scheduled firing is claimed here so that, with several app instances, it runs once.
CREATE TABLE public.scheduler_claims (
    task       text NOT NULL,
    slot       timestamptz NOT NULL,
    claimed_by text NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task, slot)
);
