-- A result row shows the start of the job's description. Long descriptions live out of line
-- (TOAST), and reading their start cost an index probe into the TOAST table per row: a quarter
-- of a list page's database time at a million jobs. The start is kept in the row instead,
-- computed by the database from the description itself, so it can never disagree with it.
-- (Adding a stored column rewrites the catalog once.)
ALTER TABLE public.job_catalog
    ADD COLUMN snippet text GENERATED ALWAYS AS (substr(description_text, 1, 300)) STORED;
