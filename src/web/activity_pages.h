// The activity pages: the public list and each activity (/{lang}/activities, with its iCalendar file),
// readers' enrolment and cancellation, My Information (/{lang}/account/information), and the staff's
// /{lang}/staff/activities/* (publishing, enrolment lists with CSV export, attendance). Site dispatches to
// them; they call app/activities.h.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/activities.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class ActivityPages {
 public:
  // public_url: the site's address as readers see it, for the link in a calendar file.
  ActivityPages(PageKit& kit, std::string public_url) : kit_(kit), public_url_(std::move(public_url)) {}
  // The public list and pages, a reader's enrolments and My Information, and the staff pages.
  void add_routes(RouteTable& routes);

 private:
  Response reader_post(Page& p, long long id, bool enrol);
  Response my_information(Page& p);
  Response list(Page& p);
  Response detail(Page& p, long long id, mustache::data content = {}, int status = 200);
  Response ics(Page& p, long long id);

  Response staff_list(Page& p);
  Response staff_form(Page& p, std::optional<long long> id, const domain::ActivityInput& input, long long version,
                      const std::optional<domain::Failure>& failure);
  Response staff_save(Page& p, std::optional<long long> id);
  Response staff_enrolments(Page& p, long long id, mustache::data content = {}, int status = 200);
  Response staff_enrolments_csv(Page& p, long long id);
  Response staff_attendance(Page& p, long long id);

  mustache::data summary(Language lang, const domain::Activity& activity) const;
  domain::ActivityInput input_of(const domain::Activity& activity) const;
  std::string when(Language lang, const domain::Activity& activity) const;
  std::string place(Language lang, const domain::Activity& activity) const;
  std::string t(Language lang, std::string_view msgid) const { return kit_.translations().translate(lang, msgid); }
  std::string tf(Language lang, std::string_view msgid, const std::map<std::string, std::string>& values) const {
    return kit_.translations().format(lang, msgid, values);
  }

  PageKit& kit_;
  std::string public_url_;
};

}  // namespace shelfmark::web
