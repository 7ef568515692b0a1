-- Reference exchange rates (#12): units of each currency per euro, maintained by the operator
-- (`careers fx import` of the ECB reference-rates CSV). Salary filters and orderings convert
-- through this table; a currency without a row is never guessed.
CREATE TABLE public.fx_rates (
    currency    text PRIMARY KEY CHECK (currency ~ '^[A-Z]{3}$'),
    per_eur     numeric NOT NULL CHECK (per_eur > 0),
    rate_date   date NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);

-- Which database this is (#12): a search index records it and is rebuilt when it finds itself
-- beside another database (a data directory reused with a new DATABASE_URL, a restored backup).
CREATE TABLE public.database_identity (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    id       uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO public.database_identity DEFAULT VALUES;
