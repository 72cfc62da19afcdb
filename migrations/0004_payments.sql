-- Payments and waivers of charges, each allocated to the charges it settles; the receipt number is the
-- payment's id. A charge is never settled beyond its amount: the allocating UPDATE only applies while
-- settled + part <= amount, and a racing payment that finds it no longer applies is retried from scratch.
CREATE TABLE payments (
  id @ID@,
  reader_id BIGINT NOT NULL REFERENCES readers (id),
  kind TEXT NOT NULL CHECK (kind IN ('payment', 'waiver')),
  amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
  method TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  staff_id BIGINT,
  at BIGINT NOT NULL
);
CREATE INDEX payments_by_reader ON payments (reader_id, at);

CREATE TABLE payment_allocations (
  payment_id BIGINT NOT NULL REFERENCES payments (id),
  charge_id BIGINT NOT NULL REFERENCES charges (id),
  amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
  PRIMARY KEY (payment_id, charge_id)
);
