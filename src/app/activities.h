// Extension activities: what the public browses, readers' enrolment with its waiting list, staff publishing,
// enrolment lists and attendance, and My Information (a reader's activities and news of their libraries).
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "app/activity_ports.h"
#include "app/notices.h"
#include "app/ports.h"
#include "domain/activity.h"

namespace shelfmark::app {

// ----- the public -----

struct PublicActivityFilter {
  std::optional<long long> library_id;
  std::optional<domain::District> district;
  std::optional<domain::ActivityType> type;
  std::optional<domain::ActivityAudience> audience;
  std::optional<Date> from;  // local dates, inclusive
  std::optional<Date> until;
  int page = 1;
  int per_page = 20;
};
// Published and cancelled activities that have not ended (drafts never show).
ActivityPage public_activities(const Context& context, const PublicActivityFilter& filter);
// Nullopt for a draft or an unknown id.
std::optional<domain::Activity> public_activity(const Context& context, long long id);

// ----- readers -----

struct ReaderEnrolment {
  domain::EnrolmentStatus status = domain::EnrolmentStatus::kConfirmed;
  int waiting_position = 0;  // 1 = next to get a place
  bool told = false;         // a confirmation was queued (not when the reader chose no notices)
};
std::optional<ReaderEnrolment> reader_enrolment(const Context& context, long long activity_id, long long reader_id);
// A place, or a place on the waiting list when the places are taken. Exactly one of several readers racing for
// the last place gets it: the activity row is locked while places are counted.
domain::Outcome<ReaderEnrolment> enrol(const Context& context, long long reader_id, long long activity_id);
// Gives the place up; the first on the waiting list gets it and is told.
domain::Outcome<domain::Done> cancel_enrolment(const Context& context, long long reader_id, long long activity_id);

// My Information.
struct MyActivity {
  domain::Activity activity;
  ReaderEnrolment enrolment;
};
struct LibraryNews {
  long long library_id = 0;
  domain::Notice notice;
};
struct MyInformation {
  std::vector<MyActivity> activities;     // confirmed and waiting, soonest first; past ones for 30 days
  std::vector<LibraryNews> library_news;  // current notices of the libraries the reader uses, newest first
};
MyInformation my_information(const Context& context, long long reader_id);
// Every enrolment the library still holds about the reader, cancelled ones included (their data download).
std::vector<std::pair<EnrolmentRecord, domain::Activity>> reader_enrolment_history(const Context& context,
                                                                                   long long reader_id);

// ----- staff -----

ActivityPage staff_activities(const Context& context, const Actor& actor, int page, int per_page);
domain::Outcome<domain::Activity> staff_activity(const Context& context, const Actor& actor, long long id);
// Creates (id nullopt) or changes an activity (kManageActivities). Raising the quota offers the new places to
// the waiting list; cancelling tells everyone enrolled. Returns the id.
domain::Outcome<long long> save_activity(const Context& context, const Actor& actor, std::optional<long long> id,
                                         long long expected_version, const domain::ActivityInput& input);

struct EnrolmentList {
  domain::Activity activity;
  std::vector<EnrolmentListRow> rows;
};
// kRunActivities.
domain::Outcome<EnrolmentList> enrolment_list(const Context& context, const Actor& actor, long long activity_id);
// Marks attendance of confirmed enrolments: enrolment id -> attended (nullopt: not known). Ids of other
// activities are refused as a whole.
domain::Outcome<int> mark_attendance(const Context& context, const Actor& actor, long long activity_id,
                                     const std::map<long long, std::optional<bool>>& attendance);

// An account that is withdrawn (its registration rejected or expired) gives up its places at once, in the
// caller's transaction: each goes to the first on the waiting list, as when a reader cancels.
void release_enrolments_of_reader(const Context& context, Repositories& repos, long long reader_id, Instant now);

// ----- jobs -----

// Deletes enrolments a year after their activity ended (the job forget-enrolments).
int forget_old_enrolments(const Context& context, std::chrono::days keep_for = std::chrono::days(365));

}  // namespace shelfmark::app
