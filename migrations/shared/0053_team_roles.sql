-- Teams and roles (#14): each HR user has a role in their tenant; an owner can deactivate a member
-- (their sessions end at once: the session epoch moves on too) and invite people by email with a
-- single-use, expiring link stored only as a SHA-256 of its token. Existing users were all made
-- by `careers user create`, which makes owners.
ALTER TABLE public.hr_users
    ADD COLUMN role text NOT NULL DEFAULT 'owner'
        CHECK (role IN ('owner', 'recruiter', 'hiring_manager')),
    ADD COLUMN deactivated_at timestamptz;

CREATE TABLE public.invitations (
    id          uuid PRIMARY KEY,
    token_hash  text NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    tenant_id   uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    email       text NOT NULL CHECK (email = lower(email) AND position('@' IN email) > 1),
    role        text NOT NULL CHECK (role IN ('owner', 'recruiter', 'hiring_manager')),
    invited_by  uuid REFERENCES public.hr_users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX invitations_tenant_idx ON public.invitations (tenant_id, created_at);
CREATE INDEX invitations_email_idx ON public.invitations (email) WHERE accepted_at IS NULL;
