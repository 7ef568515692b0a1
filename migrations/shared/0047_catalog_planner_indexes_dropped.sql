-- The search engine replaces the hand-written planner (#12): searching, filtering, ordering,
-- counting and facets are answered by each server's search index, and the catalog is read by id
-- (a page's rows, a job's detail), by tenant (company pages' counts), by expiry (the sweep) and in
-- id order (sitemaps). What only the planner read goes: the full-text column and its indexes, the
-- walk and filter btrees, and the location table with its triggers. Every catalog write gets
-- cheaper by the indexes it no longer maintains. Dropping an index or a column rewrites nothing.
DROP TRIGGER job_catalog_note_new_locations ON public.job_catalog;
DROP TRIGGER job_catalog_note_changed_location ON public.job_catalog;
DROP FUNCTION public.catalog_note_new_locations();
DROP FUNCTION public.catalog_note_changed_location();
DROP TABLE public.catalog_locations;

DROP INDEX public.job_catalog_search_idx;
DROP INDEX public.job_catalog_title_search_idx;
DROP INDEX public.job_catalog_company_idx;
DROP INDEX public.job_catalog_category_idx;
DROP INDEX public.job_catalog_salary_max_idx;
DROP INDEX public.job_catalog_salary_min_idx;
DROP INDEX public.job_catalog_salary_reach_idx;
DROP INDEX public.job_catalog_kind_idx;
DROP INDEX public.job_catalog_location_kind_idx;

ALTER TABLE public.job_catalog DROP COLUMN search;
