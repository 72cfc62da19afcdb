-- Background jobs that `serve` runs itself: each row is a job with its next run time and the lease of the
-- node running it now (claimed_until). A node claims a due job with one conditional UPDATE, so among many
-- nodes exactly one runs it; a lease that runs out (a node died mid-job) lets another node take over.
CREATE TABLE job_schedule (
  name TEXT PRIMARY KEY,
  next_run_at BIGINT NOT NULL,
  claimed_until BIGINT,
  last_run_at BIGINT,
  last_summary TEXT NOT NULL DEFAULT ''
);

-- The jobs look for open loans by due date (e-book loans that end by themselves, overdue notices).
CREATE INDEX loans_open_by_due ON loans (due_on) WHERE returned_at IS NULL;
