-- A sender claims due mails with a lease and sends them outside any transaction (concurrently,
-- over reused SMTP connections); a mail whose sender died is claimed again once its lease ends.
ALTER TABLE public.mail_outbox ADD COLUMN lease_until timestamptz;
