#include "app/reader_merge.h"

#include "app/reader_care_ports.h"
#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::failure;
using domain::Outcome;

bool allowed(const Actor& actor) { return domain::role_allows(actor.role, domain::Permission::kMergeReaders); }

std::string describe(const MergeCounts& counts) {
  return "open_loans=" + std::to_string(counts.open_loans) + " past_loans=" + std::to_string(counts.past_loans) +
         " reservations=" + std::to_string(counts.reservations) + " charges=" + std::to_string(counts.charges) +
         " payments=" + std::to_string(counts.payments) + " enrolments=" + std::to_string(counts.enrolments) +
         " enquiries=" + std::to_string(counts.enquiries) +
         " study_applications=" + std::to_string(counts.study_applications) +
         " registration_applications=" + std::to_string(counts.registration_applications);
}

// Loads both records and decides; `then` runs when the merge may go ahead.
template <typename Then>
Outcome<MergePreview> decide(Repositories& repos, const std::string& kept_card, const std::string& other_card,
                             Then&& then) {
  const auto kept = repos.reader_merges.reader_by_card(std::string(trim(kept_card)));
  if (!kept) return failure(ErrorCode::kNotFound);
  const auto typed = std::string(trim(other_card));
  if (typed.empty()) return domain::invalid({{"other_card", ErrorCode::kRequired, {}}});
  const auto other = repos.reader_merges.reader_by_card(typed);
  if (!other) return domain::invalid({{"other_card", ErrorCode::kNotFound, {}}});
  MergePreview preview{*kept, *other, repos.reader_merges.counts(other->id), {}};
  preview.conflicts =
      domain::merge_conflicts(repos.reader_merges.holdings(kept->id), repos.reader_merges.holdings(other->id));
  if (preview.conflicts.empty()) then(preview);
  return preview;
}

}  // namespace

Outcome<MergeStart> merge_start(const Context& context, const Actor& actor, const std::string& kept_card) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<MergeStart> start;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    if (auto kept = repos.reader_merges.reader_by_card(std::string(trim(kept_card))))
      start = MergeStart{*kept, repos.reader_merges.candidates(kept->id)};
  });
  if (!start) return failure(ErrorCode::kNotFound);
  return std::move(*start);
}

Outcome<MergePreview> merge_preview(const Context& context, const Actor& actor, const std::string& kept_card,
                                    const std::string& other_card) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<MergePreview>> result;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    result = decide(repos, kept_card, other_card, [](const MergePreview&) {});
  });
  return std::move(*result);
}

Outcome<MergeCounts> merge_readers(const Context& context, const Actor& actor, const std::string& kept_card,
                                   const std::string& other_card) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<MergeCounts>> result;
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto decided = decide(repos, kept_card, other_card, [&](const MergePreview& preview) {
      repos.reader_merges.move(preview.other.id, preview.kept.id, now);
      // Both records changed under any form made before the merge (an edit of either reader is then told so).
      repos.reader_care.raise_version(preview.kept.id);
      repos.reader_care.raise_version(preview.other.id);
      repos.audit.record({now, actor.staff_id, "reader.merge", "reader:" + std::to_string(preview.kept.id),
                          "merged=reader:" + std::to_string(preview.other.id) + " " + describe(preview.moving)});
    });
    if (!decided) {
      result = decided.error();
    } else if (!decided->conflicts.empty()) {
      result = domain::invalid(decided->conflicts);
    } else {
      result = decided->moving;
    }
  });
  return std::move(*result);
}

}  // namespace shelfmark::app
