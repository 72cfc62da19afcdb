#include "app/cards.h"

#include "app/circulation_internal.h"

namespace shelfmark::app {

using domain::Outcome;
using namespace internal;

Outcome<domain::Done> report_card_lost(const Context& context, const std::string& card_number,
                                       std::optional<long long> staff_id) {
  const auto now = context.clock.now();
  bool found = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reader = repos.circulation.reader_by_card(card_number);
    found = reader.has_value();
    if (!reader || reader->status == domain::ReaderStatus::kCardReportedLost) return;
    repos.circulation.mark_card_lost(reader->id);
    repos.audit.record({now, staff_id, "reader.card_lost", "reader:" + std::to_string(reader->id), ""});
  });
  if (!found) return not_found("card");
  return domain::Done{};
}

}  // namespace shelfmark::app
