-- Keep the search vector inside the row (compressed if need be) and let the descriptions move
-- out of line instead: a newest-first walk that tests each row against a common term then reads
-- no TOAST.
ALTER TABLE public.job_catalog ALTER COLUMN search SET STORAGE MAIN;
