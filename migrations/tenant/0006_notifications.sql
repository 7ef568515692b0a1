-- New-application notifications (#14). Every application is fanned out once to the members who
-- want to hear of it (`notified_at` marks it done; applications from before this migration are
-- marked already); each member's queued notifications are then mailed through the outbox in the
-- same transaction that removes them: one mail per new application batched to at most one per
-- five minutes per member, or a daily digest. Settings are per member, for one job or (job_id
-- NULL) for all jobs; without one, a job's recruiters and owners on its team get each application.
ALTER TABLE applications ADD COLUMN notified_at timestamptz;
UPDATE applications SET notified_at = created_at;
CREATE INDEX applications_unnotified_idx ON applications (created_at) WHERE notified_at IS NULL;

CREATE TABLE notification_settings (
    user_id    uuid NOT NULL,
    job_id     uuid REFERENCES job_postings (id) ON DELETE CASCADE,
    mode       text NOT NULL CHECK (mode IN ('each', 'digest', 'none')),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX notification_settings_key
    ON notification_settings (user_id, coalesce(job_id, '00000000-0000-0000-0000-000000000000'));

CREATE TABLE pending_notifications (
    user_id        uuid NOT NULL,
    application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    mode           text NOT NULL CHECK (mode IN ('each', 'digest')),
    queued_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, application_id)
);

CREATE TABLE notification_state (
    user_id        uuid PRIMARY KEY,
    last_each_at   timestamptz,
    last_digest_at timestamptz
);
