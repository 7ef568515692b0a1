-- Scorecards (#14): one per reviewer and application, a 1–5 rating and notes; a reviewer's
-- second save replaces their first.
CREATE TABLE scorecards (
    application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    reviewer_id    uuid NOT NULL,
    reviewer_email text NOT NULL,
    rating         smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    notes          text NOT NULL DEFAULT '' CHECK (length(notes) <= 5000),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, reviewer_id)
);

ALTER TABLE application_events DROP CONSTRAINT application_events_kind_check;
ALTER TABLE application_events ADD CONSTRAINT application_events_kind_check
    CHECK (kind IN ('received', 'stage_changed', 'note', 'restored', 'scored'));
