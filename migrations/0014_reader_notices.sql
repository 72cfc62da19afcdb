-- Which notices each reservation and loan has had (reservation ready, about to expire, due soon, overdue):
-- the primary key makes each one go out once, whichever node runs the job.
CREATE TABLE reader_notices_sent (
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  sent_at BIGINT NOT NULL,
  PRIMARY KEY (kind, subject)
);
CREATE INDEX reservations_ready ON reservations (collect_by) WHERE status = 'ready';
