// Merging two records of one person (issue 15): the other record's loans, reservations, charges, history,
// enrolments and enquiries move to the kept record, and the other card stops working. Whether a merge may go
// ahead is a pure decision over what each record holds: merge_conflicts lists every reason it may not, each
// a FieldError naming the thing in conflict, so staff can resolve them all at once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"

namespace shelfmark::domain {

// What one reader record holds, as far as the conflict rules care.
struct MergeHoldings {
  long long reader_id = 0;
  std::string card_number;
  // Set when this record was merged into another already: the card of the record it went to.
  std::optional<std::string> merged_into_card;
  struct Named {
    std::string key;    // what must not be held twice: an item id, a title key, an activity id, a period id
    std::string label;  // what staff are shown: a barcode, a title, an activity's title
  };
  std::vector<Named> open_loans;                // key: item id, label: barcode
  std::vector<Named> active_reservations;       // key: title key, label: title
  std::vector<Named> activity_enrolments;       // confirmed or waitlisted; key: activity id, label: title
  std::vector<Named> study_applications;        // not withdrawn; key: period id
  std::optional<std::string> open_application;  // a registration application in progress: its reference
};

// Every reason `other` cannot be merged into `kept`; empty when it can. The database's unique constraints
// (one open loan per item, one active reservation per reader and title, one enrolment per reader and activity,
// one study room application per reader and period) are the source of these rules: moving the other record's
// rows must not break any of them.
std::vector<FieldError> merge_conflicts(const MergeHoldings& kept, const MergeHoldings& other);

}  // namespace shelfmark::domain
