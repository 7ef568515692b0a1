-- A location filter is a case-insensitive substring (`location=berl`). Jobs are many, the
-- distinct locations they name are few: the filter is first resolved against the locations
-- (this table, through trigrams), then becomes an equality on the catalog, answered by a btree
-- keyed with the other two common filters. Intersecting the trigram bitmap of a common location
-- with a common remote policy cost up to 125 ms at a million jobs; the equality costs a probe.
--
-- The table is kept by triggers, in the statement that writes the catalog, so it always holds
-- every location the catalog names. It only grows: a location no job names any more resolves to
-- nothing on the catalog.
CREATE TABLE public.catalog_locations (
    location text PRIMARY KEY
);

INSERT INTO public.catalog_locations (location)
SELECT DISTINCT location FROM public.job_catalog;

CREATE INDEX catalog_locations_trgm_idx
    ON public.catalog_locations USING gin (location public.gin_trgm_ops);

-- Inserted rows arrive in batches (one statement per 1,000 rows): one insert per statement, in a
-- fixed order, so that concurrent writers meeting the same new locations cannot deadlock.
CREATE FUNCTION public.catalog_note_new_locations() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.catalog_locations (location)
    SELECT DISTINCT location FROM new_rows ORDER BY location
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER job_catalog_note_new_locations
    AFTER INSERT ON public.job_catalog
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.catalog_note_new_locations();

-- Updates change a location rarely (counters are updated far more often): a row trigger that
-- fires only then.
CREATE FUNCTION public.catalog_note_changed_location() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.catalog_locations (location) VALUES (NEW.location)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER job_catalog_note_changed_location
    AFTER UPDATE OF location ON public.job_catalog
    FOR EACH ROW WHEN (OLD.location IS DISTINCT FROM NEW.location)
    EXECUTE FUNCTION public.catalog_note_changed_location();

-- The location (one value or a few), then the two low-cardinality filters, newest first.
CREATE INDEX job_catalog_location_kind_idx
    ON public.job_catalog (location, remote_policy, job_type, published_at DESC, job_id DESC)
    INCLUDE (expires_at);

-- Substrings are resolved on `catalog_locations` now; the catalog's own trigram index only cost
-- writes.
DROP INDEX public.job_catalog_location_trgm_idx;
