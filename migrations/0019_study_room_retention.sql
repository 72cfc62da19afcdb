-- Study room applications are deleted a year after their period's cards expire; the period keeps how many
-- applied and how many had a place (see docs/study-room.md).
ALTER TABLE study_room_periods ADD COLUMN applications_count INTEGER;
ALTER TABLE study_room_periods ADD COLUMN successful_count INTEGER;
