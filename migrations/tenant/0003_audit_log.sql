-- The tenant's audit log (#14): who did what and when in the admin. Subjects are ids only (a job,
-- an application, a member): no candidate personal data is copied here.
CREATE TABLE audit_events (
    id            uuid PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_user_id uuid,
    actor_email   text,
    action        text NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    subject_kind  text CHECK (subject_kind IN ('job', 'application', 'member', 'career_page')),
    subject_id    uuid,
    detail        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at_idx ON audit_events (id DESC);
CREATE INDEX audit_events_action_idx ON audit_events (action, id DESC);
