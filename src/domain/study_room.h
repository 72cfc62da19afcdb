// Students' Study Room admission cards: application periods (sessions with weekday and weekend hours, the
// application window, the cards' validity, places per session, the priority rule), readers' applications,
// and the allocation: the priority group first, then a reproducible draw (ADR 0014). Pure rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "domain/errors.h"

namespace shelfmark::domain {

// ----- periods -----

// One session of the day: weekdays have one time range, weekends and public holidays another (the study room
// closes earlier then, e.g. 17:30-21:30 instead of 17:30-22:00).
struct StudySession {
  int number = 1;  // 1, 2, 3 in order of the day
  MinuteOfDay weekday_start = 0;
  MinuteOfDay weekday_end = 0;
  MinuteOfDay weekend_start = 0;
  MinuteOfDay weekend_end = 0;
  friend bool operator==(const StudySession&, const StudySession&) = default;
};
inline constexpr int kMaxStudySessions = 3;
// "08:00-12:30" on a weekday, "08:00-12:30" on a weekend or holiday.
std::string study_session_times(const StudySession& session, bool weekend_or_holiday);

enum class PriorityRule { kExamCandidatesFirst, kNone };
std::string_view priority_rule_code(PriorityRule rule);   // "exam_candidates_first", "none"
std::string_view priority_rule_label(PriorityRule rule);  // a gettext msgid
std::optional<PriorityRule> parse_priority_rule(std::string_view code);

// What staff type, as typed (shown back unchanged with the errors).
struct StudyPeriodForm {
  std::string title_en;
  std::string title_tc;
  std::string library_code;
  std::string opens_at;     // "2027-02-10T09:00" (local)
  std::string closes_at;    // "2027-02-24T17:00"
  std::string valid_from;   // "2027-03-01"
  std::string valid_until;  // "2027-05-31"
  std::string places;       // per session
  std::string priority;     // a PriorityRule code
  // Per session row (index 0..kMaxStudySessions-1); a row left blank is no session.
  std::string weekday_start[kMaxStudySessions];
  std::string weekday_end[kMaxStudySessions];
  std::string weekend_start[kMaxStudySessions];
  std::string weekend_end[kMaxStudySessions];
};

struct StudyPeriodDetails {
  std::string title_en;
  std::string title_tc;
  std::string library_code;
  LocalDateTime opens_at;
  LocalDateTime closes_at;
  Date valid_from;
  Date valid_until;
  int places = 0;
  PriorityRule priority = PriorityRule::kExamCandidatesFirst;
  std::vector<StudySession> sessions;
};
inline constexpr int kMaxStudyPlaces = 500;
inline constexpr std::size_t kMaxStudyTitle = 120;

// Field names: title_en, title_tc, library_code, opens_at, closes_at, valid_from, valid_until, places,
// priority, session1_weekday_start ... session3_weekend_end, sessions (none given). Whether the library exists
// is checked by the caller.
Outcome<StudyPeriodDetails> validate_study_period(const StudyPeriodForm& form);

// Where a period stands at a moment (local time), from its stored facts.
enum class StudyPeriodPhase { kNotYetOpen, kOpen, kClosed, kAllocated, kPublished };
StudyPeriodPhase study_period_phase(LocalDateTime now, LocalDateTime opens_at, LocalDateTime closes_at, bool allocated,
                                    bool published);
std::string_view study_period_phase_label(StudyPeriodPhase phase);  // a gettext msgid

// ----- applications -----

struct StudyApplicationForm {
  std::string session;         // "1".."3"
  std::string exam_candidate;  // "yes" or "no"
  std::string candidate_type;  // "school" or "private" (when a candidate)
  std::string school_name;     // for a school candidate
};
struct StudyApplicationDetails {
  int session = 1;
  bool exam_candidate = false;
  bool private_candidate = false;
  std::string school_name;
};
inline constexpr std::size_t kMaxSchoolName = 120;
// Field names: session, exam_candidate, candidate_type, school_name. `sessions` is how many the period has.
Outcome<StudyApplicationDetails> validate_study_application(const StudyApplicationForm& form, int sessions);

// Applications are accepted from opening to closing (closing itself excluded) and withdrawn before closing.
bool study_applications_open(LocalDateTime now, LocalDateTime opens_at, LocalDateTime closes_at);

enum class StudyOutcome { kPending, kSuccessful, kWaiting, kDeclined, kWithdrawn };
std::string_view study_outcome_code(StudyOutcome outcome);   // "pending", "successful", "waiting", ...
std::string_view study_outcome_label(StudyOutcome outcome);  // a gettext msgid
std::optional<StudyOutcome> parse_study_outcome(std::string_view code);

// ----- the allocation (ADR 0014) -----

// SplitMix64 (Steele, Lea and Flood 2014; the constants of Vigna's reference implementation): the state
// advances by 0x9E3779B97F4A7C15 and each output is the state mixed by two multiply-xorshift rounds. Written
// out here so that the draw is the same on every compiler and platform, and anyone can re-run it.
std::uint64_t splitmix64_mix(std::uint64_t z);
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();

 private:
  std::uint64_t state_;
};

// The draw key of one application: splitmix64_mix(seed XOR splitmix64_mix(application id)). Applicants are
// ordered by ascending key, ties (never seen in practice) by ascending application id.
std::uint64_t study_draw_key(std::uint64_t seed, long long application_id);
inline constexpr std::string_view kStudyDrawAlgorithm = "splitmix64-key-v1";

// Seeds are shown and stored as 16 lower-case hex digits.
std::string format_draw_seed(std::uint64_t seed);
std::optional<std::uint64_t> parse_draw_seed(std::string_view text);

struct StudyApplicant {
  long long application_id = 0;
  int session = 1;
  bool exam_candidate = false;
};
struct StudyAllocation {
  long long application_id = 0;
  int session = 1;
  int draw_position = 0;  // 1.. within the session: the order of places and then of the waiting list
  bool priority = false;  // in the priority group
  bool successful = false;
};
// Per session: the priority group (exam candidates, under kExamCandidatesFirst) before everyone else, each
// group in draw-key order; the first `places` are successful, the rest wait in that order. The result is
// ordered by session, then draw position.
std::vector<StudyAllocation> allocate_study_places(const std::vector<StudyApplicant>& applicants, int places,
                                                   PriorityRule rule, std::uint64_t seed);

// ----- admission cards -----

// "SR-000012-2-007": period, session, place. Printed on the card and read out at the door.
std::string study_card_number(long long period_id, int session, int draw_position);
bool study_card_valid_on(Date day, Date valid_from, Date valid_until);
// The reader's card number as staff checking an admission card see it: all but the last four characters
// masked ("****5678").
std::string mask_reader_card(std::string_view card_number);

}  // namespace shelfmark::domain
