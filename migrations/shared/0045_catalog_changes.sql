-- The catalog's change sequence: every statement that inserts, deletes or changes a catalog row
-- (other than its counters) appends the job ids it touched, in the same transaction, so a search
-- index built from the catalog can follow it: an index applies the changes after the last
-- sequence number it applied, re-reading each job from the catalog (a job no longer there is
-- removed). The catalog stays the single source of truth; an index is a derived, rebuildable view.
--
-- Sequence numbers are handed out before commit, so they can become visible out of order: a
-- reader treats a gap below the largest number it saw as pending until every transaction that was
-- running when it saw the gap has ended (then the gap is either filled or was rolled back).
--
-- No foreign key: the changes of a deleted tenant (whose rows go by cascade) must stay readable.
CREATE TABLE public.catalog_changes (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id     uuid NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- Wakes the readers (LISTEN catalog_changes) once per transaction, at commit; they also poll.
CREATE FUNCTION public.catalog_changed_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.catalog_changes (job_id) SELECT job_id FROM new_rows ORDER BY job_id;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO public.catalog_changes (job_id) SELECT job_id FROM old_rows ORDER BY job_id;
    ELSE
        -- Counter updates (views, applications) change nothing a search reads.
        INSERT INTO public.catalog_changes (job_id)
        SELECT n.job_id FROM new_rows n JOIN old_rows o USING (job_id)
         WHERE to_jsonb(n) - '{view_count,application_count}'::text[]
               IS DISTINCT FROM to_jsonb(o) - '{view_count,application_count}'::text[]
         ORDER BY n.job_id;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM pg_notify('catalog_changes', '');
    RETURN NULL;
END $$;

CREATE TRIGGER job_catalog_changes_insert
    AFTER INSERT ON public.job_catalog
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.catalog_changed_rows();

CREATE TRIGGER job_catalog_changes_update
    AFTER UPDATE ON public.job_catalog
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.catalog_changed_rows();

CREATE TRIGGER job_catalog_changes_delete
    AFTER DELETE ON public.job_catalog
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.catalog_changed_rows();
