// Ports of merging two records of one reader (app/reader_merge.h): what each record holds, the records that may
// be the same person, and moving everything from one record to the other.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/reader_merge.h"

namespace shelfmark::app {

// One record as the merge page shows it: no HKID but its masked form.
struct MergeReader {
  long long id = 0;
  std::string card_number;
  std::string name;
  std::string name_zh;
  std::string hkid_masked;
  std::string date_of_birth;  // ISO date or empty
  std::string category;       // code
  std::string status;         // code
  std::optional<std::string> merged_into_card;
};

// How many rows of each kind belong to a record: what a merge moves.
struct MergeCounts {
  long long open_loans = 0;
  long long past_loans = 0;
  long long reservations = 0;
  long long charges = 0;
  long long payments = 0;
  long long enrolments = 0;
  long long enquiries = 0;
  long long study_applications = 0;
  long long registration_applications = 0;
  friend bool operator==(const MergeCounts&, const MergeCounts&) = default;
};

class ReaderMergeRepository {
 public:
  virtual ~ReaderMergeRepository() = default;
  virtual std::optional<MergeReader> reader_by_card(const std::string& card_number) = 0;
  virtual domain::MergeHoldings holdings(long long reader_id) = 0;
  virtual MergeCounts counts(long long reader_id) = 0;
  // Records that may be the same person as `reader_id`, not merged: the same HKID digest, or, for records
  // without one (migrated records, temporary cards), the same date of birth and the same English or Chinese name.
  virtual std::vector<MergeReader> candidates(long long reader_id) = 0;
  // Moves every row of `other_id` to `kept_id` and marks `other_id` merged into it; its card stops working.
  virtual void move(long long other_id, long long kept_id, Instant at) = 0;
};

}  // namespace shelfmark::app
