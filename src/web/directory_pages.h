// The library directory and notices: the home page, /{lang}/libraries and each library, /{lang}/notices and
// each notice; for staff, the staff home page, notices (/{lang}/staff/notices/*), the libraries and the
// editing of one (details, hours, special hours, mobile stops, closures) and public holidays. Site
// dispatches to them; they call app/directory.h, app/notices.h and app/library_admin.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/directory.h"
#include "app/notices.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class DirectoryPages {
 public:
  explicit DirectoryPages(PageKit& kit) : kit_(kit) {}
  // The home page, libraries, notices, holidays and library editing.
  void add_routes(RouteTable& routes);
  // What a POST to /{lang}/staff/libraries/{code}/… changes.
  enum class LibraryEdit {
    kDetails,
    kHours,
    kAddSpecialHours,
    kRemoveSpecialHours,
    kAddStop,
    kRemoveStop,
    kAddClosure,
    kRemoveClosure
  };
  Response home(Page& p);
  Response libraries(Page& p);
  Response library(Page& p, const std::string& code);
  Response notices(Page& p);
  Response notice(Page& p, const std::string& id_text);
  Response staff_home(Page& p);
  Response staff_notices(Page& p);
  Response staff_notice_new(Page& p);
  Response staff_notice_create(Page& p);
  Response staff_notice_edit(Page& p, long long id);
  Response staff_notice_update(Page& p, long long id);
  Response staff_notice_expire(Page& p, long long id);
  Response staff_libraries(Page& p);
  Response staff_holidays(Page& p, const Fields& typed = {},
                          const std::optional<domain::Failure>& failure = std::nullopt);
  Response staff_holiday_post(Page& p, const std::optional<std::string>& date);
  Response staff_library(Page& p, const std::string& code, const Fields& typed = {},
                         const std::optional<domain::Failure>& failure = std::nullopt);
  Response staff_library_post(Page& p, const std::string& code, LibraryEdit edit, long long id);

 private:
  std::string status_text(Language lang, const domain::Library& library, const domain::OpenStatus& status,
                          const LocalDateTime& now) const;
  std::string applies_to(Language lang, const domain::Notice& notice, const app::NetworkSnapshot& network) const;
  mustache::data notice_item(Language lang, const domain::Notice& notice, const app::NetworkSnapshot& network) const;
  mustache::data pager(Language lang, const std::string& base, int page, long long total, int per_page) const;
  Response notice_form(Page& p, std::optional<long long> id, const domain::NoticeInput& input, long long version,
                       const std::optional<domain::Failure>& failure);
  domain::NoticeInput input_of(const domain::Notice& notice);
  Response library_edit_result(Page& p, const std::string& code, const domain::Outcome<domain::Done>& result);

  PageKit& kit_;
};

}  // namespace shelfmark::web
