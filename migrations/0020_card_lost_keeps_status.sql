-- A card reported lost blocks the account (status card_reported_lost); the status it had before (active,
-- suspended, expired) is kept here and given back when the card is replaced, so that replacing a card does
-- not lift a suspension (docs/account.md).
ALTER TABLE readers ADD COLUMN status_before_card_lost TEXT;
