-- The public company directory lists active tenants by name, a page at a time.
CREATE INDEX tenants_directory_idx ON public.tenants (lower(name), slug) WHERE status = 'active';
