-- Outgoing mail, drained by the scheduler; an application never waits on (or fails by) mail.
CREATE TABLE public.mail_outbox (
    id          uuid PRIMARY KEY,
    tenant_id   uuid REFERENCES public.tenants (id) ON DELETE CASCADE,
    to_address  text NOT NULL,
    subject     text NOT NULL,
    body_text   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text,
    next_attempt_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_outbox_pending_idx ON public.mail_outbox (next_attempt_at) WHERE sent_at IS NULL;

-- Idempotency-Key replay store for public POSTs.
CREATE TABLE public.idempotency_keys (
    key           text NOT NULL,
    scope         text NOT NULL,
    request_hash  text NOT NULL,
    status        integer NOT NULL,
    body          jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
