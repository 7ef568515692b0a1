-- Self-service password reset (#14): single-use, expiring links, stored only as a SHA-256 of the
-- token; and a per-user session epoch, so a password change ends every earlier session at once.
CREATE TABLE public.password_resets (
    token_hash text PRIMARY KEY CHECK (length(token_hash) = 64),
    user_id    uuid NOT NULL REFERENCES public.hr_users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_resets_user_idx ON public.password_resets (user_id, created_at);

ALTER TABLE public.hr_users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;
