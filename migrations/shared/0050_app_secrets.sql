-- Secrets every instance must share (the apply form's token key): one row per purpose, created by
-- the first instance that needs it.
CREATE TABLE public.app_secrets (
    name       text PRIMARY KEY,
    value      bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
