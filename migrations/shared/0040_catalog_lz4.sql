-- The catalog's large values (sanitized descriptions, search vectors, application forms) are
-- written for every imported or saved posting; lz4 compresses them several times faster than the
-- default pglz. Servers built without lz4 keep pglz.
DO $$
BEGIN
    ALTER TABLE public.job_catalog
        ALTER COLUMN description_html SET COMPRESSION lz4,
        ALTER COLUMN description_text SET COMPRESSION lz4,
        ALTER COLUMN application_form SET COMPRESSION lz4,
        ALTER COLUMN search SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 is not available on this server; the catalog keeps pglz';
END
$$;
