#include "domain/study_room.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/text.h"
#include "domain/code_table.h"
#include "domain/library.h"

namespace shelfmark::domain {
namespace {

constexpr CodeRow<PriorityRule> kPriorityRules[] = {
    {PriorityRule::kExamCandidatesFirst, "exam_candidates_first", "Candidates of public examinations first"},
    {PriorityRule::kNone, "none", "No priority: one draw for everyone"},
};

constexpr CodeRow<StudyOutcome> kOutcomes[] = {
    {StudyOutcome::kPending, "pending", "Waiting for the results"},
    {StudyOutcome::kSuccessful, "successful", "Successful"},
    {StudyOutcome::kWaiting, "waiting", "On the waiting list"},
    {StudyOutcome::kDeclined, "declined", "Place given up"},
    {StudyOutcome::kWithdrawn, "withdrawn", "Withdrawn"},
};

std::string session_field(int index, const char* part) { return "session" + std::to_string(index + 1) + "_" + part; }

// Reads one time field: empty -> nullopt without error (the caller decides whether it is required).
std::optional<MinuteOfDay> read_time(std::vector<FieldError>& errors, const std::string& field, std::string_view text) {
  const auto trimmed = trim(text);
  if (trimmed.empty()) return std::nullopt;
  const auto minute = parse_time_of_day(trimmed);
  if (!minute) errors.push_back({field, ErrorCode::kInvalidTime, {}});
  return minute;
}

}  // namespace

std::string study_session_times(const StudySession& session, bool weekend_or_holiday) {
  return weekend_or_holiday ? format_time_of_day(session.weekend_start) + "-" + format_time_of_day(session.weekend_end)
                            : format_time_of_day(session.weekday_start) + "-" + format_time_of_day(session.weekday_end);
}

std::string_view priority_rule_code(PriorityRule rule) { return code_of(kPriorityRules, rule); }
std::string_view priority_rule_label(PriorityRule rule) { return label_of(kPriorityRules, rule); }
std::optional<PriorityRule> parse_priority_rule(std::string_view code) { return parse_code(kPriorityRules, code); }

std::string_view study_outcome_code(StudyOutcome outcome) { return code_of(kOutcomes, outcome); }
std::string_view study_outcome_label(StudyOutcome outcome) { return label_of(kOutcomes, outcome); }
std::optional<StudyOutcome> parse_study_outcome(std::string_view code) { return parse_code(kOutcomes, code); }

Outcome<StudyPeriodDetails> validate_study_period(const StudyPeriodForm& form) {
  std::vector<FieldError> errors;
  StudyPeriodDetails details;
  check_text(errors, "title_en", form.title_en, kMaxStudyTitle, true);
  check_text(errors, "title_tc", form.title_tc, kMaxStudyTitle, true);
  details.title_en = clean_single_line_text(form.title_en);
  details.title_tc = clean_single_line_text(form.title_tc);
  details.library_code = std::string(trim(form.library_code));
  if (details.library_code.empty()) errors.push_back({"library_code", ErrorCode::kRequired, {}});

  std::optional<LocalDateTime> opens;
  std::optional<LocalDateTime> closes;
  const auto read_moment = [&](const char* field, std::string_view text, std::optional<LocalDateTime>& out) {
    if (trim(text).empty()) {
      errors.push_back({field, ErrorCode::kRequired, {}});
    } else if (!(out = parse_local_date_time(trim(text)))) {
      errors.push_back({field, ErrorCode::kInvalidDate, {}});
    }
  };
  read_moment("opens_at", form.opens_at, opens);
  read_moment("closes_at", form.closes_at, closes);
  if (opens && closes && *closes <= *opens) errors.push_back({"closes_at", ErrorCode::kStudyWindowInvalid, {}});

  std::optional<Date> from;
  std::optional<Date> until;
  const auto read_date = [&](const char* field, std::string_view text, std::optional<Date>& out) {
    if (trim(text).empty()) {
      errors.push_back({field, ErrorCode::kRequired, {}});
    } else if (!(out = parse_iso_date(trim(text)))) {
      errors.push_back({field, ErrorCode::kInvalidDate, {}});
    }
  };
  read_date("valid_from", form.valid_from, from);
  read_date("valid_until", form.valid_until, until);
  if (from && until && *until < *from) errors.push_back({"valid_until", ErrorCode::kDateRangeInvalid, {}});
  if (from && closes && *from <= closes->date)
    errors.push_back({"valid_from", ErrorCode::kStudyCardsValidBeforeClose, {}});

  const auto places_text = trim(form.places);
  const std::map<std::string, std::string> range{{"min", "1"}, {"max", std::to_string(kMaxStudyPlaces)}};
  if (places_text.empty()) {
    errors.push_back({"places", ErrorCode::kRequired, {}});
  } else {
    int places = 0;
    bool digits = places_text.size() <= 4;
    for (char c : places_text) {
      if (c < '0' || c > '9')
        digits = false;
      else
        places = places * 10 + (c - '0');
    }
    if (!digits || places < 1 || places > kMaxStudyPlaces)
      errors.push_back({"places", ErrorCode::kNumberOutOfRange, range});
    else
      details.places = places;
  }

  if (const auto rule = parse_priority_rule(trim(form.priority)))
    details.priority = *rule;
  else
    errors.push_back({"priority", trim(form.priority).empty() ? ErrorCode::kRequired : ErrorCode::kInvalidChoice, {}});

  // Sessions: a row with any time given must have all four; rows are numbered by their place in the form.
  std::optional<MinuteOfDay> previous_weekday_end;
  std::optional<MinuteOfDay> previous_weekend_end;
  for (int i = 0; i < kMaxStudySessions; ++i) {
    const std::string* texts[] = {&form.weekday_start[i], &form.weekday_end[i], &form.weekend_start[i],
                                  &form.weekend_end[i]};
    const char* parts[] = {"weekday_start", "weekday_end", "weekend_start", "weekend_end"};
    bool any = false;
    for (const auto* text : texts) any = any || !trim(*text).empty();
    if (!any) continue;
    std::optional<MinuteOfDay> times[4];
    bool complete = true;
    for (int k = 0; k < 4; ++k) {
      const auto field = session_field(i, parts[k]);
      if (trim(*texts[k]).empty()) {
        errors.push_back({field, ErrorCode::kRequired, {}});
        complete = false;
      } else if (!(times[k] = read_time(errors, field, *texts[k]))) {
        complete = false;
      }
    }
    if (!complete) continue;
    bool ranges_ok = true;
    if (*times[1] <= *times[0]) {
      errors.push_back({session_field(i, "weekday_end"), ErrorCode::kTimeRangeInvalid, {}});
      ranges_ok = false;
    }
    if (*times[3] <= *times[2]) {
      errors.push_back({session_field(i, "weekend_end"), ErrorCode::kTimeRangeInvalid, {}});
      ranges_ok = false;
    }
    if (!ranges_ok) continue;
    if ((previous_weekday_end && *times[0] < *previous_weekday_end) ||
        (previous_weekend_end && *times[2] < *previous_weekend_end))
      errors.push_back({session_field(i, "weekday_start"), ErrorCode::kStudySessionsOverlap, {}});
    previous_weekday_end = times[1];
    previous_weekend_end = times[3];
    details.sessions.push_back(
        {static_cast<int>(details.sessions.size()) + 1, *times[0], *times[1], *times[2], *times[3]});
  }
  bool any_session_field_error = false;
  for (const auto& error : errors)
    any_session_field_error = any_session_field_error || error.field.rfind("session", 0) == 0;
  if (details.sessions.empty() && !any_session_field_error)
    errors.push_back({session_field(0, "weekday_start"), ErrorCode::kStudySessionRequired, {}});

  if (!errors.empty()) return invalid(std::move(errors));
  details.opens_at = *opens;
  details.closes_at = *closes;
  details.valid_from = *from;
  details.valid_until = *until;
  return details;
}

StudyPeriodPhase study_period_phase(LocalDateTime now, LocalDateTime opens_at, LocalDateTime closes_at, bool allocated,
                                    bool published) {
  if (published) return StudyPeriodPhase::kPublished;
  if (allocated) return StudyPeriodPhase::kAllocated;
  if (now < opens_at) return StudyPeriodPhase::kNotYetOpen;
  if (now < closes_at) return StudyPeriodPhase::kOpen;
  return StudyPeriodPhase::kClosed;
}

std::string_view study_period_phase_label(StudyPeriodPhase phase) {
  switch (phase) {
    case StudyPeriodPhase::kNotYetOpen:
      return "Not yet open";
    case StudyPeriodPhase::kOpen:
      return "Open for applications";
    case StudyPeriodPhase::kClosed:
      return "Closed: waiting for the allocation";
    case StudyPeriodPhase::kAllocated:
      return "Allocated: results not yet published";
    case StudyPeriodPhase::kPublished:
      return "Results published";
  }
  return "";
}

Outcome<StudyApplicationDetails> validate_study_application(const StudyApplicationForm& form, int sessions) {
  std::vector<FieldError> errors;
  StudyApplicationDetails details;
  const auto session = trim(form.session);
  if (session.empty()) {
    errors.push_back({"session", ErrorCode::kRequired, {}});
  } else if (session.size() != 1 || session[0] < '1' || session[0] - '0' > sessions) {
    errors.push_back({"session", ErrorCode::kInvalidChoice, {}});
  } else {
    details.session = session[0] - '0';
  }
  const auto candidate = trim(form.exam_candidate);
  if (candidate == "yes") {
    details.exam_candidate = true;
    const auto type = trim(form.candidate_type);
    if (type == "private") {
      details.private_candidate = true;
    } else if (type == "school") {
      check_text(errors, "school_name", form.school_name, kMaxSchoolName, true);
      details.school_name = clean_single_line_text(form.school_name);
    } else {
      errors.push_back({"candidate_type", type.empty() ? ErrorCode::kRequired : ErrorCode::kInvalidChoice, {}});
    }
  } else if (candidate != "no") {
    errors.push_back({"exam_candidate", candidate.empty() ? ErrorCode::kRequired : ErrorCode::kInvalidChoice, {}});
  }
  if (!errors.empty()) return invalid(std::move(errors));
  return details;
}

bool study_applications_open(LocalDateTime now, LocalDateTime opens_at, LocalDateTime closes_at) {
  return opens_at <= now && now < closes_at;
}

std::uint64_t splitmix64_mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix64::next() {
  state_ += 0x9E3779B97F4A7C15ULL;
  return splitmix64_mix(state_);
}

std::uint64_t study_draw_key(std::uint64_t seed, long long application_id) {
  return splitmix64_mix(seed ^ splitmix64_mix(static_cast<std::uint64_t>(application_id)));
}

std::string format_draw_seed(std::uint64_t seed) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(seed));
  return text;
}

