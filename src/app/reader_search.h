// Finding a reader (staff with Permission::kFindReaders: administrators, counter staff, verifiers): one search
// box that takes a card or E-Account number, an HKID in any common spelling (looked up through its keyed digest;
// the number is neither logged nor stored), an email, a mobile number or part of a name in either script.
// Results show the masked HKID only. Queries are not audited (they reveal no more than the results list);
// opening a record is (reader_record.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/notices.h"
#include "app/ports.h"
#include "app/reader_ports.h"
#include "domain/reader_search.h"

namespace shelfmark::app {

inline constexpr int kReaderResultsShown = 50;
inline constexpr int kReaderMatchesCounted = 1000;  // beyond this the total is "more than 1,000"

struct ReaderSearchResult {
  domain::ReaderQueryKind kind = domain::ReaderQueryKind::kName;
  std::vector<ReaderSummary> readers;  // at most kReaderResultsShown
  int total = 0;                       // > kReaderMatchesCounted: more than that
  bool partial = false;                // stopped early: refine the query (ReaderMatches::partial)
  // Set when the query is a card or E-Account number that is exactly one reader's: a scan of a card goes
  // straight to the record.
  std::optional<std::string> card;
};

// Refused with kPermissionDenied without kFindReaders, and with the classification's field error ("q") for an
// empty, too short or too long query or an HKID with the wrong check character.
domain::Outcome<ReaderSearchResult> find_readers(const Context& context, const Actor& actor, const std::string& text);

}  // namespace shelfmark::app
