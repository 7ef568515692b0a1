-- A resume sent with an apply form that came back with an error (a forgotten field), kept so the
-- candidate need not attach it again: the re-rendered form carries a reference signed for its
-- job. Removed when the application is stored, and after a day in any case.
CREATE TABLE public.pending_resumes (
    id         uuid PRIMARY KEY,
    job_id     uuid NOT NULL,
    filename   text NOT NULL,
    data       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_resumes_created_idx ON public.pending_resumes (created_at);
