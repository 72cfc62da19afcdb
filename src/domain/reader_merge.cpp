#include "domain/reader_merge.h"

#include <set>

namespace shelfmark::domain {
namespace {

// A conflict for each key both lists hold, labelled with the kept record's label.
void shared(std::vector<FieldError>& out, const std::vector<MergeHoldings::Named>& kept,
            const std::vector<MergeHoldings::Named>& other, ErrorCode code, const char* param) {
  std::set<std::string> keys;
  for (const auto& held : other) keys.insert(held.key);
  std::set<std::string> reported;
  for (const auto& held : kept)
    if (keys.count(held.key) && reported.insert(held.key).second) out.push_back({"", code, {{param, held.label}}});
}

}  // namespace

std::vector<FieldError> merge_conflicts(const MergeHoldings& kept, const MergeHoldings& other) {
  std::vector<FieldError> out;
  if (kept.reader_id == other.reader_id) {
    out.push_back({"", ErrorCode::kMergeSameReader, {}});
    return out;
  }
  for (const auto* record : {&kept, &other})
    if (record->merged_into_card)
      out.push_back(
          {"", ErrorCode::kMergeAlreadyMerged, {{"card", record->card_number}, {"into", *record->merged_into_card}}});
  shared(out, kept.open_loans, other.open_loans, ErrorCode::kMergeSameItemOnLoan, "barcode");
  shared(out, kept.active_reservations, other.active_reservations, ErrorCode::kMergeSameTitleReserved, "title");
  shared(out, kept.activity_enrolments, other.activity_enrolments, ErrorCode::kMergeSameActivity, "activity");
  shared(out, kept.study_applications, other.study_applications, ErrorCode::kMergeSameStudyPeriod, "period");
  // An application in progress would, once decided, attach itself to a record that no longer works.
  for (const auto* record : {&kept, &other})
    if (record->open_application)
      out.push_back({"",
                     ErrorCode::kMergeOpenApplication,
                     {{"card", record->card_number}, {"reference", *record->open_application}}});
  return out;
}

}  // namespace shelfmark::domain
