#include "app/reader_search.h"

namespace shelfmark::app {

using domain::ErrorCode;
using domain::ReaderQueryKind;

domain::Outcome<ReaderSearchResult> find_readers(const Context& context, const Actor& actor, const std::string& text) {
  if (!domain::role_allows(actor.role, domain::Permission::kFindReaders))
    return domain::failure(ErrorCode::kPermissionDenied);
  auto classified = domain::classify_reader_query(text);
  if (!classified) return classified.error();
  const auto& query = classified.value();
  ReaderSearchResult result;
  result.kind = query.kind;
  // Computed outside the transaction: the digest is keyed with the server secret, as registration does.
  const std::string digest = query.kind == ReaderQueryKind::kHkid ? context.tokens.digest("hkid:" + query.hkid) : "";
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto one = [&](std::optional<ReaderSummary> found) {
      result.readers.clear();
      if (found) result.readers.push_back(std::move(*found));
      result.total = static_cast<int>(result.readers.size());
    };
    auto many = [&](ReaderMatches matches) {
      result.readers = std::move(matches.readers);
      result.total = matches.total;
      result.partial = matches.partial;
    };
    switch (query.kind) {
      case ReaderQueryKind::kCard: {
        auto found = repos.readers.by_card(query.card);
        if (found) {
          result.card = found->card_number;
          one(std::move(found));
        } else if (!query.mobile.empty()) {
          result.kind = ReaderQueryKind::kMobile;
          many(repos.readers.by_mobile(query.mobile, kReaderResultsShown, kReaderMatchesCounted));
        }
        break;
      }
      case ReaderQueryKind::kHkid:
        one(repos.readers.by_hkid_digest(digest));
        break;
      case ReaderQueryKind::kEmail:
        many(repos.readers.by_email(query.email, kReaderResultsShown, kReaderMatchesCounted));
        break;
      case ReaderQueryKind::kMobile:
        many(repos.readers.by_mobile(query.mobile, kReaderResultsShown, kReaderMatchesCounted));
        break;
      case ReaderQueryKind::kName:
        many(repos.readers.by_name(query, kReaderResultsShown, kReaderMatchesCounted));
        break;
    }
  });
  return result;
}

}  // namespace shelfmark::app
