-- Relevance ranks jobs whose title matches a search first (newest first), then the other
-- matches. Title matches come from this expression index, or from a newest-first walk that
-- checks each title (a few microseconds) when the term is common.
CREATE INDEX job_catalog_title_search_idx
    ON public.job_catalog USING gin (to_tsvector('english', title));

-- Newest-first walks (the default list, deep pages) answer the visibility rule from the index.
CREATE INDEX job_catalog_newest_cover_idx
    ON public.job_catalog (published_at DESC, job_id DESC) INCLUDE (expires_at);
DROP INDEX public.job_catalog_newest_idx;
