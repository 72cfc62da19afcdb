-- Extension activities and readers' enrolments in them (issue 8).
CREATE TABLE activities (
  id @ID@,
  title_en TEXT NOT NULL,
  title_tc TEXT NOT NULL,
  description_en TEXT NOT NULL,
  description_tc TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('talk', 'workshop', 'storytelling', 'exhibition', 'reading_programme',
                                     'video_recording')),
  audience TEXT NOT NULL,
  starts_at BIGINT,
  ends_at BIGINT,
  available_from BIGINT,
  video_url TEXT NOT NULL,
  library_id BIGINT REFERENCES libraries (id),
  venue_en TEXT NOT NULL,
  venue_tc TEXT NOT NULL,
  speaker_en TEXT NOT NULL,
  speaker_tc TEXT NOT NULL,
  organiser_en TEXT NOT NULL,
  organiser_tc TEXT NOT NULL,
  remarks_en TEXT NOT NULL,
  remarks_tc TEXT NOT NULL,
  delivery_language TEXT NOT NULL,
  enquiry_phone TEXT NOT NULL,
  enrolment_required INTEGER NOT NULL,
  quota INTEGER NOT NULL CHECK (quota >= 0),
  enrolment_opens_at BIGINT,
  enrolment_closes_at BIGINT,
  status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
  -- Confirmed enrolments, kept here so that taking a place is a decision made under this row's lock.
  places_taken INTEGER NOT NULL DEFAULT 0 CHECK (places_taken >= 0 AND places_taken <= quota),
  -- Counts kept when the enrolments themselves are deleted, a year after the activity.
  enrolled_count INTEGER,
  attended_count INTEGER,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  -- A moment to order by: the start of an event, the viewing time of a recording.
  sort_at BIGINT NOT NULL
);
CREATE INDEX activities_by_time ON activities (status, sort_at);
CREATE INDEX activities_by_library ON activities (library_id, sort_at);

CREATE TABLE activity_enrolments (
  id @ID@,
  activity_id BIGINT NOT NULL REFERENCES activities (id),
  reader_id BIGINT NOT NULL REFERENCES readers (id),
  status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
  enrolled_at BIGINT NOT NULL,
  changed_at BIGINT NOT NULL,
  attended INTEGER,
  attendance_marked_by BIGINT REFERENCES staff (id),
  attendance_marked_at BIGINT
);
-- One place (or one place in the queue) per reader per activity, whatever races.
CREATE UNIQUE INDEX activity_enrolments_one_per_reader ON activity_enrolments (activity_id, reader_id)
  WHERE status IN ('confirmed', 'waitlisted');
CREATE INDEX activity_enrolments_by_activity ON activity_enrolments (activity_id, status, id);
CREATE INDEX activity_enrolments_by_reader ON activity_enrolments (reader_id, status);
