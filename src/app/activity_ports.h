// Storage port for extension activities and readers' enrolments in them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/activity.h"

namespace shelfmark::app {

struct ActivityFilter {
  std::vector<domain::ActivityStatus> statuses;  // empty: any
  std::vector<long long> library_ids;            // empty: anywhere (a district is its libraries)
  std::optional<domain::ActivityType> type;
  std::optional<domain::ActivityAudience> audience;
  std::optional<Instant> not_ended_by;  // hide events that ended by then (recordings always pass)
  std::optional<Instant> from;          // events starting at or after (recordings: viewable from)
  std::optional<Instant> until;         // events starting before
  int limit = 20;
  int offset = 0;
};

struct ActivityPage {
  std::vector<domain::Activity> activities;  // soonest first, recordings after events by viewing time
  long long total = 0;
};

struct EnrolmentRecord {
  long long id = 0;
  long long activity_id = 0;
  long long reader_id = 0;
  domain::EnrolmentStatus status = domain::EnrolmentStatus::kConfirmed;
  Instant enrolled_at;
  Instant changed_at;
  std::optional<bool> attended;  // unknown until staff mark it
};

// A row of a staff enrolment list: the enrolment with whom it belongs to.
struct EnrolmentListRow {
  EnrolmentRecord enrolment;
  std::string card_number;
  std::string reader_name;
  int waiting_position = 0;  // 1 = next to get a place; 0 when not waiting
};

// Writers of one activity's places take turns: lock() waits for any other transaction that locked the same
// activity, so counting and taking a place is one decision even with many nodes.
class ActivityRepository {
 public:
  virtual ~ActivityRepository() = default;
  virtual ActivityPage list(const ActivityFilter& filter) = 0;
  virtual std::optional<domain::Activity> by_id(long long id) = 0;
  // The activity, locked against other enrolment changes until the transaction ends.
  virtual std::optional<domain::Activity> lock(long long id) = 0;
  virtual long long insert(const domain::Activity& activity, Instant at) = 0;
  // Every field staff edit. False when the stored version is not `expected_version`.
  virtual bool update(const domain::Activity& activity, long long expected_version) = 0;
  virtual void set_places_taken(long long activity_id, int places_taken) = 0;

  // The reader's confirmed or waiting enrolment in the activity, if any.
  virtual std::optional<EnrolmentRecord> active_enrolment(long long activity_id, long long reader_id) = 0;
  virtual std::optional<EnrolmentRecord> enrolment_by_id(long long id) = 0;
  virtual int waiting_count(long long activity_id) = 0;
  // 1 for the first on the waiting list.
  virtual int waiting_position(long long activity_id, long long enrolment_id) = 0;
  // Throws StoreError(kUniqueViolation) when the reader already has a confirmed or waiting enrolment.
  virtual long long insert_enrolment(long long activity_id, long long reader_id, domain::EnrolmentStatus status,
                                     Instant at) = 0;
  virtual void set_enrolment_status(long long enrolment_id, domain::EnrolmentStatus status, Instant at) = 0;
  // The first `count` on the waiting list, in the order they joined it.
  virtual std::vector<EnrolmentRecord> first_waiting(long long activity_id, int count) = 0;
  // Confirmed and waiting enrolments (cancelled ones too when asked), confirmed first, then the waiting list.
  virtual std::vector<EnrolmentListRow> enrolment_list(long long activity_id, bool with_cancelled) = 0;
  virtual void set_attendance(long long enrolment_id, std::optional<bool> attended, long long staff_id, Instant at) = 0;

  // The reader's confirmed and waiting enrolments (and cancelled ones when asked) with their activities, soonest
  // first.
  virtual std::vector<std::pair<EnrolmentRecord, domain::Activity>> enrolments_of_reader(long long reader_id,
                                                                                         bool with_cancelled) = 0;
  // Libraries the reader uses: where they borrowed since `since`, collect reservations, and go to activities.
  virtual std::vector<long long> libraries_used_by(long long reader_id, Instant since) = 0;
  // Enrolments in activities that ended before `before` are deleted (the activity keeps its counts of
  // enrolled and attended readers). Returns how many.
  virtual int forget_enrolments(Instant before) = 0;
};

}  // namespace shelfmark::app
