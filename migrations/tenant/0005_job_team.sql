-- A job's hiring team (#14): the members assigned to it. Hiring managers read only the
-- applications of the jobs they are on; the job's recruiters are told of new applications by
-- default. `user_id` names a row of public.hr_users (no cross-schema foreign key, by design:
-- removing a member leaves their assignments, which the queries ignore for inactive members).
CREATE TABLE job_team (
    job_id   uuid NOT NULL REFERENCES job_postings (id) ON DELETE CASCADE,
    user_id  uuid NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, user_id)
);
CREATE INDEX job_team_user_idx ON job_team (user_id);

-- The audit log also records invitations (the invitee is staff: their address is in the detail).
ALTER TABLE audit_events DROP CONSTRAINT audit_events_subject_kind_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_subject_kind_check
    CHECK (subject_kind IN ('job', 'application', 'member', 'invitation', 'career_page'));
