-- Applications kept aside as suspected spam (the form's honeypot field was filled in): stored
-- like any other, but not counted, not mailed and not listed with the others until HR restores
-- one. NULL = a genuine application; otherwise why it was kept aside ('honeypot').
ALTER TABLE applications ADD COLUMN suspected_spam text;
ALTER TABLE application_events DROP CONSTRAINT application_events_kind_check;
ALTER TABLE application_events ADD CONSTRAINT application_events_kind_check
    CHECK (kind IN ('received', 'stage_changed', 'note', 'restored'));
