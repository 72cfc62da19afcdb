// Storage port for Students' Study Room admission cards: application periods with their sessions, readers'
// applications (one per reader and period, enforced by a unique index), the recorded draw and the cards.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/study_room.h"

namespace shelfmark::app {

struct StudyPeriodRecord {
  long long id = 0;
  long long library_id = 0;
  std::string library_code;  // read only (joined)
  std::string library_name_en;
  std::string library_name_tc;
  std::string title_en;
  std::string title_tc;
  LocalDateTime opens_at;
  LocalDateTime closes_at;
  Date valid_from;
  Date valid_until;
  int places = 0;
  domain::PriorityRule priority = domain::PriorityRule::kExamCandidatesFirst;
  std::vector<domain::StudySession> sessions;
  std::string draw_seed;  // empty until the allocation has run
  std::string draw_algorithm;
  std::optional<Instant> allocated_at;
  std::optional<Instant> published_at;
};

struct StudyApplicationRecord {
  long long id = 0;
  long long period_id = 0;
  long long reader_id = 0;
  int session = 1;
  bool exam_candidate = false;
  bool private_candidate = false;
  std::string school_name;
  domain::StudyOutcome outcome = domain::StudyOutcome::kPending;
  Instant applied_at;
  std::optional<int> draw_position;
  bool in_priority_group = false;
  std::string card_number;
  // Read only (joined from readers), for staff lists and the card.
  std::string reader_name;
  std::string reader_card_number;
};

class StudyRoomRepository {
 public:
  virtual ~StudyRoomRepository() = default;
  virtual long long insert_period(const StudyPeriodRecord& period, Instant at, long long staff_id) = 0;
  virtual std::optional<StudyPeriodRecord> period(long long id) = 0;
  virtual std::vector<StudyPeriodRecord> periods() = 0;  // newest first, with their sessions
  // Throws StoreError(kUniqueViolation) when the reader already has an application (not withdrawn) there.
  virtual long long insert_application(const StudyApplicationRecord& application) = 0;
  virtual std::optional<StudyApplicationRecord> application(long long id) = 0;
  virtual std::optional<StudyApplicationRecord> active_application(long long period_id, long long reader_id) = 0;
  // Every application of the period but the withdrawn, by session then draw position then id.
  virtual std::vector<StudyApplicationRecord> applications_of_period(long long period_id) = 0;
  virtual std::vector<StudyApplicationRecord> applications_of_reader(long long reader_id) = 0;  // newest first
  virtual void withdraw(long long application_id, Instant at) = 0;
  virtual void set_result(long long application_id, domain::StudyOutcome outcome, std::optional<int> draw_position,
                          bool in_priority_group) = 0;
  virtual void set_card(long long application_id, const std::string& card_number, const std::string& token_digest) = 0;
  virtual void record_draw(long long period_id, const std::string& seed, const std::string& algorithm, Instant at,
                           long long staff_id) = 0;
  // False when it was already published (by someone else at the same moment).
  virtual bool publish(long long period_id, Instant at, long long staff_id) = 0;
  virtual std::optional<StudyApplicationRecord> by_card_token(const std::string& token_digest) = 0;
  // Applications of periods whose cards expired before `valid_until_before` are deleted; each period keeps how
  // many applied and how many had a place. Returns how many applications were deleted.
  virtual int forget_applications(Date valid_until_before) = 0;
};

}  // namespace shelfmark::app