std::optional<std::uint64_t> parse_draw_seed(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t seed = 0;
  for (char c : text) {
    int digit = 0;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else
      return std::nullopt;
    seed = (seed << 4) | static_cast<std::uint64_t>(digit);
  }
  return seed;
}

std::vector<StudyAllocation> allocate_study_places(const std::vector<StudyApplicant>& applicants, int places,
                                                   PriorityRule rule, std::uint64_t seed) {
  struct Ranked {
    StudyApplicant applicant;
    bool priority;
    std::uint64_t key;
  };
  std::map<int, std::vector<Ranked>> by_session;
  for (const auto& applicant : applicants) {
    const bool priority = rule == PriorityRule::kExamCandidatesFirst && applicant.exam_candidate;
    by_session[applicant.session].push_back({applicant, priority, study_draw_key(seed, applicant.application_id)});
  }
  std::vector<StudyAllocation> result;
  result.reserve(applicants.size());
  for (auto& [session, ranked] : by_session) {
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
      if (a.priority != b.priority) return a.priority;
      if (a.key != b.key) return a.key < b.key;
      return a.applicant.application_id < b.applicant.application_id;
    });
    int position = 0;
    for (const auto& entry : ranked) {
      ++position;
      result.push_back({entry.applicant.application_id, session, position, entry.priority, position <= places});
    }
  }
  return result;
}

std::string study_card_number(long long period_id, int session, int draw_position) {
  char text[40];
  std::snprintf(text, sizeof text, "SR-%06lld-%d-%03d", period_id, session, draw_position);
  return text;
}

bool study_card_valid_on(Date day, Date valid_from, Date valid_until) {
  return valid_from <= day && day <= valid_until;
}

std::string mask_reader_card(std::string_view card_number) {
  if (card_number.size() <= 4) return std::string(card_number.size(), '*');
  return std::string(card_number.size() - 4, '*') + std::string(card_number.substr(card_number.size() - 4));
}

}  // namespace shelfmark::domain
