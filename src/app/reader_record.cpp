#include "app/reader_record.h"

#include "app/reader_care.h"

namespace shelfmark::app {

std::string receipt_number(const RecordPayment& payment) {
  auto digits = std::to_string(payment.id);
  if (digits.size() < 8) digits.insert(0, 8 - digits.size(), '0');
  return (payment.kind == "waiver" ? "W" : "P") + digits;
}

ReaderRecordView read_reader_record(Repositories& repos, const ReaderDetails& details, Date today) {
  const auto id = details.summary.id;
  const int n = kRecordRowsPerSection;
  ReaderRecordView view;
  view.details = details;
  view.current_loans = repos.readers.loans(id, false, n);
  if (details.keep_history) view.past_loans = repos.readers.loans(id, true, n);
  view.reservations = repos.readers.reservations(id, n);
  view.charges = repos.readers.charges(id, n);
  view.payments = repos.readers.payments(id, n);
  view.messages = repos.readers.messages({details.email, details.mobile}, n);
  view.applications = repos.readers.applications(id);
  view.enquiries = repos.readers.enquiries(id, n);
  view.enrolments = repos.readers.enrolments(id, n);
  view.study_applications = repos.readers.study_applications(id, n);
  view.history = repos.readers.events(id, n);
  for (auto& block : repos.reader_care.blocks(id))
    if (block_in_force(block, today)) view.blocks_in_force.push_back(std::move(block));
  view.notes = repos.reader_care.notes(id);
  view.guarantor = repos.reader_care.guarantor(id);
  return view;
}

domain::Outcome<ReaderRecordView> reader_record(const Context& context, const Actor& actor,
                                                const std::string& card_number) {
  if (!domain::role_allows(actor.role, domain::Permission::kFindReaders))
    return domain::failure(domain::ErrorCode::kPermissionDenied);
  std::optional<ReaderRecordView> view;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    view.reset();
    const auto summary = repos.readers.by_card(card_number);
    if (!summary) return;
    const auto details = repos.readers.details(summary->id);
    if (!details) return;
    view = read_reader_record(repos, *details, context.zone.to_local(context.clock.now()).date);
    repos.audit.record(
        {context.clock.now(), actor.staff_id, "reader.view", "reader:" + std::to_string(summary->id), ""});
  });
  if (!view) return domain::failure(domain::ErrorCode::kNotFound);
  return std::move(*view);
}

}  // namespace shelfmark::app
