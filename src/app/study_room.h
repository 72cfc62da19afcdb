// Students' Study Room admission cards (issue 8): staff open application periods, readers apply for one
// session (once per period) and may withdraw before the deadline, staff run the recorded draw after it
// (again if they wish, until they publish), publish the results (applicants are told by message), release
// declined places to the waiting list, and check admission cards by their QR code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/notices.h"
#include "app/ports.h"
#include "app/study_room_ports.h"
#include "domain/study_room.h"

namespace shelfmark::app {

// ----- staff -----

domain::Outcome<long long> open_study_period(const Context& context, const Actor& actor,
                                             const domain::StudyPeriodForm& form);
std::vector<StudyPeriodRecord> study_periods(const Context& context);
std::optional<StudyPeriodRecord> study_period(const Context& context, long long id);
domain::StudyPeriodPhase study_phase(const Context& context, const StudyPeriodRecord& period);

struct StudyPeriodApplications {
  StudyPeriodRecord period;
  std::vector<StudyApplicationRecord> applications;  // by session, then draw position
};
domain::Outcome<StudyPeriodApplications> study_period_applications(const Context& context, const Actor& actor,
                                                                   long long period_id);

// Draws with a fresh random seed, or with `seed` (tests; re-checking a recorded draw is done with
// domain::allocate_study_places). Refused before the deadline and after publication.
domain::Outcome<std::string> run_study_allocation(const Context& context, const Actor& actor, long long period_id,
                                                  std::optional<std::uint64_t> seed = std::nullopt);
// Issues the cards and tells every applicant.
domain::Outcome<domain::Done> publish_study_results(const Context& context, const Actor& actor, long long period_id);
// A successful applicant gave up the place: the first on the session's waiting list gets it (and is told).
struct ReleasedPlace {
  long long period_id = 0;
  std::optional<long long> offered_to;  // the application that got the place, if anyone was waiting
};
domain::Outcome<ReleasedPlace> release_study_place(const Context& context, const Actor& actor,
                                                   long long application_id);

// ----- readers -----

domain::Outcome<long long> apply_for_study_room(const Context& context, long long reader_id, long long period_id,
                                                const domain::StudyApplicationForm& form);
domain::Outcome<domain::Done> withdraw_study_application(const Context& context, long long reader_id,
                                                         long long application_id);

struct ReaderStudyApplication {
  StudyApplicationRecord application;
  StudyPeriodRecord period;
  bool published = false;  // the outcome is shown only once published
  bool can_withdraw = false;
};
std::vector<ReaderStudyApplication> reader_study_applications(const Context& context, long long reader_id);

struct AdmissionCard {
  StudyApplicationRecord application;
  StudyPeriodRecord period;
  std::string check_path_token;  // for /{lang}/staff/study-room/check/<token>
};
// Only the reader's own, successful, published application; kNotFound otherwise.
domain::Outcome<AdmissionCard> admission_card(const Context& context, long long reader_id, long long application_id);

struct [[nodiscard]] AdmissionCardCheck {
  StudyApplicationRecord application;
  StudyPeriodRecord period;
  bool valid_today = false;  // a successful, published card within its validity dates
  Date today;
  std::string masked_reader_card;
};
// kPermissionDenied without kCheckAdmissionCards; kNotFound for a token that names no card.
domain::Outcome<AdmissionCardCheck> check_admission_card(const Context& context, const Actor& actor,
                                                         const std::string& token);

// The job forget-study-applications: applications are deleted a year (`keep_for`) after their period's cards
// expired, the period keeping only counts. Returns how many were deleted.
int forget_old_study_applications(const Context& context, std::chrono::days keep_for = std::chrono::days(365));

}  // namespace shelfmark::app
