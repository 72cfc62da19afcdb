// The Students' Study Room pages: readers' /{lang}/study-room (periods and the application form) and
// /{lang}/account/study-room (outcomes, the printable admission card), and staff's /{lang}/staff/study-room
// (periods, opening one, the applications, allocation, publication, releasing places, checking a card).
// Site dispatches to them; they call app/study_room.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/study_room.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class StudyRoomPages {
 public:
  // `public_url`: put in front of the check link in the card's QR code.
  StudyRoomPages(PageKit& kit, std::string public_url) : kit_(kit), public_url_(std::move(public_url)) {}
  // The periods and a reader's applications, My Account's outcomes and cards, and the staff pages.
  void add_routes(RouteTable& routes);

 private:
  Response periods_page(Page& p, long long form_period, const domain::StudyApplicationForm& form,
                        const std::vector<domain::FieldError>& errors, int status);
  Response apply(Page& p, long long period_id);
  Response withdraw(Page& p, long long application_id);
  Response outcomes(Page& p);
  Response card(Page& p, long long application_id);

  Response staff_periods(Page& p);
  Response staff_new(Page& p, const domain::StudyPeriodForm& form, const std::vector<domain::FieldError>& errors,
                     int status);
  Response staff_create(Page& p);
  Response staff_period(Page& p, long long id, const std::vector<domain::FieldError>& errors = {}, int status = 200);
  Response staff_action(Page& p, long long id, std::string_view action);
  Response staff_release(Page& p, long long application_id);
  Response staff_check(Page& p, const std::string& token);

  std::string t(Language lang, std::string_view msgid) const { return kit_.translations().translate(lang, msgid); }
  std::string tf(Language lang, std::string_view msgid, const std::map<std::string, std::string>& values) const {
    return kit_.translations().format(lang, msgid, values);
  }
  mustache::data period_data(Language lang, const app::StudyPeriodRecord& period) const;
  std::string session_text(Language lang, const app::StudyPeriodRecord& period, int number) const;
  std::string outcome_text(Language lang, domain::StudyOutcome outcome) const;
  std::string content_title(Language lang, const app::StudyPeriodRecord& period) const;

  PageKit& kit_;
  std::string public_url_;
};

}  // namespace shelfmark::web
