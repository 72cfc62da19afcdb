// The catalogue: the search page (/{lang}/search) and /api/v1/search, a record's page (/{lang}/records/{id})
// with reserving or borrowing it for a signed-in reader, MARC exports of a record or of search results, and
// the staff's record and copies (/{lang}/staff/records/{id}, /{lang}/staff/items/{id}). Site dispatches to
// them; they call app/catalogue.h and app/catalogue_search.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/catalogue.h"
#include "app/catalogue_search.h"
#include "app/search_port.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class CataloguePages {
 public:
  CataloguePages(PageKit& kit, app::SearchIndex* search) : kit_(kit), search_(search) {}
  // Search, records, MARC exports, /api/v1/search, a reader's borrowing and reserving, and cataloguing.
  void add_routes(RouteTable& routes);
  Response search_page(Page& p);
  Response record_page(Page& p, const std::string& id_text, mustache::data content = mustache::data());
  Response staff_record(Page& p, long long id, const std::optional<app::ItemInput>& typed = std::nullopt,
                        const std::optional<domain::Failure>& failure = std::nullopt);
  Response staff_add_item(Page& p, long long record_id);
  Response staff_item(Page& p, long long item_id, const std::optional<app::ItemInput>& typed = std::nullopt,
                      const std::optional<domain::Failure>& failure = std::nullopt,
                      std::optional<long long> typed_version = std::nullopt);
  Response staff_edit_item(Page& p, long long item_id);
  Response record_export(Page& p, const std::string& id_text);
  Response search_export(Page& p);
  Response record_post(Page& p, long long record_id, const std::string& action);
  Response api_search(const Request& request);

 private:
  std::string facet_value_label(Language lang, const std::string& facet, const std::string& value,
                                const app::NetworkSnapshot& network) const;
  std::string availability_text(Language lang, const app::RecordSummary& record, const app::NetworkSnapshot& network,
                                std::string& css_class) const;
  std::string holding_status(Language lang, const app::HoldingView& holding, const app::NetworkSnapshot& network,
                             std::string& css_class) const;
  void item_form(Language lang, mustache::data& content, const app::NetworkSnapshot& network,
                 const app::ItemInput& values);

  PageKit& kit_;
  app::SearchIndex* search_;  // none: search is unavailable
};

}  // namespace shelfmark::web
