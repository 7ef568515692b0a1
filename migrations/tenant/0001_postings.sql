-- Per-tenant hiring data. Runs with search_path set to the tenant's schema alone: every name here
-- is unqualified and lands in that schema.
CREATE TABLE job_postings (
    id                       uuid PRIMARY KEY,
    title                    text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description              text NOT NULL DEFAULT '',
    location                 text NOT NULL DEFAULT '',
    remote_policy            text NOT NULL DEFAULT 'on_site'
                             CHECK (remote_policy IN ('on_site', 'hybrid', 'remote')),
    job_type                 text NOT NULL DEFAULT 'full_time'
                             CHECK (job_type IN ('full_time', 'part_time', 'contract', 'internship', 'temporary')),
    category                 text NOT NULL DEFAULT '',
    salary_min               numeric(14, 2) CHECK (salary_min >= 0),
    salary_max               numeric(14, 2) CHECK (salary_max >= 0),
    salary_currency          text CHECK (salary_currency ~ '^[A-Z]{3}$'),
    salary_period            text NOT NULL DEFAULT 'year'
                             CHECK (salary_period IN ('hour', 'day', 'week', 'month', 'year')),
    show_salary              boolean NOT NULL DEFAULT true,
    status                   text NOT NULL DEFAULT 'draft'
                             CHECK (status IN ('draft', 'open', 'closed', 'archived')),
    published_on_career_page boolean NOT NULL DEFAULT true,
    internal_only            boolean NOT NULL DEFAULT false,
    require_resume           boolean NOT NULL DEFAULT false,
    require_cover_letter     boolean NOT NULL DEFAULT false,
    questions                jsonb NOT NULL DEFAULT '[]'::jsonb,
    published_at             timestamptz,
    expires_at               timestamptz,
    deleted_at               timestamptz,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    version                  bigint NOT NULL DEFAULT 1,
    CHECK (salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max)
);
CREATE INDEX job_postings_status_idx ON job_postings (status, updated_at DESC);

CREATE TABLE career_page (
    id              integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    tagline         text NOT NULL DEFAULT '',
    about           text NOT NULL DEFAULT '',
    logo_url        text,
    website         text,
    brand_color     text CHECK (brand_color ~ '^#[0-9a-fA-F]{6}$'),
    consent_text    text NOT NULL,
    consent_version integer NOT NULL DEFAULT 1,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE candidates (
    id            uuid PRIMARY KEY,
    email         text NOT NULL,
    first_name    text NOT NULL,
    last_name     text NOT NULL,
    phone         text,
    linkedin_url  text,
    portfolio_url text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX candidates_email_idx ON candidates (lower(email));

CREATE TABLE resumes (
    id           uuid PRIMARY KEY,
    filename     text NOT NULL,
    content_type text NOT NULL,
    size_bytes   integer NOT NULL,
    sha256       text NOT NULL,
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE applications (
    id              uuid PRIMARY KEY,
    job_id          uuid NOT NULL REFERENCES job_postings (id),
    candidate_id    uuid NOT NULL REFERENCES candidates (id),
    stage           text NOT NULL DEFAULT 'new'
                    CHECK (stage IN ('new', 'screening', 'interview', 'offer', 'hired', 'rejected')),
    cover_letter    text,
    answers         jsonb NOT NULL DEFAULT '{}'::jsonb,
    resume_id       uuid REFERENCES resumes (id),
    consent_text    text NOT NULL,
    consent_version integer NOT NULL,
    consented_at    timestamptz NOT NULL,
    source          text,
    utm_source      text,
    utm_medium      text,
    utm_campaign    text,
    referrer        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, candidate_id)
);
CREATE INDEX applications_stage_idx ON applications (stage, created_at DESC);
CREATE INDEX applications_created_idx ON applications (created_at DESC);

-- actor_user_id names a public.hr_users row by value only: no foreign key crosses schemas.
CREATE TABLE application_events (
    id             uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('received', 'stage_changed', 'note')),
    from_stage     text,
    to_stage       text,
    note           text,
    actor_user_id  uuid,
    actor_email    text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_events_app_idx ON application_events (application_id, created_at);
