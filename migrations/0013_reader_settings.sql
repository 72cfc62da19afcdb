-- My Setting: how a reader wants to be told things, and whether returned loans stay in their history.
-- Off by default: returned loans are anonymised (the loan stays, without the reader) by a job.
ALTER TABLE readers ADD COLUMN notify_channel TEXT NOT NULL DEFAULT 'email' CHECK (notify_channel IN ('email', 'sms', 'none'));
ALTER TABLE readers ADD COLUMN notify_reservations INTEGER NOT NULL DEFAULT 1;
ALTER TABLE readers ADD COLUMN notify_due INTEGER NOT NULL DEFAULT 1;
ALTER TABLE readers ADD COLUMN notify_overdue INTEGER NOT NULL DEFAULT 1;
ALTER TABLE readers ADD COLUMN keep_history INTEGER NOT NULL DEFAULT 0;
CREATE INDEX loans_returned_by_reader ON loans (reader_id) WHERE returned_at IS NOT NULL;
