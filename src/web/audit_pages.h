// The audit trail for administrators and auditors (Permission::kReadAudit): /{lang}/staff/audit, the log
// filtered by staff member, reader's card, action, subject and Hong Kong dates, newest first, a page at a time;
// and /{lang}/staff/audit.csv, the same filter as a spreadsheet (formula-safe cells, UTF-8 with a byte order
// mark), itself audited. Both are reads: nothing here changes the log. They call app/audit_trail.h.
#pragma once

#include <optional>

#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class AuditPages {
 public:
  explicit AuditPages(PageKit& kit) : kit_(kit) {}
  void add_routes(RouteTable& routes);

 private:
  Response trail(Page& p);
  Response export_csv(Page& p);
  // The page with the filters as typed and, when they are good, the rows.
  Response render(Page& p, const std::optional<domain::Failure>& failure);

  PageKit& kit_;
};

}  // namespace shelfmark::web
