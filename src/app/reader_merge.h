// Merging two records of one person (Permission::kMergeReaders, administrators): the kept record is the one
// whose page staff start from (/{lang}/staff/readers/{card}/merge), the other is chosen by card number or from
// the candidates (same HKID digest, or same date of birth and name for records without one). In one
// transaction the other record's loans (open and past), reservations, charges and payments, activity
// enrolments, enquiries, study room and registration applications move to the kept record, its sessions and
// password-reset links end, and its card stops working (suspended, no password or PIN, `merged_into` set).
// Refused with every reason when the records hold the same thing (domain::merge_conflicts). Audited
// `reader.merge`, subject the kept reader, the other and the counts moved in the detail.
#pragma once

#include <string>
#include <vector>

#include "app/notices.h"
#include "app/ports.h"
#include "app/reader_merge_ports.h"

namespace shelfmark::app {

struct MergePreview {
  MergeReader kept;
  MergeReader other;
  MergeCounts moving;                         // what the other record holds, all of which moves
  std::vector<domain::FieldError> conflicts;  // empty when the merge may go ahead
};

// The kept record and its candidates (possible duplicates).
struct MergeStart {
  MergeReader kept;
  std::vector<MergeReader> candidates;
};
domain::Outcome<MergeStart> merge_start(const Context& context, const Actor& actor, const std::string& kept_card);

// What merging `other_card` into `kept_card` would do. kNotFound for an unknown kept card; an unknown other
// card is a field error on "other_card".
domain::Outcome<MergePreview> merge_preview(const Context& context, const Actor& actor, const std::string& kept_card,
                                            const std::string& other_card);

// Merges, or refuses with every conflict (the failure's fields, each with an empty field name).
domain::Outcome<MergeCounts> merge_readers(const Context& context, const Actor& actor, const std::string& kept_card,
                                           const std::string& other_card);

}  // namespace shelfmark::app
