#include "web/reader_merge_pages.h"

#include "app/reader_merge.h"
#include "domain/policy.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using mustache::data;

data reader_data(const PageKit& kit, Language lang, const app::MergeReader& reader) {
  data out;
  out.set("card", reader.card_number);
  out.set("name", reader.name);
  out.set("name_zh", reader.name_zh);
  out.set("hkid_masked", reader.hkid_masked);
  out.set("date_of_birth", reader.date_of_birth);
  const auto category = domain::parse_reader_category(reader.category);
  out.set("category", category ? kit.t(lang, domain::reader_category_label(*category)) : reader.category);
  if (reader.merged_into_card) out.set("merged_into", *reader.merged_into_card);
  return out;
}

data counts_data(const PageKit& kit, Language lang, const app::MergeCounts& counts) {
  auto rows = list();
  const std::pair<const char*, long long> kinds[] = {
      {N_("Loans now"), counts.open_loans},
      {N_("Past loans"), counts.past_loans},
      {N_("Reservations"), counts.reservations},
      {N_("Charges"), counts.charges},
      {N_("Payments and waivers"), counts.payments},
      {N_("Activity enrolments"), counts.enrolments},
      {N_("Enquiries"), counts.enquiries},
      {N_("Study room applications"), counts.study_applications},
      {N_("Registration applications"), counts.registration_applications},
  };
  for (const auto& kind : kinds) {
    data row;
    row.set("label", kit.t(lang, kind.first));
    row.set("count", std::to_string(kind.second));
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

void ReaderMergePages::add_routes(RouteTable& routes) {
  const auto admins = Access::staff({domain::Permission::kMergeReaders});
  routes.get("/{lang}/staff/readers/{card}/merge", admins, [this](Page& p, const RouteParams& params) {
    return merge_page(p, params.text(0), p.request.query_value("other_card"));
  });
  routes.post("/{lang}/staff/readers/{card}/merge", admins,
              [this](Page& p, const RouteParams& params) { return merge_post(p, params.text(0)); });
}

Response ReaderMergePages::merge_page(Page& p, const std::string& card, const std::string& other_card,
                                      const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  const auto& context = kit_.app_context();
  const auto actor = p.session->actor();
  auto start = app::merge_start(context, actor, card);
  if (!start) return kit_.failure_page(p, start.error());
  data content;
  content.set("kept", reader_data(kit_, lang, start->kept));
  content.set("other_card", other_card);
  auto candidates = list();
  for (const auto& candidate : start->candidates) candidates.push_back(reader_data(kit_, lang, candidate));
  content.set("has_candidates", !start->candidates.empty());
  content.set("candidates", candidates);
  int status = failure ? PageKit::form_status(*failure) : 200;
  std::optional<domain::Failure> shown = failure;
  if (!other_card.empty()) {
    auto preview = app::merge_preview(context, actor, card, other_card);
    if (preview) {
      content.set("preview", true);
      content.set("other", reader_data(kit_, lang, preview->other));
      content.set("moving", counts_data(kit_, lang, preview->moving));
      content.set("can_merge", preview->conflicts.empty());
      if (!preview->conflicts.empty() && !shown) {
        shown = domain::invalid(preview->conflicts);
        status = 200;  // a preview that shows conflicts is an answer, not a refused form
      }
    } else if (!shown) {
      // An unknown other card is a mistake in the field; an unknown kept card, or no permission, is not.
      if (preview.error().fields.empty())
        if (auto refused = kit_.refusal_page(p, preview.error())) return *refused;
      shown = preview.error();
      status = PageKit::form_status(preview.error());
    }
  }
  if (shown) kit_.add_failure(lang, content, *shown);
  add_flash(kit_.translations(), lang, content, p.request);
  p.switch_path = "/" + lang_code(lang) + "/staff/readers/" + percent_encode(card) + "/merge" +
                  (other_card.empty() ? "" : "?other_card=" + percent_encode(other_card));
  return kit_.page(p, "staff_reader_merge",
                   kit_.tf(lang, "Merge reader records: {card}", {{"card", start->kept.card_number}}), content, status);
}

Response ReaderMergePages::merge_post(Page& p, const std::string& card) {
  const auto other_card = p.request.form_value("other_card");
  auto merged = app::merge_readers(kit_.app_context(), p.session->actor(), card, other_card);
  if (!merged) {
    if (merged.error().fields.empty())
      if (auto refused = kit_.refusal_page(p, merged.error())) return *refused;
    return merge_page(p, card, other_card, merged.error());
  }
  return redirect("/" + lang_code(p.lang) + "/staff/readers/" + percent_encode(card) + "/merge?saved=1");
}

}  // namespace shelfmark::web
