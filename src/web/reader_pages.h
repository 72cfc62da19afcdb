// Finding a reader and the reader record for staff (Permission::kFindReaders): /{lang}/staff/readers?q=… (one
// search box; a card or E-Account number that is one reader's goes straight to the record) and
// /{lang}/staff/readers/{card} (the record, read-only; opening it is audited). They call app/reader_search.h and
// app/reader_record.h.
#pragma once

#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class ReaderPages {
 public:
  explicit ReaderPages(PageKit& kit) : kit_(kit) {}
  void add_routes(RouteTable& routes);

 private:
  Response search(Page& p);
  Response record(Page& p, const std::string& card);

  PageKit& kit_;
};

}  // namespace shelfmark::web
