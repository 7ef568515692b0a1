-- The change sequence is kept for a day (#12): every server's index applies a change within a
-- second, so older changes matter only to an index that was offline longer. The pruner records
-- the highest number it deleted; an index whose checkpoint is below it has missed changes and is
-- rebuilt from the catalog.
CREATE TABLE public.catalog_changes_pruned (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    through  bigint NOT NULL DEFAULT 0
);
INSERT INTO public.catalog_changes_pruned DEFAULT VALUES;

CREATE INDEX catalog_changes_changed_at_idx ON public.catalog_changes (changed_at);
