// Merging two records of one reader (/{lang}/staff/readers/{card}/merge, Permission::kMergeReaders): the kept
// record, the possible duplicates, the other record chosen by card number shown side by side (masked HKID
// only) with what will move and any conflicts, and the confirmation. Calls app/reader_merge.h.
#pragma once

#include <optional>
#include <string>

#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class ReaderMergePages {
 public:
  explicit ReaderMergePages(PageKit& kit) : kit_(kit) {}
  void add_routes(RouteTable& routes);

 private:
  Response merge_page(Page& p, const std::string& card, const std::string& other_card,
                      const std::optional<domain::Failure>& failure = std::nullopt);
  Response merge_post(Page& p, const std::string& card);

  PageKit& kit_;
};

}  // namespace shelfmark::web
